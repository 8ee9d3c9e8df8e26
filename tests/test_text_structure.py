"""Issue 10: the plain-text reader on manuscripts nobody tuned it for.

One made-up manuscript (our own words) per defect class, each with the
exact outline it must give: (depth, kind, title) of every division, and
the paragraphs where they matter.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from lxml import etree

from book.model import Matter
from book.xhtml import classes, text_content
from tests.conftest import make_context, read_source


def read(tmp_path: Path, text: str | bytes, name: str = "book.txt"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    ctx = make_context(tmp_path)
    return read_source(path, ctx), ctx


def outline(result) -> list[tuple[int, str, str]]:
    return [(c.depth, c.kind, c.title) for c in result.chapters]


def paragraphs(chapter) -> list[str]:
    return [" ".join(text_content(p).split()) for p in chapter.tree.iter("p")
            if "stanza" not in classes(p)]


def wrap(text: str, width: int = 70, indent: str = "") -> str:
    lines = textwrap.wrap(text, width)
    return indent + "\n".join(lines) + "\n"


# ------------------------------------------------------------------ 1. abbreviations


NOTARY = """\
I

The Notary

M. Lebrun had kept the office on the square for thirty years, and
M. Carrel, his clerk, had kept it with him for twenty of them; the
town knew them both by sight and neither of them by name.

C. Dupin, the baker's son, came in on the Monday with a letter that
nobody in the family could read, and he laid it on the desk as if it
might go off.

L. Marchand signed as witness, and the clerk stamped the paper twice
because the first stamp had come out faint.

M. Carrel said nothing.

II

The Letter

It was, as the notary said afterwards, the shortest will he had ever
read: three lines, a date, and the name of a boat. I. e. nothing at
all that a court would accept, and yet everything the family needed.

