"""The PDF writers: the print interior and the screen PDF, both with WeasyPrint.

:func:`write_print_pdf` makes the interior a print shop receives (issue 3):
trim size (default 5.5 × 8.5 in, "digest", offered by KDP, Lulu and
IngramSpark alike; ``[pdf] trim`` / ``--trim``), mirrored margins, front
matter in Roman folios and the body from 1, chapters on rectos, running
heads, footnotes at the page foot, optional bleed and crop marks, PDF/X-4 by
default with black text in pure K.  :func:`write_screen_pdf` makes the same
book for reading on screens: no bleed or marks, RGB, tagged PDF/UA-1 with
live links and bookmarks.

Each writer lays the book out once (the print interior again when a print
service's gutter for the page count needs wider default margins, and again
when floats or listings settle), as one document or in chunks laid out at
the same time by worker processes (``--jobs``).  Either way the pages are
summarized (book/pagecheck) and checked (LAY0xx).  The modules:

``html``        the one HTML document (chapter copies with block keys)
``frontmatter`` half-title, title page, imprint, dedication, epigraph, contents
``notes``       footnotes at the call, or chapter-end / book-end notes
``pagecss``     ``@page`` rules from trim, margins, bleed and marks
``fetcher``     the sandboxed URL fetcher (no network, nothing outside the book)
``variants``    PDF/X and PDF/UA settings, output intent, CMYK
``metadata``    document information, dates, reproducible identifiers
``postprocess`` last touches on the PDF objects before writing
``layout``      :class:`PrintLayout`, for the EPUB's page list
``weasyfix``    workarounds for WeasyPrint line-breaking bugs
``settle``      the second layout: floats that left a hole, listings that wrapped
``code``        listings and inline code set so no word breaks without a mark
``preflight``   the print service's rules (``[pdf] target``) checked on the layout
``job``         what laying out needs, as data a worker process can receive
``extract``     page extractors: facts read off the laid-out pages
``whole``       the book as one document, laid out in this process
``chunks``      where the book is cut into chunks, and the chunks' HTML
``chunked``     the chunked layout: plan, schedule, join
``worker``      one chunk laid out (paginate, settle, learn its first folio, draw)
``pool``        worker processes and the order chunks are laid out in
``merge``       the chunks' PDFs joined into one (pages, outline, links, tags)
``result``      what an edition's layout gives back; its messages and page checks

Codes: PDF001 (variants), PDF002 an image left out, PDF003 a resource
refused by the sandboxed fetcher, PDF004 WeasyPrint reported a problem
(not a missing glyph: LAY003 names those), PDF005 (note) a stylesheet that
needs one document (``target-counter()``, ``counter(pages)``, running
elements) laid out without chunks; LAY001-LAY004, LAY008 and LAY010 (book/pagecheck;
``make-book proof`` runs the rest of LAY005-LAY012 too).
"""

from __future__ import annotations

from ...collector import usual_collections
from ...context import BuildContext
from ...errors import RenderError
from ...model import Book
from .layout import PrintLayout, read_layout
from .result import PdfResult, check_pages, report

__all__ = ["PdfResult", "PrintLayout", "check_pages", "read_layout", "render_book",
           "render_editions", "write_print_pdf", "write_screen_pdf"]

#: The editions, by the name the chunked layout and the page extractors use.
EDITIONS = ("print", "screen")


def write_print_pdf(book: Book, ctx: BuildContext) -> PdfResult:
    """The print interior (PDF/X per ``[pdf] variant``) and its layout."""
    return render_book(book, ctx, print_edition=True)


def write_screen_pdf(book: Book, ctx: BuildContext) -> PdfResult:
    """The screen PDF: tagged PDF/UA-1 (``[pdf] screen_variant``), RGB, linked."""
    return render_book(book, ctx, print_edition=False)


def render_book(book: Book, ctx: BuildContext, *, print_edition: bool) -> PdfResult:
    """Assemble, lay out and write one edition of the book."""
    edition = "print" if print_edition else "screen"
    return render_editions(book, ctx, (edition,))[edition]


def render_editions(book: Book, ctx: BuildContext, editions: tuple[str, ...]) -> dict[str, PdfResult]:
    """Lay out and write the ``editions`` ("print", "screen") of the book.

    With ``ctx.options.jobs`` unset, each edition is one WeasyPrint document
    laid out here (whole.py).  With a number of jobs, the book is laid out in
    chunks by that many worker processes, every edition at the same time,
    and each edition's chunks are joined into one PDF (chunked.py).
    """
    results: dict[str, PdfResult] = {}
    whole = ctx.options.jobs is None
    if not whole:
        from .chunks import needs_one_document

        reason = needs_one_document([sheet.text for sheet in book.stylesheets])
        if reason:
            whole = True
            ctx.diag.note("PDF005", f"the stylesheet uses {reason}, which needs pages of the "
                          "whole book: it is laid out as one document, not in parallel chunks")
    try:
        if whole:
            from .whole import render_whole

            for edition in editions:
                with usual_collections():  # WeasyPrint's boxes make cyclic garbage
                    data, layout, log, fetcher = render_whole(book, ctx,
                                                              print_edition=edition == "print")
                report(ctx, log.messages, fetcher.refused)
                results[edition] = PdfResult(data, layout)
        else:
            from .chunked import render_chunked

            results = render_chunked(book, ctx, editions)
    except RecursionError:
        raise RenderError("the document is nested too deeply to lay out") from None
    for edition, result in results.items():
        if result.layout is not None:
            check_pages(result.layout, ctx, print_edition=edition == "print")
    return results
