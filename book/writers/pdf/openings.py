"""Where chapters open in print: on a recto, or on the next page.

A novel opens every chapter on a recto (a right-hand page), leaving the
verso before it blank when the chapter before ends on a recto.  Set that
way, a collection of many short pieces (poems, letters, sketches) is a third
blank pages: a poem of twenty lines fills one page and leaves the next
empty.  ``[pdf] openings`` chooses:

``right``  every division opens on a recto;
``any``    a chapter opens on the next page, either side;
``auto``   (default) ``any`` for a collection: at least :data:`MIN_PIECES`
           chapters in the body, half of them under :data:`SHORT_WORDS`
           words; ``right`` otherwise.

With ``any``, some divisions still open on a recto: parts and the matter
around the body, the first chapter of the body, a chapter after a part's
title page (so the back of the title stays blank), and one now and then at
a content-defined place (cuts.py), where the chunked layout may start a
chunk: chunks start on a recto, so the book is the same whatever ``--jobs``.
"""

from __future__ import annotations

from statistics import median

from lxml import etree

from ...config import PdfConfig
from ...model import Book, Chapter, Matter
from ...xhtml import add_class
from .cuts import due

#: The class of a division that opens on the next page (print.css).
ANY_PAGE_CLASS = "mb-open-any"
#: A collection has at least this many chapters in the body...
MIN_PIECES = 30
#: ...half of them shorter than this many words (a page and a half).
SHORT_WORDS = 400
#: Values of ``[pdf] openings``.
OPENINGS = ("auto", "right", "any")


def words(chapter: Chapter) -> int:
    return len("".join(chapter.tree.itertext()).split())


def resolve(book: Book, pdf: PdfConfig) -> str:
    """``right`` or ``any`` for this book (``auto`` decided by its chapters)."""
    if pdf.openings != "auto":
        return pdf.openings
    pieces = [words(c) for c in book.chapters if c.matter == Matter.BODY and c.kind != "part"]
    if len(pieces) >= MIN_PIECES and median(pieces) < SHORT_WORDS:
        return "any"
    return "right"


class Openings:
    """Marks, division by division in order, those that open on the next page."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.held = 0
        self.after_title_page = True

    def place(self, division: etree._Element, chapter: Chapter, *, starts_body: bool,
              title_page: bool) -> None:
        """Decide for ``division`` (the section laid out for ``chapter``);
        ``title_page``: it is a part's title page with no text of its own."""
        if self.mode != "any":
            return
        size = len(etree.tostring(division, method="html", encoding="unicode"))
        recto = (starts_body or self.after_title_page or chapter.kind == "part"
                 or chapter.matter != Matter.BODY or due(self.held, chapter.id))
        if recto:
            self.held = 0
        else:
            add_class(division, ANY_PAGE_CLASS)
        self.held += size
        self.after_title_page = title_page
