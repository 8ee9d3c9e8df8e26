"""Benchmark (not a test): ``python tests/benchmark.py [pp] [wp] [n3] [--only WHAT...]``.

``python tests/benchmark.py catalog`` prints the figures of ``make-book
catalog`` instead (tests/benchmark_catalog.py), ``python tests/benchmark.py
serve [wp|pp]`` the latency of ``make-book serve`` (tests/benchmark_serve.py).

Prints every figure of issue 12 with its target beside it.  WHAT is one of:

* **text**: reading the manuscript and running every pass, and the
  typography pass alone (its own share of that time);
* **epub**: our EPUB writer against bare ebooklib packing the very same
  chapter documents; then the whole ``make-book build -f epub`` process
  against pandoc on the same text (target for War and Peace: ≤ 0.1×);
* **pdf**: the print PDF (assembly, layout, settling, page checks, PDF/X-4)
  as one document and with 1 and 2 layout workers, against bare one-process
  WeasyPrint on the very same HTML and CSS
  (targets: War and Peace ≤ 0.55×, Pride and Prejudice ≤ 0.6× with 2
  workers; peak memory per worker ≤ 450 MiB), and pandoc → WeasyPrint on
  the same text (Pride and Prejudice: ours no slower);
* **all**: ``--format all`` (print and screen laid out at the same time)
  against EPUB + print PDF;
* **cache**: a build with nothing changed (≤ 0.5 s, outputs untouched); the
  EPUB with an empty cache, then with one chapter edited (≤ 1 s: the
  generated cover comes from the cache, WeasyPrint is never imported); the
  print PDF with one chapter edited (≤ 15 % of a full build); and the same
  EPUB edits saved while ``make-book build --watch`` runs (save → EPUB
  written, no target of the issue's);
* **novel**: a made-up three-level novel (volumes, books, chapters; about
  2,000 pages, generated here, ``n3``): per-page cost against War and
  Peace's (target ≤ 1×).

``make-book -f epub`` and each edited rebuild run three times and print the
median (the runs in the size column): one run on a busy machine says little.
Every figure is measured in its own child process, byte-compiled as an
installed package runs (:func:`warm_up`), so that its peak memory
(maximum resident set size) is its own; layout workers report theirs.  Times
are wall-clock seconds, with the CPU seconds of every process involved
beside them; on a busy machine compare ratios rather than absolute figures
(each ratio is measured side by side in one run), and for the parallel
layout the CPU seconds (its overhead over one process) as well.  pandoc
comes from the ``pypandoc-binary`` wheel when it is installed (benchmark
only, not a dependency); without it those figures say why they are missing.
"""

from __future__ import annotations

import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(os.environ.get("MAKE_BOOK_CORPUS", REPO.parent / "shared" / "corpus"))
BOOKS = {"pp": "pg-en-austen-pride-and-prejudice.txt", "wp": "pg-en-tolstoy-war-and-peace.txt",
         "n3": None}
WHATS = ("text", "epub", "pdf", "all", "cache", "novel")
SCRATCH = Path(tempfile.gettempdir()) / "make-book-benchmark"
#: Whole-process figures short enough to repeat are run this many times and
#: the median printed (make-book -f epub; each edit of the cache figures).
RUNS = 3
#: The words the cache figures write into the book, one rebuild each.
EDIT_WORDS = ("that", "this", "than")


# ------------------------------------------------------- the made-up novel

_NOUNS = ("river", "morning", "house", "window", "letter", "road", "evening", "garden", "answer",
          "soldier", "mother", "village", "winter", "bridge", "candle", "doctor", "horse", "harbour",
          "mountain", "field", "stranger", "promise", "question", "journey", "brother", "table")
_VERBS = ("remembered", "walked toward", "looked at", "answered", "waited for", "listened to",
          "wondered about", "carried", "opened", "closed", "followed", "noticed", "gathered")
_ADJECTIVES = ("quiet", "bright", "heavy", "old", "cold", "narrow", "distant", "small", "grey")
_PEOPLE = ("she", "he", "the old man", "his sister", "the captain", "they", "Anna", "the boy")


