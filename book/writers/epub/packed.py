"""Deflated EPUB entries kept in the build cache, by what they hold.

After a one-word edit, all but one or two of a long book's content
documents come out of the writer byte for byte as last time; deflating
them again was a quarter of writing War and Peace's EPUB.  The build
cache (stage ``epub-deflated``) keeps each entry's raw deflate stream
under the hash of its bytes, of zlib's version and of the level: the same
bytes deflated by the same zlib at the same level are the same stream, so
a cached and a fresh build write the same archive.  A stream found is
checked against the entry's length and CRC-32 (kept beside it) before it is
used; anything else is deflated afresh and kept for the next build.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING

from .ocf import deflate

if TYPE_CHECKING:
    from ...cache import Store

STAGE = "epub-deflated"
#: Entries shorter than this are deflated on the spot: a lookup costs more.
MIN_SIZE = 2048


def _key(data: bytes, level: int) -> str:
    from ...cache.keys import Hasher

    return Hasher(STAGE, zlib.ZLIB_RUNTIME_VERSION, level, data).hexdigest()


def _value(data: bytes, packed: bytes) -> bytes:
    return len(data).to_bytes(8, "big") + zlib.crc32(data).to_bytes(4, "big") + packed


class Deflater:
    """Raw deflate streams of entries, from the store when it has them."""

    def __init__(self, level: int, store: Store | None = None) -> None:
        self.level = level
        self.store = store
        self._found: dict[str, bytes] = {}
        self._new: dict[str, bytes] = {}
        #: id(bytes) → (those bytes, their key): the writer hands over the
        #: very objects looked up (held here, so no id is reused meanwhile).
        self._keys: dict[int, tuple[bytes, str]] = {}

    def prefetch(self, entries: list[bytes]) -> None:
        """Look the entries about to be packed up in one query."""
        if self.store is None:
            return
        keys = [self._key_of(data) for data in entries if len(data) >= MIN_SIZE]
        if keys:
            self._found.update(self.store.get_many(STAGE, keys))

    def _key_of(self, data: bytes) -> str:
        known = self._keys.get(id(data))
        if known is not None and known[0] is data:
            return known[1]
        key = _key(data, self.level)
        self._keys[id(data)] = (data, key)
        return key

    def packed(self, data: bytes) -> bytes:
        """``data``'s raw deflate stream at this level."""
        return self.packed_with_crc(data)[0]

    def packed_with_crc(self, data: bytes) -> tuple[bytes, int | None]:
        """:meth:`packed`, with ``data``'s CRC-32 when checking a kept stream
        (or keeping a new one) computed it, else None: the archive's entry
        needs it too."""
        if self.store is None or len(data) < MIN_SIZE:
            return deflate(data, self.level), None
        key = self._key_of(data)
        kept = self._found.get(key)
        head = _value(data, b"")
        if kept is not None and kept[:12] == head:
            return kept[12:], int.from_bytes(head[8:12], "big")
        packed = deflate(data, self.level)
        self._new[key] = head + packed
        return packed, int.from_bytes(head[8:12], "big")

    def save(self) -> None:
        """Keep the streams deflated by this build for the next one."""
        if self.store is not None and self._new:
            self.store.put_many(STAGE, self._new)
            self._new = {}
