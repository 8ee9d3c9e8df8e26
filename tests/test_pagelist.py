"""Print page numbers carried into the EPUB (issue 6, "page-list").

Two levels:

* unit tests lay out small books with WeasyPrint directly (our own HTML
  with ``data-mb-key`` blocks and ``@page`` rules, as the PDF writer does)
  and check each marker against the rendered PDF's text, read back with
  ``pdftotext`` page by page;
* Pride and Prejudice and the Markdown guide go through the whole build
  (print PDF, page breaks, EPUB) and the EPUB's page list is compared with
  the PDF.
"""

from __future__ import annotations

import io
import re
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from lxml import etree

from book.check.epubcheck_tool import run_epubcheck
from book.model import Book, Chapter, Matter, SourceRef
from book.pagelist import _map_offset, insert_page_breaks
from book.pagination import KEY_ATTRIBUTE, block_key, text_blocks
from book.xhtml import BLOCK_TAGS, EPUB_TYPE, HEADING_TAGS

from .conftest import Built, make_context

XHTML = "http://www.w3.org/1999/xhtml"
ROMAN = re.compile(r"^[ivxlcdm]+$")


# ------------------------------------------------------------ page text

def words(text: str) -> list[str]:
    """Words as a reader sees them: punctuation stripped, hyphen kept at the end."""
    found = []
    for token in text.split():
        token = token.strip("“”‘’\"'()[]«»„,;:.!?…")
        if re.search(r"\w", token):
            found.append(token)
    return found


def normal(word: str) -> str:
    return re.sub(r"[\W_]", "", word).casefold()


def pdf_page_texts(pdf: bytes, document) -> list[str]:
    """Each page's running text: the content box above the footnotes (no
    running heads, folios or notes)."""
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox

    texts = []
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        for index, page in enumerate(document.pages):
            box = page._page_box
            # CSS px → PDF points (pdftotext -r 72 works in points).
            x, y = box.content_box_x() * 0.75, box.content_box_y() * 0.75
            width, height = box.width * 0.75, box.height * 0.75
            for child in box.children:
                if isinstance(child, FootnoteAreaBox) and child.children:
                    height = min(height, child.position_y * 0.75 - y)
            done = subprocess.run(
                ["pdftotext", "-q", "-r", "72", "-f", str(index + 1), "-l", str(index + 1),
                 "-x", str(int(x)), "-y", str(int(y)), "-W", str(int(width) + 2),
                 "-H", str(int(height) + 2), handle.name, "-"],
                capture_output=True, text=True, check=True)
            texts.append(done.stdout)
    return texts


def first_printed_word(texts: list[str], index: int, skip: tuple[str, ...] = ()) -> str:
    """The first word of a page; a word hyphenated across the page break
    counts whole (its first part ends the previous page with U+2010).
    ``skip``: words a page repeats at its top (a table's header row)."""
    page = words(texts[index])
    if skip and tuple(page[:len(skip)]) == skip:
        page = page[len(skip):]
    if not page:
        return ""
    previous = words(texts[index - 1]) if index else []
    if previous and previous[-1].endswith("\u2010"):
        return previous[-1][:-1] + page[0]
    return page[0]


# --------------------------------------------------------------- the EPUB

@dataclass
class Marker:
    label: str
    ident: str
    following: str  # the text after the marker, in reading order


def epub_markers(data: bytes) -> list[Marker]:
    """The page list of an EPUB, with the text that follows each marker."""
    blocks = {f"{{{XHTML}}}{tag}" for tag in BLOCK_TAGS | {"br", "caption"}}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
        docs: dict[str, etree._Element] = {}
        markers = []
        page_list = next(n for n in nav.iter(f"{{{XHTML}}}nav") if n.get("id") == "page-list")
        for a in page_list.iter(f"{{{XHTML}}}a"):
            file, ident = a.get("href").split("#")
            if file not in docs:
                docs[file] = etree.fromstring(archive.read(f"EPUB/{file}"))
            span = docs[file].xpath("//*[@id=$i]", i=ident)[0]
            parts = []
            for text in span.xpath("following::text()")[:60]:
                owner = text.getparent()
                if owner.tag in blocks and not text.is_tail:
                    parts.append(" ")
                parts.append(str(text))
            markers.append(Marker(a.text, ident, "".join(parts)))
    return markers


