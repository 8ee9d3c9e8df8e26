"""The build cache's read stage (book/cache/reads.py): in a book of many
files, an edit reads only the file that changed again, and the book, its
warnings and its fidelity figures are those of a clean build."""

from __future__ import annotations

import importlib
import os
import zipfile
from pathlib import Path

import pytest

from book.build import build
from book.context import BuildOptions
from book.diagnostics import Diagnostics

FILES = {
    "01-preface.md": "{frontmatter}\n\n# Preface\n\nWhy this book was written, and for whom.\n",
    "02-one.md": "{mainmatter}\n\n# The First Chapter\n\nIt began on a \"quiet\" Monday.\n\n"
                 "<script>alert(1)</script>\n\nThe mill stood still.[^a]\n\n[^a]: A real mill.\n",
    "03-two.md": "# The Second Chapter\n\nThe river rose in the night.\n\n"
                 "```\n![a figure](images/plan.png)\n```\n",
    "04-three.txt": "CHAPTER III\n\nBy morning the road was gone, and the bell rang twice.\n",
}
TOML = ('[metadata]\ntitle = "The River"\nauthors = ["A. Writer"]\nlanguage = "en"\n\n'
        '[content]\nfiles = ["01-preface.md", "02-one.md", "03-two.md", "04-three.txt"]\n')


@pytest.fixture()
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "river"
    (folder / "images").mkdir(parents=True)
    (folder / "book.toml").write_text(TOML, encoding="utf-8")
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _build(folder: Path, out: Path, cache: bool = True) -> tuple[bytes, list[tuple]]:
    diag = Diagnostics()
    result = build([folder], BuildOptions(formats=("epub",), outdir=out, cache=cache), diagnostics=diag)
    return result.outputs["epub"].read_bytes(), [(d.code, d.message, d.file, d.line)
                                                 for d in diag.items]


def _counting_reads(monkeypatch) -> list[str]:
    pipeline = importlib.import_module("book.pipeline")
    real = pipeline.reader_for
    reads: list[str] = []

    def reader_for(suffix):
        read = real(suffix)

        def counted(source, ctx):
            reads.append(source.display)
            return read(source, ctx)
        return counted

    monkeypatch.setattr(pipeline, "reader_for", reader_for)
    return reads


def _text(data: bytes) -> str:
    with zipfile.ZipFile(__import__("io").BytesIO(data)) as epub:
        return " ".join(epub.read(n).decode() for n in sorted(epub.namelist())
                        if n.endswith(".xhtml"))


def test_an_edit_reads_only_the_file_that_changed(project, tmp_path, monkeypatch):
    reads = _counting_reads(monkeypatch)
    _build(project, tmp_path / "first")
    assert sorted(reads) == sorted(FILES)
    reads.clear()
    edited = project / "03-two.md"
    edited.write_text(edited.read_text(encoding="utf-8").replace("rose", "fell"), encoding="utf-8")
    data, said = _build(project, tmp_path / "second")
    assert reads == ["03-two.md"]
    clean_data, clean_said = _build(project, tmp_path / "clean", cache=False)
    assert data == clean_data, "a cached rebuild is a clean build of the edited book"
    assert said == clean_said, "the files not read again still say what they said"
    assert "fell in the night" in _text(data)
    assert ("MD050", "unsafe HTML element <script> was removed", "02-one.md", 7) in said, \
        "a warning of a file not read again is reported again"


def test_the_matter_a_file_leaves_reaches_the_next_one_read_again(project, tmp_path,
                                                                   monkeypatch):
    """Leanpub's {mainmatter} in a file restored from the store still puts
    the next file, read afresh, in the body."""
    _build(project, tmp_path / "first")
    reads = _counting_reads(monkeypatch)
    (project / "04-three.txt").write_text(FILES["04-three.txt"].replace("twice", "thrice"),
                                          encoding="utf-8")
    data, said = _build(project, tmp_path / "second")
    assert reads == ["04-three.txt"]
    assert (data, said) == _build(project, tmp_path / "clean", cache=False)


def test_a_file_the_reader_looked_at_is_watched(project, tmp_path):
    """03-two.md's code sample shows images/plan.png, which is missing
    (MD070); once it exists the warning goes, though 03-two.md is unchanged."""
    _data, said = _build(project, tmp_path / "first")
    assert any(code == "MD070" for code, *_ in said)
    (project / "images" / "plan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    _data, said = _build(project, tmp_path / "second")
    assert not any(code == "MD070" for code, *_ in said)
    assert said == _build(project, tmp_path / "clean", cache=False)[1]


def test_a_damaged_read_entry_is_read_afresh(project, tmp_path, monkeypatch):
    import sqlite3

    from book.cache.reads import READ_STAGE
    from book.cache.store import FILE_NAME

    _build(project, tmp_path / "first")
    store_file = next((tmp_path / "cache").glob(f"*/{FILE_NAME}"))
    with sqlite3.connect(store_file) as db:
        db.execute("UPDATE entries SET value = ? WHERE stage = ?", (b"MBC1 not an entry",
                                                                    READ_STAGE))
    reads = _counting_reads(monkeypatch)
    (project / "02-one.md").write_text(FILES["02-one.md"] + "\nOne more line.\n", encoding="utf-8")
    data, said = _build(project, tmp_path / "second")
    assert sorted(reads) == sorted(FILES), "no damaged entry is trusted"
    assert (data, said) == _build(project, tmp_path / "clean", cache=False)
    assert os.path.exists(store_file)


def test_a_book_of_one_file_keeps_no_read_entries(project, tmp_path):
    """An edit of a lone file changes the only source: the load stage serves."""
    from book.cache import Store
    from book.cache.reads import READ_STAGE

    def read_entries() -> int:
        total = 0
        for folder in (tmp_path / "cache").iterdir():
            store = Store(folder)
            total += store.count(READ_STAGE)
            store.close()
        return total

    _build(project, tmp_path / "many")
    assert read_entries() == len(FILES)
    _build(project / "04-three.txt", tmp_path / "one")
    assert read_entries() == len(FILES)
