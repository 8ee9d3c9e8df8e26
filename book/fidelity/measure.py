"""Word preservation: does every word of the manuscript reach the book?

For each chapter the words of its source (the lines of its
:attr:`~book.model.Chapter.source_span` in a plain-text file, less what was
removed on purpose; otherwise the chapter as its reader made it) are counted
against the words of the chapter as built, after every pass.  Counting is a
multiset difference, so notes moved to the chapter's end or a heading
re-levelled cost nothing, and only a word that is gone counts as missing.
When words are missing, an alignment of the two word sequences
(:class:`difflib.SequenceMatcher`) finds the first missing passage and its
source line, for the warning.

Words of a source that fall in no chapter's span and were not removed on
purpose (plain text), or that the reader's chapters lack (other formats:
the document body as parsed against the chapters cut from it), are counted
per file.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field
from difflib import Match, SequenceMatcher
from typing import Protocol

from lxml import etree

from ..model import Book, Chapter
from .source import Removal, Segments, SourceText, tree_segments
from .words import words

#: Share of a chapter's words that may go missing before it is a warning.
LOSS_LIMIT = 0.005
#: Words of the first missing passage quoted in a warning.
_PASSAGE_WORDS = 12


@dataclass
class Missing:
    """The first passage of the source that the book lacks."""

    text: str
    line: int | None


@dataclass
class ChapterFidelity:
    """Source words against built words for one chapter."""

    chapter_id: str
    title: str
    file: str
    span: tuple[int, int] | None
    source_words: int
    book_words: int
    missing: int
    first_missing: Missing | None = None

    @property
    def loss(self) -> float:
        return self.missing / self.source_words if self.source_words else 0.0


@dataclass
class FileFidelity:
    """One source file: its words, what was removed on purpose, and words
    that reached no chapter."""

    file: str
    source_words: int
    removed: list[Removal] = field(default_factory=list)
    unplaced: int = 0
    first_unplaced: Missing | None = None


@dataclass
class Fidelity:
    """The whole book's word preservation."""

    chapters: list[ChapterFidelity] = field(default_factory=list)
    files: list[FileFidelity] = field(default_factory=list)

    @property
    def source_words(self) -> int:
        return sum(f.source_words for f in self.files) or sum(
            c.source_words for c in self.chapters)

    @property
    def missing(self) -> int:
        return sum(c.missing for c in self.chapters) + sum(f.unplaced for f in self.files)

    @property
    def preserved(self) -> float:
        """Share of the source's words (after removals) found in the book."""
        total = self.source_words
        return 1.0 - self.missing / total if total else 1.0

    def as_dict(self) -> dict:
        return {
            "source_words": self.source_words,
            "missing_words": self.missing,
            "preserved": round(self.preserved, 6),
            "files": [{"file": f.file, "source_words": f.source_words,
                       "removed": [{"first": r.first, "last": r.last, "reason": r.reason,
                                    "words": r.words} for r in f.removed],
                       "unplaced_words": f.unplaced,
                       "first_unplaced": _missing_dict(f.first_unplaced)} for f in self.files],
            "chapters": [{"id": c.chapter_id, "title": c.title, "file": c.file,
                          "span": list(c.span) if c.span else None,
                          "source_words": c.source_words, "book_words": c.book_words,
                          "missing_words": c.missing, "loss": round(c.loss, 6),
                          "first_missing": _missing_dict(c.first_missing)}
                         for c in self.chapters],
        }


    @classmethod
    def from_dict(cls, data: dict) -> Fidelity:
        """The figures :meth:`as_dict` gave (the build cache keeps them so)."""
        return cls(
            chapters=[ChapterFidelity(c["id"], c["title"], c["file"],
                                      tuple(c["span"]) if c["span"] else None,  # type: ignore[arg-type]
                                      c["source_words"], c["book_words"], c["missing_words"],
                                      _missing_from(c["first_missing"]))
                      for c in data["chapters"]],
            files=[FileFidelity(f["file"], f["source_words"],
                                [Removal(r["first"], r["last"], r["reason"], r["words"])
                                 for r in f["removed"]],
                                f["unplaced_words"], _missing_from(f["first_unplaced"]))
                   for f in data["files"]])