D. Ferrand, the harbour master, knew the boat and said so at once,
and M. Lebrun folded the paper along its old creases.
"""


def test_abbreviations_at_line_starts_are_not_numerals(tmp_path: Path) -> None:
    result, ctx = read(tmp_path, NOTARY)
    assert outline(result) == [(0, "chapter", "I: The Notary"), (0, "chapter", "II: The Letter")]
    first, second = result.chapters
    assert [p[:20] for p in paragraphs(first)] == [
        "M. Lebrun had kept t", "C. Dupin, the baker'", "L. Marchand signed a",
        "M. Carrel said nothi"]
    assert paragraphs(first)[0].endswith("neither of them by name.")
    assert [p[:20] for p in paragraphs(second)] == ["It was, as the notar",
                                                    "D. Ferrand, the harb"]
    assert not [h for c in result.chapters for h in c.tree.iter("h2", "h3")]


# ------------------------------------------------------------------ 2 and 3. stacked, nested

PARAGRAPH = ("The wind came down the valley in the evening and the shutters of the "
             "mill knocked against the wall until somebody went out to fasten them.")


def _chapter(label: str) -> str:
    return f"{label}\n\n" + wrap(PARAGRAPH) + "\n" + wrap(PARAGRAPH) + "\n"


RIVER = ("THE RIVER YEARS\n\nA CHRONICLE\n\nBY MARTHA QUILL\n\n\n\n"
         "VOLUME I—THE VALLEY\n\n\nBOOK FIRST—THE MILL\n\n\n" + _chapter("CHAPTER I—A WET SPRING")
         + _chapter("CHAPTER II—THE MILLER'S SON")
         + "BOOK SECOND—THE TOWN\n\n\n" + _chapter("CHAPTER III—MARKET DAY")
         + _chapter("CHAPTER IV—THE FAIR")
         + "VOLUME II—THE FLOOD\n\n\nBOOK FIRST—RAIN\n\n\n" + _chapter("CHAPTER I—THE DAM")
         + _chapter("CHAPTER II—NIGHT")
         + "BOOK SECOND—AFTER\n\n\n" + _chapter("CHAPTER III—MORNING"))

RIVER_OUTLINE = [
    (0, "part", "VOLUME I: THE VALLEY"),
    (1, "part", "BOOK FIRST: THE MILL"),
    (2, "chapter", "CHAPTER I: A WET SPRING"),
    (2, "chapter", "CHAPTER II: THE MILLER'S SON"),
    (1, "part", "BOOK SECOND: THE TOWN"),
    (2, "chapter", "CHAPTER III: MARKET DAY"),
    (2, "chapter", "CHAPTER IV: THE FAIR"),
    (0, "part", "VOLUME II: THE FLOOD"),
    (1, "part", "BOOK FIRST: RAIN"),
    (2, "chapter", "CHAPTER I: THE DAM"),
    (2, "chapter", "CHAPTER II: NIGHT"),
    (1, "part", "BOOK SECOND: AFTER"),
    (2, "chapter", "CHAPTER III: MORNING"),
]


def test_stacked_headings_at_a_volume_start_are_kept(tmp_path: Path) -> None:
    """Class 2: VOLUME / BOOK / CHAPTER with no text between them are not a
    contents list: they never come back."""
    result, ctx = read(tmp_path, RIVER)
    assert outline(result) == RIVER_OUTLINE
    assert not [d for d in ctx.diag.items if d.code == "TXT010"]
    assert result.metadata["title"] == "The River Years"
    assert result.metadata["subtitle"] == "A Chronicle"
    assert result.metadata["authors"] == ["Martha Quill"]


def test_three_levels_nest_in_the_nav_and_the_printed_contents(tmp_path: Path) -> None:
    """Class 3: volume > book > chapter in the built book's contents, the
    EPUB navigation's source, and in the printed contents."""
    from book.build import load_book
    from book.writers.pdf.html import toc_entries

    path = tmp_path / "river.txt"
    path.write_text(RIVER, encoding="utf-8")
    book, ctx = load_book([path])
    assert [(c.depth, c.kind, c.title) for c in book.chapters] == RIVER_OUTLINE

    def tree(entries):
        return [(e.title, tree(e.children)) for e in entries]

    assert tree(book.toc) == [
        ("VOLUME I: THE VALLEY", [
            ("BOOK FIRST: THE MILL", [("CHAPTER I: A WET SPRING", []),
                                      ("CHAPTER II: THE MILLER'S SON", [])]),
            ("BOOK SECOND: THE TOWN", [("CHAPTER III: MARKET DAY", []),
                                       ("CHAPTER IV: THE FAIR", [])])]),
        ("VOLUME II: THE FLOOD", [
            ("BOOK FIRST: RAIN", [("CHAPTER I: THE DAM", []), ("CHAPTER II: NIGHT", [])]),
            ("BOOK SECOND: AFTER", [("CHAPTER III: MORNING", [])])]),
    ]
    printed = [(depth, entry.title) for entry, depth, _front in toc_entries(book, 1)]
    assert printed[:4] == [(0, "VOLUME I: THE VALLEY"), (1, "BOOK FIRST: THE MILL"),
                           (2, "CHAPTER I: A WET SPRING"), (2, "CHAPTER II: THE MILLER'S SON")]
    headings = [book.chapters[n].tree[0].tag for n in (0, 1, 2)]
    assert headings == ["h1", "h2", "h3"]


def test_a_contents_list_whose_entries_come_back_is_dropped(tmp_path: Path) -> None:
    text = ("CONTENTS\n\nVOLUME I—THE VALLEY\nCHAPTER I—A WET SPRING\nCHAPTER II—THE FAIR\n\n\n"
            "VOLUME I—THE VALLEY\n\n" + _chapter("CHAPTER I—A WET SPRING")
            + _chapter("CHAPTER II—THE FAIR"))
    result, ctx = read(tmp_path, text)
    assert outline(result) == [(0, "part", "VOLUME I: THE VALLEY"),
                               (1, "chapter", "CHAPTER I: A WET SPRING"),
                               (1, "chapter", "CHAPTER II: THE FAIR")]
    assert [r.reason for r in result.source_text.removed] == ["contents list"]
    assert any(d.code == "TXT010" for d in ctx.diag.notes)


