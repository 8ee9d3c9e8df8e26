"""From what the user named on the command line to a list of source files.

Three shapes of input:

* a folder with ``book.toml`` (a book project; its ``[content] files`` give
  the order, as paths or globs);
* a Leanpub manuscript folder with ``Book.txt`` listing its chapter files;
* one or more manuscript files ("single-file mode"), built in the order given.

The folder of the project (or of the files) becomes the sandbox root.
"""

from __future__ import annotations

import glob as globlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import limits
from .config import CONFIG_NAME, ContentEntry, ProjectConfig, load_config
from .errors import ConfigError, SandboxError, SourceError
from .readers import SUPPORTED_EXTENSIONS, SourceFile
from .sandbox import Sandbox

LEANPUB_MANIFEST = "Book.txt"
_SKIP_NAMES = re.compile(r"^(readme|license|licence|changelog|contributing|copying)(\.|$)", re.I)


@dataclass
class Project:
    """The resolved inputs of one build."""

    config: ProjectConfig
    sandbox: Sandbox
    sources: list[SourceFile] = field(default_factory=list)
    mode: str = "files"


def display_path(path: Path) -> str:
    """How to name a file in messages: relative to the working directory."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path.name
    return rel if not rel.startswith(".." + os.sep + "..") else path.name


def natural_key(text: str) -> list[object]:
    """Sort key putting chapter2 before chapter10."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def _check_supported(path: Path, display: str, where: str | None = None, line: int | None = None) -> None:
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        kinds = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        # The file leads the line already unless a list named it (where:line).
        named = f"{display}: " if where else ""
        raise SourceError(
            f"{named}unsupported file type {path.suffix or '(none)'!r} (supported: {kinds})",
            file=where or display, line=line,
        )


def open_project(inputs: Sequence[str | Path], *, allow_remote: bool = False) -> Project:
    """Resolve the command line's SOURCE arguments into a :class:`Project`."""
    if not inputs:
        raise SourceError("no manuscript given: name a file or a book folder")
    paths = [Path(p) for p in inputs]
    for path in paths:
        if not path.exists():
            raise SourceError("no such file or folder", file=display_path(path))
    if len(paths) == 1 and (paths[0].is_dir() or paths[0].name == CONFIG_NAME):
        folder = paths[0] if paths[0].is_dir() else paths[0].parent
        if (folder / CONFIG_NAME).is_file():
            return _open_book_folder(folder, allow_remote)
        if (folder / LEANPUB_MANIFEST).is_file():
            return _open_leanpub_folder(folder, allow_remote)
        raise ConfigError(f"folder has no {CONFIG_NAME}", file=display_path(folder),
                          hint=f"create {CONFIG_NAME} or name the manuscript files")
    for path in paths:
        if path.is_dir():
            raise SourceError("a folder can only be built alone (with its book.toml)",
                              file=display_path(path))
    return _open_files(paths, allow_remote)


def _open_files(paths: list[Path], allow_remote: bool) -> Project:
    real = [Path(os.path.realpath(p)) for p in paths]
    root = Path(os.path.commonpath([str(p.parent) for p in real]))
    sandbox = Sandbox.at(root, allow_remote=allow_remote)
    sources = []
    for path, typed in zip(real, paths):
        display = display_path(typed)
        _check_supported(path, display)
        sources.append(SourceFile(path, display))
    return Project(ProjectConfig(root=sandbox.root), sandbox, sources, "files")


def _open_book_folder(folder: Path, allow_remote: bool) -> Project:
    sandbox = Sandbox.at(folder, allow_remote=allow_remote)
    config_path = sandbox.root / CONFIG_NAME
    display = display_path(folder / CONFIG_NAME)
    raw = sandbox.read_bytes(config_path, limit=limits.MAX_CONFIG_BYTES, file=display)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError("book.toml is not valid UTF-8", file=display, line=line) from None
    config = load_config(config_path, display, text)
    config.root = sandbox.root
    _check_style_refs(config, sandbox, display, text)
    if config.content.files:
        sources = _expand_entries(config.content.files, sandbox, display, config_text=text)
    else:
        sources = [SourceFile(path, display_path(path)) for path in _default_files(sandbox.root)]
    if not sources:
        raise ConfigError("the book has no content files", file=display,
                          hint="list them in [content] files")
    return Project(config, sandbox, sources, "project")


