"""Issue 12: the book laid out in chunks by worker processes is the book one
process lays out: the same pages with the same text, folios and page labels,
outline, links across chapters, structure tree, page list; and two chunked
builds give the same bytes whatever the number of workers."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest

from book.build import Overrides, load_book
from book.context import BuildOptions
from book.pagelist import insert_page_breaks
from book.writers.pdf import chunks, render_editions
from book.writers.pdf.chunks import plan_body

from .conftest import CORPUS_BOOKS, REPO

SAMPLE = REPO / "sources"


def page_texts(data: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                         check=True).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in out.split("\f")[:-1]]


def outline(pdf: pikepdf.Pdf) -> list[tuple]:
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: list[tuple] = []
    with pdf.open_outline() as tree:
        def walk(items, depth):
            for item in items:
                dest = item.destination
                found.append((depth, item.title, pages.get(dest[0].objgen), item.is_closed))
                walk(item.children, depth + 1)
        walk(tree.root, 0)
    return found


def links(pdf: pikepdf.Pdf) -> list[tuple]:
    """(page, target name, page the name leads to) of every link annotation."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    names = {}
    if "/Names" in pdf.Root and "/Dests" in pdf.Root.Names:
        names = {name: pages.get(dest[0].objgen)
                 for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}
    found = []
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if "/Dest" in annotation:
                found.append((index, str(annotation.Dest), names.get(str(annotation.Dest))))
            elif "/A" in annotation:
                found.append((index, str(annotation.A.get("/URI")), None))
    return found


def roles(pdf: pikepdf.Pdf) -> dict:
    """Structure element roles by page, in tree order."""
    if "/StructTreeRoot" not in pdf.Root:
        return {}
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found: dict = {}

    def walk(element):
        page = element.get("/Pg")
        found.setdefault(pages.get(page.objgen) if page is not None else None, []).append(
            str(element.get("/S")))
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                walk(kid)
    for kid in pdf.Root.StructTreeRoot.K:
        walk(kid)
    return found


def assert_same_book(whole: bytes, chunked: bytes) -> None:
    assert page_texts(chunked) == page_texts(whole)
    with pikepdf.open(__import__("io").BytesIO(whole)) as a, \
            pikepdf.open(__import__("io").BytesIO(chunked)) as b:
        assert len(a.pages) == len(b.pages)
        assert [p.label for p in b.pages] == [p.label for p in a.pages]
        assert outline(b) == outline(a)
        assert links(b) == links(a)
        assert roles(b) == roles(a)
        assert ("/OutputIntents" in a.Root) == ("/OutputIntents" in b.Root)
        if "/OutputIntents" in b.Root:
            assert len(b.Root.OutputIntents) == 1
        assert str(b.Root.get("/Lang")) == str(a.Root.get("/Lang"))


def lay_out(sources: list[Path], jobs: int | None, editions=("print", "screen"), **overrides):
    book, ctx = load_book(sources, BuildOptions(formats=("epub", "pdf", "pdf-screen"), jobs=jobs),
                          Overrides(**overrides))
    return book, ctx, render_editions(book, ctx, editions)


@pytest.fixture(scope="module")
def sample():
    whole = lay_out([SAMPLE], None)
    chunked = lay_out([SAMPLE], 2)
    return whole, chunked


def test_the_sample_book_in_chunks_is_the_book_in_one_process(sample):
    (_, _, whole), (_, _, chunked) = sample
    for edition in ("print", "screen"):
        assert_same_book(whole[edition].data, chunked[edition].data)
    a, b = whole["print"].layout, chunked["print"].layout
    assert b.page_labels == a.page_labels
    assert b.blank_pages == a.blank_pages
    assert b.chapter_first_page == a.chapter_first_page
    assert b.extracted["text"] == a.extracted["text"]


