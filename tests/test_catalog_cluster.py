"""``make-book catalog --scheduler``: the same catalog on a real Dask cluster.

The test starts a ``dask scheduler`` and two ``dask worker`` processes on
127.0.0.1 (free ports, nothing else on the network), each in its own
process group, and stops them at the end (no process is left behind).
One worker may start child processes (``DASK_DISTRIBUTED__WORKER__DAEMON=False``,
as the README recommends) and one has Dask's defaults, so both ways a
worker builds a book are run.  The scheduler tries a book twice at most
(``allowed-failures = 1``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from book.catalog import CatalogOptions, run_catalog

from .catalog_books import (assert_complete, book_processes, kill, scheduler_address, wait_for,
                            write_library, write_markdown_book)
from .conftest import REPO


class Cluster:
    """A scheduler and two workers on loopback, stopped by :meth:`stop`."""

    def __init__(self, log_folder: Path) -> None:
        self.processes: list[subprocess.Popen] = []
        env = {**os.environ, "PYTHONPATH": str(REPO),
               "DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES": "1"}
        scheduler_file = log_folder / "scheduler.json"
        self._start([sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                     "--port", "0", "--scheduler-file", str(scheduler_file), "--no-dashboard"],
                    env, log_folder / "scheduler.log")
        self.address = scheduler_address(scheduler_file, self.processes[0])
        for name, daemon in (("forking", "False"), ("default", "True")):
            self._start([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                         "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard",
                         "--name", name, "--death-timeout", "60"],
                        {**env, "DASK_DISTRIBUTED__WORKER__DAEMON": daemon},
                        log_folder / f"worker-{name}.log")
        from distributed import Client

        with Client(self.address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)

    def _start(self, command: list[str], env: dict, log: Path) -> None:
        with open(log, "wb") as out:
            self.processes.append(subprocess.Popen(command, env=env, stdout=out,
                                                   stderr=subprocess.STDOUT,
                                                   start_new_session=True))

    @property
    def nannies(self) -> list[int]:
        return [p.pid for p in self.processes[1:]]

    def stop(self) -> None:
        """Stop every process of the cluster, children included."""
        everyone = []
        for process in self.processes:
            try:
                everyone += [process.pid] + [c.pid for c in
                                             psutil.Process(process.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                pass
        for process in reversed(self.processes):
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)
        for process in self.processes:  # whatever of each group outlived its leader
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        def left() -> list[int]:
            alive = []
            for pid in everyone:
                try:
                    if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                        alive.append(pid)
                except psutil.NoSuchProcess:
                    pass
            return alive

        try:
            wait_for(lambda: not left(), 15, "the cluster's processes to end")
        except AssertionError:
            raise AssertionError(f"processes left behind: {left()}") from None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    cluster = Cluster(tmp_path_factory.mktemp("dask-logs"))
    try:
        yield cluster
    finally:
        cluster.stop()


def test_cluster_gives_the_bytes_of_the_local_pool(cluster, corpus, tmp_path, monkeypatch) -> None:
    # SOURCE_DATE_EPOCH is the client's: the workers' environment never had it.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    catalog = write_library(tmp_path / "library", corpus)
    local = run_catalog(catalog, CatalogOptions(outdir=tmp_path / "local", jobs=2))
    assert [b.status for b in local.books] == ["built"] * 8
    remote = run_catalog(catalog, CatalogOptions(outdir=tmp_path / "dask",
                                                 scheduler=cluster.address))
    assert [b.status for b in remote.books] == ["built"] * 8, [b.error for b in remote.books]
    assert {b.worker for b in remote.books} == {w for w in _worker_addresses(cluster)}
    for book in local.books:
        mine = {p.name: p.read_bytes() for p in (tmp_path / "local" / book.id).iterdir()}
        theirs = {p.name: p.read_bytes() for p in (tmp_path / "dask" / book.id).iterdir()}
        assert mine == theirs, book.id
    assert [b.warnings for b in local.books] == [b.warnings for b in remote.books]
    again = run_catalog(catalog, CatalogOptions(outdir=tmp_path / "dask", scheduler=cluster.address))
    assert [b.status for b in again.books] == ["skipped"] * 8
    assert_complete(tmp_path / "dask")


def _worker_addresses(cluster) -> set[str]:
    from distributed import Client

    with Client(cluster.address, timeout="30s") as client:
        return set(client.scheduler_info()["workers"])


def test_a_lost_worker_is_replaced_and_the_book_built_once(cluster, tmp_path) -> None:
    catalog = tmp_path / "shelf"
    write_markdown_book(catalog / "long", "Long", chapters=6, paragraphs=12)
    outdir = tmp_path / "out"
    outcome: dict = {}

    def run() -> None:
        outcome["result"] = run_catalog(catalog, CatalogOptions(
            outdir=outdir, scheduler=cluster.address, formats=("epub", "pdf")))

    thread = threading.Thread(target=run)
    thread.start()

    def building_worker():
        for nanny in cluster.nannies:
            for worker in psutil.Process(nanny).children():
                if book_processes(worker.pid):
                    return worker
        return None

    worker = wait_for(building_worker, 120, "a worker building the book")
    orphans = book_processes(worker.pid)
    kill(worker)  # the worker process itself, as the kernel's OOM killer would
    wait_for(lambda: not any(p.is_running() and p.status() != psutil.STATUS_ZOMBIE
                             for p in orphans), 30, "the lost worker's book process to end")
    thread.join(600)
    result = outcome["result"]
    (book,) = result.books
    assert book.status == "built" and book.attempts == 2, book
    assert sorted(p.name for p in (outdir / "long").iterdir()) == ["long.epub", "long.pdf"]
    assert_complete(outdir)
    wait_for(lambda: len(_worker_addresses(cluster)) == 2, 120, "the worker to come back")


def test_workers_write_into_a_shared_output_folder(cluster, tmp_path) -> None:
    catalog = tmp_path / "shelf"
    for name in ("one", "two"):
        write_markdown_book(catalog / name, name.title())
    options = CatalogOptions(outdir=tmp_path / "out", scheduler=cluster.address, formats=("epub",),
                             shared_outdir=True)
    result = run_catalog(catalog, options)
    assert [b.status for b in result.books] == ["built", "built"]
    local = run_catalog(catalog, CatalogOptions(outdir=tmp_path / "local", jobs=1,
                                                formats=("epub",)))
    for book in local.books:
        assert ((tmp_path / "out" / book.id / f"{book.id}.epub").read_bytes()
                == (tmp_path / "local" / book.id / f"{book.id}.epub").read_bytes())
    assert [b.status for b in run_catalog(catalog, options).books] == ["skipped", "skipped"]


def test_ctrl_c_stops_the_builds_on_the_workers(cluster, tmp_path) -> None:
    catalog = tmp_path / "shelf"
    for name in ("a", "b", "c"):  # each takes far longer to build than the 5 s allowed below
        write_markdown_book(catalog / name, name.upper(), chapters=30, paragraphs=30)
    process = subprocess.Popen(
        [sys.executable, "-m", "make_book", "catalog", str(catalog), "-o", str(tmp_path / "out"),
         "--scheduler", cluster.address], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)

    def building() -> list:
        return [p for nanny in cluster.nannies for p in book_processes(nanny)]

    wait_for(building, 120, "books building on the workers")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    wait_for(lambda: not building(), 5, "the workers to stop building")
    assert_complete(tmp_path / "out")


@pytest.mark.filterwarnings("ignore:Port 8787 is already in use")
def test_scheduler_local_starts_and_stops_a_local_cluster(tmp_path) -> None:
    catalog = tmp_path / "shelf"
    for name in ("one", "two"):
        write_markdown_book(catalog / name, name.title())
    def ours() -> set[int]:  # multiprocessing's helpers live as long as this process
        return {c.pid for c in psutil.Process().children(recursive=True)
                if c.status() != psutil.STATUS_ZOMBIE
                and not any(h in " ".join(c.cmdline()) for h in ("resource_tracker", "forkserver"))}

    before = ours()
    result = run_catalog(catalog, CatalogOptions(outdir=tmp_path / "out", scheduler="local",
                                                 jobs=1, formats=("epub",)))
    assert [b.status for b in result.books] == ["built", "built"]
    assert result.backend.startswith("Dask LocalCluster of 1 worker")
    assert {b.worker for b in result.books} != {""}
    wait_for(lambda: ours() <= before, 30, "the LocalCluster's processes to end")