def _missing_dict(missing: Missing | None) -> dict | None:
    return None if missing is None else {"text": missing.text, "line": missing.line}


def _missing_from(data: dict | None) -> Missing | None:
    return None if data is None else Missing(data["text"], data["line"])


def _tokens(segments: Segments) -> tuple[list[str], list[int | None]]:
    """Words of ``segments`` and the source line of each word."""
    out: list[str] = []
    lines: list[int | None] = []
    for line, text in segments:
        found = words(text)
        out.extend(found)
        lines.extend([line] * len(found))
    return out, lines


def _words(segments: Segments) -> list[str]:
    """The words of ``segments`` (as :func:`_tokens` gives them), found in one
    pass over their joined text: a line break between segments separates
    words as the segment ends do, and normalization never reaches across it."""
    return words("\n".join(text for _line, text in segments))


#: Shortest known match from which :class:`_Aligner` searches by anchors.
_ANCHOR_FROM = 16


class _Aligner(SequenceMatcher):
    """:class:`~difflib.SequenceMatcher` (no junk) with a faster search for
    the longest match when the ranges start or end alike, as a chapter and
    its source do.

    With a match of ``L`` words known (the common start or end), the longest
    one holds one of every ``L``-th word of ``a``: growing each occurrence of
    those words in ``b`` to its whole run finds every run of ``L`` or more,
    and the longest, first in ``a`` then in ``b``, is the very match the
    library's search returns (with no junk it returns exactly that), at a
    fraction of its cost on long, nearly equal sequences.
    """

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0,
                           bhi: int | None = None) -> Match:
        a, b = self.a, self.b
        ahi = len(a) if ahi is None else ahi
        bhi = len(b) if bhi is None else bhi
        limit = min(ahi - alo, bhi - blo)
        head = 0
        while head < limit and a[alo + head] == b[blo + head]:
            head += 1
        tail = 0
        while tail < limit and a[ahi - 1 - tail] == b[bhi - 1 - tail]:
            tail += 1
        step = max(head, tail)
        if step < _ANCHOR_FROM:
            return super().find_longest_match(alo, ahi, blo, bhi)
        best = (-step, ahi, bhi)  # (-size, i, j): the smallest wins
        seen: dict[int, list[tuple[int, int]]] = {}  # diagonal → runs found on it
        for p in range(alo, ahi, step):
            for j in self.b2j.get(a[p], ()):
                if j < blo:
                    continue
                if j >= bhi:
                    break
                runs = seen.setdefault(j - p, [])
                if any(start <= p < end for start, end in runs):
                    continue
                i0, j0 = p, j
                while i0 > alo and j0 > blo and a[i0 - 1] == b[j0 - 1]:
                    i0 -= 1
                    j0 -= 1
                i1, j1 = p + 1, j + 1
                while i1 < ahi and j1 < bhi and a[i1] == b[j1]:
                    i1 += 1
                    j1 += 1
                runs.append((i0, i1))
                best = min(best, (i0 - i1, i0, j0))
        size, i, j = best
        return Match(i, j, -size)