# ------------------------------------------------- a small layout of our own

PAGE_CSS = """
@page { size: 90mm 120mm; margin: 14mm 12mm 16mm 12mm;
        @top-center { content: "Running head"; font-size: 8pt }
        @bottom-center { content: counter(page); font-size: 8pt } }
@page :blank { @top-center { content: none } @bottom-center { content: none } }
html { font-family: "DejaVu Serif", serif; font-size: 10pt; line-height: 1.3 }
p { margin: 0; text-indent: 1em; text-align: justify; hyphens: auto; orphans: 2; widows: 2 }
section.chapter { break-before: right }
h1 { font-size: 14pt; margin: 0 0 1em }
thead { display: table-header-group }
td, th { border: 0.5pt solid black; padding: 1pt 3pt }
span.mb-footnote { float: footnote; font-size: 8pt }
"""

TEXT = ("It is a truth universally acknowledged, that a single man in possession of a good "
        "fortune, must be in want of a wife. However little known the feelings or views of such "
        "a man may be on his first entering a neighbourhood, this truth is so well fixed in the "
        "minds of the surrounding families, that he is considered as the rightful property of "
        "some one or other of their daughters. Notwithstanding, incomprehensibility and "
        "extraordinarily circumstantial considerations overwhelmed the correspondents. ")


def make_book(tmp_path: Path) -> tuple[Book, object]:
    ctx = make_context(tmp_path, language="en", title="Layout Test")
    chapters = []
    sources = [
        ("preface", Matter.FRONT,
         "<section><h1>Preface</h1>" + "".join(f"<p>{TEXT}</p>" for _ in range(3)) + "</section>"),
        ("one", Matter.BODY,
         "<section><h1>Chapter One</h1>"
         + "".join(f"<p>{TEXT * 2}</p>" for _ in range(5))
         + '<p>A call<a class="noteref" role="doc-noteref" href="#n1">1</a> in the text, '
         + TEXT + "</p>"
         + "<ul>" + "".join(f"<li>Item {n}: {TEXT[:160]}</li>" for n in range(14)) + "</ul>"
         + "</section>"),
        ("two", Matter.BODY,
         "<section><h1>Chapter Two</h1><table><thead><tr><th>Year</th><th>Event</th></tr></thead>"
         "<tbody>" + "".join(f"<tr><td>{1800 + n}</td><td>Event number {n} of the long "
                            f"table</td></tr>" for n in range(60)) + "</tbody></table>"
         + "".join(f"<p>{TEXT * 3}</p>" for _ in range(4)) + "</section>"),
    ]
    for ident, matter, html in sources:
        tree = etree.fromstring(html)
        tree.set("id", ident)
        chapters.append(Chapter(id=ident, tree=tree, matter=matter, source=SourceRef(f"{ident}.md")))
    return Book(metadata=ctx.config.metadata, chapters=chapters), ctx


def lay_out(book: Book, *, extra_text: bool = False):
    """Render the book as the PDF writer would: keyed blocks, chapters on rectos."""
    from weasyprint import CSS, HTML

    body = etree.Element("body")
    for index, chapter in enumerate(book.chapters):
        copy = etree.fromstring(etree.tostring(chapter.tree))
        for number, block in enumerate(text_blocks(copy)):
            block.set(KEY_ATTRIBUTE, block_key(index, number))
        copy.set("class", "chapter")
        for a in copy.iter("a"):
            if a.get("role") == "doc-noteref":
                note = etree.Element("span", {"class": "mb-footnote"})
                note.text = "The footnote text, set at the foot of the page."
                a.addnext(note)
                note.tail, a.tail = a.tail, None
        if extra_text:  # a writer that adds words of its own to headings
            for heading in copy.iter("h1"):
                heading.text = "Part the first: " + (heading.text or "")
        body.append(copy)
    html = etree.Element("html", lang="en")
    html.append(body)
    document = HTML(string=etree.tostring(html, method="html", encoding="unicode")).render(
        stylesheets=[CSS(string=PAGE_CSS)])
    front_pages = next(i for i, page in enumerate(document.pages) if "one" in page.anchors)
    labels = [("i ii iii iv v vi vii viii".split()[i] if i < front_pages else
               str(i - front_pages + 1)) for i in range(len(document.pages))]
    blank = {i for i, page in enumerate(document.pages) if page._page_box.page_type.blank}
    layout = SimpleNamespace(document=document, page_labels=labels, blank_pages=blank)
    return layout, document.write_pdf()


