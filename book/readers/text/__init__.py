"""Plain-text reader: a ``.txt`` manuscript of any vintage to chapters.

The work is split by concern, one module of this package each; this one
runs the steps and builds the XHTML trees:

1. decoding (``book/detect/encoding.py`` through ``read_text``): the
   encoding is reported as a note;
2. the library wrapper (``boilerplate.py``): Project Gutenberg and Wolne
   Lektury headers and licence footers are cut off, their fields kept as
   metadata;
3. the paragraph layout (``blocks.py``): hard wrapping, first-line
   indents, one paragraph per line; verse or prose;
4. the structure (``structure.py``, with the heading patterns as data in
   ``headings.py`` and the title page in ``frontmatter.py``): contents
   lists dropped, title page and dedication, parts, chapters and sections;
5. inline conventions and footnotes (``inline.py``);
6. here: one :class:`~book.model.Chapter` per part, chapter or dedication.
   A part holds its heading and any text before its first chapter; the
   chapters inside it have ``depth`` 1.  Chapter headings are ``h1`` and
   section headings ``h2`` (the structure pass nests and re-levels them).
   Every block carries ``data-mb-line``, its 1-based source line.

Diagnostics: TXT001 (note) the encoding read; TXT002 the file has no text;
TXT003 (note) a library wrapper was removed; TXT010 (note) a contents list
was dropped; TXT011 (note) the title page was read; TXT020 (note) a numeral
line that breaks the count kept as text.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from ...context import BuildContext
from ...model import Chapter, Contributor
from ...xhtml import EPUB_TYPE, element, sub
from .. import ReadResult, SourceFile
from ..common import heading, new_chapter, read_text
from .blocks import (
    Block,
    Layout,
    analyze_layout,
    indent_of,
    is_quotation_block,
    is_verse_block,
    join_lines,
    split_blocks,
)
from .boilerplate import find_frame
from .inline import append_inline, pair_notes, strip_noncharacters
from .structure import Division, read_structure

_LIBRARIES = {"gutenberg": "Project Gutenberg", "wolnelektury": "Wolne Lektury"}


def read(source: SourceFile, ctx: BuildContext) -> ReadResult:
    """Read one plain-text manuscript into chapters and metadata."""
    decoded = read_text(source, ctx)
    if not decoded.guessed:
        how = " (byte-order mark)" if decoded.had_bom else ""
        ctx.diag.note("TXT001", f"read as {decoded.encoding}{how}",
                      file=source.display)
    lines = strip_noncharacters(decoded.text).split("\n")
    return read_lines(lines, source, ctx)


def read_lines(lines: list[str], source: SourceFile, ctx: BuildContext) -> ReadResult:
    """The reader's work after decoding (separate so tests can feed lines)."""
    frame = find_frame(lines)
    if frame.library:
        spans = ", ".join(f"{a}–{b}" for a, b in frame.removed)
        parts = " and ".join(name for name, cut in (("header", frame.start > 0),
                                                     ("licence footer", frame.end < len(lines)))
                             if cut)
        ctx.diag.note("TXT003", f"removed the {_LIBRARIES[frame.library]} {parts} "
                      f"(lines {spans})", file=source.display)
    layout = analyze_layout(lines, frame.start, frame.end)
    blocks = split_blocks(lines, frame.start, frame.end, layout)
    if not blocks:
        ctx.diag.warn("TXT002", "the file has no text", file=source.display)
        return ReadResult([], dict(frame.metadata))
    structure = read_structure(blocks, layout, frame.convention, frame.metadata)
    for code, message, line in structure.notes:
        where = f"line {line}: " if line else ""
        ctx.diag.note(code, f"{where}{message}", file=source.display)
    note_ids: list[tuple[str, str]] = []
    chapters = []
    for division in structure.divisions:
        pair_notes(division.blocks, note_ids)
        chapters.append(_chapter(division, source, layout, note_ids))
    return ReadResult(chapters, _metadata(structure.metadata, frame.metadata))


def _metadata(title_page: dict[str, Any], header: dict[str, Any]) -> dict[str, Any]:
    """The library header's fields win over what the title page suggests."""
    merged = {**title_page, **header}
    translators = merged.pop("translators", None)
    if translators:
        merged["contributors"] = [Contributor(name, "trl") for name in translators]
    return merged


# ------------------------------------------------------------------ building


def _chapter(division: Division, source: SourceFile, layout: Layout,
             ids: list[tuple[str, str]]) -> Chapter:
    chapter = new_chapter(source, title=division.full_title, kind=division.kind,
                          line=division.line)
    chapter.depth = division.depth
    if division.line:
        chapter.tree.set("data-mb-line", str(division.line))
    if division.label or division.title:
        chapter.tree.append(_heading(1, division.label, division.title, division.line, ids))
    for el in build_blocks(division.blocks, layout, ids):
        chapter.tree.append(el)
    return chapter


def _heading(level: int, label: str, title: str, line: int | None,
             ids: list[tuple[str, str]]) -> etree._Element:
    """``<hN>`` with the label and title on two lines when there are both."""
    h = heading(level, "")
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
            out.append(_illustration(block))
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
    p = element("p", **{"data-mb-line": str(line)})
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


def _illustration(block: Block) -> etree._Element:
    """An illustration the text mentions but does not carry: a captioned figure.

    There is no image, so there is no ``<img>``; the caption (or, for a bare
    ``[Illustration]``, an accessible label) tells the reader what stood here.
    """
    figure = element("figure", class_="illustration", **{"data-mb-line": str(block.line)})
    caption = " ".join(block.data.get("caption", "").split())
    if caption:
        cap = sub(figure, "figcaption")
        append_inline(cap, caption, [])
    else:
        word = block.text.strip("[] ").split(":")[0].strip() or "Illustration"
        figure.set("role", "img")
        figure.set("aria-label", word)
    return figure


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
