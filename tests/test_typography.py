"""The typography pass (issue 5): golden tests per language, the tree, the corpus.

No-break spaces are spelled as escapes so they are visible: NB = U+00A0
(no-break space), NN = U+202F (narrow no-break space).
"""

from __future__ import annotations

import copy
import re
import time
from pathlib import Path
from typing import Callable

import pytest
from lxml import etree

from book.config import TypographyConfig, load_config
from book.errors import ConfigError
from book.model import Chapter
from book.passes.typography import apply_epub_fallbacks, run, typeset, typeset_text
from conftest import make_context, read_source
from scaling import assert_linear

NB = "\u00a0"
NN = "\u202f"

SEED = "seed-pl-article.txt"
PP = "pg-en-austen-pride-and-prejudice.txt"
WP = "pg-en-tolstoy-war-and-peace.txt"
CHLOPI = "wl-pl-reymont-chlopi-jesien.txt"
SCANDAL = "html-en-doyle-a-scandal-in-bohemia.xhtml"

# ------------------------------------------------------------------------------------------
# Golden tests: (language, input, exact expected output).

GOLDEN: list[tuple[str, str, str]] = [
    # Polish: „…” with «…» inside, em-dash dialogue, one-letter words bound.
    ("pl", '"Władimir Putin prowadzi świętą wojnę z Zachodem", a ich kraje',
     f"„Władimir Putin prowadzi świętą wojnę z{NB}Zachodem”, a{NB}ich kraje"),
    ("pl", "- Rosja podjęła walkę - przekazał Kim. - Zawsze będziemy.",
     f"—{NB}Rosja podjęła walkę{NB}— przekazał Kim.{NB}— Zawsze będziemy."),
    ("pl", "\"Mówił 'tak' i 'nie'\" - powiedział.",
     f"„Mówił «tak» i{NB}«nie»”{NB}— powiedział."),
    ("pl", "w latach 1805-1812, s. 22-27, XIX-XX w.",
     f"w{NB}latach 1805–1812, s.{NB}22–27, XIX–XX{NB}w."),
    ("pl", "dnia 2024-05-01, ISBN 978-83-240-1234-5, tel. 555-1234, wynik 3-1",
     "dnia 2024-05-01, ISBN 978-83-240-1234-5, tel. 555-1234, wynik 3-1"),
    ("pl", "ok. 5 km, 10 000 zł, 20 °C, np. jutro, nr 3, w 1953 r.",
     f"ok.{NB}5{NB}km, 10{NB}000{NB}zł, 20{NB}°C, np.{NB}jutro, nr{NB}3, w{NB}1953{NB}r."),
    ("pl", "No i co... A potem I tak.", f"No i{NB}co… A{NB}potem I{NB}tak."),
    ("pl", ",,Tak'' - rzekł.", f"„Tak”{NB}— rzekł."),
    ("pl", "Biało-czerwony tak--nie", f"Biało-czerwony tak{NB}— nie"),
    ("pl", "„Idźcie z Bogiem” — szeptał.", f"„Idźcie z{NB}Bogiem”{NB}— szeptał."),
    ("pl", "Kennedy'ego", "Kennedy’ego"),
    # US English: “…” with ‘…’ inside, closed em dashes, contractions.
    ("en-US", "\"Don't,\" she said, \"it's the '90s -- rock 'n' roll.\"",
     "“Don’t,” she said, “it’s the ’90s—rock ’n’ roll.”"),
    ("en-US", "He said, \"She told me 'no' twice.\"", "He said, “She told me ‘no’ twice.”"),
    ("en-US", "in various ways--with barefaced questions",
     "in various ways—with barefaced questions"),
    ("en-US", "It was - he thought - fine.", "It was—he thought—fine."),
    ("en-US", "It was — he thought — fine.", f"It was{NB}— he thought{NB}— fine."),
    ("en-US", "Mr. Darcy met Dr. Watson at St. Paul's; see No. 5, p. 22.",
     f"Mr.{NB}Darcy met Dr.{NB}Watson at St.{NB}Paul’s; see No.{NB}5, p.{NB}22."),
    ("en-US", "\"No. What did you say?\"", "“No. What did you say?”"),
    ("en-US", "He was 5'10\" tall.", "He was 5′10″ tall."),
    ("en-US", "by J. R. R. Tolkien", f"by J.{NB}R.{NB}R.{NB}Tolkien"),
    ("en-US", "Wait... what? The end.... Or . . . not", "Wait… what? The end.… Or … not"),
    ("en-US", "the years 1914-18, pages 105-7, 9:00-17:00",
     "the years 1914–18, pages 105–7, 9:00–17:00"),
    ("en-US", "the boys' toys and O'Brien's 'Tis", "the boys’ toys and O’Brien’s ’Tis"),
    ("en-US", "run it with --verbose, not - - twice", "run it with --verbose, not - - twice"),
    ("en", "\"Hello\"", "“Hello”"),
    # British English: ‘…’ with “…” inside, spaced en dashes.
    ("en-GB", "\"Hello,\" she said, \"it's 'fine'.\"", "‘Hello,’ she said, ‘it’s “fine”.’"),
    ("en-GB", "It was - she thought - fine.", f"It was{NB}– she thought{NB}– fine."),
    ("en-GB", "Mr Darcy and Dr Watson", f"Mr{NB}Darcy and Dr{NB}Watson"),
    # German: „…“ with ‚…‘, spaced en dash, narrow spaces in z. B. and units.
    ("de", "\"Das ist z. B. ein 'Test'\", sagte er - und ging.",
     f"„Das ist z.{NN}B. ein ‚Test‘“, sagte er{NB}– und ging."),
    ("de", "um 10 Uhr, 5 km, 1 000 000 Einwohner, 1939-1945",
     f"um 10{NN}Uhr, 5{NN}km, 1{NN}000{NN}000 Einwohner, 1939–1945"),
    ("de-CH", "\"Das ist 'gut'\", sagte er.", "«Das ist ‹gut›», sagte er."),
    ("de-AT", "\"Servus\"", "„Servus“"),
    # French: « … » with no-break spaces, U+202F before ; ! ?, U+00A0 before :.
    ("fr", "\"Bonjour ! Comment ça va ?\" dit-il.",
     f"«{NB}Bonjour{NN}! Comment ça va{NN}?{NB}» dit-il."),
    ("fr", "Il a dit : oui; peut-être! Quoi ?!",
     f"Il a dit{NB}: oui{NN}; peut-être{NN}! Quoi{NN}?!"),
    ("fr", "à 10:30, voir http://example.com/a?b=c.", "à 10:30, voir http://example.com/a?b=c."),
    ("fr", "l'homme et l'église", "l’homme et l’église"),
    ("fr", "- Oui, dit-il.", f"—{NB}Oui, dit-il."),
    ("fr", "« Oui » ! 10 000 €", f"«{NB}Oui{NB}»{NN}! 10{NN}000{NN}€"),
    # Czech: „…“ with ‚…‘, one-letter prepositions k, s, v, z bound.
    ("cs", "Řekl: \"To je v pořádku a s tím k nám.\"",
     f"Řekl: „To je v{NB}pořádku a{NB}s{NB}tím k{NB}nám.“"),
    ("cs", "\"velmi 'dobrý' den\" např. v Praze, str. 5",
     f"„velmi ‚dobrý‘ den“ např.{NB}v{NB}Praze, str.{NB}5"),
    ("cs", "Jak - to je otázka.", f"Jak{NB}– to je otázka."),
    ("sk", "Bol v meste a s bratom.", f"Bol v{NB}meste a{NB}s{NB}bratom."),
    # Russian: «…» with „…“, em dash.
    ("ru", "\"Это 'хорошо'\", - сказал он.", f"«Это „хорошо“»,{NB}— сказал он."),
    ("ru", "- Да, - ответил он.", f"—{NB}Да,{NB}— ответил он."),
    ("ru", "в 1812 г., т. е. 5 км", f"в{NB}1812{NB}г., т.{NB}е. 5{NB}км"),
    ("uk", "\"Так\", - сказав він.", f"«Так»,{NB}— сказав він."),
    # Spanish: «…», raya attached to the dialogue and to the words of an incise.
    ("es", "- Hola - dijo él -. ¿Qué tal?", "—Hola —dijo él—. ¿Qué tal?"),
    ("es", "Es un texto - con inciso - aquí. \"Bien\", respondió.",
     "Es un texto —con inciso— aquí. «Bien», respondió."),
    # Italian: «…», en dash asides, the dialogue's dash inside a dialogue.
    ("it", "\"Ciao\", disse lui - e andò via. L'uomo è qui.",
     f"«Ciao», disse lui{NB}– e andò via. L’uomo è qui."),
    ("it", "- Vieni? - chiese.", f"—{NB}Vieni?{NB}— chiese."),
    # More languages from the table.
    ("pt", "\"Olá\", disse ele - e saiu.", f"«Olá», disse ele{NB}— e saiu."),
    ("pt-BR", "\"Olá\", disse ele.", "“Olá”, disse ele."),
    ("nl", "'s Avonds zei hij: \"Het is 't beste.\"", "’s Avonds zei hij: “Het is ’t beste.”"),
    ("sv", "\"Hej\", sa han - och gick.", f"”Hej”, sa han{NB}– och gick."),
    ("da", "\"Hej\", sagde han.", "»Hej«, sagde han."),
    ("fi", "\"Hei\", hän sanoi.", "”Hei”, hän sanoi."),
    ("hu", "\"Jó 'reggelt'\", mondta.", "„Jó »reggelt«”, mondta."),
    ("ro", "\"Bună\", a spus.", "„Bună”, a spus."),
    # Languages without an entry: the closest family, or neutral rules.
    ("sr", "\"Zdravo\" - rekao je.", f"„Zdravo“{NB}— rekao je."),
    ("ja", "\"Hello\" -- world...", f"“Hello”{NB}– world…"),
]


