"""Typesetting checks: what a proofreader marks on a page proof.

Each is a small function over the page summaries, like those of
:mod:`.checks`, reporting one :class:`~.checks.Finding` per place (with
its spot in :attr:`~.checks.Finding.marks`) so that ``make-book proof``
can show each on its page.  Which of them a normal build reports, and at
which severity, is said by :data:`TYPESET_CHECKS`.

=======  ====================================================================
LAY005   widow: a paragraph's last line alone at the top of a page
LAY006   orphan: a paragraph's first line alone at the foot of a page
LAY007   loose line: word spaces stretched past twice the font's space
LAY008   overfull line: text standing out past the measure (the margin)
LAY009   more than two hyphenated line ends in a row
LAY010   a blank recto (blank versos are how chapters open on rectos)
LAY011   a page much shorter than the pages around it
LAY012   a raster picture printed at fewer than 300 pixels per inch
=======  ====================================================================

The limits follow common book-typography practice (Bringhurst, *The
Elements of Typographic Style* §2.1.10 on ladders, §2.4.8 on widows and
orphans; print services ask 300 ppi for pictures).
"""

from __future__ import annotations

from collections.abc import Iterator

from . import summary as s
from .finding import Check, Finding, mark, where
from .summary import Line, PageSummary

#: Kinds of running text whose first and last lines should not stand alone.
_PROSE = frozenset({s.PARAGRAPH, s.QUOTE, s.LIST, s.VERSE})
#: A word space wider than this many of the font's spaces is loose.
LOOSE_RATIO = 2.0
#: Text past the measure by more than this (CSS px, about 0.4 pt) is overfull.
OVERFULL_TOLERANCE = 0.5
#: More than this many hyphenated line ends in a row make a ladder.
MAX_HYPHENS = 2
#: A page this many lines shorter than both neighbours is short.
SHORT_LINES = 3
#: Pixels per inch a printed picture needs.
MIN_PPI = 300


def _quote(text: str, limit: int = 50) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


def _prose(page: PageSummary) -> list[Line]:
    return [line for line in page.body_lines if line.kind in _PROSE and line.text]


def _finding(code: str, message: str, hint: str, page: PageSummary,
             *lines: Line) -> Finding:
    return Finding(code, message, hint, (page.number,), (page.label,),
                   marks=tuple(mark(page, line) for line in lines))


# ------------------------------------------------------------- LAY005/6

def _text_lines(page: PageSummary) -> list[Line]:
    """The page's body lines that belong to running text (not the opening
    pages or the printed contents)."""
    return [line for line in page.body_lines if line.kind not in (s.FRONT, s.CONTENTS)]


def widows(pages: list[PageSummary]) -> Iterator[Finding]:
    """A paragraph that began on an earlier page leaves only its last line
    on this one (the line opens the page's text)."""
    for page in pages:
        body = _text_lines(page)
        if body and body[0].kind in _PROSE and body[0].last and not body[0].first:
            line = body[0]
            yield _finding("LAY005", f"widow at the top of {where(page)}: the last line of a "
                           f"paragraph, {_quote(line.text)}, stands alone",
                           "keep at least two lines together (widows: 2); otherwise run the "
                           "previous page a line long or short, or rewrite a line",
                           page, line)


def orphans(pages: list[PageSummary]) -> Iterator[Finding]:
    """A paragraph's first line ends the page's text; the rest is overleaf."""
    for page in pages:
        body = _text_lines(page)
        if body and body[-1].kind in _PROSE and body[-1].first and not body[-1].last \
                and not (len(body) > 1 and body[-2].kind == s.HEADING):  # LAY002 says it
            line = body[-1]
            yield _finding("LAY006", f"orphan at the foot of {where(page)}: the first line of a "
                           f"paragraph, {_quote(line.text)}, stands alone",
                           "keep at least two lines together (orphans: 2), or move the line "
                           "to the next page", page, line)


# ------------------------------------------------------------- LAY007/8

def loose_lines(pages: list[PageSummary]) -> Iterator[Finding]:
    """Justification stretched a line's word spaces past twice the font's
    own space (rivers of white; a line to rebreak or hyphenate)."""
    for page in pages:
        for line in page.lines:
            if line.space <= 0 or line.word_space <= LOOSE_RATIO * line.space or \
                    line.last or line.forced_break or line.kind == s.CODE:
                continue
            ratio = line.word_space / line.space
            yield _finding("LAY007", f"loose line on {where(page)}: word spaces "
                           f"{ratio:.1f}× the normal space: {_quote(line.text)}",
                           "allow hyphenation here (hyphens: auto and the text's language), "
                           "add a soft hyphen to a long word, or rewrite the line", page, line)


def overfull_lines(pages: list[PageSummary]) -> Iterator[Finding]:
    """Text runs past the right edge of its measure: a word or a URL too
    long for the line, printed into the margin (or off the page)."""
    for page in pages:
        for line in page.lines:
            over = line.overflow
            if over > OVERFULL_TOLERANCE:
                yield _finding("LAY008", f"overfull line on {where(page)}: "
                               f"{over * 0.75:.1f} pt past the margin: {_quote(line.text)}",
                               "let long words and URLs break (hyphens: auto, overflow-wrap: "
                               "anywhere, a soft hyphen or <wbr>) or set the block smaller",
                               page, line)


