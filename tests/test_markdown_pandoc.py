"""Pandoc's Markdown dialect (issue 11, items 7–11): title blocks and metadata,
footnotes, raw LaTeX, GitHub anchors, the first heading as the title, and
the extensions a Pandoc manuscript leans on.  Every manuscript here is made
up for the test."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree
from PIL import Image

from book.build import Overrides, build
from book.context import BuildOptions
from book.readers.markdown.metadata import split_front_matter
from tests.scaling import Work, assert_linear
from tests.test_reader_markdown import body, plain, read_md

from .conftest import epubcheck_messages, make_context

XHTML = "{http://www.w3.org/1999/xhtml}"


def codes(ctx) -> list[str]:
    return [d.code for d in ctx.diag.items]


def warned(ctx, code: str) -> list[tuple[int | None, str]]:
    return [(d.line, d.message) for d in ctx.diag.items if d.code == code]


# ---------------------------------------------------------------- item 7: metadata


def test_pandoc_title_block_with_continued_authors_and_a_written_date(tmp_path: Path) -> None:
    text = ("% Rivers of *Slate*\n% Mira Kestrel\n  Tomas Ferrow\n% March 3, 1999\n\n"
            "The quarry opened in spring.\n")
    result, ctx = read_md(tmp_path, text)
    assert result.metadata == {"title": "Rivers of Slate", "date": "1999-03-03",
                               "authors": ["Mira Kestrel", "Tomas Ferrow"]}
    assert body(result) == "<p>The quarry opened in spring.</p>"
    assert codes(ctx) == []


def test_multimarkdown_key_lines_before_the_first_blank_line(tmp_path: Path) -> None:
    text = ("Title: Salt Roads\nAuthor: Ada Brenn; Olek Varo\nDate: 2021-06\n"
            "Keywords: trade, salt\n\nCaravans crossed the flats.\n")
    result, _ = read_md(tmp_path, text)
    assert result.metadata == {"title": "Salt Roads", "authors": ["Ada Brenn", "Olek Varo"],
                               "date": "2021-06", "keywords": ["trade", "salt"]}
    assert body(result) == "<p>Caravans crossed the flats.</p>"


def test_a_paragraph_opening_with_a_colon_is_not_metadata(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "Warning: the ice is thin.\nStay ashore.\n")
    assert result.metadata == {}
    assert body(result) == "<p>Warning: the ice is thin.\nStay ashore.</p>"


def test_yaml_blocks_later_in_the_file_are_metadata_not_text(tmp_path: Path) -> None:
    text = ("The ferry left at dawn.\n\n---\ntitle: Ferry Notes\nauthor:\n  - Lin Ostrava:\n"
            "      affiliation: Harbour Board\n...\n\nIt returned at dusk.\n\n"
            "```yaml\n---\ntitle: Only an example\n---\n```\n")
    result, _ = read_md(tmp_path, text)
    assert result.metadata == {"title": "Ferry Notes", "authors": ["Lin Ostrava"]}
    assert body(result) == ('<p>The ferry left at dawn.</p><p>It returned at dusk.</p>'
                            '<pre><code class="language-yaml">---\ntitle: Only an example\n---'
                            '</code></pre>')


def test_a_rule_around_a_sentence_stays_markdown() -> None:
    found = split_front_matter("Text.\n\n---\nNote: keep this\n---\n", lambda *a: None)
    assert found.metadata == {} and "Note: keep this" in found.text


def test_pandoc_scholar_author_maps_give_names(tmp_path: Path) -> None:
    text = ("---\ntitle: Tide Tables\nauthor:\n  - Rui Calder:\n      orcid: 0000-0000\n"
            "  - Ines Varga:\n      email: iv@example.org\nbibliography: refs.bib\n---\n\nText.\n")
    result, ctx = read_md(tmp_path, text)
    assert result.metadata == {"title": "Tide Tables", "authors": ["Rui Calder", "Ines Varga"]}
    assert codes(ctx) == []


# ---------------------------------------------------------------- item 8: footnotes


def test_footnotes_first_definition_wins_and_duplicates_are_reported(tmp_path: Path) -> None:
    text = ("Owls hunt at night.[^o] Bats too.[^b]\n\n[^o]: The first owl note.\n\n"
            "[^b]: About bats.\n\n[^o]: A second owl note.\n")
    result, ctx = read_md(tmp_path, text)
    notes = [plain(a) for a in result.chapters[0].tree.iter("aside")]
    assert notes == ['<aside id="fn-doc-o" epub-type="footnote"><p>The first owl note.</p></aside>',
                     '<aside id="fn-doc-b" epub-type="footnote"><p>About bats.</p></aside>']
    assert warned(ctx, "MD013") == [(7, "footnote [^o] is defined again here; the first "
                                         "definition is kept (as Pandoc does)")]


def test_footnotes_defined_in_an_html_block_and_called_from_one(tmp_path: Path) -> None:
    text = ("Reeds bend.[^r]\n\n<p>Willows weep.[^w]</p>\n\n"
            "<div class=\"notes\">\n[^r]: Reed note.\n[^w]: Willow note.\n</div>\n\n"
            "After the notes.\n")
    result, ctx = read_md(tmp_path, text)
    assert body(result) == (
        '<p>Reeds bend.<a href="#fn-doc-r" epub-type="noteref">1</a></p>'
        '<p>Willows weep.<a href="#fn-doc-w" epub-type="noteref">2</a></p>'
        '<p>After the notes.</p>'
        '<aside id="fn-doc-r" epub-type="footnote"><p>Reed note.</p></aside>'
        '<aside id="fn-doc-w" epub-type="footnote"><p>Willow note.</p></aside>')
    assert codes(ctx) == []


def test_footnote_lines_inside_raw_html_are_notes_not_text(tmp_path: Path) -> None:
    text = ('Moss grows.[^m]\n\n<div class="box">\n<p>Lichen too.[^l]</p>\n'
            "[^m]: On the *north* side.\n[^l]: Slowly.\n[^m]: Ignored twice.\n</div>\n")
    result, ctx = read_md(tmp_path, text)
    assert body(result) == (
        '<p>Moss grows.<a href="#fn-doc-m" epub-type="noteref">1</a></p><div class="box">\n'
        '<p>Lichen too.<a href="#fn-doc-l" epub-type="noteref">2</a></p></div>'
        '<aside id="fn-doc-m" epub-type="footnote"><p>On the <em>north</em> side.</p></aside>'
        '<aside id="fn-doc-l" epub-type="footnote"><p>Slowly.</p></aside>')
    assert warned(ctx, "MD013") == [(7, "footnote [^m] is defined again here; the first "
                                         "definition is kept (as Pandoc does)")]


def test_a_call_with_no_note_anywhere_is_left_out_with_a_warning(tmp_path: Path) -> None:
    result, ctx = read_md(tmp_path, "Larches drop needles.[^16] Pines keep them.\n")
    assert body(result) == "<p>Larches drop needles. Pines keep them.</p>"
    assert warned(ctx, "MD012") == [(1, "footnote [^16] has no definition; the call was left out")]


# ---------------------------------------------------------------- item 9: raw LaTeX


def _png(path: Path) -> None:
    Image.new("RGB", (12, 8), (20, 90, 160)).save(path)


def test_latex_figures_become_figures_and_the_rest_is_reported(tmp_path: Path) -> None:
    _png(tmp_path / "kiln.png")
    _png(tmp_path / "shed.png")
    text = ("Before.\n\n\\newpage\n\nAfter the break.\n\n"
            "\\begin{figure}[h]\n\\centering\n\\includegraphics[width=.5\\textwidth]{kiln}\n"
            "\\caption{The old kiln}\n\\end{figure}\n\n"
            "\\photo{shed.png}{The drying shed}\n\n"
            "\\vspace{2em}\n\nText with \\emph{stress} and \\cite{knuth} inside.\n\n"
            "<latex>\\hfill\\rule{3cm}{1pt}</latex>\n\nPaths stay: C:\\Users\\kiln\\notes.\n")
    result, ctx = read_md(tmp_path, text)
    assert body(result) == (
        '<p>Before.</p><p class="page-break-before">After the break.</p>'
        '<figure><img src="kiln.png"/><figcaption>The old kiln</figcaption></figure>'
        '<figure><img src="shed.png"/><figcaption>The drying shed</figcaption></figure>'
        '<p>Text with <em>stress</em> and  inside.</p>'
        '<p>Paths stay: C:\\Users\\kiln\\notes.</p>')
    assert warned(ctx, "MD071") == [
        (15, "raw LaTeX '\\\\vspace{2em}' left out (only LaTeX output could use it)"),
        (17, "raw LaTeX '\\\\cite{knuth}' left out (only LaTeX output could use it)"),
        (19, "raw LaTeX '\\\\rule{3cm}{1pt}' left out (only LaTeX output could use it)")]


def test_a_missing_includegraphics_file_is_an_image_the_images_pass_reports(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "\\includegraphics{plots/missing.png}\n")
    assert body(result) == '<figure><img src="plots/missing.png"/></figure>'


# ---------------------------------------------------------------- items 10, 11


def test_headings_carry_their_github_anchor(tmp_path: Path) -> None:
    text = "Intro.\n\n# Spis treści\n\n## 1. Wstęp\n\n## 1. Wstęp\n"
    result, _ = read_md(tmp_path, text)
    assert [(h.get("id"), h.get("data-mb-alias")) for h in result.chapters[0].tree
            if h.tag in ("h1", "h2")] == [("spis-treści", None), ("wstęp", "1-wstęp"),
                                          ("wstęp-1", "1-wstęp-1")]


def test_a_lone_first_heading_titles_a_one_file_book(tmp_path: Path) -> None:
    text = "# Harbour Lights\n\n## Arrival\n\nShips came.\n\n### Night\n\nDark.\n\n## Departure\n\nThey left.\n"
    result, _ = read_md(tmp_path, text)
    assert result.metadata == {"title": "Harbour Lights"}
    assert [c.title for c in result.chapters] == ["Arrival", "Departure"]
    assert body(result, 0) == '<h1 id="arrival">Arrival</h1><p>Ships came.</p><h2 id="night">Night</h2><p>Dark.</p>'


def test_a_title_given_elsewhere_keeps_the_heading_as_a_chapter(tmp_path: Path) -> None:
    text = "---\ntitle: Collected Tides\n---\n\n# Harbour Lights\n\n## Arrival\n\nShips.\n"
    result, _ = read_md(tmp_path, text)
    assert result.metadata == {"title": "Collected Tides"}
    assert [c.title for c in result.chapters] == ["Harbour Lights"]


def test_the_same_title_given_elsewhere_is_not_printed_twice(tmp_path: Path) -> None:
    ctx = make_context(tmp_path, title="Harbour lights")
    result, _ = read_md(tmp_path, "# Harbour Lights\n\n## Arrival\n\nShips.\n", ctx=ctx)
    assert "title" not in result.metadata
    assert [c.title for c in result.chapters] == ["Arrival"]


# ---------------------------------------------------------------- Pandoc extensions


def test_math_citations_divs_table_captions_and_heading_attributes(tmp_path: Path) -> None:
    text = ("The mean $\\bar{x}$ costs $5 and $6 here [see @ward02, p. 4; @li19].\n\n"
            "$$E = mc^2$$\n\n::: {.warning #careful}\nMind the *gap*.\n\n::: aside\nInner.\n:::\n"
            ":::\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nTable: Two numbers.\n\n"
            "## Sources {#src .unnumbered lang=de}\n")
    result, ctx = read_md(tmp_path, text)
    assert body(result) == (
        '<p>The mean <code class="tex-math">\\bar{x}</code> costs $5 and $6 here '
        '<span class="citation">[see @ward02, p. 4; @li19]</span>.</p>'
        '<p class="tex-math-display"><code class="tex-math">E = mc^2</code></p>'
        '<aside class="callout callout-warning warning" role="note" id="careful">'
        '<p>Mind the <em>gap</em>.</p><div class="aside"><p>Inner.</p></div></aside>'
        '<table><caption>Two numbers.</caption><thead><tr><th scope="col">a</th>'
        '<th scope="col">b</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>'
        '<h2 class="unnumbered" lang="de" id="src" data-mb-alias="sources">Sources</h2>')
    assert warned(ctx, "MD080") == [(1, "1 citation(s) such as [see @ward02, p. 4; @li19] are "
                                         "kept as written: make_book formats no bibliography "
                                         "(run pandoc --citeproc first to get formatted "
                                         "references)")]
    assert [line for line, _ in warned(ctx, "MD081")] == [None]


# ---------------------------------------------------------------- the whole build

MANUSCRIPT = """% The Lighthouse Keeper's Almanac
% Oona Pettersen
% 2023-09-01

