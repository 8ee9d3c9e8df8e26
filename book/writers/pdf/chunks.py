"""Where the book is cut into chunks, and each chunk's HTML.

Every division opens on a recto (print.css), so a division's page count does
not depend on where it starts: the book can be laid out as several HTML
documents whose pages, put one after another, are the pages of the whole.
What a chunk does not know, its first folio, the worker learns after
pagination (worker.py).

* **Chunk 0** holds everything before the body: the generated opening pages
  and contents, and the manuscript's front matter.  Its folios are Roman
  from i, it prints the page numbers of the contents, so it is laid out
  last, when every body page is known; the contents entries that point into
  the body get their folio as ``data-mb-page`` (:func:`fill_contents`).
* **Body chunks** hold whole divisions.  The first restarts the folio at 1
  (pagecss.py); each next one continues from the pages before it.

Where the body is cut depends on the content only, never on the cache or on
``--jobs``, so a build gives the same bytes however it ran.  Cuts are chosen
by content (like content-defined chunking of files, cuts.py): once a chunk
holds ``MIN_CHARS``, a cut falls before a division whose *id* hashes to a
multiple of ``CUT_EVERY``, or in any case once it holds ``MAX_CHARS``; never
before a division that opens on the next page rather than a recto
(openings.py), as a chunk always starts on a recto.  An edit inside one chapter keeps every id and so every
cut except, rarely, one next to it: the other chunks keep their HTML and
their cached layout.

A chunk holding figures, tables or listings settles in its worker: the
worker lays it out, lets settle.py move what left a hole or wrapped, and
lays the chunk out again before telling its page count (worker.py); as
divisions open on a new page, the repairs are those the whole book gets.

Each chunk but the last ends with an empty block that opens on a recto
(``mb-chunk-end``): when the chunk ends on a recto, WeasyPrint adds the
blank verso the whole book would have there; the block's own page is
dropped.  Block keys (``data-mb-key``, book/pagination.py) are written
relative to the chunk's first chapter, so a chunk's HTML does not change
when chapters before it come and go.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ...model import Asset, Book
from ...pagination import KEY_ATTRIBUTE
from ...xhtml import has_class
from .cuts import MAX_CHARS, MIN_CHARS, plan_body
from .served import asset_url
from .html import Assembled
from .openings import ANY_PAGE_CLASS
from .settle import may_settle

#: The block that ends a chunk on a recto (see the module docstring).
END_CLASS = "mb-chunk-end"
#: Rules the chunked layout adds after every other sheet.
CHUNK_CSS = (f".{END_CLASS} {{ break-before: right; }}\n"
             ".mb-toc-list li a[data-mb-page]::after {"
             " content: \"\\a0\" leader(\". \") attr(data-mb-page); }\n")


@dataclass
class Chunk:
    """One part of the book laid out as its own document."""

    index: int
    #: The chunk's top-level elements (divisions; chunk 0 also the generated pages).
    elements: list[etree._Element]
    division_ids: list[str] = field(default_factory=list)
    #: Page class (``pg-…``) of the next chunk's first division; None for the last.
    next_page_class: str | None = None
    #: Chapter index that the chunk's block keys are relative to.
    chapter_base: int = 0
    #: Ids of elements in this chunk.
    ids: set[str] = field(default_factory=set)
    #: Targets of internal links in this chunk that lie in another chunk.
    foreign_targets: list[str] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    html: str = ""
    #: The same document as XML (lossless, unlike HTML read back), for the
    #: worker's settle step (settle.py); empty when nothing in it can settle.
    xml: str = ""

    @property
    def front(self) -> bool:
        return self.index == 0


def _page_class(element: etree._Element) -> str | None:
    for token in (element.get("class") or "").split():
        if token.startswith("pg-"):
            return token
    return None


def split(assembled: Assembled, book: Book) -> list[Chunk]:
    """Cut the assembled document into chunks (its body is emptied)."""
    body = assembled.root.find("body")
    children = [child for child in body if isinstance(child.tag, str)]
    for child in children:
        body.remove(child)
    start = None
    if assembled.body_start_id is not None:
        start = next((i for i, el in enumerate(children) if el.get("id") == assembled.body_start_id),
                     None)
    if start is None:  # no body: one chunk of Roman pages
        return [Chunk(0, children)]
    chunks = [Chunk(0, children[:start])] if start else []
    body_elements = children[start:]
    sizes = [len(etree.tostring(el, method="html", encoding="unicode")) for el in body_elements]
    ids = [el.get("id") or "" for el in body_elements]
    may_cut = [not has_class(el, ANY_PAGE_CLASS) for el in body_elements]
    for first, last in plan_body(sizes, ids, may_cut):
        chunks.append(Chunk(len(chunks) if start else len(chunks) + 1, body_elements[first:last]))
    for chunk, following in zip(chunks, chunks[1:]):
        chunk.next_page_class = _page_class(following.elements[0]) if following.elements else None
    _describe(chunks, book)
    return chunks


def _describe(chunks: list[Chunk], book: Book) -> None:
    """Ids, link targets, assets and the key base of every chunk."""
    owner: dict[str, int] = {}
    links: list[set[str]] = []
    by_url = {asset_url(None, a.href): a for a in book.assets.values()}
    for position, chunk in enumerate(chunks):
        targets: set[str] = set()
        bases: list[int] = []
        for top in chunk.elements:
            if top.get("id") and "mb-division" in (top.get("class") or "").split():
                chunk.division_ids.append(top.get("id"))
            for el in top.iter():
                if not isinstance(el.tag, str):
                    continue
                ident = el.get("id")
                if ident:
                    chunk.ids.add(ident)
                    owner.setdefault(ident, position)
                href = el.get("href")
                if href and href.startswith("#") and len(href) > 1:
                    targets.add(href[1:])
                key = el.get(KEY_ATTRIBUTE)
                if key:
                    bases.append(int(key.split(".", 1)[0]))
                if el.tag == "img":
                    asset = by_url.get(el.get("src") or "")
                    if asset is not None:
                        chunk.assets[asset.href] = asset
        chunk.chapter_base = min(bases) if bases else 0
        links.append(targets)
    for position, (chunk, targets) in enumerate(zip(chunks, links)):
        chunk.foreign_targets = sorted(t for t in targets if t not in chunk.ids and t in owner)


def _rebase_keys(chunk: Chunk) -> None:
    if not chunk.chapter_base:
        return
    for top in chunk.elements:
        for el in top.iter():
            key = el.get(KEY_ATTRIBUTE) if isinstance(el.tag, str) else None
            if key:
                chapter, _, block = key.partition(".")
                el.set(KEY_ATTRIBUTE, f"{int(chapter) - chunk.chapter_base}.{block}")


def serialize(assembled: Assembled, chunk: Chunk) -> str:
    """The chunk as an HTML document: the book's head, the chunk's elements
    with relative block keys, and the recto-opening end block."""
    _rebase_keys(chunk)
    body = assembled.root.find("body")
    for el in chunk.elements:
        body.append(el)
    end = None
    if chunk.next_page_class is not None:
        end = etree.SubElement(body, "div", {"class": f"{END_CLASS} {chunk.next_page_class}"})
    try:
        chunk.html = assembled.serialize()
        chunk.xml = etree.tostring(assembled.root, encoding="unicode") \
            if any(may_settle(el) for el in chunk.elements) else ""
    finally:
        for el in list(body):
            body.remove(el)
    del end
    return chunk.html


def fill_contents(chunk: Chunk, labels: dict[str, str]) -> None:
    """Contents entries of chunk 0 pointing to a later chunk get their folio
    as ``data-mb-page`` (CHUNK_CSS prints it where ``target-counter`` would)."""
    for top in chunk.elements:
        for link in top.iter("a"):
            target = (link.get("href") or "")[1:]
            if target and target not in chunk.ids and target in labels:
                link.set("data-mb-page", labels[target])


#: CSS functions whose value on one page depends on pages in other chunks.
_WHOLE_BOOK_FUNCTIONS = frozenset({"target-counter", "target-counters", "target-text", "element"})


def needs_one_document(stylesheets: list[str]) -> str | None:
    """Why the user's CSS needs the book laid out as one document, or None.

    ``target-counter()`` and its kin read the page of an element that may lie
    in another chunk, ``counter(pages)`` the whole book's page count, and
    running elements (``element()``) may come from an earlier chunk; our own
    sheets use none of them outside the contents, which chunk 0 handles.
    """
    import tinycss2

    def walk(tokens) -> str | None:
        for token in tokens:
            if token.type == "function":
                name = token.lower_name
                if name in _WHOLE_BOOK_FUNCTIONS:
                    return f"{name}()"
                if name in ("counter", "counters"):
                    idents = [t.value for t in token.arguments if t.type == "ident"]
                    if idents and idents[0] == "pages":
                        return "counter(pages)"
                found = walk(token.arguments)
                if found:
                    return found
            elif token.type in ("() block", "[] block", "{} block"):
                found = walk(token.content)
                if found:
                    return found
            elif token.type in ("qualified-rule", "at-rule"):
                found = walk(token.prelude) or walk(token.content or [])
                if found:
                    return found
        return None

    for text in stylesheets:
        found = walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
        if found:
            return found
    return None
