"""Readers: one package per input format, each producing chapters.

A reader is a function ``read(source, ctx) -> ReadResult``, exposed by its
package (``text``, ``markdown``, ``html``, ``docx``).  It parses one
manuscript file into :class:`~book.model.Chapter` trees that follow the
conventions in ``book/model.py``, plus whatever metadata the file itself
states (a title page, front matter, a Project Gutenberg header).  What
every reader shares is in ``common.py``; the DOCX reader converts to HTML
with mammoth and then uses the HTML reader's steps.  Readers never import
writers; adding a format means adding a package here and a line to
:data:`READERS`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..model import Asset, Chapter, Matter

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..fidelity.source import SourceText


@dataclass
class SourceFile:
    """A manuscript file to read, with its role when the project set one.

    :mod:`book.project` finds these (book.toml's ``[content]``, a Leanpub
    ``Book.txt``, the folder's files); a reader gets one at a time.
    """

    path: Path
    display: str
    matter: Matter | None = None
    kind: str | None = None


@dataclass
class ReadResult:
    """What a reader found in one file."""

    chapters: list[Chapter] = field(default_factory=list)
    #: Metadata the file states about itself, by :class:`~book.model.Metadata`
    #: field name ("title", "authors" as a list of names, "language"...).
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Files the reader extracted itself (e.g. images inside a DOCX).
    assets: list[Asset] = field(default_factory=list)
    #: The source's text as the reader saw it before deciding the structure,
    #: and what it removed on purpose, for the fidelity check.
    source_text: SourceText | None = None
    #: Where in the file each metadata field was found ("title page, line
    #: 34"), by field name, for ``make-book check --structure``.
    origins: dict[str, str] = field(default_factory=dict)


Reader = Callable[[SourceFile, "BuildContext"], ReadResult]

#: File extension → package of this one whose ``read`` reads it.
READERS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
}

SUPPORTED_EXTENSIONS = frozenset(READERS)


def reader_for(extension: str) -> Reader:
    """The ``read`` function for a file extension (imported on first use)."""
    module = importlib.import_module(f"{__name__}.{READERS[extension.lower()]}")
    return module.read
