"""The fallback fonts: which family draws which script, for which language.

The book's faces (Linux Libertine, DejaVu) cover Latin, Greek, Cyrillic
and a little more.  A word in Japanese, Arabic or Devanagari, or a rare
symbol, needs another font; when fontconfig has to guess, the result
depends on what the machine happens to have and the PDF may show boxes.
So every font stack in our stylesheets names its fallbacks explicitly: the
Noto families (SIL Open Font License), which Debian ships in the packages
:data:`PACKAGES` (``.ci/setup-system`` installs them).

Han characters are shared by Chinese, Japanese and Korean, but each writes
some of them differently (Unicode Standard §18.1, "Han unification"); the
Noto CJK fonts come in one version per region, chosen by language
(:data:`CJK_BY_LANGUAGE`, BCP 47 tags as in CSS Selectors 4 ``:lang()``).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Debian packages holding the fallback families (Debian 12 sizes:
#: fonts-noto-core 12.2 MB download / 42 MB installed, fonts-noto-cjk
#: 56.5 MB / 91 MB; fonts-noto-mono and fonts-noto-color-emoji were
#: installed already).
PACKAGES = ("fonts-noto-core", "fonts-noto-cjk", "fonts-noto-mono", "fonts-noto-color-emoji")


@dataclass(frozen=True)
class Script:
    """One writing system and the Noto families that draw it."""

    name: str
    serif: str
    sans: str
    #: Its font also carries CJK punctuation (the ideographic comma and full
    #: stop, U+3001 and U+3002, and the corner brackets), which the script
    #: borrows: it comes after the CJK fonts, or it would draw the full stops
    #: of Chinese and Japanese sentences in its own design.
    after_cjk: bool = False


#: Scripts books meet, in stack order.  Latin, Greek and Cyrillic first (the
#: book faces lack some of their letters: Vietnamese, polytonic Greek...).
SCRIPTS: tuple[Script, ...] = (
    Script("Latin, Greek, Cyrillic", "Noto Serif", "Noto Sans"),
    Script("Armenian", "Noto Serif Armenian", "Noto Sans Armenian"),
    Script("Georgian", "Noto Serif Georgian", "Noto Sans Georgian"),
    Script("Hebrew", "Noto Serif Hebrew", "Noto Sans Hebrew"),
    Script("Arabic", "Noto Naskh Arabic", "Noto Sans Arabic"),
    Script("Syriac", "Noto Sans Syriac", "Noto Sans Syriac"),
    Script("Thaana", "Noto Sans Thaana", "Noto Sans Thaana"),
    Script("Devanagari", "Noto Serif Devanagari", "Noto Sans Devanagari"),
    Script("Bengali", "Noto Serif Bengali", "Noto Sans Bengali"),
    Script("Gurmukhi", "Noto Serif Gurmukhi", "Noto Sans Gurmukhi"),
    Script("Gujarati", "Noto Serif Gujarati", "Noto Sans Gujarati"),
    Script("Tamil", "Noto Serif Tamil", "Noto Sans Tamil"),
    Script("Telugu", "Noto Serif Telugu", "Noto Sans Telugu"),
    Script("Kannada", "Noto Serif Kannada", "Noto Sans Kannada"),
    Script("Malayalam", "Noto Serif Malayalam", "Noto Sans Malayalam"),
    Script("Sinhala", "Noto Serif Sinhala", "Noto Sans Sinhala"),
    Script("Thai", "Noto Serif Thai", "Noto Sans Thai"),
    Script("Lao", "Noto Serif Lao", "Noto Sans Lao"),
    Script("Khmer", "Noto Serif Khmer", "Noto Sans Khmer"),
    Script("Myanmar", "Noto Serif Myanmar", "Noto Sans Myanmar"),
    Script("Ethiopic", "Noto Serif Ethiopic", "Noto Sans Ethiopic"),
    Script("Cherokee", "Noto Sans Cherokee", "Noto Sans Cherokee"),
    Script("Canadian syllabics", "Noto Sans Canadian Aboriginal", "Noto Sans Canadian Aboriginal"),
    Script("Mongolian", "Noto Sans Mongolian", "Noto Sans Mongolian", after_cjk=True),
    Script("Tifinagh", "Noto Sans Tifinagh", "Noto Sans Tifinagh"),
    Script("Runic", "Noto Sans Runic", "Noto Sans Runic"),
    Script("Gothic", "Noto Sans Gothic", "Noto Sans Gothic"),
    Script("Coptic", "Noto Sans Coptic", "Noto Sans Coptic"),
    Script("Glagolitic", "Noto Sans Glagolitic", "Noto Sans Glagolitic"),
)

#: Symbols and mathematics after every script.  The colour emoji font is
#: not named: named in a stack, Pango draws spaces and digits with it
#: (bitmap digits in the folios); fontconfig still finds it for emoji.
SYMBOLS: tuple[str, ...] = ("Noto Sans Math", "Noto Sans Symbols", "Noto Sans Symbols2",
                            "DejaVu Sans")

#: Regions of the Noto CJK fonts, by language tag (longest match wins).
CJK_BY_LANGUAGE: dict[str, str] = {
    "ja": "JP", "ko": "KR",
    "zh": "SC", "zh-hans": "SC", "zh-cn": "SC", "zh-sg": "SC",
    "zh-hant": "TC", "zh-tw": "TC", "zh-mo": "TC", "zh-hk": "HK", "zh-hant-hk": "HK",
    "yue": "HK", "cmn": "SC",
}
#: Region used when the language says nothing (Han text in a Polish book).
DEFAULT_CJK = "SC"
CJK_REGIONS = ("SC", "TC", "HK", "JP", "KR")

GENERIC = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui",
                     "ui-serif", "ui-sans-serif", "ui-monospace", "math", "emoji"})


def cjk_region(lang: str | None) -> str:
    """The Noto CJK region for a language tag ("ja" → "JP", "zh-TW" → "TC")."""
    tag = (lang or "").lower()
    while tag:
        if tag in CJK_BY_LANGUAGE:
            return CJK_BY_LANGUAGE[tag]
        tag = tag.rpartition("-")[0]
    return DEFAULT_CJK


def fallbacks(generic: str, region: str = DEFAULT_CJK) -> list[str]:
    """The fallback families for a stack ending in ``generic``, CJK in the
    given region first (the others follow: a font lacking a rare ideograph
    may find it in another region's)."""
    style = "sans" if generic in ("sans-serif", "system-ui", "ui-sans-serif") else \
        "mono" if generic in ("monospace", "ui-monospace") else "serif"
    cjk_style = "Sans" if style != "serif" else "Serif"
    regions = [region] + [r for r in CJK_REGIONS if r != region]
    cjk = [f"Noto {cjk_style} CJK {r}" for r in regions]
    before = [s for s in SCRIPTS if not s.after_cjk]
    after = [s for s in SCRIPTS if s.after_cjk]
    if style == "mono":
        return ["Noto Sans Mono", *[f"Noto Sans Mono CJK {r}" for r in regions[:1]],
                *[s.sans for s in before], *cjk, *[s.sans for s in after], *SYMBOLS]
    family = (lambda s: s.sans) if style == "sans" else (lambda s: s.serif)
    return [*map(family, before), *cjk, *map(family, after), *SYMBOLS]


def every_family() -> list[str]:
    """Every family the stacks may name (for checks that they are installed)."""
    names: list[str] = []
    for generic in ("serif", "sans-serif", "monospace"):
        for region in CJK_REGIONS:
            names.extend(fallbacks(generic, region))
    return list(dict.fromkeys(names))


def extend(families: list[str], region: str = DEFAULT_CJK) -> list[str]:
    """``families`` (a font-family list, quotes removed) with the fallbacks
    inserted before its generic family; families already named stay where
    the author put them."""
    generic = next((f for f in reversed(families) if f.lower() in GENERIC), None)
    named = [f for f in families if f.lower() not in GENERIC]
    seen = {f.lower() for f in named}
    extra = [f for f in fallbacks((generic or "serif").lower(), region) if f.lower() not in seen]
    return [*named, *extra, *([generic] if generic else [])]
