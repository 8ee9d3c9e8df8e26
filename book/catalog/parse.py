"""Reading a catalog: a folder of book projects, a catalog.toml or a CSV.

* A **folder**: every subfolder with a ``book.toml`` or a Leanpub
  ``Book.txt`` is a book, named after the subfolder.  A folder holding a
  ``catalog.toml`` is read as that file instead.
* A **catalog.toml**: a ``[defaults]`` table for every book, then one
  ``[[book]]`` table per book (``sources`` and any setting of
  :mod:`book.catalog.entries`); ``books = "list.csv"`` adds the rows of a
  CSV, with the same defaults.
* A **CSV** (a spreadsheet export): a header row of setting names, one book
  per row; a cell with several values (``sources``, ``authors``, ``css``,
  ``formats``) separates them with ``;``.  Commas, semicolons and tabs are
  recognized as the delimiter; a column whose name starts with ``#`` is a
  remark and ignored.

Paths are relative to the catalog file's folder.  Every problem is a
:class:`~book.errors.ConfigError` naming the catalog file and line.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import CONFIG_NAME
from ..errors import ConfigError
from ..project import LEANPUB_MANIFEST, display_path, natural_key
from .entries import BookEntry, Where, canonical_key, check_id, check_setting, merge

CATALOG_TOML = "catalog.toml"
_TOML_TOP_KEYS = {"defaults", "book", "books"}
_MAX_CATALOG_BYTES = 64 * 2**20


@dataclass
class Catalog:
    """The books of a catalog, in its order, and what was passed over."""

    origin: str
    entries: list[BookEntry]
    skipped: list[str] = field(default_factory=list)


def load_catalog(path: Path, forced: dict[str, Any] | None = None) -> Catalog:
    """Read the catalog at ``path``.  ``forced`` settings (from the command
    line, such as ``formats``) apply to every book and win over the catalog."""
    forced = forced or {}
    if not path.exists():
        raise ConfigError("no such catalog (a folder of books, a catalog.toml or a CSV)",
                          file=display_path(path))
    if path.is_dir():
        if (path / CATALOG_TOML).is_file():
            return _load_toml(path / CATALOG_TOML, forced)
        return _load_folder(path, forced)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return _load_toml(path, forced)
    if suffix in (".csv", ".tsv", ".txt"):
        text = _read_text(path)
        catalog = Catalog(display_path(path), [])
        catalog.entries = _csv_entries(path, text, {}, forced)
        return _checked(catalog)
    raise ConfigError("a catalog is a folder of books, a .toml or a .csv file",
                      file=display_path(path))


# ---------------------------------------------------------------- a folder

def is_book_folder(folder: Path) -> bool:
    return (folder / CONFIG_NAME).is_file() or (folder / LEANPUB_MANIFEST).is_file()


def _load_folder(folder: Path, forced: dict[str, Any]) -> Catalog:
    catalog = Catalog(display_path(folder), [])
    children = sorted((p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
                      key=lambda p: natural_key(p.name))
    for child in children:
        where = Where(display_path(child))
        if not is_book_folder(child):
            catalog.skipped.append(f"{where}: not a book (no {CONFIG_NAME} or {LEANPUB_MANIFEST})")
            continue
        book_id = check_id(child.name, where)
        catalog.entries.append(BookEntry(book_id, [child.absolute()], merge({}, {}, forced), where))
    if not catalog.entries:
        if is_book_folder(folder):
            raise ConfigError("this is one book, not a catalog of books", file=catalog.origin,
                              hint="build it with make-book build, or name the folder above it")
        raise ConfigError(f"no book projects here: no subfolder has a {CONFIG_NAME} or a "
                          f"{LEANPUB_MANIFEST}", file=catalog.origin,
                          hint=f"or write a {CATALOG_TOML} or a CSV listing the books")
    return catalog


# ---------------------------------------------------------------- TOML

def _read_text(path: Path) -> str:
    display = display_path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_CATALOG_BYTES + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read the catalog: {exc.strerror}", file=display) from None
    if len(raw) > _MAX_CATALOG_BYTES:
        raise ConfigError("the catalog is over 64 MiB", file=display)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("the catalog is not UTF-8 text", file=display, line=line,
                          hint="save it as UTF-8 (spreadsheets: 'CSV UTF-8')") from None


class _TomlLines:
    """Best-effort line numbers in a catalog.toml (tomllib gives none)."""

    _HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def _sections(self) -> list[tuple[str, int, int]]:
        """(name, first line, last line) of each table; ``book#N`` for arrays."""
        found: list[tuple[str, int]] = [("", 1)]
        count = 0
        for number, line in enumerate(self.lines, 1):
            match = self._HEADER.match(line)
            if match:
                name = match.group(2).strip()
                if match.group(1) == "[[" and name == "book":
                    name = f"book#{count}"
                    count += 1
                found.append((name, number))
        ends = [start - 1 for _, start in found[1:]] + [len(self.lines)]
        return [(name, start, end) for (name, start), end in zip(found, ends)]

    def line(self, section: str, key: str | None = None) -> int | None:
        for name, start, end in self._sections():
            if name != section:
                continue
            if key is None:
                return start if section else None
            pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
            for number in range(start, end + 1):
                if pattern.match(self.lines[number - 1]):
                    return number
            return start if section else None
        return None


