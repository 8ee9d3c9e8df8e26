"""The book laid out as one WeasyPrint document, in this process.

What WeasyPrint itself does best: one HTML document, one layout, one PDF
(and a second or third layout when the print service's gutter grows with
the page count, or when floats and listings settle, settle.py).  The
chunked layout (chunked.py) must give the same book; this one keeps the
rendered document (``PrintLayout.document``) for inspection, which tests
and tools use.
"""

from __future__ import annotations

from typing import Any

from ...context import BuildContext
from ...model import Book
from . import metadata, preflight, settle
from .extract import build_needs, extractors_for
from .html import Assembled, Assembler
from .job import RenderSetup, WeasyLog, make_fetcher, make_setup, prepare_process, render_html, write_pdf
from .layout import PrintLayout, label_ranges, read_layout


def file_identifier(setup: RenderSetup, html_text: str, book: Book) -> bytes:
    """The PDF file identifier: a hash of everything that went into the layout."""
    return metadata.identifier(html_text, *setup.fingerprint(),
                               *(a.href for a in book.assets.values()),
                               *(a.print_data or a.data for a in book.assets.values()))


def render_whole(book: Book, ctx: BuildContext, *, print_edition: bool
                 ) -> tuple[bytes, PrintLayout | None, WeasyLog, Any]:
    """Lay out and write one edition as a single document.

    Returns the PDF, the layout, WeasyPrint's log and the fetcher (for what
    it refused).
    """
    prepare_process()
    pdf = ctx.config.pdf
    log = WeasyLog()

    def lay_out(html_text: str) -> tuple[Any, Any, bytes, RenderSetup]:
        setup = make_setup(book, ctx, print_edition=print_edition)
        fetcher = make_fetcher(setup, dict(book.assets))
        file_id = file_identifier(setup, html_text, book)
        document = render_html(setup, html_text, fetcher, log, identifier=file_id)
        return document, fetcher, file_id, setup

    def settled() -> tuple[Assembled, tuple[Any, Any, bytes, RenderSetup]]:
        """The book assembled and laid out with the current settings, its
        floats and listings settled (settle.py) on that measure."""
        assembled = Assembler(book, ctx, print_edition=print_edition).build()
        laid = lay_out(assembled.serialize())
        for _ in range(settle.MAX_LAYOUTS - 1):  # floats and listings need another look
            if not settle.settle(assembled.root, laid[0]):
                break
            laid = lay_out(assembled.serialize())
        return assembled, laid

    assembled, (document, fetcher, file_id, setup) = settled()
    # A wider gutter adds pages, which may ask for a wider one; the count is
    # the settled one (what is printed), as in the chunked layout.
    for _ in range(3):
        if not (print_edition and pdf.target and preflight.widen_gutter(len(document.pages), ctx)):
            break
        assembled, (document, fetcher, file_id, setup) = settled()
    edition = "print" if print_edition else "screen"
    layout = read_layout(document, assembled.division_ids, assembled.body_start_id,
                         extractors_for(edition, build_needs(ctx, edition)))
    if print_edition and pdf.target:
        preflight.preflight(layout.page_count, layout.extracted["images"], ctx)
    body_start = layout.chapter_first_page.get(assembled.body_start_id or "")
    data = write_pdf(setup, document, log, identifier=file_id,
                     page_labels=label_ranges(layout.page_count, body_start))
    return data, layout, log, fetcher
