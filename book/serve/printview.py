"""The print view's pages: the print PDF's page labels, outline and page
images, read with pypdfium2.

The page numbers shown are the PDF's own page labels (ISO 32000-1 §12.4.2:
roman in the front matter, arabic from the first chapter), so the view says
what the printed folios say; "jump to chapter" is the PDF's outline (its
bookmarks, §12.3.3).  Images are rendered on demand and kept in a small
cache keyed by the PDF's content hash and the page, so an unchanged book is
never rendered twice and an updated one never shows a stale page.

PDFium is not thread-safe: every call into it holds the process's one
PDFium lock (book/pdfium.py).
"""

from __future__ import annotations

import io
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from ..pdfium import PDFIUM_LOCK

#: How many rendered pages are kept (about 60 KB each at the view's size).
CACHE_PAGES = 400
#: The width a page image is rendered at, in pixels (sharp on a HiDPI
#: laptop screen showing a spread; a page of War and Peace is ~70 KB).
RENDER_WIDTH = 700

_PDFIUM = PDFIUM_LOCK


@dataclass
class PrintBook:
    """An opened print PDF: what the view lists, and the open document."""

    digest: str
    document: Any
    pages: list[dict[str, Any]]
    outline: list[dict[str, Any]]

    def summary(self) -> dict[str, Any]:
        return {"version": self.digest, "pages": self.pages, "outline": self.outline}


def open_print(data: bytes, digest: str) -> PrintBook:
    """Open the PDF bytes and list their pages and outline."""
    import pypdfium2 as pdfium

    with _PDFIUM:
        document = pdfium.PdfDocument(data)
        pages = []
        for index in range(len(document)):
            width, height = document.get_page_size(index)
            label = document.get_page_label(index) or str(index + 1)
            pages.append({"label": label, "width": round(width, 2), "height": round(height, 2)})
        outline = []
        for mark in document.get_toc(max_depth=4):
            dest = mark.get_dest()
            index = dest.get_index() if dest is not None else None
            if index is None or not 0 <= index < len(pages):
                continue
            outline.append({"title": " ".join(mark.get_title().split()), "page": index,
                            "level": mark.level})
    return PrintBook(digest, document, pages, outline)


class PageImages:
    """Page images and texts of the current print PDF, rendered on demand."""

    def __init__(self) -> None:
        self.book: PrintBook | None = None
        self._cache: OrderedDict[tuple[str, int, str], bytes] = OrderedDict()
        self._lock = threading.Lock()

    def update(self, data: bytes, digest: str) -> PrintBook:
        """Open a new print PDF; the old one closes (its cached images go
        as newer ones push them out)."""
        book = open_print(data, digest)
        with _PDFIUM:  # no page of the old document is being read while it closes
            old, self.book = self.book, book
            if old is not None:
                old.document.close()
        return book

    def _cached(self, key: tuple[str, int, str], make) -> bytes | None:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        data = make()
        if data is None:
            return None
        with self._lock:
            self._cache[key] = data
            while len(self._cache) > CACHE_PAGES:
                self._cache.popitem(last=False)
        return data

    def _page(self, version: str, index: int):
        """The current book when ``version`` names it and ``index`` is a page."""
        book = self.book
        if book is None or book.digest != version or not 0 <= index < len(book.pages):
            return None
        return book

    def png(self, version: str, index: int) -> bytes | None:
        """Page ``index`` of PDF ``version`` as a PNG, or None when there is
        no such page (an old version: the page asks again with the new one)."""
        book = self._page(version, index)
        if book is None:
            return None

        def render() -> bytes | None:
            with _PDFIUM:
                if self.book is not book:  # replaced (and closed) meanwhile
                    return None
                page = book.document[index]
                try:
                    scale = RENDER_WIDTH / page.get_width()
                    image = page.render(scale=scale, may_draw_forms=False).to_pil()
                finally:
                    page.close()
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG", optimize=False, compress_level=3)
            return out.getvalue()
        return self._cached((version, index, "png"), render)

    def text(self, version: str, index: int) -> bytes | None:
        """The text of a page (for screen readers, find in page and the
        tests), UTF-8."""
        book = self._page(version, index)
        if book is None:
            return None

        def extract() -> bytes | None:
            with _PDFIUM:
                if self.book is not book:
                    return None
                page = book.document[index]
                try:
                    textpage = page.get_textpage()
                    text = textpage.get_text_range()
                    textpage.close()
                finally:
                    page.close()
            return page_text(text).encode("utf-8")
        return self._cached((version, index, "txt"), extract)


def page_text(text: str) -> str:
    """A page's text as one line: a word the layout hyphenated at a line
    end (WeasyPrint's hyphen is U+2010, a soft hyphen's rendering) joined
    again, a hyphen of the manuscript (U+002D) kept without the break."""
    text = re.sub(r"[\u2010\u00ad][ \t]*\r?\n\s*", "", text)
    text = re.sub(r"-[ \t]*\r?\n\s*", "-", text)
    return " ".join(text.split())
