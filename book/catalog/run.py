"""One catalog run: read the catalog, skip what is built, build the rest.

:func:`run_catalog` is the library's entry point (``make-book catalog`` is a
thin layer over it).  In order:

1. read the catalog (:mod:`.parse`) and the output folder's manifest;
2. find and hash each book's inputs (:mod:`.inputs`); a book whose key
   matches the manifest and whose outputs are intact is *skipped*;
3. hand the other books to the backend, the local pool (:mod:`.local_pool`)
   or Dask (:mod:`.dask_backend`), as :class:`~book.catalog.job.BookJob`;
4. as each outcome arrives, write its outputs into ``OUTDIR/<book>/`` at
   once and atomically (book/atomic.py), remove the files an earlier build
   of it wrote under other names, then record it in the manifest;
5. at the end, or on Ctrl-C, save the manifest and write the reports.

A failing book is one row of the report, never the end of the run.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .. import __version__
from ..context import source_date_epoch
from ..errors import Interrupted, MakeBookError, OutputError, UsageError
from ..project import display_path
from .entries import BookEntry
from .inputs import BookInputs, InputScanner, bundle
from .job import BUILT as OUTCOME_BUILT
from .job import BookJob, BookOutcome
from .local_pool import LocalPool, auto_memory_limit, default_jobs
from .manifest import Manifest, book_key
from .parse import load_catalog
from .progress import Progress, duration
from .report import BUILT, FAILED, NOT_BUILT, SKIPPED, BookResult, CatalogResult
from .report_files import write_reports

#: A book still building after this long is stopped (seconds); a novel of
#: 2,000 pages takes minutes.
DEFAULT_TIMEOUT = 3600.0
#: The smallest memory limit that lets a build start at all (the address
#: space of a warm process with WeasyPrint and the language models).
MIN_MEMORY_LIMIT = 1 * 2**30


class CatalogInterrupted(Interrupted):
    """Ctrl-C (or SIGTERM) stopped the run; finished books are kept.

    :attr:`result` is the run so far (its reports are written)."""

    def __init__(self, message: str, result: CatalogResult) -> None:
        super().__init__(message)
        self.result = result


@dataclass
class CatalogOptions:
    """How to run a catalog (the options of ``make-book catalog``)."""

    outdir: Path
    #: Books built at once by the local pool (default: the number of cores);
    #: with ``scheduler="local"``, the number of Dask workers.
    jobs: int | None = None
    #: None: the local pool; ``"local"``: a Dask LocalCluster; else the
    #: address of a Dask scheduler (``tcp://host:8786``).
    scheduler: str | None = None
    #: Formats for every book, over the catalog's (``--format``).
    formats: tuple[str, ...] | None = None
    check: bool = False
    force: bool = False
    timeout: float | None = DEFAULT_TIMEOUT
    #: Bytes of address space per book; "auto": a share of the memory.
    memory_limit: int | str | None = "auto"
    #: Workers write into ``outdir`` themselves (it is shared with them).
    shared_outdir: bool = False


_UNITS = {"": 1, "b": 1, "k": 2**10, "kb": 10**3, "kib": 2**10, "m": 2**20, "mb": 10**6,
          "mib": 2**20, "g": 2**30, "gb": 10**9, "gib": 2**30, "t": 2**40, "tb": 10**12,
          "tib": 2**40}


def parse_memory_limit(text: str) -> int | str | None:
    """``"4GiB"``, ``"3.5G"``, ``"512MiB"`` → bytes; ``"auto"``; ``"0"``/``"none"`` → None."""
    value = text.strip().lower().replace(" ", "")
    if value == "auto":
        return "auto"
    if value in ("0", "none", "off"):
        return None
    number = value.rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = value[len(number):]
    try:
        amount = float(number)
    except ValueError:
        amount = -1.0
    if unit not in _UNITS or amount < 0:
        raise UsageError(f"--memory-limit {text!r} is not a size such as 4GiB, 512MiB or auto")
    return int(amount * _UNITS[unit])


def _check_options(options: CatalogOptions) -> None:
    if options.jobs is not None and options.jobs < 1:
        raise UsageError("--jobs must be 1 or more")
    if options.timeout is not None and options.timeout < 0:
        raise UsageError("--timeout must be a number of seconds (0: no limit)")
    limit = options.memory_limit
    if isinstance(limit, int) and limit and limit < MIN_MEMORY_LIMIT:
        raise UsageError("--memory-limit must be at least 1 GiB (0: no limit)")
    if options.shared_outdir and not options.scheduler:
        raise UsageError("--shared-outdir is for --scheduler: the local pool writes "
                         "the output folder itself")


def _backend(options: CatalogOptions, pack):
    if options.scheduler:
        from .dask_backend import DaskBackend

        return DaskBackend(options.scheduler, workers=options.jobs, pack=pack)
    return LocalPool(options.jobs or default_jobs())


class _Run:
    """The state of one run (kept out of :func:`run_catalog` for reading)."""

    def __init__(self, catalog_path: Path, options: CatalogOptions, progress: Progress) -> None:
        self.options = options
        self.progress = progress
        self.outdir = Path(os.path.abspath(options.outdir))
        self.cwd = Path.cwd()
        self.epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip() or None
        source_date_epoch()  # a malformed value is an error before anything is built
        forced = {"formats": list(options.formats)} if options.formats else {}
        self.catalog = load_catalog(catalog_path, forced)
        try:
            self.outdir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder: {exc.strerror}",
                              file=display_path(self.outdir)) from None
        self.manifest = Manifest.load(self.outdir)
        self.scanner = InputScanner([self.outdir], self.manifest.file_hashes)
        self.entries: dict[str, BookEntry] = {e.id: e for e in self.catalog.entries}
        self.results: dict[str, BookResult] = {}
        self.keys: dict[str, str] = {}
        self.inputs: dict[str, BookInputs] = {}
        self.early_failures: list[str] = []

    # ------------------------------------------------------------ planning

    def plan(self, first_job=None) -> list[BookJob]:
        """Hash every book; the jobs of those that must be built.
        ``first_job()`` is called as soon as one book needs building (the
        workers then warm up while the rest of the catalog is hashed)."""
        jobs = []
        for entry in self.catalog.entries:
            source = str(entry.where)
            try:
                inputs = self.scanner.inputs(entry)
                self._check_apart(entry, inputs)
                key = book_key(entry.settings, entry.formats, self.scanner.fingerprint(inputs),
                               self.epoch)
            except MakeBookError as exc:
                self._finish(BookResult(entry.id, FAILED, source, error=str(exc),
                                        error_code=exc.code, error_kind="book"))
                continue
            except OSError as exc:
                self._finish(BookResult(entry.id, FAILED, source, error_kind="book",
                                        error=f"{exc.filename}: cannot read: {exc.strerror}"))
                continue
            folder = self.outdir / entry.id
            if not self.options.force and self.manifest.unchanged(
                    entry.id, key, folder, need_check=self.options.check):
                self.results[entry.id] = self._skipped(entry)
                continue
            self.results[entry.id] = BookResult(entry.id, NOT_BUILT, source)
            self.keys[entry.id] = key
            self.inputs[entry.id] = inputs
            jobs.append(self._job(entry, inputs))
            if first_job is not None and len(jobs) == 1:
                first_job()
        self.manifest.file_hashes = {path: self.scanner.hash_cache[path]
                                     for path in self.scanner.hashed}
        # The biggest books first: a long book started last would keep one
        # worker busy while the others have nothing left to do.
        jobs.sort(key=lambda job: -self.scanner.size(self.inputs[job.id]))
        return jobs

    def _check_apart(self, entry: BookEntry, inputs: BookInputs) -> None:
        folder = Path(os.path.realpath(self.outdir / entry.id))
        if folder == inputs.root or folder in inputs.root.parents:
            raise UsageError(f"book {entry.id!r} would be written into its own folder",
                             hint="choose an output folder outside the catalog's books")

    def _skipped(self, entry: BookEntry) -> BookResult:
        record = self.manifest.record(entry.id) or {}
        return BookResult(entry.id, SKIPPED, str(entry.where), title=record.get("title", ""),
                          attempts=0, pages=record.get("pages"), outputs=[
                              {k: o[k] for k in ("format", "name", "size", "sha256")}
                              for o in record.get("outputs", [])],
                          warnings=record.get("warnings", []), check=record.get("check"),
                          worker=record.get("worker", ""))

    def _job(self, entry: BookEntry, inputs: BookInputs) -> BookJob:
        options = self.options
        limit: Any = options.memory_limit
        if limit == "auto" and not options.scheduler:
            limit = auto_memory_limit(options.jobs or default_jobs())
        settings = {k: (str(v) if isinstance(v, Path) else [str(p) for p in v]
                        if k == "css" else v) for k, v in entry.settings.items()}
        return BookJob(entry.id, [str(p) for p in entry.sources], settings, entry.formats,
                       __version__, str(self.cwd), self.epoch, options.check,
                       options.timeout or None, limit or None,
                       str(self.outdir / entry.id) if options.shared_outdir else None,
                       root=str(inputs.root))

    def pack(self, job: BookJob) -> BookJob:
        """The job with its inputs as bytes, for a worker elsewhere."""
        inputs = self.inputs[job.id]
        real = os.path.realpath
        settings = dict(job.settings)
        if settings.get("cover"):
            settings["cover"] = real(settings["cover"])
        if settings.get("css"):
            settings["css"] = [real(p) for p in settings["css"]]
        return replace(job, sources=[real(p) for p in job.sources], settings=settings,
                       bundle=bundle(inputs, self.cwd))

    # ------------------------------------------------------------ outcomes

    def done(self, outcome: BookOutcome) -> None:
        """Store a finished book's outputs, then record it."""
        entry = self.entries[outcome.id]
        result = BookResult(outcome.id, BUILT if outcome.status == OUTCOME_BUILT else FAILED,
                            str(entry.where), title=outcome.title, seconds=outcome.seconds,
                            attempts=outcome.attempts, pages=outcome.pages,
                            warnings=outcome.warnings, error=outcome.error,
                            error_code=outcome.error_code, error_kind=outcome.error_kind,
                            check=outcome.check, worker=outcome.worker)
        interrupted: Interrupted | None = None
        if result.status == BUILT:
            try:
                self._store(outcome)
            except Interrupted as exc:  # the files are all in place: record them, then stop
                interrupted = exc
            except OutputError as exc:
                result.status, result.error, result.error_code = FAILED, str(exc), exc.code
                result.error_kind = "output"
        if result.status == BUILT:
            result.outputs = [{"format": o.format, "name": o.name, "size": o.size,
                               "sha256": o.sha256} for o in outcome.outputs]
            self.manifest.built(outcome.id, self.keys[outcome.id], self.outdir / outcome.id,
                                outcome.outputs, result.figures())
        else:
            self.manifest.failed(outcome.id, result.figures())
        self._finish(result)
        self.manifest.save()
        if interrupted is not None:
            raise interrupted

    def _store(self, outcome: BookOutcome) -> None:
        from ..atomic import commit

        folder = self.outdir / outcome.id
        previous = (self.manifest.record(outcome.id) or {}).get("outputs", [])
        if not self.options.shared_outdir:
            commit({folder / o.name: o.data or b"" for o in outcome.outputs})
        names = {o.name for o in outcome.outputs}
        for old in previous:  # an earlier build's files under another name (a new title)
            if old["name"] not in names and "/" not in old["name"]:
                try:
                    (folder / old["name"]).unlink()
                except OSError:
                    pass

    def _finish(self, result: BookResult) -> None:
        self.results[result.id] = result
        if result.status == BUILT:
            sizes = ", ".join(f"{o['format']} {o['size'] / 1024:,.0f} KiB" for o in result.outputs)
            counts = result.warning_counts
            warned = (f"; {len(result.warnings)} warnings ("
                      + ", ".join(f"{c} x{n}" for c, n in counts.items()) + ")") if counts else ""
            tries = f" on the {result.attempts}nd try" if result.attempts == 2 else ""
            checked = "; checks failed" if result.check_failed else ""
            summary = f"built {result.id} in {result.seconds:.1f} s{tries}: {sizes}{warned}{checked}"
        else:
            summary = f"FAILED {result.id}: {result.error}"
        if result.id in self.keys:
            self.progress.finished(result.id, result.status == BUILT, summary)
        else:  # failed before any build: told once the run's first line is out
            self.early_failures.append(summary)


