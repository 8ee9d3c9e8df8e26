"""Print page numbers carried into the EPUB (EPUB Accessibility 1.1 §5.4).

When the EPUB and the print PDF are built together, a reader of the ebook
should be able to follow "see page 112" or a lecture's "turn to page 40".
EPUB Accessibility 1.1 asks for exactly this when one workflow makes both
editions: a page-break marker where each print page begins, a page list
linking them, and the print edition named as the pagination source.

How a page's start is found.  The PDF writer tags every text block of the
HTML it lays out with ``data-mb-key`` (:mod:`book.pagination`), enumerated
on the same model trees this module edits.  For each laid-out page we walk
WeasyPrint's box tree (the page's root box: running heads and folios live in
margin boxes, footnotes in the footnote area, so neither is seen) to the
first box of body text, and from it to its keyed block.  Positions inside a
block are counted in letters and digits only ("alnum" characters), case
folded: whitespace, line-end hyphens added by hyphenation, soft hyphens and
punctuation are ignored, so a word split across two pages ("es-" /
"tablishment") or across lines counts the same in the layout and in the
model.  The model position is then moved back to the start of its word, so
the marker sits before the word that starts the page, or before the word
that was split between the pages.

If a block's layout text differs from the model's (a writer that adds or
drops a few characters), positions are mapped through a sequence alignment
of the two texts instead of being taken as equal.

Where markers go.  A page that begins with a new block gets its marker as
the block's first child, before its text; a page that begins inside a
block gets it inside the text, before the word.  A page that opens with a
heading gets the marker just before the heading instead (before its
``header``/``hgroup`` if it has one): inside, the page number would join the
heading's accessible name ("12 Chapter One"), and the stylesheets accept a
marker there (``span[epub|type~=pagebreak]:first-child + h1``).  A page that
opens with a picture (a figure, or a paragraph holding only an image) gets
the marker before the picture, not at the text that follows it.  Never
elsewhere between blocks: a ``<span>`` there is not allowed in lists and
tables.  Blank pages and pages with
no body text (half-title, title page, imprint, the printed contents: the
writers generate those outside the chapter trees, and the EPUB has its own
versions of them) get no marker; a reading system would have nowhere
meaningful to put them.

Codes: PAGE001 (note) how many pages were carried over; PAGE002 (note) a
block whose text differs between the layout and the model; PAGE003 (note)
a layout key that names no block of the model.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from .context import BuildContext
from .model import Book
from .pagination import KEY_ATTRIBUTE, parse_key, text_blocks
from .xhtml import HEADING_TAGS, EPUB_TYPE, IdFactory, epub_types, iter_elements

#: Elements whose text is not part of the running text (note calls: the
#: print layout turns them into footnote calls; page markers already there).
_SKIPPED_ROLES = frozenset({"doc-noteref", "doc-pagebreak"})
#: What :func:`_page_text` yields for an image in the page's flow.
IMAGE = "\x00image"


@dataclass
class PageStart:
    """Where one printed page begins: its folio and a position in a block."""

    page_index: int
    label: str
    chapter_index: int
    block_index: int
    #: Alnum characters of the block laid out on earlier pages.
    offset: int
    #: The page opens with an image, before any text.
    image_first: bool = False


_ALNUM_RUN = re.compile(r"[^\W_]+")
#: Characters after which a line (and so a page) may break inside a
#: "word" that has no space: hyphens and dashes ("well-/known", "me—/though").
_BREAK_AFTER = frozenset("-\u2010\u2012\u2013\u2014\u2015")


def _alnum(text: str) -> str:
    """The letters and digits of ``text``, case folded (str.casefold is
    per character, so the text and its characters fold alike)."""
    return "".join(_ALNUM_RUN.findall(text.casefold()))


@dataclass
class _Segment:
    """One text or tail string of a block, and the alnum count before it."""

    node: etree._Element
    attr: str  # "text" or "tail"
    text: str
    start: int


@dataclass
class _BlockText:
    """A block's own text as alnum characters, and where they come from."""

    segments: list[_Segment] = field(default_factory=list)
    string: str = ""

    def locate(self, offset: int) -> tuple[etree._Element, str, int]:
        """The string position of the ``offset``-th alnum character."""
        starts = [segment.start for segment in self.segments]
        segment = self.segments[max(bisect.bisect_right(starts, offset) - 1, 0)]
        count = segment.start
        for index, ch in enumerate(segment.text):
            if ch.isascii():
                width = 1 if ch.isalnum() else 0
            else:
                width = len(_alnum(ch))
            if count + width > offset:
                return segment.node, segment.attr, index
            count += width
        return segment.node, segment.attr, len(segment.text)


