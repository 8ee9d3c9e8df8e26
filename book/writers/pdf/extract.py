"""Facts read off the laid-out pages, wherever the pages are laid out.

A chunked layout (chunks.py) lays the book out in several processes, and the
WeasyPrint pages never reach this one.  Whatever the rest of the build needs
from the pages (the EPUB's page list, the outline, the preflight's image
resolutions...) is taken by a *page extractor* where the pages are: in the
worker, chunk by chunk, or here for a one-document layout.  The results
arrive as one list per extractor, one value per page, in book order
(:attr:`PrintLayout.pages <book.writers.pdf.layout.PrintLayout.pages>`).

To add one: write ``def extract(page, info) -> value`` (``page`` is a
:class:`weasyprint.document.Page` with its margin boxes, ``info`` a
:class:`PageInfo`; the value must be plain JSON-ready data, small, and must
not depend on the page's place in the book beyond ``info``), then list it in
:data:`EXTRACTORS` by its import path, so a worker process finds it.  When a
value holds the book-wide chapter index of the ``data-mb-key`` attributes,
give an ``adjust`` function too: chunks are laid out with chunk-relative keys
(so an unchanged chunk stays cached when chapters before it come and go).
An extractor that must see the pages of a layout in order (what it saw on
earlier pages shapes a later value) names a factory with ``per_layout``:
it is called once per layout (the book, or one chunk) for the function.
A ``join`` function turns the edition's values, in book order, into what
the rest of the build reads (the page summaries of book/pagecheck: its
``join`` numbers them and marks where each block ends).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PageInfo:
    """What an extractor knows of a page besides its boxes."""

    #: 0-based index among the pages laid out together (a chunk, or the book).
    index: int
    #: The folio printed on the page, or that would be ("iv", "12").
    label: str
    #: A page left empty so that the next division opens on a recto.
    blank: bool


@dataclass(frozen=True)
class Extractor:
    """A registered extractor: its name and functions by import path."""

    name: str
    extract: str
    #: ``(value, chapter_base) -> value`` turning chunk-relative block keys
    #: into book-wide ones; None when the value holds none.
    adjust: str | None = None
    #: The editions it runs for.
    editions: tuple[str, ...] = ("print", "screen")
    #: Runs only when the build needs it: "epub" (the EPUB is built with the
    #: print PDF: its page list), "target" (a print service's preflight),
    #: "bookmarks" (the PDF keeps its outline); None: always.
    needs: str | None = None
    #: ``extract`` names a factory called once per layout for the function.
    per_layout: bool = False
    #: ``(values in book order, page labels) -> values``, run once the
    #: edition's pages are all known; None keeps the values as extracted.
    join: str | None = None


#: Every extractor, in the order they run.
EXTRACTORS: tuple[Extractor, ...] = (
    Extractor("anchors", "book.writers.pdf.extract:page_anchors"),
    Extractor("bookmarks", "book.writers.pdf.extract:page_bookmarks", needs="bookmarks"),
    Extractor("text", "book.pagelist:page_runs", adjust="book.pagelist:rebase_runs",
              editions=("print",), needs="epub"),
    Extractor("images", "book.writers.pdf.preflight:page_images", editions=("print",),
              needs="target"),
    Extractor("pagecheck", "book.pagecheck.extractor:summaries", per_layout=True,
              adjust="book.pagecheck.extractor:rebase", join="book.pagecheck.extractor:join"),
)


def _load(path: str) -> Callable:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def extractors_for(edition: str, needs: set[str] | frozenset[str] = frozenset({
        "epub", "target", "bookmarks"})) -> tuple[Extractor, ...]:
    """The extractors to run for ``edition`` in a build that ``needs`` these."""
    return tuple(e for e in EXTRACTORS if edition in e.editions
                 and (e.needs is None or e.needs in needs))


def build_needs(ctx: Any, edition: str) -> frozenset[str]:
    """What the extractors' ``needs`` may ask for, in this build."""
    pdf = ctx.config.pdf
    found = set()
    formats = set(ctx.options.formats)
    if formats & {"epub", "kepub"} and "pdf" in formats:
        found.add("epub")
    if pdf.target and edition == "print":
        found.add("target")
    if pdf.bookmarks or edition == "screen":
        found.add("bookmarks")
    return frozenset(found)


def by_names(names: Iterable[str]) -> tuple[Extractor, ...]:
    wanted = set(names)
    return tuple(e for e in EXTRACTORS if e.name in wanted)


def run_extractors(pages: Sequence[Any], infos: Sequence[PageInfo],
                   extractors: Iterable[Extractor]) -> dict[str, list]:
    """Each extractor over every page: ``{name: [value per page]}``."""
    out: dict[str, list] = {}
    for extractor in extractors:
        function = _load(extractor.extract)
        if extractor.per_layout:
            function = function()
        out[extractor.name] = [function(page, info) for page, info in zip(pages, infos)]
    return out


def join_values(extracted: dict[str, list], labels: list[str],
                extractors: Iterable[Extractor]) -> dict[str, list]:
    """The edition's values, in book order, through each extractor's ``join``."""
    out = dict(extracted)
    for extractor in extractors:
        if extractor.join and extractor.name in out:
            out[extractor.name] = _load(extractor.join)(out[extractor.name], labels)
    return out


def adjust_values(extracted: dict[str, list], chapter_base: int,
                  extractors: Iterable[Extractor]) -> dict[str, list]:
    """Chunk-relative values made book-wide (see :attr:`Extractor.adjust`)."""
    if not chapter_base:
        return extracted
    out = dict(extracted)
    for extractor in extractors:
        if extractor.adjust and extractor.name in out:
            function = _load(extractor.adjust)
            out[extractor.name] = [function(value, chapter_base) for value in out[extractor.name]]
    return out


def is_blank(page: Any) -> bool:
    """A page WeasyPrint left empty for a recto start (the public Page has no flag)."""
    return bool(page._page_box.page_type.blank)


# ------------------------------------------------------ built-in extractors

def page_anchors(page: Any, info: PageInfo) -> list[str]:
    """The ids whose element starts on the page, in the page's order."""
    return list(page.anchors)


#: PDF points per CSS pixel (WeasyPrint draws at zoom 1: 72 / 96).
PDF_SCALE = 0.75


def page_bookmarks(page: Any, info: PageInfo) -> list[tuple[int, str, tuple[float, float], str]]:
    """The page's bookmarks as WeasyPrint would put them in the outline:
    ``(level, label, (x, y) in PDF points from the bottom left, state)``."""
    return [(level, label, (x * PDF_SCALE, (page.height - y) * PDF_SCALE), state)
            for level, label, (x, y), state in page.bookmarks]


__all__ = ["EXTRACTORS", "Extractor", "PageInfo", "adjust_values", "build_needs", "by_names",
           "extractors_for", "is_blank", "join_values", "run_extractors"]
