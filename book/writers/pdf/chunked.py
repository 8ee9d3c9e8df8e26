"""The chunked layout: the book cut into chunks (chunks.py), laid out by
worker processes (pool.py, worker.py) and joined into one PDF (merge.py).

Each edition (print, screen) is an :class:`EditionLayout`: it knows which
chunk may be laid out next, when a chunk's offsets are known (the page counts
of the body chunks before it), and what the layout cache already holds.
Two kinds of cache entries per chunk (book/cache): its *pagination* (page
count, anchor pages), keyed by its content; its *result* (the chunk's PDF
and page facts), keyed by its content and offsets.  An unchanged chunk whose
offsets did not change is not laid out again; an unchanged chunk after an
edited one waits for the edited one's page count before it knows.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ...cache import deps
from ...collector import usual_collections
from ...context import BuildContext
from ...model import Book
from . import chunks as chunking
from . import metadata, preflight
from .extract import EXTRACTORS, adjust_values, build_needs, extractors_for, join_values
from .html import Assembled, Assembler
from .job import RenderSetup, make_setup
from .layout import PrintLayout, chapter_pages, label_ranges
from .merge import Part, merge
from .worker import ChunkJob, ChunkResult, Offsets, Paginated

#: Cache stages (book/cache) of the chunked layout.
PAGINATION_STAGE = "layout-pages"
RESULT_STAGE = "layout"
#: The font programs joined from the chunks' subsets (subset_union.py).
FONT_STAGE = "layout-fonts"


class EditionLayout:
    """One edition's chunks on their way through the pool (pool.Edition)."""

    def __init__(self, name: str, book: Book, ctx: BuildContext, setup: RenderSetup,
                 assembled: Assembled, chunks: list[chunking.Chunk], salt: str,
                 on_progress: Callable[..., None] | None = None) -> None:
        self.name = name
        self.ctx = ctx
        self.setup = setup
        self.assembled = assembled
        self.cache = ctx.cache
        self.salt = salt
        self.front = chunks[0] if chunks and chunks[0].front else None
        self.body = [chunk for chunk in chunks if not chunk.front]
        self.by_index = {chunk.index: chunk for chunk in chunks}
        self.keys: dict[int, str] = {}
        self.paginations: dict[int, Paginated] = {}
        self.results: dict[int, ChunkResult] = {}
        self.dispatched: set[int] = set()
        self.laid_out: list[int] = []
        self.on_progress = on_progress
        self.extractors = extractors_for(name, build_needs(ctx, name))
        self.pages_seen: dict[int, int] = {}
        #: Division id → title, for the progress display.
        self.titles = {c.id: c.toc_title or c.title for c in book.chapters}
        for chunk in self.body:
            chunking.serialize(assembled, chunk)
            self.keys[chunk.index] = self._content_key(chunk)
            record = self._get(PAGINATION_STAGE, self.keys[chunk.index])
            paginated = _pagination_from(record) if record is not None else None
            if paginated is not None:
                self.paginations[chunk.index] = paginated
        #: Work in each chunk, for progress: its HTML's length (chunk 0: a guess).
        self.sizes = {chunk.index: max(1, len(chunk.html)) for chunk in self.body}
        if self.front is not None:
            self.sizes[self.front.index] = 20_000
        self._settle()

    # ------------------------------------------------------------ keys

    def _content_key(self, chunk: chunking.Chunk) -> str:
        digest = hashlib.sha256()
        for part in [self.name, chunking.CHUNK_CSS, chunk.html,
                     repr(chunk.next_page_class),
                     "\n".join(chunk.foreign_targets), *self.setup.fingerprint()]:
            digest.update(part.encode("utf-8") if isinstance(part, str) else part)
            digest.update(b"\x00")
        for href in sorted(chunk.assets):
            asset = chunk.assets[href]
            digest.update(href.encode("utf-8") + b"\x00" + hashlib.sha256(
                asset.print_data or asset.data).digest())
        return digest.hexdigest()

    @staticmethod
    def _result_key(content: str, offsets: Offsets) -> str:
        return hashlib.sha256(f"{content}:{offsets.counter}:{offsets.roman}".encode()).hexdigest()

    def _get(self, stage: str, key: str) -> bytes | None:
        """An entry whose files (fonts and images the chunk read from the
        book folder) are unchanged; see :meth:`_put`."""
        if self.cache is None:
            return None
        found = self.cache.get(stage, self._cache_key(key))
        if found is None:
            return None
        try:
            size = int.from_bytes(found[:8], "big")
            files = json.loads(found[8:8 + size])
            if not isinstance(files, dict) or not deps.unchanged(files):
                return None
        except (ValueError, TypeError, IndexError, KeyError):
            return None
        return found[8 + size:]

    def _put(self, stage: str, key: str, value: bytes, files: list[str]) -> None:
        """Entries are keyed by the content key and the tool and system
        fingerprints (the salt), which the file identifiers leave out, and
        carry the state of the files the chunk read."""
        if self.cache is not None:
            head = json.dumps(deps.snapshot(Path(f) for f in files), sort_keys=True).encode()
            self.cache.put(stage, self._cache_key(key), len(head).to_bytes(8, "big") + head + value)

    def _cache_key(self, key: str) -> str:
        """The store's key: the content key (which the PDF's identifiers use
        too), the tool and system fingerprints, and the page extractors run
        (a build that also writes the EPUB needs the pages' text)."""
        extractors = ",".join(f"{e.name}={e.extract}" for e in self.extractors)
        return hashlib.sha256(f"{self.salt}:{extractors}:{key}".encode()).hexdigest()

    # ------------------------------------------------------- scheduling

    @property
    def done(self) -> bool:
        return all(index in self.results for index in self.by_index)

    def offsets(self, index: int) -> Offsets | None:
        chunk = self.by_index[index]
        if chunk.front:
            return Offsets(0, roman=True)
        counter = 0
        for other in self.body:
            if other.index == index:
                return Offsets(counter)
            paginated = self.paginations.get(other.index)
            if paginated is None:
                return None
            counter += paginated.pages
        return None

    def _settle(self) -> None:
        """Take from the cache every chunk whose result can be known now."""
        for chunk in self.body:
            index = chunk.index
            if index in self.results or index in self.dispatched:
                continue
            offsets = self.offsets(index)
            if offsets is not None:
                self._from_cache(index, offsets)
        front = self.front
        if front is not None and front.index not in self.results and \
                front.index not in self.dispatched and self._front_ready():
            if front.index not in self.keys:
                chunking.fill_contents(front, self._body_labels())
                chunking.serialize(self.assembled, front)
                self.keys[front.index] = self._content_key(front)
            self._from_cache(front.index, Offsets(0, roman=True))

    def _from_cache(self, index: int, offsets: Offsets) -> None:
        record = self._get(RESULT_STAGE, self._result_key(self.keys[index], offsets))
        if record is not None:
            result = _result_from(record, self.name, index)
            if result is not None:
                self.results[index] = result
                self._advance(index)

    def _front_ready(self) -> bool:
        return all(chunk.index in self.paginations for chunk in self.body)

    def _body_labels(self) -> dict[str, str]:
        labels: dict[str, str] = {}
        counter = 0
        for chunk in self.body:
            paginated = self.paginations[chunk.index]
            for name, page in paginated.anchors.items():
                labels.setdefault(name, str(counter + page + 1))
            counter += paginated.pages
        return labels

    def next_job(self) -> tuple[ChunkJob, Offsets | None] | None:
        self._settle()
        for chunk in [*self.body, *([self.front] if self.front else [])]:
            index = chunk.index
            if index in self.results or index in self.dispatched or index not in self.keys:
                continue
            offsets = self.offsets(index)
            if offsets is None and index in self.paginations:
                continue  # its result may be cached: wait for its offsets
            self.dispatched.add(index)
            self.laid_out.append(index)
            return self._job(chunk), offsets
        return None

    def _job(self, chunk: chunking.Chunk) -> ChunkJob:
        return ChunkJob(self.name, chunk.index, chunk.html, self.setup,
                        ends_with_block=chunk.next_page_class is not None,
                        identifier=self.keys[chunk.index][:32].encode("ascii"),
                        foreign_targets=chunk.foreign_targets,
                        assets=chunk.assets, extra_css=chunking.CHUNK_CSS,
                        extractors=tuple(e.name for e in self.extractors),
                        settle_xml=chunk.xml)

    def paginated(self, index: int, result: Paginated) -> None:
        self.paginations[index] = result

    def finished(self, result: ChunkResult) -> None:
        index = result.index
        self.results[index] = result
        offsets = self.offsets(index)
        if offsets is not None:
            # The page count is stored once the chunk is done, with the files it read.
            self._put(PAGINATION_STAGE, self.keys[index], _pagination_bytes(self.paginations[index]),
                      result.files)
            self._put(RESULT_STAGE, self._result_key(self.keys[index], offsets), _result_bytes(result),
                      result.files)
        self._advance(index)

    def page_done(self, index: int, page: int) -> None:
        self.pages_seen[index] = page
        self._report(index)

    def _advance(self, index: int) -> None:
        self.pages_seen[index] = len(self.results[index].labels)
        self._report(index)

    def _report(self, index: int) -> None:
        if self.on_progress is None:
            return
        total = sum(self.sizes.values())
        done = sum(self.sizes[i] for i in self.results)
        for i, pages in self.pages_seen.items():
            if i not in self.results:
                estimate = self.paginations[i].pages if i in self.paginations else max(pages * 1.25, 1)
                done += self.sizes[i] * 0.8 * min(pages / estimate, 1.0)
        chunk = self.by_index[index]
        first = chunk.division_ids[0] if chunk.division_ids else ""
        where = self.titles.get(first, first) or "opening pages"
        pages = sum(self.pages_seen.values())
        self.on_progress(self.name, done / total, where, pages)

    # ---------------------------------------------------------- joining

    def ordered(self) -> list[tuple[chunking.Chunk, ChunkResult]]:
        chunks = ([self.front] if self.front else []) + self.body
        return [(chunk, self.results[chunk.index]) for chunk in chunks]

    def join(self) -> tuple[bytes, PrintLayout]:
        """The edition's PDF and layout from its laid-out chunks."""
        ordered = self.ordered()
        labels: list[str] = []
        blank: set[int] = set()
        extracted: dict[str, list] = {}
        for chunk, result in ordered:
            start = len(labels)
            labels += result.labels
            blank.update(start + page for page in result.blank)
            values = adjust_values(result.extracted, chunk.chapter_base, EXTRACTORS)
            for name, per_page in values.items():
                extracted.setdefault(name, []).extend(per_page)
        extracted = join_values(extracted, labels, self.extractors)
        front_pages = len(ordered[0][1].labels) if self.front else 0
        ranges = label_ranges(len(labels), front_pages if self.body else None)
        bookmarks = extracted.get("bookmarks") if self.setup.finisher.get("bookmarks", True) else None
        file_id = metadata.identifier(*(self.keys[chunk.index] for chunk, _ in ordered))
        memo = _FontMemo(self.cache, self.salt) if self.cache is not None else None
        data = merge([Part(result.data, result.stand_ins) for _, result in ordered],
                     file_id=file_id, labels=ranges, bookmarks=bookmarks, font_memo=memo)
        first = chapter_pages(extracted.get("anchors", []), self.assembled.division_ids)
        return data, PrintLayout(None, labels, blank, first, extracted)

    def messages(self) -> tuple[list[str], list[str]]:
        """WeasyPrint's messages and the refused URLs of every chunk; the
        files the chunks read are told to the build's watchers."""
        from ...sandbox import note_used

        messages: list[str] = []
        refused: list[str] = []
        for _, result in self.ordered():
            messages += result.messages
            refused += result.refused
            for path in result.files:
                note_used(path)
        return messages, refused


