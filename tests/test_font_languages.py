"""The fallback sheet's ``:lang()`` variants only for languages the book uses
(book/fonts/languages.py): a rule for a language no element is in matches
nothing, so leaving it out changes no font, and the sheet is smaller."""

from __future__ import annotations

import zipfile

from lxml import etree

from book.build import build, load_book
from book.context import BuildOptions
from book.fonts.css import fallback_css
from book.fonts.languages import book_languages, names_language
from book.stylesheets import shipped_css

SHEET = "p { font-family: 'Linux Libertine O', serif; }\n"


def _lang_tags(css: str) -> set[str]:
    return {part.split(")", 1)[0] for part in css.split(":lang(")[1:]}


def test_only_the_cjk_variants_of_the_languages_given():
    every = _lang_tags(fallback_css(SHEET))
    assert {"ja", "ko", "zh-hant"} <= every
    assert _lang_tags(fallback_css(SHEET, languages=["en", "fr"])) == set()
    assert _lang_tags(fallback_css(SHEET, languages=["en", "ja-jp"])) == {"ja"}
    assert "zh-hant" in _lang_tags(fallback_css(SHEET, languages=["zh-hant-tw"]))
    # The stacks themselves are the same either way.
    plain = fallback_css(SHEET, languages=["en"])
    assert plain.splitlines()[:2] == fallback_css(SHEET).splitlines()[:2]


def test_a_language_range_matches_at_a_hyphen_only():
    assert names_language(["zh"], ["zh-hant-tw"])
    assert names_language(["ja"], ["ja"])
    assert not names_language(["ja"], ["jam"])
    assert not names_language(["zh-hant"], ["zh"])


def test_the_languages_of_a_book_come_from_its_metadata_chapters_and_markup(tmp_path):
    source = tmp_path / "voyage.md"
    source.write_text("# The Voyage\n\nThe captain said <span lang=\"ja\">ありがとう</span> twice, "
                      "and <span xml:lang=\"DE\">danke</span> once.\n", encoding="utf-8")
    book, _ = load_book([source], BuildOptions(formats=("epub",)))
    languages = book_languages(book)
    assert {"ja", "de", book.metadata.language.lower()} <= languages


def test_an_ebook_without_cjk_carries_no_cjk_variants_and_one_with_japanese_does(tmp_path):
    plain = tmp_path / "plain.md"
    plain.write_text("# Harbour\n\nThe boats came home at dusk.\n", encoding="utf-8")
    mixed = tmp_path / "mixed.md"
    mixed.write_text("# Harbour\n\nThe sign read 港 and <span lang=\"ja\">みなと</span>.\n",
                     encoding="utf-8")
    sheets = {}
    for source in (plain, mixed):
        result = build([source], BuildOptions(formats=("epub",), outdir=tmp_path / source.stem))
        with zipfile.ZipFile(result.outputs["epub"]) as epub:
            name = next(n for n in epub.namelist() if n.endswith(".css"))
            sheets[source.stem] = epub.read(name).decode("utf-8")
    assert _lang_tags(sheets["plain"]) == set()
    assert "ja" in _lang_tags(sheets["mixed"])
    assert "Noto Serif CJK SC" in sheets["plain"]  # the stacks still reach every script
    assert len(sheets["plain"]) < len(shipped_css("epub", "classic"))


def test_the_languages_are_read_from_the_root_too():
    from book.model import Book, Chapter

    tree = etree.fromstring('<section xmlns="http://www.w3.org/1999/xhtml" lang="ko"><p>x</p>'
                            '</section>')
    book = Book()
    book.chapters.append(Chapter(id="c1", title="One", tree=tree))
    assert "ko" in book_languages(book)