# ------------------------------------------------------------------ 4. number line + title line


ARRIVAL = ("THE MILL HOUSE.\n\nBY JOHN SMITH\n\n\n\nI\n\nThe Arrival.\n\n\n"
           + wrap("He came on the last train, which was late, with one bag and a letter "
                  "of introduction that nobody had asked him for.") + "\n"
           + wrap("The porter took the bag and left the letter, and the two of them walked "
                  "up the hill without a word between them.")
           + "\n\nII\n\nFather and Son.\n\n\n"
           + wrap("The old man was waiting at the gate, as he had waited every evening "
                  "since the telegram came.")
           + "\n\nIII\n\nThe Mill.\n\n\n"
           + wrap("Nobody had worked the wheel for years, but it turned when the river was "
                  "high, and that night the river was high."))


def test_a_numeral_and_its_title_line_are_one_heading(tmp_path: Path) -> None:
    result, ctx = read(tmp_path, ARRIVAL)
    assert outline(result) == [(0, "chapter", "I: The Arrival."),
                               (0, "chapter", "II: Father and Son."),
                               (0, "chapter", "III: The Mill.")]
    h1 = result.chapters[0].tree[0]
    assert [text_content(s) for s in h1.iter("span")] == ["I", "The Arrival."]
    assert paragraphs(result.chapters[0])[0].startswith("He came on the last train")
    assert result.metadata == {"title": "The Mill House", "authors": ["John Smith"]}


def test_the_first_sentence_is_never_a_subtitle(tmp_path: Path) -> None:
    text = ("THE MILL HOUSE\n\nBY JOHN SMITH\n\n\n\nI\n\n"
            + wrap("He came on the last train, which was late, with one bag.")
            + "\n\nII\n\n" + wrap("The old man was waiting at the gate, as every evening."))
    result, _ = read(tmp_path, text)
    assert outline(result) == [(0, "chapter", "I"), (0, "chapter", "II")]
    assert "subtitle" not in result.metadata
    assert paragraphs(result.chapters[0]) == [
        "He came on the last train, which was late, with one bag."]


def test_the_title_line_reaches_the_nav_and_the_running_head(tmp_path: Path) -> None:
    from book.build import load_book

    path = tmp_path / "mill.txt"
    path.write_text(ARRIVAL, encoding="utf-8")
    book, ctx = load_book([path])
    assert [entry.title for entry in book.toc] == ["I: The Arrival.", "II: Father and Son.",
                                                   "III: The Mill."]
    # The print writer's running head is the chapter's contents title.
    assert [c.toc_title or c.title for c in book.chapters][0] == "I: The Arrival."


# ------------------------------------------------------------------ 5. title page roles


_BODIES = {
    "de": ("Erstes Kapitel", "Der Hof stand am Rand des Dorfes, und der Hof gehörte seit jeher "
           "der Familie, die im grünen Haus neben dem Hof wohnte und nie fortging."),
    "fr": ("CHAPITRE PREMIER", "La maison était au bout du quai, et personne ne se souvenait "
           "de l’avoir vue autrement que fermée, sauf le dimanche matin."),
    "pl": ("Rozdział pierwszy", "Dom stał nad samym stawem i nikt już nie pamiętał, kto go "
           "zbudował ani dlaczego postawiono go tak blisko wody."),
    "en": ("CHAPTER I", "The first line of the text, which is long enough to be a paragraph "
           "of prose, and which goes on for a while longer."),
}


