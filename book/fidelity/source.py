"""What a reader saw of its source: the text to hold the book against.

A reader that can (all of them do) returns a :class:`SourceText` with its
:class:`~book.readers.ReadResult`: the source document's text in reading
order, before the reader decided the structure, as *segments* that know
their source line, plus the spans the reader removed on purpose and
reported (a library's licence, the source's own contents list, the title
page whose lines became metadata).  The fidelity check counts the words
that remain and looks for each of them in the built book.

* The plain-text reader gives one segment per line of the decoded (and
  repaired) text, and a :attr:`~book.model.Chapter.source_span` on every
  chapter, so words are compared chapter by chapter.
* The Markdown, HTML and DOCX readers give the text of their document body
  (as parsed, before it is cut into chapters), one segment per block, with
  the block's source line where the format has lines.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from lxml import etree

from .words import words

#: Block elements whose text is one segment of a parsed document.
BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th",
                     "pre", "blockquote", "figcaption", "caption", "div", "aside", "section",
                     "article", "header", "footer", "figure", "table", "ul", "ol", "dl", "tr",
                     "nav", "main", "hgroup", "details", "summary", "address", "body", "hr"})

#: A text as (source line or None, text) pieces in reading order.
Segments = list[tuple[int | None, str]]


@dataclass(frozen=True)
class Removal:
    """Source lines left out on purpose, and why (shown in the report)."""

    first: int  # 1-based, inclusive
    last: int
    reason: str  # "library header", "licence footer", "contents list", "title page"...
    words: int = 0

    def __str__(self) -> str:
        lines = f"line {self.first}" if self.first == self.last else f"lines {self.first}–{self.last}"
        return f"{self.reason} ({lines}, {self.words} word{'s' * (self.words != 1)})"


@dataclass
class SourceText:
    """The source's text in reading order, and what was removed from it."""

    file: str
    #: (source line or None, text) in reading order.
    segments: list[tuple[int | None, str]] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    #: True when segments are the file's own lines (plain text): chapter
    #: spans then select the words of each chapter.
    by_line: bool = False

    def lines(self) -> list[int]:
        """The segments' line numbers, ascending for a by-line source (the
        fidelity check cuts chapter spans out of them by bisection)."""
        if len(self._lines) != len(self.segments):
            self._lines = [line or 0 for line, _text in self.segments]
        return self._lines

    def remove(self, first: int, last: int, reason: str) -> Removal:
        """Record that lines ``first``–``last`` were left out for ``reason``."""
        if self.by_line:
            segments = self.span(first, last)
        else:
            segments = [(line, text) for line, text in self.segments
                        if line is not None and first <= line <= last]
        total = sum(len(words(text)) for _line, text in segments)
        removal = Removal(first, last, reason, total)
        self.removed.append(removal)
        return removal

    _lines: list[int] = field(default_factory=list, repr=False, compare=False)

    def removed_lines(self) -> set[int]:
        return {n for r in self.removed for n in range(r.first, r.last + 1)}

    def span(self, first: int, last: int) -> Segments:
        """The segments of lines ``first``–``last`` (a by-line source)."""
        lines = self.lines()
        return self.segments[bisect_left(lines, first):bisect_right(lines, last)]

    def span_digest(self, first: int, last: int, removed: list[int]) -> str | None:
        """A digest that stands for the segments of lines ``first``–``last``
        less the ``removed`` ones among them (sorted), when one is cheaper
        than the segments themselves; None here (see :class:`LineText`)."""
        return None

    def outside(self, spans: list[tuple[int, int]], removed: set[int]) -> Segments:
        """The segments of a by-line source in none of ``spans`` (sorted,
        not overlapping) and not ``removed``: words no chapter took."""
        inside = set()
        for first, last in spans:
            inside.update(range(first, last + 1))
        return [(line, text) for line, text in self.segments
                if line not in removed and line not in inside]

    @classmethod
    def from_lines(cls, file: str, lines: list[str], start: int = 0,
                   end: int | None = None) -> SourceText:
        """Lines ``start``–``end`` (0-based, end exclusive) of a text file,
        numbered when first read (:class:`LineText`)."""
        return LineText(file, lines[start:end], start + 1)

    @classmethod
    def from_tree(cls, file: str, body: etree._Element) -> SourceText:
        """The text of a parsed document body, one segment per innermost block."""
        return cls(file, [(line, text) for line, text in tree_segments(body) if text.strip()])


