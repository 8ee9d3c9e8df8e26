"""Signs that the structure of a book was misread, found on the built model.

Validators check the container; these look at what a reader of the book
would notice first.  Each is a warning with a stable code (``--strict``
refuses the build), since each usually means a heuristic guessed wrong and
a ``[structure]`` setting in book.toml (or a fix in the manuscript) is due:

=======  ==================================================================
STR001   a book of over 40 print pages with one contents entry
STR002   a paragraph of over 1,500 words (paragraph breaks were missed)
STR003   a heading that reads like prose (ends with a comma, starts in lower
         case, or is over 120 characters long)
STR004   a division with no text
STR005   headings that break the numbering (a number skipped or repeated)
=======  ==================================================================

(A language detected with low confidence is LANG005, reported where the
language is detected, ``book/pipeline.py``.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from lxml import etree

from ..model import Book, Chapter
from ..xhtml import HEADING_TAGS, heading_text
from .words import words

#: Words on a printed page of the default trim and type, for the estimate.
WORDS_PER_PAGE = 300
#: More pages than this with a single contents entry is doubtful.
PAGES_FOR_ONE_ENTRY = 40
#: Longer paragraphs are doubtful.
PARAGRAPH_WORDS = 1500
#: Longer headings are doubtful.
HEADING_CHARS = 120

_STRUCTURE_HINT = ("review the outline with make-book check --structure SOURCE; set [structure] "
                   "options in book.toml if the layout was misread")


@dataclass(frozen=True)
class Doubt:
    code: str
    message: str
    file: str | None
    line: int | None
    hint: str = _STRUCTURE_HINT


def _line(el: etree._Element | None) -> int | None:
    while el is not None:
        value = el.get("data-mb-line")
        if value and value.isdigit():
            return int(value)
        el = el.getparent()
    return None


def find_doubts(book: Book, toc_entries: int, total_words: int | None = None,
                number_of: Callable[[str], tuple[str, int] | None] | None = None) -> list[Doubt]:
    """Every doubt about ``book``'s structure, in reading order
    (``total_words``: the book's words, when already counted; ``number_of``:
    the numbering of a title, when known beforehand, :func:`remembered_numbers`)."""
    found: list[Doubt] = []
    if total_words is None:
        total_words = sum(len(words(" ".join(c.tree.itertext()))) for c in book.chapters)
    pages = total_words // WORDS_PER_PAGE
    if pages > PAGES_FOR_ONE_ENTRY and toc_entries <= 1:
        first = book.chapters[0] if book.chapters else None
        found.append(Doubt("STR001", f"the book runs to about {pages} print pages but its "
                           "contents has only one entry: its headings were probably not found",
                           first.source.file if first else None, None))
    for index, chapter in enumerate(book.chapters):
        found += _paragraphs(chapter)
        found += _headings(chapter)
        if _empty(chapter, book.chapters[index + 1:]):
            found.append(Doubt("STR004", f"the {chapter.kind} {chapter.title or chapter.id!r} "
                               "has no text", chapter.source.file, chapter.source.line))
    found += _numbering(book.chapters, number_of)
    return found


#: Paragraphs long enough to hold that many words (libxml2 measures them
#: without making a string of each).
_LONG_PARAGRAPHS = etree.XPath(f"descendant-or-self::p[string-length(.) >= {PARAGRAPH_WORDS * 3}]")


def _paragraphs(chapter: Chapter) -> list[Doubt]:
    out = []
    for p in _LONG_PARAGRAPHS(chapter.tree):
        text = "".join(p.itertext())
        count = len(words(text))
        if count > PARAGRAPH_WORDS:
            out.append(Doubt("STR002", f"a paragraph of {count:,} words in "
                             f"{chapter.title or chapter.id!r}: its paragraph breaks were "
                             "probably missed", chapter.source.file, _line(p)))
    return out


def prose_like(text: str) -> str | None:
    """Why a heading's text reads like prose, or None."""
    text = " ".join(text.split())
    if not text:
        return None
    if len(text) > HEADING_CHARS:
        return f"is {len(text)} characters long"
    if text.endswith(","):
        return "ends with a comma"
    word = text.split()[0].strip("\"'“„«([")
    if word.isalpha() and word.islower():
        return "starts in lower case"  # "docx4j", "pdf.js": names, not prose
    return None


