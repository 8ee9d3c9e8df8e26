"""What a long build shows while it works.

A build goes through stages (reading, passes, layout, writing); the layout of
a long book takes minutes, and a build that says nothing for minutes looks
hung.  Three displays, chosen by :func:`make_progress`:

* on a terminal, a live display (rich): one bar per stage, the chapter being
  laid out, pages so far and the time left;
* anywhere else (a pipe, a CI log), one plain line as each stage starts,
  with the time since the build began (``make-book: running the passes
  (at 1.4 s)``), ASCII only and without control characters;
* with ``-q``, nothing.

The library calls the same methods whatever the display; without one
(``BuildOptions.progress`` None) nothing is shown.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from typing import IO, Any

PROG = "make-book"
#: The stage names the build uses, with what a plain line says.
STAGES = {"reading": "reading the manuscript", "passes": "running the passes",
          "layout": "laying out the PDF", "writing EPUB": "writing the EPUB",
          "writing kepub": "writing the Kobo EPUB",
          "writing files": "writing the files"}


class Progress:
    """The silent display; the others override what they show."""

    @contextlib.contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Progress]:
        yield self

    def advance(self, detail: str = "") -> None:
        """One more unit of the current stage's ``total`` is done."""

    def layout(self, edition: str, fraction: float, where: str, pages: int = 0) -> None:
        """The layout of ``edition`` is ``fraction`` done, now at ``where``."""

    def close(self) -> None:
        pass


class PlainProgress(Progress):
    """One line per stage (see the module docstring)."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.start = time.monotonic()

    @contextlib.contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Progress]:
        elapsed = time.monotonic() - self.start
        what = STAGES.get(name, name)
        self.stream.write(f"{PROG}: {what} (at {elapsed:.1f} s)\n")
        self.stream.flush()
        yield self


class LiveProgress(Progress):
    """A live display on a terminal (rich)."""

    def __init__(self, stream: IO[str]) -> None:
        from rich.console import Console
        from rich.progress import (BarColumn, Progress as Bars, SpinnerColumn, TaskProgressColumn,
                                   TextColumn, TimeElapsedColumn, TimeRemainingColumn)

        console = Console(file=stream, stderr=stream is sys.stderr)
        self.bars = Bars(SpinnerColumn(), TextColumn("{task.description:<22}"), BarColumn(),
                         TaskProgressColumn(), TimeRemainingColumn(), TimeElapsedColumn(),
                         TextColumn("{task.fields[detail]}"), console=console, transient=True,
                         redirect_stderr=True, redirect_stdout=True)
        self.bars.start()
        self.current: Any = None
        self.editions: dict[str, Any] = {}

    @contextlib.contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Progress]:
        task = self.bars.add_task(STAGES.get(name, name), total=total, detail="")
        previous, self.current = self.current, task
        try:
            yield self
        finally:
            self.bars.update(task, completed=total if total is not None else 1,
                             total=total if total is not None else 1)
            self.bars.remove_task(task)
            self.current = previous

    def advance(self, detail: str = "") -> None:
        if self.current is not None:
            self.bars.update(self.current, advance=1, detail=_short(detail))

    def layout(self, edition: str, fraction: float, where: str, pages: int = 0) -> None:
        task = self.editions.get(edition)
        if task is None:
            task = self.editions[edition] = self.bars.add_task(f"layout ({edition} PDF)", total=1000,
                                                                detail="")
        detail = _short(where) + (f", {pages} pages" if pages else "")
        self.bars.update(task, completed=int(fraction * 1000), detail=detail)
        if fraction >= 1:
            self.bars.remove_task(task)
            del self.editions[edition]

    def close(self) -> None:
        self.bars.stop()


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    text = "".join(ch for ch in text if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def make_progress(stream: IO[str] | None = None, *, quiet: bool = False) -> Progress:
    """The display for ``stream`` (standard output by default, so that
    standard error keeps the one line of an error): live on a terminal,
    plain lines elsewhere (``CI`` set, ``TERM=dumb``), silent with ``quiet``."""
    stream = stream or sys.stdout
    if quiet:
        return Progress()
    terminal = hasattr(stream, "isatty") and stream.isatty()
    if terminal and os.environ.get("TERM", "") != "dumb" and not os.environ.get("CI"):
        try:
            return LiveProgress(stream)
        except ImportError:
            pass
    return PlainProgress(stream)
