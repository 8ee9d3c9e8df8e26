"""The cyclic garbage collector kept out of a build's way.

Reading a book, running its passes and writing its ebook make a great many
container objects (decoded cache records, trees' proxies, the rows of a
text's blocks) and almost no garbage cycles.  With CPython's thresholds (a
collection of the young generation every 700 new objects) the collector ran
about 150 times in a one-word EPUB rebuild of War and Peace (65 ms of a
second, measured with :data:`gc.callbacks`); with a young generation of
:data:`YOUNG_GENERATION`, once (15–20 ms).  :func:`few_collections` raises
the young generation's threshold for the duration of a build (and of the
ebook written beside it, in a forked child that inherits it) and puts the
interpreter's thresholds back afterwards.  A page layout in this process
(WeasyPrint makes cyclic garbage) runs with the usual ones
(:func:`usual_collections`: the whole book as one document, and chunks laid
out here when only one needs it), whose memory the figures of issue 12 were
measured with: a young generation of 100,000 throughout raised the peak of
a one-process print PDF of Pride and Prejudice from 164 to 214 MB.  What
this process does around layout workers (planning the chunks, reading the
cached ones, joining their pages and page summaries) keeps the raised
threshold: with the usual one, 283 collections took 0.29 s of a 3.4 s
print PDF rebuild of War and Peace after a one-word edit (now 2, 0.08 s).
A layout worker (book/writers/pdf/pool.py) lays out chunks and nothing
else: :func:`settle_layout_worker` keeps its imported modules out of every
collection and collects less often (:data:`LAYOUT_WORKER`).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

#: New container objects between two collections of the young generation
#: during a build (CPython's default is 700): twice as many collected once
#: too in a cached rebuild of War and Peace, at twice the cost, and cyclic
#: garbage stays bounded.
YOUNG_GENERATION = 100_000


#: A layout worker's thresholds: with CPython's (700, 10, 10), collections
#: took 0.97–1.05 s of laying out Pride and Prejudice in one process (1,100
#: of them, 8 of all generations); with these and the imported modules
#: frozen, 0.48–0.52 s (300, 2 of all generations), for a peak of 208 MiB
#: instead of 160 (measured with :data:`gc.callbacks`).
LAYOUT_WORKER = (5_000, 20, 20)


def settle_layout_worker() -> None:
    """Once a layout worker has imported what it needs: those objects are
    never garbage, so every later collection skips them (:func:`gc.freeze`),
    and the young generation is collected less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*LAYOUT_WORKER)


#: The thresholds :func:`few_collections` replaced (its outermost use).
_replaced: list[tuple[int, ...]] = []


@contextlib.contextmanager
def few_collections(young: int = YOUNG_GENERATION) -> Iterator[None]:
    """Collect the young generation every ``young`` new objects meanwhile."""
    before = gc.get_threshold()
    _replaced.append(before)
    gc.set_threshold(max(young, before[0]), *before[1:])
    try:
        yield
    finally:
        _replaced.pop()
        gc.set_threshold(*before)


@contextlib.contextmanager
def usual_collections() -> Iterator[None]:
    """The thresholds :func:`few_collections` replaced, meanwhile (a page
    layout in this process makes cyclic garbage)."""
    if not _replaced:
        yield
        return
    current = gc.get_threshold()
    gc.set_threshold(*_replaced[0])
    try:
        yield
    finally:
        gc.set_threshold(*current)