def _headings(chapter: Chapter) -> list[Doubt]:
    """Headings a reader guessed (``data-mb-guessed``: plain text) that read
    like prose; headings the source marks up as such are the author's."""
    out = []
    for heading in chapter.tree.iter(*HEADING_TAGS):
        if heading.get("data-mb-guessed") is None:
            continue
        text = heading_text(heading) or " ".join("".join(heading.itertext()).split())
        why = prose_like(text)
        if why:
            short = text if len(text) <= 60 else text[:57] + "…"
            out.append(Doubt("STR003", f"the heading {short!r} {why}: it may be a line of "
                             "prose taken for a heading", chapter.source.file, _line(heading)))
    return out


_CONTENT = frozenset({"img", "table", "svg", "math", "figure", "hr", "pre"})


def _has_text(el: etree._Element) -> bool:
    """Text or content outside headings anywhere under ``el``."""
    if (el.text or "").strip():
        return True
    for child in el:
        if (child.tail or "").strip():
            return True
        if not isinstance(child.tag, str) or child.tag in HEADING_TAGS:
            continue
        if child.tag in _CONTENT or _has_text(child):
            return True
    return False


def _empty(chapter: Chapter, after: list[Chapter]) -> bool:
    """A division with no text of its own: a chapter, or a part with no
    chapters under it."""
    if _has_text(chapter.tree):
        return False
    if chapter.kind == "part":
        return not after or after[0].depth <= chapter.depth
    return chapter.kind not in ("dedication", "epigraph")


class NumberMemo(Protocol):
    """Titles' numberings found before (the build cache keeps them,
    book/cache/stages.py): reading a title's number compiles the heading
    patterns, tens of milliseconds a build that changed no title."""

    def numbers(self, titles: list[str]) -> list[tuple[str, int] | None] | None: ...

    def put_numbers(self, titles: list[str], numbers: list[tuple[str, int] | None]) -> None: ...


def remembered_numbers(memo: NumberMemo | None, chapters: list[Chapter]
                       ) -> Callable[[str], tuple[str, int] | None] | None:
    """The numbering of each chapter title, from ``memo`` when it holds the
    same titles (None without a memo: :func:`_numbering` reads them)."""
    if memo is None:
        return None
    from ..readers.text.headings import heading_number

    titles = [chapter.title for chapter in chapters if chapter.title]
    numbers = memo.numbers(titles)
    if numbers is None or len(numbers) != len(titles):
        numbers = [heading_number(title) for title in titles]
        memo.put_numbers(titles, numbers)
    found = dict(zip(titles, numbers))
    return lambda title: found[title] if title in found else heading_number(title)


def _numbering(chapters: list[Chapter],
               number_of: Callable[[str], tuple[str, int] | None] | None = None) -> list[Doubt]:
    """Numbered sibling divisions must count up by one (or restart at one
    under a new parent)."""
    from ..readers.text.headings import heading_number

    number_of = number_of or heading_number
    out: list[Doubt] = []
    # Per depth: (label word, number, title) of the last numbered sibling.
    last: dict[int, tuple[str, int, str]] = {}
    for chapter in chapters:
        for depth in [d for d in last if d > chapter.depth]:
            del last[depth]  # a new parent: its children count afresh
        found = number_of(chapter.title) if chapter.title else None
        previous = last.get(chapter.depth)
        if found is None:
            words = chapter.title.lower().split()
            if previous is not None and previous[0] in words:  # a number not understood:
                last[chapter.depth] = (previous[0], previous[1] + 1, chapter.title)  # next
            continue
        word, number = found
        if previous is not None and previous[0] == word and number not in (previous[1] + 1, 1):
            what = "repeats" if number == previous[1] else "skips" if number > previous[1] else \
                "goes back"
            out.append(Doubt("STR005", f"the heading {chapter.title!r} {what} the numbering "
                             f"(after {previous[2]!r})", chapter.source.file, chapter.source.line,
                             "a heading may be missing or misread; "
                             + _STRUCTURE_HINT))
        last[chapter.depth] = (word, number, chapter.title)
    return out
