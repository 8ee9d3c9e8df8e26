"""What laying out the book's HTML needs, as plain data any process can receive.

The PDF writer lays the book out either as one document in this process or
in chunks spread over worker processes (chunks.py, pool.py).  Both go
through :func:`render_html`, so a chunk is laid out with exactly the sheets,
fonts, fetcher rules and PDF options the one-document layout uses.
:class:`RenderSetup` is that recipe: strings, bytes and flags only, so it
pickles to a worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from ...context import BuildContext
from ...model import Asset, Book
from ...sandbox import Sandbox
from ...fonts.languages import book_languages
from ...stylesheets import shipped_css, styles_dir, with_fallbacks
from . import pagecss, variants

#: WeasyPrint's logger: its warnings become PDF004 notes.
WEASY_LOGGER = "weasyprint"


@dataclass
class RenderSetup:
    """One edition's layout recipe (see the module docstring)."""

    print_edition: bool
    #: Our sheets in cascade order, one string (parsed without listening to
    #: WeasyPrint's warnings: base.css holds rules only e-readers know).
    css_text: str
    #: The user's sheets, parsed with WeasyPrint's warnings reported (each
    #: followed by its font stacks with the fallback fonts, book/fonts).
    user_css: list[str]
    root_url: str
    sandbox: Sandbox
    internal: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    cmyk_images: bool = False
    pdf_variant: str | None = None
    full_fonts: bool = False
    options: dict[str, object] = field(default_factory=dict)
    #: Keyword arguments of postprocess.make_finisher (all but file_id).
    finisher: dict[str, object] = field(default_factory=dict)

    def fingerprint(self) -> list[bytes | str]:
        """Everything of the recipe that shapes the output, for cache keys and file ids
        (not the book's folder: the same book elsewhere gives the same bytes;
        files the layout reads are checked by the cache apart, chunked.py)."""
        parts: list[bytes | str] = [self.css_text, *self.user_css, repr(self.pdf_variant),
                                    repr(self.full_fonts), repr(sorted(self.options.items())),
                                    repr(sorted(self.finisher.items())), repr(self.cmyk_images)]
        for name in sorted(self.internal):
            parts += [name, self.internal[name][0]]
        return parts


@dataclass
class AssetBag:
    """The assets a layout may fetch (what the fetcher reads of a Book)."""

    assets: dict[str, Asset]


def make_setup(book: Book, ctx: BuildContext, *, print_edition: bool) -> RenderSetup:
    """The recipe for one edition of ``book`` with the current settings."""
    pdf = ctx.config.pdf
    variant = variants.print_setup(ctx) if print_edition else variants.screen_setup(ctx)
    meta = book.metadata
    verso = meta.author_line if pdf.verso_head == "author" and meta.authors else meta.title
    languages = book_languages(book)
    css_text = "\n".join([
        shipped_css("print", ctx.config.style.theme, languages, store=ctx.cache),
        "" if print_edition else (styles_dir() / "screen.css").read_text(encoding="utf-8"),
        pagecss.page_css(pdf, ctx.config.style, verso_head=verso, print_edition=print_edition),
        variant.css,
    ])
    finisher = dict(
        print_edition=print_edition, bleed=print_edition and pdf.bleed > 0,
        outer_bleed_only=pdf.bleed_edges == "outer", bookmarks=pdf.bookmarks,
        whole_fonts=pdf.full_fonts, profile_name=variant.profile_name,
        pdfx=bool(variant.pdf_variant and "pdf/x" in variant.pdf_variant))
    return RenderSetup(
        print_edition=print_edition, css_text=css_text,
        user_css=[with_fallbacks(sheet, languages) for sheet in book.stylesheets],
        root_url=ctx.sandbox.root.as_uri() + "/", sandbox=ctx.sandbox, internal=variant.internal,
        cmyk_images=variant.cmyk_images, pdf_variant=variant.pdf_variant,
        full_fonts=pdf.full_fonts, options=dict(variant.options), finisher=finisher)


