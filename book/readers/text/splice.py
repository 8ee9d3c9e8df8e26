"""An edit spliced into the previous read of a plain-text file.

An author who rebuilds after an edit has mostly changed words inside
paragraphs.  Measuring the whole file, cutting it into blocks and reading
its structure again costs half a second for War and Peace, while the
previous read, kept in the build cache (``record.py``), already holds every
block and division.  The splice takes that read over when the edit provably
changes nothing but the words of *plain paragraphs*:

1. the file has as many lines as before and the same library wrapper, and
   every changed line holds text before and after and lies inside a block
   of the previous read whose role is ``text`` with no data (not a heading
   demoted to text, an unpaired note, a joined or cut paragraph), with the
   source's own lines, but for footnote calls made tokens;
2. the whole-file measures are what they were, without measuring again:
   the layout's counts moved by the changed lines decide the same layout
   (``measure.py``); the contents lists stand, since no changed line is a
   contents title, lies where finding the lists read every line, or puts
   into the index of short lines a text that finding them looked for, or
   takes one out (``contents.Evidence``); the user's heading patterns match
   none of them;
3. the run of lines holding the block cuts into the same blocks, and the
   block, classified alone, is plain text before and after;
4. no other step reads its words differently: the two blocks on either side
   are no dropped block (so the neighbours every step sees are the rows'),
   it is no possible title line of a heading just before it, and the
   decisions that read a neighbour's words come out the same with the old
   and the new words (a section line, a group title, a wrapped line of a
   one-line paragraph, the shape of a two-word heading); it comes after
   the first heading and past the title page (the front matter never read
   it), and the metadata guessed from the paragraphs (the title's language
   and case) is guessed alike;
5. its division had no paragraph cut again (``sanity.py``), none grows too
   long, and where the division has footnotes every changed line holds the
   calls it held, in the same order: the calls :func:`~.inline.pair_notes`
   queues are then the ones it queued, so every note pairs as before, and
   a call made a token is made the same token in the new words (the
   block's other lines are kept as the record holds them).

Each step of ``structure.py`` then decides what it decided before: the
divisions, their headings and every other block are unchanged.  The
chapters of untouched divisions keep their digests (their trees are built
from the kept blocks only if something asks for them), and the touched
divisions are built again from their new lines.  Anything else reads the
whole file again.  The tests splice random edits of the corpus's texts and
compare each result with a whole read of the same lines.

A whole read keeps its record when the load is finished
(``BuildContext.after_load``, beside the EPUB being written); a splice
keeps the blocks as they were stored and adds its lines as patches.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from itertools import compress
from operator import ne
from typing import TYPE_CHECKING, Any

from ...fidelity.source import Removal, SourceText
from ...model import Chapter
from .. import ReadResult, SourceFile
from . import record
from .blocks import INDENT, Block, Layout, forced_layout, indent_of, split_run
from .boilerplate import Frame
from .chapters import Known, division_chapter
from .contents import Contents, Evidence
from .headings import HeadingMatch
from .inline import calls_carried, calls_made_tokens, same_calls
from .levels import group_line
from .measure import LayoutCounts
from .metadata import TextSample, file_metadata
from .record import Rows, Stored, Unencodable, decode_value, encode_row, encode_value
from .rules import HeadingRules
from .sanity import long_paragraph, recheck_paragraphs, wrapped_line
from .structure import Division, Outline, classify, section_line

if TYPE_CHECKING:
    from ...context import BuildContext

#: More changed lines than this: the whole file is read (the checks are per
#: line, and an edit that large rarely keeps the structure).
MAX_CHANGED = 200
#: Blocks from the start in which the title page may lie (the front-matter
#: steps look at the first 20 blocks and their neighbours).
MIN_ROW = 50
#: Blocks on either side of a changed block that no step may see between.
REACH = 2


@dataclass
class Analyses:
    """The whole-file measures every later step reads."""

    frame: Frame
    counts: LayoutCounts
    layout: Layout
    contents: Contents
    cuts: set[int]


@dataclass
class Read:
    """What a whole read leaves for the record."""

    lines: list[str]
    analyses: Analyses
    structure: Outline
    #: Divisions whose paragraphs ``sanity.py`` cut again.
    recut: set[int]
    note_ids: list[tuple[str, str]]
    #: Each division's first note id (its chapter's ``first_id``), and the
    #: end of its own.
    firsts: list[int]
    ends: list[int]
    result: ReadResult
    #: The reader's notes after decoding, as Diagnostics.since gives them.
    items: list[list]
    #: What the title page and the library header said (metadata.py).
    title_page: dict[str, Any]
    header: dict[str, Any]
    #: Blocks up to the last text block the metadata's guesses read (the
    #: title's language and case): an edit among them guesses again.
    metadata_reach: int = 0


# ------------------------------------------------------------------ keeping


def keep(read: Read, source: SourceFile, ctx: BuildContext) -> None:
    """Store ``read`` as the file's record once the load is finished."""
    chapters = [[getattr(c, "digest", None), getattr(c, "size", 0),
                 list(c.source_span) if c.source_span else None] for c in read.result.chapters]
    if any(digest is None for digest, _size, _span in chapters):
        return  # a chapter built already: nothing to key its passes by
    try:
        fixed = _fixed(read)
        head = {"count": len(read.lines), "counts": encode_value(read.analyses.counts),
                "chapters": chapters}
    except Unencodable:
        return
    key, store = record.identity_key(source, ctx), ctx.cache

    def save() -> None:
        try:
            table, roles, extras, divisions = _encode_blocks(read)
        except Unencodable:
            return
        body = {**fixed, "roles": roles, "extras": extras, "divisions": divisions}
        record.save_whole(store, key, head, body, table, read.lines)
    ctx.after_load.append(save)


