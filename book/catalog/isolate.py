"""One book, one process: start it, watch its time, collect its outcome.

A book's build runs in a process of its own so that whatever it does (a
crash in a C library, memory it never gives back, a layout that never
ends) ends with that process.  :class:`ChildRun` is that process seen from
its parent:

* it is forked from a warm :mod:`multiprocessing` fork server when this
  process may have children (see :mod:`book.catalog.warm`), else (a
  daemonic Dask worker process) started as ``python -m book.catalog.child``;
* its outcome arrives over a pipe; the pipe's end of file without an
  outcome means the process died (killed, out of memory, crashed): a
  *lost* outcome, which the caller may retry once;
* past the time limit it is killed: a *timeout* outcome, never retried
  (the same book would take as long again).

The caller waits on :attr:`ChildRun.handle` of many runs at once
(``multiprocessing.connection.wait``), or on one with :func:`run_isolated`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import wait

from .job import KIND_LOST, KIND_STOPPED, KIND_TIMEOUT, BookJob, BookOutcome, failed

_PRELOAD = ["book.catalog.warm"]
_STDERR_TAIL = 400
#: How often a waiting task asks whether the run was stopped (seconds).
_STOP_POLL = 1.0
_context = None


def may_fork_children() -> bool:
    """False in a daemonic process (the default for Dask's worker processes),
    which :mod:`multiprocessing` forbids to have children."""
    return not multiprocessing.current_process().daemon


def _preload() -> list[str]:
    """What the fork server imports once: our warm-up, and the program's
    main module when it was run by name (``python -m make_book``, ``dask
    worker``), which :mod:`multiprocessing` runs again in every child:
    with its imports done in the server, that costs nothing per book
    (measured: over a second per book in a Dask worker without it)."""
    main = sys.modules.get("__main__")
    name = getattr(getattr(main, "__spec__", None), "name", None)
    if name and name != "__main__" and not name.endswith(".__main__"):
        return [name, *_PRELOAD]
    return list(_PRELOAD)


def _fork_context():
    """The fork server context, warmed by :mod:`book.catalog.warm`
    (spawn where there is no fork server)."""
    global _context
    if _context is None:
        if "forkserver" in multiprocessing.get_all_start_methods():
            _context = multiprocessing.get_context("forkserver")
            _context.set_forkserver_preload(_preload())
        else:
            _context = multiprocessing.get_context("spawn")
    return _context


def start_server() -> None:
    """Start (and warm) the fork server now, before the clock of any book."""
    context = _fork_context()
    if context.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _signal_name(code: int) -> str:
    try:
        return signal.Signals(code).name
    except ValueError:
        return f"signal {code}"


class ChildRun:
    """A book being built in a child process."""

    def __init__(self, job: BookJob) -> None:
        self.job = job
        self.started = time.monotonic()
        handle, self._stderr = tempfile.mkstemp(prefix="make-book-child-", suffix=".log")
        os.close(handle)
        self._process = None
        self._popen: subprocess.Popen | None = None
        if may_fork_children():
            from .child import child_main

            context = _fork_context()
            reader, writer = context.Pipe(duplex=False)
            self._process = context.Process(target=child_main, args=(job, writer, self._stderr),
                                            name=f"make-book {job.id}", daemon=True)
            self._process.start()
            writer.close()
            self.handle = reader
        else:
            with open(self._stderr, "wb") as stderr:
                self._popen = subprocess.Popen([sys.executable, "-m", "book.catalog.child"],
                                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                               stderr=stderr)
            assert self._popen.stdin is not None
            with contextlib.suppress(BrokenPipeError):
                self._popen.stdin.write(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
                self._popen.stdin.close()
            self.handle = self._popen.stdout

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else (
            self._popen.pid if self._popen else None)

    def deadline(self) -> float | None:
        return self.started + self.job.timeout if self.job.timeout else None

    def collect(self) -> BookOutcome:
        """The outcome, once :attr:`handle` is ready (data or end of file)."""
        outcome: BookOutcome | None = None
        try:
            if self._process is not None:
                outcome = self.handle.recv()
            else:
                data = self.handle.read()
                outcome = pickle.loads(data) if data else None
        except (EOFError, OSError, pickle.UnpicklingError):
            outcome = None
        code = self._reap()
        if outcome is None:
            outcome = failed(self.job.id, self._death_message(code), KIND_LOST)
        self._cleanup()
        outcome.attempts = self.job.attempt
        outcome.seconds = time.monotonic() - self.started if not outcome.seconds else outcome.seconds
        return outcome

    def expire(self) -> BookOutcome:
        """Kill the process for overrunning its time limit."""
        self.kill()
        self._cleanup()
        outcome = failed(self.job.id, f"stopped after the time limit of {self.job.timeout:g} s "
                         f"(raise --timeout)", KIND_TIMEOUT)
        outcome.attempts = self.job.attempt
        outcome.seconds = time.monotonic() - self.started
        return outcome

    def kill(self) -> None:
        """Stop the process now (SIGKILL: a build has nothing to save)."""
        with contextlib.suppress(Exception):
            if self._process is not None:
                self._process.kill()
            elif self._popen is not None:
                self._popen.kill()
        self._reap()
        self._cleanup()

    def _reap(self) -> int | None:
        if self._process is not None:
            self._process.join(5)
            return self._process.exitcode
        if self._popen is not None:
            try:
                return self._popen.wait(5)
            except subprocess.TimeoutExpired:
                self._popen.kill()
                return self._popen.wait()
        return None

    def _death_message(self, code: int | None) -> str:
        if code is not None and code < 0:
            how = f"was killed ({_signal_name(-code)})"
            if -code == signal.SIGKILL:
                how += ", perhaps for lack of memory"
        else:
            how = f"ended with status {code}" if code is not None else "vanished"
        message = f"the process building the book {how}"
        tail = self._stderr_tail()
        return f"{message}; its last output: {tail}" if tail else message

    def _stderr_tail(self) -> str:
        try:
            with open(self._stderr, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                handle.seek(max(0, handle.tell() - _STDERR_TAIL))
                text = handle.read().decode("utf-8", "replace")
        except OSError:
            return ""
        return " ".join(text.split())[-_STDERR_TAIL:]

    def _cleanup(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._stderr)
        with contextlib.suppress(Exception):
            self.handle.close()


def run_isolated(job: BookJob, *, tries: int = 2,
                 should_stop: Callable[[], bool] | None = None) -> BookOutcome:
    """Build ``job`` in a child process, waiting for it; a lost process is
    tried again, up to ``tries`` times in all.  ``should_stop`` is asked
    every second: True kills the build (the run was stopped)."""
    outcome: BookOutcome | None = None
    for attempt in range(job.attempt, job.attempt + tries):
        run = ChildRun(_with_attempt(job, attempt))
        try:
            outcome = _await(run, should_stop)
        except BaseException:
            run.kill()
            raise
        if not outcome.lost:
            return outcome
    assert outcome is not None
    return outcome


def _await(run: ChildRun, should_stop: Callable[[], bool] | None) -> BookOutcome:
    deadline = run.deadline()
    while True:
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        step = left if should_stop is None else min(_STOP_POLL, left if left is not None else _STOP_POLL)
        if wait([run.handle], step):
            return run.collect()
        if deadline is not None and time.monotonic() >= deadline:
            return run.expire()
        if should_stop is not None and should_stop():
            run.kill()
            return failed(run.job.id, "stopped: the run was interrupted", KIND_STOPPED)


def _with_attempt(job: BookJob, attempt: int) -> BookJob:
    from dataclasses import replace

    return job if job.attempt == attempt else replace(job, attempt=attempt)