class _FontMemo:
    """Joined font programs in the build cache (subset_union.ProgramMemo),
    keyed by what they are joined from and the tool and system fingerprints
    (the salt): an edit that draws no new glyph joins nothing again."""

    def __init__(self, store: Any, salt: str) -> None:
        self.store = store
        self.salt = salt

    def _key(self, key: str) -> str:
        return hashlib.sha256(f"{self.salt}:{key}".encode()).hexdigest()

    def get(self, key: str) -> bytes | None:
        return self.store.get(FONT_STAGE, self._key(key))

    def put(self, key: str, program: bytes) -> None:
        self.store.put(FONT_STAGE, self._key(key), program)


# ------------------------------------------------------------ the build

def plan_edition(name: str, book: Book, ctx: BuildContext, salt: str,
                 on_progress: Callable[..., None] | None) -> EditionLayout:
    """Assemble one edition, cut it into chunks and read what the cache holds."""
    print_edition = name == "print"
    assembled = Assembler(book, ctx, print_edition=print_edition).build()
    setup = make_setup(book, ctx, print_edition=print_edition)
    parts = chunking.split(assembled, book)
    return EditionLayout(name, book, ctx, setup, assembled, parts, salt, on_progress)


def run_layouts(layouts: dict[str, EditionLayout], jobs: int, pool: Any = None) -> Any:
    """Lay out what the cache did not hold: in this process when only one
    chunk needs it, else with up to ``jobs`` workers (``pool``, when one
    was started early, has them).  Returns the pool that was used, its
    workers released (told to stop, :meth:`~.pool.LayoutPool.release`):
    they exit while the pages are joined, and the caller closes it."""
    from .pool import LayoutPool, run_here

    pending = sum(len(layout.by_index) - len(layout.results) for layout in layouts.values())
    if not pending:
        return None
    workers = min(jobs, pending) if _processes_possible() else 1
    if workers <= 1 and pool is None:
        with usual_collections():  # laid out here: WeasyPrint's boxes make cyclic garbage
            run_here(layouts)  # type: ignore[arg-type]
        return None
    if pool is not None:
        pool.grow(workers)  # an incremental build's one early worker, and more if needed
    else:
        pool = LayoutPool(workers)
    importing = _import_while_waiting(layouts)
    try:
        pool.run(layouts)  # type: ignore[arg-type]
    except BaseException:
        pool.close()
        raise
    finally:
        if importing is not None:
            importing.join()
    pool.release()
    return pool