def _fixed(read: Read) -> dict[str, Any]:
    """What stays the same while edits are spliced (plain data, now: the
    metadata and notes are the pipeline's to change after the read)."""
    analyses, result = read.analyses, read.result
    contents, evidence = analyses.contents, analyses.contents.evidence
    text = result.source_text
    return {"frame": _frame_key(analyses.frame), "layout": encode_value(analyses.layout),
            "contents": encode_value({"lists": contents.lists, "headings": contents.headings}),
            "evidence": {"zones": evidence.zones, "asked": sorted(evidence.asked),
                         "followed": sorted(evidence.followed), "opening": evidence.opening},
            "cuts": sorted(analyses.cuts), "reach": read.metadata_reach,
            "title_page": encode_value(read.title_page), "header": encode_value(read.header),
            "note_ids": [list(pair) for pair in read.note_ids], "items": read.items,
            "metadata": encode_value(result.metadata), "origins": dict(result.origins),
            "removed": [[r.first, r.last, r.reason, r.words] for r in text.removed]
            if text else None}


def _frame_key(frame: Frame) -> str:
    """The library wrapper's place and fields, hashed (its ``repr``)."""
    return hashlib.sha256(repr(frame).encode("utf-8", "surrogatepass")).hexdigest()


def _encode_blocks(read: Read) -> tuple[array, list[str], list, list[dict]]:
    """Every block of the structure as a row, and the divisions as lists of
    rows (or, for a block a later step made, the block's own row)."""
    lines = read.lines
    roles: dict[str, int] = {}
    extras: list = []
    index: dict[int, int] = {}
    table = array("i")
    for number, block in enumerate(read.structure.blocks):
        index[id(block)] = number
        table.extend(encode_row(block, lines, roles, extras))
    divisions = []
    for number, division in enumerate(read.structure.divisions):
        members = [index.get(id(block), -1) for block in division.blocks]
        notes = any(block.role == "note" or "star" in block.data for block in division.blocks)
        divisions.append({
            "fields": [division.rank, division.kind, division.label, division.title,
                       division.line, division.depth, division.matter],
            "blocks": [m if m >= 0 else encode_row(block, lines, roles, extras)
                       for m, block in zip(members, division.blocks)],
            "first": read.firsts[number], "end": read.ends[number],
            "plain": -1 not in members and number not in read.recut, "notes": notes})
    return table, sorted(roles, key=roles.__getitem__), extras, divisions


