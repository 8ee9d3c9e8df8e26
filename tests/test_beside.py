"""Issue 12: the EPUB written in a forked child while the book is checked
(book/beside.py): the same bytes and the same report as one process, the
child's warnings after the check's, the files it read seen by the build
record, and a failing child costing only time."""

from __future__ import annotations

import shutil
from pathlib import Path

from book import beside
from book.build import load_book
from book.context import BuildOptions
from book.sandbox import note_used, watch

from .conftest import CORPUS
from .test_cli import run

PRIDE = CORPUS / "pg-en-austen-pride-and-prejudice.txt"


def _said(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "wrote" not in line]


def test_an_epub_written_beside_the_check_is_the_one_process_epub(tmp_path):
    shutil.copy(PRIDE, tmp_path / "pride.txt")
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    one = run("build", "pride.txt", "-f", "epub", "--no-cache", "--jobs", "1", "-o", "one",
              cwd=tmp_path, env=env)
    two = run("build", "pride.txt", "-f", "epub", "--no-cache", "--jobs", "2", "-o", "two",
              cwd=tmp_path, env=env)
    assert one.returncode == 0 and two.returncode == 0, two.stderr
    [first] = (tmp_path / "one").glob("*.epub")
    [second] = (tmp_path / "two").glob("*.epub")
    assert first.read_bytes() == second.read_bytes()
    assert _said(one.stderr) == _said(two.stderr)
    assert any("FID000" in line for line in _said(two.stderr))


def _small_book(tmp_path: Path):
    path = tmp_path / "b.txt"
    path.write_text("A Title\n\nCHAPTER I\n\nSome words of the first chapter.\n", encoding="utf-8")
    return load_book([path], BuildOptions(formats=("epub",), jobs=2))


def test_the_childs_warnings_come_after_the_checks_and_its_files_are_seen(tmp_path):
    book, ctx = _small_book(tmp_path)
    read = tmp_path / "font.otf"

    def render(book, ctx):
        note_used(read)
        ctx.diag.warn("TEST001", "said in the child")
        return {"epub": b"the bytes"}

    with watch() as seen:
        child = beside.start(book, ctx, render)
        ctx.diag.note("TEST000", "said here meanwhile")
        rendered = beside.finish(child, ctx)
    assert rendered == {"epub": b"the bytes"}
    codes = [item.code for item in ctx.diag.items]
    assert codes.index("TEST000") < codes.index("TEST001")
    assert read in seen


def test_a_failing_child_leaves_the_writing_to_this_process(tmp_path):
    book, ctx = _small_book(tmp_path)

    def render(book, ctx):
        raise RuntimeError("broken in the child")

    assert beside.finish(beside.start(book, ctx, render), ctx) is None


def test_small_books_pdfs_and_strict_builds_stay_in_one_process(tmp_path):
    book, ctx = _small_book(tmp_path)
    assert not beside.wanted(book, ctx)  # too little text to pay for a fork
    big, big_ctx = load_book([PRIDE], BuildOptions(formats=("epub",), jobs=2))
    assert beside.wanted(big, big_ctx)
    for options in (BuildOptions(formats=("epub", "pdf"), jobs=2),
                    BuildOptions(formats=("epub",), jobs=1),
                    BuildOptions(formats=("epub",), jobs=2, strict=True)):
        big_ctx.options = options
        assert not beside.wanted(big, big_ctx)
