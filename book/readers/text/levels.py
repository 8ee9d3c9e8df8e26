"""Ranks and levels: which headings are parts, chapters or sections, and
how parts nest (volume > book > chapter).

* Numerals alone on a line (``I``, ``12.``) count only while they count up
  (1, 2, 3, or a restart at 1); they are chapters in a book without
  chapter words and sections under chapter words.  Headings the source's
  contents list confirmed, or the user's patterns made, are not checked.
* A prologue or epilogue followed by chapters numbered from one holds them
  (War and Peace's epilogues are parts).
* A heading the contents list confirmed that no pattern knows is a chapter,
  or a part when the list indents entries under it.
* Parts nest by the evidence of the text, not by the words' names: when a
  heading of one series (``VOLUME``) is followed by a heading of another
  (``BOOK``) with no text between, or the other's numbering restarts at one
  after it, the other is inside it.  A series inside a series inside a
  series is the third level; deeper ones stay at the third.
* Numbered poems or chapters whose numbering restarts at one under
  unnumbered title lines (``Junge Leiden`` / ``Traumbilder`` / ``I``) are
  grouped: those lines become part headings, stacked ones nesting.

Diagnostics: TXT020 (note) a numeral line that breaks the count was kept
as text.
"""

from __future__ import annotations

from .blocks import Block
from .headings import HeadingMatch
from .titles import title_like

#: Deepest nesting of parts above the chapters.
MAX_LEVELS = 3

Notes = list[tuple[str, str, int | None]]


def _confirmed(block: Block) -> bool:
    heading: HeadingMatch = block.data["heading"]
    return "contents" in block.data or heading.word.startswith("user-")


def settle_ranks(blocks: list[Block]) -> Notes:
    """Decide each heading's rank ("part", "chapter" or "section")."""
    notes: Notes = []
    _check_numerals([b for b in blocks if b.role == "heading"], notes)
    headings = [b for b in blocks if b.role == "heading"]
    ranks = {b.data["heading"].rank for b in headings}
    has_parts = "part" in ranks
    chapter_words = any(h.data["heading"].rank == "chapter" or (
        h.data["heading"].rank == "titled" and not h.data["contents"].entry.holds
        and not h.data["contents"].entry.sub) for h in headings)
    for position, block in enumerate(headings):
        heading: HeadingMatch = block.data["heading"]
        if heading.rank == "part":
            rank = "part"
        elif heading.rank == "titled":
            entry = block.data["contents"].entry
            rank = "section" if entry.sub else "part" if entry.holds else "chapter"
        elif heading.rank == "numeral":
            rank = "section" if chapter_words else "chapter"
        elif heading.rank == "division" and heading.kind in ("prologue", "epilogue") and has_parts:
            nxt = headings[position + 1].data["heading"] if position + 1 < len(headings) else None
            holds = nxt is not None and nxt.rank in ("chapter", "numeral") and nxt.number == 1
            rank = "part" if holds else "chapter"
        else:
            rank = "chapter"
        block.data["rank"] = rank
    return notes


def _check_numerals(headings: list[Block], notes: Notes) -> None:
    """Numerals alone on a line count as headings only while they count up."""
    previous = 0
    accepted: list[Block] = []
    for block in headings:
        heading: HeadingMatch = block.data["heading"]
        if heading.rank != "numeral":
            previous = 0  # numbering restarts in each part or chapter
            continue
        number = heading.number or 0
        if _confirmed(block) or number == 1 or number in (previous + 1, previous + 2):
            accepted.append(block)
            previous = number
        else:
            block.role = "text"
            notes.append(("TXT020", f"the line {heading.label!r} does not continue the "
                          f"numbering ({previous} before it); kept as text", block.line))
    if len(accepted) < 2:
        for block in accepted:
            if not _confirmed(block):
                block.role = "text"


def _series(block: Block) -> str:
    heading: HeadingMatch = block.data["heading"]
    if heading.rank == "titled":
        return "#titled"
    return heading.word or heading.kind


def set_part_levels(blocks: list[Block]) -> None:
    """Give every part heading its level (0 outermost) from the evidence of
    stacking and restarting numbers (see the module docstring)."""
    live = [b for b in blocks if b.role not in ("drop", "title-line")]
    parts = [b for b in live if b.role == "heading" and b.data.get("rank") == "part"
             and "level" not in b.data]
    if not parts:
        return
    inside: dict[str, set[str]] = {}
    for a, b in zip(live, live[1:]):
        if a.role == b.role == "heading" and a.data.get("rank") == b.data.get("rank") == "part":
            if _series(a) != _series(b):
                inside.setdefault(_series(b), set()).add(_series(a))
    seen: set[str] = set()
    last_part: Block | None = None
    for block in live:
        if block.role != "heading" or block.data.get("rank") != "part":
            continue
        series = _series(block)
        number = block.data["heading"].number
        if series in seen and number == 1 and last_part is not None and \
                _series(last_part) != series:
            inside.setdefault(series, set()).add(_series(last_part))
        seen.add(series)
        last_part = block
    # A pair seen both ways is no evidence.
    for series, outer in inside.items():
        for other in list(outer):
            if series in inside.get(other, set()):
                outer.discard(other)

    def level(series: str, trail: frozenset[str] = frozenset()) -> int:
        outer = inside.get(series, set()) - trail - {series}
        if not outer:
            return 0
        return min(MAX_LEVELS - 1, 1 + max(level(o, trail | {series}) for o in outer))

    for block in parts:
        block.data["level"] = level(_series(block))


