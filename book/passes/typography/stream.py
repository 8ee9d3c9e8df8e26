"""A chapter's text as one string, edited as a whole and written back.

Typography needs context that markup cuts apart: in ``"<em>Tak</em>"`` the
quotes sit in two text nodes, and only the whole paragraph says which one
opens.  So the pass reads every text node (``el.text`` and ``el.tail``) of a
chapter into one string, in document order, runs the rules over that string,
and writes each node's share back.

* Each text node becomes one or more *segments*; the stream remembers where
  each segment starts (:attr:`Stream.bounds`).  Edits move those positions, so
  every node gets back exactly its own, edited, text.
* Things that must not be edited become one *placeholder character* in the
  stream: verbatim elements (code, pre, kbd, samp, var, math...), images, note
  calls and URLs written in the text are :data:`OBJECT`; ``<br/>`` is
  :data:`LINE`; the edge of a block (paragraph, heading, list item...) is
  :data:`BLOCK`.  Rules see them as context (a word, a line start, a
  paragraph start) but never change them: an edit touching one is dropped.
* Each segment carries a *key* (its language, and whether it sits in a
  heading), so the rules of the nearest ``lang`` apply to it.

Attributes are never read or written.  Everything is linear in the size of
the chapter: one walk of the tree, one join, and each edit list is merged
with the positions in one sweep.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from lxml import etree

from ...xhtml import BLOCK_TAGS, EPUB_TYPE, HEADING_TAGS, VERBATIM_TAGS, XML_LANG

OBJECT = "\ufffc"   # OBJECT REPLACEMENT CHARACTER: protected inline content
LINE = "\u2028"     # LINE SEPARATOR: <br/>
BLOCK = "\u2029"    # PARAGRAPH SEPARATOR: edge of a block
PLACEHOLDERS = frozenset(OBJECT + LINE + BLOCK)

#: Inline elements that stand for an object rather than text.
OBJECT_TAGS = frozenset({"img", "input", "video", "audio", "iframe", "object", "embed", "canvas",
                         "textarea", "select", "button", "picture", "meter", "progress"})
#: Elements that end one run of text and start another.
BLOCK_LIKE = BLOCK_TAGS | {"body", "caption", "summary", "legend", "figcaption", "article",
                           "main", "nav", "header", "footer", "section", "aside", "hgroup"}

#: URLs and e-mail addresses written in running text: left exactly as typed.
URL_RE = re.compile(
    r"(?:\b(?:https?|ftp)://|\bwww\.|\bmailto:)[^\s<>\"“”„«»]+"
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
_URL_TRAILING = ".,;:!?)]}'’\""

Edit = tuple[int, int, str]


def local_name(el: etree._Element) -> str:
    """The tag without a namespace (readers should strip it; be lenient)."""
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if tag[0] == "{" else tag


def _is_note_call(el: etree._Element) -> bool:
    return "noteref" in (el.get(EPUB_TYPE) or "").split()


@dataclass
class Stream:
    """The text of a tree as one string of segments."""

    text: str = ""
    #: Start of each segment in :attr:`text`, plus the end: len == segments + 1.
    bounds: list[int] = field(default_factory=list)
    #: Per segment: index into :attr:`slots`, or -1 for a separator.
    seg_slot: list[int] = field(default_factory=list)
    #: Per segment: the original text of a protected piece, or None if editable.
    seg_keep: list[str | None] = field(default_factory=list)
    #: Per segment: the key choosing the rules (language, heading...).
    seg_key: list[Hashable] = field(default_factory=list)
    #: The text nodes: (element, is_tail, first segment, end segment).
    slots: list[tuple[etree._Element, bool, int, int]] = field(default_factory=list)

    # -- reading the rules' results back -------------------------------------------

    def segment_at(self, pos: int) -> int:
        """Index of the segment holding position ``pos``."""
        return max(0, min(bisect_right(self.bounds, pos) - 1, len(self.seg_key) - 1))

    def runs(self) -> list[tuple[int, int, Hashable]]:
        """Maximal ranges of segments sharing a key: (first, end, key).

        Placeholders and protected pieces join the run around them, so a note
        call or a link does not split a paragraph into two runs.
        """
        runs: list[tuple[int, int, Hashable]] = []
        start, key = 0, None
        for index, seg_key in enumerate(self.seg_key):
            if self.seg_slot[index] < 0 or self.seg_keep[index] is not None:
                continue
            if key is None:
                key = seg_key
            elif seg_key != key:
                runs.append((start, index, key))
                start, key = index, seg_key
        if key is not None:
            runs.append((start, len(self.seg_key), key))
        return runs

    # -- editing -------------------------------------------------------------------

    def apply(self, edits: Iterable[Edit]) -> int:
        """Apply edits (sorted by start) to the text; return how many applied.

        Each edit is narrowed to the characters that really change, so a rule
        may return a whole match.  Edits that overlap an earlier one or would
        change a placeholder are dropped.  Segment bounds move with the text:
        a bound inside a replaced span keeps its offset, clipped to the
        replacement; an insertion at a bound goes to the later segment.
        """
        text = self.text
        narrowed: list[Edit] = []
        last_end = -1
        for start, end, new in edits:
            if end - start == 1 and len(new) == 1:  # the common case: one character
                if new == text[start] or start < last_end or text[start] in PLACEHOLDERS:
                    continue
                narrowed.append((start, end, new))
                last_end = end
                continue
            old = text[start:end]
            if old == new:
                continue
            head = 0
            limit = min(len(old), len(new))
            while head < limit and old[head] == new[head]:
                head += 1
            tail = 0
            while tail < limit - head and old[len(old) - 1 - tail] == new[len(new) - 1 - tail]:
                tail += 1
            start, end = start + head, end - tail
            new = new[head:len(new) - tail]
            if start < last_end or not PLACEHOLDERS.isdisjoint(text[start:end]):
                continue
            narrowed.append((start, end, new))
            last_end = end
        if not narrowed:
            return 0
        pieces: list[str] = []
        cursor = 0
        for start, end, new in narrowed:
            pieces.append(text[cursor:start])
            pieces.append(new)
            cursor = end
        pieces.append(text[cursor:])
        self.text = "".join(pieces)
        self.bounds = _move_bounds(self.bounds, narrowed)
        return len(narrowed)

    def write_back(self) -> int:
        """Put each text node's edited share back into the tree; count changes."""
        text, bounds, keep = self.text, self.bounds, self.seg_keep
        changed = 0
        for element, is_tail, first, end in self.slots:
            new = "".join(text[bounds[i]:bounds[i + 1]] if keep[i] is None else keep[i]
                          for i in range(first, end))
            old = element.tail if is_tail else element.text
            if new != old:
                if is_tail:
                    element.tail = new
                else:
                    element.text = new
                changed += 1
        return changed


