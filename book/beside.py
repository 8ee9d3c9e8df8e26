"""The ebook written beside the fidelity check, on the second core.

Once the passes are done, two pieces of work remain before an EPUB-only
build can write its files: the fidelity check (book/fidelity: every word
of the source counted against the chapters, the structure doubts) with the
build cache's copy of the loaded book, and the EPUB writer itself.  Neither
reads what the other makes (the writer works on copies of the chapters;
the check only leaves its figures in ``book.facts``), so a forked child
writes the EPUB (and kepub) while this process checks, as
book/passes/parallel.py shares the chapter passes.

What the build says stays what one process says, in the same order: the
check reports here as it goes, then the writer's warnings come back from the
child and are reported after them (a once-per-build note is kept once).  The
files the writer read go to this process's watchers (the build record), and
the child talks to the build cache through a connection of its own.
Anything going wrong in the child only costs time: the EPUB is then written
here.  Only where ``fork`` exists, with ``--jobs`` 2 or more, out of
``--strict`` (whose first warning must stop the build where one process
would), with no PDF wanted (the layout has workers of its own) and for a
book big enough to pay for the fork.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .context import BuildContext
from .model import Book
from .sandbox import note_used, watch

#: Characters of text below which writing in this process is quicker.
MIN_CHARS = 250_000
#: Formats a child may write (an ebook: no layout workers of its own).
FORMATS = frozenset({"epub", "kepub"})
#: How long this process waits for the child once its own work is done:
#: this many times what that took, and at least WAIT_AT_LEAST seconds.
WAIT_FACTOR = 4
WAIT_AT_LEAST = 30.0

Render = Callable[[Book, BuildContext], dict[str, bytes]]


@dataclass
class Beside:
    """A child writing the outputs, and when this process started waiting."""

    process: Any
    receiver: Any
    started: float


def wanted(book: Book, ctx: BuildContext) -> bool:
    """Is writing beside the check worth a fork for this build?"""
    options = ctx.options
    if options.strict or (options.jobs or 1) < 2 or not set(options.formats) <= FORMATS:
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    size = 0
    for chapter in book.chapters:
        size += sum(len(text) for text in chapter.tree.itertext())
        if size >= MIN_CHARS:
            return True
    return False


def start(book: Book, ctx: BuildContext, render: Render) -> Beside:
    """Fork the child that runs ``render(book, ctx)``."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, book, ctx, render), daemon=True)
    child.start()
    sender.close()
    return Beside(child, receiver, time.monotonic())


def finish(beside: Beside, ctx: BuildContext) -> dict[str, bytes] | None:
    """The child's outputs, its warnings reported and the files it read
    told to the watchers; None when it failed (write them here then)."""
    waited = max(WAIT_AT_LEAST, WAIT_FACTOR * (time.monotonic() - beside.started))
    try:
        reply = beside.receiver.recv() if beside.receiver.poll(waited) else None
    except (EOFError, OSError):
        reply = None  # the child died
    finally:
        beside.receiver.close()
        beside.process.join(timeout=5)
        if beside.process.is_alive():
            beside.process.kill()
            beside.process.join()
    if not isinstance(reply, dict) or reply.get("failed"):
        return None
    for path in reply["read"]:
        note_used(Path(path))
    ctx.diag.replay(reply["diagnostics"], set(reply["once"]))
    return reply["rendered"]


def _child(sender: Any, book: Book, ctx: BuildContext, render: Render) -> None:
    """The forked child: write, and send the bytes with what was said."""
    ctx.diag.listener = None  # the parent reports, in order
    ctx.options.progress = None
    # One writer, then the child exits: its copy of the book is the writer's.
    ctx.model_disposable = len(FORMATS & set(ctx.options.formats)) == 1
    if ctx.cache is not None:  # never the parent's SQLite connection
        from .cache import Store

        ctx.cache = Store(ctx.cache.folder, limit=ctx.cache.limit)
    try:
        start = len(ctx.diag.items)
        with watch() as seen:
            rendered = render(book, ctx)
        if ctx.cache is not None:
            ctx.cache.close()
        sender.send({"rendered": rendered, "diagnostics": ctx.diag.since(start),
                     "once": sorted(ctx.diag.once_codes),
                     "read": sorted(str(path) for path in seen)})
    except BaseException:  # noqa: BLE001 - the parent writes the outputs itself
        sender.send({"failed": True})
    finally:
        sender.close()
