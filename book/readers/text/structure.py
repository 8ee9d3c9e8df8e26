"""The structure of a plain-text book, read from its blocks.

The steps, in order (each a small function over the block list):

1. :func:`classify` gives every block a role: ``heading`` (a line that
   :func:`~book.readers.text.headings.match_heading` reads as a division),
   ``ornament`` (a scene break such as ``* * *``), ``illustration``
   (``[Illustration: …]``), ``note`` (a footnote body), ``contents-title``,
   or ``text``.
2. :func:`drop_contents` removes the source's own table of contents: the
   entries after a ``CONTENTS`` line, or any run of three or more headings
   with no text between them, up to where the first entry reappears as the
   real heading.  The book's generated contents replace it.
3. :func:`settle_ranks` decides what each heading is: numerals alone on a
   line must count up (1, 2, 3 or a restart at 1) and become chapters when
   the book has no chapter words, sections otherwise; a prologue or epilogue
   followed by chapters numbered from one is a part (War and Peace's
   epilogues).
4. ``frontmatter.py`` reads the title page before the first heading into
   metadata (a heading there with no sibling, in the author-first
   convention, is the subtitle) and finds a dedication or epigraph.
5. :func:`merge_titles` joins a heading and the short title line after it
   ("CHAPTER I" / "The Visit") into one heading.
6. :func:`find_sections` makes short standalone lines section headings: no
   closing punctuation, blank lines around, prose before and after, not a
   speech, not a signature.  In a book with chapter words such lines are
   mostly letter signatures and datelines, so they count only when there
   are half again as many as chapters.
7. :func:`outline` groups the blocks into divisions (parts, chapters, front
   matter) for the reader to build.

Diagnostics codes (see ``book/readers/text/__init__.py``): TXT010 contents list
dropped, TXT011 title page read, TXT020 numeral lines that break the
count were kept as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .blocks import DIALOGUE_START, INDENT, Block, Layout, indent_of
from .frontmatter import read_front_matter, title_page_subtitles
from .headings import HeadingMatch, is_contents_title, match_heading

#: Scene-break lines: asterisks, bullets, fleurons, tildes; or a rule of
#: three or more dashes, underscores, equals signs or dots.
ORNAMENT = re.compile(
    r"^\s*(?:(?:[*∗⁂✻✽✶❦❧☙•·~#+=]\s*)+|[-—–_=.]{3,}|(?:[-—–.]\s+){2,}[-—–.])\s*$")
ILLUSTRATION = re.compile(
    r"^\[\s*(?:Illustration|Ilustracja|Abbildung|Illustrazione|Ilustración|Gravure|"
    r"Image|Picture|Frontispiece|Rycina|Obrazek)\b(?:\s*[:.]\s*(?P<caption>.*?))?\s*\]$",
    re.I | re.S)
#: Footnote bodies: "* text", "*(2) text" (Project Gutenberg's star notes) or
#: "[Footnote 1: text]".
STAR_NOTE = re.compile(r"^\*\s*(?:\(\s*(?P<n>\d+)\s*\))?\s*(?=\S)")
BRACKET_NOTE = re.compile(
    r"^\[(?:Footnote|Note|Przypis|Fußnote|Anmerkung|Note de bas de page)\s*(?P<n>[\w]+)?\s*:\s*",
    re.I)
_CLOSING = ".,;:!?…-–—\"”»’'()[]*/"
_SENTENCE_END = re.compile(r"[.!?…]['\"’”»)\]]*$")

#: Longest title line under a heading.
_TITLE_MAX = 80


@dataclass
class Division:
    """A part, chapter or untitled stretch of text, with its blocks."""

    rank: str  # "part", "chapter" or "front"
    kind: str
    label: str = ""
    title: str = ""
    line: int | None = None
    blocks: list[Block] = field(default_factory=list)
    depth: int = 0

    @property
    def full_title(self) -> str:
        """The plain title for the table of contents ("CHAPTER I: The Visit")."""
        if self.label and self.title:
            separator = " " if self.label[-1] in ".:" else ": "
            return f"{self.label}{separator}{self.title}"
        return self.label or self.title


@dataclass
class Outline:
    """The structure read from one file."""

    divisions: list[Division]
    metadata: dict[str, Any]
    #: (code, message, line) facts for the build report.
    notes: list[tuple[str, str, int | None]] = field(default_factory=list)


# ------------------------------------------------------------------ 1. classify


def classify(blocks: list[Block]) -> list[Block]:
    """Give every block its role; split a heading from text glued under it."""
    out: list[Block] = []
    for block in blocks:
        first = block.lines[0].strip()
        if all(ORNAMENT.match(line) for line in block.lines):
            block.role = "ornament"
        elif first.startswith("[") and (match := _illustration(block)):
            marker, rest = match
            if rest is not None:  # text follows the marker without a blank line
                out.append(marker)
                block = rest
                block.role = "text"
            else:
                block = marker
        elif (match := STAR_NOTE.match(first)) or (
                (match := BRACKET_NOTE.match(first)) and block.text.endswith("]")):
            block.role = "note"
            block.data["n"] = match.group("n") or "1"
            block.data["star"] = first.startswith("*")
        elif block.single and is_contents_title(first):
            block.role = "contents-title"
        elif len(first) <= 120 and (heading := match_heading(first)) is not None:
            rest = block.lines[1:]
            if len(rest) <= 2 and all(_title_like(line.strip()) for line in rest):
                block.role = "heading"
                block.data["heading"] = heading
                block.data["title_lines"] = [line.strip() for line in rest]
            else:
                head = Block(block.lines[:1], block.first, block.gap_before, 0, block.own_line,
                             "heading", {"heading": heading, "title_lines": []})
                out.append(head)
                block = Block(rest, block.first + 1, 0, block.gap_after, True, "text")
        else:
            block.role = "text"
        out.append(block)
    return out


def _illustration(block: Block) -> tuple[Block, Block | None] | None:
    """An ``[Illustration: …]`` marker at the head of ``block`` (its caption
    may run over several lines), and the text after it, if any."""
    for end in range(len(block.lines)):
        if block.lines[end].rstrip().endswith("]"):
            break
    else:
        return None
    head = Block(block.lines[:end + 1], block.first, block.gap_before, 0, block.own_line)
    match = ILLUSTRATION.match(head.text)
    if match is None:
        return None
    head.role = "illustration"
    head.data["caption"] = (match.group("caption") or "").strip()
    if end + 1 == len(block.lines):
        head.gap_after = block.gap_after
        return head, None
    rest = Block(block.lines[end + 1:], block.first + end + 1, 0, block.gap_after, True)
    return head, rest


def _title_like(line: str) -> bool:
    """A short line that could be a title: no speech, no sentence."""
    if not line or len(line) > _TITLE_MAX or len(line.split()) > 12:
        return False
    if line[0].islower() or DIALOGUE_START.match(line) or line[0] in "([":
        return False
    if line[-1] in ".,;:…-–—" or (line[-1] in "!?" and not line.isupper()):
        return False
    return match_heading(line) is None


# ------------------------------------------------------------------ 2. contents lists


def _entry_text(text: str) -> str:
    """A contents entry without page numbers, dot leaders or case."""
    text = re.sub(r"[\s.·…_]*\d+\s*$", "", text)  # "Chapter I ........ 7"
    return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())


def _entry_like(block: Block) -> bool:
    return all(len(line.strip()) <= 100 for line in block.lines) and block.role in (
        "heading", "text", "contents-title")


def _same_entry(block: Block, key: tuple, text: str) -> bool:
    heading = block.data.get("heading")
    if block.role == "heading" and heading is not None and key[0] is not None:
        return heading.key == key
    return _entry_text(block.lines[0]) == text


def drop_contents(blocks: list[Block]) -> list[tuple[str, str, int | None]]:
    """Mark the source's own contents list(s) as dropped; return notes."""
    notes: list[tuple[str, str, int | None]] = []
    last_seen: dict[tuple, int] = {}  # heading key → index of its last occurrence
    for index, block in enumerate(blocks):
        if block.role == "heading":
            last_seen[block.data["heading"].key] = index
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.role == "contents-title":
            end = _contents_end(blocks, index + 1)
            if end - index >= 3:
                _drop(blocks, index, end, "contents")
                last = blocks[end - 1].line + len(blocks[end - 1].lines) - 1
                notes.append(("TXT010", f"dropped the source's own contents list (lines "
                              f"{block.line}–{last}); the book's table of contents replaces it",
                              block.line))
                index = end
                continue
            block.role = "text"
        elif block.role == "heading":
            run = index
            while run < len(blocks) and blocks[run].role == "heading":
                run += 1
            if run - index >= 3 and last_seen[block.data["heading"].key] >= run:
                _drop(blocks, index, run, "contents")
                notes.append(("TXT010", f"dropped a list of {run - index} headings with no text "
                              f"between them (line {block.line}); it repeats the headings "
                              "that follow", block.line))
                index = run
                continue
        index += 1
    return notes


