"""Code in print: never broken inside a word without a mark.

A printed listing cannot scroll.  When a line of code is longer than the
measure, WeasyPrint wraps it wherever it must (``overflow-wrap: anywhere``),
which can split ``WordprocessingMLPackage`` before its last letter with
nothing to say so.  Typesetters of programming books do one of two things
(The Chicago Manual of Style 17th ed. §7.42 for URLs and code; O'Reilly's
and Manning's house styles for listings): set the listing a little smaller
so its longest line fits, or break the line at a space or after a
punctuation mark and show a continuation mark (here ``↩``) with the rest
indented under it.

This needs the measure and the font's advance, which only the layout knows
exactly, so it is a second step: :func:`fit_code_blocks` reads the first
layout's page summaries (:mod:`book.pagecheck`), rewrites the listings that
wrapped, and the writer lays the book out again.  Inline code in running
text gets break opportunities after punctuation (like URLs, no mark) and
soft hyphens between the humps of long camel-case names (a hyphen shows
where one breaks): :func:`inline_break_points`, before the first layout.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml import etree

from ...pagecheck import PageSummary
from ...pagecheck.summary import CODE
from ...pagination import KEY_ATTRIBUTE
from ...xhtml import add_class, element

#: Continuation mark at the end of a line of code broken to fit.
MARK = "\u21a9"
#: A listing is set at most this much smaller to fit its longest line.
MIN_SCALE = 0.82
#: A line of code standing out this far (CSS px) past the measure did not
#: wrap where it should have (WeasyPrint finds no break in a line whose
#: text runs through inline elements): fitted like a wrapped one (LAY008).
OVERFLOW = 0.5
#: Columns a continuation line is indented by, past the line's own indent.
HANG = 2
#: Characters after which a line of code may break (and before which for
#: opening brackets).
_BREAK_AFTER = frozenset(" ,;.:)]}>/\\|&=+-*_")
_BREAK_BEFORE = frozenset("([{<")
#: Inline code tokens at least this long get break opportunities.
LONG_TOKEN = 16
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ZWSP = "\u200b"
_SHY = "\u00ad"


# ------------------------------------------------------------ listings


def fit_code_blocks(root: etree._Element, pages: list[PageSummary]) -> set[str]:
    """Rewrite the listings the layout had to wrap; return the ids of the
    divisions they are in.

    A listing whose longest line fits at :data:`MIN_SCALE` of its size or
    more is set that much smaller; any other is set at that size and its
    long lines are broken at a space or punctuation, ending in
    :data:`MARK`, the rest hanging :data:`HANG` columns in.
    """
    wrapped: dict[str, list] = defaultdict(list)
    for page in pages:
        for line in page.body_lines:
            if line.kind == CODE:
                wrapped[line.block].append(line)
    changed: set[str] = set()
    blocks = {el.get(KEY_ATTRIBUTE): el for el in root.iter("pre") if el.get(KEY_ATTRIBUTE)}
    for key, lines in wrapped.items():
        pre = blocks.get(key)
        if pre is None or "mb-code-fitted" in (pre.get("class") or "").split() or not any(
                (not ln.forced_break and not ln.last) or ln.overflow > OVERFLOW
                for ln in lines):
            continue  # fitted once, on exact measurements: not again
        columns = _columns(lines)
        if columns < 8:
            continue
        source = "".join(pre.itertext()).expandtabs(4)
        longest = max((len(text) for text in source.split("\n")), default=0)
        size = lines[0].font_size
        if longest * MIN_SCALE <= columns:
            scale = max(MIN_SCALE, int(100 * columns / longest) / 100)
            _scale(pre, size * scale)
        else:
            _scale(pre, size * MIN_SCALE)
            width = int(columns / MIN_SCALE) - 1  # one column for the mark
            _insert_breaks(pre, break_points(source, width))
        changed.add(lines[0].division)
    return changed


def _columns(lines: list) -> int:
    """How many characters of the listing's font fit on one of its lines."""
    advances = [ln.width / len(ln.text) for ln in lines if len(ln.text) >= 8 and ln.width > 0]
    if not advances:
        return 0
    advance = max(advances)  # monospace: all equal; the widest is the safe one
    return int(lines[0].measure / advance + 0.01)