def _check_style_refs(config: ProjectConfig, sandbox: Sandbox, display: str, text: str) -> None:
    """Refuse ``[style] css`` entries leaving the book folder now, while the
    line of book.toml that names them is known."""
    for ref in config.style.css:
        sandbox.resolve(ref, file=display, line=_line_of_pattern(text, ref))


def _default_files(root: Path) -> list[Path]:
    """Manuscripts in the folder when book.toml lists none, in natural order.

    These names come from the file system, so they are used as they are:
    never read as globs or URLs (``[draft].md``, ``why?.md``, ``#1.md``).
    Symlinks leading out of the folder are refused like any reference.
    """
    found = [p for p in root.iterdir()
             if p.suffix.lower() in SUPPORTED_EXTENSIONS and not _SKIP_NAMES.match(p.name)
             and p.is_file()]
    found.sort(key=lambda p: natural_key(p.name))
    sandbox = Sandbox.at(root)
    for path in found:
        if not sandbox.contains(path):
            raise SandboxError(f"{path.name!r} is a link to a file outside the book folder",
                               file=display_path(path))
    return found


def _line_of_pattern(config_text: str, pattern: str) -> int | None:
    for number, line in enumerate(config_text.splitlines(), 1):
        if pattern in line:
            return number
    return None


def _names_a_file(sandbox: Sandbox, name: str) -> bool:
    """True when ``name`` is, literally, a file in the book (``[draft].md``)."""
    try:
        return sandbox.resolve_path(name).is_file()
    except SandboxError:
        return False


def _expand_entries(entries: list[ContentEntry], sandbox: Sandbox, config_display: str,
                    config_text: str = "") -> list[SourceFile]:
    sources: list[SourceFile] = []
    seen: set[Path] = set()
    for entry in entries:
        line = _line_of_pattern(config_text, entry.pattern)
        if any(ch in entry.pattern for ch in "*?[") and not _names_a_file(sandbox, entry.pattern):
            if entry.pattern.startswith("/") or ".." in Path(entry.pattern).parts:
                raise SandboxError(f"content pattern {entry.pattern!r} leaves the book folder",
                                   file=config_display, line=line)
            matches = sorted(
                (Path(p) for p in globlib.glob(entry.pattern, root_dir=sandbox.root, recursive=True)),
                key=lambda p: natural_key(p.as_posix()),
            )
            paths = [sandbox.resolve_path(p.as_posix(), file=config_display, line=line)
                     for p in matches]
            paths = [p for p in paths if p.is_file() and p.suffix.lower() in SUPPORTED_EXTENSIONS]
            if not paths:
                raise ConfigError(f"content pattern {entry.pattern!r} matches no manuscript file",
                                  file=config_display, line=line)
        else:
            path = sandbox.resolve_path(entry.pattern, file=config_display, line=line)
            if not path.is_file():
                raise SourceError(f"content file {entry.pattern!r} not found", file=config_display,
                                  line=line)
            _check_supported(path, entry.pattern, config_display, line)
            paths = [path]
        for path in paths:
            real = Path(os.path.realpath(path))  # one file reached through links is one file
            if real in seen:
                continue
            seen.add(real)
            sources.append(SourceFile(path, display_path(path), entry.matter, entry.kind))
    return sources


def _open_leanpub_folder(folder: Path, allow_remote: bool) -> Project:
    """A Leanpub manuscript: ``Book.txt`` lists the chapter files in order."""
    sandbox = Sandbox.at(folder, allow_remote=allow_remote)
    display = display_path(folder / LEANPUB_MANIFEST)
    raw = sandbox.read_bytes(sandbox.root / LEANPUB_MANIFEST, limit=limits.MAX_CONFIG_BYTES, file=display)
    text = raw.decode("utf-8-sig", errors="replace")
    entries = []
    for line in text.splitlines():
        name = line.strip()
        if not name or name.startswith("#") or name.endswith(":"):
            continue
        entries.append(ContentEntry(name))
    sources = _expand_entries(entries, sandbox, display, config_text=text)
    if not sources:
        raise ConfigError("Book.txt lists no manuscript files", file=display)
    return Project(ProjectConfig(root=sandbox.root), sandbox, sources, "leanpub")
