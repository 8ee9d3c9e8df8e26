"""Crash-safe output: every file appears whole or not at all.

Outputs are written to a temporary file beside the target (same folder, so
the same file system), flushed to disk, and moved over the target with
:func:`os.replace`, which is atomic on POSIX and Windows.  A process killed
at any moment (SIGKILL included) leaves the previous file intact or no
file, never a truncated one; at worst a hidden ``.NAME.PID.*.part`` file
remains, which the next build into that folder removes (unless the process
that wrote it is still running: two builds may share an output folder).

All outputs of a build are staged first and renamed together at the end, so
a failure in any writer or while staging leaves none of the new files.  A
Ctrl-C (SIGINT) or SIGTERM that arrives while the files are being renamed
is held back until every rename is done: an interrupted build has then
either written nothing or everything, and says which.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

from .errors import Interrupted, OutputError

_PART_SUFFIX = ".part"
#: Signals held back while the staged files are renamed into place.
_DEFERRED_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None))
                          if s is not None)


def _writer_alive(stale: Path, name: str) -> bool:
    """True when the ``.part`` file's name carries the id of a running process."""
    middle = stale.name[len(name) + 2: -len(_PART_SUFFIX)]  # "PID.random"
    pid_text = middle.split(".", 1)[0]
    if not pid_text.isdigit() or int(pid_text) == os.getpid():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but not ours to signal
        return True
    return True


def clean_stale_parts(folder: Path, name: str) -> list[Path]:
    """Remove ``.part`` files left for ``name`` by builds that died; return them."""
    removed = []
    for stale in folder.glob(f".{name}.*{_PART_SUFFIX}"):
        if _writer_alive(stale, name):
            continue
        try:
            stale.unlink()
            removed.append(stale)
        except OSError:
            pass
    return removed


@contextlib.contextmanager
def _signals_deferred() -> Iterator[list[int]]:
    """Hold SIGINT/SIGTERM back during the block; yield the list they land in.

    Only the main thread can install handlers; elsewhere the block runs
    unprotected (signals are delivered to the main thread anyway).
    """
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return
    previous = {}
    for number in _DEFERRED_SIGNALS:
        handler = signal.getsignal(number)
        if handler is None:  # installed outside Python: leave it alone
            continue
        previous[number] = signal.signal(number, lambda signum, frame: caught.append(signum))
    try:
        yield caught
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _open_part(path: Path) -> tuple[int, str]:
    """A new, empty ``.part`` file beside ``path``: its descriptor and name."""
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the output folder: {exc.strerror}", file=str(folder)) from None
    clean_stale_parts(folder, path.name)
    try:
        handle, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.{os.getpid()}.",
                                        suffix=_PART_SUFFIX)
    except OSError as exc:
        raise OutputError(f"cannot write in the output folder: {exc.strerror}", file=str(folder)) from None
    return handle, temp


def _fill(handle: int, temp: str, data: bytes, path: Path) -> None:
    """Write ``data`` through ``handle`` (closing it) and make it durable."""
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write the output: {exc.strerror}", file=str(path)) from None


def commit(files: Mapping[Path, bytes]) -> None:
    """Write each ``path: data`` atomically; all renamed only when all are written.

    Raises :class:`OutputError` when a file cannot be written (nothing new is
    left behind), and :class:`Interrupted` when Ctrl-C or SIGTERM came
    during the renames (every new file is then in place and complete).
    """
    staged: list[tuple[str, Path]] = []
    renamed = 0
    try:
        for path, data in files.items():
            handle, temp = _open_part(path)
            staged.append((temp, path))  # known before writing, so always cleaned up
            _fill(handle, temp, data, path)
        with _signals_deferred() as caught:
            for temp, path in staged:
                try:
                    os.replace(temp, path)
                except OSError as exc:
                    raise OutputError(f"cannot replace the output: {exc.strerror}",
                                      file=str(path)) from None
                renamed += 1
            for folder in dict.fromkeys(path.parent for _, path in staged):
                _fsync_dir(folder)
        if caught:
            raise Interrupted("interrupted after every output was written; they are complete")
    except BaseException:
        for temp, _ in staged[renamed:]:
            with contextlib.suppress(OSError):
                os.unlink(temp)
        raise


def _fsync_dir(folder: Path) -> None:
    """Make the renames themselves durable (POSIX: fsync the directory)."""
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
