"""``catalog-report.html``: the run's report for a person to read.

One self-contained page (no script, no outside resource): the summary, the
books that failed with their one-line errors first, then a table of every
book with its status, time, pages, output sizes (linked to the files, which
sit beside the report), warnings by code and, with ``--check``, the
checkers' counts.  Built with lxml like every other piece of markup here.
"""

from __future__ import annotations

from urllib.parse import quote

from lxml import html as lxml_html
from lxml.html import builder as E

from .progress import duration
from .report import BUILT, FAILED, OUTPUT_FORMATS, BookResult, CatalogResult

_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em; color: #1b1b1b; }
h1 { font-size: 1.5em; margin-bottom: .2em; }
table { border-collapse: collapse; margin-top: 1em; font-size: .92em; }
th, td { border-bottom: 1px solid #ccc; padding: .35em .6em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.status-built { color: #0b6b2a; font-weight: 600; }
.status-skipped { color: #555; }
.status-failed, .check-failed { color: #a4000f; font-weight: 600; }
.status-not-built { color: #8a5300; }
.error { color: #a4000f; }
code { font-size: .95em; }
"""

_FORMAT_LABELS = {"epub": "EPUB", "pdf": "Print PDF", "pdf-screen": "Screen PDF", "cover": "Cover"}


def _size(size: int) -> str:
    if size >= 2**20:
        return f"{size / 2**20:.1f} MiB"
    return f"{max(1, round(size / 1024))} KiB"


def _outputs(book: BookResult):
    cell = E.TD()
    for output in sorted(book.outputs, key=lambda o: OUTPUT_FORMATS.index(o["format"])
                         if o["format"] in OUTPUT_FORMATS else 99):
        if len(cell):
            cell.append(E.BR())
        link = E.A(_FORMAT_LABELS.get(output["format"], output["format"]),
                   href=quote(f"{book.id}/{output['name']}"))
        link.tail = f" {_size(int(output['size']))}"
        cell.append(link)
    return cell


def _check(book: BookResult):
    if not book.check:
        return E.TD()
    parts = []
    for tool, figures in book.check.get("tools", {}).items():
        if figures.get("status") != "ran":
            parts.append(f"{tool}: {figures.get('status')}")
        else:
            parts.append(f"{tool}: {figures.get('errors', 0)} errors, "
                         f"{figures.get('warnings', 0)} warnings")
    cell = E.TD("; ".join(parts))
    if book.check_failed:
        cell.set("class", "check-failed")
    return cell


def _row(book: BookResult, checked: bool):
    status = E.TD(book.status, E.CLASS(f"status-{book.status.replace(' ', '-')}"))
    if book.attempts > 1:
        status.append(E.BR())
        status[-1].tail = f"({book.attempts} tries)"
    warnings = ", ".join(f"{code} ×{n}" for code, n in book.warning_counts.items())
    detail = E.TD(book.error, E.CLASS("error")) if book.error else E.TD(warnings)
    return E.TR(
        E.TH(book.id, scope="row", id=f"book-{book.id}"),
        status,
        E.TD(book.title),
        E.TD(f"{book.seconds:.1f} s" if book.status in (BUILT, FAILED) else "", E.CLASS("num")),
        E.TD("" if book.pages is None else str(book.pages), E.CLASS("num")),
        _outputs(book),
        E.TD(str(len(book.warnings)), E.CLASS("num")),
        detail,
        *([_check(book)] if checked else []),
    )


def html_bytes(result: CatalogResult) -> bytes:
    """The report page, UTF-8."""
    counts = result.counts()
    summary = E.UL(*[E.LI(f"{n} {status}") for status, n in counts.items() if n])
    failed = [b for b in result.books if b.status == FAILED or b.check_failed]
    checked = result.checked or any(b.check for b in result.books)
    columns = ["Book", "Status", "Title", "Time", "Pages", "Outputs", "Warnings",
               "Warnings by code / error"] + (["Checks"] if checked else [])
    body = E.BODY(
        E.H1("Catalog report"),
        E.P(f"{result.catalog} → {result.outdir}; {result.backend}; started {result.started}; "
            f"{duration(result.seconds)}{' (interrupted)' if result.interrupted else ''}."),
        E.P(E.STRONG(result.summary())),
        summary,
    )
    for note in result.notes:
        body.append(E.P(note))
    if failed:
        body.append(E.H2("Failed"))
        body.append(E.UL(*[E.LI(E.A(b.id, href=f"#book-{b.id}"), f": {b.error or 'checks failed'}")
                          for b in failed]))
    body.append(E.H2("Books"))
    body.append(E.TABLE(
        E.CAPTION(f"{len(result.books)} books, in the catalog's order"),
        E.THEAD(E.TR(*[E.TH(label, scope="col") for label in columns])),
        E.TBODY(*[_row(book, checked) for book in result.books]),
    ))
    page = E.HTML(E.HEAD(E.META(charset="utf-8"), E.TITLE(f"Catalog report: {result.catalog}"),
                         E.META(name="viewport", content="width=device-width"),
                         E.STYLE(_STYLE)), body, lang="en")
    return lxml_html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8", pretty_print=True)
