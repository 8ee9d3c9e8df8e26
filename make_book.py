"""make-book: the command line, a thin layer over the ``book`` library.

Every problem is reported as one line on stderr (``make-book: error: FILE:LINE:
message``) with exit status 1, or 2 for a wrong command line; ``--debug``
shows the traceback instead.  Ctrl-C stops cleanly with status 130 and
SIGTERM with 143 (128 + the signal), both leaving no partial output
(book/atomic.py); ``build --watch`` ends with status 0 when Ctrl-C comes
while it waits for a save.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path


def _unshadow() -> None:
    """``python -m make_book`` puts the working folder first on ``sys.path``;
    a user's folder called ``book`` there would hide the ``book`` package.
    Keep the working folder only when it is where this module lives (a
    checkout)."""
    here = os.path.dirname(os.path.abspath(__file__))
    cwd = os.getcwd()
    sys.path[:] = [entry for entry in sys.path
                   if os.path.abspath(entry or os.curdir) != cwd or cwd == here]


if __name__ == "__main__":
    _unshadow()

import click

from book import __version__
from book.build import Overrides, build
from book.context import BuildOptions, parse_formats
from book.diagnostics import Diagnostic, Diagnostics
from book.errors import MakeBookError, UsageError
from book.progress import make_progress


def default_jobs() -> int:
    """Layout workers when --jobs is not given: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)

PROG = "make-book"


def one_line(message: str) -> str:
    """``message`` as one line a terminal shows as written.

    File names and titles come from the user's disk: a newline, an escape
    sequence or a right-to-left override in one must not break the one-line
    format or drive the terminal, and undecodable bytes (lone surrogates
    from ``surrogateescape``) must not crash the print.  Such characters
    are shown as Python escapes (``\\n``, ``\\x1b``, ``\\udcff``).
    """
    if message.isprintable():
        return message
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii")
                   for ch in message)


def _say(message: str) -> None:
    # sys.stderr as it is at the call: while the live progress display runs,
    # rich's proxy, which prints the line above the bars (click's err=True
    # reaches the terminal under the proxy and writes over them).
    click.echo(one_line(message), file=sys.stderr)


class _Cli(click.Group):
    """A group whose usage errors fit on one line, like every other error."""

    def main(self, args=None, prog_name=None, **extra):  # type: ignore[override]
        try:
            return super().main(args=args, prog_name=prog_name or PROG, standalone_mode=False, **extra)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            _say(f"{PROG}: interrupted")
            sys.exit(130)
        except click.ClickException as exc:
            message = " ".join(exc.format_message().split())
            _say(f"{PROG}: error: {message} (see {PROG} --help)")
            sys.exit(exc.exit_code)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised like Ctrl-C so the same clean-up runs (a BaseException:
    no ``except Exception`` on the way swallows it)."""


def _on_sigterm(signum, frame) -> None:
    raise _Terminated()


def _print_traceback() -> None:
    """``--debug``: the traceback of the exception being handled."""
    import traceback  # here: 4 ms of imports that a build without --debug never needs

    traceback.print_exc()


def _run(action, debug: bool) -> None:
    """Run ``action``, turning our errors into one line and an exit status."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        action()
    except MakeBookError as exc:
        if debug:
            _print_traceback()
        _say(f"{PROG}: error: {exc}")
        sys.exit(exc.exit_code)
    except _Terminated:
        _say(f"{PROG}: terminated; nothing was written")
        sys.exit(128 + signal.SIGTERM)
    except KeyboardInterrupt:
        _say(f"{PROG}: interrupted; nothing was written")
        sys.exit(130)
    except MemoryError:
        _say(f"{PROG}: error: out of memory; nothing was written (a memory limit or a very "
             "large image or book)")
        sys.exit(1)
    except Exception as exc:  # a bug in make_book, not in the manuscript
        if debug:
            _print_traceback()
        detail = " ".join(str(exc).split())[:300]
        _say(f"{PROG}: internal error: {type(exc).__name__}: {detail} "
             f"(please report it; --debug shows the traceback)")
        sys.exit(1)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s")
def cli() -> None:
    """Turn manuscripts into retail-valid EPUB 3 ebooks and print-ready PDFs."""