def _processes_possible() -> bool:
    """Workers talk over inherited pipes, which POSIX systems give."""
    return os.name == "posix"


def _fresh_layout_likely(ctx: BuildContext) -> bool:
    """No cache, or one that has never held a layout: the whole book will be
    laid out, so the workers may start before the chunks are planned."""
    store = ctx.cache
    return store is None or store.count(PAGINATION_STAGE) == 0


def start_early(options: Any, store: Any) -> Any:
    """Layout workers started before the book is read (a PDF wanted,
    ``--jobs`` 2 or more): each loads WeasyPrint while this process reads
    and runs the passes.  All of them when the whole book will surely be
    laid out (no layout in the cache); one when the cache holds layouts,
    for the chunk an edit changed, on the core the reading leaves idle
    (run_layouts adds workers when more chunks need them; one never given
    a job is killed at once).  None otherwise; the caller closes the pool
    (build.py)."""
    from .pool import LayoutPool

    wanted = {"pdf", "pdf-screen", "cover"} & set(options.formats)
    if not wanted or (options.jobs or 1) < 2 or not _processes_possible():
        return None
    if store is not None and store.count(PAGINATION_STAGE) != 0:
        return LayoutPool(1)
    return LayoutPool(options.jobs)


def render_chunked(book: Book, ctx: BuildContext, editions: tuple[str, ...]) -> dict[str, Any]:
    """Every edition in ``editions`` laid out in chunks at the same time."""
    from .result import PdfResult, report

    jobs = max(1, ctx.options.jobs or 1)
    from ...cache.keys import base_key

    salt = base_key() if ctx.cache is not None else ""
    progress = ctx.options.progress
    on_progress = progress.layout if progress is not None else None
    from .pool import LayoutPool

    # Workers take a moment to start (a Python with WeasyPrint): when the
    # whole book will surely be laid out, they start while the chunks are planned.
    early = ctx.workers
    if early is None and jobs > 1 and _processes_possible() and _fresh_layout_likely(ctx):
        early = LayoutPool(jobs)
    # Pools to close once the pages are joined (their workers, released,
    # exit meanwhile); the build closes its own early pool (ctx.workers).
    used: list[Any] = [early] if early is not None and early is not ctx.workers else []
    try:
        layouts = {name: plan_edition(name, book, ctx, salt, on_progress) for name in editions}
        pool = run_layouts(layouts, jobs, early)
        if pool is not None and pool is not early:
            used.append(pool)
        pdf = ctx.config.pdf
        if "print" in layouts and pdf.target:
            for _ in range(3):  # a wider gutter adds pages, which may ask for a wider one
                pages = sum(len(result.labels) for _, result in layouts["print"].ordered())
                if not preflight.widen_gutter(pages, ctx):
                    break
                layouts["print"] = plan_edition("print", book, ctx, salt, on_progress)
                pool = run_layouts({"print": layouts["print"]}, jobs)
                if pool is not None:
                    used.append(pool)
        results: dict[str, Any] = {}
        for name, layout in layouts.items():
            data, joined = layout.join()
            messages, refused = layout.messages()
            report(ctx, messages, refused)
            if name == "print" and pdf.target:
                preflight.preflight(joined.page_count, joined.extracted.get("images", []), ctx)
            results[name] = PdfResult(data, joined)
    finally:
        for pool in used:
            pool.close()
    return results


