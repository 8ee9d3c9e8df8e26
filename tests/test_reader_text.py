"""The plain-text reader: corpus structure counts and each convention alone."""

from __future__ import annotations

import codecs
import contextlib
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from book.context import BuildContext
from book.errors import MakeBookError
from book.model import Chapter, Matter
from book.readers import ReadResult
from book.xhtml import EPUB_TYPE, classes, text_content
from tests.conftest import make_context, read_source

PP = "pg-en-austen-pride-and-prejudice.txt"
WP = "pg-en-tolstoy-war-and-peace.txt"
CHLOPI = "wl-pl-reymont-chlopi-jesien.txt"
SEED = "seed-pl-article.txt"
BOILERPLATE = ("gutenberg", "wolne lektury", "wolnelektury", "project gutenberg-tm",
               "www.gutenberg.org", "license")


def read_str(tmp_path: Path, text: str | bytes, *, name: str = "book.txt",
             **metadata: str) -> tuple[ReadResult, BuildContext]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    ctx = make_context(tmp_path, **metadata)
    return read_source(path, ctx), ctx


def body_text(chapters: list[Chapter]) -> str:
    return "\n".join(" ".join(c.tree.itertext()) for c in chapters)


def blocks(chapter: Chapter, tag: str) -> list[etree._Element]:
    return list(chapter.tree.iter(tag))


# ------------------------------------------------------------------ the corpus


@pytest.fixture(scope="module")
def pride(corpus: Path) -> tuple[ReadResult, BuildContext]:
    ctx = make_context(corpus)
    return read_source(corpus / PP, ctx), ctx


@pytest.fixture(scope="module")
def war(corpus: Path) -> tuple[ReadResult, BuildContext]:
    ctx = make_context(corpus)
    return read_source(corpus / WP, ctx), ctx


@pytest.fixture(scope="module")
def chlopi(corpus: Path) -> tuple[ReadResult, BuildContext]:
    ctx = make_context(corpus)
    return read_source(corpus / CHLOPI, ctx), ctx


@pytest.fixture(scope="module")
def seed(corpus: Path) -> tuple[ReadResult, BuildContext]:
    ctx = make_context(corpus)
    return read_source(corpus / SEED, ctx), ctx


def test_pride_and_prejudice_has_61_chapters_and_no_part(pride) -> None:
    result, ctx = pride
    chapters = result.chapters
    assert len(chapters) == 61
    assert [c.kind for c in chapters] == ["chapter"] * 61
    assert [c.title for c in chapters] == [f"Chapter {n}" for n in range(1, 62)]
    assert chapters[0].source.line == 38
    assert result.metadata["title"] == "Pride and Prejudice"
    assert result.metadata["authors"] == ["Jane Austen"]
    assert result.metadata["language"] == "en"
    assert any(d.code == "TXT001" and "byte-order mark" in d.message for d in ctx.diag.notes)


def test_pride_and_prejudice_paragraphs_rejoined(pride) -> None:
    first = pride[0].chapters[0]
    paragraphs = blocks(first, "p")
    assert text_content(paragraphs[0]) == ("It is a truth universally acknowledged, that a single "
                                           "man in possession of a good fortune, must be in want "
                                           "of a wife.")
    assert all("\n" not in (p.text or "") for p in paragraphs)
    # A line starting with one space (" said Mrs. Bennet") continues its paragraph.
    text = body_text(pride[0].chapters[:3])
    assert "at Netherfield,” said Mrs. Bennet to her husband" in text
    last = blocks(pride[0].chapters[-1], "p")[-1]
    assert text_content(last).endswith("the means of uniting them.")


def test_pride_and_prejudice_emphasis_and_scene_breaks(pride) -> None:
    chapters = pride[0].chapters
    ems = [text_content(em) for c in chapters for em in c.tree.iter("em")]
    assert "You" in ems and len(ems) > 150
    assert "_" not in body_text(chapters)
    breaks = [hr for c in chapters for hr in c.tree.iter("hr")]
    assert len(breaks) == 6 and all(classes(hr) == ["scene-break"] for hr in breaks)


def test_war_and_peace_parts_and_chapters(war) -> None:
    chapters = war[0].chapters
    parts = [c for c in chapters if c.kind == "part"]
    inner = [c for c in chapters if c.kind == "chapter"]
    assert len(parts) == 17
    assert [p.title for p in parts[:2]] == ["BOOK ONE: 1805", "BOOK TWO: 1805"]
    assert sum(1 for p in parts if p.title.startswith("BOOK ")) == 15
    assert [p.title for p in parts[-2:]] == ["FIRST EPILOGUE: 1813 - 20", "SECOND EPILOGUE"]
    assert len(inner) == 365 and len(chapters) == 382
    assert all(c.depth == 1 for c in inner) and all(p.depth == 0 for p in parts)
    # Every part opens with its heading; the heading holds label and title.
    h1 = parts[0].tree[0]
    assert h1.tag == "h1" and text_content(h1) == "BOOK ONE 1805"
    # Chapters per part: Book One has 28, the second epilogue 12.
    counts: list[int] = []
    for c in chapters:
        if c.kind == "part":
            counts.append(0)
        else:
            counts[-1] += 1
    assert counts[0] == 28 and counts[-1] == 12 and sum(counts) == 365


