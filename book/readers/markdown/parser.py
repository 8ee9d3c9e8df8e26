"""The markdown-it parser make_book reads Markdown with, and its guards.

CommonMark plus the extensions books use: GFM tables, strikethrough,
autolinks and task lists; footnotes (also multi-paragraph and inline
``^[…]``, first definition winning: ``notes.py``); Pandoc's math,
citations, fenced divs and Markdown inside HTML containers (``pandoc.py``)
and raw TeX (``latex.py``); definition lists; ``^super^`` and ``~sub~`` script; GitHub alerts
(``> [!TIP]``); emoji shortcodes; attributes after images and links
(``![x](a.png){.wide}``); and Leanpub's dialect (``leanpub.py``).

Guards keep hostile input linear in practice as well as in theory:

* markdown-it-py spends tens of microseconds on every unmatched ``[`` or
  ``![`` and on every cell of an absurdly wide table, so a paragraph made of
  thousands of brackets is parsed without link rules (a warning says so),
  and a row with more than :data:`MAX_TABLE_COLUMNS` cells is not a table;
* the attrs plugin's inline rule runs only at ``{`` (it reads the whole
  pending text each time it runs);
* nesting is capped by markdown-it's ``maxNesting`` option, and what lies
  deeper is kept as a plain paragraph instead of being dropped
  (:func:`flattening_tokenize`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import emoji
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import table as table_rule
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.subscript import sub_plugin
from mdit_py_plugins.superscript import superscript_plugin

from ...limits import MAX_DEPTH
from .autolink import autolink_plugin
from .latex import latex_plugin
from .leanpub import leanpub_plugin
from .notes import notes_plugin
from .pandoc import pandoc_plugin

#: markdown-it nesting limit (blocks and inlines); each level is one element.
MAX_NESTING = min(64, MAX_DEPTH // 3)
#: A paragraph with more brackets than this is read without link syntax.
MAX_BRACKETS = 5_000
#: A table row with more cells than this is read as text.
MAX_TABLE_COLUMNS = 512
#: Attributes accepted in ``{…}`` after an image, link or code span.
INLINE_ATTRS = ("id", "class", "width", "title", "lang")
#: Inline rules switched off for bracket-flooded paragraphs.
_LINK_RULES = ["link", "image", "footnote_ref", "footnote_inline", "mb_citation"]

_EMOJI_NAME = re.compile(r":([a-z0-9_+\-]{1,60}):")


@functools.lru_cache(maxsize=1)
def emoji_names() -> dict[str, str]:
    """Shortcode name (``tent``, ``+1``, ``thumbsup``) → emoji character."""
    names: dict[str, str] = {}
    fully_qualified = emoji.STATUS["fully_qualified"]
    for char, data in emoji.EMOJI_DATA.items():
        spellings = [data.get("en", ""), *data.get("alias", [])]
        for spelling in spellings:
            name = spelling.strip(":").lower()
            if not name:
                continue
            if name not in names or data.get("status") == fully_qualified:
                names[name] = char
    return names


def emoji_rule(state: StateInline, silent: bool) -> bool:
    """``:tent:`` → ⛺ (GitHub/Slack shortcodes, via the ``emoji`` package)."""
    if state.src[state.pos] != ":":
        return False
    match = _EMOJI_NAME.match(state.src, state.pos, min(state.posMax, state.pos + 64))
    if not match:
        return False
    char = emoji_names().get(match.group(1))
    if char is None:
        return False
    if not silent:
        token = state.push("mb_emoji", "", 0)
        token.content = char
        token.markup = match.group(0)
    state.pos = match.end()
    return True


def guarded_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """GFM tables, refusing rows wider than :data:`MAX_TABLE_COLUMNS`."""
    if start + 1 < state.lineMax:
        row = state.src[state.bMarks[start]:state.eMarks[start]]
        if row.count("|") > MAX_TABLE_COLUMNS:
            return False
    return table_rule(state, start, end, silent)


def _bracket_heavy(content: str) -> bool:
    return content.count("[") > MAX_BRACKETS


def guarded_inline(state: StateCore) -> None:
    """The core "inline" rule, with link syntax off for bracket floods."""
    md = state.md
    for token in state.tokens:
        if token.type != "inline" or (token.meta or {}).get("mb_raw"):
            continue
        if token.children is None:
            token.children = []
        if _bracket_heavy(token.content):
            plain = _plain_parser()
            token.meta = {**(token.meta or {}), "mb_brackets": True}
            plain.inline.parse(token.content, plain, state.env, token.children)
        else:
            md.inline.parse(token.content, md, state.env, token.children)


def _only_at(md: MarkdownIt, name: str, char: str) -> None:
    """Call inline rule ``name`` only where the text has ``char``.

    The attrs plugin reads ``state.pending`` at every stop of the inline
    parser, which costs O(paragraph) each time; this check keeps it O(1).
    """
    rule = next(r.fn for r in md.inline.ruler.__rules__ if r.name == name)

    def guarded(state: StateInline, silent: bool) -> bool:
        if state.src[state.pos] != char:
            return False
        return rule(state, silent)

    md.inline.ruler.at(name, guarded)


def flattening_tokenize(original: Callable[[StateBlock, int, int], None]) -> Callable[
        [StateBlock, int, int], None]:
    """Block tokenizer that keeps what lies beyond the nesting limit as text.

    markdown-it stops at ``maxNesting`` by skipping to the end of the
    enclosing range, which for a list item is the end of the document: the
    rest of the book would vanish.  Here the lines that belong to the too-deep
    container (indented at least as much as it) become one plain paragraph
    marked ``mb_flattened``, and parsing goes on after them.
    """

    def tokenize(state: StateBlock, start: int, end: int) -> None:
        if state.level < state.md.options["maxNesting"]:
            original(state, start, end)
            return
        first = state.skipEmptyLines(start)
        stop = first
        while stop < end and (state.isEmpty(stop) or state.sCount[stop] >= state.blkIndent):
            stop += 1
        last = stop
        while last > first and state.isEmpty(last - 1):
            last -= 1
        if last > first:
            opener = state.push("paragraph_open", "p", 1)
            opener.map, opener.meta = [first, last], {"mb_flattened": True}
            inline = state.push("inline", "", 0)
            inline.content = state.getLines(first, last, state.blkIndent, False).strip()
            # kept verbatim: no inline parsing of what is left of a hostile nest
            text = Token("text", "", 0, content=inline.content)
            inline.map, inline.children, inline.meta = [first, last], [text], {"mb_raw": True}
            state.push("paragraph_close", "p", -1)
        state.line = stop

    return tokenize


def _configure(md: MarkdownIt) -> MarkdownIt:
    md.enable(["table", "strikethrough"])
    md.options["maxNesting"] = MAX_NESTING
    md.options["tasklists"] = True
    md.options["tasklists_editable"] = False
    md.options["alerts"] = True
    md.options["html"] = True
    md.block.ruler.at("table", guarded_table)
    md.block.tokenize = flattening_tokenize(md.block.tokenize)  # type: ignore[method-assign]
    md.use(footnote_plugin)
    md.use(notes_plugin)
    md.use(pandoc_plugin)
    md.use(latex_plugin)
    md.use(deflist_plugin)
    md.use(autolink_plugin)
    md.use(superscript_plugin)
    md.use(sub_plugin)
    md.use(attrs_plugin, allowed=INLINE_ATTRS)
    _only_at(md, "attr", "{")
    md.use(leanpub_plugin)
    md.inline.ruler.before("text", "mb_emoji", emoji_rule)
    # Links are checked (and unsafe ones reported) by the renderer, so that a
    # ``javascript:`` link becomes a warning rather than literal Markdown.
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


@functools.lru_cache(maxsize=1)
def _plain_parser() -> MarkdownIt:
    md = _configure(MarkdownIt("commonmark"))
    known = set(md.inline.ruler.get_all_rules())
    md.inline.ruler.disable([r for r in _LINK_RULES if r in known])
    return md


@functools.lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """The shared parser (stateless between documents; each parse has its env)."""
    md = _configure(MarkdownIt("commonmark"))
    md.core.ruler.at("inline", guarded_inline)
    return md
