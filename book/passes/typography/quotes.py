"""Straight quotes to the language's quotation marks, paired over a paragraph.

Issue 5: "Straight quotes to curly ones with correct opening and closing
decided from context (start of text, after space, dash or opening bracket =
opening), nesting handled; apostrophes in contractions and elisions (don't,
’90s, l’homme) are not quotes."

Each paragraph (block) that holds a straight quote is scanned once, left to
right, with a stack of open quotations:

* ``"`` opens after a space, a dash, an opening bracket or the start of the
  paragraph, and closes after a word or punctuation when a space,
  punctuation or the end follows; when context cannot tell (``word"word``,
  a lone ``"``), it closes the innermost open ``"`` if there is one.
* ``'`` between two letters is an apostrophe (don't, l'homme, O'Brien);
  before a known elision ('tis, rock 'n' roll) or a two-digit year ('90s)
  too.  Otherwise it opens or closes a quotation like ``"``; a ``'`` after a
  word with no single quotation open is an apostrophe (the girls' books).
* Feet and inches after digits (5'10") become primes.
* The marks chosen depend on depth: the outermost quotation gets the
  language's primary marks, one inside it the nested marks, and so on.  A
  closing mark always matches its opening one.
* Quotation marks already typeset in the language's style count on the
  stack, so straight quotes inside them nest correctly and idempotence
  holds: a paragraph with no straight quote is never touched.

* Curly double quotes typed in another language's style follow the
  language of the passage they stand in (issue 11): English “…” left in a
  Russian passage become «…» (or „…“ one level down), in a German one
  „…“; marks the language itself uses stay (:func:`_restyle`).

A quotation left open at the end of a paragraph stays open: that is how a
quotation running over several paragraphs is printed.

``<q>`` elements: WeasyPrint does not draw CSS ``quotes`` (field notes
§4.3), and a reading system would draw its own marks for a ``<q>``, so
:func:`mark_q_elements` writes the marks into the text instead (as
:data:`Q_OPEN`/:data:`Q_CLOSE`, which the scan turns into the marks of the
right depth) and makes the element a ``<span class="q">``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from lxml import etree

from ...xhtml import VERBATIM_TAGS, add_class
from .language import Profile
from .stream import BLOCK, Edit, local_name

#: Stand-ins for the marks of a <q> element until the scan chooses them
#: (Unicode noncharacters: never meaningful in a manuscript).
Q_OPEN, Q_CLOSE = "\ufdd0", "\ufdd1"
_STRAIGHT = re.compile("[\"'\ufdd0\ufdd1“”„]")
#: Curly double quotes that may belong to another language's style.
_CURLY_DOUBLE = frozenset("“”„")
_MARKS = re.compile("[\"'„“”‘’‚«»‹›\ufdd0\ufdd1]")
#: Invisible characters skipped when looking at a quote's neighbours.
_TRANSPARENT = frozenset("\u2060\u200b\u00ad\u200c\u200d")
_OPENING_CONTEXT = frozenset("([{<—–‒―-‐/\u2028\u2029")
_CLOSING_CONTEXT = frozenset(".,;:!?)]}>…—–‒―-‐/")
_FEET = re.compile(r"\d['′] ?\d{1,2}(?:[.,]\d+)?$")

PRIME, DOUBLE_PRIME = "′", "″"


def _neighbour(text: str, index: int, step: int, lo: int, hi: int) -> str | None:
    index += step
    while lo <= index < hi and text[index] in _TRANSPARENT:
        index += step
    return text[index] if lo <= index < hi else None


def _is_space(char: str | None) -> bool:
    return char is None or char.isspace()


class _Entry:
    """One open quotation: what opened it and the mark that closes it."""

    __slots__ = ("kind", "close")

    def __init__(self, kind: str, close: str):
        self.kind = kind    # '"' or "'" for straight quotes, "x" for a typeset mark
        self.close = close


def quote_edits(text: str, profile_at: Callable[[int], Profile | None],
                profiles: Iterable[Profile | None] | None = None) -> list[Edit]:
    """Edits turning every straight quote of ``text`` into its typeset mark.

    ``profile_at(pos)`` gives the profile in force at a position (None where
    typography is off); ``profiles``, when given, every profile it can give.
    Only blocks with a straight quote are scanned.
    """
    edits: list[Edit] = []
    search = _STRAIGHT.search
    if profiles is not None and _own_openers(text, list(profiles)):
        search = _STRAIGHT_ONLY.search  # only straight quotes can lead to an edit
    match = search(text)
    while match:
        start = text.rfind(BLOCK, 0, match.start()) + 1
        end = text.find(BLOCK, match.start())
        if end < 0:
            end = len(text)
        if _may_change(text, start, end, profile_at):
            _scan_block(text, start, end, profile_at, edits)
        match = search(text, end)
    return edits


_STRAIGHT_ONLY = re.compile("[\"'\ufdd0\ufdd1]")
_CURLY_OPENERS = re.compile("[“„]")


def _own_openers(text: str, profiles: list[Profile | None]) -> bool:
    """Is every curly opening mark in ``text`` one that each language in
    force opens with?  Then no block needs a scan for its curly marks (see
    :func:`_may_change`)."""
    for mark in "“„":
        if mark in text and any(p is not None and p.quotes is not None and mark not in (
                p.quotes[0][0], p.quotes[1][0]) for p in profiles):
            return False
    return True


def _may_change(text: str, lo: int, hi: int,
                profile_at: Callable[[int], Profile | None]) -> bool:
    """Can the scan of a block edit anything?  Only a straight quote, a
    ``<q>`` stand-in, or a curly opening mark that the language in force
    does not open with (:func:`_restyle`) leads to an edit; a block of the
    language's own curly marks (English dialogue) only moves the stack."""
    if _STRAIGHT_ONLY.search(text, lo, hi):
        return True
    for match in _CURLY_OPENERS.finditer(text, lo, hi):
        profile = profile_at(match.start())
        if profile is not None and profile.quotes is not None and match.group() not in (
                profile.quotes[0][0], profile.quotes[1][0]):
            return True
    return False


