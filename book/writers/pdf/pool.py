"""Worker processes, and the order the chunks of one or more editions are laid out in.

A worker is a fresh Python interpreter (``python -m
book.writers.pdf.pool``, talking over two pipes): its memory is its own,
nothing of this process's state leaks in, and unlike multiprocessing's
``spawn`` it never re-runs the caller's main script.  It receives a :class:`~book.writers.pdf.worker.ChunkJob`, tells
when the chunk is paginated, waits for the chunk's offsets when they were
not known at dispatch, and sends back the written chunk.

The scheduler gives out chunks in book order, the editions interleaved
(print 1, screen 1, print 2...), so the print and screen layouts of
``--format all`` run at the same time.  A chunk waits for its offsets only
on chunks before it, which were given out earlier and never wait on a later
one: the lowest chunk in progress always moves, so the pool cannot
deadlock.  What a chunk may do and when is the edition's business
(:class:`Edition` in chunked.py); this module only moves messages.

A worker ignores Ctrl-C (the build stops it) and exits when this process
dies, even by SIGKILL: a thread watches the parent's pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Protocol

from ...errors import RenderError
from .worker import ChunkJob, ChunkResult, Offsets, Paginated


class Edition(Protocol):
    """What the scheduler asks of one edition's chunked layout (chunked.py)."""

    done: bool

    def next_job(self) -> tuple[ChunkJob, Offsets | None] | None: ...
    def offsets(self, index: int) -> Offsets | None: ...
    def paginated(self, index: int, result: Paginated) -> None: ...
    def finished(self, result: ChunkResult) -> None: ...
    def page_done(self, index: int, page: int) -> None: ...


class LayoutWorkerError(RenderError):
    """A worker failed on a chunk (a bug, not a problem of the manuscript)."""


# ------------------------------------------------------------- the worker

def _watch_parent(parent: int) -> None:
    while True:
        if os.getppid() != parent:
            os._exit(1)
        time.sleep(0.5)


def worker_main(conn: Connection | _Duplex, parent: int) -> None:
    """A worker's loop: jobs in, paginations and chunks out."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    from ...collector import settle_layout_worker
    from .job import prepare_process
    from .worker import install_margin_hook, lay_out_chunk

    prepare_process()
    install_margin_hook()
    settle_layout_worker()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] != "job":
            _leave()
        _, job, known = message
        try:
            result = lay_out_chunk(job, _offsets_from(conn, job, known), _page_reporter(conn, job))
            conn.send(("done", result))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which decides
            detail = "".join(traceback.format_exception(exc))
            conn.send(("error", job.edition, job.index, type(exc).__name__, str(exc), detail))


def _leave() -> None:
    """Exit at once when told to stop: everything was sent, and tearing
    down an interpreter that holds WeasyPrint's caches and a laid-out
    chunk (freeing every object one by one) would only keep the build
    waiting."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def _offsets_from(conn: Connection, job: ChunkJob, known: Offsets | None) -> Callable[[Paginated], Offsets]:
    def get(paginated: Paginated) -> Offsets:
        conn.send(("paginated", job.edition, job.index, paginated))
        if known is not None:
            return known
        reply = conn.recv()
        if reply[0] != "offsets":
            raise SystemExit(1)
        return reply[1]
    return get


def _page_reporter(conn: Connection, job: ChunkJob) -> Callable[[int], None]:
    last = [0.0]

    def report(page: int) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.25:
            last[0] = now
            conn.send(("page", job.edition, job.index, page))
    return report


# --------------------------------------------------------------- the pool

def _package_root() -> str:
    """The folder holding the ``book`` package, for the worker's import path."""
    return str(Path(__file__).resolve().parents[3])


class _Worker:
    def __init__(self) -> None:
        to_child_read, to_child_write = os.pipe()
        from_child_read, from_child_write = os.pipe()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [_package_root(), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [sys.executable, "-P", "-m", "book.writers.pdf.pool", str(to_child_read),
             str(from_child_write), str(os.getpid())],
            pass_fds=(to_child_read, from_child_write), env=env, stdin=subprocess.DEVNULL,
            close_fds=True)
        os.close(to_child_read)
        os.close(from_child_write)
        self.conn = _Duplex(Connection(from_child_read, writable=False),
                            Connection(to_child_write, readable=False))
        self.busy: tuple[str, int] | None = None
        #: A job was given: the worker is stopped politely, not killed.
        self.used = False
        #: Paginated, and waiting for its offsets.
        self.waiting = False
        #: The offsets went with the job: the worker will not wait for them.
        self.known = False
        #: Told to stop (or killed): nothing more is sent to it.
        self.released = False

    def alive(self) -> bool:
        return self.process.poll() is None


class _Duplex:
    """Two one-way connections used as one (reads from the first)."""

    def __init__(self, reader: Connection, writer: Connection) -> None:
        self.reader, self.writer = reader, writer

    def send(self, obj: object) -> None:
        self.writer.send(obj)

    def recv(self) -> object:
        return self.reader.recv()

    def fileno(self) -> int:
        return self.reader.fileno()

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


