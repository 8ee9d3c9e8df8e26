"""What the preview server knows: the last good book, the build in progress,
the last error, and the pages listening for news.

One :class:`State` is shared by the rebuild thread (the only writer) and the
HTTP threads (readers).  The outputs are kept in memory, not served from
disk: a build writing the next EPUB never tears the file a browser is
reading, and nothing but these bytes can be served.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Output:
    """One good build output: its bytes and a short content hash that
    versions its URLs (a browser never shows a stale cached copy)."""

    data: bytes
    digest: str
    built: float = field(default_factory=time.time)

    @classmethod
    def of(cls, data: bytes) -> Output:
        return cls(data, hashlib.sha256(data).hexdigest()[:16])


def error_fields(exc: BaseException) -> dict[str, Any]:
    """What the page's error panel shows: code, file, line, message, hint
    (book/errors.py's fields; a bug in make_book says so)."""
    from ..errors import MakeBookError

    if isinstance(exc, MakeBookError):
        return {"code": exc.code, "file": exc.file, "line": exc.line,
                "message": " ".join(exc.message.split()), "hint": exc.hint}
    return {"code": "internal", "file": None, "line": None,
            "message": f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}",
            "hint": "a bug in make_book: please report it"}


class State:
    """The shared state and its listeners (server-sent events)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.epub: Output | None = None
        self.pdf: Output | None = None
        self.title = ""
        self.building: str | None = None  # "epub", "print" or None
        self.error: dict[str, Any] | None = None
        self.warnings: list[str] = []
        self._listeners: list[queue.Queue[tuple[str, str] | None]] = []

    # -------------------------------------------------------------- news
    def listen(self) -> queue.Queue[tuple[str, str] | None]:
        """A queue receiving every event from now on (one per open page)."""
        box: queue.Queue[tuple[str, str] | None] = queue.Queue(maxsize=256)
        with self.lock:
            self._listeners.append(box)
        return box

    def forget(self, box: queue.Queue) -> None:
        with self.lock:
            if box in self._listeners:
                self._listeners.remove(box)

    def close(self) -> None:
        """Tell every listener to hang up (the server is stopping)."""
        with self.lock:
            for box in self._listeners:
                try:
                    box.put_nowait(None)
                except queue.Full:
                    pass

    def publish(self, event: str, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=True)
        with self.lock:
            listeners = list(self._listeners)
        for box in listeners:
            try:
                box.put_nowait((event, data))
            except queue.Full:  # a page that stopped reading: drop it
                self.forget(box)

    # ------------------------------------------------------------ updates
    def status(self) -> dict[str, Any]:
        """The ``status`` event: building or not, the error, warnings."""
        return {"building": self.building, "error": self.error, "warnings": self.warnings[:20],
                "title": self.title,
                "epub": self.epub.digest if self.epub else None,
                "pdf": self.pdf.digest if self.pdf else None}

    def set_building(self, what: str | None) -> None:
        self.building = what
        self.publish("status", self.status())

    def set_epub(self, data: bytes, title: str) -> None:
        """A good EPUB; the ebook view reloads only when its bytes changed."""
        new = Output.of(data)
        self.title, self.error = title, None
        if self.epub is None or self.epub.digest != new.digest:
            self.epub = new
            self.publish("epub", {"version": new.digest})
        self.publish("status", self.status())

    def set_pdf(self, data: bytes) -> None:
        self.pdf, self.error = Output.of(data), None
        self.publish("print", {"version": self.pdf.digest})
        self.publish("status", self.status())

    def set_error(self, exc: BaseException) -> None:
        self.error = error_fields(exc)
        self.publish("status", self.status())

    def clear_error(self) -> None:
        if self.error is not None:
            self.error = None
            self.publish("status", self.status())
