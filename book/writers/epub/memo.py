"""Content documents kept in the build cache, by what they are made from.

After a one-word edit, every content document but one or two is made of
the same body as last time.  Namespacing a body for XHTML, wrapping it in
its document and serializing it was a fifth of writing War and Peace's
EPUB; the build cache (stage ``epub-documents``) keeps each document's
bytes under the hash of everything they follow from:

* the body as lxml serializes it (the elements with their tails, after
  the EPUB's text adjustments and link rewriting);
* the document's href, title, language, ``epub:type`` and class of its
  body, and the stylesheets it links;
* the edition (the kepub's documents pass through Kobo's markup);
* make-book's code and the libraries' versions (the key's base), so a
  changed serializer never reuses what an older one wrote.

The same inputs give the same bytes, so a cached and a fresh build write
the same document; an entry the store finds damaged is made again (the
store checks each value's digest).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from ...cache import Store
    from .documents import Document

STAGE = "epub-documents"


class DocumentMemo:
    """The serialized documents of one EPUB edition, from the store when it
    has them."""

    def __init__(self, store: Store | None, edition: str, stylesheets: Sequence[str]) -> None:
        self.store = store
        self._edition = edition
        self._stylesheets = tuple(stylesheets)
        self._keys: dict[int, str] = {}
        self._found: dict[str, bytes] = {}
        self._new: dict[str, bytes] = {}

    def prefetch(self, docs: Sequence[Document]) -> None:
        """Key every document (before its body is handed over) and look
        them all up in one query."""
        if self.store is None:
            return
        from ...cache.keys import Hasher, base_key

        base = Hasher(base_key(), STAGE, self._edition, *self._stylesheets).hexdigest()
        for doc in docs:
            hasher = Hasher(base, doc.href, doc.title, doc.lang, doc.body_type or "",
                            doc.body_class or "", len(doc.body))
            for piece in doc.body:
                hasher.update(etree.tostring(piece, encoding="utf-8"))
            self._keys[id(doc)] = hasher.hexdigest()
        self._found = self.store.get_many(STAGE, list(self._keys.values()))

    def serialized(self, doc: Document, make: Callable[[], bytes]) -> bytes:
        """The document's bytes: kept ones, or ``make()`` (kept for the next
        build)."""
        key = self._keys.get(id(doc))
        if key is None:
            return make()
        found = self._found.get(key)
        if found is not None:
            return found
        data = make()
        self._new[key] = data
        return data

    def save(self) -> None:
        """Keep the documents made by this build."""
        if self.store is not None and self._new:
            self.store.put_many(STAGE, self._new)
            self._new = {}
