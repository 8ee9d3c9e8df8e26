"""Which files a watch follows: the book's folders, and which changes count.

Shared by ``make-book build --watch`` (book/watch/loop.py) and the preview
(book/serve/rebuild.py): a save of a manuscript, a setting, a stylesheet,
an image or a font means a rebuild; the build cache, the outputs, version
control and editors' lock, swap and backup files never do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from ..build import Overrides

#: Files whose change means a rebuild: manuscripts, settings, styles, images, fonts.
WATCHED_SUFFIXES = frozenset({
    ".txt", ".md", ".markdown", ".html", ".htm", ".xhtml", ".docx", ".toml", ".yaml", ".yml",
    ".css", ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ttf", ".otf", ".woff",
    ".woff2", ".bib"})
#: Folders never watched: caches, outputs, version control, Node packages.
IGNORED_FOLDERS = frozenset({".make_book", ".git", ".hg", ".svn", "node_modules", "dist",
                             "__pycache__", ".venv"})
#: Quiet time (ms) that ends a group of changes: one save's events fall within it.
STEP_MS = 60


def watched_roots(inputs: Sequence[Path], overrides: Overrides) -> list[Path]:
    """The folders to watch: the book folder (or each manuscript's folder)
    and the folders of extra stylesheets named on the command line."""
    roots: set[Path] = set()
    for path in [*inputs, *(Path(p) for p in overrides.css)]:
        path = Path(path).resolve()
        roots.add(path if path.is_dir() else path.parent)
    # a folder inside another watched one is watched already (recursively)
    return sorted(r for r in roots if not any(o != r and o in r.parents for o in roots))


def wanted(path: str, roots: Sequence[Path] = (), ignored: Iterable[Path] = ()) -> bool:
    """A change worth a rebuild (see WATCHED_SUFFIXES and IGNORED_FOLDERS;
    folder names count below the watched ``roots`` only: a book kept in a
    folder called dist is still watched).  Nothing inside the ``ignored``
    folders counts (absolute paths: the build's own output folder)."""
    where = Path(path)
    if any(where.is_relative_to(folder) for folder in ignored):
        return False
    for root in roots:
        if where.is_relative_to(root):
            where = where.relative_to(root)
            break
    parts = where.parts
    if any(part in IGNORED_FOLDERS for part in parts[:-1]):
        return False
    name = parts[-1] if parts else ""
    if name.startswith((".#", "~")) or name.endswith(("~", ".swp", ".swx", ".tmp")):
        return False  # editors' lock, swap and backup files
    return name == "Book.txt" or Path(name).suffix.lower() in WATCHED_SUFFIXES
