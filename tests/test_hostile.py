"""Hostile input (issue 7): every case states its exact outcome.

A publisher runs make_book on manuscripts it did not write.  Each test
below is one hostile case and asserts what happens to it: refused with
which error type, message and file:line, or sanitized to what (and then
that the secret, the script or the network request is nowhere in the
output).  The big inputs run in a child process with a time-out and report
their CPU time and peak memory.

Every hostile file is created in ``tmp_path``; nothing touches the network
except the throwaway HTTP server on 127.0.0.1 of the remote-reference test.
"""

from __future__ import annotations

import http.server
import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from book.build import BuildResult, Overrides, build, load_book
from book.context import BuildOptions
from book.diagnostics import Diagnostic, Diagnostics
from book.errors import (
    ConfigError,
    DecodeError,
    LimitError,
    MakeBookError,
    SandboxError,
    SourceError,
)

from .conftest import REPO
from .docx_package import CONTENT_TYPES, PACKAGE_RELS, W_NS

SECRET = "TOPSECRET-7f3a9c"

# ---------------------------------------------------------------- helpers


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def png(path: Path, colour: tuple[int, int, int] = (200, 30, 30), size: int = 40) -> Path:
    """A small real PNG (distinct colours give distinct bytes)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (size, size), colour).save(path, "PNG")
    return path


def book_folder(root: Path, toml: str, files: dict[str, str]) -> Path:
    write(root / "book.toml", toml)
    for name, text in files.items():
        write(root / name, text)
    return root


def make_build(inputs: list[Path], out: Path, *, formats: tuple[str, ...] = ("epub",),
               allow_remote: bool = False, strict: bool = False, title: str | None = "Hostile",
               lang: str | None = "en", name: str | None = None) -> BuildResult:
    options = BuildOptions(formats=formats, outdir=out, allow_remote=allow_remote,
                           strict=strict, name=name)
    return build(inputs, options, Overrides(title=title, lang=lang),
                 Diagnostics(strict=strict))


def refused(inputs: list[Path], error: type[MakeBookError], fragment: str, *,
            location: str | None = None, **kwargs) -> MakeBookError:
    """Assert the build is refused with ``error`` (exactly that type)."""
    with pytest.raises(MakeBookError) as caught:
        make_build(inputs, inputs[0].parent / "out-refused", **kwargs)
    exc = caught.value
    assert type(exc) is error, f"{type(exc).__name__}: {exc}"
    assert fragment in exc.message, str(exc)
    if location is not None:
        assert exc.location == location, str(exc)
    assert "\n" not in str(exc)
    assert not (inputs[0].parent / "out-refused").exists()
    return exc


def warnings(result: BuildResult | Diagnostics, code: str) -> list[Diagnostic]:
    diag = result.diagnostics if isinstance(result, BuildResult) else result
    return [d for d in diag.warnings if d.code == code]


def epub_entries(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def epub_text(path: Path) -> str:
    """Every text file of the EPUB (XHTML, CSS, OPF, NCX) as one string."""
    return "\n".join(data.decode("utf-8") for name, data in epub_entries(path).items()
                     if name.endswith((".xhtml", ".css", ".opf", ".ncx", ".xml")))


def pdf_bytes_everywhere(path: Path) -> bytes:
    """The PDF's raw bytes plus every stream decompressed (for leak checks)."""
    chunks = [path.read_bytes()]
    with pikepdf.open(path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream):
                try:
                    chunks.append(obj.read_bytes())
                except pikepdf.PdfError:
                    chunks.append(obj.read_raw_bytes())
    return b"\n".join(chunks)


def cli(*args: str | bytes, cwd: Path | None = None, env: dict[str, str] | None = None,
        timeout: float = 900) -> subprocess.CompletedProcess:
    """``python -m make_book ARGS``; output decoded without ever failing."""
    return subprocess.run([sys.executable, "-m", "make_book", *args], cwd=cwd or REPO,
                          capture_output=True, env={**os.environ, **(env or {})},
                          timeout=timeout, encoding="utf-8", errors="backslashreplace")


def stderr_lines(result: subprocess.CompletedProcess) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


CHAPTER = "# The Chapter\n\nA paragraph of ordinary text, long enough to read.\n"

