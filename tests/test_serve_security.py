"""make-book serve without a browser: the server answers only its own
routes and listens on loopback by default, the watcher, the command line's
errors (a missing reading engine is one line), the print pages' text.

The server runs here without its build loop (nothing is built): what it
refuses does not depend on a book being there.  One round of the loop runs
on its own, for the order of its news: the ebook first, then the warnings
of the fidelity check.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from book.build import Overrides
from book.errors import ToolMissingError
from book.serve import DEFAULT_HOST, Preview, ServeOptions, is_loopback
from book.serve.engine import find_engine
from book.watch.files import watched_roots, wanted

from .conftest import REPO
from .test_cli import one_line, run


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    book = tmp_path_factory.mktemp("serve-security") / "book"
    shutil.copytree(REPO / "sources", book, ignore=shutil.ignore_patterns(".make_book"))
    preview = Preview([book], ServeOptions())
    thread = threading.Thread(target=preview.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield preview
    finally:
        preview.server.shutdown()
        preview.server.server_close()


def get(preview: Preview, path: str, host: str | None = None, method: str = "GET"):
    """A request with ``path`` sent exactly as written (no client-side normalising)."""
    port = preview.server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
    connection.putheader("Host", host or f"127.0.0.1:{port}")
    connection.endheaders()
    reply = connection.getresponse()
    body = reply.read()
    connection.close()
    return reply.status, body, reply


def test_listens_on_loopback_by_default(server: Preview) -> None:
    assert DEFAULT_HOST == "127.0.0.1" and ServeOptions().host == DEFAULT_HOST
    assert server.server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")
    assert is_loopback("localhost") and is_loopback("::1") and not is_loopback("0.0.0.0")


def test_own_routes_answer(server: Preview) -> None:
    status, body, reply = get(server, "/")
    assert status == 200 and b"<foliate-view" not in body and b"/assets/app.js" in body
    assert "default-src 'self'" in reply.getheader("Content-Security-Policy")
    assert get(server, "/assets/app.js")[0] == 200
    status, body, reply = get(server, "/engine/view.js")
    assert status == 200 and reply.getheader("Content-Type").startswith("text/javascript")
    assert get(server, "/engine/vendor/zip.js")[0] == 200
    assert get(server, "/api/status")[0] == 200


@pytest.mark.parametrize("path", [
    "/../book.toml", "/engine/../view.js", "/engine/%2e%2e/foliate-js/view.js",
    "/engine/%2E%2E/%2e%2e/package.json", "/engine/..%2fview.js", "/engine/%2e%2e%2fview.js",
    "/engine/vendor/../view.js", "/engine/./view.js", "/assets/../server.py",
    "/assets/%2e%2e/server.py", "/etc/passwd", "//etc/passwd", "/engine//etc/passwd",
    "/engine/%2fetc%2fpasswd", "/engine/..\\view.js", "/engine/view.js%00.js",
    "/engine/%ff.js", "/book.toml", "/chapters/01-the-page.md", "/images/cover.png",
    "/engine/package.json", "/engine/README.md", "/engine/", "/engine", "/engine/vendor/",
    "/assets/", "/assets/index.html", "/print/", "/print/0000000000000000/0.png",
    "/book.epub", "/nothing",
])
def test_everything_else_is_404(server: Preview, path: str) -> None:
    status, body, _ = get(server, path)
    assert status == 404, (path, body[:80])
    assert b"Index of" not in body and b"<a href" not in body


def test_other_methods_and_hosts_refused(server: Preview) -> None:
    assert get(server, "/", method="POST")[0] == 405
    assert get(server, "/", host="evil.example:80")[0] == 403  # DNS rebinding
    assert get(server, "/", host="localhost")[0] == 200


def test_watcher_ignores_caches_outputs_and_editor_files(tmp_path: Path) -> None:
    assert wanted(str(tmp_path / "chapters" / "01.md"))
    assert wanted(str(tmp_path / "book.toml"))
    assert wanted(str(tmp_path / "styles" / "extra.css"))
    assert wanted(str(tmp_path / "images" / "map.PNG"))
    for ignored in (tmp_path / ".make_book" / "cache.sqlite", tmp_path / "dist" / "x.md",
                    tmp_path / ".#01.md", tmp_path / "01.md~",
                    tmp_path / ".01.md.swp", tmp_path / "notes.log"):
        assert not wanted(str(ignored), [tmp_path]), ignored
    # folder names above the book folder do not count
    assert wanted(str(tmp_path / "dist" / "book" / "01.md"), [tmp_path / "dist" / "book"])
    assert not wanted(str(tmp_path / "book" / "dist" / "01.md"), [tmp_path / "book"])
    (tmp_path / "a").mkdir()
    manuscript = tmp_path / "a" / "story.md"
    manuscript.write_text("x")
    assert watched_roots([tmp_path, manuscript], Overrides()) == [
        tmp_path.resolve()]


def test_missing_engine_is_one_line_with_the_install_hint(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MAKE_BOOK_FOLIATE_JS", str(tmp_path))
    with pytest.raises(ToolMissingError):
        find_engine()
    result = run("serve", str(REPO / "sources"), env={"MAKE_BOOK_FOLIATE_JS": str(tmp_path)})
    assert result.returncode == 1
    assert "foliate" in one_line(result.stderr).lower()
    monkeypatch.delenv("MAKE_BOOK_FOLIATE_JS")
    assert (find_engine() / "view.js").is_file()


def test_command_line_errors_are_one_line(tmp_path: Path) -> None:
    result = run("serve", str(tmp_path / "missing"))
    assert result.returncode == 1 and "no such file" in one_line(result.stderr)
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", str(REPO / "sources"), "--port", str(port))
    assert result.returncode == 1 and "cannot listen" in one_line(result.stderr)


def test_ctrl_c_stops_cleanly(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    book = tmp_path / "book"
    shutil.copytree(REPO / "sources", book, ignore=shutil.ignore_patterns(".make_book"))
    server = subprocess.Popen([sys.executable, "-m", "make_book", "serve", str(book), "-q"],
                              cwd=REPO, stderr=subprocess.PIPE, text=True)
    try:
        assert "http://127.0.0.1:" in server.stderr.readline()
        server.send_signal(signal.SIGINT)
        _, stderr = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode == 0 and one_line(stderr) == "make-book: stopped"


def test_a_two_step_save_is_one_rebuild(tmp_path: Path) -> None:
    """An editor writing a temporary file and renaming it over the chapter
    (and touching it again at once) causes one rebuild, not several."""
    import os
    import time

    from book.serve.printview import PageImages
    from book.serve.rebuild import Rebuilder, Session
    from book.serve.state import State

    chapter = tmp_path / "01.md"
    chapter.write_text("# One\n\nText.\n", encoding="utf-8")
    changes: list[str] = []
    rebuilder = Rebuilder(Session([chapter], log=changes.append), State(), PageImages())
    watcher = threading.Thread(target=rebuilder._watch_loop, daemon=True)
    watcher.start()
    try:
        time.sleep(0.5)  # the watcher is up
        rebuilder.dirty.clear()
        temporary = tmp_path / ".01.md.tmp"
        temporary.write_text("# One\n\nText, edited.\n", encoding="utf-8")
        os.replace(temporary, chapter)
        chapter.touch()
        (tmp_path / "notes.log").write_text("not part of the book", encoding="utf-8")
        deadline = time.monotonic() + 10
        while not rebuilder.dirty.is_set() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
    finally:
        rebuilder.stop.set()
        watcher.join(timeout=5)
    assert rebuilder.dirty.is_set()
    assert changes == ["changed: 01.md"]


def test_print_page_text_joins_the_layouts_hyphenation() -> None:
    from book.serve.printview import page_text

    assert page_text("by candle\u2010\r\nlight. A well-\r\nknown  x\r\nnext") == \
        "by candlelight. A well-known x next"


def test_the_ebook_is_announced_before_the_check_and_its_warnings_follow(tmp_path: Path,
                                                                          monkeypatch) -> None:
    """A round shows the EPUB first, then finishes the load (the fidelity
    check and the cache's copy): the check's warnings reach the page in the
    status after the ebook, the same warnings a build gives."""
    import queue

    from book.serve.printview import PageImages
    from book.serve.rebuild import Rebuilder, Session
    from book.serve.state import State

    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    story = tmp_path / "story.txt"
    story.write_text("CHAPTER I\n\nThe tide turned at noon.\n\nCHAPTER II\n\nThe boats came home."
                     "\n\nCHAPTER IV\n\nThe harbour slept.\n", encoding="utf-8")
    state = State()
    news = state.listen()
    rebuilder = Rebuilder(Session([story], log=lambda _line: None), state, PageImages())
    rebuilder.dirty.clear()
    rebuilder.dirty.set()  # a later save: the round stops after its EPUB, as it then would
    rebuilder._round()
    events = []
    while True:
        try:
            events.append(news.get_nowait())
        except queue.Empty:
            break
    names = [name for name, _ in events]
    assert "epub" in names and names[-1] == "status"
    ebook = names.index("epub")
    before = json.loads(events[ebook + 1][1])["warnings"]  # the status sent with the ebook
    after = json.loads(events[-1][1])["warnings"]
    assert not any("STR005" in w for w in before)
    assert any("STR005" in w for w in after)  # chapter IV after II: the check's doubt
    built = subprocess.run([sys.executable, "-m", "make_book", "build", "story.txt", "-f", "epub",
                            "-o", "out", "--no-cache"], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300,
                           env={**os.environ, "PYTHONPATH": str(REPO)})
    assert built.returncode == 0, built.stderr
    assert "STR005" in built.stderr


def _children() -> list[int]:
    """Processes whose parent is this one (layout workers left running)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == os.getpid() and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


@pytest.mark.parametrize("later_save", [False, True])
def test_a_round_starts_its_layout_worker_early_and_leaves_none(tmp_path: Path, monkeypatch,
                                                                later_save: bool) -> None:
    """With two jobs a round starts a layout worker before reading (it loads
    WeasyPrint while the ebook is made); whether the round goes on to the
    print PDF or stops after the ebook for a newer save, no worker is left.
    The round runs with the collector tuned as a build tunes it."""
    import gc

    from book import collector
    from book.serve.printview import PageImages
    from book.serve.rebuild import Rebuilder, Session
    from book.serve.state import State

    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    story = tmp_path / "story.txt"
    story.write_text("CHAPTER I\n\nThe tide turned at noon.\n\nCHAPTER II\n\nThe boats came home.\n",
                     encoding="utf-8")
    before = set(_children())
    state = State()
    rebuilder = Rebuilder(Session([story], jobs=2, log=lambda _line: None), state, PageImages())
    started = []
    import book.serve.rebuild as rebuild

    real = rebuild.early_workers

    def spy(options, store):
        pool = real(options, store)
        started.append(pool)
        tuned.append(gc.get_threshold()[0])
        return pool

    tuned: list[int] = []

    monkeypatch.setattr(rebuild, "early_workers", spy)
    rebuilder.dirty.clear()
    if later_save:
        rebuilder.dirty.set()
    rebuilder._round()
    assert started and started[0] is not None
    assert tuned == [max(collector.YOUNG_GENERATION, gc.get_threshold()[0])]
    assert state.error is None
    assert (state.pdf is None) == later_save
    assert set(_children()) <= before
