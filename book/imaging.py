"""Images for the book: decode safely, clean, convert and downscale.

This module knows nothing of chapter trees; the images pass
(``book/passes/images.py``) feeds it bytes and registers what comes out.
:func:`prepare_image` turns any accepted input into an EPUB copy (always an
EPUB 3 core media type: JPEG, PNG, GIF, WebP or SVG, EPUB 3.3 §3.2) and,
when that copy had to be reduced, a full-resolution copy for print.

Limits, and why
---------------
* **EPUB copy: longest side at most ``[epub] max_image_side`` (default
  2048 px) and at most 4,000,000 pixels in all.**  Apple asks that images
  inside a book stay under 4 million pixels (Apple Books "Prepare your
  book"; its Asset Guide's hard ceiling is 5.6 million).  A reflowable page
  shows an image at most one screen wide, and e-reader, phone and tablet
  screens are rarely more than 2048 px on their long side, while every
  extra megapixel costs download size (Amazon deducts delivery costs per
  MB) and decoding memory on small devices.  So a square image ends at
  2000×2000, a 3:2 photo at 2048×1365.
* **Cover: at most 1600×2560 px.**  1600×2560 (1:1.6) is the size Amazon
  KDP recommends for ebook covers, and Aldiko is documented to crash on
  covers over 1600 px (asciidoctor-epub3 documentation, "Quirks"), so the
  width, the side that matters on a portrait cover, stays at 1600.  Covers below
  625×1000 (the minimum Project Gutenberg's ebookmaker accepts, and KDP's
  minimum) are reported by the pass.
* **Print keeps full resolution.**  When the EPUB copy was reduced (or
  colour-converted), :attr:`PreparedImage.print_data` holds the
  full-resolution image in the same format, so the PDF can reach 300 ppi.
* **Decoding:** files over :data:`~book.limits.MAX_IMAGE_BYTES` and images
  over :data:`~book.limits.MAX_IMAGE_PIXELS` are refused before any pixel is
  decoded (a PNG declaring 100000×100000 costs nothing), as are JPEGs with
  more than :data:`MAX_JPEG_SCANS` progressive scans (each scan makes the
  decoder revisit the whole image); only the formats
  in :data:`READABLE_FORMATS` are ever opened (never EPS, which Pillow
  renders through Ghostscript, nor WMF/EMF).

Cleaning and determinism
------------------------
Metadata (EXIF with its GPS position and camera serial, XMP, IPTC,
comments, PNG text and time chunks) is removed.  Images that need no other
change are cleaned losslessly, segment by segment (:func:`strip_metadata`),
so a JPEG is never re-compressed just to lose its EXIF.  EXIF orientation is
applied to the pixels before the tag goes.  Re-encoding uses fixed settings
(:data:`JPEG_QUALITY`…; baseline, optimized Huffman tables, no timestamps),
so the same input always gives the same bytes.  EPUB copies that are
re-encoded are converted to sRGB from their ICC profile, as Apple's guide
asks; print copies keep their colour space (CMYK included) and profile.

SVG is parsed with :mod:`book.safexml` and reduced to drawing: scripts,
``foreignObject``, event handlers, animations that set links, and every
reference that is not internal (``#id``) or an embedded raster ``data:``
image are removed, as are foreign-namespace metadata (Inkscape, RDF).
"""

from __future__ import annotations

import base64
import binascii
import io
import logging
import math
import re
import struct
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

import tinycss2
from lxml import etree
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .errors import LimitError, SourceError
from .limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from .safexml import parse_xml
from .xhtml import remove_keep_tail

# ------------------------------------------------------------------ tables

#: Output formats (Pillow names) and their EPUB 3 core media types.
MEDIA_TYPES: dict[str, str] = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "SVG": "image/svg+xml",
}
#: File extension for each core media type.
EXTENSIONS: dict[str, str] = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
#: Raster formats Pillow may open (sniffed from the bytes, never the name).
#: Left out on purpose: EPS (runs Ghostscript), WMF/EMF (Windows-only
#: rendering), and the scientific and game formats no manuscript holds.
READABLE_FORMATS: tuple[str, ...] = (
    "JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP", "DIB", "ICO", "PSD", "TGA", "PCX", "PPM",
    "JPEG2000", "AVIF", "QOI", "SGI",
)
#: Formats passed through (after lossless cleaning) when nothing else is needed.
KEEPABLE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})

