"""Inline SVG drawings (HTML and Markdown) become clean SVG images of the book."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from book.build import BuildOptions, build
from book.diagnostics import Diagnostics
from book.passes.sanitize.inline_svg import svg_image
from book.safexml import parse_html_fragment

from .conftest import epubcheck_messages

SVG = "http://www.w3.org/2000/svg"

HTML = """<html lang="en"><head><title>Drawings</title></head><body><h1>Drawings</h1>
<p>A chart follows.</p>
<svg viewBox="0 0 100 50" width="200" role="img" aria-label="Two bars, red over blue">
<defs><linearGradient id="g" gradientUnits="userSpaceOnUse"><stop offset="0" stop-color="red"/></linearGradient></defs>
<rect width="100" height="20" fill="url(#g)"/><rect y="25" width="60" height="20" fill="blue" onclick="steal()"/>
<script>steal()</script><image href="https://example.invalid/tracker.png" width="1" height="1"/></svg>
<p>An icon <svg width="8" height="8" aria-hidden="true"><circle cx="4" cy="4" r="3"/></svg> in a line,
and an undescribed one <svg width="8" height="8"><rect width="8" height="8"/></svg>.</p>
</body></html>
"""

MARKDOWN = """# Drawings

<svg viewBox="0 0 10 10">
<title>A black square</title>
<rect width="10" height="10"/>
</svg>

A dot <svg width="6" height="6" role="img" aria-label="green dot"><circle cx="3" cy="3" r="3" fill="green"/></svg> in the text.
"""


def _build(tmp_path: Path, name: str, text: str):
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    result = build([source], BuildOptions(formats=("epub", "pdf"), outdir=tmp_path / "out"),
                   diagnostics=diagnostics)
    return result, diagnostics


def _images(epub: Path) -> tuple[list[etree._Element], dict[str, bytes]]:
    with zipfile.ZipFile(epub) as archive:
        chapter = archive.read("EPUB/text/c001.xhtml")
        files = {n: archive.read(n) for n in archive.namelist() if n.endswith(".svg")}
    root = etree.fromstring(chapter)
    return root.findall(".//{http://www.w3.org/1999/xhtml}img"), files


def test_html_drawings_become_clean_svg_images(tmp_path):
    result, diagnostics = _build(tmp_path, "drawings.html", HTML)
    assert epubcheck_messages(result.outputs["epub"]) == []
    imgs, files = _images(result.outputs["epub"])
    # The undescribed drawing is reported (A11Y001 below) and gets alt="" to stay valid.
    assert [img.get("alt") for img in imgs] == ["Two bars, red over blue", "", ""]
    assert all(img.get("src").startswith("../images/") and img.get("src").endswith(".svg")
               for img in imgs)
    chart = etree.fromstring(files["EPUB/" + imgs[0].get("src")[3:]])
    assert chart.tag == f"{{{SVG}}}svg" and chart.get("viewBox") == "0 0 100 50"
    assert chart.find(f".//{{{SVG}}}linearGradient").get("gradientUnits") == "userSpaceOnUse"
    text = b"".join(files.values())
    assert b"steal" not in text and b"example.invalid" not in text and b"data-mb" not in text
    codes = [d.code for d in diagnostics.items]
    assert "SAN021" in codes and "IMG008" in codes  # the script and handler were reported
    assert "A11Y001" in codes  # the undescribed drawing, like any image without alt
    assert result.outputs["pdf"].stat().st_size > 0


def test_markdown_drawings_block_and_inline(tmp_path):
    result, diagnostics = _build(tmp_path, "drawings.md", MARKDOWN)
    assert epubcheck_messages(result.outputs["epub"]) == []
    imgs, files = _images(result.outputs["epub"])
    assert [img.get("alt") for img in imgs] == ["A black square", "green dot"]
    assert len(files) == 2
    assert not [d for d in diagnostics.items if d.code in ("MD050", "MD054")]


@pytest.mark.parametrize("markup,alt", [
    ('<svg aria-labelledby="cap"><rect/></svg><p id="cap">Figure caption</p>', "Figure caption"),
    ('<svg role="presentation"><rect/></svg>', ""),
    ('<svg><title>  Spaced   title </title><rect/></svg>', "Spaced title"),
    ("<svg><rect/></svg>", None),
])
def test_the_text_alternative_of_a_drawing(markup, alt):
    holder = etree.Element("div")
    for piece in parse_html_fragment(markup, file="x.html"):
        if not isinstance(piece, str):
            holder.append(piece)
    img = svg_image(holder.find("svg"), holder)
    assert img is not None and img.get("alt") == alt
