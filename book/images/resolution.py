"""How sharp an image prints: its effective resolution in the text block.

The images pass warns below 150 ppi and notes below the 300 ppi print
services ask for; the figure is the one ``pdfimages -list`` reports for the
built PDF.
"""

from __future__ import annotations

#: CSS reference pixels per inch: the size at which WeasyPrint prints an
#: image that no style scales (``image-resolution: 1dppx``, its default).
CSS_PX_PER_INCH = 96.0


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
