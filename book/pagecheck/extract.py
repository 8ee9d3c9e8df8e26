"""From WeasyPrint's laid-out pages to :class:`~.summary.PageSummary`.

The box tree of each page (CSS 2.1 §9 visual formatting model, as
WeasyPrint builds it): the page box holds the root element's block box, one
box per page-margin box (CSS Paged Media 3 §5.3, ``@top-center``...) and
the footnote area (GCPM 3 §2).  Block boxes hold line boxes, line boxes
hold text boxes.  One walk per page reads what the checks need: each line's
text, place and kind, the margin boxes' text, and the characters no font
drew (:mod:`.glyphs`).

Kinds come from the element a line sits in and its ancestors (``pre`` is
code, ``div.verse`` verse, ``table`` table...), with the classes the PDF
writer adds (``mb-division``, ``mb-front-block``, ``mb-toc``).

:class:`Summarizer` keeps what crosses page boundaries (which blocks were
already seen, where a preformatted block's text has got to); a layout made
in chunks uses one per chunk and :func:`finish` on the joined list.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from . import summary as s
from .glyphs import GlyphProbe
from .summary import Line, MissingGlyph, PageSummary

#: Attribute naming a figure or table the layout may move (set by the PDF writer).
FLOAT_ATTRIBUTE = "data-mb-float"
#: The text of a folio: Arabic or lower-case Roman numerals.
FOLIO = re.compile(r"^(?:\d+|[ivxlcdm]+)$")
#: Margin boxes that hold running heads (the others hold folios).
_HEAD_BOXES = ("@top-center", "@top-left", "@top-right")
_HEADINGS = {f"h{n}": n for n in range(1, 7)}
#: Kinds an inner element cannot change (generated matter, notes).
_STICKY = frozenset({s.FRONT, s.CONTENTS, s.NOTE})
_CONTEXT_CHARS = 24


@lru_cache(maxsize=1)
def _boxes() -> Any:
    """WeasyPrint's box classes, imported on first use (checks on stored
    summaries never need WeasyPrint)."""
    from weasyprint.formatting_structure import boxes

    return boxes


def _classes(element: Any) -> tuple[str, ...]:
    return tuple((element.get("class") or "").split()) if element is not None else ()


def _kind_of(tag: str, classes: tuple[str, ...], outer: str) -> str:
    """The kind of lines inside an element, given the kind around it."""
    if outer in _STICKY:
        return outer
    if "mb-toc" in classes:
        return s.CONTENTS
    if "mb-front-block" in classes or "mb-dedication" in classes or "mb-epigraph" in classes:
        return s.FRONT
    if tag in _HEADINGS:
        return s.HEADING
    if "footnotes" in classes or "mb-footnote" in classes or "footnote" in classes or \
            "mb-endnotes" in classes:
        return s.NOTE
    if tag in ("figcaption", "caption"):
        return s.CAPTION
    if outer in (s.TABLE, s.CODE, s.CAPTION):
        return outer
    if tag == "pre":
        return s.CODE
    if tag == "table":
        return s.TABLE
    if tag == "figure":
        return s.FIGURE
    if outer == s.FIGURE:
        return outer
    if tag == "div" and "verse" in classes:
        return s.VERSE
    if outer == s.VERSE:
        return outer
    if tag == "blockquote":
        return s.QUOTE
    if tag in ("li", "dd", "dt"):
        return s.LIST
    if outer in (s.QUOTE, s.LIST):
        return outer
    if tag == "p":
        return s.PARAGRAPH
    return outer


class _Context:
    """What a box inherits from its ancestors during the walk."""

    __slots__ = ("kind", "division", "block", "element", "box", "tag", "level", "area",
                 "float_id")

    def __init__(self, kind: str = s.OTHER, division: str = "", block: str = "",
                 element: Any = None, box: Any = None, tag: str = "", level: int = 0,
                 area: str = "body", float_id: str = ""):
        self.kind, self.division, self.block = kind, division, block
        #: The block element lines belong to, and its box on this page.
        self.element, self.box = element, box
        self.tag, self.level, self.area, self.float_id = tag, level, area, float_id

    def copy(self) -> _Context:
        return _Context(self.kind, self.division, self.block, self.element, self.box, self.tag,
                        self.level, self.area, self.float_id)


class Summarizer:
    """Summarizes the pages of one layout, in order (see the module docstring)."""

    def __init__(self, *, glyphs: bool = True) -> None:
        self.probe = GlyphProbe() if glyphs else None
        self._keys: dict[int, str] = {}
        self._numbers: dict[str, int] = {}
        #: The division on the page being read (footnotes are keyed by it).
        self._here = ""
        self._seen: set[str] = set()
        #: Preformatted blocks: key → (source text, how far lines have matched).
        self._pre: dict[str, list] = {}
        self._space: dict[tuple, float] = {}

    # ------------------------------------------------------------ pages

    def page(self, page: Any, number: int, label: str = "") -> PageSummary:
        """The summary of one WeasyPrint :class:`~weasyprint.document.Page`."""
        box = page._page_box  # the public Page exposes no box tree
        page_type = box.page_type
        top = box.content_box_y()
        out = PageSummary(
            number=number, label=label, name=page_type.name or "", blank=bool(page_type.blank),
            width=float(page.width), height=float(page.height), content_top=float(top),
            content_bottom=float(top + box.height), anchors=sorted(page.anchors),
            content_left=float(box.content_box_x()),
            content_right=float(box.content_box_x() + box.width))
        boxes = _boxes()
        self._here = ""
        for child in box.children:
            if isinstance(child, boxes.MarginBox):
                text = " ".join(_text_of(child).split())
                if text:
                    out.margins[child.at_keyword] = text
            elif isinstance(child, boxes.FootnoteAreaBox):
                self._walk(child, _Context(kind=s.NOTE, area="footnotes"), out)
            else:
                self._walk(child, _Context(), out)
        for name, text in out.margins.items():
            if FOLIO.match(text) and not out.folio:
                out.folio = text
            elif name in _HEAD_BOXES and not out.running_head:
                out.running_head = text
        if not out.label:
            out.label = out.folio
        return out

    # ------------------------------------------------------------ boxes

    def _walk(self, box: Any, ctx: _Context, out: PageSummary) -> None:
        boxes = _boxes()
        stack: list[tuple[Any, _Context]] = [(box, ctx)]
        while stack:
            box, ctx = stack.pop()
            if isinstance(box, boxes.LineBox):
                self._line(box, ctx, out)
                continue
            if box.element is not None and not isinstance(box, boxes.TextBox):
                ctx = self._enter(box, ctx)
            if isinstance(box, boxes.ReplacedBox):
                self._picture(box, ctx, out)
                continue
            if isinstance(box, boxes.ParentBox):
                stack.extend((child, ctx) for child in reversed(box.children))

    def _enter(self, box: Any, ctx: _Context) -> _Context:
        boxes = _boxes()
        tag = box.element_tag
        if tag.endswith(("::before", "::after", "::marker", "::footnote-call",
                         "::footnote-marker")):
            return ctx
        classes = _classes(box.element)
        inner = ctx.copy()
        inner.kind = _kind_of(tag, classes, ctx.kind)
        if "mb-division" in classes:
            inner.division = self._here = box.element.get("id") or ""
        float_id = box.element.get(FLOAT_ATTRIBUTE)
        if float_id:
            inner.float_id = float_id
        if tag in _HEADINGS:
            inner.level = _HEADINGS[tag]
        elif inner.kind != s.HEADING:
            inner.level = 0
        is_block = isinstance(box, (boxes.BlockBox, boxes.TableCellBox, boxes.BlockReplacedBox)) \
            and not isinstance(box, boxes.InlineBlockBox)
        if is_block:
            if box.element is not ctx.element:
                inner.block = self._key(box, inner.division)
                inner.element = box.element
                inner.tag = tag
            inner.box = box
        return inner

    def _key(self, box: Any, division: str) -> str:
        """The block's ``data-mb-key``, else ``~division.n``: numbered within
        its division (a footnote's is the page's), so the same block gets the
        same key whether the book was laid out whole or in chunks of whole
        divisions."""
        element = box.element
        key = element.get("data-mb-key") if element is not None else None
        if key:
            return key
        division = division or self._here
        ident = id(element if element is not None else box)
        if ident not in self._keys:
            number = self._numbers[division] = self._numbers.get(division, 0) + 1
            self._keys[ident] = f"~{division}.{number}"
        return self._keys[ident]

    def _picture(self, box: Any, ctx: _Context, out: PageSummary) -> None:
        out.lines.append(Line(
            text="", kind=s.FIGURE if ctx.kind not in _STICKY else ctx.kind, tag=box.element_tag,
            block=self._key(box, ctx.division), division=ctx.division, x=float(box.position_x),
            y=float(box.position_y), width=float(box.margin_width()),
            height=float(box.margin_height()), measure=float(box.margin_width()),
            font_size=float(box.style["font_size"]), first=True, area=ctx.area,
            float_id=ctx.float_id, ppi=_ppi(box), image=_image_name(box)))

    def _line(self, line: Any, ctx: _Context, out: PageSummary) -> None:
        """One line box: its own text, and the lines of inline-blocks inside it."""
        boxes = _boxes()

        texts: list[Any] = []
        nested: list[Any] = []
        forced = False
        pending = list(reversed(line.children))
        while pending:
            child = pending.pop()
            if isinstance(child, boxes.TextBox):
                texts.append(child)
            elif isinstance(child, boxes.InlineBlockBox):
                nested.append(child)
            elif isinstance(child, boxes.ReplacedBox):
                self._picture(child, ctx, out)
            elif isinstance(child, boxes.ParentBox):
                if child.element_tag == "br":
                    forced = True
                pending.extend(reversed(child.children))
        text = "".join(box.text for box in texts)
        if text.strip():
            self._add_line(line, texts, text, forced, ctx, out)
        for block in nested:
            inner = self._enter(block, ctx) if block.element is not None else ctx
            self._walk_children(block, inner, out)

    def _walk_children(self, box: Any, ctx: _Context, out: PageSummary) -> None:
        for child in box.children:
            self._walk(child, ctx, out)

    def _add_line(self, line: Any, texts: list[Any], text: str, forced: bool, ctx: _Context,
                  out: PageSummary) -> None:
        first_box = texts[0]
        style = first_box.style
        font_size = float(style["font_size"]) or 1.0
        key = ctx.block or self._key(line, ctx.division)
        first = key not in self._seen
        self._seen.add(key)
        block_box = ctx.box if ctx.box is not None else line
        hyphen = style["hyphenate_character"]
        last_text = texts[-1].text.rstrip()
        hyphenated = bool(hyphen) and last_text.endswith(hyphen) and style["hyphens"] != "none"
        in_word = False
        if ctx.kind == s.CODE:
            newline, in_word = self._pre_break(key, ctx, text)
            forced = forced or newline
        item = Line(
            text=text.rstrip() if ctx.kind == s.CODE else text.strip(), kind=ctx.kind, tag=ctx.tag or line.element_tag or "",
            block=key, division=ctx.division, x=float(first_box.position_x),
            y=float(line.position_y), width=float(sum(b.width for b in texts)),
            height=float(line.height), measure=float(_measure(block_box)),
            font_size=font_size, first=first, level=ctx.level, hyphenated=hyphenated,
            word_space=self._word_space(texts), forced_break=forced, break_in_word=in_word,
            indent=float(first_box.position_x - block_box.content_box_x()), area=ctx.area,
            float_id=ctx.float_id, space=self._space_width(style))
        out.lines.append(item)
        if self.probe is not None:
            for box in texts:
                chars = self.probe.missing(box)
                if chars:
                    out.missing.append(MissingGlyph(
                        chars=chars, context=_around(text, chars), kind=ctx.kind,
                        family=(box.style["font_family"] or ("",))[0],
                        lang=box.style["lang"] or ""))

    def _pre_break(self, key: str, ctx: _Context, text: str) -> tuple[bool, bool]:
        """How a line of preformatted text ends: (at a newline of the source,
        between two characters of one word)."""
        state = self._pre.get(key)
        if state is None:
            source = "".join(ctx.element.itertext()) if ctx.element is not None else ""
            state = self._pre[key] = [source, 0]
        source, at = state
        stripped = text.rstrip(" \t")
        marked = stripped[:-1] if stripped.endswith("\u2010") else stripped
        found = source.find(marked, at) if marked else at
        if found < 0:
            return True, False
        end = found + len(marked)
        after = end
        while after < len(source) and source[after] in " \t":
            after += 1
        state[1] = after
        if after >= len(source) or source[after] == "\n":
            return True, False
        return False, after == end and bool(marked) and _wordish(marked[-1]) \
            and _wordish(source[end]) and not stripped.endswith("\u2010")

    def _word_space(self, texts: list[Any]) -> float:
        """A word space of the line in em: the font's space plus justification."""
        for box in texts:
            if " " in box.text:
                size = float(box.style["font_size"]) or 1.0
                return round(self._space_width(box.style) + box.justification_spacing / size, 4)
        return 0.0

    def _space_width(self, style: Any) -> float:
        from .glyphs import font_request

        request = font_request(style) + (style["word_spacing"], style["letter_spacing"])
        if request not in self._space:
            self._space[request] = _measure_space(style)
        return self._space[request]


