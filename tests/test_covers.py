"""The generated cover (issue 15): every book gets one, in every script,
inside the safe area, the same bytes for the same metadata; and the checks
of a supplied cover."""

from __future__ import annotations

import io
import subprocess
import zipfile
from functools import lru_cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTContainer
from PIL import Image

from book.build import Overrides, build, load_book
from book.config import COVER_DESIGNS, load_config
from book.context import BuildOptions
from book.covers import DESIGN_NAMES, EPUB_COVER_SIZE, epub_cover_spec, rgb_colour
from book.covers.fit import units
from book.covers.fonts import font_stack
from book.covers.layout import safe_area
from book.covers.render import rasterize, render_cover
from book.errors import ConfigError
from book.model import Series
from conftest import epubcheck_messages

OPF = "{http://www.idpf.org/2007/opf}"

TITLES = {
    "pl": ("Zażółć gęślą jaźń, czyli źdźbło o łąkach", "Opowieść", "Władysław Żeleński"),
    "ru": ("Преступление и наказание", "Роман в шести частях", "Фёдор Достоевский"),
    "ja": ("吾輩は猫である", "", "夏目漱石"),
}


def book_for(tmp_path: Path, lang: str, title: str, subtitle: str, author: str, **config):
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "book.md"
    source.write_text("# One\n\nText.\n", encoding="utf-8")
    book, ctx = load_book([source], BuildOptions(formats=("epub",), outdir=tmp_path / "out"),
                          Overrides(title=title, subtitle=subtitle or None, authors=[author],
                                    lang=lang))
    for key, value in config.items():
        setattr(ctx.config.cover, key, value)
    return book, ctx


@lru_cache(maxsize=None)
def _font_file(family: str) -> str | None:
    """The file fontconfig gives for ``family``, when it really is that family."""
    run = subprocess.run(["fc-match", "-f", "%{family}\n%{file}", family], capture_output=True,
                         text=True, check=True)
    names, _, path = run.stdout.partition("\n")
    return path if family in names.split(",") else None


@lru_cache(maxsize=None)
def _cmap(path: str) -> frozenset[int]:
    font = TTFont(path, fontNumber=0, lazy=True)
    return frozenset(font.getBestCmap() or {})


def chars_of(pdf: bytes) -> list[LTChar]:
    found: list[LTChar] = []

    def walk(item) -> None:
        if isinstance(item, LTChar):
            found.append(item)
        elif isinstance(item, LTContainer):
            for child in item:
                walk(child)

    for page in extract_pages(io.BytesIO(pdf)):
        walk(page)
    return found


@pytest.mark.parametrize("lang", ["pl", "ru", "ja"])
def test_generated_cover_shows_every_glyph_inside_the_safe_area(tmp_path, lang):
    title, subtitle, author = TITLES[lang]
    book, ctx = book_for(tmp_path, lang, title, subtitle, author)
    spec = epub_cover_spec(book, ctx)
    rendered = render_cover(spec)
    # WeasyPrint drew no .notdef box...
    assert rendered.missing == []
    # ...and, checked on its own, a face of the cover's stack has every character.
    for role, text in spec.texts:
        style = {"title": "display"}.get(role, "text")
        covered = frozenset().union(*(_cmap(path) for family in font_stack("classic", style, lang)
                                      if (path := _font_file(family))))
        assert [ch for ch in text if not ch.isspace() and ord(ch) not in covered] == []
    # Every character of the texts is on the page, each glyph inside the safe area.
    chars = chars_of(rendered.pdf)
    drawn = "".join(char.get_text() for char in chars)
    for _, text in spec.texts:
        assert "".join(text.split()) in "".join(drawn.split())
    safe = safe_area(spec.width, spec.height)
    height_pt = spec.height * 0.75
    for char in chars:
        left, right = char.x0 / 0.75, char.x1 / 0.75
        top, bottom = (height_pt - char.y1) / 0.75, (height_pt - char.y0) / 0.75
        assert safe.x - 1 <= left and right <= safe.right + 1, (char.get_text(), left, right)
        assert safe.y - 1 <= top and bottom <= safe.bottom + 1, (char.get_text(), top, bottom)
    assert ctx.diag.warnings == []


