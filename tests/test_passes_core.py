"""The core passes on hand-made chapters: structure, notes, links, contents."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from book.model import Book, Chapter, Metadata
from book.passes import contents, links, notes, structure
from book.pipeline import _assign_chapter_ids, _assign_depths
from book.readers import SourceFile
from book.readers.common import new_chapter
from book.xhtml import EPUB_TYPE

from .conftest import make_context


def chapter_from(html: str, source: Path, *, kind: str = "chapter", title: str = "") -> Chapter:
    chapter = new_chapter(SourceFile(source, source.name), kind=kind, title=title)
    for el in etree.fromstring(f"<div>{html}</div>"):
        chapter.tree.append(el)
    return chapter


def book_of(*chapters: Chapter, lang: str = "en") -> Book:
    book = Book(metadata=Metadata(title="T", language=lang), chapters=list(chapters))
    _assign_chapter_ids(book)
    _assign_depths(book)
    return book


def outline(root: etree._Element) -> list[tuple[int, str]]:
    """(section nesting depth, heading tag) for every heading."""
    found = []
    for h in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        depth = sum(1 for a in h.iterancestors() if a.tag == "section") - 1
        found.append((depth, h.tag))
    return found


def test_flat_headings_nest_into_sections_without_skipped_levels(tmp_path: Path) -> None:
    ch = chapter_from("<h1>Title</h1><p>a</p><h3>Deep</h3><p>b</p><h2>Mid</h2><p>c</p>"
                      "<h4>Deeper</h4><p>d</p>", tmp_path / "a.md")
    book = book_of(ch)
    structure.run(book.chapters[0], make_context(tmp_path))
    assert outline(ch.tree) == [(0, "h1"), (1, "h2"), (1, "h2"), (2, "h3")]
    sections = [s for s in ch.tree.iter("section") if s is not ch.tree]
    assert all(s.get("id") for s in sections)
    assert ch.tree.get(EPUB_TYPE) == "chapter" and ch.tree.get("role") == "doc-chapter"


def test_chapters_inside_a_part_start_at_h2(tmp_path: Path) -> None:
    part = chapter_from("<h1>Book One</h1>", tmp_path / "a.txt", kind="part")
    ch = chapter_from("<h1>Chapter I</h1><p>text</p><h2>Scene</h2><p>x</p>", tmp_path / "a.txt")
    book = book_of(part, ch)
    ctx = make_context(tmp_path)
    for chapter in book.chapters:
        structure.run(chapter, ctx)
    assert [c.depth for c in book.chapters] == [0, 1]
    assert outline(ch.tree) == [(0, "h2"), (1, "h3")]
    assert part.tree.get("role") == "doc-part"


def test_untitled_chapter_keeps_its_sections(tmp_path: Path) -> None:
    ch = chapter_from("<p>lead</p><h2>One</h2><p>a</p><h2>Two</h2><p>b</p>", tmp_path / "a.txt")
    book_of(ch)
    structure.run(ch, make_context(tmp_path))
    assert ch.tree[0].tag == "p"
    assert [s.find("*").text for s in ch.tree.findall("section")] == ["One", "Two"]


def test_notes_are_numbered_per_chapter_and_linked_both_ways(tmp_path: Path) -> None:
    html = ('<h1>C</h1><p>x<a epub:type="noteref" href="#b" xmlns:epub="http://www.idpf.org/2007/ops">*'
            '</a> y<a epub:type="noteref" href="#a" xmlns:epub="http://www.idpf.org/2007/ops">*</a></p>'
            '<aside epub:type="footnote" id="a" xmlns:epub="http://www.idpf.org/2007/ops"><p>A</p></aside>'
            '<aside epub:type="footnote" id="b" xmlns:epub="http://www.idpf.org/2007/ops">B text</aside>')
    ch = chapter_from(html, tmp_path / "a.md")
    book = book_of(ch)
    ctx = make_context(tmp_path)
    notes.run(book, ctx)
    refs = [a for a in ch.tree.iter("a") if a.get("role") == "doc-noteref"]
    assert [r.text for r in refs] == ["1", "2"]
    assert refs[0].get("href") == f"#{ch.id}-note-1"
    container = ch.tree[-1]
    assert container.get("class") == "footnotes"
    asides = container.findall("aside")
    assert [a.get("id") for a in asides] == [f"{ch.id}-note-1", f"{ch.id}-note-2"]
    assert "".join(asides[0].itertext()).strip() == "1 B text"  # note b is called first
    back = asides[0].find(".//a")
    assert back.get("href") == f"#{refs[0].get('id')}" and back.get("role") == "doc-backlink"
    assert not ctx.diag.warnings


def test_dangling_note_call_is_unwrapped_with_a_warning(tmp_path: Path) -> None:
    ch = chapter_from('<p>x<a xmlns:epub="http://www.idpf.org/2007/ops" epub:type="noteref" '
                      'href="#nope">1</a></p>', tmp_path / "a.md")
    book = book_of(ch)
    ctx = make_context(tmp_path)
    notes.run(book, ctx)
    assert not list(ch.tree.iter("a"))
    assert [w.code for w in ctx.diag.warnings] == ["NOTE001"]


def test_links_between_files_and_clashing_ids(tmp_path: Path) -> None:
    one = chapter_from('<h1 id="intro">One</h1><p><a href="two.md#intro">see two</a> '
                       '<a href="#intro">self</a> <a href="two.md">file</a></p>', tmp_path / "one.md")
    two = chapter_from('<h1 id="intro">Two</h1><p><a href="#intro">self</a> '
                       '<a href="one.md#missing">bad</a> <a href="https://x.org">ext</a></p>',
                       tmp_path / "two.md")
    book = book_of(one, two)
    ctx = make_context(tmp_path)
    links.run(book, ctx)
    one_h, two_h = one.tree.find("h1").get("id"), two.tree.find("h1").get("id")
    assert one_h != two_h
    a1 = [a.get("href") for a in one.tree.iter("a")]
    assert a1 == [f"#{two_h}", f"#{one_h}", f"#{two.id}"]
    a2 = [a.get("href") for a in two.tree.iter("a")]
    assert a2 == [f"#{two_h}", "https://x.org"]
    assert [w.code for w in ctx.diag.warnings] == ["LINK001"]


def test_contents_nests_chapters_under_parts(tmp_path: Path) -> None:
    part = chapter_from("<h1>Book One</h1>", tmp_path / "a.txt", kind="part")
    c1 = chapter_from("<h1>Chapter I</h1><p>x</p><h2>A</h2><p>y</p>", tmp_path / "a.txt")
    c2 = chapter_from("<h1>Chapter II</h1><p>x</p>", tmp_path / "a.txt")
    book = book_of(part, c1, c2)
    ctx = make_context(tmp_path)
    for chapter in book.chapters:
        structure.run(chapter, ctx)
    contents.run(book, ctx)
    assert [e.title for e in book.toc] == ["Book One"]
    assert [e.title for e in book.toc[0].children] == ["Chapter I", "Chapter II"]
    assert [e.title for e in book.toc[0].children[0].children] == ["A"]


def test_ids_keep_the_base_letters_of_other_alphabets() -> None:
    from book.passes.links import _clean_id

    assert _clean_id("wstęp") == "wstep" and _clean_id("Łódź-żółw") == "Lodz-zolw"
    assert _clean_id("1-intro") == "id-1-intro" and _clean_id("Straße") == "Strasse"
    assert _clean_id("Глава 1") == "Glava-1" and _clean_id("Щука") == "Shchuka"
    assert _clean_id("Ἰλιάς") == "Ilias" and _clean_id("中文") == "id"
