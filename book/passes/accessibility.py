"""Accessibility: markup fixes and the facts behind the a11y metadata.

WCAG 2.2 AA as EPUB Accessibility 1.1 applies it to content documents:
data tables get header cells with scope (SC 1.3.1), every image has a text
alternative or is marked decorative (SC 1.1.1), figures pair image and
caption.  The pass also counts what the accessibility summary must report
truthfully (images and their alt text, tables, languages).

Codes: A11Y001 an image without alt text; A11Y002 a table without header
cells.
"""

from __future__ import annotations

from lxml import etree

from ..context import BuildContext
from ..model import Book, Chapter
from ..xhtml import XML_LANG, iter_elements


def run(book: Book, ctx: BuildContext) -> Book:
    missing_alt = 0
    tables = 0
    tables_without_headers = 0
    languages: set[str] = {book.metadata.language}
    for chapter in book.chapters:
        missing_alt += _image_alternatives(chapter, ctx)
        t, bad = _tables(chapter, ctx)
        tables += t
        tables_without_headers += bad
        for el in iter_elements(chapter.tree):
            lang = el.get("lang") or el.get(XML_LANG)
            if lang:
                languages.add(lang)
    book.facts["images_missing_alt"] = missing_alt
    book.facts["tables"] = tables
    book.facts["tables_without_headers"] = tables_without_headers
    book.facts["languages"] = sorted(languages)
    return book


def _line(el: etree._Element) -> int | None:
    node: etree._Element | None = el
    while node is not None:
        if node.get("data-mb-line"):
            return int(node.get("data-mb-line"))
        node = node.getparent()
    return None


def _image_alternatives(chapter: Chapter, ctx: BuildContext) -> int:
    missing = 0
    for img in chapter.tree.iter("img"):
        if img.get("alt") is not None:
            continue
        missing += 1
        ctx.diag.warn("A11Y001", f"image {img.get('src', '')!r} has no alt text",
                      file=chapter.source.file, line=_line(img),
                      hint="describe it, or give alt=\"\" if it is decorative")
        figure = img.getparent()
        caption = figure.find("figcaption") if figure is not None and figure.tag == "figure" else None
        if caption is not None and "".join(caption.itertext()).strip():
            # The caption describes it: name the image by the caption.
            if not caption.get("id"):
                caption.set("id", f"{chapter.id}-caption-{missing}")
            img.set("aria-labelledby", caption.get("id"))
        else:
            img.set("alt", "")  # valid markup; the summary reports it as undescribed
    return missing


def _tables(chapter: Chapter, ctx: BuildContext) -> tuple[int, int]:
    count = bad = 0
    for table in chapter.tree.iter("table"):
        count += 1
        header_cells = list(table.iter("th"))
        if not header_cells:
            bad += 1
            ctx.diag.warn("A11Y002", "table has no header cells", file=chapter.source.file,
                          line=_line(table), hint="mark its first row or column as headers")
            continue
        for th in header_cells:
            if th.get("scope"):
                continue
            row = th.getparent()
            in_head = row is not None and row.getparent() is not None and row.getparent().tag == "thead"
            cells = [c for c in row if isinstance(c.tag, str)] if row is not None else []
            if in_head or all(c.tag == "th" for c in cells):
                th.set("scope", "col")
            else:
                th.set("scope", "row")
    return count, bad
