"""The printed book's opening pages, generated from the metadata.

The traditional sequence (Chicago Manual of Style 1.4; Bringhurst 8.6):
half-title (i), its blank verso (ii), title page (iii), imprint on the
title's verso (iv), dedication and epigraph each on a recto, then the
contents on a recto.  None of these carries a ``data-mb-key``: they are not
text of the manuscript.  Pages are named (pagecss.py) so they carry no
running heads; the contents shows a Roman folio.
"""

from __future__ import annotations

from lxml import etree

from ...i18n import label
from ...model import Book, Metadata, TocEntry
from ...xhtml import element, sub
from . import pagecss


def _block(cls: str, page: str, *, recto: bool = True, **attrs: str) -> etree._Element:
    side = "mb-recto" if recto else "mb-verso"
    return element("section", attrib={"class": f"mb-front-block {cls} pg-{page} {side}", **attrs})


def half_title(meta: Metadata) -> etree._Element:
    section = _block("mb-halftitle", pagecss.PLAIN, role="none")
    sub(section, "p", meta.title, class_="mb-halftitle-title")
    return section


def title_page(meta: Metadata) -> etree._Element:
    section = _block("mb-titlepage", pagecss.PLAIN, **{"aria-label": label("title_page", meta.language)})
    if meta.authors:
        sub(section, "p", meta.author_line, class_="mb-tp-author")
    sub(section, "p", meta.title, class_="mb-tp-title")
    if meta.subtitle:
        sub(section, "p", meta.subtitle, class_="mb-tp-subtitle")
    for person in meta.contributors:
        if person.role in ("trl", "edt", "ill"):
            sub(section, "p", f"{_role_phrase(person.role, meta.language)} {person.name}",
                class_="mb-tp-contributor")
    if meta.publisher:
        sub(section, "p", meta.publisher, class_="mb-tp-publisher")
    return section


_ROLE_PHRASES = {
    "en": {"trl": "Translated by", "edt": "Edited by", "ill": "Illustrated by"},
    "pl": {"trl": "Przełożył(a)", "edt": "Redakcja:", "ill": "Ilustracje:"},
    "de": {"trl": "Übersetzt von", "edt": "Herausgegeben von", "ill": "Illustriert von"},
    "fr": {"trl": "Traduit par", "edt": "Édité par", "ill": "Illustré par"},
}


def _role_phrase(role: str, lang: str) -> str:
    table = _ROLE_PHRASES.get((lang or "en").split("-")[0].lower(), _ROLE_PHRASES["en"])
    return table.get(role, _ROLE_PHRASES["en"].get(role, role))


def imprint(meta: Metadata, year: str) -> etree._Element | None:
    """The copyright page: title, rights, edition, publisher, ISBNs, series.

    None when the metadata says nothing but the title (the verso stays blank).
    """
    lang = meta.language
    section = _block("mb-imprint", pagecss.PLAIN, recto=False,
                     **{"aria-label": label("copyright", lang)})
    lines: list[tuple[str, str]] = []
    head = meta.title + (f". {meta.subtitle}" if meta.subtitle else "")
    lines.append(("mb-imprint-title", head))
    for person in meta.contributors:
        if person.role in ("trl", "edt", "ill"):
            lines.append(("", f"{_role_phrase(person.role, lang)} {person.name}"))
    if meta.rights:
        lines.append(("", meta.rights))
    else:
        holder = meta.author_line or meta.publisher
        if holder and year:
            lines.append(("", f"© {year} {holder}"))
    if meta.edition:
        lines.append(("", f"{label('edition', lang)}: {meta.edition}"))
    if meta.publisher:
        lines.append(("", f"{label('published_by', lang)}: {meta.publisher}" + (f", {year}" if year else "")))
    if meta.series is not None:
        lines.append(("", meta.series.name + (f" {meta.series.position}" if meta.series.position else "")))
    if meta.print_isbn:
        lines.append(("mb-isbn", f"ISBN {hyphenate_isbn(meta.print_isbn)}"))
    if meta.isbn and meta.isbn != meta.print_isbn:
        lines.append(("mb-isbn", f"ISBN {hyphenate_isbn(meta.isbn)} (EPUB)"))
    if len(lines) <= 1:
        return None
    wrapper = sub(section, "div", class_="mb-imprint-body")
    for cls, text in lines:
        sub(wrapper, "p", text, class_=cls) if cls else sub(wrapper, "p", text)
    return section


def hyphenate_isbn(isbn: str) -> str:
    """ISBN-13 grouped as prefix-rest-check when the registrant split is unknown.

    Full ISBN hyphenation needs the ISBN agency's range table; without it we
    only separate the EAN prefix and the check digit, which is never wrong.
    """
    if len(isbn) == 13 and isbn.isdigit():
        return f"{isbn[:3]}-{isbn[3:12]}-{isbn[12]}"
    return isbn


def dedication(meta: Metadata) -> etree._Element:
    section = _block("mb-dedication", pagecss.PLAIN, **{"aria-label": label("dedication", meta.language)})
    for para in meta.dedication.split("\n\n"):
        if para.strip():
            sub(section, "p", para.strip())
    return section


def epigraph(meta: Metadata) -> etree._Element:
    section = _block("mb-epigraph", pagecss.PLAIN, **{"aria-label": label("epigraph", meta.language)})
    quote = sub(section, "blockquote")
    for para in (meta.epigraph.text if meta.epigraph else "").split("\n\n"):
        if para.strip():
            sub(quote, "p", para.strip())
    if meta.epigraph and meta.epigraph.source:
        sub(quote, "p", "— " + meta.epigraph.source, class_="mb-epigraph-source")
    return section


def contents(book: Book, entries: list[tuple[TocEntry, int, bool]]) -> etree._Element:
    """The printed contents: ``entries`` are (entry, depth, in front matter).

    Page numbers come from ``target-counter()`` on each link and dot leaders
    from ``leader()`` (print.css), so they are the pages WeasyPrint really
    laid the headings on.
    """
    lang = book.metadata.language
    nav = _block("mb-toc", pagecss.FRONT, role="doc-toc")
    nav.tag = "nav"
    sub(nav, "h1", label("contents", lang), class_="mb-toc-title")
    listing = sub(nav, "ol", class_="mb-toc-list")
    for entry, depth, front in entries:
        kind = "part" if entry.children and depth == 0 and entry.level == 0 and _is_part(book, entry) \
            else ("chapter" if entry.target == entry.chapter_id else "section")
        item = sub(listing, "li", class_=f"mb-toc-{kind} mb-toc-depth-{depth}"
                   + (" mb-toc-front" if front else ""))
        link = sub(item, "a", href=f"#{entry.target}")
        sub(link, "span", entry.title, class_="mb-toc-text")
    return nav


def _is_part(book: Book, entry: TocEntry) -> bool:
    try:
        return book.chapter(entry.chapter_id).kind == "part"
    except KeyError:
        return False
