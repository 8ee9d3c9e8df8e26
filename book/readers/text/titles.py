"""Titles under headings: ``I`` / ``The Arrival.`` is one heading.

Old editions print a chapter's number on one line and its title on the
next (``CHAPTER I`` / ``The Visit``; ``I.`` / ``Pan Sherlock Holmes.``,
ending with a full stop as they print it).  A short line right after a
heading is its title when it could not be anything else:

* in the same block as the heading (no blank line between) and ending the
  block: up to three short lines, the later ones may continue the first in
  lower case (a title that wrapped);
* as a block of its own: one short line that opens like a title (capital
  letter, digit or quotation mark, not a dialogue dash) and no sentence
  inside it.  A full stop at its end is allowed only when the book's
  convention is to title its chapters this way, i.e. most headings of the
  book have such a line under them; otherwise a short first sentence
  ("It rained.") would become a title.

A title line never comes after the heading of a section, and never when
the line after it is a heading too (it is then a heading of its own).
"""

from __future__ import annotations

import re

from .blocks import DIALOGUE_START, Block
from .headings import HeadingMatch

#: Longest title line, and most words in one.
TITLE_MAX = 80
_TITLE_WORDS = 14
#: Longest title that wraps over several lines in the heading's block.
_WRAPPED_MAX = 200
#: Share of headings with a title line from which a full stop may end titles.
_CONVENTION = 0.6
_OPENING = re.compile(r"[\w\"“„«»‘‚'(\[¿¡]")
#: A sentence ending inside the line: "He came. She left".
_INNER_SENTENCE = re.compile(r"[.!?…]['\"’”»)]*\s+\S")


def title_like(line: str, *, full_stop: bool = False, matcher=None) -> bool:
    """Could ``line`` be a title?  Short, opening like a title, no speech,
    no sentence inside; ending without punctuation (or with a full stop
    when ``full_stop``: the book's convention)."""
    if not line or len(line) > TITLE_MAX or len(line.split()) > _TITLE_WORDS:
        return False
    if DIALOGUE_START.match(line) and line[0] not in "«„“\"":
        return False
    if not _OPENING.match(line) or line[0].islower():
        return False
    ending = line[-1]
    if ending in ",;:-–—" or (ending in "…" and not full_stop):
        return False
    if ending in ".!?" and not line.isupper() and not full_stop:
        return False
    if _INNER_SENTENCE.search(line.rstrip(".!?…")) and not (full_stop and len(line) <= 60):
        return False
    return matcher is None or matcher(line) is None


def wrapped_title(lines: list[str]) -> bool:
    """Lines under a heading in its own block that read as its title."""
    if not lines or len(lines) > 3 or sum(len(line) for line in lines) > _WRAPPED_MAX:
        return False
    first = lines[0]
    if not first or DIALOGUE_START.match(first) and first[0] not in "«„“\"":
        return False
    if not _OPENING.match(first) or first[0].islower() or first[-1] in ",;":
        return False
    return all(len(line) <= TITLE_MAX for line in lines)


def _live(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if b.role != "drop"]


def _candidate(live: list[Block], index: int) -> Block | None:
    """The block after heading ``index`` that may be its title line."""
    if index + 2 >= len(live):
        return None
    candidate, after = live[index + 1], live[index + 2]
    if candidate.role != "text" or not candidate.single or after.role == "heading":
        return None
    if candidate.own_line:
        return None  # cut out of a run of lines: the paragraph goes on
    return candidate


def titles_convention(blocks: list[Block]) -> bool:
    """Do most chapter headings of the book have a short line under them?"""
    live = _live(blocks)
    headings = [i for i, b in enumerate(live) if b.role == "heading"
                and b.data.get("rank") == "chapter"]
    if len(headings) < 2:  # parts with titles under them, when no chapter has one
        headings = [i for i, b in enumerate(live) if b.role == "heading"
                    and b.data.get("rank") == "part"]
    if len(headings) < 2:
        return False
    with_line = 0
    for index in headings:
        block = live[index]
        if block.data.get("title_lines") or block.data["heading"].title or (
                index + 1 < len(live) and live[index + 1].role == "title-line"):
            with_line += 1
            continue
        candidate = _candidate(live, index)
        if candidate is not None and title_like(candidate.lines[0].strip(), full_stop=True):
            after = live[index + 2]
            if len(after.text) > len(candidate.text):
                with_line += 1
    return with_line >= _CONVENTION * len(headings)


def merge_titles(blocks: list[Block], matcher=None) -> None:
    """Join each heading and the title line(s) that belong to it."""
    full_stop = titles_convention(blocks)
    live = _live(blocks)
    for index, block in enumerate(live):
        if block.role != "heading" or block.data.get("rank") == "section":
            continue
        heading: HeadingMatch = block.data["heading"]
        titles = list(block.data.get("title_lines") or [])
        if heading.title:
            titles.insert(0, heading.title)
        # Title lines the source's contents list pointed at.
        follow = index + 1
        while follow < len(live) and live[follow].role == "title-line":
            titles.extend(line.strip() for line in live[follow].lines)
            live[follow].role = "drop"
            live[follow].data["why"] = "title line"
            follow += 1
        if not titles:
            candidate = _candidate(live, index)
            if candidate is not None and title_like(candidate.lines[0].strip(),
                                                    full_stop=full_stop, matcher=matcher):
                titles.append(candidate.lines[0].strip())
                candidate.role = "drop"
                candidate.data["why"] = "title line"
        block.data["title"] = " ".join(titles)
