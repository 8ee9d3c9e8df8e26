"""Building one book inside its own process (the worker side of a job).

:func:`execute` is one build through the public API (:func:`book.build`)
into a private temporary folder, whose files are then read back as bytes
(or, with a shared output folder, built straight into the book's folder
there, atomically as ``make-book build`` writes).  :func:`child_main` wraps
it with what a process of its own allows: the memory limit
(``RLIMIT_AS``), Ctrl-C left to the parent, C libraries' messages kept
for a crash report, and an exit as soon as the parent is gone (no orphan
builds a book nobody will collect).

Run as ``python -m book.catalog.child`` it reads a pickled job on stdin and
writes the pickled outcome on stdout: the way in for Dask workers that may
not start children through :mod:`multiprocessing` (daemonic processes).
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

from .. import __version__
from ..build import build
from ..context import BuildOptions
from ..diagnostics import Diagnostics
from ..errors import MakeBookError
from .entries import BookEntry
from .job import (BUILT, KIND_BOOK, KIND_INTERNAL, KIND_MEMORY, BookJob, BookOutcome, OutputFile,
                  failed)

#: At most this many warnings per book go into the report.
MAX_ITEMS = 500


def _pages(data: bytes) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return len(pdf.pages)
    except Exception:  # the page count is a figure for the report, never a failure
        return None


def _check(epub: Path) -> dict:
    """EPUBCheck, Ace and our lints on the built EPUB, summed up per tool."""
    from ..check import check_epub

    report = check_epub(epub)
    tools = {}
    for tool in report.tools:
        errors, warnings = report.count(tool.name)
        tools[tool.name] = {"status": tool.status, "version": tool.version, "errors": errors,
                            "warnings": warnings}
    worst = report.errors + report.warnings
    return {"passed": not report.failed, "tools": tools,
            "findings": [str(f) for f in worst[:MAX_ITEMS]]}


def _set_environment(job: BookJob) -> None:
    """The client's SOURCE_DATE_EPOCH (a build reads it from the environment)
    and working folder, whatever this process inherited."""
    if job.source_date_epoch is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = job.source_date_epoch
    os.chdir(job.cwd)


def execute(job: BookJob) -> BookOutcome:
    """Build ``job``'s book; every error becomes a failed outcome."""
    start = time.perf_counter()
    diagnostics = Diagnostics(strict=bool(job.settings.get("strict")))
    outcome = BookOutcome(job.id, BUILT, worker=socket.gethostname(), attempts=job.attempt)
    try:
        _build(job, diagnostics, outcome)
    except MakeBookError as exc:
        outcome = _failure(outcome, failed(job.id, str(exc), KIND_BOOK, exc.code))
    except Exception as exc:
        if isinstance(exc, MemoryError) or _near_memory_limit(job.memory_limit):
            limit = f" of {job.memory_limit / 2**30:.1f} GiB" if job.memory_limit else ""
            outcome = _failure(outcome, failed(
                job.id, f"the book needs more memory than the limit{limit} "
                f"(raise --memory-limit)", KIND_MEMORY))
        else:  # a bug in make_book: reported, never fatal to the run
            detail = " ".join(str(exc).split())[:300]
            outcome = _failure(outcome, failed(job.id, f"internal error: {type(exc).__name__}: "
                                               f"{detail} (please report it)", KIND_INTERNAL))
    outcome.warnings = [{"code": d.code, "message": " ".join(d.message.split()), "file": d.file,
                         "line": d.line, "hint": d.hint} for d in diagnostics.warnings[:MAX_ITEMS]]
    outcome.seconds = time.perf_counter() - start
    return outcome


def _build(job: BookJob, diagnostics: Diagnostics, outcome: BookOutcome) -> None:
    """The build itself, its outputs read back into ``outcome``."""
    if job.version != __version__:
        raise MakeBookError(f"this worker has make-book {__version__}, the client "
                            f"{job.version}: install the same version everywhere")
    _set_environment(job)
    settings = job.settings
    entry = BookEntry(job.id, [Path(p) for p in job.sources], dict(settings))
    with tempfile.TemporaryDirectory(prefix="make-book-catalog-") as temp:
        outdir = Path(job.write_to) if job.write_to else Path(temp)
        options = BuildOptions(formats=job.formats, outdir=outdir, name=settings.get("name"),
                               strict=bool(settings.get("strict")),
                               allow_remote=bool(settings.get("allow_remote")))
        result = build(job.sources, options, entry.overrides(), diagnostics)
        outcome.title = result.book.metadata.title or ""
        for fmt, path in result.outputs.items():
            data = path.read_bytes()
            outcome.outputs.append(OutputFile(fmt, path.name, len(data),
                                              hashlib.sha256(data).hexdigest(),
                                              None if job.write_to else data))
            if fmt == "pdf" or (fmt == "pdf-screen" and outcome.pages is None):
                outcome.pages = _pages(data)
        if job.check and "epub" in result.outputs:
            _lift_memory_limit()  # the book is built; the checkers have limits of their own
            outcome.check = _check(result.outputs["epub"])


def _near_memory_limit(limit: int | None) -> bool:
    """True when this process came close to its address-space limit: a C
    library that ran out reports it in its own words, not as MemoryError."""
    if not limit:
        return False
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024 >= 0.9 * limit
    except (OSError, ValueError):
        pass
    return False


def _failure(partial: BookOutcome, failure: BookOutcome) -> BookOutcome:
    failure.worker, failure.attempts, failure.title = partial.worker, partial.attempts, partial.title
    return failure


# ---------------------------------------------------------------- the process

def _watch_parent(parent: int) -> None:
    """Exit when the parent process is gone (killed, out of memory)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(3)


def _limit_memory(limit: int | None) -> None:
    """Limit the address space by the soft limit only, so that it can be
    lifted again for the checkers (Java and Chromium reserve far more
    address space than they use)."""
    if not limit:
        return
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _lift_memory_limit() -> None:
    try:
        import resource
    except ImportError:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def prepare_process(job: BookJob, stderr_path: str | None) -> None:
    """What a child does before building: limits, signals, logging, watchdog."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent stops the run and kills us
    if stderr_path:  # C libraries write to fd 2: keep it for the failure message
        handle = os.open(stderr_path, os.O_WRONLY | os.O_APPEND)
        os.dup2(handle, 2)
        os.close(handle)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    _limit_memory(job.memory_limit)


def child_main(job: BookJob, connection, stderr_path: str | None) -> None:
    """Entry point of a :mod:`multiprocessing` child: build, send the outcome."""
    prepare_process(job, stderr_path)
    connection.send(execute(job))
    connection.close()


def main() -> None:
    """``python -m book.catalog.child``: a job on stdin, its outcome on stdout."""
    job = pickle.load(sys.stdin.buffer)
    result_fd = os.dup(1)
    os.dup2(2, 1)  # nothing else may reach the channel the outcome travels on
    prepare_process(job, None)  # stderr is already the parent's log file
    outcome = execute(job)
    with os.fdopen(result_fd, "wb") as out:
        pickle.dump(outcome, out, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    main()
