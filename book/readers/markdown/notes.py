"""Footnotes the way Pandoc reads them, beyond markdown-it's plugin.

* A label defined twice keeps its **first** definition (Pandoc's rule);
  markdown-it would keep the last.  The later ones are dropped and reported
  (MD013), so every call resolves to exactly one note.
* A call written inside a raw HTML block (``<p>Text[^2]</p>``) is a call:
  Pandoc reads the text of HTML blocks as Markdown.  The calls found there
  are registered with the plugin before it gathers the notes, and the
  renderer turns them into note calls (:func:`link_calls`).
* Definitions inside an HTML container (``<div>`` … ``</div>``) are read
  because :mod:`.pandoc` gives the container's lines to Markdown; a
  definition line that still ends up inside a raw HTML block (``<p>…</p>``
  on the line before it) is taken out of the HTML and read as a note
  (:func:`definitions_in_html`), so its text is never printed raw.

:func:`definitions_in_html` runs before markdown-it's "inline" rule, the
other two between "inline" and "footnote_tail".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ...xhtml import EPUB_TYPE, append_text
from .tree import Frame, heading_slug

#: A note call: ``[^label]`` (no spaces in the label, as the plugin reads it).
CALL = re.compile(r"\[\^([^\]\s]{1,200})\]")
#: env key: the duplicate definitions dropped, as (label, 1-based line).
DUPLICATES = "mb_duplicate_notes"


def drop_duplicate_definitions(state: StateCore) -> None:
    """Keep the first definition of each label; remember the others."""
    seen: set[str] = set()
    keep: list = []
    skipping = 0
    for token in state.tokens:
        if skipping:
            if token.type == "footnote_reference_open":
                skipping += 1
            elif token.type == "footnote_reference_close":
                skipping -= 1
            continue
        if token.type == "footnote_reference_open" and token.level == 0:
            label = token.meta.get("label", "")
            if label in seen:
                line = token.map[0] + 1 if token.map else None
                state.env.setdefault(DUPLICATES, []).append((label, line))
                skipping = 1
                continue
            seen.add(label)
        keep.append(token)
    state.tokens = keep


_DEFINITION_LINE = re.compile(r"^ {0,3}\[\^([^\]\s]{1,200})\]:[ \t]*(.*)$")


def definitions_in_html(state: StateCore) -> None:
    """Footnote definition lines inside raw HTML blocks become definitions."""
    if not any(t.type == "html_block" and "[^" in t.content for t in state.tokens):
        return
    refs = state.env.setdefault("footnotes", {}).setdefault("refs", {})
    state.env["footnotes"].setdefault("list", {})
    tokens: list[Token] = []
    for token in state.tokens:
        tokens.append(token)
        if token.type != "html_block" or "[^" not in token.content:
            continue
        kept: list[str] = []
        for offset, line in enumerate(token.content.split("\n")):
            match = _DEFINITION_LINE.match(line)
            if not match:
                kept.append(line)
                continue
            label = match.group(1)
            line_map = [token.map[0] + offset, token.map[0] + offset + 1] if token.map else None
            if f":{label}" in refs:  # defined before: the first wins (MD013)
                state.env.setdefault(DUPLICATES, []).append(
                    (label, line_map[0] + 1 if line_map else None))
                continue
            refs[f":{label}"] = -1
            opener = Token("footnote_reference_open", "", 1)
            opener.meta, opener.map, opener.level = {"label": label}, line_map, token.level
            paragraph = Token("paragraph_open", "p", 1)
            paragraph.map, paragraph.level = line_map, token.level + 1
            inline = Token("inline", "", 0)
            inline.content, inline.map, inline.children = match.group(2), line_map, []
            inline.level = token.level + 2
            tokens += [opener, paragraph, inline, Token("paragraph_close", "p", -1),
                       Token("footnote_reference_close", "", -1)]
        token.content = "\n".join(kept)
    state.tokens = tokens


def register_html_calls(state: StateCore) -> None:
    """Calls inside HTML blocks count as calls of defined notes."""
    data = state.env.get("footnotes") or {}
    refs = data.get("refs") or {}
    if not refs:
        return
    notes = data.setdefault("list", {})
    for token in state.tokens:
        if token.type != "html_block" or "[^" not in token.content:
            continue
        found: dict[str, int] = {}
        for match in CALL.finditer(token.content):
            label = match.group(1)
            if f":{label}" not in refs:
                continue
            note_id = refs[f":{label}"]
            if note_id < 0:
                note_id = len(notes)
                notes[note_id] = {"label": label, "count": 0}
                refs[f":{label}"] = note_id
            notes[note_id]["count"] = notes[note_id].get("count", 0) + 1
            found[label] = note_id
        if found:
            token.meta = {**(token.meta or {}), "mb_note_calls": found}


def notes_plugin(md: MarkdownIt) -> None:
    """Install the two core rules around the footnote plugin's tail."""
    md.core.ruler.before("inline", "mb_html_note_definitions", definitions_in_html)
    md.core.ruler.before("footnote_tail", "mb_duplicate_notes", drop_duplicate_definitions)
    md.core.ruler.before("footnote_tail", "mb_html_note_calls", register_html_calls)