def test_war_and_peace_contents_list_dropped(war) -> None:
    result, ctx = war
    chapters = result.chapters
    # No chapter is made of the contents list: each has real paragraphs.
    assert all(len(blocks(c, "p")) >= 2 for c in chapters if c.kind == "chapter")
    assert text_content(blocks(chapters[1], "p")[0]).startswith("“Well, Prince, so Genoa")
    assert chapters[0].title == "BOOK ONE: 1805" and chapters[0].source.line == 837
    assert "CONTENTS" not in body_text(chapters[:2])
    assert any(d.code == "TXT010" for d in ctx.diag.notes)
    assert result.metadata["title"] == "War and Peace"
    assert result.metadata["authors"] == ["Leo Tolstoy"]


def test_war_and_peace_star_footnotes(war) -> None:
    chapters = war[0].chapters
    notes = {a.get("id"): a for c in chapters for a in c.tree.iter("aside")}
    refs = [a for c in chapters for a in c.tree.iter("a")
            if a.get(EPUB_TYPE) == "noteref"]
    assert len(notes) >= 130
    assert len(refs) == len(notes)
    assert all(r.get("href")[1:] in notes for r in refs)
    first = chapters[1]  # BOOK ONE, CHAPTER I
    assert "The most fascinating woman in Petersburg." not in " ".join(
        text_content(p) for p in first.tree.iter("p") if p.getparent().tag != "aside")
    assert any(text_content(n) == "The most fascinating woman in Petersburg."
               for n in notes.values())


def test_war_and_peace_verse(war) -> None:
    chapters = war[0].chapters
    verses = [v for c in chapters for v in c.tree.iter("div") if "verse" in classes(v)]
    assert len(verses) >= 10
    song = next(v for v in verses if "At nighttime" in text_content(v))
    stanzas = song.findall("p")
    assert len(stanzas) == 3 and all(classes(s) == ["stanza"] for s in stanzas)
    lines = stanzas[0].findall("span")
    assert [text_content(x) for x in lines][:2] == ["At nighttime in the moon’s fair glow",
                                                     "How sweet, as fancies wander free,"]
    assert "indent" in classes(lines[1]) and "indent" not in classes(lines[0])
    assert stanzas[0][-1].tag == "span"  # no <br/> after the last line


def test_chlopi_chapters_dedication_and_title_page(chlopi) -> None:
    result, ctx = chlopi
    chapters = result.chapters
    assert [c.kind for c in chapters] == ["dedication"] + ["chapter"] * 12
    assert [c.title for c in chapters[1:]] == ["I", "II", "III", "IV", "V", "VI", "VII", "VIII",
                                               "IX", "X", "XI", "XII"]
    dedication = chapters[0]
    assert dedication.matter is Matter.FRONT
    assert [text_content(p) for p in dedication.tree.iter("p")] == [
        "Miriamowi", "(Zenonowi Przesmyckiemu)"]
    assert result.metadata["title"] == "Chłopi"
    assert result.metadata["subtitle"] == "Część pierwsza — Jesień"
    assert result.metadata["authors"] == ["Władysław Stanisław Reymont"]
    text = body_text(chapters)
    for line in ("Władysław Stanisław Reymont", "AUTOR:", "TYTUŁ:"):
        assert line not in text


def test_chlopi_songs_are_verse(chlopi) -> None:
    chapters = chlopi[0].chapters
    lines = [s for c in chapters for s in c.tree.iter("span") if "line" in classes(s)]
    assert len(lines) == 96  # 98 tab-indented lines, 2 of them the dedication
    first = next(v for v in chapters[1].tree.iter("div") if "verse" in classes(v))
    assert [text_content(x) for x in first.iter("span")][0] == "Aj, nie chodź kiele woza,"
    assert first.find("p")[-1].tag == "span"
    # Each paragraph is one long line; none is mistaken for verse or heading.
    assert not [h for c in chapters for h in c.tree.iter("h2")]
    assert len(blocks(chapters[1], "p")) > 100


def test_seed_one_chapter_four_sections(seed) -> None:
    chapters = seed[0].chapters
    assert len(chapters) == 1
    h2 = [text_content(h) for h in chapters[0].tree.iter("h2")]
    assert h2 == ["Rosja pomoże Korei",
                  "Amerykański wywiad: Rosja chce kupić od Korei Północnej broń",
                  "Zbliżenie między Rosją i Koreą Północną postępuje",
                  "Nietypowa wizyta Kima"]
    assert not list(chapters[0].tree.iter("h1", "h3"))
    paragraphs = blocks(chapters[0], "p")
    assert len(paragraphs) == 11
    assert all(len(text_content(p)) > 100 for p in paragraphs)


@pytest.mark.parametrize("name", [PP, WP, CHLOPI, SEED])
def test_no_library_boilerplate_in_any_chapter(corpus: Path, name: str) -> None:
    result = read_source(corpus / name)
    text = body_text(result.chapters).lower()
    for word in BOILERPLATE:
        assert word not in text, word