# ============================================================ the sandbox
# Images, stylesheets, fonts, content entries: absolute paths, ".."
# escapes and symlinks leading out are refused, naming file and line.


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the book holding things the book must never read."""
    folder = tmp_path / "outside"
    png(folder / "secret.png", (1, 2, 3))
    write(folder / "secret.md", f"# Secret\n\n{SECRET}\n")
    write(folder / "secret.css", f"body {{ color: red }} /* {SECRET} */\n")
    write(folder / "font.ttf", SECRET.encode() * 20)
    return folder


IMAGE_REFS = {
    "absolute": ("{outside}/secret.png", "absolute path"),
    "dotdot": ("../outside/secret.png", "points outside the book folder"),
    "symlink": ("link.png", "is a link to a file outside the book folder"),
}


@pytest.mark.parametrize("kind", IMAGE_REFS)
def test_markdown_image_outside_is_dropped_alt_kept(tmp_path: Path, outside: Path, kind: str) -> None:
    ref, fragment = IMAGE_REFS[kind]
    book = tmp_path / "book"
    (book).mkdir()
    os.symlink(outside / "secret.png", book / "link.png")
    source = write(book / "story.md", CHAPTER + f"\n![A red square]({ref.format(outside=outside)})\n")
    result = make_build([source], book / "out")
    [warning] = warnings(result, "IMG002")
    assert warning.file.endswith("story.md") and warning.line == 5
    assert fragment in warning.message
    entries = epub_entries(result.outputs["epub"])
    assert not [n for n in entries if n.endswith(".png")]
    assert '<span class="image-alt">A red square</span>' in epub_text(result.outputs["epub"])


def test_file_url_image_is_removed_alt_kept(tmp_path: Path, outside: Path) -> None:
    source = write(tmp_path / "book" / "story.md",
                   CHAPTER + f"\n![A red square](file://{outside}/secret.png)\n")
    result = make_build([source], tmp_path / "out")
    [warning] = warnings(result, "SAN003")
    assert warning.line == 5 and "file: in src" in warning.message
    text = epub_text(result.outputs["epub"])
    assert "<p>[A red square]</p>" in text and "file:" not in text
    assert not [n for n in epub_entries(result.outputs["epub"]) if n.endswith(".png")]


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_html_image_outside_is_dropped(tmp_path: Path, outside: Path, kind: str) -> None:
    ref = {"dotdot": "../outside/secret.png", "absolute": str(outside / "secret.png"),
           "symlink": "link.png"}[kind]
    book = tmp_path / "book"
    book.mkdir()
    os.symlink(outside / "secret.png", book / "link.png")
    source = write(book / "story.html", "<html><body><h1>The Chapter</h1>\n<p>Text.</p>\n"
                   f'<p><img src="{ref}" alt="A red square"/></p>\n</body></html>')
    result = make_build([source], book / "out")
    [warning] = warnings(result, "IMG002")
    assert warning.line == 3
    assert not [n for n in epub_entries(result.outputs["epub"]) if n.endswith(".png")]


STYLE_REFS = {
    "dotdot": "../outside/secret.css",
    "absolute": "{outside}/secret.css",
    "symlink": "link.css",
}


@pytest.mark.parametrize("kind", STYLE_REFS)
def test_book_toml_stylesheet_outside_is_refused(tmp_path: Path, outside: Path, kind: str) -> None:
    book = tmp_path / "book"
    book.mkdir()
    os.symlink(outside / "secret.css", book / "link.css")
    ref = STYLE_REFS[kind].format(outside=outside)
    book_folder(book, f'[metadata]\ntitle = "T"\nlanguage = "en"\n\n[style]\ncss = ["{ref}"]\n',
                {"a.md": CHAPTER})
    exc = refused([book], SandboxError, "", location="book.toml:6")
    assert {"dotdot": "points outside", "absolute": "absolute path",
            "symlink": "link to a file outside"}[kind] in exc.message


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_font_outside_is_not_packed(tmp_path: Path, outside: Path, kind: str) -> None:
    ref = {"dotdot": "../outside/font.ttf", "absolute": str(outside / "font.ttf"),
           "symlink": "link.ttf"}[kind]
    book = tmp_path / "book"
    book.mkdir()
    os.symlink(outside / "font.ttf", book / "link.ttf")
    css = f'@font-face {{\n  font-family: "Evil";\n  src: url("{ref}");\n}}\nbody {{ font-family: "Evil" }}\n'
    book_folder(book, '[metadata]\ntitle = "T"\nlanguage = "en"\n[style]\ncss = ["style.css"]\n',
                {"a.md": CHAPTER, "style.css": css})
    result = make_build([book], book / "out", formats=("epub", "pdf"))
    [warning] = warnings(result, "CSS002")
    assert warning.file == "style.css" and warning.line == 3
    assert not [n for n in epub_entries(result.outputs["epub"]) if n.startswith("EPUB/fonts/")]
    assert SECRET not in epub_text(result.outputs["epub"])
    assert SECRET.encode() not in pdf_bytes_everywhere(result.outputs["pdf"])


CONTENT_REFS = {
    "dotdot": ('"../outside/secret.md"', "points outside the book folder"),
    "absolute": ('"{outside}/secret.md"', "absolute path"),
    "symlink": ('"link.md"', "is a link to a file outside the book folder"),
    "glob-escape": ('"../outside/*.md"', "leaves the book folder"),
    "etc-passwd": ('"/etc/passwd"', "absolute path"),
}


@pytest.mark.parametrize("kind", CONTENT_REFS)
def test_book_toml_content_entry_outside_is_refused(tmp_path: Path, outside: Path, kind: str) -> None:
    ref, fragment = CONTENT_REFS[kind]
    book = tmp_path / "book"
    book.mkdir()
    os.symlink(outside / "secret.md", book / "link.md")
    book_folder(book, '[metadata]\ntitle = "T"\nlanguage = "en"\n\n[content]\nfiles = [\n'
                f'  "a.md",\n  {ref.format(outside=outside)},\n]\n', {"a.md": CHAPTER})
    refused([book], SandboxError, fragment, location="book.toml:8")


def test_content_glob_through_a_symlink_loop_reads_each_file_once(tmp_path: Path) -> None:
    """``**/*.md`` and a link from a folder to its parent: glob walks the
    loop until the system says ELOOP; each file still becomes one chapter."""
    book = tmp_path / "book"
    write(book / "chapters" / "a.md", CHAPTER)
    os.symlink("..", book / "chapters" / "loop")
    write(book / "book.toml", '[metadata]\ntitle = "Loop"\nlanguage = "en"\n'
          '[content]\nfiles = ["**/*.md"]\n')
    book_read, _ = load_book([book], BuildOptions(formats=("epub",)))
    assert [c.title for c in book_read.chapters] == ["The Chapter"]


def test_leanpub_book_txt_entry_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    book = tmp_path / "manuscript"
    write(book / "Book.txt", "intro.md\n../outside/secret.md\n")
    write(book / "intro.md", CHAPTER)
    refused([book], SandboxError, "points outside the book folder", location="Book.txt:2")


def test_cover_outside_is_refused(tmp_path: Path, outside: Path) -> None:
    book = tmp_path / "book"
    book_folder(book, '[metadata]\ntitle = "T"\nlanguage = "en"\ncover = "../outside/secret.png"\n',
                {"a.md": CHAPTER})
    with pytest.raises(MakeBookError) as caught:
        make_build([book], book / "out")
    assert "points outside the book folder" in caught.value.message
    assert caught.value.file == "book.toml"


# ============================================================ no network


def test_remote_image_is_dropped_with_warning_alt_kept(tmp_path: Path) -> None:
    source = write(tmp_path / "story.md", CHAPTER + "\n![The harbour at dawn](https://example.invalid/harbour.png)\n")
    result = make_build([source], tmp_path / "out")
    [warning] = warnings(result, "IMG003")
    assert (warning.line, "https://example.invalid/harbour.png" in warning.message) == (5, True)
    text = epub_text(result.outputs["epub"])
    assert '<span class="image-alt">The harbour at dawn</span>' in text
    assert "example.invalid" not in text


