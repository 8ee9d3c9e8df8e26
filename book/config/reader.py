"""Typed values read out of parsed TOML, with errors that name the line.

``tomllib`` gives no positions, so :class:`_Reader` finds the line of a
section or key in the text again for every error and warning.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic
from ..errors import ConfigError


class _Reader:
    """Reads typed values out of the parsed TOML with precise errors."""

    def __init__(self, path: Path, display: str, text: str) -> None:
        self.path = path
        self.display = display
        self.lines = text.splitlines()
        self.warnings: list[Diagnostic] = []

    def line_of(self, section: str, key: str | None = None) -> int | None:
        """Best-effort line number of ``[section]`` or of ``key`` inside it."""
        current = ""
        header = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
        for number, line in enumerate(self.lines, 1):
            match = header.match(line)
            if match:
                current = match.group(1).strip()
                if key is None and current == section:
                    return number
                continue
            if key is not None and current == section:
                if re.match(rf"^\s*\"?{re.escape(key)}\"?\s*=", line):
                    return number
        if key is not None and section == "":
            return None
        return self.line_of(section) if key is not None else None

    def error(self, message: str, section: str, key: str | None = None,
              hint: str | None = None) -> ConfigError:
        return ConfigError(message, file=self.display, line=self.line_of(section, key), hint=hint)

    def warn(self, code: str, message: str, section: str, key: str | None = None,
             hint: str | None = None) -> None:
        """Keep a warning for the build to report (the file is still usable)."""
        self.warnings.append(Diagnostic(code, message, self.display, self.line_of(section, key), hint))

    def table(self, data: dict[str, Any], name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise self.error(f"[{name}] must be a table", "", name)
        return value

    def check_keys(self, table: dict[str, Any], section: str, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                close = ", ".join(sorted(allowed))
                raise self.error(f"unknown key {key!r} in [{section}] (known keys: {close})",
                                 section, key)

    def string(self, table: dict[str, Any], section: str, key: str, default: str = "") -> str:
        value = table.get(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and key in {
            "date", "isbn", "edition", "position"
        }:
            value = str(value)
        if hasattr(value, "isoformat"):  # TOML dates arrive as date objects
            value = value.isoformat()
        if not isinstance(value, str):
            raise self.error(f"{section}.{key} must be a string", section, key)
        return value.strip()

    def boolean(self, table: dict[str, Any], section: str, key: str, default: bool) -> bool:
        value = table.get(key, default)
        if not isinstance(value, bool):
            raise self.error(f"{section}.{key} must be true or false", section, key)
        return value

    def integer(self, table: dict[str, Any], section: str, key: str, default: int,
                lo: int, hi: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
            raise self.error(f"{section}.{key} must be a whole number from {lo} to {hi}",
                             section, key)
        return value

    def choice(self, table: dict[str, Any], section: str, key: str, default: str,
               options: tuple[str, ...]) -> str:
        value = self.string(table, section, key, default).lower()
        if value not in options:
            raise self.error(f"{section}.{key} must be one of {', '.join(options)}, not {value!r}",
                             section, key)
        return value

    def string_list(self, table: dict[str, Any], section: str, key: str) -> list[str]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(f"{section}.{key} must be a string or a list of strings", section, key)
        return [v.strip() for v in value if v.strip()]
