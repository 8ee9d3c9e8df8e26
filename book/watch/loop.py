"""Build, wait for a save, build again: the rounds of a watch.

Each round is a whole :func:`book.build.build` with the caller's options,
in this process: the modules are imported once and the build cache stays
warm, so a round after a one-word edit reads and lays out only what the
edit touched (book/cache) and writes the outputs atomically, as a build
from the command line does.  A round that fails on the manuscript (a
:class:`~book.errors.MakeBookError`) leaves the last outputs in place and
the watch goes on: the next save starts the next round.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..build import BuildResult, Overrides, build
from ..context import BuildOptions
from ..diagnostics import Diagnostic, Diagnostics
from ..errors import MakeBookError
from .changes import ChangeWatcher
from .files import watched_roots


@dataclass(frozen=True)
class Round:
    """One build of a watch and what started it."""

    number: int  # 1 for the first build
    changed: tuple[str, ...]  # the names of the files saved since the last round
    seconds: float
    diagnostics: Diagnostics
    result: BuildResult | None  # None when the round failed
    error: MakeBookError | None = None


def watch_builds(inputs: Sequence[str | Path], options: BuildOptions,
                 overrides: Overrides | None = None, *,
                 on_round: Callable[[Round], None],
                 report: Callable[[Diagnostic], None] | None = None,
                 progress: Callable[[], Any] | None = None,
                 on_change: Callable[[list[str]], None] | None = None,
                 on_watching: Callable[[list[Path]], None] | None = None,
                 stop: threading.Event | None = None) -> int:
    """Build ``inputs``, then again after every save, until ``stop`` is set
    or Ctrl-C comes after a round (while it is told or while waiting);
    returns the number of rounds.  (Ctrl-C in the middle of a round is the
    build's: KeyboardInterrupt, that round's outputs not written.)

    ``report`` hears each round's diagnostics as they come, ``on_round`` the
    finished round, ``on_change`` the names of the files saved before each
    round after the first; ``progress`` makes each round's progress display
    (closed when the round ends); ``on_watching`` is told the watched
    folders once, after the first round.
    """
    overrides = overrides or Overrides()
    paths = [Path(p) for p in inputs]
    roots = watched_roots(paths, overrides)
    watcher = ChangeWatcher(roots, ignored=[Path(options.outdir).resolve()]).start()
    number = 0
    changed: list[str] = []
    try:
        while True:
            number += 1
            done = _one_round(number, changed, paths, options, overrides, report, progress)
            # The round's outputs are written: Ctrl-C from here on (while its
            # lines are printed, or while waiting) ends the watch cleanly.
            try:
                on_round(done)
                if number == 1 and on_watching is not None:
                    on_watching(roots)
                found = watcher.wait(stop)
            except KeyboardInterrupt:
                return number
            if found is None:
                return number
            changed = found
            if on_change is not None:
                on_change(changed)
    finally:
        watcher.close()


def _one_round(number: int, changed: list[str], inputs: list[Path], options: BuildOptions,
               overrides: Overrides, report: Callable[[Diagnostic], None] | None,
               progress: Callable[[], Any] | None) -> Round:
    diagnostics = Diagnostics(strict=options.strict, listener=report)
    display = progress() if progress is not None else None
    started = time.monotonic()
    result = error = None
    try:
        result = build(inputs, dataclasses.replace(options, progress=display), overrides,
                       diagnostics)
    except MakeBookError as exc:
        error = exc
    finally:
        if display is not None:
            display.close()
    return Round(number, tuple(changed), time.monotonic() - started, diagnostics, result, error)