@pytest.mark.parametrize("name", [PP, WP, CHLOPI, SEED])
def test_every_block_names_its_source_line(corpus: Path, name: str) -> None:
    result = read_source(corpus / name)
    for chapter in result.chapters:
        assert chapter.source.line
        for el in chapter.tree:
            assert el.get("data-mb-line", "").isdigit(), etree.tostring(el)[:80]


def test_war_and_peace_reads_fast(corpus: Path) -> None:
    read_source(corpus / SEED)  # load the heading tables once
    start = time.perf_counter()
    read_source(corpus / WP)
    assert time.perf_counter() - start < 3.0  # about 0.6 s on an idle machine


# ------------------------------------------------------------------ paragraphs


def test_blank_lines_separate_paragraphs_and_runs_collapse(tmp_path: Path) -> None:
    result, _ = read_str(tmp_path, "First paragraph here.\n\n\n\n\n\nSecond one.\n\n\n")
    assert [text_content(p) for p in blocks(result.chapters[0], "p")] == [
        "First paragraph here.", "Second one."]


def test_one_paragraph_per_line_without_blank_lines(tmp_path: Path) -> None:
    lines = [
        "Pierwszy akapit jest dość długi, żeby było widać, że to akapit, a nie wers wiersza.",
        "— Tak — odpowiedziała.",
        "Drugi akapit też jest długi, bo ma w sobie wiele słów i kończy się kropką, jak trzeba.",
    ]
    result, _ = read_str(tmp_path, "\n".join(lines))
    assert [text_content(p) for p in blocks(result.chapters[0], "p")] == lines


def test_hard_wrapped_lines_rejoined(tmp_path: Path) -> None:
    text = ("The count was a man of some seventy years, with a twenty-\n"
            "one gun salute in his honour and a temper—\n"
            "everyone knew it—that was not to be crossed lightly by anyone at all.\n\n"
            "A second paragraph follows the first one.\n")
    result, _ = read_str(tmp_path, text)
    assert text_content(blocks(result.chapters[0], "p")[0]) == (
        "The count was a man of some seventy years, with a twenty-one gun salute in his "
        "honour and a temper—everyone knew it—that was not to be crossed lightly by anyone at all.")


def _wrapped_story(indent: str, blank: str) -> str:
    paragraphs = [
        ["It was the best of times, it was the worst of times, it was the age of",
         "wisdom, it was the age of foolishness, it was the epoch of belief, it was",
         "the epoch of incredulity."],
        ["There were a king with a large jaw and a queen with a plain face, on the",
         "throne of England; there were a king with a large jaw and a queen with",
         "a fair face, on the throne of France, and so it went on."],
    ] * 6
    return blank.join(indent + "\n".join(p) + "\n" for p in paragraphs)


def test_indented_first_lines_start_paragraphs(tmp_path: Path) -> None:
    result, _ = read_str(tmp_path, _wrapped_story("    ", ""))
    paragraphs = blocks(result.chapters[0], "p")
    assert len(paragraphs) == 12
    assert text_content(paragraphs[1]).startswith("There were a king")
    assert text_content(paragraphs[1]).endswith("and so it went on.")


def test_wrapped_text_without_blank_lines_or_indents(tmp_path: Path) -> None:
    result, _ = read_str(tmp_path, _wrapped_story("", ""))
    assert len(blocks(result.chapters[0], "p")) == 12


def test_tabs_and_crlf_and_cr_line_ends(tmp_path: Path) -> None:
    text = "CHAPTER I\r\rIt began.\r\rCHAPTER II\r\rIt went on.\r"
    result, _ = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == ["CHAPTER I", "CHAPTER II"]
    text = "CHAPTER I\r\r\n\r\r\nIt began.\r\r\n\r\r\nCHAPTER II\r\r\n\r\r\nIt went on.\r\r\n"
    result, _ = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == ["CHAPTER I", "CHAPTER II"]


# ------------------------------------------------------------------ headings


