"""What laying out one edition gives back, and what it has to say.

Both layouts (whole.py, chunked.py) end the same way: the edition's PDF and
its :class:`~.layout.PrintLayout` (:class:`PdfResult`), WeasyPrint's
messages and the sandbox's refusals reported once each (:func:`report`:
PDF003, PDF004), and the checks on the laid-out pages run on the joined
page summaries (:func:`check_pages`: the checks of book/pagecheck a build
reports; ``make-book proof`` runs them all).
"""

from __future__ import annotations

from dataclasses import dataclass

from ...context import BuildContext
from ...pagecheck import report as report_findings
from ...pagecheck import run_checks
from .layout import PrintLayout


@dataclass
class PdfResult:
    """The PDF bytes and the edition's layout (folios, page facts)."""

    data: bytes
    layout: PrintLayout | None = None


def report(ctx: BuildContext, messages: list[str], refused: list[str]) -> None:
    """WeasyPrint's findings as our diagnostics (PDF003, PDF004), each once.

    A glyph no font has is WeasyPrint's ``.notdef`` message, one per font
    and character: the page checks report it with its page and text
    (LAY003), so it is not repeated here.
    """
    for url in dict.fromkeys(refused):
        ctx.diag.warn("PDF003", f"the PDF does not load {url[:120]!r}: only files inside the "
                      "book folder and embedded data are used")
    for message in dict.fromkeys(messages):
        if "Error fetching" in message or "Failed to load" in message or ".notdef" in message:
            continue  # reported as PDF003 above, and as LAY003 by the page checks
        ctx.diag.note("PDF004", f"WeasyPrint: {message[:300]}")


def check_pages(layout: PrintLayout, ctx: BuildContext, *, print_edition: bool) -> None:
    """The checks on the laid-out pages (book/pagecheck) as warnings."""
    report_findings(run_checks(layout.pages, print_edition=print_edition), ctx.diag,
                    edition="print PDF" if print_edition else "screen PDF")


__all__ = ["PdfResult", "check_pages", "report"]
