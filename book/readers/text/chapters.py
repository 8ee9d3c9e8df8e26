"""A division of a plain-text file as a chapter: its XHTML tree.

The structure reader (``structure.py``) groups the blocks into divisions;
here each becomes a :class:`~book.model.DeferredChapter` whose tree is
built when first asked for, from the division, the layout and its notes,
all hashed into its digest (a rebuild after an edit finds the other
chapters' passes in the build cache by that digest and never builds their
trees).  Every block carries ``data-mb-line``, its 1-based source line.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from ...model import Chapter, DeferredChapter, Matter
from ...xhtml import EPUB_TYPE, element, sub
from .. import SourceFile
from ..common import heading, new_chapter
from .blocks import Block, Layout, indent_of, is_quotation_block, is_verse_block, join_lines
from .inline import append_inline
from .structure import Division, box_paragraphs


@dataclass(frozen=True)
class Known:
    """A division whose blocks are not read yet (``splice.py``): its
    chapter's digest and text size as the read that made them gave them,
    and the call that fills ``division.blocks`` when the tree is built."""

    digest: str
    size: int
    fill: Callable[[Division], None]


def division_chapter(division: Division, source: SourceFile, layout: Layout,
                     ids: list[tuple[str, str]], first_id: int,
                     known: Known | None = None) -> Chapter:
    """The division's chapter, its tree built when first asked for.

    The tree is made from the division, the layout and the note ids the
    division's own blocks hold (``ids[first_id:]``: calls are tokens that
    name their note by index, and no later division's pairing changes an
    earlier entry), all hashed into the chapter's digest.
    """
    # A prologue or preface inside a part is part of the body, not front matter.
    matter = Matter.FRONT if division.matter == "front" else (
        Matter.BODY if division.depth > 0 else None)
    shell = new_chapter(source, title=division.full_title, kind=division.kind,
                        line=division.line, matter=matter)

    def build() -> etree._Element:
        if known is not None:
            known.fill(division)
        tree = shell.tree
        if division.line:
            tree.set("data-mb-line", str(division.line))
        if division.label or division.title:
            tree.append(_heading(1, division.label, division.title, division.line, ids))
        for el in build_blocks(division.blocks, layout, ids):
            tree.append(el)
        return tree

    if known is None:
        digest = _digest(division, layout, ids[first_id:], first_id, shell.tree)
        size = sum(len(line) for block in division.blocks for line in block.lines)
    else:
        digest, size = known.digest, known.size
    return DeferredChapter(
        build, digest, size,
        id=shell.id, title=shell.title, kind=shell.kind, matter=shell.matter,
        source=shell.source, source_path=shell.source_path, lang=shell.lang,
        depth=division.depth,
        reader_made=True)  # no markup of the source's: nothing to sanitize


def _digest(division: Division, layout: Layout, own_ids: list[tuple[str, str]],
            first_id: int, root: etree._Element) -> str:
    """Everything a division's tree is built from, hashed: the empty root,
    the division, the layout and each block whole (place, role, data: plain
    values and dataclasses, whose ``repr`` is their content; then its
    lines).  One line of text each: a line of the source holds no line
    break and a ``repr`` none unescaped, and each block's first line says
    how many follow.  The code that builds the tree is in the cache's tool
    key."""
    parts = [repr((sorted(root.attrib.items()), root.tag, division.rank, division.kind,
                   division.label, division.title, division.line, division.depth,
                   division.matter, layout, first_id, own_ids))]
    for block in division.blocks:
        data = repr(sorted(block.data.items())) if block.data else ""
        parts.append(f"{len(block.lines)} {block.first} {block.gap_before} {block.gap_after} "
                     f"{block.own_line} {block.role!r} {data}")
        parts += block.lines
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _heading(level: int, label: str, title: str, line: int | None,
             ids: list[tuple[str, str]]) -> etree._Element:
    """``<hN>`` with the label and title on two lines when there are both."""
    h = heading(level, "")
    h.set("data-mb-guessed", "true")  # read from the layout: the fidelity check may doubt it
    if line:
        h.set("data-mb-line", str(line))
    if label and title:
        span = sub(h, "span", class_="label")
        append_inline(span, label, ids)
        span.tail = " "
        sub(h, "br")
        span = sub(h, "span", class_="title")
        append_inline(span, title, ids)
    else:
        append_inline(h, label or title, ids)
    return h


def build_blocks(blocks: list[Block], layout: Layout,
                 ids: list[tuple[str, str]]) -> list[etree._Element]:
    """The XHTML blocks of one division, in order."""
    out: list[etree._Element] = []
    verse: etree._Element | None = None
    numbered_sections = False
    for block in blocks:
        role = block.role
        line = str(block.line)
        if role == "text" and is_verse_block(block, layout):
            if verse is None or not out or out[-1] is not verse:
                verse = element("div", class_="verse", **{"data-mb-line": line})
                out.append(verse)
            verse.append(_stanza(block, ids))
            continue
        if role == "heading":  # a numeral under a chapter word: a section
            match = block.data["heading"]
            out.append(_heading(2, match.label, block.data.get("title", ""), block.line, ids))
            numbered_sections = True
        elif role == "section":
            out.append(_heading(3 if numbered_sections else 2, "", block.text, block.line, ids))
        elif role == "ornament":
            out.append(element("hr", class_="scene-break", **{"data-mb-line": line}))
        elif role == "illustration":
            out.append(_illustration(block, ids))
        elif role == "box":
            out.append(_box(block, ids))
        elif role == "note":
            out.extend(_notes(block, ids))
        elif role in ("dedication", "epigraph"):
            out.append(_set_apart(block, layout, ids))
        elif is_quotation_block(block, layout):
            quote = element("blockquote", **{"data-mb-line": line})
            quote.append(_paragraph(block.lines, block.line, ids))
            out.append(quote)
        else:
            out.append(_paragraph(block.lines, block.line, ids))
    return out


def _paragraph(lines: list[str], line: int, ids: list[tuple[str, str]]) -> etree._Element:
    p = etree.Element("p", {"data-mb-line": str(line)})  # element(), without its generality
    append_inline(p, join_lines(lines), ids)
    return p


def _stanza(block: Block, ids: list[tuple[str, str]]) -> etree._Element:
    """``<p class="stanza">`` of ``<span class="line">`` joined by ``<br/>``."""
    stanza = element("p", class_="stanza", **{"data-mb-line": str(block.line)})
    indents = [indent_of(line) for line in block.lines]
    base = min(indents)
    for number, line in enumerate(block.lines):
        if number:
            sub(stanza, "br")
        span = sub(stanza, "span", class_="line indent" if indents[number] > base else "line")
        append_inline(span, " ".join(line.split()), ids)
    return stanza


def _illustration(block: Block, ids: list[tuple[str, str]]) -> etree._Element:
    """An illustration the text mentions but does not carry.

    There is no image, so there is no figure: the marker's words stay a
    visible line of the text ("Illustration: The house at night"), set
    apart.  Markers with no caption are left out by the structure reader.
    """
    p = element("p", class_="illustration", **{"data-mb-line": str(block.line)})
    word = block.text.strip("[] ").split(":")[0].strip() or "Illustration"
    caption = " ".join(block.data.get("caption", "").split())
    append_inline(p, f"{word}: {caption}" if caption else word, ids)
    return p


def _box(block: Block, ids: list[tuple[str, str]]) -> etree._Element:
    """A note drawn in an ASCII frame: its text, without the frame."""
    quote = element("blockquote", class_="note", **{"data-mb-line": str(block.line)})
    for offset, lines in box_paragraphs(block):
        quote.append(_paragraph(lines, block.line + offset, ids))
    return quote


def _notes(block: Block, ids: list[tuple[str, str]]) -> list[etree._Element]:
    out = []
    for note in block.data.get("notes", []):
        aside = element("aside", None, {EPUB_TYPE: "footnote"}, id=note.id,
                        **{"data-mb-line": str(note.line)})
        p = sub(aside, "p")
        append_inline(p, join_lines(note.lines), ids)
        out.append(aside)
    return out


def _set_apart(block: Block, layout: Layout, ids: list[tuple[str, str]]) -> etree._Element:
    """A dedication (each line its own paragraph) or an epigraph (a quotation
    whose last line, the attribution, is set apart)."""
    container = element("div", class_=block.role, **{"data-mb-line": str(block.line)})
    lines = block.lines
    attribution = None
    if block.role == "epigraph" and len(lines) > 1:
        lines, attribution = lines[:-1], lines[-1]
    for offset, line in enumerate(lines):
        container.append(_paragraph([line], block.line + offset, ids))
    if attribution is not None:
        p = _paragraph([attribution], block.line + len(lines), ids)
        p.set("class", "attribution")
        container.append(p)
    return container
