"""book.pagecheck: page summaries and the checks on them.

The checks are tested on summaries written by hand (exact inputs, exact
findings); the extractor on a small page WeasyPrint really lays out.
"""

from __future__ import annotations

import pickle

import pytest

from book.diagnostics import Diagnostics
from book.errors import StrictError
from book.pagecheck import CHECKS, Line, MissingGlyph, PageSummary, report, run_checks, shifted
from book.pagecheck.summary import CODE, FRONT, HEADING, PARAGRAPH


def line(text: str, kind: str = PARAGRAPH, *, block: str = "b", division: str = "c1",
         y: float = 100.0, first: bool = True, last: bool = True, level: int = 0, **extra) -> Line:
    return Line(text=text, kind=kind, tag="h2" if kind == HEADING else "p", block=block,
                division=division, x=72.0, y=y, width=300.0, height=18.0, measure=300.0,
                font_size=14.0, first=first, last=last, level=level, **extra)


def page(number: int, *lines: Line, folio: str = "", label: str = "", name: str = "mb-chapter",
         blank: bool = False, missing: list[MissingGlyph] | None = None) -> PageSummary:
    return PageSummary(number=number, label=label or str(number), name=name, blank=blank,
                       width=528.0, height=816.0, content_top=72.0, content_bottom=744.0,
                       folio=folio, lines=list(lines), missing=missing or [])


def codes(pages: list[PageSummary], **kw) -> list[str]:
    return [f.code for f in run_checks(pages, **kw)]


# ------------------------------------------------------------------ LAY001


def test_text_page_without_folio_is_found_with_its_label():
    pages = [page(1, line("Half title", FRONT)),             # front matter: no folio wanted
             page(2, blank=True),
             page(3, line("Some text of the book."), folio="1", label="1"),
             page(4, line("More text of the book."), label="2"),
             page(5, line("Even more text."), label="3")]
    found = [f for f in run_checks(pages) if f.code == "LAY001"]
    assert len(found) == 1
    assert found[0].pages == (4, 5) and found[0].labels == ("2", "3")
    assert found[0].message == "2 pages with text print no page number: page 2, page 3"


def test_folios_are_not_asked_of_the_screen_pdf():
    pages = [page(1, line("Text without a folio."))]
    assert codes(pages) == ["LAY001"]
    assert codes(pages, print_edition=False) == []


# ------------------------------------------------------------------ LAY002


def test_heading_at_the_foot_with_its_text_overleaf_is_alone():
    pages = [page(1, line("Last words.", block="a"), line("A Heading", HEADING, block="h", y=700,
                                                        level=2), folio="1"),
             page(2, line("Its text begins here.", block="p", first=True, last=False), folio="2")]
    found = run_checks(pages)
    assert [f.code for f in found] == ["LAY002"]
    assert found[0].message == ("the heading “A Heading” is alone at the foot of page 1: its "
                                "text begins on the next page")


def test_heading_alone_at_the_top_of_an_opening_page():
    pages = [page(1, line("Chapter One", HEADING, block="h", level=1), folio="1"),
             page(2, line("Text.", first=True, last=False), folio="2")]
    assert [f.message.split(" is alone at the ")[1][:3] for f in run_checks(pages)] == ["top"]


@pytest.mark.parametrize("after", [
    [line("one", block="p", first=True, last=False), line("two", block="p", first=False,
                                                          last=False)],
    [line("A one-line paragraph.", block="p")],
    [line("", "figure", block="img")],
])
def test_heading_kept_with_two_lines_a_whole_short_paragraph_or_a_picture(after):
    pages = [page(1, line("Heading", HEADING, block="h", level=2), *after, folio="1"),
             page(2, line("More.", block="q", first=True, last=False), folio="2")]
    assert codes(pages) == []


def test_heading_ending_its_division_or_section_is_not_alone():
    part = [page(1, line("Part One", HEADING, block="h", division="part1", level=1)),
            page(2, line("Chapter 1", HEADING, block="h2", division="ch1", level=2), folio="2")]
    empty_section = [page(1, line("Text.", block="a"), line("Notes", HEADING, block="h", level=2),
                          folio="1"),
                     page(2, line("Index", HEADING, block="h2", level=2), folio="2")]
    assert "LAY002" not in codes(part) and "LAY002" not in codes(empty_section)


# ------------------------------------------------------------------ LAY003, LAY004


