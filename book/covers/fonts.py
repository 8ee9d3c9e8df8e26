"""Font stacks for the generated cover: the theme's faces, then every script.

The cover is set in the book's theme faces (``styles/themes/``): the
classic theme is Linux Libertine throughout, the modern theme sets headings
in Linux Biolinum.  Titles are not always Latin: after the theme's face
come faces for Cyrillic and Greek (DejaVu), the CJK face for the book's
language first (Japanese, Simplified or Traditional Chinese and Korean
forms of the same ideograph differ; Noto CJK, Debian's fonts-noto-cjk),
then Arabic, Hebrew, Devanagari and Thai (Noto, fonts-noto-core), so
Pango's fallback finds a real glyph for each character.  A character no
installed face has is reported by the renderer (``COV005``), never drawn
as a box in silence.
"""

from __future__ import annotations

#: (display face, text face) of each theme.
THEME_FACES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "classic": (("Linux Libertine O", "Libertinus Serif", "DejaVu Serif"),
                ("Linux Libertine O", "Libertinus Serif", "DejaVu Serif")),
    "modern": (("Linux Biolinum O", "DejaVu Sans"),
               ("Linux Libertine O", "Libertinus Serif", "DejaVu Serif")),
}

_SERIF_CJK = {"ja": "Noto Serif CJK JP", "ko": "Noto Serif CJK KR", "zh-hans": "Noto Serif CJK SC",
              "zh-hant": "Noto Serif CJK TC", "zh-hk": "Noto Serif CJK HK"}
_SANS_CJK = {key: value.replace("Serif", "Sans") for key, value in _SERIF_CJK.items()}
_SERIF_OTHERS = ("Noto Serif", "Noto Naskh Arabic", "Noto Serif Hebrew", "Noto Serif Devanagari",
                 "Noto Serif Thai", "Noto Serif Armenian", "Noto Serif Georgian")
_SANS_OTHERS = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
                "Noto Sans Thai", "Noto Sans Armenian", "Noto Sans Georgian")
_SANS_FACES = frozenset({"Linux Biolinum O", "DejaVu Sans"})


def cjk_variant(lang: str) -> str:
    """Which CJK forms a language wants: ja, ko, zh-hans, zh-hant or zh-hk."""
    tag = (lang or "").lower().replace("_", "-")
    primary = tag.split("-")[0]
    if primary in ("ja", "ko"):
        return primary
    if primary == "zh":
        if "hk" in tag.split("-")[1:] or "yue" in tag:
            return "zh-hk"
        if any(part in ("hant", "tw", "mo") for part in tag.split("-")[1:]):
            return "zh-hant"
        return "zh-hans"
    if primary == "yue":
        return "zh-hk"
    return "ja"  # a CJK title in a book of another language: Japanese forms are the common choice


def font_stack(theme: str, face: str, lang: str) -> tuple[str, ...]:
    """The font families for ``face`` ("display" or "text") of ``theme``."""
    display, text = THEME_FACES.get(theme, THEME_FACES["classic"])
    first = display if face == "display" else text
    sans = first[0] in _SANS_FACES
    cjk = _SANS_CJK if sans else _SERIF_CJK
    wanted = cjk_variant(lang)
    cjk_order = (cjk[wanted], *(v for k, v in sorted(cjk.items()) if k != wanted))
    others = _SANS_OTHERS if sans else _SERIF_OTHERS
    generic = "sans-serif" if sans else "serif"
    return (*first, *cjk_order, *others, generic)


def css_family(stack: tuple[str, ...]) -> str:
    """A ``font-family`` value for the stack."""
    return ", ".join(name if name in ("serif", "sans-serif") else f'"{name}"' for name in stack)
