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
service's gutter for the page count needs wider default margins).  The modules:

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

Codes: PDF001 (variants), PDF002 an image left out, PDF003 a resource
refused by the sandboxed fetcher, PDF004 WeasyPrint reported a problem.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from ...context import BuildContext
from ...errors import RenderError
from ...model import Book
from ...pagecheck import report, run_checks, summarize
from ...stylesheets import shipped_css, styles_dir, with_fallbacks
from .layout import PrintLayout, read_layout

__all__ = ["PdfResult", "PrintLayout", "write_print_pdf", "write_screen_pdf", "render_book"]


@dataclass
class PdfResult:
    """The PDF bytes and, for the print edition, its layout."""

    data: bytes
    layout: PrintLayout | None = None


def write_print_pdf(book: Book, ctx: BuildContext) -> PdfResult:
    """The print interior (PDF/X per ``[pdf] variant``) and its layout."""
    return render_book(book, ctx, print_edition=True)


def write_screen_pdf(book: Book, ctx: BuildContext) -> PdfResult:
    """The screen PDF: tagged PDF/UA-1 (``[pdf] screen_variant``), RGB, linked."""
    return render_book(book, ctx, print_edition=False)


class _WeasyLog(logging.Handler):
    """Collects WeasyPrint's warnings during one render, to report them once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_book(book: Book, ctx: BuildContext, *, print_edition: bool) -> PdfResult:
    """Assemble, lay out once, and write one edition of the book."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from ...hyphenation import use_corrected_dictionaries
    from . import metadata, pagecss, postprocess, preflight, settle, variants, weasyfix
    from .fetcher import SandboxFetcher
    from .html import Assembler

    # WeasyPrint hyphenates with pyphen; give it dictionaries that never
    # split what the language forbids (Polish digraphs...).
    use_corrected_dictionaries()
    weasyfix.install()

    pdf = ctx.config.pdf
    setup = variants.print_setup(ctx) if print_edition else variants.screen_setup(ctx)
    assembled = Assembler(book, ctx, print_edition=print_edition).build()
    html_text = assembled.serialize()
    meta = book.metadata
    verso = (meta.author_line if pdf.verso_head == "author" and meta.authors else meta.title)
    user_css = [with_fallbacks(sheet) for sheet in book.stylesheets]
    fetcher = SandboxFetcher(ctx.sandbox, book, setup.internal,
                             image_filter=variants.to_cmyk if setup.cmyk_images else None)
    root_url = ctx.sandbox.root.as_uri() + "/"
    log = _WeasyLog()
    weasy_logger = logging.getLogger("weasyprint")

    def lay_out() -> tuple[Any, bytes]:
        """One layout with the current settings; returns it and the file id."""
        # Our own sheets (base.css is shared with the EPUB and holds rules
        # only e-readers know) are parsed without listening to WeasyPrint's
        # warnings; the user's sheets are parsed with the log attached, so
        # their problems are reported.
        css_text = "\n".join([
            shipped_css("print", ctx.config.style.theme),
            "" if print_edition else (styles_dir() / "screen.css").read_text(encoding="utf-8"),
            pagecss.page_css(pdf, ctx.config.style, verso_head=verso, print_edition=print_edition),
            setup.css,
        ])
        file_id = metadata.identifier(html_text, css_text, *user_css, repr(setup.pdf_variant),
                                      repr(pdf.full_fonts), *(a.href for a in book.assets.values()),
                                      *(a.print_data or a.data for a in book.assets.values()))
        font_config = FontConfiguration()
        # One dict shared by the sheets and the render: @color-profile rules
        # (the PDF/X output intent) are collected while the sheets are parsed.
        profiles: dict = {}
        sheets = [CSS(string=css_text, base_url=root_url, url_fetcher=fetcher,
                      font_config=font_config, color_profiles=profiles)]
        weasy_logger.addHandler(log)
        try:
            sheets += [CSS(string=text, base_url=root_url, url_fetcher=fetcher,
                           font_config=font_config, color_profiles=profiles) for text in user_css]
            document = HTML(string=html_text, base_url=root_url, url_fetcher=fetcher).render(
                font_config=font_config, stylesheets=sheets, color_profiles=profiles,
                pdf_variant=setup.pdf_variant, pdf_identifier=file_id,
                full_fonts=pdf.full_fonts, **setup.options)
        finally:
            weasy_logger.removeHandler(log)
        return document, file_id

    try:
        document, file_id = lay_out()
        for _ in range(3):  # a wider gutter adds pages, which may ask for a wider one
            if not (print_edition and pdf.target and preflight.widen_gutter(len(document.pages), ctx)):
                break
            document, file_id = lay_out()
        for _ in range(settle.MAX_LAYOUTS - 1):  # floats and listings need another look
            if not settle.settle(assembled.root, document):
                break
            html_text = assembled.serialize()
            document, file_id = lay_out()
        layout = read_layout(document, assembled.division_ids, assembled.body_start_id) \
            if print_edition else None
        if print_edition and pdf.target:
            preflight.preflight(document, ctx)
        pages = layout.pages if layout is not None else summarize(document.pages)
        report(run_checks(pages, print_edition=print_edition), ctx.diag,
               edition="print PDF" if print_edition else "screen PDF")
        finisher = postprocess.make_finisher(
            file_id=file_id, print_edition=print_edition, bleed=print_edition and pdf.bleed > 0,
            outer_bleed_only=pdf.bleed_edges == "outer", bookmarks=pdf.bookmarks,
            whole_fonts=pdf.full_fonts,
            profile_name=setup.profile_name, pdfx=bool(setup.pdf_variant and "pdf/x" in setup.pdf_variant))
        weasy_logger.addHandler(log)
        try:
            data = document.write_pdf(
                finisher=finisher, pdf_variant=setup.pdf_variant, pdf_identifier=file_id,
                full_fonts=pdf.full_fonts, **setup.options)
        finally:
            weasy_logger.removeHandler(log)
    except RecursionError:
        raise RenderError("the document is nested too deeply to lay out") from None
    for url in fetcher.refused:
        ctx.diag.warn("PDF003", f"the PDF does not load {url[:120]!r}: only files inside the "
                      "book folder and embedded data are used")
    for message in dict.fromkeys(log.messages):
        if "Error fetching" in message or "Failed to load" in message or ".notdef" in message:
            continue  # reported as PDF003 and LAY003
        ctx.diag.note("PDF004", f"WeasyPrint: {message[:300]}")
    return PdfResult(data, layout)