@pytest.mark.parametrize(("headings", "titles"), [
    (["Chapter 1", "Chapter 2"], ["Chapter 1", "Chapter 2"]),
    (["CHAPTER I", "CHAPTER II"], ["CHAPTER I", "CHAPTER II"]),
    (["Chapter One", "Chapter Two"], ["Chapter One", "Chapter Two"]),
    (["CHAPTER TWENTY-ONE", "CHAPTER TWENTY-TWO"], ["CHAPTER TWENTY-ONE", "CHAPTER TWENTY-TWO"]),
    (["Chapter the First", "Chapter the Second"], ["Chapter the First", "Chapter the Second"]),
    (["Rozdział pierwszy", "Rozdział drugi"], ["Rozdział pierwszy", "Rozdział drugi"]),
    (["ROZDZIAŁ 1", "ROZDZIAŁ 2"], ["ROZDZIAŁ 1", "ROZDZIAŁ 2"]),
    (["Erstes Kapitel", "Zweites Kapitel"], ["Erstes Kapitel", "Zweites Kapitel"]),
    (["Kapitel 1", "Kapitel 2"], ["Kapitel 1", "Kapitel 2"]),
    (["1. Kapitel", "2. Kapitel"], ["1. Kapitel", "2. Kapitel"]),
    (["Chapitre premier", "Chapitre deuxième"], ["Chapitre premier", "Chapitre deuxième"]),
    (["Глава первая", "Глава вторая"], ["Глава первая", "Глава вторая"]),
    (["Глава 1", "Глава 2"], ["Глава 1", "Глава 2"]),
    (["Capítulo primero", "Capítulo segundo"], ["Capítulo primero", "Capítulo segundo"]),
    (["Capitolo 1", "Capitolo 2"], ["Capitolo 1", "Capitolo 2"]),
    (["I", "II"], ["I", "II"]),
    (["I.", "II."], ["I", "II"]),
    (["1", "2"], ["1", "2"]),
    (["CHAPTER I. THE VISIT", "CHAPTER II. THE RETURN"],
     ["CHAPTER I: THE VISIT", "CHAPTER II: THE RETURN"]),
    (["Chapter 5 The Storm", "Chapter 6 The Calm"],
     ["Chapter 5: The Storm", "Chapter 6: The Calm"]),
])
def test_chapter_heading_forms(tmp_path: Path, headings: list[str], titles: list[str]) -> None:
    text = "\n\n".join(f"{h}\n\nSome text of the chapter, long enough to be a paragraph."
                       for h in headings)
    result, _ = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == titles
    assert all(c.kind == "chapter" and c.tree[0].tag == "h1" for c in result.chapters)
    assert all(len(blocks(c, "p")) == 1 for c in result.chapters)


def test_heading_then_title_line_is_one_heading(tmp_path: Path) -> None:
    text = ("CHAPTER I\n\nThe Visit\n\nShe came at noon and stayed until the evening.\n\n"
            "CHAPTER II\nThe Return\n\nHe left the next day, without a word to anybody.")
    result, _ = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == ["CHAPTER I: The Visit", "CHAPTER II: The Return"]
    h1 = result.chapters[0].tree[0]
    assert [classes(x) for x in h1.findall("span")] == [["label"], ["title"]]
    assert text_content(h1) == "CHAPTER I The Visit"
    assert h1.find("br") is not None
    assert [text_content(p) for p in blocks(result.chapters[0], "p")] == [
        "She came at noon and stayed until the evening."]


def test_speech_after_a_heading_is_not_its_title(tmp_path: Path) -> None:
    text = "I\n\n— Niech będzie pochwalony!\n\n— Na wieki.\n\nII\n\n„Dzień dobry” — rzekł.\n"
    result, _ = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == ["I", "II"]
    assert text_content(blocks(result.chapters[0], "p")[0]) == "— Niech będzie pochwalony!"


def test_parts_hold_chapters(tmp_path: Path) -> None:
    text = ("PART ONE\n\nA word before the first chapter of the part, told at length.\n\n"
            "Chapter 1\n\nThe first chapter.\n\nChapter 2\n\nThe second chapter.\n\n"
            "PART TWO\n\nChapter 1\n\nThe third chapter.\n\n"
            "EPILOGUE\n\nThe end of it all, some years later.")
    result, _ = read_str(tmp_path, text)
    kinds = [(c.kind, c.title, c.depth) for c in result.chapters]
    assert kinds == [("part", "PART ONE", 0), ("chapter", "Chapter 1", 1),
                     ("chapter", "Chapter 2", 1), ("part", "PART TWO", 0),
                     ("chapter", "Chapter 1", 1), ("epilogue", "EPILOGUE", 0)]
    part = result.chapters[0]
    assert [el.tag for el in part.tree] == ["h1", "p"]
    assert part.tree.get(EPUB_TYPE) == "part" and part.tree.get("role") == "doc-part"


@pytest.mark.parametrize(("part", "chapter"), [
    ("Księga pierwsza", "Rozdział 1"), ("Tom I", "Rozdział 1"), ("Część pierwsza", "Rozdział 1"),
    ("Erster Teil", "Kapitel 1"), ("Livre premier", "Chapitre 1"), ("VOLUME I", "CHAPTER I"),
    ("BOOK ONE: 1805", "CHAPTER I"), ("Libro primo", "Capitolo 1"),
])
def test_part_words(tmp_path: Path, part: str, chapter: str) -> None:
    text = f"{part}\n\n{chapter}\n\nText of the chapter.\n"
    result, _ = read_str(tmp_path, text)
    assert [c.kind for c in result.chapters] == ["part", "chapter"]


def test_epilogues_holding_chapters_are_parts(tmp_path: Path) -> None:
    text = ("BOOK ONE\n\nCHAPTER I\n\nText one.\n\nCHAPTER II\n\nText two.\n\n"
            "FIRST EPILOGUE\n\nCHAPTER I\n\nText three.\n\n"
            "SECOND EPILOGUE\n\nCHAPTER I\n\nText four.\n")
    result, _ = read_str(tmp_path, text)
    assert [c.kind for c in result.chapters] == ["part", "chapter", "chapter", "part", "chapter",
                                                 "part", "chapter"]


