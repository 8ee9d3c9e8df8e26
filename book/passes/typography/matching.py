"""How a typographic rule is applied: the step types and shared character classes.

A :class:`Step` reads a range of the chapter's stream (``stream.py``) and
returns edits ``(start, end, replacement)``; :class:`RegexStep` is a
pattern whose matches a function rewrites, :class:`Steps` several steps
whose edits are merged in text order.  The character classes below are
what the rules' patterns agree a space, a no-break space or the start of a
word is.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from .rules import NBSP, NNBSP
from .stream import Edit

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
                 rewrite: Callable[[re.Match[str]], str | Edit | None],
                 needles: tuple[str, ...] = ()):
        self.pattern = re.compile(pattern) if isinstance(pattern, str) else pattern
        self.rewrite = rewrite
        #: Strings of which every match holds one: where none occurs, the
        #: pattern need not run (a search for a plain string is far cheaper).
        self.needles = needles

    def edits(self, text: str, start: int, end: int, limit: int) -> list[Edit]:
        found: list[Edit] = []
        if self.needles and all(text.find(n, start, limit) < 0 for n in self.needles):
            return found
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
