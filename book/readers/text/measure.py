"""The layout of a plain-text file, measured once, and moved by an edit.

:func:`analyze_layout` decides the :class:`~.blocks.Layout` (see
``blocks.py``) from counts over the lines with text
(:class:`LayoutCounts`):

* the wrap width: the 90th percentile of their widths, when the text is
  hard-wrapped at it: of the line breaks between two lines with text, most
  come where the next word would not have fitted, and many open with a
  small letter (verse fills no width and opens its lines with capitals);
* first-line indents: the share of indented lines, and how many are
  followed by a line that is not;
* whether any blank line lies between the first and the last line with
  text.

Every count is a sum over lines or over pairs of neighbouring lines, so an
edit that changes some lines' words, and no line from blank to text or back,
moves the counts by what those lines and their pairs gave before and give
now (:meth:`LayoutCounts.moved`): the splice of an edit (``splice.py``)
learns the new layout without measuring the file again.  Only the wrap
width cannot move that way: the share of fitted breaks is counted against
it, so an edit that moves the percentile is measured whole.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .blocks import _INDENT_CHARS, FIT, INDENT, MAX_WRAP, Layout, indent_of, width_of

#: Fewest line breaks on which to judge whether a file is hard-wrapped.
MIN_BREAKS = 20


@dataclass
class LayoutCounts:
    """The sums :func:`analyze_layout` decides from."""

    #: Lines with text, and blank lines between the first and the last one.
    filled: int = 0
    blank: int = 0
    #: Widths of the lines with text: width → lines.
    widths: dict[int, int] = field(default_factory=dict)
    #: Indented lines, and indented lines followed (among the lines with
    #: text) by one that is not.
    indented: int = 0
    first_line: int = 0
    #: Line breaks between two lines with text; those where the next word
    #: would not have fitted at ``fitted_at`` columns; those before a small letter.
    breaks: int = 0
    fitted: int = 0
    fitted_at: int | None = None
    small: int = 0

    def percentile(self) -> int:
        """The 90th percentile of the widths (as sorted(widths)[rank])."""
        rank = min(self.filled - 1, int(self.filled * 0.9))
        seen = 0
        for width in sorted(self.widths):
            seen += self.widths[width]
            if seen > rank:
                return width
        raise ValueError("no widths")

    def layout(self) -> Layout:
        if not self.filled:
            return Layout(None, False, 0.0, False)
        p90 = self.percentile()
        wrap = p90 if 30 <= p90 <= MAX_WRAP else None
        if wrap is not None and not (self.breaks >= MIN_BREAKS and self.fitted >= 0.6 * self.breaks
                                     and self.small >= 0.25 * self.breaks):
            wrap = None  # short lines that do not fill the width: verse, lists
        share = self.indented / self.filled
        # First-line indents mark paragraphs when most indented lines are
        # followed by a line that is not: in wrapped text, or where such
        # paragraphs are many (a file too short or too mixed to show its width).
        indent_paragraphs = ((wrap is not None or self.first_line >= 5) and 0.03 <= share <= 0.6
                             and self.first_line >= 0.6 * self.indented)
        return Layout(wrap, indent_paragraphs, share, self.blank == 0)

    def moved(self, old: list[str], new: list[str], changed: list[int], start: int,
              end: int) -> LayoutCounts | None:
        """The counts of ``new``, which differs from ``old`` (these counts'
        lines) in the ``changed`` lines only, each holding text in both;
        None when the wrap width's percentile moved (measure again)."""
        moved = LayoutCounts(self.filled, self.blank, dict(self.widths), self.indented,
                             self.first_line, self.breaks, self.fitted, self.fitted_at, self.small)
        for number in changed:
            for lines, sign in ((old, -1), (new, 1)):
                width = _width(lines[number])
                moved.widths[width] = moved.widths.get(width, 0) + sign
                moved.indented += sign * (_indent(lines[number]) >= INDENT)
        moved.widths = {w: n for w, n in moved.widths.items() if n}
        p90 = moved.percentile()
        if 30 <= p90 <= MAX_WRAP and p90 != self.fitted_at:
            return None
        pairs = sorted({pair for number in changed
                        for pair in ((_filled_before(new, number, start), number),
                                     (number, _filled_after(new, number, end)))
                        if None not in pair})
        breaks = sorted({pair for number in changed
                         for pair in ((number - 1, number), (number, number + 1))
                         if start <= pair[0] and pair[1] < end
                         and _filled(new[pair[0]]) and _filled(new[pair[1]])})
        limit = FIT * self.fitted_at if self.fitted_at is not None else None
        for lines, sign in ((old, -1), (new, 1)):
            for a, b in pairs:
                moved.first_line += sign * (_indent(lines[a]) >= INDENT > _indent(lines[b]))
            for a, b in breaks:
                before, word = lines[a].rstrip(), lines[b].split(None, 1)[0]
                if limit is not None:
                    moved.fitted += sign * (width_of(before) + 1 + len(word) > limit)
                moved.small += sign * word[:1].islower()
        return moved


def measure_layout(lines: list[str], start: int, end: int) -> LayoutCounts:
    """The counts of ``lines[start:end]``."""
    window = lines[start:end]
    # Lines with text (as line.strip(), without the copies).
    marks = [bool(line) and not line.isspace() for line in window]
    filled = [line for line, mark in zip(window, marks) if mark]
    if not filled:
        return LayoutCounts()
    widths = [len(line) if "\t" not in line else width_of(line) for line in filled]
    indents = [indent_of(line) if line[0] in _INDENT_CHARS else 0 for line in filled]
    counts = LayoutCounts(
        filled=len(filled),
        blank=(len(marks) - marks[::-1].index(True) - marks.index(True)) - len(filled),
        widths=dict(Counter(widths)),
        indented=sum(1 for i in indents if i >= INDENT),
        first_line=sum(1 for a, b in zip(indents, indents[1:]) if a >= INDENT > b))
    # Line breaks between two lines with text: the line before, the word after.
    breaks = [(a.rstrip(), b.split(None, 1)[0])
              for a, b, mark_a, mark_b in zip(window, window[1:], marks, marks[1:])
              if mark_a and mark_b]
    counts.breaks = len(breaks)
    counts.small = sum([word[:1].islower() for _a, word in breaks])
    p90 = counts.percentile()
    if 30 <= p90 <= MAX_WRAP:
        limit = FIT * p90
        counts.fitted_at = p90
        counts.fitted = sum([width_of(a) + 1 + len(word) > limit for a, word in breaks])
    return counts


def analyze_layout(lines: list[str], start: int, end: int) -> Layout:
    """Measure wrapping, indentation and blank lines of ``lines[start:end]``."""
    return measure_layout(lines, start, end).layout()


def _filled(line: str) -> bool:
    return bool(line) and not line.isspace()


def _width(line: str) -> int:
    return len(line) if "\t" not in line else width_of(line)


def _indent(line: str) -> int:
    return indent_of(line) if line[0] in _INDENT_CHARS else 0


def _filled_before(lines: list[str], number: int, start: int) -> int | None:
    """The nearest line with text before ``number`` (None: none from ``start``)."""
    for index in range(number - 1, start - 1, -1):
        if _filled(lines[index]):
            return index
    return None


def _filled_after(lines: list[str], number: int, end: int) -> int | None:
    for index in range(number + 1, end):
        if _filled(lines[index]):
            return index
    return None
