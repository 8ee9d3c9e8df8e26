"""Leanpub's Markdown dialects (LFM and Markua) as markdown-it block rules.

Real manuscripts come from Leanpub, whose Markdown adds book directives that
plain CommonMark would print as text.  These rules turn them into tokens the
renderer understands, so no brace or marker leaks into the book:

* directive lines ``{frontmatter}``, ``{mainmatter}``, ``{backmatter}``,
  ``{pagebreak}`` → ``mb_directive`` tokens;
* attribute lines such as ``{title="Listing", lang=html}``, ``{width=60%}``,
  ``{#anchor}`` or Markua's ``{caption: "…", format: ruby}`` → ``mb_attrs``
  tokens that the renderer applies to the next block;
* asides written with a letter and ``>`` on every line (``A>``, ``B>``,
  ``C>``, ``D>``, ``E>``, ``G>``, ``I>``, ``Q>``, ``T>``, ``W>``, ``X>``) and
  Markua's block form ``{aside}`` … ``{/aside}``, ``{blurb, class: tip}`` …
  ``{/blurb}`` → ``mb_aside_open`` / ``mb_aside_close`` around their content;
* part headings ``-# Part title`` → an ``h1`` heading marked as a part.

References: the Leanpub Flavoured Markdown manual (leanpub.com/lfm) and the
Markua manual (markua.com), sections "Asides", "Blurbs", "Attributes".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.blockquote import blockquote

#: Aside letter → (callout kind, element, ARIA role).  ``C>`` centres text.
ASIDE_KINDS: dict[str, tuple[str, str, str | None]] = {
    "A": ("aside", "aside", "note"),
    "B": ("blurb", "aside", "note"),
    "C": ("center", "div", None),
    "D": ("discussion", "aside", "note"),
    "E": ("error", "aside", "note"),
    "G": ("generic", "aside", "note"),
    "I": ("info", "aside", "note"),
    "Q": ("question", "aside", "note"),
    "T": ("tip", "aside", "doc-tip"),
    "W": ("warning", "aside", "note"),
    "X": ("exercise", "aside", "note"),
}

#: Markua blurb classes → callout kinds (``{blurb, class: tip}``).
BLURB_CLASSES: dict[str, str] = {
    "center": "center", "discussion": "discussion", "error": "error",
    "information": "info", "info": "info", "question": "question", "tip": "tip",
    "warning": "warning", "exercise": "exercise", "generic": "generic",
}

#: One-word directives that stand alone on a line.
DIRECTIVES = frozenset({"frontmatter", "mainmatter", "backmatter", "pagebreak"})
#: Block containers of Markua, opened by ``{name…}`` and closed by ``{/name}``.
CONTAINERS = frozenset({"aside", "blurb"})

_ITEM_SEPARATORS = " \t,"


@dataclass(frozen=True)
class AttrLine:
    """A parsed ``{…}`` line: a leading bare word (if any) and key/values."""

    word: str | None
    attrs: tuple[tuple[str, str], ...]


def parse_attr_line(text: str) -> AttrLine | None:
    """Parse the inside of ``{…}``; None when it is not an attribute list.

    Accepts LFM's ``key=value``, Markua's ``key: value``, quoted values with
    commas inside, Pandoc's ``#id`` and ``.class``, and one leading bare word
    (``aside``, ``blurb``, ``frontmatter``…).
    """
    items: list[tuple[str, str]] = []
    word: str | None = None
    pos, end = 0, len(text)
    while True:
        while pos < end and text[pos] in _ITEM_SEPARATORS:
            pos += 1
        if pos >= end:
            break
        start = pos
        if text[pos] in "#.":
            pos += 1
            while pos < end and text[pos] not in _ITEM_SEPARATORS:
                pos += 1
            value = text[start + 1:pos]
            if not value:
                return None
            items.append(("id" if text[start] == "#" else "class", value))
            continue
        while pos < end and (text[pos].isalnum() or text[pos] in "-_/"):
            pos += 1
        key = text[start:pos]
        if not key:
            return None
        while pos < end and text[pos] in " \t":
            pos += 1
        if pos >= end or text[pos] not in "=:":
            if items or word is not None or (pos < end and text[pos] not in ","):
                return None
            word = key.lower()
            continue
        pos += 1
        while pos < end and text[pos] in " \t":
            pos += 1
        value, pos = _attr_value(text, pos)
        if value is None:
            return None
        items.append((key.lower(), value))
    if word is None and not items:
        return None
    return AttrLine(word, tuple(items))


def _attr_value(text: str, pos: int) -> tuple[str | None, int]:
    end = len(text)
    if pos < end and text[pos] in "\"'":
        quote = text[pos]
        pos += 1
        chars: list[str] = []
        while pos < end and text[pos] != quote:
            if text[pos] == "\\" and pos + 1 < end:
                pos += 1
            chars.append(text[pos])
            pos += 1
        if pos >= end:
            return None, pos
        return "".join(chars), pos + 1
    start = pos
    while pos < end and text[pos] not in ",\t ":
        pos += 1
    return text[start:pos], pos


def _line_text(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _braced(state: StateBlock, line: int) -> AttrLine | None:
    """The attribute line at ``line``, if the whole line is one ``{…}``."""
    if state.is_code_block(line):
        return None
    text = _line_text(state, line).rstrip()
    if len(text) < 3 or text[0] != "{" or text[-1] != "}" or "{" in text[1:-1] or "}" in text[1:-1]:
        return None
    return parse_attr_line(text[1:-1])


def _closes(parsed: AttrLine | None, name: str) -> bool:
    return parsed is not None and parsed.word == f"/{name}" and not parsed.attrs


def attribute_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``{…}`` lines: directives, containers and attribute lists."""
    parsed = _braced(state, start)
    if parsed is None:
        return False
    word = parsed.word
    if word in CONTAINERS:
        return _container(state, start, end, silent, word, parsed)
    if word is not None and (word not in DIRECTIVES or parsed.attrs):
        return False
    if silent:
        return True
    if word is not None:
        token = state.push("mb_directive", "", 0)
        token.meta = {"name": word}
    else:
        token = state.push("mb_attrs", "", 0)
        token.meta = {"attrs": parsed.attrs}
    token.map = [start, start + 1]
    state.line = start + 1
    return True