class LayoutPool:
    """``jobs`` worker processes, started at once (more with :meth:`grow`)
    and stopped on :meth:`close`."""

    def __init__(self, jobs: int) -> None:
        self.workers: list[_Worker] = []
        self.grow(jobs)

    def grow(self, jobs: int) -> None:
        """Start workers until there are ``jobs`` of them (released ones
        not counted: they take no more jobs)."""
        try:
            while sum(not w.released for w in self.workers) < max(1, jobs):
                self.workers.append(_Worker())
        except BaseException:
            self.close()
            raise

    def release(self) -> None:
        """Let the workers go without waiting for them: the ones given jobs
        are told to stop and exit while this process joins their pages
        (an interpreter with WeasyPrint takes a moment to tear down); the
        others are killed.  :meth:`close` then finds them gone."""
        for worker in self.workers:
            if worker.released:
                continue
            worker.released = True
            if not worker.used:
                # Never given a job (an early worker the cache made idle):
                # nothing to finish, and it may still be loading WeasyPrint.
                worker.process.kill()
                continue
            try:
                worker.conn.send(("stop",))
            except OSError:
                pass

    def close(self) -> None:
        """Stop every worker (:meth:`release`) and wait for it; one still
        busy after two seconds is killed."""
        self.release()
        deadline = time.monotonic() + 2
        for worker in self.workers:
            try:
                worker.process.wait(max(0.01, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                worker.process.kill()
                worker.process.wait()
            worker.conn.close()

    def __enter__(self) -> LayoutPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, editions: dict[str, Edition]) -> None:
        """Lay out every edition's chunks to the end."""
        order = list(editions)
        while not all(editions[name].done for name in order):
            self._give_out(editions, order)
            self._answer_waiting(editions)
            busy = [w for w in self.workers if w.busy is not None]
            if not busy:
                if all(editions[name].done for name in order):
                    break
                raise RenderError("the chunked layout stalled (no chunk could be laid out)")
            for conn in wait([w.conn.reader for w in busy], timeout=5):
                worker = next(w for w in busy if w.conn.reader is conn)
                self._receive(worker, editions)
            for worker in busy:
                if not worker.alive() and worker.busy is not None:
                    raise LayoutWorkerError(f"a layout worker died (exit code "
                                            f"{worker.process.returncode}) on chunk {worker.busy[1]}")

    def _give_out(self, editions: dict[str, Edition], order: Sequence[str]) -> None:
        for worker in self.workers:
            if worker.busy is not None or worker.released:
                continue
            for name in order:
                edition = editions[name]
                job = None if edition.done else edition.next_job()
                if job is not None:
                    chunk_job, known = job
                    worker.conn.send(("job", chunk_job, known))
                    worker.used = True
                    worker.busy = (name, chunk_job.index)
                    worker.waiting = False
                    worker.known = known is not None
                    order = [*order[1:], order[0]]  # interleave the editions
                    break

    def _answer_waiting(self, editions: dict[str, Edition]) -> None:
        for worker in self.workers:
            if worker.busy is None or not worker.waiting:
                continue
            name, index = worker.busy
            offsets = editions[name].offsets(index)
            if offsets is not None:
                worker.conn.send(("offsets", offsets))
                worker.waiting = False

    def _receive(self, worker: _Worker, editions: dict[str, Edition]) -> None:
        try:
            message = worker.conn.recv()
        except (EOFError, OSError):
            raise LayoutWorkerError(f"a layout worker stopped (exit code {worker.process.poll()})") \
                from None
        kind = message[0]
        if kind == "page":
            editions[message[1]].page_done(message[2], message[3])
        elif kind == "paginated":
            _, name, index, paginated = message
            editions[name].paginated(index, paginated)
            worker.waiting = not worker.known
        elif kind == "done":
            result: ChunkResult = message[1]
            worker.busy = None
            worker.waiting = False
            editions[result.edition].finished(result)
        elif kind == "error":
            _, name, index, exc_type, text, detail = message
            worker.busy = None
            if exc_type == "RecursionError":
                raise RenderError("the document is nested too deeply to lay out")
            raise LayoutWorkerError(f"laying out chunk {index} of the {name} PDF failed: "
                                    f"{exc_type}: {text}\n{detail}")


def run_here(editions: dict[str, Edition]) -> None:
    """Lay out every edition's chunks one after another in this process."""
    from .job import prepare_process
    from .worker import lay_out_chunk

    prepare_process()
    order = list(editions)
    progress = True
    while progress:
        progress = False
        for name in order:
            edition = editions[name]
            job = None if edition.done else edition.next_job()
            if job is None:
                continue
            chunk_job, known = job

            def get_offsets(paginated: Paginated, _edition=edition, _job=chunk_job,
                            _known=known) -> Offsets:
                _edition.paginated(_job.index, paginated)
                offsets = _known or _edition.offsets(_job.index)
                if offsets is None:
                    raise RenderError("a chunk was laid out before the chunks it follows")
                return offsets

            result = lay_out_chunk(chunk_job, get_offsets,
                                   lambda page, _e=edition, _i=chunk_job.index: _e.page_done(_i, page))
            edition.finished(result)
            progress = True
    for name in order:
        if not editions[name].done:
            raise RenderError("the chunked layout stalled (no chunk could be laid out)")


if __name__ == "__main__":  # a worker: python -m book.writers.pdf.pool IN OUT PARENT
    worker_main(_Duplex(Connection(int(sys.argv[1]), writable=False),
                        Connection(int(sys.argv[2]), readable=False)), int(sys.argv[3]))
