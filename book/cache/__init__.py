"""The build cache: content-addressed entries per chapter and per stage.

A build keeps what it made in a store (store.py: one SQLite file, bounded,
checked, safe with two builds at once) under keys that hash everything it
was made from (keys.py: the inputs' bytes, book.toml, the stylesheets, the
system's fonts, the options and the tool itself).  The stages that use it:

=================  ==========================================================
``build``          the build record: nothing changed, nothing to do (record.py)
``load``           the book after reading and every pass (stages.py)
``read``           what a reader made of one source file (reads.py)
``text-read``      the last read of a plain-text file, for splicing the next
                   edit into it (book/readers/text/record.py), with
                   ``text-read-blocks`` and ``text-read-text``: its blocks and
                   its text, by their own hashes
``passes``         one chapter after the chapter passes (stages.py)
``layout-pages``   one chunk's page count and anchor pages (writers/pdf/chunked.py)
``layout``         one chunk's PDF and page facts at its place in the book
``layout-fonts``   a font program joined from the chunks' subsets (subset_union.py)
``fidelity``       the word counts of a chapter or file measured before, and
                   the numbering read from the chapter titles (stages.py)
``epub-deflated``  an EPUB entry's deflate stream, by its bytes (writers/epub/packed.py)
``cover``          the generated EPUB cover (JPEG) and what setting it noticed
``cover-of``       which generated cover a book's source files last had
=================  ==========================================================

Library use (``make-book serve`` and ``make-book catalog`` build on it)::

    from book.cache import Store, open_store, Hasher, base_key

    store = open_store(project)            # the book's own store (location.py)
    key = Hasher(base_key(), "my-stage", payload_bytes).hexdigest()
    data = store.get("my-stage", key)      # bytes, or None (absent or damaged)
    if data is None:
        data = make_it()
        store.put("my-stage", key, data)   # evicts the oldest past the bound

Entries are bytes; encode them yourself (codec.py for the book model), never
as pickles.  ``make-book clean`` (clean.py) removes a book's store.
"""

from __future__ import annotations

from pathlib import Path

from .clean import Cleaned, clean
from .keys import Hasher, base_key, environment_fingerprint, tool_fingerprint
from .location import PROJECT_FOLDER, cache_folder, user_cache_root
from .store import Store


def open_store(project) -> Store:
    """The store of an opened :class:`~book.project.Project`."""
    return Store(cache_folder(project.sandbox.root, book_folder=project.mode != "files"))


def store_at(folder: Path) -> Store:
    """A store in ``folder`` (created on first write)."""
    return Store(folder)


__all__ = ["PROJECT_FOLDER", "Cleaned", "Hasher", "Store", "base_key", "cache_folder", "clean",
           "environment_fingerprint", "open_store", "store_at", "tool_fingerprint",
           "user_cache_root"]