@pytest.mark.parametrize(("lang", "source", "expected"), GOLDEN,
                         ids=[f"{g[0]}-{i}" for i, g in enumerate(GOLDEN)])
def test_golden(lang: str, source: str, expected: str) -> None:
    assert typeset_text(source, lang) == expected


@pytest.mark.parametrize(("lang", "source", "expected"), GOLDEN,
                         ids=[f"{g[0]}-{i}" for i, g in enumerate(GOLDEN)])
def test_golden_output_is_a_fixed_point(lang: str, source: str, expected: str) -> None:
    assert typeset_text(expected, lang) == expected


# ------------------------------------------------------------------------------------------
# Options ([typography] in book.toml).


@pytest.mark.parametrize(("options", "lang", "source", "expected"), [
    ({"quotes": "guillemets"}, "de", "\"Das ist 'gut'\"", "»Das ist ›gut‹«"),
    ({"quotes": "swiss"}, "de", "\"Das ist 'gut'\"", "«Das ist ‹gut›»"),
    ({"quotes": "double"}, "en-GB", "\"It's 'fine'\"", "“It’s ‘fine’”"),
    ({"quotes": "double"}, "es", "\"Bien\"", "“Bien”"),
    ({"quotes": "guillemets"}, "cs", "\"Ano\"", "»Ano«"),
    ({"quotes": "straight"}, "pl", "\"Tak\" - rzekł...", f"\"Tak\"{NB}— rzekł…"),
    ({"dialogue_dash": "en"}, "pl", "- Tak - rzekł.", f"–{NB}Tak{NB}– rzekł."),
    ({"dialogue_dash": "en"}, "pl", "— Tak — rzekł.", f"–{NB}Tak{NB}– rzekł."),
    ({"dialogue_dash": "em"}, "de", "Er - sie.", f"Er{NB}— sie."),
    ({"dialogue_dash": "en"}, "en-US", "It was - he thought - fine.", "It was–he thought–fine."),
    ({"single_letter_words": "off"}, "pl", "w domu i w pracy", "w domu i w pracy"),
])
def test_options(options: dict[str, str], lang: str, source: str, expected: str) -> None:
    assert typeset_text(source, lang, TypographyConfig(**options)) == expected


