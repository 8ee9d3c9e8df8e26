"""Tables put in the order and shape HTML requires (HTML §4.9).

Cells outside a row get one, rows outside a row group stay or share a
``tbody``, other content gets a row of one cell; a table's parts are sorted
into caption, column groups, head, bodies (or rows, not both) and foot; a
second caption becomes a cell.  Steps of :mod:`.repair`'s bottom-up walk.
"""

from __future__ import annotations

from collections import Counter

from lxml import etree

from .edits import (
    CHANGED,
    DROPPED,
    RESTRUCTURED,
    RepairState,
    append_items,
    blank,
    has_content,
    meaningful,
    take,
)


def fix_row(state: RepairState, el: etree._Element) -> list:
    if blank(el.text) and all(c.tag in ("td", "th") and blank(c.tail) for c in el):
        return []
    return state.regroup(el, lambda c: c.tag in ("td", "th"), state.into(el, "td"))


def _rows(state: RepairState, el: etree._Element, items: list) -> tuple[list[etree._Element], list]:
    """Cells, rows and anything else → rows: runs of cells share a ``tr``,
    other content gets a ``tr`` of one ``td``."""
    rows: list[etree._Element] = []
    follow: list[etree._Element] = []
    cells: list[etree._Element] = []
    other: list = []

    def flush_cells() -> None:
        if cells:
            row = etree.Element("tr")
            append_items(row, cells)
            rows.append(row)
            state.report(RESTRUCTURED, f"cells inside <{el.tag}> wrapped in <tr>", el)
            cells.clear()

    def flush_other() -> None:
        if meaningful(other):
            row = etree.Element("tr")
            cell = etree.SubElement(row, "td")
            append_items(cell, other)
            rows.append(row)
            follow.append(cell)
            state.report(RESTRUCTURED, f"content of <{el.tag}> wrapped in <tr><td>", el)
        elif has_content(other):
            state.report(DROPPED, f"<br>/<hr> inside <{el.tag}> dropped", el)
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


def fix_rowgroup(state: RepairState, el: etree._Element) -> list:
    if blank(el.text) and all(c.tag == "tr" and blank(c.tail) for c in el):
        return []
    rows, follow = _rows(state, el, take(el))
    append_items(el, rows)
    return follow


def fix_table(state: RepairState, el: etree._Element) -> list:
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
            rows, made = _rows(state, el, loose)
            body.extend(rows)
            follow.extend(made)
            loose.clear()

    for item in take(el):
        tag = None if isinstance(item, str) else item.tag
        if tag == "caption" and caption is None and not body and not loose and thead is None:
            caption = item
        elif tag == "caption":
            state.report(CHANGED, "second or misplaced <caption> made a cell", item)
            state.rename(item, "td")
            loose.append(item)
            follow.append(item)
        elif tag == "colgroup":
            inner = take(item)
            cols = [i for i in inner if not isinstance(i, str) and i.tag == "col"]
            append_items(item, cols)
            rest = [i for i in inner if isinstance(i, str) or i.tag != "col"]
            if has_content(rest):
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
                state.rename(item, "tbody")
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
    state.report(RESTRUCTURED, "<table> parts put in the order HTML requires", el)
    return follow


def fix_colgroup(state: RepairState, el: etree._Element) -> list:
    return []  # sorted out by the table around it (or dropped outside one)


#: Where each table part may come (HTML §4.9.1): caption, colgroups, thead,
#: tbody or tr (not both), tfoot.
_TABLE_ORDER = {"caption": 0, "colgroup": 1, "thead": 2, "tbody": 3, "tr": 3, "tfoot": 4}


def _table_ok(table: etree._Element) -> bool:
    """Whether the table's children already follow HTML's order."""
    if not blank(table.text):
        return False
    stage = -1
    seen: Counter[str] = Counter()
    for child in table:
        if not isinstance(child.tag, str) or not blank(child.tail):
            return False
        order = _TABLE_ORDER.get(child.tag)
        if order is None or order < stage:
            return False
        seen[child.tag] += 1
        if child.tag in ("caption", "thead", "tfoot") and seen[child.tag] > 1:
            return False
        if child.tag == "colgroup" and (
                (child.get("span") is not None and len(child)) or not blank(child.text)
                or any(c.tag != "col" or not blank(c.tail) for c in child)):
            return False
        stage = order
    return not (seen["tbody"] and seen["tr"])
