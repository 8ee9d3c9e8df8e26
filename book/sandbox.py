"""The book's folder is the sandbox: every file reference resolves inside it.

Manuscripts name other files (images, stylesheets, fonts, chapters).  A
hostile or careless one may name ``/etc/passwd``, ``../../secret`` or a
symlink leading out of the folder, or a URL on the network.  Every such
reference goes through :meth:`Sandbox.resolve`, which refuses anything that
does not end up inside :attr:`Sandbox.root` after symlinks are followed.
Remote references are refused unless the user passed ``--allow-remote``.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from .errors import LimitError, SandboxError, SourceError

#: Schemes that reach the network.
REMOTE_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "ws", "wss", "gopher"})


def is_remote(ref: str) -> bool:
    """True for references that would fetch from the network."""
    ref = ref.strip()
    if ref.startswith("//"):
        return True
    scheme = urlsplit(ref).scheme.lower()
    return scheme in REMOTE_SCHEMES


def is_data_uri(ref: str) -> bool:
    return ref.strip().lower().startswith("data:")


#: Sets that receive every path the sandboxes resolve or read (see :func:`watch`).
_WATCHERS: list[set[Path]] = []


@contextlib.contextmanager
def watch() -> Iterator[set[Path]]:
    """Collect the paths resolved or read through any sandbox during the
    block: the files a build depends on, for the build cache (book/cache)."""
    seen: set[Path] = set()
    _WATCHERS.append(seen)
    try:
        yield seen
    finally:
        # By identity: two watchers may hold equal sets.
        del _WATCHERS[next(i for i, w in enumerate(_WATCHERS) if w is seen)]


def _seen(path: Path) -> None:
    for watcher in _WATCHERS:
        watcher.add(path)


def note_used(path: Path) -> None:
    """Tell the watchers of a file read elsewhere for this build (a worker process)."""
    _seen(Path(path))


@dataclass(frozen=True)
class Sandbox:
    """Resolves and reads files inside one folder, and nowhere else."""

    root: Path
    allow_remote: bool = False

    @classmethod
    def at(cls, root: Path, *, allow_remote: bool = False) -> Sandbox:
        return cls(Path(os.path.realpath(root)), allow_remote)

    def contains(self, path: Path) -> bool:
        """True when ``path`` (symlinks followed) lies inside the root."""
        real = Path(os.path.realpath(path))
        return real == self.root or self.root in real.parents

    def display(self, path: Path | str) -> str:
        """A path relative to the root, for messages (never absolute)."""
        path = Path(path)
        try:
            return Path(os.path.realpath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return path.name

    def resolve(self, ref: str, *, base: Path | None = None, file: str | None = None,
                line: int | None = None) -> Path:
        """Resolve a reference written in a source file to a path in the root.

        ``base`` is the folder the reference is relative to (the folder of the
        file that contains it); ``file`` and ``line`` locate the reference for
        the error message.  Raises :class:`SandboxError` for absolute paths,
        escapes and symlinks leading outside, and for remote URLs.
        """
        raw = ref.strip()
        if is_remote(raw):
            raise SandboxError(
                f"remote reference {raw!r} refused", file=file, line=line,
                hint="pass --allow-remote to fetch it",
            )
        parts = urlsplit(raw)
        if parts.scheme and parts.scheme.lower() != "file" and len(parts.scheme) > 1:
            raise SandboxError(f"unsupported reference {raw!r}", file=file, line=line)
        if parts.scheme.lower() == "file":
            raise SandboxError(
                f"file URL {raw!r} refused: reference files by a path relative to the book folder",
                file=file, line=line,
            )
        path_text = unquote(parts.path) if parts.scheme == "" and "%" in raw else parts.path
        if not path_text:
            raise SandboxError(f"empty reference {raw!r}", file=file, line=line)
        return self._inside(path_text, raw, base, file, line)

    def resolve_path(self, relative: str, *, base: Path | None = None, file: str | None = None,
                     line: int | None = None) -> Path:
        """Resolve a file *path* (not a URL) relative to ``base`` or the root.

        For names that are paths by nature (``[content] files`` in book.toml,
        ``Book.txt`` lines, names found in the folder): ``#``, ``?``, ``%``
        and control characters are part of the name, as the file system
        sees it, instead of URL syntax.  The same refusals as
        :meth:`resolve` apply (absolute, ``..`` escape, symlink out).
        """
        if not relative:
            raise SandboxError("empty file name", file=file, line=line)
        return self._inside(relative, relative, base, file, line)

    def _inside(self, path_text: str, raw: str, base: Path | None, file: str | None,
                line: int | None) -> Path:
        """The path ``path_text`` from ``base`` when it stays in the root (see :meth:`resolve`)."""
        posix = PurePosixPath(path_text.replace("\\", "/"))
        if posix.is_absolute() or (len(path_text) > 1 and path_text[1] == ":"):
            raise SandboxError(
                f"absolute path {raw!r} refused: use a path relative to the book folder",
                file=file, line=line,
            )
        folder = base if base is not None else self.root
        candidate = Path(os.path.normpath(folder / Path(*posix.parts)))
        if not self._lexically_inside(candidate):
            raise SandboxError(f"{raw!r} points outside the book folder", file=file, line=line)
        if not self.contains(candidate):
            raise SandboxError(
                f"{raw!r} is a link to a file outside the book folder", file=file, line=line
            )
        _seen(candidate)
        return candidate

    def _lexically_inside(self, path: Path) -> bool:
        real_parent = Path(os.path.realpath(path.parent)) if path.parent.exists() else path.parent
        return real_parent == self.root or self.root in real_parent.parents or path == self.root

    def read_bytes(self, path: Path, *, limit: int, file: str | None = None,
                   line: int | None = None) -> bytes:
        """Read a regular file inside the root, refusing files over ``limit`` bytes."""
        _seen(path)
        if not self.contains(path):
            raise SandboxError(f"{self.display(path)} is outside the book folder", file=file, line=line)
        try:
            info = path.stat()
        except FileNotFoundError:
            raise SourceError(f"file not found: {self.display(path)}", file=file, line=line) from None
        except OSError as exc:
            raise SourceError(f"cannot read {self.display(path)}: {exc.strerror}", file=file,
                              line=line) from None
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(f"{self.display(path)} is not a regular file", file=file, line=line)
        if info.st_size > limit:
            # "huge.txt: the file is 50.0 MiB", not "huge.txt: huge.txt is 50.0 MiB".
            what = "the file" if file and Path(file).name == path.name else self.display(path)
            raise LimitError(
                f"{what} is {info.st_size / 2**20:.1f} MiB, over the "
                f"{limit / 2**20:.0f} MiB limit for this kind of file", file=file, line=line,
            )
        try:
            with open(path, "rb") as handle:
                data = handle.read(limit + 1)
        except OSError as exc:
            raise SourceError(f"cannot read {self.display(path)}: {exc.strerror}", file=file,
                              line=line) from None
        if len(data) > limit:
            raise LimitError(f"{self.display(path)} grew past the size limit while read", file=file)
        return data