def test_single_letter_words_in_titles_only(tmp_path: Path) -> None:
    chapter = _chapter("<section><h1>Wizyta w Rosji i Korei</h1><p>Był w domu i w pracy.</p></section>")
    ctx = make_context(tmp_path, language="pl")
    ctx.config.typography.single_letter_words = "titles"
    run(chapter, ctx)
    assert chapter.tree.findtext("h1") == f"Wizyta w{NB}Rosji i{NB}Korei"
    assert chapter.tree.findtext("p") == "Był w domu i w pracy."


def test_disabled_pass_changes_nothing(tmp_path: Path) -> None:
    source = "<section><p>\"Tak\" - rzekł w domu...</p></section>"
    chapter = _chapter(source)
    ctx = make_context(tmp_path, language="pl")
    ctx.config.typography.enabled = False
    run(chapter, ctx)
    assert etree.tostring(chapter.tree, encoding="unicode") == source


def test_unknown_quote_style_warns_once_and_keeps_the_default(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, language="en")
    ctx.config.typography.quotes = "guillemets"
    first, second = _chapter("<section><p>\"a\"</p></section>"), _chapter("<section><p>\"b\"</p></section>")
    run(first, ctx)
    run(second, ctx)
    assert first.tree.findtext("p") == "“a”"
    assert [d.code for d in ctx.diag.warnings] == ["TYP002"]


