"""The tree one Markdown file is rendered into: block stack, ids, attributes.

markdown-it's token stream is flat (``*_open`` / ``*_close`` pairs), so the
tree is built with an explicit stack of open elements (:class:`Frame`) and
no recursion: a hostile document cannot exhaust Python's stack, and the
work is linear in the number of tokens.  :class:`TreeBuilder` holds that
stack, the ids taken in the file (written ``{#id}`` or made by
:func:`heading_slug`) and the attribute line waiting for its block
(``{id: x, class: y, width: 60%}``); :mod:`.inline` and :mod:`.render`
build on it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree
from markdown_it.token import Token

from ...limits import MAX_DEPTH
from .leanpub import parse_attr_line, width_class
from .raw_html import HtmlCleaner

Warn = Callable[[str, str, int | None], None]

_TRAILING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
#: An id the author may write (a valid XML name, ASCII).
ID_OK = re.compile(r"^[A-Za-z_][\w.\-]*$")
#: A language tag the author may write (the sanitize pass checks it fully).
LANG_OK = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8}){0,6}$")
#: A class name the author may write.
CLASS_OK = re.compile(r"^-?[A-Za-z_][\w\-]*$")
_SLUG_DROP = re.compile(r"[^\w\- ]+")
_SPACES = re.compile(r"\s+")


def heading_slug(text: str, max_length: int = 80) -> str:
    """GitHub/Pandoc-style id for a heading: ``Why Use Markdown?`` → ``why-use-markdown``.

    Letters of any script are kept (ids are Unicode in XHTML); the id starts
    with a letter so it is a valid XML name.
    """
    slug = _SPACES.sub("-", _SLUG_DROP.sub("", text.lower()).strip())
    start = 0
    while start < len(slug) and not slug[start].isalpha():
        start += 1
    slug = slug[start:start + max_length].strip("-")
    return slug or "section"


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, every character that is
    not a letter, mark, digit, ``_``, ``-`` or space removed, each space a
    hyphen (no collapsing): ``Spis treści`` → ``spis-treści``,
    ``1. Why?`` → ``1-why``.  Links written for GitHub use these."""
    kept = [ch for ch in text.strip().lower()
            if ch in " -_" or unicodedata.category(ch)[0] in "LMN"]
    return "".join(kept).replace(" ", "-")


@dataclass
class Frame:
    """One open element on the block stack."""

    element: etree._Element
    opener: str            # token type that opened it ("html" for raw HTML)
    tag: str = ""          # for HTML frames: the tag its end tag must name


@dataclass
class Rendered:
    """The body of one Markdown file and its footnotes."""

    body: etree._Element
    notes: dict[str, etree._Element] = field(default_factory=dict)


