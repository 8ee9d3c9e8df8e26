"""What one sanitize run removed or changed, reported once per kind.

Findings are grouped by code and kind, so a chapter with 300 ``onclick``
handlers gets one warning (with the first line and a count), not 300.
Notes (repairs that lose nothing) carry their line in the message; warnings
carry it as the diagnostic's line.  The codes are listed in the docstring
of the pass (``book/passes/sanitize/__init__.py``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ...context import BuildContext


@dataclass
class Findings:
    """What one run removed, grouped for one warning per kind."""

    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    lines: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def add(self, code: str, what: str, line: int | None) -> None:
        key = (code, what)
        self.counts[key] += 1
        if key not in self.lines or (self.lines[key] is None and line is not None):
            self.lines[key] = line


_NOTE_CODES = frozenset({"SAN009", "SAN010", "SAN012", "SAN013"})
#: How many different findings of one code a message lists.
_MAX_LISTED = 6
_MESSAGES = {
    "SAN001": "removed {n} {what} element{s}: books carry no scripts",
    "SAN002": "removed {n} event handler attribute{s} ({what})",
    "SAN003": "removed {n} unsafe URL{s} ({what})",
    "SAN004": "removed {n} <{what}> element{s} (embedded content is not allowed in a book)",
    "SAN005": "removed {n} <{what}> element{s} (forms and their controls do nothing in a book)",
    "SAN006": "removed {n} <{what}> element{s} from the text",
    "SAN007": "removed {n} style attribute{s} loading or running something ({what})",
    "SAN008": "flattened {n} element{s} nested deeper than {what} levels",
    "SAN009": "unwrapped {n} unknown <{what}> element{s}, keeping the text",
    "SAN010": "removed {n} <style> element{s}; book styles come from the theme and [style] css",
    "SAN011": "removed {n} <{what}> element{s} (audio, video and image maps are not supported, "
              "nor inline SVG over 2 MiB; use image files)",
    "SAN012": "removed epub:type term{s} not in the EPUB vocabulary or with an undeclared "
              "prefix: {what}",
    "SAN013": "repaired the structure HTML requires ({n} change{s}): {what}",
    "SAN014": "changed {n} element{s} HTML does not allow where they stood, text kept: {what}",
    "SAN015": "dropped {n} element{s} without text that HTML does not allow where they stood: "
              "{what}",
    "SAN016": "removed {n} role value{s} (not an ARIA role allowed on the element): {what}",
    "SAN017": "removed {n} aria-* attribute{s} (invalid value, not allowed on the element, "
              "or naming nothing in the document): {what}",
    "SAN018": "removed invalid CSS from {n} style attribute{s}: {what}",
    "SAN019": "removed {n} datetime value{s} (not an HTML date or time): {what}",
    "SAN020": "removed {n} invalid attribute value{s}: {what}",
}


def report_findings(found: Findings, ctx: BuildContext, file: str) -> None:
    grouped: dict[str, list[tuple[str, int, int | None]]] = defaultdict(list)
    for (code, what), n in found.counts.items():
        grouped[code].append((what, n, found.lines.get((code, what))))
    for code in sorted(grouped):
        items = grouped[code]
        total = sum(n for _w, n, _l in items)
        listed = sorted({w for w, _n, _l in items})
        what = ", ".join(listed[:_MAX_LISTED]) + (
            f" and {len(listed) - _MAX_LISTED} more" if len(listed) > _MAX_LISTED else "")
        lines = [line for _w, _n, line in items if line is not None]
        line = min(lines) if lines else None
        message = _MESSAGES[code].format(n=total, what=what, s="" if total == 1 else "s")
        if code in _NOTE_CODES:
            where = f"line {line}: " if line else ""
            ctx.diag.note(code, f"{where}{message}", file=file)
        else:
            ctx.diag.warn(code, message, file=file, line=line)