def _contents_end(blocks: list[Block], start: int) -> int:
    """One past the last block of the contents list that starts at ``start``."""
    if start >= len(blocks) or not _entry_like(blocks[start]):
        return start
    first = blocks[start]
    heading = first.data.get("heading")
    key = heading.key if first.role == "heading" and heading else (None,)
    text = _entry_text(first.lines[0])
    index = start + 1
    while index < len(blocks):
        block = blocks[index]
        if not _entry_like(block) or block.role == "contents-title":
            break
        if _same_entry(block, key, text):
            break
        if len(block.lines) > 1 and not block.indented and block.role == "text" and any(
                _SENTENCE_END.search(line) for line in block.lines):
            break  # prose: the list is over
        index += 1
    if index < len(blocks) and blocks[index].role == "text" and index - 1 > start and \
            blocks[index - 1].role == "heading" and not blocks[index - 1].indented and \
            _entry_text(blocks[index].lines[0]) == text:
        index -= 1  # the real heading came just before its title line
    return index


def _drop(blocks: list[Block], start: int, stop: int, why: str) -> None:
    for block in blocks[start:stop]:
        block.role = "drop"
        block.data["why"] = why


def settle_ranks(blocks: list[Block]) -> list[tuple[str, str, int | None]]:
    """Decide each heading's rank ("part", "chapter" or "section")."""
    notes: list[tuple[str, str, int | None]] = []
    headings = [b for b in blocks if b.role == "heading"]
    words = {b.data["heading"].rank for b in headings}
    has_parts = "part" in words
    has_chapter_words = "chapter" in words
    _check_numerals(headings, notes)
    headings = [b for b in blocks if b.role == "heading"]
    for position, block in enumerate(headings):
        heading: HeadingMatch = block.data["heading"]
        if heading.rank == "part":
            rank = "part"
        elif heading.rank == "numeral":
            rank = "section" if has_chapter_words else "chapter"
        elif heading.rank == "division" and heading.kind in ("prologue", "epilogue") and has_parts:
            nxt = headings[position + 1].data["heading"] if position + 1 < len(headings) else None
            holds = nxt is not None and nxt.rank in ("chapter", "numeral") and nxt.number == 1
            rank = "part" if holds else "chapter"
        else:
            rank = "chapter"
        block.data["rank"] = rank
    return notes