def _measure_space(style: Any) -> float:
    """Width of one space in the style's font, in em."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango
    from weasyprint.text.line_break import Layout

    style = style.copy()
    style["font_size"] = 1000
    layout = Layout(style)
    layout.set_text("x x")
    line, _ = layout.get_first_line()
    with_space = ffi.new("PangoRectangle *")
    ink = ffi.new("PangoRectangle *")
    pango.pango_layout_line_get_extents(line, ink, with_space)
    wide = with_space.width * FROM_UNITS
    layout.set_text("xx")
    line, _ = layout.get_first_line()
    pango.pango_layout_line_get_extents(line, ink, with_space)
    narrow = with_space.width * FROM_UNITS
    return round(max(0.0, wide - narrow) / 1000, 4)


def _ppi(box: Any) -> int:
    """Pixels per inch of a raster picture at its printed size (the fewer
    of across and down; CSS px are 1/96 in), 0 for vector pictures."""
    from weasyprint.images import RasterImage

    image = getattr(box, "replacement", None)
    if not isinstance(image, RasterImage) or not box.width or not box.height:
        return 0
    across = image.width / (box.width / 96)
    down = image.height / (box.height / 96)
    return int(min(across, down))


def _image_name(box: Any) -> str:
    src = box.element.get("src", "") if box.element is not None else ""
    return src.rsplit("/", 1)[-1][:80] if not src.startswith("data:") else "(embedded)"


def _wordish(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _measure(box: Any) -> float:
    return box.width if box.width is not None else 0.0


def _text_of(box: Any) -> str:
    return "".join(b.text for b in box.descendants() if isinstance(b, _boxes().TextBox))


def _around(text: str, chars: str) -> str:
    """The text around the first of ``chars`` in ``text``."""
    positions = [text.find(ch) for ch in chars if ch in text]
    at = min(positions) if positions else 0
    start = max(0, at - _CONTEXT_CHARS)
    return " ".join(text[start:at + _CONTEXT_CHARS].split())


def finish(pages: list[PageSummary]) -> list[PageSummary]:
    """Mark each block's last line across the whole book (after all pages,
    from any number of summarizers, are in order)."""
    last: dict[str, Line] = {}
    for page in pages:
        for line in page.lines:
            last[line.block] = line
    for line in last.values():
        line.last = True
    return pages


def summarize(pages: list[Any], labels: list[str] | None = None, *, first_number: int = 1,
              glyphs: bool = True) -> list[PageSummary]:
    """Summaries of WeasyPrint pages, numbered from ``first_number``."""
    summarizer = Summarizer(glyphs=glyphs)
    out = [summarizer.page(page, first_number + i, labels[i] if labels and i < len(labels) else "")
           for i, page in enumerate(pages)]
    return finish(out)
