"""The screen PDF: tagged PDF/UA-1, language, title shown, live links, bookmarks."""

from __future__ import annotations

import pikepdf
import pytest
from test_pdf_helpers import load

from book.build import Overrides
from book.writers.pdf import write_screen_pdf


@pytest.fixture(scope="session")
def seed_screen(corpus, tmp_path_factory):
    book, ctx = load([corpus / "seed-pl-article.txt"], Overrides(title="Rosja i Korea"))
    result = write_screen_pdf(book, ctx)
    path = tmp_path_factory.mktemp("screen") / "seed-screen.pdf"
    path.write_bytes(result.data)
    return book, ctx, result, path


def test_declares_pdf_ua1_and_is_tagged(seed_screen):
    with pikepdf.open(seed_screen[3]) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "pl"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "pdfuaid:part" in xmp and ">1<" in xmp or 'pdfuaid:part="1"' in xmp
        assert str(pdf.docinfo.Title) == "Rosja i Korea"
        # No bleed, no marks: the page is the trim.
        page = pdf.pages[0]
        assert [float(v) for v in page.MediaBox] == [float(v) for v in page.TrimBox]


def test_structure_tree_has_headings_and_paragraphs(seed_screen):
    kinds: set[str] = set()
    with pikepdf.open(seed_screen[3]) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary) and "/S" in node:
                kinds.add(str(node.S))
            kids = node.get("/K") if isinstance(node, pikepdf.Dictionary) else None
            if isinstance(kids, pikepdf.Array):
                stack.extend(k for k in kids if isinstance(k, pikepdf.Dictionary))
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)
    assert {"/H1", "/H2", "/P"} <= kinds, kinds


def test_contents_links_and_bookmarks(seed_screen):
    book, _, _, path = seed_screen
    with pikepdf.open(path) as pdf:
        links = [annot for page in pdf.pages for annot in page.get("/Annots", [])
                 if annot.get("/Subtype") == "/Link"]
        assert len(links) >= 5, "contents entries are clickable"
        with pdf.open_outline() as outline:
            titles = []
            stack = list(outline.root)
            while stack:
                item = stack.pop(0)
                titles.append(item.title.replace("\xa0", " "))
                stack.extend(item.children)
    sections = [entry.title for entry in book.toc[0].children]
    assert "Spis treści" in titles
    for title in sections:
        assert title in titles
    assert "Rosja i Korea" in titles  # the article's generated heading
    # The half-title and title page are not bookmarked.
    assert titles.count("Rosja i Korea") == 1
