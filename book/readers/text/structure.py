"""The structure of a plain-text book, read from its blocks.

The steps, in order (each a small function over the block list):

1. :func:`classify` gives every block a role: ``heading`` (a line the
   source's contents list pointed at, or one that the heading rules read
   as a division and that stands alone: never a line of wrapped prose, and
   a numeral with a title on the same line only on a line of its own),
   ``ornament`` (a scene break such as ``* * *``), ``illustration``
   (``[Illustration: …]``), ``note`` (a footnote body), ``box`` (a note
   drawn in an ASCII frame), ``contents-title`` or ``text``.
2. :func:`drop_heading_lists` removes a run of three or more headings with
   no text between them when the same headings come back later (an
   untitled contents list); stacked headings that do not come back
   (``VOLUME I`` / ``BOOK FIRST`` / ``CHAPTER I`` at the start of a
   volume) are real and stay.  Titled and run-together contents lists were
   found on the raw lines before (``contents.py``).
3. ``levels.py`` decides ranks (part, chapter, section) and how parts
   nest.
4. ``frontmatter.py`` reads the title page before the first heading.
5. ``titles.py`` joins a heading and the title line under it; then
   ``levels.py`` groups numbered poems under the title lines before each
   restart of their numbering.
6. :func:`find_sections` makes short standalone lines section headings: no
   closing punctuation, blank lines around, prose before and after, not a
   speech, not a signature.  In a book with chapter words such lines are
   mostly letter signatures and datelines, so they count only when there
   are half again as many as chapters.
7. :func:`outline` groups the blocks into divisions (parts of up to three
   levels, chapters, front matter) for the reader to build.

Diagnostics codes (see ``book/readers/text/__init__.py``): TXT010 contents list
dropped, TXT011 title page read, TXT020 numeral lines that break the
count were kept as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .blocks import DIALOGUE_START, FIT, INDENT, Block, Layout, first_word, indent_of, width_of
from .contents import Contents, norm
from .frontmatter import read_front_matter, title_page_subtitles
from .headings import HeadingMatch, is_contents_title
from .levels import group_titles, same_shape_headings, set_part_levels, settle_ranks
from .rules import AUTO, HeadingRules
from .titles import TITLE_MAX, merge_titles, wrapped_title

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

#: A frame drawn around a note: "+----+" and "| text |" lines.
_BOX_EDGE = re.compile(r"^\s*\+[-=+]+\+\s*$")
_BOX_LINE = re.compile(r"^\s*\|(?P<text>.*)\|\s*$")


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
    #: "front" for text kept from the title page; "" lets the kind decide.
    matter: str = ""

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
    #: Every block with its role, dropped ones too (for the removals report).
    blocks: list[Block] = field(default_factory=list)


# ------------------------------------------------------------------ 1. classify


def classify(blocks: list[Block], rules: HeadingRules = AUTO,
             contents: Contents | None = None, layout: Layout | None = None) -> list[Block]:
    """Give every block its role; split a heading from text glued under it."""
    found_at = contents.headings if contents else {}
    title_of = {line for hit in found_at.values() for line in hit.title_lines}
    dropped = contents.dropped if contents else set()
    out: list[Block] = []
    for block in blocks:
        first = block.lines[0].strip()
        if block.first in dropped:
            block.role = "drop"
            block.data["why"] = "contents"
        elif block.first in found_at:  # a heading the contents list pointed at
            block.role = "heading"
            block.data["contents"] = found_at[block.first]
            block.data["heading"] = rules.match(first) or HeadingMatch(
                "titled", "chapter", first, "", None, "contents")
            block.data["title_lines"] = [line.strip() for line in block.lines[1:]]
        elif block.first in title_of:
            block.role = "title-line"
        elif all(ORNAMENT.match(line) for line in block.lines):
            block.role = "ornament"
        elif _is_box(block):
            block.role = "box"
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
        elif len(first) <= 120 and (heading := rules.match(first)) is not None and \
                _stands_alone(block, heading, layout, rules):
            rest = [line.strip() for line in block.lines[1:]]
            if not rest or wrapped_title(rest):
                block.role = "heading"
                block.data["heading"] = heading
                block.data["title_lines"] = rest
            else:
                head = Block(block.lines[:1], block.first, block.gap_before, 0, block.own_line,
                             "heading", {"heading": heading, "title_lines": []})
                out.append(head)
                block = Block(block.lines[1:], block.first + 1, 0, block.gap_after, True, "text")
        else:
            block.role = "text"
        out.append(block)
    return out


def _stands_alone(block: Block, heading: HeadingMatch, layout: Layout | None,
                  rules: HeadingRules) -> bool:
    """Is the heading line a line of its own, not the start of prose?

    The user's patterns always count.  A numeral with a title on the same
    line ("IV. THE LEAGUE") only stands alone, short, between blank lines:
    a paragraph may well open with "M. Darzac", "C. Dupin" or "I. e.".  No
    heading is a line of wrapped prose: one that filled the line so the
    next word went to the next line, or that ends mid-sentence while the
    paragraph goes on in lower case.
    """
    if heading.word.startswith("user-"):
        return True
    line = block.lines[0].rstrip()
    wrap = layout.wrap if layout else None
    if heading.rank == "numeral" and heading.title:
        if not block.single or line.endswith(","):
            return False
        return width_of(line) <= (0.75 * wrap if wrap else 60)
    if block.single:
        return True
    after = block.lines[1].strip()
    if wrap and width_of(line) + 1 + len(first_word(after)) > FIT * wrap and \
            width_of(line) > 0.6 * wrap:
        return False
    return not (line.endswith((",", ";")) or (after[:1].islower() and len(line) > 40))


def _is_box(block: Block) -> bool:
    """A note drawn in a frame of ``+---+`` and ``| … |`` lines."""
    if len(block.lines) < 3 or not _BOX_EDGE.match(block.lines[0]):
        return False
    return all(_BOX_EDGE.match(line) or _BOX_LINE.match(line) for line in block.lines)


def box_paragraphs(block: Block) -> list[tuple[int, list[str]]]:
    """The text inside a framed note: (line offset, lines) per paragraph."""
    out: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for offset, line in enumerate(block.lines):
        match = _BOX_LINE.match(line)
        text = match.group("text").strip() if match else ""
        if text:
            if not current:
                start = offset
            current.append(text)
        elif current:
            out.append((start, current))
            current = []
    if current:
        out.append((start, current))
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
    if not head.data["caption"]:
        head.role = "drop"  # nothing to show: left out, and reported
        head.data["why"] = "illustration"
    if end + 1 == len(block.lines):
        head.gap_after = block.gap_after
        return head, None
    rest = Block(block.lines[end + 1:], block.first + end + 1, 0, block.gap_after, True)
    return head, rest


# ------------------------------------------------------------------ 2. contents lists


def _heading_text(block: Block) -> str:
    heading: HeadingMatch = block.data["heading"]
    titles = [heading.title, *block.data.get("title_lines", [])]
    return norm(" ".join([heading.label, *[t for t in titles if t]]))


def drop_heading_lists(blocks: list[Block]) -> list[tuple[str, str, int | None]]:
    """Drop runs of three or more headings with no text between them when
    most of them come back later as headings; keep every other run."""
    notes: list[tuple[str, str, int | None]] = []
    texts = [(i, _heading_text(b)) for i, b in enumerate(blocks) if b.role == "heading"]
    index = 0
    while index < len(blocks):
        block = blocks[index]
        if block.role == "contents-title":
            block.role = "text"  # its list did not come back (text_contents): keep it
        if block.role != "heading":
            index += 1
            continue
        run = index
        while run < len(blocks) and blocks[run].role == "heading":
            run += 1
        entries = [_heading_text(b) for b in blocks[index:run]]
        if entries[0] in entries[1:]:  # the list ends where its first entry comes back
            run = index + entries.index(entries[0], 1)
            entries = entries[:run - index]
        if run - index >= 3:
            later = [text for i, text in texts if i >= run]
            back = _come_back(entries, later)
            if back >= max(2, (run - index) / 2):
                for dropped in blocks[index:run]:
                    dropped.role = "drop"
                    dropped.data["why"] = "contents"
                last = blocks[run - 1].line + len(blocks[run - 1].lines) - 1
                notes.append(("TXT010", f"dropped a list of {run - index} headings with no text "
                              f"between them (lines {block.line}–{last}); they come back as the "
                              "headings that follow", block.line))
        index = run
    return notes


def _come_back(entries: list[str], later: list[str]) -> int:
    """How many ``entries`` come back, in order, among ``later`` headings."""
    found = 0
    position = 0
    for entry in entries:
        for offset in range(position, len(later)):
            if later[offset] == entry or later[offset].startswith(entry + " "):
                found += 1
                position = offset + 1
                break
    return found


# ------------------------------------------------------------------ 6. sections


def find_leading_title(blocks: list[Block], layout: Layout) -> None:
    """A text without chapter headings that opens with one short standalone
    line and then prose (an article, a story, one chapter file of a book
    project) is titled by that line."""
    live = [b for b in blocks if b.role not in ("drop", "title-line")]
    if len(live) < 2 or any(b.role in ("heading", "title") for b in live):
        return
    first, after = live[0], live[1]
    # What comes before the first line is the start of the text, which ends
    # a sentence as far as the section-line test is concerned.
    opening = Block(lines=["."], first=first.first, role="text")
    if section_line(opening, first, after, layout):
        first.role = "title"


def find_sections(blocks: list[Block], layout: Layout) -> None:
    """Short standalone lines between paragraphs become section headings."""
    live = [b for b in blocks if b.role not in ("drop", "title-line")]
    candidates = [live[i] for i in range(1, len(live) - 1)
                  if section_line(live[i - 1], live[i], live[i + 1], layout)]
    chapter_words = sum(1 for b in live if b.role == "heading"
                        and b.data["heading"].rank in ("chapter", "part", "division"))
    if chapter_words and len(candidates) < max(2, _SECTIONS_PER_CHAPTER * chapter_words):
        return
    for block in candidates:
        block.role = "section"


def section_line(before: Block, block: Block, after: Block, layout: Layout) -> bool:
    if block.role != "text" or not block.single:
        return False
    if block.own_line and not layout.blankless:
        return False  # cut out of a run of lines, not standing alone
    line = block.lines[0]
    text = line.strip()
    if indent_of(line) >= INDENT and layout.indented_share < 0.5:
        return False  # indented: a line of verse or a quotation
    if not 2 <= len(text) <= TITLE_MAX or len(text.split()) > 12:
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
    """Group the blocks into parts (nested by their levels), chapters and
    untitled text."""
    divisions: list[Division] = []
    current: Division | None = None
    open_levels: list[int] = []  # levels of the parts that hold what follows
    for block in blocks:
        role = block.role
        if role in ("drop", "title-line"):
            continue
        if role == "heading" and block.data.get("rank") in ("part", "chapter"):
            heading: HeadingMatch = block.data["heading"]
            rank = block.data["rank"]
            if rank == "part":
                kind = "part"
                level = block.data.get("level", 0)
                while open_levels and open_levels[-1] >= level:
                    open_levels.pop()
                depth = len(open_levels)
                open_levels.append(level)
            else:
                kind = heading.kind
                if kind in _BACK_KINDS or kind == "epilogue" or (kind in _FRONT_KINDS
                                                                   and not open_levels):
                    open_levels.clear()
                depth = len(open_levels)
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
        if role == "front" or block.data.get("front"):
            if current is None or current.matter != "front":
                current = Division("front", "chapter", line=block.line, matter="front")
                divisions.append(current)
            current.blocks.append(block)
            continue
        if current is None or current.matter == "front":
            current = Division("front", "chapter", line=block.line)
            divisions.append(current)
        current.blocks.append(block)
    return divisions


def read_structure(blocks: list[Block], layout: Layout, convention: str,
                   known: dict[str, Any], rules: HeadingRules = AUTO,
                   contents: Contents | None = None) -> Outline:
    """Run the steps of the module docstring over ``blocks``."""
    blocks = classify(blocks, rules, contents, layout)
    notes = drop_heading_lists(blocks)
    notes += same_shape_headings(blocks)
    notes += settle_ranks(blocks)
    title_page_subtitles(blocks, convention)
    has_headings = any(b.role == "heading" for b in blocks)
    meta = read_front_matter(blocks, convention, known, has_headings)
    if meta:
        found = ", ".join(f"{k}={v!r}" for k, v in meta.items() if k != "origins")
        notes.append(("TXT011", f"read the title page: {found}", None))
    merge_titles(blocks, rules.match)
    group_titles(blocks, rules.match)
    set_part_levels(blocks)
    if rules.auto:  # headings = "none": no line is guessed to be a heading
        if not meta:
            find_leading_title(blocks, layout)
        find_sections(blocks, layout)
    return Outline(outline(blocks), meta, notes, blocks)
