"""The EPUB's content documents: cover, title page, imprint, chapters, notes.

Chapters longer than ``[epub] split_bytes`` are split between top-level
sections (e-readers slow down on large files; ebookmaker and calibre split
at 300 KB too).  Each document records which ids it holds so links can be
pointed at the right file afterwards.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree

from ...context import BuildContext
from ...covers import GENERATED, cover_alt_text
from ...i18n import label
from ...model import Book, Chapter, Matter
from ...xhtml import EPUB_TYPE, element, sub
from .serialize import to_xhtml

TEXT_DIR = "text"
STYLESHEET_HREF = "styles/book.css"


@dataclass
class Document:
    """One XHTML file of the EPUB before serialization."""

    href: str  # relative to the package folder, e.g. "text/c001-chapter-1.xhtml"
    title: str
    lang: str
    body: list[etree._Element]  # model elements (plain tags)
    matter: Matter = Matter.BODY
    body_type: str | None = None
    body_class: str | None = None
    chapter_id: str | None = None
    landmark: str | None = None  # epub:type for the landmarks nav
    linear: bool = True
    ids: set[str] = field(default_factory=set)


def _ids(elements: list[etree._Element]) -> set[str]:
    found: set[str] = set()
    for el in elements:
        for node in el.iter():
            if isinstance(node.tag, str) and node.get("id"):
                found.add(node.get("id"))
    return found


def front_documents(book: Book, ctx: BuildContext) -> list[Document]:
    """Cover, title page, imprint, dedication and epigraph documents."""
    meta = book.metadata
    lang = meta.language
    docs: list[Document] = []
    cover = next((a for a in book.assets.values() if "cover-image" in a.properties), None)
    if cover is not None:
        img = element("img", attrib={"src": f"../{cover.href}", "role": "doc-cover",
                                     "alt": cover_alt_text(meta, GENERATED in cover.properties)})
        wrapper = element("section", attrib={"id": "cover", "class": "cover"})
        wrapper.set(EPUB_TYPE, "cover")
        wrapper.append(img)
        docs.append(Document(f"{TEXT_DIR}/cover.xhtml", label("cover", lang), lang, [wrapper],
                             Matter.FRONT, body_class="cover", landmark="cover"))
    title = element("section", attrib={"id": "titlepage", "class": "titlepage"})
    title.set(EPUB_TYPE, "titlepage")
    sub(title, "h1", meta.title, class_="title")
    if meta.subtitle:
        sub(title, "p", meta.subtitle, class_="subtitle")
    if meta.authors:
        sub(title, "p", meta.author_line, class_="author")
    for person in meta.contributors:
        if person.role in ("trl", "edt", "ill"):
            sub(title, "p", person.name, class_=f"contributor role-{person.role}")
    if meta.publisher:
        sub(title, "p", meta.publisher, class_="publisher")
    docs.append(Document(f"{TEXT_DIR}/titlepage.xhtml", meta.title, lang, [title], Matter.FRONT,
                         landmark="titlepage"))
    imprint = imprint_section(book)
    if imprint is not None:
        docs.append(Document(f"{TEXT_DIR}/imprint.xhtml", label("copyright", lang), lang, [imprint],
                             Matter.FRONT))
    if meta.dedication:
        ded = element("section", attrib={"id": "dedication", "class": "dedication",
                                         "role": "doc-dedication", "aria-label": label("dedication", lang)})
        ded.set(EPUB_TYPE, "dedication")
        for line in meta.dedication.split("\n\n"):
            sub(ded, "p", line.strip())
        docs.append(Document(f"{TEXT_DIR}/dedication.xhtml", label("dedication", lang), lang, [ded],
                             Matter.FRONT))
    if meta.epigraph is not None and meta.epigraph.text:
        # The role sits beside epub:type on the section (Ace's
        # epub-type-has-matching-role); the quotation stays a blockquote.
        epi = element("section", attrib={"id": "epigraph", "class": "epigraph",
                                         "role": "doc-epigraph",
                                         "aria-label": label("epigraph", lang)})
        epi.set(EPUB_TYPE, "epigraph")
        quote = sub(epi, "blockquote")
        for para in meta.epigraph.text.split("\n\n"):
            sub(quote, "p", para.strip())
        if meta.epigraph.source:
            sub(quote, "footer", meta.epigraph.source, class_="source")
        docs.append(Document(f"{TEXT_DIR}/epigraph.xhtml", label("epigraph", lang), lang, [epi],
                             Matter.FRONT))
    return docs


def imprint_section(book: Book) -> etree._Element | None:
    """The copyright/imprint page: rights, ISBN, publisher, edition, year."""
    meta = book.metadata
    lang = meta.language
    lines: list[str] = []
    if meta.title:
        head = meta.title + (f": {meta.subtitle}" if meta.subtitle else "")
        lines.append(head + (f" / {meta.author_line}" if meta.authors else ""))
    for person in meta.contributors:
        lines.append(f"{person.name} ({person.role})" if person.role not in ("trl", "edt", "ill")
                     else f"{_role_word(person.role)}: {person.name}")
    year = (meta.date or "")[:4]
    if meta.rights:
        lines.append(meta.rights)
    elif year and meta.publisher:
        lines.append(f"© {year} {meta.publisher}")
    if meta.edition:
        lines.append(f"{label('edition', lang)}: {meta.edition}")
    if meta.publisher:
        lines.append(f"{label('published_by', lang)}: {meta.publisher}" + (f", {year}" if year else ""))
    if meta.isbn:
        lines.append(f"ISBN {_hyphenless(meta.isbn)} (EPUB)")
    if meta.print_isbn:
        lines.append(f"ISBN {_hyphenless(meta.print_isbn)} (print)")
    if meta.series is not None:
        lines.append(meta.series.name + (f" {meta.series.position}" if meta.series.position else ""))
    if len(lines) <= 1:
        return None
    section = element("section", attrib={"id": "imprint", "class": "imprint",
                                         "aria-label": label("copyright", lang)})
    section.set(EPUB_TYPE, "copyright-page")
    for line in lines:
        sub(section, "p", line)
    return section


def _role_word(role: str) -> str:
    return {"trl": "Translated by", "edt": "Edited by", "ill": "Illustrated by"}.get(role, role)


def _hyphenless(isbn: str) -> str:
    return isbn


def chapter_documents(book: Book, ctx: BuildContext, chapters: list[Chapter] | None = None
                      ) -> list[Document]:
    """One document per chapter, split when it would exceed the size limit
    (from copies of the chapters' trees, unless the model is the writer's
    to change, ``ctx.model_disposable``)."""
    limit = ctx.config.epub.split_bytes
    docs: list[Document] = []
    first_body = True
    for number, chapter in enumerate(chapters if chapters is not None else book.chapters, 1):
        lang = chapter.lang or book.metadata.language
        title = chapter.toc_title or chapter.title or book.metadata.title
        tree = chapter.tree if ctx.model_disposable else copy.deepcopy(chapter.tree)
        pieces = _split(tree, limit)
        for index, piece in enumerate(pieces, 1):
            suffix = "" if index == 1 else f"-{index}"
            href = f"{TEXT_DIR}/c{number:03d}{suffix}.xhtml"
            landmark = None
            if chapter.matter == Matter.BODY and first_body and index == 1:
                landmark, first_body = "bodymatter", False
            docs.append(Document(href, title, lang, [piece], chapter.matter,
                                 body_type=chapter.matter.value, chapter_id=chapter.id,
                                 landmark=landmark, ids=_ids([piece])))
    return docs


def _size(el: etree._Element) -> int:
    return len(etree.tostring(el, encoding="utf-8"))


def _split(root: etree._Element, limit: int) -> list[etree._Element]:
    """Split a chapter root between its children so each piece fits ``limit``.

    The first piece keeps the root (and its id); each later piece is a
    shallow copy of the root with its own id, holding the next children.
    """
    if _size(root) <= limit:
        return [root]
    pieces: list[etree._Element] = []
    current = _shell(root, keep_id=True)
    current.text = root.text
    size = 0
    for child in list(root):
        child_size = _size(child)
        if size and size + child_size > limit:
            pieces.append(current)
            current = _shell(root, keep_id=False, n=len(pieces) + 1)
            size = 0
        current.append(child)
        size += child_size
    pieces.append(current)
    return pieces


def _shell(root: etree._Element, *, keep_id: bool, n: int = 1) -> etree._Element:
    shell = etree.Element(root.tag)
    for key, value in root.attrib.items():
        shell.set(key, value)
    if not keep_id:
        shell.set("id", f"{root.get('id')}-part{n}")
        shell.attrib.pop("aria-labelledby", None)
        # The role stays beside epub:type (Ace's epub-type-has-matching-role):
        # a continuation is still the chapter.
    return shell


def notes_document(book: Book, docs: list[Document], number: int) -> Document | None:
    """Book-end notes: move every chapter's notes into one Notes document."""
    lang = book.metadata.language
    section = element("section", attrib={"id": "notes", "role": "doc-endnotes"})
    section.set(EPUB_TYPE, "endnotes")
    sub(section, "h1", label("notes", lang))
    found = False
    for doc in docs:
        for piece in doc.body:
            for container in list(piece.iter("div")):
                if "footnotes" not in (container.get("class") or "").split():
                    continue
                found = True
                group = sub(section, "section", attrib={"id": f"notes-{doc.chapter_id}"})
                sub(group, "h2", doc.title)
                for note in list(container):
                    note.set(EPUB_TYPE, "endnote")
                    note.set("role", "doc-footnote")
                    group.append(note)
                container.getparent().remove(container)
        doc.ids = _ids(doc.body)
    if not found:
        return None
    return Document(f"{TEXT_DIR}/notes.xhtml", label("notes", lang), lang, [section], Matter.BACK,
                    body_type="backmatter", chapter_id="notes", ids=_ids([section]))


def rewrite_links(docs: list[Document]) -> None:
    """Point ``#id`` links at the file that holds the id (EPUB 3.3 §3.4)."""
    owner: dict[str, str] = {}
    for doc in docs:
        for ident in doc.ids:
            owner.setdefault(ident, doc.href)
    for doc in docs:
        for piece in doc.body:
            for a in piece.iter("a"):
                href = a.get("href") or ""
                if not href.startswith("#"):
                    continue
                target = owner.get(href[1:])
                if target and target != doc.href:
                    a.set("href", f"{target.split('/')[-1]}{href}")


def relink_assets(docs: list[Document], asset_hrefs: set[str]) -> None:
    """Image sources are package paths in the model; documents live in text/."""
    for doc in docs:
        for piece in doc.body:
            for img in piece.iter("img"):
                src = img.get("src") or ""
                if src in asset_hrefs:
                    img.set("src", f"../{src}")


def render(doc: Document) -> list[etree._Element]:
    """The document's body content, namespaced for XHTML.  The body is the
    writer's own copy (:func:`chapter_documents` copied the chapter), so it
    is namespaced in place and handed over: the document keeps no body."""
    pieces, doc.body = doc.body, []
    return [to_xhtml(el, copy=False) for el in pieces]
