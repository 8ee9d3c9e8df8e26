"""Paragraph sanity: a misread layout shows in the paragraphs it makes.

A paragraph of several thousand words means the paragraph breaks were
missed (paragraphs marked only by first-line indents, or by a short last
line, in a file whose layout was measured wrongly); a run of "paragraphs"
that are each one line of wrapped prose means every line break was taken
for a paragraph break.  :func:`recheck_paragraphs` re-decides the layout
for the chapter where this happens:

* a block of over :data:`LONG_PARAGRAPH` words is cut again at first-line
  indents, else at sentences that end well short of the wrap width (the
  cut that gives paragraphs of reasonable length wins);
* in a chapter where most paragraphs are single wrapped lines, a line the
  next word would not have fitted on joins the line after it.

A re-cut is used only when it leaves no paragraph that long (or halves the
longest): a long paragraph whose lines are all filled to the wrap width is
the author's, and stays (the build's STR002 warning names it).  A re-cut is
reported as a note (TXT031).  ``[structure] paragraphs`` turns this off:
the user's word stands.
"""

from __future__ import annotations

from dataclasses import dataclass

from .blocks import (FIT, Block, Layout, first_word, indent_cuts,
                          sentence_cuts, width_of)

#: Paragraphs longer than this (words) are re-cut.
LONG_PARAGRAPH = 1500
#: Share of a chapter's paragraphs that may be single wrapped lines.
_WRAPPED_SHARE = 0.5
_MIN_PARAGRAPHS = 6


@dataclass(frozen=True)
class Recut:
    """A paragraph cut again: where, and how."""

    code: str
    message: str
    line: int


def _words(block: Block) -> int:
    return sum(len(line.split()) for line in block.lines)


def long_paragraph(block: Block) -> bool:
    """``_words(block) > LONG_PARAGRAPH``, counting only when the block is
    long enough: a line of ``n`` characters holds at most ``(n + 1) / 2`` words."""
    if (sum(map(len, block.lines)) + len(block.lines)) / 2 <= LONG_PARAGRAPH:
        return False
    return _words(block) > LONG_PARAGRAPH


def recheck_paragraphs(division, layout: Layout) -> list[Recut]:
    """Re-cut the paragraphs of one division where the layout was misread."""
    if layout.mode != "auto":
        return []
    blocks = division.blocks
    found: list[Recut] = []
    joined = _join_wrapped_lines(blocks, layout)
    if joined:
        found.append(Recut("TXT031", f"{joined} one-line paragraphs were lines of wrapped "
                           "prose: joined", blocks[0].line if blocks else 0))
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.role == "text" and long_paragraph(block):
            pieces, how = _recut(block, layout)
            if len(pieces) > 1:
                blocks[index:index + 1] = pieces
                found.append(Recut("TXT031", f"a paragraph of {_words(block):,} words cut into "
                                   f"{len(pieces)} at {how}", block.line))
            index += len(pieces)
            continue
        index += 1
    return found


def _recut(block: Block, layout: Layout) -> tuple[list[Block], str]:
    """``block`` cut at indents or at short sentence ends, whichever gives
    paragraphs of reasonable length; ``block`` alone when neither does."""
    wrap = layout.wrap or max(width_of(line) for line in block.lines)
    total = _words(block)
    for cuts, how in ((indent_cuts(block.lines), "first-line indents"),
                      (sentence_cuts(block.lines, wrap), "sentences ending short of the line")):
        if not cuts:
            continue
        pieces = _pieces(block, cuts)
        longest = max(_words(p) for p in pieces)
        if longest <= LONG_PARAGRAPH or longest <= total / 2:
            return pieces, how
    return [block], ""


def _pieces(block: Block, cuts: set[int]) -> list[Block]:
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(block.lines)), len(block.lines)]
    pieces = []
    for a, b in zip(bounds, bounds[1:]):
        piece = Block(block.lines[a:b], block.first + a, 0, 0, True, "text")
        pieces.append(piece)
    pieces[0].gap_before = block.gap_before
    pieces[-1].gap_after = block.gap_after
    return pieces


def wrapped_line(block: Block, nxt: Block, wrap: int) -> bool:
    """A one-line paragraph that is really a wrapped line of the next."""
    line = block.lines[-1].rstrip()
    return (block.role == nxt.role == "text" and nxt.gap_before <= 1
            and width_of(line) + 1 + len(first_word(nxt.lines[0])) > FIT * wrap)


def _join_wrapped_lines(blocks: list[Block], layout: Layout) -> int:
    """Join one-line paragraphs that are lines of wrapped prose, when most
    paragraphs of the chapter are such lines."""
    wrap = layout.wrap
    texts = [b for b in blocks if b.role == "text"]
    if wrap is None or len(texts) < _MIN_PARAGRAPHS:
        return 0
    wrapped = sum(1 for a, b in zip(blocks, blocks[1:]) if a.single and wrapped_line(a, b, wrap))
    if wrapped < _WRAPPED_SHARE * len(texts):
        return 0
    count = 0
    index = 0
    while index + 1 < len(blocks):
        block, nxt = blocks[index], blocks[index + 1]
        if wrapped_line(block, nxt, wrap):
            joined = Block(block.lines + nxt.lines, block.first, block.gap_before,
                           nxt.gap_after, block.own_line, "text", {"joined": True})
            blocks[index:index + 2] = [joined]
            count += 1
            continue
        index += 1
    return count
