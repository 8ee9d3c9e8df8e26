"""Build, watch, rebuild: the preview's loop.

Each round reads the book once, as ``make-book build`` does for its default
formats, through the build cache (book/cache: an edit runs the passes of
the changed chapter only), then renders the EPUB and announces it (the
ebook view updates in about a second), then finishes the load (the
fidelity check, whose warnings follow in the next status, and the cache's
copy: book.build.load_project_staged), then the print PDF with one layout
worker per core (only the PDF chunks the edit touches are laid out again,
book/writers/pdf/chunked.py), and announces that.  Both stay in memory:
nothing is written beside the book.  A change that arrives while the EPUB
is being made skips that round's PDF: the next round starts at once.

A failed build leaves the last good book on show and publishes the error
(code, file, line, message); the next good build clears it.

The watcher (watchfiles, Rust notify underneath) groups the events of one
save: an editor that writes a temporary file and renames it over the
original causes one rebuild, not two.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..build import Overrides, early_workers, load_project_staged, render_outputs, settings_warnings
from ..cache import open_store
from ..collector import few_collections
from ..context import BuildOptions
from ..diagnostics import Diagnostics
from ..errors import SourceError
from ..project import open_project
from ..watch.changes import ChangeWatcher
from ..watch.files import watched_roots
from .printview import PageImages
from .state import Output, State, error_fields

@dataclass
class Session:
    """What one ``make-book serve`` builds (its outputs stay in memory:
    nothing is written to dist/ or beside the book)."""

    inputs: list[Path]
    overrides: Overrides = field(default_factory=Overrides)
    jobs: int = 1
    log: Callable[[str], None] = lambda message: None


class Rebuilder:
    """The build thread and the watch thread of one session."""

    def __init__(self, session: Session, state: State, images: PageImages) -> None:
        self.session, self.state, self.images = session, state, images
        self.dirty = threading.Event()
        self.stop = threading.Event()
        self.dirty.set()  # the first build
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for target, name in ((self._build_loop, "make-book-build"), (self._watch_loop, "make-book-watch")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            thread.start()
            self._threads.append(thread)

    def close(self) -> None:
        self.stop.set()
        self.dirty.set()
        for thread in self._threads:
            thread.join(timeout=5)

    # ------------------------------------------------------------ watching
    def _watch_loop(self) -> None:
        """The files saved, as ``build --watch`` follows them (book/watch)."""
        watcher = ChangeWatcher(watched_roots(self.session.inputs, self.session.overrides))
        watcher.start()
        try:
            while True:
                names = watcher.wait(self.stop)
                if names is None:
                    return
                self.session.log(f"changed: {', '.join(names)[:200]}")
                self.dirty.set()
        except SourceError as exc:  # the watching itself failed: the last book stays on show
            self.session.log(f"not watching any longer: {exc}")
        finally:
            watcher.close()

    # ------------------------------------------------------------ building
    def _load(self):
        """Read the book (through the cache) as ``make-book build`` does for
        its default formats, EPUB and print PDF; the store stays open for
        the PDF layout's chunk cache.  As in a build, a layout worker starts
        first and loads WeasyPrint while the book is read and the ebook is
        made (``ctx.workers``, closed with the round)."""
        options = BuildOptions(formats=("epub", "pdf"), cache=True, jobs=self.session.jobs)
        diagnostics = Diagnostics(strict=False)
        project = open_project(self.session.inputs)
        settings_warnings(project, self.session.overrides, diagnostics)
        store = open_store(project)
        if store.setting_problem:
            from ..cache.store import SIZE_HINT

            diagnostics.warn("CACHE002", store.setting_problem, hint=SIZE_HINT)
        workers = None
        try:
            workers = early_workers(options, store)
            book, ctx, finish = load_project_staged(project, options, self.session.overrides,
                                                    diagnostics, store)
            ctx.workers = workers
        except BaseException:
            if workers is not None:
                workers.close()
            store.close()
            raise
        self.state.warnings = [str(item) for item in diagnostics.warnings]

        def checked() -> None:
            if finish is not None:
                finish()
            self.state.warnings = [str(item) for item in diagnostics.warnings]
        return book, ctx, store, checked

    @staticmethod
    def _render(book, ctx, fmt: str) -> bytes:
        """One format of the loaded book, in memory (nothing is written)."""
        ctx.options.formats = (fmt,)
        return render_outputs(book, ctx)[fmt]

    def _round(self) -> None:
        """One rebuild, with the collector tuned as a build tunes it
        (book/collector.py: a layout in this process collects as usual)."""
        with few_collections():
            self._rebuild()

    def _rebuild(self) -> None:
        started = time.monotonic()
        self.state.set_building("epub")
        store = ctx = None
        try:
            book, ctx, store, checked = self._load()
            self.state.set_epub(self._render(book, ctx, "epub"), book.metadata.title)
            self.session.log(f"ebook updated ({time.monotonic() - started:.2f} s)")
            # The fidelity check and the cache's copy of the load, once the
            # ebook is on screen; their warnings go out with the next status.
            checked()
            if self.dirty.is_set() or self.stop.is_set():
                self.state.publish("status", self.state.status())
                return  # newer changes: their EPUB first
            self.state.set_building("print")
            data = self._render(book, ctx, "pdf")
            if self.state.pdf is None or self.state.pdf.data != data:
                self.images.update(data, Output.of(data).digest)
                self.state.set_pdf(data)
            self.session.log(f"print updated ({time.monotonic() - started:.2f} s)")
            self.state.set_building(None)
        except Exception as exc:  # shown in the page; the last good book stays
            self._failed(exc)
        finally:
            if ctx is not None and ctx.workers is not None:
                ctx.workers.close()
            if store is not None:
                store.close()

    def _failed(self, exc: Exception) -> None:
        fields = error_fields(exc)
        where = ":".join(str(p) for p in (fields["file"], fields["line"]) if p)
        self.session.log(f"build failed: {fields['code']} {where} {fields['message']}".strip())
        self.state.building = None
        self.state.set_error(exc)

    def _build_loop(self) -> None:
        while not self.stop.is_set():
            self.dirty.wait()
            if self.stop.is_set():
                return
            self.dirty.clear()
            self._round()
