"""Crash safety (issue 7): a killed build never leaves a truncated output.

Real builds run in child processes and are stopped with real signals at
chosen moments: while Python starts, in the middle of laying out the PDF,
while an output's temporary file is half written, and between the renames
of the commit.  To hit the last moments exactly, the child runs make-book
through a small wrapper that only *marks* them (a file appears in a marker
folder) and, when asked, waits there; the code that writes the outputs is
the real one (book/atomic.py).

After every stop, each output path must hold the previous complete file
(same bytes) or the new complete file, never anything else; a later build
removes the stale ``.part`` files; Ctrl-C exits with 130 and one line.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pikepdf
import pytest

from .conftest import REPO

NAME = "novel"
FORMATS = "epub,pdf"
OUTPUTS = (f"{NAME}.pdf", f"{NAME}.epub")

WRAPPER = r'''
"""make-book with marks at chosen moments of the build (see test_crash_safety)."""
import os
import sys
import time

MARKS = os.environ["MB_MARKS"]
HOLD = os.environ.get("MB_HOLD", "")
HOLD_SECONDS = float(os.environ.get("MB_HOLD_SECONDS", "600"))


def mark(name):
    with open(os.path.join(MARKS, name), "w"):
        pass


def hold(moment):
    if HOLD == moment:
        time.sleep(HOLD_SECONDS)


import book.atomic as atomic
import book.writers.pdf as pdf_writer

_render = pdf_writer.render_editions


def render_editions(*args, **kwargs):
    mark("render")
    return _render(*args, **kwargs)


pdf_writer.render_editions = render_editions


def fill(handle, temp, data, path):
    """The real writing, in two halves with a mark between them."""
    with os.fdopen(os.dup(handle), "wb") as out:
        out.write(data[: len(data) // 2])
        out.flush()
        os.fsync(out.fileno())
    mark("half-written-" + os.path.basename(str(path)))
    hold("half-written")
    os.lseek(handle, 0, os.SEEK_SET)
    return _fill(handle, temp, data, path)


_fill = atomic._fill
atomic._fill = fill
_replace = os.replace


def replace(src, dst):
    _replace(src, dst)
    if str(src).endswith(".part"):
        mark("renamed-" + os.path.basename(str(dst)))
        hold("renamed-one")


os.replace = replace

from make_book import main

sys.argv = ["make-book", *sys.argv[1:]]
main()
'''

WORDS = ["the", "river", "ran", "grey", "under", "a", "low", "sky", "and", "the", "boats", "came", "in", "slowly", "one", "by", "one", "while", "men", "on", "the", "quay", "counted", "crates", "of", "salt", "and", "rope", "and", "the", "children", "watched", "the", "gulls", "wheel", "above", "the", "harbour", "wall"]


def manuscript(chapters: int, paragraphs: int, seed: int) -> str:
    rng = random.Random(seed)
    parts = []
    for number in range(1, chapters + 1):
        parts.append(f"# Chapter {number}\n")
        for _ in range(paragraphs):
            words = [rng.choice(WORDS) for _ in range(rng.randint(60, 110))]
            parts.append(" ".join(words).capitalize() + ".\n")
    return "\n".join(parts)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A big novel (hundreds of pages) and two small editions of another."""
    root = tmp_path_factory.mktemp("crash")
    (root / "wrapper.py").write_text(WRAPPER, encoding="utf-8")
    made = {"root": root}
    for key, (chapters, paragraphs, seed) in {"big": (60, 40, 1), "small": (4, 8, 2),
                                              "small2": (5, 8, 3)}.items():
        folder = root / f"novel-{key}"
        folder.mkdir()
        (folder / "book.toml").write_text(
            f'[metadata]\ntitle = "Harbour {key}"\nauthor = "A. Writer"\nlanguage = "en"\n'
            '[content]\nfiles = ["text.md"]\n', encoding="utf-8")
        (folder / "text.md").write_text(manuscript(chapters, paragraphs, seed), encoding="utf-8")
        made[key] = folder
    assert (made["big"] / "text.md").stat().st_size > 1_000_000
    return made


def environment(marks: Path, hold: str = "", hold_seconds: float = 600) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1700000000",
            "MB_MARKS": str(marks), "MB_HOLD": hold, "MB_HOLD_SECONDS": str(hold_seconds)}


