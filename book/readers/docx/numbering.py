"""Word's numbered and bulleted lists, with their numbers as Word shows them.

mammoth makes ``<ol>``/``<ul>`` from the list level of each paragraph, but
loses what a reader sees: the number format (``I.``, ``a)``, ``iv.``), the
number a list continues from after a paragraph between its items, a list
restarted at 1, and the list an item belongs to when a nested list of
another numbering sits between its items.  So the lists are built here:

1. :func:`mark_list_paragraphs` (before mammoth) computes every list
   paragraph's level, format and number following Word's counting rules
   (ECMA-376 Part 1 §17.9: ``w:num`` instances of one ``w:abstractNum``
   share their counters; ``w:lvlOverride/w:startOverride`` restarts them;
   ``w:lvlRestart``; ``w:start``), takes the paragraph's numbering away from
   mammoth (``numId`` 0, "no numbering") and leaves a bookmark named
   ``_mbli_N`` at its start, which mammoth carries into the HTML;
2. :func:`build_lists` (after mammoth) turns each run of marked blocks into
   nested ``ol``/``ul`` elements by level: ``type`` and ``list-style-type``
   from the format, ``start`` from the first number, ``value`` where the
   numbers jump.

Paragraph numbering comes from the paragraph's ``w:numPr``, its style's
(through ``basedOn``), or a list level that names the style (``w:pStyle``).
Headings keep theirs (their numbers are the heading's business).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ...xhtml import remove_keep_tail
from .wordml import W

#: Marker bookmark names start with this (the rest is the item's number).
MARKER = "_mbli_"
#: Word number format → (``type`` attribute, CSS ``list-style-type``).
FORMATS: dict[str, tuple[str | None, str]] = {
    "decimal": ("1", "decimal"),
    "decimalZero": (None, "decimal-leading-zero"),
    "upperRoman": ("I", "upper-roman"),
    "lowerRoman": ("i", "lower-roman"),
    "upperLetter": ("A", "upper-alpha"),
    "lowerLetter": ("a", "lower-alpha"),
    "ordinal": ("1", "decimal"),
    "decimalEnclosedParen": ("1", "decimal"),
    "decimalEnclosedFullstop": ("1", "decimal"),
    "russianLower": (None, "lower-cyrillic"),
    "russianUpper": (None, "upper-cyrillic"),
    "lowerGreek": (None, "lower-greek"),
    "hebrew1": (None, "hebrew"),
    "arabicAlpha": (None, "arabic-indic"),
    "none": (None, "none"),
}
_BULLETS = frozenset({"bullet"})
_MAX_LEVEL = 8
_FIRST_ID = 800000
#: Indents closer than this (twips; 1/8 inch) are the same depth.
INDENT_TOLERANCE = 180


@dataclass
class Level:
    fmt: str = "decimal"
    start: int = 1
    indent: int | None = None   # w:pPr/w:ind left (twips)
    restart: int | None = None  # w:lvlRestart (1-based level, 0 = never)
    style: str | None = None    # w:pStyle: paragraphs in this style use this level


@dataclass
class Item:
    """One list paragraph: where it sits and the number Word shows."""

    num_id: str
    abstract: str
    level: int
    fmt: str
    value: int
    #: Left indent of the text in twips (paragraph's own, else its level's).
    indent: int = 0

    @property
    def ordered(self) -> bool:
        return self.fmt not in _BULLETS


@dataclass
class Numbering:
    """numbering.xml read: levels per abstract list, num → abstract, overrides."""

    abstracts: dict[str, dict[int, Level]] = field(default_factory=dict)
    nums: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[int, tuple[int | None, Level | None]]] = field(default_factory=dict)
    style_levels: dict[str, tuple[str, int]] = field(default_factory=dict)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        override = self.overrides.get(num_id, {}).get(ilvl)
        if override is not None and override[1] is not None:
            return override[1]
        return self.abstracts.get(self.nums.get(num_id, ""), {}).get(ilvl)


def _int(el: etree._Element | None, default: int | None = None) -> int | None:
    if el is None:
        return default
    try:
        return int(el.get(W + "val", ""))
    except ValueError:
        return default


def left_indent(ppr: etree._Element | None) -> int | None:
    """``w:ind`` left (or start) of a paragraph's or level's properties, in twips."""
    ind = ppr.find(W + "ind") if ppr is not None else None
    if ind is None:
        return None
    for name in ("left", "start"):
        try:
            return int(ind.get(W + name, ""))
        except ValueError:
            continue
    return None


def _level(lvl: etree._Element) -> Level:
    fmt = lvl.find(W + "numFmt")
    style = lvl.find(W + "pStyle")
    return Level(fmt=(fmt.get(W + "val") if fmt is not None else None) or "decimal",
                 start=_int(lvl.find(W + "start"), 1) or 0,
                 indent=left_indent(lvl.find(W + "pPr")),
                 restart=_int(lvl.find(W + "lvlRestart")),
                 style=style.get(W + "val") if style is not None else None)


def read_numbering(root: etree._Element | None) -> Numbering:
    found = Numbering()
    if root is None:
        return found
    for abstract in root.iter(W + "abstractNum"):
        levels = {}
        for lvl in abstract.findall(W + "lvl"):
            ilvl = _int_attr(lvl, "ilvl")
            if ilvl is not None and 0 <= ilvl <= _MAX_LEVEL:
                levels[ilvl] = _level(lvl)
                if levels[ilvl].style:
                    found.style_levels.setdefault(levels[ilvl].style, (
                        abstract.get(W + "abstractNumId", ""), ilvl))
        found.abstracts[abstract.get(W + "abstractNumId", "")] = levels
    for num in root.iter(W + "num"):
        num_id = num.get(W + "numId", "")
        ref = num.find(W + "abstractNumId")
        found.nums[num_id] = ref.get(W + "val", "") if ref is not None else ""
        for override in num.findall(W + "lvlOverride"):
            ilvl = _int_attr(override, "ilvl")
            if ilvl is None:
                continue
            start = _int(override.find(W + "startOverride"))
            lvl = override.find(W + "lvl")
            found.overrides.setdefault(num_id, {})[ilvl] = (
                start, _level(lvl) if lvl is not None else None)
    # A style-linked level names a num, not an abstract: map it through the nums.
    return found


def _int_attr(el: etree._Element, name: str) -> int | None:
    try:
        return int(el.get(W + name, ""))
    except ValueError:
        return None


def style_numbering(styles_root: etree._Element | None) -> dict[str, tuple[str | None, int | None]]:
    """Paragraph style id → ``(numId, ilvl)`` its ``pPr/numPr`` sets,
    inherited through ``basedOn``."""
    own: dict[str, tuple[str | None, int | None]] = {}
    based: dict[str, str] = {}
    if styles_root is None:
        return own
    for style in styles_root.iter(W + "style"):
        if style.get(W + "type") != "paragraph":
            continue
        sid = style.get(W + "styleId") or ""
        parent = style.find(W + "basedOn")
        if parent is not None:
            based[sid] = parent.get(W + "val") or ""
        numpr = style.find(f"{W}pPr/{W}numPr")
        if numpr is not None:
            num = numpr.find(W + "numId")
            own[sid] = (num.get(W + "val") if num is not None else None,
                        _int(numpr.find(W + "ilvl")))
    resolved: dict[str, tuple[str | None, int | None]] = {}
    for sid in set(own) | set(based):
        chain, seen = sid, set()
        while chain and chain not in own and chain not in seen:
            seen.add(chain)
            chain = based.get(chain, "")
        if chain in own:
            resolved[sid] = own[chain]
    return resolved


class Counter:
    """Word's list counters, per abstract list and level (§17.9)."""

    def __init__(self, numbering: Numbering) -> None:
        self.numbering = numbering
        self.counts: dict[str, list[int | None]] = {}
        self.started: set[tuple[str, int]] = set()

    def next(self, num_id: str, ilvl: int) -> Item | None:
        numbering = self.numbering
        abstract = numbering.nums.get(num_id)
        level = numbering.level(num_id, ilvl)
        if abstract is None or level is None:
            return None
        counts = self.counts.setdefault(abstract, [None] * (_MAX_LEVEL + 1))
        override = numbering.overrides.get(num_id, {}).get(ilvl)
        if override is not None and override[0] is not None and (num_id, ilvl) not in self.started:
            counts[ilvl] = override[0]
        elif counts[ilvl] is None:
            counts[ilvl] = level.start
        else:
            counts[ilvl] += 1
        self.started.add((num_id, ilvl))
        for deeper in range(ilvl + 1, _MAX_LEVEL + 1):
            other = numbering.level(num_id, deeper)
            restart = other.restart if other is not None and other.restart is not None else deeper
            if restart and ilvl < restart:
                counts[deeper] = None
        indent = level.indent if level.indent is not None else (ilvl + 1) * 360
        return Item(num_id, abstract, ilvl, level.fmt, counts[ilvl] or 0, indent)


