"""Issue 12: layout workers started while the book is read (book/writers/pdf).

A build that will lay the whole book out starts every worker early; a
build whose cache holds layouts (an edit) starts one, for the chunk the
edit changed, and more only when more chunks need them; a worker never
given a job is killed at once, so an early start never delays the end of
a build whose layout all came from the cache.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from book.cache import Store
from book.context import BuildOptions
from book.writers.pdf.chunked import PAGINATION_STAGE, start_early


def _stopped(pool) -> bool:
    return all(worker.process.poll() is not None for worker in pool.workers)


def test_a_fresh_layout_starts_every_worker(tmp_path):
    pool = start_early(BuildOptions(formats=("pdf",), jobs=2), Store(tmp_path / "c"))
    try:
        assert len(pool.workers) == 2
    finally:
        pool.close()
    assert _stopped(pool)


def test_an_incremental_build_starts_one_worker_and_grows_on_demand(tmp_path):
    store = Store(tmp_path / "c")
    store.put(PAGINATION_STAGE, "some chunk", b'{"pages": 3, "anchors": {}}')
    pool = start_early(BuildOptions(formats=("pdf", "epub"), jobs=2), store)
    try:
        assert len(pool.workers) == 1
        pool.grow(2)
        pool.grow(1)  # never shrinks
        assert len(pool.workers) == 2
    finally:
        pool.close()
    assert _stopped(pool)


def test_an_unused_worker_is_killed_at_once(tmp_path):
    store = Store(tmp_path / "c")
    store.put(PAGINATION_STAGE, "some chunk", b'{"pages": 3, "anchors": {}}')
    pool = start_early(BuildOptions(formats=("pdf",), jobs=4), store)
    started = time.monotonic()
    pool.close()  # while it still loads WeasyPrint
    assert time.monotonic() - started < 1.0
    assert _stopped(pool)


def test_no_pdf_or_one_job_starts_nothing(tmp_path):
    store = Store(tmp_path / "c")
    assert start_early(BuildOptions(formats=("epub",), jobs=2), store) is None
    assert start_early(BuildOptions(formats=("pdf",), jobs=1), store) is None


def test_a_released_worker_exits_on_its_own_and_is_replaced_when_needed():
    """After the layout the workers are told to stop and exit while the
    pages are joined: closing the pool then waits for nothing."""
    from book.writers.pdf.pool import LayoutPool

    pool = LayoutPool(1)
    worker = pool.workers[0]
    try:
        worker.used = True  # as if it had laid out a chunk
        pool.release()
        pool.release()  # once is enough; a second call sends nothing
        assert worker.process.wait(timeout=60) == 0
        pool.grow(1)  # a released worker takes no more jobs: a new one starts
        assert len(pool.workers) == 2 and not pool.workers[1].released
    finally:
        started = time.monotonic()
        pool.close()
    assert time.monotonic() - started < 1.0
    assert _stopped(pool)


def test_the_build_process_plans_and_joins_without_importing_weasyprint_first():
    """Only the layout workers lay out: the build process imports the
    chunked layout, plans and starts workers without WeasyPrint (half a
    second before the reading could start) and without ctypes' library
    search; it loads WeasyPrint's outline builder only while it waits."""
    probe = ("import sys, make_book, book.build, book.writers.pdf.chunked, book.writers.pdf.pool\n"
             "print(sorted(m for m in ('weasyprint', 'ctypes.util') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True, cwd=Path(__file__).resolve().parents[1])
    assert done.stdout.strip() == "[]", done.stderr