def test_numerals_must_count_up(tmp_path: Path) -> None:
    text = ("I\n\nThe first part of the story, told at some length here.\n\n"
            "7\n\nA stray number on its own line is not a chapter.\n\n"
            "II\n\nThe second part of the story.\n")
    result, ctx = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == ["I", "II"]
    assert "7" in [text_content(p) for p in blocks(result.chapters[0], "p")]
    assert any(d.code == "TXT020" for d in ctx.diag.notes)


def test_numerals_under_chapter_words_are_sections(tmp_path: Path) -> None:
    text = ("CHAPTER I\n\nOpening words.\n\n1\n\nFirst scene.\n\n2\n\nSecond scene.\n\n"
            "CHAPTER II\n\nMore words.\n\n1\n\nThird scene.\n")
    result, _ = read_str(tmp_path, text)
    assert len(result.chapters) == 2
    assert [text_content(h) for h in result.chapters[0].tree.iter("h2")] == ["1", "2"]


def test_short_standalone_lines_are_sections(tmp_path: Path) -> None:
    text = ("The opening paragraph says what the article is about, at some length.\n\n"
            "A first section\n\nIts text follows here, long enough to be a paragraph.\n\n"
            "— A speech line\n\nMore text that follows the speech line in the article.\n\n"
            "lowercase start line\n\nAnd more text after a line starting in lowercase.\n\n"
            "Question at the end?\n\nText after a line ending in a question mark.\n\n"
            "SIGNATURE\n\nText after a signature line, which is not a heading at all.\n")
    result, _ = read_str(tmp_path, text)
    assert [text_content(h) for h in result.chapters[0].tree.iter("h2")] == ["A first section"]


def test_sections_in_a_book_with_chapters(tmp_path: Path) -> None:
    text = ("Chapter 1: Getting started\n\nThe tool is easy to install once you know how.\n\n"
            "Installing the tool\n\nRun the installer and follow the steps it shows.\n\n"
            "Checking the version\n\nType the version command and read the number.\n\n"
            "Chapter 2: Using it\n\nThe second chapter explains the daily use of it.\n\n"
            "Writing a book\n\nPut your chapters in a folder and run the build command.\n")
    result, _ = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == ["Chapter 1: Getting started",
                                                  "Chapter 2: Using it"]
    assert [text_content(h) for h in result.chapters[0].tree.iter("h2")] == [
        "Installing the tool", "Checking the version"]


def test_letter_signatures_in_a_novel_are_not_sections(tmp_path: Path) -> None:
    chapters = []
    for n in range(1, 6):
        chapters.append(f"CHAPTER {n}\n\nShe read the letter twice before she answered it.\n\n"
                        "Your devoted friend\n\nThen she folded it and went out into the rain.")
    result, _ = read_str(tmp_path, "\n\n".join(chapters))
    assert not [h for c in result.chapters for h in c.tree.iter("h2")]


# ------------------------------------------------------------------ contents, title page


def test_contents_list_with_a_title_is_dropped(tmp_path: Path) -> None:
    text = ("CONTENTS\n\n    Chapter 1. The Visit ........ 1\n"
            "    Chapter 2. The Return ....... 9\n\n"
            "Chapter 1. The Visit\n\nShe came at noon.\n\nChapter 2. The Return\n\nHe left.\n")
    result, ctx = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == ["Chapter 1: The Visit", "Chapter 2: The Return"]
    assert "CONTENTS" not in body_text(result.chapters)
    assert any(d.code == "TXT010" for d in ctx.diag.notes)


def test_contents_list_without_a_title_is_dropped(tmp_path: Path) -> None:
    toc = "\n\n".join(f"Chapter {n}" for n in range(1, 5))
    text = toc + "\n\n" + "\n\n".join(f"Chapter {n}\n\nText of chapter {n}." for n in range(1, 5))
    result, _ = read_str(tmp_path, text)
    assert [c.title for c in result.chapters] == [f"Chapter {n}" for n in range(1, 5)]
    assert all(len(blocks(c, "p")) == 1 for c in result.chapters)


def test_contents_list_at_the_end_is_dropped(tmp_path: Path) -> None:
    text = ("Chapitre premier\n\nLe roi mourut.\n\nChapitre II\n\nLa reine pleura.\n\n"
            "TABLE DES MATIÈRES\n\nChapitre premier\n\nChapitre II\n")
    result, _ = read_str(tmp_path, text)
    assert len(result.chapters) == 2
    assert "TABLE" not in body_text(result.chapters)


def test_title_page_and_dedication(tmp_path: Path) -> None:
    text = ("My Novel\n\nby Jane Doe\n\nTo my mother\n\nCHAPTER I\n\n"
            "It was a dark and stormy night.\n")
    result, _ = read_str(tmp_path, text)
    assert result.metadata["title"] == "My Novel"
    assert result.metadata["authors"] == ["Jane Doe"]
    assert [c.kind for c in result.chapters] == ["dedication", "chapter"]
    assert text_content(result.chapters[0].tree) == "To my mother"
    assert "My Novel" not in body_text(result.chapters)


