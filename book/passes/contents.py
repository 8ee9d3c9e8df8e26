"""Contents: the table of contents, built from the chapters' headings.

One tree serves every output: the EPUB navigation document and NCX, the
printed contents page and the PDF bookmarks.  Parts hold the chapters that
follow them; sections appear under their chapter down to
``[epub] toc_depth`` levels.  Entries follow reading order, as EPUB 3.3
§7.4.2 (and Ace's ``epub-toc-order`` check) require.
"""

from __future__ import annotations

from lxml import etree

from ..context import BuildContext
from ..i18n import label
from ..model import Book, Chapter, TocEntry
from ..xhtml import heading_text, opening_heading, text_content


def chapter_label(chapter: Chapter, book: Book) -> str:
    """What the contents calls a chapter: its title, or a sensible stand-in."""
    if chapter.toc_title:
        return chapter.toc_title
    if chapter.title:
        return chapter.title
    lang = book.metadata.language or "en"
    if len(book.chapters) == 1 or chapter is book.chapters[0] and chapter.matter.value == "bodymatter":
        return book.metadata.title
    key = {"dedication": "dedication", "epigraph": "epigraph", "endnotes": "notes"}.get(chapter.kind)
    return label(key, lang) if key else book.metadata.title


def run(book: Book, ctx: BuildContext) -> Book:
    max_depth = ctx.config.epub.toc_depth
    entries: list[TocEntry] = []
    # The open parts: a chapter of depth d goes under the part of depth d - 1
    # (a book inside a volume, a chapter inside the book).
    parents: list[TocEntry] = []
    for chapter in book.chapters:
        if chapter.kind in ("dedication", "epigraph"):
            continue  # reached through landmarks and reading order, not the contents
        entry = TocEntry(chapter_label(chapter, book), chapter.id, chapter.id, chapter.depth)
        entry.children = _sections(chapter.tree, chapter, chapter.depth + 1, max_depth)
        del parents[chapter.depth:]
        if parents:
            parents[-1].children.append(entry)
        else:
            entries.append(entry)
        if chapter.kind == "part":
            parents.append(entry)
    book.toc = entries
    return book


def _sections(container: etree._Element, chapter: Chapter, level: int, max_depth: int) -> list[TocEntry]:
    if level >= max_depth:
        return []
    found: list[TocEntry] = []
    for child in container:
        if not isinstance(child.tag, str) or child.tag not in ("section", "article"):
            continue
        heading = opening_heading(child)
        if heading is None or not child.get("id"):
            found.extend(_sections(child, chapter, level, max_depth))
            continue
        title = heading_text(heading) or text_content(heading)
        if not title:
            continue
        entry = TocEntry(title, child.get("id"), chapter.id, level)
        entry.children = _sections(child, chapter, level + 1, max_depth)
        found.append(entry)
    return found
