"""The OCF ZIP container written entry by entry, deflated entries as given.

An EPUB is a ZIP archive (EPUB 3.3 §4.2, OCF ZIP container): ``mimetype``
first and stored, the other entries stored or deflated, no encryption,
no ZIP64 needed under 4 GiB.  :mod:`zipfile` writes such an archive but
deflates every entry itself: it cannot take an entry deflated before, and a
rebuild after a one-word edit deflates the 390 unchanged chapters of War and
Peace again (a quarter of writing the EPUB).  This writer lays the archive
out from the PKWARE application note (APPNOTE.TXT 6.3.10): a local file
header and the data per entry (§4.3.7), the central directory (§4.3.12),
the end of central directory record (§4.3.16); with the header fields
:mod:`zipfile` would write for the same entries (version 2.0, Unix host,
the UTF-8 flag for a non-ASCII name, §4.4.4), so both give the same bytes.
Reading archives stays with :mod:`zipfile`.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

__all__ = ["Entry", "OcfZip", "OcfZipError", "deflate"]

#: Compression methods (APPNOTE §4.4.5).
STORED = 0
DEFLATED = 8
#: "Version needed to extract" and "version made by": 2.0, deflate (§4.4.3).
VERSION = 20
#: Host system of "version made by": Unix (§4.4.2), whatever machine writes.
UNIX = 3
#: General purpose bit 11: the name is UTF-8 (§4.4.4).
UTF8_NAME = 0x800
#: Past these, ZIP64 records would be needed (§4.4.8, §4.4.21).
LIMIT = 0xFFFFFFFF
MAX_ENTRIES = 0xFFFF

_LOCAL = struct.Struct("<4s2B4HL2L2H")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_END = struct.Struct("<4s4H2LH")


class OcfZipError(ValueError):
    """An archive this writer cannot make (over the ZIP32 limits)."""


def deflate(data: bytes, level: int) -> bytes:
    """Raw deflate (RFC 1951, no zlib header), as a ZIP entry holds it."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


@dataclass(frozen=True)
class Entry:
    """One archive member as the central directory lists it."""

    name: bytes
    flags: int
    method: int
    crc: int
    packed_size: int
    size: int
    offset: int


class OcfZip:
    """An archive in memory: :meth:`add` entries in order, then :meth:`close`."""

    def __init__(self, date_time: tuple[int, int, int, int, int, int],
                 external_attr: int = 0o100644 << 16) -> None:
        year, month, day, hour, minute, second = date_time
        self._date = (year - 1980) << 9 | month << 5 | day  # MS-DOS date and time (§4.4.6)
        self._time = hour << 11 | minute << 5 | second // 2
        self._attr = external_attr
        self._parts: list[bytes] = []
        self._offset = 0
        self._entries: list[Entry] = []

    def add(self, name: str, data: bytes, packed: bytes | None = None,
            crc: int | None = None) -> None:
        """Add ``data`` under ``name``: stored when ``packed`` is None,
        otherwise ``packed`` is its raw deflate stream (:func:`deflate`);
        ``crc``, when given, is ``data``'s CRC-32 computed already."""
        try:
            encoded, flags = name.encode("ascii"), 0
        except UnicodeEncodeError:
            encoded, flags = name.encode("utf-8"), UTF8_NAME
        method = STORED if packed is None else DEFLATED
        body = data if packed is None else packed
        if len(data) > LIMIT or self._offset + len(body) > LIMIT or \
                len(self._entries) >= MAX_ENTRIES:
            raise OcfZipError(f"the EPUB would pass the ZIP limits (4 GiB, {MAX_ENTRIES} "
                              f"entries) at {name}")
        entry = Entry(encoded, flags, method, zlib.crc32(data) if crc is None else crc,
                      len(body), len(data), self._offset)
        header = _LOCAL.pack(b"PK\x03\x04", VERSION, 0, flags, method, self._time, self._date,
                             entry.crc, entry.packed_size, entry.size, len(encoded), 0)
        self._parts += (header, encoded, body)
        self._offset += len(header) + len(encoded) + len(body)
        self._entries.append(entry)

    def close(self) -> bytes:
        """The archive's bytes: the entries, their directory and its end."""
        start = self._offset
        directory = []
        for e in self._entries:
            directory.append(_CENTRAL.pack(
                b"PK\x01\x02", VERSION, UNIX, VERSION, 0, e.flags, e.method, self._time,
                self._date, e.crc, e.packed_size, e.size, len(e.name), 0, 0, 0, 0, self._attr,
                e.offset))
            directory.append(e.name)
        size = sum(map(len, directory))
        if start + size > LIMIT:
            raise OcfZipError("the EPUB would pass the ZIP limit of 4 GiB")
        end = _END.pack(b"PK\x05\x06", 0, 0, len(self._entries), len(self._entries), size,
                        start, 0)
        return b"".join([*self._parts, *directory, end])
