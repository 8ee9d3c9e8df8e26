"""Which rules apply to a piece of text: its language and the book's options.

A BCP 47 tag (``pl``, ``en-GB``, ``de-CH``, ``pt-BR``, ``sr-Latn``...) is
looked up in :data:`~.rules.RULES`, then in :data:`~.rules.ALIASES`, then by its
primary subtag, then in :data:`~.rules.FAMILIES` (a close relative's rules with
the language's own quotation marks), and finally falls back to
:data:`~.rules.NEUTRAL`.  :func:`resolve` reports when it had to guess, so
the pass can say so once.

A :class:`Profile` is the rules with ``[typography]`` options applied
(issue 5, "book.toml can turn the pass off or pick a style variant").
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from .rules import ALIASES, EM, EN, FAMILIES, NEUTRAL, RULES, LanguageRules


@lru_cache(maxsize=256)
def resolve(tag: str) -> tuple[LanguageRules, str | None]:
    """The rules for a language tag, and a note when they are a substitute."""
    clean = tag.strip().replace("_", "-")
    lower = clean.lower()
    if not lower or lower in ("und", "zxx", "mul", "mis"):
        return NEUTRAL, "no language given: neutral typography (curly quotes, dashes, ellipses)"
    for candidate in (clean, lower):
        if candidate in RULES:
            return RULES[candidate], None
    if lower in ALIASES:
        return RULES[ALIASES[lower]], None
    primary = lower.split("-", 1)[0]
    if primary in RULES:
        return RULES[primary], None
    if primary in ALIASES:
        return RULES[ALIASES[primary]], None
    if primary in FAMILIES:
        base, quotes, nested = FAMILIES[primary]
        borrowed = replace(RULES[base], tag=primary, name=f"{RULES[base].name} family",
                           primary=quotes, nested=nested, variants={}, one_letter_words="",
                           abbreviations=(), numbered=(), spaced_abbreviations=(), units=(),
                           elisions=())
        return borrowed, (f"no typography rules for language {tag!r}: using the dashes and "
                          f"spacing of {RULES[base].name} with {quotes[0]}…{quotes[1]} quotes")
    return NEUTRAL, (f"no typography rules for language {tag!r}: using neutral rules "
                     f"(curly quotes, dashes, ellipses)")


@dataclass(frozen=True, eq=False)
class Profile:
    """The rules for one kind of text, with the book's options applied."""

    rules: LanguageRules
    #: (primary, nested) quotation marks; None keeps straight quotes.
    quotes: tuple[str, str] | None
    aside_dash: str
    dialogue_dash: str
    #: The book chose a dash: existing dialogue and aside dashes take it too.
    restyle_dashes: bool
    #: One-letter words to bind here ("" when the option is off for this text).
    one_letter_words: str


@lru_cache(maxsize=512)
def profile(rules: LanguageRules, *, quotes: str, dialogue_dash: str, single_letter_words: str,
            in_heading: bool) -> tuple[Profile, bool]:
    """Apply the options; the flag is False when ``quotes`` means nothing here."""
    known = True
    if quotes == "straight":
        marks = None
    else:
        marks = rules.quotes(quotes)
        if marks is None:
            known = False
            marks = (rules.primary, rules.nested)
    aside, dialogue = rules.aside_dash, rules.dialogue_dash
    if dialogue_dash in ("em", "en"):
        aside = dialogue = EM if dialogue_dash == "em" else EN
    letters = rules.one_letter_words
    if single_letter_words == "off" or (single_letter_words == "titles" and not in_heading):
        letters = ""
    return Profile(rules, marks, aside, dialogue, dialogue_dash in ("em", "en"), letters), known