def test_long_titles_break_at_words_and_shrink_to_fit(tmp_path):
    title = ("The Remarkable and Entirely True History of the Northern Harbour Wall, Its Builders, "
             "Its Storms, and the Boats That Came Home to It Over Three Hundred Years")
    book, ctx = book_for(tmp_path, "en", title, "", "Ann Author")
    spec = epub_cover_spec(book, ctx)
    layout = render_cover(spec).layout
    block = next(b for b in layout.blocks if b.role == "title")
    assert len(block.fitted.lines) >= 4
    assert " ".join(block.fitted.lines) == title  # nothing lost, breaks only at spaces
    assert block.fitted.size < 0.125 * spec.width  # smaller than a short title's
    widths = block.fitted.widths
    assert max(widths) - min(widths[:-1] or widths) < 0.45 * layout.safe.width  # balanced
    short = render_cover(epub_cover_spec(book_for(tmp_path / "s", "en", "Emma", "", "Jane Austen")[0],
                                         ctx)).layout
    assert next(b for b in short.blocks if b.role == "title").fitted.size > block.fitted.size


def test_units_keep_cjk_punctuation_and_polish_one_letter_words():
    assert [u.text for u in units("吾輩は「猫」である。")] == ["吾", "輩", "は", "「猫」", "で", "あ", "る。"]
    assert [u.text for u in units("Dom w lesie", "pl")] == ["Dom", "w\u00a0lesie"]
    assert [u.text for u in units("Dom w lesie", "en")] == ["Dom", "w", "lesie"]


def test_same_metadata_gives_the_same_jpeg_and_designs_differ(tmp_path):
    book, ctx = book_for(tmp_path, "en", "The Harbour Wall", "Stories", "Ann Author")
    book.metadata.series = Series("Coastal Tales", "2")
    jpegs = {}
    for design in DESIGN_NAMES:
        ctx.config.cover.design = design
        spec = epub_cover_spec(book, ctx)
        first = rasterize(render_cover(spec).pdf, *EPUB_COVER_SIZE)
        render_cover.cache_clear()
        again = rasterize(render_cover(spec).pdf, *EPUB_COVER_SIZE)
        assert first == again
        jpegs[design] = first
        picture = Image.open(io.BytesIO(first))
        assert picture.size == (1600, 2400) and picture.mode == "RGB" and picture.format == "JPEG"
        assert dict(spec.texts)["series"] == "Coastal Tales · Book 2"
    assert len(set(jpegs.values())) == 3
    assert set(DESIGN_NAMES) == set(COVER_DESIGNS) and len(DESIGN_NAMES) >= 3


def test_cover_colours_and_design_come_from_book_toml():
    config = load_config(Path("/b/book.toml"), "book.toml",
                         '[cover]\ndesign = "band"\nbackground = "device-cmyk(0 0 0 1)"\n')
    assert config.cover.design == "band"
    assert rgb_colour(config.cover.background) == "#000000"
    with pytest.raises(ConfigError) as info:
        load_config(Path("/b/book.toml"), "book.toml", '[cover]\n\ndesign = "fancy"\n')
    assert info.value.line == 3 and "cover.design" in str(info.value)


