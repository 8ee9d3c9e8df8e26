"""What a check on the laid-out pages reports, and what a check is.

Shared by :mod:`.checks` and :mod:`.typeset` (and anything reading their
findings: the build's warnings, ``make-book proof``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .summary import Line, PageSummary


@dataclass(frozen=True)
class Finding:
    """One problem on the pages: a stable code, what, where, how to fix it."""

    code: str
    message: str
    hint: str
    #: Page numbers (1-based positions) the finding is about.
    pages: tuple[int, ...] = ()
    #: Their printed folios, in the same order.
    labels: tuple[str, ...] = ()
    #: "error", "warning" or "note" (set from the :class:`Check` that found it).
    severity: str = "warning"
    #: Spots to mark on the pages: ``(page number, x, y, width, height)``
    #: in CSS px from the page box's top left corner.
    marks: tuple[tuple[int, float, float, float, float], ...] = ()


@dataclass(frozen=True)
class Check:
    code: str
    name: str
    function: Callable[[list[PageSummary]], Iterator[Finding]]
    #: Whether the check applies to the screen PDF too (folios do not).
    screen: bool = True
    #: "error" (``make-book proof --strict`` fails), "warning" or "note".
    severity: str = "warning"
    #: Whether builds report it; the others only ``make-book proof`` lists
    #: (too many for a build's warnings, or a matter of taste).
    build: bool = True


def mark(page: PageSummary, line: Line) -> tuple[int, float, float, float, float]:
    """The spot of ``line`` on ``page``, for a finding's :attr:`Finding.marks`."""
    return (page.number, round(line.x, 2), round(line.y, 2), round(line.width, 2),
            round(line.height, 2))


def where(page: PageSummary) -> str:
    """The page as a reader finds it: its folio, else its position."""
    return f"page {page.label}" if page.label and page.label != str(page.number) \
        else f"page {page.number}"