#: Pixel budget of one EPUB image (Apple: "no more than 4 million pixels").
EPUB_MAX_PIXELS = 4_000_000
#: Largest EPUB cover: KDP's recommended size; Aldiko crashes on covers over 1600 px.
COVER_MAX_SIZE = (1600, 2560)
#: Smallest cover stores accept (KDP, Project Gutenberg's ebookmaker).
COVER_MIN_SIZE = (625, 1000)
#: Most scans a JPEG may have (progressive encoders write about 10).
MAX_JPEG_SCANS = 256

#: JPEG quality of reduced EPUB copies: visually lossless for photographs
#: at reading sizes, about a third of the bytes of quality 95.
JPEG_QUALITY = 85
#: The cover is looked at full-screen and in store listings: a little more.
COVER_JPEG_QUALITY = 90
#: Full-resolution copies that had to be re-encoded (rotated, converted).
PRINT_JPEG_QUALITY = 95
#: Lossy WebP re-encoding quality (lossless sources stay lossless).
WEBP_QUALITY = 85
#: zlib level for re-encoded PNGs: level 9 (or Pillow's ``optimize``) saves
#: 1–8 % of bytes but takes about five times as long, which a book with a
#: few hundred figures would feel on every build.
PNG_COMPRESS_LEVEL = 6

#: CSS reference pixels per inch: the size at which WeasyPrint prints an
#: image that no style scales (``image-resolution: 1dppx``, its default).
CSS_PX_PER_INCH = 96.0

_ORIENTATION_TAG = 0x0112
_SRGB = ImageCms.createProfile("sRGB")

# Pillow logs decoder complaints about hostile files; without a handler
# Python prints them to stderr.  We report those files our own way, so keep
# Pillow's records for applications that configure logging (e.g. --debug).
logging.getLogger("PIL").addHandler(logging.NullHandler())


# ------------------------------------------------------------------ policy and result


@dataclass(frozen=True)
class ImagePolicy:
    """How far an EPUB copy may go, and which formats it may keep."""

    max_width: int
    max_height: int
    max_pixels: int = EPUB_MAX_PIXELS
    #: Keep JPEG/PNG/GIF/WebP as they are; False converts everything to JPEG
    #: (PNG when transparent), as covers must be.
    keep_format: bool = True
    allow_svg: bool = True
    keep_animation: bool = True
    jpeg_quality: int = JPEG_QUALITY


def content_policy(max_side: int) -> ImagePolicy:
    """The policy for images in the text, from ``[epub] max_image_side``."""
    return ImagePolicy(max_side, max_side)


COVER_POLICY = ImagePolicy(
    COVER_MAX_SIZE[0], COVER_MAX_SIZE[1], COVER_MAX_SIZE[0] * COVER_MAX_SIZE[1],
    keep_format=False, allow_svg=False, keep_animation=False, jpeg_quality=COVER_JPEG_QUALITY,
)


@dataclass
class PreparedImage:
    """An image ready to package: the EPUB copy and, when different, print's."""

    data: bytes
    media_type: str
    #: Pixel size of the EPUB copy (None for an SVG without a stated size).
    width: int | None
    height: int | None
    #: Full-resolution bytes (same media type) when ``data`` was reduced.
    print_data: bytes | None = None
    #: Pixel size of the full-resolution image, after EXIF orientation.
    print_width: int | None = None
    print_height: int | None = None
    #: The format that was read ("PNG", "TIFF", "SVG"...).
    source_format: str = ""
    #: What happened, for the build report.
    converted: bool = False
    downscaled: bool = False
    first_frame_only: bool = False
    #: Active or external SVG content that was removed ("script", ...).
    svg_removed: list[str] = field(default_factory=list)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.media_type]

    @property
    def is_vector(self) -> bool:
        return self.media_type == MEDIA_TYPES["SVG"]


# ------------------------------------------------------------------ entry point


