"""Crash-safe output: every file appears whole or not at all.

Outputs are written to a temporary file beside the target (same folder, so
the same file system) and moved over it with :func:`os.replace`, which is
atomic on POSIX and Windows.  A process killed at any moment (SIGKILL
included) leaves the previous file intact or no file, never a truncated one;
at worst a hidden ``.name.*.part`` file remains, which the next build
removes.  All outputs of a build are committed together at the end, so a
failure in the last writer leaves none of the new files.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from .errors import OutputError

_PART_SUFFIX = ".part"


def _clean_stale_parts(folder: Path, name: str) -> None:
    for stale in folder.glob(f".{name}.*{_PART_SUFFIX}"):
        try:
            stale.unlink()
        except OSError:
            pass


def commit(files: Mapping[Path, bytes]) -> None:
    """Write each ``path: data`` atomically; all renamed only when all are written."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            folder = path.parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise OutputError(f"cannot create the output folder: {exc.strerror}",
                                  file=str(folder)) from None
            _clean_stale_parts(folder, path.name)
            try:
                handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=_PART_SUFFIX)
            except OSError as exc:
                raise OutputError(f"cannot write in the output folder: {exc.strerror}",
                                  file=str(folder)) from None
            staged.append((temp, path))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, 0o644)
        for temp, path in staged:
            os.replace(temp, path)
        for folder in {path.parent for _, path in staged}:
            _fsync_dir(folder)
    except BaseException:
        for temp, _ in staged:
            try:
                os.unlink(temp)
            except OSError:
                pass
        raise


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