def _import_while_waiting(layouts: dict[str, EditionLayout]) -> threading.Thread | None:
    """WeasyPrint, whose outline builder joining the chunks uses (merge.py),
    imported in a thread while this process waits for its layout workers
    (half a second of CPU on a core the workers leave idle after an edit)
    rather than after them; None when no outline is wanted or WeasyPrint
    is there already.  Only around :meth:`LayoutPool.run`, which imports
    nothing of WeasyPrint meanwhile (two threads importing its modules at
    once can fail: its modules import one another), and joined before
    anything else runs; a layout in this process (``run_here``) imports
    it as before."""
    if "weasyprint" in sys.modules:
        return None
    if not any(layout.setup.finisher.get("bookmarks", True) for layout in layouts.values()):
        return None

    def load() -> None:
        try:
            importlib.import_module("weasyprint.anchors")
        except BaseException:  # noqa: BLE001 - merge.py imports it again and reports
            pass

    thread = threading.Thread(target=load, name="import-weasyprint", daemon=True)
    thread.start()
    return thread


# ------------------------------------------------------- cache records

def _pagination_bytes(result: Paginated) -> bytes:
    return json.dumps({"pages": result.pages, "anchors": result.anchors},
                      sort_keys=True).encode("utf-8")


def _pagination_from(record: bytes) -> Paginated | None:
    try:
        data = json.loads(record)
        anchors = {str(k): int(v) for k, v in data["anchors"].items()}
        return Paginated(int(data["pages"]), anchors)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _result_bytes(result: ChunkResult) -> bytes:
    head = json.dumps({"labels": result.labels, "blank": result.blank,
                       "extracted": result.extracted, "stand_ins": result.stand_ins,
                       "messages": result.messages, "refused": result.refused,
                       "files": result.files},
                      sort_keys=True).encode("utf-8")
    return len(head).to_bytes(8, "big") + head + result.data


def _current_summaries(extracted: dict) -> bool:
    """Are the stored page summaries (book/pagecheck) of the format this
    code reads?  Entries of another are laid out again."""
    from ...pagecheck.summary import SUMMARY_FORMAT

    return all(isinstance(value, dict) and value.get("format") == SUMMARY_FORMAT
               for value in extracted.get("pagecheck", []))


def _result_from(record: bytes, edition: str, index: int) -> ChunkResult | None:
    try:
        size = int.from_bytes(record[:8], "big")
        head = json.loads(record[8:8 + size])
        data = record[8 + size:]
        if not data.startswith(b"%PDF-") or not _current_summaries(head["extracted"]):
            return None
        return ChunkResult(edition, index, data, [str(x) for x in head["labels"]],
                           [int(x) for x in head["blank"]], dict(head["extracted"]),
                           [str(x) for x in head["stand_ins"]], list(head["messages"]),
                           list(head["refused"]), 0.0, [str(x) for x in head["files"]])
    except (ValueError, KeyError, TypeError):
        return None
