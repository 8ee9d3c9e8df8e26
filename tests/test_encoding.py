"""Decoding manuscripts: BOMs, UTF-16, legacy code pages, line ends, overrides."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from book.detect.encoding import (
    decode_bytes,
    guess_legacy_encoding,
    iana_name,
    normalize_newlines,
    rank_legacy_encodings,
)
from book.errors import DecodeError, MakeBookError

# Sample texts written for these tests.
POLISH = (
    "Ślęczała nad listem do źródła całą noc. Jeśli ktoś pyta, dlaczego, odpowiadam: "
    "bo już nie mogła zasnąć. Wąską ścieżką szła przez łąkę, żeby zdążyć przed świtem.\n"
    "Źle się stało, że Łukasz nie przyszedł. Pójdźmy więc razem - powiedziała cicho.\n"
)
#: Polish without ą, ś, ź, Ą, Ś, Ź: the letters where CP1250 and ISO-8859-2 differ
#: are absent, except ą in "mąka" below, which is enough.
POLISH_FEW = "Mąka leży w szafce obok cukru. Ona ma psa i kota, którzy żyją w zgodzie.\n"
GERMAN = (
    "Über die Brücke gingen wir zu Fuß. Die Größe des Gebäudes war äußerst beeindruckend, "
    "und die Straßen waren schön geschmückt. Öl und Äpfel lagen auf dem Tisch.\n"
)
FRENCH = (
    "Où est la bibliothèque ? Le garçon a déjà mangé près de la fenêtre, à côté de l'église. "
    "Noël approche ; être là, c'est ce qui compte. Il était très ému.\n"
)
FRENCH_1252 = (
    "« Où est-il ? » demanda-t-elle – c’est l’œuvre d’un maître… Un cœur coûte 5 € ; "
    "ils l’ont vu près de l’église.\n"
)
RUSSIAN = ("Все счастливые семьи похожи друг на друга, каждая несчастливая семья "
           "несчастлива по-своему.\n")


@pytest.mark.parametrize("text", [POLISH, GERMAN, FRENCH, RUSSIAN])
def test_utf8_with_and_without_bom(text: str) -> None:
    plain = decode_bytes(text.encode("utf-8"), "x.txt")
    assert plain.text == text and plain.encoding == "utf-8" and not plain.had_bom
    bom = decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8"), "x.txt")
    assert bom.text == text and bom.had_bom and not bom.guessed


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("text", [POLISH, GERMAN, FRENCH])
def test_utf16_with_and_without_bom(codec: str, text: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    with_bom = decode_bytes(bom + text.encode(codec), "x.txt")
    assert with_bom.text == text and with_bom.encoding == "utf-16" and with_bom.had_bom
    without = decode_bytes(text.encode(codec), "x.txt")
    assert without.text == text and without.encoding == "utf-16" and without.guessed


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_in_cyrillic(codec: str) -> None:
    decoded = decode_bytes((RUSSIAN * 3).encode(codec), "x.txt")
    assert decoded.text == RUSSIAN * 3 and decoded.encoding == "utf-16"


def test_utf32_without_bom() -> None:
    assert decode_bytes(GERMAN.encode("utf-32-le"), "x.txt").text == GERMAN


@pytest.mark.parametrize(("text", "codec", "expected"), [
    (POLISH, "cp1250", "windows-1250"),
    (POLISH, "iso8859_2", "iso-8859-2"),
    (POLISH_FEW, "cp1250", "windows-1250"),
    (POLISH_FEW, "iso8859_2", "iso-8859-2"),
    (FRENCH, "iso8859_1", "iso-8859-1"),
    (FRENCH_1252, "cp1252", "windows-1252"),
    (GERMAN, "iso8859_1", "iso-8859-1"),
    (RUSSIAN, "cp1251", "windows-1251"),
    (RUSSIAN, "koi8_r", "koi8-r"),
])
def test_legacy_code_pages_detected(text: str, codec: str, expected: str) -> None:
    decoded = decode_bytes(text.encode(codec), "x.txt")
    assert decoded.text == text
    assert decoded.encoding == expected
    assert decoded.guessed


def test_german_in_cp1252_decodes_identically() -> None:
    # German letters sit at the same bytes in ISO-8859-1 and CP1252 (and even
    # CP1250): the reported name is one of the Western ones, the text exact.
    decoded = decode_bytes(GERMAN.encode("cp1252"), "x.txt")
    assert decoded.text == GERMAN
    assert decoded.encoding in {"iso-8859-1", "windows-1252"}


def test_cp1250_and_iso_8859_2_told_apart_on_real_looking_polish() -> None:
    """The bytes for ś/ź/ą differ; reading one as the other gives nonsense."""
    cp = POLISH.encode("cp1250")
    iso = POLISH.encode("iso8859_2")
    assert cp != iso
    best_cp = rank_legacy_encodings(cp)[0]
    best_iso = rank_legacy_encodings(iso)[0]
    assert (best_cp.encoding, best_cp.language) == ("cp1250", "pl")
    assert (best_iso.encoding, best_iso.language) == ("iso8859_2", "pl")
    # The wrong reading scores clearly lower.
    scores = {c.encoding: c.score for c in rank_legacy_encodings(cp)}
    assert scores["iso8859_2"] < 0.5 < scores["cp1250"]


def test_french_is_not_read_as_central_european() -> None:
    data = FRENCH.encode("iso8859_1")
    assert guess_legacy_encoding(data) in {"iso8859_1", "cp1252", "iso8859_15"}
    assert "č" not in decode_bytes(data, "x.txt").text


@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r", "\r\r\n"])
def test_line_ends_become_lf(ending: str) -> None:
    text = ending.join(["Pierwsza linia", "Druga linia", "", "Trzecia"]) + ending
    decoded = decode_bytes(text.encode("utf-8"), "x.txt")
    assert decoded.text == "Pierwsza linia\nDruga linia\n\nTrzecia\n"


@given(st.lists(st.sampled_from(["a", "b c", "\r", "\n", "\r\n", "\r\r\n"]), max_size=30))
def test_every_run_of_line_ends_counts_as_the_old_expression_counts_it(pieces) -> None:
    # Each line end is, from left to right, the first of CR CR LF, CR LF or
    # CR that fits (Windows files saved twice put CR CR LF; CR CR CR LF is
    # then a lone CR and a CR CR LF): the quick path with str.replace must
    # give the same lines.
    import re

    text = "".join(pieces)
    assert normalize_newlines(text) == re.sub(r"\r\r\n|\r\n|\r", "\n", text)


def test_unicode_separators_and_form_feeds() -> None:
    assert normalize_newlines("a\u2028b\u2029c\x0cd\u0085e") == "a\nb\n\ncd\ne"


def test_override_wins_over_detection() -> None:
    data = POLISH.encode("iso8859_2")
    forced = decode_bytes(data, "x.txt", "cp1250")
    assert forced.encoding == "cp1250" and not forced.guessed
    assert forced.text != POLISH  # the user's choice is obeyed, even when wrong
    assert decode_bytes(data, "x.txt", "iso-8859-2").text == POLISH


def test_override_utf8_skips_bom_and_utf16_without_bom() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + b"abc", "x.txt", "utf-8").text == "abc"
    assert decode_bytes("zażółć".encode("utf-16-le"), "x.txt", "utf-16").text == "zażółć"


def test_override_errors_name_the_line() -> None:
    data = "linia\nzła linia ż\n".encode()
    with pytest.raises(DecodeError) as info:
        decode_bytes(data, "book.txt", "ascii")
    assert info.value.line == 2 and info.value.file == "book.txt"
    with pytest.raises(DecodeError, match="unknown encoding"):
        decode_bytes(b"abc", "book.txt", "no-such-codec")


def test_binary_data_is_refused() -> None:
    data = bytes(range(256)) * 64
    with pytest.raises(DecodeError, match="binary"):
        decode_bytes(data, "photo.txt")


def test_iana_names() -> None:
    assert iana_name("cp1250") == "windows-1250"
    assert iana_name("iso8859_2") == "iso-8859-2"
    assert iana_name("koi8_r") == "koi8-r"


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=4096))
def test_any_bytes_decode_or_raise_our_error(data: bytes) -> None:
    try:
        decoded = decode_bytes(data, "x.txt")
    except MakeBookError:
        return
    assert "\r" not in decoded.text


@pytest.mark.parametrize(("text", "codec", "expected_lang"), [
    # é and à in CP1252; read as CP1250 they are é and ŕ, which Slovak writes.
    ("Les années 1990 furent difficiles. Le 12 mai, à 14 heures, il partit pour Paris "
     "sans un mot, et personne ne répondit à sa lettre.", "cp1252", "fr"),
    # And the other way round: Slovak really written in CP1250.
    ("Vŕba stála pri potoku a vietor sa hral s jej konármi celý deň. Vtáky spievali "
     "a deti sa hrali na lúke, kým neprišiel večer.", "cp1250", "sk"),
])
def test_a_tie_between_alphabets_is_decided_by_the_words(text: str, codec: str,
                                                          expected_lang: str) -> None:
    decoded = decode_bytes(text.encode(codec), "x.txt")
    assert decoded.text == text
    assert rank_legacy_encodings(text.encode(codec))[0].language == expected_lang
