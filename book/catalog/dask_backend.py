"""Books on a Dask cluster (``--scheduler ADDRESS`` or ``--scheduler local``).

Each book is one Dask task (:func:`run_book_task`) that takes the book's
inputs as bytes (:class:`~book.catalog.inputs.Bundle`: workers need no
shared file system), rebuilds its folder in a temporary folder on the
worker, builds it in a child process there (the same isolation, time and
memory limits as the local pool; :mod:`book.catalog.isolate`) and returns
the outcome with the outputs' bytes to the client.

Failures, the Dask way:

* a book that fails (bad input, time limit) is an outcome, not an error:
  Dask must not retry it;
* a worker lost mid-book (killed, out of memory) is noticed by the
  scheduler, which runs the task again on another worker; with
  ``distributed.scheduler.allowed-failures = 1`` (set for ``--scheduler
  local``; start your own scheduler with it) a book is tried twice at
  most, then the task fails with ``KilledWorker`` and the book is reported
  failed.  The client counts the tries from the scheduler's
  ``remove-worker`` events;
* an unexpected error in the task itself is retried once (``retries=1``).

The client keeps a bounded number of books in flight (twice the cluster's
threads), so a backlist of thousands is not held in memory at once.
Dask is optional: ``pip install 'make-book[cluster]'``.
"""

from __future__ import annotations

import importlib.util
import socket
import tempfile
import threading
import uuid
import warnings
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from ..errors import ConfigError, UsageError
from .inputs import unpack
from .isolate import run_isolated
from .job import KIND_INTERNAL, KIND_LOST, BookJob, BookOutcome, failed
from .progress import Progress

INSTALL_HINT = "pip install 'make-book[cluster]'"
#: The events topic where the scheduler reports lost workers.
_EVENTS_TOPIC = "all"


def _distributed():
    try:
        import distributed
    except ImportError:
        raise UsageError(f"--scheduler needs Dask, which is not installed ({INSTALL_HINT}); "
                         f"without --scheduler the local pool needs nothing more") from None
    return distributed


def run_book_task(job: BookJob) -> BookOutcome:
    """The Dask task of one book (runs on a worker)."""
    from distributed import get_worker

    try:
        worker = get_worker()
    except ValueError:  # run outside a worker (tests, debugging)
        worker = None
    if job.memory_limit == "auto":  # type: ignore[comparison-overlap]
        job.memory_limit = _worker_share(worker)
    with tempfile.TemporaryDirectory(prefix="make-book-dask-") as temp:
        if job.bundle is not None:
            root, extras = unpack(job.bundle, Path(temp))
            job = job.relocated(root, extras, Path(temp) / "book")
        outcome = run_isolated(job, should_stop=_stop_check(job.stop_event))
    outcome.worker = worker.address if worker is not None else socket.gethostname()
    return outcome


def _stop_check(name: str | None) -> Callable[[], bool] | None:
    """Whether the client has stopped the run (a Dask Event), asked cheaply."""
    if not name:
        return None
    from distributed import Event

    event = Event(name)

    def stopped() -> bool:
        try:
            return bool(event.is_set())
        except Exception:  # the scheduler is busy or gone: keep building
            return False

    return stopped