@pytest.mark.parametrize(("lang", "page", "expected"), [
    ("de", "DER GRÜNE HOF.\n\nRoman\n\nvon\n\nKarl Beispiel\n\nBerlin, 1899.\n\n"
     "Verlag von Muster & Sohn.\n\nPreis 2 Mark.\n\n",
     {"title": "Der grüne Hof", "subtitle": "Roman", "authors": ["Karl Beispiel"]}),
    ("fr", "LA MAISON DU QUAI\n\npar Jeanne Exemple\n\nParis\nLibrairie Modèle\n1902\n\n",
     {"title": "La maison du quai", "authors": ["Jeanne Exemple"]}),
    ("pl", "DOM NAD STAWEM\n\nautor: Jan Przykładowy\n\nCena 20 kop.\n\n",
     {"title": "Dom nad stawem", "authors": ["Jan Przykładowy"]}),
    ("en", "THE HOUSE BY THE HARBOUR\n\nby Anne Example\n\nLONDON:\nSAMPLE & SONS, "
     "PUBLISHERS.\n1887.\n\n", {"title": "The House by the Harbour",
                                  "authors": ["Anne Example"]}),
])
def test_title_page_lines_are_read_by_their_role(tmp_path: Path, lang: str, page: str,
                                                 expected: dict) -> None:
    """Class 5: title, subtitle, by-line ("von" alone on its line too),
    imprint, price and date lines each recognized; none becomes a heading
    or text; the title in the language's normal case."""
    heading, prose = _BODIES[lang]
    result, ctx = read(tmp_path, page + "\n\n" + heading + "\n\n" + wrap(prose))
    assert result.metadata == expected
    assert [c.kind for c in result.chapters] == ["chapter"]
    assert not [c for c in result.chapters if c.matter is Matter.FRONT]
    reasons = [r.reason for r in result.source_text.removed]
    assert len(reasons) == 1 and reasons[0].startswith("title page (")


def test_an_unrecognized_title_page_line_stays_as_front_matter(tmp_path: Path) -> None:
    text = ("THE HOUSE BY THE HARBOUR\n\nby Anne Example\n\nPassed by the censor\n\n"
            "LONDON.\n\n1887.\n\n\nCHAPTER I\n\n" + wrap(PARAGRAPH))
    result, _ = read(tmp_path, text)
    assert outline(result) == [(0, "chapter", ""), (0, "chapter", "CHAPTER I")]
    front = result.chapters[0]
    assert front.matter is Matter.FRONT
    assert paragraphs(front) == ["Passed by the censor"]
    assert not list(front.tree.iter("h1"))


# ------------------------------------------------------------------ 6. boilerplate


def test_a_gutenberg_footer_without_a_header_is_removed(tmp_path: Path) -> None:
    text = ("CHAPTER I\n\n" + wrap(PARAGRAPH) + "\n\n\n"
            "End of the Project Gutenberg EBook of The Mill, by Nobody\n\n"
            "*** END OF THIS PROJECT GUTENBERG EBOOK THE MILL ***\n\n"
            "Updated editions will replace the previous one.\n")
    result, ctx = read(tmp_path, text)
    assert outline(result) == [(0, "chapter", "CHAPTER I")]
    assert "Gutenberg" not in " ".join(result.chapters[0].tree.itertext())
    footer = text.split("\n").index("End of the Project Gutenberg EBook of The Mill, by Nobody")
    assert [(r.first, r.reason) for r in result.source_text.removed] == [
        (footer + 1, "licence footer")]
    assert any(d.code == "TXT003" for d in ctx.diag.notes)


@pytest.mark.parametrize("line", ["Ende dieses Projekt Gutenberg Etextes \"Der Hof\" von Niemand",
                                  "Fin du Projet Gutenberg, La Maison"])
def test_gutenberg_footers_in_other_languages(tmp_path: Path, line: str) -> None:
    result, _ = read(tmp_path, "Kapitel 1\n\n" + wrap(PARAGRAPH) + f"\n\n{line}\n")
    assert "Gutenberg" not in " ".join(result.chapters[0].tree.itertext())


# ------------------------------------------------------------------ 7. contents drive headings


