"""The paperback cover wrap: back, spine and front on one sheet, with bleed.

Print services take the cover as a separate PDF whose width depends on the
interior: back panel + spine + front panel, each panel the trim size, the
spine as thick as the paper of the final page count, and bleed all round.
So the wrap is laid out after the interior (``--format cover``, written as
``<name>-cover.pdf``), from the interior's page count.

Geometry (the services' cover specifications; see :mod:`book.printshops`):

* spine = pages ÷ paper pages-per-inch (+ the service's board allowance):
  444 ppi for white paper, 400 for cream (``[cover] paper``); the service
  named by ``[pdf] target`` supplies its own formula when it publishes one;
* bleed 0.125 in on every side (``[pdf] bleed`` when larger);
* text on the spine only from 79 pages (below that KDP refuses it), kept
  0.0625 in clear of the folds, reading top to bottom in English and bottom
  to top in the continental European languages;
* with an ISBN, a white area of 2 × 1.2 in is kept at the foot of the back
  panel, 0.25 in from the edges, where the service prints the barcode.

The front panel is the book's cover image scaled to fill the panel and its
bleed, or, without one, the design of the cover make_book generates for
the EPUB (``[cover] design``, :mod:`book.covers`), set as vector text.  The back carries the description (``[cover] back_text``, else the
metadata description).  The PDF standard is the interior's (PDF/X-4 by
default), and the TrimBox is the wrap without its bleed.

Codes: COV001 (note) the wrap's size and spine; COV002 a cover image
below 300 dpi at the panel's size; COV003 (note) no spine text (too few
pages).
"""

from __future__ import annotations

from lxml import etree

from ...context import BuildContext
from ...errors import RenderError
from ...geometry import POINTS_PER_UNIT, format_length
from ...model import Book
from ...printshops import SERVICES, STANDARD_BLEED_PT
from ...xhtml import element, sub
from .served import asset_url
from .metadata import fill_head

_IN = POINTS_PER_UNIT["in"]
#: Pages per inch of the papers the services offer for black-and-white books.
PAPER_PPI = {"white": 444.0, "cream": 400.0}
#: Fewest pages with text on the spine (KDP: 79) and its clearance from the folds.
SPINE_TEXT_FROM = 79
SPINE_CLEARANCE = 0.0625 * _IN
#: The barcode area (2 × 1.2 in), 0.25 in from the trim.
BARCODE = (2 * _IN, 1.2 * _IN, 0.25 * _IN)
#: Languages whose spines read bottom to top (the continental convention).
_BOTTOM_TO_TOP = frozenset({"de", "fr", "pl", "cs", "sk", "hu", "it", "es", "pt", "nl", "sv",
                            "da", "no", "nb", "nn", "fi", "ru", "uk", "ro", "hr", "sl", "sr"})


def spine_width(pages: int, ctx: BuildContext) -> float:
    """The spine in points for ``pages`` pages on the configured paper."""
    target = ctx.config.pdf.target
    paper = ctx.config.cover.paper
    service = SERVICES.get(target) if target else None
    if service is not None and service.pages_per_inch and paper == "white":
        return (pages / service.pages_per_inch + service.spine_extra) * _IN
    extra = service.spine_extra if service is not None else 0.0
    return (pages / PAPER_PPI[paper] + extra) * _IN


def spine_font_size(spine: float) -> float | None:
    """Type size for the spine (points), or None when the spine is too thin for text."""
    size = min((spine - 2 * SPINE_CLEARANCE) * 0.9, 14.0)
    return size if size >= 5.0 else None


def _colour(value: str, cmyk: bool) -> str:
    """``#rrggbb`` as ink values when the PDF standard wants CMYK (PDF/X-1a, X-3)."""
    if not cmyk or not value.startswith("#"):
        return value
    digits = value[1:] if len(value) == 7 else "".join(c * 2 for c in value[1:])
    r, g, b = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
    k = 1 - max(r, g, b)
    if k >= 1:
        return "device-cmyk(0 0 0 1)"
    c, m, y = ((1 - v - k) / (1 - k) for v in (r, g, b))
    return f"device-cmyk({c:.3f} {m:.3f} {y:.3f} {k:.3f})"