class WeasyLog(logging.Handler):
    """Collects WeasyPrint's warnings during one render, to report them once."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def prepare_process() -> None:
    """Once per process: corrected hyphenation dictionaries, WeasyPrint fixes."""
    from ...hyphenation import use_corrected_dictionaries
    from . import leaders, weasyfix

    # WeasyPrint hyphenates with pyphen; give it dictionaries that never
    # split what the language forbids (Polish digraphs...).
    use_corrected_dictionaries()
    weasyfix.install()
    leaders.install()  # one text run per dot leader, not one box per dot


def make_fetcher(setup: RenderSetup, assets: dict[str, Asset]):
    """The sandboxed fetcher (fetcher.py) serving ``assets`` for ``setup``."""
    from .fetcher import SandboxFetcher

    return SandboxFetcher(setup.sandbox, AssetBag(assets), setup.internal,
                          image_filter=variants.to_cmyk if setup.cmyk_images else None)


#: Parsed sheets kept between the chunks one process lays out with the same
#: recipe: (recipe key) → (font configuration, colour profiles, sheets,
#: WeasyPrint's messages while parsing them, URLs fetched while parsing them).
_SHEETS: dict[str, tuple[Any, dict, list, list[str], list[str]]] = {}


def _sheets(setup: RenderSetup, fetcher: Any, extra_css: str, reuse: bool
            ) -> tuple[Any, dict, list, list[str]]:
    """The parsed sheets of ``setup``, parsed once per process when ``reuse``."""
    import hashlib

    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    key = hashlib.sha256("\0".join([setup.css_text, extra_css, *setup.user_css, setup.root_url])
                         .encode("utf-8", "surrogatepass")).hexdigest()
    if reuse and key in _SHEETS:
        font_config, profiles, sheets, messages, served = _SHEETS[key]
        fetcher.served.extend(served)  # the fonts the sheets loaded count for every chunk
        return font_config, _fresh_profiles(profiles), sheets, messages
    served_before = len(fetcher.served)
    font_config = FontConfiguration()
    # One dict shared by the sheets and the render: @color-profile rules
    # (the PDF/X output intent) are collected while the sheets are parsed.
    profiles: dict = {}
    own = setup.css_text + ("\n" + extra_css if extra_css else "")
    sheets = [CSS(string=own, base_url=setup.root_url, url_fetcher=fetcher,
                  font_config=font_config, color_profiles=profiles)]
    log = WeasyLog()
    weasy_logger = logging.getLogger(WEASY_LOGGER)
    weasy_logger.addHandler(log)
    try:
        sheets += [CSS(string=text, base_url=setup.root_url, url_fetcher=fetcher,
                       font_config=font_config, color_profiles=profiles) for text in setup.user_css]
    finally:
        weasy_logger.removeHandler(log)
    if reuse:
        _SHEETS.clear()  # one recipe at a time: a new build or edition replaces it
        _SHEETS[key] = (font_config, _profile_sources(profiles), sheets, log.messages,
                        list(fetcher.served[served_before:]))
        return font_config, _fresh_profiles(_SHEETS[key][1]), sheets, log.messages
    return font_config, profiles, sheets, log.messages


def _profile_sources(profiles: dict) -> dict:
    """The colour profiles as their bytes, before any render used them."""
    return {name: (profile.content, profile.src, profile.rendering_intent, profile.components)
            for name, profile in profiles.items()}


def _fresh_profiles(sources: dict) -> dict:
    """New profile objects for one render: LittleCMS changes a profile's
    serialization once it has been used, so a profile is never shared by two
    renders (their PDFs would differ with the order they were made in)."""
    import io

    from weasyprint.css import ColorProfile

    return {name: ColorProfile(io.BytesIO(data), src, intent, components)
            for name, (data, src, intent, components) in sources.items()}


def render_html(setup: RenderSetup, html_text: str, fetcher: Any, log: WeasyLog, *,
                identifier: bytes, extra_css: str = "", reuse_sheets: bool = False) -> Any:
    """Lay out ``html_text`` with ``setup``; returns WeasyPrint's Document.

    ``extra_css`` follows every other sheet (the chunked layout's own rules).
    WeasyPrint's warnings land in ``log``.  With ``reuse_sheets`` (the
    chunks of one worker), the sheets and fonts are parsed once per process.
    """
    from weasyprint import HTML

    font_config, profiles, sheets, messages = _sheets(setup, fetcher, extra_css, reuse_sheets)
    log.messages.extend(messages)
    weasy_logger = logging.getLogger(WEASY_LOGGER)
    weasy_logger.addHandler(log)
    try:
        return HTML(string=html_text, base_url=setup.root_url, url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=sheets, color_profiles=profiles,
            pdf_variant=setup.pdf_variant, pdf_identifier=identifier,
            full_fonts=setup.full_fonts, **setup.options)
    finally:
        weasy_logger.removeHandler(log)


def write_pdf(setup: RenderSetup, document: Any, log: WeasyLog, *, identifier: bytes,
              page_labels: list[tuple[int, str]] | None = None) -> bytes:
    """Draw ``document`` to PDF bytes with the edition's finishing touches."""
    from . import pdfstreams, postprocess

    pdfstreams.install()  # each stream deflated once, at level 6
    finisher = postprocess.make_finisher(file_id=identifier, page_labels=page_labels,
                                         **setup.finisher)
    weasy_logger = logging.getLogger(WEASY_LOGGER)
    weasy_logger.addHandler(log)
    try:
        return document.write_pdf(finisher=finisher, pdf_variant=setup.pdf_variant,
                                  pdf_identifier=identifier, full_fonts=setup.full_fonts,
                                  **setup.options)
    finally:
        weasy_logger.removeHandler(log)