def markers_in_model(book: Book) -> list[etree._Element]:
    return [el for chapter in book.chapters for el in chapter.tree.iter("span")
            if el.get(EPUB_TYPE) == "pagebreak"]


def model_text_after(marker: etree._Element) -> str:
    parts = []
    for text in marker.xpath("following::text()")[:40]:  # the marker's tail comes first
        parts.append((" " if text.getparent().tag in BLOCK_TAGS and not text.is_tail else "")
                     + str(text))
    return "".join(parts)


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory):
    book, ctx = make_book(tmp_path_factory.mktemp("layout"))
    layout, pdf = lay_out(book)
    insert_page_breaks(book, layout, ctx)
    return book, ctx, layout, pdf_page_texts(pdf, layout.document)


def test_every_page_with_body_text_gets_one_marker_in_order(laid_out):
    book, _, layout, texts = laid_out
    markers = markers_in_model(book)
    labels = [m.get("aria-label") for m in markers]
    expected = [layout.page_labels[i] for i, text in enumerate(texts)
                if words(text) and i not in layout.blank_pages]
    assert labels == expected
    assert len({m.get("id") for m in markers}) == len(markers)
    assert layout.blank_pages, "the layout should have blank versos before chapters"
    for marker in markers:
        assert marker.get("role") == "doc-pagebreak"
        assert marker.get("id") == f"page-{marker.get('aria-label')}"
        assert marker.text is None and len(marker) == 0


def test_front_matter_pages_keep_roman_labels(laid_out):
    book, _, _, _ = laid_out
    preface = book.chapters[0]
    labels = [el.get("aria-label") for el in preface.tree.iter("span")
              if el.get(EPUB_TYPE) == "pagebreak"]
    assert labels and all(ROMAN.match(label) for label in labels)
    body = [el.get("aria-label") for chapter in book.chapters[1:] for el in chapter.tree.iter("span")
            if el.get(EPUB_TYPE) == "pagebreak"]
    assert body[0] == "1" and all(label.isdigit() for label in body)


def test_each_marker_stands_before_the_first_word_of_its_page(laid_out):
    book, _, layout, texts = laid_out
    index_of = {label: i for i, label in enumerate(layout.page_labels)}
    split_words = 0
    for marker in markers_in_model(book):
        index = index_of[marker.get("aria-label")]
        header = ("Year", "Event") if marker.getparent().tag == "td" else ()
        printed = first_printed_word(texts, index, header)
        if index and words(texts[index - 1]) and words(texts[index - 1])[-1].endswith("\u2010"):
            split_words += 1
        following = words(model_text_after(marker))
        assert following and normal(following[0]) == normal(printed), (
            marker.get("aria-label"), printed, following[:3])
    assert split_words >= 1, "no page began inside a hyphenated word; make the test text harder"


def test_markers_stand_first_in_their_block_or_just_before_a_heading(laid_out):
    book, _, _, _ = laid_out
    markers = markers_in_model(book)
    at_start = 0
    before_headings = []
    for marker in markers:
        parent = marker.getparent()
        following = marker.getnext()
        if following is not None and following.tag in HEADING_TAGS and not (marker.tail or "").strip():
            before_headings.append(marker)  # a page opening with a heading
            continue
        assert parent.tag not in ("section", "ul", "ol", "table", "tbody", "thead", "tr", "div")
        if marker.getprevious() is None and not (parent.text or "").strip():
            at_start += 1
    assert at_start >= 1  # pages that begin with a new paragraph
    assert len(before_headings) == 3  # the three chapters open on new pages
    for marker in before_headings:
        # outside the heading, so its accessible name stays the title alone
        assert marker.getparent().tag == "section" and marker.getparent()[0] is marker
    assert not [m for m in markers if m.getparent().tag in HEADING_TAGS]


def test_repeated_table_headers_are_not_where_pages_begin(laid_out):
    book, _, _, _ = laid_out
    table = next(book.chapters[2].tree.iter("table"))
    inside = [m for m in table.iter("span") if m.get(EPUB_TYPE) == "pagebreak"]
    assert inside, "the long table should run over pages"
    for marker in inside:
        assert marker.getparent().tag == "td"