def test_remote_fonts_and_stylesheets_are_refused(tmp_path: Path) -> None:
    css = ('@import url("https://example.invalid/theme.css");\n'
           '@font-face { font-family: "Far"; src: url("https://example.invalid/far.woff2"); }\n'
           'body { background: url(//example.invalid/bg.png); }\n')
    book = book_folder(tmp_path / "book", '[metadata]\ntitle = "T"\nlanguage = "en"\n'
                       '[style]\ncss = ["style.css"]\n', {"a.md": CHAPTER, "style.css": css})
    result = make_build([book], tmp_path / "out")
    assert [(w.file, w.line) for w in warnings(result, "CSS001")] == [
        ("style.css", 1), ("style.css", 2), ("style.css", 3)]
    assert "example.invalid" not in epub_text(result.outputs["epub"])


# ============================================================ XML attacks


def _xxe(entity_target: Path, padding: str = "") -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>\n'
            f"{padding}"
            f'<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{entity_target}">]>\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title></head>\n'
            "<body><h1>The Chapter</h1><p>Leak: &xxe; end.</p></body></html>\n")


def test_xxe_in_xhtml_is_refused(tmp_path: Path, outside: Path) -> None:
    source = write(tmp_path / "book" / "leak.xhtml", _xxe(outside / "secret.md"))
    exc = refused([source], SourceError, "declares XML entities")
    assert exc.file == "leak.xhtml" or exc.file.endswith("leak.xhtml")
    assert exc.line == 2


def test_xxe_after_a_long_prolog_never_leaks(tmp_path: Path, outside: Path) -> None:
    """The entity declaration hidden behind 70 KB of comment: read as HTML,
    the entity is never expanded, and the secret is in no output."""
    padding = "<!--" + "x" * 70_000 + "-->\n"
    source = write(tmp_path / "book" / "leak.xhtml", _xxe(outside / "secret.md", padding))
    try:
        result = make_build([source], tmp_path / "out", formats=("epub", "pdf"))
    except SourceError as exc:  # refusing is as good as ignoring
        assert "entit" in exc.message
        return
    assert SECRET not in epub_text(result.outputs["epub"])
    assert SECRET.encode() not in pdf_bytes_everywhere(result.outputs["pdf"])


def _laughs(levels: int = 9) -> str:
    entities = ['<!ENTITY lol0 "lollollollollollollollollollol">']
    for n in range(1, levels + 1):
        entities.append(f'<!ENTITY lol{n} "' + f"&lol{n - 1};" * 10 + '">')
    return "\n".join(entities)


def test_billion_laughs_xhtml_is_refused_quickly(tmp_path: Path) -> None:
    source = write(tmp_path / "book" / "lol.xhtml",
                   f'<?xml version="1.0"?>\n<!DOCTYPE html [\n{_laughs()}\n]>\n'
                   '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>X</h1>'
                   f"<p>&lol9;</p></body></html>\n")
    outcome = run_child([source], timeout=120)
    assert outcome["error"] == "SourceError" and "declares XML entities" in outcome["message"]
    assert outcome["cpu"] < 30, outcome


def test_billion_laughs_after_a_long_prolog_is_harmless(tmp_path: Path) -> None:
    source = write(tmp_path / "book" / "lol.xhtml",
                   '<?xml version="1.0"?>\n<!--' + "x" * 70_000 + f"-->\n<!DOCTYPE html [\n{_laughs()}\n]>\n"
                   '<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>X</h1>'
                   "<p>&lol9; after</p></body></html>\n")
    outcome = run_child([source], out=tmp_path / "out", timeout=300)
    assert outcome.get("error") in (None, "SourceError"), outcome
    if "error" not in outcome:
        assert Path(outcome["outputs"]["epub"]).stat().st_size < 200_000
        assert "lollollol" not in epub_text(Path(outcome["outputs"]["epub"]))
    assert outcome["cpu"] < 60 and outcome["peak_mib"] < 1024, outcome


# ============================================================ DOCX / ZIP



def docx_document(text: str = "A paragraph of the manuscript.", prolog: str = "") -> str:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
            f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p>'
            "</w:body></w:document>")


