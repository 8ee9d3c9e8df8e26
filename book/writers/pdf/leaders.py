"""Dot leaders drawn as one run of text instead of one text box per dot.

WeasyPrint 70 fills a ``leader()`` (CSS Generated Content for Paged Media
Level 3, "Leaders") with one copy of the leader's text box per repetition,
placed right to left at multiples of its width so the dots line up from one
entry to the next (weasyprint/layout/leader.py).  Each copy is then drawn on
its own: a Pango layout set up again, a text object and a tagged ``Span``
marked-content sequence per ". ".  The printed contents of Pride and
Prejudice has 2,883 of them: drawing them was half the time of laying out
its eight pages (0.41 s; 0.22 s with one run per leader), and that chunk is
the last one of a chunked layout, since it waits for every page number.
The tagged PDF also had a structure element per dot.

:func:`install` wraps ``handle_leader`` as the inline layout calls it: once
WeasyPrint has placed the copies, they are replaced by one text box holding
the same repetitions, starting where the leftmost copy starts.  The dots stay
where they were (to a hundredth of a point, the rounding of the PDF's
numbers): the run is kept only when Pango measures it at exactly the
copies' total width (no kerning or spacing between the
repetitions), and only for left-to-right text without letter or word
spacing; otherwise the copies stay as WeasyPrint made them.
"""

from __future__ import annotations

import copy
from typing import Any

#: Largest difference (CSS px) between the run's width and the copies' total.
TOLERANCE = 1e-3

_INSTALLED = False


def install() -> None:
    """Patch WeasyPrint's inline layout once per process (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint.layout import inline, leader

    original = inline.handle_leader

    def handle_leader(context, line, containing_block):
        original(context, line, containing_block)
        _, box = leader.leader_index(line)
        if box is not None:
            merge_copies(box)

    inline.handle_leader = handle_leader
    _INSTALLED = True


def merge_copies(box: Any) -> bool:
    """Replace the leader ``box``'s copies by one text box where that draws
    the same dots; True when it did."""
    from weasyprint.text.line_break import line_size

    copies = box.children
    if len(copies) < 2:
        return False
    first = min(copies, key=lambda child: child.position_x)
    style = first.style
    if (style["direction"] != "ltr" or style["letter_spacing"] != "normal"
            or style["word_spacing"] or first.justification_spacing
            or any(child.pango_layout is not first.pango_layout or child.width != first.width
                   for child in copies)):
        return False
    count = len(copies)
    layout = copy.copy(first.pango_layout)
    layout.text = first.pango_layout.text * count
    layout.reactivate(style)
    try:
        line, rest = layout.get_first_line()
        width, _ = line_size(line, style)
    finally:
        layout.deactivate()
    if rest is not None or abs(width - first.width * count) > TOLERANCE:
        return False
    run = first.copy_with_text(first.text * count)
    run.pango_layout = layout
    run.width = first.width * count
    box.children = (run,)
    return True
