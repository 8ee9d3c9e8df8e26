"""Shared helpers for the PDF tests (no tests here).

Builds books the way :func:`book.build.load_book` does; passes whose module
is not in the tree yet are skipped so the PDF writer can be tested while
other passes are being written.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

from book.build import Overrides, apply_overrides
from book.context import BuildContext, BuildOptions
from book.diagnostics import Diagnostics
from book.model import Book
from book.passes import PASSES, run_passes
from book.pipeline import read_book
from book.project import open_project
from book.stylesheets import load_user_styles


def missing_passes() -> frozenset[str]:
    return frozenset(p.name for p in PASSES
                     if importlib.util.find_spec(f"book.passes.{p.module}") is None)


def load(inputs: Sequence[str | Path], overrides: Overrides | None = None,
         formats: tuple[str, ...] = ("pdf",)) -> tuple[Book, BuildContext]:
    """Read and transform a manuscript (no output written)."""
    overrides = overrides or Overrides()
    options = BuildOptions(formats=formats)
    project = open_project(list(inputs), allow_remote=False)
    apply_overrides(project.config, overrides)
    ctx = BuildContext(config=project.config, sandbox=project.sandbox,
                       diag=Diagnostics(strict=False), options=options)
    book = read_book(project, ctx)
    book.stylesheets = load_user_styles(ctx, overrides.css)
    return run_passes(book, ctx, skip=missing_passes()), ctx
