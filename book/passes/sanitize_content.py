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

Everything it does is reported through ``report(code, what, element)``:
:data:`RESTRUCTURED` for moves that lose nothing (a note), :data:`CHANGED`
for moves that lose an element's meaning but keep its text, and
:data:`DROPPED` for elements with no text that cannot stand anywhere.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from lxml import etree

from ..xhtml import add_text_before, remove_keep_tail, unwrap
from .content_model import (
    CONTENTLESS,
    EXCLUSIONS,
    FLATTEN_CONTAINERS,
    GENERIC_INLINE,
    HEADINGS,
    MATHML_ARITY,
    MATHML_NS,
    MATHML_ORPHAN_MOVES,
    MATHML_PARENTS,
    MATHML_TABLE_CHILDREN,
    MATHML_TOKENS,
    MODEL,
    ORPHAN_CONVERSIONS,
    ORPHAN_FAMILIES,
    ORPHAN_UNWRAPS,
    PHRASING,
    SPLIT_CONTAINERS,
    TRANSPARENT,
    is_mathml,
    is_phrasing,
    local_name,
)

RESTRUCTURED = "SAN013"
CHANGED = "SAN014"
DROPPED = "SAN015"

Report = Callable[[str, str, etree._Element], None]
_M = f"{{{MATHML_NS}}}"
_TABLE_ROWS = frozenset({"tr", "td", "th", "thead", "tbody", "tfoot"})


# ---------------------------------------------------------------- small O(1) edits


def _blank(text: str | None) -> bool:
    return not text or text.isspace()


def _take(el: etree._Element) -> list:
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


def _append(el: etree._Element, items: list) -> None:
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


def _meaningful(items: list) -> bool:
    """Items holding text or an element that is not a lone break or rule."""
    return any((isinstance(item, str) and not item.isspace())
               or (not isinstance(item, str) and item.tag not in CONTENTLESS) for item in items)


def _text_of(el: etree._Element) -> str:
    return "".join(el.itertext())


def _clone_shell(el: etree._Element) -> etree._Element:
    """An empty element like ``el`` (same tag and attributes, no ``id``)."""
    copy = etree.Element(el.tag)
    for name, value in el.attrib.items():
        if name != "id":
            copy.set(name, value)
    return copy


def _has_content(items: list) -> bool:
    """Any element, or text that is not only whitespace."""
    return any(not isinstance(item, str) or not item.isspace() for item in items)


# ---------------------------------------------------------------- the repair


