"""The language pass: passages in another language get their own lang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from book.detect.language import detect_passages, function_word_share
from book.model import Chapter
from book.passes import language
from book.readers import SourceFile
from book.readers.common import new_chapter
from book.xhtml import XML_LANG, element, sub, text_content
from tests.conftest import make_context, read_source


def labelled(chapters: list[Chapter]) -> list[tuple[str, str, str]]:
    return [(el.tag, el.get("lang"), text_content(el)) for c in chapters for el in c.tree.iter()
            if isinstance(el.tag, str) and el.get("lang") and el is not c.tree]


@pytest.fixture(scope="module")
def war(corpus: Path) -> tuple[list[Chapter], float]:
    ctx = make_context(corpus, language="en")
    chapters = read_source(corpus / "pg-en-tolstoy-war-and-peace.txt", ctx).chapters
    start = time.perf_counter()
    chapters = [language.run(c, ctx) for c in chapters]
    return chapters, time.perf_counter() - start


def test_french_passages_in_war_and_peace(war) -> None:
    chapters, _ = war
    found = labelled(chapters)
    french = [text for _, lang, text in found if lang == "fr"]
    assert any(t.startswith("“Non, dites-lui que je ne veux pas le voir") for t in french)
    assert any(t.startswith("La mort est secourable") for t in french)  # verse
    assert "Bâton de gueules, engrêlé de gueules d’azur—maison Condé," in french  # a quotation
    assert len(french) >= 20
    # Conservative: nothing but French and German is ever labelled in this English book.
    assert {lang for _, lang, _ in found} <= {"fr", "de"}
    assert len(found) < 60


def test_spans_leave_narration_and_quotation_marks_outside(war) -> None:
    chapters, _ = war
    span = next(el for c in chapters for el in c.tree.iter("span")
                if el.get("lang") == "fr" and "Bâton de gueules" in text_content(el))
    assert span.get(XML_LANG) == "fr"
    assert (span.getparent().text or "").endswith("“")
    assert span.tail.startswith("” said he")


def test_war_and_peace_language_pass_is_fast(war) -> None:
    _, elapsed = war
    assert elapsed < 5.0  # about 1 s on an idle machine, model loading included


@pytest.mark.parametrize(("name", "lang"), [("pg-en-austen-pride-and-prejudice.txt", "en"),
                                            ("wl-pl-reymont-chlopi-jesien.txt", "pl"),
                                            ("seed-pl-article.txt", "pl")])
def test_books_in_one_language_get_no_labels(corpus: Path, name: str, lang: str) -> None:
    ctx = make_context(corpus, language=lang)
    chapters = [language.run(c, ctx) for c in read_source(corpus / name, ctx).chapters]
    assert labelled(chapters) == []


def _chapter(tmp_path: Path, *paragraphs: str) -> Chapter:
    chapter = new_chapter(SourceFile(tmp_path / "x.txt", "x.txt"))
    for text in paragraphs:
        sub(chapter.tree, "p", text)
    return chapter


def test_english_paragraph_in_a_polish_book(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, language="pl")
    chapter = _chapter(
        tmp_path,
        "Szedł wolno przez pola, a wiatr szarpał mu połami kapoty i gwizdał w gałęziach.",
        "The wind was howling over the fields and the old man walked slowly towards the village.",
        "Yes, sir.",
    )
    language.run(chapter, ctx)
    paragraphs = chapter.tree.findall("p")
    assert [p.get("lang") for p in paragraphs] == [None, "en", None]


def test_existing_lang_is_respected_and_markup_never_split(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, language="en")
    chapter = _chapter(tmp_path)
    kept = sub(chapter.tree, "p", "Je ne sais pas ce que vous voulez dire par là, monsieur.",
               lang="la")
    mixed = sub(chapter.tree, "p", "He said: “Je ne sais pas ")
    em = sub(mixed, "em", "du tout")
    em.tail = " ce que vous voulez dire par là, mon cher ami,” and left the room."
    language.run(chapter, ctx)
    assert kept.get("lang") == "la"
    assert mixed.get("lang") is None and not mixed.findall("span")


def test_no_book_language_means_no_labels(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    chapter = _chapter(tmp_path, "Je ne sais pas ce que vous voulez dire par là, mon ami.")
    language.run(chapter, ctx)
    assert chapter.tree.find("p").get("lang") is None


def test_detect_passages_is_conservative() -> None:
    texts = ["“Count Ilyá Rostóv’s son?” asked Dolgorúkov.",
             "“Charming, charming!” observed Prince Vasíli.",
             "Il faut que vous sachiez que c’est une femme charmante et très spirituelle.",
             "Der Krieg muss in Raum verlegt werden, der Zweck ist nur den Feind zu schwächen."]
    assert detect_passages(texts, "en") == [None, None, "fr", "de"]


def test_function_word_share() -> None:
    assert function_word_share("the cat sat on the mat", "en") == pytest.approx(3 / 6)
    assert function_word_share("le chat est sur la table", "fr") > 0.5
    assert function_word_share("anything", "xx") is None


def test_verse_and_quotations_are_units(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, language="en")
    chapter = _chapter(tmp_path)
    verse = sub(chapter.tree, "div", class_="verse")
    stanza = sub(verse, "p", class_="stanza")
    for number, line in enumerate(["Aliment de poison d’une âme trop sensible,",
                                   "Toi, sans qui le bonheur me serait impossible,",
                                   "Tendre mélancolie, ah, viens me consoler."]):
        if number:
            sub(stanza, "br")
        sub(stanza, "span", line, class_="line")
    quote = element("blockquote")
    sub(quote, "p", "Mon cher ami, je vous écris ces quelques lignes pour vous dire que "
                    "tout va bien.")
    chapter.tree.append(quote)
    language.run(chapter, ctx)
    assert verse.get("lang") == "fr" and quote.get("lang") == "fr"
    assert stanza.get("lang") is None  # labelled once, on the outermost unit
