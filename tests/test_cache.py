"""Issue 12: the build cache (hits, misses, damage, eviction, two builds at
once), the build with nothing to do, a cached rebuild after an edit that
equals a clean build byte for byte, ``make-book clean``, ``--no-cache`` and
the progress display (plain off a terminal, silent with -q)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from book.cache import Store, clean
from book.cache.store import FILE_NAME, parse_size

from .conftest import REPO

SAMPLE = REPO / "sources"


# ---------------------------------------------------------------- the store

def test_an_entry_comes_back_and_a_missing_one_is_none(tmp_path):
    store = Store(tmp_path / "c")
    assert store.get("stage", "k") is None
    store.put("stage", "k", b"value")
    assert store.get("stage", "k") == b"value"
    assert store.get("other", "k") is None
    assert (tmp_path / "c" / ".gitignore").read_text().strip().endswith("*")
    assert (tmp_path / "c" / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172")


def test_a_damaged_entry_is_never_trusted(tmp_path):
    store = Store(tmp_path / "c")
    store.put("stage", "k", b"the real bytes")
    store.close()
    with sqlite3.connect(tmp_path / "c" / FILE_NAME) as db:
        db.execute("UPDATE entries SET value = ? WHERE key = 'k'", (b"the rEal bytes",))
    store = Store(tmp_path / "c")
    assert store.get("stage", "k") is None
    assert store.count() == 0, "the damaged entry is removed"


def test_a_store_that_is_not_a_database_starts_afresh(tmp_path):
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / FILE_NAME).write_bytes(b"this is not SQLite" * 100)
    store = Store(folder)
    assert store.get("stage", "k") is None
    store.put("stage", "k", b"v")
    assert store.get("stage", "k") == b"v"
    assert (folder / (FILE_NAME + ".broken")).exists()


def test_the_store_stays_under_its_bound_and_evicts_the_oldest(tmp_path):
    store = Store(tmp_path / "c", limit=10_000)
    for number in range(30):
        store.put("stage", f"k{number}", bytes(1_000))
        if number == 5:
            store.get("stage", "k0")  # used again: the least recently used goes first
    assert store.size() <= 10_000
    assert store.get("stage", "k29") is not None
    assert store.get("stage", "k1") is None
    assert parse_size("500M") == 500 * 2**20 and parse_size("2G") == 2 * 2**30


@pytest.mark.parametrize("value", ["lots", "inf", "-5M", "nan"])
def test_a_cache_size_that_is_not_one_keeps_the_default_and_says_so(tmp_path, monkeypatch, value):
    monkeypatch.setenv("MAKE_BOOK_CACHE_SIZE", value)
    store = Store(tmp_path / "c")
    assert store.limit == 1024 * 2**20
    assert store.setting_problem and repr(value) in store.setting_problem
    monkeypatch.setenv("MAKE_BOOK_CACHE_SIZE", " 2G ")
    assert Store(tmp_path / "d").limit == 2 * 2**30 and Store(tmp_path / "d").setting_problem is None


def test_a_build_warns_about_an_unreadable_cache_size_and_strict_refuses_it(tmp_path):
    manuscript = tmp_path / "story.md"
    manuscript.write_text("# A Story\n\nIt was a quiet morning by the river.\n", encoding="utf-8")
    env = {"MAKE_BOOK_CACHE_DIR": str(tmp_path / "cache"), "MAKE_BOOK_CACHE_SIZE": "lots"}
    args = ("build", str(manuscript), "-f", "epub", "-o", "out")
    done = run(*args, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("warning CACHE002: MAKE_BOOK_CACHE_SIZE='lots' is not a size") == 1, \
        done.stderr
    again = run(*args, cwd=tmp_path, env=env)  # up to date: the warning still comes
    assert "up to date" in again.stderr and "CACHE002" in again.stderr, again.stderr
    strict = run(*args, "--strict", cwd=tmp_path, env=env)
    assert strict.returncode == 1 and "CACHE002" in strict.stderr, strict.stderr
    quiet = run(*args, cwd=tmp_path, env={**env, "MAKE_BOOK_CACHE_SIZE": "500M"})
    assert "CACHE002" not in quiet.stderr, quiet.stderr


def test_a_put_per_chapter_does_not_scan_the_store_each_time(tmp_path):
    """The bound is kept with a running total: the store's sizes are summed
    once per RECOUNT_EVERY puts (or when the total passes the bound), not on
    every put, and what another build put is still evicted in time."""
    from book.cache.store import RECOUNT_EVERY

    store = Store(tmp_path / "c", limit=1_000_000)
    store.put("stage", "first", b"x")
    sums: list[str] = []
    store._connect().set_trace_callback(lambda sql: sums.append(sql) if "SUM(size)" in sql else None)
    for number in range(4 * RECOUNT_EVERY):
        store.put("stage", f"k{number}", bytes(100))
    assert 1 <= len(sums) <= 5
    other = Store(tmp_path / "c", limit=10_000_000)  # another build fills the store
    for number in range(12):
        other.put("big", f"b{number}", bytes(100_000))
    assert store.size() > 1_000_000
    for number in range(RECOUNT_EVERY + 1):
        store.put("stage", f"late{number}", bytes(10))
    assert store.size() <= 1_000_000


def test_two_processes_writing_at_once(tmp_path):
    code = ("import sys; from book.cache import Store; s = Store(sys.argv[1]);"
            "[s.put('stage', f'{sys.argv[2]}-{i}', bytes(2000) + str(i).encode()) for i in range(150)];"
            "s.close()")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "c"), name], env=env,
                             stderr=subprocess.PIPE) for name in ("a", "b")]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
    store = Store(tmp_path / "c")
    assert store.count() == 300
    assert store.get("stage", "a-149") == bytes(2000) + b"149"
    assert store.get("stage", "b-0") == bytes(2000) + b"0"


def test_entries_keep_file_names_that_are_not_utf8():
    """A file name that is not UTF-8 reaches Python with lone surrogates
    (PEP 383); an entry naming it comes back as it went in."""
    from book.cache.codec import Packer, Unpacker

    name = b"03-\xff\xfe-latin1.md".decode("utf-8", "surrogateescape")
    packer = Packer()
    data = packer.pack({"file": name, "blob": packer.blob(b"x")})
    unpacker = Unpacker(data)
    assert unpacker.header["file"] == name and unpacker.blob(unpacker.header["blob"]) == b"x"


# --------------------------------------------------------------- the builds

def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "make_book", *args], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1700000000",
                               **(env or {})},
                          capture_output=True, text=True, timeout=600)


@pytest.fixture()
def book(tmp_path):
    folder = tmp_path / "book"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".make_book", "dist"))
    return folder


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_nothing_changed_means_nothing_to_do_and_an_edit_equals_a_clean_build(book):
    first = run("build", ".", "-f", "all", "-o", "out", "--jobs", "2", cwd=book)
    assert first.returncode == 0, first.stderr
    assert (book / ".make_book" / FILE_NAME).is_file()
    stamps = {p.name: p.stat().st_mtime_ns for p in (book / "out").iterdir()}
    again = run("build", ".", "-f", "all", "-o", "out", "--jobs", "2", cwd=book)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in (book / "out").iterdir()} == stamps
    # One chapter edited: the cached rebuild equals a clean build of the edited book.
    chapter = book / "chapters" / "02-quotation-marks.md"
    chapter.write_text(chapter.read_text(encoding="utf-8").replace(" the ", " that ", 1),
                       encoding="utf-8")
    cached = run("build", ".", "-f", "all", "-o", "out", "--jobs", "2", cwd=book)
    assert cached.returncode == 0, cached.stderr
    assert "up to date" not in cached.stderr
    fresh = run("build", ".", "-f", "all", "-o", "fresh", "--no-cache", "--jobs", "1", cwd=book)
    assert fresh.returncode == 0, fresh.stderr
    assert outputs(book / "out") == outputs(book / "fresh")


def test_an_edit_after_a_build_restored_from_the_cache_is_seen(tmp_path):
    """A build whose load came from the cache records the source as a
    dependency too: the next edit is built, never reported up to date."""
    manuscript = tmp_path / "b.txt"
    text = "My Title\n\nCHAPTER I\n\nThe {} cat sat on the mat.\n\nCHAPTER II\n\nAnother day.\n"
    env = {"MAKE_BOOK_CACHE_DIR": str(tmp_path / "cache")}
    for colour in ("red", "blue", "red", "green"):  # the second red comes from the cache
        manuscript.write_text(text.format(colour), encoding="utf-8")
        result = run("build", "b.txt", "-f", "epub", "-o", "out", cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert "up to date" not in result.stderr, colour
        with zipfile.ZipFile(tmp_path / "out" / "my-title.epub") as epub:
            body = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
        assert f"The {colour} cat" in body


def test_a_changed_stylesheet_or_image_is_seen(book):
    assert run("build", ".", "-f", "epub", "-o", "out", cwd=book).returncode == 0
    before = outputs(book / "out")
    image = book / "images" / "spread-diagram.svg"
    image.write_text(image.read_text(encoding="utf-8").replace("#d9d9d9", "#c0c0c0"),
                     encoding="utf-8")
    result = run("build", ".", "-f", "epub", "-o", "out", cwd=book)
    assert result.returncode == 0 and "up to date" not in result.stderr
    assert outputs(book / "out") != before


def test_no_cache_leaves_no_cache_and_clean_removes_it(book):
    result = run("build", ".", "-f", "epub", "-o", "out", "--no-cache", cwd=book)
    assert result.returncode == 0, result.stderr
    assert not (book / ".make_book").exists()
    assert run("build", ".", "-f", "epub", "-o", "out", cwd=book).returncode == 0
    assert (book / ".make_book").is_dir()
    cleaned = run("clean", ".", cwd=book)
    assert cleaned.returncode == 0, cleaned.stderr
    assert "removed" in cleaned.stderr
    assert not (book / ".make_book").exists()
    assert (book / "out").is_dir(), "outputs stay"
    assert "no build cache" in run("clean", ".", cwd=book).stderr


def test_single_files_keep_their_cache_outside_the_folder(tmp_path):
    manuscript = tmp_path / "story.md"
    manuscript.write_text("# A Story\n\nIt was a quiet morning by the river.\n", encoding="utf-8")
    env = {"MAKE_BOOK_CACHE_DIR": str(tmp_path / "user-cache")}
    assert run("build", str(manuscript), "-f", "epub", "-o", "out", cwd=tmp_path,
               env=env).returncode == 0
    assert not (tmp_path / ".make_book").exists()
    assert list((tmp_path / "user-cache").glob(f"*/{FILE_NAME}"))
    os.environ["MAKE_BOOK_CACHE_DIR"] = env["MAKE_BOOK_CACHE_DIR"]
    try:
        removed = clean([manuscript])
    finally:
        del os.environ["MAKE_BOOK_CACHE_DIR"]
    assert removed and not list((tmp_path / "user-cache").glob(f"*/{FILE_NAME}"))


def test_a_cached_load_keeps_the_fidelity_check_and_structure_settings_key_it(tmp_path,
                                                                             monkeypatch):
    """The load comes from the cache with its fidelity figures and warnings;
    a ``[structure]`` setting on the command line is part of its key."""
    import importlib

    from book.build import Overrides, build
    from book.cache.stages import LOAD_STAGE
    from book.context import BuildOptions
    from book.diagnostics import Diagnostics
    from book.fidelity import Fidelity

    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    manuscript = tmp_path / "river.txt"
    manuscript.write_text("THE RIVER\n\n\nCHAPTER I\n\nThe water rose in the night and "
                          "the mill stood quiet.\n\n\nCHAPTER II\n\nBy morning the road "
                          "was gone and the bell rang twice.\n", encoding="utf-8")

    def run(out: str, **overrides):
        diag = Diagnostics()
        result = build([manuscript], BuildOptions(formats=("epub",), outdir=tmp_path / out,
                                                  cache=True), Overrides(lang="en", **overrides),
                       diag)
        return result, [(d.code, d.message) for d in diag.items if d.code.startswith("FID")]

    build_module = importlib.import_module("book.build")  # the module, not the function
    first, fid = run("a")
    assert fid and fid[0][0] == "FID000"
    figures = first.book.facts["fidelity"].as_dict()
    real_read = build_module.read_book

    def no_read(*args, **kwargs):
        raise AssertionError("the load should have come from the cache")

    monkeypatch.setattr(build_module, "read_book", no_read)
    again, fid_again = run("b")  # another output folder: the build record misses
    assert fid_again == fid
    assert isinstance(again.book.facts["fidelity"], Fidelity)
    assert again.book.facts["fidelity"].as_dict() == figures
    monkeypatch.setattr(build_module, "read_book", real_read)
    store = Store(tmp_path / "cache" / next((tmp_path / "cache").iterdir()).name)
    loads = store.count(LOAD_STAGE)
    store.close()
    run("c", headings="none")
    store = Store(tmp_path / "cache" / next((tmp_path / "cache").iterdir()).name)
    assert store.count(LOAD_STAGE) == loads + 1, "--headings none is another load"
    store.close()


def test_an_epub_only_rebuild_takes_the_generated_cover_from_the_cache(tmp_path):
    manuscript = tmp_path / "harbour.md"
    manuscript.write_text("# The Harbour\n\nThe ferry waited by the wall.\n", encoding="utf-8")
    env = {"MAKE_BOOK_CACHE_DIR": str(tmp_path / "cache")}
    first = run("build", str(manuscript), "-f", "epub", "-o", "a", "--title", "Harbour",
                cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    manuscript.write_text("# The Harbour\n\nThe ferry waited by the grey wall.\n",
                          encoding="utf-8")
    second = subprocess.run([sys.executable, "-X", "importtime", "-m", "make_book", "build",
                             str(manuscript), "-f", "epub", "-o", "b", "--title", "Harbour"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(REPO),
                                 "SOURCE_DATE_EPOCH": "1700000000", **env})
    assert second.returncode == 0, second.stderr
    assert "COV004" in second.stderr, "the cover is still said to be generated"
    assert "weasyprint" not in second.stderr, "an EPUB-only rebuild never imports WeasyPrint"
    import zipfile

    def cover(folder: str) -> bytes:
        [epub] = (tmp_path / folder).glob("*.epub")
        with zipfile.ZipFile(epub) as archive:
            [name] = [n for n in archive.namelist() if n.endswith("cover.jpg")]
            return archive.read(name)

    assert cover("a") == cover("b")


def test_warnings_about_the_settings_come_once_whether_built_or_up_to_date(tmp_path):
    """``--lang en-UK`` warns (LANG003) on every build, once, also when
    nothing changed and nothing is written; the load's warnings come back
    from the build record."""
    manuscript = tmp_path / "story.md"
    manuscript.write_text("# A Story\n\nIt was a quiet morning by the river.\n", encoding="utf-8")
    env = {"MAKE_BOOK_CACHE_DIR": str(tmp_path / "cache")}
    args = ("build", str(manuscript), "-f", "epub", "-o", "out", "--lang", "en-UK")
    first = run(*args, cwd=tmp_path, env=env)
    again = run(*args, cwd=tmp_path, env=env)
    assert first.returncode == 0 and again.returncode == 0, first.stderr + again.stderr
    assert "up to date" in again.stderr
    for result in (first, again):
        assert result.stderr.count("warning LANG003: --lang 'en-UK'") == 1, result.stderr
        assert result.stderr.count("FID000") == 1, "the fidelity figures are said once"


# ----------------------------------------------------------------- progress

def test_progress_is_plain_off_a_terminal_and_silent_with_quiet(book):
    result = run("build", ".", "-f", "pdf", "-o", "out", "--no-cache", "--jobs", "1", cwd=book)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for stage in ("reading the manuscript", "running the passes", "laying out the PDF",
                  "writing the files"):
        assert sum(stage in line for line in lines) == 1, stage
    stamps = [float(line.rsplit("(at ", 1)[1].removesuffix(" s)")) for line in lines
              if line.endswith(" s)") and "(at " in line]
    assert len(stamps) >= 4 and stamps == sorted(stamps), "each stage says when it began"
    assert not any(ch in result.stdout + result.stderr for ch in "\x1b\r\b"), \
        "no control characters in logs"
    quiet = run("build", ".", "-f", "pdf", "-o", "out", "--no-cache", "-q", cwd=book)
    assert quiet.returncode == 0
    assert quiet.stdout == "" and quiet.stderr == ""


def test_on_a_terminal_messages_print_above_the_live_bars(book):
    """On a terminal the bars are live (rich) and each warning or note is
    printed above them on a line of its own; no bar is left behind on the
    screen once the build is done.  The build runs in a pseudo-terminal and
    its output goes through a terminal emulator (pyte)."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    import pyte

    columns, rows = 150, 200
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    # The pseudo-terminal's own size and a live display: no CI, COLUMNS or LINES.
    env = {key: value for key, value in os.environ.items()
           if key not in ("CI", "COLUMNS", "LINES", "NO_COLOR", "TTY_COMPATIBLE")}
    env.update(TERM="xterm-256color", PYTHONPATH=str(REPO), SOURCE_DATE_EPOCH="1700000000")
    process = subprocess.Popen(
        [sys.executable, "-m", "make_book", "build", ".", "-f", "epub", "-o", "out",
         "--no-cache", "--jobs", "1"], cwd=book, env=env, stdin=follower, stdout=follower,
        stderr=follower, close_fds=True)
    os.close(follower)
    written = bytearray()
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            if not select.select([leader], [], [], 1)[0]:
                continue
            try:
                data = os.read(leader, 65536)
            except OSError:  # the other end closed
                break
            if not data:
                break
            written += data
    finally:
        os.close(leader)
        if process.poll() is None and time.monotonic() >= deadline:
            process.kill()
    assert process.wait(timeout=30) == 0, written.decode("utf-8", "replace")[-2000:]
    screen = pyte.Screen(columns, rows)
    pyte.ByteStream(screen).feed(bytes(written))
    lines = [line.rstrip() for line in screen.display if line.strip()]
    assert not any("━" in line for line in lines), "\n".join(lines)
    said = [line for line in lines if "make-book:" in line]
    assert all(line.startswith("make-book:") for line in said), "\n".join(lines)
    notes = [line for line in said if "note FID000" in line]
    assert len(notes) == len(list((book / "chapters").glob("*.*"))), "\n".join(lines)
    assert any(line.startswith("make-book: wrote ") for line in said), "\n".join(lines)
    assert lines[-1] == "make-book: no warnings", "\n".join(lines)


def test_load_project_twice_gives_the_book_the_second_time_from_the_cache(tmp_path, monkeypatch):
    """The preview server loads through ``load_project``: a load restored
    whole from the cache (nothing left to check) is the same book."""
    from book.build import Overrides, load_project
    from book.cache import open_store
    from book.context import BuildOptions
    from book.diagnostics import Diagnostics
    from book.project import open_project

    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "book"
    folder.mkdir()
    (folder / "tide.txt").write_text("CHAPTER I\n\nThe tide turned at noon.\n\n"
                                     "CHAPTER II\n\nThe boats came home.\n", encoding="utf-8")
    loaded = []
    for _ in range(2):
        project = open_project([folder / "tide.txt"])
        store = open_store(project)
        try:
            book, _ = load_project(project, BuildOptions(formats=("epub",), cache=True),
                                   Overrides(), Diagnostics(), store)
        finally:
            store.close()
        loaded.append([(c.title, "".join(c.tree.itertext())) for c in book.chapters])
    assert loaded[0] == loaded[1]
    assert "The boats came home." in loaded[1][1][1]