def mark_list_paragraphs(paragraphs: list[etree._Element], numbering: Numbering,
                         by_style: dict[str, tuple[str | None, int | None]],
                         skip: set[int]) -> dict[str, Item]:
    """Number every list paragraph, take its numbering from mammoth and leave
    a marker bookmark; returns marker name → :class:`Item`.

    ``skip`` holds ``id()`` of paragraphs whose numbering stays (headings):
    they count, as in Word, but are not list items.
    """
    counter = Counter(numbering)
    items: dict[str, Item] = {}
    for p in paragraphs:
        if p.getparent() is None:
            continue
        ppr = p.find(W + "pPr")
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        style_el = ppr.find(W + "pStyle") if ppr is not None else None
        style = style_el.get(W + "val") if style_el is not None else None
        num_id, ilvl = None, None
        if numpr is not None:
            num = numpr.find(W + "numId")
            num_id = num.get(W + "val") if num is not None else None
            ilvl = _int(numpr.find(W + "ilvl"))
        if num_id is None and style:
            if style in by_style:
                num_id, style_ilvl = by_style[style]
                ilvl = ilvl if ilvl is not None else style_ilvl
            linked = numbering.style_levels.get(style)
            if linked is not None and num_id is None:
                num_id = next((n for n, a in numbering.nums.items() if a == linked[0]), None)
                ilvl = linked[1]
        if num_id is None or num_id == "0":
            continue
        ilvl = min(max(ilvl or 0, 0), _MAX_LEVEL)
        item = counter.next(num_id, ilvl)
        if item is None or id(p) in skip:
            continue  # a numbered heading counts, and keeps its numbering
        own_indent = left_indent(ppr)
        if own_indent is not None:
            item.indent = own_indent
        name = f"{MARKER}{len(items)}"
        items[name] = item
        if ppr is None:
            ppr = etree.SubElement(p, W + "pPr")
            p.insert(0, ppr)
        if numpr is None:
            numpr = etree.SubElement(ppr, W + "numPr")
        for child in list(numpr):
            numpr.remove(child)
        etree.SubElement(numpr, W + "ilvl").set(W + "val", "0")
        etree.SubElement(numpr, W + "numId").set(W + "val", "0")
        mark = etree.Element(W + "bookmarkStart")
        mark.set(W + "id", str(_FIRST_ID + len(items)))
        mark.set(W + "name", name)
        ppr.addnext(mark)
    return items


