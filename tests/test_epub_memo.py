"""What the EPUB writer keeps in the build cache besides deflated entries:
serialized content documents (book/writers/epub/memo.py) and the shipped
sheets' fallback rules (book/stylesheets.py), and the parse it skips for a
stylesheet that declares no font (book/fonts/embedded.py).

Each must give the bytes a build without a cache gives, and must be found
again only for the same inputs."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

from lxml import etree

from book.build import build
from book.cache import Store
from book.context import BuildOptions
from book.fonts.embedded import _font_faces
from book.stylesheets import FALLBACKS_STAGE, shipped_css
from book.writers.epub.documents import Document
from book.writers.epub.memo import STAGE, DocumentMemo

from .conftest import epubcheck_messages

SAMPLE = Path(__file__).resolve().parents[1] / "sources"


def _docs() -> list[Document]:
    first = etree.fromstring("<section id='s1'><h1>One</h1><p>Some words.</p></section>")
    second = etree.fromstring("<section id='s2'><h1>Two</h1><p>Other words.</p></section>")
    return [Document("text/c001.xhtml", "One", "en", [first]),
            Document("text/c002.xhtml", "Two", "en", [second])]


class _Maker:
    """A stand-in for the serializer that counts its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, doc: Document):
        def make() -> bytes:
            self.calls.append(doc.href)
            return b"".join(etree.tostring(piece) for piece in doc.body) + doc.href.encode()
        return make


def test_documents_come_back_for_the_same_inputs_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    made = _Maker()
    memo = DocumentMemo(store, "standard", ["../styles/book.css"])
    docs = _docs()
    memo.prefetch(docs)
    first = [memo.serialized(doc, made(doc)) for doc in docs]
    memo.save()
    assert made.calls == ["text/c001.xhtml", "text/c002.xhtml"]
    assert store.count(STAGE) == 2

    # The same documents again: nothing made, the same bytes.
    made = _Maker()
    memo = DocumentMemo(store, "standard", ["../styles/book.css"])
    docs = _docs()
    memo.prefetch(docs)
    assert [memo.serialized(doc, made(doc)) for doc in docs] == first
    assert made.calls == []

    # One word changed, another edition, other stylesheets: made again.
    docs = _docs()
    docs[1].body[0][1].text = "Other word."
    for memo in (DocumentMemo(store, "standard", ["../styles/book.css"]),
                 DocumentMemo(store, "kobo", ["../styles/book.css"]),
                 DocumentMemo(store, "standard", ["../styles/book.css", "../styles/kobo.css"])):
        made = _Maker()
        memo.prefetch(docs)
        for doc in docs:
            memo.serialized(doc, made(doc))
        assert "text/c002.xhtml" in made.calls
    store.close()


def test_without_a_store_every_document_is_made() -> None:
    made = _Maker()
    memo = DocumentMemo(None, "standard", [])
    docs = _docs()
    memo.prefetch(docs)
    for doc in docs:
        memo.serialized(doc, made(doc))
    memo.save()
    assert made.calls == ["text/c001.xhtml", "text/c002.xhtml"]


def test_epubs_written_from_kept_documents_equal_a_build_without_the_cache(tmp_path: Path,
                                                                          monkeypatch) -> None:
    """The sample book's EPUB and kepub built twice through one cache (the
    second time into another folder, so the documents come from the
    cache), and once without it: the same bytes, and EPUBCheck is clean."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    folder = tmp_path / "book"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns(".make_book", "dist"))
    results = {}
    for name, cache in (("first", True), ("second", True), ("fresh", False)):
        options = BuildOptions(formats=("epub", "kepub"), outdir=str(tmp_path / name),
                               cache=cache)
        result = build([folder], options)
        results[name] = {fmt: path.read_bytes() for fmt, path in result.outputs.items()}
    assert set(results["first"]) == {"epub", "kepub"}
    assert results["first"] == results["second"] == results["fresh"]
    store = Store(folder / ".make_book")
    try:
        # Every content document of both editions, kept once: the second
        # build found them all.
        documents = store.count(STAGE)
    finally:
        store.close()
    with zipfile.ZipFile(tmp_path / "second" / result.outputs["epub"].name) as archive:
        chapters = [n for n in archive.namelist() if n.startswith("EPUB/text/")]
    assert documents >= 2 * len(chapters) > 0
    for fmt in ("epub", "kepub"):
        assert epubcheck_messages(tmp_path / "second" / result.outputs[fmt].name) == []


def test_the_shipped_fallback_rules_are_kept_and_the_same(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    plain = shipped_css("epub", "classic", ["en", "ja"])
    assert shipped_css("epub", "classic", ["en", "ja"], store=store) == plain
    assert store.count(FALLBACKS_STAGE) == 1
    assert shipped_css("epub", "classic", ["ja", "en", "en"], store=store) == plain
    assert store.count(FALLBACKS_STAGE) == 1  # the same languages: found, not made
    assert shipped_css("epub", "classic", ["en"], store=store) == shipped_css("epub", "classic",
                                                                             ["en"])
    assert store.count(FALLBACKS_STAGE) == 2
    store.close()


def test_a_sheet_is_parsed_for_font_faces_only_when_it_may_declare_one() -> None:
    face = "@font-face { font-family: Serif One; src: url(fonts/one.ttf); }\n"
    assert _font_faces("p { font-family: serif; } @media print { p { margin: 0 } }") == ({}, {})
    assert _font_faces(face) == ({"serif one": ["fonts/one.ttf"]}, {"serif one": "Serif One"})
    assert _font_faces(face.replace("@font-face", "@FONT-Face"))[0] == {
        "serif one": ["fonts/one.ttf"]}
    # An escape in the at-rule's name: only the parser can tell it is @font-face.
    assert _font_faces(face.replace("@font-face", "@f\\6fnt-face"))[0] == {
        "serif one": ["fonts/one.ttf"]}
    # Escapes elsewhere (a content string) change nothing.
    assert _font_faces('a::after { content: "\\2003"; }') == ({}, {})
