"""Issue 12: a dot leader is drawn as one run of text, with its dots exactly
where WeasyPrint's one-box-per-dot leaders put them
(book/writers/pdf/leaders.py)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from book.writers.pdf import leaders

from .conftest import pdf_characters

ENTRIES = ["Preface", "The Page", "Notes at the Foot of the Page",
           "A chapter title long enough to wrap onto a second line of the contents page",
           "Quotation Marks Travel Badly"]


def contents_html(extra_css: str = "") -> str:
    items = "".join(f"<li><a href='#c{n}'>{title}</a></li>" for n, title in enumerate(ENTRIES))
    targets = "".join(f"<h2 id='c{n}'>{title}</h2>" for n, title in enumerate(ENTRIES))
    return ("<html lang='en'><head><style>"
            "@page { size: 120mm 180mm; margin: 15mm }"
            "body { font-family: serif; font-size: 11pt }"
            "ul { list-style: none; padding: 0 } a { display: block; color: black }"
            "a::after { content: leader('. ') target-counter(attr(href url), page) }"
            f"{extra_css}</style></head><body><ul>{items}</ul>{targets}</body></html>")


RENDER = """
import sys
from weasyprint import HTML
if sys.argv[1] == "merged":
    from book.writers.pdf import leaders
    leaders.install()
sys.stdout.buffer.write(HTML(string=sys.stdin.read()).write_pdf())
"""


def pdf_of(html: str, leaders_are: str) -> bytes:
    """The PDF a fresh process makes of ``html``: WeasyPrint's own leaders
    ("boxes") or ours ("merged"), everything else the same."""
    done = subprocess.run([sys.executable, "-c", RENDER, leaders_are], input=html.encode(),
                          capture_output=True, check=True, timeout=120)
    return done.stdout


def with_merged_leaders(html: str):
    from weasyprint import HTML

    leaders.install()
    return HTML(string=html).render()


def leader_boxes(box):
    if getattr(box, "is_leader", False):
        yield box
    for child in getattr(box, "children", ()):
        yield from leader_boxes(child)


def test_each_leader_is_one_text_box_of_every_repetition():
    document = with_merged_leaders(contents_html())
    found = list(leader_boxes(document.pages[0]._page_box))
    assert len(found) == len(ENTRIES)
    for box in found:
        run, = box.children
        assert run.text.startswith(". . . . ") and set(run.text) == {".", " "}


@pytest.mark.parametrize("css", ["", "a { letter-spacing: 0.1em }"])
def test_every_dot_is_where_one_box_per_dot_puts_it(css):
    html = contents_html(css)
    merged, boxes = pdf_characters(pdf_of(html, "merged")), pdf_characters(pdf_of(html, "boxes"))
    assert [c for c, _ in merged] == [c for c, _ in boxes]
    assert sum(c == "." for c, _ in merged) > 5 * len(ENTRIES)
    for (_, ours), (_, theirs) in zip(merged, boxes):
        assert max(abs(a - b) for a, b in zip(ours, theirs)) < 0.01  # points


def test_spaced_leaders_keep_weasyprints_boxes():
    document = with_merged_leaders(contents_html("a { letter-spacing: 0.1em }"))
    found = list(leader_boxes(document.pages[0]._page_box))
    assert found and all(len(box.children) > 1 for box in found)
