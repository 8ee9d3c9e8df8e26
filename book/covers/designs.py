"""The cover designs, as data: where each line of text goes and how it looks.

A design places up to four texts from the metadata (title, subtitle, the
authors, the series and number) in *zones*: horizontal strips of the safe
area (the panel minus a margin all round), each with an anchor (top,
middle or bottom) and an alignment.  Texts in one zone are stacked in the
given order.  Sizes are fractions of the panel's width, so one design
serves the 1600 × 2400 px EPUB cover and any paperback front panel; the
fitter (:mod:`.fit`) picks the largest size between ``max_size`` and
``min_size`` at which the text fits its zone in at most ``max_lines``
lines.  Faces come from the book's theme (:mod:`.fonts`): ``display`` is the
theme's heading face, ``text`` its body face.  Colours come from ``[cover]
background`` and ``foreground``; a ``band`` zone swaps them.

Add a design by adding an entry to :data:`DESIGNS`; nothing else changes.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Margin around the safe area, as a fraction of the panel's width.  Stores
#: show covers whole, but the print front panel is trimmed with a tolerance
#: of about 1/8 in (2 % of a 6 in panel); 8 % keeps text well clear of both.
SAFE_MARGIN = 0.08

ROLES = ("title", "subtitle", "author", "series")


@dataclass(frozen=True)
class TextStyle:
    """How one of the four texts is set."""

    face: str = "text"  # "display" (the theme's heading face) or "text"
    bold: bool = False
    italic: bool = False
    small_caps: bool = False
    uppercase: bool = False
    tracking: float = 0.0  # letter spacing, in em
    max_size: float = 0.06  # font size, as a fraction of the panel's width
    min_size: float = 0.03
    line_height: float = 1.15
    max_lines: int = 3


@dataclass(frozen=True)
class Zone:
    """A strip of the safe area holding one or more texts, stacked."""

    roles: tuple[str, ...]
    top: float  # fractions of the safe area's height
    bottom: float
    anchor: str = "middle"  # top | middle | bottom
    align: str = "center"  # center | start
    gap: float = 0.03  # between stacked texts, as a fraction of the panel's width
    #: Swap the colours and fill the strip (edge to edge, into the bleed).
    band: bool = False
    #: A rule above and/or below the stacked texts: (length, thickness, distance)
    #: as fractions of the panel's width; None for no rule.
    rule_above: tuple[float, float, float] | None = None
    rule_below: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Design:
    """One cover design: its zones and the style of each text."""

    name: str
    description: str
    zones: tuple[Zone, ...]
    styles: dict[str, TextStyle]


DESIGNS: dict[str, Design] = {
    "classic": Design(
        name="classic",
        description="centred, the title between two fine rules, the author at the foot",
        zones=(
            Zone(("series",), 0.0, 0.08, anchor="top"),
            Zone(("title", "subtitle"), 0.14, 0.62, anchor="middle", gap=0.035,
                 rule_above=(0.22, 0.0025, 0.05), rule_below=(0.22, 0.0025, 0.05)),
            Zone(("author",), 0.76, 1.0, anchor="bottom"),
        ),
        styles={
            "title": TextStyle(face="display", max_size=0.125, min_size=0.05, line_height=1.12,
                               max_lines=5),
            "subtitle": TextStyle(italic=True, max_size=0.05, min_size=0.03, max_lines=3),
            "author": TextStyle(small_caps=True, tracking=0.06, max_size=0.06, min_size=0.03,
                                max_lines=3),
            "series": TextStyle(small_caps=True, tracking=0.08, max_size=0.035, min_size=0.025,
                                max_lines=2),
        },
    ),
    "modern": Design(
        name="modern",
        description="set left in bold, the author on top, a heavy bar over the title",
        zones=(
            Zone(("author",), 0.0, 0.14, anchor="top", align="start"),
            Zone(("title", "subtitle"), 0.3, 0.9, anchor="bottom", align="start", gap=0.03,
                 rule_above=(0.2, 0.018, 0.06)),
            Zone(("series",), 0.93, 1.0, anchor="bottom", align="start"),
        ),
        styles={
            "title": TextStyle(face="display", bold=True, max_size=0.15, min_size=0.055,
                               line_height=1.05, max_lines=6),
            "subtitle": TextStyle(max_size=0.05, min_size=0.03, max_lines=3),
            "author": TextStyle(face="display", bold=True, uppercase=True, tracking=0.1,
                                max_size=0.045, min_size=0.028, max_lines=3),
            "series": TextStyle(uppercase=True, tracking=0.12, max_size=0.03, min_size=0.022,
                                max_lines=2),
        },
    ),
    "band": Design(
        name="band",
        description="the title on a band of the foreground colour across the middle",
        zones=(
            Zone(("author",), 0.06, 0.26, anchor="middle"),
            Zone(("title", "subtitle"), 0.34, 0.7, anchor="middle", gap=0.03, band=True),
            Zone(("series",), 0.8, 0.94, anchor="middle"),
        ),
        styles={
            "title": TextStyle(face="display", max_size=0.12, min_size=0.05, line_height=1.1,
                               max_lines=4),
            "subtitle": TextStyle(italic=True, max_size=0.048, min_size=0.03, max_lines=2),
            "author": TextStyle(face="display", tracking=0.04, max_size=0.07, min_size=0.032,
                                max_lines=3),
            "series": TextStyle(small_caps=True, tracking=0.08, max_size=0.035, min_size=0.025,
                                max_lines=2),
        },
    ),
}

DESIGN_NAMES: tuple[str, ...] = tuple(DESIGNS)
DEFAULT_DESIGN = "classic"