def prepare_image(data: bytes, policy: ImagePolicy) -> PreparedImage:
    """Decode, clean, convert and reduce one image.

    Raises :class:`LimitError` for inputs over the byte or pixel limits and
    :class:`SourceError` for anything that is not a readable image; the
    messages name no file (the caller knows where the image came from).
    """
    if len(data) > MAX_IMAGE_BYTES:
        raise LimitError(f"the image is {len(data) / 2**20:.1f} MiB, over the "
                         f"{MAX_IMAGE_BYTES / 2**20:.0f} MiB limit")
    if looks_like_svg(data):
        if not policy.allow_svg:
            raise SourceError("an SVG image cannot be used here", hint="use a JPEG or PNG file")
        clean, removed, size = sanitize_svg(data)
        return PreparedImage(clean, MEDIA_TYPES["SVG"], size[0], size[1], None, size[0], size[1],
                             "SVG", svg_removed=removed)
    with warnings.catch_warnings():
        # Pillow warns (to stderr) about its lower bomb threshold and about
        # corrupt tags; our own limits and errors report what matters.
        warnings.simplefilter("ignore")
        image = _open(data)
        try:
            return _prepare_raster(data, image, policy)
        except (LimitError, SourceError):
            raise
        except Image.DecompressionBombError:
            raise LimitError(f"the image has more pixels than the "
                             f"{MAX_IMAGE_PIXELS / 1e6:.0f}-megapixel limit") from None
        except Exception as exc:  # noqa: BLE001  Pillow's decoders raise many types on bad input
            raise SourceError(f"the image data is corrupt ({_describe(exc)})") from None
        finally:
            image.close()


def _describe(exc: Exception) -> str:
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


def _open(data: bytes) -> Image.Image:
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
    except Exception as exc:  # noqa: BLE001  header parsers raise many types on bad input
        raise SourceError(f"the image header is corrupt ({_describe(exc)})") from None
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


def _prepare_raster(data: bytes, image: Image.Image, policy: ImagePolicy) -> PreparedImage:
    source = "JPEG" if image.format == "MPO" else str(image.format)
    if source == "JPEG":
        check_jpeg_scans(data)  # JPEG decodes later, maybe at reduced scale
    else:
        image.load()  # decodes everything: corrupt data fails here
    orientation = _orientation(image)
    swapped = orientation in (5, 6, 7, 8)
    full_size = (image.height, image.width) if swapped else image.size
    frames = _frame_count(image) if source in ("GIF", "PNG", "WEBP") else 1
    target = fit_within(*full_size, policy)
    reduce = target != full_size
    animated = (frames > 1 and policy.keep_animation and not reduce and orientation == 1
                and frames * full_size[0] * full_size[1] <= MAX_IMAGE_PIXELS)
    first_frame_only = frames > 1 and not animated
    output = _choose_output(image, source, policy, still=first_frame_only)
    cmyk_jpeg = output == "JPEG" and image.mode == "CMYK"
    converted = output != source

    if not (reduce or orientation != 1 or converted or cmyk_jpeg or first_frame_only):
        if source == "JPEG":
            image.load()
        return PreparedImage(strip_metadata(data, source), MEDIA_TYPES[output], *full_size,
                             None, *full_size, source)

    # The print copy is the cleaned original whenever that is possible.
    lossless_print = orientation == 1 and not converted
    print_data = strip_metadata(data, source) if lossless_print and (reduce or cmyk_jpeg) else None
    if first_frame_only:
        image.seek(0)
    if source == "JPEG" and reduce and lossless_print:
        # Decode at 1/2, 1/4 or 1/8 scale straight from the DCT: fast, and the
        # Lanczos pass below still works from at least twice the target size.
        stored = (target[1], target[0]) if swapped else target
        image.draft(None, (stored[0] * 2, stored[1] * 2))
    image.load()
    icc = image.info.get("icc_profile")
    full = ImageOps.exif_transpose(image) if orientation != 1 else image
    if print_data is None and (reduce or cmyk_jpeg):
        print_data = _encode(_print_mode(full, output), output, quality=PRINT_JPEG_QUALITY,
                             subsampling="4:4:4", icc=icc, lossless=_webp_lossless(data))
    epub = full
    if epub.size != target:
        epub = _for_resampling(epub).resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    epub = _epub_mode(_to_srgb(epub, icc), output)
    # Without a print copy of its own, the EPUB copy is also print's: encode it as such.
    quality = policy.jpeg_quality if print_data is not None else PRINT_JPEG_QUALITY
    epub_data = _encode(epub, output, quality=quality, subsampling="4:2:0",
                        icc=None, lossless=_webp_lossless(data))
    return PreparedImage(epub_data, MEDIA_TYPES[output], *target,
                         print_data if print_data != epub_data else None, *full_size, source,
                         converted=converted, downscaled=reduce, first_frame_only=first_frame_only)


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # noqa: BLE001  a broken EXIF block must not lose the image
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _frame_count(image: Image.Image) -> int:
    try:
        return int(getattr(image, "n_frames", 1))
    except Exception:  # noqa: BLE001  counting walks every frame header
        return 1