def first_missing(source: list[str], lines: list[int | None], built: list[str]) -> Missing | None:
    """The first run of ``source`` words that ``built`` lacks."""
    matcher = _Aligner(None, source, built, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "replace":  # start at the first word the other side lacks
            there = set(built[j1:j2])
            i1 = next((k for k in range(i1, i2) if source[k] not in there), i1)
        if tag in ("delete", "replace"):
            piece = source[i1:min(i2, i1 + _PASSAGE_WORDS)]
            text = " ".join(piece) + (" …" if i2 - i1 > _PASSAGE_WORDS else "")
            return Missing(text, lines[i1])
    return None


def _missing_count(source: list[str], built: list[str]) -> int:
    if source == built:  # the usual chapter: nothing to count
        return 0
    return sum((Counter(source) - Counter(built)).values())


class Memo(Protocol):
    """Figures of chapters measured before, by a key of what was measured
    (the build cache keeps them, book/cache/stages.py): an edit measures
    its chapter again, not the book."""

    def key(self, source: Segments | str, built: Segments | str, scope: str = "chapter") -> str:
        """``source`` is the segments, or a digest that stands for them."""

    def get(self, key: str) -> tuple[int, int, int, Missing | None] | None: ...

    def get_many(self, keys: list[str]) -> list[tuple[int, int, int, Missing | None] | None]: ...

    def put(self, key: str, figures: tuple[int, int, int, Missing | None]) -> None: ...

    # And the numbering of titles (doubts.NumberMemo).
    def numbers(self, titles: list[str]) -> list[tuple[str, int] | None] | None: ...

    def put_numbers(self, titles: list[str], numbers: list[tuple[str, int] | None]) -> None: ...


def _figures(segments: Segments, built_segments: Segments) -> tuple[int, int, int, Missing | None]:
    """(source words, built words, missing words, first missing passage)."""
    source = _words(segments)
    built = _words(built_segments)
    missing = _missing_count(source, built)
    first = first_missing(*_tokens(segments), built) if missing else None
    return len(source), len(built), missing, first


class _ChapterSource:
    """The source side of one chapter: the segments it was made from,
    made only when they are counted.  A plain-text chapter the memo knows
    is known by a digest of its lines (:meth:`SourceText.span_digest`)."""

    def __init__(self, text: SourceText | None, span: tuple[int, int] | None,
                 removed: set[int], ordered: list[int], snapshot: Segments | None) -> None:
        self.text, self.span, self.removed = text, span, removed
        self.snapshot = snapshot
        self.inside: list[int] = []  # the lines of the span left out on purpose
        if span is not None:
            self.inside = ordered[bisect_left(ordered, span[0]):bisect_right(ordered, span[1])]
        self._segments: Segments | None = None

    def segments(self) -> Segments:
        if self._segments is None:
            if self.span is None or self.text is None:
                self._segments = self.snapshot or []
            else:
                found = self.text.span(*self.span)
                self._segments = [(line, t) for line, t in found if line not in self.removed] \
                    if self.inside else found
        return self._segments

    def identity(self) -> Segments | str:
        """What the memo's key is made of: a digest of the lines, or the segments."""
        if self.span is not None and self.text is not None:
            digest = self.text.span_digest(*self.span, self.inside)
            if digest is not None:
                return digest
        return self.segments()


def _chapter_source(chapter: Chapter, text: SourceText | None, removed: set[int],
                    ordered: list[int], snapshots: dict[str, Segments]) -> _ChapterSource | None:
    """The source a chapter was made from (``removed``: the lines left out
    on purpose, ``ordered`` the same sorted); None when nothing is known."""
    if chapter.source_span and text is not None and text.by_line:
        return _ChapterSource(text, chapter.source_span, removed, ordered, None)
    snapshot = snapshots.get(chapter.id)
    if snapshot is None:
        return None
    return _ChapterSource(None, None, removed, ordered, snapshot)


def _recall(memo: Memo | None, pairs: list[tuple[_ChapterSource, Chapter]]) -> list:
    """What ``memo`` remembers of each (source, chapter) pair, looked up
    together; None for each when there is no memo.  A chapter is known by
    the digest of its serialized tree (the same tree, the same text):
    hashing the serialization is far cheaper than walking every chapter's
    text when all but one come back from the memo."""
    if memo is None or not pairs:
        return [None] * len(pairs)
    keys = [memo.key(source.identity(), hashlib.sha256(etree.tostring(chapter.tree)).hexdigest())
            for source, chapter in pairs]
    return list(zip(keys, memo.get_many(keys)))


def _remembered(memo: Memo | None, recalled: tuple | None, source: _ChapterSource,
                chapter: Chapter) -> tuple[int, int, int, Missing | None]:
    """:func:`_figures`, from ``memo`` when it measured the same texts
    (the chapter's text is walked only when it did not)."""
    if memo is None or recalled is None:
        return _figures(source.segments(), tree_segments(chapter.tree))
    key, found = recalled
    if found is None:
        found = _figures(source.segments(), tree_segments(chapter.tree))
        memo.put(key, found)
    return found


def measure(book: Book, sources: dict[str, SourceText],
            snapshots: dict[str, Segments], memo: Memo | None = None) -> Fidelity:
    """Word preservation of ``book`` against its ``sources``.

    ``snapshots`` holds, by chapter id, the text of each chapter as its
    reader made it (used for chapters without a source span); ``memo``
    gives the figures of a chapter measured before.
    """
    report = Fidelity()
    removed = {name: text.removed_lines() for name, text in sources.items()}
    ordered = {name: sorted(lines) for name, lines in removed.items()}
    covered: dict[str, list[tuple[int, int]]] = {name: [] for name in sources}
    read: dict[str, list[Segments]] = {}  # what the reader made of a parsed source, by chapter
    counted: dict[str, int] = {}  # words of by-line sources already counted in chapters
    measured = []
    for chapter in book.chapters:
        text = sources.get(chapter.source.file)
        source = _chapter_source(chapter, text, removed.get(chapter.source.file, set()),
                                 ordered.get(chapter.source.file, []), snapshots)
        if source is None:
            continue
        measured.append((chapter, source, source.span is not None))
    recalled = iter(_recall(memo, [(source, chapter) for chapter, source, _by in measured]))
    for chapter, source, by_line in measured:
        if by_line:
            covered[chapter.source.file].append(chapter.source_span)  # type: ignore[arg-type]
            figures = _remembered(memo, next(recalled), source, chapter)
            counted[chapter.source.file] = counted.get(chapter.source.file, 0) + figures[0]
        else:
            read.setdefault(chapter.source.file, []).append(source.segments())
            figures = _remembered(memo, next(recalled), source, chapter)
        report.chapters.append(ChapterFidelity(chapter.id, chapter.title, chapter.source.file,
                                               chapter.source_span, *figures))
    for name, text in sources.items():
        entry = FileFidelity(name, 0, list(text.removed))
        if text.by_line:
            left = text.outside(covered[name], removed[name])
            source_words = _words(left)
            entry.source_words = counted.get(name, 0) + len(source_words)
            entry.unplaced = len(source_words)
            if source_words:
                tokens, lines = _tokens(left)
                entry.first_unplaced = Missing(" ".join(tokens[:_PASSAGE_WORDS]), lines[0])
        else:
            kept = [(line, t) for line, t in text.segments
                    if line is None or line not in removed[name]]
            entry.source_words, entry.unplaced, entry.first_unplaced = _file_figures(
                memo, kept, read.get(name, []))
        report.files.append(entry)
    return report


def _file_figures(memo: Memo | None, kept: Segments,
                  chapters: list[Segments]) -> tuple[int, int, Missing | None]:
    """(source words, words the reader's chapters lack, the first passage
    of them) for a parsed source, from ``memo`` when it measured the same
    texts (the figures are kept as (source, 0, missing, first))."""

    def count() -> tuple[int, int, int, Missing | None]:
        source = _words(kept)
        made = [word for segments in chapters for word in _words(segments)]
        unplaced = _missing_count(source, made)
        first = first_missing(*_tokens(kept), made) if unplaced else None
        return len(source), 0, unplaced, first

    if memo is None:
        figures = count()
    else:
        key = memo.key(kept, [segment for segments in chapters for segment in segments], "file")
        figures = memo.get(key)
        if figures is None:
            figures = count()
            memo.put(key, figures)
    return figures[0], figures[2], figures[3]
