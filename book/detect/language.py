"""Language detection with lingua (accurate on short and mixed texts).

Used for the book's language when none is given, and by the language pass
for passages written in another language.  Detectors are built once per
process; building one with every language is cheap because lingua loads
its models lazily.
"""

from __future__ import annotations

from functools import lru_cache

#: Languages considered for a whole book: those lingua knows that publish
#: with Latin, Cyrillic or Greek script in Europe and the Americas.
_BOOK_LANGUAGES = (
    "ENGLISH POLISH GERMAN FRENCH SPANISH ITALIAN PORTUGUESE DUTCH CZECH SLOVAK RUSSIAN "
    "UKRAINIAN BELARUSIAN BULGARIAN SERBIAN CROATIAN BOSNIAN SLOVENE HUNGARIAN ROMANIAN "
    "SWEDISH DANISH BOKMAL NYNORSK FINNISH ESTONIAN LATVIAN LITHUANIAN GREEK LATIN CATALAN "
    "BASQUE IRISH WELSH ICELANDIC TURKISH ALBANIAN MACEDONIAN ESPERANTO"
).split()


@lru_cache(maxsize=4)
def _detector(names: tuple[str, ...]):
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in names if hasattr(Language, name)]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect_language(text: str, *, minimum_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when unsure."""
    text = text.strip()
    if len(text) < 20:
        return None
    detector = _detector(tuple(_BOOK_LANGUAGES))
    confidences = detector.compute_language_confidence_values(text[:20_000])
    if not confidences:
        return None
    best = confidences[0]
    if best.value < minimum_confidence:
        return None
    return best.language.iso_code_639_1.name.lower()


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code ("pl" → "Polish")."""
    from lingua import IsoCode639_1, Language

    try:
        iso = getattr(IsoCode639_1, code.split("-")[0].upper())
        return Language.from_iso_code_639_1(iso).name.title()
    except (AttributeError, ValueError):
        return code
