"""One build, end to end: inputs → Book → passes → writers → files.

:func:`load_book` reads and transforms (no output); :func:`build` renders
every requested format in memory and then commits them together
(:mod:`book.atomic`).  When the EPUB and the print PDF are built together,
the print PDF is laid out first and its page breaks are carried into the
EPUB's page list.  With the build cache on (``BuildOptions.cache``, the
command line's default), unchanged stages are not done again (book/cache).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .collector import few_collections
from .config import (BLEED_EDGES, COVER_DESIGNS, HEADING_MODES, NOTE_PLACEMENTS, PARAGRAPH_MODES,
                     PDF_VARIANTS, THEMES, ProjectConfig, check_pattern)
from .context import FORMATS, BuildContext, BuildOptions
from .diagnostics import Diagnostic, Diagnostics
from .errors import ConfigError, UsageError
from .fidelity import check_book
from .geometry import parse_length, parse_trim
from .language_tags import check_registered, is_well_formed, suggest_for_malformed
from .model import Book, Contributor
from .passes import run_passes
from .pipeline import read_book
from .printshops import TARGETS
from .project import Project, open_project
from .sandbox import note_used, watch
from .stylesheets import load_user_styles

if TYPE_CHECKING:
    from .cache import Store


@dataclass
class Overrides:
    """Settings given on the command line; they win over book.toml."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    lang: str | None = None
    publisher: str | None = None
    isbn: str | None = None
    cover: str | None = None
    cover_design: str | None = None
    css: list[Path] = field(default_factory=list)
    theme: str | None = None
    encoding: str | None = None
    trim: str | None = None
    bleed: str | None = None
    bleed_edges: str | None = None
    target: str | None = None
    marks: bool | None = None
    pdf_variant: str | None = None
    full_fonts: bool | None = None
    notes: str | None = None
    typography: bool | None = None
    soft_hyphens: bool | None = None
    #: ``[structure]`` settings (plain-text sources).
    chapter_pattern: str | None = None
    part_pattern: str | None = None
    headings: str | None = None
    paragraphs: str | None = None


@dataclass
class BuildResult:
    """What a build wrote and what it noticed.

    ``book`` is None when nothing had changed since the last build
    (``up_to_date``): the outputs were left as they were.
    """

    outputs: dict[str, Path]
    book: Book | None
    diagnostics: Diagnostics
    up_to_date: bool = False
    #: The PDF editions' layouts by edition ("print", "screen"), with their
    #: page summaries (book/pagecheck); empty when up to date.
    layouts: dict = field(default_factory=dict)


def check_language_tag(value: str, option: str) -> Diagnostic | None:
    """A usage error unless ``value`` is a well-formed BCP 47 tag (pl, en-GB);
    a warning to report (LANG003, LANG004) when the IANA registry does not
    know one of its subtags or deprecates it (:mod:`book.language_tags`)."""
    if not is_well_formed(value):
        suggestion = suggest_for_malformed(value)
        raise UsageError(f"{option} {value!r} is not a language tag such as pl or en-GB",
                         hint=f"did you mean {suggestion}?" if suggestion else None)
    problem = check_registered(value)
    if problem is None:
        return None
    return Diagnostic(problem.code, f"{option} {value!r}: {problem.reason}", hint=problem.hint())


