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