# ------------------------------------------------------------------ splicing


def previous_read(source: SourceFile, ctx: BuildContext) -> Record | None:
    """The file's record, when the build has a cache and holds one."""
    if ctx.cache is None:
        return None
    stored = record.load(ctx.cache, record.identity_key(source, ctx))
    return Record(stored) if stored is not None else None


class Record:
    """The previous read of a file, and the splice of an edit into it."""

    def __init__(self, stored: Stored) -> None:
        self.stored = stored
        self.lines = stored.lines

    def splice(self, lines: list[str], source: SourceFile, ctx: BuildContext, frame: Frame,
               rules: HeadingRules, paragraphs: str) -> ReadResult | None:
        """The read of ``lines``, whose library wrapper is ``frame``, or None
        when it must be read whole."""
        try:
            return self._splice(lines, source, ctx, frame, rules, paragraphs)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            return None  # a record that does not decode: read whole

    def _splice(self, lines: list[str], source: SourceFile, ctx: BuildContext, frame: Frame,
                rules: HeadingRules, paragraphs: str) -> ReadResult | None:
        head, body, rows = self.stored.head, self.stored.body, self.stored.rows
        if len(lines) != head["count"] or len(self.lines) != len(lines) \
                or _frame_key(frame) != body["frame"]:
            return None
        # Compared in C (map, compress): sixty thousand lines in milliseconds.
        changed = list(compress(range(len(lines)), map(ne, self.lines, lines)))
        if len(changed) > MAX_CHANGED:
            return None
        analyses = self._analyses(lines, changed, frame, rules, paragraphs)
        if analyses is None:
            return None
        divisions = body["divisions"]
        touched = _touched_rows(rows, changed)
        if touched is None:
            return None
        owner = {m: number for number, d in enumerate(divisions) for m in d["blocks"]
                 if isinstance(m, int)}
        # No edit is spliced before the first heading (the title page and
        # front matter); one among the blocks the metadata's guesses read
        # must leave the metadata as it was.
        opening = _first_heading(rows)
        if min(touched, default=len(rows)) < body["reach"] and not _same_metadata(
                body, rows, lines, ctx.config.metadata.language):
            return None
        touched_divisions: set[int] = set()
        edited = set(changed)
        own: dict[int, list] = {}  # touched rows whose own lines hold calls made tokens
        for number in touched:
            division = owner.get(number)
            row = rows[number]
            now = _own_now(row, edited, self.lines, lines) if row[7] is not None else None
            if division is None or not divisions[division]["plain"] or not _plain_paragraph(
                    rows, number, opening, self.lines, lines, analyses, rules, now is not None):
                return None
            if divisions[division]["notes"] and _calls_moved(row, edited, self.lines, lines):
                return None  # the footnotes of its division might pair otherwise
            if now is not None:
                own[number] = now
            touched_divisions.add(division)
        note_ids = [tuple(pair) for pair in body["note_ids"]]
        layout = analyses.layout
        chapters: list[Chapter] = []
        for number, (entry, (digest, size, span)) in enumerate(zip(divisions, head["chapters"])):
            division = _division(entry)
            if number in touched_divisions:
                division.blocks = _blocks(entry, rows, lines, own)
                if recheck_paragraphs(division, layout):
                    return None  # cannot happen by the checks above; read whole if it does
                # The ids as the whole read had them when it built this
                # chapter: its own are the last (its digest holds them).
                chapter = division_chapter(division, source, layout, note_ids[:entry["end"]],
                                           entry["first"])
            else:
                chapter = division_chapter(division, source, layout, note_ids, entry["first"],
                                           Known(digest, size, _filler(entry, rows, lines)))
            chapter.source_span = tuple(span) if span else None
            chapters.append(chapter)
        result = _result(body, chapters, source, lines)
        new_head = {**head, "counts": encode_value(analyses.counts),
                    "chapters": [[c.digest, c.size, list(c.source_span) if c.source_span else None]
                                 for c in chapters]}
        store, stored = ctx.cache, self.stored
        # Nothing after this can fail: a whole read never repeats these notes.
        ctx.diag.replay(body["items"])
        extras = {rows.extra_index(number): (row[7], row[8]) for number, row in own.items()}
        ctx.after_load.append(lambda: record.save_spliced(store, stored, new_head, lines, changed,
                                                          extras))
        return result

    def _analyses(self, lines: list[str], changed: list[int], frame: Frame,
                  rules: HeadingRules, paragraphs: str) -> Analyses | None:
        """The measures of ``lines``, when the changed lines provably leave
        the layout, the contents lists and the forced cuts as they were."""
        old, head, body = self.lines, self.stored.head, self.stored.body
        if not all(_filled(old[n]) and _filled(lines[n]) for n in changed):
            return None  # a paragraph made or joined: the blocks change
        counts = decode_value(head["counts"]).moved(old, lines, changed, frame.start, frame.end)
        if counts is None:
            return None
        layout = forced_layout(counts.layout(), paragraphs)
        if layout != decode_value(body["layout"]):
            return None
        kept = body["evidence"]
        evidence = Evidence([tuple(zone) for zone in kept["zones"]], set(kept["asked"]),
                            set(kept["followed"]),
                            tuple(kept["opening"]) if kept["opening"] else None)
        if not evidence.holds(old, lines, changed, frame.start, frame.end):
            return None
        if (rules.chapter is not None or rules.part is not None) and any(
                rules.match(text[n]) is not None for n in changed for text in (old, lines)):
            return None  # the user's heading patterns cut there
        found = decode_value(body["contents"])
        contents = Contents(found["lists"], found["headings"], evidence)
        return Analyses(frame, counts, layout, contents, set(body["cuts"]))


