"""Lengths, trim sizes and margins for the print PDF.

Trim presets follow the sizes the print-on-demand services offer (KDP, Lulu,
IngramSpark); any ``WxH`` with a unit is accepted too.  Everything is kept in
PostScript points (1 in = 72 pt), the unit of PDF boxes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import ConfigError

POINTS_PER_UNIT = {"pt": 1.0, "in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "px": 0.75, "pc": 12.0}

_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?|\.\d+)\s*(pt|in|mm|cm|px|pc)\s*$", re.IGNORECASE)
_SIZE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*(pt|in|mm|cm)?\s*[x×]\s*(\d+(?:\.\d+)?)\s*(pt|in|mm|cm)\s*$",
    re.IGNORECASE,
)

#: Named trims: width and height in points.
TRIM_PRESETS: dict[str, tuple[float, float]] = {
    "a5": (148 * 72 / 25.4, 210 * 72 / 25.4),
    "b-format": (129 * 72 / 25.4, 198 * 72 / 25.4),
    "a-format": (110 * 72 / 25.4, 178 * 72 / 25.4),
    "pocket": (4.25 * 72, 6.875 * 72),
    "5x8": (5 * 72, 8 * 72),
    "novella": (5 * 72, 8 * 72),
    "5.25x8": (5.25 * 72, 8 * 72),
    "5.5x8.5": (5.5 * 72, 8.5 * 72),
    "digest": (5.5 * 72, 8.5 * 72),
    "6x9": (6 * 72, 9 * 72),
    "us-trade": (6 * 72, 9 * 72),
    "royal": (6.14 * 72, 9.21 * 72),
    "7x10": (7 * 72, 10 * 72),
    "a4": (210 * 72 / 25.4, 297 * 72 / 25.4),
    "letter": (8.5 * 72, 11 * 72),
}

#: The trim used when none is given: 5.5 × 8.5 in ("digest"), offered by
#: KDP, Lulu and IngramSpark alike and a comfortable size for novels.
DEFAULT_TRIM = "5.5x8.5"


def parse_length(value: str | int | float, *, what: str = "length") -> float:
    """``"3mm"`` → points.  Bare numbers are refused (the unit matters)."""
    if isinstance(value, (int, float)) and value == 0:
        return 0.0
    match = _LENGTH.match(str(value))
    if not match:
        raise ConfigError(f"{what} {value!r} is not a length such as 3mm, 0.125in or 9pt")
    return float(match.group(1)) * POINTS_PER_UNIT[match.group(2).lower()]


def format_length(points: float) -> str:
    """Points as a CSS length with few digits (``"396pt"``)."""
    return f"{points:.3f}".rstrip("0").rstrip(".") + "pt"


@dataclass(frozen=True)
class Trim:
    """The trimmed page size of the printed book, in points."""

    name: str
    width: float
    height: float

    @property
    def css(self) -> str:
        return f"{format_length(self.width)} {format_length(self.height)}"


def parse_trim(value: str) -> Trim:
    """A preset name (``a5``, ``6x9``...) or ``WxH`` with a unit."""
    key = str(value).strip().lower().replace(" ", "")
    bare = key.removesuffix("in") if re.fullmatch(r"[\d.]+x[\d.]+in", key) else key
    if bare in TRIM_PRESETS:
        width, height = TRIM_PRESETS[bare]
        return Trim(bare, width, height)
    match = _SIZE.match(str(value))
    if match:
        w_unit = (match.group(2) or match.group(4)).lower()
        h_unit = match.group(4).lower()
        width = float(match.group(1)) * POINTS_PER_UNIT[w_unit]
        height = float(match.group(3)) * POINTS_PER_UNIT[h_unit]
        if not (144 <= width <= 1296 and 216 <= height <= 1728):
            raise ConfigError(f"trim {value!r} is outside 2×3 in to 18×24 in")
        return Trim(key, width, height)
    names = ", ".join(sorted(TRIM_PRESETS))
    raise ConfigError(f"unknown trim {value!r}: use one of {names}, or WxH with mm, in or pt")


@dataclass(frozen=True)
class Margins:
    """Page margins in points; inner is the gutter (binding side)."""

    inner: float
    outer: float
    top: float
    bottom: float


def default_margins(trim: Trim) -> Margins:
    """Margins that suit the trim and clear the POD safety zones.

    IngramSpark and Lulu want content at least 0.5 in from the trim, and KDP
    asks for a 0.625 in gutter up to 500 pages; the running head and folio
    sit in the top and bottom margins, so those are deeper.
    """
    return Margins(
        inner=max(0.75 * 72, 0.13 * trim.width),
        outer=max(0.55 * 72, 0.10 * trim.width),
        top=max(0.8 * 72, 0.09 * trim.height),
        bottom=max(0.85 * 72, 0.10 * trim.height),
    )
