"""The files an entry depends on, and whether they are still as they were.

Some inputs are only known once the manuscript is read: the images a
chapter shows, the stylesheet book.toml names, a file a reader looked for
and did not find.  Every path resolved or read through the sandbox is
collected (:func:`book.sandbox.watch`); an entry that depends on such files
records their state, and is used again only when each is unchanged: same
kind, and for a file the same SHA-256 of its bytes (size and modification
time only spare the hashing when both are unchanged, as git does).
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

#: One path's state: [kind, size, mtime_ns, sha256] (kind "file", "dir", "missing", "other").
State = list


def state_of(path: Path, previous: State | None = None) -> State:
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return ["missing", 0, 0, ""]
    except OSError:
        return ["other", 0, 0, ""]
    if stat.S_ISDIR(info.st_mode):
        return ["dir", 0, 0, ""]
    if not stat.S_ISREG(info.st_mode):
        return ["other", 0, 0, ""]
    if previous is not None and previous[0] == "file" and previous[1] == info.st_size \
            and previous[2] == info.st_mtime_ns:
        return previous
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ["other", 0, 0, ""]
    return ["file", info.st_size, info.st_mtime_ns, digest.hexdigest()]


def snapshot(paths: Iterable[Path]) -> dict[str, State]:
    """Absolute path → state, for each path."""
    return {str(path): state_of(Path(path)) for path in sorted({str(p) for p in paths})}


def unchanged(recorded: dict[str, State]) -> bool:
    """True when every recorded path is in the state recorded (content-wise)."""
    for name, before in recorded.items():
        now = state_of(Path(name), before)
        if now[0] != before[0] or (now[0] == "file" and now[3] != before[3]):
            return False
    return True


def content_digest(recorded: dict[str, State]) -> str:
    """A hash of the recorded contents (not their times), for keys."""
    digest = hashlib.sha256()
    for name in sorted(recorded):
        kind, _, _, sha = recorded[name]
        digest.update(f"{name}\0{kind}\0{sha}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