def apply_overrides(config: ProjectConfig, o: Overrides) -> list[Diagnostic]:
    """Fold command-line settings into the project configuration; return
    the warnings about them for the build to report."""
    found: list[Diagnostic] = []
    meta = config.metadata
    for name in ("title", "subtitle", "publisher"):
        value = getattr(o, name)
        if value:
            setattr(meta, name, value.strip())
            meta.origins[name] = "command line"
    if o.lang:
        warning = check_language_tag(o.lang, "--lang")
        if warning is not None:
            found.append(warning)
        meta.language = o.lang
        meta.origins["language"] = "command line"
    if o.authors:
        meta.authors = [Contributor(name.strip()) for name in o.authors if name.strip()]
        meta.origins["authors"] = "command line"
    if o.isbn:
        from .config.metadata import _isbn
        from .config.reader import _Reader

        meta.isbn = _isbn(_Reader(Path("--isbn"), "--isbn", ""), o.isbn, "isbn")
    if o.cover:
        meta.cover = Path(o.cover)
        meta.origins["cover"] = "command line"
    if o.cover_design:
        if o.cover_design not in COVER_DESIGNS:
            raise UsageError(f"--cover-design must be one of {', '.join(COVER_DESIGNS)}")
        config.cover.design = o.cover_design
    if o.theme:
        if o.theme not in THEMES:
            raise UsageError(f"--theme must be one of {', '.join(THEMES)}")
        config.style.theme = o.theme
    if o.encoding:
        config.content.encoding = o.encoding
    if o.trim:
        try:
            config.pdf.trim = parse_trim(o.trim)
        except ConfigError as exc:
            raise UsageError(f"--trim: {exc.message}") from None
        config.pdf.margins = None
    if o.target:
        if o.target not in TARGETS:
            raise UsageError(f"--target must be one of {', '.join(TARGETS)}")
        config.pdf.apply_target(o.target)  # the options below win over the service's defaults
    if o.bleed_edges:
        if o.bleed_edges not in BLEED_EDGES:
            raise UsageError(f"--bleed-edges must be one of {', '.join(BLEED_EDGES)}")
        config.pdf.bleed_edges = o.bleed_edges
    if o.bleed is not None:
        try:
            config.pdf.bleed = parse_length(o.bleed, what="--bleed")
        except ConfigError as exc:
            raise UsageError(exc.message) from None
    if o.marks is not None:
        config.pdf.marks = o.marks
    if o.pdf_variant:
        if o.pdf_variant not in PDF_VARIANTS:
            raise UsageError(f"--pdf-variant must be one of {', '.join(PDF_VARIANTS)}")
        config.pdf.variant = o.pdf_variant
    if o.full_fonts is not None:
        config.pdf.full_fonts = o.full_fonts
    if config.pdf.marks and config.pdf.bleed_edges == "outer":
        raise UsageError("crop marks cannot be used with bleed on the outer edges only "
                         "(the marks at the spine would be cut off)")
    if o.notes:
        if o.notes not in NOTE_PLACEMENTS:
            raise UsageError(f"--notes must be one of {', '.join(NOTE_PLACEMENTS)}")
        config.pdf.notes = o.notes
        config.epub.notes = "book-end" if o.notes == "book-end" else "chapter-end"
    if o.typography is not None:
        config.typography.enabled = o.typography
    if o.soft_hyphens is not None:
        config.epub.soft_hyphens = o.soft_hyphens
    _apply_structure(config, o)
    return found


def _apply_structure(config: ProjectConfig, o: Overrides) -> None:
    """``--chapter-pattern`` and friends over ``[structure]``."""
    for name, option in (("chapter_pattern", "--chapter-pattern"),
                         ("part_pattern", "--part-pattern")):
        value = getattr(o, name)
        if value is not None:
            try:
                setattr(config.structure, name, check_pattern(value.strip(), option))
            except ConfigError as exc:
                raise UsageError(exc.message) from None
    for name, option, choices in (("headings", "--headings", HEADING_MODES),
                                  ("paragraphs", "--paragraphs", PARAGRAPH_MODES)):
        value = getattr(o, name)
        if value is not None:
            if value not in choices:
                raise UsageError(f"{option} must be one of {', '.join(choices)}")
            setattr(config.structure, name, value)


def output_name(title: str) -> str:
    """A safe file stem from a title or --name: letters, digits, hyphens.

    Keeps letters of any script (NFC), drops path separators, dots at the
    start, control characters; at most 80 characters; never empty.
    """
    text = unicodedata.normalize("NFKC", title)
    text = "".join(ch if (ch.isalnum() or ch in "-_") else "-" for ch in text)
    text = re.sub(r"-{2,}", "-", text).strip("-_.").lower()
    return text[:80].rstrip("-_") or "book"


def load_book(inputs: Sequence[str | Path], options: BuildOptions | None = None,
              overrides: Overrides | None = None, diagnostics: Diagnostics | None = None
              ) -> tuple[Book, BuildContext]:
    """Read the manuscript and run every pass; no file is written."""
    options = options or BuildOptions()
    overrides = overrides or Overrides()
    diagnostics = diagnostics or Diagnostics(strict=options.strict)
    project = open_project(inputs, allow_remote=options.allow_remote)
    settings_warnings(project, overrides, diagnostics)
    return load_project(project, options, overrides, diagnostics)