def _scan_block(text: str, lo: int, hi: int, profile_at: Callable[[int], Profile | None],
                edits: list[Edit]) -> None:
    stack: list[_Entry] = []
    decided: dict[int, str] = {}   # position of a straight quote → "open" / "close" / "other"
    for match in _MARKS.finditer(text, lo, hi):
        pos = match.start()
        char = text[pos]
        profile = profile_at(pos)
        if profile is None or profile.quotes is None:
            if char in (Q_OPEN, Q_CLOSE):
                edits.append((pos, pos + 1, '"'))
            continue
        (p_open, p_close), (n_open, n_close) = profile.quotes
        prev = _neighbour(text, pos, -1, lo, hi)
        nxt = _neighbour(text, pos, 1, lo, hi)
        if char == Q_OPEN:
            edits.append((pos, pos + 1, _open("q", stack, profile)))
        elif char == Q_CLOSE:
            closing = _close("q", stack, profile)
            edits.append((pos, pos + 1, closing if closing is not None else p_close))
        elif char in "\"'":
            glyph = _straight(char, pos, prev, nxt, text, lo, stack, decided, profile)
            if glyph is not None and glyph != char:
                edits.append((pos, pos + 1, glyph))
        elif char in _CURLY_DOUBLE and (glyph := _restyle(char, prev, stack, profile)) is not None:
            if glyph != char:
                edits.append((pos, pos + 1, glyph))
        else:
            _typeset(char, prev, nxt, stack, (p_open, p_close, n_open, n_close))


def _restyle(char: str, prev: str | None, stack: list[_Entry], profile: Profile) -> str | None:
    """The mark for a curly double quote written in another language's style
    (English “…” in Russian text → «…», in German → „…“), or None when the
    mark is one the language uses (British “…” stay: they are its nested
    marks, and a common primary style).

    An opening “ or „ the language never opens with opens a quotation of
    the right depth; the next closing curly quote closes it with the
    matching mark.
    """
    (p_open, _), (n_open, _) = profile.quotes  # type: ignore[misc]
    opening = _is_space(prev) or prev in _OPENING_CONTEXT
    if not opening and stack and stack[-1].kind == "c":
        return _close("c", stack, profile)
    if opening and char != "\u201d" and char not in (p_open, n_open):
        return _open("c", stack, profile)
    return None


def mark_q_elements(root: etree._Element) -> None:
    """Turn each ``<q>`` (outside code) into a span with quote stand-ins."""
    for q in list(root.iter("q")):
        if any(local_name(a) in VERBATIM_TAGS for a in q.iterancestors()):
            continue
        q.text = Q_OPEN + (q.text or "")
        last = q[-1] if len(q) else None
        if last is not None:
            last.tail = (last.tail or "") + Q_CLOSE
        else:
            q.text += Q_CLOSE
        q.tag = "span"
        q.attrib.pop("cite", None)
        add_class(q, "q")


def _opens_after(prev: str | None, decided: dict[int, str], profile: Profile,
                 prev_pos: int) -> bool:
    if _is_space(prev) or prev in _OPENING_CONTEXT:
        return True
    if prev in "\"'":
        return decided.get(prev_pos) == "open"
    (p_open, p_close), (n_open, n_close) = profile.quotes  # type: ignore[misc]
    return prev in (p_open, n_open) and prev not in (p_close, n_close)


def _closes_before(nxt: str | None, profile: Profile) -> bool:
    if _is_space(nxt) or nxt in _CLOSING_CONTEXT:
        return True
    (p_open, p_close), (n_open, n_close) = profile.quotes  # type: ignore[misc]
    return nxt in (p_close, n_close)


#: Deepest nesting tracked; a deeper (runaway) stack forgets its outermost
#: quotations, which keeps every lookup bounded on hostile input.
MAX_DEPTH = 32


