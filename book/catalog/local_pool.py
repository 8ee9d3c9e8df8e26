"""The local pool: N books at a time, each in a process of its own.

Not a :class:`concurrent.futures.ProcessPoolExecutor`: when one of its
workers dies, the whole pool is broken (``BrokenProcessPool``) and every
book in it with it.  Here a small scheduler keeps N slots, starts one
process per book (:class:`~book.catalog.isolate.ChildRun`), waits on all
their pipes at once, kills a book that overruns ``--timeout``, and gives a
book whose process died (killed, out of memory, crashed) one more try in a
fresh process before reporting it failed.  Nothing is shared between books
but the warm fork server they are started from.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from multiprocessing.connection import wait

from .isolate import ChildRun, start_server
from .job import BookJob, BookOutcome
from .progress import Progress

#: A lost book is tried this many times in all.
TRIES = 2
#: The longest wait between two looks at the clock (progress and time limits).
_TICK = 0.5


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def physical_memory() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def auto_memory_limit(slots: int) -> int | None:
    """A book's share of the machine's memory (at least 2 GiB): the limit
    that keeps N books at once out of swap without starving a big one."""
    total = physical_memory()
    return max(total // max(1, slots), 2 * 2**30) if total else None


class LocalPool:
    """Builds books in ``slots`` child processes of this machine."""

    def __init__(self, slots: int) -> None:
        self.slots = max(1, slots)
        self.description = f"local pool of {self.slots} worker process{'es' if self.slots > 1 else ''}"

    def notes(self) -> list[str]:
        return []

    def warm(self) -> None:
        """Start the warm fork server while the catalog is being read."""
        start_server()

    def run(self, jobs: list[BookJob], done: Callable[[BookOutcome], None],
            progress: Progress) -> None:
        """Build every job, calling ``done`` with each outcome as it comes."""
        pending = deque(jobs)
        running: dict[object, ChildRun] = {}
        try:
            while pending or running:
                while pending and len(running) < self.slots:
                    job = pending.popleft()
                    run = ChildRun(job)
                    running[run.handle] = run
                    progress.started(job.id)
                ready = wait(list(running), self._wait_time(running))
                finished: list[tuple[ChildRun, BookOutcome]] = []
                for handle in ready:
                    run = running.pop(handle)
                    finished.append((run, run.collect()))
                now = time.monotonic()
                for handle, run in list(running.items()):
                    deadline = run.deadline()
                    if deadline is not None and now >= deadline:
                        del running[handle]
                        finished.append((run, run.expire()))
                for run, outcome in finished:
                    if outcome.lost and run.job.attempt < TRIES:
                        progress.retrying(run.job.id, outcome.error)
                        pending.appendleft(replace(run.job, attempt=run.job.attempt + 1))
                    else:
                        done(outcome)
                progress.tick()
        finally:
            for run in running.values():
                run.kill()

    @staticmethod
    def _wait_time(running: dict[object, ChildRun]) -> float:
        deadlines = [d for d in (r.deadline() for r in running.values()) if d is not None]
        if not deadlines:
            return _TICK
        return max(0.0, min(_TICK, min(deadlines) - time.monotonic()))

    def close(self) -> None:
        """Nothing to stop: the fork server ends with this process."""
