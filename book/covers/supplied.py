"""Checks of a cover image the user supplies (``[metadata] cover``, ``--cover``).

The images pass (:mod:`book.passes.images`) decodes the cover with
:func:`book.imaging.prepare_image` under :data:`EPUB_COVER_POLICY`; before
that, :func:`check_supplied` looks at the file's header:

* **shape**: height ÷ width outside 1.4–1.7 (stores show covers around
  1.5–1.6; KDP's ideal is 1.6, Kobo's 1.33): ``COV008``, a warning, since
  store listings and e-reader libraries crop or letterbox it;
* **colour**: a CMYK image (print artwork) is converted to sRGB for the
  EPUB, through its ICC profile when it has one, and kept as it is for the
  print cover: ``COV009``, a note;
* **pixels**: below what stores accept is ``IMG012`` (the pass); above 4
  million pixels (Apple's limit for images in a book) the EPUB copy is
  reduced and the print cover keeps the original (``IMG013``).
"""

from __future__ import annotations

import dataclasses
import io
import warnings
from dataclasses import dataclass

from ..context import BuildContext
from ..imaging import COVER_POLICY, EPUB_MAX_PIXELS

#: The EPUB copy of a supplied cover: at most 1600 × 2560 and 4 million pixels.
EPUB_COVER_POLICY = dataclasses.replace(COVER_POLICY, max_pixels=EPUB_MAX_PIXELS)
#: Height ÷ width stores display without cropping much.
ASPECT_RANGE = (1.4, 1.7)


@dataclass(frozen=True)
class CoverFacts:
    width: int
    height: int
    mode: str
    format: str


def inspect(data: bytes) -> CoverFacts | None:
    """Size, colour mode and format from the header; None when Pillow cannot
    read it (the pass then reports the real problem)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as image:
                return CoverFacts(image.width, image.height, image.mode, str(image.format))
    except Exception:  # noqa: BLE001 - any failure is reported by prepare_image
        return None


def check_supplied(facts: CoverFacts | None, ctx: BuildContext, reference: str,
                   file: str | None, line: int | None) -> None:
    """Warnings and notes about a supplied cover (see the module docstring)."""
    if facts is None or not facts.width:
        return
    ratio = facts.height / facts.width
    low, high = ASPECT_RANGE
    if not low <= ratio <= high:
        ctx.diag.warn("COV008", f"cover image {reference} is {facts.width}×{facts.height} px, "
                      f"{ratio:.2f} times as high as wide; stores show covers between {low} and "
                      f"{high}, and crop or letterbox others", file=file, line=line,
                      hint="1600×2560 px (1.6) suits every store")
    if facts.mode == "CMYK":
        ctx.diag.note("COV009", f"cover image {reference} is CMYK: converted to sRGB for the "
                      "EPUB (screens and stores want RGB); the print cover keeps it as it is",
                      file=file)
