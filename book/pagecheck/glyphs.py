"""Characters no font could draw, read from Pango's glyph strings.

When no font of a text's stack (nor any fallback fontconfig offers) has a
glyph for a character, Pango shapes it as ``PANGO_GLYPH_UNKNOWN_FLAG | U``
and the PDF shows the font's ``.notdef`` box ("tofu").  WeasyPrint logs that
while drawing, without saying where; here the laid-out text boxes are
shaped again and the unknown glyphs are tied to their page and line.

Shaping every line again would cost as much as the layout's own text
shaping, so answers are remembered per font request (family stack, style,
weight, stretch, language) and character: a text box is shaped only when it
holds a character not yet seen with its font request, which after the first
pages of a book is rare.
"""

from __future__ import annotations

import unicodedata
from typing import Any

#: Categories whose characters draw nothing by design (format controls,
#: spaces, combining marks Pango may fold into their base): an empty glyph
#: for them is no loss.
_INVISIBLE = frozenset({"Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
#: Characters a line may hold that are never drawn: spaces and the breaks
#: the layout turned into line ends (Python's ``isspace`` would also take
#: the C1 control NEL, which does print as a box).
_BLANK = frozenset(" \t\n\r\u00a0\u2028\u2029")


def _blank(ch: str) -> bool:
    return ch in _BLANK or unicodedata.category(ch) == "Zs"


def font_request(style: Any) -> tuple:
    """The part of a computed style that decides which font draws a character."""
    return (tuple(style["font_family"]), style["font_style"], style["font_weight"],
            style["font_stretch"], style["lang"] or "")


class GlyphProbe:
    """Finds characters drawn as ``.notdef`` in laid-out text boxes.

    One probe serves one layout (or one chunk of it): it remembers what it
    has shaped.  Not thread-safe; a worker process has its own.
    """

    def __init__(self) -> None:
        #: Font request → characters a font drew (or that draw nothing by
        #: design), and characters no font drew.
        self._drawn: dict[tuple, set[str]] = {}
        self._lost: dict[tuple, set[str]] = {}

    def missing(self, textbox: Any) -> str:
        """Characters of ``textbox`` that no font drew, in text order, once each."""
        text = textbox.text
        request = font_request(textbox.style)
        drawn = self._drawn.setdefault(request, set())
        lost = self._lost.setdefault(request, set())
        chars = set(text)
        if chars - drawn - lost:  # a character not yet seen with this font request
            shaped = _shape(textbox)
            if shaped is None:  # nothing to shape (whitespace only)
                return ""
            for ch in chars - drawn - lost:
                if _blank(ch) or shaped.get(ch, True):
                    drawn.add(ch)
                else:
                    lost.add(ch)
        found = chars & lost
        return "".join(dict.fromkeys(ch for ch in text if ch in found)) if found else ""


def _shape(textbox: Any) -> dict[str, bool] | None:
    """Shape ``textbox`` again; map each character to whether a font drew it."""
    from weasyprint.text.ffi import ffi, pango

    if not textbox.text.strip() or not textbox.style["font_size"]:
        return None
    layout = textbox.pango_layout
    layout.reactivate(textbox.style)
    try:
        line, _ = layout.get_first_line()
        utf8 = layout.text.encode()
        result: dict[str, bool] = {}
        run = line.runs
        while run != ffi.NULL:
            item = run.data
            run = run.next
            glyphs = item.glyphs
            offset = item.item.offset
            starts = [glyphs.log_clusters[i] for i in range(glyphs.num_glyphs)]
            bounds = sorted(set(starts)) + [item.item.length]
            following = dict(zip(bounds, bounds[1:]))
            for i, start in enumerate(starts):
                glyph = glyphs.glyphs[i].glyph
                stop = following[start]
                cluster = utf8[offset + start:offset + stop].decode("utf-8", "replace")
                if not cluster:
                    continue
                if glyph & pango.PANGO_GLYPH_UNKNOWN_FLAG:
                    ok = False
                elif glyph == pango.PANGO_GLYPH_EMPTY:
                    ok = all(unicodedata.category(ch) in _INVISIBLE or _blank(ch) for ch in cluster)
                else:
                    ok = True
                for ch in cluster:
                    # A character is missing if any glyph of its cluster is.
                    result[ch] = result.get(ch, True) and (
                        ok or _blank(ch) or unicodedata.category(ch) in _INVISIBLE)
        return result
    finally:
        layout.deactivate()
