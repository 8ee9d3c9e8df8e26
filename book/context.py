"""What every reader, pass and writer of one build can see."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .config import ProjectConfig
from .diagnostics import Diagnostics
from .errors import ConfigError, UsageError
from .fidelity.source import SourceText
from .sandbox import Sandbox

#: Output formats and the file each writes (``{name}`` is the book's slug).
FORMATS: dict[str, str] = {
    "epub": "{name}.epub",
    "pdf": "{name}.pdf",
    "pdf-screen": "{name}-screen.pdf",
    "cover": "{name}-cover.pdf",
    "kepub": "{name}.kepub.epub",
}
#: What ``--format all`` builds: the book itself (the cover wrap is asked for by name).
ALL_FORMATS = ("epub", "pdf", "pdf-screen", "kepub")


def parse_formats(value: str) -> tuple[str, ...]:
    """``"epub,pdf"`` or ``"all"`` → the formats, in a stable order."""
    wanted: set[str] = set()
    for token in value.replace(" ", "").lower().split(","):
        if not token:
            continue
        if token == "all":
            wanted.update(ALL_FORMATS)
        elif token in FORMATS:
            wanted.add(token)
        else:
            raise UsageError(f"unknown format {token!r} (choose from {', '.join(FORMATS)}, all)")
    if not wanted:
        raise UsageError("no output format given")
    return tuple(f for f in FORMATS if f in wanted)


@dataclass
class BuildOptions:
    """Run-level choices that are not part of the book itself."""

    formats: tuple[str, ...] = ("epub", "pdf")
    outdir: Path = Path("dist")
    name: str | None = None
    strict: bool = False
    allow_remote: bool = False
    debug: bool = False
    #: PDF layout: None lays each edition out as one WeasyPrint document in
    #: this process (the library default, which keeps the document for
    #: inspection); a number lays the book out in chunks with that many
    #: worker processes (the command line's ``--jobs``, default: the cores).
    jobs: int | None = None
    #: Reuse and fill the build cache (book/cache); the command line's
    #: default, off with ``--no-cache``.
    cache: bool = False
    #: Progress display (book/progress.py); None shows nothing.
    progress: Any = None
    #: Build even when the last build left every output up to date (the
    #: caller needs the layout: ``make-book proof``); stages still come
    #: from the cache.
    fresh: bool = False


def source_date_epoch() -> datetime | None:
    """SOURCE_DATE_EPOCH as an aware UTC datetime, when set.

    https://reproducible-builds.org/specs/source-date-epoch/
    """
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise ConfigError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds")
    return datetime.fromtimestamp(int(raw), tz=timezone.utc)


@dataclass
class BuildContext:
    """Configuration, sandbox, diagnostics and options of one build."""

    config: ProjectConfig
    sandbox: Sandbox
    diag: Diagnostics = field(default_factory=Diagnostics)
    options: BuildOptions = field(default_factory=BuildOptions)
    #: The moment recorded in the outputs (dcterms:modified, PDF dates):
    #: SOURCE_DATE_EPOCH, else the metadata date, else the newest source.
    build_time: datetime = field(default_factory=lambda: datetime(2000, 1, 1, tzinfo=timezone.utc))
    #: Source files read in this build (absolute paths), for build_time.
    source_paths: list[Path] = field(default_factory=list)
    #: What each reader saw of its source (by display name), and the text
    #: of each chapter as read (by chapter id, for chapters without a
    #: source span): the fidelity check's side of the comparison.
    source_texts: dict[str, SourceText] = field(default_factory=dict)
    read_snapshots: dict[str, list[tuple[int | None, str]]] = field(default_factory=dict)
    #: How many manuscript files the book has (a reader may treat a book of
    #: one file differently: its lone top heading is the book's title).
    source_count: int = 1

    #: The build cache's store (book/cache), when caching.
    cache: Any = None
    #: Work the load leaves until it is finished (book/build.py runs it
    #: after the fidelity check, beside the EPUB being written): the
    #: plain-text reader's record of the file for the next edit.
    after_load: list[Callable[[], None]] = field(default_factory=list)
    #: The PDF editions' layouts (book/writers/pdf/layout.py) by edition
    #: ("print", "screen"), once laid out.
    layouts: dict[str, Any] = field(default_factory=dict)
    #: Layout workers started before the book was read, when the whole book
    #: will be laid out in chunks (book/writers/pdf/chunked.py:start_early).
    workers: Any = None
    #: The model is the writer's to change: a forked child that writes one
    #: ebook and exits (book/beside.py) lets the EPUB writer take the
    #: chapters' trees as they are instead of copying them first.
    model_disposable: bool = False

    @property
    def language(self) -> str:
        return self.config.metadata.language or "und"

    def fix_build_time(self) -> None:
        """Choose the recorded time once the metadata is complete."""
        epoch = source_date_epoch()
        if epoch is not None:
            self.build_time = epoch
            return
        date = self.config.metadata.date
        if date:
            parts = [int(p) for p in date.split("-")] + [1, 1]
            self.build_time = datetime(parts[0], parts[1], parts[2], tzinfo=timezone.utc)
            return
        mtimes = [p.stat().st_mtime for p in self.source_paths if p.exists()]
        if mtimes:
            self.build_time = datetime.fromtimestamp(int(max(mtimes)), tz=timezone.utc)
