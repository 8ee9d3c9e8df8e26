"""The garbage collector's tuning during a build (book/collector.py) and the
plain-text source numbered when first read (book/fidelity/source.py).

A build raises the young generation's threshold and puts the interpreter's
back afterwards, whatever happens; a page layout inside it runs with the
interpreter's own.  The lazily numbered lines are the segments an eager
numbering gives.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
from pathlib import Path

import pytest

from book import collector
from book.build import build
from book.context import BuildOptions
from book.fidelity.source import LineText, SourceText


@pytest.fixture
def thresholds():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_a_build_tunes_the_collector_and_puts_it_back(tmp_path: Path, thresholds,
                                                       monkeypatch) -> None:
    seen = []
    build_module = importlib.import_module("book.build")  # ``book.build`` is the function

    @contextlib.contextmanager
    def watched():
        with collector.few_collections():
            seen.append(gc.get_threshold())
            yield

    monkeypatch.setattr(build_module, "few_collections", watched)
    source = tmp_path / "story.txt"
    source.write_text("A Story\n\nby Ann Writer\n\n\nIt was a quiet night.\n", encoding="utf-8")
    build([source], BuildOptions(formats=("epub",), outdir=tmp_path / "out", cache=False))
    assert seen == [(collector.YOUNG_GENERATION, 10, 10)]
    assert gc.get_threshold() == (700, 10, 10)


def test_a_layout_inside_runs_with_the_usual_thresholds(thresholds) -> None:
    with collector.usual_collections():
        assert gc.get_threshold() == (700, 10, 10)  # nothing to put back outside a build
    with pytest.raises(RuntimeError):
        with collector.few_collections():
            assert gc.get_threshold()[0] == collector.YOUNG_GENERATION
            with collector.usual_collections():
                assert gc.get_threshold() == (700, 10, 10)
            assert gc.get_threshold()[0] == collector.YOUNG_GENERATION
            raise RuntimeError("a failing build")
    assert gc.get_threshold() == (700, 10, 10)


def test_lines_numbered_when_first_read_are_the_eager_segments() -> None:
    lines = ["Title", "", "   ", "First line", "\t", "second line ", "", "last"]
    for start, end in [(0, None), (2, 7), (3, 4), (8, None)]:
        text = SourceText.from_lines("f.txt", lines, start, end)
        assert isinstance(text, LineText) and text.by_line
        stop = len(lines) if end is None else end
        eager = [(n, line) for n, line in enumerate(lines[start:stop], start + 1) if line.strip()]
        assert text.segments == eager
        assert text.lines() == [n for n, _ in eager]
    text = SourceText.from_lines("f.txt", lines)
    lines[0] = "changed after the read"  # the read's own copy is numbered
    assert text.segments[0] == (1, "Title")
    text.segments = [(9, "set")]
    assert text.segments == [(9, "set")]
    removal = SourceText.from_lines("f.txt", ["one two", "", "three"]).remove(1, 1, "title page")
    assert removal.words == 2


def test_only_a_layout_here_collects_as_usual(tmp_path: Path, thresholds, monkeypatch) -> None:
    """The whole book as one document and a chunk laid out in this process
    run with the interpreter's thresholds; joining the chunks' pages keeps
    the build's (around layout workers this process makes no cycles)."""
    from book.writers.pdf import chunked, whole, worker

    seen: dict[str, tuple[int, ...]] = {}

    def spy(name, function):
        def call(*args, **kwargs):
            seen.setdefault(name, gc.get_threshold())
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(whole, "render_whole", spy("whole", whole.render_whole))
    monkeypatch.setattr(worker, "lay_out_chunk", spy("chunk here", worker.lay_out_chunk))
    monkeypatch.setattr(chunked, "merge", spy("join", chunked.merge))
    source = tmp_path / "story.txt"
    source.write_text("A Story\n\nby Ann Writer\n\n\nCHAPTER I\n\nIt was a quiet night.\n\n"
                      "CHAPTER II\n\nThe morning came.\n", encoding="utf-8")
    build([source], BuildOptions(formats=("pdf",), outdir=tmp_path / "whole", jobs=None))
    build([source], BuildOptions(formats=("pdf",), outdir=tmp_path / "chunks", jobs=1))
    assert seen["whole"] == (700, 10, 10)
    assert seen["chunk here"] == (700, 10, 10)
    assert seen["join"] == (collector.YOUNG_GENERATION, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_the_command_keeps_the_tuning_once_the_build_ends(tmp_path: Path) -> None:
    """``make-book`` runs under the build's tuning, so the end of the build
    does not collect its young objects at once (the process exits soon)."""
    import subprocess
    import sys

    from .conftest import REPO

    source = tmp_path / "story.txt"
    source.write_text("A Story\n\nby Ann Writer\n\n\nIt was a quiet night.\n", encoding="utf-8")
    code = (
        "import atexit, gc, sys, make_book\n"
        "seen = []\n"
        "real = make_book.build\n"
        "def spy(*args, **kwargs):\n"
        "    result = real(*args, **kwargs)\n"
        "    seen.append(gc.get_threshold()[0])\n"
        "    return result\n"
        "make_book.build = spy\n"
        "atexit.register(lambda: print('after the build', seen))\n"
        f"sys.argv = ['make-book', 'build', {str(source)!r}, '-f', 'epub', '-o', "
        f"{str(tmp_path / 'out')!r}, '-q', '--no-cache']\n"
        "make_book.main()\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert f"after the build [{collector.YOUNG_GENERATION}]" in done.stdout
