"""The print PDF on real manuscripts: boxes, fonts, structure, page numbers, notes.

Expensive builds are made once per session (fixtures below) and inspected by
many tests.  pdffonts, qpdf, pikepdf and pdfminer are the real tools.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTChar, LTTextContainer
from test_pdf_helpers import load

from book.geometry import TRIM_PRESETS
from book.pagination import KEY_ATTRIBUTE, block_key, text_blocks
from book.writers.pdf import write_print_pdf


def _as_print(built):
    """(book, ctx, PdfResult-like, path) from a shared corpus build."""
    return built.book, built.ctx, SimpleNamespace(data=built.pdf, layout=built.layout), built.pdf_path


@pytest.fixture(scope="session")
def seed_print(corpus_book):
    return _as_print(corpus_book("seed"))


@pytest.fixture(scope="session")
def pride_print(corpus_book):
    return _as_print(corpus_book("pride"))


@pytest.fixture(scope="session")
def guide_print(corpus_book):
    return _as_print(corpus_book("guide"))


def _fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, "no fonts at all"
    return rows


@pytest.mark.parametrize("name", ["seed_print", "pride_print", "guide_print"])
def test_every_font_embedded_and_qpdf_clean(name, request):
    path = request.getfixturevalue(name)[3]
    for row in _fonts(path):
        # columns from the right: emb sub uni object-id generation
        assert row[-5] == "yes", f"font not embedded: {row}"
    check = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout


def test_trim_box_is_the_default_trim(seed_print):
    width, height = TRIM_PRESETS["5.5x8.5"]
    with pikepdf.open(seed_print[3]) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.TrimBox)
            assert abs((x1 - x0) - width) < 0.5 and abs((y1 - y0) - height) < 0.5
            assert [float(v) for v in page.MediaBox] == [x0, y0, x1, y1]


def test_print_pdf_declares_pdfx4_with_output_intent(seed_print):
    with pikepdf.open(seed_print[3]) as pdf:
        assert pdf.pdf_version == "1.6"
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == "/GTS_PDFX"
        assert "/DestOutputProfile" in intents[0], "no ICC profile embedded for the output intent"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "PDF/X-4" in xmp
        assert "/Annots" not in pdf.pages[0]


def test_metadata_filled(seed_print):
    book, ctx, _, path = seed_print
    with pikepdf.open(path) as pdf:
        info = pdf.docinfo
        assert str(info.Title) == "Rosja i Korea"
        assert str(pdf.Root.Lang) == "pl"
        stamp = ctx.build_time.strftime("D:%Y%m%d%H%M%S")
        assert str(info.CreationDate).startswith(stamp)
        assert str(info.ModDate).startswith(stamp)


def test_blocks_carry_model_keys(seed_print):
    from book.writers.pdf.html import Assembler

    book = seed_print[0]
    assembled = Assembler(book, seed_print[1], print_edition=True).build()
    html_keys = {el.get(KEY_ATTRIBUTE) for el in assembled.root.iter() if el.get(KEY_ATTRIBUTE)}
    expected = {block_key(ci, bi) for ci, chapter in enumerate(book.chapters)
                for bi, _ in enumerate(text_blocks(chapter.tree))}
    assert html_keys == expected
    # The model itself was not touched.
    assert not any(el.get(KEY_ATTRIBUTE) for c in book.chapters for el in c.tree.iter())


def _page_texts(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")[:-1]


def test_chapters_open_on_rectos_and_blank_pages_are_blank(pride_print):
    book, _, result, path = pride_print
    layout = result.layout
    texts = _page_texts(path)
    assert len(texts) == len(layout.page_labels)
    for chapter_id, index in layout.chapter_first_page.items():
        assert index % 2 == 0, f"{chapter_id} opens on page {index + 1}, a verso"
    assert layout.blank_pages, "a novel with 61 chapters has blank versos"
    for index in layout.blank_pages:
        assert texts[index].strip() == "", f"blank page {index + 1} holds {texts[index][:80]!r}"
    # Every chapter of the manuscript is there.
    assert set(layout.chapter_first_page) == {c.id for c in book.chapters}


def _toc_numbers(texts: list[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts[:12]:
        for line in text.splitlines():
            match = re.match(r"\s*(Chapter \d+)[ .]*\.\s*(\d+)\s*$", line)
            if match:
                found.append((match.group(1), match.group(2)))
    return found


def test_contents_page_numbers_match_bookmarks(pride_print):
    book, _, result, path = pride_print
    texts = _page_texts(path)
    printed = _toc_numbers(texts)
    assert len(printed) == 61, printed[:5]
    labels = result.layout.page_labels
    with pikepdf.open(path) as pdf:
        pages = {page.objgen: i for i, page in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            marks = {item.title: pages[item.destination[0].objgen] for item in outline.root}
    for title, number in printed:
        assert labels[marks[title]] == number, (title, number, labels[marks[title]])
    # Front matter in Roman numerals, body from 1 on the first chapter's page.
    first = result.layout.chapter_first_page[book.chapters[0].id]
    assert labels[first] == "1" and labels[0] == "i"


def test_folios_and_running_heads(pride_print):
    _, _, result, path = pride_print
    texts = _page_texts(path)
    labels = result.layout.page_labels
    openings = set(result.layout.chapter_first_page.values())
    body = result.layout.chapter_first_page["chapter-1"] if "chapter-1" in result.layout.chapter_first_page \
        else min(openings)
    checked = 0
    for index in range(body, len(texts)):
        if index in result.layout.blank_pages:
            continue
        lines = [line for line in texts[index].splitlines() if line.strip()]
        if index in openings:
            assert lines[-1].strip() == labels[index], "opening page: folio at the foot"
            assert "Pride and Prejudice" not in lines[0]
        else:
            head = lines[0].split()
            folio = head[0] if index % 2 else head[-1]
            assert folio == labels[index], (index, lines[0])
            if index % 2:
                assert "Pride" in lines[0]
        checked += 1
    assert checked > 300


def _chars_by_page(path: Path):
    for page in extract_pages(str(path)):
        chars = []
        for box in page:
            if isinstance(box, LTTextContainer):
                for line in box:
                    for ch in getattr(line, "_objs", []):
                        if isinstance(ch, LTChar) and ch.get_text().strip():
                            chars.append(ch)
        yield page, chars


def test_no_text_outside_the_text_block(guide_print):
    """Running heads (top margin) and folios (bottom) only; nothing in the side margins."""
    _, ctx, _, path = guide_print
    margins = ctx.config.pdf.page_margins
    width = ctx.config.pdf.trim.width
    height = ctx.config.pdf.trim.height
    head_zone = margins.top  # heads sit in the top margin, folios in the bottom one
    offenders = []
    for number, (page, chars) in enumerate(_chars_by_page(path)):
        left = margins.outer if number % 2 else margins.inner
        right = width - (margins.inner if number % 2 else margins.outer)
        for ch in chars:
            in_top = ch.y0 >= height - head_zone
            in_bottom = ch.y1 <= margins.bottom
            if in_top or in_bottom:
                continue
            if ch.x0 < left - 1 or ch.x1 > right + 1:
                offenders.append((number + 1, ch.get_text(), round(ch.x0), round(ch.x1)))
    assert not offenders, offenders[:20]


def test_footnotes_on_the_page_of_their_call(guide_print):
    """Each footnote on the page of its call (anchors of the laid-out boxes,
    and the note's words in the page text); notes that moved are counted."""
    book, _, result, path = guide_print
    texts = [" ".join(t.split()) for t in _page_texts(path)]
    anchors: dict[str, int] = {}
    for index, page in enumerate(result.layout.document.pages):
        for anchor in page.anchors:
            anchors.setdefault(anchor, index)
    notes, moved = 0, []
    for chapter in book.chapters:
        for call in chapter.tree.iter("a"):
            if "noteref" not in (call.get("class") or "") or call.get("id", "").count("-") == 0:
                continue
            note_id = call.get("href").lstrip("#")
            if note_id in [n for n, _ in moved] or call.get("id") not in anchors:
                continue
            note = next(el for el in chapter.tree.iter() if el.get("id") == note_id)
            words = " ".join(" ".join("".join(note.itertext()).split()).split()[1:5])
            call_page = anchors[call.get("id")]
            notes += 1
            if anchors.get(note_id) != call_page or words not in texts[call_page]:
                moved.append((note_id, words))
    assert notes >= 2
    print(f"footnotes: {notes}, moved to another page than their call: {len(moved)}")
    assert not moved, moved


def test_layout_labels_and_blank_pages_are_consistent(seed_print):
    layout = seed_print[2].layout
    assert len(layout.page_labels) == len(layout.document.pages)
    assert layout.page_labels[:3] == ["i", "ii", "iii"]
    assert all(index < len(layout.page_labels) for index in layout.blank_pages)


def _short_inner_lines(document) -> list[tuple[int, str]]:
    """Lines inside a paragraph (not its last) holding under 22 characters:
    the sign of a justified line broken far too early."""
    from weasyprint.formatting_structure import boxes

    found = []
    for number, page in enumerate(document.pages, 1):
        for block in page._page_box.descendants():
            if isinstance(block, boxes.BlockBox) and block.element_tag == "p":
                lines = [c for c in block.children if isinstance(c, boxes.LineBox)]
                for line in lines[:-1]:
                    text = "".join(b.text for b in line.descendants() if isinstance(b, boxes.TextBox))
                    if len(text.strip()) < 22:
                        found.append((number, text))
    return found


def test_no_justified_line_broken_after_one_word(pride_print):
    """WeasyPrint 70 leaves a lone word on a justified line when a text box
    ends with a space before <em> (book/writers/pdf/weasyfix.py); without the
    workaround this book has five such lines (page 15: "but")."""
    assert _short_inner_lines(pride_print[2].layout.document) == []


def test_polish_digraphs_never_split_at_line_ends(corpus):
    """The corrected dictionaries (book.hyphenation.use_corrected_dictionaries)
    keep WeasyPrint from dividing rz, cz, sz, ch, dz... in Chłopi."""
    book, ctx = load([corpus / "wl-pl-reymont-chlopi-jesien.txt"])
    book.chapters = book.chapters[:4]
    result = write_print_pdf(book, ctx)
    from weasyprint.formatting_structure import boxes

    ends = []
    for page in result.layout.document.pages:
        for line in page._page_box.descendants():
            if isinstance(line, boxes.LineBox):
                texts = [b.text for b in line.descendants() if isinstance(b, boxes.TextBox)]
                if texts and texts[-1].rstrip().endswith(("-", "\u2010")):
                    ends.append(texts[-1].rstrip()[-3:-1].lower())
    assert len(ends) > 50, "the sample must hyphenate"
    digraphs = {"ch", "cz", "dz", "dź", "dż", "rz", "sz"}
    nexts = []
    for page in result.layout.document.pages:
        lines = [ln for ln in page._page_box.descendants() if isinstance(ln, boxes.LineBox)]
        for line, following in zip(lines, lines[1:]):
            last = "".join(b.text for b in line.descendants() if isinstance(b, boxes.TextBox)).rstrip()
            first = "".join(b.text for b in following.descendants() if isinstance(b, boxes.TextBox))
            if last.endswith(("-", "\u2010")) and first:
                nexts.append((last[-2].lower() + first[0].lower()))
    assert not [pair for pair in nexts if pair in digraphs]
