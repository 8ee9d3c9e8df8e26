"""Font stacks for the generated cover: the theme's faces, then every script.

The cover is set in the book's theme faces (``styles/themes/``): the
classic theme is Linux Libertine throughout, the modern theme sets headings
in Linux Biolinum.  Titles are not always Latin: after the theme's face
come the fallbacks every stack of the book has (:mod:`book.fonts`): the
other scripts, and the CJK face for the book's language first (Japanese,
Simplified or Traditional Chinese and Korean forms of the same ideograph
differ), so Pango's fallback finds a real glyph for each character.  A character no
installed face has is reported by the renderer (``COV005``), never drawn
as a box in silence.
"""

from __future__ import annotations

from ..fonts.stacks import cjk_region, extend

#: (display face, text face) of each theme.
THEME_FACES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "classic": (("Linux Libertine O", "Libertinus Serif", "DejaVu Serif"),
                ("Linux Libertine O", "Libertinus Serif", "DejaVu Serif")),
    "modern": (("Linux Biolinum O", "DejaVu Sans"),
               ("Linux Libertine O", "Libertinus Serif", "DejaVu Serif")),
}

_SANS_FACES = frozenset({"Linux Biolinum O", "DejaVu Sans"})


def font_stack(theme: str, face: str, lang: str) -> tuple[str, ...]:
    """The font families for ``face`` ("display" or "text") of ``theme``:
    the theme's faces, then the fallbacks of :mod:`book.fonts` (the CJK forms
    of the book's language first)."""
    display, text = THEME_FACES.get(theme, THEME_FACES["classic"])
    first = display if face == "display" else text
    generic = "sans-serif" if first[0] in _SANS_FACES else "serif"
    return tuple(extend([*first, generic], cjk_region(lang)))


def css_family(stack: tuple[str, ...]) -> str:
    """A ``font-family`` value for the stack."""
    return ", ".join(name if name in ("serif", "sans-serif") else f'"{name}"' for name in stack)
