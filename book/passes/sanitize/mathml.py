"""MathML: kept in its namespace, limited to presentation markup, put in shape.

An HTML parser gives ``<math>`` no namespace; :func:`convert_plain_mathml`
gives it MathML's.  Elements outside :data:`.allowlists.MATHML_ELEMENTS`
are unwrapped (their text kept), attributes checked against what each
element takes (:func:`clean_mathml_attributes`).  During the content-model
repair's top-down walk, :func:`repair_mathml` fixes each element's children
before they are visited: HTML inside MathML unwrapped, loose text wrapped
in ``mtext``, table rows and cells where they belong, elements without
their required number of parts (``mfrac`` with one child) made ``mrow``,
a ``math`` inside ``math`` made ``mrow`` (MathML 3 presentation markup as
EPUB 3.3 allows it).
"""

from __future__ import annotations

from lxml import etree

from ...xhtml import remove_keep_tail, source_line, unwrap
from .allowlists import MATHML_ELEMENTS
from .attribute_values import mathml_attribute_ok
from .content_model import (
    MATHML_ARITY,
    MATHML_NS,
    MATHML_ORPHAN_MOVES,
    MATHML_PARENTS,
    MATHML_TABLE_CHILDREN,
    MATHML_TOKENS,
    is_mathml,
    local_name,
)
from .edits import CHANGED, DROPPED, RESTRUCTURED, RepairState, append_items, blank, has_content, take
from .findings import Findings

_M = f"{{{MATHML_NS}}}"


def convert_plain_mathml(root: etree._Element) -> None:
    """``<math>`` from an HTML parser has no namespace; give it MathML's."""
    for math in list(root.iter("math")):
        for el in math.iter():
            if isinstance(el.tag, str) and not el.tag.startswith("{"):
                el.tag = _M + el.tag


def clean_mathml(el: etree._Element, found: Findings) -> bool:
    local = el.tag[len(_M):]
    if local not in MATHML_ELEMENTS:
        if local in ("annotation-xml", "maction", "mglyph"):
            return False
        unwrap(el)
        found.add("SAN009", f"m:{local}", source_line(el))
        return True
    clean_mathml_attributes(el, local)
    return True


def clean_mathml_attributes(el: etree._Element, local: str) -> None:
    """Attributes the MathML element takes, with values of their type."""
    for name in list(el.attrib):
        if name.startswith("{") or not mathml_attribute_ok(local, name, el.attrib[name]):
            del el.attrib[name]


def repair_mathml(state: RepairState, el: etree._Element, *, inside_math: bool) -> None:
    """One MathML element's children, before they are visited."""
    local = local_name(el.tag)
    if local == "math" and inside_math:
        state.report(RESTRUCTURED, "<math> inside <math> made <mrow>", el)
        state.rename(el, _M + "mrow")
        local = "mrow"
    elif local != "math" and not inside_math:
        math = etree.Element(_M + "math")  # a MathML element straying outside <math>
        el.addprevious(math)
        math.tail, el.tail = el.tail, None
        math.append(el)
        state.report(RESTRUCTURED, f"MathML <{local}> outside <math> wrapped in <math>", el)
    _unwrap_children(state, el, lambda c: not is_mathml(c.tag), CHANGED, "HTML <{}> inside "
                          "MathML unwrapped")
    if local in MATHML_TOKENS:
        _unwrap_children(state, el, lambda c: True, RESTRUCTURED, "<{}> inside a MathML token "
                              "unwrapped")
        return
    wanted = MATHML_TABLE_CHILDREN.get(local)
    if wanted is not None:
        _mathml_table_level(state, el, *wanted)
    _wrap_loose_math_text(state, el, local)
    for child in list(el):
        child_local = local_name(child.tag)
        parents = MATHML_PARENTS.get(child_local)
        if parents is None or local in parents:
            continue
        move = MATHML_ORPHAN_MOVES[child_local]
        if move == "drop":
            state.report(DROPPED, f"MathML <{child_local}> outside its parent dropped", child)
            remove_keep_tail(child)
        else:
            state.report(RESTRUCTURED, f"MathML <{child_local}> outside its parent made "
                        f"<{move}>", child)
            state.rename(child, _M + move)
    if local == "semantics":
        local = _semantics(state, el)
    arity = MATHML_ARITY.get(local)
    if arity is not None and sum(1 for c in el if isinstance(c.tag, str)) != arity:
        state.report(CHANGED, f"MathML <{local}> without its {arity} parts made <mrow>", el)
        state.rename(el, _M + "mrow")


def _unwrap_children(state: RepairState, el: etree._Element, condition, code: str, what: str) -> None:
    """Unwrap children meeting ``condition`` until none is left (each once)."""
    while True:
        doomed = [c for c in el if isinstance(c.tag, str) and condition(c)]
        if not doomed:
            return
        for child in doomed:
            state.report(code, what.format(local_name(child.tag)), child)
            unwrap(child)


def _wrap_loose_math_text(state: RepairState, el: etree._Element, local: str) -> None:
    def mtext(text: str) -> etree._Element:
        node = etree.Element(_M + "mtext")
        node.text = text
        state.report(RESTRUCTURED, f"text inside MathML <{local}> wrapped in <mtext>", el)
        return node

    if not blank(el.text):
        node = mtext(el.text)
        el.text = None
        el.insert(0, node)
    for child in list(el):
        if not blank(child.tail):
            node = mtext(child.tail)
            child.tail = None
            child.addnext(node)


def _semantics(state: RepairState, el: etree._Element) -> str:
    elements = [c for c in el if isinstance(c.tag, str)]
    shown = [c for c in elements if local_name(c.tag) != "annotation"]
    if elements and local_name(elements[0].tag) != "annotation" and len(shown) == 1:
        return "semantics"
    for child in elements:
        if local_name(child.tag) == "annotation":
            state.report(DROPPED, "MathML <annotation> of a malformed <semantics> dropped", child)
            remove_keep_tail(child)
    state.report(RESTRUCTURED, "malformed MathML <semantics> made <mrow>", el)
    state.rename(el, _M + "mrow")
    return "mrow"


def _mathml_table_level(state: RepairState, el: etree._Element, allowed: frozenset[str],
                        wrapper: str) -> None:
    if blank(el.text) and all(local_name(c.tag) in allowed and blank(c.tail) for c in el):
        return
    items = take(el)
    out: list = []
    run: list = []

    def flush() -> None:
        if has_content(run):
            node = etree.Element(_M + wrapper)
            target = etree.SubElement(node, _M + "mtd") if wrapper == "mtr" else node
            append_items(target, run)
            out.append(node)
            state.report(RESTRUCTURED, f"content of MathML <{local_name(el.tag)}> wrapped in "
                        f"<{wrapper}>", el)
        run.clear()

    for item in items:
        if not isinstance(item, str) and local_name(item.tag) in allowed:
            flush()
            out.append(item)
        elif not (isinstance(item, str) and item.isspace()):
            run.append(item)
    flush()
    append_items(el, out)