# ------------------------------------------------------------- LAY009

def hyphen_ladders(pages: list[PageSummary]) -> Iterator[Finding]:
    """More than :data:`MAX_HYPHENS` lines in a row of one block end in a
    hyphen; one finding per ladder, on the page where it grows too tall."""
    run: list[tuple[PageSummary, Line]] = []
    block = None
    for page in pages:
        for line in page.body_lines:
            if line.block != block:
                run, block = [], line.block
            if line.hyphenated:
                run.append((page, line))
                if len(run) == MAX_HYPHENS + 1:
                    yield Finding(
                        "LAY009", f"{MAX_HYPHENS + 1} hyphenated line ends in a row on "
                        f"{where(page)}, from {_quote(run[0][1].text, 30)}",
                        "rebreak the paragraph (a soft hyphen or a rewritten word elsewhere); "
                        "hyphenate-limit-chars and hyphenate-limit-zone make hyphens rarer",
                        tuple(dict.fromkeys(p.number for p, _ in run)),
                        tuple(dict.fromkeys(p.label for p, _ in run)),
                        marks=tuple(mark(p, ln) for p, ln in run))
            else:
                run = []


# ------------------------------------------------------------- LAY010/11

def blank_rectos(pages: list[PageSummary]) -> Iterator[Finding]:
    """A right-hand page with nothing on it (odd position: page 1 is a
    recto).  A blank verso before a chapter is normal; a blank recto
    means a break that went wrong."""
    for page in pages:
        if page.number % 2 == 1 and not page.lines and not page.running_head:
            yield Finding("LAY010", f"{where(page)} is a blank recto",
                          "a forced break (break-before: right/left, page-break) lands on the "
                          "wrong side: remove it or break to the other side",
                          (page.number,), (page.label,))


def _bottom(page: PageSummary) -> float | None:
    """Where the page's body text ends, None for pages that are not full
    pages of running text (blank, pictures only, openings)."""
    body = page.body_lines  # pictures too: they fill a page as text does
    if page.blank or not body or any(line.kind == s.HEADING and line.level == 1
                                     for line in body):
        return None
    return max(line.y + line.height for line in page.lines)  # footnotes end a page too


def short_pages(pages: list[PageSummary]) -> Iterator[Finding]:
    """A page whose text stops :data:`SHORT_LINES` lines or more above both
    neighbours', though its division goes on overleaf (a heading or a
    picture pushed on, a chain of keeps)."""
    bottoms = [_bottom(page) for page in pages]
    for i in range(1, len(pages) - 1):
        page, here = pages[i], bottoms[i]
        before, after = bottoms[i - 1], bottoms[i + 1]
        if here is None or before is None or after is None:
            continue
        body = page.body_lines
        following = pages[i + 1].body_lines
        if not following or following[0].division != body[-1].division:
            continue  # the division ends here: its last page may be short
        leading = sorted(line.height for line in body)[len(body) // 2]
        if min(before, after) - here >= SHORT_LINES * leading:
            short = round((min(before, after) - here) / leading)
            yield Finding("LAY011", f"{where(page)} is about {short} lines shorter than the "
                          "pages around it",
                          "something that follows did not fit (a heading kept with its text, a "
                          "figure, a table): let it move or break, or adjust the page before",
                          (page.number,), (page.label,),
                          marks=((page.number, page.content_left, here,
                                  page.content_right - page.content_left,
                                  page.content_bottom - here),))


# ------------------------------------------------------------- LAY012

def low_resolution(pages: list[PageSummary]) -> Iterator[Finding]:
    """A raster picture with fewer than :data:`MIN_PPI` pixels per printed inch."""
    for page in pages:
        for line in page.lines:
            if 0 < line.ppi < MIN_PPI:
                yield _finding("LAY012", f"the picture {line.image or '(unnamed)'} on "
                               f"{where(page)} prints at {line.ppi} ppi (needs {MIN_PPI})",
                               f"use a picture with more pixels, or print it smaller (at most "
                               f"its width in pixels / {MIN_PPI} inches wide)", page, line)


#: The typesetting checks, after :data:`~.checks.CHECKS`; ``build`` says
#: which a normal build reports too.
TYPESET_CHECKS: tuple[Check, ...] = (
    Check("LAY005", "no widows", widows, build=False),
    Check("LAY006", "no orphans", orphans, build=False),
    Check("LAY007", "no loose lines", loose_lines, severity="note", build=False),
    Check("LAY008", "no overfull lines", overfull_lines, severity="error"),
    Check("LAY009", "at most two hyphenated line ends in a row", hyphen_ladders,
          severity="note", build=False),
    Check("LAY010", "no blank rectos", blank_rectos, screen=False),
    Check("LAY011", "no page much shorter than its neighbours", short_pages, screen=False,
          build=False),
    Check("LAY012", "pictures at 300 ppi or more", low_resolution, screen=False, build=False),
)
