"""The images pass: every ``<img>`` resolved, cleaned and packaged; the cover too.

For each ``<img>`` of each chapter, in document order:

* ``src`` already naming a key of ``book.assets`` (a reader extracted it,
  e.g. from a DOCX) keeps that asset; the asset is still brought to the
  same standard as the others (core media type, size limits, metadata
  removed, width and height set), renamed only if its format changes;
* ``data:`` URIs are decoded (size-limited) and become assets;
* remote URLs (http, https, ``//host``) are dropped with a warning unless
  the user passed ``--allow-remote``; then :mod:`book.images.remote` fetches them
  (nothing else in make_book touches the network);
* anything else is a path relative to the chapter's source file, resolved
  only through ``ctx.sandbox.resolve`` (absolute paths, ``..`` escapes and
  symlinks leading out are refused).

The bytes go through :func:`book.images.convert.prepare_image` (safe decoding,
conversion to an EPUB core media type, downscaling, metadata removal; its
docstring states the limits and why).  Identical images share one asset,
named ``images/<ascii-slug>.<ext>``.  A dropped image leaves its alt text in
the text as ``<span class="image-alt">``, or nothing when the alt is empty.
``alt`` is never changed: a missing alt stays missing (the accessibility
pass reports it) and ``alt=""`` marks a decorative image.  ``srcset`` and
``<picture>`` sources go (they would name files nobody packaged).  An image
alone in its paragraph becomes a ``<figure>``; ``width``/``height``
attributes that are not whole pixel numbers are dropped (a percentage moves
into ``style``), since XHTML allows only non-negative integers there.

Print preflight: an image prints at its CSS size (its pixel width, or its
``width`` attribute, at 96 px to the inch, WeasyPrint's default), or at the
share of the text block a ``width: NN%`` style gives it, and never wider
than the text block (trim width minus inner and outer margins; the
stylesheets say ``img { max-width: 100% }``).  Checked against the built
PDF with ``pdfimages -list``: the same ppi to the unit.  Below 150 ppi it will
look soft or jagged in print: a warning; below 300 ppi, what KDP, IngramSpark
and Lulu ask for: a note.  Only when a print PDF is among the formats.

The cover (``[metadata] cover`` or ``--cover``) is resolved in the sandbox
too; problems with it are errors naming book.toml, since a book without its
intended cover must not ship silently.  It becomes ``images/cover.jpg``
(PNG when transparent) with the ``cover-image`` property, at most
1600×2560 px and 4 million pixels (see :mod:`book.images.cover`); without a
cover, the EPUB writer generates one (:mod:`book.covers`).

Facts recorded on ``book.facts`` for the accessibility metadata: ``images``
(content images in the book), ``images_with_alt`` (non-empty alt),
``images_decorative`` (empty or blank alt), ``images_without_alt``.

Diagnostic codes:

======  =======  ==========================================================
IMG001  warning  image file not found
IMG002  warning  reference refused (absolute path, escape, link out, scheme)
IMG003  warning  remote image dropped (no ``--allow-remote``)
IMG004  warning  remote image could not be fetched
IMG005  warning  not a readable image (corrupt, unsupported format)
IMG006  warning  image over a safety limit (bytes or pixels)
IMG007  warning  malformed ``data:`` URI
IMG008  warning  scripts or external references removed from an SVG
IMG009  warning  ``<img>`` without ``src``
IMG010  warning  print resolution below 150 ppi
IMG011  note     print resolution below 300 ppi
IMG012  warning  cover smaller than stores accept (625×1000)
IMG013  note     image reduced for the EPUB (print keeps full resolution)
IMG014  note     image converted to an EPUB core media type
IMG015  note     animation or multi-page image reduced to its first frame
IMG016  note     WebP images (EPUB 3.3 core type, unknown to older readers)
======  =======  ==========================================================
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from functools import cached_property
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..context import BuildContext
from ..errors import LimitError, SandboxError, SourceError
from ..images.resolution import print_ppi
from ..limits import MAX_IMAGE_BYTES
from ..model import Asset, Book, Chapter
from ..sandbox import is_data_uri, is_remote
from ..xhtml import element, remove_keep_tail, slugify, source_line, unwrap

if TYPE_CHECKING:
    from ..images.convert import ImagePolicy, PreparedImage

# book.images.convert, .cover and .decode load Pillow (tens of milliseconds):
# they are imported where an image or a cover is there to prepare, so a
# book of text alone never loads it.

#: Effective print resolution below which an image looks poor (warning)...
PRINT_PPI_WARN = 150
#: ...and the resolution print services ask for (note).
PRINT_PPI_GOOD = 300
#: Class of the span that keeps a dropped image's alt text.
ALT_CLASS = "image-alt"
ASSET_FOLDER = "images"

#: Wrappers removed when dropping an image (without alt) leaves them empty.
_PRUNABLE = frozenset({"a", "span", "em", "strong", "i", "b", "p", "picture", "figure"})
_PIXELS = re.compile(r"^\s*(\d{1,6})\s*(?:px)?\s*$", re.IGNORECASE)
_PERCENT = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$")


def run(book: Book, ctx: BuildContext) -> Book:
    """Resolve, convert and register every image and the cover."""
    _ImagesRun(book, ctx).run()
    book.facts.update(image_facts(book))
    return book


def image_facts(book: Book) -> dict[str, int]:
    """Counts of content images by alt text, for the accessibility metadata."""
    facts = {"images": 0, "images_with_alt": 0, "images_decorative": 0, "images_without_alt": 0}
    for chapter in book.chapters:
        for img in chapter.tree.iter("img"):
            facts["images"] += 1
            alt = img.get("alt")
            if alt is None:
                facts["images_without_alt"] += 1
            elif alt.strip():
                facts["images_with_alt"] += 1
            else:
                facts["images_decorative"] += 1
    return facts


class _Drop(Exception):
    """An image that cannot go into the book: the warning to give."""

    def __init__(self, code: str, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint


@dataclass
class _Where:
    """Where an image reference was written, for messages."""

    file: str
    line: int | None
    src: str

    @property
    def label(self) -> str:
        """Prefix for notes, which carry the file but no line of their own."""
        return f"line {self.line}: " if self.line else ""


class _ImagesRun:
    """State of one run of the pass: registered assets, caches, names taken."""

    def __init__(self, book: Book, ctx: BuildContext) -> None:
        self.book, self.ctx = book, ctx
        self.taken = {href.casefold() for href in book.assets}
        self.by_digest: dict[str, Asset | _Drop] = {}
        #: Resolved file → digest of its bytes, so a file is read once.
        self.by_path: dict[Path, str] = {}
        self.fetched: dict[str, bytes | _Drop] = {}
        self.reader_assets: dict[str, str | _Drop] = {}
        self.prepared_here: set[str] = set()
        #: Full-resolution pixel width of each raster asset, for the print check.
        self.print_widths: dict[str, int] = {}
        self.print_checked: set[tuple[str, int]] = set()
        pdf = ctx.config.pdf
        margins = pdf.page_margins
        self.text_width = pdf.trim.width - margins.inner - margins.outer
        self.check_print = "pdf" in ctx.options.formats
        self.webp_noted = False

    @cached_property
    def policy(self) -> ImagePolicy:
        """How content images are brought to the EPUB's standard."""
        from ..images.convert import content_policy

        return content_policy(self.ctx.config.epub.max_image_side)

    # ------------------------------------------------------------ driving

    def run(self) -> None:
        self.register_cover()
        for chapter in self.book.chapters:
            tree = chapter.tree
            if next(tree.iter("img", "picture"), None) is None:
                continue
            flatten_pictures(tree)
            for img in list(tree.iter("img")):
                self.place(img, chapter)
            make_figures(tree)

    def place(self, img: etree._Element, chapter: Chapter) -> None:
        """Resolve one ``<img>``: point it at an asset, or drop it with a warning."""
        for name in ("srcset", "sizes"):
            img.attrib.pop(name, None)
        fix_dimension_attributes(img)
        where = _Where(chapter.source.file, source_line(img), (img.get("src") or "").strip())
        try:
            href = self.href_for(where, chapter)
        except _Drop as drop:
            self.ctx.diag.warn(drop.code, drop.message, file=where.file, line=where.line,
                               hint=drop.hint)
            drop_image(img)
            return
        img.set("src", href)
        if self.check_print and href in self.print_widths:
            self.check_print_resolution(img, href, where)

    def href_for(self, where: _Where, chapter: Chapter) -> str:
        src = where.src
        if not src:
            raise _Drop("IMG009", "image without a source (empty or missing src)")
        if src in self.book.assets:
            return self.reader_asset(src, where)
        if is_data_uri(src):
            from ..images.decode import decode_data_uri

            try:
                data, _declared = decode_data_uri(src, limit=MAX_IMAGE_BYTES)
            except LimitError as exc:
                raise _Drop("IMG006", f"embedded image refused: {exc.message}") from None
            except SourceError as exc:
                raise _Drop("IMG007", f"embedded image dropped: {exc.message}") from None
            return self.register(data, "image", where).href
        if is_remote(src):
            if not self.ctx.options.allow_remote:
                raise _Drop("IMG003", f"remote image {_short(src)} dropped: make_book does not "
                            "fetch from the network",
                            hint="pass --allow-remote, or save the image in the book folder")
            data = self.fetch(where)
            return self.register(data, _url_stem(src), where).href
        path = self.resolve(where, chapter)
        known = self.by_digest.get(self.by_path.get(path, ""))
        if isinstance(known, _Drop):
            raise known
        if known is not None:  # the same file again: no second read
            return known.href
        return self.register(self.read(path, where), path.stem, where, path=path).href

    # ------------------------------------------------------------ sources

    def resolve(self, where: _Where, chapter: Chapter) -> Path:
        base = chapter.source_path.parent if chapter.source_path else self.ctx.sandbox.root
        try:
            path = self.ctx.sandbox.resolve(where.src, base=base, file=where.file, line=where.line)
        except SandboxError as exc:
            raise _Drop("IMG002", f"image refused: {exc.message}", exc.hint) from None
        if not path.exists():
            raise _Drop("IMG001", f"image not found: {_short(where.src)}",
                        "check the path; it is relative to the file that names the image")
        if not path.is_file():
            raise _Drop("IMG005", f"image {_short(where.src)} is not a file")
        return path

    def read(self, path: Path, where: _Where) -> bytes:
        try:
            return self.ctx.sandbox.read_bytes(path, limit=MAX_IMAGE_BYTES, file=where.file,
                                               line=where.line)
        except LimitError as exc:
            raise _Drop("IMG006", f"image {_short(where.src)} refused: {exc.message}") from None
        except SandboxError as exc:
            raise _Drop("IMG002", f"image refused: {exc.message}", exc.hint) from None
        except SourceError as exc:
            raise _Drop("IMG005", f"image {_short(where.src)} unreadable: {exc.message}") from None

    def fetch(self, where: _Where) -> bytes:
        from ..images import remote  # HTTP only for a book with remote images

        url = remote.normalize_url(where.src)
        cached = self.fetched.get(url)
        if cached is None:
            try:
                cached = remote.fetch(url, allow_remote=self.ctx.options.allow_remote,
                                      limit=MAX_IMAGE_BYTES, file=where.file, line=where.line).data
            except LimitError as exc:
                cached = _Drop("IMG006", f"remote image refused: {exc.message}")
            except (SandboxError, SourceError) as exc:
                cached = _Drop("IMG004", f"remote image could not be fetched: {exc.message}")
            self.fetched[url] = cached
        if isinstance(cached, _Drop):
            raise cached
        return cached

    # ------------------------------------------------------------ assets

    def register(self, data: bytes, stem: str, where: _Where, *, path: Path | None = None) -> Asset:
        """The asset for these bytes: an existing one, or a new one."""
        digest = hashlib.sha256(data).hexdigest()
        if path is not None:
            self.by_path[path] = digest
        known = self.by_digest.get(digest)
        if isinstance(known, _Drop):
            raise known
        if known is not None:
            return known
        from ..images.convert import prepare_image

        try:
            prepared = prepare_image(data, self.policy)
        except LimitError as exc:
            drop = _Drop("IMG006", f"image {_short(where.src)} refused: {exc.message}", exc.hint)
            self.by_digest[digest] = drop
            raise drop from None
        except SourceError as exc:
            drop = _Drop("IMG005", f"image {_short(where.src)} dropped: {exc.message}", exc.hint)
            self.by_digest[digest] = drop
            raise drop from None
        href = self.unique_href(stem, prepared.extension)
        asset = Asset(href, prepared.media_type, prepared.data, prepared.print_data,
                      source=_short(where.src), width=prepared.width, height=prepared.height)
        self.book.add_asset(asset)
        self.by_digest[digest] = asset
        self.prepared_here.add(href)
        self.remember_width(href, prepared)
        self.report(prepared, where)
        return asset

    def remember_width(self, href: str, prepared: PreparedImage) -> None:
        if not prepared.is_vector and prepared.print_width:
            self.print_widths[href] = prepared.print_width

    def reader_asset(self, href: str, where: _Where) -> str:
        """An asset a reader registered: brought to standard once, maybe renamed."""
        done = self.reader_assets.get(href)
        if isinstance(done, _Drop):
            raise done
        if done is not None:
            return done
        from ..images.convert import MEDIA_TYPES, prepare_image

        asset = self.book.assets[href]
        if href in self.prepared_here or (asset.print_data is not None and asset.width):
            self.reader_assets[href] = href
            if href not in self.print_widths and asset.width and asset.media_type != MEDIA_TYPES["SVG"]:
                self.print_widths[href] = asset.width  # a lower bound: print may hold more
            return href
        digest = hashlib.sha256(asset.data).hexdigest()
        try:
            prepared = prepare_image(asset.data, self.policy)
        except (LimitError, SourceError) as exc:
            code = "IMG006" if isinstance(exc, LimitError) else "IMG005"
            drop = _Drop(code, f"image {href} dropped: {exc.message}", exc.hint)
            self.reader_assets[href] = drop
            del self.book.assets[href]
            raise drop from None
        final = href
        if prepared.media_type != asset.media_type:
            del self.book.assets[href]
            final = self.unique_href(PurePosixPath(href).stem, prepared.extension)
            asset = Asset(final, prepared.media_type, b"", properties=set(asset.properties),
                          source=asset.source or href)
            self.book.add_asset(asset)
        asset.data, asset.print_data = prepared.data, prepared.print_data
        asset.width, asset.height = prepared.width, prepared.height
        self.reader_assets[href] = final
        self.prepared_here.add(final)
        self.remember_width(final, prepared)
        self.by_digest.setdefault(digest, asset)
        self.report(prepared, where)
        return final

    def unique_href(self, stem: str, extension: str) -> str:
        base = slugify(stem, fallback="image")
        candidate, number = f"{ASSET_FOLDER}/{base}.{extension}", 2
        while candidate.casefold() in self.taken:
            candidate = f"{ASSET_FOLDER}/{base}-{number}.{extension}"
            number += 1
        self.taken.add(candidate.casefold())
        return candidate

    def report(self, prepared: PreparedImage, where: _Where) -> None:
        """Notes and warnings about a newly prepared image (once per image)."""
        from ..images.convert import MEDIA_TYPES

        name = _short(where.src)
        diag = self.ctx.diag
        if prepared.svg_removed:
            diag.warn("IMG008", f"SVG image {name}: removed {', '.join(prepared.svg_removed)}",
                      file=where.file, line=where.line,
                      hint="book images may not run scripts or load other files")
        if prepared.converted:
            diag.note("IMG014", f"{where.label}{name} converted from {prepared.source_format} to "
                      f"{prepared.media_type}", file=where.file)
        if prepared.first_frame_only:
            diag.note("IMG015", f"{where.label}{name} has several frames; only the first is kept",
                      file=where.file)
        if prepared.downscaled:
            diag.note("IMG013", f"{where.label}{name} reduced from {prepared.print_width}×"
                      f"{prepared.print_height} to {prepared.width}×{prepared.height} px for the "
                      "EPUB; the print PDF keeps full resolution", file=where.file)
        if prepared.media_type == MEDIA_TYPES["WEBP"] and not self.webp_noted:
            self.webp_noted = True
            diag.note("IMG016", f"{where.label}{name} is WebP, an EPUB 3.3 core type that older "
                      "reading systems cannot show; JPEG or PNG reach every reader",
                      file=where.file)

    def check_print_resolution(self, img: etree._Element, href: str, where: _Where) -> None:
        """Warn (below 150 ppi) or note (below 300) once per image and size."""
        pixel_width = self.print_widths[href]
        ppi = print_ppi(pixel_width, self.text_width, css_width_px=_css_width_px(img),
                        percent=_width_percent(img))
        if (href, round(ppi)) in self.print_checked:
            return
        self.print_checked.add((href, round(ppi)))
        name = _short(where.src)
        printed = pixel_width / ppi
        wanted = round(printed * PRINT_PPI_GOOD)
        if ppi < PRINT_PPI_WARN:
            self.ctx.diag.warn(
                "IMG010", f"image {name} prints at {ppi:.0f} ppi ({pixel_width} px over "
                f"{printed:.2f} in), below {PRINT_PPI_WARN} ppi: it will look blurred in print",
                file=where.file, line=where.line,
                hint=f"supply it at least {wanted} px wide for {PRINT_PPI_GOOD} ppi")
        elif ppi < PRINT_PPI_GOOD:
            self.ctx.diag.note(
                "IMG011", f"{where.label}image {name} prints at {ppi:.0f} ppi ({pixel_width} px "
                f"over {printed:.2f} in); print services ask for {PRINT_PPI_GOOD} ppi "
                f"({wanted} px)", file=where.file)

    # ------------------------------------------------------------ cover

    def register_cover(self) -> None:
        """The cover as the ``cover-image`` asset (:mod:`book.images.cover`)."""
        if not str(self.ctx.config.metadata.cover or "").strip():
            return  # none given (prepare_cover would say so, after loading Pillow)
        from ..images.cover import prepare_cover

        cover = prepare_cover(self.ctx)
        if cover is None:
            return
        prepared = cover.image
        href = self.unique_href("cover", prepared.extension)
        asset = Asset(href, prepared.media_type, prepared.data, prepared.print_data,
                      properties={"cover-image"}, source=cover.reference,
                      width=prepared.width, height=prepared.height)
        self.book.add_asset(asset)
        self.by_digest[cover.digest] = asset
        self.prepared_here.add(href)
        self.remember_width(href, prepared)