def _choose_output(image: Image.Image, source: str, policy: ImagePolicy, *, still: bool) -> str:
    """The format of the EPUB copy (see :class:`ImagePolicy`)."""
    if policy.keep_format and source in KEEPABLE_FORMATS and not (source == "GIF" and still):
        if source != "GIF" or fit_within(*image.size, policy) == image.size:
            return source
    if source != "JPEG" and _has_alpha(image):
        return "PNG"
    if not policy.keep_format or source == "JPEG":
        return "JPEG"
    return "PNG" if image.mode in ("1", "P") or _few_colours(image) else "JPEG"


def _has_alpha(image: Image.Image) -> bool:
    """True when some pixel is not fully opaque."""
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        return image.getchannel("A").getextrema()[0] < 255
    if "transparency" in image.info:
        return image.convert("RGBA").getchannel("A").getextrema()[0] < 255
    return False


def _few_colours(image: Image.Image) -> bool:
    """Line art, charts and screenshots (≤ 256 colours) compress better as PNG."""
    try:
        return image.getcolors(256) is not None
    except Exception:  # noqa: BLE001
        return False


def fit_within(width: int, height: int, policy: ImagePolicy) -> tuple[int, int]:
    """The largest size with the same proportions inside the policy's limits."""
    scale = min(1.0, policy.max_width / width, policy.max_height / height,
                math.sqrt(policy.max_pixels / (width * height)))
    if scale >= 1.0:
        return width, height
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


# ------------------------------------------------------------------ pixels


def _for_resampling(image: Image.Image) -> Image.Image:
    """A mode Lanczos can resample (L, LA, RGB, RGBA, CMYK)."""
    mode = image.mode
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode in ("P", "PA"):
        return image.convert("RGBA" if _has_alpha(image) else "RGB")
    if mode.startswith("I") or mode == "F":
        return _to_eight_bit(image)
    if mode in ("RGBa", "La"):
        return image.convert(mode.upper())
    return image.convert("RGB")  # YCbCr, LAB, HSV, RGBX


