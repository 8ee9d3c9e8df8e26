"""Covers: a typographic cover for every book that has none, and checks of
the cover a user supplies.

A book without a cover is refused or shown as a grey rectangle by the
stores, so when ``[metadata] cover`` (``--cover``) is not given the EPUB
writer asks :func:`with_cover` for one: the title, subtitle, author(s) and
series set in the book's theme faces and ``[cover]`` colours after one of
the designs in :mod:`.designs` (``[cover] design``), rendered by
:mod:`.render` to a 1600 × 2400 px RGB JPEG (3.84 megapixels: under the 4
million pixels Apple Books allows an image in a book; the 2:3 shape sits in
the middle of what stores show).  The same design, as vector text, is the
front panel of the paperback wrap when there is no image
(:func:`front_panel`).  The same metadata and fonts give the same bytes.

Codes (COV001–COV003 belong to the wrap, :mod:`book.writers.pdf.cover`):

======  =======  ==========================================================
COV004  note     no cover image given: one was generated (which design)
COV005  warning  characters of the cover text no installed font has
COV006  warning  a cover text set below its design's smallest size
COV007  warning  a cover text too long to set at all (left off)
COV008  warning  supplied cover (book.images.cover)'s shape outside 1:1.4–1:1.7 (height ÷ width)
COV009  note     supplied CMYK cover converted to sRGB for the EPUB
======  =======  ==========================================================
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..config import ProjectConfig
from ..context import BuildContext
from ..model import Asset, Book, Metadata
from .designs import DEFAULT_DESIGN, DESIGN_NAMES, DESIGNS
from .spec import CoverFindings, CoverSpec

if TYPE_CHECKING:
    from .render import Rendered

# The renderer (.render: WeasyPrint, PDFium, the layout of the designs) is
# imported where a cover is drawn: a build whose cover comes from the
# cache never loads it.

#: Size of the generated EPUB cover: 2:3, 3.84 megapixels (Apple: at most 4).
EPUB_COVER_SIZE = (1600, 2400)
#: Property marking a generated cover asset (never written to the OPF).
GENERATED = "generated-cover"

__all__ = ["CoverFindings", "DESIGN_NAMES", "DEFAULT_DESIGN", "DESIGNS", "EPUB_COVER_SIZE",
           "GENERATED", "cover_texts", "cover_alt_text", "epub_cover_spec", "front_panel",
           "with_cover", "generate_epub_cover", "rgb_colour"]


def cover_texts(meta: Metadata) -> dict[str, str]:
    """The texts a generated cover carries, by role."""
    from ..i18n import label

    texts = {"title": meta.title.strip(), "subtitle": meta.subtitle.strip(),
             "author": (meta.author_line or "").strip(), "series": ""}
    if meta.series is not None and meta.series.name.strip():
        series = meta.series.name.strip()
        if meta.series.position:
            series += f" · {label('volume', meta.language)} {meta.series.position}".rstrip()
        texts["series"] = series
    return {role: text for role, text in texts.items() if text}


def cover_alt_text(meta: Metadata, generated: bool) -> str:
    """The cover image's text alternative.

    A generated cover holds nothing but its text, so its alternative is that
    text; a supplied image is described by the title it belongs to.
    """
    from ..i18n import label

    lead = f"{label('cover_alt', meta.language)} {meta.title}".strip()
    if not generated:
        return lead
    texts = cover_texts(meta)
    parts = [lead + (f": {texts['subtitle']}" if "subtitle" in texts else "")]
    parts += [texts[role] for role in ("author", "series") if role in texts]
    return ". ".join(parts)


def rgb_colour(value: str) -> str:
    """A cover colour for screens: ``device-cmyk(c m y k)`` as ``#rrggbb``."""
    value = value.strip()
    if not value.startswith("device-cmyk("):
        return value
    c, m, y, k = (float(part) for part in value[len("device-cmyk("):-1].split())
    channels = (round(255 * (1 - c) * (1 - k)), round(255 * (1 - m) * (1 - k)),
                round(255 * (1 - y) * (1 - k)))
    return "#" + "".join(f"{channel:02x}" for channel in channels)


def _spec(meta: Metadata, config: ProjectConfig, **geometry) -> CoverSpec:
    cover = config.cover
    return CoverSpec(texts=tuple(cover_texts(meta).items()), lang=meta.language or "und",
                     design=cover.design if cover.design in DESIGNS else DEFAULT_DESIGN,
                     theme=config.style.theme, **geometry)


def epub_cover_spec(book: Book, ctx: BuildContext) -> CoverSpec:
    """The generated EPUB cover's specification (RGB colours, CSS px)."""
    return epub_spec_for(book.metadata, ctx.config)


def epub_spec_for(meta: Metadata, config: ProjectConfig) -> CoverSpec:
    """:func:`epub_cover_spec` from the metadata and settings alone."""
    cover = config.cover
    width, height = EPUB_COVER_SIZE
    return _spec(meta, config, background=rgb_colour(cover.background),
                 foreground=rgb_colour(cover.foreground), width=float(width), height=float(height))


def _findings(rendered: Rendered) -> CoverFindings:
    return CoverFindings(list(rendered.missing), dict(rendered.layout.shrunk),
                         list(rendered.layout.dropped))


