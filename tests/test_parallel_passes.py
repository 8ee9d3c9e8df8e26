"""The chapter passes shared between two processes (book/passes/parallel.py)
give the book and the warnings one process gives."""

from __future__ import annotations

import dataclasses
import os
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from book.build import build
from book.context import BuildOptions
from book.cache import codec
from book.diagnostics import Diagnostics
from book.model import Chapter, Matter, SourceRef
from book.passes import parallel

from .conftest import CORPUS


def _book(tmp_path: Path, jobs: int, name: str) -> tuple[bytes, list[tuple]]:
    diag = Diagnostics()
    result = build([CORPUS / "pg-en-austen-pride-and-prejudice.txt"],
                   BuildOptions(formats=("epub",), outdir=tmp_path / name, jobs=jobs),
                   diagnostics=diag)
    data = result.outputs["epub"].read_bytes()
    return data, [(d.code, d.message, d.file, d.line, d.severity) for d in diag.items]


@pytest.fixture(scope="module")
def serial(tmp_path_factory) -> tuple[bytes, list[tuple]]:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1700000000")
    return _book(tmp_path_factory.mktemp("serial"), 1, "one")


@pytest.mark.parametrize("side_chars", [parallel.SIDE_CHARS, 100_000])
def test_two_processes_make_the_same_book_and_say_the_same(serial, tmp_path, monkeypatch,
                                                           side_chars):
    """With the default cost of the cover, the other process only draws it
    (this novel is small); with a cheaper one it takes chapters too."""
    monkeypatch.setattr(parallel, "SIDE_CHARS", side_chars)
    splits, drawn = [], []
    real_split, real_adopt = parallel._run_split, None
    from book import covers

    real_adopt = covers.adopt_prerendered

    def counting_split(slots, split, *args):
        splits.append((split, len(slots)))
        return real_split(slots, split, *args)

    def counting_adopt(result):
        drawn.append(result[0])
        real_adopt(result)

    monkeypatch.setattr(parallel, "_run_split", counting_split)
    monkeypatch.setattr(covers, "adopt_prerendered", counting_adopt)
    data, said = _book(tmp_path, 2, "two")
    assert len(splits) == 1
    split, count = splits[0]
    if side_chars < parallel.SIDE_CHARS:
        assert 0 < split < count, "the chapters were not shared"
    assert len(drawn) == 1, "the other process did not draw the cover"
    assert data == serial[0]
    assert said == serial[1]
    with zipfile.ZipFile(tmp_path / "two" / next(p.name for p in (tmp_path / "two").iterdir()
                                                   if p.suffix == ".epub")) as epub:
        assert any(name.endswith("cover.jpg") for name in epub.namelist())


def test_a_child_that_dies_costs_time_not_the_book(serial, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "_child", lambda *args: os._exit(3))
    data, said = _book(tmp_path, 2, "fallback")
    assert data == serial[0]
    assert said == serial[1]


def test_a_small_book_stays_in_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "_run_split", lambda *a: pytest.fail("forked for a small book"))
    source = tmp_path / "short.md"
    source.write_text("# One\n\nA few words.\n\n# Two\n\nA few more.\n", encoding="utf-8")
    build([source], BuildOptions(formats=("epub",), outdir=tmp_path / "out", jobs=2))


def test_the_codec_keeps_every_field_of_a_chapter():
    chapter = Chapter(id="c7", tree=etree.fromstring("<section><p>x</p></section>"),
                      title="Seven", kind="part", matter=Matter.BACK,
                      source=SourceRef("book.txt", 12), source_path=Path("/books/book.txt"),
                      lang="fr", depth=2, toc_title="VII", source_span=(12, 40))
    back, _ = codec.decode_chapter(codec.encode_chapter(chapter))
    for field in dataclasses.fields(Chapter):
        if field.name == "tree":
            assert etree.tostring(back.tree) == etree.tostring(chapter.tree)
        else:
            assert getattr(back, field.name) == getattr(chapter, field.name), field.name


def test_a_once_per_build_note_from_two_processes_is_kept_once():
    here = Diagnostics()
    here.once("TYP001", "no rules for xx", warning=False)
    here.warn("IMG001", "missing a.png")
    here.replay([["TYP001", "no rules for xx", None, None, None, "note"],
                 ["IMG001", "missing a.png", None, None, None, "warning"]], {"TYP001"})
    assert [d.code for d in here.items] == ["TYP001", "IMG001", "IMG001"]


def test_a_child_that_hangs_is_left_behind(serial, tmp_path, monkeypatch):
    import time

    monkeypatch.setattr(parallel, "WAIT_AT_LEAST", 1.0)
    monkeypatch.setattr(parallel, "WAIT_FACTOR", 0.5)
    monkeypatch.setattr(parallel, "_child", lambda *args: time.sleep(120))
    started = time.monotonic()
    data, said = _book(tmp_path, 2, "hung")
    assert data == serial[0]
    assert said == serial[1]
    assert time.monotonic() - started < 100
