"""Decoding images safely: what is opened, and what is refused before decoding.

Files over :data:`~book.limits.MAX_IMAGE_BYTES` and images over
:data:`~book.limits.MAX_IMAGE_PIXELS` are refused before any pixel is
decoded (a PNG declaring 100000×100000 costs nothing), as are JPEGs with
more than :data:`MAX_JPEG_SCANS` progressive scans (each scan makes the
decoder revisit the whole image).  Only the formats in
:data:`READABLE_FORMATS` are ever opened: never EPS, which Pillow renders
through Ghostscript, nor WMF/EMF; those and other known but unreadable
formats (PDF, HEIC, SVGZ) are named in the error.  ``data:`` URIs are
decoded here too (RFC 2397), size-limited before and after base64.
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import re
import struct
from collections.abc import Iterator
from urllib.parse import unquote_to_bytes

from PIL import Image, UnidentifiedImageError

from ..errors import LimitError, SourceError
from ..limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS

#: Raster formats Pillow may open (sniffed from the bytes, never the name).
#: Left out on purpose: EPS (runs Ghostscript), WMF/EMF (Windows-only
#: rendering), and the scientific and game formats no manuscript holds.
READABLE_FORMATS: tuple[str, ...] = (
    "JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "DIB", "ICO", "PSD", "TGA", "PCX", "PPM",
    "JPEG2000", "AVIF", "QOI", "SGI",
)
#: Most scans a JPEG may have (progressive encoders write about 10).
MAX_JPEG_SCANS = 256

# Pillow logs decoder complaints about hostile files; without a handler
# Python prints them to stderr.  We report those files our own way, so keep
# Pillow's records for applications that configure logging (e.g. --debug).
logging.getLogger("PIL").addHandler(logging.NullHandler())


def describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


#: Signatures of formats we recognise but do not read, with advice.
_UNSUPPORTED_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xd7\xcd\xc6\x9a", "a Windows Metafile (WMF)"),
    (40, b" EMF", "a Windows Enhanced Metafile (EMF)"),
    (0, b"%!PS", "PostScript/EPS"),
    (0, b"\xc5\xd0\xd3\xc6", "PostScript/EPS"),
    (0, b"%PDF", "a PDF document"),
    (4, b"ftypheic", "HEIC"),
    (4, b"ftypheix", "HEIC"),
    (4, b"ftypmif1", "HEIF"),
    (0, b"\x1f\x8b", "gzip-compressed data (an SVGZ?)"),
)


def open_image(data: bytes) -> Image.Image:
    """Open (headers only) with the allowed decoders and check the pixel count."""
    try:
        image = Image.open(io.BytesIO(data), formats=READABLE_FORMATS)
    except Image.DecompressionBombError as exc:
        count = re.search(r"\((\d+) pixels\)", str(exc))
        declared = f"{int(count.group(1)) / 1e6:,.0f} megapixels" if count else "too many pixels"
        raise LimitError(f"the image declares {declared}, over the "
                         f"{MAX_IMAGE_PIXELS / 1e6:.0f}-megapixel limit",
                         hint="a decompression bomb, or a scan far beyond print needs") from None
    except UnidentifiedImageError:
        for offset, magic, name in _UNSUPPORTED_SIGNATURES:
            if data[offset:offset + len(magic)] == magic:
                raise SourceError(f"the file is {name}, which cannot go into an EPUB",
                                  hint="export it as PNG, JPEG or SVG") from None
        raise SourceError("not an image make_book can read",
                          hint="use JPEG, PNG, GIF, WebP or SVG (TIFF, BMP, PSD... are converted)"
                          ) from None
    except MemoryError:
        raise  # the machine, not the image: the build fails, never drops the picture
    except Exception as exc:  # noqa: BLE001  header parsers raise many types on bad input
        raise SourceError(f"the image header is corrupt ({describe(exc)})") from None
    width, height = image.size
    if width <= 0 or height <= 0:
        image.close()
        raise SourceError(f"the image declares an empty size ({width}×{height})")
    if width * height > MAX_IMAGE_PIXELS:
        image.close()
        raise LimitError(
            f"the image declares {width}×{height} pixels ({width * height / 1e6:,.0f} megapixels), "
            f"over the {MAX_IMAGE_PIXELS / 1e6:.0f}-megapixel limit",
            hint="a decompression bomb, or a scan far beyond print needs",
        )
    return image


def check_jpeg_scans(data: bytes) -> None:
    """Refuse progressive JPEGs with absurdly many scans before decoding.

    Each scan makes the decoder revisit the whole image, so a small file
    with thousands of scans can keep libjpeg busy for minutes; real
    encoders write at most a few dozen.
    """
    scans = 0
    try:
        for marker, _piece in jpeg_parts(data):
            scans += marker == 0xDA
            if scans > MAX_JPEG_SCANS:
                raise LimitError(f"the JPEG has more than {MAX_JPEG_SCANS} scans",
                                 hint="a decoder-exhaustion attack, or a broken encoder")
    except (IndexError, struct.error):
        return  # structural damage: the decoder will say so


def jpeg_parts(data: bytes) -> Iterator[tuple[int | None, bytes]]:
    """A JPEG's pieces in order: ``(marker, bytes)`` per marker segment, with
    ``marker`` None for entropy-coded data (ITU T.81 B.1).  Stops at EOI:
    what follows it (MPO's extra images, junk) is not part of the image."""
    if data[:2] != b"\xff\xd8":
        raise SourceError("the JPEG data does not start with an SOI marker")
    yield 0xD8, b"\xff\xd8"
    position, size = 2, len(data)
    while position < size:
        if data[position] != 0xFF:
            raise SourceError("the JPEG data is corrupt (expected a marker)")
        while position < size and data[position] == 0xFF:  # fill bytes
            position += 1
        if position >= size:
            break
        marker = data[position]
        position += 1
        if marker == 0xD9:
            yield marker, b"\xff\xd9"
            return
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:
            yield marker, bytes((0xFF, marker))
            continue
        (length,) = struct.unpack(">H", data[position:position + 2])
        segment = data[position:position + length]
        if len(segment) < length or length < 2:
            raise SourceError("the JPEG data is truncated")
        position += length
        yield marker, bytes((0xFF, marker)) + segment
        if marker == 0xDA:  # entropy-coded data runs to the next real marker
            end = position
            while True:
                end = data.find(b"\xff", end)
                if end < 0 or end + 1 >= size:
                    raise SourceError("the JPEG data is truncated (no end of image)")
                following = data[end + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    end += 1 if following == 0xFF else 2
                    continue
                break
            yield None, data[position:end]
            position = end
    raise SourceError("the JPEG data is truncated (no end of image)")


def decode_data_uri(uri: str, *, limit: int = MAX_IMAGE_BYTES) -> tuple[bytes, str]:
    """The bytes and declared media type of a ``data:`` URI (RFC 2397).

    Percent-escapes are decoded first, then base64 when declared (padding
    may be missing, whitespace is ignored), as the WHATWG fetch standard
    does.  Raises :class:`LimitError` above ``limit`` decoded bytes and
    :class:`SourceError` for malformed URIs or non-image media types.
    """
    text = uri.strip()
    if not text[:5].lower() == "data:":
        raise SourceError("not a data: URI")
    header, comma, payload = text[5:].partition(",")
    if not comma:
        raise SourceError("malformed data: URI (no comma before the data)")
    if len(payload) > limit * 4 // 3 + 16:
        raise LimitError(f"the data: URI holds more than the {limit / 2**20:.0f} MiB image limit")
    params = [p.strip() for p in header.split(";")]
    media_type = params[0].lower() or "text/plain"
    is_base64 = any(p.lower() == "base64" for p in params[1:])
    if not media_type.startswith("image/"):
        raise SourceError(f"the data: URI holds {media_type}, not an image")
    body = unquote_to_bytes(payload)
    if is_base64:
        body = re.sub(rb"[\t\n\f\r ]+", b"", body)
        body += b"=" * (-len(body) % 4)
        try:
            body = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError):
            raise SourceError("malformed data: URI (invalid base64)") from None
    if len(body) > limit:
        raise LimitError(f"the data: URI holds more than the {limit / 2**20:.0f} MiB image limit")
    if not body:
        raise SourceError("the data: URI is empty")
    return body, media_type
