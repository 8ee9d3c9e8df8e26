"""Spreads and the contact sheet: the pages as a reader holding the book sees them.

A book opens on its first page alone on the right (a recto); after it
every even page is a verso on the left facing the next odd page.  A
spread picture is two page widths wide whatever falls in it, so spreads
line up when leafed through; the contact sheet shows the whole book as
rows of spreads in small.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

#: Background where no page is (beside the first and last pages).
TABLE = (200, 200, 200)
#: Gap between pages on the contact sheet, and around it.
GAP = 6
#: Spreads per row of the contact sheet.
SPREADS_PER_ROW = 4


def spread_pairs(count: int) -> list[tuple[int | None, int | None]]:
    """0-based page indexes as (left, right) spreads: page 1 alone on the right."""
    if count <= 0:
        return []
    pairs: list[tuple[int | None, int | None]] = [(None, 0)]
    for left in range(1, count, 2):
        pairs.append((left, left + 1 if left + 1 < count else None))
    return pairs


def spread(left: Image.Image | None, right: Image.Image | None, size: tuple[int, int]
           ) -> Image.Image:
    """The two pages side by side on a picture two pages of ``size`` wide."""
    width, height = size
    out = Image.new("RGB", (2 * width, height), TABLE)
    if left is not None:
        out.paste(left, (width - left.width, 0))
    if right is not None:
        out.paste(right, (width, 0))
    return out


def contact_sheet(thumbs: list[Image.Image], *, per_row: int = SPREADS_PER_ROW,
                  frames: dict[int, tuple[int, int, int]] | None = None) -> Image.Image:
    """Every page in small, as rows of ``per_row`` spreads; the pages
    (0-based) in ``frames`` framed in their colour (pages with findings)."""
    if not thumbs:
        return Image.new("RGB", (1, 1), TABLE)
    width = max(t.width for t in thumbs)
    height = max(t.height for t in thumbs)
    pairs = spread_pairs(len(thumbs))
    rows = (len(pairs) + per_row - 1) // per_row
    sheet = Image.new("RGB", (GAP + per_row * (2 * width + GAP), GAP + rows * (height + GAP)),
                      TABLE)
    for n, (left, right) in enumerate(pairs):
        row, column = divmod(n, per_row)
        x = GAP + column * (2 * width + GAP)
        y = GAP + row * (height + GAP)
        for index, at in ((left, x + width - (thumbs[left].width if left is not None else 0)),
                          (right, x + width)):
            if index is None:
                continue
            sheet.paste(thumbs[index], (at, y))
            colour = (frames or {}).get(index)
            if colour:
                ImageDraw.Draw(sheet).rectangle(
                    [at, y, at + thumbs[index].width - 1, y + thumbs[index].height - 1],
                    outline=colour, width=3)
    return sheet


def thumbnail(image: Image.Image, height: int) -> Image.Image:
    """``image`` scaled to ``height`` pixels high."""
    width = max(1, round(image.width * height / image.height))
    return image.resize((width, height), Image.Resampling.LANCZOS)
