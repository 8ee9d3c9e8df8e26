"""The passes: transforms of the document model, in the order they run.

Each pass is a function from tree to tree.  Chapter passes take one
:class:`~book.model.Chapter` (and may run on chapters independently, so
they can be cached or parallelized); book passes see the whole book (for
numbering, assets and navigation).  :data:`PASSES` is the single ordered
list; read it to know what happens to a manuscript between reading and
writing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..model import Book


@dataclass(frozen=True)
class Pass:
    """One step: its name, the module holding ``run``, and its scope."""

    name: str
    module: str
    scope: str  # "chapter" or "book"
    why: str

    def function(self) -> Callable:
        return importlib.import_module(f"{__name__}.{self.module}").run


#: The passes in the order they run.
PASSES: tuple[Pass, ...] = (
    Pass("sanitize", "sanitize", "chapter",
         "drop scripts, handlers, forms and unsafe URLs whatever the reader"),
    Pass("controls", "controls", "chapter",
         "remove DEL and C1 control characters: not text, printed as boxes"),
    Pass("structure", "structure", "chapter",
         "nest sections under headings, fix heading levels, add epub:type and roles"),
    Pass("language", "language", "chapter",
         "mark passages written in another language with their own lang"),
    Pass("typography", "typography", "chapter",
         "quotes, dashes, ellipses and no-break spaces for each element's language"),
    Pass("notes", "notes", "book",
         "number notes per chapter, link calls and notes both ways, place them"),
    Pass("images", "images", "book",
         "resolve images in the sandbox, convert and downscale, register assets"),
    Pass("links", "links", "book",
         "make ids unique book-wide and resolve links between chapters"),
    Pass("contents", "contents", "book",
         "build the table of contents from the headings"),
    Pass("accessibility", "accessibility", "book",
         "roles, table headers, alt text checks, and facts for the a11y metadata"),
)


def run_passes(book: Book, ctx: BuildContext, *, skip: frozenset[str] = frozenset(),
               chapter_runner: Callable | None = None) -> Book:
    """Run every pass in :data:`PASSES` order (except those in ``skip``).

    The chapter passes that come first run chapter by chapter (all of them
    on one chapter, then the next): a chapter's result depends on nothing
    else, so ``chapter_runner(chapters, run)`` may take stored results
    (book/cache/stages.py) or share the chapters between processes
    (parallel.py) instead of calling ``run(chapter)`` on each in turn.
    """
    steps = [step for step in PASSES if step.name not in skip]
    leading: list[Callable] = []
    for step in steps:
        if step.scope != "chapter":
            break
        leading.append(step.function())

    def chapter_passes(chapter):
        for function in leading:
            chapter = function(chapter, ctx)
        return chapter

    if leading:
        book.chapters = (chapter_runner(book.chapters, chapter_passes) if chapter_runner is not None
                         else [chapter_passes(chapter) for chapter in book.chapters])
    for step in steps[len(leading):]:
        function = step.function()
        if step.scope == "chapter":
            book.chapters = [function(chapter, ctx) for chapter in book.chapters]
        else:
            book = function(book, ctx)
    return book
