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
6. one :class:`~book.model.Chapter` per part, chapter or dedication
   (``chapters.py``, its tree built when first asked for).  A part holds
   its heading and any text before its first chapter; the chapters inside
   it have ``depth`` 1.  Chapter headings are ``h1`` and section headings
   ``h2`` (the structure pass nests and re-levels them).

With a build cache, a file edited inside its paragraphs is not read again
from step 3: the edit is spliced into the previous read (``splice.py``),
the layout's counts moved by the edited lines (``measure.py``).

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

from ...context import BuildContext
from ...model import Chapter
from .. import ReadResult, SourceFile
from ..common import read_text
from ...fidelity.source import SourceText
from . import splice
from .blocks import Block, forced_layout, split_blocks
from .boilerplate import find_frame
from .chapters import build_blocks, division_chapter
from .contents import Contents, find_contents
from .inline import pair_notes, strip_noncharacters
from .measure import measure_layout
from .metadata import TextSample, file_metadata
from .rules import HeadingRules
from .sanity import recheck_paragraphs
from .splice import Analyses
from .structure import Division, read_structure

__all__ = ["build_blocks", "read", "read_lines", "user_heading_lines"]

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
    """The reader's work after decoding (separate so tests can feed lines).

    With a build cache, an edit that changed only the words of ordinary
    paragraphs is spliced into the previous read of the file
    (``splice.py``); any other change reads the whole file again."""
    settings = ctx.config.structure
    rules = HeadingRules.from_config(settings)
    frame = find_frame(lines)
    previous = splice.previous_read(source, ctx)
    if previous is not None:
        spliced = previous.splice(lines, source, ctx, frame, rules, settings.paragraphs)
        if spliced is not None:
            return spliced
    counts = measure_layout(lines, frame.start, frame.end)
    layout = forced_layout(counts.layout(), settings.paragraphs)
    contents = find_contents(lines, frame.start, frame.end, layout) if rules.auto else Contents()
    cuts = contents.cuts() | user_heading_lines(lines, frame.start, frame.end, rules)
    analyses = Analyses(frame, counts, layout, contents, cuts)
    start = len(ctx.diag.items)
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
    for found in contents.lists:
        text.remove(found.first + 1, found.last + 1, "contents list")
        ctx.diag.note("TXT010", f"line {found.first + 1}: dropped the source's own contents list "
                      f"(lines {found.first + 1}–{found.last + 1}); {len(found.found)} of its "
                      f"{len(found.entries)} entries come back as headings, and the book's "
                      "table of contents replaces it", file=source.display)
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
    recut: set[int] = set()  # divisions whose paragraphs were cut again
    for number, division in enumerate(structure.divisions):
        for note in recheck_paragraphs(division, layout):
            recut.add(number)
            ctx.diag.note(note.code, f"line {note.line}: {note.message}", file=source.display)
    note_ids: list[tuple[str, str]] = []
    firsts: list[int] = []
    ends: list[int] = []
    chapters = []
    for division in structure.divisions:
        before = len(note_ids)
        pair_notes(division.blocks, note_ids)
        firsts.append(before)
        ends.append(len(note_ids))
        chapters.append(division_chapter(division, source, layout, note_ids, before))
    _set_spans(chapters, structure.divisions, frame.end)
    title_page_origins = structure.metadata.pop("origins", {})
    title_page = dict(structure.metadata)
    texts = TextSample(structure.blocks)
    metadata = file_metadata(structure.metadata, frame.metadata, texts,
                             ctx.config.metadata.language)
    where = {name: title_page_origins.get(name, "") for name in metadata}
    header = f"{_LIBRARIES.get(frame.library, 'library')} header"
    for name in frame.metadata:
        where["contributors" if name == "translators" else name] = header
    result = ReadResult(chapters, metadata, source_text=text,
                        origins={k: v for k, v in where.items() if v})
    if ctx.cache is not None:
        splice.keep(splice.Read(lines, analyses, structure,
                                recut, note_ids, firsts, ends, result, ctx.diag.since(start),
                                title_page, dict(frame.metadata), texts.reach), source, ctx)
    return result


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