def _move_bounds(bounds: list[int], edits: list[Edit]) -> list[int]:
    """Where each bound lands after the edits (see :meth:`Stream.apply`).

    A bound after an edit shifts by the length change; a bound inside a
    replaced span keeps its offset, clipped to the replacement.  With few
    edits the runs of bounds between them are found by bisection and moved
    in bulk; with many, one sweep over both lists is cheaper.
    """
    if len(edits) * 16 < len(bounds):
        return _move_bounds_sparse(bounds, edits)
    moved: list[int] = []
    index, delta, count = 0, 0, len(edits)
    for pos in bounds:
        while index < count:
            start, end, new = edits[index]
            if end < pos or (end == pos and start < end):
                delta += len(new) - (end - start)
                index += 1
            else:
                break
        if index < count and edits[index][0] < pos < edits[index][1]:
            start, end, new = edits[index]
            moved.append(start + delta + min(pos - start, len(new)))
        else:
            moved.append(pos + delta)
    return moved


def _move_bounds_sparse(bounds: list[int], edits: list[Edit]) -> list[int]:
    moved: list[int] = []
    index, delta = 0, 0
    for start, end, new in edits:
        first_inside = bisect_right(bounds, start, index)
        moved.extend(bounds[index:first_inside] if not delta
                     else [b + delta for b in bounds[index:first_inside]])
        after = bisect_left(bounds, end, first_inside) if start < end else first_inside
        size = len(new)
        moved.extend(start + delta + min(b - start, size) for b in bounds[first_inside:after])
        delta += size - (end - start)
        index = after
    moved.extend(bounds[index:] if not delta else [b + delta for b in bounds[index:]])
    return moved