def test_every_epub_without_a_cover_gets_one(tmp_path):
    """Built as the CLI builds it: EPUBCheck 0/0, the JPEG marked as the cover,
    the cover page first in the spine with the cover's text as alt text."""
    source = tmp_path / "harbour.md"
    source.write_text("# The Wall\n\nThe wall stands where it always stood.\n", encoding="utf-8")
    result = build([source], BuildOptions(formats=("epub",), outdir=tmp_path / "out"),
                   Overrides(title="Harbour Wall", authors=["Ann Author"], lang="en",
                             cover_design="modern"))
    epub = result.outputs["epub"]
    assert epubcheck_messages(epub) == []
    assert "COV004" in [d.code for d in result.diagnostics.items]
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        cover = next(i for i in opf.iter(f"{OPF}item") if "cover-image" in (i.get("properties") or ""))
        assert cover.get("media-type") == "image/jpeg"
        picture = Image.open(io.BytesIO(archive.read("EPUB/" + cover.get("href"))))
        assert picture.size == (1600, 2400) and picture.mode == "RGB"
        assert picture.width * picture.height <= 4_000_000
        first = opf.find(f"{OPF}spine")[0].get("idref")
        href = next(i.get("href") for i in opf.iter(f"{OPF}item") if i.get("id") == first)
        page = etree.fromstring(archive.read("EPUB/" + href))
        img = page.find(".//{http://www.w3.org/1999/xhtml}img")
        assert img.get("src").endswith(cover.get("href"))
        assert "Harbour Wall" in img.get("alt") and "Ann Author" in img.get("alt")


def test_the_wrap_front_panel_uses_the_design_without_an_image(tmp_path):
    source = tmp_path / "harbour.md"
    source.write_text("# The Wall\n\nThe wall stands where it always stood.\n", encoding="utf-8")
    result = build([source], BuildOptions(formats=("cover",), outdir=tmp_path / "out"),
                   Overrides(title="Война и мир", authors=["Лев Толстой"], lang="ru",
                             cover_design="band"))
    text = subprocess.run(["pdftotext", str(result.outputs["cover"]), "-"], capture_output=True,
                          text=True, check=True).stdout
    assert "Война и мир" in text and "Лев Толстой" in text
    assert not [d for d in result.diagnostics.warnings if d.code.startswith("COV00")]


def _supplied(tmp_path: Path, picture: Image.Image, fmt: str):
    picture.save(tmp_path / f"front.{fmt.lower()}", fmt)
    (tmp_path / "book.md").write_text("# One\n\nText.\n", encoding="utf-8")
    (tmp_path / "book.toml").write_text(
        f'[metadata]\ntitle = "T"\nlanguage = "en"\ncover = "front.{fmt.lower()}"\n'
        '[content]\nfiles = ["book.md"]\n', encoding="utf-8")
    book, ctx = load_book([tmp_path], BuildOptions(formats=("epub",)))
    cover = next(a for a in book.assets.values() if "cover-image" in a.properties)
    return cover, [d.code for d in ctx.diag.items]


def test_a_cmyk_cover_becomes_srgb_for_the_epub_and_stays_cmyk_for_print(tmp_path):
    cover, found = _supplied(tmp_path, Image.new("CMYK", (1600, 2400), (200, 30, 0, 40)), "JPEG")
    assert "COV009" in found and "COV008" not in found
    assert Image.open(io.BytesIO(cover.data)).mode == "RGB"
    assert Image.open(io.BytesIO(cover.print_data)).mode == "CMYK"


def test_a_large_square_cover_is_reported_and_reduced_to_four_megapixels(tmp_path):
    cover, found = _supplied(tmp_path, Image.new("RGB", (2400, 2400), (20, 60, 90)), "PNG")
    assert "COV008" in found and "IMG013" in found  # shape; reduced for the EPUB
    epub = Image.open(io.BytesIO(cover.data))
    assert epub.width * epub.height <= 4_000_000
    assert Image.open(io.BytesIO(cover.print_data)).size == (2400, 2400)


def test_a_character_no_font_has_is_reported_once(tmp_path):
    """A private-use character (no installed font has U+F0000) is a warning,
    given once although the EPUB and the kepub share the cover."""
    source = tmp_path / "tale.md"
    source.write_text("# One\n\nText.\n", encoding="utf-8")
    result = build([source], BuildOptions(formats=("epub", "kepub"), outdir=tmp_path / "out"),
                   Overrides(title="Tale \U000F0000", authors=["Ann Author"], lang="en"))
    missing = [d for d in result.diagnostics.items if d.code == "COV005"]
    assert len(missing) == 1 and "U+F0000" in missing[0].message
    assert [d.code for d in result.diagnostics.items].count("COV004") == 1
