"""Issue 12: an edit inside the paragraphs of a plain-text file is spliced
into the previous read kept in the build cache (book/readers/text/splice.py)
instead of reading the whole file again.  Held here: after random edits of
real texts, every spliced read equals a whole read of the same lines
(chapters, their digests and trees, metadata, the fidelity check's source
text, the reader's notes); edits that touch the structure, or a damaged
record, read the whole file; and a cached build after an edit gives the
EPUB a clean build gives, having spliced."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from lxml import etree

from book.cache import store_at
from book.context import BuildContext, BuildOptions
from book.diagnostics import Diagnostics
from book.readers import SourceFile
from book.readers.common import read_text
from book.readers.text import read_lines, record, splice

from .conftest import make_context

#: Ordinary words to put into the text, and a few marks a structure step
#: might read (a numeral, a scene break, a footnote call, a sentence end).
WORDS = ["the", "quietly", "house", "And", "morning", "window", "yes", "letter"]
MARKS = ["II.", "* * *", "[1]", "end.", "“Well,”", "—", "CHAPTER"]

class Reader:
    """One corpus text read through a store, edit after edit."""

    def __init__(self, path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.source = SourceFile(path, path.name)
        self.root = make_context(path.parent)
        self.store = store_at(folder / "cache")
        self.lines = read_text(self.source, self._context(None)).text.split("\n")
        self.outcomes: list[bool] = []
        real = splice.Record.splice

        def observed(record, *args, **kwargs):
            result = real(record, *args, **kwargs)
            self.outcomes.append(result is not None)
            return result

        monkeypatch.setattr(splice.Record, "splice", observed)
        self.read(self.lines)

    def _context(self, store) -> BuildContext:
        return BuildContext(config=self.root.config, sandbox=self.root.sandbox,
                            diag=Diagnostics(), options=BuildOptions(), cache=store)

    def read(self, lines: list[str]) -> tuple[tuple, bool]:
        """The read through the store (the record kept for the next), and
        whether it was spliced."""
        before = len(self.outcomes)
        ctx = self._context(self.store)
        result = read_lines(lines, self.source, ctx)
        shown = _shown(result, ctx)
        while ctx.after_load:
            ctx.after_load.pop(0)()
        return shown, any(self.outcomes[before:])

    def whole(self, lines: list[str]) -> tuple:
        ctx = self._context(None)
        return _shown(read_lines(lines, self.source, ctx), ctx)


def _shown(result, ctx) -> tuple:
    """Everything a read gives the build; digests before any tree is built."""
    fields = [(getattr(c, "digest", None), c.title, c.kind, c.matter, c.depth, c.source,
               c.source_span, c.lang, c.reader_made) for c in result.chapters]
    trees = [etree.tostring(c.tree) for c in result.chapters]
    text = result.source_text
    return (fields, trees, result.metadata, result.origins,
            (text.segments, text.removed) if text else None, ctx.diag.since(0))


def _edit(lines: list[str], rng: random.Random) -> list[str]:
    """A word (now and then a mark) replaced, put in or taken out, in one
    to three nearby lines with text."""
    new = list(lines)
    at = rng.randrange(len(new))
    filled = [n for n in range(at, min(len(new), at + 12)) if new[n].strip()] or [at]
    for _ in range(rng.choice([1, 1, 2, 3])):
        number = rng.choice(filled)
        words = new[number].split(" ")
        where = rng.randrange(len(words))
        word = rng.choice(MARKS) if rng.random() < 0.15 else rng.choice(WORDS)
        roll = rng.random()
        if roll < 0.5:
            words[where] = word
        elif roll < 0.85:
            words.insert(where, word)
        elif len(words) > 1:
            del words[where]
        new[number] = " ".join(words)
    return new


@pytest.mark.parametrize("name", ["pg-en-austen-pride-and-prejudice.txt",
                                  "pg-de-fontane-effi-briest.txt",
                                  "wl-pl-reymont-chlopi-jesien.txt",
                                  "pg-pl-doyle-tajemnica-baskervilleow.txt",
                                  "pg-de-heine-buch-der-lieder.txt"])
def test_spliced_reads_equal_whole_reads_after_random_edits(corpus, tmp_path, monkeypatch, name):
    reader = Reader(corpus / name, tmp_path, monkeypatch)
    rng = random.Random(name)
    lines, spliced = reader.lines, 0
    for _ in range(10):
        lines = _edit(lines, rng)
        shown, was_spliced = reader.read(lines)
        assert shown == reader.whole(lines)
        spliced += was_spliced
    assert spliced >= 4  # most edits of words in paragraphs are spliced


def _paragraph_line(lines: list[str], after: int) -> int:
    """A line in the middle of a paragraph of three lines or more."""
    for number in range(after, len(lines) - 2):
        if all(lines[n].strip() for n in range(number - 1, number + 2)) and \
                not lines[number - 2].strip():
            return number
    raise AssertionError("no paragraph")


def test_edits_to_the_structure_read_the_whole_file(corpus, tmp_path, monkeypatch):
    reader = Reader(corpus / "pg-en-austen-pride-and-prejudice.txt", tmp_path, monkeypatch)
    lines = reader.lines
    middle = _paragraph_line(lines, len(lines) // 2)
    heading = next(n for n in range(middle, len(lines)) if lines[n].startswith("Chapter "))
    plain = list(lines)
    plain[middle] = plain[middle].replace(" ", " very ", 1)
    renumbered = list(lines)
    renumbered[heading] = "Chapter 99"
    new_heading = list(lines)
    new_heading[middle - 1] = "CHAPTER XCIX."  # the paragraph's first line, as a heading
    longer = lines[:middle] + ["one more line", *lines[middle:]]
    opening = list(lines)
    opening[_paragraph_line(lines, 60)] += " and so on"  # the title page and the contents
    for edited, splices in ((plain, True), (renumbered, False), (new_heading, False),
                            (longer, False), (opening, False)):
        shown, was_spliced = reader.read(edited)
        assert was_spliced is splices
        assert shown == reader.whole(edited)
        reader.read(lines)  # back to the original record


def _called_paragraphs(lines: list[str], count: int) -> list[tuple[int, int, int]]:
    """(first line, line with the call, last line + 1) of paragraphs of three
    lines or more holding one star call ("… flèches * which …") whose note
    follows them, indented ("    * A kind of entrenchment."), spread over the book."""
    found = []
    for number in range(2, len(lines) - 2):
        if not lines[number].lstrip().startswith("* ") or not lines[number].startswith("    "):
            continue
        end = number - 1
        if lines[end].strip():
            continue
        first = end - 1
        while first > 0 and lines[first - 1].strip():
            first -= 1
        calls = [n for n in range(first, end) if " * " in lines[n] or lines[n].endswith(" *")]
        if end - first >= 3 and len(calls) == 1:
            found.append((first, calls[0], end))
    step = max(1, len(found) // count)
    return found[step // 2::step][:count]


def test_edits_beside_a_footnote_call_are_spliced_and_equal_whole_reads(corpus, tmp_path,
                                                                         monkeypatch):
    """War and Peace's translator notes: a paragraph holding a call (made a
    token linking to its note) takes an edit of its other lines by splice,
    twice in a row (the second splice starts from the lines the first one
    kept), and an edit of the call's own line that keeps the call; an edit
    that puts a call into a line, or takes the call out, reads the whole
    file.  Every read equals a whole read."""
    reader = Reader(corpus / "pg-en-tolstoy-war-and-peace.txt", tmp_path, monkeypatch)
    lines = list(reader.lines)
    paragraphs = _called_paragraphs(lines, 3)
    assert len(paragraphs) == 3
    outcomes = []
    for first, call, end in paragraphs:
        plain = next(n for n in range(first, end) if n != call)
        for word in (" gladly ", " slowly "):  # the same line twice: two splices in a row
            lines[plain] = lines[plain].replace(" ", word, 1)
            shown, was_spliced = reader.read(lines)
            assert shown == reader.whole(lines)
            outcomes.append(was_spliced)
        other = next(n for n in range(first, end) if n not in (call, plain))
        for number, before, after in ((other, " ", " then "),  # another line
                                      (call, " ", " indeed ")):  # the call's own line
            lines[number] = lines[number].replace(before, after, 1)
            shown, was_spliced = reader.read(lines)
            assert shown == reader.whole(lines)
            outcomes.append(was_spliced)
    assert outcomes == [True] * len(outcomes)
    first, call, end = paragraphs[1]
    for edit in ("new call", "call taken out"):
        changed = list(lines)
        if edit == "new call":
            plain = next(n for n in range(first, end) if n != call)
            changed[plain] = changed[plain].replace(" ", " * ", 1)
        else:
            changed[call] = changed[call].replace(" * ", " ", 1).replace(" *", "", 1)
        assert changed != lines
        shown, was_spliced = reader.read(changed)
        assert not was_spliced, edit
        assert shown == reader.whole(changed)


def test_a_line_with_calls_made_tokens_is_told_from_a_changed_line():
    from book.readers.text.blocks import Block
    from book.readers.text.inline import calls_carried, calls_made_tokens, pair_notes

    source = ["He spoke of the flèches * and of the redoubt[1] as if * nothing   ",
              "had happened there at all.", "", "    * A kind of entrenchment."]
    blocks = [Block([source[0].rstrip(), source[1]], 0, role="text"),
              Block(["* A kind of entrenchment."], 3, role="note", data={"star": True})]
    pair_notes(blocks, [])
    made = blocks[0].lines[0]
    assert made != source[0].rstrip() and "[1]" in made  # one star call paired, the rest not
    assert calls_made_tokens(made, source[0])
    assert calls_made_tokens(source[1], source[1])
    assert not calls_made_tokens(made.replace("spoke", "spake"), source[0])
    assert not calls_made_tokens(made, source[0].replace("redoubt", "fort"))
    assert not calls_made_tokens(made + " more", source[0])
    # New words around the same calls: the paired call is the same token there.
    reworded = source[0].replace("spoke", "spake").replace("redoubt", "fort")
    assert calls_carried(made, source[0], reworded) == \
        made.replace("spoke", "spake").replace("redoubt", "fort")
    assert calls_carried(made, source[0], source[0].replace(" *", "", 1)) is None  # one call less
    assert calls_carried(made, source[0], source[0].replace("[1]", "[2]")) is None  # another call


def test_a_damaged_record_is_read_whole(corpus, tmp_path, monkeypatch):
    reader = Reader(corpus / "pg-en-austen-pride-and-prejudice.txt", tmp_path, monkeypatch)
    lines = list(reader.lines)
    number = _paragraph_line(lines, len(lines) // 2)
    lines[number] = lines[number].replace(" ", " very ", 1)
    store = reader.store
    key = record.identity_key(reader.source, reader._context(store))

    def head_only(entry: bytes) -> list:
        return [(record.STAGE, key, b"not a record"), (record.STAGE, key, entry[:-10]),
                (record.STAGE, key, entry.replace(b'"format": 2', b'"format": 9'))]

    def blocks_cut(entry: bytes) -> list:
        refs = json.loads(entry)
        blocks = store.get(record.BLOCKS_STAGE, refs["blocks"])
        return [(record.BLOCKS_STAGE, refs["blocks"], blocks[:len(blocks) // 2])]

    def other_text(entry: bytes) -> list:
        return [(record.TEXT_STAGE, json.loads(entry)["text"], b"other words\nentirely")]

    for damages in (head_only, blocks_cut, other_text):
        for number_of_damage in range(len(damages(store.get(record.STAGE, key)))):
            stage, damaged_key, damaged = damages(store.get(record.STAGE, key))[number_of_damage]
            store.put(stage, damaged_key, damaged)
            shown, was_spliced = reader.read(lines)
            assert not was_spliced, stage
            assert shown == reader.whole(lines)
            reader.read(reader.lines)  # read whole: the record is stored again
            assert store.get(record.STAGE, key) is not None


def test_a_cached_build_after_an_edit_splices_and_equals_a_clean_build(corpus, tmp_path,
                                                                      monkeypatch):
    from book.build import Overrides, load_project
    from book.cache import open_store
    from book.project import open_project
    from book.writers.epub import write_epub

    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    path = tmp_path / "pride.txt"
    text = (corpus / "pg-en-austen-pride-and-prejudice.txt").read_text(encoding="utf-8-sig")
    outcomes: list[bool] = []
    real = splice.Record.splice

    def observed(record, *args, **kwargs):
        result = real(record, *args, **kwargs)
        outcomes.append(result is not None)
        return result

    monkeypatch.setattr(splice.Record, "splice", observed)

    def build(content: str, cached: bool) -> tuple[bytes, list]:
        path.write_text(content, encoding="utf-8")
        project = open_project([path])
        store = open_store(project) if cached else None
        diagnostics = Diagnostics()
        try:
            book, ctx = load_project(project, BuildOptions(formats=("epub",), cache=cached),
                                     Overrides(), diagnostics, store)
        finally:
            if store is not None:
                store.close()
        return write_epub(book, ctx), diagnostics.since(0)

    build(text, True)
    lines = text.split("\n")
    number = _paragraph_line(lines, len(lines) // 2)
    lines[number] = lines[number].replace(" ", " gladly ", 1)
    edited = "\n".join(lines)
    spliced, said = build(edited, True)
    assert outcomes == [True]
    clean, said_clean = build(edited, False)
    assert spliced == clean
    assert said == said_clean  # the same notes and warnings, the fidelity check's included


def test_the_layout_counts_moved_by_an_edit_are_the_counts_measured_again(corpus):
    from book.readers.text.measure import measure_layout

    text = (corpus / "pg-en-austen-pride-and-prejudice.txt").read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    counts = measure_layout(lines, 0, len(lines))
    rng = random.Random(12)
    moved_some = 0
    for _ in range(30):
        new = _edit(lines, rng)
        changed = [n for n, (a, b) in enumerate(zip(lines, new)) if a != b]
        if not all(lines[n].strip() and new[n].strip() for n in changed):
            continue  # a line made blank or filled: measured whole, never moved
        moved = counts.moved(lines, new, changed, 0, len(lines))
        if moved is None:  # the wrap width's percentile moved
            continue
        assert moved == measure_layout(new, 0, len(new))
        lines, counts, moved_some = new, moved, moved_some + 1
    assert moved_some >= 20
    indented = ["    " + line if line.strip() else line for line in lines]  # every line indented
    changed = [n for n, line in enumerate(lines) if line.strip()][:50]
    partly = [indented[n] if n in changed else line for n, line in enumerate(lines)]
    moved = counts.moved(lines, partly, changed, 0, len(lines))
    assert moved is None or moved == measure_layout(partly, 0, len(partly))
