"""The second layout: repairs that need to know where the first one put things.

CSS alone cannot say "move this figure on if it does not fit and let the
text behind it fill the page" (CSS Page Floats, the draft that would, is
not implemented by WeasyPrint), nor how many characters of a listing fit
on a line.  So the writer lays the book out once, reads the pages
(:mod:`book.pagecheck`), and when something here applies, changes the HTML
and lays it out again (once):

* **floats** (:func:`defer_floats`): a figure or a table kept whole that
  did not fit at the foot of a page went to the next one, leaving a hole
  (and taking its heading along, or leaving a chapter's opening heading
  alone on its page).  It moves after the paragraphs that follow it, as
  far as they fill the hole, the way a typesetter floats figures
  (The Chicago Manual of Style 17th ed. §3.8: illustrations are placed
  after their first mention, as close as the page allows);
* **listings** (:mod:`.code`): lines of code the layout had to wrap.

Floats are marked before the first layout (:func:`mark_floats`) with
``data-mb-float``, which the page summaries carry as
:attr:`~book.pagecheck.Line.float_id`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from ...pagecheck import PageSummary, summarize
from ...pagecheck.extract import FLOAT_ATTRIBUTE
from ...pagecheck.summary import HEADING, NOTE
from ...pagination import KEY_ATTRIBUTE
from .code import fit_code_blocks

#: A hole at least this many lines high is worth filling.
MIN_HOLE_LINES = 3
#: Layouts at most, the first included (each settles the first hole of
#: every division; see :func:`defer_floats`).
MAX_LAYOUTS = 3
#: A float moves past at most this many paragraphs.
MAX_PARAGRAPHS = 4
#: Blocks that may flow up past a float (running text, not structure).
_FLOWING = frozenset({"p", "ul", "ol", "dl", "blockquote", "div"})


def mark_floats(tree: etree._Element, prefix: str) -> None:
    """Give every figure and table (and paragraph holding only a picture)
    of a division a ``data-mb-float`` name, unique in the book."""
    number = 0
    for el in tree.iter("figure", "table", "p"):
        if el.tag == "p" and not _picture_only(el):
            continue
        if any(a.get(FLOAT_ATTRIBUTE) for a in el.iterancestors()):
            continue
        number += 1
        el.set(FLOAT_ATTRIBUTE, f"{prefix}.{number}")


def _picture_only(p: etree._Element) -> bool:
    children = [c for c in p if isinstance(c.tag, str)]
    return (len(children) == 1 and children[0].tag == "img" and not (p.text or "").strip()
            and not (children[0].tail or "").strip())


def may_settle(root: etree._Element) -> bool:
    """Whether ``root`` holds anything the repairs apply to (listings,
    tables, figures, pictures): without, one layout is all there is."""
    return next(root.iter("pre", "table", "figure", "img"), None) is not None


def settle(root: etree._Element, document: Any) -> set[str]:
    """Apply the repairs to ``root`` after the layout ``document``; return
    the ids of the divisions that changed and must be laid out again
    (empty: nothing to do).  Divisions open on a new page, so a layout
    made in chunks need only lay out again the chunks holding them."""
    return settle_pages(root, document.pages)


def settle_pages(root: etree._Element, pages: Sequence[Any]) -> set[str]:
    """:func:`settle` on laid-out pages: WeasyPrint's pages, or anything
    with their ``_page_box``, ``width``, ``height`` and ``anchors`` (a
    chunk's page boxes before its margin boxes are made, worker.py)."""
    if not may_settle(root):
        return set()
    summaries = summarize(list(pages), glyphs=False)
    return fit_code_blocks(root, summaries) | defer_floats(root, summaries)


def defer_floats(root: etree._Element, pages: list[PageSummary]) -> set[str]:
    """Move floats that left a hole after the text that follows them;
    return the ids of the divisions where one moved.

    Only the first such float of each division moves: moving it changes
    where every later page of the division breaks, so later holes are
    judged again on the next layout.  Divisions open on a new page, so
    they do not disturb each other.
    """
    floats = {el.get(FLOAT_ATTRIBUTE): el for el in root.iter() if isinstance(el.tag, str)
              and el.get(FLOAT_ATTRIBUTE)}
    lines_of: dict[str, int] = defaultdict(int)
    for page in pages:
        for line in page.body_lines:
            lines_of[line.block] += 1
    done: set[str] = set()
    moved: set[str] = set()
    for page, following in zip(pages, pages[1:]):
        hole = _pushed_float(page, following)
        if hole is None or hole.division in done or hole.name not in floats:
            continue
        done.add(hole.division)
        if _defer(floats[hole.name], hole, lines_of) or _shrink(floats[hole.name], hole):
            moved.add(hole.division)
    return moved


@dataclass
class _Hole:
    """A float pushed to the next page, and the room it left."""

    name: str
    division: str
    #: Lines of running text that would fill the hole.
    lines: float
    #: Lines the float takes, and that a page holds.
    float_lines: float
    page_lines: float
    #: Height of the hole and of the float's pictures, in CSS pixels.
    hole_px: float = 0.0
    picture_px: float = 0.0
    float_px: float = 0.0


def _pushed_float(page: PageSummary, following: PageSummary) -> _Hole | None:
    """The float that opens ``following`` (after its headings) while ``page``
    ends in a hole of :data:`MIN_HOLE_LINES` lines or more."""
    body = [ln for ln in page.body_lines if ln.kind != NOTE]
    nxt = [ln for ln in following.body_lines if ln.kind != NOTE]
    if page.blank or not body or not nxt or nxt[0].division != body[-1].division:
        return None
    first = next((ln for ln in nxt if ln.kind != HEADING), None)
    if first is None or not first.float_id or not first.first:
        return None
    line_height = _line_height(body + nxt)
    if not line_height:
        return None
    bottom = max(ln.y + ln.height for ln in body)
    hole = page.content_bottom - bottom
    # Headings that went along with the float come back with the text.
    hole += sum(ln.height for ln in nxt[:nxt.index(first)])
    if hole / line_height < MIN_HOLE_LINES:
        return None
    own = [ln for ln in nxt if ln.float_id == first.float_id]
    height = max(ln.y + ln.height for ln in own) - min(ln.y for ln in own)
    pictures = sum(ln.height for ln in own if not ln.text and ln.kind == "figure")
    return _Hole(first.float_id, first.division, hole / line_height, height / line_height,
                 (following.content_bottom - following.content_top) / line_height,
                 hole, pictures, height)


def _line_height(lines: list) -> float:
    heights = sorted(ln.height for ln in lines if ln.text and ln.kind == "paragraph")
    return heights[len(heights) // 2] if heights else 0.0


def _defer(el: etree._Element, hole: _Hole, lines_of: dict[str, int]) -> bool:
    """Move ``el`` after the running text that follows it: as much as fills
    the hole, and no more than leaves room for ``el`` on the next page.
    False when nothing can flow up past it."""
    after: etree._Element | None = None
    total = 0.0
    count = 0
    sibling = el.getnext()
    while sibling is not None and count < MAX_PARAGRAPHS and total < hole.lines:
        if not isinstance(sibling.tag, str):
            sibling = sibling.getnext()
            continue
        if sibling.tag not in _FLOWING or sibling.get(FLOAT_ATTRIBUTE) or _has_float(sibling):
            break
        lines = sum(lines_of.get(d.get(KEY_ATTRIBUTE), 0) for d in sibling.iter()
                    if isinstance(d.tag, str) and d.get(KEY_ATTRIBUTE))
        if not lines:
            break
        overflow = total + lines - hole.lines
        if overflow > 0 and overflow + hole.float_lines > hole.page_lines:
            break  # the rest of this text and the float would not fit overleaf
        total += lines
        after = sibling
        count += 1
        sibling = sibling.getnext()
    if after is None or total < min(hole.lines, MIN_HOLE_LINES):
        return False  # too little text follows to fill the hole: leave the order alone
    tail, el.tail = el.tail, None
    prev = el.getprevious()
    parent = el.getparent()
    if tail and tail.strip():
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    after.addnext(el)
    return True


#: A picture is made at most this much smaller to fit the hole it left.
MIN_PICTURE_SCALE = 0.85
#: Room kept for a figure's margins (print.css: 0.9em above and below).
FLOAT_MARGINS_PX = 36.0


def _shrink(el: etree._Element, hole: _Hole) -> bool:
    """A float with nothing to flow up past it (the division's last block):
    make its picture a little smaller when that lets it fit the hole."""
    images = list(el.iter("img"))
    if len(images) != 1 or not hole.picture_px:
        return False
    # The float's margins are not in its lines' span: keep room for them.
    room = hole.hole_px - (hole.float_px - hole.picture_px) - FLOAT_MARGINS_PX
    if room < MIN_PICTURE_SCALE * hole.picture_px or room >= hole.picture_px:
        return False
    img = images[0]
    style = (img.get("style") or "").rstrip("; ")
    img.set("style", (style + "; " if style else "") + f"max-height: {room:.1f}px; width: auto")
    return True


def _has_float(el: etree._Element) -> bool:
    return any(d.get(FLOAT_ATTRIBUTE) for d in el.iter() if isinstance(d.tag, str))
