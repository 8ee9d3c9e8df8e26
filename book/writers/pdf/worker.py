"""One chunk of the book laid out: paginate, learn the first folio, draw.

WeasyPrint paginates the whole document first and only then builds each
page's margin boxes (running heads and folios) from the page's counter
state (``layout_document`` in weasyprint/layout/__init__.py).  A chunk uses
that pause: when its pages are counted, :func:`lay_out_chunk` reports the
count and the page of every anchor, asks for its *offsets* (how many body
pages come before it, known once the earlier chunks are counted), adds them
to the page counter of every page state, and lets WeasyPrint build the
margin boxes and draw.  The folios are then WeasyPrint's own, with no stamp
drawn over the pages afterwards.

A chunk that may settle (settle.py: a float that left a hole, a listing
that wrapped) is looked at in that same pause, before its page count is
told: when the repairs change it, the layout is abandoned there (before
any margin box is made) and the chunk is laid out again from its changed
HTML, up to :data:`settle.MAX_LAYOUTS <.settle.MAX_LAYOUTS>` layouts, as the
one-document layout does for the whole book.

Then the chunk's last page is dropped when it is the end block's
(chunks.py), the page extractors run (extract.py), internal links to
other chunks get a stand-in anchor so WeasyPrint keeps them (merge.py
points them at the real one), and the chunk is written to PDF.
"""

from __future__ import annotations

import logging
import resource
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ...model import Asset
from . import settle
from .extract import PageInfo, by_names, is_blank, run_extractors
from .job import RenderSetup, WeasyLog, make_fetcher, render_html, write_pdf
from .layout import roman


@dataclass
class ChunkJob:
    """What a worker needs to lay out one chunk."""

    edition: str
    index: int
    html: str
    setup: RenderSetup
    #: The chunk ends with the recto-opening end block (all but the last).
    ends_with_block: bool
    identifier: bytes
    foreign_targets: list[str] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    extra_css: str = ""
    #: Names of the page extractors to run (extract.py).
    extractors: tuple[str, ...] = ()
    #: The chunk's document as XML when it may settle (chunks.Chunk.xml).
    settle_xml: str = ""


@dataclass
class Paginated:
    """A chunk's pages counted, before its margin boxes are made."""

    pages: int
    #: Anchor name → 0-based page in the chunk (first occurrence).
    anchors: dict[str, int]


@dataclass
class Offsets:
    """Where a chunk's pages fall in the book."""

    #: Added to the page counter of every page (the body pages before the chunk).
    counter: int = 0
    #: Folios in lower-case Roman (chunk 0) rather than Arabic.
    roman: bool = False

    def label(self, index: int) -> str:
        number = self.counter + index + 1
        return roman(number) if self.roman else str(number)


@dataclass
class ChunkResult:
    """A chunk laid out and written."""

    edition: str
    index: int
    data: bytes
    labels: list[str]
    blank: list[int]
    extracted: dict[str, list]
    #: Stand-in anchors added for links into other chunks.
    stand_ins: list[str]
    messages: list[str]
    refused: list[str]
    peak_mib: float
    #: Files of the book folder the chunk read (fonts, images by path).
    files: list[str] = field(default_factory=list)


#: Set while a chunk is laid out in this process: called once, before the
#: first margin box, with WeasyPrint's layout context.
_before_margins: Callable[[Any], None] | None = None


def install_margin_hook() -> None:
    """Wrap WeasyPrint's ``make_margin_boxes`` so :data:`_before_margins` runs
    once per layout, after pagination, and ``make_all_pages`` so the page
    boxes are known there (idempotent)."""
    from weasyprint import layout

    if getattr(layout.make_margin_boxes, "_mb_hook", False):
        return
    original = layout.make_margin_boxes
    original_pages = layout.make_all_pages

    def make_all_pages(context, root_box, html, pages):
        made = list(original_pages(context, root_box, html, pages))
        context._mb_page_boxes = made  # the last pagination's page boxes
        return made

    def make_margin_boxes(context, page, state):
        hook = _before_margins
        if hook is not None and not getattr(context, "_mb_paginated", False):
            context._mb_paginated = True
            hook(context)
        return original(context, page, state)

    make_margin_boxes._mb_hook = True
    layout.make_margin_boxes = make_margin_boxes
    layout.make_all_pages = make_all_pages


class _Settled(Exception):
    """The chunk's pages settled (settle.py): lay it out again."""


@dataclass
class _BoxPage:
    """A page box before its margin boxes, as the page summaries read a page."""

    _page_box: Any

    @property
    def width(self) -> float:
        return self._page_box.margin_width()

    @property
    def height(self) -> float:
        return self._page_box.margin_height()

    @property
    def anchors(self) -> dict:
        return {}


def _settle_tree(job: ChunkJob) -> Any:
    """The chunk's tree for settle.py, or None when nothing in it can settle."""
    if not job.settle_xml:
        return None
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True,
                             remove_blank_text=False, huge_tree=True)
    return etree.fromstring(job.settle_xml, parser)