def start(books: dict, which: str, out: Path, marks: Path, **hold) -> subprocess.Popen:
    marks.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen([sys.executable, str(books["root"] / "wrapper.py"), "build",
                             str(books[which]), "-f", FORMATS, "--name", NAME, "-o", str(out), "-q"],
                            cwd=books["root"], env=environment(marks, **hold),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_to_end(books: dict, which: str, out: Path, marks: Path) -> subprocess.CompletedProcess:
    marks.mkdir(parents=True, exist_ok=True)
    return subprocess.run([sys.executable, str(books["root"] / "wrapper.py"), "build",
                           str(books[which]), "-f", FORMATS, "--name", NAME, "-o", str(out), "-q"],
                          cwd=books["root"], env=environment(marks), capture_output=True, text=True,
                          timeout=1800)


def wait_for(marks: Path, name: str, process: subprocess.Popen, timeout: float = 1200) -> None:
    deadline = time.monotonic() + timeout
    while not (marks / name).exists():
        if process.poll() is not None:
            raise AssertionError(f"the build ended before {name!r}: {process.stderr.read()}")
        if time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"{name!r} never came")
        time.sleep(0.02)


def stop(process: subprocess.Popen, signum: int) -> tuple[int, str]:
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=600)
    return process.returncode, stderr


def snapshot(folder: Path) -> dict[str, bytes]:
    """The visible files of the folder (not the hidden .part files) and their bytes."""
    return {p.name: p.read_bytes() for p in folder.iterdir()
            if p.is_file() and not p.name.startswith(".")} if folder.exists() else {}


