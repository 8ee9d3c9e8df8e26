"""Repairs to WeasyPrint's PDF tagging for PDF/UA-1 (ISO 14289-1).

WeasyPrint 70 tags the page content with marked-content ids (MCIDs) and
builds a structure tree from the boxes.  Running heads and folios live in
page-margin boxes: WeasyPrint marks their text as ``/Span`` with an MCID
and builds structure elements for them that it then leaves out of the
tree (its source says an Artifact would be right, but only PDF 2.0 lets a
structure tree hold one).  PDF/UA-1 §7.1 wants page furniture the other
way round: marked ``/Artifact`` in the content stream and absent from the
structure tree.  :func:`mark_margin_artifacts` does exactly that, in the
writer's ``finisher`` (on WeasyPrint's in-memory pydyf objects, before the
file is written): every MCID whose structure element is unreachable from
the structure tree root becomes ``/Artifact BMC … EMC`` and its parent-tree
entry becomes null.

Footnotes: WeasyPrint tags the footnote area of a page as a ``/NonStruct``
holding one element per note, typed by the note's HTML tag (a ``/Span``).
PDF/UA-1 §7.9 wants footnotes tagged ``/Note``, each with an ``/ID``
(Matterhorn checkpoint 19-003).  :func:`tag_footnotes` finds each page's
footnote-area element (the last element WeasyPrint adds to the document
for a page whose box tree has a non-empty footnote area) and retypes its
children, when their number matches the notes laid out on that page.  The
``/ID`` is the note's own id in the book (unique book-wide, so it stays
unique when a chunked layout joins several PDFs into one).
"""

from __future__ import annotations

import pydyf


def _number(ref: object) -> int | None:
    """The object number of an indirect reference (``b"12 0 R"``)."""
    if isinstance(ref, (bytes, str)):
        parts = (ref.decode("ascii", "replace") if isinstance(ref, bytes) else ref).split()
        if len(parts) == 3 and parts[2] == "R" and parts[0].isdigit():
            return int(parts[0])
    return None


def _resolve(pdf: pydyf.PDF, value: object) -> object:
    number = _number(value)
    return pdf.objects[number] if number is not None and number < len(pdf.objects) else value


def _reachable_elements(pdf: pydyf.PDF, root: pydyf.Dictionary) -> set[int]:
    """Object numbers of the structure elements in the tree under ``root``."""
    found: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("K")
        for item in kids if isinstance(kids, list) else [kids]:
            obj = _resolve(pdf, item)
            if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem" \
                    and obj.number not in found:
                found.add(obj.number)
                stack.append(obj)
    return found


def mark_margin_artifacts(pdf: pydyf.PDF) -> int:
    """Turn content tagged for no element of the tree into artifacts.

    Returns how many marked-content sequences changed.
    """
    root = _resolve(pdf, pdf.catalog.get("StructTreeRoot"))
    if not isinstance(root, pydyf.Dictionary):
        return 0
    reachable = _reachable_elements(pdf, root)
    parent_tree = _resolve(pdf, root.get("ParentTree"))
    if not isinstance(parent_tree, pydyf.Dictionary):
        return 0
    nums = parent_tree.get("Nums") or []
    kids = pdf.pages["Kids"]
    page_numbers = [kids[i] for i in range(0, len(kids), 3)]
    changed = 0
    for key, value in zip(nums[::2], nums[1::2]):
        if not isinstance(key, int) or not isinstance(value, list) or key >= len(page_numbers):
            continue  # annotation entries map one element, not a page's MCIDs
        orphans = {mcid for mcid, ref in enumerate(value) if _number(ref) not in reachable}
        if not orphans:
            continue
        page = pdf.objects[page_numbers[key]]
        stream = _resolve(pdf, page.get("Contents"))
        if not isinstance(stream, pydyf.Stream) or not isinstance(stream.stream, list):
            continue
        out: list = []
        for item in stream.stream:
            # WeasyPrint writes "/Span", {"MCID": n}, b"BDC" as three items.
            if item == b"BDC" and len(out) >= 2 and isinstance(out[-1], dict) \
                    and out[-1].get("MCID") in orphans:
                out.pop()
                out[-1] = "/Artifact"
                out.append(b"BMC")
                changed += 1
                continue
            out.append(item)
        stream.stream = out
        for mcid in orphans:
            value[mcid] = "null"
    return changed


def tag_footnotes(document, pdf: pydyf.PDF) -> int:
    """Retype the footnotes of each page as ``/Note`` elements with an ``/ID``.

    ``document`` is the rendered WeasyPrint document.  Returns the number
    of notes tagged.
    """
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    root = _resolve(pdf, pdf.catalog.get("StructTreeRoot"))
    if not isinstance(root, pydyf.Dictionary):
        return 0
    top = root.get("K")
    top = [_resolve(pdf, item) for item in (top if isinstance(top, list) else [top])]
    document_element = next((el for el in top if isinstance(el, pydyf.Dictionary)
                             and el.get("S") == "/Document"), None)
    if document_element is None:
        return 0
    children = [_resolve(pdf, item) for item in document_element.get("K") or []]
    references = pdf.page_references
    tagged = 0
    for index, page in enumerate(document.pages):
        boxes = [note for child in page._page_box.children if isinstance(child, FootnoteAreaBox)
                 for note in child.children]
        notes = len(boxes)
        if not notes or index >= len(references):
            continue
        on_page = [el for el in children if isinstance(el, pydyf.Dictionary)
                   and el.get("Pg") == references[index]]
        if not on_page or on_page[-1].get("S") != "/NonStruct":
            continue
        area = [_resolve(pdf, item) for item in on_page[-1].get("K") or []]
        elements = [el for el in area if isinstance(el, pydyf.Dictionary)
                    and el.get("Type") == "/StructElem"]
        if len(elements) != notes:
            continue  # not the shape we know; leave WeasyPrint's tags alone
        for element, box in zip(elements, boxes):
            tagged += 1
            source = getattr(box, "element", None)
            ident = source.get("id") if source is not None and hasattr(source, "get") else None
            element["S"] = "/Note"
            element["ID"] = pydyf.String(ident or f"note-{tagged}")
    return tagged


__all__ = ["mark_margin_artifacts", "tag_footnotes"]