def structure_options(command):
    """The ``[structure]`` settings as options (plain-text sources)."""
    options = [
        click.option("--chapter-pattern", metavar="REGEX",
                     help="A line matching this regular expression is a chapter heading."),
        click.option("--part-pattern", metavar="REGEX",
                     help="A line matching this regular expression is a part heading."),
        click.option("--headings", type=click.Choice(["auto", "none"]),
                     help="auto: find headings; none: only the patterns make headings."),
        click.option("--paragraphs", type=click.Choice(["auto", "blank-lines", "indent",
                                                        "one-per-line"]),
                     help="How the text marks paragraphs (default: measured)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@cli.command("build")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Folder for the outputs.")
@click.option("-f", "--format", "formats", default="epub,pdf", show_default=True,
              help="Comma-separated: epub, pdf (print), pdf-screen, kepub (Kobo), cover (paperback "
              "wrap), or all (epub, pdf, pdf-screen, kepub).")
@click.option("--name", help="File name for the outputs (default: from the title).")
@click.option("--title", help="Book title.")
@click.option("--subtitle", help="Book subtitle.")
@click.option("--author", "authors", multiple=True, help="Author (repeat for several).")
@click.option("--lang", help="Language tag such as pl, en-GB (default: detected).")
@click.option("--publisher", help="Publisher name.")
@click.option("--isbn", help="ISBN of this edition.")
@click.option("--cover", help="Cover image (JPEG or PNG) inside the book folder.")
@click.option("--cover-design", help="Design of the cover generated when there is no image: "
              "classic, modern or band.")
@click.option("--css", "css", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Extra stylesheet (repeatable), applied after the theme.")
@click.option("--theme", help="Theme: classic or modern.")
@click.option("--encoding", help="Encoding of text sources (default: detected).")
@click.option("--trim", help="Print trim: a5, b-format, 5x8, 5.25x8, 5.5x8.5, 6x9... or WxH with unit.")
@click.option("--target", help="Print service whose rules apply: kdp, ingramspark or lulu "
              "(bleed edges, marks, bookmarks, fonts, PDF/X, and a preflight of the result).")
@click.option("--bleed", help="Bleed for print, e.g. 3mm or 0.125in.")
@click.option("--bleed-edges", help="Bleed on all edges (default) or outer (top, bottom, fore-edge: KDP).")
@click.option("--marks/--no-marks", default=None, help="Crop marks on the print PDF.")
@click.option("--pdf-variant", help="Print PDF standard: pdf/x-4 (default), pdf/x-3, pdf/x-1a, none.")
@click.option("--full-fonts", is_flag=True, default=None, help="Embed whole fonts, not subsets.")
@click.option("--notes", help="Notes: footnotes, chapter-end or book-end.")
@click.option("--typography/--no-typography", default=None, help="Language-aware typography pass.")
@click.option("--soft-hyphens", is_flag=True, default=None,
              help="Insert soft hyphens in the EPUB for readers that do not hyphenate.")
@structure_options
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--allow-remote", is_flag=True, help="Allow fetching remote images and fonts.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes laying out the PDF  [default: the number of cores]")
@click.option("--no-cache", is_flag=True, help="Neither use nor fill the build cache (.make_book/).")
@click.option("-w", "--watch", is_flag=True,
              help="After the build, build again whenever a manuscript, setting, stylesheet, "
              "image or font in the book's folders is saved (Ctrl-C stops).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def build_command(sources: tuple[Path, ...], outdir: Path, formats: str, name: str | None,
                  title: str | None, subtitle: str | None, authors: tuple[str, ...], lang: str | None,
                  publisher: str | None, isbn: str | None, cover: str | None,
                  cover_design: str | None, css: tuple[Path, ...],
                  theme: str | None, encoding: str | None, trim: str | None, target: str | None,
                  bleed: str | None, bleed_edges: str | None, marks: bool | None, pdf_variant: str | None, full_fonts: bool | None,
                  notes: str | None, typography: bool | None, soft_hyphens: bool | None,
                  chapter_pattern: str | None, part_pattern: str | None, headings: str | None,
                  paragraphs: str | None, strict: bool, allow_remote: bool, jobs: int | None,
                  no_cache: bool, watch: bool, quiet: bool,
                  debug: bool) -> None:
    """Build an EPUB and a print PDF from SOURCES.

    SOURCES is a book folder with book.toml, a Leanpub folder with Book.txt,
    or manuscript files (.txt, .md, .html, .xhtml, .docx) in reading order.
    """

    def report(item: Diagnostic) -> None:
        if item.severity == "warning" or not quiet:
            _say(f"{PROG}: {item}")

    def action() -> None:
        try:
            chosen = parse_formats(formats)
        except UsageError:
            raise
        options = BuildOptions(formats=chosen, outdir=outdir, name=name, strict=strict,
                               allow_remote=allow_remote, debug=debug,
                               jobs=jobs or default_jobs(), cache=not no_cache)
        # A cover named on the command line is the user's explicit choice:
        # take it relative to the working directory when it exists there.
        cover_ref = str(Path(cover).resolve()) if cover and Path(cover).is_file() else cover
        overrides = Overrides(title=title, subtitle=subtitle, authors=list(authors), lang=lang,
                              publisher=publisher, isbn=isbn, cover=cover_ref,
                              cover_design=cover_design, css=list(css), theme=theme,
                              encoding=encoding, trim=trim, target=target, bleed=bleed,
                              bleed_edges=bleed_edges, marks=marks,
                              pdf_variant=pdf_variant, full_fonts=full_fonts, notes=notes,
                              typography=typography, soft_hyphens=soft_hyphens,
                              chapter_pattern=chapter_pattern, part_pattern=part_pattern,
                              headings=headings, paragraphs=paragraphs)
        if watch:  # a progress display per round
            _watch(list(sources), options, overrides, report, quiet)
            return
        options.progress = progress = make_progress(quiet=quiet)
        diagnostics = Diagnostics(strict=strict, listener=report)
        try:
            result = build(list(sources), options, overrides, diagnostics)
        finally:
            progress.close()
        _tell_result(result, diagnostics, quiet)

    _run(action, debug)


def _tell_result(result, diagnostics: Diagnostics, quiet: bool) -> None:
    """What a build wrote (or found up to date) and its warning count."""
    verb = "up to date:" if result.up_to_date else "wrote"
    if not quiet:
        for path in result.outputs.values():
            _say(f"{PROG}: {verb} {path} ({path.stat().st_size / 1024:,.0f} KiB)")
    if not quiet or diagnostics.warnings:
        _say(f"{PROG}: {diagnostics.summary()}")


def _watch(sources: list[Path], options: BuildOptions, overrides: Overrides, report,
           quiet: bool) -> None:
    """``build --watch``: a round per save (book/watch) until Ctrl-C, which
    ends it with status 0 once a round's outputs are written (130 in the
    middle of a round, whose outputs are then not written).  A round's
    error is one line, as a build's, and the watch goes on."""
    from book.watch import watch_builds

    def on_change(names: list[str]) -> None:
        if not quiet:
            _say(f"{PROG}: changed: {', '.join(names)[:200]}")

    def on_round(done) -> None:
        if done.number == 1 and isinstance(done.error, UsageError):
            raise done.error  # a wrong command line: no use watching
        if done.error is not None:
            _say(f"{PROG}: error: {done.error}")
        else:
            _tell_result(done.result, done.diagnostics, quiet)
        if done.number > 1 and not quiet:
            _say(f"{PROG}: round {done.number} {'failed' if done.error else 'done'} "
                 f"in {done.seconds:.2f} s")

    def on_watching(roots: list[Path]) -> None:
        if not quiet:
            _say(f"{PROG}: watching {', '.join(str(root) for root in roots)} for changes "
                 "(Ctrl-C to stop)")

    watch_builds(sources, options, overrides, on_round=on_round, report=report,
                 progress=lambda: make_progress(quiet=quiet), on_change=on_change,
                 on_watching=on_watching)
    if not quiet:
        _say(f"{PROG}: stopped watching")


@cli.command("proof")
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("dist"),
              show_default=True, help="Folder for the PDF; the proof goes beside it.")
@click.option("--name", help="File name for the PDF (default: from the title).")
@click.option("--lang", help="Language tag such as pl, en-GB (default: detected).")
@click.option("--theme", help="Theme: classic or modern.")
@click.option("--css", "css", multiple=True, type=click.Path(path_type=Path, dir_okay=False),
              help="Extra stylesheet after the theme (repeatable).")
@click.option("--trim", help="Print trim: a5, b-format, 5x8, 5.5x8.5, 6x9... or WxH with unit.")
@click.option("--bleed", help="Bleed for print, e.g. 3mm or 0.125in.")
@click.option("--target", help="Print service whose rules apply: kdp, ingramspark or lulu.")
@click.option("--dpi", type=click.IntRange(min=20, max=600), default=100, show_default=True,
              help="Resolution of the spread pictures.")
@click.option("--json", "as_json", is_flag=True,
              help="Print the findings as JSON on stdout (also written as proof.json).")
@click.option("--strict", is_flag=True, help="Exit with status 1 when an error-level problem is found.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Layout worker processes (default: the cores this process may use).")
@click.option("--no-cache", is_flag=True, help="Neither use nor fill the build cache (.make_book/).")
@click.option("-q", "--quiet", is_flag=True, help="Print only warnings and errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def proof_command(sources: tuple[Path, ...], outdir: Path, name: str | None, lang: str | None,
                  theme: str | None, css: tuple[Path, ...], trim: str | None, bleed: str | None,
                  target: str | None, dpi: int, as_json: bool, strict: bool, jobs: int | None, no_cache: bool,
                  quiet: bool, debug: bool) -> None:
    """Build the print PDF of SOURCES and proof it: spreads, a contact sheet,
    and proof.html listing every typographic problem with its page.

    SOURCES is what build takes.  The proof is written to NAME-proof/ beside
    the PDF.  With --strict, exit status 1 when an error-level problem
    (missing glyph LAY003, overfull line LAY008) is found.
    """

    def report(item: Diagnostic) -> None:
        if item.severity == "warning" or not quiet:
            _say(f"{PROG}: {item}")

    def action() -> None:
        from book.proof import make_proof
        from book.proof.report import json_text

        progress = make_progress(quiet=quiet or as_json)
        options = BuildOptions(formats=("pdf",), outdir=outdir, name=name, debug=debug,
                               jobs=jobs or default_jobs(), cache=not no_cache, progress=progress)
        overrides = Overrides(lang=lang, theme=theme, css=list(css), trim=trim, bleed=bleed,
                              target=target)
        diagnostics = Diagnostics(listener=report)
        try:
            result = make_proof(list(sources), options, overrides, diagnostics, dpi=dpi)
        finally:
            progress.close()
        if as_json:
            click.echo(json_text(result.data), nl=False)
        counts = result.data.counts()
        if not quiet:
            _say(f"{PROG}: wrote {result.folder / 'proof.html'}: {counts['error']} errors, "
                 f"{counts['warning']} warnings, {counts['note']} notes on "
                 f"{result.data.page_count} pages")
        if strict and result.errors:
            _say(f"{PROG}: error: {len(result.errors)} error-level problems in the proof "
                 "(--strict)")
            sys.exit(1)

    _run(action, debug)


@cli.command("check")
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--store", "stores", multiple=True,
              help="Also check a store's published limits: apple, kobo, google, kdp, bn, or all "
              "(repeatable).")