class _Builder:
    """Collects segments while the tree is walked."""

    def __init__(self) -> None:
        self.pieces: list[str] = []
        self.stream = Stream()
        self.length = 0

    def _segment(self, text: str, slot: int, keep: str | None, key: Hashable) -> None:
        s = self.stream
        s.bounds.append(self.length)
        s.seg_slot.append(slot)
        s.seg_keep.append(keep)
        s.seg_key.append(key)
        self.pieces.append(text)
        self.length += len(text)

    def placeholder(self, char: str, key: Hashable) -> None:
        if char == BLOCK and self.pieces and self.pieces[-1] == BLOCK:
            return
        self._segment(char, -1, None, key)

    def slot(self, element: etree._Element, is_tail: bool, text: str, key: Hashable) -> None:
        s = self.stream
        slot_index = len(s.slots)
        first = len(s.seg_key)
        cursor = 0
        if "/" in text or "@" in text or "www." in text:
            for match in URL_RE.finditer(text):
                url_end = match.end()
                while url_end > match.start() + 1 and text[url_end - 1] in _URL_TRAILING:
                    url_end -= 1
                if match.start() > cursor:
                    self._segment(text[cursor:match.start()], slot_index, None, key)
                self._segment(OBJECT, slot_index, text[match.start():url_end], key)
                cursor = url_end
        if cursor < len(text) or cursor == 0:
            self._segment(text[cursor:], slot_index, None, key)
        s.slots.append((element, is_tail, first, len(s.seg_key)))

    def finish(self) -> Stream:
        s = self.stream
        s.bounds.append(self.length)
        s.text = "".join(self.pieces)
        return s


def collect(root: etree._Element, base_lang: str, *, track_headings: bool) -> Stream:
    """Read the text of ``root`` into a :class:`Stream`.

    Each segment's key is ``(lang, in_heading)``: the ``lang`` (or
    ``xml:lang``) of the nearest element carrying one, else ``base_lang``;
    ``in_heading`` only when ``track_headings`` (it costs extra runs).
    """
    builder = _Builder()
    root_lang = root.get("lang") or root.get(XML_LANG) or base_lang
    root_heading = track_headings and local_name(root) in HEADING_TAGS
    builder.placeholder(BLOCK, (root_lang, root_heading))
    if root.text:
        builder.slot(root, False, root.text, (root_lang, root_heading))
    # Frames: (element, lang, in heading, is block, children iterator).
    stack = [(root, root_lang, root_heading, True, iter(root))]
    while stack:
        element, lang, heading, block, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if block:
                builder.placeholder(BLOCK, (lang, heading))
            if stack and element.tail:
                parent = stack[-1]
                builder.slot(element, True, element.tail, (parent[1], parent[2]))
            continue
        key = (lang, heading)
        if not isinstance(child.tag, str):  # comment or processing instruction
            if child.tail:
                builder.slot(child, True, child.tail, key)
            continue
        name = local_name(child)
        if name in VERBATIM_TAGS or name in OBJECT_TAGS or (name == "a" and _is_note_call(child)):
            builder.placeholder(OBJECT, key)
        elif name == "br":
            builder.placeholder(LINE, key)
        else:
            child_lang = child.get("lang") or child.get(XML_LANG) or lang
            child_heading = heading or (track_headings and name in HEADING_TAGS)
            child_block = name in BLOCK_LIKE
            child_key = (child_lang, child_heading)
            if child_block:
                builder.placeholder(BLOCK, child_key)
            if child.text:
                builder.slot(child, False, child.text, child_key)
            stack.append((child, child_lang, child_heading, child_block, iter(child)))
            continue
        if child.tail:
            builder.slot(child, True, child.tail, key)
    return builder.finish()
