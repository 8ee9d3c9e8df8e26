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
store profiles asked for with ``--store`` (:mod:`book.stores`) and ``CHK9xx`` for tools
that are missing or failed.  A missing tool is an error finding, never a
silent skip: a check that did not run has not passed.  The report fails
(``make-book check`` exits 1) when any finding is an error.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..build import build
from ..context import BuildOptions
from ..diagnostics import Diagnostics
from ..errors import SourceError
from .ace import run_ace
from .epubcheck_tool import run_epubcheck
from .lints import run_lints
from .report import Finding, Report


def check_epub(path: Path, stores: tuple[str, ...] = ()) -> Report:
    """Run every checker on one EPUB file (and the named stores' limits)."""
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
    Raises :class:`~book.errors.MakeBookError` subclasses for a target that
    does not exist or cannot be built.  ``stores`` names store profiles
    (:mod:`book.stores`) to check as well.
    """
    target = Path(target)
    if not target.exists():
        raise SourceError("no such file or folder", file=str(target))
    if target.is_file() and target.suffix.lower() == ".epub":
        return check_epub(target, stores)
    return _build_then_check(target, stores)


__all__ = ["check_epub", "run_checks"]
