"""``make-book check --structure SOURCE``: the outline a build would make.

Before a page is printed, an editor reviews what the reader made of the
manuscript: the outline (each division and section with its level, its
heading, the source file and line it came from and the words under it),
the title-page fields and where each came from (book.toml, the command
line, the source's title page or library header, detection), the word
preservation figures of the fidelity check (``book/fidelity``) and every
warning.  Nothing is written; ``--json`` gives the same as data.

The report fails (the command exits 1) when a chapter loses more than
0.5 % of its source's words, as a ``--strict`` build would refuse.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..build import Overrides, load_book
from ..context import BuildOptions
from ..diagnostics import Diagnostic, Diagnostics
from ..fidelity import LOSS_LIMIT, Fidelity, tree_segments, words
from ..model import Book, Chapter, Metadata
from ..passes.contents import chapter_label
from ..xhtml import HEADING_TAGS, heading_text, opening_heading

#: Metadata fields shown, in this order.
_FIELDS = ("title", "subtitle", "authors", "contributors", "language", "publisher", "date",
           "isbn", "identifier", "description")


@dataclass
class OutlineEntry:
    """One division or section of the outline."""

    level: int
    kind: str
    heading: str
    file: str
    line: int | None
    words: int


@dataclass
class StructureReport:
    """What ``check --structure`` prints."""

    target: str
    outline: list[OutlineEntry] = field(default_factory=list)
    #: field → (value, where it came from)
    metadata: dict[str, tuple[str, str]] = field(default_factory=dict)
    fidelity: Fidelity | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.fidelity is not None and any(c.loss > LOSS_LIMIT
                                                 for c in self.fidelity.chapters)

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "failed": self.failed,
            "outline": [vars(entry) for entry in self.outline],
            "metadata": {name: {"value": value, "from": origin}
                         for name, (value, origin) in self.metadata.items()},
            "fidelity": self.fidelity.as_dict() if self.fidelity else None,
            "diagnostics": [{"code": d.code, "severity": d.severity, "message": d.message,
                             "file": d.file, "line": d.line, "hint": d.hint}
                            for d in self.diagnostics],
        }


def check_structure(target: Path, overrides: Overrides | None = None) -> StructureReport:
    """Read and transform ``target`` as a build would, and report its structure."""
    diagnostics = Diagnostics()
    book, _ctx = load_book([target], BuildOptions(formats=("epub",)), overrides, diagnostics)
    report = StructureReport(str(target), diagnostics=list(diagnostics.items))
    report.outline = outline(book)
    report.metadata = metadata_fields(book.metadata)
    report.fidelity = book.facts.get("fidelity")  # type: ignore[assignment]
    return report


def _line(el: etree._Element | None) -> int | None:
    value = el.get("data-mb-line") if el is not None else None
    return int(value) if value and value.isdigit() else None


def _words(el: etree._Element) -> int:
    return sum(len(words(text)) for _line_no, text in tree_segments(el))


def outline(book: Book) -> list[OutlineEntry]:
    """Every division of ``book`` and the sections inside it, in order."""
    entries: list[OutlineEntry] = []
    for chapter in book.chapters:
        heading = opening_heading(chapter.tree)
        label = chapter_label(chapter, book) if chapter.title or chapter.matter.value == \
            "bodymatter" else f"({chapter.kind}, untitled front matter)"
        entries.append(OutlineEntry(chapter.depth, chapter.kind, label,
                                    chapter.source.file, chapter.source.line or _line(heading),
                                    _words(chapter.tree)))
        _sections(chapter, chapter.tree, chapter.depth + 1, entries)
    return entries


def _sections(chapter: Chapter, container: etree._Element, level: int,
              entries: list[OutlineEntry]) -> None:
    for child in container:
        if not isinstance(child.tag, str) or child.tag not in ("section", "article"):
            continue
        heading = opening_heading(child)
        if heading is None or heading.tag not in HEADING_TAGS:
            _sections(chapter, child, level, entries)
            continue
        text = heading_text(heading) or " ".join("".join(heading.itertext()).split())
        entries.append(OutlineEntry(level, "section", text, chapter.source.file, _line(heading),
                                    _words(child)))
        _sections(chapter, child, level + 1, entries)


def metadata_fields(meta: Metadata) -> dict[str, tuple[str, str]]:
    """The metadata fields that are set, with where each came from."""
    out: dict[str, tuple[str, str]] = {}
    for name in _FIELDS:
        value = getattr(meta, name)
        if not value:
            continue
        if name in ("authors", "contributors"):
            value = "; ".join(f"{p.name} ({p.role})" if name == "contributors" else p.name
                              for p in value)
        out[name] = (str(value), meta.origins.get(name, "default"))
    return out


def format_report(report: StructureReport, as_json: bool = False) -> str:
    """The report as text (for a person) or JSON (for a program)."""
    if as_json:
        return json.dumps(report.as_dict(), ensure_ascii=False, indent=2)
    out = [f"Outline of {report.target}", ""]
    width = max((2 * e.level + len(e.heading[:70]) for e in report.outline), default=10)
    width = min(max(width, 20), 80)
    places = [f"{Path(e.file).name}:{e.line}" if e.line else Path(e.file).name
              for e in report.outline]
    room = max((len(p) for p in places), default=6)
    out.append(f"  {'level':<5}  {'heading':<{width}}  {'source':<{room}}  {'words':>8}")
    for e, where in zip(report.outline, places):
        label = ("  " * e.level + (e.heading or f"({e.kind})"))[:width]
        kind = "" if e.kind in ("chapter", "section") else f"  [{e.kind}]"
        out.append(f"  {e.level:<5}  {label:<{width}}  {where:<{room}}  {e.words:>8,}{kind}")
    out += ["", "Title page and metadata", ""]
    for name, (value, origin) in report.metadata.items():
        out.append(f"  {name:<12}  {value}  (from {origin})")
    fidelity = report.fidelity
    if fidelity is not None:
        out += ["", "Word preservation", ""]
        out.append(f"  {fidelity.source_words - fidelity.missing:,} of {fidelity.source_words:,} "
                   f"source words reach the book ({fidelity.preserved:.3%})")
        for file in fidelity.files:
            for removal in file.removed:
                out.append(f"  left out on purpose in {Path(file.file).name}: {removal}")
            if file.unplaced:
                where = file.first_unplaced
                out.append(f"  {file.unplaced:,} words of {Path(file.file).name} reach no "
                           f"chapter" + (f", first at line {where.line}: “{where.text}”"
                                          if where else ""))
        for chapter in fidelity.chapters:
            if chapter.missing:
                where = chapter.first_missing
                out.append(f"  {chapter.title or chapter.chapter_id}: {chapter.missing:,} of "
                           f"{chapter.source_words:,} words missing ({chapter.loss:.2%})"
                           + (f", first at line {where.line}: “{where.text}”" if where else ""))
    warnings = [d for d in report.diagnostics if d.severity == "warning"]
    out += ["", f"Warnings ({len(warnings)})", ""]
    out += [f"  {d}" for d in warnings] or ["  none"]
    verdict = "FAILED: words of the manuscript are missing" if report.failed else "passed"
    out += ["", f"{report.target}: structure check {verdict}"]
    return "\n".join(out)


__all__ = ["OutlineEntry", "StructureReport", "check_structure", "format_report", "outline"]