def _sentence(rng: random.Random) -> str:
    parts = [rng.choice(_PEOPLE), rng.choice(_VERBS), "the", rng.choice(_ADJECTIVES),
             rng.choice(_NOUNS)]
    if rng.random() < 0.6:
        parts += [rng.choice(("and", "while", "because", "but", "when")), rng.choice(_PEOPLE),
                  rng.choice(_VERBS), "the", rng.choice(_NOUNS)]
    if rng.random() < 0.4:
        parts += ["in", "the", rng.choice(_NOUNS), "of", "the", rng.choice(_NOUNS)]
    text = " ".join(parts)
    return text[0].upper() + text[1:] + rng.choice((".", ".", ".", "?", "!"))


def _roman(number: int) -> str:
    out = ""
    for letters, value in (("M", 1000), ("CM", 900), ("D", 500), ("CD", 400), ("C", 100),
                           ("XC", 90), ("L", 50), ("XL", 40), ("X", 10), ("IX", 9), ("V", 5),
                           ("IV", 4), ("I", 1)):
        while number >= value:
            out, number = out + letters, number - value
    return out


def three_level_novel(chars: int = 3_400_000, chapters: int = 365, seed: int = 12) -> str:
    """A plain-text novel in four volumes of three books each, 365 chapters."""
    rng = random.Random(seed)
    words = ("ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE").split()
    parts = ["THE LONG WINTER\n\nA Novel in Four Volumes\n\nby Anna Example\n\n\n"]
    per_chapter = chars // chapters
    books = 12
    number = 0
    for book in range(books):
        if book % 3 == 0:
            parts.append(f"\n\n\nVOLUME {words[book // 3]}\n\n")
        parts.append(f"\n\n\nBOOK {words[book]}\n\n")
        count = chapters // books + (1 if book < chapters % books else 0)
        for chapter in range(count):
            number += 1
            parts.append(f"\n\n\nCHAPTER {_roman(chapter + 1)}\n\n")
            size = 0
            while size < per_chapter:
                paragraph = " ".join(_sentence(rng) for _ in range(rng.randint(2, 8)))
                lines, line = [], ""
                for word in paragraph.split():
                    if len(line) + len(word) + 1 > 70:
                        lines.append(line)
                        line = word
                    else:
                        line = f"{line} {word}".strip()
                lines.append(line)
                text = "\n".join(lines)
                parts.append(text + "\n\n")
                size += len(text)
    return "".join(parts)


def source(key: str) -> Path:
    if BOOKS[key] is not None:
        return CORPUS / BOOKS[key]
    path = SCRATCH / "three-level-novel.txt"
    if not path.exists():
        SCRATCH.mkdir(parents=True, exist_ok=True)
        path.write_text(three_level_novel(), encoding="utf-8")
    return path


# ----------------------------------------------------------- measurements

def _load(key: str, formats=("epub", "pdf")):
    from book.build import load_book
    from book.context import BuildOptions

    return load_book([source(key)], BuildOptions(formats=formats))


def _text(key: str, mode: str) -> dict:
    if mode == "read+passes":
        start = time.perf_counter()
        book, _ = _load(key)
        return {"seconds": time.perf_counter() - start, "size": len(book.chapters)}
    from book.context import BuildContext, BuildOptions
    from book.passes import run_passes
    from book.passes.typography import run as typography
    from book.pipeline import read_book
    from book.project import open_project

    _load(key)  # warm: dictionaries and regexes compiled
    project = open_project([source(key)])
    ctx = BuildContext(config=project.config, sandbox=project.sandbox,
                       options=BuildOptions(formats=("epub",)))
    fresh = run_passes(read_book(project, ctx), ctx, skip=frozenset({
        "typography", "notes", "images", "links", "contents", "accessibility"}))
    start = time.perf_counter()
    for chapter in fresh.chapters:
        typography(chapter, ctx)
    return {"seconds": time.perf_counter() - start, "size": len(fresh.chapters)}


