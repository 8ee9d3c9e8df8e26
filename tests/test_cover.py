"""The paperback cover wrap (``--format cover``): geometry from the page count,
the barcode area, spine lettering, PDF/X like the interior."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from book.build import BuildOptions, Overrides, build
from book.config import load_config
from book.context import parse_formats
from book.errors import ConfigError
from book.geometry import POINTS_PER_UNIT, TRIM_PRESETS
from book.writers.pdf.cover import cover_html, spine_font_size, spine_width
from test_pdf_helpers import load

IN = POINTS_PER_UNIT["in"]

STORY = """---
title: The Harbour Wall
author: Ann Author
lang: en
description: "A short book about a harbour wall.\\n\\nIt is built to test the cover."
---

# The Wall

The wall stands where it always stood, and the boats come home to it.
"""


def _project(tmp_path: Path, toml: str = "") -> Path:
    (tmp_path / "book.md").write_text(STORY, encoding="utf-8")
    Image.new("RGB", (1800, 2700), (180, 40, 40)).save(tmp_path / "front.png")
    (tmp_path / "book.toml").write_text(
        '[metadata]\ncover = "front.png"\nisbn = "978-3-16-148410-0"\n'
        '[content]\nfiles = ["book.md"]\n[pdf]\ntrim = "6x9"\n' + toml, encoding="utf-8")
    return tmp_path


@pytest.fixture(scope="module")
def wrap(tmp_path_factory):
    folder = _project(tmp_path_factory.mktemp("cover"))
    result = build([folder], BuildOptions(formats=("pdf", "cover"), outdir=folder / "out"))
    return result, folder


def test_the_wrap_is_back_spine_front_with_bleed(wrap):
    result, _ = wrap
    path = result.outputs["cover"]
    assert path.name == "the-harbour-wall-cover.pdf"
    with pikepdf.open(result.outputs["pdf"]) as interior:
        pages = len(interior.pages)
    width, height = TRIM_PRESETS["6x9"]
    spine = pages / 444 * IN
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        tx0, ty0, tx1, ty1 = (float(v) for v in page.TrimBox)
        mx0, my0, mx1, my1 = (float(v) for v in page.MediaBox)
        assert abs((tx1 - tx0) - (2 * width + spine)) < 0.5 and abs((ty1 - ty0) - height) < 0.5
        for trim_edge, media_edge in ((tx0, mx0), (ty0, my0), (mx1, tx1), (my1, ty1)):
            assert abs(abs(trim_edge - media_edge) - 0.125 * IN) < 0.5
        assert [float(v) for v in page.BleedBox] == [mx0, my0, mx1, my1]
        assert "/OutputIntents" in pdf.Root and "/Outlines" not in pdf.Root
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    assert all(line.split()[-5] == "yes" for line in fonts.stdout.splitlines()[2:] if line.strip())
    codes = [d.code for d in result.diagnostics.items]
    assert "COV001" in codes and "COV003" in codes  # a short book: no spine lettering
    assert "COV002" not in codes  # 1800 px over 6 in is 300 dpi


def test_the_panels_are_where_they_belong(wrap, tmp_path):
    """Rendered: the front is the cover art (red), the back the cover colour,
    and the barcode area white, 0.25 in from the trim at the back's foot."""
    result, _ = wrap
    subprocess.run(["pdftoppm", "-r", "20", "-png", "-singlefile", str(result.outputs["cover"]),
                    str(tmp_path / "wrap")], check=True)
    image = Image.open(tmp_path / "wrap.png").convert("RGB")
    dpi, bleed = 20, 0.125

    def at(x_in: float, y_in: float) -> tuple[int, int, int]:
        return image.getpixel((round((x_in + bleed) * dpi), round((y_in + bleed) * dpi)))

    front = at(6 + 0.03 + 3, 4.5)
    back = at(3, 2)
    barcode = at(6 - 0.25 - 1, 9 - 0.25 - 0.6)
    assert front[0] > 150 and front[1] < 80, front
    assert max(back) < 80, back
    assert min(barcode) > 230, barcode


def test_spine_geometry_and_lettering_direction(tmp_path):
    folder = _project(tmp_path, '[cover]\npaper = "cream"\nbackground = "device-cmyk(0 0.2 0.4 0.8)"\n')
    book, ctx = load([folder], Overrides())
    assert spine_width(400, ctx) == pytest.approx(1.0 * IN)  # cream: 400 pages per inch
    assert spine_font_size(0.1 * IN) is None and spine_font_size(1 * IN) == pytest.approx(14.0)
    html_en, css_en = cover_html(book, ctx, 400)
    assert 'class="spine-text"' in html_en and "rotate(90deg)" in css_en
    assert "device-cmyk(0 0.2 0.4 0.8)" in css_en
    assert 'class="barcode"' in html_en and "It is built to test the cover." in html_en
    book.metadata.language = "pl"
    _, css_pl = cover_html(book, ctx, 400)
    assert "rotate(-90deg)" in css_pl  # continental spines read bottom to top
    html_thin, _ = cover_html(book, ctx, 40)
    assert "spine-text" not in html_thin


def test_a_target_supplies_the_spine_formula(tmp_path):
    folder = _project(tmp_path, 'target = "lulu"\n')
    _, ctx = load([folder], Overrides())
    assert spine_width(444, ctx) == pytest.approx((1 + 0.06) * IN)


def test_format_all_leaves_the_cover_out():
    assert parse_formats("all") == ("epub", "pdf", "pdf-screen", "kepub")
    assert parse_formats("cover") == ("cover",)


def test_a_wrong_cover_colour_names_the_line():
    with pytest.raises(ConfigError) as info:
        load_config(Path("/b/book.toml"), "book.toml", '[cover]\npaper = "white"\nforeground = "red"\n')
    assert info.value.line == 3 and "cover.foreground" in str(info.value)


def test_the_wrap_is_reproducible_and_carries_the_metadata(wrap):
    result, folder = wrap
    again = build([folder], BuildOptions(formats=("cover",), outdir=folder / "again"))
    assert again.outputs["cover"].read_bytes() == result.outputs["cover"].read_bytes()
    with pikepdf.open(result.outputs["cover"]) as pdf:
        assert str(pdf.docinfo.Title) == "The Harbour Wall"
        assert str(pdf.docinfo.Author) == "Ann Author"