def settings_warnings(project: Project, overrides: Overrides, diagnostics: Diagnostics) -> None:
    """Fold the command line into the project's settings and report what
    book.toml and the command line are warned about (LANG003, LANG004...)."""
    for item in [*project.config.warnings, *apply_overrides(project.config, overrides)]:
        diagnostics.warn(item.code, item.message, file=item.file, line=item.line, hint=item.hint)


def _outside_files(overrides: Overrides) -> list[Path]:
    """Files the command line names outside the sandbox (read directly)."""
    files = [Path(path).resolve() for path in overrides.css]
    if overrides.cover and Path(overrides.cover).is_absolute():
        files.append(Path(overrides.cover))
    return files


def load_project(project: Project, options: BuildOptions, overrides: Overrides,
                 diagnostics: Diagnostics, store: Store | None = None) -> tuple[Book, BuildContext]:
    """:func:`load_book` for an opened project whose settings the command
    line has already changed; with a ``store``, the load and the chapter
    passes come from the build cache when their inputs are unchanged
    (book/cache/stages.py), with the warnings they gave, the fidelity
    check's included."""
    with few_collections():  # the load makes next to no garbage (collector.py)
        book, ctx, finish = load_project_staged(project, options, overrides, diagnostics, store)
        if finish is not None:  # None: the load came whole from the cache
            finish()
    return book, ctx


def load_project_staged(project: Project, options: BuildOptions, overrides: Overrides,
                        diagnostics: Diagnostics, store: Store | None = None
                        ) -> tuple[Book, BuildContext, Callable[[], None] | None]:
    """:func:`load_project` with what is left of the load handed back as a
    call (None when the load came whole from the cache): the fidelity check
    and, with a ``store``, the cache's copy of the loaded book.  The writers
    read neither, so the outputs are the same whenever it is made: the
    build writes the EPUB beside it (book/beside.py), and the preview shows
    the EPUB first, so that the check's warnings come a moment later instead
    of delaying the page."""
    ctx = BuildContext(config=project.config, sandbox=project.sandbox, diag=diagnostics,
                       options=options, cache=store)
    progress = options.progress
    key = None
    if store is not None:
        from .cache import deps, stages

        outside = _outside_files(overrides)
        key = stages.load_key(ctx, [(s.display, s.path) for s in project.sources],
                              [repr(overrides), *(deps.state_of(p)[3] for p in outside)])
        restored = stages.restore_load(store, key, ctx)
        if restored is not None:
            # The files the cached load was made from are this build's
            # dependencies too: the build record must see the next edit.
            for path in {*restored[1], *(s.path for s in project.sources)}:
                note_used(path)
            return restored[0], ctx, None
    start = len(diagnostics.items)
    early = _early_cover(project, options, store)
    try:
        with watch() as watched:
            with _stage(progress, "reading"):
                book = read_book(project, ctx, _read_through(store, project, ctx))
                book.stylesheets = load_user_styles(ctx, overrides.css)
            with _stage(progress, "passes", len(book.chapters)):
                from .covers import cover_task

                side = cover_task(book, ctx)
                if early is not None:
                    side = early.take(side)
                runner = _chapter_runner(store, ctx, progress, side)
                book = run_passes(book, ctx, chapter_runner=runner)
                if early is not None:
                    early.adopt()
    finally:
        if early is not None:
            early.close()

    def finish() -> None:
        # Words kept and structure doubts, before anything is written.
        check_book(book, ctx, _fidelity_memo(store))
        if store is not None and key is not None:
            from .cache.stages import diagnostics_since, save_load

            save_load(store, key, book, ctx, watched | set(_outside_files(overrides)),
                      diagnostics_since(diagnostics, start))
        while ctx.after_load:
            ctx.after_load.pop(0)()
    return book, ctx, finish


def _read_through(store: Store | None, project: Project, ctx: BuildContext) -> Any:
    """Each source's reader through the build cache's read stage (a file
    that did not change is not read again, book/cache/reads.py).  Not for a
    book of one file: an edit changes that file, and the load stage keeps
    the rest."""
    if store is None or len(project.sources) < 2:
        return None
    from .cache.reads import ReadCache

    return ReadCache(store, ctx).reader