# ---------------------------------------------------------------- tree helpers


def drop_image(img: etree._Element) -> None:
    """Take an image out, leaving its alt text (if any) in a span."""
    parent = img.getparent()
    if parent is None:
        return
    alt = img.get("alt")
    if alt and alt.strip():
        span = element("span", alt, class_=ALT_CLASS)
        span.tail = img.tail
        parent.replace(img, span)
        return
    remove_keep_tail(img)
    _prune_empty(parent)


def _prune_empty(el: etree._Element | None) -> None:
    """Remove wrappers an image removal left empty (never ones with an id)."""
    while (el is not None and el.tag in _PRUNABLE and len(el) == 0
           and not (el.text or "").strip() and el.get("id") is None):
        parent = el.getparent()
        if parent is None:
            return
        remove_keep_tail(el)
        el = parent


def flatten_pictures(tree: etree._Element) -> None:
    """``<picture>`` → its ``<img>`` (the ``<source>`` files are not packaged)."""
    for picture in list(tree.iter("picture")):
        for source in picture.findall("source"):
            remove_keep_tail(source)
        unwrap(picture)


def fix_dimension_attributes(img: etree._Element) -> None:
    """Keep ``width``/``height`` only as whole pixel numbers (XHTML's rule)."""
    for name in ("width", "height"):
        value = img.get(name)
        if value is None:
            continue
        pixels = _PIXELS.match(value)
        if pixels:
            img.set(name, str(int(pixels.group(1))))
            continue
        del img.attrib[name]
        percent = _PERCENT.match(value)
        if percent:
            style = (img.get("style") or "").strip().rstrip(";")
            img.set("style", f"{style}; {name}: {percent.group(1)}%" if style
                    else f"{name}: {percent.group(1)}%")


