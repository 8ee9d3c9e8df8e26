"""Rendering a cover design: measured and laid out by WeasyPrint, rasterized
by PDFium.

One renderer serves both covers a book needs: the design becomes HTML and
CSS (lxml), WeasyPrint (the engine of the print PDF) measures the words and
sets the lines, and

* the EPUB cover is that page rendered to PDF and rasterized with PDFium
  (pypdfium2) to exactly 1600 × 2400 px, encoded as a baseline JPEG with
  fixed settings (same metadata, same fonts → same bytes);
* the paperback's front panel is the same fragment placed inside the cover
  wrap (:func:`panel_fragment`), so its text stays vector and its colours
  may be CMYK.

Layout is checked after setting: every line's glyph boxes must lie inside
the safe area; a line that came out wider than measured (kerning across
words) makes its text smaller and the page is set again.  Characters no
installed font has are collected from WeasyPrint's own ``.notdef`` report.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from .designs import DESIGNS, Design
from .fit import VERTICAL_PAD, units
from .fonts import css_family, font_stack
from .layout import CoverLayout, Measurer, lay_out
from .spec import CoverFindings, CoverSpec

#: Tolerance of the safe-area check, in the panel's unit.
TOLERANCE = 0.5
_NOTDEF = re.compile(r"\(U\+([0-9A-Fa-f]{4,6})\)")


@dataclass
class Rendered:
    """A laid-out cover and what was noticed while setting it."""

    layout: CoverLayout
    missing: list[str] = field(default_factory=list)  # characters drawn as .notdef
    pdf: bytes = b""  # the standalone page (EPUB covers only)


class _Widths(Measurer):
    def __init__(self, widths: dict[tuple[str, str], float], spaces: dict[str, float]) -> None:
        self._widths, self._spaces = widths, spaces

    def width(self, role: str, text: str) -> float:
        # A unit the measuring page did not show (nothing but marks): half an em a character.
        return self._widths.get((role, text), 0.5 * self.reference * len(text))

    def space(self, role: str) -> float:
        return self._spaces.get(role, 0.25 * self.reference)


class _NotdefLog(logging.Handler):
    """Collects the characters WeasyPrint drew as .notdef."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.chars: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if ".notdef" in message:
            for code in _NOTDEF.findall(message):
                char = chr(int(code, 16))
                if char not in self.chars:
                    self.chars.append(char)


# ------------------------------------------------------------------ styles


def role_css(design: Design, spec: CoverSpec, unit_size: str | None = None) -> str:
    """One rule per text role: the face, weight, style, case and spacing."""
    rules = []
    for role, style in design.styles.items():
        stack = font_stack(spec.theme, style.face, spec.lang)
        rules.append(
            f".mbc-{role} {{ font-family: {css_family(stack)}; "
            f"font-weight: {'bold' if style.bold else 'normal'}; "
            f"font-style: {'italic' if style.italic else 'normal'}; "
            f"font-variant: {'small-caps' if style.small_caps else 'normal'}; "
            f"text-transform: {'uppercase' if style.uppercase else 'none'}; "
            f"letter-spacing: {style.tracking}em; font-kerning: normal;"
            f"{' font-size: ' + unit_size + ';' if unit_size else ''} }}")
    return "\n".join(rules)


def _html_root(spec: CoverSpec) -> etree._Element:
    root = etree.Element("html", lang=spec.lang or "und")
    if spec.rtl:
        root.set("dir", "rtl")
    etree.SubElement(root, "head")
    return root


def _serialize(root: etree._Element) -> str:
    return "<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="unicode")