def test_unknown_language_is_noted_once(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, language="ja")
    for _ in range(3):
        run(_chapter("<section><p>\"a\"</p></section>"), ctx)
    notes = [d for d in ctx.diag.notes if d.code == "TYP001"]
    assert len(notes) == 1 and "'ja'" in notes[0].message


def test_config_accepts_the_quote_styles_and_rejects_others(tmp_path: Path) -> None:
    path = tmp_path / "book.toml"
    for style in ("auto", "default", "guillemets", "swiss", "double", "single", "straight"):
        config = load_config(path, "book.toml", f'[typography]\nquotes = "{style}"\n')
        assert config.typography.quotes == style
    with pytest.raises(ConfigError):
        load_config(path, "book.toml", '[typography]\nquotes = "curly"\n')
    config = load_config(path, "book.toml", '[typography]\nenabled = false\ndialogue_dash = "en"\n'
                                            'single_letter_words = "titles"\n')
    assert (config.typography.enabled, config.typography.dialogue_dash,
            config.typography.single_letter_words) == (False, "en", "titles")


# ------------------------------------------------------------------------------------------
# The tree: text nodes only, context across markup, the nearest lang.


def _chapter(markup: str, lang: str | None = None) -> Chapter:
    return Chapter(id="c", tree=etree.fromstring(markup), lang=lang)


def _typeset(markup: str, lang: str = "pl", config: TypographyConfig | None = None) -> etree._Element:
    root = etree.fromstring(markup)
    typeset(root, lang, config)
    return root


def test_quotes_pair_across_inline_markup() -> None:
    root = _typeset('<p>"<em>Tak</em>" - powiedział, "<b>a</b> <i>potem</i> <u>nie</u>".</p>')
    em, b, u = root.find("em"), root.find("b"), root.find("u")
    assert root.text == "„" and em.text == "Tak"
    assert em.tail == f"”{NB}— powiedział, „"
    assert b.text == "a" and u.text == "nie" and u.tail == "”."


def test_quotes_pair_across_a_code_element_it_does_not_touch() -> None:
    root = _typeset('<p>Type "<code>ls -- "x" ... 1-2</code>" then "<kbd>--help</kbd>" - ok.</p>', "en")
    code, kbd = root.find("code"), root.find("kbd")
    assert code.text == 'ls -- "x" ... 1-2' and kbd.text == "--help"
    assert root.text == "Type “" and code.tail == "” then “" and kbd.tail == "”—ok."


@pytest.mark.parametrize("tag", ["code", "pre", "kbd", "samp", "var", "script", "style", "math"])
def test_verbatim_elements_are_never_changed(tag: str) -> None:
    source = f'<section><p>a "b" -- c ... w domu</p><{tag}>a "b" -- c ... w domu 1-2</{tag}></section>'
    root = _typeset(source)
    assert root.find(tag).text == 'a "b" -- c ... w domu 1-2'
    assert root.find("p").text == f"a{NB}„b”{NB}— c … w{NB}domu"