@click.option("--structure", is_flag=True,
              help="Print the outline, title-page fields and word preservation a build of the "
                   "manuscript would have (nothing is written).")
@click.option("--json", "as_json", is_flag=True, help="Print findings as JSON (for CI).")
@structure_options
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def check_command(target: Path, stores: tuple[str, ...], structure: bool, as_json: bool,
                  chapter_pattern: str | None, part_pattern: str | None, headings: str | None,
                  paragraphs: str | None, debug: bool) -> None:
    """Check an EPUB (or build and check a book folder): EPUBCheck, Ace and our own checks.

    With --structure, review what a build would make of the manuscript first.
    """

    def action() -> None:
        if structure:
            from book.check.structure import check_structure, format_report

            found = check_structure(target, Overrides(
                chapter_pattern=chapter_pattern, part_pattern=part_pattern, headings=headings,
                paragraphs=paragraphs))
            click.echo(format_report(found, as_json=as_json))
            if found.failed:
                sys.exit(1)
            return
        from book.check import run_checks
        from book.check.report import format_findings
        from book.stores import parse_stores

        report = run_checks(target, stores=parse_stores(stores))
        click.echo(format_findings(report, as_json=as_json))
        if report.failed:
            sys.exit(1)

    _run(action, debug)


@cli.command("clean")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--all", "everything", is_flag=True,
              help="Also remove the cache of every manuscript built on its own (the user cache).")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def clean_command(sources: tuple[Path, ...], everything: bool, debug: bool) -> None:
    """Remove the build cache of SOURCES (default: the book in this folder).

    The cache only saves time: the next build makes everything again.
    Outputs are left alone.
    """

    def action() -> None:
        from book.cache import clean

        removed = clean(list(sources), everything=everything)
        for item in removed:
            _say(f"{PROG}: removed {item.folder} ({item.size / 1024:,.0f} KiB)")
        if not removed:
            _say(f"{PROG}: no build cache to remove")

    _run(action, debug)


