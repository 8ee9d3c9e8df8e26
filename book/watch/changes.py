"""The changes a watch waits for, collected by a thread of their own
(``make-book build --watch`` and the preview's rebuild thread).

The watcher starts before the first build, so a save made while a build
runs is not lost: its names wait here and the next round starts as soon
as the build is done.  watchfiles (Rust notify underneath) groups the
events of one save (STEP_MS of quiet ends a group): an editor that writes
a temporary file and renames it over the manuscript causes one round.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from ..errors import SourceError
from .files import STEP_MS, wanted

#: How often a wait looks at its stop event (seconds).
POLL_SECONDS = 0.1


class ChangeWatcher:
    """The names of the files changed below ``roots`` since the last :meth:`wait`."""

    def __init__(self, roots: Sequence[Path], ignored: Iterable[Path] = ()) -> None:
        self.roots = list(roots)
        self.ignored = [Path(folder) for folder in ignored]
        self._names: set[str] = set()
        self._lock = threading.Lock()
        self._changed = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: Why the watching thread ended, when it failed (a folder gone, say).
        self._failure: Exception | None = None

    def start(self) -> ChangeWatcher:
        """Start the watching thread (its watcher is set up within milliseconds)."""
        self._thread = threading.Thread(target=self._run, name="make-book-watch", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def wait(self, stop: threading.Event | None = None) -> list[str] | None:
        """Block until files changed (their names, sorted) or ``stop`` is set
        (None); SourceError when the watching itself failed."""
        while not self._changed.wait(POLL_SECONDS):
            if stop is not None and stop.is_set():
                return None
            if self._thread is not None and not self._thread.is_alive():
                if self._failure is not None:
                    folders = ", ".join(str(root) for root in self.roots)
                    raise SourceError(f"cannot watch {folders} any longer: {self._failure}")
                return None
        with self._lock:
            names = sorted(self._names)
            self._names.clear()
            self._changed.clear()
        return names

    def _keep(self) -> Callable[[object, str], bool]:
        roots, ignored = self.roots, self.ignored
        return lambda change, path: wanted(path, roots, ignored)

    def _run(self) -> None:
        from watchfiles import watch

        try:
            for changes in watch(*self.roots, watch_filter=self._keep(), step=STEP_MS,
                                 stop_event=self._stop, yield_on_timeout=False,
                                 raise_interrupt=False):
                if changes:
                    with self._lock:
                        self._names.update(os.path.basename(path) for _, path in changes)
                        self._changed.set()
        except Exception as exc:  # noqa: BLE001 - told by wait(), in the build's thread
            self._failure = exc