def _container(state: StateBlock, start: int, end: int, silent: bool, name: str,
               parsed: AttrLine) -> bool:
    """Markua's ``{aside}`` … ``{/aside}`` and ``{blurb}`` … ``{/blurb}``."""
    close = start + 1
    depth = 1
    while close < end:
        inner = _braced(state, close)
        if inner is not None and inner.word == name:
            depth += 1
        elif _closes(inner, name):
            depth -= 1
            if depth == 0:
                break
        close += 1
    if close >= end:
        return False
    if silent:
        return True
    attrs = dict(parsed.attrs)
    kind = "aside" if name == "aside" else BLURB_CLASSES.get(attrs.get("class", "").lower(), "blurb")
    opener = state.push("mb_aside_open", "aside", 1)
    opener.meta = {"kind": kind, "attrs": parsed.attrs}
    opener.map = [start, close + 1]
    old_parent, old_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    state.parentType, state.lineMax, state.blkIndent = "mb_aside", close, 0
    state.md.block.tokenize(state, start + 1, close)
    state.parentType, state.lineMax, state.blkIndent = old_parent, old_max, old_indent
    closer = state.push("mb_aside_close", "aside", -1)
    closer.meta = {"kind": kind}
    state.line = close + 1
    return True


def _aside_letter(state: StateBlock, line: int) -> str | None:
    if line >= state.lineMax or state.is_code_block(line):
        return None
    pos = state.bMarks[line] + state.tShift[line]
    if pos + 2 > state.eMarks[line]:
        return None
    letter = state.src[pos:pos + 1]
    if letter in ASIDE_KINDS and state.src[pos + 1:pos + 2] == ">":
        return letter
    return None


