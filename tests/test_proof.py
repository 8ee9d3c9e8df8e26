"""make-book proof: a made-up book with known problems, proofed through the
command line, finds exactly those problems on their pages; the spreads,
contact sheet, proof.html and proof.json are what the README says.

The book's stylesheet lets a widow, a heading at a page foot and a loose
line happen (widows: 1, no keep after headings, no hyphenation); the
chapters are lines broken by hand, so where pages end does not depend on
line breaking.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html
from PIL import Image

from book.proof import write_proof
from book.proof.render import BLEED_COLOUR, TRIM_COLOUR
from book.proof.report import SCHEMA
from book.proof.sheets import GAP, SPREADS_PER_ROW

REPO = Path(__file__).resolve().parents[1]
LONG = "pneumonoultramicroscopicsilicovolcanoconiosis"
DPI = 40
#: The page size (5.5 × 8.5 in, the default trim) at DPI.
PAGE = (round(5.5 * DPI), round(8.5 * DPI))

BOOK_TOML = """[metadata]
title = "Known Problems"
authors = [{ name = "A. Tester" }]
language = "en"
date = "2026-01-01"

[content]
files = [%s]

[style]
css = ["proof.css"]
"""
CSS = """p { widows: 1; orphans: 1; hyphens: manual; }
h2 { break-after: auto; page-break-after: auto; }
h2 + p { break-before: auto; break-inside: avoid; }
"""


def lines(start: int, count: int) -> str:
    """A paragraph of ``count`` lines broken by hand."""
    return "\\\n".join(f"Line {i}" for i in range(start, start + count))


def make_book(folder: Path, chapters: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    (folder / "book.toml").write_text(BOOK_TOML % ", ".join(f'"{n}"' for n in chapters),
                                      encoding="utf-8")
    (folder / "proof.css").write_text(CSS, encoding="utf-8")
    for name, text in chapters.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def proof(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "make_book", "proof", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def known(tmp_path_factory):
    """The book with a widow (chapter one: 25 lines fill the opening page,
    34 the next, the 60th is alone), a heading at a foot and a loose line
    (chapter two), proofed with --json --strict."""
    root = tmp_path_factory.mktemp("proof")
    book = make_book(root / "book", {
        "one.md": "# One\n\n" + lines(1, 60) + "\n",
        "two.md": "# Two\n\n" + lines(1, 18) + "\n\n## A heading at the foot\n\n" + lines(19, 10)
                  + f"\n\nGo to {LONG} {LONG} and back.\n",
    })
    run = proof(str(book), "-o", str(root / "out"), "--json", "--strict", "--dpi", str(DPI),
                "--no-cache", "-j", "1")
    return run, root / "out" / "known-problems-proof"


def test_finds_exactly_the_known_problems_with_their_pages(known):
    run, _folder = known
    assert run.returncode == 0, run.stderr  # --strict: warnings and notes are not errors
    data = json.loads(run.stdout)
    assert [(f["code"], f["pages"], f["labels"]) for f in data["findings"]] == [
        ("LAY002", [11], ["5"]),   # the heading at the foot of chapter two's opening
        ("LAY005", [9], ["3"]),    # "Line 60" alone at the top
        ("LAY007", [12], ["6"]),   # "Go to" stretched over the line
    ]
    messages = [f["message"] for f in data["findings"]]
    assert "“A heading at the foot”" in messages[0] and "“Line 60”" in messages[1]
    assert messages[2].startswith("loose line on page 6") and "Go to" in messages[2]


def test_json_schema_and_proof_json(known):
    run, folder = known
    data = json.loads(run.stdout)
    assert json.loads((folder / "proof.json").read_text(encoding="utf-8")) == data
    assert data["schema"] == SCHEMA and data["pages"] == 12 and data["dpi"] == DPI
    assert data["title"] == "Known Problems" and data["pdf"] == "../known-problems.pdf"
    assert data["counts"] == {"error": 0, "warning": 2, "note": 1}
    assert data["codes"] == {"LAY002": 1, "LAY005": 1, "LAY007": 1}
    for finding in data["findings"]:
        assert set(finding) == {"code", "severity", "message", "hint", "pages", "labels", "marks"}
        assert finding["severity"] in ("error", "warning", "note") and finding["hint"]
        for spot in finding["marks"]:
            assert spot["page"] in finding["pages"]
            assert 0 < spot["x"] < 528 and 0 < spot["y"] < 816 and spot["width"] > 0
    assert data["contact_sheet"] == "contact-sheet.png"
    assert data["spreads"] == [f"spreads/spread-{n:03d}.png" for n in range(1, 8)]
    assert all((folder / name).is_file() for name in data["spreads"])


def test_spreads_face_pages_with_trim_boxes(known):
    _run, folder = known
    first = Image.open(folder / "spreads" / "spread-001.png").convert("RGB")
    assert first.size == (2 * PAGE[0], PAGE[1])
    # page 1 alone on the right: the left half is the table, the right a page
    assert first.getpixel((PAGE[0] // 2, PAGE[1] // 2)) != (255, 255, 255)
    assert first.getpixel((PAGE[0] + PAGE[0] // 2, 5)) == (255, 255, 255)
    # the trim box (no bleed: the whole page) outlined on both pages of a spread
    second = Image.open(folder / "spreads" / "spread-002.png").convert("RGB")
    assert second.size == (2 * PAGE[0], PAGE[1])
    for x in (0, PAGE[0], 2 * PAGE[0] - 1):
        assert second.getpixel((x, PAGE[1] // 2)) == TRIM_COLOUR
    last = Image.open(folder / "spreads" / "spread-007.png").convert("RGB")
    assert last.getpixel((PAGE[0] // 2, 5)) == (255, 255, 255)  # page 12 alone, on the left
    assert last.getpixel((PAGE[0] + PAGE[0] // 2, 5)) != (255, 255, 255)


def test_contact_sheet_rows_of_spreads_with_framed_findings(known):
    _run, folder = known
    sheet = Image.open(folder / "contact-sheet.png").convert("RGB")
    rows = -(-7 // SPREADS_PER_ROW)
    assert sheet.height == GAP + rows * (150 + GAP)
    assert sheet.width > SPREADS_PER_ROW * 2 * 90
    width = sheet.width
    assert width == GAP + SPREADS_PER_ROW * (2 * round(150 * 5.5 / 8.5) + GAP)


def test_report_lists_each_finding_with_its_thumbnail(known):
    _run, folder = known
    page = html.parse(str(folder / "proof.html")).getroot()
    assert page.findtext(".//h1") == "Proof: Known Problems"
    findings = page.find_class("finding")
    assert [f.get("id") for f in findings] == ["LAY005-9", "LAY002-11", "LAY007-12"]  # page order
    for item in findings:
        image = item.find(".//img")
        assert (folder / image.get("src")).is_file()
        thumb = Image.open(folder / image.get("src")).convert("RGB")
        assert thumb.height == 220
        assert (230, 40, 0) in {thumb.getpixel((x, y)) for x in range(thumb.width)
                                for y in range(thumb.height)}  # the spot is marked
        link = item.find(".//a").get("href")
        assert link.startswith("spreads/spread-") and (folder / link).is_file()
    text = page.text_content()
    assert "Fix: keep a heading with what follows" in text
    assert "widow at the top of page 3" in text


def test_strict_exits_1_on_an_overfull_line_and_bleed_is_outlined(tmp_path):
    book = make_book(tmp_path / "book", {"one.md": "# One\n\n" + LONG * 3
                                         + ".\n"})
    strict = proof(str(book), "-o", str(tmp_path / "out"), "--strict", "--dpi", str(DPI),
                   "--bleed", "3mm", "-j", "1")
    assert strict.returncode == 1
    assert "error-level problems" in strict.stderr and "LAY008" in strict.stderr
    folder = tmp_path / "out" / "known-problems-proof"
    data = json.loads((folder / "proof.json").read_text(encoding="utf-8"))
    assert [(f["code"], f["severity"]) for f in data["findings"]] == [("LAY008", "error")]
    relaxed = proof(str(book), "-o", str(tmp_path / "out"), "--dpi", str(DPI), "-j", "1",
                    "--bleed", "3mm")
    assert relaxed.returncode == 0, relaxed.stderr
    spread = Image.open(folder / "spreads" / "spread-001.png").convert("RGB")
    bleed = round(3 / 25.4 * DPI)
    assert spread.size == (2 * (PAGE[0] + 2 * bleed), PAGE[1] + 2 * bleed)
    right = spread.width // 2
    assert spread.getpixel((right, spread.height // 2)) == BLEED_COLOUR
    trim_x = [x for x in range(right, right + 3 * bleed)
              if spread.getpixel((x, spread.height // 2)) == TRIM_COLOUR]
    assert trim_x and abs(trim_x[0] - right - bleed) <= 1


def test_same_pdf_same_proof_bytes(known, tmp_path):
    _run, folder = known
    pdf = folder.parent / "known-problems.pdf"
    from book.pagecheck import Finding

    finding = Finding("LAY005", "m", "h", (9,), ("3",), marks=((9, 72.0, 72.0, 100.0, 18.0),))
    outputs = []
    for name in ("a", "b"):
        write_proof(pdf, [finding], tmp_path / name, dpi=30, title="T")
        outputs.append({p.relative_to(tmp_path / name): p.read_bytes()
                        for p in sorted((tmp_path / name).rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1] and len(outputs[0]) == 7 + 4


def test_a_picture_under_300_ppi_is_found_on_its_page(tmp_path):
    """Through the library (one document, no cache): a 120 × 80 px picture
    printed at its CSS size (one pixel a CSS px: 96 ppi)."""
    from book.build import Overrides
    from book.context import BuildOptions
    from book.diagnostics import Diagnostics
    from book.proof import make_proof

    (tmp_path / "images").mkdir()
    Image.new("RGB", (120, 80), (30, 120, 200)).save(tmp_path / "images" / "map.png")
    (tmp_path / "one.md").write_text("# One\n\nA map follows.\n\n![A small map](images/map.png)"
                                     "\n\nAfter the map.\n", encoding="utf-8")
    result = make_proof([tmp_path / "one.md"], BuildOptions(outdir=tmp_path / "out"),
                        Overrides(title="Pictures", lang="en"), Diagnostics(), dpi=30)
    [finding] = result.data.findings
    assert (finding.code, finding.labels, finding.severity) == ("LAY012", ("1",), "warning")
    assert "map.png" in finding.message and "96 ppi" in finding.message
    [(page, _x, y, _w, height)] = finding.marks
    assert page == finding.pages[0] and height == 80.0
    assert not result.errors and (result.folder / "thumbs" / f"page-{page:04d}.png").is_file()


def test_an_orphan_is_found_on_its_page(tmp_path):
    """Through the library: 24 lines on the opening page (25 fit), then a
    paragraph whose first line is left alone at its foot (orphans: 1)."""
    from book.build import Overrides
    from book.context import BuildOptions
    from book.diagnostics import Diagnostics
    from book.proof import make_proof

    book = make_book(tmp_path / "book", {"one.md": "# One\n\n" + lines(1, 24) + "\n\n"
                                         + lines(25, 5) + "\n"})
    result = make_proof([book], BuildOptions(outdir=tmp_path / "out"), Overrides(),
                        Diagnostics(), dpi=30)
    assert [(f.code, f.labels) for f in result.data.findings] == [("LAY006", ("1",))]
    assert "“Line 25”" in result.data.findings[0].message