def _report(found: CoverFindings, ctx: BuildContext, where: str) -> None:
    """The cover's warnings, each once per build (the EPUB and the kepub share a cover)."""

    def warn(code: str, message: str, hint: str) -> None:
        if not any(item.code == code and item.message == message for item in ctx.diag.items):
            ctx.diag.warn(code, message, hint=hint)

    if found.missing:
        shown = " ".join(f"{char} (U+{ord(char):04X})" for char in found.missing[:12])
        warn("COV005", f"the {where} cannot show {shown}: no installed font has "
             f"{'it' if len(found.missing) == 1 else 'them'}",
             "install a font for the script (e.g. fonts-noto-core, fonts-noto-cjk) or supply "
             "a cover image")
    for role, size in found.shrunk.items():
        warn("COV006", f"the {role} is set at {size:.0f} units on the {where}, below the "
             "design's smallest size: it may be hard to read in store listings",
             "shorten it, or try another [cover] design")
    for role in found.dropped:
        warn("COV007", f"the {role} is too long to set on the {where} and was left off",
             "shorten it, or supply a cover image")


def generate_epub_cover(book: Book, ctx: BuildContext) -> bytes:
    """The generated EPUB cover as JPEG bytes.

    Laying it out takes WeasyPrint (half a second to import) and PDFium, so
    with the build cache on (``ctx.cache``) the JPEG is kept under its
    design inputs (:class:`CoverSpec`, the fonts and make-book itself,
    book/cache/stages.py) with what setting it noticed, and an EPUB-only
    rebuild reads it back instead.
    """
    from ..cache.stages import get_cover, put_cover

    spec = epub_cover_spec(book, ctx)
    cached = get_cover(ctx.cache, spec) if ctx.cache is not None else None
    found = None
    if cached is not None:
        try:
            data, found = cached[0], CoverFindings.from_dict(cached[1])
        except (KeyError, TypeError, ValueError, AttributeError):
            found = None
    if found is None and spec in _PRERENDERED:
        data, notes = _PRERENDERED.pop(spec)
        found = CoverFindings.from_dict(notes)
        if ctx.cache is not None:
            put_cover(ctx.cache, spec, data, notes)
    if found is None:
        from .render import render_cover

        rendered = render_cover(spec)
        data, found = _jpeg(spec, rendered), _findings(rendered)
        if ctx.cache is not None:
            put_cover(ctx.cache, spec, data, found.as_dict())
    _report(found, ctx, "generated cover")
    return data


_JPEGS: dict[CoverSpec, bytes] = {}
#: Covers another process drew while this one ran the passes (build.py).
_PRERENDERED: dict[CoverSpec, tuple[bytes, dict]] = {}


def cover_task(book: Book, ctx: BuildContext) -> Callable[[], tuple] | None:
    """Drawing the generated EPUB cover as a task another process may run
    while this one works (passes/parallel.py): None when no EPUB is
    wanted, the book names a cover image, or the build cache holds it.
    The texts it is drawn from are read now; should the passes change
    them, the spec differs at writing time and the cover is drawn then."""
    if not {"epub", "kepub"} & set(ctx.options.formats) or book.metadata.cover is not None \
            or any("cover-image" in asset.properties for asset in book.assets.values()):
        return None
    spec = epub_cover_spec(book, ctx)
    if ctx.cache is not None:
        from ..cache.stages import get_cover, note_cover_of

        # Drawn now or kept from before, the next build finds it stored: it
        # need not start drawing covers early (early.py).
        note_cover_of(ctx.cache, ctx.source_paths, spec)
        if get_cover(ctx.cache, spec) is not None:
            return None
    return functools.partial(_prerender, spec)


def _prerender(spec: CoverSpec) -> tuple[CoverSpec, bytes, dict]:
    from .render import render_cover

    rendered = render_cover(spec)
    return spec, _jpeg(spec, rendered), _findings(rendered).as_dict()


def adopt_prerendered(drawn: tuple[CoverSpec, bytes, dict]) -> None:
    """Keep a cover :func:`cover_task` drew, for :func:`generate_epub_cover`."""
    spec, data, notes = drawn
    _PRERENDERED.clear()
    _PRERENDERED[spec] = (data, notes)


def _jpeg(spec: CoverSpec, rendered: Rendered) -> bytes:
    if spec not in _JPEGS:
        from .render import rasterize

        if len(_JPEGS) > 16:
            _JPEGS.clear()
        _JPEGS[spec] = rasterize(rendered.pdf, *EPUB_COVER_SIZE)
    return _JPEGS[spec]


def with_cover(book: Book, ctx: BuildContext) -> Book:
    """``book`` itself when it has a cover image, else a shallow copy with a
    generated one (the model is not changed: writers work on copies)."""
    if any("cover-image" in asset.properties for asset in book.assets.values()):
        return book
    data = generate_epub_cover(book, ctx)
    href = "images/cover.jpg"
    number = 1
    while href in book.assets:
        number += 1
        href = f"images/cover-{number}.jpg"
    width, height = EPUB_COVER_SIZE
    asset = Asset(href, "image/jpeg", data, properties={"cover-image", GENERATED},
                  source="generated", width=width, height=height)
    design = ctx.config.cover.design
    if not any(item.code == "COV004" for item in ctx.diag.items):  # once for EPUB and kepub
        ctx.diag.note("COV004", f"no cover image given: generated a {width}×{height} px cover "
                      f"({design} design) from the title and author")
    return dataclasses.replace(book, assets={**book.assets, href: asset})


def front_panel(book: Book, ctx: BuildContext, width_pt: float, height_pt: float,
                bleed_pt: float, background: str, foreground: str):
    """The design as the paperback wrap's front panel: (element, CSS), in points.

    ``background`` and ``foreground`` are the wrap's colours as it writes
    them (CMYK for PDF/X-1a and X-3).
    """
    spec = _spec(book.metadata, ctx.config, background=background, foreground=foreground,
                 width=width_pt, height=height_pt, unit="pt", bleed_right=bleed_pt)
    from .render import panel_fragment, render_cover

    rendered = render_cover(spec, standalone=False)
    _report(_findings(rendered), ctx, "cover wrap's front panel")
    return panel_fragment(rendered.layout, spec, prefix="mbc")
