"""No-break spaces: one-letter words, abbreviations, initials, numbers, French marks.

Each builder takes a :class:`~.language.Profile` and returns a step, or
None when its rule does not apply to the language (see ``steps.py`` for
the order they run in).  The words and units are data in ``rules.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .language import Profile
from .matching import BREAKABLE, NOBREAK, SPACE_CLASS, SPACES, WORD_START, WS, RegexStep, Step, Steps
from .rules import NBSP, SI_UNITS
from .stream import Edit


def _alternatives(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first."""
    forms = set(words)
    return "|".join(re.escape(w) for w in sorted(forms, key=lambda w: (-len(w), w)))


def _spaces_before(text: str, pos: int) -> int:
    """Where the run of spaces ending at ``pos`` starts."""
    while pos > 0 and text[pos - 1] in SPACES:
        pos -= 1
    return pos


def _glued(m: re.Match[str]) -> bool:
    """Is the match the tail of a longer word ("inp." is not "np.")?"""
    before = m.string[m.start() - 1] if m.start() else " "
    return before.isalnum() or before in "._-’'"


def one_letter(p: Profile) -> Step | None:
    """Polish/Czech one-letter words never end a line: "w\u00a0domu" (PWN 54.8.1)."""
    letters = p.one_letter_words
    if not letters:
        return None
    return RegexStep(
        r"([" + re.escape(letters) + r"])(?<![\w.,\-\u2010’'`´@/&].)" + BREAKABLE + r"+(?="
        + WORD_START + r")", lambda m: m.group(1) + NBSP)


_NEXT_WORD = re.compile(WORD_START + r"|\d")


class _DottedAbbreviations(Step):
    """Abbreviations ending in a full stop, found from the stop backwards.

    A full stop followed by a space is far rarer than the first letter of an
    abbreviation, so the step looks for ". " and checks the word before it
    in a set, instead of trying a long alternation at every letter.
    """

    PATTERN = re.compile(r"\.(?=" + BREAKABLE + ")")

    def __init__(self, words: frozenset[str], numbered: frozenset[str]):
        self.words, self.numbered = words, numbered
        self.longest = max(len(w) for w in words | numbered)

    def edits(self, text: str, start: int, end: int, limit: int) -> list[Edit]:
        found: list[Edit] = []
        longest = self.longest
        for m in self.PATTERN.finditer(text, start, limit):
            pos = m.start()
            if pos >= end:
                break
            first = pos
            while first > 0 and pos - first < longest and (text[first - 1].isalpha()
                                                            or text[first - 1] in ".º"):
                first -= 1
            word = text[first:pos + 1]
            if word not in self.words and word not in self.numbered:
                continue
            if first and (text[first - 1].isalnum() or text[first - 1] in "_-’'"):
                continue
            after = pos + 1
            while after < limit and text[after] in WS:
                after += 1
            if after >= limit:
                continue
            if text[after].isdigit() if word in self.numbered else _NEXT_WORD.match(text, after):
                found.append((pos + 1, after, NBSP))
        return found


def _with_capitals(words: Iterable[str]) -> set[str]:
    forms = set(words)
    return forms | {w[0].upper() + w[1:] for w in forms if w[:1].islower()}


def abbreviations(p: Profile) -> Step | None:
    """Abbreviations stay with what they qualify: "np.\u00a0to", "Dr.\u00a0Watson",
    "s.\u00a05", "z.\u202fB."."""
    rules = p.rules
    parts: list[Step] = []
    words, numbered = _with_capitals(rules.abbreviations), _with_capitals(rules.numbered)
    dotted = frozenset(w for w in words if w.endswith("."))
    dotted_numbered = frozenset(w for w in numbered if w.endswith("."))
    if dotted or dotted_numbered:
        parts.append(_DottedAbbreviations(dotted, dotted_numbered))
    undotted = ((words - dotted, WORD_START + r"|\d"), (numbered - dotted_numbered, r"\d"))
    for forms, following in undotted:
        if forms:
            parts.append(RegexStep(
                r"(" + _alternatives(forms) + r")" + BREAKABLE + r"+(?=" + following + r")",
                lambda m: None if _glued(m) else m.group(1) + NBSP))
    if rules.spaced_abbreviations:
        spaced = {}
        for abbreviation in rules.spaced_abbreviations:
            for form in {abbreviation, abbreviation[0].upper() + abbreviation[1:]}:
                spaced[form] = form.replace(" ", rules.abbreviation_space)
        pattern = "|".join(
            SPACE_CLASS.join(re.escape(word) for word in form.split(" "))
            for form in sorted(spaced, key=len, reverse=True))
        parts.append(RegexStep(
            r"(?:" + pattern + r")(?!\w)",
            lambda m: None if _glued(m) else spaced.get(re.sub(SPACE_CLASS, " ", m.group()))))
    return Steps(parts) if parts else None


