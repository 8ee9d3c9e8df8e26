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

The ``quotes`` step is not a regular expression: quotation marks need a
stack (``quotes.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from .language import Profile
from .rules import NBSP, NNBSP, SI_UNITS
from .stream import BLOCK, LINE, Edit

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

WS = " \t\n\r"                                   # breakable white space in source text
SPACES = frozenset(WS + "\u00a0\u202f\u2009\u200a\u2007")  # any horizontal space
NOBREAK = NBSP + NNBSP + "\u2007"                 # no-break spaces
SPACE_CLASS = "[ \\t\\n\\r\\u00a0\\u202f\\u2009\\u200a\\u2007]"
BREAKABLE = "[ \\t\\n\\r]"
WORD_START = "[\\w„“”\"«»‚‘’'(\\[¿¡\ufffc]"    # what may follow a bound word


class Step:
    """One rule: edits for the range [start, end) of a text."""

    def edits(self, text: str, start: int, end: int, limit: int) -> list[Edit]:
        raise NotImplementedError


class RegexStep(Step):
    """Matches of a pattern, each rewritten by a function.

    The function returns the match's replacement, an edit of its own (to
    reach beyond the match, e.g. over spaces around it), or None to keep it.
    """

    def __init__(self, pattern: str | re.Pattern[str],
                 rewrite: Callable[[re.Match[str]], str | Edit | None]):
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self.rewrite = rewrite

    def edits(self, text: str, start: int, end: int, limit: int) -> list[Edit]:
        found: list[Edit] = []
        for match in self.pattern.finditer(text, start, limit):
            if match.start() >= end:
                break
            new = self.rewrite(match)
            if isinstance(new, str):
                found.append((match.start(), match.end(), new))
            elif new is not None:
                found.append(new)
        return found


class Steps(Step):
    """Several steps whose edits are merged in text order."""

    def __init__(self, parts: Iterable[Step]):
        self.parts = list(parts)

    def edits(self, text: str, start: int, end: int, limit: int) -> list[Edit]:
        merged: list[Edit] = []
        for part in self.parts:
            merged.extend(part.edits(text, start, end, limit))
        merged.sort(key=lambda edit: edit[0])
        return merged


def _const(value: str) -> Callable[[re.Match[str]], str]:
    return lambda match: value


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


# --------------------------------------------------------------------------------------
# The steps.  Each builder takes a profile and returns a Step, or None when the
# rule does not apply to that language or option.


def _ascii_quotes(p: Profile) -> Step | None:
    """Typewriter substitutes for quotation marks: ,,low‘‘ ''high'' ``TeX''."""
    if p.quotes is None:
        return None
    def rewrite(m: re.Match[str]) -> str | None:
        before = m.string[m.start() - 1] if m.start() else BLOCK
        if m.group() == ",,":
            return '"' if not (before.isalnum() or before in ",_") else None
        return None if before in "'`" else '"'

    return RegexStep(r",,(?=[^\s,])|''(?!')|``(?!`)", rewrite)


def _long_hyphens(p: Profile) -> Step:
    """``---`` is an em dash; ``--`` is the language's dash (an en dash between digits).

    Spacing follows the language: "word--word" becomes "word\u00a0— word" where
    dashes are spaced, "word -- word" becomes "word—word" in US English.  A
    ``--`` glued to the following word after a space (``--help``) is a
    command-line option and stays; at the start of a paragraph it is
    dialogue, left to the next step.
    """
    rules = p.rules

    def rewrite(m: re.Match[str]) -> str | Edit | None:
        text, start, end = m.string, m.start(), m.end()
        if end - start > 3 or (start and text[start - 1] == "-"):
            return None  # a rule of hyphens, not a dash
        j = start - 1
        while j >= 0 and text[j] in WS:
            j -= 1
        if j < 0 or text[j] in (BLOCK, LINE):
            return None
        k = end
        while k < len(text) and text[k] in WS:
            k += 1
        before, after = text[j], (text[k] if k < len(text) else BLOCK)
        spaced_before, spaced_after = j < start - 1, k > end
        if spaced_before and not spaced_after and after.isalnum():
            return None
        if len(m.group()) == 2 and before.isdigit() and after.isdigit():
            return rules.range_dash if not (spaced_before or spaced_after) else None
        dash = "\u2014" if len(m.group()) == 3 and not p.restyle_dashes else p.aside_dash
        if not rules.aside_spaced:
            if spaced_before and spaced_after and after not in (BLOCK, LINE):
                return (j + 1, k, dash)
            return dash
        if not (spaced_before or spaced_after) and before.isalnum() and after.isalnum():
            return NBSP + dash + " "
        return dash

    return RegexStep(r"--+", rewrite)


def _dialogue(p: Profile) -> Step:
    """A hyphen or dash opening a paragraph (or a verse line) opens dialogue."""
    rules = p.rules
    attached = rules.dialogue_space == ""

    def rewrite(m: re.Match[str]) -> str | None:
        lead, dash, space = m.group(1), m.group(2), m.group(3)
        lead = m.group(0)[0] + lead
        after = m.string[m.end()] if m.end() < len(m.string) else ""
        if dash == "-" and not space and not (attached and (after.isalpha() or after in "¿¡")):
            return None  # "-5 °C", "-ism": not dialogue
        typed = dash[0] == "-"
        if not typed and not space and not attached:
            return None  # an existing dash glued to the word: the author's choice
        glyph = p.dialogue_dash if typed or p.restyle_dashes else dash
        if space and any(c in NOBREAK for c in space) and not attached:
            return lead + glyph + space  # already bound
        return lead + glyph + rules.dialogue_space

    return RegexStep(
        r"[\u2029\u2028](" + BREAKABLE + r"*)(-{1,3}(?!-)|[\u2013\u2014])(" + SPACE_CLASS
        + r"*)(?=[^\s\u2028\u2029])", rewrite)


def _is_range(first: str, second: str) -> bool:
    """Do two numbers joined by a hyphen read as a range (1805-1812, 1914-18)?

    Not ranges: descending pairs (scores, 3-1), pairs with leading zeros
    (05-12: a date or a code), a short number before a long one (555-1234:
    a phone number), and abbreviated years that do not go up (2024-05: a date).
    """
    if first[0] == "0" and len(first) > 1:
        return False
    if len(second) < len(first):
        return int(second) > int(first[-len(second):])
    if second[0] == "0":
        return False
    if len(second) > len(first):
        return len(second) <= 3 and int(first) < int(second)
    return int(first) < int(second)


_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _roman(value: str) -> int | None:
    if not _ROMAN.fullmatch(value):
        return None
    total = 0
    for index, char in enumerate(value):
        number = _ROMAN_VALUES[char]
        following = _ROMAN_VALUES[value[index + 1]] if index + 1 < len(value) else 0
        total += -number if number < following else number
    return total


_LEFT_NUMBER = re.compile(r"(?<![\w.,/\-\u2013:+#])(\d{1,4})([ \t\u00a0]*)\Z")
_RIGHT_NUMBER = re.compile(r"([ \t\n\r]*)(\d{1,4})(?![\w/\-\u2013]|[.,:]\d)")
_LEFT_TIME = re.compile(r"(?<![\w.,/\-\u2013:])\d{1,2}[:.]\d\d\Z")
_RIGHT_TIME = re.compile(r"\d{1,2}[:.]\d\d(?![\w/\-\u2013:]|[.,]\d)")
_LEFT_ROMAN = re.compile(r"(?<![\w\-\u2013])([IVXLCDM]{1,8})\Z")
_RIGHT_ROMAN = re.compile(r"([IVXLCDM]{1,8})(?![\w\-\u2013])")


def _ranges(p: Profile) -> Step:
    """Number ranges take a closed-up en dash: 1805–1812, 22–27, 9:00–17:00, XIX–XX.

    Dates (2024-05-01), ISBNs and phone numbers (555-1234, 978-83-…) stay:
    a range is exactly two numbers, not touching other digits, hyphens,
    slashes or letters, that pass :func:`_is_range`.  The pattern looks for
    the hyphen (rare) and then reads the numbers around it.
    """
    dash = p.rules.range_dash

    def rewrite(m: re.Match[str]) -> Edit | None:
        text, pos = m.string, m.start()
        window = max(0, pos - 12)
        left = _LEFT_NUMBER.search(text, window, pos)
        right = _RIGHT_NUMBER.match(text, pos + 1)
        if left and right:
            if bool(left.group(2)) != bool(right.group(1)) or not _is_range(left.group(1),
                                                                          right.group(2)):
                return None
            return (left.end(1), right.start(2), dash)
        if _LEFT_TIME.search(text, window, pos) and _RIGHT_TIME.match(text, pos + 1):
            return (pos, pos + 1, dash)
        left, right = _LEFT_ROMAN.search(text, window, pos), _RIGHT_ROMAN.match(text, pos + 1)
        if left and right:
            first, second = _roman(left.group(1)), _roman(right.group(1))
            if first and second and first < second:
                return (pos, pos + 1, dash)
        return None

    return RegexStep(r"-(?=[ \t\n\r]*\d|[IVXLCDM])", rewrite)


class _Asides(Step):
    """A spaced hyphen between words is a dash: the language's glyph and spacing.

    Spaced languages bind the dash to the word before it with a no-break
    space, so a line never starts with a dash; US English closes it up.
    Existing spaced dashes keep their glyph (unless the book chose a dash)
    and get the no-break space.  In a paragraph that opens with a dialogue
    dash, a typed hyphen takes that same dash (the narrator's words inside
    a turn of dialogue).  Hyphens between two numbers are left alone
    (5 - 3 may be a subtraction).
    """

    PATTERN = re.compile(r"([\-\u2013\u2014\u2015])(" + SPACE_CLASS + r"+)(?=[^\s\u2028\u2029])")
    OPENING = re.compile(r"[ \t\n\r]*([\u2013\u2014])")

    def __init__(self, profile: Profile):
        self.profile = profile

    def edits(self, text: str, start: int, end: int, limit: int) -> list[Edit]:
        p, rules = self.profile, self.profile.rules
        found: list[Edit] = []
        paragraph_end, paragraph_dash = -1, None
        for m in self.PATTERN.finditer(text, start, limit):
            if m.start() >= end:
                break
            dash, after = m.group(1), m.group(2)
            left = m.start()
            while left > 0 and text[left - 1] in SPACES:
                left -= 1
            if left == m.start() or left == 0 or text[left - 1].isspace():
                continue  # not spaced on the left, or at the start of a line
            if text[left - 1] in "-\u2013\u2014" or text[m.end()] in "-\u2013\u2014":
                continue  # a run of dashes ("- -"): not ours to read
            before = text[left:m.start()]
            if dash == "-":
                if text[left - 1].isdigit() and text[m.end()].isdigit():
                    continue
                if m.start() > paragraph_end:  # entering another paragraph
                    paragraph_start = text.rfind(BLOCK, 0, m.start()) + 1
                    paragraph_end = text.find(BLOCK, m.start())
                    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
                    opening = self.OPENING.match(text, paragraph_start)
                    paragraph_dash = opening.group(1) if opening else None
                glyph = paragraph_dash or p.aside_dash
                if not rules.aside_spaced:
                    found.append((left, m.end(), glyph))
                    continue
            else:
                glyph = p.aside_dash if p.restyle_dashes else dash
            lead = before if any(c in NOBREAK for c in before) else NBSP
            trail = " " if all(c in WS for c in after) else after
            found.append((left, m.end(), lead + glyph + trail))
        return found


def _asides(p: Profile) -> Step:
    return _PairedAsides(p.aside_dash) if p.rules.paired_asides else _Asides(p)


class _PairedAsides(Step):
    """Spanish incises: "texto —inciso— texto", "—Hola —dijo él—. ¿Y tú?" (RAE).

    In each paragraph, dashes alternate: the first opens an incise (attached
    to the word after it), the next closes it (attached to the word before).
    A sentence end closes any incise left open, so one stray dash cannot
    turn the rest of the paragraph around.
    """

    TOKEN = re.compile(r"\u2029|[.!?…](?=[ \t\n\r])|[\-\u2014]")
    LETTER_AFTER = re.compile(r"[^\W\d_]|[¿¡«“\"]")

    def __init__(self, dash: str):
        self.dash = dash

    def edits(self, text: str, start: int, end: int, limit: int) -> list[Edit]:
        found: list[Edit] = []
        is_open = False
        size = len(text)
        for m in self.TOKEN.finditer(text, start, limit):
            pos = m.start()
            if pos >= end:
                break
            char = m.group()
            if char == BLOCK:
                is_open = False
                continue
            if char in ".!?…":
                nxt = pos + 1
                while nxt < size and text[nxt] in WS:
                    nxt += 1
                if nxt < size and self.LETTER_AFTER.match(text, nxt):
                    is_open = False  # a new sentence begins
                continue
            left = pos
            while left > 0 and text[left - 1] in WS:
                left -= 1
            right = pos + 1
            while right < size and text[right] in WS:
                right += 1
            before = text[left - 1] if left > 0 else BLOCK
            after = text[right] if right < size else BLOCK
            if before.isspace() or after.isspace():
                continue  # at a line or paragraph edge: dialogue, not an incise
            spaced_left, spaced_right = left < pos, right > pos + 1
            word_before = before.isalpha() or before in ".!?…»”\""
            if spaced_left and spaced_right:
                if is_open:
                    found.append((left, right, self.dash + " "))
                else:
                    found.append((pos, right, self.dash))
                is_open = not is_open
            elif spaced_left and not is_open and self.LETTER_AFTER.match(after):
                found.append((pos, pos + 1, self.dash))            # texto -inciso
                is_open = True
            elif is_open and word_before and (after in ".,;:!?…»”\"" or spaced_right):
                found.append((left, pos + 1, self.dash))           # inciso- texto, él -.
                is_open = False
        return found


def _ellipsis(p: Profile) -> Step:
    """``...`` → …; ``....`` (a full stop and an ellipsis) → .…; ``. . .`` → …."""
    glyph = p.rules.ellipsis

    def rewrite(m: re.Match[str]) -> str:
        return ("." + glyph) if m.group() == "...." else glyph

    return RegexStep(r"\.(?<![.…]\.)(?<!\. \.)(?:\.\.\.?| \. \.)(?![.…]| \.)", rewrite)


def _one_letter(p: Profile) -> Step | None:
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


def _abbreviations(p: Profile) -> Step | None:
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


def _initials(p: Profile) -> Step | None:
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


def _numbers(p: Profile) -> Step:
    """Numbers stay with their units and symbols, and digit groups stay together."""
    rules = p.rules
    units = _alternatives((*SI_UNITS, *rules.units))
    space = rules.unit_space
    parts: list[Step] = [
        RegexStep(r"(\d)" + BREAKABLE + r"+(?=(?:" + units + r")(?![\w²³]))",
                  lambda m: m.group(1) + space),
        RegexStep(r"([IVXLCDM](?<![\w][IVXLCDM])[IVXLCDM]{0,6})" + BREAKABLE + r"+(?=(?:"
                  + _alternatives(ROMAN_UNITS) + r")(?!\w))", lambda m: m.group(1) + NBSP),
        RegexStep(r"([§¶№])" + BREAKABLE + r"+(?=\d)", lambda m: m.group(1) + NBSP),
    ]
    if rules.thousands_space:
        group_space = rules.thousands_space
        parts.append(RegexStep(
            r"\d(?<![\w.,]\d)(?<!\d[ \u00a0\u202f]\d)\d{0,2}(?:[ \u00a0\u202f]\d{3})+(?!\w)",
            lambda m: re.sub(r"[ \u00a0\u202f]", group_space, m.group())))
    return Steps(parts)


def _punctuation(p: Profile) -> Step | None:
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


_BUILDERS: dict[str, Callable[[Profile], Step | None]] = {
    "ascii_quotes": _ascii_quotes,
    "long_hyphens": _long_hyphens,
    "dialogue": _dialogue,
    "ranges": _ranges,
    "asides": _asides,
    "ellipsis": _ellipsis,
    "one_letter": _one_letter,
    "abbreviations": _abbreviations,
    "initials": _initials,
    "numbers": _numbers,
    "punctuation": _punctuation,
}


@lru_cache(maxsize=256)
def compile_steps(profile: Profile) -> dict[str, Step | None]:
    """The regex steps of a profile (compiled once per distinct profile)."""
    return {name: build(profile) for name, build in _BUILDERS.items()}