def _check_numerals(headings: list[Block], notes: list[tuple[str, str, int | None]]) -> None:
    """Numerals alone on a line count as headings only while they count up."""
    previous = 0
    accepted: list[Block] = []
    for block in headings:
        heading: HeadingMatch = block.data["heading"]
        if heading.rank != "numeral":
            previous = 0  # numbering restarts in each part or chapter
            continue
        number = heading.number or 0
        if number == 1 or number in (previous + 1, previous + 2):
            accepted.append(block)
            previous = number
        else:
            block.role = "text"
            notes.append(("TXT020", f"the line {heading.label!r} does not continue the "
                          f"numbering ({previous} before it); kept as text", block.line))
    if len(accepted) < 2:
        for block in accepted:
            block.role = "text"


# ------------------------------------------------------------------ 5. titles


def merge_titles(blocks: list[Block]) -> None:
    """Join a heading and the short title line that follows it."""
    live = [b for b in blocks if b.role != "drop"]
    for index, block in enumerate(live):
        if block.role != "heading" or block.data.get("rank") == "section":
            continue
        heading: HeadingMatch = block.data["heading"]
        titles = list(block.data.get("title_lines") or [])
        if heading.title:
            titles.insert(0, heading.title)
        if not titles and index + 2 < len(live):
            candidate, after = live[index + 1], live[index + 2]
            if (candidate.role == "text" and candidate.single and not candidate.own_line
                    and _title_like(candidate.lines[0].strip())
                    and after.role not in ("heading",)):
                titles.append(candidate.lines[0].strip())
                candidate.role = "drop"
                candidate.data["why"] = "title line"
        block.data["title"] = " ".join(titles)


# ------------------------------------------------------------------ 6. sections


def find_leading_title(blocks: list[Block], layout: Layout) -> None:
    """A text without chapter headings that opens with one short standalone
    line and then prose (an article, a story, one chapter file of a book
    project) is titled by that line."""
    live = [b for b in blocks if b.role != "drop"]
    if len(live) < 2 or any(b.role in ("heading", "title") for b in live):
        return
    first, after = live[0], live[1]
    # What comes before the first line is the start of the text, which ends
    # a sentence as far as the section-line test is concerned.
    opening = Block(lines=["."], first=first.first, role="text")
    if _section_line(opening, first, after, layout):
        first.role = "title"