def test_new_style_gutenberg_header_and_footer(tmp_path: Path) -> None:
    text = ("The Project Gutenberg eBook of Les Trois, by Jean Dupont\n\n"
            "Title: Les Trois\n\nAuthor: Jean Dupont\n\nTranslator: Anne Smith\n\n"
            "Language: French\n\n*** START OF THE PROJECT GUTENBERG EBOOK LES TROIS ***\n\n"
            "Produced by Some Volunteers\n\nLES TROIS\n\npar Jean Dupont\n\n"
            "Chapitre premier\n\nIl était une fois un roi.\n\n"
            "*** END OF THE PROJECT GUTENBERG EBOOK LES TROIS ***\n\n"
            "Section 1. General Terms of Use and Redistributing Project Gutenberg\n")
    result, ctx = read_str(tmp_path, text)
    assert result.metadata["title"] == "Les Trois"
    assert result.metadata["authors"] == ["Jean Dupont"]
    assert result.metadata["language"] == "fr"
    assert [c.name for c in result.metadata["contributors"]] == ["Anne Smith"]
    assert [c.title for c in result.chapters] == ["Chapitre premier"]
    text = body_text(result.chapters)
    assert "Gutenberg" not in text and "Produced by" not in text and "LES TROIS" not in text
    assert any(d.code == "TXT003" for d in ctx.diag.notes)


def test_old_style_gutenberg_end_line(tmp_path: Path) -> None:
    text = ("The Project Gutenberg EBook of Tale, by A. Writer\n\n"
            "*** START OF THIS PROJECT GUTENBERG EBOOK TALE ***\n\n"
            "Chapter 1\n\nOnce upon a time.\n\n"
            "End of the Project Gutenberg EBook of Tale, by A. Writer\n\n"
            "*** END OF THIS PROJECT GUTENBERG EBOOK TALE ***\n")
    result, _ = read_str(tmp_path, text)
    assert result.metadata["title"] == "Tale"
    assert body_text(result.chapters).split() == ["Chapter", "1", "Once", "upon", "a", "time."]


def test_wolne_lektury_footer(tmp_path: Path) -> None:
    text = ("Adam Mickiewicz\n\nPan Tadeusz\n\nczyli ostatni zajazd na Litwie\n\n"
            "Księga pierwsza\n\nGospodarstwo\n\n"
            "Litwo! Ojczyzno moja! ty jesteś jak zdrowie;\n"
            "Ile cię trzeba cenić, ten tylko się dowie,\nKto cię stracił.\n\n"
            "Księga druga\n\nZamek\n\nKto z was pamięta te czasy, kiedy w końcu zimy\n"
            "Siadano do kominka i czytano długo,\nA gdy kto przyszedł, witano go sługą.\n\n\n\n"
            "-----\nTa lektura, podobnie jak tysiące innych, dostępna jest na stronie "
            "wolnelektury.pl.\n\nUtwór opracowany został w ramach projektu Wolne Lektury przez "
            "fundację Nowoczesna Polska.\n")
    result, _ = read_str(tmp_path, text)
    assert result.metadata == {"authors": ["Adam Mickiewicz"], "title": "Pan Tadeusz",
                               "subtitle": "czyli ostatni zajazd na Litwie"}
    assert [c.title for c in result.chapters] == ["Księga pierwsza: Gospodarstwo",
                                                  "Księga druga: Zamek"]
    assert "wolnelektury" not in body_text(result.chapters)
    stanza = result.chapters[0].tree.find("div/p")
    assert len(stanza.findall("span")) == 3


# ------------------------------------------------------------------ verse and conventions


def test_verse_stanzas_keep_their_lines(tmp_path: Path) -> None:
    prose = ("This paragraph is ordinary prose, long enough to show the width at which the\n"
             "file is wrapped, and it goes on a little further than that for good measure.\n")
    text = (prose * 12 + "\n" + "Twinkle, twinkle, little star,\nHow I wonder what you are!\n\n"
            "Up above the world so high,\nLike a diamond in the sky.\n\n" + prose)
    result, _ = read_str(tmp_path, text)
    verse = next(result.chapters[0].tree.iter("div"))
    assert classes(verse) == ["verse"]
    stanzas = verse.findall("p")
    assert len(stanzas) == 2
    assert [el.tag for el in stanzas[0]] == ["span", "br", "span"]
    assert [text_content(s) for s in stanzas[1].findall("span")] == [
        "Up above the world so high,", "Like a diamond in the sky."]


def test_indented_lines_are_verse(tmp_path: Path) -> None:
    text = ("She sang an old song:\n\n\tAj, nie chodź kiele woza,\n\tAj, nie trzymaj się osi,\n\n"
            "and then went home through the fields, where the evening had already fallen.\n")
    result, _ = read_str(tmp_path, text)
    lines = [text_content(s) for s in result.chapters[0].tree.iter("span")]
    assert lines == ["Aj, nie chodź kiele woza,", "Aj, nie trzymaj się osi,"]