class TreeBuilder:
    """The state of one file's rendering and the moves on its tree."""

    def __init__(self, *, file: str, key_prefix: str, warn: Warn) -> None:
        self.file = file
        self.key_prefix = key_prefix
        self.warn = warn
        self.cleaner = HtmlCleaner(warn, file)
        self.ids: set[str] = set()       # every id taken or reserved in the file
        self.github_slugs: dict[str, int] = {}  # GitHub anchors given so far, with their count
        self.assigned: set[str] = set()  # ids already set on an element
        self.note_keys: dict[int, str] = {}
        self.notes: dict[str, etree._Element] = {}
        self.pending: dict[str, str] = {}
        self.pending_line: int | None = None
        self.stack: list[Frame] = []
        self.depth_warned = False
        self.page_break_pending = False  # a \newpage waits for the next block

    # ------------------------------------------------------------ stack

    @property
    def _top(self) -> etree._Element:
        return self.stack[-1].element

    def _room(self) -> bool:
        """False when one more level would exceed the depth limit."""
        if len(self.stack) < MAX_DEPTH // 2:
            return True
        if not self.depth_warned:
            self.depth_warned = True
            self.warn("MD031", f"content nested deeper than {MAX_DEPTH // 2} levels was flattened",
                      None)
        return False

    def _push(self, element: etree._Element | None, opener: str, tag: str = "") -> None:
        """Open ``element`` (None: a transparent frame that adds no element)."""
        if element is None or not self._room():
            self.stack.append(Frame(self._top, opener, tag))
            return
        self._top.append(element)
        self.stack.append(Frame(element, opener, tag))

    def _open(self, token: Token, tag: str) -> etree._Element:
        el = etree.Element(tag)
        self._set_line(el, token)
        self._apply_block_attrs(el)
        self._push(el, token.type)
        return el

    def _close(self, token: Token) -> None:
        opener = token.type[:-len("_close")] + "_open" if token.type.endswith("_close") else ""
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].opener == opener:
                del self.stack[depth:]
                return

    @staticmethod
    def _set_line(el: etree._Element, token: Token | None, line: int | None = None) -> None:
        if line is None and token is not None and token.map:
            line = token.map[0] + 1
        if line is not None:
            el.set("data-mb-line", str(line))

    # ------------------------------------------------------------ ids

    def _reserve_explicit_ids(self, tokens: list[Token]) -> None:
        for index, token in enumerate(tokens):
            if token.type == "heading_open" and index + 1 < len(tokens):
                inline = tokens[index + 1]
                found = self._heading_attrs(inline, strip=False)
                if found and found.get("id") and ID_OK.match(found["id"]):
                    self.ids.add(found["id"])
            elif token.type == "mb_attrs":
                for key, value in token.meta.get("attrs", ()):
                    if key == "id" and ID_OK.match(value):
                        self.ids.add(value)

    def _unique_id(self, base: str) -> str:
        candidate, n = base, 1
        while candidate in self.ids:
            candidate = f"{base}-{n}"
            n += 1
        self.ids.add(candidate)
        self.assigned.add(candidate)
        return candidate

    def _github_alias(self, el: etree._Element, text: str) -> None:
        """Remember the heading's GitHub anchor (numbered like GitHub's for a
        repeated heading) where it differs from its id; the links pass
        resolves links written for GitHub through it (``data-mb-alias``)."""
        base = github_slug(text)
        count = self.github_slugs.get(base, 0)
        self.github_slugs[base] = count + 1
        slug = base if count == 0 else f"{base}-{count}"
        if slug and slug != el.get("id"):
            el.set("data-mb-alias", slug)

    def _heading_attrs(self, inline: Token, *, strip: bool) -> dict[str, str] | None:
        """``{#id .class}`` at the end of a heading's text (stripped if asked)."""
        children = inline.children or []
        if not children or children[-1].type != "text":
            return None
        last = children[-1]
        match = _TRAILING_ATTRS.search(last.content)
        if not match:
            return None
        parsed = parse_attr_line(match.group(1))
        if parsed is None:
            return None
        found: dict[str, str] = {}
        if parsed.word is not None:
            if parsed.word != "-":
                return None
            found["class"] = "unnumbered"
        for key, value in parsed.attrs:
            if key == "id":
                found["id"] = value
            elif key == "class":
                found["class"] = f"{found.get('class', '')} {value}".strip()
            elif key == "lang":
                found["lang"] = value
            # other key=value pairs (Pandoc custom attributes) are not for the book
        if strip:
            last.content = last.content[:match.start()].rstrip()
        return found

    # ------------------------------------------------------------ attributes

    def _take_pending(self) -> dict[str, str]:
        pending, self.pending = self.pending, {}
        return pending

    def _apply_block_attrs(self, el: etree._Element, attrs: dict[str, str] | None = None) -> None:
        """Apply (and consume) a preceding attribute line to a block element."""
        attrs = self._take_pending() if attrs is None else attrs
        if self.page_break_pending:  # a \newpage came before this block
            self.page_break_pending = False
            self._add_classes(el, "page-break-before")
        for key, value in attrs.items():
            if key == "id":
                self._set_id(el, value)
            elif key == "class":
                self._add_classes(el, value)
            elif key in ("width", "float", "align"):
                self._layout_class(el, key, value)

    def _set_id(self, el: etree._Element, value: str, line: int | None = None) -> None:
        """An id written by the author; a second use in the file is renamed."""
        line = line if line is not None else self.pending_line
        if not ID_OK.match(value):
            self.warn("MD022", f"{value!r} is not a usable id (letters, digits, - and _)", line)
            return
        if value in self.assigned:
            renamed = self._unique_id(value)
            self.warn("MD022", f"id {value!r} is used twice in this file; the second is "
                      f"{renamed!r}", line)
            value = renamed
        el.set("id", value)
        self.ids.add(value)
        self.assigned.add(value)

    @staticmethod
    def _add_classes(el: etree._Element, value: str) -> None:
        names = [c for c in value.replace(",", " ").split() if CLASS_OK.match(c)]
        if names:
            existing = (el.get("class") or "").split()
            el.set("class", " ".join(dict.fromkeys(existing + names)))

    def _layout_class(self, el: etree._Element, key: str, value: str) -> None:
        value = value.strip().lower()
        if key == "width":
            name = width_class(value)
            if name is None:
                self.warn("MD022", f"width {value!r} is not a percentage such as 60%",
                          self.pending_line)
                return
        elif value in ("left", "right", "center", "inside", "outside", "middle"):
            name = f"{key}-{value}"
        else:
            return
        self._add_classes(el, name)
