"""The generated cover begun while the manuscript is read
(book/covers/early.py) gives the book one process gives."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from book import covers
from book.build import build
from book.context import BuildOptions
from book.covers import early
from book.diagnostics import Diagnostics
from book.passes import parallel

from .conftest import CORPUS

NOVEL = CORPUS / "pg-en-austen-pride-and-prejudice.txt"


def _book(outdir: Path, jobs: int) -> tuple[bytes, list[tuple]]:
    diag = Diagnostics()
    result = build([NOVEL], BuildOptions(formats=("epub",), outdir=outdir, jobs=jobs),
                   diagnostics=diag)
    return result.outputs["epub"].read_bytes(), [(d.code, d.message, d.file, d.line)
                                                 for d in diag.items]


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> tuple[bytes, list[tuple]]:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    return _book(tmp_path_factory.mktemp("serial"), 1)


def test_the_early_child_draws_the_cover_and_the_book_is_the_same(serial, tmp_path, monkeypatch):
    monkeypatch.setattr(early, "MIN_SOURCE_BYTES", 0)
    sides, drawn = [], []
    real_run_slots, real_adopt = parallel.run_slots, covers.adopt_prerendered

    def watching_run_slots(slots, passes, ctx, *, side=None, on_done=None):
        sides.append(side)
        return real_run_slots(slots, passes, ctx, side=side, on_done=on_done)

    def counting_adopt(result):
        drawn.append(result[0])
        real_adopt(result)

    monkeypatch.setattr(parallel, "run_slots", watching_run_slots)
    monkeypatch.setattr(covers, "adopt_prerendered", counting_adopt)
    data, said = _book(tmp_path, 2)
    assert sides == [None], "the passes still drew the cover beside them"
    assert len(drawn) == 1 and drawn[0].texts[0] == ("title", "Pride and Prejudice")
    assert data == serial[0]
    assert said == serial[1]
    with zipfile.ZipFile(next(tmp_path.glob("*.epub"))) as epub:
        assert any(name.endswith("cover.jpg") for name in epub.namelist())


def test_a_child_that_dies_costs_time_not_the_book(serial, tmp_path, monkeypatch):
    monkeypatch.setattr(early, "MIN_SOURCE_BYTES", 0)
    monkeypatch.setattr(early, "_child", lambda *args: os._exit(3))
    data, said = _book(tmp_path, 2)
    assert data == serial[0]
    assert said == serial[1]


def test_no_early_child_when_the_cover_is_not_drawn_here():
    from book.config import ProjectConfig

    config = ProjectConfig(root=Path("."))
    big = early.MIN_SOURCE_BYTES
    assert early.wanted(config, BuildOptions(formats=("epub",), jobs=2), big)
    assert not early.wanted(config, BuildOptions(formats=("epub",), jobs=1), big)
    assert not early.wanted(config, BuildOptions(formats=("epub",), jobs=2), big - 1)
    assert not early.wanted(config, BuildOptions(formats=("epub", "pdf"), jobs=2), big)
    assert not early.wanted(config, BuildOptions(formats=("pdf",), jobs=2), big)
    config.metadata.cover = Path("cover.jpg")
    assert not early.wanted(config, BuildOptions(formats=("epub",), jobs=2), big)


def test_no_early_child_when_the_store_holds_the_cover_of_last_time(tmp_path, monkeypatch):
    """An edit rarely changes the title or the author, so once the store
    holds the cover these files had, no child starts drawing one; when the
    title did change, the passes draw the new cover beside them and the
    book is still the one a clean build gives."""
    monkeypatch.setattr(early, "MIN_SOURCE_BYTES", 0)
    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    started: list[int] = []
    real_start = early.start

    def counting_start(*args):
        started.append(1)
        return real_start(*args)

    monkeypatch.setattr(early, "start", counting_start)
    source = tmp_path / "novel.txt"
    text = NOVEL.read_text(encoding="utf-8-sig")

    def built(name: str, cache: bool = True) -> bytes:
        result = build([source], BuildOptions(formats=("epub",), outdir=tmp_path / name, jobs=2,
                                              cache=cache), diagnostics=Diagnostics())
        return result.outputs["epub"].read_bytes()

    source.write_text(text, encoding="utf-8")
    built("first")
    assert len(started) == 1  # nothing stored yet: the child draws the cover
    middle = text.index(" the ", len(text) // 2)
    source.write_text(text[:middle] + " that " + text[middle + 5:], encoding="utf-8")
    edited = built("edited")
    assert len(started) == 1, "a child was started for a cover the store holds"
    assert edited == built("edited-clean", cache=False)
    source.write_text(text.replace("Title: Pride and Prejudice", "Title: Pride and Patience"),
                      encoding="utf-8")
    started.clear()
    retitled = built("retitled")
    assert started == []
    assert retitled == built("retitled-clean", cache=False)
    with zipfile.ZipFile(tmp_path / "retitled" / "pride-and-patience.epub") as epub:
        assert any(name.endswith("cover.jpg") for name in epub.namelist())