def test_verse_with_changing_indentation_is_one_stanza(tmp_path: Path) -> None:
    # A sonnet printed with flush first lines and indented others, no blank
    # line between its parts: the flush lines do not split off as stanzas.
    prose = ("This paragraph is ordinary prose, long enough to show the width at which the\n"
             "file is wrapped, and it goes on a little further than that for good measure.\n")
    sonnet = ("The harbour lamps were lit before the rain,\n"
              "  And every boat lay quiet at its chain;\n"
              "  The gulls had gone to roost along the wall.\n"
              "I stood and watched the water turn to lead,\n"
              "  And thought of all the things I had not said;\n"
              "  The tide came in and left me in the rain.\n")
    result, _ = read_str(tmp_path, prose * 8 + "\n" + sonnet + "\n" + prose)
    stanzas = [p for p in result.chapters[0].tree.iter("p") if classes(p) == ["stanza"]]
    assert len(stanzas) == 1
    lines = stanzas[0].findall("span")
    assert [classes(span) for span in lines] == [["line"], ["line", "indent"], ["line", "indent"],
                                                 ["line"], ["line", "indent"], ["line", "indent"]]
    assert text_content(lines[3]) == "I stood and watched the water turn to lead,"


def test_inline_conventions(tmp_path: Path) -> None:
    text = ("A _very_ dark night, and *bold* too; 5 * 3 is fifteen, snake_case stays, "
            "and -- stays for the typography pass. A *lone asterisk stays.\n")
    result, _ = read_str(tmp_path, text)
    p = blocks(result.chapters[0], "p")[0]
    assert [(el.tag, el.text) for el in p] == [("em", "very"), ("strong", "bold")]
    assert "5 * 3" in text_content(p) and "snake_case" in text_content(p)
    assert "--" in text_content(p) and "*lone asterisk" in text_content(p)


@pytest.mark.parametrize("line", ["*", "* * *", "***", "* * * * *", "#", "~", "---", "⁂"])
def test_scene_breaks(tmp_path: Path, line: str) -> None:
    result, _ = read_str(tmp_path, f"Before the break.\n\n        {line}\n\nAfter the break.\n")
    assert [el.tag for el in result.chapters[0].tree] == ["p", "hr", "p"]
    assert classes(result.chapters[0].tree[1]) == ["scene-break"]


def test_illustration_markers_stay_visible_lines(tmp_path: Path) -> None:
    """Issue 10, class 9: an ``[Illustration: …]`` placeholder with no image
    is never an empty figure; its caption stays a visible line of the text,
    and a bare marker is left out with a note."""
    text = ("Text before.\n\n[Illustration: The house at night,\nseen from the road]\n\n"
            "[Illustration]\n\nText after.\n")
    result, _ = read_str(tmp_path, text)
    tree = result.chapters[0].tree
    assert not list(tree.iter("figure")) and not list(tree.iter("img"))
    assert [(el.tag, classes(el), text_content(el)) for el in tree] == [
        ("p", [], "Text before."),
        ("p", ["illustration"], "Illustration: The house at night, seen from the road"),
        ("p", [], "Text after.")]
    assert "[Illustration" not in body_text(result.chapters)
    removed = result.source_text.removed
    assert [(r.first, r.last, r.reason) for r in removed] == [
        (6, 6, "illustration marker without a caption")]


def test_bracket_footnotes(tmp_path: Path) -> None:
    text = ("Il était une fois[1] un roi qui avait trois filles.\n\n"
            "[Footnote 1: Une note de bas de page.]\n\nLa suite du conte.\n")
    result, _ = read_str(tmp_path, text)
    tree = result.chapters[0].tree
    ref = next(a for a in tree.iter("a"))
    note = next(tree.iter("aside"))
    assert ref.get(EPUB_TYPE) == "noteref" and ref.get("href") == f"#{note.get('id')}"
    assert ref.text == "1" and note.get(EPUB_TYPE) == "footnote"
    assert text_content(note) == "Une note de bas de page."


def test_unpaired_star_lines_stay_text(tmp_path: Path) -> None:
    text = "A list follows.\n\n* first item\n\n* second item\n"
    result, _ = read_str(tmp_path, text)
    assert not list(result.chapters[0].tree.iter("aside"))
    assert "first item" in body_text(result.chapters)


# ------------------------------------------------------------------ encodings, limits


@pytest.mark.parametrize("codec", ["cp1250", "iso8859_2", "utf-16", "utf-8-sig"])
def test_encodings_reach_the_chapters(tmp_path: Path, codec: str) -> None:
    text = ("Rozdział pierwszy\n\nŻółta łódź płynęła wśród źdźbeł trawy, a Ślązak śpiewał.\n\n"
            "Rozdział drugi\n\nJeśli ktoś pyta, dlaczego, odpowiadam: bo już świta.\n")
    result, ctx = read_str(tmp_path, text.encode(codec))
    assert [c.title for c in result.chapters] == ["Rozdział pierwszy", "Rozdział drugi"]
    assert "Żółta łódź" in body_text(result.chapters)
    assert any(d.code in ("ENC001", "TXT001") for d in ctx.diag.notes)


