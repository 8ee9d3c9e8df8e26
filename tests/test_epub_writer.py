"""The EPUB writer on hand-made books: valid, split, linked, deterministic."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from lxml import etree

from book.model import Book, Contributor, Metadata, Series
from book.passes import contents, links, notes, structure
from book.writers.epub import write_epub

from .conftest import epubcheck_messages, make_context
from .test_passes_core import book_of, chapter_from

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def _prepare(book: Book, ctx) -> Book:
    for chapter in book.chapters:
        structure.run(chapter, ctx)
    for step in (notes, links, contents):
        book = step.run(book, ctx)
    return book


def _big_book(tmp_path: Path) -> tuple[Book, object]:
    part = chapter_from("<h1>Part One</h1>", tmp_path / "a.md", kind="part")
    paragraphs = "".join(f"<p>Paragraph {i} " + "word " * 60 + "</p>" for i in range(40))
    sections = "".join(f"<h2>Section {n}</h2>{paragraphs}" for n in range(6))
    long = chapter_from(f'<h1>Long</h1><p><a href="#last">jump to the end</a>'
                        f'<a xmlns:epub="http://www.idpf.org/2007/ops" epub:type="noteref" href="#n">*</a></p>'
                        f'{sections}<p id="last">the end</p>'
                        f'<aside xmlns:epub="http://www.idpf.org/2007/ops" epub:type="footnote" id="n">'
                        f'<p>A note.</p></aside>', tmp_path / "a.md")
    short = chapter_from('<h1>Short</h1><p><a href="#last">back to long</a></p>', tmp_path / "a.md")
    book = book_of(part, long, short)
    book.metadata = Metadata(title="Test Book", subtitle="Sub", authors=[Contributor("A. Writer")],
                             contributors=[Contributor("T. Ranslator", "trl")], language="en",
                             publisher="Press", date="2024-01-02", description="D.",
                             subjects=["Fiction"], series=Series("Set", "2"), rights="CC BY 4.0",
                             isbn="9780306406157")
    ctx = make_context(tmp_path)
    ctx.config.metadata = book.metadata
    ctx.config.epub.split_bytes = 50_000
    return _prepare(book, ctx), ctx


def test_epub_is_valid_split_and_linked(tmp_path: Path) -> None:
    book, ctx = _big_book(tmp_path)
    data = write_epub(book, ctx)
    path = tmp_path / "book.epub"
    path.write_bytes(data)
    assert epubcheck_messages(path) == []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        first = z.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert z.read("mimetype") == b"application/epub+zip"
        names = z.namelist()
        texts = sorted(n for n in names if n.startswith("EPUB/text/c"))
        assert len(texts) > 3, "the long chapter is split"
        assert max(z.getinfo(n).file_size for n in texts) < 60_000
        opf = etree.fromstring(z.read("EPUB/content.opf"))
        assert opf.findtext(".//dc:identifier", namespaces=OPF_NS) == "urn:isbn:9780306406157"
        assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        props = {m.get("property"): m.text for m in opf.iter("{http://www.idpf.org/2007/opf}meta")}
        assert props["belongs-to-collection"] == "Set"
        assert props["dcterms:modified"].endswith("Z")
        nav = z.read("EPUB/nav.xhtml").decode()
        assert 'epub:type="landmarks"' in nav and "Part One" in nav
        for name in texts:
            doc = etree.fromstring(z.read(name))
            assert doc.get("lang") == "en"
            assert doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
            assert doc.find(".//{http://www.w3.org/1999/xhtml}title").text


def test_same_book_gives_same_bytes_in_any_time_zone(tmp_path: Path, monkeypatch) -> None:
    book, ctx = _big_book(tmp_path)
    first = hashlib.sha256(write_epub(book, ctx)).hexdigest()
    monkeypatch.setenv("TZ", "Pacific/Kiritimati")
    import time

    time.tzset()
    try:
        second = hashlib.sha256(write_epub(book, ctx)).hexdigest()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert first == second