class LineText(SourceText):
    """A plain-text file's lines, made segments (number, text of each line
    with more than white space) only when they are first read.

    The fidelity check is the first to read them, once the EPUB writer has
    been handed the book (book/beside.py): numbering War and Peace's 65,000
    lines (15 ms) then no longer delays the ebook of a rebuild."""

    def __init__(self, file: str, lines: list[str], first: int) -> None:
        super().__init__(file, by_line=True)
        self._pending: tuple[list[str], int] | None = (lines, first)

    @property  # type: ignore[override]
    def segments(self) -> list[tuple[int | None, str]]:
        if self._pending is not None:
            lines, first = self._pending
            self._pending = None
            # ``line and not line.isspace()`` is ``line.strip()`` without the copy.
            self._segments = [(n, line) for n, line in enumerate(lines, first)
                              if line and not line.isspace()]
        return self._segments

    @segments.setter
    def segments(self, value: list[tuple[int | None, str]]) -> None:
        self._pending = None
        self._segments = value

    # A rebuild after an edit looks at every chapter's span but measures
    # one chapter again: the spans below read the lines as they are, so
    # the 65,000 segments of War and Peace are never made for it.

    def _numbered(self, first: int, last: int) -> Segments:
        """Lines ``first``–``last`` with more than white space, numbered."""
        lines, start = self._pending  # type: ignore[misc]
        low = max(first, start)
        if last < low:
            return []
        return [(n, line) for n, line in enumerate(lines[low - start:last - start + 1], low)
                if line and not line.isspace()]

    def span(self, first: int, last: int) -> Segments:
        if self._pending is None:
            return super().span(first, last)
        return self._numbered(first, last)

    def span_digest(self, first: int, last: int, removed: list[int]) -> str | None:
        if self._pending is None:
            return None
        lines, start = self._pending
        low = max(first, start)
        if last < low:
            return hashlib.sha256(b"none").hexdigest()
        # The lines as read (blank ones too) and their first number decide
        # the segments; so do the removed lines.  Lines hold no "\n".
        digest = hashlib.sha256(f"{low} {removed}\n".encode())
        digest.update("\n".join(lines[low - start:last - start + 1])
                      .encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def outside(self, spans: list[tuple[int, int]], removed: set[int]) -> Segments:
        if self._pending is None:
            return super().outside(spans, removed)
        lines, start = self._pending
        gaps, at = [], start
        for first, last in sorted(spans):
            if first > at:
                gaps.append((at, first - 1))
            at = max(at, last + 1)
        gaps.append((at, start + len(lines) - 1))
        return [(n, text) for low, high in gaps if low <= high
                for n, text in self._numbered(low, high) if n not in removed]


def _collect(el: etree._Element, line: int | None,
             out: list[tuple[int | None, str]]) -> None:
    """Text of ``el`` as segments: a block's own text and its inline
    children's text go to the block's segment; nested blocks make their own."""
    own = el.get("data-mb-line")
    if own and own.isdigit():
        line = int(own)
    if not len(el):  # the common case: a paragraph of plain text
        if el.text and el.text.strip():
            out.append((line, el.text))
        return
    pieces = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str) and child.tag in BLOCKS:
            if "".join(pieces).strip():
                out.append((line, "".join(pieces)))
            pieces = []
            _collect(child, line, out)
        elif isinstance(child.tag, str):
            pieces.append(inline_text(child))
        pieces.append(child.tail or "")
    if "".join(pieces).strip():
        out.append((line, "".join(pieces)))


_EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def inline_text(el: etree._Element) -> str:
    """The text of an inline element; a line break or a nested block
    separates words.  A note call's mark is no word of the text (the notes
    pass numbers calls afresh): it only separates."""
    if el.tag == "br" or (el.tag == "a" and ("noteref" in (el.get(_EPUB_TYPE) or "").split()
                                             or el.get("role") == "doc-noteref")):
        return " "
    pieces = [el.text or ""]
    for child in el:
        if isinstance(child.tag, str):
            text = inline_text(child)
            pieces.append(f" {text} " if child.tag in BLOCKS else text)
        pieces.append(child.tail or "")
    return "".join(pieces)


def tree_segments(root: etree._Element) -> list[tuple[int | None, str]]:
    """The text of a chapter tree as (source line, text) segments."""
    out: list[tuple[int | None, str]] = []
    _collect(root, None, out)
    return out