def _open(kind: str, stack: list[_Entry], profile: Profile) -> str:
    primary, nested = profile.quotes  # type: ignore[misc]
    marks = primary if len(stack) % 2 == 0 else nested
    stack.append(_Entry(kind, marks[1]))
    if len(stack) > MAX_DEPTH:
        del stack[:2]  # keep the parity, so depths keep their marks
    return marks[0]


def _close(kind: str, stack: list[_Entry], profile: Profile) -> str | None:
    """Pop the quotation this mark closes; its closing mark (None: none open)."""
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].kind == kind:
            entry = stack[depth]
            del stack[depth:]
            return entry.close
    if stack and stack[-1].kind == "x":  # „typeset opening, straight closing"
        return stack.pop().close
    return None


def _has_open(kind: str, stack: list[_Entry]) -> bool:
    return any(entry.kind == kind for entry in stack)


def _straight(char: str, pos: int, prev: str | None, nxt: str | None, text: str, lo: int,
              stack: list[_Entry], decided: dict[int, str], profile: Profile) -> str | None:
    rules = profile.rules
    prev_pos = pos - 1
    while prev_pos >= lo and text[prev_pos] in _TRANSPARENT:
        prev_pos -= 1
    opens = _opens_after(prev, decided, profile, prev_pos)
    if nxt in ("\"", "'"):
        closes = not opens  # the next quote decides for itself; judge by the left side
    else:
        closes = _closes_before(nxt, profile)

    if char == "'":
        if prev is not None and prev.isalnum() and nxt is not None and nxt.isalpha():
            decided[pos] = "other"
            return rules.apostrophe                      # don't, l'homme, O'Brien
        if prev is not None and prev.isdigit() and not _has_open("'", stack) \
                and (nxt is None or not nxt.isalpha()):
            decided[pos] = "other"
            return PRIME                                 # 5'10"
        if opens and nxt is not None and not _is_space(nxt):
            if _elision(text, pos + 1, rules.elisions) or _year(text, pos + 1):
                decided[pos] = "other"
                return rules.apostrophe                  # 'tis, rock 'n' roll, '90s
            decided[pos] = "open"
            return _open("'", stack, profile)
        if not opens:
            closing = _close("'", stack, profile) if _has_open("'", stack) or (
                stack and stack[-1].kind == "x" and stack[-1].close in "’‘›‹") else None
            if closing is not None:
                decided[pos] = "close"
                return closing
            decided[pos] = "other"
            return rules.apostrophe                      # the girls' books
        if _has_open("'", stack):
            decided[pos] = "close"
            return _close("'", stack, profile)
        decided[pos] = "other"
        return None                                      # a lone ' between spaces

    # A double quote.
    if prev is not None and prev.isdigit() and not _has_open('"', stack) \
            and _FEET.search(text, max(lo, pos - 12), pos):
        decided[pos] = "other"
        return DOUBLE_PRIME                              # 5'10"
    if opens and not closes:
        decided[pos] = "open"
        return _open('"', stack, profile)
    if closes and not opens:
        closing = _close('"', stack, profile)
        decided[pos] = "close"
        return closing if closing is not None else profile.quotes[0][1]  # type: ignore[index]
    if _has_open('"', stack) or (stack and stack[-1].kind == "x"):
        decided[pos] = "close"
        return _close('"', stack, profile)
    decided[pos] = "open"
    return _open('"', stack, profile)


def _elision(text: str, start: int, elisions: tuple[str, ...]) -> bool:
    """Does an elided word (from the language's list) start at ``start``?"""
    if not elisions:
        return False
    end = start
    while end < len(text) and end - start <= 12 and text[end].isalpha():
        end += 1
    return text[start:end].lower() in elisions


def _year(text: str, start: int) -> bool:
    """'90s, '05: two digits, not followed by another digit."""
    return (text[start:start + 2].isdigit() and len(text[start:start + 2]) == 2
            and not text[start + 2:start + 3].isdigit())


def _typeset(char: str, prev: str | None, nxt: str | None, stack: list[_Entry],
             marks: tuple[str, str, str, str]) -> None:
    """Track a quotation mark that is already typeset in the language's style."""
    p_open, p_close, n_open, n_close = marks
    if char not in marks:
        return  # another language's mark: not ours to pair
    if char == "’" and prev is not None and prev.isalnum() and nxt is not None and nxt.isalpha():
        return  # an apostrophe
    is_opener = char in (p_open, n_open)
    is_closer = char in (p_close, n_close)
    opening_context = _is_space(prev) or prev in _OPENING_CONTEXT
    if is_closer and (not is_opener or not opening_context):
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth].close == char:
                del stack[depth:]
                return
        if not is_opener:
            return
    if is_opener:
        stack.append(_Entry("x", p_close if char == p_open else n_close))
        if len(stack) > MAX_DEPTH:
            del stack[:2]
