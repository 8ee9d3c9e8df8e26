"""``make-book clean``: remove a book's build cache.

The cache only ever saves time: removing it is always safe, and the next
build lays everything out again.  Outputs (``dist/``) are left alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .location import PROJECT_FOLDER, cache_folder, user_cache_root


@dataclass
class Cleaned:
    """A cache folder that was removed, and the bytes it held."""

    folder: Path
    size: int


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _remove(folder: Path) -> Cleaned | None:
    if not folder.is_dir():
        return None
    size = _size(folder)
    shutil.rmtree(folder)
    return Cleaned(folder, size)


def clean(inputs: Sequence[str | Path] = (), *, everything: bool = False) -> list[Cleaned]:
    """Remove the cache of the book named by ``inputs`` (as ``make-book
    build`` takes them; a book folder by default the current one), or with
    ``everything`` the whole user cache directory too."""
    from ..project import open_project

    removed: list[Cleaned] = []
    if inputs or not everything:
        paths = list(inputs) or [Path.cwd()]
        project = open_project(paths)
        folder = cache_folder(project.sandbox.root, book_folder=project.mode != "files")
        found = _remove(folder)
        if found:
            removed.append(found)
        stray = project.sandbox.root / PROJECT_FOLDER
        if stray != folder:
            found = _remove(stray)
            if found:
                removed.append(found)
    if everything:
        found = _remove(user_cache_root())
        if found:
            removed.append(found)
    return removed