def _epub_writer(key: str, mode: str) -> dict:
    from book.writers.epub import write_epub

    book, ctx = _load(key)
    if mode == "ours":
        start = time.perf_counter()
        data = write_epub(book, ctx)
        return {"seconds": time.perf_counter() - start, "size": len(data)}
    from ebooklib import epub

    from book.writers.epub.documents import chapter_documents, render
    from book.writers.epub.serialize import document

    docs = chapter_documents(book, ctx)
    bodies = [(doc.href, doc.title, document(render(doc), title=doc.title, lang=doc.lang))
              for doc in docs]
    start = time.perf_counter()
    ebook = epub.EpubBook()
    ebook.set_identifier("bench")
    ebook.set_title(book.metadata.title)
    ebook.set_language(book.metadata.language)
    items = []
    for number, (href, title, body) in enumerate(bodies):
        item = epub.EpubItem(uid=f"c{number}", file_name=href, media_type="application/xhtml+xml",
                             content=body)
        ebook.add_item(item)
        items.append(item)
    ebook.toc = [epub.Link(href, title, f"l{n}") for n, (href, title, _) in enumerate(bodies)]
    ebook.add_item(epub.EpubNcx())
    ebook.add_item(epub.EpubNav())
    ebook.spine = ["nav", *items]
    out = io.BytesIO()
    epub.write_epub(out, ebook)
    return {"seconds": time.perf_counter() - start, "size": len(out.getvalue())}


def _pdf(key: str, mode: str) -> dict:
    """``bare``: WeasyPrint alone on our HTML and CSS; ``jobsN``: our print PDF
    in chunks by N workers; ``whole``: our print PDF as one document.

    With two workers or more, the workers start before the book is read, as
    ``make-book build`` starts them (book/build.py's ``early_workers``): each
    imports WeasyPrint while the book is read, as the bare run imports it
    before its timing starts.  Their CPU, counted when they exit, includes
    that import."""
    jobs = None if mode == "whole" or not mode.startswith("jobs") else int(mode[4:])
    early = None
    if jobs is not None and jobs > 1:
        from book.build import early_workers
        from book.context import BuildOptions

        early = early_workers(BuildOptions(formats=("pdf",), jobs=jobs), None)
    book, ctx = _load(key, ("pdf",))
    if mode.startswith("jobs") or mode == "whole":
        from book.writers.pdf import render_editions

        ctx.options.jobs = jobs
        ctx.workers = early
        cpu, start = _cpu(), time.perf_counter()
        try:
            result = render_editions(book, ctx, ("print",))["print"]
            seconds = time.perf_counter() - start
        finally:
            if early is not None:
                early.close()
        return {"seconds": seconds, "cpu": _cpu() - cpu, "size": len(result.layout.page_labels)}
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from book.writers.pdf.html import Assembler
    from book.writers.pdf.job import make_fetcher, make_setup

    html = Assembler(book, ctx, print_edition=True).build().serialize()
    # The same CSS and resources as ours (the output intent's ICC profile too).
    setup = make_setup(book, ctx, print_edition=True)
    fetcher = make_fetcher(setup, book.assets)
    cpu, start = _cpu(), time.perf_counter()
    fonts, profiles = FontConfiguration(), {}
    sheets = [CSS(string=text, base_url=setup.root_url, url_fetcher=fetcher, font_config=fonts,
                  color_profiles=profiles) for text in [setup.css_text, *setup.user_css]]
    document = HTML(string=html, base_url=setup.root_url, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=fonts, color_profiles=profiles,
        pdf_variant=setup.pdf_variant)
    document.write_pdf(pdf_variant=setup.pdf_variant)
    return {"seconds": time.perf_counter() - start, "cpu": _cpu() - cpu, "size": len(document.pages)}