def _scale(pre: etree._Element, size: float) -> None:
    """Set the listing at ``size`` CSS pixels (its size was measured in the
    layout, so whatever the stylesheets said, this is relative to it)."""
    style = (pre.get("style") or "").rstrip("; ")
    pre.set("style", (style + "; " if style else "") + f"font-size: {size:.2f}px")
    add_class(pre, "mb-code-fitted")


def break_points(source: str, width: int) -> list[tuple[int, str]]:
    """Where to break ``source`` so that no line is longer than ``width``:
    (offset, text to insert before the mark's newline: the indent after)."""
    out: list[tuple[int, str]] = []
    offset = 0
    for raw in source.split("\n"):
        indent = len(raw) - len(raw.lstrip(" "))
        hang = " " * min(indent + HANG, max(0, width // 2))
        start, limit = 0, width
        while len(raw) - start > limit:
            cut = _cut(raw, start, start + limit)
            out.append((offset + cut, hang))
            start = cut
            limit = width - len(hang)
        offset += len(raw) + 1
    return out


def _cut(line: str, start: int, end: int) -> int:
    """The best place to break ``line`` before column ``end``: at a space in
    the later half of the line, else after punctuation there, else exactly
    at ``end`` (the mark shows the break)."""
    floor = start + (end - start) // 2
    for at in range(end, floor, -1):
        if line[at - 1] == " " or (at < len(line) and line[at] == " "):
            return at
    for at in range(end, floor, -1):
        if line[at - 1] in _BREAK_AFTER or (at < len(line) and line[at] in _BREAK_BEFORE):
            return at
    return end


def _insert_breaks(pre: etree._Element, points: list[tuple[int, str]]) -> None:
    """Insert the mark, a newline and the hang at each flat-text offset."""
    for offset, hang in sorted(points, reverse=True):
        node, attr, at = _locate(pre, offset)
        value = getattr(node, attr) or ""
        mark = element("span", MARK, attrib={"class": "mb-code-mark", "aria-hidden": "true"})
        mark.tail = "\n" + hang + value[at:].lstrip(" ")
        setattr(node, attr, value[:at].rstrip(" ") or None)
        if attr == "text":
            node.insert(0, mark)
        else:
            node.addnext(mark)


def _locate(pre: etree._Element, offset: int) -> tuple[etree._Element, str, int]:
    """The text slot (element, "text" or "tail", index) at a flat-text offset
    (tabs counted as expanded, as :func:`fit_code_blocks` measures)."""
    seen = 0
    last: tuple[etree._Element, str, int] = (pre, "text", 0)
    for node, attr in _slots(pre):
        value = (getattr(node, attr) or "").expandtabs(4)
        if seen + len(value) >= offset and value:
            setattr(node, attr, value)
            return node, attr, offset - seen
        if value:
            setattr(node, attr, value)
            last = (node, attr, len(value))
        seen += len(value)
    return last


def _slots(el: etree._Element):
    yield el, "text"
    for child in el:
        if isinstance(child.tag, str):
            yield from _slots(child)
        yield child, "tail"


# ------------------------------------------------------------ inline code


def inline_break_points(tree: etree._Element) -> None:
    """Long tokens of inline code may break after punctuation (no mark, as
    URLs do) or between camel-case humps (with a hyphen)."""
    for code in tree.iter("code", "kbd", "samp"):
        if any(a.tag == "pre" for a in code.iterancestors()):
            continue
        for node, attr in _slots(code):
            value = getattr(node, attr)
            if value and len(value) >= LONG_TOKEN:
                setattr(node, attr, " ".join(_breakable(word) for word in value.split(" ")))


def _breakable(token: str) -> str:
    if len(token) < LONG_TOKEN:
        return token
    out = []
    for i, ch in enumerate(token):
        out.append(ch)
        if i + 1 < len(token) and ch in "./_:\\(,=&?" and token[i + 1] not in "./_:":
            out.append(_ZWSP)
    joined = "".join(out)
    return _SHY.join(part for part in _CAMEL.split(joined))