# ---------------------------------------------------------------- after mammoth

_BLOCKS = frozenset({"p", "pre", "h1", "h2", "h3", "h4", "h5", "h6"})


def _list_element(item: Item) -> etree._Element:
    if not item.ordered:
        return etree.Element("ul")
    el = etree.Element("ol")
    type_attr, css = FORMATS.get(item.fmt, ("1", "decimal"))
    if type_attr and type_attr != "1":
        el.set("type", type_attr)
    if css != "decimal":
        el.set("style", f"list-style-type: {css}")
    if item.value != 1:
        el.set("start", str(item.value))
    return el


def _marked_blocks(body: etree._Element, items: dict[str, Item]
                   ) -> list[tuple[etree._Element, Item]]:
    found: list[tuple[etree._Element, Item]] = []
    for a in list(body.iter("a")):
        name = a.get("id") or ""
        if not name.startswith(MARKER) or name not in items:
            continue
        block = a.getparent()
        while block is not None and block.tag not in _BLOCKS:
            block = block.getparent()
        remove_keep_tail(a)
        if block is not None and block.getparent() is not None:
            found.append((block, items[name]))
    return found


def build_lists(body: etree._Element, items: dict[str, Item]) -> int:
    """Group the marked blocks into nested lists (see the module docstring);
    returns how many list items were made."""
    marked = _marked_blocks(body, items)
    if not marked:
        return 0
    item_of = {id(block): item for block, item in marked}
    done: set[int] = set()
    made = 0
    for block, _ in marked:
        if id(block) in done:
            continue
        run = [block]
        nxt = block.getnext()
        while nxt is not None and id(nxt) in item_of:
            run.append(nxt)
            nxt = nxt.getnext()
        done.update(id(b) for b in run)
        made += _build_run(run, item_of)
    return made


