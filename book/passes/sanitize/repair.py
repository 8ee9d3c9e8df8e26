"""Content-model repair: every element where HTML allows it.

Tag soup from web pages, word processors and hand-written HTML puts
elements where HTML does not allow them (``li`` with no list, ``div`` in a
paragraph, a link in a link); EPUBCheck rejects every such document.  This
step, run by the sanitize pass on every chapter whatever its reader, moves
the tree into the content models of :mod:`.content_model` by the least
destructive move:

======================================= ==============================================
what is wrong                           the move
======================================= ==============================================
orphans (``li``, ``td``, ``dt``...)     wrapped in the container they need (``ul``,
                                        ``table``/``tr``, ``dl``); a run of them shares one
text or blocks in a list, table, row    wrapped in an ``li`` (or added to the previous
                                        one), ``td``, ``dd``
a block inside ``p``                    the paragraph is split around the block; inline
                                        formatting around the block is split inside the
                                        paragraph first, so only the block leaves it
a block inside ``span``                 the span becomes a ``div`` where flow content may
                                        stand; ``a``, ``ins``, ``del`` may hold blocks there
a block inside a heading, ``pre``,      made a ``span`` (a title or listing is not cut
``summary``, ``rt``                     in two); in ``pre`` a line break keeps it apart
a link in a link, header in header...   the inner one unwrapped (kept as ``span``/``div``
                                        when it carries an ``id``)
heading or sectioning in ``dt``/``th``  made ``p``/``div``; in ``address`` the address
                                        becomes a ``div``
``details`` without ``summary``         a ``summary`` added; ``dl`` groups get an empty
                                        ``dt``/``dd`` where one is missing
``hgroup`` without one heading,         unwrapped (text kept); extra headings in an
``ruby`` without ``rt``                 ``hgroup`` become ``p``
lone ``figcaption``, ``summary``,       become ``p``/``div``; ``rt``/``rp`` are
``caption``                             unwrapped
content in void elements (``br``...)    moved after the element
``hr``/``br`` where nothing can hold it dropped (no text is lost)
HTML inside MathML, text outside        unwrapped; loose text wrapped in ``mtext``;
MathML tokens, wrong MathML arity       ``mfrac`` with one child becomes ``mrow``
======================================= ==============================================

Two walks, both iterative (no recursion, whatever the depth): a top-down
walk applies the rules that depend on ancestors (exclusions, flattening
inside headings, MathML), then a bottom-up walk fixes each element's
children, so a block lifted out of a ``span`` meets the paragraph around
it next.  Each element's children are scanned a bounded number of times:
the cost is linear in the tree (times the nesting depth for blocks lifted
out of nested inline elements, which the sanitize pass caps at
:data:`book.limits.MAX_DEPTH`).  A valid tree is left untouched, so the
step is idempotent.

Everything it does is reported through ``report(code, what, element)``
(codes in :mod:`.edits`).  This module holds the two walks and the rules
for phrasing and flow content; the structures are :mod:`.tables` and
:mod:`.groups`, MathML :mod:`.mathml`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from lxml import etree

from ...xhtml import add_text_before, remove_keep_tail, unwrap
from .content_model import (
    CONTENTLESS,
    EXCLUSIONS,
    FLATTEN_CONTAINERS,
    GENERIC_INLINE,
    HEADINGS,
    MATHML_NS,
    MODEL,
    ORPHAN_CONVERSIONS,
    ORPHAN_FAMILIES,
    ORPHAN_UNWRAPS,
    PHRASING,
    SPLIT_CONTAINERS,
    TRANSPARENT,
    is_phrasing,
)
from .edits import (
    CHANGED,
    DROPPED,
    RESTRUCTURED,
    RepairState,
    Report,
    append_items,
    blank,
    clone_shell,
    has_content,
    take,
    text_of,
)
from .groups import fix_dl, fix_hgroup, fix_list, fix_ruby
from .mathml import repair_mathml
from .tables import fix_colgroup, fix_row, fix_rowgroup, fix_table

_M = f"{{{MATHML_NS}}}"
_TABLE_ROWS = frozenset({"tr", "td", "th", "thead", "tbody", "tfoot"})


class _Repair(RepairState):
    """The two walks over one tree, and the rules for phrasing and flow content."""

    def __init__(self, root: etree._Element, report: Report,
                 summary_label: Callable[[etree._Element], str]) -> None:
        super().__init__(root, report)
        self.summary_label = summary_label
        self._to_unwrap: set[etree._Element] = set()
        self._summary_headings: set[etree._Element] = set()

    # ------------------------------------------------ walk 1: top-down

    def top_down(self) -> None:
        """Rules that depend on ancestors: exclusions, flattening, MathML."""
        counts: Counter[str] = Counter()
        flatten: list[etree._Element] = []
        recount: dict[etree._Element, str] = {}
        addresses: list[etree._Element] = []
        # (element, None) enters it; (element, tag) leaves it, tag being the
        # name it was counted under ("" when it is to be unwrapped).
        stack: list[tuple[etree._Element, str | None]] = [(self.root, None)]
        while stack:
            el, counted = stack.pop()
            if counted is not None:
                tag = recount.pop(el, counted)
                if tag:
                    counts[tag] -= 1
                if flatten and flatten[-1] is el:
                    flatten.pop()
                if addresses and addresses[-1] is el:
                    addresses.pop()
                if el in self._to_unwrap:
                    self._to_unwrap.discard(el)
                    unwrap(el)
                continue
            tag = el.tag
            if not isinstance(tag, str):
                continue
            if tag.startswith(_M):
                repair_mathml(self, el, inside_math=counts["{math}"] > 0)
                tag = "{math}"
            elif el is not self.root:
                tag = self._exclusions(el, counts, addresses, recount)
                if flatten and tag:
                    tag = self._flatten(el, flatten[-1])
                if tag is None:  # removed with nothing to keep
                    continue
            if tag:
                counts[tag] += 1
                if tag in FLATTEN_CONTAINERS:
                    flatten.append(el)
                elif tag == "address":
                    addresses.append(el)
            stack.append((el, tag))
            stack.extend((child, None) for child in reversed(el) if isinstance(child.tag, str))

    def _exclusions(self, el: etree._Element, counts: Counter[str],
                    addresses: list[etree._Element], recount: dict[etree._Element, str]) -> str:
        """Apply :data:`EXCLUSIONS`; the tag ``el`` now counts under ("" = unwrapped)."""
        tag = el.tag
        for ancestors, forbidden, move, severity in EXCLUSIONS:
            if tag not in forbidden or not any(counts[a] for a in ancestors):
                continue
            code = CHANGED if severity == "warn" else RESTRUCTURED
            inside = next(a for a in sorted(ancestors) if counts[a])
            if move == "outer:div":
                address = addresses.pop()
                self.rename(address, "div")
                counts["address"] -= 1
                counts["div"] += 1
                recount[address] = "div"
                self.report(code, f"<address> holding <{tag}> made <div>", address)
            elif move == "unwrap" and el.get("id"):
                keep = "span" if tag in PHRASING else "div"
                self.report(code, f"<{tag}> inside <{inside}> made <{keep}>", el)
                self.rename(el, keep)
                tag = keep
            elif move == "unwrap":
                what = f"<{tag}> inside <{inside}> unwrapped"
                if tag == "a" and el.get("href") is not None:
                    code, what = CHANGED, "link inside a link unwrapped (its text kept)"
                self.report(code, what, el)
                self._to_unwrap.add(el)
                return ""
            else:
                self.report(code, f"<{tag}> inside <{inside}> made <{move}>", el)
                self.rename(el, move)
                tag = move
        return tag

    def _flatten(self, el: etree._Element, container: etree._Element) -> str | None:
        """Inside a heading, ``pre``, ``summary`` or ``rt``: blocks become spans."""
        tag = el.tag
        parent = el.getparent()
        if is_phrasing(tag) or (tag in ("rt", "rp") and parent.tag == "ruby"):
            return tag
        if (container.tag == "summary" and parent is container and tag in HEADINGS
                and container not in self._summary_headings):
            self._summary_headings.add(container)  # a summary may hold one heading
            return tag
        if tag in CONTENTLESS:
            self.report(DROPPED, f"<{tag}> inside <{container.tag}> dropped", el)
            remove_keep_tail(el)
            return None
        if container.tag == "pre" and not (el.tail or "").startswith("\n") and (
                el.getnext() is not None or not blank(el.tail)):
            el.tail = "\n" + (el.tail or "")  # the block kept its own line
        self.report(RESTRUCTURED, f"<{tag}> inside <{container.tag}> made <span>", el)
        self.rename(el, "span")
        return "span"

    # ------------------------------------------------ walk 2: bottom-up

    def bottom_up(self) -> None:
        """Each element's children into its model, children before parents."""
        order: list[etree._Element] = []
        stack: list[tuple[etree._Element, bool]] = [(self.root, False)]
        while stack:
            el, done = stack.pop()
            if done:
                order.append(el)
                continue
            stack.append((el, True))
            for child in el:
                if isinstance(child.tag, str) and not child.tag.startswith(_M):
                    stack.append((child, False))
        for el in order:
            if el is self.root or el.getparent() is not None:
                self.fix(el, as_flow=False)
        # Anything still waiting had no flow ancestor (cannot happen under a
        # flow root); settle it where it stands so nothing is left invalid.
        for el in list(self.pending):
            if el.getparent() is not None:
                self.fix(el.getparent(), as_flow=True)

    def fix(self, el: etree._Element, *, as_flow: bool) -> None:
        """Bring ``el``'s children into its model, then those of what that made."""
        queue: list[tuple[etree._Element, bool]] = [(el, as_flow)]
        while queue:
            current, flow = queue.pop()
            if current is not self.root and current.getparent() is None:
                continue
            model = "flow" if flow or current is self.root else MODEL.get(current.tag, "flow")
            for follow in _HANDLERS[model](self, current) or ():
                # Transparent elements settled in flow content take the flow model.
                queue.append((follow, follow.tag in TRANSPARENT))

    # phrasing content -------------------------------------------------

    def _unwrap_stray_ruby_parts(self, el: etree._Element) -> None:
        if el.tag == "ruby":
            return
        for child in list(el):
            if child.tag in ORPHAN_UNWRAPS:
                self.report(RESTRUCTURED, f"<{child.tag}> outside <ruby> unwrapped", child)
                unwrap(child)

    def _fix_phrasing(self, el: etree._Element) -> list:
        self._unwrap_stray_ruby_parts(el)
        blocks = [c for c in el if self.blockish(c)]
        if not blocks:
            return []
        if el.tag in SPLIT_CONTAINERS:
            # Inline formatting around a block splits inside the paragraph
            # first, so only the block leaves it: <p>a <em>b<div/>c</em></p>
            # becomes <p>a <em>b</em></p><div/><p><em>c</em></p>.
            self._split_formatting(el)
            what = ", ".join(sorted({f"<{b.tag}>" for b in el if self.blockish(b)}))
            self.report(RESTRUCTURED, f"<{el.tag}> split around {what}", el)
            self._split_around(el)
            return []
        if el.tag in FLATTEN_CONTAINERS:
            for child in blocks:  # only if walk 1 missed it; kept for totality
                self.pending.discard(child)
                self.report(RESTRUCTURED, f"<{child.tag}> inside <{el.tag}> made <span>", child)
                self.rename(child, "span")
            return []
        self.pending.add(el)
        return []

    def _fix_transparent(self, el: etree._Element) -> list:
        self._unwrap_stray_ruby_parts(el)
        if any(self.blockish(c) for c in el):
            self.pending.add(el)
        return []

    def _fix_summary(self, el: etree._Element) -> list:
        self._unwrap_stray_ruby_parts(el)
        return []

    def _fix_text(self, el: etree._Element) -> list:
        for child in list(el):
            if isinstance(child.tag, str):
                self.report(RESTRUCTURED, f"<{child.tag}> inside <{el.tag}> replaced by its text",
                            child)
                add_text_before(child, text_of(child) + (child.tail or ""))
                child.tail = None
                el.remove(child)
        return []

    def _fix_empty(self, el: etree._Element) -> list:
        if not len(el) and not el.text:
            return []
        self.report(RESTRUCTURED, f"content of <{el.tag}> moved after it", el)
        items = take(el)
        tail = el.tail
        el.tail = None
        anchor = el
        for item in items:
            if isinstance(item, str):
                anchor.tail = (anchor.tail or "") + item
            else:
                anchor.addnext(item)
                anchor = item
        if tail:
            anchor.tail = (anchor.tail or "") + tail
        return []

    def _split_around(self, el: etree._Element) -> list[etree._Element]:
        """Split ``el`` around its blocks: ``el`` (what came before), block,
        a copy of ``el`` (what came after)...  Returns the pieces in order."""
        items = take(el)
        tail = el.tail
        el.tail = None
        pieces: list[etree._Element] = []
        anchor = el
        run: list = []
        el_first = True  # el may still take the first run

        def place(node: etree._Element) -> None:
            nonlocal anchor
            anchor.addnext(node)
            anchor = node
            pieces.append(node)

        def flush() -> None:
            nonlocal el_first
            if not run:
                return
            if has_content(run):
                if el_first:
                    append_items(el, run)
                    pieces.append(el)
                else:
                    node = clone_shell(el)
                    append_items(node, run)
                    place(node)
                el_first = False
            elif pieces:  # whitespace between blocks stays as a tail
                pieces[-1].tail = (pieces[-1].tail or "") + "".join(run)
            else:
                add_text_before(el, "".join(run))
            run.clear()

        for item in items:
            if isinstance(item, str) or not self.blockish(item):
                run.append(item)
            else:
                flush()
                el_first = False
                place(item)
        flush()
        if not pieces or pieces[0] is not el:
            if el.get("id") is not None:
                pieces.insert(0, el)  # an empty element still anchors links to it
            else:
                el.getparent().remove(el)
        if tail and pieces:
            pieces[-1].tail = (pieces[-1].tail or "") + tail
        return pieces

    def _split_formatting(self, el: etree._Element) -> list[etree._Element]:
        """Split ``el``'s inline children that hold blocks (except links, which
        may hold them, and spans, which become divs) around those blocks;
        the blocks lose that formatting.  Returns what still needs settling."""
        settled: list[etree._Element] = []
        todo = [c for c in reversed(el) if c in self.pending]
        while todo:
            child = todo.pop()
            if child not in self.pending:
                continue
            if child.tag in TRANSPARENT or child.tag in GENERIC_INLINE:
                settled.append(child)
                continue
            self.pending.discard(child)
            blocks = sorted({f"<{c.tag}>" for c in child if self.blockish(c)})
            self.report(CHANGED, f"<{child.tag}> split around {', '.join(blocks)} (the block "
                        f"loses the <{child.tag}> formatting)", child)
            pieces = self._split_around(child)
            todo.extend(p for p in reversed(pieces) if p in self.pending)
        return settled

    # flow content -----------------------------------------------------

    def _settle_pending(self, el: etree._Element) -> list[etree._Element]:
        """Inline elements holding blocks, now where flow content may stand:
        links keep them, spans become divs, other inline elements split."""
        follow: list[etree._Element] = []
        for child in self._split_formatting(el):
            self.pending.discard(child)
            if child.tag in GENERIC_INLINE:
                self.report(RESTRUCTURED, f"<{child.tag}> holding blocks made <div>", child)
                self.rename(child, "div")
            follow.append(child)  # a flow container now (a link takes its place's model)
        return follow

    def _fix_flow(self, el: etree._Element) -> list:
        self._unwrap_stray_ruby_parts(el)
        follow = self._settle_pending(el)
        follow.extend(self._gather_orphans(el))
        if el.tag == "figure":
            self._figure(el)
        elif el.tag == "details":
            self._details(el)
        return follow

    def _gather_orphans(self, el: etree._Element) -> list[etree._Element]:
        """Orphans into their containers; lone figcaption/summary converted."""
        follow: list[etree._Element] = []
        children = [c for c in el if isinstance(c.tag, str)]
        i = 0
        while i < len(children):
            child = children[i]
            tag = child.tag
            family = ORPHAN_FAMILIES.get(tag)
            if family is None:
                move = ORPHAN_CONVERSIONS.get(tag)
                if move is not None and not (tag == "figcaption" and el.tag == "figure"
                                             or tag == "summary" and el.tag == "details"):
                    if move == "p" and any(self.blockish(c) for c in child):
                        move = "div"
                    home = "figure" if tag == "figcaption" else "details"
                    self.report(CHANGED, f"<{tag}> outside <{home}> made <{move}>", child)
                    self.rename(child, move)
                    follow.append(child)
                i += 1
                continue
            if family == "dl" and el.tag == "div" and el.getparent() is not None \
                    and el.getparent().tag == "dl":
                i += 1
                continue  # a name-value group inside a dl: the dl sorts it out
            run = [child]
            while (i + len(run) < len(children) and blank(run[-1].tail)
                   and ORPHAN_FAMILIES.get(children[i + len(run)].tag) == family
                   and run[-1].getnext() is children[i + len(run)]):
                run.append(children[i + len(run)])
            i += len(run)
            follow.extend(self._wrap_family(family, run))
        return follow

    def _wrap_family(self, family: str, run: list[etree._Element]) -> list[etree._Element]:
        tags = sorted({c.tag for c in run})
        if family == "table" and not set(tags) & _TABLE_ROWS:
            follow = []
            for child in run:
                if child.tag == "caption":
                    self.report(CHANGED, "<caption> outside <table> made <div>", child)
                    self.rename(child, "div")
                    follow.append(child)
                else:  # col, colgroup: nothing to show outside a table
                    self.report(DROPPED, f"<{child.tag}> outside <table> dropped", child)
                    text = text_of(child)
                    if not blank(text):
                        add_text_before(child, text)
                    remove_keep_tail(child)
            return follow
        wrapper = etree.Element(family)
        run[0].addprevious(wrapper)
        wrapper.tail = run[-1].tail
        run[-1].tail = None
        for child in run:
            wrapper.append(child)
        self.report(RESTRUCTURED, f"<{'>, <'.join(tags)}> outside <{family}> wrapped in "
                    f"<{family}>", run[0])
        return [wrapper]

    def _figure(self, el: etree._Element) -> None:
        elements = [c for c in el if isinstance(c.tag, str)]
        captions = [c for c in elements if c.tag == "figcaption"]
        if not captions:
            return
        keep = None
        if elements[0].tag == "figcaption" and blank(el.text):
            keep = elements[0]
        elif elements[-1].tag == "figcaption" and blank(elements[-1].tail):
            keep = elements[-1]
        for caption in captions:
            if caption is not keep:
                self.report(CHANGED, "<figcaption> not first or last in <figure> made <div>",
                            caption)
                self.rename(caption, "div")

    def _details(self, el: etree._Element) -> None:
        elements = [c for c in el if isinstance(c.tag, str)]
        summaries = [c for c in elements if c.tag == "summary"]
        if not (elements and elements[0].tag == "summary" and blank(el.text)):
            if summaries:
                summary = summaries[0]
                add_text_before(summary, summary.tail)
                summary.tail = None
                el.insert(0, summary)
                self.report(RESTRUCTURED, "<summary> moved to the start of <details>", summary)
            else:
                summary = etree.Element("summary")
                summary.text = self.summary_label(el)
                el.insert(0, summary)
                summaries = [summary]
                self.report(RESTRUCTURED, "<details> without <summary> given one", el)
            summary.tail, el.text = el.text, None
        for extra in summaries[1:]:
            self.report(CHANGED, "second <summary> in <details> made <div>", extra)
            self.rename(extra, "div")


#: Content model (:data:`.content_model.MODEL`) → the step that fixes an element's children.
_HANDLERS: dict[str, Callable[[_Repair, etree._Element], list]] = {
    "phrasing": _Repair._fix_phrasing,
    "transparent": _Repair._fix_transparent,
    "summary": _Repair._fix_summary,
    "text": _Repair._fix_text,
    "empty": _Repair._fix_empty,
    "flow": _Repair._fix_flow,
    "figure": _Repair._fix_flow,
    "details": _Repair._fix_flow,
    "list": fix_list,
    "dl": fix_dl,
    "hgroup": fix_hgroup,
    "ruby": fix_ruby,
    "row": fix_row,
    "rowgroup": fix_rowgroup,
    "table": fix_table,
    "colgroup": fix_colgroup,
}


def repair_content(root: etree._Element, report: Report, *,
                   summary_label: Callable[[etree._Element], str]) -> list[etree._Element]:
    """Repair ``root``'s tree in place (see the module docstring).

    Returns the elements whose tag changed or that were made here with a
    tag of their own choosing, so the caller can check their attributes
    against the new tag.
    """
    repair = _Repair(root, report, summary_label)
    repair.top_down()
    repair.bottom_up()
    return repair.renamed