def link_calls(element: etree._Element, calls: dict[str, int],
               make_call: Callable[[etree._Element, int], etree._Element | None]) -> None:
    """Replace ``[^label]`` in the text under ``element`` by note calls.

    ``make_call(parent, note_id)`` appends a call to ``parent`` and returns
    it (None when the note is unknown: the text stays as it is).
    """
    for node in list(element.iter()):
        if not isinstance(node.tag, str) or node.tag in ("code", "pre", "kbd", "samp"):
            continue
        _split_text(node, calls, make_call, tail=False)
        for child in list(node):
            if child.tail and "[^" in child.tail:
                _split_text(child, calls, make_call, tail=True)


def _split_text(node: etree._Element, calls: dict[str, int],
                make_call: Callable[[etree._Element, int], etree._Element | None],
                *, tail: bool) -> None:
    text = node.tail if tail else node.text
    if not text or "[^" not in text:
        return
    pieces = CALL.split(text)  # text, label, text, label, ..., text
    if len(pieces) == 1:
        return
    parent = node.getparent() if tail else node
    if parent is None:
        return
    holder = etree.Element("span")
    holder.text = pieces[0]
    for index in range(1, len(pieces), 2):
        label, after = pieces[index], pieces[index + 1]
        call = make_call(holder, calls[label]) if label in calls else None
        if call is None:
            append_text(holder, f"[^{label}]")
        append_text(holder, after)
    moved = list(holder)
    if not moved:
        return
    if tail:
        node.tail = holder.text
        node.addnext(moved[0])
    else:
        node.text = holder.text
        node.insert(0, moved[0])
    previous = moved[0]
    for child in moved[1:]:  # addnext: linear, where insert(index) would be quadratic
        previous.addnext(child)
        previous = child


class NoteRendering:
    """The renderer's footnote handlers (mixed into it): keys, notes, warnings.

    Footnotes become ``<a epub:type="noteref" href="#KEY">`` calls and
    ``<aside epub:type="footnote" id="KEY">`` notes, KEY unique per file.
    """

    key_prefix: str
    warn: Callable[[str, str, int | None], None]
    note_keys: dict[int, str]
    notes: dict[str, etree._Element]
    ids: set[str]
    stack: list[Frame]

    def _assign_note_keys(self, env: dict[str, Any], source: str) -> None:
        data = env.get("footnotes") or {}
        taken: set[str] = set()
        for note_id, info in sorted((data.get("list") or {}).items()):
            label = info.get("label")
            base = heading_slug(label, 40) if label else str(note_id + 1)
            if label and base == "section":
                base = str(note_id + 1)
            key = f"fn-{self.key_prefix}-{base}"
            candidate, n = key, 2
            while candidate in taken:
                candidate = f"{key}-{n}"
                n += 1
            taken.add(candidate)
            self.note_keys[note_id] = candidate
        self.ids.update(taken)
        for label, line in env.get(DUPLICATES, ()):
            self.warn("MD013", f"footnote [^{label}] is defined again here; the first definition "
                      "is kept (as Pandoc does)", line)
        for ref, note_id in (data.get("refs") or {}).items():
            if note_id == -1:
                label = ref[1:]
                self.warn("MD011", f"footnote [^{label}] is defined but never referenced; "
                          "it was left out", _line_of(source, f"[^{label}]:"))

    def _footnote_block(self, tokens: list[Token], index: int) -> int:
        holder = etree.Element("div")
        self.stack.append(Frame(holder, "footnote_block_open"))
        return index + 1

    def _footnote(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        key = self.note_keys.get(token.meta.get("id", -1))
        aside = etree.Element("aside")
        aside.set(EPUB_TYPE, "footnote")
        if key:
            aside.set("id", key)
            self.notes[key] = aside
        self.stack.append(Frame(aside, "footnote_open"))
        return index + 1

    def _footnote_close(self, tokens: list[Token], index: int) -> int:
        self._close(tokens[index])  # type: ignore[attr-defined]
        return index + 1


def _line_of(source: str, needle: str) -> int | None:
    pos = source.find(needle)
    return source.count("\n", 0, pos) + 1 if pos >= 0 else None
