"""The EPUB 3 writer: one reflowable EPUB 3.3 publication from the model.

Content documents come from :mod:`.documents`, navigation from :mod:`.nav`,
packaging from :mod:`.package`.  The writer never modifies the model: it
works on copies, so the PDF writers can run before or after it (but for a
process that writes one ebook and exits, ``ctx.model_disposable``).  A book
without a cover image gets a generated one (:func:`book.covers.with_cover`).

An :class:`Edition` describes how another EPUB edition differs from the
standard one (the Kobo kepub, :mod:`book.writers.kepub`): a transform of
each content document's tree and stylesheets of its own, packaged by the
same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ...context import BuildContext
from ...covers import with_cover
from ...model import Book, Matter
from ...fonts.languages import book_languages
from ...stylesheets import shipped_css
from ...xhtml import EPUB_TYPE
from .a11y import accessibility_metadata
from ...fonts.embedded import bare_tree, check_embedded_fonts
from .css import package_stylesheet
from .documents import (
    STYLESHEET_HREF,
    Document,
    chapter_documents,
    front_documents,
    notes_document,
    relink_assets,
    render,
    rewrite_links,
)
from .memo import DocumentMemo
from .nav import NAV_HREF, Landmark, PageTarget, nav_document, ncx_document
from .package import Item, book_identifier, package
from .serialize import document_tree, serialize

__all__ = ["Edition", "write_epub"]


@dataclass(frozen=True)
class Edition:
    """What sets an EPUB edition apart from the standard one."""

    #: Its name, which the build cache's keys of its documents hold
    #: (memo.py); the documents of an unnamed edition with a transform are
    #: never taken from the cache (whose transform would they be?).
    name: str | None = None
    #: (content document tree, its href) → tree, applied before serialization.
    transform: Callable[[etree._Element, str], etree._Element] | None = None
    #: (href, CSS) of stylesheets linked from every content document after the book's.
    stylesheets: tuple[tuple[str, str], ...] = ()


def _post_process(docs: list[Document], ctx: BuildContext, default_lang: str) -> None:
    """EPUB-only text adjustments (narrow-space fallback, soft hyphens)."""
    from ...passes.typography.epub import apply_epub_fallbacks

    hyphenate = None
    if ctx.config.epub.soft_hyphens:
        from ...hyphenation import insert_soft_hyphens as hyphenate
    for doc in docs:
        for piece in doc.body:
            apply_epub_fallbacks(piece, ctx.config.typography)
            if hyphenate is not None:
                hyphenate(piece, doc.lang or default_lang)


def _page_targets(docs: list[Document]) -> list[PageTarget]:
    pages = []
    for doc in docs:
        for piece in doc.body:
            for span in piece.iter("span"):
                if "pagebreak" in (span.get(EPUB_TYPE) or "").split() and span.get("id"):
                    text = span.get("aria-label") or span.get("title") or ""
                    pages.append(PageTarget(text, f"{doc.href}#{span.get('id')}"))
    return pages


def write_epub(book: Book, ctx: BuildContext, edition: Edition | None = None) -> bytes:
    """The EPUB's bytes (of ``edition`` when given)."""
    book = with_cover(book, ctx)
    edition = edition or Edition()
    meta = book.metadata
    lang = meta.language
    front = front_documents(book, ctx)
    chapters = chapter_documents(book, ctx)
    notes = notes_document(book, chapters, len(chapters) + 1) if ctx.config.epub.notes == "book-end" else None
    docs = front + chapters + ([notes] if notes else [])
    _post_process(docs, ctx, lang)
    rewrite_links(docs)
    relink_assets(docs, set(book.assets))

    hrefs: dict[str, str] = {}
    for doc in docs:
        for ident in sorted(doc.ids):
            hrefs.setdefault(ident, f"{doc.href}#{ident}")
        if doc.chapter_id:
            hrefs.setdefault(doc.chapter_id, f"{doc.href}#{doc.chapter_id}")
    pages = _page_targets(docs)

    landmarks = [Landmark("toc", f"{NAV_HREF}#toc", _label("contents", lang))]
    for doc in docs:
        if doc.landmark:
            landmarks.append(Landmark(doc.landmark, doc.href, doc.title))
    back = next((d for d in docs if d.matter == Matter.BACK), None)
    if back is not None:
        landmarks.append(Landmark("backmatter", back.href, back.title))

    languages = book_languages(book)
    css, css_assets = package_stylesheet(
        shipped_css("epub", ctx.config.style.theme, languages, store=ctx.cache), book, ctx,
        languages)
    check_embedded_fonts(css, {f"../{a.href}": a.data for a in css_assets},
                         lambda: (bare_tree(d.body, d.lang, d.body_class) for d in docs), ctx.diag)
    items: list[Item] = []
    identifier = book_identifier(meta)
    front_count = len(front)
    sheets = [f"../{STYLESHEET_HREF}", *(f"../{href}" for href, _ in edition.stylesheets)]
    name = edition.name or ("standard" if edition.transform is None else None)
    memo = DocumentMemo(ctx.cache if name else None, name or "", sheets)
    memo.prefetch(docs)
    for index, doc in enumerate(docs):
        data = memo.serialized(doc, lambda doc=doc: _serialized(doc, sheets, edition))
        # EPUB 3.3 §5.6.2.2: documents holding MathML carry the "mathml" property.
        mathml = ("mathml",) if b"http://www.w3.org/1998/Math/MathML" in data else ()
        items.append(Item(doc.href, "application/xhtml+xml", data, f"doc-{index + 1:04d}",
                          mathml, in_spine=True))
        if index == front_count - 1:
            items.append(Item(NAV_HREF, "application/xhtml+xml",
                              nav_document(book, hrefs, landmarks, pages, STYLESHEET_HREF),
                              "nav", ("nav",), in_spine=True))
    items.append(Item("toc.ncx", "application/x-dtbncx+xml", ncx_document(book, identifier, hrefs, pages),
                      "ncx"))
    items.append(Item(STYLESHEET_HREF, "text/css", css.encode("utf-8"), "css"))
    for number, (href, text) in enumerate(edition.stylesheets, 1):
        items.append(Item(href, "text/css", text.encode("utf-8"), f"css-{number}"))
    for number, asset in enumerate(sorted([*book.assets.values(), *css_assets], key=lambda a: a.href), 1):
        uid = "cover-image" if "cover-image" in asset.properties else f"asset-{number:04d}"
        items.append(Item(asset.href, asset.media_type, asset.data, uid,
                          tuple(sorted(p for p in asset.properties if p == "cover-image"))))
    page_source = None
    if pages:
        page_source = f"urn:isbn:{meta.print_isbn}" if meta.print_isbn else (
            f"urn:isbn:{meta.isbn}" if meta.isbn else identifier)
    a11y = accessibility_metadata(book, ctx.config.accessibility, has_page_list=bool(pages),
                                  page_source=page_source)
    data = package(book, items, moment=ctx.build_time, a11y=a11y, store=ctx.cache)
    memo.save()
    return data


def _serialized(doc: Document, sheets: list[str], edition: Edition) -> bytes:
    """The content document's bytes: its body namespaced and wrapped in the
    document (the edition's transform applied), serialized."""
    tree = document_tree(render(doc), title=doc.title, lang=doc.lang, stylesheets=sheets,
                         body_type=doc.body_type, body_class=doc.body_class)
    if edition.transform is not None:
        tree = edition.transform(tree, doc.href)
    return serialize(tree)


def _label(key: str, lang: str) -> str:
    from ...i18n import label

    return label(key, lang)
