"""Benchmark of ``make-book serve`` (not a test): ``python tests/benchmark.py serve [pp|wp]``.

Starts the real server (``python make_book.py serve``) on a copy of War and
Peace (default) in a scratch folder, waits for the first build (the build
cache lives beside it, so a second run starts warm), then edits one word in
the middle of the book, three times, and prints for each edit (the words
carry a mark of their run: a second run's edits are new to the cache too,
never a text it has loaded before):

* save → ``epub`` event (the ebook view's update; target ≤ 1 s),
* save → ``print`` event (the print view's update; target ≤ 5 s),

read from the server's news stream (server-sent events) exactly as the page
gets them.  Then once through the browser (Playwright, Debian's Chromium):
save → the new word shown in the ebook view, and → the print view on the
new PDF.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("MAKE_BOOK_CORPUS", REPO.parent / "shared" / "corpus"))
BOOKS = {"pp": "pg-en-austen-pride-and-prejudice.txt", "wp": "pg-en-tolstoy-war-and-peace.txt"}
SCRATCH = Path(tempfile.gettempdir()) / "make-book-benchmark" / "serve"
WORDS = ("lantern", "harbour", "meadow", "violin")


class News:
    """The server's event stream, read in a thread: (time, name, data)."""

    def __init__(self, port: int) -> None:
        self.events: list[tuple[float, str, dict]] = []
        self.lock = threading.Condition()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=None)
        connection.request("GET", "/events")
        self.reply = connection.getresponse()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        name = None
        for raw in self.reply:
            line = raw.decode("utf-8").rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: ") and name:
                with self.lock:
                    self.events.append((time.monotonic(), name, json.loads(line[6:])))
                    self.lock.notify_all()

    def wait(self, test, after: float, timeout: float = 900) -> float:
        """The time of the first event after ``after`` for which ``test`` holds."""
        end = time.monotonic() + timeout
        with self.lock:
            while True:
                for when, name, data in self.events:
                    if when >= after and test(name, data):
                        return when
                if not self.lock.wait(timeout=max(0.0, end - time.monotonic())):
                    raise TimeoutError("no such event")


def ready(name: str, data: dict) -> bool:
    return name == "status" and data.get("pdf") and data.get("epub") and not data.get("building")


#: This run's mark on the words it writes (same length every run).
RUN = os.urandom(2).hex()


def edit(manuscript: Path, word: str) -> float:
    """Replace one word in the middle of the book; the time of the save."""
    text = manuscript.read_text(encoding="utf-8")
    middle = text.index(" the ", len(text) // 2)
    manuscript.write_text(text[:middle] + f" {word}{RUN} " + text[middle + 5:],
                          encoding="utf-8")
    return time.monotonic()


def main(args: list[str]) -> None:
    key = next((a for a in args if a in BOOKS), "wp")
    SCRATCH.mkdir(parents=True, exist_ok=True)
    folder = SCRATCH / key
    folder.mkdir(exist_ok=True)
    manuscript = folder / BOOKS[key]
    shutil.copyfile(CORPUS / BOOKS[key], manuscript)
    env = {**os.environ, "MAKE_BOOK_CACHE_DIR": str(SCRATCH / "cache"), "PYTHONPATH": str(REPO),
           "SOURCE_DATE_EPOCH": "1700000000"}
    server = subprocess.Popen([sys.executable, str(REPO / "make_book.py"), "serve", str(manuscript)],
                              stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = server.stderr.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        if match is None:
            raise SystemExit(f"serve did not start: {first}{server.stderr.read()}")
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
        port = int(match.group(1))
        start = time.monotonic()
        news = News(port)
        news.wait(ready, 0)
        print(f"{key}: first build (EPUB and print PDF) {time.monotonic() - start:.1f} s "
              f"(cache in {SCRATCH / 'cache'})", flush=True)
        print(f"{'edit':<6}{'save -> ebook':>15}{'save -> print':>15}   targets <= 1 s, <= 5 s")
        for number, word in enumerate(WORDS[:3], 1):
            saved = edit(manuscript, word)
            ebook = news.wait(lambda n, d: n == "epub", saved)
            printed = news.wait(lambda n, d: n == "print", saved)
            news.wait(ready, printed)
            print(f"{number:<6}{ebook - saved:>13.2f} s{printed - saved:>13.2f} s", flush=True)
            time.sleep(1)
        browser(port, manuscript)
    finally:
        server.terminate()
        server.wait(timeout=30)


def browser(port: int, manuscript: Path) -> None:
    """One edit watched in the page itself."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path="/usr/bin/chromium",
                                          args=["--no-sandbox"])
        page = chromium.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function("() => document.body.dataset.epub && document.body.dataset.pdf",
                               timeout=300_000)
        time.sleep(2)
        epub, pdf = page.evaluate("() => [document.body.dataset.epub, document.body.dataset.pdf]")
        saved = edit(manuscript, WORDS[3])
        page.wait_for_function(f"() => document.body.dataset.epub !== {epub!r}", polling=20,
                               timeout=120_000)
        ebook = time.monotonic() - saved
        page.wait_for_function(f"() => document.body.dataset.pdf !== {pdf!r}", polling=20,
                               timeout=300_000)
        printed = time.monotonic() - saved
        print(f"browser: save -> ebook view shown {ebook:.2f} s, -> print view shown {printed:.2f} s")
        chromium.close()


if __name__ == "__main__":
    main(sys.argv[1:])