def run_catalog(catalog_path: Path, options: CatalogOptions,
                progress: Progress | None = None) -> CatalogResult:
    """Build every book of the catalog at ``catalog_path`` into ``options.outdir``.

    Raises :class:`CatalogInterrupted` on Ctrl-C (finished books and the
    reports are written), and :class:`~book.errors.MakeBookError` when the
    catalog itself cannot be read.  A book that fails is in the result.
    """
    progress = progress or Progress()
    _check_options(options)
    began = time.monotonic()
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    run = _Run(catalog_path, options, progress)
    backend = _backend(options, run.pack)
    interrupted = False
    try:
        jobs = run.plan(first_job=backend.warm)
        skipped = sum(r.status == SKIPPED for r in run.results.values())
        progress.begin(len(run.catalog.entries), len(jobs), skipped, backend.description)
        notes = list(run.catalog.skipped) + backend.notes()
        for note in notes + run.early_failures:
            progress.note(note)
        try:
            backend.run(jobs, run.done, progress)
        except KeyboardInterrupt:
            interrupted = True
        except Interrupted:
            interrupted = True
    finally:
        backend.close()
    books = [run.results.get(e.id) or BookResult(e.id, NOT_BUILT, str(e.where))
             for e in run.catalog.entries]
    result = CatalogResult(run.catalog.origin, str(options.outdir), backend.description,
                           started, time.monotonic() - began, books, interrupted, options.check,
                           notes)
    run.manifest.save(force=True)
    write_reports(result, run.outdir)
    progress.end(result.summary())
    if interrupted:
        left = result.counts()[NOT_BUILT]
        raise CatalogInterrupted(f"interrupted after {duration(result.seconds)}: finished books "
                                 f"are kept, {left} not built; run the same command again to "
                                 f"build them", result)
    return result