def _render(html: str, css: str):
    """A WeasyPrint document, with the .notdef log attached while drawing."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    return HTML(string=html).render(font_config=fonts,
                                    stylesheets=[CSS(string=css, font_config=fonts)])


def _write_pdf(document) -> tuple[bytes, list[str]]:
    from ..writers.pdf import pdfstreams

    pdfstreams.install()  # the same deflate as every PDF make-book writes
    log = _NotdefLog()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(log)
    try:
        data = document.write_pdf(pdf_identifier=b"make-book-cover")
    finally:
        logger.removeHandler(log)
    return data, log.chars


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


# ------------------------------------------------------------------ measuring


def measure(design: Design, spec: CoverSpec, *, glyphs: bool = False
            ) -> tuple[_Widths, list[str]]:
    """Every unit of every text at the reference size, in one render; with
    ``glyphs``, also the characters no font has (drawing the page finds them)."""
    reference = _Widths.reference
    root = _html_root(spec)
    body = etree.SubElement(root, "body")
    keys: dict[str, tuple[str, str]] = {}
    for role, text in spec.texts:
        if role not in design.styles:
            continue
        line = etree.SubElement(body, "div", {"class": f"m mbc-{role}"})
        pieces = {unit.text for unit in units(text, spec.lang)}
        for number, piece in enumerate(sorted(pieces)):
            key = f"{role}-{number}"
            keys[key] = (role, piece)
            span = etree.SubElement(line, "span", {"data-k": key})
            span.text = piece
        space = etree.SubElement(line, "span", {"data-k": f"{role}-space"})
        space.text = " "
    css = (f"@page {{ size: 20000px 4000px; margin: 0; }} body {{ margin: 0; }}\n"
           f".m {{ white-space: nowrap; font-size: {reference}px; line-height: 1.5; }}\n"
           f".m span {{ display: inline-block; white-space: pre; }}\n"
           + role_css(design, spec))
    document = _render(_serialize(root), css)
    widths: dict[tuple[str, str], float] = {}
    spaces: dict[str, float] = {}
    for box in _boxes(document.pages[0]._page_box):
        element = getattr(box, "element", None)
        if element is None or type(box).__name__ != "InlineBlockBox":
            continue
        key = element.get("data-k")
        if key is None:
            continue
        if key.endswith("-space"):
            spaces[key[:-len("-space")]] = box.width
        elif key in keys:
            widths[keys[key]] = box.width
    missing = _write_pdf(document)[1] if glyphs else []
    return _Widths(widths, spaces), missing


# ------------------------------------------------------------------ the page


def _length(value: float, unit: str) -> str:
    return f"{value:.3f}{unit}"


def panel_fragment(layout: CoverLayout, spec: CoverSpec, *, prefix: str = "mbc"
                   ) -> tuple[etree._Element, str]:
    """The design as a ``div`` the size of the panel and its CSS.

    Placed at the panel's top-left corner by the caller: the EPUB page
    below, or the front panel of the paperback wrap.
    """
    design = DESIGNS[spec.design]
    unit = spec.unit
    panel = etree.Element("div", {"class": f"{prefix}-panel"})
    for number, shape in enumerate(layout.shapes):
        etree.SubElement(panel, "div", {
            "class": f"{prefix}-shape {prefix}-{shape.kind}" + (f" {prefix}-inverse" if shape.inverse else ""),
            "style": (f"left: {_length(shape.rect.x, unit)}; top: {_length(shape.rect.y, unit)}; "
                      f"width: {_length(shape.rect.width, unit)}; "
                      f"height: {_length(shape.rect.height, unit)}")})
    for block in layout.blocks:
        fitted = block.fitted
        div = etree.SubElement(panel, "div", {
            "class": f"{prefix}-block {prefix}-{block.role}" + (f" {prefix}-on-band" if block.inverse else ""),
            "style": (f"left: {_length(block.box.x, unit)}; top: {_length(block.lines_top, unit)}; "
                      f"width: {_length(block.box.width, unit)}; "
                      f"font-size: {_length(fitted.size, unit)}; "
                      f"line-height: {_length(fitted.line_height, unit)}; "
                      f"text-align: {'center' if block.align == 'center' else 'start'}")})
        for line in fitted.lines:
            line_div = etree.SubElement(div, "div", {"class": f"{prefix}-line", "data-role": block.role})
            line_div.text = line
    css = f"""
.{prefix}-panel {{ position: absolute; left: 0; top: 0; width: {_length(spec.width, unit)};
    height: {_length(spec.height, unit)}; overflow: visible; color: {spec.foreground}; }}
