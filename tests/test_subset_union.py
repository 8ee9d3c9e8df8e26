"""Issue 12: the chunks' subsets of a font are joined into one subset
(book/writers/pdf/subset_union.py, cffread.py), drawing every glyph as the
chunk's own subset drew it; what cannot be joined keeps subsets named apart
(subsets.py)."""

from __future__ import annotations

import io

import pikepdf
import pypdfium2
import pytest
from fontTools.ttLib import TTFont

from book.writers.pdf import cffread, subset_union, subsets
from book.writers.pdf.merge import Part, merge

from .conftest import pdf_characters

CSS = ("@page { size: 110mm 150mm; margin: 12mm } body { font-family: 'Linux Libertine O' }"
       " code { font-family: 'DejaVu Sans Mono' }")
TEXTS = [
    "<p>The mill by the river turned all night; <em>quietly</em>, the water ran.</p>"
    "<p><code>print(42)</code></p>",
    "<p>Zebras queue for jam: fizzy wax, hot bagels, vexing quiz!</p>"
    "<p><em>Ædificium</em> <code>x = {'k': [1, 2]}</code> Ωμέγα.</p>",
]


def chunk(body: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html lang='en'><head><style>{CSS}</style></head>"
                       f"<body>{body}</body></html>").write_pdf()


@pytest.fixture(scope="module")
def chunks() -> list[bytes]:
    return [chunk(text) for text in TEXTS]


def programs(pdf: pikepdf.Pdf) -> dict[str, list[bytes]]:
    """Font name → the programs embedded under it (reachable ones)."""
    found: dict[str, list[bytes]] = {}
    for font in subsets.fonts_in_use(pdf):
        descriptor = font.DescendantFonts[0].FontDescriptor
        key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
        found.setdefault(str(font.BaseFont), []).append(descriptor[key].read_bytes())
    return found


def pixels(pdf: bytes) -> list[bytes]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=2).to_pil().convert("L").tobytes() for page in document]
    finally:
        document.close()


def test_the_joined_book_has_one_subset_per_font(chunks):
    joined = merge([Part(data) for data in chunks], file_id=b"0" * 16, labels=[], bookmarks=None)
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        found = programs(pdf)
    names = {name.split("+", 1)[1] for name in found}
    assert {"Linux-Libertine-O", "Linux-Libertine-O-Italic", "DejaVu-Sans-Mono"} <= names
    assert all(len(kept) == 1 for kept in found.values()), found.keys()
    assert len(found) == len(names)


def test_every_glyph_is_drawn_as_its_chunk_drew_it(chunks):
    joined = merge([Part(data) for data in chunks], file_id=b"0" * 16, labels=[], bookmarks=None)
    alone = [page for data in chunks for page in pixels(data)]
    assert pixels(joined) == alone
    assert pdf_characters(joined) == [c for data in chunks for c in pdf_characters(data)]


def test_widths_that_disagree_keep_the_subsets_apart(chunks):
    with pikepdf.open(io.BytesIO(chunks[0])) as pdf, pikepdf.open(io.BytesIO(chunks[1])) as other:
        pdf.pages.extend(other.pages)
        fonts = [font for font in subsets.fonts_in_use(pdf)
                 if str(font.BaseFont).endswith("+Linux-Libertine-O")]
        assert len(fonts) == 2
        widths = fonts[1].DescendantFonts[0].W
        widths[1][0] = float(widths[1][0]) + 7  # a glyph of another width: another font
        joined = subset_union.unify(pdf)
        assert joined >= 1, "the italic and the mono fonts are still joined"
        assert str(fonts[0].BaseFont) == str(fonts[1].BaseFont)
        assert subsets.retag(pdf) >= 1
        assert str(fonts[0].BaseFont) != str(fonts[1].BaseFont)
        assert all(len(kept) == 1 for kept in programs(pdf).values())


def test_charstrings_are_read_as_fonttools_reads_them(chunks):
    with pikepdf.open(io.BytesIO(chunks[1])) as pdf:
        program = next(kept[0] for name, kept in programs(pdf).items()
                       if name.endswith("+Linux-Libertine-O"))
    font = TTFont(io.BytesIO(program))
    top = font["CFF "].cff.topDictIndex[0]
    index = top.CharStrings.charStringsIndex
    gids = list(range(len(index)))
    ours = cffread.charstrings(program, gids)
    assert len(ours) == len(index) > 10
    assert all(ours[gid] == index[gid].bytecode for gid in gids)
    assert cffread.private_dict(program)  # found and not empty


def test_what_is_not_a_cff_font_is_refused():
    with pytest.raises(cffread.CffError):
        cffread.charstrings(b"\x00\x01\x00\x00\x00\x00" + b"\x00" * 20, [1])


def test_the_same_subset_in_every_chunk_is_kept_once(chunks):
    joined = merge([Part(chunks[0]), Part(chunks[0])], file_id=b"1" * 16, labels=[],
                   bookmarks=None)
    with pikepdf.open(io.BytesIO(joined)) as pdf:
        fonts = subsets.fonts_in_use(pdf)
        assert len(fonts) == len({str(font.BaseFont) for font in fonts}) >= 2
    assert pixels(joined) == pixels(chunks[0]) * 2


def test_a_program_fonttools_cannot_read_keeps_its_subsets_apart(chunks):
    with pikepdf.open(io.BytesIO(chunks[0])) as pdf, pikepdf.open(io.BytesIO(chunks[1])) as other:
        pdf.pages.extend(other.pages)
        fonts = [font for font in subsets.fonts_in_use(pdf)
                 if str(font.BaseFont).endswith("+Linux-Libertine-O")]
        descriptor = fonts[1].DescendantFonts[0].FontDescriptor
        descriptor.FontFile3.write(b"not a font at all")
        subset_union.unify(pdf)
        kept = fonts[1].DescendantFonts[0].FontDescriptor.FontFile3
        assert kept.read_bytes() == b"not a font at all"
        subsets.retag(pdf)
        names = [str(font.BaseFont) for font in subsets.fonts_in_use(pdf)
                 if str(font.BaseFont).endswith("+Linux-Libertine-O")]
        assert len(names) == len(set(names)) == 2


class _DictMemo:
    """A ProgramMemo in memory, counting what it was asked."""

    def __init__(self) -> None:
        self.kept: dict[str, bytes] = {}
        self.hits = 0

    def get(self, key: str) -> bytes | None:
        found = self.kept.get(key)
        self.hits += found is not None
        return found

    def put(self, key: str, program: bytes) -> None:
        self.kept[key] = program


def test_joined_programs_kept_between_builds_give_the_same_pdf(chunks):
    """The build cache keeps each joined font program by what it was joined
    from: the next join of the same subsets takes it and the PDF is the
    same, byte for byte; other subsets are joined afresh."""
    parts = [Part(data) for data in chunks]
    plain = merge(parts, file_id=b"0" * 16, labels=[], bookmarks=None)
    memo = _DictMemo()
    first = merge(parts, file_id=b"0" * 16, labels=[], bookmarks=None, font_memo=memo)
    assert first == plain and memo.kept and memo.hits == 0
    again = merge(parts, file_id=b"0" * 16, labels=[], bookmarks=None, font_memo=memo)
    assert again == plain and memo.hits == len(memo.kept)
    kept = dict(memo.kept)
    fewer = merge(parts[:2], file_id=b"0" * 16, labels=[], bookmarks=None, font_memo=memo)
    assert fewer == merge(parts[:2], file_id=b"0" * 16, labels=[], bookmarks=None)
    assert len(chunks) < 3 or set(memo.kept) > set(kept)  # two chunks' glyphs: other joins
