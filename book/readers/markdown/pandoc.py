"""Pandoc's Markdown extensions that manuscripts lean on, as markdown-it rules.

* TeX math ``$…$`` and ``$$…$$`` (``tex_math_dollars``, with Pandoc's rules:
  no space inside the dollars, no digit right after the closing one, so
  "$20 and $30" stays text), through mdit-py-plugins' dollarmath.  The TeX is
  kept as written in ``<code class="tex-math">``: WeasyPrint draws no MathML,
  so the print and the ebook show the same readable source (MD081 note).
* Citations ``[@key]``, ``[see @a, p. 3; @b]`` (``citations``): without
  Pandoc's citeproc there is no bibliography to format them from, so they
  are kept as written in ``<span class="citation">`` and reported once per
  file (MD080), never lost.
* Fenced divs ``::: {#id .class}`` … ``:::`` (``fenced_divs``), nested by
  counting fences as Pandoc does: a ``div`` with the id and classes, or a
  callout ``aside`` for the admonition classes (``.note``, ``.warning``…).
* ``Table: caption`` (or ``: caption``) next to a table is its caption
  (``table_captions``): :func:`table_captions`.
* Markdown inside HTML containers (``markdown_in_html_blocks``): a line
  holding only ``<div …>`` (or another container's start or end tag) is an
  HTML block of its own, so the lines after it are read as Markdown
  (footnote definitions included) instead of being swallowed as raw HTML
  up to the next blank line.  The renderer keeps the container open until
  its end tag.
"""

from __future__ import annotations

import re

from collections.abc import Callable
from typing import Any

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from ...xhtml import text_content, xml_safe
from .leanpub import parse_attr_line

#: A citation inside brackets: ``@key`` after the start, a space, ``;`` or ``-``.
_CITATION = re.compile(r"(?:^|[\s;\-])@[A-Za-z0-9_][\w:.#$%&\-+?<>~/]*")
#: Fenced div classes that are callouts (Pandoc/Quarto admonitions).
CALLOUTS = frozenset({"note", "tip", "warning", "important", "caution", "danger", "info",
                      "error", "hint", "attention"})
_FENCE = re.compile(r"^(:{3,})\s*(.*?)\s*:*\s*$")
_MAX_CITATION = 1000
#: HTML elements whose start and end tags, alone on a line, wrap Markdown.
HTML_CONTAINERS = frozenset("div section article aside details figure blockquote header "
                            "footer main nav center".split())
_LONE_TAG = re.compile(r"^<(/?)([A-Za-z][A-Za-z0-9]*)((?:\s[^<>]*)?)>\s*$")


def citation_rule(state: StateInline, silent: bool) -> bool:
    """``[@key]``, ``[see @key, p. 3; -@other]`` → an ``mb_citation`` token."""
    pos = state.pos
    src = state.src
    if src[pos] != "[" or pos + 2 >= state.posMax or "@" not in src[pos:pos + 200]:
        return False
    end = pos + 1
    limit = min(state.posMax, pos + _MAX_CITATION)
    while end < limit and src[end] not in "[]\n":
        end += 1
    if end >= limit or src[end] != "]":
        return False
    inside = src[pos + 1:end]
    if not _CITATION.search(inside) or src[end + 1:end + 2] in ("(", "[", ":"):
        return False
    if not silent:
        token = state.push("mb_citation", "", 0)
        token.content = src[pos:end + 1]
        token.meta = {"keys": [m.group(0).lstrip(" \t\n;-@") for m in _CITATION.finditer(inside)]}
    state.pos = end + 1
    return True


def _fence(state: StateBlock, line: int) -> tuple[int, str] | None:
    """``(colons, attributes)`` of a fence line, or None."""
    if state.sCount[line] - state.blkIndent >= 4:
        return None
    text = state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]
    match = _FENCE.match(text)
    return (len(match.group(1)), match.group(2)) if match else None


def fenced_div_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """``::: {.class}`` … ``:::``: a div around the blocks between.

    A fence with attributes opens a div; a bare fence closes the innermost
    one, so divs nest whatever the number of colons (Pandoc's rule).
    """
    opening = _fence(state, start)
    if opening is None or not opening[1]:
        return False
    # Lines the rule may still scan: unclosed fences must not make it quadratic.
    left = state.env.get("mb_div_budget")
    if left is None:
        left = 20 * state.lineMax + 10_000
    if left <= 0:
        return False
    depth, close = 1, None
    for line in range(start + 1, end):
        left -= 1
        if state.sCount[line] < state.blkIndent:
            break
        found = _fence(state, line)
        if found is None:
            continue
        depth += 1 if found[1] else -1
        if depth == 0:
            close = line
            break
    state.env["mb_div_budget"] = left
    if close is None:
        return False
    if silent:
        return True
    token = state.push("mb_div_open", "div", 1)
    token.meta = {"attrs": _div_attrs(opening[1])}
    token.map = [start, close + 1]
    old_max, old_parent = state.lineMax, state.parentType
    state.lineMax, state.parentType = close, "mb_div"
    state.md.block.tokenize(state, start + 1, close)
    state.lineMax, state.parentType = old_max, old_parent
    state.push("mb_div_close", "div", -1)
    state.line = close + 1
    return True