def group_titles(blocks: list[Block], matcher=None) -> None:
    """Title lines over a numbering that restarts at one become parts.

    Only in a book whose numbered chapters restart at one at least twice
    under no part heading: the restarts show the grouping, and the short
    lines just before each restart name the groups.
    """
    live = [b for b in blocks if b.role not in ("drop", "title-line")]
    restarts = [i for i, b in enumerate(live) if b.role == "heading"
                and b.data.get("rank") == "chapter" and b.data["heading"].rank == "numeral"
                and b.data["heading"].number == 1]
    if len(restarts) < 3 or any(b.role == "heading" and b.data.get("rank") == "part"
                                for b in live):
        return
    deepest = 0
    levels: dict[int, int] = {}  # group-title shape (lines) → its level
    for index in restarts:
        stack: list[Block] = []
        position = index - 1
        if position >= 0 and live[position].role == "heading" and \
                live[position].data["heading"].rank == "division":
            position -= 1  # "Lyrisches Intermezzo" / "Prolog" / "I"
        while position >= 0 and group_line(live[position], matcher):
            stack.insert(0, live[position])
            position -= 1
        if not stack or len(stack) > MAX_LEVELS:
            continue
        if position >= 0 and live[position].role == "heading":
            continue  # the lines belong to the heading before them
        first_level = 0 if len(stack) > 1 else deepest
        for offset, block in enumerate(stack):
            # A group title of the same shape as one seen before (a title with
            # a date line under it, or a title alone) is at that one's level.
            shape = len(block.lines)
            level = levels.get(shape) if len(stack) == 1 else None
            if level is None:
                level = min(first_level + offset, MAX_LEVELS - 1)
                levels.setdefault(shape, level)
            lines = [line.strip() for line in block.lines]
            block.role = "heading"
            block.data["heading"] = HeadingMatch("titled", "part", lines[0], "", None, "group")
            block.data["title_lines"] = lines[1:]
            block.data["title"] = " ".join(lines[1:])
            block.data["rank"] = "part"
            block.data["level"] = level
        deepest = max(deepest, stack[-1].data["level"])


def group_line(block: Block, matcher) -> bool:
    """A short title line standing alone, with perhaps a date line under it."""
    if block.role != "text" or len(block.lines) > 2 or block.own_line:
        return False
    first = block.lines[0].strip()
    if not title_like(first, matcher=matcher):
        return False
    return len(block.lines) == 1 or any(ch.isdigit() for ch in block.lines[1])


def same_shape_headings(blocks: list[Block]) -> Notes:
    """Lines shaped like the book's headings are headings, even when their
    number word is misspelt ("Einunddreißgstes Kapitel" among "Dreißigstes
    Kapitel" and "Zweiunddreißigstes Kapitel"): two words, one the keyword
    that at least three headings use in the same place, standing alone with
    as many blank lines before it as those headings have."""
    notes: Notes = []
    shapes: dict[tuple[str, int], list[Block]] = {}
    for block in blocks:
        if block.role != "heading" or _confirmed(block):
            continue
        heading: HeadingMatch = block.data["heading"]
        words = heading.label.split()
        if heading.rank in ("part", "chapter") and heading.word and len(words) == 2 \
                and not heading.title:
            position = 1 if words[1].lower() == heading.word else 0
            shapes.setdefault((heading.word, position), []).append(block)
    for (word, position), found in shapes.items():
        if len(found) < 3:
            continue
        gap = min(b.gap_before for b in found)
        model: HeadingMatch = found[0].data["heading"]
        for block in blocks:
            if block.role != "text" or not block.single or block.own_line or \
                    block.gap_before < gap or block.gap_after < 1:
                continue
            words = block.lines[0].split()
            if len(words) != 2 or words[position].lower() != word:
                continue
            other = words[1 - position]
            if not other[:1].isupper() and not other[:1].isdigit() or len(other) > 30:
                continue
            block.role = "heading"
            block.data["heading"] = HeadingMatch(model.rank, model.kind, " ".join(words), "",
                                                 None, model.word)
            block.data["title_lines"] = []
            block.data["shape"] = True
            notes.append(("TXT021", f"the line {' '.join(words)!r} is read as a heading: it has "
                          "the shape of the book's other headings (its number was not "
                          "understood)", block.line))
    return notes