def test_links_cross_chunks_and_the_tags_survive_the_join(sample):
    (_, _, _), (_, _, chunked) = sample
    with pikepdf.open(__import__("io").BytesIO(chunked["screen"].data)) as pdf:
        found = links(pdf)
        internal = [link for link in found if link[2] is not None]
        assert internal, "the contents and cross-references link inside the book"
        assert all(target is not None for _, name, target in found if not name.startswith("http")), \
            "every internal link leads to a page"
        root = pdf.Root.StructTreeRoot
        nums = root.ParentTree.Nums
        keys = [int(nums[i]) for i in range(0, len(nums), 2)]
        assert keys == list(range(len(keys))), "the parent tree is numbered without gaps"
        for index, page in enumerate(pdf.pages):
            assert int(page.obj.StructParents) == index
        ids = [str(note.get("/ID")) for note in _elements(root) if note.get("/S") == "/Note"]
        assert len(ids) == len(set(ids)), "note ids stay unique across chunks"


def font_subsets(pdf: pikepdf.Pdf) -> dict[str, set[bytes]]:
    """Each font name of ``pdf`` → the digests of the font programs under it."""
    import hashlib

    found: dict[str, set[bytes]] = {}
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                if key in obj:
                    found.setdefault(str(obj.FontName), set()).add(
                        hashlib.sha256(obj[key].read_raw_bytes()).digest())
    return found


def test_the_chunked_book_embeds_one_subset_per_font_as_one_layout_does(sample):
    """subset_union.py: the chunks' subsets of a font joined into one."""
    (_, _, whole), (_, _, chunked) = sample
    with pikepdf.open(__import__("io").BytesIO(whole["print"].data)) as one, \
            pikepdf.open(__import__("io").BytesIO(chunked["print"].data)) as joined:
        expected, found = font_subsets(one), font_subsets(joined)
        assert found and sorted(found) == sorted(expected)
        assert all(len(programs) == 1 for programs in found.values())
        for obj in joined.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font" \
                    and "/DescendantFonts" in obj:
                descendant = obj.DescendantFonts[0]
                assert obj.BaseFont == descendant.BaseFont == descendant.FontDescriptor.FontName
    assert len(chunked["print"].data) < 1.1 * len(whole["print"].data)


def test_subsets_that_cannot_be_joined_get_names_of_their_own(monkeypatch):
    """ISO 32000-1 §9.6.4: different subsets, different tags (subsets.py)."""
    from book.writers.pdf import subset_union

    monkeypatch.setattr(subset_union, "unify", lambda pdf, memo=None: 0)
    _, _, chunked = lay_out([SAMPLE], 2, ("print",))
    with pikepdf.open(__import__("io").BytesIO(chunked["print"].data)) as pdf:
        found = font_subsets(pdf)
        assert all(len(programs) == 1 for programs in found.values()), found.keys()
        bases = [name.split("+", 1)[1] for name in found]
        assert len(bases) > len(set(bases)), "the chunks carry subsets of the same font"