def test_encoding_override_from_config(tmp_path: Path) -> None:
    data = "Zażółć gęślą jaźń, powiedziała.\n".encode("cp1250")
    path = tmp_path / "book.txt"
    path.write_bytes(data)
    ctx = make_context(tmp_path)
    ctx.config.content.encoding = "cp1250"
    result = read_source(path, ctx)
    assert body_text(result.chapters).strip() == "Zażółć gęślą jaźń, powiedziała."
    ctx.config.content.encoding = "ascii"
    with pytest.raises(MakeBookError):
        read_source(path, ctx)


def test_empty_file_has_no_chapters(tmp_path: Path) -> None:
    result, ctx = read_str(tmp_path, "\n\n   \n")
    assert result.chapters == []
    assert any(d.code == "TXT002" for d in ctx.diag.warnings)


def test_nul_bytes_and_controls_are_removed(tmp_path: Path) -> None:
    result, ctx = read_str(tmp_path, "Zwykły\x00 tekst\x07 z błędami.\n")
    assert body_text(result.chapters).strip() == "Zwykły tekst z błędami."
    assert any(d.code == "ENC002" for d in ctx.diag.warnings)


def test_huge_single_line_is_linear(tmp_path: Path) -> None:
    line = ("word " * 2_000_000)[:10_000_000]
    start = time.perf_counter()
    result, _ = read_str(tmp_path, line)
    assert time.perf_counter() - start < 15
    assert len(result.chapters) == 1


def test_many_tiny_paragraphs_are_linear(tmp_path: Path) -> None:
    text = "\n\n".join(f"Line {n}." for n in range(100_000))
    start = time.perf_counter()
    result, _ = read_str(tmp_path, text)
    elapsed = time.perf_counter() - start
    assert len(blocks(result.chapters[0], "p")) == 100_000
    assert elapsed < 15


_TEXT_PIECES = st.one_of(
    st.text(max_size=200),
    st.sampled_from(["\n", "\r\n", "\r", "\r\r\n", "\n\n\n", "\t", "    ", "\x00", "\ufeff",
                     "CHAPTER I", "Chapter 2", "BOOK ONE", "IV.", "* * *", "_a_", "*b*", "[1]",
                     "[Footnote 1: x]", "[Illustration: y]", "*", "*(2)", "CONTENTS", "-----",
                     "*** START OF THE PROJECT GUTENBERG EBOOK X ***", "Title: T", "— Tak",
                     "\ufdd0", "\ufdd12\ufdd1", "x" * 5000]),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pieces=st.lists(_TEXT_PIECES, max_size=40), encoding=st.sampled_from(
    ["utf-8", "utf-16-le", "cp1250", "surrogates"]))
def test_generated_text_never_crashes(tmp_path: Path, pieces: list[str], encoding: str) -> None:
    text = "".join(pieces)
    if encoding == "surrogates":
        data = text.encode("utf-8", "replace") + b"\xed\xa0\x80 lone surrogate \xed\xb0\x80"
    else:
        data = text.encode(encoding, "replace")
    try:
        result, _ = read_str(tmp_path, data)
    except MakeBookError:
        return
    for chapter in result.chapters:
        etree.tostring(chapter.tree)  # serializable: no invalid characters


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
def test_generated_bytes_never_crash(tmp_path: Path, data: bytes) -> None:
    with contextlib.suppress(MakeBookError):
        read_str(tmp_path, codecs.BOM_UTF8 + data if data[:1] == b"\x00" else data)


def test_indented_lines_inside_a_paragraph_run_are_set_apart(tmp_path: Path) -> None:
    prose = ("This paragraph is ordinary prose, long enough to show the width at which the\n"
             "file is wrapped, and it goes on a little further than that for good measure.\n\n")
    text = (prose * 10 + "Then Nicholas sang a song he had just learned, and everyone listened:\n"
            "   At nighttime in the moon’s fair glow\n     How sweet, as fancies wander free,\n"
            "And when he had finished, the young people began to dance in the hall.\n")
    result, _ = read_str(tmp_path, text)
    tree = result.chapters[0].tree
    tags = [el.tag for el in tree][-3:]
    assert tags == ["p", "div", "p"]
    assert text_content(tree[-3]).endswith("and everyone listened:")
    assert [text_content(s) for s in tree[-2].iter("span")] == [
        "At nighttime in the moon’s fair glow", "How sweet, as fancies wander free,"]


def test_a_leading_title_line_titles_the_text(tmp_path):
    """One chapter file of a project (or a short story) opening with its title."""
    path = tmp_path / "story.txt"
    path.write_text("The Lighthouse\n\nIt stood on the rock for a hundred years. Nobody "
                    "remembered who built it.\n\nOne night the lamp went out.\n", encoding="utf-8")
    result = read_source(path)
    [chapter] = result.chapters
    assert chapter.title == "The Lighthouse"
    assert chapter.tree.find("h1").text == "The Lighthouse"
    assert [p.text[:9] for p in chapter.tree.iter("p")] == ["It stood ", "One night"]
