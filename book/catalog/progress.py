"""Progress of a whole run: books done, failed, running, and the time left.

On a terminal one status line stays at the bottom and is redrawn in place
(at most a few times a second), with a line above it for each book that is
built or fails.  Anywhere else (a log file, CI) every event is one plain
line, so the log reads top to bottom.  The estimate of the time left is the
books still to build times the average time per book seen so far in this
run (which already accounts for the books built side by side).
"""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 05 s``, ``2 h 10 min``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def printable(text: str) -> str:
    """``text`` safe for a terminal: names come from the user's disk, and a
    newline or an escape sequence in one must not break the display."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


class Progress:
    """Counts of a run; the base class prints nothing (library use)."""

    def __init__(self) -> None:
        self.total = self.to_build = 0
        self.built = self.failed = self.skipped = 0
        self.running: set[str] = set()
        self.began = time.monotonic()
        self.dispatch_began: float | None = None

    # events -------------------------------------------------------------

    def begin(self, total: int, to_build: int, skipped: int, backend: str) -> None:
        self.total, self.to_build, self.skipped = total, to_build, skipped
        self.dispatch_began = time.monotonic()

    def note(self, message: str) -> None:
        """A remark about the run as a whole."""

    def started(self, book_id: str) -> None:
        self.running.add(book_id)

    def retrying(self, book_id: str, reason: str) -> None:
        self.running.discard(book_id)

    def finished(self, book_id: str, ok: bool, summary: str) -> None:
        self.running.discard(book_id)
        if ok:
            self.built += 1
        else:
            self.failed += 1

    def tick(self) -> None:
        """Called often: a chance to redraw."""

    def end(self, summary: str) -> None:
        """The run is over; ``summary`` is its last line."""

    # figures ------------------------------------------------------------

    @property
    def done(self) -> int:
        return self.built + self.failed

    def eta(self) -> float | None:
        """Seconds left, once a book has finished."""
        if not self.done or self.dispatch_began is None:
            return None
        per_book = (time.monotonic() - self.dispatch_began) / self.done
        return per_book * max(0, self.to_build - self.done)

    def status(self) -> str:
        eta = self.eta()
        parts = [f"{self.done}/{self.to_build} books", f"{self.built} built"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        parts.append(f"{len(self.running)} running")
        if self.skipped:
            parts.append(f"{self.skipped} unchanged")
        parts.append(f"ETA {duration(eta)}" if eta is not None else "ETA …")
        return ", ".join(parts)


class PlainProgress(Progress):
    """One line per event (logs, CI, pipes)."""

    def __init__(self, stream: TextIO, prog: str = "make-book") -> None:
        super().__init__()
        self.stream = stream
        self.prog = prog

    def _line(self, text: str) -> None:
        self.stream.write(f"{self.prog}: {printable(text)}\n")
        self.stream.flush()

    def begin(self, total: int, to_build: int, skipped: int, backend: str) -> None:
        super().begin(total, to_build, skipped, backend)
        unchanged = f", {skipped} unchanged (skipped)" if skipped else ""
        self._line(f"catalog: {total} books, {to_build} to build{unchanged}; {backend}")

    def note(self, message: str) -> None:
        self._line(message)

    def retrying(self, book_id: str, reason: str) -> None:
        super().retrying(book_id, reason)
        self._line(f"{book_id}: {reason}; trying once more")

    def finished(self, book_id: str, ok: bool, summary: str) -> None:
        super().finished(book_id, ok, summary)
        eta = self.eta()
        left = f"; ETA {duration(eta)}" if eta is not None and self.done < self.to_build else ""
        self._line(f"[{self.done}/{self.to_build}] {summary}{left}")

    def end(self, summary: str) -> None:
        self._line(summary)


class TtyProgress(PlainProgress):
    """A status line redrawn in place under the per-book lines."""

    _REDRAW = 0.25

    def __init__(self, stream: TextIO, prog: str = "make-book") -> None:
        super().__init__(stream, prog)
        self._drawn = 0.0
        self._shown = False

    def _clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[2K")
            self._shown = False

    def _line(self, text: str) -> None:
        self._clear()
        super()._line(text)
        self._draw()

    def _draw(self) -> None:
        if not self.dispatch_began:
            return
        width = shutil.get_terminal_size((100, 20)).columns
        text = f"{self.prog}: {self.status()}"
        if len(text) >= width:
            text = text[: max(0, width - 2)] + "…"
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self._shown = True
        self._drawn = time.monotonic()

    def started(self, book_id: str) -> None:
        super().started(book_id)
        self.tick()

    def tick(self) -> None:
        if time.monotonic() - self._drawn >= self._REDRAW:
            self._clear()
            self._draw()

    def end(self, summary: str) -> None:
        self._clear()
        self.stream.write(f"{self.prog}: {printable(summary)}\n")
        self.stream.flush()


class QuietProgress(PlainProgress):
    """Only failures and the closing summary (``--quiet``)."""

    def begin(self, total: int, to_build: int, skipped: int, backend: str) -> None:
        Progress.begin(self, total, to_build, skipped, backend)

    def retrying(self, book_id: str, reason: str) -> None:
        Progress.retrying(self, book_id, reason)

    def finished(self, book_id: str, ok: bool, summary: str) -> None:
        Progress.finished(self, book_id, ok, summary)
        if not ok:
            self._line(summary)


def progress_for(stream: TextIO | None = None, *, quiet: bool = False) -> Progress:
    """The display that suits ``stream`` (stderr by default)."""
    stream = stream or sys.stderr
    if quiet:
        return QuietProgress(stream)
    isatty = getattr(stream, "isatty", None)
    return TtyProgress(stream) if isatty and isatty() else PlainProgress(stream)
