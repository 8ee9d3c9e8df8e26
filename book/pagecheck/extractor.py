"""The page summaries as a page extractor of the PDF writer.

The PDF writer reads facts off its pages wherever they are laid out: in
this process for a one-document layout, in a worker process chunk by chunk
otherwise (book/writers/pdf/extract.py).  The summaries travel as plain
data (:meth:`~.summary.PageSummary.to_dict`: through a pipe, into the
layout cache) and become :class:`~.summary.PageSummary` again once the
edition's pages are in book order (:func:`join`), numbered as the book
numbers them and with each block's last line marked (:func:`~.extract.finish`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .extract import Summarizer, finish
from .summary import PageSummary

#: Where a line's block key sits in the list a summary's line is written as.
_BLOCK = "block"


def summaries() -> Callable[[Any, Any], dict]:
    """A summarizer for one layout (the book, or one chunk of it): the
    extractor function ``(page, info) -> summary as a dict``.  One per
    layout, because a block's first line is known only by having seen the
    pages before it."""
    summarizer = Summarizer()

    def extract(page: Any, info: Any) -> dict:
        return summarizer.page(page, info.index + 1, info.label).to_dict()

    return extract


def rebase(value: dict, chapter_base: int) -> dict:
    """A chunk's summary with its chunk-relative block keys (``3.12``, the
    chapter counted from the chunk's first) made book-wide."""
    from .summary import _LINE_FIELDS

    at = _LINE_FIELDS.index(_BLOCK)
    lines = []
    for line in value["lines"]:
        key = line[at]
        chapter, dot, block = key.partition(".")
        if dot and chapter.isdigit():
            line = list(line)
            line[at] = f"{int(chapter) + chapter_base}.{block}"
        lines.append(line)
    return {**value, "lines": lines}


def join(values: list[dict], labels: list[str]) -> list[PageSummary]:
    """The edition's summaries in book order: numbered from 1, with the
    book's folios, each block's last line marked."""
    pages = [PageSummary.from_dict(value) for value in values]
    for index, page in enumerate(pages):
        page.number = index + 1
        if index < len(labels):
            page.label = labels[index]
    return finish(pages)


__all__ = ["join", "rebase", "summaries"]