def _load_toml(path: Path, forced: dict[str, Any]) -> Catalog:
    display = display_path(path)
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"not valid TOML: {message}", file=display,
                          line=int(match.group(1)) if match else None) from None
    lines = _TomlLines(text)
    base = path.parent
    for key in data:
        if key not in _TOML_TOP_KEYS:
            raise ConfigError(f"unknown key {key!r} (a catalog has [defaults], [[book]] tables "
                              f"and books = \"list.csv\")", file=display, line=lines.line("", key)
                              or lines.line(key))
    raw_defaults = data.get("defaults", {})
    if not isinstance(raw_defaults, dict):
        raise ConfigError("defaults must be a table", file=display, line=lines.line("defaults"))
    defaults = _settings(raw_defaults, lambda key: Where(display, lines.line("defaults", key)),
                         base, allow_id=False)
    if "sources" in defaults:
        raise ConfigError("sources cannot be a default: every book has its own",
                          file=display, line=lines.line("defaults", "sources"))
    catalog = Catalog(display, [])
    books = data.get("book", [])
    if not isinstance(books, list) or not all(isinstance(b, dict) for b in books):
        raise ConfigError("book must be [[book]] tables", file=display, line=lines.line("", "book"))
    for index, table in enumerate(books):
        section = f"book#{index}"
        own = _settings(table, lambda key, s=section: Where(display, lines.line(s, key)), base)
        where = Where(display, lines.line(section))
        catalog.entries.append(_entry(own, defaults, forced, where))
    listed = data.get("books")
    if listed is not None:
        if not isinstance(listed, str) or not listed.strip():
            raise ConfigError('books must name a CSV file: books = "list.csv"', file=display,
                              line=lines.line("", "books"))
        csv_path = base / listed.strip()
        if not csv_path.is_file():
            raise ConfigError(f"the book list {listed!r} is not a file", file=display,
                              line=lines.line("", "books"))
        catalog.entries.extend(_csv_entries(csv_path, _read_text(csv_path), defaults, forced))
    if not catalog.entries:
        raise ConfigError("the catalog lists no book", file=display,
                          hint='add [[book]] tables or books = "list.csv"')
    return _checked(catalog)


def _settings(table: dict[str, Any], where_of, base: Path, *, allow_id: bool = True,
              split_cells: bool = False) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for raw_key, value in table.items():
        where = where_of(raw_key)
        key = canonical_key(raw_key, where, allow_id=allow_id)
        if key in settings:
            raise where.error(f"{key} is given twice")
        if key == "id":
            settings["id"] = check_id(value, where)
        elif not (split_cells and isinstance(value, str) and not value.strip()):
            settings[key] = check_setting(key, value, where, base, split_cells=split_cells)
    return settings


def _entry(own: dict[str, Any], defaults: dict[str, Any], forced: dict[str, Any],
           where: Where) -> BookEntry:
    sources = own.get("sources") or []
    if not sources:
        raise where.error("this book has no sources (a book folder, or manuscript files)")
    book_id = own.pop("id", None) or check_id(_default_id(sources[0]), where)
    return BookEntry(book_id, list(sources), merge(defaults, own, forced), where)


def _default_id(source: Path) -> str:
    """A book named after its folder, or its first manuscript's file name."""
    if source.name == CONFIG_NAME:
        return source.parent.name
    return source.name if source.is_dir() or not source.suffix else source.stem


# ---------------------------------------------------------------- CSV

def _delimiter(header: str) -> str:
    """The most frequent of comma, semicolon and tab outside quotes."""
    outside = re.sub(r'"[^"]*"', "", header)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_entries(path: Path, text: str, defaults: dict[str, Any],
                 forced: dict[str, Any]) -> list[BookEntry]:
    display = display_path(path)
    base = path.parent
    header_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(header_line))
    try:
        header = next(reader)
    except StopIteration:
        raise ConfigError("the CSV is empty (a header row naming the columns comes first)",
                          file=display) from None
    columns: list[str | None] = []
    for name in header:
        name = name.strip()
        if not name or name.startswith("#"):
            columns.append(None)
            continue
        column = canonical_key(name, Where(display, 1))
        if column in columns:
            raise ConfigError(f"column {column!r} appears twice", file=display, line=1)
        columns.append(column)
    if "sources" not in columns:
        raise ConfigError("the CSV has no sources column", file=display, line=1,
                          hint="name each book's folder or manuscript files in a 'sources' column")
    entries = []
    line = reader.line_num
    try:
        for row in reader:
            where = Where(display, line + 1)
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(columns):
                raise where.error(f"the row has {len(row)} cells, the header {len(columns)}")
            table = {column: cell for column, cell in zip(columns, row) if column}
            own = _settings(table, lambda key, w=where: w, base, split_cells=True)
            entries.append(_entry(own, defaults, forced, where))
    except csv.Error as exc:
        raise ConfigError(f"not a valid CSV: {exc}", file=display, line=reader.line_num) from None
    return entries


def _checked(catalog: Catalog) -> Catalog:
    """Every id used once: each book has its own folder in OUTDIR."""
    seen: dict[str, BookEntry] = {}
    for entry in catalog.entries:
        folded = entry.id.casefold()  # case-insensitive file systems would merge them
        if folded in seen:
            raise entry.where.error(f"book id {entry.id!r} is used twice (first at "
                                    f"{seen[folded].where})", "give one of them another id")
        seen[folded] = entry
    return catalog