def cover_html(book: Book, ctx: BuildContext, pages: int, *, cmyk: bool = False) -> tuple[str, str]:
    """The wrap's HTML and CSS, positioned in points from the trim's corner."""
    pdf, cover = ctx.config.pdf, ctx.config.cover
    meta = book.metadata
    width, height = pdf.trim.width, pdf.trim.height
    spine = spine_width(pages, ctx)
    bleed = max(pdf.bleed, STANDARD_BLEED_PT)
    total = 2 * width + spine
    lang = (meta.language or "en").split("-")[0].lower()
    root = element("html", attrib={"lang": meta.language or "en"})
    fill_head(etree.SubElement(root, "head"), meta, ctx.build_time)
    body = etree.SubElement(root, "body")
    back = sub(body, "div", class_="panel back")
    blurb = sub(back, "div", class_="blurb")
    for paragraph in (cover.back_text or meta.description or "").split("\n\n"):
        if paragraph.strip():
            sub(blurb, "p", " ".join(paragraph.split()))
    sub(back, "p", meta.publisher or "", class_="imprint")
    if meta.print_isbn or meta.isbn:
        sub(back, "div", class_="barcode")
    spine_panel = sub(body, "div", class_="panel spine")
    font = spine_font_size(spine)
    if pages >= SPINE_TEXT_FROM and font is not None:
        lettering = sub(spine_panel, "div", class_="spine-text")
        sub(lettering, "span", meta.title, class_="st")
        sub(lettering, "span", meta.author_line or "", class_="sa")
    front = sub(body, "div", class_="panel front")
    image = next((a for a in book.assets.values() if "cover-image" in a.properties), None)
    if image is not None:
        sub(front, "img", class_="art", src=asset_url(ctx.sandbox.root, image.href), alt="")
    else:  # the generated cover's design, as vector text (book/covers)
        from ...covers import front_panel

        panel, panel_css = front_panel(book, ctx, width, height, bleed,
                                       _colour(cover.background, cmyk), _colour(cover.foreground, cmyk))
        front.append(panel)
    doc = "<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="unicode")
    L = format_length  # noqa: N806 - short for the many lengths below
    rotation = -90 if lang in _BOTTOM_TO_TOP else 90
    bw, bh, bm = BARCODE
    css = f"""
@page {{ size: {L(total)} {L(height)}; margin: 0; bleed: {L(bleed)};
        background: {_colour(cover.background, cmyk)}; }}
html {{ font-family: "Linux Libertine O", "Linux Libertine", "DejaVu Serif", serif;
        color: {_colour(cover.foreground, cmyk)}; }}
body {{ margin: 0; }}
.panel {{ position: absolute; top: 0; height: {L(height)}; overflow: visible; }}
.back {{ left: 0; width: {L(width)}; }}
.spine {{ left: {L(width)}; width: {L(spine)}; }}
.front {{ left: {L(width + spine)}; width: {L(width)}; }}
.art {{ position: absolute; top: -{L(bleed)}; left: 0; width: {L(width + bleed)};
        height: {L(height + 2 * bleed)}; object-fit: cover; }}
.blurb {{ position: absolute; top: {L(height * 0.12)}; left: {L(width * 0.13)};
          width: {L(width * 0.74)}; font-size: 10.5pt; line-height: 1.4; hyphens: auto; }}
.blurb p {{ margin: 0 0 0.7em; text-align: justify; }}
.imprint {{ position: absolute; bottom: {L(bm + bh + 0.2 * _IN)}; left: {L(width * 0.13)};
            font-size: 9pt; font-variant: small-caps; letter-spacing: 0.05em; margin: 0; }}
.barcode {{ position: absolute; right: {L(bm)}; bottom: {L(bm)}; width: {L(bw)};
            height: {L(bh)}; background: white; }}
.spine-text {{ position: absolute; width: {L(height - 2 * 0.5 * _IN)}; height: {L(spine)};
               left: {L(spine / 2 - (height - _IN) / 2)}; top: {L(height / 2 - spine / 2)};
               transform: rotate({rotation}deg); display: flex; align-items: center;
               justify-content: space-between; white-space: nowrap; overflow: hidden;
               font-size: {L(font or 6)}; }}
.sa {{ font-variant: small-caps; letter-spacing: 0.05em; }}
"""
    if image is None:
        css += panel_css
    return doc, css


