"""book.toml: the project file, parsed and checked.

A book project is a folder with a ``book.toml``.  Every key is checked: a
typo or a wrong type is an error naming the file and line, never a silently
ignored setting.  The README's "book.toml reference" documents each key; the
dataclasses below are the same list in code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic
from .errors import ConfigError
from .geometry import DEFAULT_TRIM, Margins, Trim, default_margins, parse_length, parse_trim
from .language_tags import check_registered, is_well_formed, suggest_for_malformed
from .model import MARC_ROLES, Contributor, Epigraph, Matter, Metadata, Series
from .printshops import SERVICES, TARGETS, PrintService

CONFIG_NAME = "book.toml"

PDF_VARIANTS = ("pdf/x-4", "pdf/x-3", "pdf/x-1a", "none")
BLEED_EDGES = ("all", "outer")
SCREEN_VARIANTS = ("pdf/ua-1", "none")
NOTE_PLACEMENTS = ("footnotes", "chapter-end", "book-end")
THEMES = ("classic", "modern")
#: Designs of the generated cover (book/covers/designs.py; kept in step by a test).
COVER_DESIGNS = ("classic", "modern", "band")


@dataclass
class ContentEntry:
    """One ``[content] files`` item: a path or glob, with optional role."""

    pattern: str
    matter: Matter | None = None
    kind: str | None = None


@dataclass
class ContentConfig:
    files: list[ContentEntry] = field(default_factory=list)
    encoding: str | None = None
    #: Split single files into chapters at level-1 headings ("auto" splits
    #: when a file holds more than one h1).
    split: str = "auto"


#: ``[structure] headings``: find headings ("auto") or take none but the patterns.
HEADING_MODES = ("auto", "none")
#: ``[structure] paragraphs``: how a plain-text source marks its paragraphs.
PARAGRAPH_MODES = ("auto", "blank-lines", "indent", "one-per-line")


@dataclass
class StructureConfig:
    """How plain-text sources are read when the heuristics guess wrong
    (``[structure]``; like calibre's structure-detection options)."""

    #: A line matching this regular expression (whole line) is a chapter heading.
    chapter_pattern: str = ""
    #: A line matching this regular expression is a part heading.
    part_pattern: str = ""
    #: "auto": find headings; "none": only the patterns above make headings.
    headings: str = "auto"
    #: "auto" (measured), "blank-lines", "indent" or "one-per-line".
    paragraphs: str = "auto"


@dataclass
class StyleConfig:
    theme: str = "classic"
    css: list[str] = field(default_factory=list)
    font_size: str = "10.5pt"
    line_height: float = 1.35


@dataclass
class PdfConfig:
    trim: Trim = field(default_factory=lambda: parse_trim(DEFAULT_TRIM))
    margins: Margins | None = None
    bleed: float = 0.0
    #: "all" sides, or "outer": top, bottom and fore-edge only (KDP).
    bleed_edges: str = "all"
    marks: bool = False
    #: PDF outlines in the print interior (KDP asks for none).
    bookmarks: bool = True
    #: Print service whose rules apply ("kdp", "ingramspark", "lulu"; "" none).
    target: str = ""
    #: Set when the preflight widened the default margins to the service's gutter.
    margins_widened: bool = False
    variant: str = "pdf/x-4"
    screen_variant: str = "pdf/ua-1"
    full_fonts: bool = False
    notes: str = "footnotes"
    #: Half-title, title page, imprint, contents before the text.
    front_matter: bool = True
    toc: bool = True
    #: Levels in the printed contents below each chapter (0 = chapters only).
    toc_depth: int = 1
    #: Verso running head: the book's "title" or its "author".
    verso_head: str = "title"
    #: CMYK ICC profile of the press (a file in the book folder) for the
    #: PDF/X output intent; empty = a system CMYK profile when one exists.
    output_profile: str = ""

    @property
    def page_margins(self) -> Margins:
        return self.margins or default_margins(self.trim)

    def apply_target(self, name: str) -> PrintService:
        """Set these settings to what print service ``name`` asks (:mod:`book.printshops`).

        Crop marks off (every service rejects them), fonts embedded whole (KDP
        recommends it; nobody refuses it), the service's bleed edges, bookmark
        rule and PDF/X variant.  Settings given explicitly afterwards win.
        """
        service = SERVICES[name]
        self.target = name
        self.marks = False
        self.full_fonts = True
        self.bleed_edges = service.bleed_edges
        self.bookmarks = service.bookmarks
        if service.variant:
            self.variant = service.variant
        return service


@dataclass
class CoverConfig:
    """The paperback cover wrap (``--format cover``) and the generated cover."""

    #: Paper of the interior, for the spine width: "white" or "cream".
    paper: str = "white"
    #: Colours of the wrap: "#rrggbb" or "device-cmyk(c m y k)".
    background: str = "#1f2a36"
    foreground: str = "#ffffff"
    #: Text of the back panel (default: the metadata description).
    back_text: str = ""
    #: Design of the cover generated when no image is given: "classic",
    #: "modern" or "band" (book/covers/designs.py).
    design: str = "classic"


#: A colour the cover accepts: hex RGB or CMYK ink values.
_COVER_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|device-cmyk\((?:\s*(?:0|1|0?\.\d+)\s*){4}\))$")