def find_sections(blocks: list[Block], layout: Layout) -> None:
    """Short standalone lines between paragraphs become section headings."""
    live = [b for b in blocks if b.role != "drop"]
    candidates = [live[i] for i in range(1, len(live) - 1)
                  if _section_line(live[i - 1], live[i], live[i + 1], layout)]
    chapter_words = sum(1 for b in live if b.role == "heading"
                        and b.data["heading"].rank in ("chapter", "part", "division"))
    if chapter_words and len(candidates) < max(2, _SECTIONS_PER_CHAPTER * chapter_words):
        return
    for block in candidates:
        block.role = "section"


def _section_line(before: Block, block: Block, after: Block, layout: Layout) -> bool:
    if block.role != "text" or not block.single:
        return False
    if block.own_line and not layout.blankless:
        return False  # cut out of a run of lines, not standing alone
    line = block.lines[0]
    text = line.strip()
    if indent_of(line) >= INDENT and layout.indented_share < 0.5:
        return False  # indented: a line of verse or a quotation
    if not 2 <= len(text) <= _TITLE_MAX or len(text.split()) > 12:
        return False
    if not (text[0].isupper() or text[0].isdigit()) or DIALOGUE_START.match(text):
        return False
    if text[-1] in _CLOSING:
        return False
    if text.isupper() and len(text.split()) == 1:
        return False  # "NAPOLEON": the signature under a letter
    if before.role != "text" or after.role != "text":
        return False
    if not _SENTENCE_END.search(before.lines[-1].strip()):
        return False  # the line continues or is introduced by what precedes it
    return len(after.text) > len(text)


# ------------------------------------------------------------------ 7. outline


#: In a book with chapter headings, short standalone lines count as section
#: headings only when there are this many per chapter on average: sections
#: structure a chapter, while a letter's signature or a dateline turns up
#: once here and there.
_SECTIONS_PER_CHAPTER = 1.5

_BACK_KINDS = frozenset({"appendix", "afterword", "endnotes", "bibliography", "glossary",
                         "acknowledgments", "conclusion"})
_FRONT_KINDS = frozenset({"preface", "foreword", "introduction"})


def outline(blocks: list[Block]) -> list[Division]:
    """Group the blocks into parts, chapters and untitled front text."""
    divisions: list[Division] = []
    current: Division | None = None
    in_part = False
    for block in blocks:
        role = block.role
        if role == "drop":
            continue
        if role == "heading" and block.data.get("rank") in ("part", "chapter"):
            heading: HeadingMatch = block.data["heading"]
            rank = block.data["rank"]
            if rank == "part":
                kind = "part"
                in_part = True
                depth = 0
            else:
                kind = heading.kind
                if kind in _BACK_KINDS or kind == "epilogue" or (kind in _FRONT_KINDS
                                                                   and not in_part):
                    in_part = False
                depth = 1 if in_part else 0
            current = Division(rank, kind, heading.label, block.data.get("title", ""),
                               block.line, [], depth)
            divisions.append(current)
            continue
        if role in ("dedication", "epigraph"):
            divisions.append(Division("front", role, line=block.line, blocks=[block]))
            current = None
            continue
        if role == "title":
            current = Division("chapter", "chapter", "", block.text.strip(), block.line)
            divisions.append(current)
            continue
        if current is None:
            current = Division("front", "chapter", line=block.line)
            divisions.append(current)
        current.blocks.append(block)
    return divisions


def read_structure(blocks: list[Block], layout: Layout, convention: str,
                   known: dict[str, Any]) -> Outline:
    """Run the steps of the module docstring over ``blocks``."""
    blocks = classify(blocks)
    notes = drop_contents(blocks)
    notes += settle_ranks(blocks)
    title_page_subtitles(blocks, convention)
    has_headings = any(b.role == "heading" for b in blocks)
    meta = read_front_matter(blocks, convention, known, has_headings)
    if meta:
        found = ", ".join(f"{k}={v!r}" for k, v in meta.items())
        notes.append(("TXT011", f"read the title page: {found}", None))
    merge_titles(blocks)
    if not meta:
        find_leading_title(blocks, layout)
    find_sections(blocks, layout)
    return Outline(outline(blocks), meta, notes)


