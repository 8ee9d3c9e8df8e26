"""User-facing error types.

Every problem a user can cause (a bad file, a bad option, a hostile input)
is raised as a :class:`MakeBookError` subclass carrying a stable code, a
message, and the file and line where it was found.  The CLI prints
``str(error)`` as one line and exits with :attr:`MakeBookError.exit_code`;
library callers catch the base class.  Anything else escaping the library is
a bug in make_book, not in the manuscript.
"""

from __future__ import annotations

from pathlib import Path


class MakeBookError(Exception):
    """Base class of every error make_book reports to a user."""

    code = "MB100"
    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        hint: str | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.hint = hint
        if code:
            self.code = code

    @property
    def location(self) -> str:
        """``file:line`` (or just ``file``) for messages; empty when unknown."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or ""

    def __str__(self) -> str:
        text = " ".join(self.message.split())  # one line, whatever the input held
        if self.location:
            text = f"{self.location}: {text}"
        if self.hint:
            text = f"{text} ({self.hint})"
        return text


class UsageError(MakeBookError):
    """The command line itself is wrong (exit status 2, like click)."""

    code = "MB200"
    exit_code = 2


class ConfigError(MakeBookError):
    """book.toml or an option value is malformed or inconsistent."""

    code = "MB300"


class SourceError(MakeBookError):
    """A manuscript file is missing, unreadable or cannot be parsed."""

    code = "MB400"


class DecodeError(SourceError):
    """A text file's bytes cannot be decoded in any plausible encoding."""

    code = "MB410"


class SandboxError(MakeBookError):
    """A reference points outside the book's folder or at the network."""

    code = "MB500"


class LimitError(MakeBookError):
    """An input exceeds a safety limit (size, depth, ZIP ratio, entry count)."""

    code = "MB510"


class StrictError(MakeBookError):
    """A warning promoted to an error by ``--strict``."""

    code = "MB600"


class OutputError(MakeBookError):
    """An output file cannot be written."""

    code = "MB700"


class RenderError(MakeBookError):
    """A writer failed to produce its output (EPUB or PDF)."""

    code = "MB800"


class ToolMissingError(MakeBookError):
    """An external checker (EPUBCheck, Ace) is not installed."""

    code = "MB900"


class Interrupted(MakeBookError):
    """The user pressed Ctrl-C; nothing was written."""

    code = "MB130"
    exit_code = 130
