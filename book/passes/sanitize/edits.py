"""The small, O(1) edits the content-model repair is made of, and its state.

:class:`RepairState` is what every repair step shares: how to report a
move (:data:`RESTRUCTURED` for moves that lose nothing, a note;
:data:`CHANGED` for moves that lose an element's meaning but keep its
text; :data:`DROPPED` for elements with no text that cannot stand
anywhere), the elements renamed on the way (their attributes are checked
again against their new tag) and the inline elements holding blocks that
wait for a flow ancestor.  :meth:`RepairState.regroup` rebuilds a
structure's children (a list's items, a table's cells) from runs of what
does not belong.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from .content_model import CONTENTLESS, is_phrasing

RESTRUCTURED = "SAN013"
CHANGED = "SAN014"
DROPPED = "SAN015"
Report = Callable[[str, str, etree._Element], None]


def blank(text: str | None) -> bool:
    return not text or text.isspace()


def take(el: etree._Element) -> list:
    """Detach ``el``'s content as a list of strings and elements (tails split off)."""
    items: list = []
    if el.text:
        items.append(el.text)
    el.text = None
    for child in list(el):
        tail = child.tail
        child.tail = None
        el.remove(child)
        items.append(child)
        if tail:
            items.append(tail)
    return items


def append_items(el: etree._Element, items: list) -> None:
    """Append strings and elements after ``el``'s current content."""
    last = el[-1] if len(el) else None
    for item in items:
        if isinstance(item, str):
            if last is None:
                el.text = (el.text or "") + item
            else:
                last.tail = (last.tail or "") + item
        else:
            el.append(item)
            last = item


def meaningful(items: list) -> bool:
    """Items holding text or an element that is not a lone break or rule."""
    return any((isinstance(item, str) and not item.isspace())
               or (not isinstance(item, str) and item.tag not in CONTENTLESS) for item in items)


def text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def clone_shell(el: etree._Element) -> etree._Element:
    """An empty element like ``el`` (same tag and attributes, no ``id``)."""
    copy = etree.Element(el.tag)
    for name, value in el.attrib.items():
        if name != "id":
            copy.set(name, value)
    return copy


def has_content(items: list) -> bool:
    """Any element, or text that is not only whitespace."""
    return any(not isinstance(item, str) or not item.isspace() for item in items)


class RepairState:
    """What the repair steps share while they work on one tree."""

    def __init__(self, root: etree._Element, report: Report) -> None:
        self.root = root
        self.report = report
        #: Inline elements holding blocks, waiting for a flow ancestor.
        self.pending: set[etree._Element] = set()
        #: Elements whose tag changed or that were made here (attributes to recheck).
        self.renamed: list[etree._Element] = []

    def rename(self, el: etree._Element, tag: str) -> None:
        el.tag = tag
        self.renamed.append(el)

    def blockish(self, el: etree._Element) -> bool:
        """Not phrasing content (or an inline element holding blocks)."""
        return isinstance(el.tag, str) and (not is_phrasing(el.tag) or el in self.pending)

    def regroup(self, el: etree._Element, keep: Callable[[etree._Element], bool],
                container: Callable[[list], etree._Element | None]) -> list[etree._Element]:
        """Rebuild ``el``'s children: elements passing ``keep`` stay; each run of
        anything else goes to ``container(out)`` (a new or previous wrapper),
        or is dropped when it holds nothing but breaks and rules."""
        follow: list[etree._Element] = []
        items = take(el)
        out: list[etree._Element] = []
        run: list = []

        def flush() -> None:
            if meaningful(run):
                target = container(out)
                append_items(target, run)
                if target not in follow:
                    follow.append(target)
            elif has_content(run):
                dropped = sorted({f"<{i.tag}>" for i in run if not isinstance(i, str)})
                self.report(DROPPED, f"{', '.join(dropped)} inside <{el.tag}> dropped", el)
            run.clear()

        for item in items:
            if not isinstance(item, str) and keep(item):
                flush()
                out.append(item)
            elif run or not (isinstance(item, str) and item.isspace()):
                run.append(item)
        flush()
        append_items(el, out)
        return follow

    def into(self, el: etree._Element, tag: str, *, reuse: frozenset[str] = frozenset(),
             inner: str | None = None) -> Callable[[list], etree._Element]:
        """A ``container`` for :meth:`regroup`: the previous element when its
        tag is in ``reuse``, else a new ``tag`` (holding a new ``inner``)."""
        def container(out: list) -> etree._Element:
            if out and out[-1].tag in reuse and inner is None:
                self.report(RESTRUCTURED, f"content of <{el.tag}> moved into the <{out[-1].tag}> "
                            "before it", el)
                return out[-1]
            node = etree.Element(tag)
            out.append(node)
            self.report(RESTRUCTURED, f"content of <{el.tag}> wrapped in <{tag}>", el)
            return etree.SubElement(node, inner) if inner else node
        return container