_POLISH = [
    "Było już późno, kiedy bryczka zjechała z gościńca na boczną drogę między olchami, a "
    "konie, czując bliskość stajni, same przyspieszyły kroku, choć nikt ich nie poganiał.",
    "Stangret milczał przez całą drogę, a teraz odwrócił się na koźle i pokazał batem "
    "światło w oknach, jakby chciał powiedzieć, że tam czekają z kolacją od godziny.",
    "W sieni pachniało jabłkami i woskiem. Stara Marianna wyszła z lampą, obejrzała "
    "przybyłego od stóp do głów i dopiero wtedy pozwoliła mu wejść dalej.",
    "Dwór stał na niewielkim wzgórzu, otoczony lipami, które pamiętały jeszcze dziadka "
    "obecnego właściciela, i z każdej strony wyglądał inaczej, zależnie od pory dnia.",
    "Burza przyszła nagle, z zachodu, i w ciągu kilku minut zrobiło się ciemno jak "
    "wieczorem, a pierwszy grzmot przetoczył się nad stawem i nad całym folwarkiem.",
]


def _indented(text: str) -> str:
    lines = textwrap.wrap(text, 68)
    return "     " + "\n".join(lines) + "\n"


def _manor(contents: str) -> str:
    centred = " " * 30
    return (contents + "\n\n\n"
            "PRZYJAZD\n" + _indented(_POLISH[0]) + _indented(_POLISH[1])
            + centred + "I\n" + _indented(_POLISH[2]) + centred + "II\n" + _indented(_POLISH[1])
            + "\nSTARY DWÓR\n" + _indented(_POLISH[3]) + _indented(_POLISH[2])
            + "\nNA POLOWANIU\n" + _indented(_POLISH[0]) + _indented(_POLISH[3])
            + "\nBURZA\n" + _indented(_POLISH[4]) + _indented(_POLISH[0]))


@pytest.mark.parametrize("contents", [
    "SPIS ROZDZIAŁÓW: Przyjazd. -- Stary dwór. -- Na polowaniu. --\nBurza.",
    "Przyjazd. — Stary dwór. — Na polowaniu. — Burza.",
    "SPIS RZECZY\n\nPrzyjazd\nStary dwór\nNa polowaniu\nBurza",
])
def test_the_contents_list_finds_chapters_named_by_words(tmp_path: Path, contents: str) -> None:
    """Class 7: no blank lines between paragraphs (first-line indents only),
    chapters named by words in capitals, the contents at the top, centred
    section numbers."""
    result, ctx = read(tmp_path, _manor(contents))
    assert outline(result) == [(0, "chapter", "PRZYJAZD"), (0, "chapter", "STARY DWÓR"),
                               (0, "chapter", "NA POLOWANIU"), (0, "chapter", "BURZA")]
    first = result.chapters[0]
    assert [text_content(h) for h in first.tree.iter("h2")] == ["I", "II"]
    assert [p[:12] for p in paragraphs(first)] == ["Było już póź", "Stangret mil",
                                                    "W sieni pach", "Stangret mil"]
    assert all(len(paragraphs(c)) == 2 for c in result.chapters[1:])
    assert [r.reason for r in result.source_text.removed] == ["contents list"]
    text = " ".join(" ".join(c.tree.itertext()) for c in result.chapters)
    assert "Na polowaniu" not in text  # the list itself is gone


# ------------------------------------------------------------------ 8. mojibake


def test_c1_controls_from_windows_1252_are_repaired(tmp_path: Path) -> None:
    text = ("Rozdział pierwszy\n\n\x84Tak\x94 \u2014 powiedziała matka i "
            "zamknęła drzwi.\n\nA potem \x93nic\x94 się nie stało.\n")
    result, ctx = read(tmp_path, text)  # saved as UTF-8, with the C1 characters in it
    body = " ".join(result.chapters[0].tree.itertext())
    assert "„Tak” — powiedziała matka" in body and "“nic”" in body
    assert not any("\x80" <= ch <= "\x9f" for ch in body)
    [note] = [d for d in ctx.diag.notes if d.code == "ENC003"]
    assert "2 lines" in note.message and "Windows-1252" in note.message