def _worker_share(worker) -> int | None:
    """This worker's memory limit shared among its threads (Dask's own
    ``--memory-limit``, by default the machine's memory)."""
    from .local_pool import auto_memory_limit

    if worker is None:
        return auto_memory_limit(1)
    limit = getattr(getattr(worker, "memory_manager", None), "memory_limit", None)
    threads = max(1, getattr(getattr(worker, "state", None), "nthreads", 1) or 1)
    if limit:
        return max(int(limit) // threads, 2 * 2**30)
    return auto_memory_limit(threads)


class DaskBackend:
    """Builds books on a Dask cluster, from this client."""

    def __init__(self, scheduler: str, *, workers: int | None,
                 pack: Callable[[BookJob], BookJob]) -> None:
        distributed = _distributed()
        self._pack = pack
        self._cluster = None
        self._lost: dict[str, int] = {}
        self._lock = threading.Lock()
        if scheduler == "local":
            import dask

            from .local_pool import default_jobs

            count = workers or default_jobs()
            with dask.config.set({"distributed.scheduler.allowed-failures": 1,
                                  "distributed.worker.daemon": False}):
                self._cluster = distributed.LocalCluster(
                    n_workers=count, threads_per_worker=1, processes=True, host="127.0.0.1",
                    dashboard_address="127.0.0.1:8787", silence_logs=50)
            self.client = distributed.Client(self._cluster)
            dashboard = (f"dashboard: {self.client.dashboard_link}"
                         if importlib.util.find_spec("bokeh") else
                         f"no dashboard without bokeh: {INSTALL_HINT}")
            self.description = (f"Dask LocalCluster of {count} worker{'s' if count > 1 else ''} "
                                f"({dashboard})")
        else:
            try:
                self.client = distributed.Client(scheduler, timeout="20s")
            except (OSError, TimeoutError, ValueError) as exc:
                raise ConfigError(f"cannot reach the Dask scheduler at {scheduler}: "
                                  f"{' '.join(str(exc).split())[:200]}") from None
            self.description = f"Dask scheduler {scheduler}"
        self.client.subscribe_topic(_EVENTS_TOPIC, self._on_event)

    def warm(self) -> None:
        """Have each worker start its warm fork server now, while the client
        packs the first books, rather than on its first book."""
        try:
            self.client.run(_start_fork_server)
        except Exception:  # a worker that cannot is warmed by its first book
            pass

    def notes(self) -> list[str]:
        """Remarks on the cluster's setup worth a line before the run."""
        notes = []
        try:
            allowed = self.client.run_on_scheduler(_allowed_failures)
        except Exception:
            allowed = None
        if allowed is not None and allowed > 1:
            notes.append(f"the scheduler tries a book {allowed + 1} times when its worker dies; "
                         f"start it with DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES=1 "
                         f"to stop at 2")
        return notes

    def _on_event(self, event) -> None:
        """A worker left: the tasks it was running will be tried again."""
        _, message = event
        if not isinstance(message, dict) or message.get("action") != "remove-worker":
            return
        if message.get("expected"):
            return
        with self._lock:
            for key in message.get("processing-tasks", ()):
                self._lost[str(key)] = self._lost.get(str(key), 0) + 1

    def _threads(self) -> int:
        try:
            return max(1, sum(self.client.nthreads().values()))
        except Exception:
            return 1

    def run(self, jobs: list[BookJob], done: Callable[[BookOutcome], None],
            progress: Progress) -> None:
        """Build every job on the cluster, calling ``done`` as outcomes arrive."""
        distributed = _distributed()
        if not jobs:
            return
        self._wait_for_workers(progress)
        token = uuid.uuid4().hex[:8]
        stop = distributed.Event(f"make-book-stop-{token}", client=self.client)
        queue: Iterator[tuple[int, BookJob]] = enumerate(jobs)
        in_flight: dict[str, tuple[BookJob, object]] = {}
        futures = distributed.as_completed()
        window = max(4, 2 * self._threads())

        def submit_next() -> None:
            number, job = next(queue, (0, None))
            if job is None:
                return
            safe = "".join(ch if ch.isalnum() else "_" for ch in job.id)[:60]
            with warnings.catch_warnings():
                # A book travels whole (its images too): large tasks are the design.
                warnings.filterwarnings("ignore", message=".*large graph.*")
                packed = replace(self._pack(job), stop_event=stop.name)
                future = self.client.submit(run_book_task, packed,
                                            key=f"make-book-{token}-{number}-{safe}",
                                            pure=False, retries=1)
            in_flight[future.key] = (job, future)
            futures.add(future)
            progress.started(job.id)

        try:
            for _ in range(window):
                submit_next()
            for future in futures:
                job, _ = in_flight.pop(future.key)
                outcome = self._outcome(future, job)
                future.release()
                done(outcome)
                submit_next()
                progress.tick()
        finally:
            if in_flight:  # stopped: running builds end now, queued books never start
                try:
                    stop.set()
                finally:
                    self.client.cancel([future for _, future in in_flight.values()], force=True)

    def _outcome(self, future, job: BookJob) -> BookOutcome:
        from distributed.scheduler import KilledWorker

        with self._lock:
            lost = self._lost.pop(str(future.key), 0)
        try:
            outcome = future.result()
        except KilledWorker:
            outcome = failed(job.id, f"the worker building the book was lost {lost or 2} times "
                             f"(killed or out of memory)", KIND_LOST)
            outcome.attempts = max(lost, 2)
            return outcome
        except Exception as exc:
            detail = " ".join(str(exc).split())[:300]
            return failed(job.id, f"the task failed on the cluster: {type(exc).__name__}: "
                          f"{detail}", KIND_INTERNAL)
        outcome.attempts = outcome.attempts + lost
        return outcome

    def _wait_for_workers(self, progress: Progress) -> None:
        if self.client.nthreads():
            return
        progress.note("waiting for a Dask worker to join the scheduler")
        try:
            self.client.wait_for_workers(1, timeout=120)
        except TimeoutError:
            raise ConfigError("no Dask worker joined the scheduler within 2 minutes",
                              hint="start workers with: dask worker tcp://SCHEDULER:8786") from None

    def close(self) -> None:
        try:
            self.client.close()
        finally:
            if self._cluster is not None:
                self._cluster.close()


def _start_fork_server() -> None:
    """On a worker: start the fork server (it warms up in its own process)."""
    from .isolate import may_fork_children, start_server

    if may_fork_children():
        start_server()


def _allowed_failures(dask_scheduler) -> int:
    return int(dask_scheduler.allowed_failures)