def write_cover_pdf(book: Book, ctx: BuildContext, pages: int) -> bytes:
    """The cover wrap for an interior of ``pages`` pages (PDF/X like the interior)."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from . import metadata, pdfstreams, postprocess, variants
    from .fetcher import SandboxFetcher

    pdf = ctx.config.pdf
    setup = variants.print_setup(ctx)
    cmyk = bool(setup.pdf_variant) and setup.pdf_variant in ("pdf/x-1a", "pdf/x-3")
    doc, css = cover_html(book, ctx, pages, cmyk=cmyk)
    fetcher = SandboxFetcher(ctx.sandbox, book, setup.internal,
                             image_filter=variants.to_cmyk if setup.cmyk_images else None)
    root_url = ctx.sandbox.root.as_uri() + "/"
    image = next((a for a in book.assets.values() if "cover-image" in a.properties), None)
    file_id = metadata.identifier(doc, css, repr(setup.pdf_variant),
                                  *([image.print_data or image.data] if image else []))
    spine = spine_width(pages, ctx)
    ctx.diag.note("COV001", f"cover wrap {(2 * pdf.trim.width + spine) / _IN:.3f} × "
                  f"{pdf.trim.height / _IN:.3f} in plus bleed; spine {spine / _IN:.3f} in "
                  f"for {pages} pages on {ctx.config.cover.paper} paper")
    if pages < SPINE_TEXT_FROM or spine_font_size(spine) is None:
        ctx.diag.note("COV003", f"no text on the spine: {pages} pages make a spine of "
                      f"{spine / _IN:.3f} in, too thin for lettering")
    if image is not None and image.width:
        pixels = image.width if not image.print_data else _pixel_width(image.print_data, image.width)
        dpi = pixels / (pdf.trim.width / _IN)
        if dpi < 300:
            ctx.diag.warn("COV002", f"the cover image prints at {dpi:.0f} dpi on the front panel; "
                          "print wants 300", hint=f"use an image at least "
                          f"{round(3 * pdf.trim.width / _IN * 100)} px wide")
    font_config = FontConfiguration()
    profiles: dict = {}
    try:
        sheet = CSS(string=css, base_url=root_url, url_fetcher=fetcher,
                    font_config=font_config, color_profiles=profiles)
        document = HTML(string=doc, base_url=root_url, url_fetcher=fetcher).render(
            font_config=font_config, stylesheets=[sheet], color_profiles=profiles,
            pdf_variant=setup.pdf_variant, pdf_identifier=file_id, **setup.options)
        finisher = postprocess.make_finisher(
            file_id=file_id, print_edition=True, bleed=True, bookmarks=False,
            profile_name=setup.profile_name, pdfx=bool(setup.pdf_variant and "pdf/x" in setup.pdf_variant))
        pdfstreams.install()
        return document.write_pdf(finisher=finisher, pdf_variant=setup.pdf_variant,
                                  pdf_identifier=file_id, **setup.options)
    except RecursionError:
        raise RenderError("the cover could not be laid out") from None


def _pixel_width(data: bytes, fallback: int) -> int:
    from io import BytesIO

    from PIL import Image

    try:
        with Image.open(BytesIO(data)) as im:
            return im.width
    except Exception:  # noqa: BLE001 - the EPUB copy's width is the fallback
        return fallback


__all__ = ["write_cover_pdf", "cover_html", "spine_width", "spine_font_size", "PAPER_PPI"]