.{prefix}-shape {{ position: absolute; background: {spec.foreground}; }}
.{prefix}-shape.{prefix}-inverse {{ background: {spec.background}; }}
.{prefix}-band {{ background: {spec.foreground}; }}
.{prefix}-block {{ position: absolute; margin: 0; padding: 0; }}
.{prefix}-on-band {{ color: {spec.background}; }}
.{prefix}-line {{ white-space: nowrap; margin: 0; padding: 0; }}
""" + role_css(design, spec).replace(".mbc-", f".{prefix}-")
    return panel, css


def _page(layout: CoverLayout, spec: CoverSpec) -> tuple[str, str]:
    root = _html_root(spec)
    body = etree.SubElement(root, "body")
    panel, css = panel_fragment(layout, spec)
    body.append(panel)
    page = (f"@page {{ size: {_length(spec.width, spec.unit)} {_length(spec.height, spec.unit)}; "
            f"margin: 0; background: {spec.background}; }}\nhtml, body {{ margin: 0; padding: 0; }}\n")
    return _serialize(root), page + css


def _overflow(document, layout: CoverLayout, unit_scale: float) -> dict[str, float]:
    """Roles whose set lines leave the safe area: role → shrink factor."""
    safe = layout.safe
    factors: dict[str, float] = {}
    sizes = {block.role: block.fitted.size for block in layout.blocks}
    for box in _boxes(document.pages[0]._page_box):
        if type(box).__name__ != "TextBox":
            continue
        element = getattr(box, "element", None)
        role = element.get("data-role") if element is not None else None
        if role is None:
            continue
        x0, x1 = box.position_x * unit_scale, (box.position_x + box.width) * unit_scale
        pad = VERTICAL_PAD * sizes.get(role, 0)
        y0 = box.position_y * unit_scale - pad
        y1 = (box.position_y + box.height) * unit_scale + pad
        if x0 < safe.x - TOLERANCE or x1 > safe.right + TOLERANCE:
            factor = safe.width / max(x1 - x0, 1e-6) * 0.99
            factors[role] = min(factors.get(role, 1.0), factor)
        if y0 < safe.y - TOLERANCE or y1 > safe.bottom + TOLERANCE:
            factors[role] = min(factors.get(role, 1.0), 0.95)
    return factors


@lru_cache(maxsize=32)
def render_cover(spec: CoverSpec, *, standalone: bool = True) -> Rendered:
    """Lay out ``spec`` and check the result; the page's PDF when ``standalone``."""
    design = DESIGNS[spec.design]
    measurer, missing = measure(design, spec, glyphs=not standalone)
    factors: dict[str, float] = {}
    unit_scale = 0.75 if spec.unit == "pt" else 1.0  # WeasyPrint lays out in CSS px
    for _ in range(4):
        layout = lay_out(design, spec.text, spec.width, spec.height, measurer,
                         bleed_right=spec.bleed_right, rtl=spec.rtl, lang=spec.lang,
                         scale=lambda role: factors.get(role, 1.0))
        html, css = _page(layout, spec)
        document = _render(html, css)
        shrink = _overflow(document, layout, unit_scale)
        if not shrink:
            break
        for role, factor in shrink.items():
            factors[role] = factors.get(role, 1.0) * factor
    pdf = b""
    if standalone:
        pdf, missing = _write_pdf(document)
    return Rendered(layout, missing, pdf)


def rasterize(pdf: bytes, width_px: int, height_px: int) -> bytes:
    """The one-page ``pdf`` as an RGB JPEG of exactly ``width_px`` × ``height_px``."""
    import pypdfium2

    from ..images.cover import COVER_JPEG_QUALITY

    from ..pdfium import PDFIUM_LOCK

    with PDFIUM_LOCK:  # PDFium is not thread-safe (book/pdfium.py)
        document = pypdfium2.PdfDocument(pdf)
        try:
            page = document[0]
            scale = width_px / page.get_width()
            image = page.render(scale=scale, may_draw_forms=False).to_pil().convert("RGB")
            page.close()
        finally:
            document.close()
    if image.size != (width_px, height_px):
        from PIL import Image

        image = image.resize((width_px, height_px), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=COVER_JPEG_QUALITY, optimize=True, progressive=False,
               subsampling="4:4:4")
    return buffer.getvalue()
