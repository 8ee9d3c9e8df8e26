"""The navigation document (EPUB 3.3 §7) and the legacy NCX.

The nav holds the ``toc`` (visible: it is also the book's contents page),
``landmarks`` and, when the print edition's pagination was carried over, a
``page-list`` (EPUB Accessibility 1.1 §5.4).  The NCX repeats the toc and
page list for EPUB 2 reading systems (older Kobo and Kindle tools still read
it).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ...i18n import label
from ...model import Book, TocEntry
from ...xhtml import EPUB_NS, EPUB_TYPE, XHTML_NS, element, sub
from .serialize import document, serialize, to_xhtml

NAV_HREF = "nav.xhtml"
NCX_NS = "http://www.daisy.org/z3986/2005/ncx/"


@dataclass(frozen=True)
class PageTarget:
    """A print page marker found in a document: its label and link."""

    label: str
    href: str  # relative to the package folder, with fragment


@dataclass(frozen=True)
class Landmark:
    type: str
    href: str
    title: str


def _toc_list(entries: list[TocEntry], hrefs: dict[str, str]) -> etree._Element:
    ol = element("ol")
    for entry in entries:
        target = hrefs.get(entry.target)
        if target is None:
            continue
        li = sub(ol, "li")
        sub(li, "a", entry.title, href=target)
        if entry.children:
            child = _toc_list(entry.children, hrefs)
            if len(child):
                li.append(child)
    return ol


def nav_document(book: Book, hrefs: dict[str, str], landmarks: list[Landmark],
                 pages: list[PageTarget], stylesheet: str) -> bytes:
    """nav.xhtml: hrefs maps element ids to ``text/file.xhtml#id``."""
    lang = book.metadata.language
    toc = element("nav", attrib={"id": "toc", "role": "doc-toc", "aria-labelledby": "toc-title"})
    toc.set(EPUB_TYPE, "toc")
    sub(toc, "h1", label("contents", lang), id="toc-title")
    toc.append(_toc_list(book.toc, hrefs))
    body = [toc]
    if landmarks:
        nav = element("nav", attrib={"id": "landmarks", "hidden": "hidden",
                                     "aria-label": label("landmarks", lang)})
        nav.set(EPUB_TYPE, "landmarks")
        sub(nav, "h2", label("landmarks", lang))
        ol = sub(nav, "ol")
        for mark in landmarks:
            a = sub(sub(ol, "li"), "a", mark.title, href=mark.href)
            a.set(EPUB_TYPE, mark.type)
        body.append(nav)
    if pages:
        nav = element("nav", attrib={"id": "page-list", "hidden": "hidden", "role": "doc-pagelist",
                                     "aria-label": label("pages", lang)})
        nav.set(EPUB_TYPE, "page-list")
        sub(nav, "h2", label("pages", lang))
        ol = sub(nav, "ol")
        for page in pages:
            sub(sub(ol, "li"), "a", page.label, href=page.href)
        body.append(nav)
    return document([to_xhtml(el) for el in body], title=label("contents", lang), lang=lang,
                    stylesheets=[stylesheet], body_type="frontmatter", body_class="nav")


def ncx_document(book: Book, identifier: str, hrefs: dict[str, str],
                 pages: list[PageTarget]) -> bytes:
    """toc.ncx (NCX 2005-1), for EPUB 2 reading systems."""
    E = lambda tag, **attrs: etree.Element(f"{{{NCX_NS}}}{tag}", **attrs)  # noqa: E731
    ncx = etree.Element(f"{{{NCX_NS}}}ncx", nsmap={None: NCX_NS}, version="2005-1")
    ncx.set("{http://www.w3.org/XML/1998/namespace}lang", book.metadata.language)
    head = etree.SubElement(ncx, f"{{{NCX_NS}}}head")
    depth = _depth(book.toc)
    for name, content in (("dtb:uid", identifier), ("dtb:depth", str(max(depth, 1))),
                          ("dtb:totalPageCount", str(len(pages))),
                          ("dtb:maxPageNumber", str(_max_page(pages)))):
        head.append(E("meta", name=name, content=content))
    title = etree.SubElement(ncx, f"{{{NCX_NS}}}docTitle")
    etree.SubElement(title, f"{{{NCX_NS}}}text").text = book.metadata.title
    nav_map = etree.SubElement(ncx, f"{{{NCX_NS}}}navMap")
    counter = [0]

    def add(parent: etree._Element, entries: list[TocEntry]) -> None:
        for entry in entries:
            target = hrefs.get(entry.target)
            if target is None:
                continue
            counter[0] += 1
            point = etree.SubElement(parent, f"{{{NCX_NS}}}navPoint",
                                     id=f"navpoint-{counter[0]}", playOrder=str(counter[0]))
            text_label = etree.SubElement(point, f"{{{NCX_NS}}}navLabel")
            etree.SubElement(text_label, f"{{{NCX_NS}}}text").text = entry.title
            etree.SubElement(point, f"{{{NCX_NS}}}content", src=target)
            add(point, entry.children)

    add(nav_map, book.toc)
    if pages:
        page_list = etree.SubElement(ncx, f"{{{NCX_NS}}}pageList")
        page_label = etree.SubElement(page_list, f"{{{NCX_NS}}}navLabel")
        etree.SubElement(page_label, f"{{{NCX_NS}}}text").text = label("pages", book.metadata.language)
        for number, page in enumerate(pages, 1):
            counter[0] += 1
            kind, value = _page_kind(page.label, number)
            target = etree.SubElement(page_list, f"{{{NCX_NS}}}pageTarget", id=f"pagetarget-{number}",
                                      type=kind, value=value, playOrder=str(counter[0]))
            text_label = etree.SubElement(target, f"{{{NCX_NS}}}navLabel")
            etree.SubElement(text_label, f"{{{NCX_NS}}}text").text = page.label
            etree.SubElement(target, f"{{{NCX_NS}}}content", src=page.href)
    return serialize_ncx(ncx)


_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}


def _roman_value(label: str) -> int | None:
    """The number a lower-case Roman numeral stands for, or None."""
    text = label.strip().lower()
    if not text or any(ch not in _ROMAN for ch in text):
        return None
    total = 0
    for ch, following in zip(text, text[1:] + " "):
        value = _ROMAN[ch]
        total += -value if following in _ROMAN and _ROMAN[following] > value else value
    return total


def _page_kind(label: str, number: int) -> tuple[str, str]:
    """NCX pageTarget type and value: arabic folios are "normal" pages, Roman
    ones "front" pages valued by their numeral, anything else "special"
    (valued by position).  EPUBCheck wants each (value, type) pair once."""
    if label.isdigit():
        return "normal", label
    roman = _roman_value(label)
    if roman is not None:
        return "front", str(roman)
    return "special", str(number)


def serialize_ncx(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _depth(entries: list[TocEntry]) -> int:
    return 1 + max((_depth(e.children) for e in entries), default=0) if entries else 0


def _max_page(pages: list[PageTarget]) -> int:
    numbers = [int(p.label) for p in pages if p.label.isdigit()]
    return max(numbers, default=0)


__all__ = ["NAV_HREF", "Landmark", "PageTarget", "nav_document", "ncx_document", "serialize",
           "XHTML_NS", "EPUB_NS"]
