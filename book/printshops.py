"""What the print-on-demand services ask of an interior PDF.

``[pdf] target`` (``--target``) names a service;
:meth:`book.config.PdfConfig.apply_target` turns its file requirements into
PDF settings (bleed edges, marks, bookmarks, font embedding, PDF/X variant)
and :mod:`book.writers.pdf.preflight` checks the laid-out book against its geometry rules (page count, gutter by
page count, safe margins, bleed size, image resolution).

The numbers are the services' published interior specifications, as of
2026: Amazon KDP paperback ("Paperback submission guidelines" and its
margin table), IngramSpark ("File creation guide": PDF/X-1a:2001, 0.5 in
safety) and Lulu ("Tips for formatting documents", "Bleed", and the Book
Creation Guide's gutter table).  They are data, so a changed rule is one
edit here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .geometry import POINTS_PER_UNIT

#: Bleed every service asks for when the art runs off the page (1/8 in).
STANDARD_BLEED_PT = 0.125 * POINTS_PER_UNIT["in"]


@dataclass(frozen=True)
class PrintService:
    """One service's rules for a paperback interior."""

    name: str
    title: str
    #: "outer": bleed on the top, bottom and fore-edge only (KDP); "all": every side.
    bleed_edges: str
    #: PDF standard the service prefers ("" keeps the book's own setting).
    variant: str
    #: Outlines (PDF bookmarks) allowed in the interior file.
    bookmarks: bool
    #: Smallest and largest page count accepted.
    pages: tuple[int, int]
    #: (up to this many pages, smallest inner margin in inches), ascending.
    gutter: tuple[tuple[int, float], ...]
    #: Smallest outer, top and bottom margin (inches) without and with bleed.
    safe_margin: tuple[float, float]
    #: Pages per inch of the default paper, for the spine width (0: no formula).
    pages_per_inch: float
    #: Added to the spine width, inches (Lulu's cover board allowance).
    spine_extra: float = 0.0
    min_image_dpi: int = 300
    #: ((smallest, largest width), (smallest, largest height)) in inches, when
    #: the service prints any size in a range; None when it has a fixed list.
    trim_range: tuple[tuple[float, float], tuple[float, float]] | None = None


SERVICES: dict[str, PrintService] = {
    "kdp": PrintService(
        name="kdp", title="Amazon KDP", bleed_edges="outer", variant="", bookmarks=False,
        pages=(24, 828),
        gutter=((150, 0.375), (300, 0.5), (500, 0.625), (700, 0.75), (828, 0.875)),
        safe_margin=(0.25, 0.375), pages_per_inch=444, trim_range=((4.0, 8.5), (6.0, 11.69))),
    "ingramspark": PrintService(
        name="ingramspark", title="IngramSpark", bleed_edges="all", variant="pdf/x-1a",
        bookmarks=True, pages=(18, 1200),
        gutter=((1200, 0.5),), safe_margin=(0.5, 0.5), pages_per_inch=0),
    "lulu": PrintService(
        name="lulu", title="Lulu", bleed_edges="all", variant="", bookmarks=True,
        pages=(32, 800),
        # Base gutter 0.3 in plus the Book Creation Guide's addition by page count.
        gutter=((60, 0.3), (150, 0.425), (400, 0.8), (600, 0.925), (800, 1.05)),
        safe_margin=(0.5, 0.5), pages_per_inch=444, spine_extra=0.06),
}

TARGETS: tuple[str, ...] = tuple(SERVICES)


def min_gutter(service: PrintService, pages: int) -> float:
    """Smallest inner margin (inches) the service asks for at ``pages`` pages."""
    for upto, inches in service.gutter:
        if pages <= upto:
            return inches
    return service.gutter[-1][1]


def spine_width(service: PrintService, pages: int) -> float | None:
    """Spine width in inches for a paperback of ``pages`` pages, if the service publishes a formula."""
    if not service.pages_per_inch:
        return None
    return pages / service.pages_per_inch + service.spine_extra
