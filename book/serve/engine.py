"""Where the ebook view's reading engine, foliate-js, comes from.

foliate-js (MIT, npm ``foliate-js``) paginates an EPUB in the browser the
way a reading system does (columns, spreads, the EPUB's own navigation).
It is a Node package, not a Python one, so ``make-book serve`` looks for
it, in order:

1. ``MAKE_BOOK_FOLIATE_JS``: the package folder (holding ``view.js``);
2. ``node_modules/foliate-js`` of the make_book checkout (``npm ci``
   installs it from package.json) or of the working folder;
3. the global npm folder (``npm install -g foliate-js``, ``npm root -g``).

Without it the command stops with one line saying how to install it: a
preview that silently showed something else would mislead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..errors import ToolMissingError

PACKAGE = "foliate-js"
#: The file every copy of the engine has (the <foliate-view> element).
ENTRY = "view.js"


def _candidates() -> list[Path]:
    found = []
    override = os.environ.get("MAKE_BOOK_FOLIATE_JS", "").strip()
    if override:
        found.append(Path(override).expanduser())
    checkout = Path(__file__).resolve().parents[2]
    for base in (checkout, Path.cwd()):
        found.append(base / "node_modules" / PACKAGE)
    return found


def _global_root() -> Path | None:
    npm = shutil.which("npm")
    if npm is None:
        return None
    try:
        done = subprocess.run([npm, "root", "-g"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.SubprocessError):
        return None
    line = done.stdout.strip()
    return Path(line) / PACKAGE if done.returncode == 0 and line else None


def find_engine() -> Path:
    """The foliate-js package folder, resolved; ToolMissingError when absent."""
    override = os.environ.get("MAKE_BOOK_FOLIATE_JS", "").strip()
    for folder in _candidates():
        if (folder / ENTRY).is_file():
            return folder.resolve()
        if override and folder == Path(override).expanduser():
            raise ToolMissingError(f"MAKE_BOOK_FOLIATE_JS names a folder without {ENTRY}",
                                   file=override)
    folder = _global_root()
    if folder is not None and (folder / ENTRY).is_file():
        return folder.resolve()
    raise ToolMissingError(
        "the ebook view needs foliate-js, which is not installed",
        hint="run `PUPPETEER_SKIP_DOWNLOAD=1 npm ci` in the make_book checkout, or "
             "`npm install -g foliate-js`, or set MAKE_BOOK_FOLIATE_JS to its folder")