def docx(document: str | None = None, extra: list[tuple[str, bytes]] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("word/document.xml", document or docx_document())
        for name, data in extra:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_docx_sane_baseline_builds(tmp_path: Path) -> None:
    source = write(tmp_path / "ok.docx", docx())
    result = make_build([source], tmp_path / "out")
    assert "A paragraph of the manuscript." in epub_text(result.outputs["epub"])


def test_docx_xxe_is_refused(tmp_path: Path, outside: Path) -> None:
    prolog = f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{outside / "secret.md"}">]>'
    source = write(tmp_path / "leak.docx", docx(docx_document("Leak: &xxe;", prolog)))
    refused([source], SourceError, "word/document.xml declares a DTD or entities")


def test_docx_billion_laughs_is_refused(tmp_path: Path) -> None:
    prolog = f"<!DOCTYPE w:document [{_laughs()}]>"
    source = write(tmp_path / "lol.docx", docx(docx_document("&lol9;", prolog)))
    refused([source], SourceError, "declares a DTD or entities")


def test_docx_total_uncompressed_size_limit(tmp_path: Path) -> None:
    """513 entries of 1 MiB zeros: each under the ratio check, together over 512 MiB."""
    zeros = bytes(2**20)
    source = write(tmp_path / "big.docx", docx(extra=[(f"word/media/z{i}.bin", zeros) for i in range(513)]))
    assert source.stat().st_size < 2 * 2**20
    refused([source], LimitError, "the archive inflates to more than 512 MiB")


def test_docx_ratio_bomb(tmp_path: Path) -> None:
    source = write(tmp_path / "bomb.docx", docx(extra=[("word/media/zeros.bin", bytes(20 * 2**20))]))
    refused([source], LimitError, "over the 200:1 limit")


def test_docx_entry_count_limit(tmp_path: Path) -> None:
    source = write(tmp_path / "many.docx", docx(extra=[(f"word/media/e{i}", b"") for i in range(10_001)]))
    refused([source], LimitError, "entries, over the limit of 10,000")


def test_docx_dotdot_entry_name(tmp_path: Path) -> None:
    source = write(tmp_path / "slip.docx", docx(extra=[("../../evil.sh", b"rm -rf ~")]))
    refused([source], SandboxError, "climbs out of the archive with '..'")


def test_docx_backslash_dotdot_entry_name(tmp_path: Path) -> None:
    source = write(tmp_path / "slip.docx", docx(extra=[("..\\..\\evil.bat", b"del *")]))
    refused([source], SandboxError, "climbs out of the archive with '..'")


def test_docx_absolute_entry_name(tmp_path: Path) -> None:
    source = write(tmp_path / "abs.docx", docx(extra=[("/etc/evil.conf", b"x")]))
    refused([source], SandboxError, "has an absolute path")


def test_docx_truncated_zip(tmp_path: Path) -> None:
    whole = docx()
    source = write(tmp_path / "cut.docx", whole[: len(whole) // 2])
    refused([source], SourceError, "not a ZIP archive")


def test_docx_corrupt_entry(tmp_path: Path) -> None:
    data = bytearray(docx(docx_document("word " * 400)))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + 20  # inside the deflate stream
    data[start:start + 40] = b"\xff" * 40
    source = write(tmp_path / "corrupt.docx", bytes(data))
    refused([source], SourceError, "is damaged")


def test_non_zip_with_docx_extension(tmp_path: Path) -> None:
    source = write(tmp_path / "fake.docx", "Just text pretending to be a Word file.\n")
    refused([source], SourceError, "not a ZIP archive, so not a DOCX file")


def test_old_word_doc_renamed_docx(tmp_path: Path) -> None:
    source = write(tmp_path / "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    exc = refused([source], SourceError, "OLE2 compound file")
    assert exc.hint and "save it as .docx" in exc.hint


# ============================================================ active HTML

ACTIVE_HTML = """<html><head><title>Active</title>
<script>alert('head')</script>
<link rel="stylesheet" href="https://example.invalid/evil.css"/>
<style>@font-face { font-family: X; src: url(https://example.invalid/x.woff) }</style>
</head><body onload="steal()">
<h1>The Chapter</h1>
<p onclick="steal()" onmouseover="steal()">Keep this sentence.</p>
<script>document.write('injected')</script>
<p><a href="javascript:steal()">a jsurl</a> and <a href=" JaVaScRiPt:steal()">another</a>
and <a href="vbscript:msgbox">vb</a> and <a href="data:text/html,<script>x</script>">data</a>.</p>
<iframe src="https://example.invalid/frame"></iframe>
<object data="evil.swf"><embed src="evil.swf"/></object>
<form action="https://example.invalid/post"><input name="q"/><button>Go</button></form>
<p style="background: url(https://example.invalid/track.png)">Styled.</p>
<svg><script>alert(1)</script></svg>
<p>Last words.</p>
</body></html>
"""

FORBIDDEN = ("<script", "alert(", "steal()", "onclick", "onload", "onmouseover", "javascript:",
             "vbscript:", "data:text/html", "<iframe", "<object", "<embed", "<form", "<input",
             "<button", "example.invalid", "@font-face", "injected", "<svg")


def test_html_active_content_is_removed(tmp_path: Path) -> None:
    source = write(tmp_path / "active.html", ACTIVE_HTML)
    result = make_build([source], tmp_path / "out", formats=("epub", "pdf"))
    text = epub_text(result.outputs["epub"]).lower()
    for marker in FORBIDDEN:
        assert marker.lower() not in text, marker
    for kept in ("keep this sentence.", "a jsurl", "another", "styled.", "last words."):
        assert kept in text
    codes = {d.code for d in result.diagnostics.warnings}
    assert {"SAN001", "SAN002", "SAN003", "SAN004", "SAN005", "SAN007"} <= codes
    assert result.outputs["pdf"].read_bytes().startswith(b"%PDF-")
    assert b"example.invalid" not in pdf_bytes_everywhere(result.outputs["pdf"])


def test_markdown_inline_html_active_content_is_removed(tmp_path: Path) -> None:
    source = write(tmp_path / "active.md", CHAPTER + "\n<script>alert(1)</script>\n\n"
                   '<p onclick="steal()">Keep <a href="javascript:steal()">this</a>.</p>\n\n'
                   '<iframe src="https://example.invalid/"></iframe>\n')
    result = make_build([source], tmp_path / "out")
    text = epub_text(result.outputs["epub"]).lower()
    for marker in ("<script", "alert(", "onclick", "javascript:", "<iframe", "example.invalid"):
        assert marker not in text, marker
    assert "keep" in text and "this" in text


#: Tag soup real web pages and word processors produce: elements outside
#: the parents HTML requires, attribute values HTML does not allow.  Each
#: must be repaired (or dropped) so the EPUB stays valid.
TAG_SOUP = {
    "stray-table-cells": "<td>a</td><tr><td>b</td></tr><th>c</th>",
    "text-in-table-row": "<table><tr>text<td>x</td></tr></table>",
    "caption-alone": "<caption>c</caption>",
    "list-item-alone": "<li>x</li>",
    "rule-inside-list": "<ul><hr/><li>x</li></ul>",
    "term-outside-list": "<dt>term</dt><dd>definition</dd>",
    "figcaption-alone": "<figcaption>c</figcaption>",
    "summary-alone": "<summary>s</summary>",
    "details-without-summary": "<details><p>x</p></details>",
    "block-inside-span": "<p><span><div>x</div></span></p>",
    "quote-inside-span": "<p><span><blockquote>x</blockquote></span></p>",
    "block-inside-link": '<a href="https://example.org/"><div>block</div></a>',
    "link-inside-link": '<p><a href="https://a.example/">x<span><a href="https://b.example/">y</a></span></a></p>',
    "header-inside-header": "<header><header>x</header></header>",
    "hgroup-without-heading": "<hgroup><p>x</p></hgroup>",
    "ruby-without-text": "<p><ruby>漢</ruby></p>",
    "math-with-html": "<math><mi>x</mi><p>para</p></math>",
    "invalid-role": '<p role="1">x</p><p role="url(http://x)">y</p>',
    "invalid-style": '<p style="@@">x</p><p style="color:">y</p>',
    "invalid-epub-type": '<p epub:type="123 @@">x</p>',
    "invalid-aria": '<p aria-hidden="maybe" aria-level="x">x</p>',
    "invalid-datetime": '<p><time datetime="not a date">x</time></p>',
}


def test_html_tag_soup_gives_a_valid_epub(tmp_path: Path) -> None:
    """One HTML chapter per case in one book (one EPUBCheck run); a failure
    names the cases whose chapter EPUBCheck complained about."""
    from .conftest import epubcheck_messages

    sources = []
    for number, (case, markup) in enumerate(TAG_SOUP.items(), 1):
        sources.append(write(tmp_path / f"{number:02d}-{case}.html",
                             f"<html><head><title>{case}</title></head><body><h1>Case {case}</h1>"
                             f"<p>Text.</p>{markup}<p>After.</p></body></html>"))
    result = make_build(sources, tmp_path / "out")
    text = epub_text(result.outputs["epub"])
    for case in TAG_SOUP:
        assert f"Case {case}" in text
    chapters = {f"c{number:03d}.xhtml": case for number, case in enumerate(TAG_SOUP, 1)}
    failing = {}
    for message in epubcheck_messages(result.outputs["epub"]):
        case = next((c for f, c in chapters.items() if f"/{f}:" in message), "?")
        failing.setdefault(case, message.split(": ", 1)[-1][:160])
    assert failing == {}, "\n".join(f"{case}: {why}" for case, why in failing.items())


# ============================================================ output names

HOSTILE_TITLES = {
    "slash": ("a/b/c", "a-b-c"),
    "dotdot": ("../../../etc/passwd", "etc-passwd"),
    "only-dots": ("..", "book"),
    "control": ("\x01\x07Bell\x1b[31mRed\x7f", "bell-31mred"),
    "long": ("x" * 300, "x" * 80),
    "backslash": ("..\\..\\win", "win"),
    # Metadata cleaning drops what XML cannot hold before the name is made.
    "nul-and-newline": ("a\x00b\nc", "ab-c"),
    "lone-surrogate": ("Sur\udcffrogate", "surrogate"),
    "rtl-override": ("evil\u202egpj.epub", "evil-gpj-epub"),
}


@pytest.mark.parametrize("case", HOSTILE_TITLES)
def test_hostile_title_writes_one_file_inside_outdir(tmp_path: Path, case: str) -> None:
    title, stem = HOSTILE_TITLES[case]
    source = write(tmp_path / "story.md", CHAPTER)
    out = tmp_path / "deep" / "out"
    result = make_build([source], out, title=title)
    assert [p.name for p in out.iterdir()] == [f"{stem}.epub"]
    assert result.outputs["epub"].resolve().parent == out.resolve()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["deep", "story.md"]


def test_output_path_symlink_is_replaced_not_followed(tmp_path: Path, outside: Path) -> None:
    """A link planted where the output goes (out/hostile.epub → a file
    elsewhere): the rename replaces the link; the file elsewhere is untouched."""
    source = write(tmp_path / "story.md", CHAPTER)
    out = tmp_path / "out"
    out.mkdir()
    victim = outside / "secret.md"
    before = victim.read_bytes()
    os.symlink(victim, out / "hostile.epub")
    result = make_build([source], out)
    assert victim.read_bytes() == before
    assert not (out / "hostile.epub").is_symlink()
    assert zipfile.is_zipfile(result.outputs["epub"])


def test_hostile_name_option_writes_inside_outdir(tmp_path: Path) -> None:
    source = write(tmp_path / "story.md", CHAPTER)
    out = tmp_path / "out"
    make_build([source], out, name="../../../../tmp/evil")
    assert [p.name for p in out.iterdir()] == ["tmp-evil.epub"]


# ============================================================ size and pathology

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from book.build import Overrides, build, load_book
from book.context import BuildOptions
from book.errors import MakeBookError
args = json.loads(sys.argv[1])
start = time.perf_counter()
outcome = {}
try:
    if args["out"]:
        result = build(args["inputs"], BuildOptions(formats=tuple(args["formats"]),
                       outdir=Path(args["out"])), Overrides(lang="en", title="Big"))
        outcome["outputs"] = {k: str(v) for k, v in result.outputs.items()}
        book = result.book
    else:
        book, ctx = load_book(args["inputs"], BuildOptions(formats=("epub",)),
                              Overrides(lang="en", title="Big"))
    outcome["paragraphs"] = sum(1 for c in book.chapters for _ in c.tree.iter("p"))
    texts = [t for c in book.chapters for el in c.tree.iter() for t in (el.text, el.tail)
             if isinstance(el.tag, str) and t]
    outcome["chars"] = sum(len(t) for t in texts)
    outcome["end"] = " ".join("".join(texts)[-300:].split())[-60:]
except MakeBookError as exc:
    outcome["error"] = type(exc).__name__
    outcome["message"] = str(exc)
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM is this process's own peak; ru_maxrss would include the parent's
# size at fork time, which Linux carries across exec.
try:
    status = open("/proc/self/status").read()
    peak_kib = int(status.split("VmHWM:")[1].split()[0])
except (OSError, IndexError, ValueError):
    peak_kib = usage.ru_maxrss
outcome.update(wall=round(time.perf_counter() - start, 2), cpu=round(usage.ru_utime + usage.ru_stime, 2),
               peak_mib=round(peak_kib / 1024))
print(json.dumps(outcome))
"""


def run_child(inputs: list[Path], *, out: Path | None = None, formats: tuple[str, ...] = ("epub",),
              timeout: float = 900) -> dict:
    """Load (or build) in a fresh interpreter; return outcome, CPU seconds, peak MiB."""
    args = json.dumps({"inputs": [str(p) for p in inputs], "out": str(out) if out else None,
                       "formats": list(formats)})
    done = subprocess.run([sys.executable, "-c", CHILD, args], capture_output=True, text=True,
                          timeout=timeout, cwd=inputs[0].parent)
    assert done.returncode == 0, done.stderr[-3000:]
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\n  {[p.name for p in inputs]}: {outcome}")
    return outcome


def test_50_mib_file_is_refused_with_the_limit(tmp_path: Path) -> None:
    source = tmp_path / "huge.txt"
    with open(source, "wb") as handle:
        line = b"All work and no play makes a dull book. " * 25 + b"\n\n"
        while handle.tell() < 50 * 2**20:
            handle.write(line)
    outcome = run_child([source], timeout=300)
    assert outcome["error"] == "LimitError"
    assert outcome["message"] == ("huge.txt: the file is 50.0 MiB, over the 48 MiB limit for this "
                                  "kind of file")
    assert outcome["cpu"] < 20 and outcome["peak_mib"] < 300, outcome


TEN_MB_LINE = ("lorem ipsum dolor sit amet consectetur adipiscing elit " * 200_000)[: 10 * 2**20]


@pytest.mark.parametrize("suffix", [".txt", ".md"])
def test_single_10_mb_line_is_read_in_linear_time(tmp_path: Path, suffix: str) -> None:
    source = write(tmp_path / f"line{suffix}", TEN_MB_LINE + "\n")
    outcome = run_child([source], out=tmp_path / "out")
    assert "error" not in outcome, outcome
    assert outcome["chars"] >= 10 * 2**20 - 100
    assert outcome["cpu"] < 120 and outcome["peak_mib"] < 1500, outcome
    with zipfile.ZipFile(outcome["outputs"]["epub"]) as epub:
        assert sum(i.file_size for i in epub.infolist() if i.filename.startswith("EPUB/text/")) > 10 * 2**20


def test_single_10_mb_line_of_html_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path / "line.html", f"<html><body><p>{TEN_MB_LINE}</p></body></html>")
    outcome = run_child([source])
    assert outcome["error"] == "LimitError"
    assert "a single run of text longer than 10 MB" in outcome["message"]
    assert outcome["message"].startswith("line.html:1:")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_100000_tiny_paragraphs(tmp_path: Path, suffix: str) -> None:
    if suffix == ".html":
        text = "<html><body><h1>Many</h1>" + "".join(f"<p>P{i}.</p>\n" for i in range(100_000)) + "</body></html>"
    else:
        text = "\n\n".join(f"P{i}." for i in range(100_000)) + "\n"
    source = write(tmp_path / f"many{suffix}", text)
    outcome = run_child([source], out=tmp_path / "out")
    assert "error" not in outcome, outcome
    assert outcome["paragraphs"] >= 100_000
    assert outcome["end"].endswith("P99999.")
    assert outcome["cpu"] < 180 and outcome["peak_mib"] < 1500, outcome


def test_100000_deep_html_is_refused(tmp_path: Path) -> None:
    source = write(tmp_path / "deep.html", "<html><body><h1>Deep</h1>\n" + "<div>" * 100_000 + "x"
                   + "</div>" * 100_000 + "</body></html>")
    outcome = run_child([source], timeout=300)
    assert outcome["error"] == "LimitError"
    assert "nested more than 255 levels deep" in outcome["message"]
    assert outcome["message"].startswith("deep.html:2:")
    assert outcome["cpu"] < 30, outcome


def test_100000_deep_xhtml_is_handled(tmp_path: Path) -> None:
    source = write(tmp_path / "deep.xhtml", '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
                   "<body><h1>Deep</h1>\n" + "<div>" * 100_000 + "x" + "</div>" * 100_000 + "</body></html>")
    outcome = run_child([source], timeout=300)
    assert outcome.get("error") in (None, "LimitError", "SourceError"), outcome
    assert outcome["cpu"] < 60, outcome


MARKDOWN_DEEP = {
    "blockquotes": ">" * 100_000 + " deep\n\nshallow text\n",
    "lists": "".join("  " * i + "- item\n" for i in range(3_000)) + "\nshallow text\n",
    "emphasis": "*" * 100_000 + "deep" + "*" * 100_000 + "\n\nshallow text\n",
    "brackets": "[" * 100_000 + "deep" + "]" * 100_000 + "\n\nshallow text\n",
    "inline-html": "<div>" * 100_000 + "deep" + "</div>" * 100_000 + "\n\nshallow text\n",
}


@pytest.mark.parametrize("case", MARKDOWN_DEEP)
def test_100000_deep_markdown_is_handled(tmp_path: Path, case: str) -> None:
    source = write(tmp_path / "deep.md", "# Deep\n\n" + MARKDOWN_DEEP[case])
    outcome = run_child([source], timeout=600)
    assert "error" not in outcome, outcome
    # What follows the deep part is never lost.
    assert outcome["end"].endswith("shallow text"), outcome
    assert outcome["cpu"] < 120 and outcome["peak_mib"] < 1500, outcome


def test_nul_and_control_characters_are_removed(tmp_path: Path) -> None:
    source = write(tmp_path / "nul.txt", b"The Chapter\n\nHello\x00 world\x01\x02 and\x0b\x0c more\x7f.\n")
    result = make_build([source], tmp_path / "out")
    [warning] = warnings(result, "ENC002")
    assert warning.file.endswith("nul.txt")
    text = epub_text(result.outputs["epub"])
    # Vertical tab and form feed are line ends in text (Unicode), the rest goes.
    assert '<span class="line">Hello world and</span>' in text and "more" in text
    assert not any(ch in text for ch in "\x00\x01\x02\x0b\x0c")


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html"])
def test_a_stray_nul_byte_in_a_short_file(tmp_path: Path, suffix: str) -> None:
    """One NUL in a short ASCII file does not make it UTF-16."""
    body = b"<p>Hello\x00 world.</p>" if suffix == ".html" else b"Hello\x00 world.\n"
    source = write(tmp_path / f"short{suffix}", body)
    result = make_build([source], tmp_path / "out")
    assert "Hello world." in epub_text(result.outputs["epub"])
    assert {"ENC002", "HTM002"} & {d.code for d in result.diagnostics.warnings}


@pytest.mark.parametrize("suffix", [".html", ".md"])
def test_invalid_xml_character_references_are_removed(tmp_path: Path, suffix: str) -> None:
    """&#xFFFE; and friends decode to characters XML cannot hold."""
    refs = "&#0; &#1; &#x1F; &#xD800; &#xDFFF; &#xFFFE; &#xFFFF; &#x110000;"
    if suffix == ".html":
        body = f'<html><body><h1>Refs</h1><p title="t&#xFFFE;&#1;">Before {refs} after.</p></body></html>'
    else:
        body = f"# Refs\n\nBefore {refs} after.\n\n<span title=\"t&#xFFFE;\">inline {refs}</span>\n"
    source = write(tmp_path / f"refs{suffix}", body)
    result = make_build([source], tmp_path / "out", formats=("epub", "pdf"))
    text = epub_text(result.outputs["epub"])
    assert "Before" in text and "after." in text
    for bad in ("\ufffe", "\uffff", "\x01", "\x1f", "&#xFFFE;", "&#1;"):
        assert bad not in text


def test_lone_surrogates_in_utf16_text_are_a_clear_error(tmp_path: Path) -> None:
    text = "The Chapter\n\nA lone \ud800 surrogate.\n"
    source = write(tmp_path / "sur.txt", b"\xff\xfe" + text.encode("utf-16-le", "surrogatepass"))
    refused([source], DecodeError, "bytes not valid in utf-16-le", location="sur.txt:3")


def test_encoded_surrogates_in_utf8_bytes_do_not_reach_the_book(tmp_path: Path) -> None:
    source = write(tmp_path / "sur.md", b"# Chapter\n\nA lone \xed\xa0\x80 surrogate.\n")
    result = make_build([source], tmp_path / "out")
    text = epub_text(result.outputs["epub"])
    assert "surrogate." in text
    assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def test_control_characters_in_book_toml_metadata_are_cleaned(tmp_path: Path) -> None:
    book = book_folder(tmp_path / "book", '[metadata]\ntitle = "Bad\\u0007Title\\u0000 Here\\uFFFE"\n'
                       'author = "An\\u001bAuthor"\nlanguage = "en"\n'
                       'description = "Line\\u0001one\\nline two"\n', {"a.md": CHAPTER})
    result = make_build([book], tmp_path / "out", title=None)
    opf = next(d.decode() for n, d in epub_entries(result.outputs["epub"]).items() if n.endswith(".opf"))
    assert '<dc:title id="title">BadTitle Here</dc:title>' in opf
    assert ">AnAuthor</dc:creator>" in opf
    assert result.outputs["epub"].name == "badtitle-here.epub"


@pytest.mark.parametrize("raw,fragment,line", [
    (b'[metadata]\ntitle = "A \\ud800 B"\n', "not a Unicode scalar value", 2),
    (b'[metadata]\ntitle = "A \x00 B"\n', "Illegal character", 2),
    (b'[metadata]\nlanguage = "en"\ntitle = "A \xff B"\n', "not valid UTF-8", 3),
], ids=["escaped-surrogate", "raw-nul", "invalid-utf8"])
def test_bad_characters_in_book_toml_are_refused_with_line(tmp_path: Path, raw: bytes,
                                                            fragment: str, line: int) -> None:
    book = book_folder(tmp_path / "book", "", {"a.md": CHAPTER})
    write(book / "book.toml", raw)
    refused([book], ConfigError, fragment, location=f"book.toml:{line}")


def test_metadata_from_markdown_front_matter_is_cleaned(tmp_path: Path) -> None:
    source = write(tmp_path / "front.md", "---\ntitle: \"Front\\u0001Matter\\uFFFF\\uD800!\"\n"
                   "author: \"Some\\u0000One\"\n---\n\n" + CHAPTER)
    result = make_build([source], tmp_path / "out", title=None)
    opf = next(d.decode() for n, d in epub_entries(result.outputs["epub"]).items() if n.endswith(".opf"))
    assert '<dc:title id="title">FrontMatter!</dc:title>' in opf
    assert ">SomeOne</dc:creator>" in opf


def test_hostile_file_names_in_a_book_folder(tmp_path: Path) -> None:
    """Control characters, a newline, invalid UTF-8, '#', '?', '%' and
    brackets in file names: every chapter is read, messages stay one line."""
    book = tmp_path / "book"
    book.mkdir()
    names = [b"01-new\nline.md", b"02-bell\x07.md", b"03-\xff\xfe-latin1.md", b"04-why?.md",
             b"05-#hash.md", b"06-100%25.md", b"07-[draft].md"]
    for number, name in enumerate(names, 1):
        with open(os.path.join(os.fsencode(book), name), "wb") as handle:
            handle.write(f"# Chapter {number}\n\nText {number}.\n".encode())
    write(book / "book.toml", '[metadata]\ntitle = "Names"\nlanguage = "en"\n')
    result = cli("build", str(book), "-f", "epub", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    text = epub_text(tmp_path / "out" / "names.epub")
    for number in range(1, len(names) + 1):
        assert f"Text {number}." in text
    for line in stderr_lines(result):
        assert line.startswith("make-book: ")


def test_hostile_file_name_in_an_error_stays_on_one_line(tmp_path: Path) -> None:
    with open(os.path.join(os.fsencode(tmp_path), b"bad\nname\x1b[2J\xff.txt"), "wb") as handle:
        handle.write(b"Line one.\n\nLine two.\n\n\xff\xfe\xfa\n")
    result = subprocess.run(
        [sys.executable, "-m", "make_book", "build", b"bad\nname\x1b[2J\xff.txt", "--encoding",
         "utf-8", "-o", str(tmp_path / "out")], cwd=tmp_path, capture_output=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    lines = [line for line in result.stderr.split(b"\n") if line.strip()]
    assert len(lines) == 1, result.stderr
    assert b"\x1b" not in lines[0]
    assert lines[0].startswith(b"make-book: error: bad\\nname\\x1b[2J\\udcff.txt:5: ")


def test_lone_surrogate_in_command_line_title(tmp_path: Path) -> None:
    write(tmp_path / "story.md", CHAPTER)
    result = subprocess.run([sys.executable, "-m", "make_book", "build", "story.md", "--title",
                             b"Caf\xe9 \xff\x01Noir", "--author", b"\xed\xa0\x80Ann", "--lang", "en",
                             "-f", "epub", "-o", "out"], cwd=tmp_path, capture_output=True,
                            timeout=600, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    [epub] = (tmp_path / "out").iterdir()
    assert epub.name == "caf-noir.epub"
    opf = next(d.decode() for n, d in epub_entries(epub).items() if n.endswith(".opf"))
    assert '<dc:title id="title">Caf Noir</dc:title>' in opf
    assert ">Ann</dc:creator>" in opf


# ============================================================ errors (CLI)


def test_cli_error_is_one_line_with_file_and_line_exit_1(tmp_path: Path, outside: Path) -> None:
    book = book_folder(tmp_path / "book", '[metadata]\ntitle = "T"\n\n[content]\n'
                       'files = ["a.md", "../outside/secret.md"]\n', {"a.md": CHAPTER})
    result = cli("build", str(book), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 1
    assert stderr_lines(result) == ["make-book: error: book/book.toml:5: '../outside/secret.md' "
                                    "points outside the book folder"]
    assert not (tmp_path / "out").exists()


def test_cli_usage_error_exit_2(tmp_path: Path) -> None:
    source = write(tmp_path / "story.md", CHAPTER)
    result = cli("build", str(source), "--trim", "banana", "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    [line] = stderr_lines(result)
    assert line.startswith("make-book: error: --trim") and "banana" in line


def test_cli_debug_shows_the_traceback(tmp_path: Path, outside: Path) -> None:
    book = book_folder(tmp_path / "book", '[metadata]\ntitle = "T"\n[content]\n'
                       'files = ["/etc/passwd"]\n', {"a.md": CHAPTER})
    quiet = cli("build", str(book), "-o", str(tmp_path / "out"))
    loud = cli("build", str(book), "-o", str(tmp_path / "out"), "--debug")
    assert quiet.returncode == loud.returncode == 1
    assert "Traceback" not in quiet.stderr
    assert "Traceback (most recent call last)" in loud.stderr
    assert "book/sandbox.py" in loud.stderr.replace(os.sep, "/")
    assert loud.stderr.rstrip().splitlines()[-1] == stderr_lines(quiet)[-1]


def test_cli_warnings_are_summarized_at_the_end(tmp_path: Path) -> None:
    source = write(tmp_path / "story.md", CHAPTER + "\n![gone](missing.png)\n\n"
                   "![far](https://example.invalid/far.png)\n")
    result = cli("build", str(source), "--title", "W", "--lang", "en", "-f", "epub", "-o",
                 str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    lines = stderr_lines(result)
    assert lines[-1] == "make-book: 2 warnings (IMG001 x1, IMG003 x1)"
    assert any(line.startswith("make-book: warning IMG001: ") and "story.md:5:" in line for line in lines)
    assert (tmp_path / "out" / "w.epub").is_file()


def test_cli_strict_turns_a_warning_into_an_error_and_writes_nothing(tmp_path: Path) -> None:
    source = write(tmp_path / "story.md", CHAPTER + "\n![far](https://example.invalid/far.png)\n")
    result = cli("build", str(source), "--title", "S", "--lang", "en", "-o", str(tmp_path / "out"),
                 "--strict")
    assert result.returncode == 1
    [line] = stderr_lines(result)
    assert line.startswith("make-book: error: ") and "story.md:5:" in line
    assert "[IMG003, an error under --strict]" in line
    assert not (tmp_path / "out").exists()


def test_cli_internal_error_is_one_line_without_debug(tmp_path: Path) -> None:
    """A bug (not the manuscript's fault) still ends in one line and exit 1."""
    source = write(tmp_path / "story.md", CHAPTER)
    result = subprocess.run(
        [sys.executable, "-c", "import sys, book.build, make_book\n"
         "def boom(*a, **k): raise RuntimeError('simulated bug\\nsecond line')\n"
         "sys.modules['book.build'].render_outputs = boom\n"
         "make_book.main()", "build", str(source), "--lang", "en", "-o", str(tmp_path / "out")],
        cwd=tmp_path, capture_output=True, text=True, timeout=600,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    line = stderr_lines(result)[-1]
    assert line.startswith("make-book: internal error: RuntimeError: simulated bug second line")


# ============================================================ the network


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    """Serves a PNG for any *.png path and counts every request."""

    requests: list[str] = []
    image: bytes = b""

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        if self.path.endswith(".png"):
            body, kind = type(self).image, "image/png"
        else:
            body, kind = b"body { color: red }", "text/css"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # keep the test output clean
        pass


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 200)).save(buffer, "PNG")
    handler = type("Handler", (_CountingHandler,), {"requests": [], "image": buffer.getvalue()})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}", handler.requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def _remote_book(root: Path, host: str) -> Path:
    css = (f'@import url("http://{host}/import.css");\n'
           f'@import "http://{host}/import2.css";\n'
           f'@font-face {{ font-family: "Far"; src: url("http://{host}/font.woff2") format("woff2"); }}\n'
           f'body {{ font-family: "Far", serif; background: url(http://{host}/bg.png); }}\n'
           f'h1 {{ list-style-image: url(//{host}/bullet.png); }}\n')
    markdown = (f"# Markdown Chapter\n\nText.\n\n![A harbour](http://{host}/harbour.png)\n\n"
                f'<img src="http://{host}/inline.png" alt="inline"/>\n\n'
                f"[a link](http://{host}/page.html)\n")
    html = (f'<html><head><link rel="stylesheet" href="http://{host}/head.css"/>'
            f'<style>@import url(http://{host}/style.css);</style></head><body>'
            f"<h1>HTML Chapter</h1><p>Words.</p>"
            f'<p><img src="http://{host}/html.png" alt="remote in html" '
            f'srcset="http://{host}/srcset.png 2x"/></p>'
            f'<p style="background-image: url(http://{host}/style-attr.png)">Styled.</p>'
            f'<video poster="http://{host}/poster.png" src="http://{host}/v.mp4"></video>'
            f'<iframe src="http://{host}/frame.png"></iframe>'
            f'<object data="http://{host}/object.png"></object>'
            f'<svg><image href="http://{host}/svg.png"/></svg>'
            "</body></html>")
    return book_folder(root, '[metadata]\ntitle = "Remote"\nlanguage = "en"\n'
                       '[content]\nfiles = ["a.md", "b.html"]\n[style]\ncss = ["style.css"]\n',
                       {"a.md": markdown, "b.html": html, "style.css": css})


def test_no_request_reaches_the_network_without_allow_remote(tmp_path: Path, server) -> None:
    host, requests = server
    book = _remote_book(tmp_path / "book", host)
    result = cli("build", str(book), "-f", "epub,pdf,pdf-screen", "-o", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert requests == []
    outputs = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert outputs == ["remote-screen.pdf", "remote.epub", "remote.pdf"]
    assert "IMG003" in result.stderr and "CSS001" in result.stderr
    text = epub_text(tmp_path / "out" / "remote.epub")
    assert f"{host}/harbour.png" not in text and "A harbour" in text


def test_allow_remote_fetches_the_image(tmp_path: Path, server) -> None:
    host, requests = server
    book = _remote_book(tmp_path / "book", host)
    result = cli("build", str(book), "-f", "epub,pdf", "-o", str(tmp_path / "out"), "--allow-remote")
    assert result.returncode == 0, result.stderr
    assert "/harbour.png" in requests and "/html.png" in requests
    # Only images named by the text are fetched; stylesheets and fonts never.
    assert not [r for r in requests if r.endswith((".css", ".woff2"))], requests
    images = [n for n in epub_entries(tmp_path / "out" / "remote.epub") if n.endswith(".png")]
    assert images
