"""What the print layout tells the rest of the build.

The EPUB's page list (issue 6) needs to know, for every printed page, the
folio printed on it and where chapters begin.  :class:`PrintLayout` carries
that from the one WeasyPrint render of the print PDF; nothing here renders
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...pagecheck import PageSummary, summarize


def roman(number: int) -> str:
    """Lower-case Roman numeral, as printed on front-matter pages."""
    numerals = (("m", 1000), ("cm", 900), ("d", 500), ("cd", 400), ("c", 100), ("xc", 90),
                ("l", 50), ("xl", 40), ("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))
    out = []
    for letters, value in numerals:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


@dataclass
class PrintLayout:
    """The laid-out print edition.

    ``document`` is the rendered :class:`weasyprint.document.Document` (before
    ``write_pdf``); ``page_labels[i]`` is the folio of page ``i`` as printed
    or as it would be printed on a page that shows none ("i", "ii"... in the
    front matter, "1", "2"... from the first page of the body); blank pages
    are in ``blank_pages``; ``chapter_first_page`` maps chapter ids to the
    0-based index of their opening page; ``pages`` summarizes what each page
    holds (:mod:`book.pagecheck`), for the checks on the laid-out pages.
    """

    document: Any
    page_labels: list[str] = field(default_factory=list)
    blank_pages: set[int] = field(default_factory=set)
    chapter_first_page: dict[str, int] = field(default_factory=dict)
    pages: list[PageSummary] = field(default_factory=list)


def page_labels(page_count: int, body_start: int | None) -> list[str]:
    """Folios: lower-case Roman before ``body_start``, Arabic from 1 after.

    This mirrors the page counter of the generated CSS (pagecss.py), which
    resets the counter to 1 on the first page of the first body division.
    """
    if body_start is None:
        return [roman(i + 1) for i in range(page_count)]
    return [roman(i + 1) if i < body_start else str(i - body_start + 1) for i in range(page_count)]


def read_layout(document: Any, chapter_ids: list[str], body_start_id: str | None) -> PrintLayout:
    """Build a :class:`PrintLayout` from a rendered document in one pass over its pages."""
    wanted = set(chapter_ids)
    first: dict[str, int] = {}
    blank: set[int] = set()
    for index, page in enumerate(document.pages):
        if page._page_box.page_type.blank:  # the public Page has no "blank" attribute
            blank.add(index)
        for anchor in page.anchors:
            if anchor in wanted and anchor not in first:
                first[anchor] = index
    body_start = first.get(body_start_id) if body_start_id else None
    labels = page_labels(len(document.pages), body_start)
    return PrintLayout(document, labels, blank, {cid: first[cid] for cid in chapter_ids if cid in first},
                       summarize(document.pages, labels))