def test_attributes_and_urls_are_never_changed() -> None:
    root = _typeset('<p title="&quot;t&quot; -- x ..." data-x="a - b">See '
                    '<a href="http://x.org/a--b">http://x.org/a--b...</a> or www.example.com/w-z--x '
                    'and mail jan--kowalski@example.pl - "ok"</p>', "pl")
    assert root.get("title") == '"t" -- x ...' and root.get("data-x") == "a - b"
    link = root.find("a")
    assert link.get("href") == "http://x.org/a--b"
    assert link.text == "http://x.org/a--b…"
    assert link.tail == f" or www.example.com/w-z--x and mail jan--kowalski@example.pl{NB}— „ok”"


def test_the_nearest_lang_chooses_the_rules() -> None:
    root = _typeset('<section lang="pl"><p>Rzekł: <span lang="fr">"Je ne sais pas !"</span> '
                    'i wyszedł.</p><blockquote lang="en-US"><p>"It\'s - fine"</p></blockquote>'
                    '<p xml:lang="de">"Ja"</p></section>', "en")
    span = root.find(".//span")
    assert span.text == f"«{NB}Je ne sais pas{NN}!{NB}»"
    assert span.tail == f" i{NB}wyszedł."
    assert root.find("blockquote/p").text == "“It’s—fine”"
    assert root.findall("p")[1].text == "„Ja“"


def test_a_quotation_opened_in_one_language_closes_with_its_own_mark() -> None:
    root = _typeset('<p>"Powiedział <span lang="en">hello</span>"</p>', "pl")
    assert root.text == "„Powiedział " and root.find("span").tail == "”"


def test_a_quotation_runs_over_several_paragraphs() -> None:
    root = _typeset('<section><p>"First paragraph.</p><p>"Second one."</p></section>', "en")
    assert [p.text for p in root] == ["“First paragraph.", "“Second one.”"]


def test_dialogue_at_the_start_of_verse_lines() -> None:
    root = _typeset('<div class="verse"><p class="stanza"><span class="line">- Hej, dana</span><br/>'
                    '<span class="line">- Oj dana</span></p></div>')
    assert [s.text for s in root.iter("span")] == [f"—{NB}Hej, dana", f"—{NB}Oj dana"]


def test_note_calls_are_objects_not_text() -> None:
    root = _typeset(f'<p>"Cytat"<a {_EPUB} epub:type="noteref" href="#n1">1</a>-2 i dalej</p>')
    call = root.find("a")
    assert root.text == "„Cytat”" and call.text == "1" and call.tail == f"-2 i{NB}dalej"


_EPUB = 'xmlns:epub="http://www.idpf.org/2007/ops"'


def test_comments_keep_their_text_and_their_tail_is_typeset() -> None:
    root = _typeset('<p>"a <!-- "x" - y ... --> b" - c</p>', "en")
    comment = root[0]
    assert comment.text == ' "x" - y ... ' and root.text == "“a "
    assert comment.tail == " b”—c"


def test_headings_are_typeset_too() -> None:
    root = _typeset("<section><h2>Rosja pomoże Korei - \"wizyta\" w Rosji</h2></section>")
    assert root.findtext("h2") == f"Rosja pomoże Korei{NB}— „wizyta” w{NB}Rosji"


def test_existing_word_joiners_and_curly_quotes_stay() -> None:
    source = "<p>the observer\u2060—\u2060excellent for “drawing the veil” from men’s motives</p>"
    root = _typeset(source, "en-GB")
    assert root.text == "the observer\u2060—\u2060excellent for “drawing the veil” from men’s motives"


def test_deep_nesting_does_not_recurse() -> None:
    root = etree.Element("section")
    node = root
    for _ in range(5000):
        node = etree.SubElement(node, "span")
        node.text = '"w '
    typeset(root, "pl")
    assert root[0].text == f"„w{NB}"


