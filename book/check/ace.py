"""Ace by DAISY, the accessibility checker stores and libraries use, on one EPUB.

Ace's ``ace`` command needs Electron, which does not run on a headless
server; its library (``@daisy/ace-core``) with the Puppeteer runner
(``@daisy/ace-axe-runner-puppeteer``) drives a system Chromium instead.
``ace_runner.js`` (beside this file) calls it and prints the violations as
JSON; this module finds Node, the Node modules and Chromium, runs it, and
turns each violation into a finding with Ace's rule id as its code
(``color-contrast``, ``metadata-accessmode``, ``epub-pagesource``...).
Critical and serious violations are errors, moderate and minor ones
warnings.

Where things are looked for:

* the Node modules: ``$MAKE_BOOK_ACE_DIR`` (a folder holding
  ``node_modules``, or the ``node_modules`` folder itself), else the
  repository root (``package.json`` there pins Ace; install with
  ``PUPPETEER_SKIP_DOWNLOAD=1 npm ci``), else the current folder;
* Node: ``node`` on the PATH;
* Chromium: ``$PUPPETEER_EXECUTABLE_PATH``, else ``chromium``,
  ``chromium-browser``, ``google-chrome`` on the PATH.

Codes of our own: CHK900 Ace is not installed; CHK901 Node.js is missing;
CHK902 Chromium is missing; CHK905 Ace failed to run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .report import Finding, ToolRun

TOOL = "ace"
RUNNER = Path(__file__).with_name("ace_runner.js")
#: Ace checks each document in Chromium; a 3 MB novel takes a few minutes.
TIMEOUT_SECONDS = 1800
INSTALL_HINT = ("run PUPPETEER_SKIP_DOWNLOAD=1 npm ci in the make_book repository (or npm install "
                "@daisy/ace-core @daisy/ace-axe-runner-puppeteer in a folder named by "
                "MAKE_BOOK_ACE_DIR)")
_SEVERITY = {"critical": "error", "serious": "error", "moderate": "warning", "minor": "warning"}


@dataclass(frozen=True)
class AceSetup:
    """What running Ace needs: Node, the modules folder and a browser."""

    node: str
    modules: Path
    browser: str
    version: str


def _modules_in(folder: Path) -> Path | None:
    for candidate in (folder / "node_modules", folder):
        if (candidate / "@daisy" / "ace-core" / "package.json").is_file() and \
                (candidate / "@daisy" / "ace-axe-runner-puppeteer").is_dir():
            return candidate
    return None


def find_modules() -> Path | None:
    """The node_modules folder holding Ace, or None."""
    configured = os.environ.get("MAKE_BOOK_ACE_DIR")
    if configured:
        return _modules_in(Path(configured))
    for folder in (Path(__file__).resolve().parents[2], Path.cwd()):
        found = _modules_in(folder)
        if found is not None:
            return found
    return None


def find_browser() -> str | None:
    configured = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if configured and Path(configured).is_file():
        return configured
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def find_ace() -> AceSetup | Finding:
    """Everything Ace needs, or the finding that says what is missing."""
    modules = find_modules()
    if modules is None:
        return Finding("CHK900", "error", "Ace by DAISY is not installed, so accessibility was "
                       "not checked", TOOL, hint=INSTALL_HINT)
    node = shutil.which("node")
    if node is None:
        return Finding("CHK901", "error", "Node.js is not installed, so Ace could not run", TOOL,
                       hint="install Node.js 18 or later, e.g. apt install nodejs")
    browser = find_browser()
    if browser is None:
        return Finding("CHK902", "error", "Chromium is not installed, so Ace could not run", TOOL,
                       hint="install it (apt install chromium) or set PUPPETEER_EXECUTABLE_PATH")
    try:
        meta = json.loads((modules / "@daisy" / "ace-core" / "package.json").read_text("utf-8"))
        version = str(meta.get("version", ""))
    except (OSError, ValueError):
        version = ""
    return AceSetup(node, modules, browser, version)


def run_ace(path: Path) -> tuple[ToolRun, list[Finding]]:
    """Ace's violations in ``path`` as findings."""
    setup = find_ace()
    if isinstance(setup, Finding):
        return ToolRun(TOOL, "missing"), [setup]
    with tempfile.TemporaryDirectory(prefix="make-book-ace-") as scratch:
        home = Path(scratch)
        env = dict(os.environ)
        env.update({
            "NODE_PATH": str(setup.modules),
            "PUPPETEER_EXECUTABLE_PATH": setup.browser,
            "PUPPETEER_SKIP_DOWNLOAD": "1",
            # Ace's logger and Chromium's profile write under these; keep them in scratch.
            "XDG_CONFIG_HOME": str(home / "config"), "XDG_STATE_HOME": str(home / "state"),
            "XDG_DATA_HOME": str(home / "data"), "XDG_CACHE_HOME": str(home / "cache"),
            # Chromium may take longer than Ace's 5 s default to start on a busy machine.
            "ACE_TIMEOUT_INITIAL": env.get("ACE_TIMEOUT_INITIAL", "60000"),
        })
        command = [setup.node, str(RUNNER), str(Path(path).resolve()), str(home / "report")]
        try:
            done = subprocess.run(command, capture_output=True, env=env, cwd=scratch,
                                  timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            return ToolRun(TOOL, "failed", setup.version), [Finding(
                "CHK905", "error", f"Ace did not finish in {TIMEOUT_SECONDS} s", TOOL)]
        except OSError as exc:
            return ToolRun(TOOL, "failed", setup.version), [Finding(
                "CHK905", "error", f"Ace could not start: {exc}", TOOL)]
    try:
        data = json.loads(done.stdout.decode("utf-8", "replace")) if done.returncode == 0 else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        detail = " ".join(done.stderr.decode("utf-8", "replace").split())[-400:]
        return ToolRun(TOOL, "failed", setup.version), [Finding(
            "CHK905", "error", "Ace failed" + (f": {detail}" if detail else ""), TOOL,
            hint="check that Chromium starts headless on this machine")]
    names = _zip_names(path)
    findings = [_finding(item, names) for item in data.get("violations", []) if isinstance(item, dict)]
    return ToolRun(TOOL, "ran", str(data.get("ace") or setup.version)), findings


def _zip_names(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.namelist()
    except (OSError, zipfile.BadZipFile):
        return []


def _full_name(file: str, names: list[str]) -> str:
    """Ace names content documents relative to the package folder; EPUBCheck
    and our lints name them from the container root.  Use the latter."""
    file = file.lstrip("/")
    if not file or file in names:
        return file
    return next((name for name in names if name.endswith("/" + file)), file)


def _finding(item: dict, names: list[str]) -> Finding:
    impact = str(item.get("impact", "serious"))
    description = str(item.get("description") or item.get("title") or "").split("\n")[0]
    title = str(item.get("title") or "")
    message = f"{impact}: {title}" if title and title not in description else f"{impact}"
    message = f"{message}: {description}" if description else message
    return Finding(str(item.get("rule") or "ace"), _SEVERITY.get(impact, "error"), message, TOOL,
                   _full_name(str(item.get("file") or ""), names) or None,
                   str(item.get("location") or "") or None,
                   str(item.get("help") or "") or None)
