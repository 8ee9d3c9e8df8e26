"""A plain-text book's own table of contents: found, used, then dropped.

A source's contents list is the best evidence of its headings: it names
them all, in order, in the book's own words.  This module reads it from
the raw lines, before the text is cut into blocks, so that headings no
pattern knows (a chapter named ``PRZYJAZD`` in a file with no blank lines)
can be cut out of the text where the list says they are.

1. :func:`find_contents` looks for lists in three shapes:

   * a contents title (``CONTENTS``, ``Spis rzeczy``, ``SISÄLLYS:``) and the
     short lines after it, up to prose or to where the first entry comes
     back as a heading; entries that wrap continue on a line starting in
     lower case;
   * the same, when the entries run together in one wrapped paragraph
     (``Przyjazd. — Dwór. — Burza.``): the paragraph is cut at the
     separators;
   * untitled, such a paragraph near the top of the text.

2. Each entry is then looked for in the text, in order, as a line of its
   own: the whole entry (``Chapter 1. The Visit``), its label on one line
   and its title on the next ones (``I`` / ``Où l'on commence…``), or its
   title alone (``1. Fjodor`` listed, ``Fjodor`` printed).  A list whose
   entries come back (at least half of them, and two) is the book's
   contents: its lines are dropped (the book's generated contents replace
   it) and the lines where the entries came back are headings.  A list
   whose entries do not come back is not a contents list, and every line of
   it stays.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from .blocks import FIT, Layout, first_word, indent_of, width_of
from .headings import is_contents_title

#: Longest line that can be a contents entry or a heading found from one.
ENTRY_MAX = 110
#: Most words in one entry of a run-together list.
_SEGMENT_WORDS = 10
#: Fewest entries of a list, and share of them that must come back.
_MIN_FOUND = 2
_FOUND_SHARE = 0.5
#: How far into the text an untitled run-together list may stand (share of lines).
_OPENING_SHARE = 0.15
#: Lines after a label line that may hold its title.
_TITLE_REACH = 4
#: Lines after a list's end that finding the end may read (see find_contents).
_LIST_END_READS = 17
#: Lines after a found label that its title may be read from (_Index.following).
FOLLOWING_READS = 3 * _TITLE_REACH
_LEADERS = re.compile(r"(?:\s*[.·…_]{2,}\s*|\s{2,})\d{1,4}\s*$")
_SEPARATORS = re.compile(r"\s*(?:\s--\s|\s?[—–]\s|\s-\s|;|\||·|•|(?<=[.!?])\s+(?=\S))\s*")
_NUMBERING = re.compile(r"^(?:\d{1,3}|[IVXLCDM]{1,7})[.)]?\s+", re.I)
_SUBITEM = re.compile(r"^[a-z][.)]\s")


_PUNCTUATION = re.compile(r"[^\w\s]|_")


def norm(text: str) -> str:
    """An entry or line for comparison: no leaders or page number, no
    punctuation, lower case, single spaces."""
    if text[-1:].isdigit():
        text = _LEADERS.sub("", text)
    return " ".join(_PUNCTUATION.sub(" ", text).lower().split())


def norm_all(texts: list[str]) -> list[str]:
    """:func:`norm` of each text (none holding a line break), the
    punctuation and case of all of them changed in one go."""
    texts = [_LEADERS.sub("", t) if t[-1:].isdigit() else t for t in texts]
    joined = _PUNCTUATION.sub(" ", "\n".join(texts)).lower()
    return [" ".join(t.split()) for t in joined.split("\n")] if texts else []


@dataclass
class Entry:
    """One entry of a contents list."""

    text: str
    line: int  # 0-based index of its first line
    indent: int = 0
    #: Entries after it, up to the next entry as little indented, are more
    #: indented: it holds them (a part).
    holds: bool = False
    #: It is indented under a numbered entry ("a) …" under "2. …"): a section.
    sub: bool = False


@dataclass
class Found:
    """Where an entry came back in the text."""

    entry: Entry
    line: int  # 0-based index of the heading line
    title_lines: list[int] = field(default_factory=list)


@dataclass
class ContentsList:
    """A contents list that the text confirmed."""

    first: int  # 0-based, inclusive (the title line, when there is one)
    last: int
    entries: list[Entry]
    found: list[Found]


@dataclass
class Evidence:
    """What :func:`find_contents` read beyond whether each line is blank:
    the stretches of lines it read whole (around each contents title, the
    opening run), the texts it looked for in the index of short lines, and
    the lines whose following lines it read.  An edit of other lines, that
    puts none of those texts in the index nor takes one out, finds the same
    contents (``splice.py``)."""

    zones: list[tuple[int, int]] = field(default_factory=list)
    asked: set[str] = field(default_factory=set)
    followed: set[int] = field(default_factory=set)
    #: The lines the search for an untitled list near the top read, run by
    #: run (only when no titled list was found).
    opening: tuple[int, int] | None = None

    def holds(self, old: list[str], new: list[str], changed: list[int], start: int,
              end: int) -> bool:
        """Does :func:`find_contents` find on ``new`` what it found on ``old``,
        which differs in the ``changed`` lines only, each holding text in both?"""
        followed = sorted(self.followed)
        for number in changed:
            if any(a <= number <= b for a, b in self.zones):
                return False
            after = bisect_right(followed, number - 1) - 1  # the last one before it
            if after >= 0 and number <= followed[after] + FOLLOWING_READS:
                return False
            if any(is_contents_title(lines[number].strip().rstrip(":")) for lines in (old, new)):
                return False
            # A line is indexed by its own length and the length of the line before.
            for at in (number, number + 1):
                if start <= at < end and any(indexed(lines, at, start) in self.asked
                                             for lines in (old, new)):
                    return False
            if self.opening is not None and self.opening[0] <= number <= self.opening[1]:
                first, stop = number, number + 1
                while first > start and new[first - 1].strip():
                    first -= 1
                while stop < end and new[stop].strip():
                    stop += 1
                if any(len(_entries_from_run(lines, first, stop)) >= 3 for lines in (old, new)):
                    return False  # a paragraph that reads as a list run together
        return True


@dataclass
class Contents:
    """Every confirmed list, and the headings their entries point at."""

    lists: list[ContentsList] = field(default_factory=list)
    #: heading line → what was found there.
    headings: dict[int, Found] = field(default_factory=dict)
    evidence: Evidence = field(default_factory=Evidence, repr=False, compare=False)

    @property
    def dropped(self) -> set[int]:
        return {n for c in self.lists for n in range(c.first, c.last + 1)}

    def cuts(self) -> set[int]:
        """Line indexes before which a block must start."""
        cuts: set[int] = set()
        for c in self.lists:
            cuts.update({c.first, c.last + 1})
        for found in self.headings.values():
            cuts.add(found.line)
            lines = [found.line, *found.title_lines]
            if lines == list(range(found.line, found.line + len(lines))):
                cuts.add(lines[-1] + 1)  # heading and title lines stay one block
            else:
                cuts.update({n for line in lines for n in (line, line + 1)})
        return cuts


def indexed(lines: list[str], index: int, start: int) -> str | None:
    """The text under which :class:`_Index` keeps line ``index`` (None: not
    kept).  Headings and their title lines open a block or are short: lines
    in the middle of a paragraph of full-width prose are left out."""
    stripped = lines[index].strip()
    size = len(stripped)
    previous = len(lines[index - 1].strip()) if index > start else 0
    if size and size <= ENTRY_MAX and (not previous or size < 50 or previous < 50):
        return norm(stripped)
    return None


class _Index:
    """Where each short line of the text stands, by its normalized text
    (the lines :func:`indexed` keeps), and what was asked of it."""

    def __init__(self, lines: list[str], start: int, end: int, evidence: Evidence) -> None:
        self.lines = lines
        self.end = end
        self.evidence = evidence
        self.by_text: dict[str, list[int]] = {}
        previous = 0  # length of the line before, stripped (0: blank)
        kept: list[int] = []
        texts: list[str] = []
        for index in range(start, end):
            stripped = lines[index].strip()
            size = len(stripped)
            if size and size <= ENTRY_MAX and (not previous or size < 50 or previous < 50):
                kept.append(index)
                texts.append(stripped)
            previous = size
        for index, text in zip(kept, norm_all(texts)):
            self.by_text.setdefault(text, []).append(index)

    def next_at(self, text: str, after: int, before: int) -> int | None:
        self.evidence.asked.add(text)
        places = self.by_text.get(text)
        if not places:
            return None
        position = bisect_right(places, after)
        if position < len(places) and places[position] < before:
            return places[position]
        return None

    def following(self, index: int) -> list[int]:
        """Up to a few non-blank lines after ``index`` (blank lines between
        them allowed, prose lines not)."""
        self.evidence.followed.add(index)
        out: list[int] = []
        blanks = 0
        for n in range(index + 1, min(self.end, index + 1 + FOLLOWING_READS)):
            if not self.lines[n].strip():
                blanks += 1
                if blanks > 3:
                    break
                continue
            if len(self.lines[n].strip()) > ENTRY_MAX or len(out) == _TITLE_REACH:
                break
            out.append(n)
        return out

    def find(self, entry: Entry, after: int, before: int) -> Found | None:
        """The first place after line ``after`` where ``entry`` comes back."""
        target = norm(entry.text)
        if not target:
            return None
        words = target.split()
        best: Found | None = None
        whole = self.next_at(target, after, before)
        if whole is not None:
            best = Found(entry, whole)
        for k in range(1, min(len(words), 5)):
            label, rest = " ".join(words[:k]), " ".join(words[k:])
            # The label on its line, the title on the next line(s).
            at = self.next_at(label, after, best.line if best else before)
            if at is not None:
                joined = ""
                for n, line in enumerate(self.following(at)):
                    joined = f"{joined} {norm(self.lines[line])}".strip()
                    if joined == rest:
                        titles = self.following(at)[:n + 1]
                        best = Found(entry, at, titles)
                        break
                    if not rest.startswith(joined):
                        break
            # The title alone, without the numbering the list gives it.
            if k <= 2 and _NUMBERING.match(entry.text.strip()):
                at = self.next_at(rest, after, best.line if best else before)
                if at is not None:
                    best = Found(entry, at)
        return best


def _entries_from_lines(lines: list[str], first: int, stop: int) -> list[Entry]:
    """One entry per line; a line opening in lower case continues the entry
    before it (a title that wrapped)."""
    entries: list[Entry] = []
    previous_blank = True
    hanging = -1  # the column where the last entry's text starts after its number
    for index in range(first, stop):
        raw = lines[index]
        text = raw.strip()
        if not text:
            previous_blank = True
            continue
        indent = indent_of(raw)
        if entries and not previous_blank and not _SUBITEM.match(text) and (
                text[0].islower() or (indent == hanging and not _NUMBERING.match(text))):
            entries[-1].text += " " + text
        else:
            entries.append(Entry(text, index, indent))
            number = _NUMBERING.match(text)
            hanging = indent + number.end() if number else -1
        previous_blank = False
    return entries


def _entries_from_run(lines: list[str], first: int, stop: int) -> list[Entry]:
    """Entries that run together in one paragraph, cut at the separators."""
    text = " ".join(lines[n].strip() for n in range(first, stop) if lines[n].strip())
    head, colon, rest = text.partition(":")
    if colon and is_contents_title(head.strip()):
        text = rest  # "Spis rozdziałów: Przyjazd. — Dwór. — …"
    pieces = [p.strip(" .") for p in _SEPARATORS.split(text)]
    if any(len(p.split()) > _SEGMENT_WORDS for p in pieces if p):
        return []
    return [Entry(p, first) for p in pieces if p and any(ch.isalpha() for ch in p)]


def _mark_holders(entries: list[Entry]) -> None:
    numbered: int | None = None  # indent of the last numbered entry
    for index, entry in enumerate(entries):
        is_numbered = bool(_NUMBERING.match(entry.text))
        entry.sub = bool(_SUBITEM.match(entry.text)) or (
            not is_numbered and numbered is not None and entry.indent > numbered)
        if is_numbered:
            numbered = entry.indent
        elif entry.indent <= (numbered if numbered is not None else -1):
            numbered = None
        if index + 1 < len(entries):
            entry.holds = entries[index + 1].indent > entry.indent and not entry.sub


def _list_end(lines: list[str], first: int, end: int, layout: Layout) -> int:
    """One past the last line of a list starting at ``first``: the list ends
    at prose (a paragraph of wrapped lines), at a line too long to be an
    entry, or where its first entry comes back."""
    first_entry = None
    index = first
    last_text = first - 1
    while index < end:
        text = lines[index].strip()
        if not text:
            index += 1
            if index - max(last_text, first) > 8:
                break
            continue
        if len(text) > ENTRY_MAX:
            break
        if first_entry is None:
            first_entry = norm(text)
        elif norm(text) == first_entry or (first_entry.startswith(norm(text) + " ")
                                           and _blank_before(lines, index)):
            break
        if _blank_before(lines, index) and _prose(lines, index, end, layout):
            break
        last_text = index
        index += 1
    return last_text + 1


def _blank_before(lines: list[str], index: int) -> bool:
    return index == 0 or not lines[index - 1].strip()


def _prose(lines: list[str], index: int, end: int, layout: Layout) -> bool:
    """Does a paragraph of wrapped prose start at ``index``?"""
    run = []
    while index < end and lines[index].strip() and len(run) < 8:
        run.append(lines[index].rstrip())
        index += 1
    if len(run) < 3:
        return False
    wrap = layout.wrap or max(width_of(line) for line in run)
    wrapped = sum(1 for a, b in zip(run, run[1:]) if width_of(a) + 1 + len(first_word(b))
                  > FIT * wrap)
    small = sum(1 for line in run[1:] if line.strip()[:1].islower())
    return wrapped >= (len(run) - 1) / 2 and small >= (len(run) - 1) / 3


def _confirm(index: _Index, entries: list[Entry], first: int, last: int,
             start: int, end: int) -> ContentsList | None:
    """The list, when enough of its entries come back after it (or, for a
    list at the end of a book, before it)."""
    if len(entries) < _MIN_FOUND:
        return None
    for after, before in ((last, end), (start - 1, first)):
        found: list[Found] = []
        position = after
        for entry in entries:
            hit = index.find(entry, position, before)
            if hit is not None:
                found.append(hit)
                position = max([hit.line, *hit.title_lines])
        if len(found) >= _MIN_FOUND and len(found) >= _FOUND_SHARE * len(entries):
            return ContentsList(first, last, entries, found)
    return None


def find_contents(lines: list[str], start: int, end: int, layout: Layout) -> Contents:
    """Every contents list in ``lines[start:end]`` that the text confirms."""
    contents = Contents()
    index = _Index(lines, start, end, contents.evidence)
    taken = start
    previous_blank = True
    for title in range(start, end):
        line = lines[title]
        blank = not line or line.isspace()
        # The cheap tests first: a title is a line after a blank line.
        after_blank = previous_blank or title == start
        previous_blank = blank
        if title < taken or blank or not after_blank:
            continue
        if not is_contents_title(line.strip().rstrip(":")):
            continue
        stop = _list_end(lines, title + 1, end, layout)
        # _list_end looks at most 9 lines past the list's last line, and
        # then at 8 lines of a paragraph.
        contents.evidence.zones.append((title, stop + _LIST_END_READS))
        if stop <= title + 1:
            continue
        entries = _entries_from_lines(lines, title + 1, stop)
        found = _confirm(index, _holders(entries), title, stop - 1, start, end)
        if found is None:
            run = _entries_from_run(lines, title + 1, stop)
            found = _confirm(index, run, title, stop - 1, start, end)
        if found is not None:
            _add(contents, found)
            taken = stop
    if not contents.lists:
        contents.evidence.opening = (start, _opening_run(lines, start, end, index, contents))
    return contents


def _holders(entries: list[Entry]) -> list[Entry]:
    _mark_holders(entries)
    return entries


def _opening_run(lines: list[str], start: int, end: int, index: _Index,
                 contents: Contents) -> int:
    """An untitled list run together in one paragraph near the top; returns
    the last line it read."""
    limit = start + max(40, int((end - start) * _OPENING_SHARE))
    line = start
    while line < min(end, limit):
        if not lines[line].strip():
            line += 1
            continue
        stop = line
        while stop < end and lines[stop].strip():
            stop += 1
        entries = _entries_from_run(lines, line, stop)
        if len(entries) >= 3:
            found = _confirm(index, entries, line, stop - 1, start, end)
            if found is not None and len(found.found) >= 3:
                _add(contents, found)
                return stop
        line = stop
    return line


def _add(contents: Contents, found: ContentsList) -> None:
    contents.lists.append(found)
    for hit in found.found:
        contents.headings.setdefault(hit.line, hit)