class _RowText:
    """A row as the metadata's text sample reads it: a role and a text."""

    def __init__(self, row: list, lines: list[str]) -> None:
        self.role = row[5]
        self._row = row
        self._lines = lines

    @property
    def text(self) -> str:
        first, count, own = self._row[0], self._row[1], self._row[7]
        return " ".join(line.strip() for line in (own if own is not None else
                                                  self._lines[first:first + count]))


def _same_metadata(body: dict[str, Any], rows: Rows, lines: list[str], language: str) -> bool:
    """Do the metadata's guesses (metadata.file_metadata) read the new lines
    as they read the old?"""
    sample = TextSample([_RowText(rows[n], lines) for n in range(len(rows))])
    found = file_metadata(decode_value(body["title_page"]), decode_value(body["header"]),
                          sample, language)
    return encode_value(found) == body["metadata"]


def _first_heading(rows: Rows) -> int:
    """The first row that is a heading the front-matter steps saw as one."""
    for number in range(len(rows)):
        if rows.role(number) == "heading" and _real_heading(rows[number]):
            return number
    return len(rows)


def _touched_rows(rows: Rows, changed: list[int]) -> set[int] | None:
    """The blocks holding the changed lines (None: a line outside every block)."""
    firsts = rows.firsts()
    touched = set()
    for line in changed:
        number = bisect_right(firsts, line) - 1
        if number < 0 or not firsts[number] <= line < firsts[number] + rows[number][1]:
            return None
        touched.add(number)
    return touched


def _real_heading(row: list) -> bool:
    """A heading the front-matter steps saw as one (not a group title, which
    ``levels.group_titles`` makes later)."""
    if row[5] != "heading" or row[6] is None:
        return False
    data = decode_value(row[6])
    heading = data.get("heading")
    return isinstance(heading, HeadingMatch) and heading.word != "group"


def _plain(row: list, least: int) -> bool:
    """Plain text of at least ``least`` lines, its lines the source's."""
    return row[5] == "text" and row[6] is None and row[7] is None and row[1] >= least


