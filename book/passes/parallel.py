"""The chapter passes of a big book on two cores.

A chapter's passes depend on that chapter and the settings only
(:func:`book.passes.run_passes`), so the chapters can be shared between
this process and one forked child.  The child takes the *last* chapters:
this process runs the first ones with its warnings reported as they come,
then reports the child's in chapter order, so the build says what one
process would have said, in the same order (a once-per-build note the
child gave too is kept once, :meth:`~book.diagnostics.Diagnostics.replay`).
Chapters come back through the chapter codec of the build cache
(book/cache/codec.py), which is lossless: the book is the same, byte for
byte, whatever the split.

The child may run a *side task* on its core once its chapters are done
(the generated EPUB cover, which needs WeasyPrint: half a second to import
and a page to lay out); its share of chapters is smaller by the task's
cost.  (A big manuscript's cover is begun earlier, on the core the
reading leaves idle, book/covers/early.py: the passes are then shared
evenly.)  Anything going wrong in the child (an error, a crash) only costs
time: its chapters are then run here.

Only where ``fork`` exists (Linux, the BSDs; a forked child starts with
the book already in memory, nothing to send), with ``--jobs`` 2 or more
(the command line's default on two cores; the library's default, None,
keeps to one process as the PDF layout does), out
of ``--strict`` (whose first warning must stop the build where one process
would stop) and for enough text to pay for the fork.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..cache import codec
from ..context import BuildContext
from ..model import Chapter, DeferredChapter

#: Text (characters) left to process below which one process is quicker.
MIN_CHARS = 250_000
#: What a side task costs, in characters of chapter passes (the cover:
#: WeasyPrint's import and one page ≈ the passes of 1.5 MB of text).
SIDE_CHARS = 1_500_000
#: How long this process waits for the child once its own chapters are
#: done: this many times what they took, and at least WAIT_AT_LEAST seconds.
WAIT_FACTOR = 4
WAIT_AT_LEAST = 30.0


@dataclass
class Slot:
    """One chapter on its way through the passes."""

    chapter: Chapter
    #: The result, when known beforehand (from the build cache) or computed.
    done: Chapter | None = None
    #: The warnings and notes that came with the result (Diagnostics.since).
    items: list[list] | None = None
    #: True when the passes ran in this build (the result is new).
    computed: bool = False


def text_size(chapter: Chapter) -> int:
    """The characters of a chapter's text: what the passes' work grows with
    (a tree not built yet is not built for this: its reader's estimate)."""
    if isinstance(chapter, DeferredChapter) and not chapter.built:
        return chapter.size
    return sum(len(text) for text in chapter.tree.itertext())


def run_slots(slots: list[Slot], passes: Callable[[Chapter], Chapter], ctx: BuildContext, *,
              side: Callable[[], Any] | None = None,
              on_done: Callable[[Slot], None] | None = None) -> Any:
    """Fill every slot's result, in order; the side task's result (None
    when it did not run in a child: the caller then does that work itself)."""
    split = _split(slots, ctx, side is not None)
    if split is None:
        for slot in slots:
            _settle(slot, passes, ctx)
            if on_done is not None:
                on_done(slot)
        return None
    return _run_split(slots, split, passes, ctx, side, on_done)


def _settle(slot: Slot, passes: Callable[[Chapter], Chapter], ctx: BuildContext) -> None:
    """One slot, here: a known result's warnings replayed, else the passes run."""
    if slot.done is not None:
        ctx.diag.replay(slot.items or [])
        return
    start = len(ctx.diag.items)
    slot.done = passes(slot.chapter)
    slot.items = ctx.diag.since(start)
    slot.computed = True


def _split(slots: list[Slot], ctx: BuildContext, with_side: bool) -> int | None:
    """Where the child's chapters start, or None to run everything here."""
    if (ctx.options.jobs or 1) < 2 or ctx.diag.strict or "fork" not in multiprocessing.get_all_start_methods():
        return None
    sizes = [text_size(slot.chapter) if slot.done is None else 0 for slot in slots]
    total = sum(sizes)
    if total < MIN_CHARS:
        return None
    share = max(0, (total - (SIDE_CHARS if with_side else 0)) // 2)
    if share == 0 and not with_side:
        return None
    taken, index = 0, len(slots)
    while index > 1 and taken + sizes[index - 1] <= share:
        index -= 1
        taken += sizes[index]
    return index


def _run_split(slots: list[Slot], split: int, passes: Callable[[Chapter], Chapter],
               ctx: BuildContext, side: Callable[[], Any] | None,
               on_done: Callable[[Slot], None] | None) -> Any:
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(sender, slots[split:], passes, ctx, side),
                            daemon=True)
    child.start()
    sender.close()
    try:
        started = time.monotonic()
        for slot in slots[:split]:
            _settle(slot, passes, ctx)
            if on_done is not None:
                on_done(slot)
        reply = _receive(receiver, max(WAIT_AT_LEAST, WAIT_FACTOR * (time.monotonic() - started)))
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
    rest = slots[split:]
    if reply is None or len(reply["chapters"]) != len(rest):
        for slot in rest:
            _settle(slot, passes, ctx)
            if on_done is not None:
                on_done(slot)
        return None
    once = set(reply["once"])
    for slot, (data, computed) in zip(rest, reply["chapters"]):
        if computed:
            slot.done, slot.items = codec.decode_chapter(data)
            slot.computed = True
        ctx.diag.replay(slot.items or [], once)
        if on_done is not None:
            on_done(slot)
    return reply["side"]


def _receive(receiver: Any, timeout: float) -> dict | None:
    """The child's reply; None when it died or hangs (a library thread
    pool that did not survive the fork, say): its work is then done here."""
    try:
        if not receiver.poll(timeout):
            return None
        reply = receiver.recv()
    except (EOFError, OSError):
        return None  # the child died
    return reply if isinstance(reply, dict) and not reply.get("failed") else None


def _child(sender: Any, slots: list[Slot], passes: Callable[[Chapter], Chapter],
           ctx: BuildContext, side: Callable[[], Any] | None) -> None:
    """The forked child: its chapters, then the side task; one reply."""
    ctx.diag.listener = None  # the parent reports, in order
    ctx.options.progress = None
    try:
        chapters: list[tuple[bytes | None, bool]] = []
        for slot in slots:
            if slot.done is not None:
                chapters.append((None, False))
                continue
            start = len(ctx.diag.items)
            done = passes(slot.chapter)
            chapters.append((codec.encode_chapter(done, ctx.diag.since(start)), True))
        result = None
        if side is not None:
            try:
                result = side()
            except Exception:  # noqa: BLE001 - the parent does the work itself
                result = None
        sender.send({"chapters": chapters, "once": sorted(ctx.diag.once_codes), "side": result})
    except BaseException:  # noqa: BLE001 - the parent runs these chapters itself
        sender.send({"failed": True})
    finally:
        sender.close()
