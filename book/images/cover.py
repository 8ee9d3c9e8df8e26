"""The book's cover image: where it is named, its limits, its preparation.

The cover (``[metadata] cover`` in book.toml, or ``--cover``) is resolved in
the sandbox like every other file; problems with it are errors naming
book.toml (and its line) or ``--cover``, since a book without its intended
cover must not ship silently.  It is converted with :data:`COVER_POLICY`:
always JPEG (PNG when transparent), one frame, no SVG, at most 1600×2560
px.  1600×2560 (1:1.6) is the size Amazon KDP recommends for ebook covers,
and Aldiko is documented to crash on covers over 1600 px (asciidoctor-epub3
documentation, "Quirks"), so the width, the side that matters on a
portrait cover, stays at 1600.  Covers below 625×1000 (the minimum Project
Gutenberg's ebookmaker accepts, and KDP's minimum) get a warning (IMG012);
a reduced cover a note (IMG013).  The EPUB copy also stays within 4 million
pixels (Apple's limit for images in a book); the print cover keeps the
original.  Before decoding, the file's header is looked at:

* **shape**: height ÷ width outside 1.4–1.7 (stores show covers around
  1.5–1.6; KDP's ideal is 1.6, Kobo's 1.33): ``COV008``, a warning, since
  store listings and e-reader libraries crop or letterbox it;
* **colour**: a CMYK image (print artwork) is converted to sRGB for the
  EPUB, through its ICC profile when it has one, and kept as it is for the
  print cover: ``COV009``, a note.

The images pass registers the result as the ``cover-image`` asset; a book
without a cover gets a generated one from the EPUB writer (:mod:`book.covers`).
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from ..config import CONFIG_NAME
from ..context import BuildContext
from ..errors import LimitError, SandboxError, SourceError
from ..limits import MAX_CONFIG_BYTES, MAX_IMAGE_BYTES
from .convert import EPUB_MAX_PIXELS, ImagePolicy, PreparedImage, prepare_image

#: Largest EPUB cover: KDP's recommended size; Aldiko crashes on covers over 1600 px.
COVER_MAX_SIZE = (1600, 2560)
#: Smallest cover stores accept (KDP, Project Gutenberg's ebookmaker).
COVER_MIN_SIZE = (625, 1000)

#: The cover is looked at full-screen and in store listings: a little more.
COVER_JPEG_QUALITY = 90
#: Height ÷ width stores display without cropping much.
ASPECT_RANGE = (1.4, 1.7)
#: How the cover is converted: always JPEG (PNG when transparent), one frame,
#: at most 1600 × 2560 and 4 million pixels.
COVER_POLICY = ImagePolicy(
    COVER_MAX_SIZE[0], COVER_MAX_SIZE[1], EPUB_MAX_PIXELS,
    keep_format=False, allow_svg=False, keep_animation=False, jpeg_quality=COVER_JPEG_QUALITY,
)


@dataclass
class Cover:
    """The prepared cover and what it was called, for the asset and messages."""

    image: PreparedImage
    #: The path as the user wrote it (relative to the book folder).
    reference: str
    #: SHA-256 of the file's bytes, so the same file in the text shares the asset.
    digest: str


def prepare_cover(ctx: BuildContext) -> Cover | None:
    """Resolve, read and convert the book's cover; None when it has none.

    Raises :class:`~book.errors.SandboxError`, :class:`~book.errors.SourceError`
    or :class:`~book.errors.LimitError` naming where the cover was given.
    """
    meta = ctx.config.metadata
    cover = meta.cover
    if cover is None or not str(cover).strip():
        return None
    from_config = meta.origins.get("cover", CONFIG_NAME) == CONFIG_NAME
    root = ctx.config.root or ctx.sandbox.root
    if from_config and ctx.config.file is not None:
        file: str | None = ctx.sandbox.display(ctx.config.file)
        line = _config_line(ctx, "cover")
    else:
        file, line = (CONFIG_NAME if from_config else "--cover"), None
    reference = str(cover)
    if not from_config and Path(reference).is_absolute() and ctx.sandbox.contains(Path(reference)):
        reference = Path(reference).resolve().relative_to(ctx.sandbox.root).as_posix()
    path = ctx.sandbox.resolve(reference, base=Path(root), file=file, line=line)
    if not path.is_file():
        raise SourceError(f"cover image not found: {reference}", file=file, line=line,
                          hint="the path is relative to the book folder")
    data = ctx.sandbox.read_bytes(path, limit=MAX_IMAGE_BYTES, file=file, line=line)
    _check_header(data, ctx, reference, file, line)
    try:
        prepared = prepare_image(data, COVER_POLICY)
    except LimitError as exc:
        raise LimitError(f"cover image {reference}: {exc.message}", file=file, line=line,
                         hint=exc.hint) from None
    except SourceError as exc:
        raise SourceError(f"cover image {reference}: {exc.message}", file=file, line=line,
                          hint=exc.hint) from None
    width, height = prepared.print_width or 0, prepared.print_height or 0
    if width < COVER_MIN_SIZE[0] or height < COVER_MIN_SIZE[1]:
        ctx.diag.warn(
            "IMG012", f"cover image {reference} is {width}×{height} px; stores want at least "
            f"{COVER_MIN_SIZE[0]}×{COVER_MIN_SIZE[1]}", file=file, line=line,
            hint="1600×2560 px is the size KDP recommends")
    if prepared.downscaled:
        ctx.diag.note("IMG013", f"cover image {reference} reduced from {width}×{height} "
                      f"to {prepared.width}×{prepared.height} px for the EPUB", file=file)
    return Cover(prepared, reference, hashlib.sha256(data).hexdigest())


def _check_header(data: bytes, ctx: BuildContext, reference: str, file: str | None,
                  line: int | None) -> None:
    """COV008 for a shape stores crop, COV009 for a CMYK cover (module docstring)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                width, height, mode = image.width, image.height, image.mode
    except Exception:  # noqa: BLE001 - prepare_image reports the real problem
        return
    if not width:
        return
    ratio = height / width
    low, high = ASPECT_RANGE
    if not low <= ratio <= high:
        ctx.diag.warn("COV008", f"cover image {reference} is {width}×{height} px, "
                      f"{ratio:.2f} times as high as wide; stores show covers between {low} and "
                      f"{high}, and crop or letterbox others", file=file, line=line,
                      hint="1600×2560 px (1.6) suits every store")
    if mode == "CMYK":
        ctx.diag.note("COV009", f"cover image {reference} is CMYK: converted to sRGB for the "
                      "EPUB (screens and stores want RGB); the print cover keeps it as it is",
                      file=file)


def _config_line(ctx: BuildContext, key: str) -> int | None:
    """The line of ``key`` in book.toml's [metadata] table, for messages."""
    config_file = ctx.config.file
    if config_file is None:
        return None
    try:
        text = ctx.sandbox.read_bytes(config_file, limit=MAX_CONFIG_BYTES).decode(
            "utf-8", "replace")
    except (SandboxError, SourceError, LimitError):
        return None
    section = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            section = header.group(1)
        elif section == "metadata" and re.match(rf"^\s*{re.escape(key)}\s*=", line):
            return number
    return None
