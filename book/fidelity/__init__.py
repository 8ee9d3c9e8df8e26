"""Fidelity: does the book hold the manuscript, and is its structure sound?

Validators check the container, not whether the book is the manuscript.
Every build therefore checks itself after the passes (:func:`check_book`,
called by :func:`book.build.load_book`):

* word preservation (:mod:`.measure`): the words of each source, less what
  was removed on purpose and reported (a library's licence, the source's
  own contents list, a title page read into the metadata), against the
  words of the built chapters, chapter by chapter;
* doubts about the structure (:mod:`.doubts`): one contents entry in a
  long book, huge paragraphs, headings that read like prose, empty
  divisions, numbering that skips.

Readers supply what they saw of each source as a :class:`SourceText`
(:mod:`.source`); ``make-book check --structure`` prints the figures.

Codes:

=======  ========  ===========================================================
FID000   note      the figures: words kept, and what was removed on purpose
FID001   warning   a chapter lost over 0.5 % of its source's words (names the
                   chapter and the first missing passage with its line)
FID002   warning   words of a source that reached no chapter
STR0xx   warning   structure doubts (see :mod:`.doubts`)
=======  ========  ===========================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .doubts import Doubt, find_doubts, remembered_numbers
from .measure import LOSS_LIMIT, ChapterFidelity, Fidelity, FileFidelity, Memo, Missing, measure
from .source import Removal, SourceText, tree_segments
from .words import words

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..model import Book, TocEntry

_HINT = ("run make-book check --structure SOURCE to see the outline that was found; "
         "[structure] options in book.toml correct a misread layout")


def _entries(toc: list[TocEntry]) -> int:
    return sum(1 + _entries(entry.children) for entry in toc)


def check_book(book: Book, ctx: BuildContext, memo: Memo | None = None) -> Fidelity:
    """Measure ``book`` against its sources and report to ``ctx.diag``.

    The figures are kept in ``book.facts["fidelity"]`` for the report;
    ``memo`` gives the figures of chapters measured before (the build cache).
    """
    report = measure(book, ctx.source_texts, ctx.read_snapshots, memo)
    book.facts["fidelity"] = report
    for file in report.files:
        kept = file.source_words - file.unplaced - sum(
            c.missing for c in report.chapters if c.file == file.file)
        removed = "; ".join(str(r) for r in file.removed)
        share = kept / file.source_words if file.source_words else 1.0
        ctx.diag.note("FID000", f"{kept:,} of {file.source_words:,} source words reach the book "
                      f"({share:.2%})" + (f"; left out on purpose: {removed}" if removed else ""),
                      file=file.file)
    for chapter in report.chapters:
        if chapter.loss > LOSS_LIMIT:
            where = chapter.first_missing
            passage = f"; first missing: “{where.text}”" if where else ""
            ctx.diag.warn("FID001", f"{chapter.missing:,} of {chapter.source_words:,} words of "
                          f"the source ({chapter.loss:.1%}) do not reach the chapter "
                          f"{chapter.title or chapter.chapter_id!r}{passage}", file=chapter.file,
                          line=where.line if where else None, hint=_HINT)
    for file in report.files:
        if file.source_words and file.unplaced / file.source_words > LOSS_LIMIT:
            where = file.first_unplaced
            passage = f"; first: “{where.text}”" if where else ""
            ctx.diag.warn("FID002", f"{file.unplaced:,} words of the source reach no chapter"
                          f"{passage}", file=file.file, line=where.line if where else None,
                          hint=_HINT)
    total = sum(c.book_words for c in report.chapters) if report.chapters else None
    numbers = remembered_numbers(memo, book.chapters)
    for doubt in find_doubts(book, _entries(book.toc), total, numbers):
        ctx.diag.warn(doubt.code, doubt.message, file=doubt.file, line=doubt.line,
                      hint=doubt.hint)
    return report


__all__ = ["ChapterFidelity", "Doubt", "Fidelity", "FileFidelity", "Missing", "Removal",
           "SourceText", "check_book", "find_doubts", "measure", "tree_segments", "words"]
