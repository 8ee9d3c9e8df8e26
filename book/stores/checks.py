"""The store checks: a finished EPUB against each store's table (:mod:`.profiles`).

Every finding has a stable code, the store(s) it concerns in its message
and a fix hint.  A rule that is the same for several stores gives one
finding naming them all.

=======  ===================  ==================================================
STO001   error                the file is larger than the store accepts
STO002   error                an EPUB version the store does not take
STO003   error                title, language, identifier or author missing
STO004   error / warning      no ISBN as identifier where a store needs / advises it
STO005   error / warning      no cover image in the EPUB (Google requires one)
STO006   error                cover below the store's minimum size
STO007   error                cover above the store's maximum size
STO008   info                 cover below the size the store recommends
STO009   error                cover in a format the store refuses (Kobo: GIF)
STO010   error / warning      image over the store's pixel limit / recommendation
STO011   warning              image file larger than the store advises
STO012   warning              CMYK image where the store asks for RGB
STO013   error                font whose licence forbids embedding (fsType)
STO014   warning              font that cannot be read, or without licence flags
STO015   error                content loaded from the network (remote resource)
STO020   error                not a readable EPUB
=======  ===================  ==================================================
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

import tinycss2
from lxml import etree

from ..check.report import Finding
from ..errors import MakeBookError
from ..limits import MAX_IMAGE_BYTES, MAX_TEXT_BYTES
from ..safexml import parse_xml
from .epubfile import EpubFile, ManifestItem, is_remote, open_epub
from .fonts import FontLicence, deobfuscate, read_licence
from .profiles import MB, StoreProfile

TOOL = "stores"
_ISBN = re.compile(r"^(?:urn:isbn:)?(97[89][0-9-]{10,14}|[0-9-]{9,12}[0-9Xx])$", re.IGNORECASE)
#: Attributes that load a resource (hyperlinks, ``a``/``area`` ``href``, do not).
_LOADING_ATTRIBUTES = ("src", "data", "poster", "{http://www.w3.org/1999/xlink}href", "srcset")


def _names(profiles: Iterable[StoreProfile]) -> str:
    return ", ".join(p.title for p in profiles)


class _Run:
    def __init__(self, epub: EpubFile, profiles: list[StoreProfile]) -> None:
        self.epub, self.profiles = epub, profiles
        self.findings: list[Finding] = []

    def find(self, code: str, severity: str, message: str, file: str | None = None,
             hint: str | None = None, location: str | None = None) -> None:
        self.findings.append(Finding(code, severity, message, TOOL, file or self.epub.path.name,
                                     location, hint))


def check_epub_for_stores(path: Path, profiles: list[StoreProfile]) -> list[Finding]:
    """Every store rule for ``profiles`` on the EPUB at ``path``."""
    try:
        epub = open_epub(path)
    except MakeBookError as exc:
        return [Finding("STO020", "error", f"not a readable EPUB: {exc.message}", TOOL, path.name,
                        hint="EPUBCheck names the exact problem")]
    run = _Run(epub, profiles)
    try:
        for rule in (_file_size, _version, _metadata, _isbn, _cover, _images, _fonts, _remote):
            rule(run)
    finally:
        epub.close()
    return run.findings


# ---------------------------------------------------------------- the package


def _file_size(run: _Run) -> None:
    size = run.epub.size
    for profile in run.profiles:
        if size > profile.max_file_bytes:
            run.find("STO001", "error",
                     f"{profile.title}: the file is {size / MB:,.1f} MB; the store accepts at most "
                     f"{profile.max_file_bytes / MB:,.0f} MB",
                     hint="make images smaller (JPEG quality, pixel size) or split the book")


def _version(run: _Run) -> None:
    refusing = [p for p in run.profiles if run.epub.version not in p.epub_versions]
    if refusing:
        run.find("STO002", "error", f"{_names(refusing)}: the package says EPUB version "
                 f"{run.epub.version or '(none)'}; the stores take "
                 f"{' and '.join(sorted({v for p in refusing for v in p.epub_versions}))}",
                 file=run.epub.package_path, hint="rebuild the book as EPUB 3")


def _metadata(run: _Run) -> None:
    meta = run.epub.metadata
    wanted = {"dc:title": "a title", "dc:language": "a language", "dc:identifier": "an identifier",
              "dc:creator": "an author (dc:creator)"}
    for key, what in wanted.items():
        if not any(value.strip() for value in meta.get(key, [])):
            run.find("STO003", "error", f"{_names(run.profiles)}: the package has no {what}; "
                     "stores match the file to its listing by its metadata",
                     file=run.epub.package_path,
                     hint=f"set it in book.toml [metadata] ({key.split(':')[1]})")


def _isbn(run: _Run) -> None:
    identifier = run.epub.identifier or next(iter(run.epub.metadata.get("dc:identifier", [])), "")
    if _ISBN.match(identifier.strip()):
        return
    for level, severity in (("required", "error"), ("recommended", "warning")):
        stores = [p for p in run.profiles if p.isbn == level]
        if stores:
            run.find("STO004", severity, f"{_names(stores)}: the identifier "
                     f"({identifier or 'none'}) is not an ISBN; the store matches the file to its "
                     "metadata by the ISBN in dc:identifier (or in the file name)",
                     file=run.epub.package_path,
                     hint="give the ebook's ISBN: book.toml isbn = \"978-...\" or --isbn")


# ---------------------------------------------------------------- images


def _image_facts(run: _Run, item: ManifestItem) -> tuple[int, int, str, int] | None:
    """(width, height, mode, bytes) of a raster image, or None."""
    from PIL import Image

    try:
        data = run.epub.read(item, MAX_IMAGE_BYTES)
    except MakeBookError:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:  # headers only
                return image.width, image.height, image.mode, len(data)
    except Exception:  # noqa: BLE001 - EPUBCheck reports damaged images
        return None


def _cover(run: _Run) -> None:
    cover = run.epub.cover
    if cover is None:
        for required, severity in ((True, "error"), (False, "warning")):
            stores = [p for p in run.profiles if p.cover_required == required]
            if stores:
                run.find("STO005", severity, f"{_names(stores)}: the EPUB has no cover image "
                         "(no manifest item with properties=\"cover-image\")",
                         file=run.epub.package_path,
                         hint="build it with make-book (a cover is generated when none is "
                         "given) or add --cover")
        return
    for profile in run.profiles:
        if cover.media_type in profile.cover_refused_types:
            run.find("STO009", "error", f"{profile.title}: the cover is {cover.media_type}, which "
                     "the store does not take for covers", file=cover.path,
                     hint="use a JPEG or PNG cover")
    facts = _image_facts(run, cover)
    if facts is None:
        return
    width, height = facts[0], facts[1]
    for profile in run.profiles:
        low = []
        if profile.cover_min and (width < profile.cover_min[0] or height < profile.cover_min[1]):
            low.append(f"{profile.cover_min[0]} × {profile.cover_min[1]} px")
        if profile.cover_min_short_side and min(width, height) < profile.cover_min_short_side:
            low.append(f"{profile.cover_min_short_side} px on the shorter side")
        if low:
            run.find("STO006", "error", f"{profile.title}: the cover is {width} × {height} px; the "
                     f"store asks for at least {' and '.join(low)}", file=cover.path,
                     hint="supply a larger cover image (1600 × 2560 px suits every store)")
        if profile.cover_max_side and max(width, height) > profile.cover_max_side:
            run.find("STO007", "error", f"{profile.title}: the cover is {width} × {height} px; the "
                     f"store takes at most {profile.cover_max_side} px on a side", file=cover.path,
                     hint="scale the cover down")
        ideal = profile.cover_ideal
        if ideal and not low and (width < ideal[0] or height < ideal[1]):
            run.find("STO008", "info", f"{profile.title}: the cover is {width} × {height} px; the "
                     f"store recommends {ideal[0]} × {ideal[1]}", file=cover.path,
                     hint="a larger cover looks sharper on high-resolution screens")


def _images(run: _Run) -> None:
    for item in run.epub.of_type("image/"):
        if item.media_type == "image/svg+xml" or is_remote(item.href):
            continue
        facts = _image_facts(run, item)
        if facts is None:
            continue
        width, height, mode, size = facts
        pixels = width * height
        for profile in run.profiles:
            advised, absolute = profile.image_max_pixels
            if absolute and pixels > absolute:
                run.find("STO010", "error", f"{profile.title}: {width} × {height} px is "
                         f"{pixels / 1e6:.1f} million pixels; images in a book may have at most "
                         f"{absolute / 1e6:.1f} million", file=item.path,
                         hint="scale the image down (make-book keeps EPUB images under 4 million)")
            elif advised and pixels > advised:
                run.find("STO010", "warning", f"{profile.title}: {width} × {height} px is "
                         f"{pixels / 1e6:.1f} million pixels; the store asks for at most "
                         f"{advised / 1e6:.0f} million in an image", file=item.path,
                         hint="scale the image down")
            if profile.image_max_bytes and size > profile.image_max_bytes:
                run.find("STO011", "warning", f"{profile.title}: the image is {size / MB:.1f} MB; "
                         f"the store advises at most {profile.image_max_bytes / MB:.0f} MB",
                         file=item.path, hint="compress it or reduce its pixel size")
        if mode == "CMYK":
            stores = [p for p in run.profiles if p.rgb_images]
            if stores:
                run.find("STO012", "warning", f"{_names(stores)}: the image is CMYK; the stores "
                         "ask for RGB (sRGB) images", file=item.path,
                         hint="convert it to sRGB (make-book converts images it packages)")


# ---------------------------------------------------------------- fonts


def _fonts(run: _Run) -> None:
    epub = run.epub
    fonts = [item for item in epub.items
             if item.media_type.startswith(("font/", "application/font", "application/x-font",
                                            "application/vnd.ms-opentype"))]
    stores = _names(run.profiles)
    for item in fonts:
        try:
            data = epub.read(item)
        except MakeBookError as exc:
            run.find("STO014", "warning", f"the font cannot be read: {exc.message}", file=item.path)
            continue
        algorithm = epub.encrypted.get(item.path)
        if algorithm:
            data = deobfuscate(data, algorithm, epub.identifier)
            if data is None:
                run.find("STO014", "warning", f"{stores}: the font is encrypted ({algorithm}); its "
                         "licence flags cannot be checked", file=item.path,
                         hint="make sure its licence allows embedding in ebooks")
                continue
        try:
            licence: FontLicence = read_licence(data)
        except ValueError as exc:
            run.find("STO014", "warning", f"the font cannot be read ({exc})", file=item.path,
                     hint="EPUBCheck reports fonts that are damaged")
            continue
        name = licence.family or item.path
        if licence.fs_type is None:
            run.find("STO014", "warning", f"{stores}: the font {name} states no licence flags (no "
                     "OS/2 table)", file=item.path,
                     hint="make sure its licence allows embedding in ebooks")
        elif licence.restricted:
            run.find("STO013", "error", f"{stores}: the font {name} has fsType "
                     f"0x{licence.fs_type:04x}, \"Restricted License embedding\": its licence "
                     "forbids embedding it", file=item.path,
                     hint="use a font licensed for embedding (SIL OFL fonts are), or leave it out")
        elif licence.bitmap_only:
            run.find("STO013", "error", f"{stores}: the font {name} allows embedding of its "
                     f"bitmaps only (fsType 0x{licence.fs_type:04x}), not of its outlines",
                     file=item.path, hint="use a font licensed for embedding")


# ---------------------------------------------------------------- remote resources


def _css_urls(text: str) -> list[str]:
    """Every ``url()`` and ``@import`` target in CSS (tinycss2 tokens, any nesting)."""
    urls: list[str] = []

    def walk(tokens) -> None:
        importing = False
        for token in tokens:
            kind = token.type
            if kind == "url":
                urls.append(token.value)
            elif kind == "function":
                if token.lower_name == "url":
                    urls.extend(arg.value for arg in token.arguments if arg.type == "string")
                walk(token.arguments)
            elif kind in ("() block", "[] block", "{} block"):
                walk(token.content)
            elif kind == "at-keyword":
                importing = token.lower_value == "import"
                continue
            elif kind == "string" and importing:
                urls.append(token.value)
            if kind not in ("whitespace", "comment"):
                importing = False

    walk(tinycss2.parse_component_value_list(text, skip_comments=True))
    return urls


def _remote(run: _Run) -> None:
    epub = run.epub
    stores = _names(run.profiles)
    seen: set[tuple[str, str]] = set()

    def report(url: str, file: str, line: int | None = None) -> None:
        if (url, file) in seen:
            return
        seen.add((url, file))
        run.find("STO015", "error", f"{stores}: the book loads {url[:120]!r} from the network; "
                 "stores refuse content that is not inside the EPUB", file=file,
                 location=str(line) if line else None,
                 hint="put the file inside the EPUB (make-book fetches remote images only with "
                 "--allow-remote, and packs them)")

    for item in epub.items:
        if is_remote(item.href):
            report(item.href, epub.package_path)
    for item in epub.items:
        if is_remote(item.href):
            continue
        if item.media_type in ("application/xhtml+xml", "image/svg+xml"):
            try:
                root = parse_xml(epub.read(item, MAX_TEXT_BYTES), file=item.path)
            except MakeBookError:
                continue  # EPUBCheck reports documents that are not well-formed
            _document_urls(root, item.path, report)
        elif item.media_type == "text/css":
            try:
                text = epub.read(item, MAX_TEXT_BYTES).decode("utf-8", "replace")
            except MakeBookError:
                continue
            for url in _css_urls(text):
                if is_remote(url):
                    report(url, item.path)


def _document_urls(root: etree._Element, path: str, report) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        for attribute in _LOADING_ATTRIBUTES:
            value = el.get(attribute)
            if not value:
                continue
            candidates = ([part.strip().split()[0] for part in value.split(",") if part.strip()]
                          if attribute == "srcset" else [value])
            for url in candidates:
                if is_remote(url) and not (local == "a" and attribute.endswith("href")):
                    report(url, path, el.sourceline)
        if local == "link" and is_remote(el.get("href") or ""):
            rel = (el.get("rel") or "").lower().split()
            if {"stylesheet", "icon", "preload", "prefetch", "import"} & set(rel) or not rel:
                report(el.get("href"), path, el.sourceline)
        if local == "style" and el.text:
            for url in _css_urls(el.text):
                if is_remote(url):
                    report(url, path, el.sourceline)
        style = el.get("style")
        if style:
            for url in _css_urls(style):
                if is_remote(url):
                    report(url, path, el.sourceline)
