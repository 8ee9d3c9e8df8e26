"""The preview's HTTP server: a fixed set of routes, nothing else.

It serves the page and its two scripts, the reading engine's JavaScript
modules (read-only, only that package's folder, only ``.js``), the last
good EPUB and print PDF pages from memory, and the news stream
(server-sent events, ``text/event-stream``).  Any other path is a 404:
there is no directory listing, no file of the book folder is reachable,
and ``..``, its percent-encoded forms, absolute paths and backslashes never
leave the engine's folder.  The page's Content-Security-Policy lets it load
only from this server (no remote fetch).  Bound to loopback, the server
also refuses a request whose Host header names another machine (a web page
elsewhere cannot reach it by DNS rebinding).
"""

from __future__ import annotations

import json
import queue
import re
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .printview import PageImages
from .state import State

#: The page's own files (package data in book/serve/assets/).
ASSETS = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1", "[::1]"}
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
_PAGE = re.compile(r"/print/([0-9a-f]{16})/([0-9]{1,6})\.(png|txt)\Z")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline' blob:; "
       "img-src 'self' blob: data:; font-src 'self' blob: data:; frame-src 'self' blob:; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")
#: Seconds between keep-alive comments on the news stream.
PING_SECONDS = 15


def asset(name: str) -> bytes:
    return resources.files("book.serve").joinpath("assets", name).read_bytes()


def engine_file(root: Path, path: str) -> Path | None:
    """The engine file that ``path`` (decoded, relative to /engine/) names,
    or None: every segment a plain name, ``.js``, inside ``root``."""
    segments = path.split("/")
    if not segments or not all(_SEGMENT.match(s) for s in segments) or not path.endswith(".js"):
        return None
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server with the preview's state attached."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], state: State, images: PageImages,
                 engine: Path, loopback: bool) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)
        self.state, self.images, self.engine, self.loopback = state, images, engine, loopback

    def handle_error(self, request, client_address) -> None:
        """A browser that leaves mid-reply (a closed tab, a page image no
        longer wanted) is no error worth a traceback on the terminal."""
        import sys

        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    protocol_version = "HTTP/1.1"
    server_version = "make-book-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # quiet: the command prints builds
        pass

    # ------------------------------------------------------------ replies
    def _send(self, status: int, body: bytes, kind: str, cache: str = "no-store",
              extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", cache)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        for name, value in (extra or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _not_found(self) -> None:
        self._send(404, b"not found\n", "text/plain; charset=utf-8")

    def _json(self, payload: Any) -> None:
        self._send(200, json.dumps(payload).encode("utf-8"), "application/json")

    # ------------------------------------------------------------ routing
    def do_HEAD(self) -> None:
        self.do_GET()

    def do_POST(self) -> None:
        self._send(405, b"method not allowed\n", "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD"})

    do_PUT = do_DELETE = do_PATCH = do_POST

    def _host_ok(self) -> bool:
        if not self.server.loopback:
            return True
        host = (self.headers.get("Host") or "").strip().lower()
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        return name in LOOPBACK_NAMES

    def do_GET(self) -> None:
        if not self._host_ok():
            self._send(403, b"this server answers only to localhost\n", "text/plain; charset=utf-8")
            return
        raw = urlsplit(self.path).path
        if "\\" in raw or "\x00" in raw or not raw.startswith("/") or raw.startswith("//"):
            self._not_found()
            return
        try:
            path = unquote(raw, errors="strict") if "%" in raw else raw
        except UnicodeDecodeError:
            self._not_found()
            return
        state = self.server.state
        if path == "/":
            self._send(200, asset("index.html"), "text/html; charset=utf-8",
                       extra={"Content-Security-Policy": CSP})
        elif path.startswith("/assets/") and path[8:] in ASSETS:
            self._send(200, asset(path[8:]), ASSETS[path[8:]])
        elif path.startswith("/engine/"):
            found = engine_file(self.server.engine, path[8:])
            if found is None:
                self._not_found()
            else:
                self._send(200, found.read_bytes(), "text/javascript; charset=utf-8",
                           cache="no-cache")
        elif path == "/book.epub" and state.epub is not None:
            self._send(200, state.epub.data, "application/epub+zip",
                       extra={"ETag": f'"{state.epub.digest}"'})
        elif path == "/api/status":
            self._json(state.status())
        elif path == "/api/print" and self.server.images.book is not None:
            self._json(self.server.images.book.summary())
        elif path == "/events":
            self._events()
        else:
            self._page(path)

    def _page(self, path: str) -> None:
        match = _PAGE.match(path)
        if match is None:
            self._not_found()
            return
        version, index, kind = match.group(1), int(match.group(2)), match.group(3)
        images = self.server.images
        data = images.png(version, index) if kind == "png" else images.text(version, index)
        if data is None:
            self._not_found()
            return
        mime = "image/png" if kind == "png" else "text/plain; charset=utf-8"
        self._send(200, data, mime, cache="public, max-age=31536000, immutable")

    # ---------------------------------------------------------- the news
    def _events(self) -> None:
        """Server-sent events: ``status``, ``epub`` and ``print``, from now
        on (the page asks for the current state once it listens)."""
        state = self.server.state
        box = state.listen()
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.close_connection = True
        try:
            self.wfile.write(b"retry: 1000\n\n")
            self._event("status", json.dumps(state.status()))
            while True:
                try:
                    item = box.get(timeout=PING_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": ping\n\n")
                    self.wfile.flush()
                    continue
                if item is None:
                    return
                self._event(*item)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            return
        finally:
            state.forget(box)

    def _event(self, name: str, data: str) -> None:
        self.wfile.write(f"event: {name}\ndata: {data}\n\n".encode("utf-8"))
        self.wfile.flush()