@dataclass
class _Frame:
    """One open list while a run of items is built."""

    item: Item
    element: etree._Element
    expected: int


def _place(stack: list[_Frame], item: Item) -> _Frame | None:
    """Pop what ``item`` closes; the frame it joins (None: it opens a list).

    Within one Word list the level decides; between lists the indentation
    does, so a bulleted list indented under a numbered item nests in it and
    the numbered list goes on after it (what Word shows).
    """
    while stack:
        top = stack[-1].item
        if top.abstract == item.abstract:
            if top.level > item.level:
                stack.pop()
                continue
            return stack[-1] if top.level == item.level else None
        if top.indent >= item.indent - INDENT_TOLERANCE:
            stack.pop()  # a list as deep (or deeper) as this item ends here
            continue
        return None
    return None


def _build_run(run: list[etree._Element], item_of: dict[int, Item]) -> int:
    stack: list[_Frame] = []
    anchor = run[0]
    parent = anchor.getparent()
    top: etree._Element | None = None
    for block in run:
        item = item_of[id(block)]
        frame = _place(stack, item)
        if frame is None:
            lst = _list_element(item)
            if stack:
                holder = stack[-1].element
                last = holder[-1] if len(holder) else etree.SubElement(holder, "li")
                last.append(lst)
            elif top is None:
                anchor.addprevious(lst)
                top = lst
            else:
                top.addnext(lst)
                top = lst
            frame = _Frame(item, lst, item.value)
            stack.append(frame)
        if block.tag == "p" and not len(block) and not (block.text or "").strip():
            parent.remove(block)  # an empty numbered paragraph: its number is skipped
            continue
        li = etree.SubElement(frame.element, "li")
        if frame.element.tag == "ol" and item.value != frame.expected:
            li.set("value", str(item.value))
        frame.expected = item.value + 1
        tail = block.tail
        parent.remove(block)
        block.tail = None
        if block.tag == "p" and not block.attrib:
            li.text = block.text
            for child in list(block):
                li.append(child)
        else:
            li.append(block)
        if tail and tail.strip() and top is not None:
            top.tail = (top.tail or "") + tail
    for lst in list(parent.iter("ol", "ul")):
        if not len(lst) and lst.getparent() is not None:
            lst.getparent().remove(lst)  # held only empty paragraphs
    return len(run)