def test_layout_text_that_differs_from_the_model_is_aligned(tmp_path):
    book, ctx = make_book(tmp_path)
    layout, pdf = lay_out(book, extra_text=True)
    insert_page_breaks(book, layout, ctx)
    texts = pdf_page_texts(pdf, layout.document)
    index_of = {label: i for i, label in enumerate(layout.page_labels)}
    for marker in markers_in_model(book):
        index = index_of[marker.get("aria-label")]
        header = ("Year", "Event") if marker.getparent().tag == "td" else ()
        printed = first_printed_word(texts, index, header)
        following = words(model_text_after(marker))
        if printed == "Part" and following[0] != "Part":
            printed = words(texts[index])[3]  # the writer's own words are not in the ebook
        assert normal(following[0]) == normal(printed), (marker.get("aria-label"), printed,
                                                          following[:3])
    assert any(item.code == "PAGE002" for item in ctx.diag.notes)


def test_offset_mapping_through_small_differences():
    assert _map_offset("abcdef", "abcdef", 3) == 3
    assert _map_offset("abcxdef", "abcdef", 4) == 3   # an extra character in the layout
    assert _map_offset("abdef", "abcdef", 2) == 3     # one missing in the layout
    import random

    rng = random.Random(6)
    long_model = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(80_000))
    long_layout = long_model[:50_000] + "1" + long_model[50_000:]
    assert _map_offset(long_layout, long_model, 60_001) == 60_000
    assert _map_offset(long_layout, long_model, 40_000) == 40_000


def test_no_layout_means_no_markers(tmp_path):
    book, ctx = make_book(tmp_path)
    insert_page_breaks(book, SimpleNamespace(document=None), ctx)
    assert markers_in_model(book) == []


# ------------------------------------------------------ the real books

@pytest.fixture(scope="session")
def pride_and_prejudice(corpus_book) -> Built:
    return corpus_book("pride")


@pytest.fixture(scope="session")
def markdown_guide(corpus_book) -> Built:
    return corpus_book("guide")


def test_pride_and_prejudice_page_list_covers_every_body_page_in_order(pride_and_prejudice):
    built = pride_and_prejudice
    texts = pdf_page_texts(built.pdf, built.layout.document)
    markers = epub_markers(built.epub)
    index_of = {label: i for i, label in enumerate(built.layout.page_labels)}
    indexes = [index_of[m.label] for m in markers]
    assert indexes == sorted(set(indexes)), "page list out of order or with duplicates"
    body_pages = [i for i, label in enumerate(built.layout.page_labels)
                  if label.isdigit() and words(texts[i]) and i not in built.layout.blank_pages]
    assert sorted(set(body_pages) - set(indexes)) == []
    assert not set(indexes) & set(built.layout.blank_pages)
    assert len(markers) > 300


def test_pride_and_prejudice_markers_stand_at_the_first_word_of_each_page(pride_and_prejudice):
    built = pride_and_prejudice
    texts = pdf_page_texts(built.pdf, built.layout.document)
    index_of = {label: i for i, label in enumerate(built.layout.page_labels)}
    markers = epub_markers(built.epub)
    misses = []
    for marker in markers:
        printed = first_printed_word(texts, index_of[marker.label])
        following = words(marker.following)
        if not following or normal(following[0]) != normal(printed):
            misses.append((marker.label, printed, following[:3]))
    accuracy = 1 - len(misses) / len(markers)
    print(f"Pride and Prejudice: {len(markers)} markers, {accuracy:.2%} at the printed first word")
    assert accuracy >= 0.99, misses[:10]


def test_pride_and_prejudice_epub_with_page_list_passes_epubcheck(pride_and_prejudice):
    tool, findings = run_epubcheck(pride_and_prejudice.epub_path)
    assert tool.status == "ran", findings
    assert [str(f) for f in findings if f.severity in ("error", "warning")] == []


