"""The manifest: what the output folder already holds, so a run can resume.

``OUTDIR/catalog-manifest.json`` records, per book, the key of the inputs
it was last built from (a hash of its input files, its settings, the
formats, SOURCE_DATE_EPOCH and the make-book version), the outputs written
then (name, size, hash), and the figures of that build for the report.  A
book whose key is unchanged and whose outputs are still in place, as
recorded, is skipped; ``--force`` rebuilds everything.

The file is replaced atomically (book/atomic.py), after a book's outputs
are in place and never before: a run stopped at any moment leaves a
manifest that names only books whose outputs are complete.  It also keeps
the input files' hashes by size and modification time, so an unchanged
backlist is not read again on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import commit
from ..errors import ConfigError
from .job import OutputFile

MANIFEST_NAME = "catalog-manifest.json"
_FORMAT = 1
#: Rewrite the manifest at most this often during a run (seconds); it is
#: always written at the end and on an interruption.
_SAVE_INTERVAL = 2.0


def book_key(settings: dict[str, Any], formats: tuple[str, ...], fingerprint: list[list[str]],
             source_date_epoch: str | None) -> str:
    """The hash that decides whether a book must be built again."""
    material = {"version": __version__, "settings": _plain(settings), "formats": list(formats),
                "inputs": fingerprint, "source_date_epoch": source_date_epoch}
    text = json.dumps(material, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


class Manifest:
    """The manifest of one output folder, loaded, updated and saved."""

    def __init__(self, outdir: Path) -> None:
        self.path = outdir / MANIFEST_NAME
        self.books: dict[str, dict[str, Any]] = {}
        self.file_hashes: dict[str, list] = {}
        self._dirty = False
        self._saved_at = 0.0

    @classmethod
    def load(cls, outdir: Path) -> Manifest:
        manifest = cls(outdir)
        try:
            text = manifest.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return manifest
        except OSError as exc:
            raise ConfigError(f"cannot read the manifest: {exc.strerror}",
                              file=str(manifest.path)) from None
        try:
            data = json.loads(text)
        except ValueError:
            return manifest  # unreadable: every book is simply built again
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            return manifest
        manifest.books = {k: v for k, v in data.get("books", {}).items() if isinstance(v, dict)}
        manifest.file_hashes = data.get("file_hashes", {}) or {}
        return manifest

    # ------------------------------------------------------------ queries

    def unchanged(self, book_id: str, key: str, folder: Path, *, need_check: bool) -> bool:
        """True when ``book_id`` was built from ``key`` and its outputs are intact."""
        record = self.books.get(book_id)
        if not record or record.get("key") != key or record.get("status") != "built":
            return False
        if need_check and not record.get("check"):
            return False
        for output in record.get("outputs", []):
            try:
                info = os.stat(folder / output["name"])
            except OSError:
                return False
            if info.st_size != output["size"] or info.st_mtime_ns != output.get("mtime_ns"):
                return False
        return bool(record.get("outputs"))

    def record(self, book_id: str) -> dict[str, Any] | None:
        return self.books.get(book_id)

    # ------------------------------------------------------------ updates

    def built(self, book_id: str, key: str, folder: Path, outputs: list[OutputFile],
              figures: dict[str, Any]) -> None:
        """Record a book whose outputs are now in ``folder``."""
        rows = []
        for output in outputs:
            info = os.stat(folder / output.name)
            rows.append({"format": output.format, "name": output.name, "size": output.size,
                         "sha256": output.sha256, "mtime_ns": info.st_mtime_ns})
        self.books[book_id] = {"key": key, "status": "built", "outputs": rows,
                               "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                               **figures}
        self._dirty = True

    def failed(self, book_id: str, figures: dict[str, Any]) -> None:
        """Record a failure; outputs of an earlier build stay listed (they are
        complete, just not of these inputs) and the key is dropped, so the
        book is built again next time."""
        previous = self.books.get(book_id, {})
        self.books[book_id] = {"key": None, "status": "failed",
                               "outputs": previous.get("outputs", []), **figures}
        self._dirty = True

    def save(self, *, force: bool = False) -> None:
        """Write the manifest atomically, at most every few seconds unless ``force``."""
        if not self._dirty or (not force and time.monotonic() - self._saved_at < _SAVE_INTERVAL):
            return
        data = {"format": _FORMAT, "tool": f"make-book {__version__}",
                "books": dict(sorted(self.books.items())), "file_hashes": self.file_hashes}
        text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
        commit({self.path: text.encode("utf-8")})
        self._dirty = False
        self._saved_at = time.monotonic()
