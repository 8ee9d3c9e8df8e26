"""Cache keys: hashes of everything an entry was made from.

A key must change whenever the output could: the input bytes, book.toml
and the options (each stage hashes its own), and what no input names but
still shapes the result, hashed here once per process:

* :func:`tool_fingerprint`: make-book's own code and stylesheets (their
  bytes, not just the version number, so a changed checkout never reuses
  entries of the old code) and the versions of the libraries that render;
* :func:`environment_fingerprint`: the fonts installed on the system (the
  fontconfig caches and font folders change when a font is added or
  removed) and the system colour profiles the PDF/X output intent may use.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path

#: Libraries whose version shapes the outputs.
LIBRARIES = ("weasyprint", "pydyf", "pikepdf", "lxml", "ebooklib", "pyphen", "fonttools",
             "pillow", "markdown-it-py", "mdit-py-plugins", "mammoth", "tinycss2", "cssselect2",
             "lingua-language-detector", "charset-normalizer", "emoji")
#: The system's fontconfig caches (rewritten by ``fc-cache`` when fonts are
#: installed) and the usual font folders (POSIX).  A user's own fontconfig
#: cache (``~/.cache/fontconfig``) is left out: fontconfig rewrites it on its
#: own whenever any program meets a folder it has not cached, which would make
#: every key change under a build that only ran beside another one.
FONT_PLACES = ("/var/cache/fontconfig", "/usr/lib/fontconfig/cache", "/usr/share/fonts",
               "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts",
               "/Library/Fonts", "~/Library/Fonts", "/System/Library/Fonts")


class Hasher:
    """SHA-256 over typed parts, so ("ab", "c") and ("a", "bc") differ."""

    def __init__(self, *parts: object) -> None:
        self._digest = hashlib.sha256()
        self.update(*parts)

    def update(self, *parts: object) -> Hasher:
        for part in parts:
            if isinstance(part, bytes):
                data, tag = part, b"b"
            else:
                data, tag = str(part).encode("utf-8", "surrogatepass"), b"s"
            self._digest.update(tag + len(data).to_bytes(8, "big") + data)
        return self

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def _package_files() -> list[Path]:
    book = Path(__file__).resolve().parents[1]
    from ..styles_folder import styles_dir

    # os.walk, pruning the byte-code folders, lists the tree in a third of
    # the time rglob takes to visit every .pyc (every cached build asks).
    found = []
    for folder, subfolders, names in os.walk(book):
        subfolders[:] = [name for name in subfolders if name != "__pycache__"]
        found += [path for name in names if name.endswith((".py", ".css", ".js"))
                  and (path := Path(folder, name)).is_file()]
    styles = styles_dir()
    if not styles.is_relative_to(book):
        found += [p for p in styles.rglob("*.css") if p.is_file()]
    root = book.parent / "make_book.py"
    if root.is_file():
        found.append(root)
    return sorted(found)


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def library_versions() -> list[str]:
    """``name-version`` of each installed library in :data:`LIBRARIES`, read
    from the distributions' folder names (``weasyprint-70.0.dist-info``):
    one listing per import path instead of a metadata lookup per library."""
    wanted = {_normal(name) for name in LIBRARIES}
    found: set[str] = set()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                names = [e.name for e in listing if e.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
        for folder in names:
            stem = folder.rsplit(".", 1)[0]
            project, _, version = stem.partition("-")
            if _normal(project) in wanted:
                found.add(f"{_normal(project)}-{version}")
    return sorted(found)


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """make-book's code, stylesheets and rendering libraries, hashed."""
    from ..version import __version__

    hasher = Hasher("make-book", __version__, sys.version, *library_versions())
    base = Path(__file__).resolve().parents[2]
    for path in _package_files():
        try:
            hasher.update(path.relative_to(base).as_posix() if path.is_relative_to(base)
                          else path.name, path.read_bytes())
        except OSError:
            hasher.update(path.name, "?")
    return hasher.hexdigest()


@lru_cache(maxsize=1)
def environment_fingerprint() -> str:
    """The system's fonts and colour profiles, as far as a few stats tell."""
    from ..cmyk_profiles import SYSTEM_CMYK_PROFILES

    hasher = Hasher("environment")
    for place in FONT_PLACES:
        folder = Path(os.path.expanduser(place))
        try:
            with os.scandir(folder) as entries:
                listing = sorted((e.name, e.stat(follow_symlinks=False).st_mtime_ns,
                                  e.stat(follow_symlinks=False).st_size) for e in entries)
        except OSError:
            listing = []
        hasher.update(place, repr(listing))
    for profile in SYSTEM_CMYK_PROFILES:
        try:
            info = os.stat(profile)
            hasher.update(profile, info.st_size, info.st_mtime_ns)
        except OSError:
            hasher.update(profile, "-")
    return hasher.hexdigest()


def base_key() -> str:
    """Tool and environment together: the start of every key."""
    return Hasher(tool_fingerprint(), environment_fingerprint()).hexdigest()