@dataclass
class EpubConfig:
    #: Insert soft hyphens for reading systems that do not hyphenate.
    soft_hyphens: bool = False
    #: Longest side, in pixels, of images packed into the EPUB.
    max_image_side: int = 2048
    #: Largest XHTML file before a chapter is split at a section boundary.
    split_bytes: int = 300_000
    notes: str = "chapter-end"
    toc_depth: int = 3


@dataclass
class TypographyConfig:
    enabled: bool = True
    #: Quote style variant, e.g. "guillemets" for German »…«, "swiss" for
    #: «…», "double" for British “…”, "single" for ‘…’ first; "auto" (or
    #: "default") = the language's default; "straight" leaves " and ' alone.
    quotes: str = "auto"
    #: Dialogue dash: "auto", "em" or "en".
    dialogue_dash: str = "auto"
    #: Bind one-letter words to the next word (Polish, Czech): "all",
    #: "titles" (headings only) or "off".
    single_letter_words: str = "all"
    #: Replace U+202F (French narrow no-break space) in the EPUB with this
    #: fallback for readers that lack it: "nbsp", "thin" or "keep".
    epub_narrow_space: str = "nbsp"


@dataclass
class AccessibilityConfig:
    #: Who certifies the conformance claim (defaults to the publisher).
    certified_by: str = ""
    #: A sentence added to the computed accessibility summary.
    summary_note: str = ""
    #: accessibilityHazard values; "none" when the book has none.
    hazards: list[str] = field(default_factory=lambda: ["none"])


@dataclass
class ProjectConfig:
    """Everything book.toml (and the command line) can set."""

    root: Path
    file: Path | None = None
    metadata: Metadata = field(default_factory=Metadata)
    content: ContentConfig = field(default_factory=ContentConfig)
    structure: StructureConfig = field(default_factory=StructureConfig)
    style: StyleConfig = field(default_factory=StyleConfig)
    pdf: PdfConfig = field(default_factory=PdfConfig)
    epub: EpubConfig = field(default_factory=EpubConfig)
    cover: CoverConfig = field(default_factory=CoverConfig)
    typography: TypographyConfig = field(default_factory=TypographyConfig)
    accessibility: AccessibilityConfig = field(default_factory=AccessibilityConfig)
    #: Warnings found while parsing book.toml (before a build has its
    #: Diagnostics); :func:`book.build.load_book` reports them.
    warnings: list[Diagnostic] = field(default_factory=list)


# ---------------------------------------------------------------- parsing