def _div_attrs(text: str) -> dict[str, str]:
    """``{#id .a .b key=v}`` or a bare class word (``::: warning``)."""
    text = text.strip()
    if text.startswith("{") and text.endswith("}"):
        parsed = parse_attr_line(text[1:-1])
        if parsed is None:
            return {}
        found: dict[str, str] = {}
        for key, value in parsed.attrs:
            if key == "class":
                found["class"] = f"{found.get('class', '')} {value}".strip()
            elif key in ("id", "lang"):
                found[key] = value
        if parsed.word:
            found["class"] = f"{parsed.word} {found.get('class', '')}".strip()
        return found
    word = text.split()[0] if text.split() else ""
    return {"class": word} if word else {}


def callout_kind(classes: str) -> str | None:
    """The admonition a div's classes name (``callout-warning`` → warning)."""
    for name in classes.split():
        kind = name.removeprefix("callout-").lower()
        if kind in CALLOUTS:
            return kind
    return None


def container_line_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """A lone container start or end tag line → an ``html_block`` of that line."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    text = state.src[state.bMarks[start] + state.tShift[start]:state.eMarks[start]]
    match = _LONE_TAG.match(text)
    if (not match or match.group(2).lower() not in HTML_CONTAINERS
            or match.group(3).rstrip().endswith("/")):
        return False
    if silent:
        return True
    token = state.push("html_block", "", 0)
    token.map = [start, start + 1]
    token.content = text + "\n"
    state.line = start + 1
    return True


def pandoc_plugin(md: MarkdownIt) -> None:
    dollarmath_plugin(md, allow_space=False, allow_digits=False, allow_labels=False,
                      double_inline=True)
    md.inline.ruler.before("link", "mb_citation", citation_rule)
    md.block.ruler.before("fence", "mb_fenced_div", fenced_div_rule,
                          {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.block.ruler.before("html_block", "mb_html_container", container_line_rule,
                          {"alt": ["paragraph", "reference", "blockquote"]})


def table_captions(root: etree._Element) -> None:
    """A paragraph ``Table: …`` or ``: …`` right before or after a table
    becomes its ``<caption>`` (the table keeps one it already has)."""
    for table in list(root.iter("table")):
        if table.find("caption") is not None:
            continue
        for candidate in (table.getnext(), table.getprevious()):
            if candidate is None or candidate.tag != "p":
                continue
            text = (candidate.text or "").lstrip()
            prefix = "Table:" if text.startswith("Table:") else ":" if text.startswith(": ") else ""
            if not prefix or not text_content(candidate)[len(prefix):].strip():
                continue
            caption = etree.Element("caption")
            caption.text = text[len(prefix):].lstrip()
            for child in list(candidate):
                caption.append(child)
            table.insert(0, caption)
            candidate.getparent().remove(candidate)
            break


class PandocRendering:
    """The renderer's handlers for Pandoc's blocks (mixed into it)."""

    warn: Callable[[str, str, int | None], None]
    citations: list[tuple[str, int | None]]
    math_count: int

    def _report_pandoc(self, env: dict[str, Any]) -> None:
        """One finding per file for what Pandoc's citeproc or LaTeX would do."""
        if self.citations:
            first, line = self.citations[0]
            more = f" and {len(self.citations) - 1} more" if len(self.citations) > 1 else ""
            self.warn("MD080", f"{len(self.citations)} citation(s) such as {first}{more} are kept "
                      "as written: make_book formats no bibliography (run pandoc --citeproc "
                      "first to get formatted references)", line)
        if self.math_count:
            self.warn("MD081", f"{self.math_count} TeX formula(s) ($…$) are kept as TeX source "
                      "(print cannot draw MathML)", None)

    def _math_block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        self.math_count += 1
        block = etree.Element("p", {"class": "tex-math-display"})
        self._set_line(block, token)
        self._apply_block_attrs(block)
        etree.SubElement(block, "code", {"class": "tex-math"}).text = xml_safe(token.content.strip())
        self._top.append(block)
        return index + 1

    def _div(self, tokens: list[Token], index: int) -> int:
        """A Pandoc fenced div: a div, or a callout for admonition classes."""
        token = tokens[index]
        attrs = dict(token.meta.get("attrs") or {})
        kind = callout_kind(attrs.get("class", ""))
        if kind:
            el = etree.Element("aside", {"class": f"callout callout-{kind}",
                                         "role": "doc-tip" if kind == "tip" else "note"})
        else:
            el = etree.Element("div")
        self._set_line(el, token)
        self._apply_block_attrs(el)
        if attrs.get("id"):
            self._set_id(el, attrs["id"], token.map[0] + 1 if token.map else None)
        if attrs.get("class"):
            self._add_classes(el, attrs["class"])
        if attrs.get("lang"):
            el.set("lang", attrs["lang"])
        self._push(el, "mb_div_open")
        return index + 1