def _to_eight_bit(image: Image.Image) -> Image.Image:
    """16-bit or float greyscale to 8 bits, scaled rather than clipped."""
    wide = image.convert("F")
    low, high = wide.getextrema()
    if high > 255:
        factor = 255.0 / (65535.0 if high <= 65535 else high)
        wide = wide.point(lambda value: value * factor)
    return wide.convert("L")


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Colours converted to sRGB with the image's ICC profile, when it has one."""
    if icc and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(
                image, profile, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # a profile that does not fit the pixels: keep the numbers as they are
    return image.convert("RGB") if image.mode == "CMYK" else image


def _epub_mode(image: Image.Image, output: str) -> Image.Image:
    """A mode the output format stores, for screens."""
    if image.mode.startswith("I") or image.mode == "F":
        image = _to_eight_bit(image)
    mode = image.mode
    if output == "JPEG":
        if mode in ("L", "RGB"):
            return image
        return image.convert("L" if mode in ("LA", "1") else "RGB")
    if output == "WEBP":
        return image if mode in ("RGB", "RGBA") else image.convert("RGBA" if "A" in mode else "RGB")
    if mode in ("1", "L", "LA", "P", "RGB", "RGBA"):
        return image
    return image.convert("RGBA" if "A" in mode else "RGB")


def _print_mode(image: Image.Image, output: str) -> Image.Image:
    """Like :func:`_epub_mode`, but CMYK stays CMYK for the press."""
    if output == "JPEG" and image.mode == "CMYK":
        return image
    if output == "PNG" and image.mode.startswith("I;16"):
        return image
    return _epub_mode(_for_resampling(image) if image.mode not in ("1", "P") else image, output)


def _encode(image: Image.Image, output: str, *, quality: int, subsampling: str,
            icc: bytes | None, lossless: bool) -> bytes:
    """Encode with fixed settings and no metadata (deterministic bytes)."""
    # Pillow copies some of ``info`` (JPEG comments, PNG ICC) into the output.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    params: dict[str, object] = {}
    if icc:
        params["icc_profile"] = icc
    buffer = io.BytesIO()
    if output == "JPEG":
        image.save(buffer, "JPEG", quality=quality, optimize=True, progressive=False,
                   subsampling=subsampling, **params)
    elif output == "PNG":
        image.save(buffer, "PNG", compress_level=PNG_COMPRESS_LEVEL, **params)
    elif output == "WEBP":
        if lossless:
            image.save(buffer, "WEBP", lossless=True, quality=100, method=4, **params)
        else:
            image.save(buffer, "WEBP", quality=WEBP_QUALITY, method=4, **params)
    else:  # pragma: no cover - _choose_output never asks for GIF re-encoding
        raise ValueError(output)
    return buffer.getvalue()


# ------------------------------------------------------------------ print


def print_ppi(pixel_width: int, text_width_pt: float, *, css_width_px: float | None = None,
              percent: float | None = None, px_per_inch: float = CSS_PX_PER_INCH) -> float:
    """Effective resolution of an image printed in a text block.

    The image prints at ``percent`` of the text block's width when a style
    gives one, else at its CSS width (``css_width_px``, or its pixel width)
    at ``px_per_inch``; never wider than the text block, which is
    ``text_width_pt`` points wide (``img { max-width: 100% }``).
    """
    text_inches = text_width_pt / 72.0
    if percent:
        printed_inches = text_inches * min(percent, 100.0) / 100.0
    else:
        printed_inches = min((css_width_px or pixel_width) / px_per_inch, text_inches)
    return pixel_width / printed_inches


# ------------------------------------------------------------------ data: URIs


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


# ------------------------------------------------------------------ SVG

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
#: SVG elements removed with their content: active content or HTML islands.
_SVG_REMOVE = frozenset({"script", "foreignObject", "handler", "listener", "iframe", "embed",
                         "object", "audio", "video", "canvas"})
#: Removed quietly: descriptive metadata (authors, software, RDF).
_SVG_METADATA = frozenset({"metadata"})
#: Elements that only exist to show what their href points at.
_SVG_HREF_ONLY = frozenset({"use", "image", "feImage"})
_SVG_ANIMATIONS = frozenset({"set", "animate", "animateTransform", "animateMotion", "animateColor"})
_RASTER_DATA = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp)[;,]", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
_PX_PER_UNIT = {None: 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4,
                "cm": 96 / 2.54, "in": 96.0}


def looks_like_svg(data: bytes) -> bool:
    """True when the bytes are XML with an ``<svg`` element near the top."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and (b"<svg" in data[:65536] or b":svg" in data[:65536])


def _split(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def _safe_reference(value: str, element: str) -> bool:
    """Internal fragment, or an embedded raster image on an image element."""
    value = value.strip()
    if value.startswith("#"):
        return True
    return element in ("image", "feImage") and bool(_RASTER_DATA.match(value))


def _css_is_external(nodes: list) -> bool:
    """True when CSS tokens reference anything but ``#id`` or raster data."""
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "url" and not _safe_reference(node.value, "image"):
            return True
        if kind == "function":
            if node.lower_name in ("url", "src"):
                target = "".join(getattr(a, "value", "") for a in node.arguments
                                 if getattr(a, "type", "") == "string")
                if not _safe_reference(target, "image"):
                    return True
            if _css_is_external(node.arguments):
                return True
        elif kind in ("() block", "[] block", "{} block"):
            if _css_is_external(node.content):
                return True
        elif kind == "at-rule":
            if node.lower_at_keyword == "import":
                return True
            if _css_is_external(node.prelude) or _css_is_external(node.content or []):
                return True
        elif kind == "qualified-rule":
            if _css_is_external(node.prelude) or _css_is_external(node.content):
                return True
        elif kind == "declaration":
            if _css_is_external(node.value):
                return True
    return False


