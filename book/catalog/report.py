"""The run's report: one row per book, as JSON, CSV and HTML.

``catalog-report.json`` holds everything (every warning with its code,
file and line; the checkers' findings with ``--check``); the CSV one row per
book for a spreadsheet; the HTML (:mod:`.report_html`) the same for a
person.  The three are written together, atomically, at the end of a run
and when it is interrupted (unfinished books are then "not built").
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import __version__
from .progress import duration

BUILT, SKIPPED, FAILED, NOT_BUILT = "built", "skipped", "failed", "not built"
STATUSES = (BUILT, SKIPPED, FAILED, NOT_BUILT)
REPORT_NAMES = {"json": "catalog-report.json", "csv": "catalog-report.csv",
                "html": "catalog-report.html"}
#: Output formats in the order of the report's columns.
OUTPUT_FORMATS = ("epub", "pdf", "pdf-screen", "cover")
_CHECK_TOOLS = ("epubcheck", "ace", "make-book")


@dataclass
class BookResult:
    """What became of one book in this run (or, skipped, in the last one)."""

    id: str
    status: str
    source: str = ""
    title: str = ""
    seconds: float = 0.0
    attempts: int = 0
    pages: int | None = None
    outputs: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    error_code: str = ""
    error_kind: str = ""
    check: dict[str, Any] | None = None
    worker: str = ""

    @property
    def warning_counts(self) -> dict[str, int]:
        return dict(sorted(Counter(w["code"] for w in self.warnings).items()))

    @property
    def check_failed(self) -> bool:
        return bool(self.check) and not self.check.get("passed", True)

    def output_size(self, fmt: str) -> int | None:
        for output in self.outputs:
            if output["format"] == fmt:
                return int(output["size"])
        return None

    def figures(self) -> dict[str, Any]:
        """What the manifest keeps, so a skipped book still has its row."""
        return {"title": self.title, "seconds": round(self.seconds, 3), "pages": self.pages,
                "warnings": self.warnings, "check": self.check, "error": self.error,
                "error_code": self.error_code, "worker": self.worker, "attempts": self.attempts}


@dataclass
class CatalogResult:
    """A whole run."""

    catalog: str
    outdir: str
    backend: str
    started: str
    seconds: float = 0.0
    books: list[BookResult] = field(default_factory=list)
    interrupted: bool = False
    checked: bool = False
    notes: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts = Counter(book.status for book in self.books)
        return {status: counts.get(status, 0) for status in STATUSES}

    @property
    def failed(self) -> bool:
        """True when a book failed or, with --check, failed its checks (exit 1)."""
        return any(b.status == FAILED or b.check_failed for b in self.books)

    def summary(self) -> str:
        counts = self.counts()
        parts = [f"{counts[s]} {s}" for s in STATUSES if counts[s] or s in (BUILT, FAILED)]
        checks = sum(b.check_failed for b in self.books)
        if self.checked:
            parts.append(f"{checks} failed checks" if checks else "all checks passed")
        warnings = sum(len(b.warnings) for b in self.books if b.status == BUILT)
        if warnings:
            parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
        how = "interrupted after" if self.interrupted else "in"
        return (f"catalog: {len(self.books)} books: {', '.join(parts)} {how} "
                f"{duration(self.seconds)}")

    def as_dict(self) -> dict[str, Any]:
        books = []
        for book in self.books:
            row = asdict(book)
            row["warning_counts"] = book.warning_counts
            row["seconds"] = round(book.seconds, 3)
            books.append(row)
        return {"tool": f"make-book {__version__}", "catalog": self.catalog, "outdir": self.outdir,
                "backend": self.backend, "started": self.started,
                "seconds": round(self.seconds, 3), "interrupted": self.interrupted,
                "counts": self.counts(), "summary": self.summary(), "notes": self.notes,
                "books": books}


CSV_COLUMNS = ["id", "status", "title", "seconds", "attempts", "pages",
               *[f"{fmt}_bytes" for fmt in OUTPUT_FORMATS], "warnings", "warning_codes",
               *[f"{tool}_{kind}" for tool in _CHECK_TOOLS for kind in ("errors", "warnings")],
               "error", "source", "worker"]


def csv_text(result: CatalogResult) -> str:
    """One row per book; sizes in bytes, warnings as ``CODE xN; …``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for book in result.books:
        tools = (book.check or {}).get("tools", {})
        writer.writerow([
            book.id, book.status, book.title, f"{book.seconds:.2f}", book.attempts,
            "" if book.pages is None else book.pages,
            *["" if book.output_size(fmt) is None else book.output_size(fmt)
              for fmt in OUTPUT_FORMATS],
            len(book.warnings),
            "; ".join(f"{code} x{n}" for code, n in book.warning_counts.items()),
            *[tools.get(tool, {}).get(kind, "") for tool in _CHECK_TOOLS
              for kind in ("errors", "warnings")],
            book.error, book.source, book.worker])
    return out.getvalue()