@pytest.mark.parametrize("make", [
    lambda n: " " * n, lambda n: "-" * n, lambda n: "." * n, lambda n: '"' * n,
    lambda n: "'" * n, lambda n: "a " * n, lambda n: "000 " * n, lambda n: " -" * n,
    lambda n: "1-" * n, lambda n: "I-" * n, lambda n: "x" + " " * n + "- y",
    lambda n: "« " * n, lambda n: "np. " * n, lambda n: "—" * n,
], ids=["spaces", "hyphens", "dots", "quotes", "apostrophes", "words", "numbers",
        "spaced-hyphens", "ranges", "roman-ranges", "long-gap", "guillemets",
        "abbreviations", "dashes"])
def test_hostile_text_runs_in_linear_time(make: Callable[[int], str]) -> None:
    """Runs of one character that could make a pattern backtrack: quadratic
    time would take minutes at these sizes; linear time a fraction of a second."""
    for lang in ("pl", "fr", "es", "en"):
        def prepare(n: int, lang: str = lang) -> Callable[[], object]:
            root = etree.Element("p")
            root.text = make(n)
            return lambda: typeset(root, lang)
        assert_linear(prepare, 10_000)


def test_many_tiny_paragraphs_and_language_switches() -> None:
    def section(n: int) -> etree._Element:
        root = etree.Element("section")
        paragraph = etree.SubElement(root, "p")
        for i in range(n):
            etree.SubElement(root, "p").text = '"a" - b'
            span = etree.SubElement(paragraph, "span", lang="fr" if i % 2 else "pl")
            span.text, span.tail = "a", " - "
        return root

    def prepare(n: int) -> Callable[[], object]:
        root = section(n)
        return lambda: typeset(root, "pl")

    assert_linear(prepare, 5_000)
    root = section(10)
    typeset(root, "pl")
    assert root[1].text == f"„a”{NB}— b"


# ------------------------------------------------------------------------------------------
# EPUB fallback for U+202F.


@pytest.mark.parametrize(("choice", "expected"), [
    ("nbsp", f"Oui{NB}!"), ("thin", "Oui\u2009\u2060!"), ("keep", f"Oui{NN}!"),
])
def test_epub_fallback_for_the_narrow_no_break_space(choice: str, expected: str) -> None:
    root = _typeset(f'<section lang="fr"><p title="a{NN}b">"Oui !"</p><p>x<b>Oui !</b>Oui !</p></section>')
    apply_epub_fallbacks(root, TypographyConfig(epub_narrow_space=choice))
    assert root[0].text == f"«{NB}{expected}{NB}»"
    assert root[1].find("b").text == expected and root[1].find("b").tail == expected
    assert root[0].get("title") == f"a{NN}b"


# ------------------------------------------------------------------------------------------
# The corpus.


def _read(corpus: Path, name: str, lang: str) -> tuple[list[Chapter], object]:
    path = corpus / name
    ctx = make_context(path.parent, language=lang)
    return read_source(path, ctx).chapters, ctx


def _text(chapters: list[Chapter]) -> str:
    return "\n".join("\u2029".join("".join(block.itertext()) for block in
                                   c.tree.iter("p", "h1", "h2", "h3", "h4", "li", "td"))
                     for c in chapters)


def _trees(chapters: list[Chapter]) -> list[str]:
    return [etree.tostring(c.tree, encoding="unicode") for c in chapters]


