"""Where a book's build cache lives.

A book folder (``book.toml`` or Leanpub's ``Book.txt``) keeps its cache
inside, in ``.make_book/`` (which tells git to ignore it).  Manuscript files
named on their own may sit anywhere (a downloads folder, a read-only
share), so their cache goes to the user's cache directory
(``~/.cache/make-book`` on Linux, by platformdirs), one folder per
manuscript folder.  ``MAKE_BOOK_CACHE_DIR`` puts every cache under one
folder instead (for CI, or a faster disk).
"""

from __future__ import annotations

import os
from pathlib import Path

from .keys import Hasher

#: The cache folder inside a book folder.
PROJECT_FOLDER = ".make_book"
APP_NAME = "make-book"


def user_cache_root() -> Path:
    override = os.environ.get("MAKE_BOOK_CACHE_DIR", "").strip()
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


def cache_folder(root: Path, *, book_folder: bool) -> Path:
    """The cache folder of the book whose sandbox root is ``root``."""
    root = Path(root)
    if os.environ.get("MAKE_BOOK_CACHE_DIR", "").strip() or not book_folder:
        return user_cache_root() / Hasher(str(root)).hexdigest()[:20]
    return root / PROJECT_FOLDER
