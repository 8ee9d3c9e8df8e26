"""The generated EPUB cover, begun while the manuscript is read.

Reading a big manuscript keeps one core busy and leaves the other idle,
and the generated cover's cost is mostly fixed: WeasyPrint's import, the
fonts found and loaded, PDFium started (half a second), against a tenth
of a second to set one title.  So an EPUB build that will surely want a
generated cover forks a child before reading; it pays those costs on the
idle core by drawing a stand-in cover, then waits for the real cover's
:class:`~book.covers.spec.CoverSpec`, which the title and author read
from the manuscript settle.  The chapter passes, which otherwise give the
cover to their second process as a side task (book/passes/parallel.py),
are then shared evenly.

The child draws with the same code as this process, so the JPEG is the
same, byte for byte.  Anything going wrong in it (an error, a crash, no
answer) only costs time: the cover is then drawn when the EPUB is written.
Only where ``fork`` exists, with ``--jobs`` 2 or more, for EPUB (or kepub)
builds without a PDF (the layout has workers of its own), without a cover
image, and for sources big enough that the reading leaves time for it.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from typing import Any

from ..config import ProjectConfig
from ..context import BuildOptions
from .spec import CoverSpec

#: Source bytes below which the reading is too short to hide the child's start.
MIN_SOURCE_BYTES = 1_000_000
#: Formats whose layout workers keep both cores busy: no early cover then.
_LAYOUT_FORMATS = frozenset({"pdf", "pdf-screen", "cover"})
#: Longest wait for the drawing once the passes are done (seconds).
WAIT = 30.0


@dataclass
class EarlyCover:
    """A child drawing the cover: the spec goes down one pipe, the drawing
    comes back up the other."""

    process: Any
    outbox: Any
    inbox: Any
    handed: bool = False

    def take(self, task: Any) -> Any:
        """Hand the cover ``task`` (book.covers.cover_task: a call on its
        spec) to the child; returns what the passes should still run
        beside: None once handed, the task itself when the child is gone."""
        if task is None:
            self.close()
            return None
        try:
            self.outbox.send(task.args[0])
        except (OSError, ValueError):
            self.close()
            return task
        self.handed = True
        return None

    def adopt(self) -> None:
        """Wait for the drawing and keep it for the EPUB writer
        (:func:`book.covers.adopt_prerendered`); nothing when it failed."""
        from . import adopt_prerendered

        if not self.handed:
            return
        try:
            if self.inbox.poll(WAIT):
                drawn = self.inbox.recv()
                if isinstance(drawn, tuple) and len(drawn) == 3:
                    adopt_prerendered(drawn)
        except (EOFError, OSError):
            pass  # the child died: the writer draws the cover itself
        finally:
            self.close()

    def close(self) -> None:
        for end in (self.outbox, self.inbox):
            try:
                end.close()
            except OSError:
                pass
        if self.process.is_alive():
            self.process.kill()
        self.process.join()


def wanted(config: ProjectConfig, options: BuildOptions, source_bytes: int) -> bool:
    """Will this build surely draw a generated EPUB cover, with time to spare?"""
    formats = set(options.formats)
    return ((options.jobs or 1) >= 2 and bool({"epub", "kepub"} & formats)
            and not _LAYOUT_FORMATS & formats and config.metadata.cover is None
            and source_bytes >= MIN_SOURCE_BYTES
            and "fork" in multiprocessing.get_all_start_methods())


def start(config: ProjectConfig, options: BuildOptions, source_bytes: int) -> EarlyCover | None:
    """The child, started now; None when not :func:`wanted`."""
    if not wanted(config, options, source_bytes):
        return None
    context = multiprocessing.get_context("fork")
    spec_in, spec_out = context.Pipe(duplex=False)
    drawn_in, drawn_out = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(spec_in, drawn_out, _stand_in(config)),
                              daemon=True)
    process.start()
    spec_in.close()
    drawn_out.close()
    return EarlyCover(process, spec_out, drawn_in)


def _stand_in(config: ProjectConfig) -> CoverSpec:
    """A cover of the book's design with made-up words: drawing it loads
    everything the real one needs."""
    from ..model import Contributor, Metadata
    from . import epub_spec_for

    return epub_spec_for(Metadata(title="Title", authors=[Contributor("Author")],
                                  language=config.metadata.language or "en"), config)


def _child(inbox: Any, outbox: Any, stand_in: CoverSpec) -> None:
    """Draw the stand-in, then the cover asked for; one reply (None: failed)."""
    from . import _prerender

    try:
        _prerender(stand_in)
        if not inbox.poll(600):
            return
        spec = inbox.recv()
        outbox.send(_prerender(spec))
    except EOFError:
        return  # the build needed no cover after all
    except BaseException:  # noqa: BLE001 - the parent draws the cover itself
        try:
            outbox.send(None)
        except OSError:
            pass
    finally:
        outbox.close()
