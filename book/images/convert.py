"""Images converted for the book: an EPUB copy and, when it differs, print's.

:func:`prepare_image` turns any accepted input (decoded by :mod:`.decode`)
into an EPUB copy, always an EPUB 3 core media type (JPEG, PNG, GIF, WebP
or SVG, EPUB 3.3 §3.2), and, when that copy had to be reduced, a
full-resolution copy for print.

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
  2000×2000, a 3:2 photo at 2048×1365.  The cover has a policy of its own
  (:mod:`.cover`).
* **Print keeps full resolution.**  When the EPUB copy was reduced (or
  colour-converted), :attr:`PreparedImage.print_data` holds the
  full-resolution image in the same format, so the PDF can reach 300 ppi.

Determinism and colour
----------------------
Images that need no change are only cleaned of metadata (:mod:`.metadata`).
EXIF orientation is applied to the pixels before the tag goes.
Re-encoding uses fixed settings (:data:`JPEG_QUALITY`…; baseline,
optimized Huffman tables, no timestamps), so the same input always gives
the same bytes.  EPUB copies that are re-encoded are converted to sRGB from
their ICC profile, as Apple's guide asks; print copies keep their colour
space (CMYK included) and profile.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass, field

from PIL import Image, ImageCms, ImageOps

from ..errors import LimitError, SourceError
from ..limits import MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS
from .decode import check_jpeg_scans, describe, open_image
from .metadata import strip_metadata, webp_lossless
from .svg import looks_like_svg, sanitize_svg

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
#: Formats passed through (after lossless cleaning) when nothing else is needed.
KEEPABLE_FORMATS = frozenset({"JPEG", "PNG", "GIF", "WEBP"})
#: Pixel budget of one EPUB image (Apple: "no more than 4 million pixels").
EPUB_MAX_PIXELS = 4_000_000

#: JPEG quality of reduced EPUB copies: visually lossless for photographs
#: at reading sizes, about a third of the bytes of quality 95.
JPEG_QUALITY = 85
#: Full-resolution copies that had to be re-encoded (rotated, converted).
PRINT_JPEG_QUALITY = 95
#: Lossy WebP re-encoding quality (lossless sources stay lossless).
WEBP_QUALITY = 85
#: zlib level for re-encoded PNGs: level 9 (or Pillow's ``optimize``) saves
#: 1–8 % of bytes but takes about five times as long, which a book with a
#: few hundred figures would feel on every build.
PNG_COMPRESS_LEVEL = 6

_ORIENTATION_TAG = 0x0112
_SRGB = ImageCms.createProfile("sRGB")


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
        image = open_image(data)
        try:
            return _prepare_raster(data, image, policy)
        except (LimitError, SourceError):
            raise
        except MemoryError:
            raise  # the machine, not the image: the build fails, never drops the picture
        except Image.DecompressionBombError:
            raise LimitError(f"the image has more pixels than the "
                             f"{MAX_IMAGE_PIXELS / 1e6:.0f}-megapixel limit") from None
        except Exception as exc:  # noqa: BLE001  Pillow's decoders raise many types on bad input
            raise SourceError(f"the image data is corrupt ({describe(exc)})") from None
        finally:
            image.close()


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
                             subsampling="4:4:4", icc=icc, lossless=webp_lossless(data))
    epub = full
    if epub.size != target:
        epub = _for_resampling(epub).resize(target, Image.Resampling.LANCZOS, reducing_gap=3.0)
    epub = _epub_mode(_to_srgb(epub, icc), output)
    # Without a print copy of its own, the EPUB copy is also print's: encode it as such.
    quality = policy.jpeg_quality if print_data is not None else PRINT_JPEG_QUALITY
    epub_data = _encode(epub, output, quality=quality, subsampling="4:2:0",
                        icc=None, lossless=webp_lossless(data))
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