def test_front_matter_chapters_keep_roman_labels(markdown_guide):
    built = markdown_guide
    front = {c.id for c in built.book.chapters if c.matter == Matter.FRONT}
    assert front, "the Markdown guide has front matter ({frontmatter} in Book.txt)"
    seen_front = seen_body = 0
    for chapter in built.book.chapters:
        for marker in chapter.tree.iter("span"):
            if marker.get(EPUB_TYPE) != "pagebreak":
                continue
            if chapter.id in front:
                seen_front += 1
                assert ROMAN.match(marker.get("aria-label")), marker.get("aria-label")
            else:
                seen_body += 1
                assert marker.get("aria-label").isdigit(), marker.get("aria-label")
    assert seen_front and seen_body


def test_roman_and_arabic_page_lists_pass_epubcheck(tmp_path):
    """The NCX page list gives each front-matter page its own value (EPUBCheck
    refuses two pageTargets with the same type and value)."""
    from book.passes import run_passes
    from book.writers.epub import write_epub

    ctx = make_context(tmp_path, language="en", title="Folios", print_isbn="9780306406157")
    chapters = []
    for ident, matter, labels in (("preface", Matter.FRONT, ["iii", "iv", "v"]),
                                  ("one", Matter.BODY, ["1", "2", "3"])):
        tree = etree.fromstring(f"<section><h1>{ident.title()}</h1>" + "".join(
            f'<p><span xmlns:epub="http://www.idpf.org/2007/ops" epub:type="pagebreak" '
            f'role="doc-pagebreak" id="page-{label}" aria-label="{label}"/>Page {label}.</p>'
            for label in labels) + "</section>")
        tree.set("id", ident)
        chapters.append(Chapter(id=ident, tree=tree, matter=matter, source=SourceRef(f"{ident}.md")))
    book = run_passes(Book(metadata=ctx.config.metadata, chapters=chapters), ctx)
    path = tmp_path / "folios.epub"
    path.write_bytes(write_epub(book, ctx))
    tool, findings = run_epubcheck(path)
    assert tool.status == "ran"
    assert [str(f) for f in findings if f.severity in ("error", "warning")] == []
    with zipfile.ZipFile(path) as archive:
        ncx = etree.fromstring(archive.read("EPUB/toc.ncx"))
    targets = [(t.get("type"), t.get("value")) for t in ncx.iter("{*}pageTarget")]
    assert targets == [("front", "3"), ("front", "4"), ("front", "5"),
                       ("normal", "1"), ("normal", "2"), ("normal", "3")]


def test_a_page_that_opens_with_a_picture_is_marked_before_it(tmp_path):
    """A figure pushed to the top of a page (too tall for the space left):
    the page's marker stands before the figure, not at the text after it."""
    from PIL import Image

    from book.build import BuildOptions, build

    Image.new("RGB", (600, 900), (40, 90, 160)).save(tmp_path / "tall.png")
    paragraph = ("The harbour master counted the boats that came home, one by one, and wrote "
                 "their names in the book. ") * 6
    text = ("# Boats\n\n" + "\n\n".join([paragraph] * 6)
            + "\n\n![A tall blue panel](tall.png)\n\nAfter the picture.\n")
    (tmp_path / "boats.md").write_text(text, encoding="utf-8")
    result = build([tmp_path / "boats.md"], BuildOptions(formats=("epub", "pdf"),
                                                          outdir=tmp_path / "out"))
    with zipfile.ZipFile(result.outputs["epub"]) as archive:
        chapter = etree.fromstring(archive.read("EPUB/text/c001.xhtml"))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    figure = chapter.find(".//x:figure", ns)
    before = figure.getprevious()
    assert before is not None and before.get("role") == "doc-pagebreak", \
        etree.tostring(figure.getparent())[:300]
    # ...and that page of the PDF really opens with the picture: no text above it.
    listing = subprocess.run(["pdfimages", "-list", str(result.outputs["pdf"])],
                             capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    pages = sorted({int(line.split()[0]) for line in listing if line.strip()})
    assert len(pages) == 1
    text = subprocess.run(["pdftotext", "-f", str(pages[0]), "-l", str(pages[0]), "-layout",
                           str(result.outputs["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout
    body = [line.strip() for line in text.splitlines()
            if line.strip() and "Boats" not in line and line.strip() != before.get("aria-label")]
    assert body[0].startswith("After the picture"), body[:3]
    from .conftest import epubcheck_messages

    assert epubcheck_messages(result.outputs["epub"]) == []
