"""Findings on the pages, reported through the build's diagnostics.

Each finding becomes one warning (``--strict`` refuses the build).  A
check that finds the same problem on many pages reports it once, listing
the pages, so a long book does not bury the other warnings.
"""

from __future__ import annotations

from ..diagnostics import Diagnostics
from .checks import Finding

#: At most this many findings of one code are reported one by one; the
#: rest are counted in a last warning.
MAX_PER_CODE = 10


def report(findings: list[Finding], diag: Diagnostics, *, edition: str = "print PDF") -> None:
    """Warn about each finding (``edition`` names the output in the message)."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
        if counts[finding.code] <= MAX_PER_CODE:
            diag.warn(finding.code, f"{edition}: {finding.message}", hint=finding.hint)
    for code, count in counts.items():
        if count > MAX_PER_CODE:
            first = next(f for f in findings if f.code == code)
            diag.warn(code, f"{edition}: {count - MAX_PER_CODE} more like the above",
                      hint=first.hint)