def test_seed_article_gets_polish_typography(corpus: Path) -> None:
    chapters, ctx = _read(corpus, SEED, "pl")
    source = _text(chapters)
    assert source.count('"') >= 2 and " - " in source
    for chapter in chapters:
        run(chapter, ctx)
    text = _text(chapters)
    assert '"' not in text
    opened = [m.group() for m in re.finditer("[„”]", text)]
    assert opened and opened == ["„", "”"] * (len(opened) // 2)
    assert not re.search(r"\w - \w", text)
    assert f"—{NB}Rosja podjęła uświęconą walkę" in text
    assert f"hegemonicznymi{NB}— przekazał" in text
    assert f"„Władimir Putin prowadzi świętą wojnę z{NB}Zachodem”" in text
    assert not re.search(r"(?<![\w.,\-’'])[aiouwzAIOUWZ][ \t\n]", text)
    once = _trees(chapters)
    for chapter in chapters:
        run(chapter, ctx)
    assert _trees(chapters) == once


def test_pride_and_prejudice_keeps_its_curly_quotes(corpus: Path) -> None:
    chapters, ctx = _read(corpus, PP, "en")
    before = _text(chapters)
    for chapter in chapters:
        run(chapter, ctx)
    after = _text(chapters)
    assert '"' not in after and "'" not in after
    assert not re.search("(?<!-)--(?!-)", after)  # "the ----shire" is a blank, not a dash
    assert (after.count("“"), after.count("”")) == (before.count("“"), before.count("”"))
    # The curly quotes did not move: with the converted straight quotes and
    # dashes put back as they were, the text is the source again.
    restored = re.sub("—", "--", re.sub("[‘’]", "'", after.replace(NB, " ")))
    assert restored == before


def test_chlopi_stays_as_typeset_and_binds_one_letter_words(corpus: Path) -> None:
    chapters, ctx = _read(corpus, CHLOPI, "pl")
    before = _text(chapters)
    for chapter in chapters:
        run(chapter, ctx)
    after = _text(chapters)
    for mark in "„”—–":
        assert after.count(mark) == before.count(mark), mark
    assert not re.search(r"(?<![\w.,\-’'])[aiouwzAIOUWZ][ \t\n]", after)
    assert re.search(f"^—{NB}", after, re.M) or f"\u2029—{NB}" in after
    once = _trees(chapters)
    for chapter in chapters:
        run(chapter, ctx)
    assert _trees(chapters) == once


def test_already_typeset_html_is_left_as_it_is(corpus: Path) -> None:
    chapters, ctx = _read(corpus, SCANDAL, "en-GB")
    before = _trees(chapters)
    for chapter in chapters:
        run(chapter, ctx)
    assert _trees(chapters) == before


def test_war_and_peace_is_idempotent_and_fast(corpus: Path) -> None:
    chapters, ctx = _read(corpus, WP, "en")
    copies = [copy.deepcopy(c) for c in chapters]
    started = time.process_time()
    for chapter in chapters:
        run(chapter, ctx)
    elapsed = time.process_time() - started
    assert elapsed < 2.0  # measured about 0.2 s; the bound catches quadratic slips
    once = _trees(chapters)
    assert once != _trees(copies)
    assert "1809–10" in _text(chapters) and "..." not in _text(chapters)
    for chapter in chapters:
        run(chapter, ctx)
    assert _trees(chapters) == once


@pytest.mark.parametrize(("lang", "expected"), [
    ("pl", '<p>Rzekł <span class="q">„tak, <span class="q">«nie»</span> <code>"x"</code>”</span>.</p>'),
    ("fr", f'<p>Rzekł <span class="q">«{NB}tak, <span class="q">“nie”</span> <code>"x"</code>{NB}»</span>.</p>'),
])
def test_q_elements_get_their_marks_in_the_text(lang: str, expected: str) -> None:
    """WeasyPrint draws no CSS quotes: the marks of <q> go into the text."""
    root = _typeset('<p>Rzekł <q cite="http://x.org">tak, <q>nie</q> <code>"x"</code></q>.</p>', lang)
    assert etree.tostring(root, encoding="unicode") == expected


def test_curly_quotes_follow_the_language_of_their_passage() -> None:
    """Issue 11 item 17: English “…” left in Russian text become «…» (and
    „…“ one level down); an English passage keeps its own marks."""
    source = ('<section><p>She said “yes”. <span lang="ru">Он ответил: “Вот, “лодка””.</span>'
              '</p><p lang="ru">Она: “Да”.</p><p lang="de">Er rief “Halt”.</p></section>')
    root = _typeset(source, "en")
    assert etree.tostring(root, encoding="unicode") == (
        '<section><p>She said “yes”. <span lang="ru">Он ответил: «Вот, „лодка“».</span>'
        '</p><p lang="ru">Она: «Да».</p><p lang="de">Er rief „Halt“.</p></section>')
    assert etree.tostring(_typeset(etree.tostring(root, encoding="unicode"), "en"),
                          encoding="unicode") == etree.tostring(root, encoding="unicode")
