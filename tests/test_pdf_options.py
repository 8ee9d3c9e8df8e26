"""Print options, the sandboxed fetcher, reproducibility and glyph coverage,
on small manuscripts written here."""

from __future__ import annotations

import hashlib
import io
import http.server
import os
import subprocess
import threading
import time
from pathlib import Path

import pikepdf
import pytest
from test_pdf_helpers import load

from book.build import Overrides
from book.geometry import TRIM_PRESETS, parse_length
from book.writers.pdf import write_print_pdf, write_screen_pdf

MANUSCRIPT = """---
title: Próba druku
author: Anna Nowak
lang: pl
---

# Pierwszy rozdział

Zażółć gęślą jaźń. To jest akapit z przypisem.[^a] Dalszy tekst akapitu, który
ma kilka zdań, żeby złamać wiersz i sprawdzić justowanie oraz dzielenie wyrazów.

* * *

Drugi akapit po przerwie.

# Drugi rozdział

Tekst drugiego rozdziału.

[^a]: Treść przypisu.
"""


def _project(tmp_path: Path, text: str = MANUSCRIPT, toml: str = "") -> Path:
    (tmp_path / "book.md").write_text(text, encoding="utf-8")
    if toml:
        (tmp_path / "book.toml").write_text(toml, encoding="utf-8")
        return tmp_path
    return tmp_path / "book.md"


def _build(inputs, overrides=None, screen=False):
    book, ctx = load([inputs], overrides or Overrides())
    result = (write_screen_pdf if screen else write_print_pdf)(book, ctx)
    return book, ctx, result


def test_bleed_boxes_and_a5_trim(tmp_path):
    _, _, result = _build(_project(tmp_path), Overrides(trim="a5", bleed="3mm"))
    bleed = parse_length("3mm")
    width, height = TRIM_PRESETS["a5"]
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        for page in pdf.pages:
            tx0, ty0, tx1, ty1 = (float(v) for v in page.TrimBox)
            bx0, by0, bx1, by1 = (float(v) for v in page.BleedBox)
            mx0, my0, mx1, my1 = (float(v) for v in page.MediaBox)
            assert abs((tx1 - tx0) - width) < 0.5 and abs((ty1 - ty0) - height) < 0.5
            for trim_edge, bleed_edge, sign in ((tx0, bx0, -1), (ty0, by0, -1), (tx1, bx1, 1), (ty1, by1, 1)):
                assert abs((bleed_edge - trim_edge) - sign * bleed) < 0.5
            assert (bx0, by0, bx1, by1) == (mx0, my0, mx1, my1)


def test_crop_marks_widen_the_media_box(tmp_path):
    _, _, plain = _build(_project(tmp_path))
    _, _, marked = _build(_project(tmp_path), Overrides(marks=True, bleed="0.125in"))
    with pikepdf.open(io.BytesIO(marked.data)) as pdf:
        page = pdf.pages[0]
        assert float(page.MediaBox[2]) - float(page.MediaBox[0]) > float(page.TrimBox[2]) - float(page.TrimBox[0])
    assert marked.data != plain.data


@pytest.mark.parametrize("variant,version", [("pdf/x-1a", "1.4"), ("pdf/x-3", "1.4"), ("none", None)])
def test_other_variants(tmp_path, variant, version):
    _, _, result = _build(_project(tmp_path), Overrides(pdf_variant=variant))
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        if version:
            assert pdf.pdf_version == version
            assert str(pdf.docinfo.GTS_PDFXVersion).startswith("PDF/X-")
            assert "/OutputIntents" in pdf.Root
        else:
            assert "/OutputIntents" not in pdf.Root


def test_pure_black_text_in_pdfx(tmp_path):
    _, _, result = _build(_project(tmp_path))
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        content = pdf.pages[-1].obj.Contents.read_bytes()
    # Text is painted in DeviceCMYK 0 0 0 1 (pure K), never in RGB.
    assert b"0 0 0 1 k" in content or b"0 0 0 1 scn" in content
    assert b" rg" not in content


def test_notes_as_chapter_end_and_book_end(tmp_path):
    for mode in ("chapter-end", "book-end"):
        book, ctx, result = _build(_project(tmp_path), Overrides(notes=mode))
        text = subprocess.run(["pdftotext", "-", "-"], input=result.data, capture_output=True,
                              check=True).stdout.decode()
        assert "Przypisy" in text and "Treść przypisu." in text
        if mode == "book-end":
            assert result.layout.chapter_first_page.get("mb-notes") is not None


def test_full_fonts_are_bigger(tmp_path):
    _, _, subset = _build(_project(tmp_path))
    _, _, full = _build(_project(tmp_path), Overrides(full_fonts=True))
    assert len(full.data) > 3 * len(subset.data)


def test_model_is_not_mutated(tmp_path):
    from lxml import etree

    book, ctx = load([_project(tmp_path)])
    before = [etree.tostring(c.tree) for c in book.chapters]
    write_print_pdf(book, ctx)
    write_screen_pdf(book, ctx)
    assert [etree.tostring(c.tree) for c in book.chapters] == before


def test_reproducible_across_builds_and_time_zones(tmp_path):
    path = _project(tmp_path)
    digests = []
    old = os.environ.get("TZ")
    try:
        for zone in ("UTC", "Pacific/Auckland", "America/Los_Angeles"):
            os.environ["TZ"] = zone
            time.tzset()
            _, _, result = _build(path)
            _, _, screen = _build(path, screen=True)
            digests.append((hashlib.sha256(result.data).hexdigest(),
                            hashlib.sha256(screen.data).hexdigest()))
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()
    assert len(set(digests)) == 1


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's API
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):  # keep the test output clean
        pass


