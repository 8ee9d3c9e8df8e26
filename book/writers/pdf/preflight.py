"""Preflight: the laid-out interior against the print service's rules.

Runs when ``[pdf] target`` (``--target``) names a service
(:mod:`book.printshops`), after layout, because several rules depend on
the final page count (KDP's and Lulu's gutter tables, the spine width).
Each finding is a warning with a stable code, so ``--strict`` refuses a
file the service would reject:

PRE001 page count outside what the service prints
PRE002 inner margin (gutter) narrower than the service asks for this page count
PRE003 outer, top or bottom margin inside the service's safety zone
PRE004 bleed other than the 0.125 in every service asks for
PRE005 image below the service's minimum resolution where it is printed
PRE006 trim outside the sizes the service prints
PRE010 (note) the spine width for the final page count, for the cover designer
PRE011 (note) the default inner margin widened to the service's gutter

Only the default margins are widened (:func:`widen_gutter`, before the final
layout); margins the user set are the user's, and a short one is PRE002.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...context import BuildContext
from ...geometry import POINTS_PER_UNIT, format_length
from ...printshops import STANDARD_BLEED_PT, SERVICES, PrintService, min_gutter, spine_width

_IN = POINTS_PER_UNIT["in"]
#: CSS pixels per inch: WeasyPrint's box sizes are in CSS px.
_CSS_PX_PER_IN = 96


def preflight(pages: int, images: list[list[tuple[str, int]]], ctx: BuildContext) -> None:
    """Report what service ``[pdf] target`` would object to in a layout of
    ``pages`` pages whose raster images are ``images`` (:func:`page_images`
    of each page)."""
    pdf = ctx.config.pdf
    service = SERVICES[pdf.target]
    low, high = service.pages
    if not low <= pages <= high:
        ctx.diag.warn("PRE001", f"{service.title} prints {low} to {high} pages; this interior has "
                      f"{pages}", hint="add or remove pages, or pick another service")
    _margins(service, pages, ctx)
    if pdf.bleed and abs(pdf.bleed - STANDARD_BLEED_PT) > 0.05:
        ctx.diag.warn("PRE004", f"{service.title} expects a bleed of 0.125in; this book uses "
                      f"{format_length(pdf.bleed)}", hint="set [pdf] bleed = \"0.125in\"")
    if service.trim_range:
        (wmin, wmax), (hmin, hmax) = service.trim_range
        width, height = pdf.trim.width / _IN, pdf.trim.height / _IN
        if not (wmin <= width <= wmax and hmin <= height <= hmax):
            ctx.diag.warn("PRE006", f"{service.title} prints trims from {wmin}x{hmin} to "
                          f"{wmax}x{hmax} in; this book is {width:.2f}x{height:.2f} in",
                          hint="pick another [pdf] trim")
    for src, dpi in _low_resolution_images(images, service.min_image_dpi):
        ctx.diag.warn("PRE005", f"image {src} prints at {dpi} dpi; {service.title} asks for at "
                      f"least {service.min_image_dpi}", hint="use a larger image or print it smaller")
    spine = spine_width(service, pages)
    if spine is not None:
        ctx.diag.note("PRE010", f"{service.title} spine width for {pages} pages on white paper: "
                      f"{spine:.3f} in ({spine * 25.4:.1f} mm)")


def widen_gutter(pages: int, ctx: BuildContext) -> bool:
    """Widen the default inner margin to the service's gutter for ``pages`` pages.

    Returns True when the margins changed, so the caller lays the book out
    again.  Margins set in book.toml are left alone.
    """
    pdf = ctx.config.pdf
    if pdf.margins is not None and not pdf.margins_widened:
        return False
    service = SERVICES[pdf.target]
    margins = pdf.page_margins
    needed = min_gutter(service, pages) * _IN
    if margins.inner >= needed - 0.5:
        return False
    pdf.margins = replace(margins, inner=needed)
    pdf.margins_widened = True
    ctx.diag.note("PRE011", f"inner margin widened from {margins.inner / _IN:.3f} in to "
                  f"{needed / _IN:.3f} in, the {service.title} gutter for {pages} pages")
    return True


def _margins(service: PrintService, pages: int, ctx: BuildContext) -> None:
    pdf = ctx.config.pdf
    margins = pdf.page_margins
    gutter = min_gutter(service, pages)
    if margins.inner < gutter * _IN - 0.5:
        ctx.diag.warn("PRE002", f"{service.title} asks for an inner margin of at least {gutter} in "
                      f"for {pages} pages; this book has {margins.inner / _IN:.3f} in",
                      hint=f"set [pdf.margins] inner = \"{gutter}in\"")
    safe = service.safe_margin[1 if pdf.bleed else 0]
    for side in ("outer", "top", "bottom"):
        value = getattr(margins, side)
        if value < safe * _IN - 0.5:
            ctx.diag.warn("PRE003", f"{service.title} keeps text at least {safe} in from the trim; "
                          f"the {side} margin is {value / _IN:.3f} in",
                          hint=f"set [pdf.margins] {side} = \"{safe}in\"")


def page_images(page: Any, info: Any = None) -> list[tuple[str, int]]:
    """``(file name, pixels per inch)`` of each raster image printed on the
    page; a page extractor (book/writers/pdf/extract.py)."""
    from weasyprint.formatting_structure.boxes import ReplacedBox
    from weasyprint.images import RasterImage

    found = []
    for box in page._page_box.descendants():
        if not isinstance(box, ReplacedBox) or not isinstance(box.replacement, RasterImage):
            continue
        width = box.width or 0
        if width <= 0:
            continue
        dpi = round(box.replacement.width / (width / _CSS_PX_PER_IN))
        src = box.element.get("src", "?") if box.element is not None else "?"
        found.append((src.rsplit("/", 1)[-1][:80], dpi))
    return found


def _low_resolution_images(images: list[list[tuple[str, int]]], minimum: int) -> list[tuple[str, int]]:
    """Raster images printed at fewer than ``minimum`` pixels per inch (worst use of each)."""
    worst: dict[str, int] = {}
    for page in images:
        for name, dpi in page:
            worst[name] = min(dpi, worst.get(name, dpi))
    return sorted((name, dpi) for name, dpi in worst.items() if dpi < minimum)
