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
   Every block carries ``data-mb-line``, its 1-based source line.  A
   chapter's tree is built when first asked for
   (:class:`~book.model.DeferredChapter`), from the division, the layout
   and its notes, all hashed into its digest: a rebuild after an edit finds
   the other chapters' passes in the build cache by that digest and never
   builds their trees.

Diagnostics: TXT001 (note) the encoding read; TXT002 the file has no text;
TXT003 (note) a library wrapper was removed; TXT010 (note) a contents list
was dropped; TXT011 (note) the title page was read; TXT012 (note) an
illustration marker with no caption was left out; TXT020 (note) a numeral
line that breaks the count kept as text; TXT031 (note) the paragraphs of a
chapter were cut again (``sanity.py``).

Every chapter records the source lines it was made from
(:attr:`~book.model.Chapter.source_span`), and the reader returns the
decoded lines as a :class:`~book.fidelity.SourceText` with what it removed
on purpose (library wrapper, contents list, title page, markers), for the
build's word-preservation check.
"""

from __future__ import annotations

import hashlib
from typing import Any

from lxml import etree

from ...context import BuildContext
from ...detect.language import detect_language
from ...model import Chapter, Contributor, DeferredChapter, Matter
from ...xhtml import EPUB_TYPE, element, sub
from .. import ReadResult, SourceFile
from ..common import heading, new_chapter, read_text
from ...fidelity.source import SourceText
from .blocks import (
    Block,
    Layout,
    analyze_layout,
    forced_layout,
    indent_of,
    is_quotation_block,
    is_verse_block,
    join_lines,
    split_blocks,
)
from .boilerplate import find_frame
from .contents import Contents, find_contents
from .inline import append_inline, pair_notes, strip_noncharacters
from .rules import HeadingRules
from .sanity import recheck_paragraphs
from .structure import Division, box_paragraphs, read_structure
from .titlepage import case_counts, name_case, normal_case, split_like

_LIBRARIES = {"gutenberg": "Project Gutenberg", "wolnelektury": "Wolne Lektury"}


def read(source: SourceFile, ctx: BuildContext) -> ReadResult:
    """Read one plain-text manuscript into chapters and metadata."""
    decoded = read_text(source, ctx)
    if not decoded.guessed:
        how = " (byte-order mark)" if decoded.had_bom else ""
        ctx.diag.note("TXT001", f"read as {decoded.encoding}{how}",
                      file=source.display)
    # Printable text holds no noncharacter (read_text looked already).
    text = decoded.text if decoded.printable else strip_noncharacters(decoded.text)
    lines = text.split("\n")
    return read_lines(lines, source, ctx)


def read_lines(lines: list[str], source: SourceFile, ctx: BuildContext) -> ReadResult:
    """The reader's work after decoding (separate so tests can feed lines)."""
    settings = ctx.config.structure
    rules = HeadingRules.from_config(settings)
    frame = find_frame(lines)
    text = SourceText.from_lines(source.display, lines)
    if frame.library:
        spans = ", ".join(f"{a}–{b}" for a, b in frame.removed)
        parts = " and ".join(name for name, cut in (("header", frame.start > 0),
                                                     ("licence footer", frame.end < len(lines)))
                             if cut)
        ctx.diag.note("TXT003", f"removed the {_LIBRARIES[frame.library]} {parts} "
                      f"(lines {spans})", file=source.display)
        for first, last in frame.removed:
            text.remove(first, last, "library header" if first == 1 else "licence footer")
    layout = forced_layout(analyze_layout(lines, frame.start, frame.end), settings.paragraphs)
    contents = find_contents(lines, frame.start, frame.end, layout) if rules.auto else Contents()
    for found in contents.lists:
        text.remove(found.first + 1, found.last + 1, "contents list")
        ctx.diag.note("TXT010", f"line {found.first + 1}: dropped the source's own contents list "
                      f"(lines {found.first + 1}–{found.last + 1}); {len(found.found)} of its "
                      f"{len(found.entries)} entries come back as headings, and the book's "
                      "table of contents replaces it", file=source.display)
    cuts = contents.cuts() | user_heading_lines(lines, frame.start, frame.end, rules)
    blocks = split_blocks(lines, frame.start, frame.end, layout, cuts, rules.match)
    if not blocks:
        ctx.diag.warn("TXT002", "the file has no text", file=source.display)
        return ReadResult([], dict(frame.metadata), source_text=text)
    structure = read_structure(blocks, layout, frame.convention, frame.metadata, rules, contents)
    for code, message, line in structure.notes:
        where = f"line {line}: " if line else ""
        ctx.diag.note(code, f"{where}{message}", file=source.display)
    markers = _record_removals(structure.blocks, text)
    if markers:
        ctx.diag.note("TXT012", f"left out {len(markers)} illustration marker(s) with no caption "
                      f"and no image (line{'s' * (len(markers) > 1)} "
                      f"{', '.join(map(str, markers[:10]))})", file=source.display)
    for division in structure.divisions:
        for note in recheck_paragraphs(division, layout):
            ctx.diag.note(note.code, f"line {note.line}: {note.message}", file=source.display)
    note_ids: list[tuple[str, str]] = []
    chapters = []
    for division in structure.divisions:
        before = len(note_ids)
        pair_notes(division.blocks, note_ids)
        chapters.append(_chapter(division, source, layout, note_ids, before))
    _set_spans(chapters, structure.divisions, frame.end)
    title_page_origins = structure.metadata.pop("origins", {})
    metadata = _metadata(structure.metadata, frame.metadata, structure.blocks,
                         ctx.config.metadata.language)
    where = {name: title_page_origins.get(name, "") for name in metadata}
    header = f"{_LIBRARIES.get(frame.library, 'library')} header"
    for name in frame.metadata:
        where["contributors" if name == "translators" else name] = header
    return ReadResult(chapters, metadata, source_text=text,
                      origins={k: v for k, v in where.items() if v})


