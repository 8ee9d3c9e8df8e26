"""Where a run of divisions may be cut: content-defined, like chunking a file.

The chunked layout (chunks.py) cuts the body into documents of whole
divisions, and a collection set with chapters on the next page (openings.py)
keeps a recto opening at the same kind of place, so that every chunk starts
on a recto.  A cut depends on the divisions' ids and sizes only: an edit
inside one chapter keeps every id and so, but rarely next to it, every cut.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

#: A run is cut once it holds this many characters of HTML...
MIN_CHARS = 32_000
#: ...before a division whose id hashes to a multiple of this...
CUT_EVERY = 4
#: ...or before any division once it holds this many.
MAX_CHARS = 128_000


def cut_here(division_id: str) -> bool:
    """Does this id mark a place for a cut (one division in :data:`CUT_EVERY`)?"""
    digest = hashlib.blake2b(division_id.encode("utf-8"), digest_size=4).digest()
    return int.from_bytes(digest, "big") % CUT_EVERY == 0


def due(held: int, division_id: str) -> bool:
    """Is a cut due before ``division_id`` after ``held`` characters?"""
    return held >= MAX_CHARS or (held >= MIN_CHARS and cut_here(division_id))


def plan_body(sizes: Sequence[int], ids: Sequence[str],
              may_cut: Sequence[bool] | None = None) -> list[tuple[int, int]]:
    """Ranges ``(start, end)`` of divisions, one per chunk.

    ``may_cut[i]`` false: never cut before division ``i`` (it does not open
    on a recto); a due cut waits for the next division that allows one.
    """
    ranges: list[tuple[int, int]] = []
    start, held = 0, 0
    for index, size in enumerate(sizes):
        allowed = may_cut is None or may_cut[index]
        if index > start and allowed and due(held, ids[index]):
            ranges.append((start, index))
            start, held = index, 0
        held += size
    if start < len(sizes):
        ranges.append((start, len(sizes)))
    return ranges
