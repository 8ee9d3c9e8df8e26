"""Benchmark (not a test): ``python tests/benchmark.py [pp] [wp] [--only pdf|epub|text]``.

``python tests/benchmark.py catalog`` prints the figures of ``make-book
catalog`` instead (tests/benchmark_catalog.py).

For Pride and Prejudice (pp) and War and Peace (wp) it prints:

* **text**: reading the manuscript and running every pass, and the
  typography pass alone (its own share of that time);
* **epub**: our EPUB writer against bare ebooklib packing the very same
  chapter documents (``EpubBook`` + ``write_epub``), their ratio;
* **pdf**: our print PDF writer (assembly + layout + PDF/X-4) against bare
  WeasyPrint on the very same HTML and CSS (``HTML(string).render()`` then
  ``write_pdf`` with the same variant), their ratio and page count.

Every figure is measured in its own child process so that its peak memory
(maximum resident set size) is its own.  Times are wall-clock seconds; on a
busy machine compare ratios rather than absolute figures.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
BOOKS = {"pp": "pg-en-austen-pride-and-prejudice.txt", "wp": "pg-en-tolstoy-war-and-peace.txt"}
MODES = {
    "text": ("read+passes", "typography"),
    "epub": ("bare", "ours"),
    "pdf": ("bare", "ours"),
}


def _load(key: str):
    sys.path[:0] = [str(REPO)]
    from book.build import load_book
    from book.context import BuildOptions

    return load_book([CORPUS / BOOKS[key]], BuildOptions(formats=("epub", "pdf")))


def _text(key: str, mode: str) -> dict:
    if mode == "read+passes":
        start = time.perf_counter()
        book, _ = _load(key)
        elapsed = time.perf_counter() - start
        return {"seconds": elapsed, "size": len(book.chapters)}
    from book.build import load_book  # noqa: F401  (imports warm before timing)
    from book.context import BuildOptions
    from book.passes import run_passes
    from book.passes.typography import run as typography
    from book.pipeline import read_book
    from book.project import open_project

    book, ctx = _load(key)  # warm: dictionaries and regexes compiled
    project = open_project([CORPUS / BOOKS[key]])
    from book.context import BuildContext

    ctx2 = BuildContext(config=project.config, sandbox=project.sandbox,
                        options=BuildOptions(formats=("epub",)))
    fresh = read_book(project, ctx2)
    fresh = run_passes(fresh, ctx2, skip=frozenset({"typography", "notes", "images", "links",
                                                     "contents", "accessibility"}))
    start = time.perf_counter()
    for chapter in fresh.chapters:
        typography(chapter, ctx2)
    elapsed = time.perf_counter() - start
    return {"seconds": elapsed, "size": len(fresh.chapters)}


def _epub(key: str, mode: str) -> dict:
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
    from book.writers.pdf import write_print_pdf

    book, ctx = _load(key)
    if mode == "ours":
        start = time.perf_counter()
        result = write_print_pdf(book, ctx)
        return {"seconds": time.perf_counter() - start, "size": len(result.layout.page_labels)}
    from weasyprint import CSS, HTML

    from book.stylesheets import shipped_css
    from book.writers.pdf import pagecss, variants
    from book.writers.pdf.html import Assembler

    html = Assembler(book, ctx, print_edition=True).build().serialize()
    css = shipped_css("print", ctx.config.style.theme) + pagecss.page_css(
        ctx.config.pdf, ctx.config.style, verso_head=book.metadata.title, print_edition=True)
    setup = variants.print_setup(ctx)
    start = time.perf_counter()
    document = HTML(string=html).render(stylesheets=[CSS(string=css + variants.CMYK_CSS)])
    document.write_pdf(pdf_variant=setup.pdf_variant)
    return {"seconds": time.perf_counter() - start, "size": len(document.pages)}


def _measure(what: str, key: str, mode: str) -> dict:
    result = {"text": _text, "epub": _epub, "pdf": _pdf}[what](key, mode)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _child(what: str, key: str, mode: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--one", what, key, mode], capture_output=True,
                         text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(keys: list[str], whats: list[str]) -> None:
    print(f"{'book':<5}{'what':<6}{'measure':<26}{'seconds':>9}{'ratio':>8}{'peak MiB':>10}  size")
    for key in keys:
        for what in whats:
            first, second = MODES[what]
            a, b = _child(what, key, first), _child(what, key, second)
            if what == "text":
                rows = [("read + all passes", a, ""), ("typography pass alone", b,
                                                         f"{b['seconds'] / a['seconds']:.2f}")]
            else:
                rows = [(f"bare {'ebooklib' if what == 'epub' else 'WeasyPrint'}", a, ""),
                        ("make_book", b, f"{b['seconds'] / a['seconds']:.2f}")]
            for label, run, ratio in rows:
                unit = {"text": "chapters", "epub": "bytes", "pdf": "pages"}[what]
                print(f"{key:<5}{what:<6}{label:<26}{run['seconds']:>9.2f}{ratio:>8}"
                      f"{run['peak_mib']:>10.0f}  {run['size']} {unit}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["catalog"]:
        from benchmark_catalog import main as catalog_main

        catalog_main()
    elif len(sys.argv) == 5 and sys.argv[1] == "--one":
        print(json.dumps(_measure(sys.argv[2], sys.argv[3], sys.argv[4])))
    else:
        args = sys.argv[1:]
        only = [args[i + 1] for i, a in enumerate(args) if a == "--only" and i + 1 < len(args)]
        main([k for k in args if k in BOOKS] or list(BOOKS), only or list(MODES))