def aside_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """LFM asides: every line starts with the same ``L>`` marker.

    The marker's letter is skipped on each line of the run and markdown-it's
    own blockquote rule parses what follows the ``>``, so an aside holds any
    Markdown a blockquote can (lists, code, headings).
    """
    letter = _aside_letter(state, start)
    if letter is None:
        return False
    if silent:
        return True
    stop = start + 1
    while stop < end and _aside_letter(state, stop) == letter:
        stop += 1
    saved = [(line, state.tShift[line]) for line in range(start, stop)]
    for line, shift in saved:
        state.tShift[line] = shift + 1  # now the line starts at its ">"
    first = len(state.tokens)
    old_max = state.lineMax
    state.lineMax = stop  # no lazy continuation past the marked lines
    try:
        matched = blockquote(state, start, stop, False)
    finally:
        state.lineMax = old_max
        for line, shift in saved:
            state.tShift[line] = shift
    if not matched:  # cannot happen: the line starts with ">"; stay safe
        del state.tokens[first:]
        return False
    kind, _, _ = ASIDE_KINDS[letter]
    opener, closer = state.tokens[first], state.tokens[-1]
    opener.type, opener.tag = "mb_aside_open", "aside"
    opener.meta = {"kind": kind, "letter": letter}
    closer.type, closer.tag = "mb_aside_close", "aside"
    closer.meta = {"kind": kind}
    state.line = max(state.line, stop)
    return True


def part_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """LFM part headings: ``-# Part One`` is a heading one level above h1."""
    if state.is_code_block(start):
        return False
    text = _line_text(state, start)
    if not text.startswith("-# ") or not text[3:].strip():
        return False
    if silent:
        return True
    title = text[3:].strip()
    opener = state.push("heading_open", "h1", 1)
    opener.markup, opener.map, opener.meta = "-#", [start, start + 1], {"part": True}
    inline = state.push("inline", "", 0)
    inline.content, inline.map, inline.children = title, [start, start + 1], []
    state.push("heading_close", "h1", -1).markup = "-#"
    state.line = start + 1
    return True


_BLOCK_STARTERS = ["paragraph", "reference", "blockquote", "list"]


def leanpub_plugin(md: MarkdownIt) -> None:
    """Register the Leanpub rules on a markdown-it parser."""
    # Asides need a blank line before them (as on Leanpub): a line such as
    # "A> B" inside a paragraph stays text.
    md.block.ruler.before("blockquote", "mb_leanpub_aside", aside_rule)
    md.block.ruler.before("heading", "mb_leanpub_part", part_rule, {"alt": _BLOCK_STARTERS})
    # Before the setext-heading rule, and able to end a paragraph: otherwise
    # lheading scans every following line for each attribute line (quadratic
    # on a file of attribute lines without blank lines between them).
    md.block.ruler.before("lheading", "mb_leanpub_attrs", attribute_rule, {"alt": ["paragraph"]})


# ---------------------------------------------------------------- values

_PERCENT = re.compile(r"^\s*(\d{1,3}(?:\.\d+)?)\s*%\s*$")
#: Named widths of Markua → class suffix.
_NAMED_WIDTHS = {"full": "full", "fullwidth": "full", "wide": "wide", "narrow": "narrow",
                 "100": "100"}


#: The width classes the stylesheets define (percent of the text width).
WIDTH_STEPS = (10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 100)


def width_class(value: str) -> str | None:
    """``60%`` → ``width-60``, rounded to the nearest step the CSS defines."""
    match = _PERCENT.match(value)
    if match:
        percent = float(match.group(1))
        if percent <= 0:
            return None
        step = min(WIDTH_STEPS, key=lambda s: (abs(s - percent), -s))
        return f"width-{step}"
    named = _NAMED_WIDTHS.get(value.strip().lower())
    return f"width-{named}" if named else None
