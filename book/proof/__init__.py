"""``make-book proof``: the print PDF as a proofreader sees it.

Builds the print PDF (through :func:`book.build.build`, the cache on when
asked), runs every check on its laid-out pages (book/pagecheck, with the
typesetting checks a normal build does not report) and writes, in a
folder ``<name>-proof/`` beside the PDF:

``spreads/spread-NNN.png``  facing pages at ``dpi``, trim and bleed boxes outlined
``contact-sheet.png``       the whole book in small, as rows of spreads
``thumbs/page-NNNN.png``    each page with a finding, its spots marked
``proof.html``              every finding with its page and thumbnail
``proof.json``              the same as data (schema :data:`~.report.SCHEMA`)

The modules: ``render`` (pages to pictures with pypdfium2), ``sheets``
(spreads, contact sheet), ``report`` (HTML and JSON).  Same inputs give
byte-identical files (PNG without timestamps, findings in check order).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..pagecheck import Finding, run_checks
from .report import ProofData, json_text, to_html

if TYPE_CHECKING:
    from ..build import BuildResult, Overrides
    from ..context import BuildOptions
    from ..diagnostics import Diagnostics

#: Spread resolution when none is asked for.
DEFAULT_DPI = 100
#: Height of a page on the contact sheet and in the report, in pixels.
SHEET_HEIGHT = 150
THUMB_HEIGHT = 220


@dataclass
class ProofResult:
    """What :func:`make_proof` wrote and found."""

    folder: Path
    pdf: Path
    data: ProofData
    build: BuildResult

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.data.findings if f.severity == "error"]


def proof_name(pdf: Path) -> str:
    return f"{pdf.stem}-proof"


def make_proof(inputs: list[str | Path], options: BuildOptions, overrides: Overrides,
               diagnostics: Diagnostics, *, dpi: int = DEFAULT_DPI) -> ProofResult:
    """Build the print PDF of ``inputs`` and write its proof beside it."""
    from dataclasses import replace

    from ..build import build
    from ..errors import RenderError

    options = replace(options, formats=("pdf",), fresh=True)
    result = build(inputs, options, overrides, diagnostics)
    layout = result.layouts.get("print")
    pdf = result.outputs.get("pdf")
    if layout is None or pdf is None:
        raise RenderError("the print PDF was not laid out: nothing to proof")
    findings = run_checks(layout.pages, print_edition=True, proof=True)
    title = result.book.metadata.title if result.book is not None else pdf.stem
    folder = pdf.parent / proof_name(pdf)
    progress = options.progress
    stage = progress.stage("rendering the proof", layout.page_count) if progress is not None \
        else contextlib.nullcontext()
    with stage:
        data = write_proof(pdf, findings, folder, dpi=dpi, title=title, progress=progress)
    return ProofResult(folder, pdf, data, result)


def write_proof(pdf: Path, findings: list[Finding], folder: Path, *, dpi: int = DEFAULT_DPI,
                title: str = "", progress: Any = None) -> ProofData:
    """Render ``pdf`` and write the proof's files into ``folder``.

    Pages are rendered one at a time and each spread is written as soon as
    both its pages are known, so a long book at a high ``dpi`` holds two
    pages in memory, not all of them.
    """
    from ..atomic import commit
    from .render import mark, render_pages
    from .sheets import contact_sheet, spread, thumbnail

    spots: dict[int, list[tuple[float, float, float, float]]] = {}
    for finding in findings:
        for number in finding.pages[:1]:
            spots.setdefault(number, [])
        for number, x, y, width, height in finding.marks:
            spots.setdefault(number, []).append((x, y, width, height))
    sheet_thumbs = []
    files: dict[Path, bytes] = {}
    data = ProofData(title=title or pdf.stem, pdf=f"../{pdf.name}", page_count=0, dpi=dpi,
                     findings=findings, contact_sheet="contact-sheet.png")
    cell: tuple[int, int] = (0, 0)
    held: tuple[int, Any] | None = None  # a verso waiting for its recto

    def emit(left: tuple[int, Any] | None, right: tuple[int, Any] | None) -> None:
        shown = [side for side in (left, right) if side is not None]
        size = (max([cell[0]] + [image.width for _n, image in shown]),
                max([cell[1]] + [image.height for _n, image in shown]))
        name = f"spreads/spread-{len(data.spreads) + 1:03d}.png"
        files[folder / name] = _png(spread(left[1] if left else None,
                                           right[1] if right else None, size))
        data.spreads.append(name)
        for number, _image in shown:
            data.spread_of[number] = name

    for index, page in enumerate(render_pages(pdf, dpi)):
        number = index + 1
        if index == 0:
            cell = page.image.size
        sheet_thumbs.append(thumbnail(page.image, SHEET_HEIGHT))
        if number in spots:
            marked = mark(page, spots[number], scale=THUMB_HEIGHT / page.image.height)
            name = f"thumbs/page-{number:04d}.png"
            files[folder / name] = _png(marked)
            data.thumbs[number] = name
        if index == 0:
            emit(None, (number, page.image))  # the first page opens the book on the right
        elif held is None:
            held = (number, page.image)
        else:
            emit(held, (number, page.image))
            held = None
        data.page_count = number
        if progress is not None:
            progress.advance(f"page {number}")
    if held is not None:
        emit(held, None)
    files[folder / data.contact_sheet] = _png(contact_sheet(sheet_thumbs,
                                                            frames=_frames(findings)))
    files[folder / "proof.html"] = to_html(data)
    files[folder / "proof.json"] = json_text(data).encode("utf-8")
    _remove_stale(folder, set(files))
    commit(files)
    return data


#: Frame colours on the contact sheet, by the worst severity found on a page.
FRAME_COLOURS = {"error": (200, 30, 30), "warning": (230, 140, 0), "note": (90, 110, 130)}


def _frames(findings: list[Finding]) -> dict[int, tuple[int, int, int]]:
    """0-based page index → the frame colour of its worst finding."""
    rank = {"error": 0, "warning": 1, "note": 2}
    worst: dict[int, str] = {}
    for finding in findings:
        for number in finding.pages:
            level = worst.get(number - 1)
            if level is None or rank[finding.severity] < rank[level]:
                worst[number - 1] = finding.severity
    return {index: FRAME_COLOURS[level] for index, level in worst.items()}


def _png(image: Any) -> bytes:
    import io

    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _remove_stale(folder: Path, keep: set[Path]) -> None:
    """Spreads and thumbnails an earlier, longer proof left behind."""
    for sub in ("spreads", "thumbs"):
        place = folder / sub
        if place.is_dir():
            for path in place.glob("*.png"):
                if path not in keep:
                    path.unlink()


__all__ = ["DEFAULT_DPI", "ProofResult", "make_proof", "write_proof"]
