"""Made-up books and catalogs for the catalog tests (our own words).

Six tiny books in the shapes a backlist holds: Markdown, plain-text and
HTML book projects, a Leanpub folder, and two manuscripts listed by file in
a CSV; plus, listed by path (never copied), two small corpus books.  Each
made-up book has a date, so its bytes do not depend on file times.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import zipfile
from pathlib import Path

import psutil

PARAGRAPH = ("The printer opened the shop before dawn, laid out the cases of type and swept "
             "the floor where yesterday's proofs had fallen. Nobody yet knew which book would "
             "be set first, but the paper waited in tidy stacks and the ink in its pots.")


def _toml(title: str, lang: str = "en") -> str:
    return (f'[metadata]\ntitle = "{title}"\nauthors = ["Ann Author"]\nlanguage = "{lang}"\n'
            f'date = "2024-05-01"\n')


def write_markdown_book(folder: Path, title: str, chapters: int = 2, paragraphs: int = 2) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "book.toml").write_text(_toml(title), encoding="utf-8")
    for number in range(1, chapters + 1):
        body = "\n\n".join(f"{PARAGRAPH} ({number}.{p})" for p in range(paragraphs))
        (folder / f"chapter{number}.md").write_text(f"# Chapter {number}\n\n{body}\n",
                                                    encoding="utf-8")
    return folder


def write_library(root: Path, corpus: Path | None = None) -> Path:
    """A catalog.toml with six made-up books (and the two corpus books when
    ``corpus`` is given); returns the catalog file."""
    books = root / "books"
    write_markdown_book(books / "alpha", "Alpha")
    write_markdown_book(books / "beta", "Beta", chapters=3)
    text = books / "gamma"
    text.mkdir(parents=True)
    (text / "book.toml").write_text(_toml("Gamma") + '\n[content]\nfiles = ["gamma.txt"]\n',
                                    encoding="utf-8")
    (text / "gamma.txt").write_text(f"CHAPTER I\n\n{PARAGRAPH}\n\nCHAPTER II\n\n{PARAGRAPH}\n",
                                    encoding="utf-8")
    html = books / "delta"
    html.mkdir()
    (html / "book.toml").write_text(_toml("Delta"), encoding="utf-8")
    (html / "delta.html").write_text(
        f"<!DOCTYPE html><html lang='en'><head><title>Delta</title></head><body>"
        f"<h1>The Only Chapter</h1><p>{PARAGRAPH}</p><p>{PARAGRAPH}</p></body></html>",
        encoding="utf-8")
    loose = root / "manuscripts"
    loose.mkdir()
    (loose / "epsilon.txt").write_text(f"Epsilon\n\nCHAPTER ONE\n\n{PARAGRAPH}\n", encoding="utf-8")
    (loose / "zeta.md").write_text(f"# Zeta's Chapter\n\n{PARAGRAPH}\n", encoding="utf-8")
    (root / "more.csv").write_text(  # a spreadsheet export with ';' between cells
        "id;sources;title;authors;lang\n"
        "epsilon;manuscripts/epsilon.txt;Epsilon;Ann Author;en\n"
        'zeta;manuscripts/zeta.md;"Zeta, or the Last";"Ann Author; Bob Writer";en\n',
        encoding="utf-8")
    lines = ['books = "more.csv"  # top-level keys come before the first table', '',
             '[defaults]', 'formats = ["epub"]', 'publisher = "Example Press"', '']
    for name in ("alpha", "beta", "gamma", "delta"):
        lines += ['[[book]]', f'sources = "books/{name}"', '']
    if corpus is not None:
        lines += ['[[book]]', 'id = "seed"', f'sources = ["{corpus / "seed-pl-article.txt"}"]',
                  'title = "Rosja i Korea"', 'formats = ["epub", "pdf"]', '',
                  '[[book]]', 'id = "doyle"',
                  f'sources = ["{corpus / "html-en-doyle-a-scandal-in-bohemia.xhtml"}"]', '']
    catalog = root / "catalog.toml"
    catalog.write_text("\n".join(lines), encoding="utf-8")
    return catalog


def assert_complete(outdir: Path) -> None:
    """No temporary file anywhere, and every output whole."""
    for path in outdir.rglob("*"):
        assert not path.name.endswith(".part"), path
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None
        if path.suffix == ".pdf":
            assert path.read_bytes().rstrip().endswith(b"%%EOF"), path


def book_processes(root_pid: int) -> list[psutil.Process]:
    """Processes building a book under ``root_pid``: those whose standard
    error is a ``make-book-child-*.log`` file (book/catalog/isolate.py), which
    no helper process (the fork server, a compiler run by ctypes) has."""
    found = []
    try:
        descendants = psutil.Process(root_pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    for proc in descendants:
        try:
            if proc.status() == psutil.STATUS_ZOMBIE:
                continue
            if any("make-book-child-" in f.path for f in proc.open_files()):
                found.append(proc)
        except psutil.Error:
            continue
    return found


def wait_for(condition, timeout: float, what: str):
    """Poll ``condition`` until it returns something true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def kill(proc: psutil.Process) -> None:
    try:
        os.kill(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def scheduler_address(scheduler_file: Path, process: subprocess.Popen, timeout: float = 120) -> str:
    """The address a scheduler started with ``--port 0 --scheduler-file``
    took: it binds a port of its own choosing, so no other process can take
    that port between its choice and the bind (a port probed free and
    handed over on the command line could be, by a test running beside)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the dask scheduler exited ({process.returncode})")
        try:
            return json.loads(scheduler_file.read_text(encoding="utf-8"))["address"]
        except (OSError, ValueError, KeyError):
            time.sleep(0.1)
    raise RuntimeError("the dask scheduler did not start")
