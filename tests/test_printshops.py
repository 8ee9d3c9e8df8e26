"""Print-service targets (``[pdf] target`` / ``--target``): the settings a
service asks for, KDP's one-sided bleed, and the preflight findings."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from test_pdf_helpers import load

from book.build import Overrides
from book.config import load_config
from book.errors import ConfigError, UsageError
from book.geometry import TRIM_PRESETS, parse_length
from book.printshops import SERVICES, min_gutter, spine_width
from book.writers.pdf import write_print_pdf
from make_book import cli

STORY = """---
title: Próba druku
author: Anna Nowak
lang: pl
---

# Pierwszy rozdział

Zażółć gęślą jaźń. Akapit, który ma kilka zdań, żeby złamać wiersz i sprawdzić
justowanie oraz dzielenie wyrazów na stronie książki.

# Drugi rozdział

Tekst drugiego rozdziału.
"""


def _config(text: str):
    return load_config(Path("/book/book.toml"), "book.toml", text)


def _build(tmp_path: Path, overrides: Overrides, toml: str = ""):
    (tmp_path / "book.md").write_text(STORY, encoding="utf-8")
    source = tmp_path / "book.md"
    if toml:
        (tmp_path / "book.toml").write_text(toml + '\n[content]\nfiles = ["book.md"]\n',
                                            encoding="utf-8")
        source = tmp_path
    book, ctx = load([source], overrides)
    return ctx, write_print_pdf(book, ctx)


# ------------------------------------------------------------------ settings


def test_a_target_sets_what_the_service_asks_for():
    pdf = _config('[pdf]\ntarget = "kdp"\n').pdf
    assert (pdf.target, pdf.bleed_edges, pdf.bookmarks, pdf.marks, pdf.full_fonts) == \
        ("kdp", "outer", False, False, True)
    assert pdf.variant == "pdf/x-4"
    ingram = _config('[pdf]\ntarget = "ingramspark"\n').pdf
    assert (ingram.variant, ingram.bleed_edges, ingram.bookmarks) == ("pdf/x-1a", "all", True)


def test_keys_given_in_book_toml_win_over_the_target():
    pdf = _config('[pdf]\ntarget = "kdp"\nbookmarks = true\nfull_fonts = false\n').pdf
    assert pdf.bookmarks is True and pdf.full_fonts is False and pdf.bleed_edges == "outer"


@pytest.mark.parametrize("text,line,words", [
    ('[pdf]\ntarget = "amazon"\n', 2, "pdf.target must be one of"),
    ('[pdf]\nbleed_edges = "inner"\n', 2, "pdf.bleed_edges must be one of"),
    ('[pdf]\nmarks = true\nbleed_edges = "outer"\n', 2, "cut off"),
])
def test_wrong_target_settings_name_the_line(text, line, words):
    with pytest.raises(ConfigError) as info:
        _config(text)
    assert info.value.line == line and words in str(info.value)


def test_command_line_rejects_an_unknown_target_and_marks_with_outer_bleed(tmp_path):
    with pytest.raises(UsageError, match="--target must be one of"):
        _build(tmp_path, Overrides(target="createspace"))
    with pytest.raises(UsageError, match="crop marks"):
        _build(tmp_path, Overrides(target="kdp", marks=True))
    runner = CliRunner()
    (tmp_path / "book.md").write_text(STORY, encoding="utf-8")
    result = runner.invoke(cli, ["build", str(tmp_path / "book.md"), "-o", str(tmp_path / "out"),
                                 "--target", "nobody"])
    assert result.exit_code == 2 and "--target must be one of" in result.output
    assert not (tmp_path / "out").exists()


def test_service_tables():
    kdp = SERVICES["kdp"]
    assert [min_gutter(kdp, n) for n in (24, 150, 151, 300, 301, 700, 701, 828)] == \
        [0.375, 0.375, 0.5, 0.5, 0.625, 0.75, 0.875, 0.875]
    assert spine_width(kdp, 444) == pytest.approx(1.0)
    assert spine_width(SERVICES["lulu"], 444) == pytest.approx(1.06)
    assert spine_width(SERVICES["ingramspark"], 300) is None


# ------------------------------------------------------------------ KDP interior


@pytest.fixture(scope="module")
def kdp_pdf(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("kdp")
    ctx, result = _build(tmp_path, Overrides(target="kdp", trim="6x9", bleed="0.125in"))
    path = tmp_path / "kdp.pdf"
    path.write_bytes(result.data)
    return ctx, path


def test_kdp_bleed_is_on_the_outer_edges_only(kdp_pdf):
    """6x9 in with bleed must be 6.125 x 9.25 in pages, the bleed away from the spine."""
    _, path = kdp_pdf
    bleed = parse_length("0.125in")
    width, height = TRIM_PRESETS["6x9"]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) > 2
        for index, page in enumerate(pdf.pages):
            tx0, ty0, tx1, ty1 = (float(v) for v in page.TrimBox)
            mx0, my0, mx1, my1 = (float(v) for v in page.MediaBox)
            assert [float(v) for v in page.BleedBox] == [mx0, my0, mx1, my1]
            assert abs((tx1 - tx0) - width) < 0.5 and abs((ty1 - ty0) - height) < 0.5
            assert abs((mx1 - mx0) - (width + bleed)) < 0.5, index
            assert abs((my1 - my0) - (height + 2 * bleed)) < 0.5, index
            recto = index % 2 == 0
            spine_gap, fore_gap = (tx0 - mx0, mx1 - tx1) if recto else (mx1 - tx1, tx0 - mx0)
            assert abs(spine_gap) < 0.01, f"page {index + 1}: bleed at the spine"
            assert abs(fore_gap - bleed) < 0.5, f"page {index + 1}: no bleed at the fore-edge"


def test_kdp_interior_has_no_bookmarks_or_links_and_whole_fonts(kdp_pdf):
    _, path = kdp_pdf
    with pikepdf.open(path) as pdf:
        assert "/Outlines" not in pdf.Root
        assert all("/Annots" not in page for page in pdf.pages)
        programs = [font.FontDescriptor.get("/FontFile3") or font.FontDescriptor.get("/FontFile2")
                    for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary)
                    and obj.get("/Type") == "/Font" and "/FontDescriptor" in obj
                    for font in [obj]]
        sizes = [len(p.read_bytes()) for p in programs if p is not None]
    # A whole Libertine face is several hundred KiB; a subset of a few
    # hundred glyphs is a few dozen.
    assert sizes and min(sizes) > 150_000, sizes
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    # pdffonts reads "subset" from the name tag: whole fonts carry none.
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5:-3] == ["yes", "no"] for row in rows), fonts


def test_kdp_preflight_reports_a_short_book_and_the_spine(kdp_pdf):
    ctx, _ = kdp_pdf
    codes = {d.code: d for d in ctx.diag.items}
    assert codes["PRE001"].severity == "warning" and "24 to 828" in codes["PRE001"].message
    assert "spine width" in codes["PRE010"].message
    assert "PRE002" not in codes and "PRE003" not in codes and "PRE004" not in codes


def test_preflight_names_a_narrow_gutter_wrong_bleed_and_small_margins(tmp_path):
    toml = ('[pdf]\ntarget = "lulu"\nbleed = "3mm"\n'
            '[pdf.margins]\ninner = "0.25in"\nouter = "0.3in"\n')
    ctx, _ = _build(tmp_path, Overrides(), toml)
    found = {d.code: d.message for d in ctx.diag.items if d.code.startswith("PRE")}
    assert "0.3 in" in found["PRE002"] and "0.250 in" in found["PRE002"]
    assert "outer margin is 0.300 in" in found["PRE003"]
    assert "0.125in" in found["PRE004"]


def test_preflight_under_strict_refuses_the_file(tmp_path):
    (tmp_path / "book.md").write_text(STORY, encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(tmp_path / "book.md"), "-o", str(tmp_path / "out"),
                                      "--format", "pdf", "--target", "kdp", "--strict"])
    assert result.exit_code == 1, result.output
    assert "PRE001" in result.output
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_preflight_finds_an_image_printed_below_300_dpi(tmp_path):
    from PIL import Image

    Image.new("RGB", (120, 80), "steelblue").save(tmp_path / "small.png")
    text = STORY + "\n![A small picture.](small.png)\n"
    (tmp_path / "book.md").write_text(text, encoding="utf-8")
    book, ctx = load([tmp_path / "book.md"], Overrides(target="kdp"))
    write_print_pdf(book, ctx)
    found = [d.message for d in ctx.diag.items if d.code == "PRE005"]
    assert found and "small.png" in found[0] and "at least 300" in found[0]


def test_the_target_is_in_the_cli_help():
    result = CliRunner().invoke(cli, ["build", "--help"])
    assert "--target" in result.output and "--bleed-edges" in result.output


def _long_story(paragraphs: int) -> str:
    words = ("the quiet craft of making books asks for patience care and an eye for the page "
             "where every line finds its measure").split()
    body = [" ".join(words[(i * 7 + j * 3) % len(words)] for j in range(60)).capitalize() + "."
            for i in range(paragraphs)]
    return "# One\n\n" + "\n\n".join(body) + "\n"


def test_default_gutter_widens_to_the_service_table_for_the_page_count(tmp_path):
    """Lulu asks 0.8 in of gutter from 151 pages: the default 0.75 in grows, and the
    book is laid out again; margins the user set are never changed (PRE002 instead)."""
    (tmp_path / "long.md").write_text(_long_story(420), encoding="utf-8")
    book, ctx = load([tmp_path / "long.md"], Overrides(target="lulu", trim="100x150mm",
                                                        title="Long", lang="en"))
    result = write_print_pdf(book, ctx)
    notes = [d.message for d in ctx.diag.items if d.code == "PRE011"]
    assert notes and "0.800 in" in notes[0], [d.code for d in ctx.diag.items]
    assert ctx.config.pdf.page_margins.inner == pytest.approx(0.8 * 72)
    assert not [d for d in ctx.diag.items if d.code == "PRE002"]
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        pages = len(pdf.pages)
    assert 151 <= pages <= 400
    # The page count of the final layout is the one the spine is computed from.
    assert any(f"for {pages} pages" in d.message for d in ctx.diag.items if d.code == "PRE010")


def test_margins_the_user_set_are_not_widened():
    from book.context import BuildContext, BuildOptions
    from book.diagnostics import Diagnostics
    from book.writers.pdf.preflight import widen_gutter

    config = _config('[pdf]\ntarget = "lulu"\n[pdf.margins]\ninner = "0.5in"\n')
    ctx = BuildContext(config=config, sandbox=None, diag=Diagnostics(), options=BuildOptions())
    assert widen_gutter(300, ctx) is False
    assert config.pdf.page_margins.inner == pytest.approx(36)
    default = _config('[pdf]\ntarget = "lulu"\n')
    ctx = BuildContext(config=default, sandbox=None, diag=Diagnostics(), options=BuildOptions())
    assert widen_gutter(300, ctx) is True and widen_gutter(300, ctx) is False
    assert default.pdf.page_margins.inner == pytest.approx(0.8 * 72)
