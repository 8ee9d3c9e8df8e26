"""``make-book build --watch``: build the book again at every save.

An author who keeps an editor open wants the EPUB and PDF on disk to follow
the manuscript, as ``typst watch`` does.  The first round is an ordinary
build; then a thread watches the book's folders (:mod:`.files` says which
changes count, :mod:`.changes` collects them) and each save starts the
next round (:mod:`.loop`), in the same process and through the same build
cache, so a one-word edit costs only what it touched.  The live preview
(book/serve) watches the same files.
"""

from __future__ import annotations

from .loop import Round, watch_builds

__all__ = ["Round", "watch_builds"]
