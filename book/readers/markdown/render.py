"""markdown-it tokens → the chapter tree conventions of ``book/model.py``.

:class:`Renderer` turns block tokens into elements (one handler per token
type, :data:`Renderer.HANDLERS`); the inline tokens inside each block are
:mod:`.inline`'s, and the stack, ids and attribute lines :mod:`.tree`'s.

Choices made here and there, each for the passes or readers downstream:

* every block that markdown-it knows the line of carries ``data-mb-line``;
  so does every ``img`` (the images pass names the line of a missing file);
* footnotes become ``<a epub:type="noteref" href="#KEY">`` calls and
  ``<aside epub:type="footnote" id="KEY">`` notes, KEY unique per file
  (the notes pass numbers and places them);
* table alignment becomes ``align-left|center|right`` classes, header cells
  ``<th scope="col">``;
* task list items get a text marker ☐/☑ with an accessible label instead
  of a form control;
* headings get the ``{#id}`` written after them or a slug of their text;
* raw HTML goes through :class:`~book.readers.markdown.raw_html.HtmlCleaner`;
  an HTML block that only opens a container (``<div class="note">``) wraps
  the Markdown that follows until its end tag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from lxml import etree
from markdown_it.token import Token

from ...limits import MAX_DEPTH
from ...xhtml import append_text, xml_safe
from .inline import InlineRenderer
from .latex import figures_from_tex_images
from .leanpub import ASIDE_KINDS
from .notes import NoteRendering, link_calls
from .pandoc import PandocRendering, table_captions
from .parser import MAX_NESTING
from .raw_html import PHRASING, tag_events, unclosed_tags
from .tree import CLASS_OK, LANG_OK, Frame, Rendered, heading_slug

#: Attribute-line keys the renderer applies.
APPLIED_KEYS = frozenset({"id", "class", "title", "caption", "lang", "format", "language",
                          "width", "float", "align", "alt"})
#: Leanpub keys about page layout or code numbering that an ebook ignores.
IGNORED_KEYS = frozenset({"linenos", "line-numbers", "starting-line-number", "number-from",
                          "crop-start", "crop-end", "type", "icon", "sample", "height",
                          "fullwidth", "position", "book", "toc", "number", "frame", "style",
                          "minwidth", "minheight", "resource", "source", "poster", "alt-text"})
#: HTML containers that may wrap the Markdown blocks following them.
FLOW_CONTAINERS = frozenset("div section article aside details figure blockquote header footer "
                            "main nav dl dd li ul ol".split())
#: Lines of Leanpub code blocks that mark changed lines (they are not code).
CODE_MARKERS = {
    "leanpub-start-insert": ("mark", "code-insert"),
    "leanpub-end-insert": None,
    "leanpub-start-delete": ("del", "code-delete"),
    "leanpub-end-delete": None,
}
_MATTER = {"frontmatter", "mainmatter", "backmatter"}
#: Callout kind → (element, ARIA role), from the Leanpub aside table.
_ASIDE_ELEMENTS = {kind: (tag, role) for kind, tag, role in ASIDE_KINDS.values()}


class Renderer(InlineRenderer, NoteRendering, PandocRendering):
    """Builds the tree of one document; create one per file."""

    # ------------------------------------------------------------ entry

    def render(self, tokens: list[Token], env: dict[str, Any], source: str = "") -> Rendered:
        body = etree.Element("div")
        self.stack = [Frame(body, "root")]
        self._assign_note_keys(env, source)
        self._reserve_explicit_ids(tokens)
        handlers = self.HANDLERS
        index, count = 0, len(tokens)
        while index < count:
            token = tokens[index]
            handler = handlers.get(token.type)
            if handler is not None:
                index = handler(self, tokens, index)
            elif token.nesting == 1:
                self._open(token, token.tag if token.tag and token.tag != "" else "div")
                index += 1
            elif token.nesting == -1:
                self._close(token)
                index += 1
            else:
                if token.content.strip():
                    append_text(self._top, token.content)
                index += 1
        if self.pending:
            self.warn("MD020", "attribute line with no block after it was ignored", self.pending_line)
        table_captions(body)
        self._report_pandoc(env)
        for frame in self.stack[1:]:
            if frame.opener == "html":
                line = frame.element.get("data-mb-line")
                self.warn("MD058", f"<{frame.tag}> is never closed, so it holds the rest of the "
                          "file", int(line) if line and line.isdigit() else None)
        self._check_depth(tokens)
        return Rendered(body, self.notes)

    # ------------------------------------------------------------ blocks

    def _attrs_line(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        line = token.map[0] + 1 if token.map else None
        for key, value in token.meta.get("attrs", ()):
            if key in APPLIED_KEYS:
                if key == "class" and "class" in self.pending:
                    value = f"{self.pending['class']} {value}"
                self.pending[key] = value
            elif key not in IGNORED_KEYS:
                self.warn("MD021", f"attribute {key!r} is not supported and was ignored", line)
        self.pending_line = line
        return index + 1

    def _directive(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        name = token.meta.get("name", "")
        line = token.map[0] + 1 if token.map else None
        if name in _MATTER:
            if len(self.stack) == 1:
                marker = etree.PI("mb-matter", name)
                self._top.append(marker)
            else:
                self.warn("MD023", f"{{{name}}} inside another block was ignored", line)
        elif name == "pagebreak":
            self.pending["class"] = f"{self.pending.get('class', '')} page-break-before".strip()
            self.pending_line = line
        return index + 1

    def _paragraph(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        inline = tokens[index + 1] if index + 1 < len(tokens) else None
        image = self._lone_image(inline)
        if image is not None and inline is not None:
            return self._image_paragraph(tokens, index, inline, image)
        if token.hidden:  # tight list: the text goes straight into the <li>
            if self.pending:
                self._apply_block_attrs(self._top)
            self._push(None, token.type)
        else:
            self._open(token, "p")
        return index + 1

    @staticmethod
    def _lone_image(inline: Token | None) -> Token | None:
        """The image token when a paragraph holds one image (maybe linked) only."""
        if inline is None or inline.type != "inline" or not inline.children:
            return None
        meaningful = [c for c in inline.children
                      if not (c.type == "text" and not c.content.strip()) and c.type != "softbreak"]
        types = [c.type for c in meaningful]
        if types == ["image"]:
            return meaningful[0]
        if types == ["link_open", "image", "link_close"]:
            return meaningful[1]
        return None

    def _image_paragraph(self, tokens: list[Token], index: int, inline: Token, image: Token) -> int:
        """An image alone in its paragraph: a figure when it has a caption."""
        paragraph = tokens[index]
        attrs = self._take_pending()
        caption = attrs.pop("caption", None) or attrs.pop("title", None) or image.attrs.get("title")
        image_attrs = {k: attrs.pop(k) for k in ("width", "float", "align", "alt") if k in attrs}
        image.meta = {**(image.meta or {}), "mb_block_attrs": image_attrs}
        if caption and str(caption).strip():
            container = etree.Element("figure")
            self._set_line(container, paragraph)
            self._apply_block_attrs(container, attrs)
            self._push(container, paragraph.type)
            self._render_inline(inline, container)
            for img in container.iter("img"):
                if img.get("title") == caption:
                    del img.attrib["title"]
            figcaption = etree.SubElement(container, "figcaption")
            figcaption.text = xml_safe(" ".join(str(caption).split()))
        elif paragraph.hidden:
            self._push(None, paragraph.type)
            self._render_inline(inline, self._top)
        else:
            container = etree.Element("p")
            self._set_line(container, paragraph)
            self._apply_block_attrs(container, attrs)
            self._push(container, paragraph.type)
            self._render_inline(inline, container)
        self.stack.pop()
        # skip the inline and the paragraph_close
        return index + 3 if index + 2 < len(tokens) and tokens[index + 2].type == "paragraph_close" else index + 2

    def _heading(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        level = token.tag if token.tag in ("h1", "h2", "h3", "h4", "h5", "h6") else "h2"
        el = self._open(token, level)
        if (token.meta or {}).get("part"):
            el.set("data-mb-part", "true")
        inline = tokens[index + 1] if index + 1 < len(tokens) else None
        if inline is not None and inline.type == "inline":
            found = self._heading_attrs(inline, strip=True) or {}
            if found.get("class"):
                self._add_classes(el, found["class"])
            if "part" in (el.get("class") or "").split():
                el.set("data-mb-part", "true")
            if found.get("lang") and LANG_OK.match(found["lang"]):
                el.set("lang", found["lang"])
            explicit = found.get("id")
            if explicit:
                self._set_id(el, explicit, token.map[0] + 1 if token.map else None)
            text = "".join(c.content for c in inline.children or []
                           if c.type in ("text", "code_inline", "mb_emoji"))
            if el.get("id") is None:
                el.set("id", self._unique_id(heading_slug(text)))
            self._github_alias(el, text)
            self._render_inline(inline, el)
            return index + 2
        return index + 1

    def _list(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        el = self._open(token, "ol" if token.type == "ordered_list_open" else "ul")
        start = token.attrs.get("start")
        if start is not None and str(start) != "1":
            el.set("start", str(start))
        if "contains-task-list" in str(token.attrs.get("class", "")):
            self._add_classes(el, "task-list")
        return index + 1

    def _list_item(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        el = self._open(token, "li")
        checked = (token.meta or {}).get("checked")
        if checked is not None:
            self._add_classes(el, "task")
            self.pending_task = bool(checked)
        return index + 1

    def _aside(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        kind = (token.meta or {}).get("kind", "aside")
        tag, role = _ASIDE_ELEMENTS.get(kind, ("aside", "note"))
        el = etree.Element(tag)
        self._set_line(el, token)
        el.set("class", "center" if kind == "center" else f"callout callout-{kind}")
        if role:
            el.set("role", role)
        own = {k: v for k, v in (token.meta or {}).get("attrs", ()) if k == "id"}
        self._apply_block_attrs(el, {**self._take_pending(), **own})
        self._push(el, "mb_aside_open")
        return index + 1

    def _alert(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        kind = str((token.meta or {}).get("kind", "note")).lower()
        el = etree.Element("aside", {"class": f"callout callout-{kind}",
                                     "role": "doc-tip" if kind == "tip" else "note"})
        self._set_line(el, token)
        self._apply_block_attrs(el)
        self._push(el, "alert_open")
        return index + 1

    def _alert_title(self, tokens: list[Token], index: int) -> int:
        el = self._open(tokens[index], "p")
        el.set("class", "callout-title")
        return index + 1

    def _table(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        attrs = self._take_pending()
        caption = attrs.pop("caption", None) or attrs.pop("title", None)
        el = etree.Element("table")
        self._set_line(el, token)
        self._apply_block_attrs(el, attrs)
        self._push(el, token.type)
        if caption:
            etree.SubElement(el, "caption").text = xml_safe(caption)
        return index + 1

    def _cell(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        tag = "th" if token.type == "th_open" else "td"
        el = etree.Element(tag)
        if tag == "th":
            el.set("scope", "col")
        style = str(token.attrs.get("style", ""))
        for align in ("left", "center", "right"):
            if style.endswith(align):
                el.set("class", f"align-{align}")
        self._push(el, token.type)
        return index + 1

    def _code(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        attrs = self._take_pending()
        info = token.info.strip() if token.type == "fence" else ""
        lang = _code_language(info) or attrs.get("lang") or attrs.get("format") or attrs.get("language")
        caption = attrs.get("title") or attrs.get("caption")
        pre = etree.Element("pre")
        self._set_line(pre, token)
        code = etree.SubElement(pre, "code")
        if lang and CLASS_OK.match(f"language-{lang}"):
            code.set("class", f"language-{lang}")
        _fill_code(code, token.content)
        block_attrs = {k: v for k, v in attrs.items() if k in ("id", "class")}
        if caption:
            figure = etree.Element("figure", {"class": "code"})
            self._set_line(figure, token)
            self._apply_block_attrs(figure, block_attrs)
            etree.SubElement(figure, "figcaption").text = xml_safe(" ".join(caption.split()))
            figure.append(pre)
            self._top.append(figure)
        else:
            self._apply_block_attrs(pre, block_attrs)
            self._top.append(pre)
        return index + 1

    def _rule(self, tokens: list[Token], index: int) -> int:
        el = etree.SubElement(self._top, "hr", {"class": "scene-break"})
        self._set_line(el, tokens[index])
        self._apply_block_attrs(el)
        return index + 1

    def _inline_block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        target = self._top
        self._render_inline(token, target)
        if target.tag == "p" and any(c.type == "mb_tex" for c in token.children or []):
            parent = target.getparent()
            if not len(target) and not (target.text or "").strip():
                if parent is not None:
                    parent.remove(target)  # only raw TeX (\newpage): nothing to print
            else:
                figures_from_tex_images(target)
        return index + 1

    def _tex_block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        holder = etree.Element("p")
        self._set_line(holder, token)
        self._tex_inline(token.meta["command"], holder, token.map[0] + 1 if token.map else None)
        if len(holder):
            self._apply_block_attrs(holder)
            self._top.append(figures_from_tex_images(holder))
        return index + 1

    def _skip(self, tokens: list[Token], index: int) -> int:
        return index + 1

    # ------------------------------------------------------------ raw HTML

    def _html_block(self, tokens: list[Token], index: int) -> int:
        token = tokens[index]
        line = token.map[0] + 1 if token.map else None
        content = token.content
        events = tag_events(content)
        leading_ends = 0
        for kind, tag in events:
            if kind != "end":
                break
            leading_ends += 1
            self._close_html(tag)
        if leading_ends and leading_ends == len(events):
            return index + 1
        attrs = self._take_pending()
        max_depth = max(1, MAX_DEPTH // 2 - len(self.stack))
        pieces = self.cleaner.fragment(content, line, max_depth)
        loose: etree._Element | None = None
        appended: list[etree._Element] = []
        for piece in pieces:
            if isinstance(piece, str) or piece.tag in PHRASING:
                if isinstance(piece, str) and not piece.strip() and loose is None:
                    continue
                if loose is None:
                    loose = etree.SubElement(self._top, "p")
                    self._set_line(loose, None, line)
                if isinstance(piece, str):
                    append_text(loose, piece)
                else:
                    if line is not None:
                        for el in piece.iter("img"):
                            el.set("data-mb-line", str(line))
                    loose.append(piece)
                continue
            loose = None
            if line is not None:
                for el in piece.iter("img"):
                    el.set("data-mb-line", str(line))
                piece.set("data-mb-line", str(line))
            self._top.append(piece)
            appended.append(piece)
        if (attrs or self.page_break_pending) and appended:
            self._apply_block_attrs(appended[0], attrs)
        if loose is not None:
            figures_from_tex_images(loose)
        calls = (token.meta or {}).get("mb_note_calls")
        if calls:
            for piece in [*appended, *([loose] if loose is not None else [])]:
                link_calls(piece, calls, lambda parent, note_id: self._note_call(parent, note_id, line))
        self._open_html_containers(unclosed_tags(content), appended)
        for tag in _unmatched_end_tags(events[leading_ends:]):
            self._close_html(tag)
        return index + 1

    def _open_html_containers(self, unclosed: list[str], appended: list[etree._Element]) -> None:
        """Keep an HTML block's unclosed container open for the Markdown below."""
        if not unclosed or not appended:
            return
        element = appended[-1]
        if element.tag != unclosed[0]:
            return
        chain = [element]
        for tag in unclosed[1:]:
            children = [c for c in chain[-1] if isinstance(c.tag, str)]
            if not children or children[-1].tag != tag:
                break
            chain.append(children[-1])
        for el in chain:
            if el.tag not in FLOW_CONTAINERS or not self._room():
                break
            self.stack.append(Frame(el, "html", el.tag))

    def _close_html(self, tag: str) -> None:
        """An end tag in an HTML block: close the matching open HTML container."""
        for depth in range(len(self.stack) - 1, 0, -1):
            frame = self.stack[depth]
            if frame.opener != "html":
                return
            if frame.tag == tag:
                element = frame.element
                del self.stack[depth:]
                if (not len(element) and not (element.text or "").strip()
                        and element.get("id") is None and element.getparent() is not None):
                    element.getparent().remove(element)  # held only note definitions
                return

    # ------------------------------------------------------------ checks

    def _check_depth(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.type == "paragraph_open" and (token.meta or {}).get("mb_flattened"):
                line = token.map[0] + 1 if token.map else None
                self.warn("MD030", f"Markdown nested deeper than {MAX_NESTING} levels; "
                          "the deeper part is kept as plain text", line)
                return

    HANDLERS: ClassVar[dict[str, Callable[[Renderer, list[Token], int], int]]] = {}


Renderer.HANDLERS = {
    "mb_attrs": Renderer._attrs_line,
    "mb_directive": Renderer._directive,
    "paragraph_open": Renderer._paragraph,
    "heading_open": Renderer._heading,
    "bullet_list_open": Renderer._list,
    "ordered_list_open": Renderer._list,
    "list_item_open": Renderer._list_item,
    "mb_aside_open": Renderer._aside,
    "alert_open": Renderer._alert,
    "alert_title_open": Renderer._alert_title,
    "table_open": Renderer._table,
    "th_open": Renderer._cell,
    "td_open": Renderer._cell,
    "fence": Renderer._code,
    "code_block": Renderer._code,
    "hr": Renderer._rule,
    "inline": Renderer._inline_block,
    "html_block": Renderer._html_block,
    "footnote_block_open": Renderer._footnote_block,
    "footnote_open": Renderer._footnote,
    "footnote_close": Renderer._footnote_close,
    "footnote_anchor": Renderer._skip,
    "front_matter": Renderer._skip,
    "mb_tex_block": Renderer._tex_block,
    "math_block": Renderer._math_block,
    "mb_div_open": Renderer._div,
}


def _code_language(info: str) -> str:
    """The language of a fence's info string (``python``, ``{.python}``, ``lang=py``)."""
    word = info.split(None, 1)[0] if info.split() else ""
    word = word.strip("{}").lstrip(".")
    word = word.removeprefix("language-")
    return word if word and CLASS_OK.match(f"x-{word}") else ""


def _fill_code(code: etree._Element, content: str) -> None:
    """Code text, with Leanpub's insert/delete marker lines made into marks."""
    content = content.removesuffix("\n")
    if "leanpub-" not in content:
        code.text = xml_safe(content)
        return
    current: etree._Element = code
    pieces: list[str] = []

    def flush() -> None:
        if pieces:
            append_text(current, "".join(pieces))
            pieces.clear()

    for line in content.split("\n"):
        marker = line.strip()
        if marker in CODE_MARKERS:
            flush()
            spec = CODE_MARKERS[marker]
            if spec is None:
                current = code
            else:
                current = etree.SubElement(code, spec[0], {"class": spec[1]})
            continue
        pieces.append(line + "\n")
    flush()
    last = code[-1] if len(code) else None
    if last is not None and last.tail and last.tail.endswith("\n"):
        last.tail = last.tail[:-1]
    elif last is not None and last.text and last.text.endswith("\n") and not last.tail:
        last.text = last.text[:-1]
    elif code.text and code.text.endswith("\n") and last is None:
        code.text = code.text[:-1]


def _unmatched_end_tags(events: list[tuple[str, str]]) -> list[str]:
    """End tags of an HTML block that close what an earlier block opened."""
    opened: list[str] = []
    unmatched: list[str] = []
    for kind, tag in events:
        if kind == "start":
            opened.append(tag)
        elif kind == "end":
            if tag in opened:
                while opened and opened.pop() != tag:
                    pass
            else:
                unmatched.append(tag)
    return unmatched