def _own_now(row: list, edited: set[int], old: list[str], new: list[str]) -> list | None:
    """``row`` (plain text whose own lines differ from the source's) with
    its own lines and indents after the edit, or None when its lines are
    not the source's (``old``) with footnote calls made tokens
    (:func:`~.inline.pair_notes`, the one step that changes a text block's
    lines in place).  An edited line is the new source line, trimmed as the
    old one was, its calls made the tokens the old one's were; the others
    stay as they are."""
    first, count, own, indents = row[0], row[1], row[7], row[8]
    if row[5] != "text" or row[6] is not None or len(own) != count or len(indents) != count:
        return None
    lines, indents = list(own), list(indents)
    for offset, line in enumerate(own):
        number = first + offset
        source = old[number]
        if number not in edited:
            if line != source and line != source.rstrip() and not calls_made_tokens(line, source):
                return None
            continue
        if line == source:
            lines[offset] = new[number]
        elif line == source.rstrip():
            lines[offset] = new[number].rstrip()
        else:
            carried = calls_carried(line, source, new[number])
            if carried is None:
                return None
            lines[offset] = carried
        indents[offset] = indent_of(lines[offset])
    return [*row[:7], lines, indents]


def _plain_paragraph(rows: Rows, number: int, opening: int, old: list[str],
                     new: list[str], analyses: Analyses, rules: HeadingRules,
                     with_tokens: bool) -> bool:
    """Conditions 1, 3, 4 and 5 of the module docstring for one changed
    block (``with_tokens``: it is plain text with calls made tokens, as
    :func:`_own_now` found)."""
    if number < max(MIN_ROW, opening + 1 + REACH) or number + REACH >= len(rows):
        return False
    if not (_plain(rows[number], 1) or with_tokens):
        return False
    # The neighbours in the rows are the neighbours every step sees (no
    # dropped block between), and no step reads this block through them
    # but those _neighbours_agree checks.  A heading two blocks before, with
    # a one-line block between that may be its title line, compares its
    # length with this block's (titles.titles_convention).
    near = range(number - REACH, number + REACH + 1)
    if any(rows[n][5] in ("drop", "title-line") for n in near):
        return False
    if rows[number - 2][5] == "heading" and rows[number - 1][1] == 1:
        return False
    if rows[number][1] == 1 and rows[number - 1][5] == "heading":
        return False  # a line that may be the heading's title (titles.merge_titles)
    first, count = rows[number][0], rows[number][1]
    frame = analyses.frame
    if not all(_filled(old[n]) and _filled(new[n]) for n in range(first, first + count)):
        return False
    start, end = first, first + count
    while start > frame.start and _filled(new[start - 1]) and start not in analyses.cuts:
        start -= 1
    while end < frame.end and _filled(new[end]) and end not in analyses.cuts:
        end += 1
    bounds = []
    for text in (old, new):
        pieces = split_run([line.rstrip() for line in text[start:end]], start, analyses.layout,
                           analyses.cuts, rules.match)
        bounds.append([(p.first, len(p.lines), p.own_line, p.gap_before, p.gap_after)
                       for p in pieces])
    if bounds[0] != bounds[1] or not any(b[0] == first and b[1] == count for b in bounds[1]):
        return False
    block = _text_block(rows[number], new, "")  # as split_blocks leaves it, for classify
    was = _text_block(rows[number], old, "")
    for piece in (block, was):
        out = classify([piece], rules, analyses.contents, analyses.layout)
        if len(out) != 1 or out[0].role != "text" or out[0].data:
            return False
    if long_paragraph(block) or long_paragraph(was):
        return False
    if block.single and len(block.lines[0].split()) == 2:
        return False  # two words: the shape of a heading (levels.same_shape_headings)
    return _neighbours_agree(rows, number, old, new, analyses.layout, rules)


