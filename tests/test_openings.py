"""Chapter openings in print: a collection of many short pieces opens each on
the next page instead of a recto, so a third of the book is not blank; the
chunked layout still gives the book one process lays out."""

from __future__ import annotations

from pathlib import Path

import pytest

from book.build import Overrides, load_book
from book.context import BuildOptions
from book.writers.pdf import render_editions
from book.writers.pdf.cuts import plan_body

from .test_chunked import assert_same_book, page_texts

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
WORDS = ("lantern harbour willow pebble sparrow meadow kettle orchard ribbon thimble "
         "furrow candle hollow chimney bramble gravel").split()


TENS = ["", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"]


def numeral(n: int) -> str:
    """1..99 in Roman numerals."""
    tens, ones = divmod(n, 10)
    return TENS[tens] + (ROMAN[ones - 1] if ones else "")


def poem(n: int) -> str:
    """Eight lines of made-up verse, different for every poem."""
    lines = []
    for line in range(8):
        a, b = WORDS[(n + line) % len(WORDS)], WORDS[(n * 3 + line * 5) % len(WORDS)]
        lines.append(f"The {a} by the {b} keeps its quiet {line + 1} times,")
    return "\n".join(lines)


def write_collection(folder: Path, pieces: int, openings: str | None = None) -> Path:
    folder.mkdir()
    body = "\n\n\n".join(f"{numeral(n)}\n\n{poem(n)}" for n in range(1, pieces + 1))
    (folder / "poems.txt").write_text(body + "\n", encoding="utf-8")
    pdf = f'\n[pdf]\nopenings = "{openings}"\n' if openings else ""
    (folder / "book.toml").write_text(
        '[metadata]\ntitle = "Small Hours"\nauthors = ["Ada Quill"]\nlanguage = "en"\n'
        '[content]\nfiles = ["poems.txt"]\n' + pdf, encoding="utf-8")
    return folder


def lay_out(folder: Path, jobs: int | None):
    book, ctx = load_book([folder], BuildOptions(formats=("pdf",), jobs=jobs), Overrides())
    result = render_editions(book, ctx, ("print",))["print"]
    return book, ctx, result


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    root = tmp_path_factory.mktemp("openings")
    auto = write_collection(root / "auto", 90)
    right = write_collection(root / "right", 90, "right")
    return lay_out(auto, None), lay_out(auto, 2), lay_out(right, None)


def test_short_pieces_open_on_the_next_page_and_leave_no_blank_pages(collection):
    (book, ctx, whole), _, (_, right_ctx, right) = collection
    assert len([c for c in book.chapters if c.kind != "part"]) == 90
    texts = page_texts(whole.data)
    body = texts[next(i for i, t in enumerate(texts) if t.startswith("I The")):]
    # Blank only where a chunk may start (cuts.py: one place in 32,000 characters or more).
    assert sum(1 for t in body if not t) <= 2, "no blank pages between the poems"
    assert len(texts) < len(page_texts(right.data)) * 0.75, \
        "on rectos the same poems take a third more pages"
    right_body = page_texts(right.data)
    assert sum(1 for t in right_body if not t) > 40, "openings = right keeps recto openings"
    for diagnostics in (ctx.diag, right_ctx.diag):
        assert not [d for d in diagnostics.items if d.code in ("LAY001", "LAY002")], \
            "every poem page has its folio, no heading alone"


def test_every_poem_opens_a_page_with_its_folio_at_the_foot(collection):
    (_, _, whole), _, _ = collection
    texts = page_texts(whole.data)
    numerals = {numeral(n) for n in range(1, 91)}
    openings = [t for t in texts if t.split()[:2] and t.split()[0] in numerals
                and t.split()[1] == "The"]
    assert len(openings) == 90, "each poem starts a page of its own"
    assert all(t.split()[-1].isdigit() for t in openings), "the folio at the foot"


def test_the_collection_in_chunks_is_the_collection_in_one_process(collection):
    (_, _, whole), (_, _, chunked), _ = collection
    assert len(chunked.layout.chapter_first_page) == len(whole.layout.chapter_first_page)
    assert_same_book(whole.data, chunked.data)


def test_a_cut_waits_for_a_division_that_opens_on_a_recto():
    sizes, ids = [20_000] * 12, [f"c{i}" for i in range(12)]
    may_cut = [i % 5 == 0 for i in range(12)]
    ranges = plan_body(sizes, ids, may_cut)
    assert all(may_cut[start] for start, _ in ranges)
    assert ranges[0][0] == 0 and ranges[-1][1] == 12
    assert plan_body(sizes, ids) == plan_body(sizes, ids, [True] * 12)
