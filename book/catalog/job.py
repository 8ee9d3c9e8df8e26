"""What travels between the client and a worker: a job in, an outcome back.

Both are plain picklable data, so the same job runs in a child process of
the local pool or in a Dask worker on another machine.  An outcome carries
the outputs' bytes (workers need no shared file system) unless the worker
wrote them into a shared output folder itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .inputs import Bundle

#: Outcome statuses a worker reports (the run adds "skipped" and "not built").
BUILT, FAILED = "built", "failed"
#: Why a book failed: its input, its limits, a lost worker, or a bug.
KIND_BOOK, KIND_TIMEOUT, KIND_MEMORY, KIND_LOST, KIND_INTERNAL, KIND_STOPPED = (
    "book", "timeout", "memory", "lost", "internal", "stopped")


@dataclass
class BookJob:
    """Everything a worker needs to build one book."""

    id: str
    sources: list[str]
    settings: dict[str, Any]
    formats: tuple[str, ...]
    #: The client's make-book version: a worker with another refuses the book
    #: (the same inputs must give the same bytes everywhere).
    version: str
    #: The client's working folder: messages name files relative to it.
    cwd: str
    source_date_epoch: str | None = None
    check: bool = False
    timeout: float | None = None
    memory_limit: int | None = None
    #: Set when the worker writes the outputs itself (``--shared-outdir``).
    write_to: str | None = None
    #: The inputs as bytes, for a worker on another file system, and the
    #: book's folder on the client (the paths above are below it).
    bundle: Bundle | None = None
    root: str = ""
    #: A Dask Event the client sets when the run is stopped (Ctrl-C): the
    #: task then kills its build instead of finishing a book nobody collects.
    stop_event: str | None = None
    attempt: int = 1

    def relocated(self, root: Path, extras: dict[str, Path], cwd: Path) -> BookJob:
        """This job with its paths moved to where the bundle was unpacked."""
        original_root = Path(self.root)

        def move(path: str) -> str:
            if path in extras:
                return str(extras[path])
            try:
                return str(root / Path(path).relative_to(original_root))
            except ValueError:
                return path

        settings = dict(self.settings)
        if settings.get("cover"):
            settings["cover"] = move(settings["cover"])
        if settings.get("css"):
            settings["css"] = [move(p) for p in settings["css"]]
        return replace(self, sources=[move(p) for p in self.sources], settings=settings,
                       cwd=str(cwd), bundle=None)


@dataclass
class OutputFile:
    """One output of a book: its file name, size, hash and (usually) bytes."""

    format: str
    name: str
    size: int
    sha256: str
    data: bytes | None = None


@dataclass
class BookOutcome:
    """What became of one book in a worker."""

    id: str
    status: str
    seconds: float = 0.0
    title: str = ""
    outputs: list[OutputFile] = field(default_factory=list)
    pages: int | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    error_code: str = ""
    error_kind: str = ""
    check: dict[str, Any] | None = None
    worker: str = ""
    attempts: int = 1

    @property
    def lost(self) -> bool:
        """The process building the book died: worth one more try elsewhere."""
        return self.status == FAILED and self.error_kind == KIND_LOST


def failed(job_id: str, message: str, kind: str, code: str = "") -> BookOutcome:
    return BookOutcome(job_id, FAILED, error=" ".join(message.split()), error_code=code,
                       error_kind=kind)
