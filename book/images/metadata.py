"""Image metadata removed without touching the pixels.

Metadata (EXIF with its GPS position and camera serial, XMP, IPTC,
comments, PNG text and time chunks) is removed.  Images that need no other
change are cleaned losslessly, segment by segment (:func:`strip_metadata`),
so a JPEG is never re-compressed just to lose its EXIF.  What changes how
the image looks stays: ICC profiles, gamma, transparency, animation
control, Adobe colour transforms, pixel density.  Formats: JPEG (ITU T.81),
PNG (PNG 3rd edition), WebP (RFC 9649) and GIF (GIF89a).
"""

from __future__ import annotations

import struct

from ..errors import SourceError
from .decode import describe, jpeg_parts


def strip_metadata(data: bytes, source: str) -> bytes:
    """Remove metadata from an encoded image without touching its pixels.

    ``source`` is the Pillow format name.  Kept: everything that changes how
    the image looks (ICC profiles, gamma, transparency, animation control,
    Adobe colour transforms, pixel density).  Removed: EXIF, XMP, IPTC,
    comments, text and time chunks, and data after the end of the image.
    """
    stripper = _STRIPPERS.get(source)
    if stripper is None:
        return data
    try:
        return stripper(data)
    except (IndexError, struct.error) as exc:
        raise SourceError(f"the image data is truncated ({describe(exc)})") from None


def _strip_jpeg(data: bytes) -> bytes:
    """JPEG: keep JFIF (APP0), ICC (APP2) and Adobe (APP14) segments."""
    return b"".join(piece for marker, piece in jpeg_parts(data)
                    if marker is None or _keep_jpeg_segment(marker, piece[2:]))


def _keep_jpeg_segment(marker: int, segment: bytes) -> bool:
    if marker == 0xFE:  # COM
        return False
    if 0xE0 <= marker <= 0xEF:  # APPn
        payload = segment[2:]
        return ((marker == 0xE0 and payload.startswith(b"JFIF\x00"))
                or (marker == 0xE2 and payload.startswith(b"ICC_PROFILE\x00"))
                or (marker == 0xEE and payload.startswith(b"Adobe")))
    return True


#: PNG ancillary chunks that change rendering (PNG 3rd ed. §11.3); the rest go.
_PNG_KEEP = frozenset({b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs", b"bKGD",
                       b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCV", b"cLLI"})


def _strip_png(data: bytes) -> bytes:
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SourceError("the PNG signature is missing")
    out, position = [data[:8]], 8
    while True:
        if position + 8 > len(data):  # decodable but unterminated: close it properly
            out.append(struct.pack(">I4sI", 0, b"IEND", 0xAE426082))
            return b"".join(out)
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        end = position + 12 + length
        if end > len(data):
            raise SourceError("the PNG data is truncated")
        critical = kind[:1].isupper()
        if critical or kind in _PNG_KEEP:
            out.append(data[position:end])
        position = end
        if kind == b"IEND":
            return b"".join(out)


def _riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise SourceError("the WebP container is malformed")
    chunks, position = [], 12
    end = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while position + 8 <= end:
        kind, length = struct.unpack("<4sI", data[position:position + 8])
        payload = data[position + 8:position + 8 + length]
        if len(payload) < length:
            raise SourceError("the WebP data is truncated")
        chunks.append((kind, payload))
        position += 8 + length + (length & 1)
    return chunks


def _strip_webp(data: bytes) -> bytes:
    """WebP: drop EXIF and XMP chunks and their VP8X flags (RFC 9649 §2.7)."""
    body = []
    for kind, payload in _riff_chunks(data):
        if kind in (b"EXIF", b"XMP "):
            continue
        if kind == b"VP8X" and payload:
            payload = bytes((payload[0] & ~0x0C,)) + payload[1:]
        body.append(struct.pack("<4sI", kind, len(payload)) + payload + b"\x00" * (len(payload) & 1))
    joined = b"".join(body)
    return b"RIFF" + struct.pack("<I", len(joined) + 4) + b"WEBP" + joined


def webp_lossless(data: bytes) -> bool:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return False
    try:
        return any(kind == b"VP8L" for kind, _ in _riff_chunks(data))
    except (SourceError, struct.error):
        return False


#: GIF application extensions that affect display (looping, colour).
_GIF_KEEP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0", b"ICCRGBG1012")


def _gif_sub_blocks(data: bytes, position: int) -> int:
    """Position just after a chain of data sub-blocks (GIF89a §15)."""
    while True:
        size = data[position]
        position += 1 + size
        if size == 0:
            return position


def _strip_gif(data: bytes) -> bytes:
    """GIF: drop comment and unknown application extensions (GIF89a §24, §26)."""
    if data[:3] != b"GIF":
        raise SourceError("the GIF signature is missing")
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:position]]
    while True:
        if position >= len(data):  # decodable but unterminated: add the trailer
            out.append(b"\x3b")
            return b"".join(out)
        introducer = data[position]
        if introducer == 0x3B:  # trailer
            out.append(b"\x3b")
            return b"".join(out)
        if introducer == 0x2C:  # image descriptor, local colour table, LZW data
            local = data[position + 9]
            start = position
            position += 10 + (3 * 2 ** ((local & 7) + 1) if local & 0x80 else 0)
            position = _gif_sub_blocks(data, position + 1)
            out.append(data[start:position])
        elif introducer == 0x21:
            label = data[position + 1]
            start = position
            position = _gif_sub_blocks(data, position + 2)
            block = data[start:position]
            if label == 0xFE:
                continue
            if label == 0xFF and block[3:14] not in _GIF_KEEP_APPS:
                continue
            out.append(block)
        else:
            raise SourceError("the GIF data is corrupt (unknown block)")


_STRIPPERS = {"JPEG": _strip_jpeg, "PNG": _strip_png, "WEBP": _strip_webp, "GIF": _strip_gif}
