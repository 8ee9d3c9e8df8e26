"""book.pagecheck.typeset: the typesetting checks (LAY005-LAY012) on page
summaries written by hand: exact inputs, exact findings, pages and spots.
The same checks on real layouts are in test_proof.py."""

from __future__ import annotations

import pytest

from book.pagecheck import ALL_CHECKS, Line, PageSummary, run_checks
from book.pagecheck.summary import FIGURE, HEADING, PARAGRAPH


def line(text: str, *, kind: str = PARAGRAPH, block: str = "b", division: str = "c1",
         y: float = 100.0, first: bool = False, last: bool = False, **extra) -> Line:
    values = dict(text=text, kind=kind, tag="p", block=block, division=division, x=72.0, y=y,
                  width=300.0, height=18.0, measure=300.0, font_size=14.0, first=first,
                  last=last, space=0.25, word_space=0.3)
    values.update(extra)
    return Line(**values)


def page(number: int, *lines: Line, blank: bool = False, head: str = "") -> PageSummary:
    return PageSummary(number=number, label=str(number), name="", blank=blank, width=528.0,
                       height=816.0, content_top=72.0, content_bottom=744.0, folio=str(number),
                       running_head=head, lines=list(lines), content_left=72.0,
                       content_right=372.0)


def found(pages: list[PageSummary], code: str) -> list[tuple[int, ...]]:
    return [f.pages for f in run_checks(pages, proof=True) if f.code == code]


def full(number: int, block: str, *, first_block: str | None = None, lines: int = 30,
         division: str = "c1") -> PageSummary:
    """A page of running text: ``lines`` lines of one block."""
    return page(number, *[line(f"text {i}", block=block, y=72.0 + 18 * i, division=division)
                          for i in range(lines)])


def test_widow_and_orphan_with_their_pages():
    pages = [
        page(1, line("a", block="p1", first=True, last=True, y=80),
             line("first line of p2", block="p2", first=True, y=700)),
        page(2, line("rest of p2", block="p2", y=72), line("end of p2", block="p2", last=True,
                                                           y=90),
             line("p3 begins", block="p3", first=True, y=108),
             line("p3 goes on", block="p3", y=126)),
        page(3, line("p3 ends", block="p3", last=True, y=72),
             line("p4", block="p4", first=True, last=True, y=90)),
    ]
    assert found(pages, "LAY006") == [(1,)]
    assert found(pages, "LAY005") == [(3,)]
    widow = next(f for f in run_checks(pages, proof=True) if f.code == "LAY005")
    assert widow.marks == ((3, 72.0, 72.0, 300.0, 18.0),) and widow.severity == "warning"


def test_loose_lines_count_stretch_not_last_or_forced_lines():
    pages = [page(1, line("tight", word_space=0.49), line("loose", word_space=0.6),
                  line("last line", word_space=0.9, last=True),
                  line("broken", word_space=0.9, forced_break=True))]
    findings = [f for f in run_checks(pages, proof=True) if f.code == "LAY007"]
    assert [f.pages for f in findings] == [(1,)]
    assert "2.4×" in findings[0].message and findings[0].severity == "note"
    assert not [f for f in run_checks(pages) if f.code == "LAY007"]  # not in a build


def test_overfull_line_is_an_error_and_a_build_reports_it():
    pages = [page(1, line("fits", width=300.4), line("sticks out", width=312.0, indent=0.0))]
    findings = [f for f in run_checks(pages) if f.code == "LAY008"]
    assert [(f.pages, f.severity) for f in findings] == [((1,), "error")]
    assert "9.0 pt past the margin" in findings[0].message


def test_three_hyphens_in_a_row_make_one_ladder():
    two = [line(f"a{i}-", hyphenated=True, y=72 + 18 * i) for i in range(2)]
    assert found([page(1, *two, line("end", last=True))], "LAY009") == []
    four = [line(f"a{i}-", hyphenated=True, y=72 + 18 * i) for i in range(4)]
    assert found([page(1, *four[:2]), page(2, *four[2:])], "LAY009") == [(1, 2)]


def test_blank_recto_not_blank_verso():
    pages = [full(1, "a"), page(2, blank=True), page(3, blank=True), full(4, "b")]
    assert found(pages, "LAY010") == [(3,)]


def test_short_page_between_full_ones_but_not_a_chapter_end():
    pages = [full(1, "a"), full(2, "a", lines=20), full(3, "a"),
             full(4, "a", lines=10), full(5, "b", division="c2")]
    assert found(pages, "LAY011") == [(2,)]
    pictured = full(2, "a", lines=20)
    pictured.lines.append(line("", kind=FIGURE, y=72.0 + 18 * 20, height=180.0))
    assert found([full(1, "a"), pictured, full(3, "a")], "LAY011") == []  # a picture fills it


@pytest.mark.parametrize(("ppi", "expected"), [(299, [(1,)]), (300, []), (0, [])])
def test_pictures_under_300_ppi(ppi, expected):
    picture = line("", kind=FIGURE, ppi=ppi, image="map.png")
    assert found([page(1, picture)], "LAY012") == expected


def test_codes_are_distinct_and_each_check_has_a_severity():
    codes = [c.code for c in ALL_CHECKS]
    assert codes == [f"LAY{n:03d}" for n in range(1, 13)]
    assert {c.severity for c in ALL_CHECKS} == {"error", "warning", "note"}
    assert not [c.code for c in ALL_CHECKS if not c.function.__doc__]


def test_heading_finding_marks_the_heading():
    pages = [page(1, line("text", first=True, last=True, y=80),
                  line("Heading", kind=HEADING, level=2, first=True, last=True, y=700,
                       block="h")),
             page(2, line("after", block="q", first=True, last=True, y=72))]
    alone = [f for f in run_checks(pages, proof=True) if f.code == "LAY002"]
    assert [f.marks for f in alone] == [((1, 72.0, 700.0, 300.0, 18.0),)]
