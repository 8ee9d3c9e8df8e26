"""The charstrings of an OpenType CFF font, read by glyph id without the rest.

Joining a font's subsets (subset_union.py) needs, from each chunk's
subset, only the charstrings of the glyphs that chunk drew.  fontTools
reads a CFF table whole, glyph names and string INDEX included: 0.15 s for
the 35 subsets of Pride and Prejudice, where finding the CharStrings INDEX
and slicing it takes a millisecond.  The largest subset, the one written
back, is still read and written by fontTools.

References: the OpenType font file's table directory ("Organization of an
OpenType Font"), and Adobe Technical Note #5176, *The Compact Font Format
Specification*: §5 INDEX data, §4 DICT data, §9 the Top DICT's
``CharStrings`` operator (17), an offset from the start of the CFF data.
"""

from __future__ import annotations

import struct


class CffError(ValueError):
    """The data is not an OpenType CFF font this reader understands."""


_CHARSTRINGS = 17
_PRIVATE = 18


def charstrings(font: bytes, gids: list[int]) -> dict[int, bytes]:
    """The Type 2 charstrings of glyphs ``gids`` (those the font has)."""
    cff, top = _top_dict(font)
    (offset,) = _dict_operands(top, _CHARSTRINGS, 1)
    _, ends, base = _index_offsets(cff, offset)
    found = {}
    for gid in gids:
        if 0 <= gid < len(ends) - 1:
            found[gid] = cff[base + ends[gid]:base + ends[gid + 1]]
    return found


def private_dict(font: bytes) -> bytes:
    """The Private DICT's bytes (default and nominal widths, hints: §10)."""
    cff, top = _top_dict(font)
    size, offset = _dict_operands(top, _PRIVATE, 2)
    return cff[offset:offset + size]


def _top_dict(font: bytes) -> tuple[bytes, bytes]:
    """The CFF table and its one Top DICT."""
    cff = _table(font, b"CFF ")
    try:
        header_size = cff[2]
    except IndexError as error:
        raise CffError("an empty CFF table") from error
    position = _skip_index(cff, header_size)  # Name INDEX
    top_dicts, _ = _index(cff, position)  # Top DICT INDEX
    if len(top_dicts) != 1:
        raise CffError("a CFF font set, not one font")
    return cff, top_dicts[0]


def _table(font: bytes, tag: bytes) -> bytes:
    try:
        _version, count = struct.unpack_from(">IH", font, 0)
        for record in range(count):
            name, _checksum, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * record)
            if name == tag:
                return font[offset:offset + length]
    except struct.error as error:
        raise CffError("a truncated table directory") from error
    raise CffError(f"no {tag.decode().strip()!r} table")


def _index_offsets(data: bytes, position: int) -> tuple[int, list[int], int]:
    """(position, the items' offsets, the base they count from) of the INDEX
    at ``position``; item i is ``data[base + offsets[i]:base + offsets[i + 1]]``."""
    try:
        (count,) = struct.unpack_from(">H", data, position)
        if count == 0:
            return position, [0], position + 2
        size = data[position + 2]
        start = position + 3
        raw = data[start:start + (count + 1) * size]
        if size == 1:
            offsets = list(raw)
        elif size == 2:
            offsets = list(struct.unpack(f">{count + 1}H", raw))
        elif size == 4:
            offsets = list(struct.unpack(f">{count + 1}I", raw))
        elif size == 3:
            offsets = [int.from_bytes(raw[i:i + 3], "big") for i in range(0, len(raw), 3)]
        else:
            raise CffError(f"an INDEX offset size of {size}")
        if len(offsets) != count + 1:
            raise CffError("a truncated INDEX")
    except (struct.error, IndexError) as error:
        raise CffError("a truncated INDEX") from error
    # Offsets count from 1, from the byte before the data (§5).
    return position, offsets, start + (count + 1) * size - 1


def _index(data: bytes, position: int) -> tuple[list[bytes], int]:
    """The items of the INDEX at ``position``, and where the next starts."""
    _, offsets, base = _index_offsets(data, position)
    items = [data[base + a:base + b] for a, b in zip(offsets, offsets[1:])]
    return items, base + offsets[-1]


def _skip_index(data: bytes, position: int) -> int:
    _, offsets, base = _index_offsets(data, position)
    return base + offsets[-1]


def _dict_operands(data: bytes, operator: int, count: int) -> list[int]:
    """The last ``count`` (integer) operands of ``operator`` in a DICT (§4)."""
    operands: list[float] = []
    index = 0
    while index < len(data):
        b0 = data[index]
        if b0 <= 21:  # an operator
            if b0 == 12:
                index += 2
                code = 1200 + data[index - 1]
            else:
                index += 1
                code = b0
            if code == operator:
                if len(operands) < count:
                    break
                return [int(value) for value in operands[-count:]]
            operands = []
        elif b0 == 28:
            operands.append(struct.unpack_from(">h", data, index + 1)[0])
            index += 3
        elif b0 == 29:
            operands.append(struct.unpack_from(">i", data, index + 1)[0])
            index += 5
        elif b0 == 30:  # a real: nibbles up to 0xf; its value is not needed here
            index += 1
            while index < len(data) and (data[index] & 0x0F) != 0x0F \
                    and (data[index] >> 4) != 0x0F:
                index += 1
            index += 1
            operands.append(0.0)
        elif 32 <= b0 <= 246:
            operands.append(b0 - 139)
            index += 1
        elif 247 <= b0 <= 250:
            operands.append((b0 - 247) * 256 + data[index + 1] + 108)
            index += 2
        elif 251 <= b0 <= 254:
            operands.append(-(b0 - 251) * 256 - data[index + 1] - 108)
            index += 2
        else:
            raise CffError(f"a reserved DICT byte {b0}")
    raise CffError(f"no operator {operator} in the DICT")
