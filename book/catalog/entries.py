"""One book of a catalog, and the settings a catalog may give it.

A catalog's settings are the options of ``make-book build`` written down
once per book (``title``, ``authors``, ``lang``, ``formats``, ``trim``...):
like those options, they win over the book's own book.toml.  Keys use the
option names with underscores (``bleed_edges``, ``pdf_variant``), so one
vocabulary serves the command line, catalog.toml and the columns of a CSV.
Values are checked here, where the catalog's file and line are known, so a
typo in ``[defaults]`` is one error naming its line, not the same failure
repeated for every book.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..build import Overrides, check_language_tag
from ..config import BLEED_EDGES, NOTE_PLACEMENTS, PDF_VARIANTS, THEMES
from ..context import parse_formats
from ..errors import ConfigError, MakeBookError
from ..geometry import parse_length, parse_trim
from ..printshops import TARGETS

#: Settings holding free text.
TEXT_KEYS = ("title", "subtitle", "publisher", "isbn", "encoding", "name")
#: Settings holding one of a few words.
CHOICE_KEYS: dict[str, tuple[str, ...]] = {
    "theme": THEMES, "bleed_edges": BLEED_EDGES, "pdf_variant": PDF_VARIANTS,
    "notes": NOTE_PLACEMENTS, "target": TARGETS,
}
#: Settings holding true or false.
FLAG_KEYS = ("marks", "full_fonts", "typography", "soft_hyphens", "strict", "allow_remote")
#: Settings holding a list (a TOML array, or ``;``-separated in a CSV cell).
LIST_KEYS = ("sources", "authors", "css", "formats")
#: Settings holding a measure or a language tag, checked by the library's parsers.
SPECIAL_KEYS = ("lang", "trim", "bleed", "cover")
#: Every setting a catalog entry (or ``[defaults]``) may have, besides ``id``.
SETTING_KEYS = frozenset(TEXT_KEYS) | frozenset(CHOICE_KEYS) | frozenset(FLAG_KEYS) \
    | frozenset(LIST_KEYS) | frozenset(SPECIAL_KEYS)
#: Other spellings users reach for first (a CSV column called "author").
ALIASES = {"author": "authors", "language": "lang", "format": "formats", "source": "sources",
           "bleed-edges": "bleed_edges", "pdf-variant": "pdf_variant", "full-fonts": "full_fonts",
           "soft-hyphens": "soft_hyphens", "allow-remote": "allow_remote"}
#: Settings that name files: relative to the catalog's folder.
PATH_KEYS = ("sources", "cover", "css")
#: Names a book's folder in OUTDIR may not take: the run's own files.
RESERVED_IDS = frozenset({"catalog-report.json", "catalog-report.csv", "catalog-report.html",
                          "catalog-manifest.json"})
#: The formats built when nothing says otherwise (as ``make-book build``).
DEFAULT_FORMATS = ("epub", "pdf")


@dataclass
class Where:
    """Where a setting was written, for messages: ``catalog.toml:12``."""

    file: str
    line: int | None = None

    def error(self, message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(message, file=self.file, line=self.line, hint=hint)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class BookEntry:
    """One book to build: where its manuscript is and how to build it.

    ``sources`` are absolute paths (a book folder, or manuscript files in
    reading order); ``settings`` are checked values keyed by
    :data:`SETTING_KEYS` (without ``sources``); ``where`` names the catalog
    line (or folder) the book came from.
    """

    id: str
    sources: list[Path]
    settings: dict[str, Any] = field(default_factory=dict)
    where: Where = field(default_factory=lambda: Where(""))

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.settings.get("formats") or DEFAULT_FORMATS)

    def overrides(self) -> Overrides:
        """The settings as the library's :class:`~book.build.Overrides`."""
        s = self.settings
        return Overrides(
            title=s.get("title"), subtitle=s.get("subtitle"), authors=list(s.get("authors", [])),
            lang=s.get("lang"), publisher=s.get("publisher"), isbn=s.get("isbn"),
            cover=str(s["cover"]) if s.get("cover") else None,
            css=[Path(p) for p in s.get("css", [])], theme=s.get("theme"),
            encoding=s.get("encoding"), trim=s.get("trim"), target=s.get("target"),
            bleed=s.get("bleed"), bleed_edges=s.get("bleed_edges"), marks=s.get("marks"),
            pdf_variant=s.get("pdf_variant"), full_fonts=s.get("full_fonts"), notes=s.get("notes"),
            typography=s.get("typography"), soft_hyphens=s.get("soft_hyphens"))