def _neighbours_agree(rows: Rows, number: int, old: list[str], new: list[str],
                      layout: Layout, rules: HeadingRules) -> bool:
    """The steps that read a block through its neighbours must decide alike
    with the new words as with the old: a one-line block (the block itself
    or a neighbour) may be a section line (``structure.find_sections``:
    the block before it ends a sentence, the block after it is longer), a
    group title (``levels.group_titles``), or a wrapped line of the block
    after it (the count by which ``sanity.py`` decides to join such lines)."""
    verdicts = []
    wrap = layout.wrap
    for lines in (old, new):
        then = {n: _text_block(rows[n], lines, _role_for_sections(rows[n]))
                for n in range(number - 2, number + 3)}
        block = then[number]
        before = _text_block(rows[number - 1], lines, _role_for_recheck(rows[number - 1]))
        after = _text_block(rows[number + 1], lines, _role_for_recheck(rows[number + 1]))
        verdicts.append((
            section_line(then[number - 2], then[number - 1], block, layout),
            section_line(block, then[number + 1], then[number + 2], layout),
            section_line(then[number - 1], block, then[number + 1], layout),
            len(block.lines) <= 2 and group_line(block, rules.match),
            wrap is not None and before.single and wrapped_line(before, block, wrap),
            wrap is not None and block.single and wrapped_line(block, after, wrap)))
    return verdicts[0] == verdicts[1]


def _unpaired_note(row: list) -> bool:
    """A footnote body ``inline.pair_notes`` found no call for: a note
    until then, text after."""
    return row[5] == "text" and row[6] is not None and "star" in decode_value(row[6])


def _role_for_sections(row: list) -> str:
    """The block's role when ``structure.find_sections`` looked at it."""
    if _unpaired_note(row):
        return "note"
    return "text" if row[5] == "section" else row[5]


def _role_for_recheck(row: list) -> str:
    """The block's role when ``sanity.recheck_paragraphs`` looked at it."""
    return "note" if _unpaired_note(row) else row[5]


def _calls_moved(row: list, edited: set[int], old: list[str], new: list[str]) -> bool:
    """Does an edited line of the block hold other footnote calls than it
    did (more, fewer, or others, in another order)?"""
    first, count = row[0], row[1]
    return any(n in edited and not same_calls(old[n], new[n]) for n in range(first, first + count))


def _text_block(row: list, lines: list[str], role: str = "text") -> Block:
    """The block of ``row`` with its source lines (as the structure steps
    saw it, before footnote calls became tokens)."""
    first, count = row[0], row[1]
    return Block([line.rstrip() for line in lines[first:first + count]], first, row[2], row[3],
                 row[4], role)


def _filled(line: str) -> bool:
    return bool(line) and not line.isspace()


def _division(entry: dict) -> Division:
    rank, kind, label, title, line, depth, matter = entry["fields"]
    return Division(rank, kind, label, title, line, [], depth, matter)


def _block(row: list, lines: list[str]) -> Block:
    first, count, gap_before, gap_after, own_line, role, data, own_lines, indents = row
    text = own_lines if own_lines is not None else [line.rstrip() for line in
                                                    lines[first:first + count]]
    block = Block(list(text), first, gap_before, gap_after, bool(own_line), role,
                  decode_value(data) if data is not None else {})
    if indents is not None:  # lines a later step changed (note calls made tokens)
        block.indents = list(indents)
        block.indented = all(i >= INDENT for i in block.indents)
    return block


def _blocks(entry: dict, rows: Rows, lines: list[str],
            rows_now: dict[int, list] | None = None) -> list[Block]:
    """A division's blocks: rows, or (made by a later step) rows of their
    own; ``rows_now`` gives rows as an edit left them (:func:`_own_now`)."""
    rows_now = rows_now or {}
    return [_block((rows_now.get(m) or rows[m]) if isinstance(m, int) else rows.expand(m), lines)
            for m in entry["blocks"]]


def _filler(entry: dict, rows: Rows, lines: list[str]) -> Callable[[Division], None]:
    def fill(division: Division) -> None:
        division.blocks = _blocks(entry, rows, lines)
    return fill


def _result(body: dict[str, Any], chapters: list[Chapter], source: SourceFile,
            lines: list[str]) -> ReadResult:
    """The chapters with the metadata and source text of the record: the
    removals lie outside every changed block, so their words are as counted."""
    text = None
    if body["removed"] is not None:
        text = SourceText.from_lines(source.display, lines)
        text.removed = [Removal(first, last, reason, words)
                        for first, last, reason, words in body["removed"]]
    return ReadResult(chapters, decode_value(body["metadata"]), source_text=text,
                      origins={str(k): str(v) for k, v in body["origins"].items()})