# The Lighthouse Keeper's Almanac

## Spis treści

- [Lamps](#Lamps)
- [Święta latarni](#Święta-latarni)
- [Fog](#fog-and-horns)

## Lamps

The lamp burns paraffin.[^lamp] Wicks are trimmed at noon.[^wick]

\\begin{figure}
\\includegraphics{lamp}
\\caption{The lamp room at dusk}
\\end{figure}

\\newpage

## Święta latarni

Each keeper counts the days.[^lamp]

[^lamp]: Paraffin replaced whale oil.

[^wick]: A trimmed wick does not smoke.

[^wick]: A second definition nobody should see.

## Fog and horns {#fog-and-horns}

Back to [the lamps](#lamps).
"""


def test_a_pandoc_manuscript_builds_with_its_figure_and_notes(tmp_path: Path) -> None:
    (tmp_path / "almanac.md").write_text(MANUSCRIPT, encoding="utf-8")
    _png(tmp_path / "lamp.png")
    result = build([tmp_path / "almanac.md"], BuildOptions(formats=("epub", "pdf"),
                                                           outdir=tmp_path / "out"),
                   Overrides(lang="en"))
    book = result.book
    assert book.metadata.title == "The Lighthouse Keeper's Almanac"
    assert [a.name for a in book.metadata.authors] == ["Oona Pettersen"]
    assert [c.title for c in book.chapters] == ["Spis treści", "Lamps", "Święta latarni",
                                                "Fog and horns"]
    codes_seen = [d.code for d in result.diagnostics.items]
    assert "LINK001" not in codes_seen and codes_seen.count("MD013") == 1
    assert "NOTE001" not in codes_seen  # a note called from two chapters is in both
    with zipfile.ZipFile(result.outputs["epub"]) as epub:
        names = epub.namelist()
        text = {n: epub.read(n).decode("utf-8") for n in names if n.endswith(".xhtml")}
    assert any(n.endswith(".png") for n in names)
    trees = {n.rsplit("/", 1)[-1]: etree.fromstring(t.encode("utf-8")) for n, t in text.items()}
    contents = next(t for t in trees.values() if "Spis" in "".join(t.itertext())
                    and t.find(f".//{XHTML}ul") is not None)
    targets = []
    for a in contents.iter(f"{XHTML}a"):  # links written for GitHub reach their headings
        name, _, fragment = a.get("href").rpartition("#")
        target = trees[name or "?"].find(f".//*[@id='{fragment}']")
        heading = target if target.tag != f"{XHTML}section" else target.find(f"{XHTML}h1")
        targets.append("".join(heading.itertext()))
    assert targets == ["Lamps", "Święta latarni", "Fog and horns"]
    lamps = next(t for n, t in text.items() if ">Lamps</h1>" in t)
    assert ">The lamp room at dusk</figcaption>" in lamps and "<figure><img" in lamps
    assert lamps.count('epub:type="footnote"') == 2 and "second definition" not in lamps
    assert "newpage" not in "".join(text.values()) and "[^" not in "".join(text.values())
    assert epubcheck_messages(result.outputs["epub"]) == []
    assert result.outputs["pdf"].stat().st_size > 0


# ---------------------------------------------------------------- hostile input

import pytest  # noqa: E402


@pytest.mark.parametrize(("unit", "count"), [
    ("\\x{", 100_000),
    ("\\begin{a}", 50_000),
    ("\\begin{a}\n", 50_000),
    ("::: x\n", 30_000),
    ("[@a ", 100_000),
    ("[^a]", 50_000),
    ("x\n\n---\ntitle: a\n---\n", 5_000),
    ("x\n\n---\ntitle: a\n", 20_000),
], ids=["open-braces", "begin-inline", "begin-lines", "unclosed-divs", "citations",
        "calls-in-html", "yaml-blocks", "unclosed-yaml"])
def test_pandoc_rules_stay_linear_on_hostile_input(tmp_path: Path, unit: str, count: int) -> None:
    """Each input's time at two sizes against each other (tests/scaling.py):
    a rule that backtracks grows sixteen times when the input grows four; an
    absolute limit measured the machine as much as the rule (a slow spell
    took one case past it)."""
    def text(n: int) -> str:
        body = unit * n
        return f"<p>{body}</p>\n\n[^a]: n\n" if unit == "[^a]" else body

    results = []

    def prepare(n: int) -> Work:
        return lambda: results.append(read_md(tmp_path, text(n))[0])

    assert_linear(prepare, count // 8)  # an eighth, then half the size that used to be timed
    assert all(result.chapters for result in results)
