"""Issue 10: every build reports its own fidelity.

Word preservation per chapter (FID001, ``--strict`` refuses), the
boilerplate removed on purpose (FID000), the structure doubts (STR0xx,
LANG005), ``make-book check --structure`` and the ``[structure]``
overrides, on made-up manuscripts; word preservation on every corpus book.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from book.build import Overrides, load_book
from book.config import load_config
from book.diagnostics import Diagnostics
from book.errors import ConfigError, StrictError, UsageError
from book.fidelity import check_book, measure, words
from book.xhtml import text_content
from tests.conftest import CORPUS

from .test_cli import run

PARAGRAPH = ("The wind came down the valley in the evening and the shutters of the mill "
             "knocked against the wall until somebody went out to fasten them.")


def manuscript(tmp_path: Path, text: str, name: str = "book.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def chapters(n: int, paragraphs: int = 2) -> str:
    body = "\n\n".join(textwrap.fill(PARAGRAPH, 70) for _ in range(paragraphs))
    return "".join(f"CHAPTER {i}\n\n{body}\n\n" for i in range(1, n + 1))


def codes(diagnostics: Diagnostics, severity: str = "warning") -> list[str]:
    return [d.code for d in diagnostics.items if d.severity == severity]


# ------------------------------------------------------------------ words


def test_words_ignore_what_the_build_changes_on_purpose() -> None:
    assert words("“Twenty-one,” she said — _quietly_…") == words("\"Twenty- one\" she said quietly")
    assert words("co\u00adoperate l’on ﬁne") == ["cooperate", "l", "on", "fine"]
    assert words("Żółw ŻÓŁW") == ["żółw", "żółw"]


# ------------------------------------------------------------------ word preservation


def test_a_clean_build_keeps_every_word_and_says_what_it_left_out(tmp_path: Path) -> None:
    text = ("The Project Gutenberg EBook of The Mill, by Nobody\n\n"
            "*** START OF THIS PROJECT GUTENBERG EBOOK THE MILL ***\n\n" + chapters(3)
            + "End of the Project Gutenberg EBook of The Mill\n\nSome licence text here.\n")
    diagnostics = Diagnostics()
    book, _ctx = load_book([manuscript(tmp_path, text)], diagnostics=diagnostics)
    fidelity = book.facts["fidelity"]
    assert fidelity.missing == 0 and fidelity.preserved == 1.0
    assert fidelity.source_words == 3 * (2 + 2 * len(PARAGRAPH.split()))
    assert [c.source_words for c in fidelity.chapters] == [c.book_words for c in fidelity.chapters]
    [summary] = [d for d in diagnostics.items if d.code == "FID000"]
    assert "(100.00%)" in summary.message
    assert "library header (lines 1–3" in summary.message and "licence footer" in summary.message
    assert not [c for c in codes(diagnostics) if c.startswith(("FID", "STR"))]


def _lose_a_paragraph(book, index: int = 1) -> tuple[str, int]:
    """Remove a paragraph of the second chapter; its title and source line."""
    chapter = book.chapters[1]
    paragraph = list(chapter.tree.iter("p"))[index]
    paragraph.getparent().remove(paragraph)
    return chapter.title, int(paragraph.get("data-mb-line"))


def test_words_lost_by_the_build_are_a_warning_naming_chapter_and_line(tmp_path: Path) -> None:
    book, ctx = load_book([manuscript(tmp_path, chapters(3))])
    title, line = _lose_a_paragraph(book)
    ctx.diag = Diagnostics()
    check_book(book, ctx)
    [warning] = [d for d in ctx.diag.warnings if d.code == "FID001"]
    assert title in warning.message and "first missing: “the wind came down" in warning.message
    assert "26 of 54 words" in warning.message
    assert warning.line == line  # the lost paragraph's first source line
    ctx.diag = Diagnostics(strict=True)
    with pytest.raises(StrictError):
        check_book(book, ctx)


def test_other_readers_are_held_to_their_document(tmp_path: Path) -> None:
    text = ("# One\n\nFirst paragraph of the first chapter.\n\n"
            "# Two\n\nA paragraph that will go missing.\n\nThe last paragraph.\n")
    book, ctx = load_book([manuscript(tmp_path, text, "book.md")])
    _lose_a_paragraph(book, 0)
    ctx.diag = Diagnostics()
    report = check_book(book, ctx)
    assert [c.missing for c in report.chapters] == [0, 6]
    assert report.chapters[1].first_missing.text == "a paragraph that will go missing"
    assert report.chapters[1].first_missing.line == 7


def test_words_no_chapter_holds_are_counted_per_file(tmp_path: Path) -> None:
    book, ctx = load_book([manuscript(tmp_path, chapters(2))])
    text = ctx.source_texts["book.txt"]
    last = book.chapters[-1]
    first, end = last.source_span
    last.source_span = (first, first + 3)  # as if the reader lost what follows
    report = measure(book, {"book.txt": text}, ctx.read_snapshots)
    [file] = report.files
    assert file.unplaced == 26 and file.first_unplaced.line > first + 3


def test_figures_from_the_cache_are_the_figures_measured(tmp_path: Path, monkeypatch) -> None:
    """The build cache's fidelity memo gives back what a fresh count gives,
    the first missing passage and its line included, and a damaged entry
    is counted again, never trusted."""
    from book.cache import Store
    from book.cache.stages import FIDELITY_STAGE, FidelityMemo

    book, ctx = load_book([manuscript(tmp_path, chapters(3))])
    _lose_a_paragraph(book)
    fresh = measure(book, ctx.source_texts, ctx.read_snapshots)
    store = Store(tmp_path / "cache")
    first = measure(book, ctx.source_texts, ctx.read_snapshots, FidelityMemo(store))
    assert store.count(FIDELITY_STAGE) == 3
    import sys

    measuring = sys.modules["book.fidelity.measure"]  # the package exports measure() too
    walked: list = []
    real_segments = measuring.tree_segments
    monkeypatch.setattr(measuring, "tree_segments",
                        lambda tree: walked.append(tree) or real_segments(tree))
    again = measure(book, ctx.source_texts, ctx.read_snapshots, FidelityMemo(store))
    assert fresh.as_dict() == first.as_dict() == again.as_dict()
    assert again.missing == 26 and any(c.first_missing for c in again.chapters)
    assert walked == [], "a chapter the memo knew was walked again"
    # A chapter whose text changed is known by its tree: measured again.
    paragraph = next(el for el in book.chapters[1].tree.iter()
                     if isinstance(el.tag, str) and el.tag.rsplit("}", 1)[-1] == "p")
    paragraph.text = "Words the source never had. " + (paragraph.text or "")
    edited = measure(book, ctx.source_texts, ctx.read_snapshots, FidelityMemo(store))
    assert len(walked) == 1
    assert edited.as_dict() == measure(book, ctx.source_texts, ctx.read_snapshots).as_dict()
    assert edited.as_dict() != again.as_dict()
    memo = FidelityMemo(store)
    for bad in (b"not json", b"[1, 2]", b'["a", 2, 3, null, null]', b"{}"):
        store.put(FIDELITY_STAGE, "k", bad)
        assert memo.get("k") is None, bad
    store.put(FIDELITY_STAGE, "k", b'[5, 4, 1, "the wind", 7]')
    got = memo.get("k")
    assert got is not None and got[:3] == (5, 4, 1) and got[3].line == 7



def test_line_spans_read_without_numbering_every_line() -> None:
    """A plain-text source read span by span (a rebuild measures one
    chapter) gives the segments the numbered lines give, the lines outside
    every span too, and a digest that changes with any of them."""
    from book.fidelity.source import LineText, SourceText

    lines = ["Title", "", "  ", "one two", "three", "", "four", "five six", "", "seven"]

    def fresh() -> LineText:
        return SourceText.from_lines("a.txt", lines, 1, 9)  # lines 2–9, numbered from 2

    numbered = fresh()
    everything = list(numbered.segments)  # numbered: the plain SourceText path from now on
    assert everything == [(4, "one two"), (5, "three"), (7, "four"), (8, "five six")]
    spans = [(0, 1), (1, 4), (3, 5), (5, 8), (8, 20), (12, 30), (6, 5)]
    for first, last in spans:
        want = [(n, t) for n, t in everything if first <= n <= last]
        assert fresh().span(first, last) == numbered.span(first, last) == want
    for chosen in ([(2, 4)], [(5, 5), (8, 8)], [], [(1, 20)]):
        for removed in (set(), {7}, {4, 8}):
            assert fresh().outside(chosen, removed) == numbered.outside(chosen, removed)
    text = fresh()
    assert text.span_digest(3, 6, []) == fresh().span_digest(3, 6, [])
    assert numbered.span_digest(3, 6, []) is None  # numbered already: the segments are at hand
    others = {text.span_digest(3, 6, [5]), text.span_digest(3, 7, []), text.span_digest(4, 6, []),
              SourceText.from_lines("a.txt", [*lines[:4], "one too", *lines[5:]], 1, 9)
              .span_digest(3, 6, [])}
    assert text.span_digest(3, 6, []) not in others and len(others) == 4


# ------------------------------------------------------------------ doubts


def test_a_long_book_with_one_contents_entry(tmp_path: Path) -> None:
    text = "\n\n".join(textwrap.fill(PARAGRAPH, 70) for _ in range(500))
    diagnostics = Diagnostics()
    load_book([manuscript(tmp_path, text)], diagnostics=diagnostics)
    assert "STR001" in codes(diagnostics)


def test_headings_that_break_the_numbering_and_empty_divisions(tmp_path: Path) -> None:
    body = textwrap.fill(PARAGRAPH, 70)
    text = (f"CHAPTER 1\n\n{body}\n\nCHAPTER 2\n\n{body}\n\nCHAPTER 4\n\n{body}\n\n"
            f"CHAPTER 5\n\nCHAPTER 6\n\n{body}\n")
    diagnostics = Diagnostics()
    load_book([manuscript(tmp_path, text)], diagnostics=diagnostics)
    found = {d.code: d for d in diagnostics.warnings}
    assert "'CHAPTER 4' skips the numbering (after 'CHAPTER 2')" in found["STR005"].message
    assert found["STR004"].line == text.split("\n").index("CHAPTER 5") + 1
    assert "'CHAPTER 5'" in found["STR004"].message


def test_a_heading_that_reads_like_prose(tmp_path: Path) -> None:
    text = ("and so it went on,\n\n" + textwrap.fill(PARAGRAPH, 70) + "\n\nand then,\n\n"
            + textwrap.fill(PARAGRAPH, 70) + "\n")
    diagnostics = Diagnostics()
    load_book([manuscript(tmp_path, text)],
              overrides=Overrides(chapter_pattern=r"and .*,", title="T"), diagnostics=diagnostics)
    doubts = [d for d in diagnostics.warnings if d.code == "STR003"]
    assert [d.line for d in doubts] == [1, 6]
    assert "ends with a comma" in doubts[0].message


@pytest.mark.parametrize(("text", "code"), [
    ("Ja, nein, vielleicht, ok, super, danke schön and thank you very much my friend", "LANG005"),
    ("Ciao bella, hola amigo, bonjour ami.", "LANG002"),
])
def test_a_language_detected_with_low_confidence(tmp_path: Path, text: str, code: str) -> None:
    diagnostics = Diagnostics()
    load_book([manuscript(tmp_path, text + "\n")], overrides=Overrides(title="T"),
              diagnostics=diagnostics)
    assert code in codes(diagnostics)


# ------------------------------------------------------------------ [structure]


def test_structure_settings_in_book_toml() -> None:
    config = load_config(Path("/b/book.toml"), "book.toml",
                         '[structure]\nchapter_pattern = "^Letter [0-9]+$"\n'
                         'part_pattern = "^PART .*"\nheadings = "none"\nparagraphs = "indent"\n')
    assert config.structure.chapter_pattern == "^Letter [0-9]+$"
    assert config.structure.headings == "none" and config.structure.paragraphs == "indent"


@pytest.mark.parametrize(("text", "line", "fragment"), [
    ('[structure]\nchapter_pattern = "Letter (["\n', 2, "not a valid regular expression"),
    ('[structure]\n\nheadings = "some"\n', 3, "must be one of auto, none"),
    ('[structure]\nparagraphs = 2\n', 2, "must be a string"),
    ('[structure]\nchapters = "x"\n', 2, "unknown key 'chapters'"),
])
def test_structure_mistakes_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(Path("/b/book.toml"), "book.toml", text)
    assert caught.value.line == line and fragment in str(caught.value)


LETTERS = ("Letter 1\n\nDear sister, the house is cold and the roads are bad.\n\n"
           "I\n\nThis numeral is a paragraph of its own in a letter.\n\n"
           "Letter 2\n\nDear sister, the roads are better now, and so is the house.\n")


def test_user_patterns_and_no_guessing(tmp_path: Path) -> None:
    path = manuscript(tmp_path, LETTERS)
    book, _ = load_book([path], overrides=Overrides(chapter_pattern=r"Letter \d+",
                                                    headings="none", title="Letters"))
    assert [c.title for c in book.chapters] == ["Letter 1", "Letter 2"]
    assert "This numeral" in text_content(book.chapters[0].tree)
    book, _ = load_book([path], overrides=Overrides(headings="none", title="Letters"))
    assert [c.title for c in book.chapters] == ["Letters"]
    with pytest.raises(UsageError):
        load_book([path], overrides=Overrides(chapter_pattern="(unclosed"))


@pytest.mark.parametrize(("mode", "count"), [("one-per-line", 4), ("blank-lines", 2),
                                             ("auto", 2)])
def test_paragraph_modes(tmp_path: Path, mode: str, count: int) -> None:
    text = "First line of one paragraph\nand its second line.\n\nAnother\nparagraph here.\n"
    book, _ = load_book([manuscript(tmp_path, text)],
                        overrides=Overrides(paragraphs=mode, title="T"))
    assert len([p for c in book.chapters for p in c.tree.iter("p")]) == count


# ------------------------------------------------------------------ check --structure


def test_check_structure_prints_the_outline_and_the_figures(tmp_path: Path) -> None:
    path = manuscript(tmp_path, "MY BOOK\n\nby Jane Roe\n\n\n" + chapters(2))
    result = run("check", "--structure", str(path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "CHAPTER 1" in out and "book.txt:6" in out
    assert "title         My Book  (from source" in out and "(title page, line 1)" in out
    assert "authors       Jane Roe" in out
    assert "source words reach the book (100.000%)" in out
    assert "title page (title, author) (lines 1–3, 5 words)" in out
    result = run("check", "--structure", "--json", "--headings", "none", str(path))
    data = json.loads(result.stdout)
    assert data["failed"] is False and data["fidelity"]["missing_words"] == 0
    assert [(e["level"], e["heading"]) for e in data["outline"]] == [(0, "My Book")]
    assert data["metadata"]["title"]["value"] == "My Book"


def test_check_structure_refuses_a_bad_option(tmp_path: Path) -> None:
    result = run("check", "--structure", "--chapter-pattern", "(", str(manuscript(tmp_path, "x")))
    assert result.returncode == 2 and "--chapter-pattern" in result.stderr


# ------------------------------------------------------------------ the corpus

_CORPUS_SOURCES = [
    "pg-fr-leroux-le-mystere-de-la-chambre-jaune.txt", "pg-de-fontane-effi-briest.txt",
    "pg-de-heine-buch-der-lieder.txt", "pg-pl-doyle-tajemnica-baskervilleow.txt",
    "pg-fi-dostoevsky-karamazovin-veljekset-1.txt", "md-en-krewinkel-winkler-formatting-open-science.md",
    "docx-it-agid-guida-metriche-software.docx", "html-en-wikipedia-mozilla.html",
]


@pytest.mark.parametrize("name", _CORPUS_SOURCES)
def test_word_preservation_on_the_corpus(corpus: Path, name: str) -> None:
    """At least 99.5 % of every corpus book's words reach the book, and no
    chapter loses more than 0.5 % (the books built in full are checked in
    test_corpus.py)."""
    diagnostics = Diagnostics()
    book, _ = load_book([corpus / name], diagnostics=diagnostics)
    fidelity = book.facts["fidelity"]
    assert fidelity.preserved >= 0.995
    assert not [d for d in diagnostics.warnings if d.code in ("FID001", "FID002")]


def test_the_corpus_path_is_the_shared_one() -> None:
    assert CORPUS.name == "corpus"
