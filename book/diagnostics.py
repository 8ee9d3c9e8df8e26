"""Warnings and notes collected during a build.

A build does not print: it records.  Readers, passes and writers call
:meth:`Diagnostics.warn` (something the user should fix, with a stable code)
or :meth:`Diagnostics.note` (a fact worth telling, such as the detected
language).  The CLI prints them and summarizes at the end.  In strict mode the
first warning raises :class:`~book.errors.StrictError` instead, so a strict
build stops before any output is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .errors import StrictError


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable code, a message, where, and how to fix it."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    hint: str | None = None
    severity: str = "warning"  # "warning" or "note"

    @property
    def location(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""

    def __str__(self) -> str:
        text = " ".join(self.message.split())
        if self.location:
            text = f"{self.location}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return f"{self.severity} {self.code}: {text}"


@dataclass
class Diagnostics:
    """The collected warnings and notes of one build."""

    strict: bool = False
    listener: Callable[[Diagnostic], None] | None = None
    items: list[Diagnostic] = field(default_factory=list)
    #: Codes reported once per build (:meth:`once`).
    once_codes: set[str] = field(default_factory=set)

    def warn(
        self,
        code: str,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        """Record a warning; raise :class:`StrictError` in strict mode."""
        item = Diagnostic(code, message, str(file) if file else None, line, hint)
        if self.strict:
            raise StrictError(
                f"{message} [{code}, an error under --strict]", file=file, line=line, hint=hint
            )
        self._add(item)

    def note(self, code: str, message: str, *, file: str | Path | None = None) -> None:
        """Record an informational note (never an error)."""
        self._add(Diagnostic(code, message, str(file) if file else None, severity="note"))

    def once(self, code: str, message: str, *, warning: bool, hint: str | None = None) -> None:
        """Report a finding once per build, however many chapters share it.

        The code is remembered (:attr:`once_codes`), so that :meth:`replay`
        keeps one of them when results made apart (another process, the
        build cache) are joined.
        """
        self.once_codes.add(code)
        if self._has(code, message):
            return
        if warning:
            self.warn(code, message, hint=hint)
        else:
            self.note(code, message)

    def since(self, start: int) -> list[list]:
        """The items from ``start`` on as plain data (what :meth:`replay` takes)."""
        return [[d.code, d.message, d.file, d.line, d.hint, d.severity]
                for d in self.items[start:]]

    def replay(self, items: list[list], once_codes: set[str] | frozenset[str] = frozenset()) -> None:
        """Report recorded items again (warnings raise under --strict); an
        item of a once-per-build code (ours or ``once_codes``) already
        reported is left out."""
        once = self.once_codes | set(once_codes)
        for code, message, file, line, hint, severity in items:
            if code in once and self._has(code, message):
                continue
            if severity == "warning":
                self.warn(code, message, file=file, line=line, hint=hint)
            else:
                self._add(Diagnostic(code, message, file, line, hint, "note"))

    def _has(self, code: str, message: str) -> bool:
        return any(item.code == code and item.message == message for item in self.items)

    def _add(self, item: Diagnostic) -> None:
        self.items.append(item)
        if self.listener is not None:
            self.listener(item)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    @property
    def notes(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "note"]

    def summary(self) -> str:
        """A one-line count by code, e.g. ``3 warnings (IMG001 x2, TXT010 x1)``."""
        counts: dict[str, int] = {}
        for item in self.warnings:
            counts[item.code] = counts.get(item.code, 0) + 1
        if not counts:
            return "no warnings"
        total = sum(counts.values())
        parts = ", ".join(f"{code} x{n}" for code, n in sorted(counts.items()))
        return f"{total} warning{'s' if total != 1 else ''} ({parts})"