def parts(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.part")) if folder.exists() else []


def assert_complete(path: Path) -> None:
    """A whole PDF or EPUB: it opens and its structure checks out."""
    if path.suffix == ".pdf":
        assert path.read_bytes().rstrip().endswith(b"%%EOF")
        with pikepdf.open(path) as pdf:
            assert len(pdf.pages) > 0
    else:
        with zipfile.ZipFile(path) as epub:
            assert epub.testzip() is None
            assert epub.read("mimetype") == b"application/epub+zip"


@pytest.fixture(scope="module")
def previous(books: dict) -> dict[str, bytes]:
    """The complete outputs of an earlier build (the small book)."""
    out = books["root"] / "out-previous"
    result = run_to_end(books, "small", out, books["root"] / "marks-previous")
    assert result.returncode == 0, result.stderr
    files = snapshot(out)
    assert sorted(files) == sorted(OUTPUTS)
    return files


def outdir_with(previous: dict[str, bytes], folder: Path) -> Path:
    folder.mkdir(parents=True)
    for name, data in previous.items():
        (folder / name).write_bytes(data)
    return folder


def test_sigkill_while_python_starts(books: dict, previous: dict, tmp_path: Path) -> None:
    out = outdir_with(previous, tmp_path / "out")
    process = start(books, "big", out, tmp_path / "marks")
    time.sleep(0.3)
    code, _ = stop(process, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert snapshot(out) == previous and parts(out) == []


def test_sigkill_mid_render_keeps_the_previous_outputs(books: dict, previous: dict, tmp_path: Path) -> None:
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    process = start(books, "big", out, marks)
    wait_for(marks, "render", process)
    time.sleep(1.0)
    code, _ = stop(process, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert not list(marks.glob("half-written-*")), "the kill came after the render"
    assert snapshot(out) == previous and parts(out) == []


def test_sigkill_mid_render_without_previous_outputs(books: dict, tmp_path: Path) -> None:
    out = tmp_path / "fresh"
    marks = tmp_path / "marks"
    process = start(books, "big", out, marks)
    wait_for(marks, "render", process)
    time.sleep(1.0)
    stop(process, signal.SIGKILL)
    assert snapshot(out) == {} and parts(out) == []


def test_sigkill_with_a_half_written_part_file(books: dict, previous: dict, tmp_path: Path) -> None:
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    process = start(books, "small2", out, marks, hold="half-written")
    wait_for(marks, f"half-written-{NAME}.pdf", process)
    code, _ = stop(process, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert snapshot(out) == previous
    [part] = parts(out)
    assert part.name.startswith(f".{NAME}.pdf.") and 0 < part.stat().st_size

    # A later build removes the stale part and writes whole files.
    result = run_to_end(books, "small2", out, tmp_path / "marks-later")
    assert result.returncode == 0, result.stderr
    assert parts(out) == [] and sorted(snapshot(out)) == sorted(OUTPUTS)
    for name in OUTPUTS:
        assert_complete(out / name)
        assert (out / name).read_bytes() != previous[name]


def test_sigkill_between_the_renames(books: dict, previous: dict, tmp_path: Path) -> None:
    """Killed after the PDF is in place and before the EPUB: each file is
    whole (the new PDF, the previous EPUB); the next build completes it."""
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    process = start(books, "small2", out, marks, hold="renamed-one")
    wait_for(marks, f"renamed-{NAME}.pdf", process)
    stop(process, signal.SIGKILL)
    after_kill = snapshot(out)
    assert after_kill[f"{NAME}.epub"] == previous[f"{NAME}.epub"]
    assert after_kill[f"{NAME}.pdf"] != previous[f"{NAME}.pdf"]
    assert_complete(out / f"{NAME}.pdf")
    assert [p.name.startswith(f".{NAME}.epub.") for p in parts(out)] == [True]

    result = run_to_end(books, "small2", out, tmp_path / "marks-later")
    assert result.returncode == 0, result.stderr
    assert parts(out) == []
    # Builds are reproducible, so the PDF renamed before the kill is the same file.
    assert (out / f"{NAME}.pdf").read_bytes() == after_kill[f"{NAME}.pdf"]
    assert_complete(out / f"{NAME}.epub")


def test_ctrl_c_mid_render(books: dict, previous: dict, tmp_path: Path) -> None:
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    process = start(books, "big", out, marks)
    wait_for(marks, "render", process)
    time.sleep(1.0)
    code, stderr = stop(process, signal.SIGINT)
    assert code == 130, stderr
    assert [line for line in stderr.splitlines() if line.strip()] == [
        "make-book: interrupted; nothing was written"]
    assert snapshot(out) == previous and parts(out) == []


def test_ctrl_c_while_a_part_file_is_written(books: dict, previous: dict, tmp_path: Path) -> None:
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    process = start(books, "small2", out, marks, hold="half-written")
    wait_for(marks, f"half-written-{NAME}.pdf", process)
    code, stderr = stop(process, signal.SIGINT)
    assert code == 130, stderr
    assert stderr.strip() == "make-book: interrupted; nothing was written"
    assert snapshot(out) == previous and parts(out) == []


def test_ctrl_c_during_the_renames_is_held_back(books: dict, previous: dict, tmp_path: Path) -> None:
    """Between the two renames Ctrl-C waits: the commit finishes, the build
    then stops with 130 and says the outputs are complete."""
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    process = start(books, "small2", out, marks, hold="renamed-one", hold_seconds=2)
    wait_for(marks, f"renamed-{NAME}.pdf", process)
    code, stderr = stop(process, signal.SIGINT)
    assert code == 130, stderr
    assert stderr.strip() == ("make-book: error: interrupted after every output was written; "
                              "they are complete")
    assert parts(out) == []
    for name in OUTPUTS:
        assert (out / name).read_bytes() != previous[name]
        assert_complete(out / name)


def test_sigterm_mid_render(books: dict, previous: dict, tmp_path: Path) -> None:
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    process = start(books, "big", out, marks)
    wait_for(marks, "render", process)
    time.sleep(0.5)
    code, stderr = stop(process, signal.SIGTERM)
    assert code == 143, stderr
    assert stderr.strip() == "make-book: terminated; nothing was written"
    assert snapshot(out) == previous and parts(out) == []


def test_a_running_builds_part_file_is_not_removed(books: dict, previous: dict, tmp_path: Path) -> None:
    """Two builds into one folder: the second must not delete the first's
    temporary file while the first is still writing it."""
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    first = start(books, "small2", out, marks, hold="half-written")
    wait_for(marks, f"half-written-{NAME}.pdf", first)
    [part] = parts(out)
    second = run_to_end(books, "small", out, tmp_path / "marks-second")
    assert second.returncode == 0, second.stderr
    assert part.exists()
    stop(first, signal.SIGKILL)
    assert snapshot(out) == previous


def test_sigkill_mid_render_of_war_and_peace(books: dict, previous: dict, corpus: Path,
                                             tmp_path: Path) -> None:
    """The real novel: killed while its print PDF is being laid out."""
    out = outdir_with(previous, tmp_path / "out")
    marks = tmp_path / "marks"
    marks.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(books["root"] / "wrapper.py"), "build",
         str(corpus / "pg-en-tolstoy-war-and-peace.txt"), "--lang", "en", "-f", FORMATS,
         "--name", NAME, "-o", str(out), "-q"],
        cwd=books["root"], env=environment(marks), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    wait_for(marks, "render", process)
    time.sleep(3.0)
    code, _ = stop(process, signal.SIGKILL)
    assert code == -signal.SIGKILL
    assert not list(marks.glob("half-written-*"))
    assert snapshot(out) == previous and parts(out) == []