@cli.command("serve")
@click.argument("sources", nargs=-1, type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (another than loopback shows the book to the network).")
@click.option("--port", type=click.IntRange(min=0, max=65535), default=0,
              help="Port to listen on  [default: a free port]")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the web browser.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes laying out the PDF  [default: the number of cores]")
@click.option("-q", "--quiet", is_flag=True, help="Print only the address and errors.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def serve_command(sources: tuple[Path, ...], host: str, port: int, open_browser: bool,
                  jobs: int | None, quiet: bool, debug: bool) -> None:
    """Preview SOURCES in the browser, rebuilt on every save.

    The page shows the EPUB as a reading system paginates it and the print
    PDF as spreads; both update in place when a file of the book changes.
    SOURCES as for build (default: the book in this folder).
    """

    def action() -> None:
        from book.serve import ServeOptions, serve

        def log(message: str) -> None:
            if not quiet or message.startswith("serving"):
                _say(f"{PROG}: {message}")

        try:
            serve(list(sources) or [Path(".")],
                  ServeOptions(host=host, port=port, open_browser=open_browser,
                               jobs=jobs or default_jobs(), log=log))
        except KeyboardInterrupt:  # Ctrl-C (or SIGTERM) is how a preview ends
            _say(f"{PROG}: stopped")

    _run(action, debug)


@cli.command("new")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--title", default="Untitled", show_default=True, help="Book title.")
@click.option("--author", "authors", multiple=True, help="Author (repeat for several).")
@click.option("--lang", default="en", show_default=True, help="Language tag such as pl, en-GB.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def new_command(folder: Path, title: str, authors: tuple[str, ...], lang: str, debug: bool) -> None:
    """Start a book project in FOLDER: book.toml, chapters, images, a stylesheet."""

    def action() -> None:
        from book.build import check_language_tag
        from book.scaffold import create_project

        warning = check_language_tag(lang, "--lang")  # LANG003/LANG004: kept, but said
        if warning is not None:
            _say(f"{PROG}: {warning}")
        written = create_project(folder, title=title.strip() or "Untitled",
                                 authors=[a.strip() for a in authors if a.strip()], lang=lang)
        for path in written:
            _say(f"{PROG}: wrote {path}")
        _say(f"{PROG}: build it with: {PROG} build {folder}")

    _run(action, debug)


@cli.command("catalog")
@click.argument("catalog", type=click.Path(path_type=Path))
@click.option("-o", "--outdir", type=click.Path(path_type=Path), default=Path("dist"), show_default=True,
              help="Output folder: one subfolder per book, the reports and the manifest.")
@click.option("-j", "--jobs", type=int, help="Books built at once on this machine (default: the number of "
              "cores); with --scheduler local, the number of Dask workers.")
@click.option("--scheduler", metavar="ADDRESS", help="Build on a Dask cluster: a scheduler's address "
              "(tcp://host:8786), or 'local' to start a Dask LocalCluster here.")
@click.option("-f", "--format", "formats", help="Formats for every book, over the catalog's "
              "(epub, pdf, pdf-screen, cover, all; default: the catalog's, else epub,pdf).")
@click.option("--check", is_flag=True, help="Run EPUBCheck, Ace and our lints on every EPUB built.")
@click.option("--force", is_flag=True, help="Build every book, even those unchanged since the last run.")
@click.option("--timeout", type=float, default=3600, show_default=True,
              help="Seconds a book may take before it is stopped (0: no limit).")
@click.option("--memory-limit", default="auto", show_default=True,
              help="Memory a book may use, e.g. 4GiB (auto: the machine's memory shared among the "
              "books built at once, at least 2 GiB; 0: no limit).")
@click.option("--shared-outdir", is_flag=True, help="With --scheduler: the workers see OUTDIR at the same "
              "path and write the outputs there themselves instead of sending them back.")
@click.option("-q", "--quiet", is_flag=True, help="Print only failures and the summary.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def catalog_command(catalog: Path, outdir: Path, jobs: int | None, scheduler: str | None,
                    formats: str | None, check: bool, force: bool, timeout: float,
                    memory_limit: str, shared_outdir: bool, quiet: bool, debug: bool) -> None:
    """Build every book of CATALOG into OUTDIR/<book>/.

    CATALOG is a folder whose subfolders are book projects, or a
    catalog.toml or CSV listing the books with their settings.  Unchanged
    books are skipped; a failing book never stops the others.  Exit status
    1 when a book failed (or, with --check, failed its checks).
    """

    def action() -> None:
        from book.catalog import CatalogOptions, parse_memory_limit, progress_for, run_catalog

        if jobs is not None and scheduler and scheduler != "local":
            raise UsageError("--jobs sets the local pool (or --scheduler local); a cluster has "
                             "the workers it has")
        options = CatalogOptions(outdir=outdir, jobs=jobs, scheduler=scheduler,
                                 formats=parse_formats(formats) if formats else None, check=check,
                                 force=force, timeout=timeout or None,
                                 memory_limit=parse_memory_limit(memory_limit),
                                 shared_outdir=shared_outdir)
        result = run_catalog(catalog, options, progress_for(sys.stderr, quiet=quiet))
        _say(f"{PROG}: report: {Path(result.outdir) / 'catalog-report.html'}")
        if result.failed:
            sys.exit(1)

    _run(action, debug)


def _freeze_imports() -> None:
    """Move the objects of the imports out of the cyclic garbage collector's
    way (:func:`gc.freeze`): they live as long as the process, and its
    collections walked them again and again (with the build's own tuning,
    book/collector.py, a one-word EPUB rebuild of War and Peace went from
    about 150 collections, 65 ms, to one)."""
    import gc

    gc.freeze()


def main() -> None:
    """Console entry point (``make-book``).

    The whole command runs with the collector tuned as a build tunes it
    (book/collector.py): the build's own tuning, when it ends, then leaves
    the young generation's threshold raised instead of putting CPython's
    back, which collected the build's 100,000 young objects at once (6–8 ms
    at the end of every build); a command that exits at once never puts it
    back (:func:`_leave`)."""
    from book.collector import few_collections

    _freeze_imports()
    with few_collections():
        try:
            cli.main(prog_name=PROG)
        except SystemExit as exc:
            _leave(exc.code)
        _leave(0)


def _leave(code: object) -> None:
    """End the process without the interpreter's teardown.

    Once a command is done, finalizing four hundred modules and freeing
    what they hold took 35 ms of a one-word EPUB rebuild of War and Peace
    (a tenth of what is left of it after the cache).  Everything that must
    happen still does: the exit handlers run (:mod:`atexit`: logging,
    multiprocessing, weakref finalizers), both streams are flushed, and
    the status is the one :func:`sys.exit` would give.  Only a command that
    succeeded leaves this way, and only when nothing else runs: with
    another thread (the preview server's) or a child process still there,
    or after an error or an interruption, the usual exit waits for them.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # sys.exit("message"): printed, status 1
        print(code, file=sys.stderr)
        status = 1
    processes = sys.modules.get("multiprocessing")
    if status != 0 or threading.active_count() > 1 or (
            processes is not None and processes.active_children()):
        sys.exit(status)
    import atexit

    # The exit handlers, as the interpreter's own exit runs them: CPython
    # has no public call for it; elsewhere, the usual exit.
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    if run_exit_handlers is None:
        sys.exit(status)
    run_exit_handlers()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more to say
            pass
    os._exit(status)


if __name__ == "__main__":
    main()
