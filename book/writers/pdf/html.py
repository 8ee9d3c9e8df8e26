"""One HTML document for the whole printed book.

WeasyPrint lays out a single document, so the chapters (deep copies: the
model is never touched) are put one after another behind the generated front
matter, each a ``section.mb-division`` that opens on a recto.  What the
copies gain on the way:

* ``data-mb-key`` on every text block (book/pagination.py), set *before* any
  rearranging so block numbers match the model trees the EPUB's page list
  enumerates;
* a page class (pagecss.py) choosing folios and running heads, and
  ``data-running``: the recto running head (the chapter's contents title,
  shortened at a word when too long for the head line);
* notes rearranged for ``[pdf] notes`` (notes.py);
* images pointing at the sandboxed URLs that fetcher.py serves;
* attributes the HTML parser or the PDF have no use for are dropped
  (``epub:type``, ``data-mb-line``...).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree

from ...context import BuildContext
from ...errors import MakeBookError
from ...i18n import label
from ...model import Book, Chapter, Matter, TocEntry
from ...pagination import KEY_ATTRIBUTE, block_key, text_blocks
from ...passes.contents import chapter_label
from ...sandbox import is_data_uri, is_remote
from ...xhtml import EPUB_TYPE, XML_LANG, add_class, element, has_class, opening_heading
from . import code, frontmatter, notes, openings, pagecss, settle
from .served import asset_url
from .pagecss import shorten

#: Chapter kinds set like the half-title: one quiet page, no folio.
_PLAIN_KINDS = frozenset({"dedication", "epigraph"})


@dataclass
class Assembled:
    """The document to lay out and what the writer needs to know about it."""

    root: etree._Element
    #: Ids of the divisions (chapters, then generated ones) in order.
    division_ids: list[str] = field(default_factory=list)
    #: Id of the division whose first page is folio 1 (None: no body).
    body_start_id: str | None = None
    footnotes: int = 0

    def serialize(self) -> str:
        return "<!DOCTYPE html>\n" + etree.tostring(self.root, method="html", encoding="unicode")


def toc_entries(book: Book, depth: int) -> list[tuple[TocEntry, int, bool]]:
    """The contents entries to print: (entry, indent depth, in front matter).

    Parts and chapters always; sections down to ``depth`` levels below
    their chapter (``[pdf] toc_depth``).
    """
    matters = {c.id: c.matter for c in book.chapters}
    chapter_depth = {c.id: c.depth for c in book.chapters}
    out: list[tuple[TocEntry, int, bool]] = []

    def walk(entries: list[TocEntry], indent: int) -> None:
        for entry in entries:
            is_division = entry.target == entry.chapter_id
            below = entry.level - chapter_depth.get(entry.chapter_id, 0)
            if is_division or below <= depth:
                out.append((entry, indent, matters.get(entry.chapter_id) == Matter.FRONT))
                walk(entry.children, indent + 1)

    walk(book.toc, 0)
    return out


class Assembler:
    """Builds :class:`Assembled` for one edition (print or screen)."""

    def __init__(self, book: Book, ctx: BuildContext, *, print_edition: bool) -> None:
        self.book = book
        self.ctx = ctx
        self.print_edition = print_edition
        self.pdf = ctx.config.pdf
        self.lang = ctx.language if ctx.language != "und" else "en"
        self.head_limit = pagecss.running_head_chars(self.pdf, ctx.config.style)

    def build(self) -> Assembled:
        meta = self.book.metadata
        root = element("html", attrib={"lang": self.lang})
        head = etree.SubElement(root, "head")
        from .metadata import fill_head

        fill_head(head, meta, self.ctx.build_time)
        body = etree.SubElement(root, "body")
        assembled = Assembled(root)
        kinds = {c.kind for c in self.book.chapters}
        if self.pdf.front_matter:
            body.append(frontmatter.half_title(meta))
            body.append(frontmatter.title_page(meta))
            copyright_page = frontmatter.imprint(meta, self._year())
            if copyright_page is not None:
                body.append(copyright_page)
            if meta.dedication and "dedication" not in kinds:
                body.append(frontmatter.dedication(meta))
            if meta.epigraph is not None and meta.epigraph.text and "epigraph" not in kinds:
                body.append(frontmatter.epigraph(meta))
        entries = toc_entries(self.book, self.pdf.toc_depth) if self.pdf.toc else []
        if entries:
            body.append(frontmatter.contents(self.book, entries))
        copies: list[tuple[str, etree._Element]] = []
        start_pending = True
        opening = openings.Openings(openings.resolve(self.book, self.pdf)
                                    if self.print_edition else "right")
        for index, chapter in enumerate(self.book.chapters):
            starts_body = start_pending and chapter.matter != Matter.FRONT
            division = self._division(index, chapter, starts_body, assembled)
            opening.place(division, chapter, starts_body=starts_body,
                          title_page=has_class(division, f"pg-{pagecss.PART}"))
            if starts_body:
                start_pending = False
                assembled.body_start_id = chapter.id
            body.append(division)
            assembled.division_ids.append(chapter.id)
            copies.append((chapter.toc_title or chapter.title or meta.title, division))
        if self.pdf.notes == "book-end":
            section = notes.book_end(copies, self.lang, self._free_id("mb-notes"))
            if section is not None:
                self._set_page(section, pagecss.CHAPTER if not start_pending else pagecss.CHAPTER + pagecss.START)
                section.set("data-running", label("notes", self.lang))
                body.append(section)
                assembled.division_ids.append(section.get("id"))
                if start_pending:
                    assembled.body_start_id = section.get("id")
        _clean(root)
        return assembled

    # ------------------------------------------------------------ divisions

    def _year(self) -> str:
        """The publication year, only when the metadata states a date (a
        build date is no copyright year, and old texts have none)."""
        return (self.book.metadata.date or "")[:4]

    def _free_id(self, base: str) -> str:
        taken = {c.id for c in self.book.chapters}
        candidate, n = base, 2
        while candidate in taken:
            candidate, n = f"{base}-{n}", n + 1
        return candidate

    def _set_page(self, section: etree._Element, page: str) -> None:
        add_class(section, f"pg-{page}")

    def _division(self, index: int, chapter: Chapter, starts_body: bool,
                  assembled: Assembled) -> etree._Element:
        tree = copy.deepcopy(chapter.tree)
        for number, block in enumerate(text_blocks(tree)):
            block.set(KEY_ATTRIBUTE, block_key(index, number))
        tree.tag = "section"
        tree.set("id", chapter.id)
        if chapter.lang:
            tree.set("lang", chapter.lang)
        add_class(tree, "mb-division")
        add_class(tree, f"mb-{chapter.kind}")
        add_class(tree, f"mb-matter-{chapter.matter.name.lower()}")
        if chapter.kind == "part" and not holds_text(tree):
            page = pagecss.PART
        elif chapter.kind in _PLAIN_KINDS:
            page = pagecss.PLAIN
        elif chapter.matter == Matter.FRONT:
            page = pagecss.FRONT
        else:
            page = pagecss.CHAPTER
        if starts_body and page in (pagecss.PART, pagecss.CHAPTER):
            page += pagecss.START
        self._set_page(tree, page)
        running = chapter.toc_title or chapter.title or self.book.metadata.title
        tree.set("data-running", shorten(running, self.head_limit))
        heading = opening_heading(tree)
        if heading is None and chapter.kind not in _PLAIN_KINDS:
            # A division without a heading (an article, a story) still opens
            # with its title, as the contents and bookmarks name it.
            heading = element(f"h{min(chapter.depth + 1, 6)}", chapter_label(chapter, self.book),
                              attrib={"class": "mb-generated"})
            heading.tail, tree.text = tree.text, None
            tree.insert(0, heading)
        if heading is not None:
            add_class(heading, "mb-title")
        lang = chapter.lang or self.lang
        if self.pdf.notes == "footnotes":
            assembled.footnotes += notes.place_footnotes(tree, lang)
        else:
            notes.chapter_end(tree, lang)
        self._images(tree, chapter)
        _scene_breaks(tree)
        _keep_small_tables(tree)
        settle.mark_floats(tree, str(index))
        code.inline_break_points(tree)
        return tree

    def _images(self, tree: etree._Element, chapter: Chapter) -> None:
        root = self.ctx.sandbox.root
        by_href = {a.href for a in self.book.assets.values()}
        for img in list(tree.iter("img")):
            src = (img.get("src") or "").strip()
            if src in by_href:
                img.set("src", asset_url(root, src))
                continue
            if src and is_data_uri(src):
                continue
            problem = None
            if not src or is_remote(src):
                problem = "remote images are not fetched for the PDF" if src else "image without src"
            else:
                base = chapter.source_path.parent if chapter.source_path else root
                try:
                    path = self.ctx.sandbox.resolve(src, base=base, file=chapter.source.file)
                    if path.is_file():
                        img.set("src", path.as_uri())
                        continue
                    problem = f"image {src!r} not found"
                except MakeBookError as exc:
                    problem = exc.message
            self.ctx.diag.warn("PDF002", f"{problem}; left out of the PDF", file=chapter.source.file)
            _replace_with_alt(img)


def holds_text(tree: etree._Element) -> bool:
    """Does a division hold more than its title (text, pictures, tables)?

    A part that does is set like a chapter: its opening page shows the
    folio at the foot and the pages after it carry running heads, where a
    bare part-title page carries nothing.
    """
    heading = opening_heading(tree)
    skip = {heading, heading.getparent()} if heading is not None else set()
    for child in tree:
        if not isinstance(child.tag, str) or child in skip or child.tag == "span":
            continue
        if "".join(child.itertext()).strip() or child.tag in ("img", "figure", "table") or \
                next(child.iter("img", "table", "svg"), None) is not None:
            return True
    return bool((tree.text or "").strip())


def _replace_with_alt(img: etree._Element) -> None:
    alt = (img.get("alt") or "").strip()
    span = element("span", f"[{alt}]" if alt else None, attrib={"class": "mb-missing-image"})
    span.tail = img.tail
    img.getparent().replace(img, span)


def _scene_breaks(tree: etree._Element) -> None:
    """``hr.scene-break`` → an ornament block (WeasyPrint draws no content on ``hr``)."""
    for hr in list(tree.iter("hr")):
        if "scene-break" in (hr.get("class") or "").split():
            div = element("div", attrib={"class": "mb-scene-break", "role": "separator"})
            div.tail = hr.tail
            hr.getparent().replace(hr, div)


#: Tables of at most this many rows are kept on one page: splitting a short
#: table leaves two stubs a reader must join across a page turn.  Longer
#: ones may split between rows (two rows at least on each side, print.css)
#: rather than leave a hole where they did not fit.
SMALL_TABLE_ROWS = 6


def _keep_small_tables(tree: etree._Element) -> None:
    for table in tree.iter("table"):
        if sum(1 for _ in table.iter("tr")) <= SMALL_TABLE_ROWS:
            add_class(table, "mb-keep")


_KEEP_DATA = frozenset({KEY_ATTRIBUTE, "data-running", settle.FLOAT_ATTRIBUTE})


def _clean(root: etree._Element) -> None:
    """Drop namespaced and internal attributes; ``xml:lang`` becomes ``lang``."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        attrib = el.attrib
        for name in list(attrib):
            if name == XML_LANG:
                if not attrib.get("lang"):
                    attrib["lang"] = attrib[name]
                del attrib[name]
            elif name == EPUB_TYPE or name.startswith("{") or (
                    name.startswith("data-") and name not in _KEEP_DATA):
                del attrib[name]
    # Comments and processing instructions have no place in the layout.
    for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        parent = node.getparent()
        if parent is not None:
            if node.tail:
                prev = node.getprevious()
                if prev is not None:
                    prev.tail = (prev.tail or "") + node.tail
                else:
                    parent.text = (parent.text or "") + node.tail
            parent.remove(node)