class _Reader:
    """Reads typed values out of the parsed TOML with precise errors."""

    def __init__(self, path: Path, display: str, text: str) -> None:
        self.path = path
        self.display = display
        self.lines = text.splitlines()
        self.warnings: list[Diagnostic] = []

    def line_of(self, section: str, key: str | None = None) -> int | None:
        """Best-effort line number of ``[section]`` or of ``key`` inside it."""
        current = ""
        header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
        for number, line in enumerate(self.lines, 1):
            match = header.match(line)
            if match:
                current = match.group(1).strip()
                if key is None and current == section:
                    return number
                continue
            if key is not None and current == section:
                if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
                    return number
        if key is not None and section == "":
            return None
        return self.line_of(section) if key is not None else None

    def error(self, message: str, section: str, key: str | None = None,
              hint: str | None = None) -> ConfigError:
        return ConfigError(message, file=self.display, line=self.line_of(section, key), hint=hint)

    def warn(self, code: str, message: str, section: str, key: str | None = None,
             hint: str | None = None) -> None:
        """Keep a warning for the build to report (the file is still usable)."""
        self.warnings.append(Diagnostic(code, message, self.display, self.line_of(section, key), hint))

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise self.error(f"[{name}] must be a table", "", name)
        return value

    def check_keys(self, table: dict[str, Any], section: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                close = ", ".join(sorted(allowed))
                raise self.error(f"unknown key {key!r} in [{section}] (known keys: {close})",
                                 section, key)

    def string(self, table: dict[str, Any], section: str, key: str, default: str = "") -> str:
        value = table.get(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key in {
            "date", "isbn", "edition", "position"
        }:
            value = str(value)
        if hasattr(value, "isoformat"):  # TOML dates arrive as date objects
            value = value.isoformat()
        if not isinstance(value, str):
            raise self.error(f"{section}.{key} must be a string", section, key)
        return value.strip()

    def boolean(self, table: dict[str, Any], section: str, key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"{section}.{key} must be true or false", section, key)
        return value

    def integer(self, table: dict[str, Any], section: str, key: str, default: int,
                lo: int, hi: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise self.error(f"{section}.{key} must be a whole number from {lo} to {hi}",
                             section, key)
        return value

    def choice(self, table: dict[str, Any], section: str, key: str, default: str,
               options: tuple[str, ...]) -> str:
        value = self.string(table, section, key, default).lower()
        if value not in options:
            raise self.error(f"{section}.{key} must be one of {', '.join(options)}, not {value!r}",
                             section, key)
        return value

    def string_list(self, table: dict[str, Any], section: str, key: str) -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{section}.{key} must be a string or a list of strings", section, key)
        return [v.strip() for v in value if v.strip()]


def _contributors(r: _Reader, table: dict[str, Any], key: str, default_role: str) -> list[Contributor]:
    raw = table.get(key, [])
    if isinstance(raw, (str, dict)):
        raw = [raw]
    if not isinstance(raw, list):
        raise r.error(f"metadata.{key} must be a name, a list of names or of tables", "metadata", key)
    people = []
    for item in raw:
        if isinstance(item, str):
            people.append(Contributor(item.strip(), default_role))
        elif isinstance(item, dict):
            extra = set(item) - {"name", "role", "file_as"}
            if extra or not isinstance(item.get("name"), str):
                raise r.error(f"metadata.{key} entries need a name (and may have role, file_as)",
                              "metadata", key)
            role = str(item.get("role", default_role)).strip().lower()
            if role not in MARC_ROLES:
                raise r.error(f"unknown MARC relator role {role!r} in metadata.{key} "
                              f"(e.g. aut, edt, trl, ill)", "metadata", key)
            people.append(Contributor(item["name"].strip(), role, item.get("file_as")))
        else:
            raise r.error(f"metadata.{key} entries must be names or tables", "metadata", key)
    return people


def _metadata(r: _Reader, table: dict[str, Any], root: Path) -> Metadata:
    allowed = {
        "title", "subtitle", "author", "authors", "contributors", "language", "lang",
        "identifier", "isbn", "print_isbn", "publisher", "date", "description", "subjects",
        "keywords", "series", "series_position", "rights", "edition", "cover", "dedication",
        "epigraph",
    }
    r.check_keys(table, "metadata", allowed)
    s = lambda key: r.string(table, "metadata", key)  # noqa: E731
    meta = Metadata(
        title=s("title"), subtitle=s("subtitle"), identifier=s("identifier"),
        isbn=_isbn(r, s("isbn"), "isbn"), print_isbn=_isbn(r, s("print_isbn"), "print_isbn"),
        publisher=s("publisher"), date=_date(r, s("date")), description=s("description"),
        rights=s("rights"), edition=s("edition"), dedication=s("dedication"),
        language=s("language") or s("lang"),
        subjects=r.string_list(table, "metadata", "subjects"),
        keywords=r.string_list(table, "metadata", "keywords"),
    )
    meta.authors = _contributors(r, table, "authors", "aut") + _contributors(r, table, "author", "aut")
    meta.contributors = _contributors(r, table, "contributors", "ctb")
    if meta.language:
        _check_language(r, meta.language, "language" if "language" in table else "lang")
    series = table.get("series")
    if isinstance(series, str):
        position = table.get("series_position")
        meta.series = Series(series.strip(), str(position) if position is not None else None)
    elif isinstance(series, dict):
        if not isinstance(series.get("name"), str):
            raise r.error("metadata.series needs a name", "metadata", "series")
        pos = series.get("position")
        meta.series = Series(series["name"].strip(), str(pos) if pos is not None else None)
    elif series is not None:
        raise r.error("metadata.series must be a name or a table {name, position}", "metadata", "series")
    epigraph = table.get("epigraph")
    if isinstance(epigraph, str):
        meta.epigraph = Epigraph(epigraph.strip())
    elif isinstance(epigraph, dict):
        meta.epigraph = Epigraph(str(epigraph.get("text", "")).strip(), str(epigraph.get("source", "")).strip())
    elif epigraph is not None:
        raise r.error("metadata.epigraph must be text or a table {text, source}", "metadata", "epigraph")
    cover = s("cover")
    if cover:
        meta.cover = Path(cover)  # resolved through the sandbox by the images pass
    for name in ("title", "subtitle", "language", "identifier", "isbn", "publisher", "date",
                 "description", "rights", "authors", "cover"):
        if getattr(meta, name):
            meta.origins[name] = CONFIG_NAME
    return meta


def _check_language(r: _Reader, tag: str, key: str) -> None:
    """A malformed tag is an error; one the IANA registry does not know (or
    deprecates) is kept, with a warning naming the closest registered tag."""
    if not is_well_formed(tag):
        suggestion = suggest_for_malformed(tag)
        raise r.error(f"metadata.{key} {tag!r} is not a BCP 47 tag such as pl or en-GB",
                      "metadata", key, hint=f"did you mean {suggestion}?" if suggestion else None)
    problem = check_registered(tag)
    if problem is not None:
        r.warn(problem.code, f"metadata.{key} {tag!r}: {problem.reason}", "metadata", key,
               hint=problem.hint())


def _isbn(r: _Reader, value: str, key: str) -> str:
    if not value:
        return ""
    digits = re.sub(r"[\s-]", "", value).upper()
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        if (10 - total % 10) % 10 == int(digits[12]):
            return digits
    elif len(digits) == 10 and re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        if total % 11 == 0:
            return digits
    raise r.error(f"metadata.{key} {value!r} is not a valid ISBN-10 or ISBN-13 (check digit)",
                  "metadata", key)


def _date(r: _Reader, value: str) -> str:
    if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise r.error(f"metadata.date {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD", "metadata", "date")
    return value


def _content(r: _Reader, table: dict[str, Any]) -> ContentConfig:
    r.check_keys(table, "content", {"files", "encoding", "split"})
    raw = table.get("files", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise r.error("content.files must be a list", "content", "files")
    entries = []
    for item in raw:
        if isinstance(item, str):
            entries.append(ContentEntry(item))
        elif isinstance(item, dict) and isinstance(item.get("file"), str):
            extra = set(item) - {"file", "matter", "kind"}
            if extra:
                raise r.error(f"unknown keys {sorted(extra)} in a content.files entry", "content", "files")
            matter = item.get("matter")
            try:
                matter_value = {"front": Matter.FRONT, "body": Matter.BODY, "back": Matter.BACK}[
                    matter] if matter else None
            except KeyError:
                raise r.error(f"content.files matter must be front, body or back, not {matter!r}",
                              "content", "files") from None
            entries.append(ContentEntry(item["file"], matter_value, item.get("kind")))
        else:
            raise r.error("content.files entries must be paths or tables {file, matter, kind}",
                          "content", "files")
    encoding = r.string(table, "content", "encoding") or None
    split = r.choice(table, "content", "split", "auto", ("auto", "h1", "none"))
    return ContentConfig(entries, encoding, split)


def check_pattern(value: str, what: str) -> str:
    """``value`` when it is a regular expression Python can compile; the
    error names ``what`` and says why not."""
    if not value:
        return value
    try:
        re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{what} is not a valid regular expression: {exc}") from None
    return value


def _structure(r: _Reader, table: dict[str, Any]) -> StructureConfig:
    r.check_keys(table, "structure", {f.name for f in fields(StructureConfig)})
    structure = StructureConfig(
        headings=r.choice(table, "structure", "headings", "auto", HEADING_MODES),
        paragraphs=r.choice(table, "structure", "paragraphs", "auto", PARAGRAPH_MODES),
    )
    for key in ("chapter_pattern", "part_pattern"):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise r.error(f"structure.{key} must be a string", "structure", key)
        try:
            setattr(structure, key, check_pattern(value.strip(), f"structure.{key}"))
        except ConfigError as exc:
            raise r.error(exc.message, "structure", key) from None
    return structure


def _style(r: _Reader, table: dict[str, Any]) -> StyleConfig:
    r.check_keys(table, "style", {"theme", "css", "font_size", "line_height"})
    style = StyleConfig(
        theme=r.choice(table, "style", "theme", "classic", THEMES),
        css=r.string_list(table, "style", "css"),
        font_size=r.string(table, "style", "font_size", "10.5pt"),
    )
    try:
        parse_length(style.font_size, what="style.font_size")
    except ConfigError as exc:
        raise r.error(exc.message, "style", "font_size") from None
    height = table.get("line_height", 1.35)
    if not isinstance(height, (int, float)) or isinstance(height, bool) or not 1.0 <= height <= 2.5:
        raise r.error("style.line_height must be a number from 1.0 to 2.5", "style", "line_height")
    style.line_height = float(height)
    return style


def _pdf(r: _Reader, table: dict[str, Any]) -> PdfConfig:
    r.check_keys(table, "pdf", {"trim", "margins", "bleed", "marks", "variant", "screen_variant",
                                "full_fonts", "notes", "front_matter", "toc", "toc_depth",
                                "verso_head", "output_profile", "target", "bleed_edges",
                                "bookmarks"})
    pdf = PdfConfig()
    target = r.choice(table, "pdf", "target", "", ("",) + TARGETS)
    if target:
        pdf.apply_target(target)  # the keys given below win over the service's defaults
    try:
        if "trim" in table:
            pdf.trim = parse_trim(r.string(table, "pdf", "trim"))
    except ConfigError as exc:
        raise r.error(exc.message, "pdf", "trim") from None
    try:
        if "bleed" in table:
            pdf.bleed = parse_length(table["bleed"], what="pdf.bleed")
    except ConfigError as exc:
        raise r.error(exc.message, "pdf", "bleed") from None
    margins = table.get("margins")
    if margins is not None:
        if not isinstance(margins, dict) or set(margins) - {"inner", "outer", "top", "bottom"}:
            raise r.error("pdf.margins must be a table of inner, outer, top, bottom", "pdf", "margins")
        base = default_margins(pdf.trim)
        try:
            pdf.margins = Margins(**{
                side: parse_length(margins[side], what=f"pdf.margins.{side}") if side in margins
                else getattr(base, side) for side in ("inner", "outer", "top", "bottom")})
        except ConfigError as exc:
            raise r.error(exc.message, "pdf", "margins") from None
    pdf.marks = r.boolean(table, "pdf", "marks", pdf.marks)
    pdf.bleed_edges = r.choice(table, "pdf", "bleed_edges", pdf.bleed_edges, BLEED_EDGES)
    pdf.bookmarks = r.boolean(table, "pdf", "bookmarks", pdf.bookmarks)
    pdf.variant = r.choice(table, "pdf", "variant", pdf.variant, PDF_VARIANTS)
    pdf.screen_variant = r.choice(table, "pdf", "screen_variant", "pdf/ua-1", SCREEN_VARIANTS)
    pdf.full_fonts = r.boolean(table, "pdf", "full_fonts", pdf.full_fonts)
    pdf.notes = r.choice(table, "pdf", "notes", "footnotes", NOTE_PLACEMENTS)
    pdf.front_matter = r.boolean(table, "pdf", "front_matter", True)
    pdf.toc = r.boolean(table, "pdf", "toc", True)
    pdf.toc_depth = r.integer(table, "pdf", "toc_depth", 1, 0, 5)
    pdf.verso_head = r.choice(table, "pdf", "verso_head", "title", ("title", "author"))
    pdf.output_profile = r.string(table, "pdf", "output_profile")
    if pdf.marks and pdf.bleed_edges == "outer":
        raise r.error("pdf.marks cannot be used with pdf.bleed_edges = \"outer\" (the crop marks "
                      "at the spine would be cut off)", "pdf", "marks")
    return pdf


def _cover(r: _Reader, table: dict[str, Any]) -> CoverConfig:
    r.check_keys(table, "cover", {"paper", "background", "foreground", "back_text", "design"})
    cover = CoverConfig(paper=r.choice(table, "cover", "paper", "white", ("white", "cream")),
                        back_text=r.string(table, "cover", "back_text"),
                        design=r.choice(table, "cover", "design", "classic", COVER_DESIGNS))
    for key in ("background", "foreground"):
        value = r.string(table, "cover", key, getattr(cover, key)).strip()
        if not _COVER_COLOUR.match(value):
            raise r.error(f"cover.{key} must be a colour such as \"#1f2a36\" or "
                          f"\"device-cmyk(0 0 0 1)\", not {value!r}", "cover", key)
        setattr(cover, key, value)
    return cover


def _epub(r: _Reader, table: dict[str, Any]) -> EpubConfig:
    r.check_keys(table, "epub", {"soft_hyphens", "max_image_side", "split_bytes", "notes", "toc_depth"})
    return EpubConfig(
        soft_hyphens=r.boolean(table, "epub", "soft_hyphens", False),
        max_image_side=r.integer(table, "epub", "max_image_side", 2048, 256, 8192),
        split_bytes=r.integer(table, "epub", "split_bytes", 300_000, 20_000, 5_000_000),
        notes=r.choice(table, "epub", "notes", "chapter-end", ("chapter-end", "book-end")),
        toc_depth=r.integer(table, "epub", "toc_depth", 3, 1, 6),
    )


def _typography(r: _Reader, table: dict[str, Any]) -> TypographyConfig:
    r.check_keys(table, "typography", {f.name for f in fields(TypographyConfig)})
    return TypographyConfig(
        enabled=r.boolean(table, "typography", "enabled", True),
        quotes=r.choice(table, "typography", "quotes", "auto",
                        ("auto", "default", "guillemets", "swiss", "double", "single",
                         "straight")),
        dialogue_dash=r.choice(table, "typography", "dialogue_dash", "auto", ("auto", "em", "en")),
        single_letter_words=r.choice(table, "typography", "single_letter_words", "all",
                                     ("all", "titles", "off")),
        epub_narrow_space=r.choice(table, "typography", "epub_narrow_space", "nbsp",
                                   ("nbsp", "thin", "keep")),
    )


def _accessibility(r: _Reader, table: dict[str, Any]) -> AccessibilityConfig:
    r.check_keys(table, "accessibility", {"certified_by", "summary_note", "hazards"})
    hazards = r.string_list(table, "accessibility", "hazards") or ["none"]
    known = {"none", "flashing", "noFlashingHazard", "motionSimulation", "noMotionSimulationHazard",
             "sound", "noSoundHazard", "unknown"}
    for hazard in hazards:
        if hazard not in known:
            raise r.error(f"unknown accessibility hazard {hazard!r}", "accessibility", "hazards")
    return AccessibilityConfig(
        certified_by=r.string(table, "accessibility", "certified_by"),
        summary_note=r.string(table, "accessibility", "summary_note"),
        hazards=hazards,
    )


def load_config(path: Path, display: str, text: str) -> ProjectConfig:
    """Parse book.toml text (already read through the sandbox)."""
    r = _Reader(path, display, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"malformed TOML: {message}", file=display,
                          line=int(match.group(1)) if match else None) from None
    top = {"metadata", "content", "structure", "style", "pdf", "epub", "cover", "typography",
           "accessibility"}
    for key in data:
        if key not in top:
            raise ConfigError(f"unknown section or key {key!r} (sections: {', '.join(sorted(top))})",
                              file=display, line=r.line_of(key) or r.line_of("", key))
    config = ProjectConfig(root=path.parent, file=path)
    config.metadata = _metadata(r, r.table(data, "metadata"), path.parent)
    config.content = _content(r, r.table(data, "content"))
    config.structure = _structure(r, r.table(data, "structure"))
    config.style = _style(r, r.table(data, "style"))
    config.pdf = _pdf(r, r.table(data, "pdf"))
    config.epub = _epub(r, r.table(data, "epub"))
    config.cover = _cover(r, r.table(data, "cover"))
    config.typography = _typography(r, r.table(data, "typography"))
    config.accessibility = _accessibility(r, r.table(data, "accessibility"))
    config.warnings = r.warnings
    return config