def _early_cover(project: Project, options: BuildOptions, store: Store | None) -> Any:
    """The generated EPUB cover begun on the idle core while a big
    manuscript is read (book/covers/early.py); None when not worth it,
    as when the cache holds the cover these files had last time (an edit
    rarely changes the title or author: the cover comes from the store)."""
    from .covers import early

    size = 0
    for source in project.sources:
        with contextlib.suppress(OSError):
            size += source.path.stat().st_size
    if not early.wanted(project.config, options, size):
        return None
    if store is not None:
        from .cache.stages import cover_of_kept

        if cover_of_kept(store, [source.path for source in project.sources]):
            return None
    return early.start(project.config, options, size)


def _render_beside(book: Book, ctx: BuildContext, finish: Callable[[], None]) -> dict | None:
    """Finish the load, the EPUB written meanwhile in a forked child when
    that pays (book/beside.py); None when it is still to be written."""
    from . import beside

    if not beside.wanted(book, ctx):
        finish()
        return None
    child = beside.start(book, ctx, render_outputs)
    try:
        finish()
    except BaseException:
        child.process.kill()
        child.process.join()
        raise
    with _stage(ctx.options.progress, "writing EPUB"):
        return beside.finish(child, ctx)


def _fidelity_memo(store: Store | None) -> Any:
    """The fidelity figures of chapters measured before, from the cache."""
    if store is None:
        return None
    from .cache.stages import FidelityMemo

    return FidelityMemo(store)


def _stage(progress, name: str, total: int | None = None):
    """The progress display's context for a stage (nothing without one)."""
    if progress is None:
        return contextlib.nullcontext()
    return progress.stage(name, total)


def _chapter_runner(store: Store | None, ctx: BuildContext, progress,
                    side: Callable[[], Any] | None = None):
    """How run_passes runs the chapter passes: results from the cache when
    there is one, the rest shared between two processes for a big book
    (passes/parallel.py; the other one also draws the generated cover,
    ``side``), telling the progress display."""
    from .passes.parallel import Slot, run_slots

    cache = None
    if store is not None:
        from .cache.stages import ChapterCache

        cache = ChapterCache(store, ctx)

    def run(chapters: list, passes: Callable) -> list:
        keys = [cache.key(chapter) for chapter in chapters] if cache is not None else []
        stored = cache.get_many(keys) if cache is not None else [None] * len(chapters)
        slots = [Slot(chapter, *found) if found is not None else Slot(chapter)
                 for chapter, found in zip(chapters, stored)]
        advance = (lambda slot: progress.advance(slot.chapter.title)) if progress is not None \
            else None
        drawn = run_slots(slots, passes, ctx, side=side, on_done=advance)
        if drawn is not None:
            from .covers import adopt_prerendered

            adopt_prerendered(drawn)
        if cache is not None:
            for key, slot in zip(keys, slots):
                if slot.computed and slot.done is not None:
                    cache.put(key, slot.done, slot.items or [])
        return [slot.done for slot in slots]
    return run


def early_workers(options: BuildOptions, store: Store | None) -> Any:
    """Layout workers started now, to load WeasyPrint while the book is read
    (book/writers/pdf/chunked.py's ``start_early``); None when no PDF is
    wanted or ``--jobs`` is 1.  The caller sets them as ``ctx.workers`` and
    closes them."""
    if not {"pdf", "pdf-screen", "cover"} & set(options.formats) or (options.jobs or 1) < 2:
        return None
    from .writers.pdf.chunked import start_early

    return start_early(options, store)


