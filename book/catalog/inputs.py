"""A book's inputs: the files a build of it may read.

A build reads nothing outside its book's folder (the sandbox, book/sandbox.py),
so a book's inputs are found without running it:

* a book folder (``book.toml`` or ``Book.txt``): every file under it;
* manuscript files: plain text and DOCX name no other file (a DOCX holds
  its images), so the files alone; Markdown and HTML name images and
  stylesheets, so also every file in the folder they share (the sandbox
  root) except the *other* manuscripts there (a folder of 2,000 chapters is
  not one book's images);
* a cover or stylesheet the catalog names outside that folder.

Version-control folders, the build cache (``.make_book/``, book/cache) and
the run's own output folder are left out.  The inputs are hashed for the
manifest (unchanged inputs → the book is skipped) and, for workers on other
machines, packed into a :class:`Bundle` that recreates the same layout
there, modification times included (a book without a date is dated by its
newest source).
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..cache.location import PROJECT_FOLDER
from ..config import CONFIG_NAME
from ..errors import SourceError
from ..project import LEANPUB_MANIFEST, display_path
from ..readers import SUPPORTED_EXTENSIONS
from .entries import BookEntry

#: Manuscript formats that never name another file.
_SELF_CONTAINED = frozenset({".txt", ".docx"})
#: Folders that are never part of a book (the build cache changes with every
#: build and would make every book look edited).
_IGNORED_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__", ".DS_Store", PROJECT_FOLDER})


@dataclass
class BookInputs:
    """Where a book lives and the files it may read (absolute paths)."""

    root: Path
    files: list[Path]
    #: Files named by the catalog outside ``root`` (cover, stylesheets).
    extras: list[Path] = field(default_factory=list)

    def all_files(self) -> list[Path]:
        return self.files + self.extras


@dataclass
class Bundle:
    """A book's inputs as bytes, to rebuild its folder on another machine.

    ``root_rel`` is where the book's folder sits under the worker's
    temporary folder (its path from the client's working folder when it
    is below it, else its own name), so messages name files as a local
    build would.  Each file is (path relative to the root, bytes, mtime in
    nanoseconds); extras are (original absolute path, bytes, mtime).
    """

    root_rel: str
    files: list[tuple[str, bytes, int]]
    extras: list[tuple[str, bytes, int]]

    @property
    def size(self) -> int:
        return sum(len(data) for _, data, _ in self.files + self.extras)


class InputScanner:
    """Finds and hashes books' inputs, remembering folder walks and file
    hashes (a folder shared by many books is walked once per run, and a file
    whose size and modification time did not change is not read again)."""

    def __init__(self, exclude: list[Path], hash_cache: dict[str, list] | None = None) -> None:
        self.exclude = [Path(os.path.realpath(p)) for p in exclude]
        #: path → [size, mtime_ns, sha256]: kept in the manifest between runs.
        self.hash_cache: dict[str, list] = dict(hash_cache or {})
        #: The files hashed in this run (what the manifest keeps next time).
        self.hashed: set[str] = set()
        self._walks: dict[Path, list[Path]] = {}

    # ------------------------------------------------------------ finding

    def inputs(self, entry: BookEntry) -> BookInputs:
        """The inputs of ``entry``; :class:`SourceError` when a source is missing."""
        for source in entry.sources:
            if not source.exists():
                raise SourceError("no such file or folder", file=display_path(source))
        first = entry.sources[0]
        folder = first if first.is_dir() else first.parent if first.name == CONFIG_NAME else None
        if folder is not None and len(entry.sources) == 1:
            if not ((folder / CONFIG_NAME).is_file() or (folder / LEANPUB_MANIFEST).is_file()):
                raise SourceError(f"folder has no {CONFIG_NAME} or {LEANPUB_MANIFEST}",
                                  file=display_path(folder))
            root = Path(os.path.realpath(folder))
            files = list(self._walk(root))
        else:
            real = [Path(os.path.realpath(p)) for p in entry.sources]
            root = Path(os.path.commonpath([str(p.parent) for p in real]))
            files = list(real)
            if any(p.suffix.lower() not in _SELF_CONTAINED for p in real):
                files += [p for p in self._walk(root) if p.suffix.lower() not in SUPPORTED_EXTENSIONS]
        extras = []
        for named in [entry.settings.get("cover"), *entry.settings.get("css", [])]:
            if named is None:
                continue
            real_named = Path(os.path.realpath(named))
            if real_named.is_file() and root not in real_named.parents:
                extras.append(real_named)
        return BookInputs(root, sorted(set(files)), sorted(set(extras)))

    def _walk(self, root: Path) -> list[Path]:
        if root not in self._walks:
            found: list[Path] = []
            for folder, dirs, names in os.walk(root):
                here = Path(folder)
                dirs[:] = sorted(d for d in dirs if d not in _IGNORED_DIRS
                                 and Path(os.path.realpath(here / d)) not in self.exclude)
                for name in names:
                    path = here / name
                    try:
                        info = os.stat(path)
                    except OSError:
                        continue
                    real = Path(os.path.realpath(path))
                    if stat.S_ISREG(info.st_mode) and (real == path or root in real.parents):
                        found.append(path)
            self._walks[root] = sorted(found)
        return self._walks[root]

    # ------------------------------------------------------------ hashing

    def file_hash(self, path: Path) -> str:
        info = os.stat(path)
        key = str(path)
        self.hashed.add(key)
        cached = self.hash_cache.get(key)
        if cached and cached[0] == info.st_size and cached[1] == info.st_mtime_ns:
            return cached[2]
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        self.hash_cache[key] = [info.st_size, info.st_mtime_ns, digest.hexdigest()]
        return digest.hexdigest()

    def fingerprint(self, inputs: BookInputs) -> list[list[str]]:
        """[relative name, sha256] of every input, in a stable order."""
        rows = [[p.relative_to(inputs.root).as_posix(), self.file_hash(p)] for p in inputs.files]
        rows += [[f"extra:{p.name}", self.file_hash(p)] for p in inputs.extras]
        return rows

    def size(self, inputs: BookInputs) -> int:
        """Bytes of input (known from hashing): a rough measure of the work."""
        return sum(self.hash_cache.get(str(p), [0])[0] for p in inputs.all_files())


def bundle(inputs: BookInputs, cwd: Path) -> Bundle:
    """Pack ``inputs`` for a worker that does not share this file system."""
    try:
        rel = inputs.root.relative_to(Path(os.path.realpath(cwd)))
        root_rel = rel.as_posix() if rel.parts else inputs.root.name
    except ValueError:
        root_rel = inputs.root.name or "book"

    def read(path: Path) -> tuple[bytes, int]:
        with open(path, "rb") as handle:
            data = handle.read()
        return data, os.stat(path).st_mtime_ns

    files = []
    for path in inputs.files:
        data, mtime = read(path)
        files.append((path.relative_to(inputs.root).as_posix(), data, mtime))
    extras = []
    for path in inputs.extras:
        data, mtime = read(path)
        extras.append((str(path), data, mtime))
    return Bundle(root_rel, files, extras)


def unpack(packed: Bundle, folder: Path) -> tuple[Path, dict[str, Path]]:
    """Recreate a bundle under ``folder``: the book's root there, and where
    each extra (by its original path) landed."""
    root = folder / "book" / packed.root_rel
    root.mkdir(parents=True, exist_ok=True)
    for rel, data, mtime in packed.files:
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, ns=(mtime, mtime))
    extras = {}
    for index, (original, data, mtime) in enumerate(packed.extras):
        target = folder / "extras" / str(index) / Path(original).name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        os.utime(target, ns=(mtime, mtime))
        extras[original] = target
    return root, extras
