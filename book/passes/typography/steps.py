"""The typographic rules as compiled steps, in the order they run.

:func:`compile_steps` turns a :class:`~.language.Profile` (a language's data
plus the book's options) into one :class:`Step` per entry of
:data:`STEP_ORDER`.  A step reads a range of the chapter's stream and
returns edits ``(start, end, replacement)``; the engine narrows each edit to
the characters that change, so a step may return its whole match.

Speed and safety: every pattern starts with the rare character its rule is
about (a hyphen, a full stop, a digit, a mark), so the regex engine skips
through the text in C; the context before that character is checked by a
short look-behind or by stepping back in Python.  No pattern nests
repetitions, and none can backtrack over a long run of spaces, digits,
dots or hyphens more than once, so each step is linear in the text.

The step types are in ``matching.py``; the dash rules in ``dashes.py``
and the no-break spaces in ``spacing.py``.  The ``quotes`` step is not a
regular expression: quotation marks need a stack (``quotes.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from .dashes import asides, dialogue, long_hyphens, ranges
from .language import Profile
from .matching import RegexStep, Step
from .spacing import abbreviations, initials, numbers, one_letter, punctuation
from .stream import BLOCK

#: The steps, in the order they run.  Order matters: long hyphens become
#: dashes before quotes are paired (a dash before a quote opens it); ranges
#: take their hyphens before the dash rules see them; no-break spaces come
#: last, when every mark is in its final form.
STEP_ORDER: tuple[str, ...] = (
    "ascii_quotes",    # ,,  ''  ``  → straight quotes, paired in the next steps
    "long_hyphens",    # --  ---     → dashes
    "quotes",          # "  '        → the language's marks and apostrophes
    "dialogue",        # - at the start of a paragraph → dialogue dash
    "ranges",          # 1805-1812   → 1805–1812
    "asides",          # word - word → word — word
    "ellipsis",        # ...         → …
    "one_letter",      # w domu      → w\u00a0domu
    "abbreviations",   # np. to      → np.\u00a0to
    "initials",        # J. Tolkien  → J.\u00a0Tolkien
    "numbers",         # 5 km, 10 000, § 5
    "punctuation",     # French: mot ! « mot »
)


def ascii_quotes(p: Profile) -> Step | None:
    """Typewriter substitutes for quotation marks: ,,low‘‘ ''high'' ``TeX''."""
    if p.quotes is None:
        return None
    def rewrite(m: re.Match[str]) -> str | None:
        before = m.string[m.start() - 1] if m.start() else BLOCK
        if m.group() == ",,":
            return '"' if not (before.isalnum() or before in ",_") else None
        return None if before in "'`" else '"'

    return RegexStep(r",,(?=[^\s,])|''(?!')|``(?!`)", rewrite, needles=(",,", "''", "``"))


def ellipsis(p: Profile) -> Step:
    """``...`` → …; ``....`` (a full stop and an ellipsis) → .…; ``. . .`` → …."""
    glyph = p.rules.ellipsis

    def rewrite(m: re.Match[str]) -> str:
        return ("." + glyph) if m.group() == "...." else glyph

    return RegexStep(r"\.(?<![.…]\.)(?<!\. \.)(?:\.\.\.?| \. \.)(?![.…]| \.)", rewrite)


_BUILDERS: dict[str, Callable[[Profile], Step | None]] = {
    "ascii_quotes": ascii_quotes,
    "long_hyphens": long_hyphens,
    "dialogue": dialogue,
    "ranges": ranges,
    "asides": asides,
    "ellipsis": ellipsis,
    "one_letter": one_letter,
    "abbreviations": abbreviations,
    "initials": initials,
    "numbers": numbers,
    "punctuation": punctuation,
}


@lru_cache(maxsize=256)
def compile_steps(profile: Profile) -> dict[str, Step | None]:
    """The regex steps of a profile (compiled once per distinct profile)."""
    return {name: build(profile) for name, build in _BUILDERS.items()}
