"""Placing the cover texts: zones of a design → positioned blocks and shapes.

Works in any unit (CSS px for the EPUB's 1600 × 2400 cover, points for a
paperback's front panel): every size in a :class:`~.designs.Design` is a
fraction of the panel's width.  Measuring is the caller's (a
:class:`Measurer`); this module only decides lines, sizes and positions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from .designs import SAFE_MARGIN, Design, TextStyle, Zone
from .fit import VERTICAL_PAD, Fitted, Unit, fit_block, units

#: Measures are kept this much narrower than the zone: kerning and shaping
#: across the measured units can make a set line a hair wider than their sum.
MEASURE_SLACK = 0.985
#: The smallest size tried, as a fraction of the panel's width, before a text
#: is left off the cover (with a warning).
FLOOR_SIZE = 0.006
#: Room between a band's edges and its text, as a fraction of the panel's width.
BAND_PAD = 0.07


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height


@dataclass
class Block:
    """One text, broken into lines, at its place on the panel."""

    role: str
    style: TextStyle
    fitted: Fitted
    box: Rect  # the zone's width; height from the first line's top to the last's bottom
    align: str
    inverse: bool  # set in the background colour (on a band)

    @property
    def lines_top(self) -> float:
        return self.box.y + self.fitted.size * VERTICAL_PAD


@dataclass
class Shape:
    """A filled rectangle: a rule, a bar or a band."""

    kind: str  # "rule" or "band"
    rect: Rect
    inverse: bool = False  # filled with the background colour


@dataclass
class CoverLayout:
    width: float
    height: float
    safe: Rect
    rtl: bool = False
    lang: str = ""
    blocks: list[Block] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)
    #: Texts set below their design's smallest size (role → size), and left off.
    shrunk: dict[str, float] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)


class Measurer:
    """Widths of units at :attr:`reference` size, per role."""

    reference: float = 100.0

    def width(self, role: str, text: str) -> float:  # pragma: no cover - interface
        raise NotImplementedError

    def space(self, role: str) -> float:  # pragma: no cover - interface
        raise NotImplementedError


def safe_area(width: float, height: float) -> Rect:
    margin = SAFE_MARGIN * width
    return Rect(margin, margin, width - 2 * margin, height - 2 * margin)


def lay_out(design: Design, texts: dict[str, str], width: float, height: float,
            measurer: Measurer, *, bleed_right: float = 0.0, rtl: bool = False, lang: str = "",
            scale: Callable[[str], float] | None = None) -> CoverLayout:
    """Every zone of ``design`` filled with ``texts`` on a ``width`` × ``height`` panel.

    ``scale(role)`` (default 1) multiplies a role's sizes: the renderer
    lowers it when a set line came out wider than measured.
    """
    safe = safe_area(width, height)
    layout = CoverLayout(width, height, safe, rtl=rtl, lang=lang)
    for zone in design.zones:
        _zone(layout, design, zone, texts, measurer, bleed_right, scale or (lambda role: 1.0))
    return layout


def _zone(layout: CoverLayout, design: Design, zone: Zone, texts: dict[str, str],
          measurer: Measurer, bleed_right: float, scale: Callable[[str], float]) -> None:
    roles = [role for role in zone.roles if texts.get(role, "").strip()]
    if not roles:
        return
    safe, width = layout.safe, layout.width
    top = safe.y + zone.top * safe.height
    bottom = safe.y + zone.bottom * safe.height
    above = (zone.rule_above[1] + zone.rule_above[2]) * width if zone.rule_above else 0.0
    below = (zone.rule_below[1] + zone.rule_below[2]) * width if zone.rule_below else 0.0
    gaps = zone.gap * width * (len(roles) - 1)
    room = bottom - top - above - below - gaps
    measure = safe.width * MEASURE_SLACK
    primary = "title" if "title" in roles else roles[0]
    fitted: dict[str, Fitted] = {}
    for role in [r for r in roles if r != primary] + [primary]:
        if role == primary:
            share = room - sum(f.height + 2 * VERTICAL_PAD * f.size for f in fitted.values())
        else:
            share = room * (0.35 if primary == "title" else 1 / len(roles))
        result = _fit(layout, design.styles[role], role, texts[role], measurer, measure, share,
                      width, scale(role))
        if result is not None:
            fitted[role] = result
    placed = [role for role in roles if role in fitted]
    if not placed:
        return
    heights = {role: fitted[role].height + 2 * VERTICAL_PAD * fitted[role].size for role in placed}
    stack = sum(heights.values()) + zone.gap * width * (len(placed) - 1)
    whole = above + stack + below
    if zone.anchor == "top":
        y = top
    elif zone.anchor == "bottom":
        y = bottom - whole
    else:
        y = top + (bottom - top - whole) / 2
    if zone.band:  # edge to edge (into the bleed), hugging the text
        pad = BAND_PAD * width
        layout.shapes.append(Shape("band", Rect(0.0, y - pad, width + bleed_right,
                                                whole + 2 * pad)))
    longest = max(max(fitted[role].widths) for role in placed)
    if zone.rule_above:
        layout.shapes.append(_rule(layout, zone, zone.rule_above, y, longest))
    y += above
    for role in placed:
        layout.blocks.append(Block(role, design.styles[role], fitted[role],
                                   Rect(safe.x, y, safe.width, heights[role]), zone.align,
                                   inverse=zone.band))
        y += heights[role] + zone.gap * width
    y -= zone.gap * width
    if zone.rule_below:
        layout.shapes.append(_rule(layout, zone, zone.rule_below, y + zone.rule_below[2] * width,
                                   longest))


def _rule(layout: CoverLayout, zone: Zone, rule: tuple[float, float, float], y: float,
          longest: float) -> Shape:
    """A rule ``rule[0]`` of the panel long (never longer than the longest
    line), its top at ``y``."""
    width = layout.width
    length = min(rule[0] * width, max(longest, 0.08 * width))
    thick = rule[1] * width
    safe = layout.safe
    if zone.align == "start":
        x = safe.right - length if layout.rtl else safe.x
    else:
        x = safe.x + (safe.width - length) / 2
    return Shape("rule", Rect(x, y, length, thick), inverse=zone.band)


def _fit(layout: CoverLayout, style: TextStyle, role: str, text: str, measurer: Measurer,
         measure: float, max_height: float, width: float, factor: float) -> Fitted | None:
    pieces: list[Unit] = units(text, layout.lang)
    args = (pieces, lambda unit: measurer.width(role, unit), measurer.space(role),
            measurer.reference, measure)
    sizes = (style.max_size * width * factor, style.min_size * width * factor)
    fitted = None
    if role != "title" and style.max_lines > 1:  # names and subtitles: one line while it can
        fitted = fit_block(*args, sizes, style.line_height, 1, max_height)
    if fitted is None:
        fitted = fit_block(*args, sizes, style.line_height, style.max_lines, max_height)
    if fitted is not None:
        return fitted
    fitted = fit_block(*args, (sizes[1] * 0.98, FLOOR_SIZE * width), style.line_height, 10_000,
                       max_height)
    if fitted is None:
        layout.dropped.append(role)
    else:
        layout.shrunk[role] = fitted.size
    return fitted
