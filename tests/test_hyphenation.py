"""Hyphenation: pyphen's dictionaries, the Polish digraph rule, soft hyphens."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from lxml import etree

from book.hyphenation import (
    RULES,
    SOFT_HYPHEN,
    has_dictionary,
    hyphenate_text,
    hyphenate_word,
    insert_soft_hyphens,
)
from conftest import read_source

SHY = SOFT_HYPHEN


def split(word: str, lang: str) -> str:
    positions = hyphenate_word(word, lang)
    cuts = [0, *positions, len(word)]
    return "-".join(word[a:b] for a, b in zip(cuts, cuts[1:]))


@pytest.mark.parametrize(("word", "expected"), [
    # The field notes' checks against PWN (section 6.1).
    ("przenoszenie", "prze-no-sze-nie"),
    ("dziewczyna", "dziew-czy-na"),
    ("rzeczywistość", "rze-czy-wi-stość"),
    ("nauka", "na-uka"),
    ("autor", "au-tor"),
    ("podręcznik", "pod-ręcz-nik"),
    ("rozrzutność", "roz-rzut-ność"),
    ("dzieci", "dzie-ci"),
    ("miasto", "mia-sto"),
    ("Konstytucjach", "Kon-sty-tu-cjach"),
    # pyphen alone gives ta-ler-zach, mar-z-nąć, zmar-z-ły: rz split.
    ("talerzach", "ta-lerzach"),
    ("marznąć", "marz-nąć"),
    ("zmarzły", "zmarz-ły"),
])
def test_polish_words_break_where_pwn_allows(word: str, expected: str) -> None:
    assert split(word, "pl") == expected


def test_other_languages_use_their_dictionary() -> None:
    assert split("hyphenation", "en-US") == "hy-phen-ation"
    assert split("Silbentrennung", "de") == "Sil-ben-tren-nung"
    assert split("Zucker", "de") == "Zu-cker"  # ck stays together
    assert split("hyphenation", "en") == split("hyphenation", "en-US")
    assert split("carretera", "es") == "ca-rre-te-ra"
    assert hyphenate_word("word", "xx") == [] and not has_dictionary("und")
    assert has_dictionary("pl-PL") and has_dictionary("no")


def test_no_digraph_is_ever_split_in_a_polish_novel(corpus: Path) -> None:
    """Every word of Chłopi: no break inside ch, cz, dz, dź, dż, rz, sz."""
    text = (corpus / "wl-pl-reymont-chlopi-jesien.txt").read_text(encoding="utf-8")
    words = set(re.findall(r"[^\W\d_]{4,}", text))
    digraphs = set(RULES["pl"].never_split)
    broken = [w for w in words for p in hyphenate_word(w, "pl") if w[p - 1:p + 1].lower() in digraphs]
    assert len(words) > 10_000 and broken == []
    hyphenated = sum(1 for w in words if hyphenate_word(w, "pl"))
    assert hyphenated > len(words) * 0.8  # the filter leaves most words breakable


def test_results_are_cached_per_language_and_word() -> None:
    from book.hyphenation import _positions

    hyphenate_word("nieprawdopodobieństwo", "pl")
    before = _positions.cache_info().hits
    for _ in range(5):
        assert hyphenate_word("nieprawdopodobieństwo", "pl")
    assert _positions.cache_info().hits == before + 5


def test_hyphenate_text_leaves_short_words_acronyms_names_and_urls() -> None:
    text = "Przywódca NATO, McDonald i kot; zobacz https://example.com/przenoszenie teraz."
    assert hyphenate_text(text, "pl") == (
        f"Przy{SHY}wód{SHY}ca NATO, McDonald i kot; zo{SHY}bacz https://example.com/przenoszenie "
        "teraz.")
    assert hyphenate_text("Ludowo-Demokratycznej", "pl") == f"Lu{SHY}do{SHY}wo-De{SHY}mo{SHY}kra{SHY}tycz{SHY}nej"


def test_soft_hyphens_follow_lang_and_skip_code_headings_and_attributes() -> None:
    root = etree.fromstring(
        '<section lang="pl"><h1>Przenoszenie rzeczywistości</h1>'
        '<p title="przenoszenie">Przenoszenie <em>rzeczywistości</em> '
        '<code>przenoszenie</code> <span lang="en">hyphenation</span> '
        '<span lang="xx">przenoszenie</span></p></section>')
    insert_soft_hyphens(root, "en")
    heading, paragraph = root[0], root[1]
    assert heading.text == "Przenoszenie rzeczywistości"
    assert paragraph.get("title") == "przenoszenie"
    assert paragraph.text == f"Prze{SHY}no{SHY}sze{SHY}nie "
    assert paragraph.find("em").text == f"rze{SHY}czy{SHY}wi{SHY}sto{SHY}ści"
    assert paragraph.find("code").text == "przenoszenie"
    spans = paragraph.findall("span")
    assert spans[0].text == f"hy{SHY}phen{SHY}ation" and spans[1].text == "przenoszenie"
    once = etree.tostring(root, encoding="unicode")
    insert_soft_hyphens(root, "en")
    assert etree.tostring(root, encoding="unicode") == once


def test_min_word_length() -> None:
    assert hyphenate_text("nauka autor", "pl") == "nauka autor"
    assert hyphenate_text("nauka autor", "pl", min_word=5) == f"na{SHY}uka au{SHY}tor"


def test_war_and_peace_is_hyphenated_quickly(corpus: Path) -> None:
    chapters = read_source(corpus / "pg-en-tolstoy-war-and-peace.txt", language="en").chapters
    started = time.process_time()
    for chapter in chapters:
        insert_soft_hyphens(chapter.tree, "en")
    assert time.process_time() - started < 6.0  # measured about 1 s cold, 0.5 s warm
    text = "".join(chapters[5].tree.itertext())
    assert SHY in text
    for word in re.findall(r"[^\W\d_][\w\u00ad]*", text):
        if SHY in word:  # English patterns: two letters before a break, three after
            assert len(word.split(SHY)[0]) >= 2 and len(word.split(SHY)[-1]) >= 3, word
