"""The proof's findings as data (``proof.json``) and as a page (``proof.html``).

The JSON is for CI: a stable schema (:data:`SCHEMA`), paths relative to
the proof folder, findings in check order.  The HTML is one
self-contained file (its style inline) beside the pictures it shows: a
summary by severity and code, then every finding in page order (as a
proofreader reads) with its page's thumbnail, the spot marked, and links to the spread.  Built with lxml,
so text from the manuscript is always escaped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lxml import html
from lxml.builder import E

from ..pagecheck import Finding

#: Names the JSON layout; bumped when a field changes meaning.
SCHEMA = "make-book-proof/1"
SEVERITIES = ("error", "warning", "note")


@dataclass
class ProofData:
    """What the report shows, with the proof folder's file names."""

    title: str
    pdf: str
    page_count: int
    dpi: int
    findings: list[Finding]
    spreads: list[str] = field(default_factory=list)
    contact_sheet: str = ""
    #: Page number → thumbnail file (with that page's findings marked).
    thumbs: dict[int, str] = field(default_factory=dict)
    #: Page number → spread file holding it.
    spread_of: dict[int, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {level: sum(1 for f in self.findings if f.severity == level)
                for level in SEVERITIES}

    def by_code(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for finding in self.findings:
            out[finding.code] = out.get(finding.code, 0) + 1
        return dict(sorted(out.items()))


def to_json(data: ProofData) -> dict[str, Any]:
    """The proof as JSON-ready data (the schema of ``proof.json``)."""
    return {
        "schema": SCHEMA, "title": data.title, "pdf": data.pdf, "pages": data.page_count,
        "dpi": data.dpi, "counts": data.counts(), "codes": data.by_code(),
        "findings": [{
            "code": f.code, "severity": f.severity, "message": f.message, "hint": f.hint,
            "pages": list(f.pages), "labels": list(f.labels),
            "marks": [{"page": m[0], "x": m[1], "y": m[2], "width": m[3], "height": m[4]}
                      for m in f.marks],
        } for f in data.findings],
        "spreads": list(data.spreads), "contact_sheet": data.contact_sheet,
    }


def json_text(data: ProofData) -> str:
    return json.dumps(to_json(data), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


_STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em;
       color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } h2 { font-size: 1.15em; margin-top: 2em; }
table.summary { border-collapse: collapse; } .summary td, .summary th { padding: 0.2em 0.8em;
  border-bottom: 1px solid #ddd; text-align: left; }
.finding { display: flex; gap: 1em; border-top: 1px solid #ddd; padding: 0.8em 0; }
.finding img { border: 1px solid #999; height: 220px; flex: none; }
.code { font-family: monospace; font-weight: bold; }
.severity { display: inline-block; padding: 0 0.5em; border-radius: 0.3em; color: #fff;
  font-size: 0.85em; margin-right: 0.4em; }
.error .severity { background: #c0392b; } .warning .severity { background: #d68910; }
.note .severity { background: #5d6d7e; }
.hint { color: #555; } .none { color: #1e8449; font-weight: bold; }
.sheet img { max-width: 100%; border: 1px solid #999; }
"""


def to_html(data: ProofData) -> bytes:
    """``proof.html``: summary, findings with thumbnails, contact sheet."""
    counts = data.counts()
    summary_rows = [E.tr(E.th("Severity"), E.th("Count"))] + [
        E.tr(E.td(level), E.td(str(counts[level]))) for level in SEVERITIES]
    code_rows = [E.tr(E.th("Code"), E.th("Count"))] + [
        E.tr(E.td(E.span(code, {"class": "code"})), E.td(str(n)))
        for code, n in data.by_code().items()]
    in_page_order = sorted(data.findings, key=lambda f: f.pages[:1] or (0,))
    items = [_finding(data, f) for f in in_page_order] or [
        E.p("No problems found.", {"class": "none"})]
    body = E.body(
        E.h1(f"Proof: {data.title}"),
        E.p(f"{data.pdf}, {data.page_count} pages; spreads at {data.dpi} dpi "
            "(trim box blue, bleed box magenta)."),
        E.table(*summary_rows, {"class": "summary"}),
        E.h2("Findings by code"), E.table(*code_rows, {"class": "summary"}),
        E.h2(f"Findings ({len(data.findings)})"), *items,
        E.h2("Contact sheet"),
        E.p(E.a(E.img(src=data.contact_sheet, alt="every page of the book in small"),
                href=data.contact_sheet), {"class": "sheet"}),
    )
    document = E.html(E.head(E.meta(charset="utf-8"), E.title(f"Proof: {data.title}"),
                             E.style(_STYLE)), body, lang="en")
    return html.tostring(document, doctype="<!DOCTYPE html>", encoding="utf-8", method="html")


def _finding(data: ProofData, finding: Finding) -> Any:
    page = finding.pages[0] if finding.pages else None
    pictures = []
    if page is not None and page in data.thumbs:
        link = data.spread_of.get(page, data.thumbs[page])
        pictures.append(E.a(E.img(src=data.thumbs[page], alt=f"page {page}", loading="lazy"),
                            href=link))
    where = ", ".join(f"{label or number}" for number, label in
                      zip(finding.pages[:12], finding.labels[:12]))
    if len(finding.pages) > 12:
        where += f" and {len(finding.pages) - 12} more"
    text = E.div(
        E.p(E.span(finding.severity, {"class": "severity"}),
            E.span(finding.code, {"class": "code"}), f" page {where}" if where else ""),
        E.p(finding.message), E.p(f"Fix: {finding.hint}", {"class": "hint"}))
    return E.div(*pictures, text, {"class": f"finding {finding.severity}",
                                   "id": f"{finding.code}-{page or 0}"})