def test_no_control_character_reaches_the_book(tmp_path: Path) -> None:
    from book.build import load_book

    path = tmp_path / "c.txt"
    path.write_text("Chapter 1\n\nA bell\x07 rang\x1b and a \x85 stray one.\n", encoding="utf-8")
    book, ctx = load_book([path])
    text = "".join("".join(c.tree.itertext()) for c in book.chapters)
    assert not [ch for ch in text if ord(ch) < 32 and ch not in "\t\n" or 0x7F <= ord(ch) <= 0x9F]
    assert any(d.code == "ENC002" for d in ctx.diag.warnings)


# ------------------------------------------------------------------ 10. paragraph sanity


_SENTENCES = ["The road went on past the mill and over the bridge to the town.",
              "Nobody in the house could remember when the clock had last been wound.",
              "Her brother wrote every week, and every week the letter said the same things.",
              "In the spring the river rose and took the lower field, as it always did.",
              "They sold the horse in the autumn and bought a cart that nobody could pull."]


def _prose(sentences: int, start: int) -> str:
    return " ".join(_SENTENCES[(start + n) % 5] for n in range(sentences))


def _normal_chapter(title: str) -> str:
    return f"{title}\n\n" + "\n".join(wrap(_prose(4, k)) for k in range(8)) + "\n"


def test_a_chapter_of_one_huge_paragraph_is_cut_again(tmp_path: Path) -> None:
    """Paragraphs ended only by a short last line, no blank lines, in a
    book whose other chapters use blank lines."""
    middle = "CHAPTER 2\n\n" + "".join(wrap(_prose(6, k) + " It rained.") for k in range(24))
    text = _normal_chapter("CHAPTER 1") + "\n" + middle + "\n" + _normal_chapter("CHAPTER 3")
    result, ctx = read(tmp_path, text)
    assert [len(paragraphs(c)) for c in result.chapters] == [8, 24, 8]
    assert all(p.endswith("It rained.") for p in paragraphs(result.chapters[1]))
    assert any(d.code == "TXT031" for d in ctx.diag.notes)


def test_lines_taken_for_paragraphs_are_joined(tmp_path: Path) -> None:
    """A double-spaced chapter: every wrapped line stands between blank lines."""
    middle = "CHAPTER 2\n\n" + "".join(
        "\n\n".join(textwrap.wrap(_prose(4, k), 70)) + "\n\n\n" for k in range(6))
    text = _normal_chapter("CHAPTER 1") + "\n" + middle + _normal_chapter("CHAPTER 3")
    result, _ = read(tmp_path, text)
    assert [len(paragraphs(c)) for c in result.chapters] == [8, 6, 8]
    assert paragraphs(result.chapters[1])[0] == _prose(4, 0)


def test_a_real_long_paragraph_stays_and_is_doubted(tmp_path: Path) -> None:
    """Lines filled to the width all the way: the author's own long
    paragraph is kept whole, and the build warns about it (STR002)."""
    from book.build import load_book

    path = tmp_path / "long.txt"
    path.write_text("CHAPTER 1\n\n" + wrap(_prose(130, 0)) + "\n\nCHAPTER 2\n\n"
                    + wrap(_prose(4, 1)), encoding="utf-8")
    book, ctx = load_book([path])
    assert [len(paragraphs(c)) for c in book.chapters] == [1, 1]
    [doubt] = [d for d in ctx.diag.warnings if d.code == "STR002"]
    assert doubt.line == 3 and "1,8" in doubt.message


def test_every_element_is_serializable(tmp_path: Path) -> None:
    result, _ = read(tmp_path, RIVER + NOTARY + ARRIVAL)
    for chapter in result.chapters:
        etree.tostring(chapter.tree)