def _html_of(tree: Any) -> str:
    """The chunk's HTML from its tree, serialized as html.Assembled does."""
    from .html import Assembled

    return Assembled(tree).serialize()


def _paginated(context: Any, drop_last: bool) -> Paginated:
    """Page count and anchor pages from WeasyPrint's page maker: entry ``i``
    describes page ``i`` (its ``anchors``: ids first seen there)."""
    makers = context.page_maker[:-1]
    anchors: dict[str, int] = {}
    for index, (_, _, _, _, remake_state) in enumerate(makers):
        for name in remake_state.get("anchors", ()):
            anchors.setdefault(name, index)
    pages = len(makers) - (1 if drop_last else 0)
    return Paginated(pages, {name: page for name, page in anchors.items() if page < pages})


def _shift_counters(context: Any, by: int) -> None:
    """Add ``by`` to the page counter in every page state (entry ``i + 1``
    holds the state page ``i``'s margin boxes are made from)."""
    if not by:
        return
    for _, _, _, state, _ in context.page_maker[1:]:
        values = state[1].get("page")
        if values:
            values[-1] += by


class _PageProgress(logging.Handler):
    """Turns WeasyPrint's "Creating layout - Page N" messages into calls."""

    def __init__(self, on_page: Callable[[int], None]) -> None:
        super().__init__(logging.INFO)
        self.on_page = on_page

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], int) \
                and "Page" in str(record.msg):
            self.on_page(args[0])


def peak_mib() -> float:
    """This process's peak resident memory in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (2**20 if sys.platform == "darwin" else 1024)


def lay_out_chunk(job: ChunkJob, get_offsets: Callable[[Paginated], Offsets],
                  on_page: Callable[[int], None] | None = None) -> ChunkResult:
    """Lay out, number and write one chunk (see the module docstring)."""
    global _before_margins
    install_margin_hook()
    log = WeasyLog()
    fetcher = make_fetcher(job.setup, job.assets)
    offsets: list[Offsets] = []

    tree = _settle_tree(job)
    layouts = [0]

    def before_margins(context: Any) -> None:
        layouts[0] += 1
        if tree is not None and layouts[0] < settle.MAX_LAYOUTS:
            boxes = getattr(context, "_mb_page_boxes", None) or []
            if settle.settle_pages(tree, [_BoxPage(box) for box in boxes]):
                raise _Settled
        paginated = _paginated(context, job.ends_with_block)
        offsets.append(get_offsets(paginated))
        _shift_counters(context, offsets[0].counter)

    progress_logger = logging.getLogger("weasyprint.progress")
    handler = _PageProgress(on_page) if on_page else None
    if handler:
        progress_logger.addHandler(handler)
        previous_level = progress_logger.level
        progress_logger.setLevel(logging.INFO)
    _before_margins = before_margins
    html = job.html
    try:
        while True:
            try:
                document = render_html(job.setup, html, fetcher, log, identifier=job.identifier,
                                       extra_css=job.extra_css, reuse_sheets=True)
                break
            except _Settled:
                html = _html_of(tree)
    finally:
        _before_margins = None
        if handler:
            progress_logger.removeHandler(handler)
            progress_logger.setLevel(previous_level)
    if not offsets:  # no margin box was ever made: an empty document
        offsets.append(get_offsets(Paginated(len(document.pages), {})))
    if job.ends_with_block and document.pages:
        document.pages.pop()
    place = offsets[0]
    labels = [place.label(index) for index in range(len(document.pages))]
    blank = [index for index, page in enumerate(document.pages) if is_blank(page)]
    infos = [PageInfo(index, labels[index], index in blank) for index in range(len(labels))]
    extracted = run_extractors(document.pages, infos, by_names(job.extractors))
    stand_ins = _add_stand_ins(document, job.foreign_targets)
    data = write_pdf(job.setup, document, log, identifier=job.identifier)
    return ChunkResult(job.edition, job.index, data, labels, blank, extracted, stand_ins,
                       log.messages, list(fetcher.refused), peak_mib(), _files(fetcher.served))


def _files(served: list[str]) -> list[str]:
    """Paths of the files (not in-memory assets) the fetcher served."""
    from urllib.parse import urlsplit
    from urllib.request import url2pathname

    from .served import ASSET_FOLDER

    found = []
    for url in served:
        parts = urlsplit(url)
        if parts.scheme == "file" and not parts.path.startswith(f"/{ASSET_FOLDER}/"):
            found.append(url2pathname(parts.path))
    return sorted(set(found))


def _add_stand_ins(document: Any, targets: list[str]) -> list[str]:
    """WeasyPrint drops a link whose anchor is not in the document; give each
    link into another chunk a stand-in anchor on the first page.  The names
    are returned so the merge can drop them from the chunk's destinations."""
    if not targets or not document.pages:
        return []
    present = {name for page in document.pages for name in page.anchors}
    wanted = {target for page in document.pages for kind, target, _, _ in page.links
              if kind == "internal"}
    added = sorted(t for t in targets if t in wanted and t not in present)
    anchors = document.pages[0].anchors
    for name in added:
        anchors[name] = (0, 0, 0, 0)
    return added