def user_heading_lines(lines: list[str], start: int, end: int, rules: HeadingRules) -> set[int]:
    """Lines the user's patterns make headings: each starts a block."""
    if rules.chapter is None and rules.part is None:
        return set()
    cuts = set()
    for index in range(start, end):
        if lines[index].strip() and rules.match(lines[index]) is not None:
            cuts.update({index, index + 1})
    return cuts


def _record_removals(blocks: list[Block], text: SourceText) -> list[int]:
    """Title-page lines read into the metadata and markers left out are
    removed on purpose: the fidelity check must not count them as lost.
    Returns the lines of the illustration markers left out."""
    markers = []
    page: list[Block] = []  # title-page blocks dropped one after the other

    def flush() -> None:
        if page:
            roles = ", ".join(dict.fromkeys(r for b in page for r in b.data.get("roles", [])))
            text.remove(page[0].line, page[-1].line + len(page[-1].lines) - 1,
                        f"title page ({roles})")
            page.clear()

    for block in blocks:
        why = block.data.get("why")
        if block.role != "drop" or why != "title page":
            flush()
        if block.role != "drop":
            continue
        if why == "title page":
            page.append(block)
        elif why == "illustration":
            text.remove(block.line, block.line + len(block.lines) - 1,
                        "illustration marker without a caption")
            markers.append(block.line)
    flush()
    return markers


def _set_spans(chapters: list[Chapter], divisions: list[Division], end: int) -> None:
    """Each chapter covers the source from its first line to the line
    before the next chapter's (the last one to the end of the text)."""
    starts = [_first_line(d) for d in divisions]
    for index, chapter in enumerate(chapters):
        first = starts[index]
        nxt = next((s for s in starts[index + 1:] if s is not None), None)
        if first is not None:
            chapter.source_span = (first, (nxt - 1) if nxt else end)


def _first_line(division: Division) -> int | None:
    lines = [b.line for b in division.blocks]
    if division.line:
        lines.append(division.line)
    return min(lines) if lines else None


def _metadata(title_page: dict[str, Any], header: dict[str, Any],
              blocks: list[Block], language: str = "") -> dict[str, Any]:
    """The library header's fields win over what the title page suggests;
    titles and names printed in capitals get their normal case (which
    depends on the language: detected here when nothing states it)."""
    merged = {**title_page, **header}
    split = split_like(str(header.get("title", "")), str(title_page.get("title", "")),
                       str(title_page.get("subtitle", "")))
    if split is not None:
        merged["title"], merged["subtitle"] = split
    lang = str(merged.get("language", "") or language)
    if not lang and any(str(merged.get(k, "")).isupper() for k in ("title", "subtitle")):
        sample = " ".join(b.text for b in blocks if b.role == "text")[:20_000]
        lang = detect_language(sample) or ""
    counts = None
    for key in ("title", "subtitle"):
        value = merged.get(key)
        if value:
            if counts is None and str(value).isupper() and not lang.startswith("en"):
                counts = case_counts([b.text for b in blocks if b.role == "text"][:4000])
            merged[key] = normal_case(str(value), lang or "und", counts)
    for key in ("authors", "translators"):
        if merged.get(key):
            merged[key] = [name_case(name) for name in merged[key]]
    translators = merged.pop("translators", None)
    if translators:
        merged["contributors"] = [Contributor(name, "trl") for name in translators]
    return merged


# ------------------------------------------------------------------ building


def _chapter(division: Division, source: SourceFile, layout: Layout,
             ids: list[tuple[str, str]], first_id: int) -> Chapter:
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
    own_ids = ids[first_id:]

    def build() -> etree._Element:
        tree = shell.tree
        if division.line:
            tree.set("data-mb-line", str(division.line))
        if division.label or division.title:
            tree.append(_heading(1, division.label, division.title, division.line, ids))
        for el in build_blocks(division.blocks, layout, ids):
            tree.append(el)
        return tree

    return DeferredChapter(
        build, _digest(division, layout, own_ids, first_id, shell.tree),
        sum(len(line) for block in division.blocks for line in block.lines),
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