def initials(p: Profile) -> Step | None:
    """Initials stay with the name after them: "J.\u00a0R.\u00a0R.\u00a0Tolkien"."""
    if not p.rules.bind_initials:
        return None

    def rewrite(m: re.Match[str]) -> str | None:
        text, start = m.string, m.start()
        if start < 1 or not text[start - 1].isupper() or not m.group(1).isupper():
            return None
        if start >= 2 and (text[start - 2].isalnum() or text[start - 2] in ".-’'_"):
            return None  # the end of a word or abbreviation, not an initial
        return "." + NBSP

    return RegexStep(r"\." + BREAKABLE + r"+(?=([^\W\d_]))", rewrite)


#: Words after a Roman numeral that the numeral must stay with ("XIX w.").
ROMAN_UNITS = ("w.", "wiek", "wieku", "stol.", "st.", "Jh.", "в.", "вв.", "ст.", "ст")


def numbers(p: Profile) -> Step:
    """Numbers stay with their units and symbols, and digit groups stay together."""
    rules = p.rules
    units = _alternatives((*SI_UNITS, *rules.units))
    space = rules.unit_space
    parts: list[Step] = [
        RegexStep(r"(\d)" + BREAKABLE + r"+(?=(?:" + units + r")(?![\w²³]))",
                  lambda m: m.group(1) + space),
        RegexStep(r"([IVXLCDM](?<![\w][IVXLCDM])[IVXLCDM]{0,6})" + BREAKABLE + r"+(?=(?:"
                  + _alternatives(ROMAN_UNITS) + r")(?!\w))", lambda m: m.group(1) + NBSP),
        RegexStep(r"([§¶№])" + BREAKABLE + r"+(?=\d)", lambda m: m.group(1) + NBSP,
                  needles=("§", "¶", "№")),
    ]
    if rules.thousands_space:
        group_space = rules.thousands_space
        parts.append(RegexStep(
            r"\d(?<![\w.,]\d)(?<!\d[ \u00a0\u202f]\d)\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?!\w)",
            lambda m: re.sub(r"[ \u00a0\u202f]", group_space, m.group())))
    return Steps(parts)


def punctuation(p: Profile) -> Step | None:
    """French spacing: a narrow no-break space before ; ! ?, a no-break space
    before : and inside « » (Imprimerie nationale; field notes §6.4).

    An existing no-break space is kept (the author may prefer one kind).
    Times (10:30), URLs (protected upstream) and "?!" pairs are left alone.
    """
    rules = p.rules
    parts: list[Step] = []
    if rules.space_before:
        marks = "".join(rules.space_before)

        def before(m: re.Match[str]) -> Edit | None:
            text, mark = m.string, m.group()
            start = _spaces_before(text, m.start())
            if start == 0:
                return None
            spaces, previous = text[start:m.start()], text[start - 1]
            following = text[m.end()] if m.end() < len(text) else ""
            if previous.isspace() or previous in ";:!?([{«\u2060/“‘":
                return None
            if mark == ":" and (following.isdigit() and previous.isdigit() or following == "/"):
                return None
            if mark in ":;" and following in ")(" and not spaces:
                return None  # an emoticon
            if spaces and all(c in NOBREAK for c in spaces):
                return None
            return (start, m.end(), rules.space_before[mark] + mark)

        parts.append(RegexStep("[" + re.escape(marks) + "]", before))
    if rules.quote_space and p.quotes is not None and p.quotes[0] in ("«»", "»«"):
        opening, closing = p.quotes[0]
        inside = rules.quote_space

        def keep_or(space: str) -> str:
            return space if space and all(c in NOBREAK for c in space) else inside

        def after_opening(m: re.Match[str]) -> str:
            return opening + keep_or(m.group(1))

        def before_closing(m: re.Match[str]) -> Edit | None:
            text = m.string
            start = _spaces_before(text, m.start())
            if start == 0 or text[start - 1].isspace():
                return None
            return (start, m.end(), keep_or(text[start:m.start()]) + closing)

        parts.append(RegexStep(re.escape(opening) + "(" + SPACE_CLASS + r"*)(?=[^\s\u2028\u2029])",
                               after_opening))
        parts.append(RegexStep(re.escape(closing), before_closing))
    return Steps(parts) if parts else None