def _elements(root):
    stack = list(root.K)
    while stack:
        element = stack.pop()
        yield element
        kids = element.get("/K")
        for kid in (kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/StructElem":
                stack.append(kid)


WORDS = ("the lamp was lit and the harbour lay quiet under a low sky while the ferry "
         "waited by the wall and nobody spoke of the winter that was coming").split()


def test_chunked_builds_are_byte_identical_whatever_the_workers(tmp_path):
    """Several chunks per worker (each worker keeps its parsed sheets from
    chunk to chunk), in any order: the same bytes."""
    rng = __import__("random").Random(5)
    text = []
    for number in range(1, 26):
        text.append(f"# Chapter {number}\n")
        for _ in range(9):
            text.append(" ".join(rng.choice(WORDS) for _ in range(90)).capitalize() + ".\n")
    manuscript = tmp_path / "harbour.md"
    manuscript.write_text("\n".join(text), encoding="utf-8")
    first = lay_out([manuscript], 1, title="Harbour", lang="en")
    second = lay_out([manuscript], 2, title="Harbour", lang="en")
    book, ctx = first[0], first[1]
    from book.writers.pdf.html import Assembler

    assert len(chunks.split(Assembler(book, ctx, print_edition=True).build(), book)) >= 4
    for edition in ("print", "screen"):
        assert first[2][edition].data == second[2][edition].data


def test_pride_and_prejudice_in_chunks_is_the_one_process_book(corpus, corpus_book):
    built = corpus_book("pride")  # the one-process print PDF other tests share
    file, overrides = CORPUS_BOOKS["pride"]
    book, ctx = load_book([corpus / file], BuildOptions(formats=("epub", "pdf"), jobs=2),
                          Overrides(**overrides))
    result = render_editions(book, ctx, ("print",))["print"]
    assert_same_book(built.pdf, result.data)
    assert result.layout.page_labels == built.layout.page_labels
    assert result.layout.chapter_first_page == built.layout.chapter_first_page
    # The EPUB's page list follows the same pages.
    insert_page_breaks(book, result.layout, ctx)
    markers = [el.get("id") for chapter in book.chapters for el in chapter.tree.iter("span")
               if el.get("role") == "doc-pagebreak"]
    expected = [el.get("id") for chapter in built.book.chapters for el in chapter.tree.iter("span")
                if el.get("role") == "doc-pagebreak"]
    assert markers == expected


@pytest.mark.parametrize("name", [
    # Verse (stanzas kept together, poems opening mid-page) in German.
    "pg-de-heine-buch-der-lieder.txt",
    # A Word manual: 9 tables, 2 images, 4 footnotes, lists, links between its sections.
    "docx-en-docx4j-getting-started.docx",
])
def test_other_corpus_books_in_chunks_are_the_one_process_book(corpus, name):
    """Chunking must hold for what the sample book and a novel do not have:
    the print PDF of each, laid out in chunks by two workers, against the
    one-document layout (page text, labels, outline, links, tags)."""
    from book.writers.pdf.html import Assembler

    _, _, whole = lay_out([corpus / name], None, editions=("print",))
    book, ctx, chunked = lay_out([corpus / name], 2, editions=("print",))
    assert len(chunks.split(Assembler(book, ctx, print_edition=True).build(), book)) >= 3
    a, b = whole["print"], chunked["print"]
    assert_same_book(a.data, b.data)
    assert b.layout.page_labels == a.layout.page_labels
    assert b.layout.chapter_first_page == a.layout.chapter_first_page
    assert b.layout.extracted["text"] == a.layout.extracted["text"]


def test_chunk_cuts_depend_on_the_content_and_survive_an_edit():
    ids = [f"chapter-{n}" for n in range(200)]
    sizes = [9_000 + (n * 37) % 5_000 for n in range(200)]
    cuts = plan_body(sizes, ids)
    assert cuts == plan_body(sizes, ids)
    assert len(cuts) > 10
    assert all(sum(sizes[a:b]) <= chunks.MAX_CHARS + max(sizes) for a, b in cuts)
    edited = list(sizes)
    edited[100] += 2_000  # one chapter grew
    after = plan_body(edited, ids)
    moved = set(cuts) ^ set(after)
    assert len(moved) <= 4, "an edit moves at most the cuts next to it"


def test_a_stylesheet_that_needs_the_whole_book_is_laid_out_as_one_document(tmp_path):
    sheet = tmp_path / "xref.css"
    sheet.write_text("a.xref::after { content: \" (p. \" target-counter(attr(href url), page) \")\" }",
                     encoding="utf-8")
    book, ctx, results = lay_out([SAMPLE], 2, editions=("print",), css=[sheet])
    assert [d.code for d in ctx.diag.items].count("PDF005") == 1
    assert results["print"].layout.document is not None, "one WeasyPrint document"


# ------------------------------------------------ settling and the page checks

LISTING = ("        WordprocessingMLPackage wordMLPackage = WordprocessingMLPackage.load(new "
           "java.io.File(inputfilepath), new DocumentLoadingConfigurationForTheReader());")
#: A character no font has: LAY003 names the page it is printed on.
NO_GLYPH = "\U0010fffd"


def _settling_manuscript(folder: Path) -> Path:
    """Twenty-four chapters; far into the book (in a later chunk) one opens
    with a picture too tall for the room under its title (settle.py moves
    it after the text), one holds a listing too wide for the measure (set
    smaller and broken with a mark), one a character no font has."""
    from PIL import Image

    Image.new("RGB", (600, 1100), (90, 110, 140)).save(folder / "tall.png")
    rng = __import__("random").Random(11)

    def paragraph(words: int = 80) -> str:
        return "<p>" + " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + ".</p>"

    chapters = []
    for number in range(1, 25):
        body = "".join(paragraph() for _ in range(8))
        if number == 16:
            body = ('<figure><img src="tall.png" alt="A tall grey-blue field"/></figure>'
                    + "".join(paragraph(120) for _ in range(4)))
        elif number == 18:
            body = paragraph() + f"<pre><code>public class Reader {{\n{LISTING}\n}}</code></pre>" + body
        elif number == 20:
            body = paragraph() + f"<p>The lamp shows {NO_GLYPH} here.</p>" + body
        chapters.append(f"<section><h1>Chapter {number}</h1>{body}</section>")
    source = folder / "settling.html"
    source.write_text('<!DOCTYPE html><html lang="en"><head><title>Settling</title></head><body>'
                      + "".join(chapters) + "</body></html>", encoding="utf-8")
    return source


@pytest.fixture(scope="module")
def settling(tmp_path_factory):
    source = _settling_manuscript(tmp_path_factory.mktemp("settling"))
    return {jobs: lay_out([source], jobs) for jobs in (None, 1, 2)}


def test_floats_and_listings_settle_in_their_chunk_as_in_the_whole_book(settling):
    from book.pagecheck.summary import CODE, HEADING, PARAGRAPH
    from book.writers.pdf.code import MARK
    from book.writers.pdf.html import Assembler

    book, ctx, whole = settling[None]
    _, _, chunked = settling[2]
    parts = chunks.split(Assembler(book, ctx, print_edition=True).build(), book)
    first_body = next(part for part in parts if not part.front)
    assert len(parts) >= 4
    assert not {"chapter-16", "chapter-18"} & set(first_body.division_ids), \
        "the float and the listing lie in later chunks"
    for edition in ("print", "screen"):
        a, b = whole[edition], chunked[edition]
        assert_same_book(a.data, b.data)
        assert b.layout.pages == a.layout.pages, "the same page summaries, line for line"
        pages = b.layout.pages
        code = [ln for page in pages for ln in page.body_lines if ln.kind == CODE]
        assert any(ln.text.endswith(MARK) for ln in code), "the listing was broken with a mark"
        assert not any(ln.break_in_word for ln in code)
        opening = next(page for page in pages
                       if any(ln.kind == HEADING and ln.text == "Chapter 16" for ln in page.lines))
        kinds = [ln.kind for ln in opening.body_lines]
        assert kinds[0] == HEADING and kinds.count(PARAGRAPH) >= 10 and "figure" not in kinds, \
            "the picture moved on and the text came up under the title"


def test_page_checks_name_the_same_pages_when_laid_out_in_chunks(settling):
    from book.pagecheck import run_checks

    (_, whole_ctx, whole), (_, ctx, chunked) = settling[None], settling[2]
    for edition in ("print", "screen"):
        found = run_checks(chunked[edition].layout.pages, print_edition=edition == "print")
        assert found == run_checks(whole[edition].layout.pages, print_edition=edition == "print")
        assert run_checks(chunked[edition].layout.pages, proof=True) == run_checks(
            whole[edition].layout.pages, proof=True), "make-book proof finds the same"
        [missing] = [f for f in found if f.code == "LAY003"]
        [number] = missing.pages
        assert number > 20, "a page far into the book, numbered in the whole book"
        assert missing.labels == (chunked[edition].layout.page_labels[number - 1],)
        assert "The lamp shows" in page_texts(chunked[edition].data)[number - 1]
    warned = [d.message for d in ctx.diag.warnings if d.code == "LAY003"]
    assert warned and warned == [d.message for d in whole_ctx.diag.warnings if d.code == "LAY003"]
    assert not [d for d in ctx.diag.items if d.code == "PDF004" and "notdef" in d.message]


def test_settled_chunks_are_byte_identical_whatever_the_workers(settling):
    (_, _, one), (_, _, two) = settling[1], settling[2]
    for edition in ("print", "screen"):
        assert one[edition].data == two[edition].data
        assert one[edition].layout.pages == two[edition].layout.pages


def test_page_summaries_come_back_from_json_as_they_were(settling):
    import json

    from book.pagecheck import PageSummary

    pages = settling[2][2]["print"].layout.pages
    assert pages and any(page.missing for page in pages)
    again = [PageSummary.from_dict(json.loads(json.dumps(page.to_dict()))) for page in pages]
    assert again == pages


def test_a_chunk_that_may_settle_travels_as_xml_that_gives_its_html_back(settling):
    """The worker settles the chunk's tree read from XML and lays out its
    HTML again: unchanged, that HTML is the chunk's own, byte for byte."""
    from book.writers.pdf.html import Assembler
    from book.writers.pdf.worker import ChunkJob, _html_of, _settle_tree

    book, ctx, _ = settling[2]
    assembled = Assembler(book, ctx, print_edition=True).build()
    parts = chunks.split(assembled, book)
    for part in parts:
        chunks.serialize(assembled, part)
    settling_parts = [part for part in parts if part.xml]
    assert settling_parts and len(settling_parts) < len(parts), \
        "only chunks with figures, tables or listings carry their tree"
    for part in settling_parts:
        job = ChunkJob("print", part.index, part.html, None, False, b"", settle_xml=part.xml)
        assert _html_of(_settle_tree(job)) == part.html


def test_a_cached_rebuild_of_a_settling_book_is_the_clean_build(tmp_path, monkeypatch):
    """Chunks taken from the layout cache bring their page summaries back
    (the page checks still see every page) and, with the chunks laid out and
    settled again, give the bytes of a clean build."""
    from book.build import build
    from book.diagnostics import Diagnostics

    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    source = _settling_manuscript(tmp_path)

    def run(out: str, jobs: int, cache: bool):
        diag = Diagnostics()
        result = build([source], BuildOptions(formats=("pdf", "pdf-screen"), outdir=tmp_path / out,
                                              jobs=jobs, cache=cache), Overrides(), diag)
        return ({fmt: path.read_bytes() for fmt, path in result.outputs.items()},
                [d.message for d in diag.warnings if d.code == "LAY003"])

    run("first", 2, True)
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("<h1>Chapter 3</h1><p>", "<h1>Chapter 3</h1><p>Again, ", 1),
                      encoding="utf-8")
    cached, cached_warnings = run("cached", 2, True)
    fresh, fresh_warnings = run("fresh", 1, False)
    assert cached == fresh
    assert cached_warnings and cached_warnings == fresh_warnings