class _Repair:
    def __init__(self, root: etree._Element, report: Report,
                 summary_label: Callable[[etree._Element], str]) -> None:
        self.root = root
        self.report = report
        self.summary_label = summary_label
        #: Inline elements holding blocks, waiting for a flow ancestor.
        self.pending: set[etree._Element] = set()
        #: Elements whose tag changed or that were made here (attributes to recheck).
        self.renamed: list[etree._Element] = []
        self._to_unwrap: set[etree._Element] = set()
        self._summary_headings: set[etree._Element] = set()

    def rename(self, el: etree._Element, tag: str) -> None:
        el.tag = tag
        self.renamed.append(el)

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
                self._mathml(el, inside_math=counts["{math}"] > 0)
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
                el.getnext() is not None or not _blank(el.tail)):
            el.tail = "\n" + (el.tail or "")  # the block kept its own line
        self.report(RESTRUCTURED, f"<{tag}> inside <{container.tag}> made <span>", el)
        self.rename(el, "span")
        return "span"

    # ------------------------------------------------ MathML

    def _mathml(self, el: etree._Element, *, inside_math: bool) -> None:
        """One MathML element's children, before they are visited."""
        local = local_name(el.tag)
        if local == "math" and inside_math:
            self.report(RESTRUCTURED, "<math> inside <math> made <mrow>", el)
            self.rename(el, _M + "mrow")
            local = "mrow"
        elif local != "math" and not inside_math:
            math = etree.Element(_M + "math")  # a MathML element straying outside <math>
            el.addprevious(math)
            math.tail, el.tail = el.tail, None
            math.append(el)
            self.report(RESTRUCTURED, f"MathML <{local}> outside <math> wrapped in <math>", el)
        self._unwrap_children(el, lambda c: not is_mathml(c.tag), CHANGED, "HTML <{}> inside "
                              "MathML unwrapped")
        if local in MATHML_TOKENS:
            self._unwrap_children(el, lambda c: True, RESTRUCTURED, "<{}> inside a MathML token "
                                  "unwrapped")
            return
        wanted = MATHML_TABLE_CHILDREN.get(local)
        if wanted is not None:
            self._mathml_table_level(el, *wanted)
        self._wrap_loose_math_text(el, local)
        for child in list(el):
            child_local = local_name(child.tag)
            parents = MATHML_PARENTS.get(child_local)
            if parents is None or local in parents:
                continue
            move = MATHML_ORPHAN_MOVES[child_local]
            if move == "drop":
                self.report(DROPPED, f"MathML <{child_local}> outside its parent dropped", child)
                remove_keep_tail(child)
            else:
                self.report(RESTRUCTURED, f"MathML <{child_local}> outside its parent made "
                            f"<{move}>", child)
                self.rename(child, _M + move)
        if local == "semantics":
            local = self._semantics(el)
        arity = MATHML_ARITY.get(local)
        if arity is not None and sum(1 for c in el if isinstance(c.tag, str)) != arity:
            self.report(CHANGED, f"MathML <{local}> without its {arity} parts made <mrow>", el)
            self.rename(el, _M + "mrow")

    def _unwrap_children(self, el: etree._Element, condition, code: str, what: str) -> None:
        """Unwrap children meeting ``condition`` until none is left (each once)."""
        while True:
            doomed = [c for c in el if isinstance(c.tag, str) and condition(c)]
            if not doomed:
                return
            for child in doomed:
                self.report(code, what.format(local_name(child.tag)), child)
                unwrap(child)

    def _wrap_loose_math_text(self, el: etree._Element, local: str) -> None:
        def mtext(text: str) -> etree._Element:
            node = etree.Element(_M + "mtext")
            node.text = text
            self.report(RESTRUCTURED, f"text inside MathML <{local}> wrapped in <mtext>", el)
            return node

        if not _blank(el.text):
            node = mtext(el.text)
            el.text = None
            el.insert(0, node)
        for child in list(el):
            if not _blank(child.tail):
                node = mtext(child.tail)
                child.tail = None
                child.addnext(node)

    def _semantics(self, el: etree._Element) -> str:
        elements = [c for c in el if isinstance(c.tag, str)]
        shown = [c for c in elements if local_name(c.tag) != "annotation"]
        if elements and local_name(elements[0].tag) != "annotation" and len(shown) == 1:
            return "semantics"
        for child in elements:
            if local_name(child.tag) == "annotation":
                self.report(DROPPED, "MathML <annotation> of a malformed <semantics> dropped", child)
                remove_keep_tail(child)
        self.report(RESTRUCTURED, "malformed MathML <semantics> made <mrow>", el)
        self.rename(el, _M + "mrow")
        return "mrow"

    def _mathml_table_level(self, el: etree._Element, allowed: frozenset[str], wrapper: str) -> None:
        if _blank(el.text) and all(local_name(c.tag) in allowed and _blank(c.tail) for c in el):
            return
        items = _take(el)
        out: list = []
        run: list = []

        def flush() -> None:
            if _has_content(run):
                node = etree.Element(_M + wrapper)
                target = etree.SubElement(node, _M + "mtd") if wrapper == "mtr" else node
                _append(target, run)
                out.append(node)
                self.report(RESTRUCTURED, f"content of MathML <{local_name(el.tag)}> wrapped in "
                            f"<{wrapper}>", el)
            run.clear()

        for item in items:
            if not isinstance(item, str) and local_name(item.tag) in allowed:
                flush()
                out.append(item)
            elif not (isinstance(item, str) and item.isspace()):
                run.append(item)
        flush()
        _append(el, out)

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
            handler = getattr(self, f"_fix_{model}")
            for follow in handler(current) or ():
                # Transparent elements settled in flow content take the flow model.
                queue.append((follow, follow.tag in TRANSPARENT))

    def blockish(self, el: etree._Element) -> bool:
        """Not phrasing content (or an inline element holding blocks)."""
        return isinstance(el.tag, str) and (not is_phrasing(el.tag) or el in self.pending)

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
                add_text_before(child, _text_of(child) + (child.tail or ""))
                child.tail = None
                el.remove(child)
        return []

    def _fix_empty(self, el: etree._Element) -> list:
        if not len(el) and not el.text:
            return []
        self.report(RESTRUCTURED, f"content of <{el.tag}> moved after it", el)
        items = _take(el)
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
        items = _take(el)
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
            if _has_content(run):
                if el_first:
                    _append(el, run)
                    pieces.append(el)
                else:
                    node = _clone_shell(el)
                    _append(node, run)
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

    _fix_figure = _fix_flow
    _fix_details = _fix_flow

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
            while (i + len(run) < len(children) and _blank(run[-1].tail)
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
                    text = _text_of(child)
                    if not _blank(text):
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
        if elements[0].tag == "figcaption" and _blank(el.text):
            keep = elements[0]
        elif elements[-1].tag == "figcaption" and _blank(elements[-1].tail):
            keep = elements[-1]
        for caption in captions:
            if caption is not keep:
                self.report(CHANGED, "<figcaption> not first or last in <figure> made <div>",
                            caption)
                self.rename(caption, "div")

    def _details(self, el: etree._Element) -> None:
        elements = [c for c in el if isinstance(c.tag, str)]
        summaries = [c for c in elements if c.tag == "summary"]
        if not (elements and elements[0].tag == "summary" and _blank(el.text)):
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

    # structures -------------------------------------------------------

    def _regroup(self, el: etree._Element, keep: Callable[[etree._Element], bool],
                 container: Callable[[list], etree._Element | None]) -> list[etree._Element]:
        """Rebuild ``el``'s children: elements passing ``keep`` stay; each run of
        anything else goes to ``container(out)`` (a new or previous wrapper),
        or is dropped when it holds nothing but breaks and rules."""
        follow: list[etree._Element] = []
        items = _take(el)
        out: list[etree._Element] = []
        run: list = []

        def flush() -> None:
            if _meaningful(run):
                target = container(out)
                _append(target, run)
                if target not in follow:
                    follow.append(target)
            elif _has_content(run):
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
        _append(el, out)
        return follow

    def _into(self, el: etree._Element, tag: str, *, reuse: frozenset[str] = frozenset(),
              inner: str | None = None) -> Callable[[list], etree._Element]:
        """A ``container`` for :meth:`_regroup`: the previous element when its
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

    def _fix_list(self, el: etree._Element) -> list:
        if _blank(el.text) and all(c.tag == "li" and _blank(c.tail) for c in el):
            return []
        return self._regroup(el, lambda c: c.tag == "li",
                             self._into(el, "li", reuse=frozenset({"li"})))

    def _fix_dl(self, el: etree._Element) -> list:
        elements = [c for c in el if isinstance(c.tag, str)]
        divs = [c for c in elements if c.tag == "div"]
        if divs:
            if len(divs) == len(elements) and _blank(el.text) and all(
                    _blank(d.tail) and _dl_group_ok(d) for d in divs):
                return []
            for div in divs:
                self.report(RESTRUCTURED, "<div> inside <dl> unwrapped", div)
                unwrap(div)
        children = list(el)
        if _blank(el.text) and all(c.tag in ("dt", "dd") and _blank(c.tail) for c in children) \
                and (not children or (children[0].tag == "dt" and children[-1].tag == "dd")):
            return []
        follow = self._regroup(el, lambda c: c.tag in ("dt", "dd"),
                               self._into(el, "dd", reuse=frozenset({"dd"})))
        if len(el) and el[0].tag == "dd":
            el.insert(0, etree.Element("dt"))
            self.report(RESTRUCTURED, "<dl> starting with <dd> given an empty <dt>", el)
        if len(el) and el[-1].tag == "dt":
            el.append(etree.Element("dd"))
            self.report(RESTRUCTURED, "<dl> ending with <dt> given an empty <dd>", el)
        return follow

    def _fix_row(self, el: etree._Element) -> list:
        if _blank(el.text) and all(c.tag in ("td", "th") and _blank(c.tail) for c in el):
            return []
        return self._regroup(el, lambda c: c.tag in ("td", "th"), self._into(el, "td"))

    def _rows(self, el: etree._Element, items: list) -> tuple[list[etree._Element], list]:
        """Cells, rows and anything else → rows: runs of cells share a ``tr``,
        other content gets a ``tr`` of one ``td``."""
        rows: list[etree._Element] = []
        follow: list[etree._Element] = []
        cells: list[etree._Element] = []
        other: list = []

        def flush_cells() -> None:
            if cells:
                row = etree.Element("tr")
                _append(row, cells)
                rows.append(row)
                self.report(RESTRUCTURED, f"cells inside <{el.tag}> wrapped in <tr>", el)
                cells.clear()

        def flush_other() -> None:
            if _meaningful(other):
                row = etree.Element("tr")
                cell = etree.SubElement(row, "td")
                _append(cell, other)
                rows.append(row)
                follow.append(cell)
                self.report(RESTRUCTURED, f"content of <{el.tag}> wrapped in <tr><td>", el)
            elif _has_content(other):
                self.report(DROPPED, f"<br>/<hr> inside <{el.tag}> dropped", el)
            other.clear()

        for item in items:
            if isinstance(item, str):
                if not item.isspace():
                    flush_cells()
                    other.append(item)
            elif item.tag in ("td", "th"):
                flush_other()
                cells.append(item)
            elif item.tag == "tr":
                flush_other()
                flush_cells()
                rows.append(item)
            else:
                flush_cells()
                other.append(item)
        flush_cells()
        flush_other()
        return rows, follow

    def _fix_rowgroup(self, el: etree._Element) -> list:
        if _blank(el.text) and all(c.tag == "tr" and _blank(c.tail) for c in el):
            return []
        rows, follow = self._rows(el, _take(el))
        _append(el, rows)
        return follow

    def _fix_table(self, el: etree._Element) -> list:
        if _table_ok(el):
            return []
        caption: etree._Element | None = None
        colgroups: list[etree._Element] = []
        thead: etree._Element | None = None
        tfoot: etree._Element | None = None
        body: list[etree._Element] = []
        loose: list = []  # cells, rows and other content, in order
        follow: list[etree._Element] = []

        def flush_loose() -> None:
            if loose:
                rows, made = self._rows(el, loose)
                body.extend(rows)
                follow.extend(made)
                loose.clear()

        for item in _take(el):
            tag = None if isinstance(item, str) else item.tag
            if tag == "caption" and caption is None and not body and not loose and thead is None:
                caption = item
            elif tag == "caption":
                self.report(CHANGED, "second or misplaced <caption> made a cell", item)
                self.rename(item, "td")
                loose.append(item)
                follow.append(item)
            elif tag == "colgroup":
                inner = _take(item)
                cols = [i for i in inner if not isinstance(i, str) and i.tag == "col"]
                _append(item, cols)
                rest = [i for i in inner if isinstance(i, str) or i.tag != "col"]
                if _has_content(rest):
                    loose.extend(rest)
                if item.get("span") is not None and len(item):
                    del item.attrib["span"]
                colgroups.append(item)
            elif tag == "col":
                if not colgroups or colgroups[-1].get("data-mb-made") != "cols":
                    group = etree.Element("colgroup")
                    group.set("data-mb-made", "cols")
                    colgroups.append(group)
                colgroups[-1].append(item)
            elif tag == "thead" and thead is None and not body and not loose:
                thead = item
            elif tag == "tfoot" and tfoot is None:
                tfoot = item
            elif tag in ("thead", "tfoot", "tbody"):
                flush_loose()
                if tag != "tbody":
                    self.rename(item, "tbody")
                body.append(item)
            else:
                loose.append(item)
        flush_loose()
        for group in colgroups:
            group.attrib.pop("data-mb-made", None)
        if any(b.tag == "tbody" for b in body) and any(b.tag == "tr" for b in body):
            grouped: list[etree._Element] = []
            made: set[etree._Element] = set()
            for part in body:
                if part.tag == "tr":
                    if not grouped or grouped[-1] not in made:
                        group = etree.Element("tbody")
                        made.add(group)
                        grouped.append(group)
                    grouped[-1].append(part)
                else:
                    grouped.append(part)
            body = grouped
        for part in (caption, *colgroups, thead, *body, tfoot):
            if part is not None:
                el.append(part)
        self.report(RESTRUCTURED, "<table> parts put in the order HTML requires", el)
        return follow

    def _fix_colgroup(self, el: etree._Element) -> list:
        return []  # sorted out by the table around it (or dropped outside one)

    def _fix_hgroup(self, el: etree._Element) -> list:
        elements = [c for c in el if isinstance(c.tag, str)]
        headings = [c for c in elements if c.tag in HEADINGS]
        others = [c for c in elements if c.tag not in HEADINGS and c.tag != "p"]
        loose = not _blank(el.text) or any(not _blank(c.tail) for c in elements)
        if not headings or others or loose:
            why = "without a heading" if not headings else "holding more than headings"
            self.report(CHANGED, f"<hgroup> {why} unwrapped", el)
            unwrap(el)
            return []
        for extra in headings[1:]:
            self.report(CHANGED, f"second heading <{extra.tag}> in <hgroup> made <p>", extra)
            self.rename(extra, "p")
        return []

    def _fix_ruby(self, el: etree._Element) -> list:
        children = [c for c in el if isinstance(c.tag, str)]
        has_rt = any(c.tag == "rt" for c in children)
        if not has_rt or any(self.blockish(c) and c.tag not in ("rt", "rp") for c in children):
            why = "holding a block" if has_rt else "without <rt>"
            self.report(RESTRUCTURED, f"<ruby> {why} unwrapped", el)
            for child in children:
                if child.tag == "rp":
                    remove_keep_tail(child)
                elif child.tag == "rt":
                    unwrap(child)
            unwrap(el)
            return []
        if not _ruby_parentheses_ok(el):
            for child in children:
                if child.tag == "rp":
                    self.report(RESTRUCTURED, "<rp> not around an <rt> dropped", child)
                    remove_keep_tail(child)
        return []


def _dl_group_ok(div: etree._Element) -> bool:
    """A ``div`` in a ``dl``: one or more ``dt`` then one or more ``dd``."""
    if not _blank(div.text):
        return False
    tags = []
    for child in div:
        if not isinstance(child.tag, str) or not _blank(child.tail):
            return False
        tags.append(child.tag)
    if not tags or tags[0] != "dt" or tags[-1] != "dd":
        return False
    seen_dd = False
    for tag in tags:
        if tag == "dd":
            seen_dd = True
        elif tag != "dt" or seen_dd:
            return False
    return True


#: Where each table part may come (HTML §4.9.1): caption, colgroups, thead,
#: tbody or tr (not both), tfoot.
_TABLE_ORDER = {"caption": 0, "colgroup": 1, "thead": 2, "tbody": 3, "tr": 3, "tfoot": 4}


def _table_ok(table: etree._Element) -> bool:
    """Whether the table's children already follow HTML's order."""
    if not _blank(table.text):
        return False
    stage = -1
    seen: Counter[str] = Counter()
    for child in table:
        if not isinstance(child.tag, str) or not _blank(child.tail):
            return False
        order = _TABLE_ORDER.get(child.tag)
        if order is None or order < stage:
            return False
        seen[child.tag] += 1
        if child.tag in ("caption", "thead", "tfoot") and seen[child.tag] > 1:
            return False
        if child.tag == "colgroup" and (
                (child.get("span") is not None and len(child)) or not _blank(child.text)
                or any(c.tag != "col" or not _blank(c.tail) for c in child)):
            return False
        stage = order
    return not (seen["tbody"] and seen["tr"])


def _ruby_parentheses_ok(ruby: etree._Element) -> bool:
    """``rp`` only in ``rp rt rp`` triples (how EPUBCheck reads HTML §4.5.10)."""
    runs: list[list[str]] = [[]]
    for child in ruby:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("rt", "rp"):
            runs[-1].append(tag)
        else:
            runs.append([])
        if not _blank(child.tail):
            runs.append([])
    for run in runs:
        if "rp" in run and (len(run) % 3 or any(run[i:i + 3] != ["rp", "rt", "rp"]
                                                 for i in range(0, len(run), 3))):
            return False
    return True


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