def test_fetcher_never_touches_the_network_or_outside_files(tmp_path):
    server = http.server.HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    project = tmp_path / "book"
    project.mkdir()
    (project / "style.css").write_text(
        f'@import url("{url}/imported.css");\n'
        f'body {{ background: url("{url}/bg.png"); }}\n'
        f'@font-face {{ font-family: X; src: url("{url}/font.woff"); }}\n'
        f'p {{ background-image: url("file://{outside}"); }}\n'
        'h1 { background-image: url("../outside.png"); }\n', encoding="utf-8")
    (project / "link").symlink_to(outside)
    html = (f'<html lang="en"><body><h1>T</h1><p>Text <img src="{url}/img.png" alt="remote"/>'
            f' <img src="link" alt="symlink out"/></p></body></html>')
    (project / "book.html").write_text(html, encoding="utf-8")
    (project / "book.toml").write_text('[metadata]\ntitle = "T"\n[style]\ncss = ["style.css"]\n'
                                       '[content]\nfiles = ["book.html"]\n', encoding="utf-8")
    try:
        book, ctx = load([project])
        result = write_print_pdf(book, ctx)
        write_screen_pdf(book, ctx)
    finally:
        server.shutdown()
        thread.join()
    assert result.data.startswith(b"%PDF")
    assert _Counter.hits == []
    codes = {d.code for d in ctx.diag.items}
    assert "PDF003" in codes  # refused URLs are reported


def test_fetcher_serves_inside_files_and_data_uris(tmp_path):
    from book.sandbox import Sandbox
    from book.model import Book
    from book.writers.pdf.fetcher import FetchRefused, SandboxFetcher

    (tmp_path / "a.css").write_text("p{}", encoding="utf-8")
    fetcher = SandboxFetcher(Sandbox.at(tmp_path), Book())
    assert fetcher.fetch((tmp_path / "a.css").resolve().as_uri()).read() == b"p{}"
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for bad in ("http://example.invalid/x", "https://example.invalid/x", "ftp://example.invalid/x",
                Path("/etc/hostname").as_uri()):
        with pytest.raises(FetchRefused):
            fetcher.fetch(bad)


SAMPLE = {
    "pl": "Zażółć gęślą jaźń — „cudzysłów”",
    "cs": "Příliš žluťoučký kůň úpěl ďábelské ódy",
    "de": "Größe, Fuß und Äpfel – »Zitat«",
    "fr": "Cœur déçu, naïveté « œuvre »",
    "ru": "Съешь же ещё этих мягких французских булок",
    "el": "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία",
}


def test_every_sample_glyph_renders_and_fonts_are_embedded(tmp_path):
    lines = "\n\n".join(f'<p lang="{lang}">{text}</p>' for lang, text in SAMPLE.items())
    (tmp_path / "s.html").write_text(
        f'<html lang="pl"><body><h1>Próbka</h1>{lines}<p>Emoji: 😀 and <code>mono ąę</code></p>'
        f'</body></html>', encoding="utf-8")
    _, _, result = _build(tmp_path / "s.html", Overrides(title="Próbka"))
    pdf = tmp_path / "s.pdf"
    pdf.write_bytes(result.data)
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for lang, sample in SAMPLE.items():
        assert " ".join(sample.split()) in text.replace("\u00a0", " "), lang
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert all(row.split()[-5] == "yes" for row in rows), fonts
    assert "Libertine" in fonts and "DejaVu-Sans-Mono" in fonts and "Emoji" in fonts


def test_parts_open_on_rectos_without_folio_and_long_heads_shortened(tmp_path):
    (tmp_path / "p1.md").write_text("# Part One\n", encoding="utf-8")
    (tmp_path / "c1.md").write_text("# The First Chapter\n\n" + "Some text here. " * 400 + "\n",
                                    encoding="utf-8")
    long_title = "The Second Chapter With a Rather Long Title That Would Overflow a Running Head Line"
    (tmp_path / "c2.md").write_text(f"# {long_title}\n\n" + "Text of it. " * 600 + "\n", encoding="utf-8")
    (tmp_path / "book.toml").write_text(
        '[metadata]\ntitle = "Parted"\nauthor = "A. Writer"\nlanguage = "en"\n'
        '[content]\nfiles = [{file="p1.md", kind="part"}, "c1.md", "c2.md"]\n', encoding="utf-8")
    book, ctx, result = _build(tmp_path)
    layout = result.layout
    part = layout.chapter_first_page["part-one"]
    assert part % 2 == 0 and layout.page_labels[part] == "1"
    assert all(index % 2 == 0 for index in layout.chapter_first_page.values())
    pages = subprocess.run(["pdftotext", "-layout", "-", "-"], input=result.data, capture_output=True,
                           check=True).stdout.decode().split("\f")
    assert pages[part].split() == ["Part", "One"] or pages[part].split() == ["PART", "ONE"] or \
        " ".join(pages[part].split()).lower() == "part one"
    heads = [page.splitlines()[0] for page in pages[layout.chapter_first_page[book.chapters[2].id] + 1:-1]
             if page.strip()]
    recto_heads = [line for line in heads if "…" in line]
    assert recto_heads, heads[:4]
    assert all(long_title not in line for line in heads)
