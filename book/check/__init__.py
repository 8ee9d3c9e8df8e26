"""``make-book check``: EPUBCheck, Ace by DAISY and our own checks on an EPUB.

One command gives a publisher the three verdicts a retailer or library
applies: EPUBCheck (validity; :mod:`.epubcheck_tool`), Ace (accessibility,
WCAG via axe-core; :mod:`.ace`) and make_book's own lints
(:mod:`.lints`: language, titles, headings, alt text, roles, the page list,
accessibility metadata, colour contrast).  Given a book folder or
manuscripts instead of an EPUB, it builds them into a temporary folder
first (EPUB and print PDF, as ``make-book build`` does, so the page list
is there) and checks the result; the build's warnings are findings too.

Every finding has a stable code, a severity, the file and place, a message
and, where we know one, a fix hint — like Standard Ebooks' ``se lint``.
Codes: EPUBCheck's own message ids (``RSC-005``...), Ace's rule ids
(``color-contrast``...), ``CHK0xx`` for our lints, ``STO0xx`` for the
store profiles asked for with ``--store`` (:mod:`book.stores`) and
``CHK9xx`` for tools that are missing or failed.  A missing tool is an error finding, never a
silent skip: a check that did not run has not passed.  The report fails
(``make-book check`` exits 1) when any finding is an error.
"""

from __future__ import annotations

import json as json_module
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    """One problem found in a publication."""

    code: str
    severity: str  # "error", "warning" or "info"
    message: str
    tool: str  # "epubcheck", "ace", "make-book" (our lints), "stores" or "build"
    file: str | None = None
    location: str | None = None  # line[:column], or a CSS selector for Ace
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.location:
            where = f"{where}:{self.location}" if where else self.location
        text = " ".join(self.message.split())
        if where:
            text = f"{where}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return f"{self.severity} {self.code} [{self.tool}] {text}"


@dataclass
class ToolRun:
    """Whether a checker ran, and its version."""

    name: str
    status: str  # "ran", "missing" or "failed"
    version: str = ""


@dataclass
class Report:
    """Everything ``make-book check`` found in one publication."""

    target: str
    epub: str = ""
    tools: list[ToolRun] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def failed(self) -> bool:
        """True when any finding is an error (``make-book check`` exits 1)."""
        return bool(self.errors)

    def count(self, tool: str) -> tuple[int, int]:
        """(errors, warnings) found by one tool."""
        mine = [f for f in self.findings if f.tool == tool]
        return (sum(f.severity == "error" for f in mine), sum(f.severity == "warning" for f in mine))

    def as_dict(self) -> dict:
        return {
            "target": self.target,
            "epub": self.epub,
            "failed": self.failed,
            "summary": {"errors": len(self.errors), "warnings": len(self.warnings),
                        "infos": sum(f.severity == "info" for f in self.findings)},
            "tools": [asdict(tool) for tool in self.tools],
            "findings": [asdict(finding) for finding in self.findings],
        }


def check_epub(path: Path, stores: tuple[str, ...] = ()) -> Report:
    """Run every checker on one EPUB file (and the named stores' limits)."""
    from .ace import run_ace
    from .epubcheck_tool import run_epubcheck
    from .lints import run_lints

    report = Report(target=str(path), epub=str(path))
    for runner in (run_epubcheck, run_ace, run_lints):
        tool, findings = runner(path)
        report.tools.append(tool)
        report.findings.extend(findings)
    if stores:
        from ..stores import check_stores

        tool, findings = check_stores(path, stores)
        report.tools.append(tool)
        report.findings.extend(findings)
    return report


def _build_then_check(target: Path, stores: tuple[str, ...] = ()) -> Report:
    """Build a book folder or manuscript into a temporary folder and check its EPUB."""
    from ..build import build
    from ..context import BuildOptions
    from ..diagnostics import Diagnostics

    with tempfile.TemporaryDirectory(prefix="make-book-check-") as folder:
        diagnostics = Diagnostics()
        options = BuildOptions(formats=("epub", "pdf"), outdir=Path(folder))
        result = build([target], options, diagnostics=diagnostics)
        report = check_epub(result.outputs["epub"], stores)
        report.target = str(target)
        report.epub = result.outputs["epub"].name
        build_findings = [
            Finding(item.code, "warning", item.message, "build", item.file,
                    str(item.line) if item.line else None, item.hint)
            for item in diagnostics.warnings
        ]
        report.findings[:0] = build_findings
        return report


def run_checks(target: Path, *, json: bool = False, stores: tuple[str, ...] = ()) -> Report:
    """Check ``target``: an EPUB, or a book folder / manuscript built first.

    ``json`` only says the caller will print JSON; the checks are the same.
    ``stores`` names store profiles (:mod:`book.stores`) to check as well.
    Raises :class:`~book.errors.MakeBookError` subclasses for a target that
    does not exist or cannot be built.
    """
    from ..errors import SourceError

    target = Path(target)
    if not target.exists():
        raise SourceError("no such file or folder", file=str(target))
    if target.is_file() and target.suffix.lower() == ".epub":
        return check_epub(target, stores)
    return _build_then_check(target, stores)


def format_findings(report: Report, as_json: bool) -> str:
    """The report as text lines (one per finding, then a summary) or JSON."""
    if as_json:
        return json_module.dumps(report.as_dict(), ensure_ascii=False, indent=2)
    order = {severity: n for n, severity in enumerate(SEVERITIES)}
    lines = [str(f) for f in sorted(report.findings, key=lambda f: order.get(f.severity, 9))]
    parts = []
    for tool in report.tools:
        if tool.status != "ran":
            parts.append(f"{tool.name}: {tool.status}")
            continue
        errors, warnings = report.count(tool.name)
        version = f" ({tool.version})" if tool.name == "stores" else (
            f" {tool.version}" if tool.version else "")
        parts.append(f"{tool.name}{version}: {errors} error{'s' * (errors != 1)}, "
                     f"{warnings} warning{'s' * (warnings != 1)}")
    built = report.count("build")
    if built != (0, 0):
        parts.append(f"build: {built[1]} warning{'s' * (built[1] != 1)}")
    verdict = "FAILED" if report.failed else "passed"
    lines.append(f"{report.epub or report.target}: {verdict} ({'; '.join(parts)})")
    return "\n".join(lines)


__all__ = ["Finding", "Report", "ToolRun", "check_epub", "format_findings", "run_checks"]
