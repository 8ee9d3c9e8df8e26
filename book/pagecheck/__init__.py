"""Checks on laid-out pages: what a print shop or a proofreader would see.

The PDF writers lay a book out with WeasyPrint; this package reads the
result once and checks it.  Four parts, each usable on its own:

``summary``  :class:`PageSummary`, :class:`Line`, :class:`MissingGlyph`:
             plain, picklable data about every page (its lines with text,
             place, kind and block, folio, running head, characters no font
             drew); :func:`shifted` renumbers a chunk's pages
``extract``  :func:`summarize` (or a :class:`Summarizer` page by page, then
             :func:`finish` over all pages): WeasyPrint pages → summaries
``finding``  :class:`Finding` (code, message, hint, pages, severity, spots)
             and :class:`Check`
``checks``   :data:`CHECKS`, the ordered list of small check functions,
             and :func:`run_checks`: summaries → :class:`Finding`
``typeset``  :data:`TYPESET_CHECKS`: widows, orphans, loose and overfull
             lines, hyphen ladders, blank rectos, short pages, pictures
``report``   :func:`report`: findings → the build's warnings

To add a check: write ``def my_check(pages: list[PageSummary]) ->
Iterator[Finding]`` in ``checks.py`` (or any module) and append
``Check("LAY0nn", "what it ensures", my_check)`` to :data:`CHECKS` (or pass
your own tuple to :func:`run_checks`).  Codes are stable: LAY001 text page
without folio, LAY002 heading alone at a page foot or top, LAY003 missing
glyph, LAY004 code broken inside a word.
"""

from __future__ import annotations

from .checks import CHECKS, Check, Finding, run_checks
from .extract import Summarizer, finish, summarize
from .report import report
from .summary import Line, MissingGlyph, PageSummary, shifted
from .typeset import TYPESET_CHECKS

#: Every check, in the order :func:`run_checks` runs them.
ALL_CHECKS = CHECKS + TYPESET_CHECKS

__all__ = ["ALL_CHECKS", "CHECKS", "TYPESET_CHECKS", "Check", "Finding", "Line", "MissingGlyph", "PageSummary", "Summarizer",
           "finish", "report", "run_checks", "shifted", "summarize"]
