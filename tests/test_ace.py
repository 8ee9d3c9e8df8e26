"""Ace by DAISY finds nothing to report in our EPUBs (issue 6).

Ace runs for real (``book/check/ace.py``: Node, the Ace modules installed
at the repository root by ``PUPPETEER_SKIP_DOWNLOAD=1 npm ci``, Debian's
Chromium).  A missing piece is a test failure, never a skip.  Each book is
built as ``make-book build`` makes it, EPUB and print PDF together, so the
EPUB carries the print page list Ace also checks (``epub-pagesource``,
``epub-pagelist-*``).  The bar is zero violations of any impact.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from book.build import Overrides, build
from book.check.ace import find_ace, run_ace
from book.check.report import Finding
from book.context import BuildOptions


REPO = Path(__file__).resolve().parents[1]


def ace_violations(epub: Path) -> list[str]:
    setup = find_ace()
    assert not isinstance(setup, Finding), f"Ace cannot run here: {setup}"
    tool, findings = run_ace(epub)
    assert tool.status == "ran", [str(f) for f in findings]
    return [str(f) for f in findings]


def build_epub(sources: list[Path], outdir: Path, **overrides) -> Path:
    result = build(sources, BuildOptions(formats=("epub", "pdf"), outdir=outdir),
                   Overrides(**overrides))
    return result.outputs["epub"]


@pytest.mark.parametrize("name", ["seed", "pride", "guide", "docx4j", "doyle"])
def test_ace_finds_nothing_in_the_corpus_books(corpus_book, name):
    """0 violations of any impact, page list included (built with the PDF)."""
    assert ace_violations(corpus_book(name).epub_path) == []


def test_ace_finds_nothing_in_the_sample_book(tmp_path):
    # Cover, dedication, epigraph, front and back matter, notes, verse, an SVG.
    epub = build_epub([REPO / "sources"], tmp_path)
    assert ace_violations(epub) == []


BOOK_TOML = """[metadata]
title = "Harbours and Storms"
authors = ["Ada Example"]
language = "en"
publisher = "Example Press"
print_isbn = "978-0-306-40615-7"
dedication = "For the harbour masters."
epigraph = { text = "Any port in a storm.", source = "proverb" }

[content]
files = [
  { file = "part-one.md", kind = "part" },
  "harbours.md",
  "storms.md",
]

[epub]
split_bytes = 20000
"""

HARBOURS = """# Harbours

A harbour is a place of rest.[^rest] Its master keeps the [tide tables](#tides).

| Harbour | Depth (m) | Berths |
|---------|-----------|--------|
| Northgate | 7.5 | 40 |
| Saltmere | 4.2 | 12 |

![A sketch of the harbour wall with three moored boats](wall.png)

{alt: ""}
![](rule.png)

## Tides {#tides}

High water comes twice a day.

[^rest]: Or of unrest, in the herring season.
"""


def test_ace_finds_nothing_in_a_book_with_every_feature(tmp_path):
    source = tmp_path / "book"
    source.mkdir()
    (source / "book.toml").write_text(BOOK_TOML, encoding="utf-8")
    (source / "part-one.md").write_text("# Part One: The Coast\n", encoding="utf-8")
    (source / "harbours.md").write_text(HARBOURS, encoding="utf-8")
    paragraph = ("The storm came in from the west and stayed three days; the boats stayed in, "
                 "the nets dried on the wall, and the harbour master counted the hours. ")
    storms = "# Storms\n\n" + "\n\n".join(
        f"## The {n}th day\n\n" + "\n\n".join(paragraph * 4 for _ in range(6)) for n in range(4, 12))
    (source / "storms.md").write_text(storms, encoding="utf-8")
    Image.new("RGB", (320, 200), (90, 90, 100)).save(source / "wall.png")
    Image.new("RGB", (300, 4), (0, 0, 0)).save(source / "rule.png")
    for notes in ("footnotes", "book-end"):
        epub = build_epub([source], tmp_path / notes, notes=notes)
        assert ace_violations(epub) == [], notes
