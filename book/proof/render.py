"""The print PDF's pages as pictures, with the trim and bleed boxes drawn.

pypdfium2 (PDFium) renders each page's crop box (ISO 32000-2 §14.11.2:
crop, bleed, trim boxes; WeasyPrint writes the page itself as TrimBox and
the page with its bleed as BleedBox).  The page summaries measure in CSS
px from the trimmed page's top left corner; :class:`PageImage` maps them
onto the picture so a finding's spot can be marked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from ..pdfium import PDFIUM_LOCK

#: Colours of the outlines: trim (where the page is cut) and bleed.
TRIM_COLOUR = (0, 90, 200)
BLEED_COLOUR = (220, 0, 120)
#: Colour of a finding's mark.
MARK_COLOUR = (230, 40, 0)
#: PDF points per CSS px.
PT_PER_PX = 0.75


@dataclass
class PageImage:
    """One rendered page: the picture and where its boxes are on it."""

    image: Image.Image
    #: Pixels per PDF point.
    scale: float
    #: The rendered (crop) box's left and top in PDF points.
    origin: tuple[float, float]
    #: TrimBox and BleedBox as (left, bottom, right, top) in PDF points.
    trim: tuple[float, float, float, float]
    bleed: tuple[float, float, float, float]

    def to_pixels(self, x: float, y: float) -> tuple[float, float]:
        """A point in PDF points (y up) → pixels of the picture (y down)."""
        return (x - self.origin[0]) * self.scale, (self.origin[1] - y) * self.scale

    def box_pixels(self, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        left, top = self.to_pixels(box[0], box[3])
        right, bottom = self.to_pixels(box[2], box[1])
        return left, top, right, bottom

    def css_to_pixels(self, x: float, y: float) -> tuple[float, float]:
        """A point in the page summaries' CSS px (from the trim box's top left)."""
        return self.to_pixels(self.trim[0] + x * PT_PER_PX, self.trim[3] - y * PT_PER_PX)


def render_pages(pdf: Path, dpi: int) -> Iterator[PageImage]:
    """Every page of ``pdf`` at ``dpi``, boxes outlined, in order.

    Each call into PDFium holds the process's PDFium lock (book/pdfium.py),
    released between pages so a caller may do other PDFium work meanwhile.
    """
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        document = pdfium.PdfDocument(str(pdf))
        count = len(document)
    try:
        for index in range(count):
            with PDFIUM_LOCK:
                page = document[index]
                try:
                    rendered = _render(page, dpi)
                finally:
                    page.close()
            yield rendered
    finally:
        with PDFIUM_LOCK:
            document.close()


def _render(page, dpi: int) -> PageImage:
    scale = dpi / 72
    crop = tuple(page.get_cropbox())
    trim = tuple(page.get_trimbox())
    bleed = tuple(page.get_bleedbox())
    bitmap = page.render(scale=scale, may_draw_forms=False)
    image = bitmap.to_pil().convert("RGB")
    bitmap.close()
    rendered = PageImage(image, scale, (crop[0], crop[3]), trim, bleed)
    draw = ImageDraw.Draw(image)
    width = max(1, round(dpi / 100))
    if bleed != trim:
        draw.rectangle(_inside(rendered.box_pixels(bleed), image), outline=BLEED_COLOUR,
                       width=width)
    draw.rectangle(_inside(rendered.box_pixels(trim), image), outline=TRIM_COLOUR, width=width)
    return rendered


def _inside(box: tuple[float, float, float, float], image: Image.Image) -> list[int]:
    """A box in whole pixels, kept on the picture (an outline on the edge
    of the picture would fall half outside)."""
    left, top, right, bottom = box
    return [max(0, round(left)), max(0, round(top)), min(image.width - 1, round(right) - 1),
            min(image.height - 1, round(bottom) - 1)]


def mark(page: PageImage, spots: list[tuple[float, float, float, float]], *,
         scale: float = 1.0) -> Image.Image:
    """A copy of the page, scaled by ``scale``, with each spot (CSS px:
    x, y, width, height) circled in :data:`MARK_COLOUR`."""
    image = page.image.copy()
    if scale != 1.0:
        image = image.resize((max(1, round(image.width * scale)),
                              max(1, round(image.height * scale))), Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image)
    pad = 3
    for x, y, width, height in spots:
        left, top = page.css_to_pixels(x, y)
        right, bottom = page.css_to_pixels(x + width, y + height)
        draw.rectangle([round(left * scale) - pad, round(top * scale) - pad,
                        round(right * scale) + pad, round(bottom * scale) + pad],
                       outline=MARK_COLOUR, width=2)
    return image
