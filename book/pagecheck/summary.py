"""What a laid-out page holds, as plain data.

The extractor (:mod:`.extract`) turns WeasyPrint's page boxes into these
summaries once per layout; checks (:mod:`.checks`) and any later proofing
read only them.  They hold nothing but ``str``, ``int``, ``float`` and
``bool`` (and lists and tuples of them), so they pickle: a layout made in
worker processes can send its pages back, and :func:`shifted` renumbers the
pages of a chunk laid out on its own.

Lengths are CSS pixels (1/96 in) from the top-left corner of the page box,
as WeasyPrint measures them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

#: Version of the layout of :meth:`PageSummary.to_dict`: a stored summary
#: (the layout cache) of another version is laid out again, not misread.
#: 2: lines' ``space``, ``ppi``, ``image``; pages' ``content_left``/``right``.
SUMMARY_FORMAT = 2

#: Kinds of laid-out lines (:attr:`Line.kind`).
HEADING = "heading"
PARAGRAPH = "paragraph"
VERSE = "verse"
CODE = "code"
LIST = "list"
QUOTE = "quote"
TABLE = "table"
FIGURE = "figure"
CAPTION = "caption"
NOTE = "note"
CONTENTS = "contents"
FRONT = "front"
OTHER = "other"

#: Kinds that are the manuscript's running text (a page holding one of
#: them is a text page: it needs a folio).
TEXT_KINDS = frozenset({PARAGRAPH, VERSE, CODE, LIST, QUOTE, TABLE, CAPTION, NOTE, OTHER})


@dataclass
class Line:
    """One laid-out line of text, or one picture (``kind == FIGURE`` with no text).

    ``block`` names the block element the line belongs to (its
    ``data-mb-key`` when it has one, else a key unique within the layout),
    so lines of one paragraph on two pages share it.  ``first`` and
    ``last`` say whether the line opens or closes that block in the whole
    book (not only on this page).
    """

    #: The line's text (code keeps its leading spaces).
    text: str
    kind: str
    #: Tag of the block element ("p", "h2", "pre", "td"...).
    tag: str
    block: str
    #: Id of the division (chapter, part...) the line belongs to; "" outside one.
    division: str
    x: float
    y: float
    width: float
    height: float
    #: Width available to the line (its block's content width).
    measure: float
    font_size: float
    first: bool = False
    last: bool = False
    #: Heading level (1–6) for headings, 0 otherwise.
    level: int = 0
    #: The line ends in a hyphen added by hyphenation.
    hyphenated: bool = False
    #: Width of one word space on the line, in em of the line's font: the
    #: font's space plus what justification added.
    word_space: float = 0.0
    #: The line ends because the source had a line break there (``<br>``,
    #: a newline in preformatted text), not because the measure was full.
    forced_break: bool = False
    #: The line ends between two letters or digits of one word with no
    #: hyphen shown (an emergency break; found for preformatted text).
    break_in_word: bool = False
    #: Indent of the line's start from its block's content edge (hanging
    #: indents of verse, first-line indents).
    indent: float = 0.0
    #: "body" (the main flow) or "footnotes" (the page's footnote area).
    area: str = "body"
    #: Name of the figure or table the line belongs to when the writer
    #: marked it as one it may move (``data-mb-float``), "" otherwise.
    float_id: str = ""
    #: Width of a word space of the line's font with nothing added, in em
    #: (``word_space`` over this is how much justification stretched it).
    space: float = 0.0
    #: For a raster picture: its pixels per inch at the printed size (the
    #: fewer of across and down); 0 for text and vector pictures.
    ppi: int = 0
    #: For a picture: its file name ("" for text).
    image: str = ""


    @property
    def overflow(self) -> float:
        """How far (CSS px) the line's text stands out past the right edge
        of its measure; 0 or less when it fits."""
        if not self.text or self.measure <= 0:
            return 0.0
        return (self.x + self.width) - (self.x - self.indent + self.measure)


@dataclass
class MissingGlyph:
    """Characters of one line that no font of the stack could draw."""

    chars: str
    #: The text around them, to find the place in the manuscript.
    context: str
    kind: str
    #: The first family of the font stack asked for ("Linux Libertine O").
    family: str = ""
    lang: str = ""


@dataclass
class PageSummary:
    """One page of the layout."""

    #: 1-based position of the page in the document.
    number: int
    #: The folio as printed or as it would be printed ("iv", "12").
    label: str
    #: CSS named page ("mb-chapter"...), "" for the default page.
    name: str
    blank: bool
    width: float
    height: float
    #: Top and bottom of the page area (inside the margins).
    content_top: float
    content_bottom: float
    #: Page number printed in a margin box, "" when none is.
    folio: str = ""
    #: Running head printed in a margin box, "" when none is.
    running_head: str = ""
    #: Text of every non-empty margin box, by its at-rule ("@top-center").
    margins: dict[str, str] = field(default_factory=dict)
    #: Body lines in reading order, then footnote lines (``kind == NOTE``).
    lines: list[Line] = field(default_factory=list)
    missing: list[MissingGlyph] = field(default_factory=list)
    #: Ids of elements whose box starts on this page (anchors).
    anchors: list[str] = field(default_factory=list)
    #: Left and right edges of the page area (inside the margins).
    content_left: float = 0.0
    content_right: float = 0.0

    @property
    def body_lines(self) -> list[Line]:
        """Lines of the main flow (no footnotes)."""
        return [line for line in self.lines if line.area == "body"]

    @property
    def has_text(self) -> bool:
        """Does the page hold running text of the manuscript?"""
        return any(line.kind in TEXT_KINDS and line.text.strip() for line in self.lines)

    def to_dict(self) -> dict[str, Any]:
        """The page as JSON-ready data (a layout cache entry, a worker's
        answer); lines and missing glyphs as lists of their fields in
        declaration order, which keeps a long book's pages small."""
        data: dict[str, Any] = {f.name: getattr(self, f.name) for f in _PAGE_FIELDS}
        data["format"] = SUMMARY_FORMAT
        data["margins"] = dict(self.margins)
        data["anchors"] = list(self.anchors)
        data["lines"] = [[getattr(line, name) for name in _LINE_FIELDS] for line in self.lines]
        data["missing"] = [[getattr(m, name) for name in _MISSING_FIELDS] for m in self.missing]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PageSummary:
        """The page :meth:`to_dict` gave (also after a JSON round trip);
        ValueError for a summary of another :data:`SUMMARY_FORMAT`."""
        if data.get("format") != SUMMARY_FORMAT:
            raise ValueError(f"a page summary of format {data.get('format')!r}, "
                             f"not {SUMMARY_FORMAT}")
        page = cls(**{f.name: data[f.name] for f in _PAGE_FIELDS})
        page.margins = {str(k): str(v) for k, v in data["margins"].items()}
        page.anchors = [str(name) for name in data["anchors"]]
        page.lines = [Line(*values) for values in data["lines"]]
        page.missing = [MissingGlyph(*values) for values in data["missing"]]
        return page


#: Fields of the dataclasses above in the order :meth:`PageSummary.to_dict` writes them.
_LINE_FIELDS = tuple(f.name for f in fields(Line))
_MISSING_FIELDS = tuple(f.name for f in fields(MissingGlyph))
_PAGE_FIELDS = tuple(f for f in fields(PageSummary)
                     if f.name not in ("margins", "anchors", "lines", "missing"))


def shifted(pages: list[PageSummary], offset: int, labels: list[str] | None = None
            ) -> list[PageSummary]:
    """The same pages numbered from ``offset + 1`` (a chunk laid out alone),
    optionally with the book's folio labels for their new positions."""
    out = []
    for i, page in enumerate(pages):
        number = page.number + offset
        label = labels[number - 1] if labels and number - 1 < len(labels) else page.label
        out.append(replace(page, number=number, label=label))
    return out
