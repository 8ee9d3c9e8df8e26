"""Checks on the laid-out pages: each a small function over the summaries.

:data:`CHECKS` is the one ordered list.  A check takes the book's pages
(:class:`~.summary.PageSummary`, in order) and yields :class:`Finding`\\ s;
it never sees WeasyPrint, so it can run on pages laid out anywhere (a
worker process, a cached build).  To add one, write a function and append
a :class:`Check` with a new stable code.

=======  ====================================================================
LAY001   a page holding the book's text prints no folio
LAY002   a heading with fewer than two lines of what follows on its page
LAY003   characters no font could draw (they print as boxes)
LAY004   preformatted code broken inside a word with no continuation mark
=======  ====================================================================

The typesetting checks of :mod:`.typeset` (LAY005-LAY012: widows, orphans,
loose and overfull lines, hyphen ladders, blank rectos, short pages,
low-resolution pictures) follow these in :func:`run_checks`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import replace

from . import summary as s
from .finding import Check, Finding, mark, where
from .summary import Line, PageSummary
from .typeset import TYPESET_CHECKS

_where = where


# ------------------------------------------------------------------ LAY001

def pages_without_folio(pages: list[PageSummary]) -> Iterator[Finding]:
    """Every page with text of the manuscript on it prints its number.

    Part and chapter openings may move the folio to the foot, never drop
    it: a reader looking up a page of the contents must find it.
    """
    bad = [p for p in pages if not p.blank and p.has_text and not p.folio]
    if bad:
        listed = ", ".join(_where(p) for p in bad[:12]) + (f" and {len(bad) - 12} more"
                                                          if len(bad) > 12 else "")
        yield Finding("LAY001", f"{len(bad)} page{'s' if len(bad) != 1 else ''} with text print "
                      f"no page number: {listed}",
                      "a page style without folio (@page with empty margin boxes) applies to "
                      "more than the opening page; give the opening page its own named page",
                      tuple(p.number for p in bad), tuple(p.label for p in bad))


# ------------------------------------------------------------------ LAY002

#: Lines that keep a heading company (everything but other headings and notes).
_FOLLOWING = frozenset(s.TEXT_KINDS | {s.FIGURE} - {s.NOTE})


def headings_alone(pages: list[PageSummary]) -> Iterator[Finding]:
    """A heading keeps at least two lines of what follows on its page.

    A heading counts as alone when fewer than two lines of text (or no
    picture) follow it on its page while its division goes on overleaf;
    a block that ends after one line (a one-line paragraph) is enough.
    """
    for index, page in enumerate(pages):
        body = [line for line in page.body_lines if line.kind not in (s.FRONT, s.CONTENTS)]
        for i, line in enumerate(body):
            if line.kind != s.HEADING or not line.last:
                continue
            rest = body[i + 1:]
            if any(b.kind == s.HEADING for b in rest) or _kept(rest):
                continue  # a later heading on the page is judged on its own
            following = _next_line(pages, index)
            if following is None or following.division != line.division or (
                    following.kind == s.HEADING and following.level <= line.level):
                continue  # the book, the division or the section ends: nothing follows
            yield Finding(
                "LAY002", f"the heading {_quote(line.text)} is alone at the "
                f"{'top' if _is_top(body, i) else 'foot'} of {_where(page)}: "
                "its text begins on the next page",
                "keep a heading with what follows (break-after: avoid) and let tables and "
                "figures that do not fit move on, so text fills the page",
                (page.number,), (page.label,), marks=(mark(page, line),))


def _kept(after: list[Line]) -> bool:
    lines = [b for b in after if b.kind in _FOLLOWING]
    if any(b.kind == s.FIGURE and not b.text for b in lines):
        return True
    if len(lines) >= 2:
        return True
    return bool(lines) and lines[0].first and lines[0].last


def _next_line(pages: list[PageSummary], index: int) -> Line | None:
    """The first line of the main flow after page ``index``."""
    for page in pages[index + 1:]:
        for line in page.body_lines:
            if line.kind not in (s.FRONT, s.CONTENTS):
                return line
    return None


def _is_top(body: list[Line], i: int) -> bool:
    return all(b.kind == s.HEADING for b in body[:i])


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[:limit - 1] + '…'}”"


# ------------------------------------------------------------------ LAY003

def missing_glyphs(pages: list[PageSummary]) -> Iterator[Finding]:
    """Characters printed as boxes: one finding per set of characters found
    on the same pages, naming them, the pages and where they stand."""
    places: dict[str, list[tuple[PageSummary, s.MissingGlyph]]] = {}
    for page in pages:
        for miss in page.missing:
            for ch in miss.chars:
                places.setdefault(ch, []).append((page, miss))
    groups: dict[tuple[int, ...], list[str]] = {}
    for ch, found in places.items():
        groups.setdefault(tuple(dict.fromkeys(p.number for p, _m in found)), []).append(ch)
    for numbers, chars in groups.items():
        found = places[chars[0]]
        first_page, miss = found[0]
        shown = ", ".join(_char_name(ch) for ch in chars[:8]) + (
            f" and {len(chars) - 8} more" if len(chars) > 8 else "")
        by_number = {p.number: p for p, _m in found}
        where = ", ".join(_where(by_number[n]) for n in numbers[:8]) + (
            f" and {len(numbers) - 8} more pages" if len(numbers) > 8 else "")
        yield Finding(
            "LAY003", f"no font has {shown}: printed as boxes on {where} "
            f"(“{miss.context}”, font {miss.family!r}{', lang ' + miss.lang if miss.lang else ''})",
            _glyph_hint(chars), numbers, tuple(by_number[n].label for n in numbers))


def _char_name(ch: str) -> str:
    name = unicodedata.name(ch, "")
    shown = ch if unicodedata.category(ch)[0] not in "CZ" else ""
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "") + (f" ({shown})" if shown else "")


def _glyph_hint(chars: list[str]) -> str:
    if all(unicodedata.category(ch) == "Cc" for ch in chars):
        return ("control characters are not text: remove them from the manuscript, or check its "
                "encoding (--encoding)")
    return ("install the fallback fonts (.ci/setup-system installs the Noto families), mark "
            "the passage's language (lang) or give a font that has them in your CSS")


# ------------------------------------------------------------------ LAY004

def code_broken_in_words(pages: list[PageSummary]) -> Iterator[Finding]:
    """Preformatted code wraps at spaces or punctuation, or shows a mark.

    A line of code that ends inside a word (letter or digit on both sides
    of the break) with no continuation mark reads as two identifiers.
    """
    bad = [(page, line) for page in pages for line in page.body_lines
           if line.kind == s.CODE and line.break_in_word]
    if bad:
        page, line = bad[0]
        yield Finding(
            "LAY004", f"{len(bad)} line{'s' if len(bad) != 1 else ''} of code broken inside a word "
            f"with no mark, first on {_where(page)}: {_quote(line.text)}",
            "code wraps at spaces and punctuation with a continuation mark; a single "
            "token longer than the line is set smaller", tuple(p.number for p, _l in bad),
            tuple(p.label for p, _l in bad))


#: The checks, in the order they run and report.
CHECKS: tuple[Check, ...] = (
    Check("LAY001", "folio on every text page", pages_without_folio, screen=False),
    Check("LAY002", "no heading alone at a page foot or top", headings_alone),
    Check("LAY003", "no missing glyphs", missing_glyphs, severity="error"),
    Check("LAY004", "code never broken inside a word without a mark", code_broken_in_words),
)


def run_checks(pages: list[PageSummary], *, print_edition: bool = True,
               checks: tuple[Check, ...] | None = None, proof: bool = False) -> list[Finding]:
    """Every applicable check over ``pages``, findings in check order, each
    with its check's severity.  A build runs the checks marked ``build``;
    ``proof`` runs them all."""
    if checks is None:
        checks = CHECKS + TYPESET_CHECKS
    found: list[Finding] = []
    for check in checks:
        if (print_edition or check.screen) and (proof or check.build):
            found.extend(replace(f, severity=check.severity) for f in check.function(pages))
    return found