def _command(args: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    """A whole process: wall time and its peak memory (largest process)."""
    start = time.perf_counter()
    done = subprocess.run(args, cwd=cwd, env=_environment(env), capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} failed: {done.stderr[-500:]}")
    return {"seconds": seconds}


def _make_book(args: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    return _command([sys.executable, "-m", "make_book", "build", *args, "-q"], cwd, env)


def _pandoc() -> str | None:
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError):
        return None


def _pandoc_epub(key: str, mode: str) -> dict:
    pandoc = _pandoc()
    out = SCRATCH / "pandoc.epub"
    SCRATCH.mkdir(parents=True, exist_ok=True)
    return _command([pandoc, "-f", "markdown", "-t", "epub3", str(source(key)), "-o", str(out)])


def _ours_epub(key: str, mode: str) -> dict:
    out = SCRATCH / f"epub-{key}"
    return _median([_make_book([str(source(key)), "-f", "epub", "-o", str(out), "--no-cache"])
                    ["seconds"] for _ in range(RUNS)])


def _pandoc_pdf(key: str, mode: str) -> dict:
    pandoc = _pandoc()
    weasy = shutil.which("weasyprint") or str(Path(sys.executable).parent / "weasyprint")
    out = SCRATCH / "pandoc.pdf"
    SCRATCH.mkdir(parents=True, exist_ok=True)
    return _command([pandoc, "-f", "markdown", str(source(key)), "-o", str(out),
                     f"--pdf-engine={weasy}"])


def _ours_pdf(key: str, mode: str) -> dict:
    out = SCRATCH / f"pdf-{key}"
    formats = {"pdf": "pdf", "all": "all", "epub+pdf": "epub,pdf"}[mode]
    return _make_book([str(source(key)), "-f", formats, "-o", str(out), "--no-cache", "--jobs", "2"])


def _cache(key: str, mode: str) -> dict:
    """``unchanged``, ``full-epub``, ``edit-epub``, ``full-pdf``, ``edit-pdf`` on a
    copy of the book (``full-*``: the first build, with an empty cache)."""
    folder = SCRATCH / f"cache-{key}-{mode}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    manuscript = folder / source(key).name
    shutil.copyfile(source(key), manuscript)
    env = {"MAKE_BOOK_CACHE_DIR": str(folder / "cache"), "SOURCE_DATE_EPOCH": "1700000000"}
    formats = "epub" if "epub" in mode else "pdf" if "pdf" in mode else "all"
    args = [str(manuscript), "-f", formats, "-o", str(folder / "out"), "--jobs", "2"]
    first = _make_book(args, env=env)
    if mode in ("full-pdf", "full-epub"):
        return first
    if mode == "unchanged":
        before = {p.name: p.stat().st_mtime_ns for p in (folder / "out").iterdir()}
        result = _make_book(args, env=env)
        after = {p.name: p.stat().st_mtime_ns for p in (folder / "out").iterdir()}
        result["size"] = "outputs untouched" if before == after else "outputs rewritten"
        return result
    # One word edited in the middle of the book, then another a little further
    # on, each rebuilt: the median of the rebuilds (a busy machine's noise).
    text = manuscript.read_text(encoding="utf-8")
    runs = []
    for number, word in enumerate(EDIT_WORDS):
        middle = text.index(" the ", len(text) // 2 + 1000 * number)
        text = text[:middle] + f" {word} " + text[middle + 5:]
        manuscript.write_text(text, encoding="utf-8")
        runs.append(_make_book(args, env=env)["seconds"])
    return _median(runs)


def _watched_edits(key: str, mode: str) -> dict:
    """``make-book build -f epub --watch`` on a copy of the book: the same
    one-word edits as the cache figures, each timed from the save to the
    round's last line (its EPUB written)."""
    folder = SCRATCH / f"watch-{key}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    manuscript = folder / source(key).name
    shutil.copyfile(source(key), manuscript)
    env = _environment({"MAKE_BOOK_CACHE_DIR": str(folder / "cache"),
                        "SOURCE_DATE_EPOCH": "1700000000"})
    process = subprocess.Popen(
        [sys.executable, "-m", "make_book", "build", str(manuscript), "-f", "epub", "-o",
         str(folder / "out"), "--jobs", "2", "--watch"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)

    def until(text: str) -> None:
        for line in process.stderr:
            if text in line:
                return
            if ": error: " in line:
                raise RuntimeError(line.strip())
        raise RuntimeError(f"make-book --watch ended before {text!r}")

    try:
        until("for changes")
        text = manuscript.read_text(encoding="utf-8")
        runs = []
        for number, word in enumerate(EDIT_WORDS):
            middle = text.index(" the ", len(text) // 2 + 1000 * number)
            text = text[:middle] + f" {word} " + text[middle + 5:]
            start = time.perf_counter()
            manuscript.write_text(text, encoding="utf-8")
            until(f"round {number + 2} done")
            runs.append(time.perf_counter() - start)
    finally:
        process.terminate()
        process.wait()
    return _median(runs)


def _median(runs: list[float]) -> dict:
    """The middle run of several, and all of them for the size column."""
    ordered = sorted(runs)
    return {"seconds": ordered[len(ordered) // 2],
            "size": "median of " + ", ".join(f"{run:.2f}" for run in runs)}


FIGURES = {"text": _text, "epub-writer": _epub_writer, "pdf": _pdf, "pandoc-epub": _pandoc_epub,
           "ours-epub": _ours_epub, "pandoc-pdf": _pandoc_pdf, "ours-pdf": _ours_pdf,
           "cache": _cache, "watch": _watched_edits}


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measure(figure: str, key: str, mode: str) -> dict:
    before = _cpu()
    result = FIGURES[figure](key, mode)
    result.setdefault("cpu", _cpu() - before)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result["child_peak_mib"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result


def _environment(extra: dict | None = None) -> dict:
    """The children's environment: the repository first on the path, and
    byte-code written and read as an installed package has it (a machine
    with PYTHONDONTWRITEBYTECODE set would otherwise compile every module
    of make_book, WeasyPrint and the rest at each start: about 0.5 s)."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPATH": str(REPO), **(extra or {})}


def warm_up() -> None:
    """Compile make_book and the libraries once, before anything is timed."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "book")],
                   env=_environment(), check=True, capture_output=True)
    subprocess.run([sys.executable, "-c", "import book.build, book.writers.epub, "
                    "book.writers.pdf.chunked, book.covers.render, weasyprint, pikepdf, "
                    "pypdfium2, ebooklib, lingua"], env=_environment(), check=True,
                   capture_output=True)


def _child(figure: str, key: str, mode: str) -> dict | str:
    done = subprocess.run([sys.executable, __file__, "--one", figure, key, mode],
                          capture_output=True, text=True, env=_environment())
    if done.returncode != 0:
        return f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}"
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------- report

def _row(key: str, what: str, label: str, run, ratio: str = "", target: str = "") -> None:
    if isinstance(run, str):
        print(f"{key:<4}{what:<7}{label:<34}{'':>9}{'':>8}{'':>9}  {run}", flush=True)
        return
    peak = max(run.get("peak_mib", 0), run.get("child_peak_mib", 0))
    size = run.get("size", "")
    print(f"{key:<4}{what:<7}{label:<34}{run['seconds']:>9.2f}{ratio:>8}{peak:>9.0f}"
          f"{run.get('cpu', 0):>8.1f}  {size}{'  target ' + target if target else ''}", flush=True)


def _paired(key: str, target: str, pairs: int = 2) -> None:
    """The 2-worker ratio again, from ``pairs`` runs of bare WeasyPrint each
    followed at once by ours: the machine's speed drifts within minutes,
    and the rows above ran minutes apart."""
    ratios = []
    for _ in range(pairs):
        one, two = _child("pdf", key, "bare"), _child("pdf", key, "jobs2")
        if isinstance(one, str) or isinstance(two, str):
            print(f"{key:<4}{'pdf':<7}{'2 workers / bare, in pairs':<34}  "
                  f"{one if isinstance(one, str) else two}")
            return
        ratios.append(two["seconds"] / one["seconds"])
    mean = sum(ratios) / len(ratios)
    print(f"{key:<4}{'pdf':<7}{'2 workers / bare, in pairs':<34}{'':>9}{mean:>8.2f}{'':>9}{'':>8}  "
          f"mean of {', '.join(f'{r:.2f}' for r in ratios)}  target {target}", flush=True)


def _ratio(a, b) -> str:
    if isinstance(a, str) or isinstance(b, str):
        return "-"
    return f"{a['seconds'] / b['seconds']:.2f}"


def report(keys: list[str], whats: list[str]) -> None:
    print(f"{'book':<4}{'what':<7}{'measure':<34}{'seconds':>9}{'ratio':>8}{'peak MiB':>9}"
          f"{'CPU s':>8}  size")
    warm_up()
    have_pandoc = _pandoc() is not None
    no_pandoc = "unavailable: pandoc not installed (pip install pypandoc-binary)"
    for key in keys:
        if "text" in whats and key != "n3":
            a, b = _child("text", key, "read+passes"), _child("text", key, "typography")
            _row(key, "text", "read + all passes", a)
            _row(key, "text", "typography pass alone", b, _ratio(b, a))
        if "epub" in whats and key != "n3":
            a, b = _child("epub-writer", key, "bare"), _child("epub-writer", key, "ours")
            _row(key, "epub", "bare ebooklib", a)
            _row(key, "epub", "make_book EPUB writer", b, _ratio(b, a))
            ours = _child("ours-epub", key, "")
            theirs = _child("pandoc-epub", key, "") if have_pandoc else no_pandoc
            _row(key, "epub", "pandoc -> EPUB (process)", theirs)
            _row(key, "epub", "make-book -f epub (process)", ours, _ratio(ours, theirs),
                 "<= 0.10" if key == "wp" else "")
        if "pdf" in whats:
            bare = _child("pdf", key, "bare")
            _row(key, "pdf", "bare WeasyPrint, one process", bare)
            if key != "n3":
                run = _child("pdf", key, "whole")
                _row(key, "pdf", "make_book print PDF, one document", run, _ratio(run, bare))
            for jobs in (1, 2):
                run = _child("pdf", key, f"jobs{jobs}")
                target = {"wp": "<= 0.55", "pp": "<= 0.60"}.get(key, "") if jobs == 2 else ""
                _row(key, "pdf", f"make_book print PDF, {jobs} worker{'s' if jobs > 1 else ''}",
                     run, _ratio(run, bare), target)
                if jobs == 2 and not isinstance(run, str) and key == "wp":
                    print(f"{'':<11}peak memory of one worker: {run['child_peak_mib']:.0f} MiB "
                          f"(target <= 450)")
                if target:
                    _paired(key, target)
            if key == "pp":
                theirs = _child("pandoc-pdf", key, "") if have_pandoc else no_pandoc
                ours = _child("ours-pdf", key, "pdf")
                _row(key, "pdf", "pandoc -> WeasyPrint (process)", theirs)
                _row(key, "pdf", "make-book -f pdf (process)", ours, _ratio(ours, theirs),
                     "<= 1.00")
        if "all" in whats and key == "pp":
            both = _child("ours-pdf", key, "epub+pdf")
            every = _child("ours-pdf", key, "all")
            _row(key, "all", "make-book -f epub,pdf (process)", both)
            _row(key, "all", "make-book -f all (process)", every, _ratio(every, both),
                 "print and screen at once")
        if "cache" in whats and key != "n3":
            full = _child("cache", key, "full-pdf")
            unchanged = _child("cache", key, "unchanged")
            full_epub = _child("cache", key, "full-epub")
            edit_epub = _child("cache", key, "edit-epub")
            edit_pdf = _child("cache", key, "edit-pdf")
            watched = _child("watch", key, "")
            _row(key, "cache", "nothing changed, -f all", unchanged, "", "<= 0.5 s")
            _row(key, "cache", "-f epub, empty cache", full_epub)
            _row(key, "cache", "one chapter edited, -f epub", edit_epub, _ratio(edit_epub, full_epub),
                 "<= 1 s" if key == "wp" else "")
            _row(key, "cache", "the same edits saved, --watch", watched,
                 _ratio(watched, full_epub))
            _row(key, "cache", "full print PDF build", full)
            _row(key, "cache", "one chapter edited, -f pdf", edit_pdf, _ratio(edit_pdf, full),
                 "<= 0.15" if key == "wp" else "")
        if "novel" in whats and key == "n3":
            run = _child("pdf", "n3", "jobs2")
            wp = _child("pdf", "wp", "jobs2")
            _row("n3", "novel", "3-level novel, 2 workers", run)
            _row("wp", "novel", "War and Peace, 2 workers", wp)
            if not isinstance(run, str) and not isinstance(wp, str):
                per = (run["seconds"] / run["size"]) / (wp["seconds"] / wp["size"])
                print(f"{'':<11}per-page cost, novel / War and Peace: {per:.2f} (target <= 1.00)")


if __name__ == "__main__":
    if sys.argv[1:2] == ["catalog"]:
        from benchmark_catalog import main as catalog_main

        catalog_main()
    elif sys.argv[1:2] == ["serve"]:
        from benchmark_serve import main as serve_main

        serve_main(sys.argv[2:])
    elif len(sys.argv) == 5 and sys.argv[1] == "--one":
        print(json.dumps(_measure(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        args = sys.argv[1:]
        only = [a for i, a in enumerate(args) if i and args[i - 1] == "--only"]
        keys = [k for k in args if k in BOOKS] or ["pp", "wp", "n3"]
        report(keys, only or list(WHATS))
