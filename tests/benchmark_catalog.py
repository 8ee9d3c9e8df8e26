"""Benchmark of ``make-book catalog`` (not a test): ``python tests/benchmark.py catalog``.

Twenty books (five small corpus books listed by path, fifteen made-up
Markdown books of 8 to 20 chapters), EPUB and print PDF each, built with
``--force``:

* on the local pool with 1 and with 2 worker processes;
* on a Dask cluster on loopback (a ``dask scheduler`` and two ``dask
  worker`` processes of one thread, started here and stopped at the end).

For each it prints the wall time, the throughput (books per minute), the
speed-up over one local worker, and the overhead per book: the time the
workers spent on a book beyond its own build (``workers × wall − Σ build
seconds``, over the number of books: starting processes, moving bytes,
writing files, the manifest), beside the targets (≥ 1.8× with two workers,
≤ 0.3 s overhead).  Figures on a busy machine are noisy: compare them with
the machine's load, printed first.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("MAKE_BOOK_CORPUS", REPO.parent / "shared" / "corpus")).resolve()
CORPUS_BOOKS = ("seed-pl-article.txt", "html-en-doyle-a-scandal-in-bohemia.xhtml",
                "md-en-krewinkel-winkler-formatting-open-science.md", "md-en-markdown-guide",
                "docx-en-docx4j-getting-started.docx")
GENERATED = int(os.environ.get("BENCH_GENERATED", "15"))


def _catalog(root: Path) -> Path:
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from catalog_books import write_markdown_book

    lines = ['[defaults]', 'formats = ["epub", "pdf"]', '']
    for number in range(GENERATED):
        folder = write_markdown_book(root / f"gen-{number:02d}", f"Generated {number}",
                                     chapters=8 + number % 13, paragraphs=6)
        lines += ['[[book]]', f'sources = "{folder.name}"', '']
    for name in CORPUS_BOOKS:
        lines += ['[[book]]', f'id = "{Path(name).stem}"', f'sources = ["{CORPUS / name}"]', '']
    path = root / "catalog.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _run(catalog: Path, outdir: Path, **options) -> tuple[float, float, int]:
    """(wall seconds, Σ build seconds, books built)."""
    from book.catalog import CatalogOptions, run_catalog

    start = time.perf_counter()
    result = run_catalog(catalog, CatalogOptions(outdir=outdir, force=True, **options))
    wall = time.perf_counter() - start
    failed = [b for b in result.books if b.status != "built"]
    if failed:
        raise SystemExit(f"benchmark: {failed[0].id} failed: {failed[0].error}")
    return wall, sum(b.seconds for b in result.books), len(result.books)


class _Cluster:
    def __init__(self, workers: int) -> None:
        env = {**os.environ, "PYTHONPATH": str(REPO),
               "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1",
               "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL,
                 "start_new_session": True, "env": env}
        sys.path[:0] = [str(REPO / "tests")]
        from catalog_books import scheduler_address

        scheduler_file = Path(tempfile.mkdtemp()) / "scheduler.json"
        self.processes = [subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
             "--port", "0", "--scheduler-file", str(scheduler_file), "--no-dashboard"], **quiet)]
        self.address = scheduler_address(scheduler_file, self.processes[0])
        self.processes += [subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", self.address, "--host",
             "127.0.0.1", "--nthreads", "1", "--no-dashboard"], **quiet) for _ in range(workers)]
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(workers, timeout=120)

    def stop(self) -> None:
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    sys.path[:0] = [str(REPO)]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores; {GENERATED + len(CORPUS_BOOKS)} books, EPUB + print PDF")
    root = Path(tempfile.mkdtemp(prefix="make-book-bench-catalog-"))
    try:
        catalog = _catalog(root / "books")
        print(f"{'run':<26}{'wall s':>8}{'books/min':>11}{'speed-up':>10}{'Σ build s':>11}"
              f"{'overhead s/book':>17}", flush=True)
        base: list[float] = []

        def show(label: str, workers: int, wall: float, build_seconds: float, count: int) -> None:
            rate = count / wall
            base.append(base[0] if base else rate)
            overhead = (workers * wall - build_seconds) / count
            print(f"{label:<26}{wall:>8.1f}{rate * 60:>11.1f}{rate / base[0]:>9.2f}×"
                  f"{build_seconds:>11.1f}{overhead:>17.2f}", flush=True)

        for label, workers, options in (("local, 1 worker", 1, {"jobs": 1}),
                                        ("local, 2 workers", 2, {"jobs": 2})):
            show(label, workers, *_run(catalog, root / f"out-{workers}", **options))
        cluster = _Cluster(2)
        try:
            show("Dask loopback, 2 workers", 2,
                 *_run(catalog, root / "out-dask", scheduler=cluster.address))
        finally:
            cluster.stop()
        print("targets: speed-up ≥ 1.80× with 2 workers; overhead ≤ 0.30 s per book")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
