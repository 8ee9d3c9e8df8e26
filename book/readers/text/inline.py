"""Inline conventions of plain text, and footnote calls.

* ``_words_`` is emphasis (``<em>``), the Project Gutenberg convention for
  italics; ``*words*`` is strong emphasis (``<strong>``).  Either counts only
  when it is clearly markup: the opening mark follows a space or
  punctuation and precedes a letter; the closing mark follows a letter and
  precedes a space or punctuation; no mark of the same kind inside.  A lone
  asterisk, ``snake_case`` and ``2 * 3 * 4`` stay text.
* ``--`` stays as written; the typography pass makes it a dash.
* Footnote calls (``*``, ``*(2)`` or ``[1]`` after a word) are paired with
  their note bodies by :func:`pair_notes` and become
  ``<a epub:type="noteref">`` links; the notes pass numbers them.

A paired call is replaced in the line by a token made of Unicode
noncharacters (reserved by Unicode for exactly such internal use, and
removed from the input beforehand), so the call survives the re-joining of
wrapped lines and lands at its place in a paragraph or a verse line.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass

from lxml import etree

from ...xhtml import EPUB_TYPE, element, printable_but_breaks
from .blocks import Block
from .structure import BRACKET_NOTE, STAR_NOTE

_EMPHASIS = re.compile(
    r"(?<![\w_*])_(?=[^\s_])(?P<em>[^_]+?)(?<=[^\s_])_(?![\w_])"
    r"|(?<![\w*])\*(?=[^\s*(])(?P<strong>[^*]+?)(?<=[^\s*])\*(?![\w*(])")
_OPEN, _CLOSE = "\ufdd0", "\ufdd1"
_NONCHARACTERS = re.compile("[\ufdd0-\ufdef]")
_TOKEN = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
#: A star call: after a word or punctuation (or first on a wrapped line), an
#: optional space, ``*`` and an optional ``(n)``, then a space, punctuation,
#: a dash or the end of the line.
_STAR_CALL = re.compile(
    r"(?:(?<=\S)\s?|^)\*(?:\s?\(\s*(?P<n>\d+)\s*\))?(?=[\s,.;:!?)’”»\]—–-]|$)")
_BRACKET_CALL = re.compile(r"(?<=\S)\[(?P<n>\d{1,3}|[A-Z])\]")
#: How many blocks back a note body looks for its call.
_NOTE_REACH = 8
_MAX_DEPTH = 3


def strip_noncharacters(text: str) -> str:
    """Remove the noncharacters this module uses as tokens from input text."""
    if printable_but_breaks(text):
        return text  # noncharacters are not printable
    return _NONCHARACTERS.sub("", text)


@dataclass
class Note:
    """A footnote body found in the text, with the id its call links to."""

    id: str
    lines: list[str]
    line: int


def _calls_in(line: str) -> list[re.Match[str]]:
    """The footnote calls :func:`pair_notes` finds in ``line``, in order."""
    return sorted((m for pattern in (_STAR_CALL, _BRACKET_CALL) for m in pattern.finditer(line)),
                  key=lambda m: m.start())


def _call_key(call: re.Match[str]) -> tuple[bool, str]:
    """What :func:`pair_notes` queues a call under: (star style, number)."""
    star = call.re is _STAR_CALL
    return star, ((call.group("n") or "1") if star else call.group("n"))


def _tokens_of(own: str, source: str, calls: list[re.Match[str]]) -> list[str | None] | None:
    """For each call of ``source``, the token ``own`` has in its place (None:
    the call was not paired and is there as it was); None when ``own`` is
    not ``source`` with calls made tokens and nothing else changed."""
    tokens: list[str | None] = []
    at = done = 0  # in own, in source
    for call in calls:
        if call.start() < done:
            return None  # overlapping calls: never made tokens alike
        before = source[done:call.start()]
        if not own.startswith(before, at):
            return None
        at, done = at + len(before), call.start()
        token = _TOKEN.match(own, at)
        tokens.append(token.group() if token is not None else None)
        if token is not None:  # this call was paired: its text is the token
            at, done = token.end(), call.end()
    return tokens if own[at:] == source[done:] else None


def calls_made_tokens(own: str, source: str) -> bool:
    """Is ``own`` the line ``source`` with some of its footnote calls made
    tokens, and nothing else changed, as :func:`pair_notes` leaves a line
    (``source`` trimmed at the end, as a block holds it)?"""
    source = source.rstrip()
    return _tokens_of(own, source, _calls_in(source)) is not None


def same_calls(old: str, new: str) -> bool:
    """Do the two lines hold the same footnote calls in the same order, so
    that :func:`pair_notes` queues them alike (their words may differ)?"""
    return [_call_key(m) for m in _calls_in(old.rstrip())] == \
        [_call_key(m) for m in _calls_in(new.rstrip())]


def calls_carried(own: str, source: str, new: str) -> str | None:
    """``new`` (trimmed) as :func:`pair_notes` would leave it, given that it
    left ``source`` as ``own``: the calls made tokens there are made the
    same tokens here.  None unless the lines hold the same calls (then
    every call pairs as it did) and ``own`` is ``source`` with tokens."""
    source, new = source.rstrip(), new.rstrip()
    if not same_calls(source, new):
        return None
    tokens = _tokens_of(own, source, _calls_in(source))
    if tokens is None:
        return None
    pieces, done = [], 0
    for call, token in zip(_calls_in(new), tokens):
        if token is not None:
            pieces += [new[done:call.start()], token]
            done = call.end()
    pieces.append(new[done:])
    return "".join(pieces)


def pair_notes(blocks: list[Block], ids: list[tuple[str, str]]) -> None:
    """Pair footnote bodies with their calls in the preceding blocks.

    Paired calls are replaced by tokens in the block lines (``ids`` collects
    the note id and call mark each token stands for); note blocks get
    ``data["notes"]``, a list of :class:`Note`.  Unpaired note blocks become
    ordinary text.
    """
    if not any(b.role == "note" for b in blocks):
        return
    # Calls waiting for their note, by (star style, number), oldest first.
    pending: dict[tuple[bool, str], deque[tuple[int, int, re.Match[str]]]] = {}
    replacements: dict[tuple[int, int], list[tuple[int, int, int]]] = {}
    for index, block in enumerate(blocks):
        if block.role == "note":
            notes = []
            for body, offset in _split_note_block(block):
                star = body[0].lstrip().startswith("*")
                pattern = STAR_NOTE if star else BRACKET_NOTE
                head = pattern.match(body[0].strip())
                number = (head.group("n") if head else None) or "1"
                waiting = pending.get((star, number))
                while waiting and index - waiting[0][0] > _NOTE_REACH:
                    waiting.popleft()  # too far back to be this note's call
                if not waiting:
                    continue
                call_block, call_line, call = waiting.popleft()
                note_id = f"note-{block.line + offset}"
                ids.append((note_id, "*" if star else number))
                replacements.setdefault((call_block, call_line), []).append(
                    (call.start(), call.end(), len(ids) - 1))
                text = [body[0].strip()[head.end():] if head else body[0].strip(), *body[1:]]
                if not star and text[-1].rstrip().endswith("]"):
                    text[-1] = text[-1].rstrip()[:-1]
                notes.append(Note(note_id, text, block.line + offset))
            if notes:
                block.data["notes"] = notes
            else:
                block.role = "text"
        elif block.role in ("text", "section"):
            for number, line in enumerate(block.lines):
                if "*" in line:
                    for m in _STAR_CALL.finditer(line):
                        pending.setdefault((True, m.group("n") or "1"), deque()).append(
                            (index, number, m))
                if "[" in line:
                    for m in _BRACKET_CALL.finditer(line):
                        pending.setdefault((False, m.group("n")), deque()).append(
                            (index, number, m))
    for (index, number), spans in replacements.items():
        line = blocks[index].lines[number]
        pieces, position = [], 0
        for start, end, token in sorted(spans):
            pieces += [line[position:start], f"{_OPEN}{token}{_CLOSE}"]
            position = end
        pieces.append(line[position:])
        blocks[index].lines[number] = "".join(pieces)


def _split_note_block(block: Block) -> list[tuple[list[str], int]]:
    """One block may hold several star notes, one per ``*`` line."""
    bodies: list[tuple[list[str], int]] = []
    for offset, line in enumerate(block.lines):
        if not bodies or STAR_NOTE.match(line.strip()) and block.data.get("star"):
            bodies.append(([line], offset))
        else:
            bodies[-1][0].append(line)
    return bodies


def append_inline(parent: etree._Element, text: str, ids: list[tuple[str, str]],
                  depth: int = 0) -> None:
    """Append ``text`` to ``parent``, turning the conventions into elements."""
    # The last child is tracked here: lxml's len() walks every child.
    last: etree._Element | None = parent[-1] if len(parent) else None
    position = 0
    for match in _inline_tokens(text, depth):
        _append_text(parent, last, text[position:match.start()])
        if match.re is _TOKEN:
            index = int(match.group(1))
            if index < len(ids):
                note_id, mark = ids[index]
                last = element("a", mark, {EPUB_TYPE: "noteref"}, href=f"#{note_id}",
                               role="doc-noteref")
                parent.append(last)
        else:
            tag = "em" if match.group("em") is not None else "strong"
            last = element(tag)
            parent.append(last)
            append_inline(last, match.group(tag), ids, depth + 1)
        position = match.end()
    _append_text(parent, last, text[position:])


def _inline_tokens(text: str, depth: int) -> list[re.Match[str]]:
    """Note tokens and emphasis spans in order, without overlaps.

    A token never holds ``_`` or ``*``, so it lies either wholly inside an
    emphasis span (and is handled with the span's content) or outside it.
    """
    tokens = list(_TOKEN.finditer(text)) if _OPEN in text else []
    if depth >= _MAX_DEPTH or ("_" not in text and "*" not in text):
        return tokens
    spans = list(_EMPHASIS.finditer(text))
    if not spans:
        return tokens
    merged: list[re.Match[str]] = []
    index = 0
    for token in tokens:  # both lists are in text order: one sweep
        while index < len(spans) and spans[index].end() <= token.start():
            merged.append(spans[index])
            index += 1
        if index < len(spans) and spans[index].start() < token.start():
            continue  # inside the span
        merged.append(token)
    merged.extend(spans[index:])
    return merged


def _append_text(parent: etree._Element, last: etree._Element | None, text: str) -> None:
    if not text:
        return
    if last is not None:
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text
