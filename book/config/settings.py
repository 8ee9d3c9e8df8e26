"""The settings book.toml and the command line can give: one dataclass per
section of book.toml (the README's "book.toml reference" is the same list
in prose), and the values some keys may take.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..diagnostics import Diagnostic
from ..geometry import DEFAULT_TRIM, Margins, Trim, default_margins, parse_trim
from ..model import Matter, Metadata
from ..printshops import SERVICES, PrintService

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
    #: Where chapters open: "right" (a recto), "any" (the next page) or
    #: "auto" (any for a collection of many short pieces; writers/pdf/openings.py).
    openings: str = "auto"
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