def test_missing_glyphs_name_characters_and_pages():
    miss = MissingGlyph(chars="\U0010fffd", context="a \U0010fffd b", kind=PARAGRAPH,
                        family="Linux Libertine O", lang="pl")
    pages = [page(7, line("a \U0010fffd b"), folio="3", label="3", missing=[miss]),
             page(8, line("x \x85 y"), folio="4", label="4",
                  missing=[MissingGlyph("\x85", "x y", PARAGRAPH, "Linux Libertine O")])]
    found = [f for f in run_checks(pages) if f.code == "LAY003"]
    assert [f.pages for f in found] == [(7,), (8,)]
    assert found[0].message.startswith("no font has U+10FFFD: printed as boxes on page 3 (")
    assert "U+0085" in found[1].message and "encoding" in found[1].hint


def test_code_broken_inside_a_word_is_found():
    lines = [line("    Package.load(new Fi", CODE, block="k", first=True, last=False,
                  break_in_word=True),
             line("le(path));", CODE, block="k", first=False, last=True, forced_break=True)]
    found = [f for f in run_checks([page(1, *lines, folio="1")]) if f.code == "LAY004"]
    assert len(found) == 1 and found[0].pages == (1,)


# ------------------------------------------------------------------ reporting, data


def test_findings_become_warnings_and_strict_refuses():
    pages = [page(n, line(f"text {n}", block=f"p{n}")) for n in range(1, 4)]
    diag = Diagnostics()
    report(run_checks(pages), diag)
    assert [d.code for d in diag.warnings] == ["LAY001"]
    assert diag.warnings[0].message.startswith("print PDF: 3 pages with text print no page number")
    with pytest.raises(StrictError):
        report(run_checks(pages), Diagnostics(strict=True))


def test_many_findings_of_one_code_are_summed_up():
    pages = []
    for n in range(0, 30, 2):
        pages.append(page(n + 1, line("H", HEADING, block=f"h{n}", level=2), folio=str(n + 1)))
        pages.append(page(n + 2, line("t", block=f"p{n}", first=True, last=False), folio=str(n + 2)))
    diag = Diagnostics()
    report(run_checks(pages), diag)
    assert len(diag.warnings) == 11
    assert diag.warnings[-1].message == "print PDF: 5 more like the above"


def test_summaries_pickle_and_shift():
    pages = [page(1, line("a")), page(2, line("b"))]
    again = pickle.loads(pickle.dumps(pages))
    assert again == pages
    moved = shifted(again, 10, labels=[str(n) for n in range(1, 20)])
    assert [(p.number, p.label) for p in moved] == [(11, "11"), (12, "12")]


def test_every_check_has_a_distinct_stable_code():
    assert [c.code for c in CHECKS] == ["LAY001", "LAY002", "LAY003", "LAY004"]


# ------------------------------------------------------------------ the extractor


def test_extractor_reads_lines_kinds_margins_and_missing_glyphs():
    from weasyprint import CSS, HTML

    from book.pagecheck import summarize

    html = """<html lang="en"><body><section class="mb-division" id="c1">
      <h2>Title</h2>
      <p data-mb-key="0.1">Words words words words words words words words words words
      words words words words words words words words words words words words.</p>
      <div class="verse"><p class="stanza" data-mb-key="0.2"><span class="line">A line</span><br/>
      <span class="line">Another line</span></p></div>
      <pre data-mb-key="0.3">keep(  this)
tail_of_it</pre>
      <p data-mb-key="0.4">Odd \U0010fffd sign.</p></section></body></html>"""
    css = CSS(string="@page { size: 300px 500px; margin: 40px; @bottom-center { content: "
                     "counter(page) } @top-center { content: 'Running' } }"
                     "span.line { display: inline-block }")
    document = HTML(string=html).render(stylesheets=[css])
    [summary] = summarize(document.pages, ["7"])
    assert (summary.number, summary.label, summary.folio, summary.running_head) == \
        (1, "7", "1", "Running")
    kinds = [(ln.kind, ln.block, ln.first, ln.last) for ln in summary.lines]
    assert kinds[0] == ("heading", kinds[0][1], True, True)
    assert [k[:2] for k in kinds[1:]] == [("paragraph", "0.1")] * (len(kinds) - 6) + [
        ("verse", "0.2"), ("verse", "0.2"), ("code", "0.3"), ("code", "0.3"),
        ("paragraph", "0.4")]
    code = [ln for ln in summary.lines if ln.kind == "code"]
    assert [ln.text for ln in code] == ["keep(  this)", "tail_of_it"]
    assert all(ln.forced_break and not ln.break_in_word for ln in code)
    assert [(m.chars, m.kind) for m in summary.missing] == [("\U0010fffd", "paragraph")]
