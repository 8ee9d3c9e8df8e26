"""Benchmark of the print PDF (not a test): ``python tests/benchmark.py [pp] [wp]``.

For Pride and Prejudice and War and Peace it prints the time of our print PDF
writer (assembly + layout + PDF/X-4 output), the time of bare WeasyPrint on
the very same HTML and CSS (``HTML(string).write_pdf`` with the same
variant), their ratio, the page count and each run's peak memory.  Every
measurement runs in its own child process so peak RSS is its own.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
BOOKS = {"pp": "pg-en-austen-pride-and-prejudice.txt", "wp": "pg-en-tolstoy-war-and-peace.txt"}


def _measure(key: str, mode: str) -> dict:
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from test_pdf_helpers import load

    from book.writers.pdf import write_print_pdf

    book, ctx = load([CORPUS / BOOKS[key]])
    if mode == "ours":
        start = time.perf_counter()
        result = write_print_pdf(book, ctx)
        elapsed = time.perf_counter() - start
        pages = len(result.layout.page_labels)
    else:
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
        elapsed = time.perf_counter() - start
        pages = len(document.pages)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": elapsed, "pages": pages, "peak_mib": peak}


def main(keys: list[str]) -> None:
    print(f"{'book':<6}{'pages':>7}{'ours s':>9}{'bare s':>9}{'ratio':>7}{'ours MiB':>10}{'bare MiB':>10}")
    for key in keys:
        runs = {}
        for mode in ("bare", "ours"):
            out = subprocess.run([sys.executable, __file__, "--one", key, mode], capture_output=True,
                                 text=True, check=True).stdout
            runs[mode] = json.loads(out.strip().splitlines()[-1])
        ours, bare = runs["ours"], runs["bare"]
        print(f"{key:<6}{ours['pages']:>7}{ours['seconds']:>9.1f}{bare['seconds']:>9.1f}"
              f"{ours['seconds'] / bare['seconds']:>7.2f}{ours['peak_mib']:>10.0f}{bare['peak_mib']:>10.0f}",
              flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(_measure(sys.argv[2], sys.argv[3])))
    else:
        main([k for k in sys.argv[1:] if k in BOOKS] or list(BOOKS))
