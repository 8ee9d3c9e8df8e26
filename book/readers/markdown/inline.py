"""Inline Markdown → elements: emphasis, links, images, note calls, raw tags.

:meth:`InlineRenderer._render_inline` walks an ``inline`` token's children
with a stack of its own (nesting is capped like the blocks' is), joining
text runs before they are written.  Links and images with unsafe URLs keep
their text or alt only; ``![](x.png)`` gets no ``alt`` at all, so the
accessibility pass reports the missing description instead of taking the
image for decoration.  Raw inline HTML goes through the cleaner of
:mod:`.raw_html`; an ``<svg>`` written inside a paragraph becomes an SVG
image (:func:`book.passes.sanitize.inline_svg.svg_image`).  Task list items
get a ☐/☑ marker with an accessible label in the book's language instead
of a form control.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import ClassVar

from lxml import etree
from markdown_it.token import Token

from ...limits import MAX_DEPTH
from ...passes.sanitize.inline_svg import svg_image
from ...xhtml import EPUB_TYPE, append_text, xml_safe
from .latex import TEX_ELEMENTS, LatexRendering
from .leanpub import width_class
from .raw_html import PHRASING, VOID, tag_events, unsafe_url
from .tree import ID_OK, TreeBuilder, Warn

#: Labels of the task-list markers, by language (primary subtag).
TASK_LABELS: dict[str, tuple[str, str]] = {
    "en": ("done", "not done"),
    "pl": ("zrobione", "do zrobienia"),
    "de": ("erledigt", "offen"),
    "fr": ("fait", "à faire"),
    "es": ("hecho", "pendiente"),
    "it": ("fatto", "da fare"),
    "cs": ("hotovo", "nehotovo"),
    "pt": ("feito", "por fazer"),
    "nl": ("klaar", "open"),
    "ru": ("сделано", "не сделано"),
}
CHECKED_MARK, UNCHECKED_MARK = "\u2611", "\u2610"

_MISSING_NOTE = re.compile(r"\[\^([^\]\s]+)\]")


class InlineRenderer(TreeBuilder, LatexRendering):
    """Renders the inline tokens of a block into its element."""

    def __init__(self, *, file: str, key_prefix: str, warn: Warn, lang: str = "",
                 image_file: Callable[[str], str | None] | None = None) -> None:
        super().__init__(file=file, key_prefix=key_prefix, warn=warn)
        self.task_labels = TASK_LABELS.get(lang.split("-")[0].lower(), TASK_LABELS["en"])
        self.pending_task: bool | None = None
        self.unused_warned: set[str] = set()
        self.image_file = image_file or (lambda name: None)
        self.page_break_pending = False
        #: Citations kept as written (``[@key]``), for one warning per file.
        self.citations: list[tuple[str, int | None]] = []
        self.math_count = 0
        self.cleaner.on_tex = self.tex_source

    # ------------------------------------------------------------ inline

    def _render_inline(self, token: Token, target: etree._Element) -> None:
        """Render an inline token's children into ``target``."""
        line = token.map[0] + 1 if token.map else None
        if (token.meta or {}).get("mb_brackets"):
            self.warn("MD032", "a paragraph with thousands of [ brackets was read without "
                      "link syntax", line)
        if self.pending_task is not None:
            checked, self.pending_task = self.pending_task, None
            label = self.task_labels[0 if checked else 1]
            etree.SubElement(target, "span", {"class": "task-marker", "role": "img",
                                              "aria-label": label}).text = (
                CHECKED_MARK if checked else UNCHECKED_MARK)
            append_text(target, " ")
        frames: list[tuple[etree._Element, str]] = [(target, "")]
        base_depth = len(self.stack)
        skipping: str | None = None
        texts: list[str] = []  # text waiting for the current element (joined once)

        def flush() -> None:
            if texts:
                append_text(frames[-1][0], "".join(texts))
                texts.clear()

        svg_markup: list[str] | None = None  # an inline <svg> being gathered

        for child in token.children or []:
            kind = child.type
            if skipping is not None:
                if svg_markup is not None:
                    svg_markup.append(child.content if kind in ("html_inline", "text", "mb_tex")
                                      else "\n" if kind.endswith("break") else "")
                if kind == "html_inline" and _end_tag_name(child.content) == skipping:
                    if svg_markup is not None:
                        flush()
                        gathered = "".join(svg_markup)
                        if skipping == "svg":
                            self._inline_svg(gathered, frames[-1][0], line)
                        else:  # <latex>…</latex>: the markup gathered is TeX
                            self.tex_source(gathered[gathered.find(">") + 1:]
                                            .rsplit("<", 1)[0], frames[-1][0], line)
                        svg_markup = None
                    skipping = None
                continue
            if kind == "text":
                content = child.content
                if "[^" in content:
                    content = self._missing_notes(content, line)
                texts.append(content)
                continue
            if kind == "softbreak":
                texts.append("\n")
                line = line + 1 if line is not None else None
                continue
            if kind == "mb_emoji":
                texts.append(child.content)
                continue
            flush()
            top = frames[-1][0]
            if kind == "hardbreak":
                etree.SubElement(top, "br")
                texts.append("\n")
                line = line + 1 if line is not None else None
            elif kind == "code_inline":
                code = etree.SubElement(top, "code")
                code.text = xml_safe(child.content)
                self._inline_attrs(code, child)
            elif kind == "image":
                self._image(child, top, line)
            elif kind == "footnote_ref":
                self._noteref(child, top, line)
            elif kind == "html_inline":
                skipping = self._html_inline(child, frames, line, base_depth)
                if skipping == "svg" or skipping in TEX_ELEMENTS:
                    svg_markup = [child.content]
            elif kind == "mb_tex":
                self._tex_inline(child.meta["command"], top, line)
            elif kind in ("math_inline", "math_inline_double"):
                self.math_count += 1
                math = etree.SubElement(top, "code", {"class": "tex-math"})
                math.text = xml_safe(child.content.strip())
            elif kind == "mb_citation":
                self.citations.append((child.content, line))
                cite = etree.SubElement(top, "span", {"class": "citation"})
                cite.text = xml_safe(child.content)
            elif child.nesting == 1:
                el = self._inline_open(child, line)
                if el is not None and self._inline_room(base_depth + len(frames)):
                    top.append(el)
                    frames.append((el, kind))
                else:
                    frames.append((top, kind))
            elif child.nesting == -1:
                opener = kind[:-len("_close")] + "_open"
                for depth in range(len(frames) - 1, 0, -1):
                    if frames[depth][1] == opener:
                        del frames[depth:]
                        break
            elif child.content:
                texts.append(child.content)
        flush()

    _INLINE_TAGS: ClassVar[dict[str, str]] = {"em_open": "em", "strong_open": "strong", "s_open": "del",
                    "sup_open": "sup", "sub_open": "sub"}

    def _inline_open(self, token: Token, line: int | None) -> etree._Element | None:
        tag = self._INLINE_TAGS.get(token.type)
        if tag is not None:
            return etree.Element(tag)
        if token.type == "link_open":
            href = str(token.attrs.get("href", ""))
            if unsafe_url(href):
                self.warn("MD052", f"unsafe link {href[:40]!r} removed (its text is kept)", line)
                return None
            el = etree.Element("a", {"href": xml_safe(href)})
            title = token.attrs.get("title")
            if title:
                el.set("title", xml_safe(str(title)))
            self._inline_attrs(el, token)
            return el
        if token.tag and token.tag in PHRASING:
            return etree.Element(token.tag)
        return None

    def _inline_attrs(self, el: etree._Element, token: Token) -> None:
        """Attributes written after an inline element: ``{#id .class}``."""
        for key in ("id", "class", "lang", "width"):
            value = token.attrs.get(key)
            if value is None:
                continue
            value = str(value)
            if key == "id":
                if ID_OK.match(value):
                    el.set("id", value)
            elif key == "class":
                self._add_classes(el, value)
            elif key == "width":
                name = width_class(value)
                if name:
                    self._add_classes(el, name)
            else:
                el.set("lang", xml_safe(value))

    def _image(self, token: Token, parent: etree._Element, line: int | None) -> None:
        src = str(token.attrs.get("src", ""))
        block = (token.meta or {}).get("mb_block_attrs") or {}
        alt = block.get("alt") or _plain_text(token.children or []) or str(token.content or "")
        if unsafe_url(src, image=True):
            self.warn("MD052", "unsafe image URL removed (its alt text is kept)", line)
            append_text(parent, alt)
            return
        img = etree.SubElement(parent, "img", {"src": xml_safe(src)})
        # ``![](x.png)`` is an image nobody described, not a decorative one:
        # leave alt out so the accessibility pass reports it.  A decorative
        # image says so with an explicit empty alt (``{alt: ""}`` before it).
        if alt.strip() or "alt" in block:
            img.set("alt", xml_safe(alt))
        title = token.attrs.get("title")
        if title:
            img.set("title", xml_safe(str(title)))
        if line is not None:
            img.set("data-mb-line", str(line))
        self._inline_attrs(img, token)
        for key in ("width", "float", "align"):
            if key in block:
                self._layout_class(img, key, block[key])

    def _noteref(self, token: Token, parent: etree._Element, line: int | None) -> None:
        note_id = token.meta.get("id", -1)
        if self._note_call(parent, note_id, line) is None:
            self.warn("MD012", f"footnote [^{token.meta.get('label', '')}] has no definition; "
                      "the call was left out", line)

    def _note_call(self, parent: etree._Element, note_id: int,
                   line: int | None) -> etree._Element | None:
        """A call of note ``note_id`` appended to ``parent`` (None: no such note)."""
        key = self.note_keys.get(note_id)
        if key is None:
            return None
        call = etree.SubElement(parent, "a", {"href": f"#{key}"})
        call.set(EPUB_TYPE, "noteref")
        call.text = str(note_id + 1)
        if line is not None:
            call.set("data-mb-line", str(line))
        return call

    def _missing_notes(self, text: str, line: int | None) -> str:
        """Calls of notes no definition gives: left out (Pandoc would print
        ``[^16]``; a book must not), each reported once."""
        for match in _MISSING_NOTE.finditer(text):
            label = match.group(1)
            if label not in self.unused_warned:
                self.unused_warned.add(label)
                self.warn("MD012", f"footnote [^{label}] has no definition; the call was left "
                          "out", line)
        return _MISSING_NOTE.sub("", text)

    def _html_inline(self, token: Token, frames: list[tuple[etree._Element, str]],
                     line: int | None, base_depth: int) -> str | None:
        """One inline tag; returns a tag name when its content must be skipped."""
        content = token.content
        if content.startswith(("<!", "<?")):
            return None  # comment, declaration, CDATA or processing instruction
        end = _end_tag_name(content)
        if end is not None:
            for depth in range(len(frames) - 1, 0, -1):
                if frames[depth][1] == f"html:{end}":
                    del frames[depth:]
                    break
            return None
        action, el = self.cleaner.open_tag(content, line, inline=True)
        if action == "drop":
            events = tag_events(content)
            name = events[0][1] if events else ""
            if not events or events[0][0] == "void" or name in VOID:
                return None
            return name
        if action != "keep" or el is None:
            return None
        if el.tag not in ("br", "img", "wbr", "area", "source", "track", "col", "hr"):
            if not self._inline_room(base_depth + len(frames)):
                return None
            frames[-1][0].append(el)
            frames.append((el, f"html:{el.tag}"))
            return None
        frames[-1][0].append(el)
        if el.tag == "img" and line is not None:
            el.set("data-mb-line", str(line))
        return None

    def _inline_svg(self, markup: str, parent: etree._Element, line: int | None) -> None:
        """An ``<svg>`` written inside a paragraph, as an SVG image (inline_svg.py)."""
        svg = next((p for p in self.cleaner.parse(markup, line)
                    if not isinstance(p, str) and p.tag == "svg"), None)
        img = svg_image(svg, svg) if svg is not None else None
        if img is None:
            self.warn("MD054", "an inline SVG drawing could not be read (or is over 2 MiB) and "
                      "was left out; use an image file", line)
            return
        if line is not None:
            img.set("data-mb-line", str(line))
        parent.append(img)

    def _inline_room(self, depth: int) -> bool:
        if depth < MAX_DEPTH // 2 + 8:
            return True
        if not self.depth_warned:
            self.depth_warned = True
            self.warn("MD031", f"inline markup nested deeper than {MAX_DEPTH // 2} levels "
                      "was flattened", None)
        return False


def _end_tag_name(content: str) -> str | None:
    """``</em >`` → ``em`` (CommonMark closing tags are ``</`` name spaces ``>``)."""
    if not content.startswith("</") or not content.endswith(">"):
        return None
    return content[2:-1].strip().lower() or None


def _plain_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline", "mb_emoji", "mb_citation", "math_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_plain_text(child.children or []))
    return " ".join("".join(parts).split())