def test_user_stylesheets_get_the_fallback_fonts_in_both_layouts(tmp_path):
    """Both layouts take their sheets from one recipe (job.make_setup): a
    font stack of the user's is followed by the same stack with the
    fallback fonts of every script."""
    from book.writers.pdf.job import make_setup

    sheet = tmp_path / "faces.css"
    sheet.write_text('p.letter { font-family: "Georgia", serif; }\n', encoding="utf-8")
    book, ctx = load_book([SAMPLE], BuildOptions(formats=("pdf",), jobs=2), Overrides(css=[sheet]))
    for print_edition in (True, False):
        [user] = make_setup(book, ctx, print_edition=print_edition).user_css
        assert user.startswith("/* ") and 'p.letter { font-family: "Georgia", serif; }' in user
        fallback = user.split("Fallback fonts", 1)[1]
        assert "p.letter" in fallback and "Noto Serif CJK" in fallback and "Georgia" in fallback


def test_the_gutter_widens_for_the_settled_page_count_in_both_layouts(tmp_path):
    """--target lulu: past 150 pages the default gutter grows; the chunked
    layout widens it as the one-document layout does and gives its pages."""
    rng = __import__("random").Random(3)
    text = []
    for number in range(1, 13):
        text.append(f"# Part of the shore {number}\n")
        for _ in range(34):
            text.append(" ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + ".\n")
    manuscript = tmp_path / "shore.md"
    manuscript.write_text("\n".join(text), encoding="utf-8")
    built = {}
    for jobs in (None, 2):
        book, ctx, results = lay_out([manuscript], jobs, editions=("print",), target="lulu",
                                     trim="100x150mm", title="Shore", lang="en")
        built[jobs] = (ctx, results["print"])
    (whole_ctx, whole), (ctx, chunked) = built[None], built[2]
    assert [d.message for d in ctx.diag.items if d.code == "PRE011"] == \
        [d.message for d in whole_ctx.diag.items if d.code == "PRE011"] != []
    assert ctx.config.pdf.page_margins.inner == whole_ctx.config.pdf.page_margins.inner
    assert chunked.layout.page_count > 150
    assert_same_book(whole.data, chunked.data)
