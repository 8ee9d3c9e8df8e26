"""Lists, description lists, ``hgroup`` and ``ruby`` given the children HTML allows.

A list holds ``li`` only (other content joins the item before it, or gets
one); a ``dl`` holds ``dt``/``dd`` groups (``div`` groups when all are
well formed), starting with a ``dt`` and ending with a ``dd``; an
``hgroup`` holds one heading and paragraphs; a ``ruby`` needs an ``rt``
and keeps ``rp`` only around one.  Steps of :mod:`.repair`'s bottom-up walk.
"""

from __future__ import annotations

from lxml import etree

from ...xhtml import remove_keep_tail, unwrap
from .content_model import HEADINGS
from .edits import CHANGED, RESTRUCTURED, RepairState, blank


def fix_list(state: RepairState, el: etree._Element) -> list:
    if blank(el.text) and all(c.tag == "li" and blank(c.tail) for c in el):
        return []
    return state.regroup(el, lambda c: c.tag == "li",
                         state.into(el, "li", reuse=frozenset({"li"})))


def fix_dl(state: RepairState, el: etree._Element) -> list:
    elements = [c for c in el if isinstance(c.tag, str)]
    divs = [c for c in elements if c.tag == "div"]
    if divs:
        if len(divs) == len(elements) and blank(el.text) and all(
                blank(d.tail) and _dl_group_ok(d) for d in divs):
            return []
        for div in divs:
            state.report(RESTRUCTURED, "<div> inside <dl> unwrapped", div)
            unwrap(div)
    children = list(el)
    if blank(el.text) and all(c.tag in ("dt", "dd") and blank(c.tail) for c in children) \
            and (not children or (children[0].tag == "dt" and children[-1].tag == "dd")):
        return []
    follow = state.regroup(el, lambda c: c.tag in ("dt", "dd"),
                           state.into(el, "dd", reuse=frozenset({"dd"})))
    if len(el) and el[0].tag == "dd":
        el.insert(0, etree.Element("dt"))
        state.report(RESTRUCTURED, "<dl> starting with <dd> given an empty <dt>", el)
    if len(el) and el[-1].tag == "dt":
        el.append(etree.Element("dd"))
        state.report(RESTRUCTURED, "<dl> ending with <dt> given an empty <dd>", el)
    return follow


def _dl_group_ok(div: etree._Element) -> bool:
    """A ``div`` in a ``dl``: one or more ``dt`` then one or more ``dd``."""
    if not blank(div.text):
        return False
    tags = []
    for child in div:
        if not isinstance(child.tag, str) or not blank(child.tail):
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


def fix_hgroup(state: RepairState, el: etree._Element) -> list:
    elements = [c for c in el if isinstance(c.tag, str)]
    headings = [c for c in elements if c.tag in HEADINGS]
    others = [c for c in elements if c.tag not in HEADINGS and c.tag != "p"]
    loose = not blank(el.text) or any(not blank(c.tail) for c in elements)
    if not headings or others or loose:
        why = "without a heading" if not headings else "holding more than headings"
        state.report(CHANGED, f"<hgroup> {why} unwrapped", el)
        unwrap(el)
        return []
    for extra in headings[1:]:
        state.report(CHANGED, f"second heading <{extra.tag}> in <hgroup> made <p>", extra)
        state.rename(extra, "p")
    return []


def fix_ruby(state: RepairState, el: etree._Element) -> list:
    children = [c for c in el if isinstance(c.tag, str)]
    has_rt = any(c.tag == "rt" for c in children)
    if not has_rt or any(state.blockish(c) and c.tag not in ("rt", "rp") for c in children):
        why = "holding a block" if has_rt else "without <rt>"
        state.report(RESTRUCTURED, f"<ruby> {why} unwrapped", el)
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
                state.report(RESTRUCTURED, "<rp> not around an <rt> dropped", child)
                remove_keep_tail(child)
    return []


def _ruby_parentheses_ok(ruby: etree._Element) -> bool:
    """``rp`` only in ``rp rt rp`` triples (how EPUBCheck reads HTML §4.5.10)."""
    runs: list[list[str]] = [[]]
    for child in ruby:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in ("rt", "rp"):
            runs[-1].append(tag)
        else:
            runs.append([])
        if not blank(child.tail):
            runs.append([])
    for run in runs:
        if "rp" in run and (len(run) % 3 or any(run[i:i + 3] != ["rp", "rt", "rp"]
                                                 for i in range(0, len(run), 3))):
            return False
    return True
