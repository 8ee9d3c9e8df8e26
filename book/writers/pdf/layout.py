"""What the print layout tells the rest of the build.

The EPUB's page list (issue 6) needs to know, for every printed page, the
folio printed on it and where chapters begin.  :class:`PrintLayout` carries
that from the print PDF's layout, whether one WeasyPrint document or
chunks laid out in other processes (chunked.py); nothing here renders again.
Facts about the pages (their text, images, the page summaries the checks
of book/pagecheck read...) come from the page extractors (extract.py), run
where the pages were laid out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .extract import Extractor, PageInfo, is_blank, join_values, run_extractors

if TYPE_CHECKING:
    from ...pagecheck import PageSummary


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

    ``document`` is the rendered :class:`weasyprint.document.Document` of a
    one-document layout (None when the book was laid out in chunks);
    ``page_labels[i]`` is the folio of page ``i`` as printed or as it would
    be printed on a page that shows none ("i", "ii"... in the front matter,
    "1", "2"... from the first page of the body); blank pages are in
    ``blank_pages``; ``chapter_first_page`` maps chapter ids to the 0-based
    index of their opening page; ``extracted`` holds each page extractor's
    values, one per page (extract.py); ``pages`` are the page summaries
    (:class:`~book.pagecheck.PageSummary`) the checks on the laid-out
    pages read.
    """

    document: Any
    page_labels: list[str] = field(default_factory=list)
    blank_pages: set[int] = field(default_factory=set)
    chapter_first_page: dict[str, int] = field(default_factory=dict)
    extracted: dict[str, list] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return len(self.page_labels)

    @property
    def pages(self) -> list[PageSummary]:
        """What each page holds (book/pagecheck), in book order."""
        return self.extracted.get("pagecheck", [])


def page_labels(page_count: int, body_start: int | None) -> list[str]:
    """Folios: lower-case Roman before ``body_start``, Arabic from 1 after.

    This mirrors the page counter of the generated CSS (pagecss.py), which
    resets the counter to 1 on the first page of the first body division.
    """
    if body_start is None:
        return [roman(i + 1) for i in range(page_count)]
    return [roman(i + 1) if i < body_start else str(i - body_start + 1) for i in range(page_count)]


def label_ranges(page_count: int, body_start: int | None) -> list[tuple[int, str]]:
    """The PDF page-label ranges matching :func:`page_labels`."""
    if not page_count:
        return []
    if body_start is None:
        return [(0, "r")]
    return [(0, "r"), (body_start, "D")] if body_start > 0 else [(0, "D")]


def chapter_pages(anchors: list[list[str]], chapter_ids: list[str]) -> dict[str, int]:
    """Chapter id → index of the page its opening anchor is on."""
    wanted = set(chapter_ids)
    first: dict[str, int] = {}
    for index, names in enumerate(anchors):
        for name in names:
            if name in wanted and name not in first:
                first[name] = index
    return {cid: first[cid] for cid in chapter_ids if cid in first}


def read_layout(document: Any, chapter_ids: list[str], body_start_id: str | None,
                extractors: Iterable[Extractor] = ()) -> PrintLayout:
    """Build a :class:`PrintLayout` from a rendered one-document layout."""
    blank = {index for index, page in enumerate(document.pages) if is_blank(page)}
    first = chapter_pages([list(page.anchors) for page in document.pages], chapter_ids)
    body_start = first.get(body_start_id) if body_start_id else None
    labels = page_labels(len(document.pages), body_start)
    infos = [PageInfo(index, labels[index], index in blank) for index in range(len(labels))]
    extractors = tuple(extractors)
    extracted = join_values(run_extractors(document.pages, infos, extractors), labels, extractors)
    return PrintLayout(document, labels, blank, first, extracted)