# --------------------------------------------------------------- the layout

def _is_skipped_layout_element(element: Any) -> bool:
    if element is None or not hasattr(element, "get"):
        return False
    if element.get("role") in _SKIPPED_ROLES:
        return True
    return "noteref" in (element.get("class") or "").split()


def _page_text(page_box: Any) -> Iterator[tuple[str, str]]:
    """``(key, text)`` for every text box of the page's main flow, in order
    (``(IMAGE, "")`` for an image, so a page that opens with one is known).

    Text of pseudo-elements (markers, ``::before``, footnote calls), of note
    calls and of elements without a keyed block ancestor is left out.
    """
    from weasyprint.formatting_structure import boxes

    if not page_box.children:
        return
    root = page_box.children[0]  # the html box; margin boxes and footnotes follow it
    stack: list[tuple[Any, str | None]] = [(root, None)]
    while stack:
        box, key = stack.pop()
        tag = getattr(box, "element_tag", "") or ""
        if "::" in tag:
            continue
        element = getattr(box, "element", None)
        if _is_skipped_layout_element(element):
            continue
        if isinstance(box, boxes.TextBox):
            if key is not None and box.text:
                yield key, box.text
            continue
        if isinstance(box, boxes.ReplacedBox):
            yield IMAGE, ""
            continue
        if element is not None and hasattr(element, "get"):
            own = element.get(KEY_ATTRIBUTE)
            if own:
                key = own
        children = getattr(box, "children", None) or ()
        for child in reversed(children):
            stack.append((child, key))


def page_runs(page: Any, info: Any = None) -> list[tuple[str, str]]:
    """The page's keyed body text as ``(key, alnum characters)`` runs, in
    order (``(IMAGE, "")`` for an image); a page extractor
    (book/writers/pdf/extract.py), so it runs wherever the page was laid out."""
    runs: list[tuple[str, str]] = []
    for key, text in _page_text(page._page_box):
        if key == IMAGE:
            runs.append((IMAGE, ""))
            continue
        chars = _alnum(text)
        if not chars:
            continue
        if runs and runs[-1][0] == key:
            runs[-1] = (key, runs[-1][1] + chars)
        else:
            runs.append((key, chars))
    return runs


def rebase_runs(runs: list[tuple[str, str]], chapter_base: int) -> list[tuple[str, str]]:
    """Runs of a chunk laid out with chunk-relative keys, made book-wide."""
    out = []
    for key, chars in runs:
        if key != IMAGE:
            chapter, _, block = key.partition(".")
            if chapter.isdigit():
                key = f"{int(chapter) + chapter_base}.{block}"
        out.append((key, chars))
    return out


def find_page_starts(pages: Sequence[list[tuple[str, str]]], page_labels: list[str],
                     blank_pages: set[int] | list[int],
                     model_length: Callable[[str], int]) -> tuple[list[PageStart], dict[str, str]]:
    """Every page that begins inside keyed body text, and each block's layout text.

    ``pages`` holds each page's :func:`page_runs`.  ``model_length(key)``
    is the alnum length of a block in the model (0 for an unknown key): a
    block met again after the layout had moved on and laid it out in full is
    a repeat — the header row a table repeats at the top of each page — and
    is not counted twice.  Returns the page starts and, per key, the alnum
    text the layout gave the block.
    """
    blank = set(blank_pages)
    laid_out: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    starts: list[PageStart] = []
    last_key = None
    for index, runs in enumerate(pages):
        first: tuple[str, int] | None = None
        image_first = False
        for key, chars in runs:
            if key == IMAGE:
                image_first = image_first or first is None
                continue
            done = counts.get(key, 0)
            if key != last_key and done and done >= model_length(key):
                continue  # a repeated table header, already laid out in full
            last_key = key
            if first is None:
                first = (key, done)
            laid_out.setdefault(key, []).append(chars)
            counts[key] = done + len(chars)
        if first is None or index in blank:
            continue
        key, offset = first
        try:
            chapter_index, block_index = parse_key(key)
        except ValueError:
            continue
        label = page_labels[index] if index < len(page_labels) else str(index + 1)
        starts.append(PageStart(index, label, chapter_index, block_index, offset,
                                image_first and offset == 0))
    return starts, {key: "".join(parts) for key, parts in laid_out.items()}


# ---------------------------------------------------------------- the model

def _is_skipped_model_element(el: etree._Element) -> bool:
    if el.get("role") in _SKIPPED_ROLES:
        return True
    types = epub_types(el)
    return "noteref" in types or "pagebreak" in types