def make_figures(tree: etree._Element) -> None:
    """A paragraph holding only an image (maybe linked) becomes a ``<figure>``."""
    for paragraph in list(tree.iter("p")):
        child = _lone_image(paragraph)
        if child is None:
            continue
        paragraph.text = None
        child.tail = None
        parent = paragraph.getparent()
        if parent is not None and parent.tag == "figure":
            unwrap(paragraph)  # the reader already made the figure (and its caption)
        else:
            paragraph.tag = "figure"


def _lone_image(paragraph: etree._Element) -> etree._Element | None:
    if len(paragraph) != 1 or (paragraph.text or "").strip():
        return None
    child = paragraph[0]
    if not isinstance(child.tag, str) or (child.tail or "").strip():
        return None
    if child.tag == "img":
        return child
    if (child.tag == "a" and len(child) == 1 and child[0].tag == "img"
            and not (child.text or "").strip() and not (child[0].tail or "").strip()):
        return child
    return None


# ---------------------------------------------------------------- small helpers


def _short(src: str, limit: int = 100) -> str:
    """A reference as shown in messages (data: URIs abbreviated)."""
    if is_data_uri(src):
        head = src.split(",", 1)[0]
        return f"{head[:60]},… ({len(src):,} characters)"
    return src if len(src) <= limit else src[:limit] + "…"


_STYLE_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*(\d{1,3}(?:\.\d+)?)\s*%", re.IGNORECASE)


_CLASS_WIDTHS = {"full": 100.0, "wide": 90.0, "narrow": 50.0}


def _width_percent(img: etree._Element) -> float | None:
    """The share of the text block the image gets: an inline ``width: NN%``
    style, or a ``width-NN`` class (styles/base.css) on it or its figure."""
    style = _STYLE_WIDTH.search(img.get("style") or "")
    if style:
        return float(style.group(1))
    parent = img.getparent()
    for el in (img, parent if parent is not None and parent.tag == "figure" else None):
        if el is None:
            continue
        for name in (el.get("class") or "").split():
            if name.startswith("width-"):
                value = name[len("width-"):]
                if value.isdigit():
                    return float(value)
                if value in _CLASS_WIDTHS:
                    return _CLASS_WIDTHS[value]
    return None


def _css_width_px(img: etree._Element) -> float | None:
    value = img.get("width")
    return float(value) if value and value.isdigit() and int(value) > 0 else None


def _url_stem(url: str) -> str:
    from ..images import remote

    path = unquote(urlsplit(remote.normalize_url(url)).path)
    return PurePosixPath(path).stem or "image"