def render_outputs(book: Book, ctx: BuildContext) -> dict[str, bytes]:
    """Render every requested format in memory.

    The print and screen PDFs are laid out together (at the same time when
    the layout is chunked, ``--jobs``); the screen edition has pages of its
    own and never carries the print edition's page markers.  The print
    PDF's page breaks go into the model (book.pagelist) before the EPUB is
    written.
    """
    formats = ctx.options.formats
    rendered: dict[str, bytes] = {}
    editions = tuple(edition for edition, wanted in (
        ("print", "pdf" in formats or "cover" in formats), ("screen", "pdf-screen" in formats))
        if wanted)
    results = {}
    if editions:
        from .writers import pdf as pdf_writer  # its import is for books laid out

        with _stage(ctx.options.progress, "layout"):
            results = pdf_writer.render_editions(book, ctx, editions)
    ctx.layouts.update({edition: result.layout for edition, result in results.items()
                        if result.layout is not None})
    if "screen" in results:
        rendered["pdf-screen"] = results["screen"].data
    if "print" in results:
        result = results["print"]
        if "pdf" in formats:
            rendered["pdf"] = result.data
        if "cover" in formats:  # the wrap's spine follows the interior's page count
            from .writers.pdf.cover import write_cover_pdf

            pages = len(result.layout.page_labels) if result.layout else 0
            rendered["cover"] = write_cover_pdf(book, ctx, pages)
        if {"epub", "kepub"} & set(formats) and "pdf" in formats and result.layout is not None:
            from .pagelist import insert_page_breaks

            insert_page_breaks(book, result.layout, ctx)
    if "epub" in formats:
        from .writers.epub import write_epub

        with _stage(ctx.options.progress, "writing EPUB"):
            rendered["epub"] = write_epub(book, ctx)
    if "kepub" in formats:
        from .writers.kepub import write_kepub

        with _stage(ctx.options.progress, "writing kepub"):
            rendered["kepub"] = write_kepub(book, ctx)
    return {fmt: rendered[fmt] for fmt in ("pdf", "pdf-screen", "cover", "epub", "kepub")
            if fmt in rendered}


def _request(project: Project, options: BuildOptions, overrides: Overrides,
             inputs: Sequence[str | Path]) -> list[object]:
    """What the build record's key covers besides the files (record.py)."""
    return [repr(project.config), [s.display for s in project.sources],
            [str(Path(p).resolve()) for p in inputs], repr(overrides), sorted(options.formats),
            str(Path(options.outdir).resolve()), options.name, options.strict, options.allow_remote,
            options.jobs is None]


def build(inputs: Sequence[str | Path], options: BuildOptions | None = None,
          overrides: Overrides | None = None, diagnostics: Diagnostics | None = None) -> BuildResult:
    """Build the requested formats and write them atomically to the output folder.

    With ``options.cache``, a build whose inputs, settings and outputs are
    all as the last build left them returns at once, writing nothing
    (``BuildResult.up_to_date``); otherwise unchanged stages come from the
    build cache (book/cache).
    """
    from .atomic import commit

    options = options or BuildOptions()
    overrides = overrides or Overrides()
    diagnostics = diagnostics or Diagnostics(strict=options.strict)
    # A build makes next to no cyclic garbage but where pages are laid out
    # (render_outputs): collector.py.
    with few_collections(), watch() as watched:
        project = open_project(inputs, allow_remote=options.allow_remote)
        settings_warnings(project, overrides, diagnostics)
        store = key = None
        if options.cache:
            from .cache import open_store, record
            from .cache.stages import replay

            store = open_store(project)
            if store.setting_problem:
                from .cache.store import SIZE_HINT

                diagnostics.warn("CACHE002", store.setting_problem, hint=SIZE_HINT)
            key = record.record_key(*_request(project, options, overrides, inputs))
            found = None if options.fresh else record.check(store, key)
            if found is not None:
                replay(diagnostics, found[1])
                store.close()
                return BuildResult(found[0], None, diagnostics, up_to_date=True)
        start = len(diagnostics.items)
        workers = early_workers(options, store)
        try:
            book, ctx, finish = load_project_staged(project, options, overrides, diagnostics,
                                                     store)
            ctx.workers = workers
            name = output_name(options.name or book.metadata.title)
            rendered = _render_beside(book, ctx, finish) if finish is not None else None
            if rendered is None:
                rendered = render_outputs(book, ctx)
            outdir = Path(options.outdir)
            targets = {fmt: outdir / FORMATS[fmt].format(name=name) for fmt in rendered}
            with _stage(options.progress, "writing files"):
                commit({targets[fmt]: data for fmt, data in rendered.items()})
            if store is not None and key is not None and store.problem is None:
                from .cache import record
                from .cache.stages import diagnostics_since

                record.save(store, key, ctx, targets, watched | set(_outside_files(overrides)),
                            diagnostics_since(diagnostics, start))
        finally:
            if workers is not None:
                workers.close()
            if store is not None:
                store.close()
    if store is not None and store.problem:
        diagnostics.note("CACHE001", store.problem)
    return BuildResult(targets, book, ctx.diag, layouts=dict(ctx.layouts))