def block_text(block: etree._Element, nested: set[etree._Element]) -> _BlockText:
    """The alnum characters of ``block``'s own text, with their places.

    Nested keyed blocks (a list inside a list item; ``nested`` may hold every
    block of the chapter, ``block`` included) are their own blocks and are
    skipped, as are note calls and existing page markers.
    """
    segments: list[_Segment] = []
    pieces: list[str] = []
    count = 0

    def add(node: etree._Element, attr: str, text: str | None) -> None:
        nonlocal count
        if not text:
            return
        chars = _alnum(text)
        if chars:
            segments.append(_Segment(node, attr, text, count))
            pieces.append(chars)
            count += len(chars)

    # Iterative walk: (element, entering?) so tails come after children.
    add(block, "text", block.text)
    stack: list[tuple[etree._Element, bool]] = [(child, True) for child in reversed(block)]
    while stack:
        node, entering = stack.pop()
        if not entering:
            add(node, "tail", node.tail)
            continue
        stack.append((node, False))
        if not isinstance(node.tag, str) or node in nested or _is_skipped_model_element(node):
            continue
        add(node, "text", node.text)
        stack.extend((child, True) for child in reversed(node))
    return _BlockText(segments, "".join(pieces))


#: Texts longer than this are aligned in a window around the position only,
#: so a huge paragraph that differs slightly cannot make alignment quadratic.
_ALIGN_WHOLE = 20_000
_ALIGN_WINDOW = 2_000


