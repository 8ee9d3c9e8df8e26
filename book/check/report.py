"""What ``make-book check`` found: findings, tool runs and the report.

Kept apart from the checkers so each of them (:mod:`.epubcheck_tool`,
:mod:`.ace`, :mod:`.lints`) and the command that runs them share one type
without importing each other.  :func:`format_findings` is how the CLI prints
a report: one line per finding, errors first, then a summary line per tool.
"""

from __future__ import annotations

import json as json_module
from dataclasses import asdict, dataclass, field

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
