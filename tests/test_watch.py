"""make-book build --watch: a round per save, written as a build writes.

The command runs for real on a copy of the sample book: after an edit the
EPUB on disk is the one a clean build of the edited book makes, byte for
byte, and passes EPUBCheck; a broken book.toml is one error line and
leaves the last EPUB in place while the watch goes on; Ctrl-C while it
waits ends it with status 0 and no half-written file.  The library call
runs in a thread with a stop event, and the watcher's file rules keep the
build's own output folder out.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from book.build import BuildOptions
from book.watch import Round, watch_builds
from book.watch.files import wanted

from .conftest import REPO, epubcheck_messages
from .test_cli import run

TIMEOUT = 120


class Watching:
    """A ``make-book build --watch`` process and the lines it prints."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "make_book", "build", *args, "--watch"], cwd=REPO,
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
            env={**os.environ, **env})
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, text: str) -> str:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=1)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.seen)
                continue
            self.seen.append(line)
            if text in line:
                return line
        raise AssertionError(f"no {text!r} in:\n" + "\n".join(self.seen))

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
            self.reader.join(timeout=30)
            while not self.lines.empty():
                self.seen.append(self.lines.get())


def test_rounds_follow_the_saves_and_equal_clean_builds(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(REPO / "sources", book, ignore=shutil.ignore_patterns(".make_book"))
    out = tmp_path / "out"
    env = {"MAKE_BOOK_CACHE_DIR": str(tmp_path / "cache"), "SOURCE_DATE_EPOCH": "1700000000"}
    watching = Watching([str(book), "-f", "epub", "-o", str(out), "--jobs", "1"], env)
    try:
        watching.wait_for("for changes (Ctrl-C to stop)")
        [epub] = out.glob("*.epub")
        first = epub.read_bytes()

        chapter = book / "chapters" / "01-the-page.md"
        chapter.write_text(chapter.read_text(encoding="utf-8").replace(
            "the", "a watched", 1), encoding="utf-8")
        assert "01-the-page.md" in watching.wait_for("changed:")
        watching.wait_for("round 2 done")
        edited = epub.read_bytes()
        assert edited != first

        settings = book / "book.toml"
        good = settings.read_text(encoding="utf-8")
        settings.write_text(good + "\ntitle = [\n", encoding="utf-8")
        error = watching.wait_for("error:")
        assert "book.toml" in error
        watching.wait_for("round 3 failed")
        assert epub.read_bytes() == edited  # the last good EPUB stays

        settings.write_text(good, encoding="utf-8")
        watching.wait_for("round 4 done")
    finally:
        status = watching.stop()
    assert status == 0, "\n".join(watching.seen)
    assert watching.seen[-1].endswith("stopped watching")
    assert [p.name for p in out.iterdir()] == [epub.name]  # no .part file left behind

    clean = run("build", str(book), "-f", "epub", "-o", str(tmp_path / "clean"), "--no-cache",
                "-q", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert clean.returncode == 0, clean.stderr
    assert (tmp_path / "clean" / epub.name).read_bytes() == epub.read_bytes()
    assert epubcheck_messages(epub) == []


def test_a_wrong_command_line_ends_the_watch_at_once(tmp_path: Path) -> None:
    result = run("build", str(REPO / "sources"), "-f", "epub", "-o", str(tmp_path),
                 "--trim", "nonsense", "--watch")
    assert result.returncode == 2
    assert "--trim" in result.stderr and "watching" not in result.stderr


def test_library_rounds_until_stopped(tmp_path: Path) -> None:
    book = tmp_path / "book"
    shutil.copytree(REPO / "sources", book, ignore=shutil.ignore_patterns(".make_book"))
    rounds: list[Round] = []
    watching = threading.Event()
    stop = threading.Event()
    options = BuildOptions(formats=("epub",), outdir=book / "out", cache=True)
    counted: list[int] = []
    thread = threading.Thread(target=lambda: counted.append(watch_builds(
        [book], options, on_round=rounds.append, on_watching=lambda roots: watching.set(),
        stop=stop)))
    thread.start()
    try:
        assert watching.wait(TIMEOUT)
        assert rounds[0].error is None and rounds[0].changed == ()
        time.sleep(0.5)  # the first EPUB written into the book folder starts no round
        assert len(rounds) == 1
        about = book / "chapters" / "99-about.md"
        about.write_text(about.read_text(encoding="utf-8") + "\nOne more line.\n",
                         encoding="utf-8")
        deadline = time.monotonic() + TIMEOUT
        while len(rounds) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(rounds) == 2 and rounds[1].changed == ("99-about.md",)
        assert rounds[1].result is not None and not rounds[1].result.up_to_date
    finally:
        stop.set()
        thread.join(TIMEOUT)
    assert counted == [2]


def test_ctrl_c_while_a_finished_round_is_told_ends_the_watch_cleanly(tmp_path: Path) -> None:
    """Ctrl-C that lands after a round's outputs are written but before the
    watch waits again (while the round's last lines are printed: a test
    that sends it on seeing "round N done" can hit that moment on a busy
    machine) stops the watch as Ctrl-C while waiting does: no error."""
    book = tmp_path / "book"
    shutil.copytree(REPO / "sources", book, ignore=shutil.ignore_patterns(".make_book"))
    rounds: list[Round] = []

    def told(done: Round) -> None:
        rounds.append(done)
        raise KeyboardInterrupt

    options = BuildOptions(formats=("epub",), outdir=book / "out", cache=True)
    assert watch_builds([book], options, on_round=told) == 1
    assert rounds[0].error is None and list((book / "out").glob("*.epub"))


def test_the_output_folder_never_counts_as_a_change(tmp_path: Path) -> None:
    out = tmp_path / "build-here"
    assert wanted(str(tmp_path / "chapters" / "a.md"), [tmp_path], [out])
    assert not wanted(str(out / "notes.md"), [tmp_path], [out])
    assert not wanted(str(out / "book.toml"), [tmp_path], [out])


def test_a_watch_that_cannot_go_on_says_why(tmp_path: Path) -> None:
    """The watcher's own failure (here, a folder that is not there) is one
    error of ours from wait(), not a traceback from its thread."""
    from book.errors import SourceError
    from book.watch.changes import ChangeWatcher

    watcher = ChangeWatcher([tmp_path / "gone"]).start()
    try:
        with pytest.raises(SourceError, match="cannot watch"):
            watcher.wait(threading.Event())
    finally:
        watcher.close()