def _map_offset(layout: str, model: str, offset: int) -> int:
    """The model offset matching ``offset`` in the layout text."""
    if layout == model or not layout:
        return min(offset, len(model))
    if len(layout) + len(model) <= _ALIGN_WHOLE:
        base_layout = base_model = 0
    else:
        base_layout = max(offset - _ALIGN_WINDOW, 0)
        base_model = max(min(offset, len(model)) - 2 * _ALIGN_WINDOW, 0)
        layout = layout[base_layout:offset + _ALIGN_WINDOW]
        model = model[base_model:min(offset, len(model)) + 2 * _ALIGN_WINDOW]
        offset -= base_layout
    matcher = difflib.SequenceMatcher(None, layout, model, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 <= offset < i2:
            return base_model + j1 + (offset - i1 if tag == "equal" else 0)
    return base_model + len(model)


# ------------------------------------------------------------------ markers

def _word_start(text: str, index: int) -> int:
    """Back from ``index`` to where a line may break: after a space, a
    hyphen or a dash.  A page can only begin inside a word that hyphenation
    split; the marker then goes before the whole (part of the) word."""
    while index > 0 and not text[index - 1].isspace() and text[index - 1] not in _BREAK_AFTER:
        index -= 1
    return index


def _marker(ident: str, label: str) -> etree._Element:
    span = etree.Element("span")
    span.set(EPUB_TYPE, "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", ident)
    span.set("aria-label", label)
    return span


def _insert_at_start(block: etree._Element, marker: etree._Element) -> None:
    """The marker as the block's first child, before its text; before the
    heading itself when the block is a heading."""
    if block.tag in HEADING_TAGS and block.getparent() is not None:
        target = block
        parent = block.getparent()
        if parent.tag in ("header", "hgroup") and parent.getparent() is not None:
            target = parent
        marker.tail = None
        target.addprevious(marker)
        return
    marker.tail = block.text
    block.text = None
    block.insert(0, marker)


#: Containers where a marker may not stand between the children.
_NO_MARKER_BETWEEN = frozenset({"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr",
                                "colgroup", "hgroup", "ruby", "picture"})


def _image_before(block: etree._Element) -> etree._Element | None:
    """The figure or image-only block just before ``block`` (or holding it):
    where a page that opens with that picture really begins."""
    for node in (block, *block.iterancestors()):
        if node.tag == "figure":
            return node
        if node.tag in ("section", "article", "body", "aside", "div"):
            break
    previous = block.getprevious()
    while previous is not None and not isinstance(previous.tag, str):
        previous = previous.getprevious()
    if previous is not None and previous.tag in ("p", "div", "figure") and \
            next(previous.iter("img"), None) is not None and \
            not _alnum("".join(previous.itertext())):
        return previous
    return None


def _insert_before_image(block: etree._Element, marker: etree._Element) -> bool:
    """Put ``marker`` before the picture that opens the page; False when there is none."""
    picture = _image_before(block)
    parent = picture.getparent() if picture is not None else None
    if picture is None or parent is None or parent.tag in _NO_MARKER_BETWEEN:
        return False
    marker.tail = None
    picture.addprevious(marker)
    return True


def _insert_in_text(node: etree._Element, attr: str, index: int, marker: etree._Element) -> None:
    if attr == "text":
        text = node.text or ""
        node.text = text[:index] or None
        marker.tail = text[index:] or None
        node.insert(0, marker)
    else:
        text = node.tail or ""
        node.tail = text[:index] or None
        marker.tail = text[index:] or None
        parent = node.getparent()
        parent.insert(parent.index(node) + 1, marker)


@dataclass
class _Placement:
    start: PageStart
    block: etree._Element
    #: None: at the start of the block; else (element, attr, index) in its text.
    place: tuple[etree._Element, str, int] | None


def insert_page_breaks(book: Book, layout: Any, ctx: BuildContext) -> None:
    """Insert a page-break marker into the model where each print page begins.

    ``layout`` is the print PDF writer's PrintLayout: ``extracted["text"]`` (each
    page's :func:`page_runs`; else they are read from ``document``),
    ``page_labels`` (the folio printed on each
    page) and ``blank_pages`` (0-based indexes).
    """
    runs = (getattr(layout, "extracted", None) or {}).get("text")
    if runs is None:  # a layout without extracted text: read its document
        document = getattr(layout, "document", None)
        if document is None:
            return
        runs = [page_runs(page) for page in document.pages]
    labels = [str(label) for label in (getattr(layout, "page_labels", None) or [])]
    blank = set(getattr(layout, "blank_pages", None) or ())

    blocks: dict[str, etree._Element] = {}
    nested_by_chapter: list[set[etree._Element]] = []
    for chapter_index, chapter in enumerate(book.chapters):
        found = list(text_blocks(chapter.tree))
        nested_by_chapter.append(set(found))
        for block_index, block in enumerate(found):
            blocks[f"{chapter_index}.{block_index}"] = block
    texts: dict[str, _BlockText] = {}

    def text_of(key: str) -> _BlockText:
        if key not in texts:
            chapter_index = int(key.split(".")[0])
            texts[key] = block_text(blocks[key], nested_by_chapter[chapter_index])
        return texts[key]

    def model_length(key: str) -> int:
        return len(text_of(key).string) if key in blocks else 0

    starts, laid_out = find_page_starts(runs, labels, blank, model_length)

    placements: list[_Placement] = []
    unknown = differing = 0
    for start in starts:
        key = f"{start.chapter_index}.{start.block_index}"
        block = blocks.get(key)
        if block is None:
            unknown += 1
            continue
        model = text_of(key)
        layout_text = laid_out.get(key, "")
        if layout_text != model.string:
            differing += 1
        offset = _map_offset(layout_text, model.string, start.offset)
        if offset == 0 or not model.string:
            placements.append(_Placement(start, block, None))
            continue
        offset = min(offset, len(model.string) - 1)
        node, attr, index = model.locate(offset)
        text = (node.text if attr == "text" else node.tail) or ""
        start_index = _word_start(text, index)
        if offset - len(_alnum(text[start_index:index])) <= 0:
            # The page begins in (a split of) the block's first word.
            placements.append(_Placement(start, block, None))
            continue
        placements.append(_Placement(start, block, (node, attr, start_index)))

    ids = IdFactory(el.get("id") for chapter in book.chapters for el in iter_elements(chapter.tree)
                    if el.get("id"))
    idents = [ids.make(f"page-{placement.start.label}") for placement in placements]
    # Insert from the end so earlier positions stay valid.
    for placement, ident in zip(reversed(placements), reversed(idents)):
        marker = _marker(ident, placement.start.label)
        if placement.place is None:
            if placement.start.image_first and _insert_before_image(placement.block, marker):
                continue
            _insert_at_start(placement.block, marker)
        else:
            _insert_in_text(*placement.place, marker)

    if unknown:
        ctx.diag.note("PAGE003", f"page list: {unknown} page(s) began in a block the book does "
                      "not have; they have no marker")
    if differing:
        ctx.diag.note("PAGE002", f"page list: {differing} page(s) began in a block whose printed "
                      "text differs from the ebook's; their markers were placed by alignment")
    pages = len(runs)
    ctx.diag.note("PAGE001", f"page list: {len(placements)} of {pages} print pages marked in the "
                  f"EPUB (the others are blank or hold no body text)")


__all__ = ["PageStart", "block_text", "find_page_starts", "insert_page_breaks", "page_runs",
           "rebase_runs"]