def sanitize_svg(data: bytes) -> tuple[bytes, list[str], tuple[int | None, int | None]]:
    """Clean an SVG document down to static drawing.

    Returns the re-serialized bytes, the kinds of active or external content
    removed (for a warning), and the pixel size when the SVG states one.
    Raises :class:`SourceError` when it is not well-formed SVG.
    """
    root = parse_xml(data)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SourceError("the file is XML but not an SVG image (no <svg> root in the SVG namespace)")
    removed: list[str] = []

    def note(kind: str) -> None:
        if kind not in removed:
            removed.append(kind)

    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            remove_keep_tail(element)
            continue
        namespace, local = _split(element.tag)
        if namespace != SVG_NS or local in _SVG_METADATA:
            if element is not root:
                remove_keep_tail(element)
            continue
        if local in _SVG_REMOVE:
            note(local)
            remove_keep_tail(element)
            continue
        if local in _SVG_ANIMATIONS:
            target = (element.get("attributeName") or "").lower()
            if target.endswith("href") or target.startswith("on"):
                note("animation of links or handlers")
                remove_keep_tail(element)
                continue
        drop_element = _clean_svg_attributes(element, local, note)
        if drop_element:
            remove_keep_tail(element)
            continue
        if local == "style" and element.text:
            element.text = _clean_stylesheet(element.text, note)
    etree.cleanup_namespaces(root)
    size = _svg_size(root)
    clean = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return clean, removed, size


def _clean_svg_attributes(element: etree._Element, local: str, note: Callable[[str], None]) -> bool:
    """Drop unsafe attributes; True when the element is left pointless."""
    for name in list(element.attrib):
        value = element.get(name) or ""
        namespace, attribute = _split(name)
        if namespace not in (None, XLINK_NS, _XML_NS) or (namespace == _XML_NS and attribute == "base"):
            del element.attrib[name]  # editor metadata (inkscape:, sodipodi:) and xml:base
        elif attribute.lower().startswith("on"):
            note("event handlers")
            del element.attrib[name]
        elif attribute == "href":
            if not _safe_reference(value, local):
                note("external references")
                del element.attrib[name]
                if local in _SVG_HREF_ONLY:
                    return True
        elif attribute == "style":
            if _css_is_external(tinycss2.parse_declaration_list(value, skip_comments=True)):
                note("external references")
                del element.attrib[name]
        elif "url" in value.lower() or "\\" in value:
            if _css_is_external(tinycss2.parse_component_value_list(value, skip_comments=True)):
                note("external references")
                del element.attrib[name]
    return False


def _clean_stylesheet(text: str, note: Callable[[str], None]) -> str:
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=False)
    kept = [rule for rule in rules if not _css_is_external([rule])]
    if len(kept) == len(rules):
        return text
    note("external references")
    return tinycss2.serialize(kept)


def _svg_size(root: etree._Element) -> tuple[int | None, int | None]:
    """The size in CSS pixels from width/height, else from the viewBox."""

    def length(value: str | None) -> float | None:
        match = _LENGTH.match(value or "")
        return float(match.group(1)) * _PX_PER_UNIT[match.group(2)] if match else None

    width, height = length(root.get("width")), length(root.get("height"))
    if not (width and height):
        parts = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
        if len(parts) == 4:
            try:
                box = [float(p) for p in parts]
            except ValueError:
                box = []
            if box and box[2] > 0 and box[3] > 0:
                if width and not height:
                    height = width * box[3] / box[2]
                elif height and not width:
                    width = height * box[2] / box[3]
                else:
                    width, height = box[2], box[3]
    if width and height and 0 < width < 1e6 and 0 < height < 1e6:
        return max(1, round(width)), max(1, round(height))
    return None, None


# ------------------------------------------------------------------ lossless metadata removal


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
        raise SourceError(f"the image data is truncated ({_describe(exc)})") from None


def _jpeg_parts(data: bytes) -> Iterator[tuple[int | None, bytes]]:
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


def _strip_jpeg(data: bytes) -> bytes:
    """JPEG: keep JFIF (APP0), ICC (APP2) and Adobe (APP14) segments."""
    return b"".join(piece for marker, piece in _jpeg_parts(data)
                    if marker is None or _keep_jpeg_segment(marker, piece[2:]))


def check_jpeg_scans(data: bytes) -> None:
    """Refuse progressive JPEGs with absurdly many scans before decoding.

    Each scan makes the decoder revisit the whole image, so a small file
    with thousands of scans can keep libjpeg busy for minutes; real
    encoders write at most a few dozen.
    """
    scans = 0
    try:
        for marker, _piece in _jpeg_parts(data):
            scans += marker == 0xDA
            if scans > MAX_JPEG_SCANS:
                raise LimitError(f"the JPEG has more than {MAX_JPEG_SCANS} scans",
                                 hint="a decoder-exhaustion attack, or a broken encoder")
    except (IndexError, struct.error):
        return  # structural damage: the decoder will say so


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


def _webp_lossless(data: bytes) -> bool:
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
