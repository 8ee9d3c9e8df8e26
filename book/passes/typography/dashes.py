"""Dashes: ``--`` and ``---``, dialogue, number ranges and asides.

Each builder takes a :class:`~.language.Profile` and returns a step (see
``steps.py`` for the order they run in).  The language decides which dash
an aside takes and whether it is spaced, which dash opens dialogue and what
follows it; ranges of numbers take an en dash only where they read as
ranges (not scores, dates, codes or phone numbers).
"""

from __future__ import annotations

import re

from .language import Profile
from .matching import BREAKABLE, NOBREAK, SPACE_CLASS, SPACES, WS, RegexStep, Step
from .rules import NBSP
from .stream import BLOCK, LINE, Edit


def long_hyphens(p: Profile) -> Step:
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

    return RegexStep(r"--+", rewrite, needles=("--",))


def dialogue(p: Profile) -> Step:
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


def ranges(p: Profile) -> Step:
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


def asides(p: Profile) -> Step:
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