def canonical_key(key: str, where: Where, *, allow_id: bool = True) -> str:
    """The setting a key names (aliases resolved); an error for unknown keys."""
    name = ALIASES.get(key.strip().lower(), key.strip().lower())
    if name in SETTING_KEYS or (allow_id and name == "id"):
        return name
    known = sorted(SETTING_KEYS | ({"id"} if allow_id else set()))
    close = difflib.get_close_matches(name, known + sorted(ALIASES), n=1)
    hint = f"did you mean {ALIASES.get(close[0], close[0])!r}?" if close else \
        f"known keys: {', '.join(known)}"
    return _raise(where.error(f"unknown key {key!r}", hint))


def _raise(error: MakeBookError):
    raise error


def check_id(value: object, where: Where) -> str:
    """A book id is its folder in OUTDIR: one plain path component."""
    if not isinstance(value, str) or not value.strip():
        raise where.error("a book id must be a non-empty string")
    text = value.strip()
    if (text in (".", "..") or text.startswith(".") or "/" in text or "\\" in text
            or not text.isprintable() or len(text) > 120 or text in RESERVED_IDS):
        raise where.error(f"book id {text!r} cannot be a folder name in the output folder",
                          "use letters, digits, spaces, '-', '_'; no '/' and no leading '.'")
    return text


def _as_list(value: object, key: str, where: Where, *, split_cells: bool) -> list[str]:
    if isinstance(value, str):
        value = [part for part in value.split(";")] if split_cells else [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise where.error(f"{key} must be a string or a list of strings")
    return [v.strip() for v in value if v.strip()]


def _as_flag(value: object, key: str, where: Where) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "1", "false", "no", "0"):
        return value.strip().lower() in ("true", "yes", "1")
    raise where.error(f"{key} must be true or false, not {value!r}")


def check_setting(key: str, value: object, where: Where, base: Path, *,
                  split_cells: bool = False) -> object:
    """``value`` checked and normalized for ``key``.

    ``base`` is the folder relative paths are taken from (the catalog's);
    ``split_cells`` reads ``a; b`` as a list (CSV cells).
    """
    if key in LIST_KEYS:
        items = _as_list(value, key, where, split_cells=split_cells or key == "formats")
        if key == "formats":
            try:
                return list(parse_formats(",".join(items)))
            except MakeBookError as exc:
                raise where.error(f"formats: {exc.message}") from None
        if key in PATH_KEYS:
            return [_path(item, base) for item in items]
        return items
    if key in FLAG_KEYS:
        return _as_flag(value, key, where)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and key == "isbn":
        value = str(value)
    if not isinstance(value, str):
        raise where.error(f"{key} must be a string")
    text = value.strip()
    if key in CHOICE_KEYS:
        if text.lower() not in CHOICE_KEYS[key]:
            raise where.error(f"{key} must be one of {', '.join(CHOICE_KEYS[key])}, not {text!r}")
        return text.lower()
    try:
        if key == "lang":
            check_language_tag(text, "lang")
        elif key == "trim":
            parse_trim(text)
        elif key == "bleed":
            parse_length(text, what="bleed")
    except MakeBookError as exc:
        raise where.error(exc.message) from None
    if key == "cover":
        return _path(text, base)
    return text


def _path(text: str, base: Path) -> Path:
    """A catalog path: ``~`` expanded, relative to ``base``, made absolute."""
    # Absolute without resolving symlinks: a linked book folder keeps its name.
    return Path(os.path.abspath(base / Path(text).expanduser()))


def merge(defaults: dict[str, Any], own: dict[str, Any], forced: dict[str, Any]) -> dict[str, Any]:
    """A book's settings: its own over the catalog's defaults, and the
    command line's (``--format``) over both."""
    merged = {**defaults, **own, **forced}
    merged.pop("sources", None)
    return {key: value for key, value in merged.items() if value not in (None, "", [])}
