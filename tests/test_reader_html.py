"""The HTML/XHTML reader: the Standard Ebooks story, every notes dialect, verse,
chapter cutting, metadata, encodings, hostile input and generated input."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from book.errors import LimitError, MakeBookError, SourceError
from book.model import Matter
from book.xhtml import EPUB_TYPE, classes, epub_types, text_content
from tests.conftest import make_context, read_source

SCANDAL = "html-en-doyle-a-scandal-in-bohemia.xhtml"


def read_html(tmp_path: Path, markup: str | bytes, name: str = "book.html", **meta):
    path = tmp_path / name
    if isinstance(markup, str):
        path.write_text(markup, encoding="utf-8")
    else:
        path.write_bytes(markup)
    ctx = make_context(tmp_path, **meta)
    return read_source(path, ctx), ctx


def codes(ctx) -> list[str]:
    return [d.code for d in ctx.diag.items]


def html_of(chapter) -> str:
    return etree.tostring(chapter.tree, encoding="unicode")


# ------------------------------------------------------------ Standard Ebooks


@pytest.fixture(scope="module")
def scandal(corpus):
    ctx = make_context(corpus)
    return read_source(corpus / SCANDAL, ctx), ctx


def test_scandal_is_one_chapter_with_its_title(scandal):
    result, _ctx = scandal
    assert len(result.chapters) == 1
    chapter = result.chapters[0]
    assert chapter.title == "A Scandal in Bohemia"
    first = next(c for c in chapter.tree if isinstance(c.tag, str))
    assert first.tag == "h1" and text_content(first) == "A Scandal in Bohemia"
    assert chapter.tree.get(EPUB_TYPE) == "chapter"


def test_scandal_keeps_its_three_sections_and_roman_headings(scandal):
    chapter = scandal[0].chapters[0]
    sections = [s for s in chapter.tree if isinstance(s.tag, str) and s.tag == "section"]
    assert [text_content(s[0]) for s in sections] == ["I", "II", "III"]
    assert all(s[0].tag == "h2" for s in sections)
    assert all("z3998:roman" in epub_types(s[0]) for s in sections)
    assert [s.get("id") for s in sections] == [f"a-scandal-in-bohemia-{n}" for n in (1, 2, 3)]


def test_scandal_paragraphs_blockquotes_and_letter(scandal):
    chapter = scandal[0].chapters[0]
    paragraphs = list(chapter.tree.iter("p"))
    assert 255 <= len(paragraphs) <= 260  # 257 bare <p> plus the letter's two signed lines
    quotes = list(chapter.tree.iter("blockquote"))
    assert len(quotes) == 2
    letter = quotes[1]
    assert "z3998:letter" in epub_types(letter)
    footer = letter.find("footer")
    assert footer is not None and "Irene Norton" in text_content(footer)
    assert "There will call upon you tonight" in text_content(quotes[0])


def test_scandal_language_and_semantics(scandal):
    result, _ctx = scandal
    assert result.metadata["language"] == "en-GB"
    assert result.metadata["title"] == "A Scandal in Bohemia"
    chapter = result.chapters[0]
    assert chapter.tree.get("lang") == "en-GB" and chapter.lang == "en-GB"
    markup = html_of(chapter)
    assert "\u2060" in markup  # word joiners around em dashes survive
    assert chapter.tree.find(".//time[@datetime='1888-03-20']") is not None
    titles = [a for a in chapter.tree.iter("abbr") if "z3998:name-title" in epub_types(a)]
    assert len(titles) > 10
    assert any(i.get("lang") == "fr" for i in chapter.tree.iter("i"))  # née, from xml:lang
    assert not any(":" in t and not t.startswith("z3998:")
                   for el in chapter.tree.iter() for t in epub_types(el))  # se: terms gone
    assert chapter.tree.find(".//link") is None


def test_scandal_stylesheets_are_noted_not_fetched(scandal):
    _result, ctx = scandal
    notes = [d for d in ctx.diag.items if d.code == "HTM010"]
    assert len(notes) == 2 and all("outside the book folder" in d.message for d in notes)
    assert not ctx.diag.warnings


def test_scandal_scene_break(scandal):
    breaks = [hr for hr in scandal[0].chapters[0].tree.iter("hr")]
    assert breaks and all(classes(hr) == ["scene-break"] for hr in breaks)


# ------------------------------------------------------------ chapters


def test_split_at_h1(tmp_path):
    result, _ = read_html(tmp_path, "<h1>One</h1><p>a</p><h2>Sub</h2><p>b</p><h1>Two</h1><p>c</p>")
    assert [c.title for c in result.chapters] == ["One", "Two"]
    assert result.chapters[0].tree.find("h2") is not None


def test_split_at_h2_when_there_is_no_h1(tmp_path):
    result, _ = read_html(tmp_path, "<h2>One</h2><p>a</p><h3>x</h3><p>b</p><h2>Two</h2><p>c</p>")
    assert [c.title for c in result.chapters] == ["One", "Two"]
    assert result.chapters[0].tree[0].tag == "h1"  # promoted: the title heading is h1
    assert result.chapters[0].tree.find("h2") is not None  # h3 → h2


def test_lone_h1_over_h2s_is_the_book_title(tmp_path):
    result, _ = read_html(tmp_path, "<h1>The Book</h1><h2>One</h2><p>a</p><h2>Two</h2><p>b</p>")
    assert [c.title for c in result.chapters] == ["One", "Two"]
    assert result.metadata["title"] == "The Book"


def test_sections_are_chapters_with_their_kinds(tmp_path):
    markup = """<html><body>
      <section epub:type="preface"><h1>Preface</h1><p>p</p></section>
      <section epub:type="chapter" id="c1"><h1>One</h1><p>a</p></section>
      <section role="doc-appendix"><h2>Appendix</h2><p>z</p></section></body></html>"""
    result, _ = read_html(tmp_path, markup)
    assert [(c.title, c.kind, c.matter) for c in result.chapters] == [
        ("Preface", "preface", Matter.FRONT), ("One", "chapter", Matter.BODY),
        ("Appendix", "appendix", Matter.BACK)]
    assert result.chapters[1].tree.find("h1").get("id") == "c1"  # the section's id survives


def test_single_article_is_one_chapter_with_nested_sections(tmp_path):
    markup = ("<article><h1>Story</h1><section><h2>I</h2><p>a</p></section>"
              "<section><h2>II</h2><p>b</p></section></article>")
    result, _ = read_html(tmp_path, markup)
    assert len(result.chapters) == 1 and result.chapters[0].title == "Story"
    assert len(result.chapters[0].tree.findall("section")) == 2


def test_wrappers_are_looked_through(tmp_path):
    markup = ('<div id="page"><div class="WordSection1"><h1>A</h1><p>a</p></div>'
              '<div class="WordSection2"><h1>B</h1><p>b</p></div></div>')
    result, _ = read_html(tmp_path, markup)
    assert [c.title for c in result.chapters] == ["A", "B"]


def test_text_before_the_first_heading_is_front_matter(tmp_path):
    result, _ = read_html(tmp_path, "<p>Dedication</p><h1>One</h1><p>a</p><h1>Two</h1><p>b</p>")
    assert [c.title for c in result.chapters] == ["", "One", "Two"]
    assert result.chapters[0].matter is Matter.FRONT


def test_untitled_document_takes_the_title_element(tmp_path):
    result, _ = read_html(tmp_path, "<html><head><title>Story</title></head><body><p>x</p></body></html>")
    assert [c.title for c in result.chapters] == ["Story"]


def test_loose_text_becomes_paragraphs(tmp_path):
    result, _ = read_html(tmp_path, "<body>First line<br>still first<br><br>Second <b>bold</b></body>")
    paragraphs = result.chapters[0].tree.findall("p")
    assert [text_content(p) for p in paragraphs] == ["First linestill first", "Second bold"]


def test_contents_nav_is_dropped(tmp_path):
    markup = ('<nav id="TOC" role="doc-toc"><ul><li><a href="#a">A</a></li></ul></nav>'
              '<h1 id="a">A</h1><p>x</p><h1>B</h1><p>y</p>')
    result, ctx = read_html(tmp_path, markup)
    assert [c.title for c in result.chapters] == ["A", "B"]
    assert "HTM020" in codes(ctx)


# ------------------------------------------------------------ metadata


def test_metadata_from_the_head(tmp_path):
    markup = """<html lang="pl"><head><title>Chłopi</title>
      <meta name="author" content="Władysław Reymont">
      <meta name="DC.creator" content="Second Author">
      <meta name="dcterms.date" content="1904-05-01T00:00:00">
      <meta name="DC.publisher" content="Gebethner">
      <meta name="description" content="Powieść">
      <meta name="keywords" content="wieś, jesień"></head><body><p>x</p></body></html>"""
    result, _ = read_html(tmp_path, markup)
    meta = result.metadata
    assert meta["title"] == "Chłopi" and meta["language"] == "pl"
    assert meta["authors"] == ["Władysław Reymont", "Second Author"]
    assert meta["date"] == "1904-05-01" and meta["publisher"] == "Gebethner"
    assert meta["keywords"] == ["wieś", "jesień"] and meta["description"] == "Powieść"


def test_language_tags_are_repaired_or_ignored(tmp_path):
    result, _ = read_html(tmp_path, '<html lang="pl_PL"><body><p>x</p></body></html>')
    assert result.metadata["language"] == "pl-PL" and result.chapters[0].lang == "pl-PL"
    result, _ = read_html(tmp_path, '<html lang="Polish language!"><body><p>x</p></body></html>')
    assert "language" not in result.metadata


def test_malformed_date_is_not_passed_on(tmp_path):
    result, _ = read_html(tmp_path, '<head><meta name="DC.date" content="spring 1904"></head><p>x</p>')
    assert "date" not in result.metadata


# ------------------------------------------------------------ notes


def _only_notes(chapter):
    asides = [a for a in chapter.tree.iter("aside")
              if {"footnote", "endnote"} & set(epub_types(a))]
    calls = [a for a in chapter.tree.iter("a") if "noteref" in epub_types(a)]
    return asides, calls


def _assert_linked(chapter, count):
    asides, calls = _only_notes(chapter)
    assert len(asides) == count and len(calls) == count
    keys = {a.get("id") for a in asides}
    assert {c.get("href")[1:] for c in calls} == keys
    for aside in asides:
        assert aside.getparent().tag != "ol"
        assert not any((a.get("href") or "").startswith("#fnref") for a in aside.iter("a"))
    return asides, calls


def test_pandoc_footnotes(tmp_path):
    markup = """<p>Text<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a>.</p>
    <section id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes"><hr />
    <ol><li id="fn1"><p>The note.<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li></ol>
    </section>"""
    result, _ = read_html(tmp_path, markup)
    chapter = result.chapters[0]
    asides, calls = _assert_linked(chapter, 1)
    assert text_content(asides[0]) == "The note."
    assert calls[0].find("sup") is None and text_content(calls[0]) == "1"
    assert chapter.tree.find(".//hr") is None and chapter.tree.find(".//ol") is None


def test_github_footnotes(tmp_path):
    markup = """<p>Claim<sup><a href="#user-content-fn-1" id="user-content-fnref-1" data-footnote-ref>1</a></sup>.</p>
    <section data-footnotes class="footnotes"><h2 class="sr-only" id="footnote-label">Footnotes</h2>
    <ol><li id="user-content-fn-1"><p>Source. <a href="#user-content-fnref-1" data-footnote-backref class="data-footnote-backref">↩</a></p></li></ol></section>"""
    result, _ = read_html(tmp_path, markup)
    chapter = result.chapters[0]
    asides, calls = _assert_linked(chapter, 1)
    assert calls[0].getparent().tag == "p"  # the <sup> wrapper is gone
    assert "Footnotes" not in text_content(chapter.tree)


def test_python_markdown_footnotes_get_valid_ids(tmp_path):
    markup = """<p>Word<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> and
    more<sup id="fnref:2"><a class="footnote-ref" href="#fn:2">2</a></sup>.</p>
    <div class="footnote"><hr /><ol>
    <li id="fn:1"><p>First.&#160;<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li>
    <li id="fn:2"><p>Second.&#160;<a class="footnote-backref" href="#fnref:2">&#8617;</a></p></li>
    </ol></div>"""
    result, _ = read_html(tmp_path, markup)
    asides, _calls = _assert_linked(result.chapters[0], 2)
    assert all(":" not in a.get("id") for a in asides)
    assert [text_content(a) for a in asides] == ["First.", "Second."]


def test_word_web_page_footnotes(tmp_path):
    markup = """<div class=WordSection1><p class=MsoNormal>Body<a href="#_ftn1" name="_ftnref1"><span
    class=MsoFootnoteReference>[1]</span></a> text.</p></div>
    <div style='mso-element:footnote-list'><div style='mso-element:footnote' id=ftn1>
    <p class=MsoFootnoteText><a href="#_ftnref1" name="_ftn1"><span class=MsoFootnoteReference>[1]</span></a>
    The Word note.</p></div></div>"""
    result, _ = read_html(tmp_path, markup)
    asides, calls = _assert_linked(result.chapters[0], 1)
    assert text_content(asides[0]) == "The Word note."
    assert text_content(calls[0]) == "1"


def test_epub_asides_and_endnote_lists(tmp_path):
    markup = """<p>A<a epub:type="noteref" href="#n1">1</a> B<a role="doc-noteref" href="#n2">2</a></p>
    <aside epub:type="footnote" id="n1"><p>Aside note.</p></aside>
    <section epub:type="endnotes" role="doc-endnotes"><ol>
    <li id="n2" epub:type="endnote"><p>Endnote. <a href="#x" epub:type="backlink">↩</a></p></li></ol></section>"""
    result, _ = read_html(tmp_path, markup)
    asides, _ = _assert_linked(result.chapters[0], 2)
    assert text_content(asides[1]) == "Endnote."
    assert [epub_types(a) for a in asides] == [["footnote"], ["endnote"]]  # kinds kept


def test_notes_follow_their_calls_into_the_right_chapter(tmp_path):
    markup = """<h1>One</h1><p>x<a href="#fn1" id="r1">1</a></p><h1>Two</h1><p>y<a href="#fn2" id="r2">2</a></p>
    <ol class="footnotes"><li id="fn1">N1 <a href="#r1">back</a></li><li id="fn2">N2 <a href="#r2">back</a></li></ol>"""
    result, _ = read_html(tmp_path, markup)
    one, two = result.chapters
    assert [a.get("id") for a in one.tree.iter("aside")] == ["fn1"]
    assert [a.get("id") for a in two.tree.iter("aside")] == ["fn2"]
    assert one.tree.find(".//aside/p") is not None  # loose note text wrapped in <p>


def test_contents_links_with_back_links_are_not_notes(tmp_path):
    # docutils: headings link back to their contents entry.
    markup = """<ul><li><a href="#intro" id="toc-1">Introduction</a></li></ul>
    <section id="intro"><h1><a href="#toc-1" class="toc-backref">Introduction</a></h1><p>x</p></section>"""
    result, _ = read_html(tmp_path, markup)
    assert not list(result.chapters[-1].tree.iter("aside"))


# ------------------------------------------------------------ verse


def test_standard_ebooks_poem(tmp_path):
    markup = """<blockquote epub:type="z3998:poem"><p><span>Line one</span><br/>
    <span class="i1">Line two</span></p><p><span>Stanza two</span></p></blockquote>"""
    result, _ = read_html(tmp_path, markup, name="poem.xhtml")
    poem = result.chapters[0].tree.find(".//blockquote")
    assert "verse" in classes(poem) and "z3998:poem" in epub_types(poem)
    stanzas = poem.findall("p")
    assert [classes(s) for s in stanzas] == [["stanza"], ["stanza"]]
    lines = stanzas[0].findall("span")
    assert [text_content(s) for s in lines] == ["Line one", "Line two"]
    assert classes(lines[1]) == ["i1", "line"]
    assert len(stanzas[0].findall("br")) == 1


def test_gutenberg_poem_with_breaks_inside_lines(tmp_path):
    markup = """<div class="poem"><div class="stanza"><span class="i0">First<br/></span>
    <span class="i2">Second<br/></span><span class="i0">Third<br/></span></div></div>"""
    result, _ = read_html(tmp_path, markup)
    verse = result.chapters[0].tree.find(".//div")
    assert classes(verse) == ["poem", "verse"]
    stanza = verse.find("p")
    assert "stanza" in classes(stanza)
    assert [text_content(s) for s in stanza.findall("span")] == ["First", "Second", "Third"]
    assert len(stanza.findall("br")) == 2


def test_verse_without_spans(tmp_path):
    result, _ = read_html(tmp_path, '<div class="verse">Roses are red,<br>violets blue.</div>')
    stanza = result.chapters[0].tree.find(".//p")
    assert [text_content(s) for s in stanza.findall("span")] == ["Roses are red,", "violets blue."]


def test_asterisks_are_scene_breaks(tmp_path):
    result, _ = read_html(tmp_path, "<p>a</p><p>* * *</p><p>b</p><hr><p>c</p>")
    hrs = result.chapters[0].tree.findall("hr")
    assert len(hrs) == 2 and all(classes(h) == ["scene-break"] for h in hrs)


# ------------------------------------------------------------ what is removed


def test_hostile_html_is_cleaned_with_warnings(tmp_path):
    markup = """<html><head><script>alert(1)</script><meta http-equiv="refresh" content="0;url=http://x">
    <base href="http://evil/"><link rel="stylesheet" href="https://fonts.example/css">
    <style>@font-face{src:url(https://evil/f.woff)}</style></head>
    <body onload="x()"><p onclick="y()">Hi <a href="javascript:alert(1)">there</a></p>
    <iframe src="https://evil"></iframe><form><input name="q"></form><script>z()</script></body></html>"""
    result, ctx = read_html(tmp_path, markup)
    markup_out = html_of(result.chapters[0])
    for bad in ("script", "iframe", "form", "input", "onclick", "onload", "javascript", "style",
                "<link", "<base", "<meta"):
        assert bad not in markup_out
    assert "Hi there" in text_content(result.chapters[0].tree)
    found = set(codes(ctx))
    assert {"HTM011", "HTM012", "HTM013", "HTM010", "HTM014", "SAN001", "SAN002", "SAN003",
            "SAN004", "SAN005"} <= found
    assert ctx.diag.warnings[0].file == "book.html"


def test_epub_type_and_xml_lang_from_the_html_parser(tmp_path):
    result, _ = read_html(tmp_path, '<p epub:type="z3998:letter" xml:lang="de">Brief</p>')
    p = result.chapters[0].tree.find("p")
    assert p.get(EPUB_TYPE) == "z3998:letter" and p.get("lang") == "de"
    assert "epub:type" not in p.attrib and "xml:lang" not in p.attrib


def test_source_lines_are_recorded(tmp_path):
    result, _ = read_html(tmp_path, "<html><body>\n<h1>A</h1>\n\n<p>b</p>\n</body></html>")
    tree = result.chapters[0].tree
    assert tree.find("h1").get("data-mb-line") == "2"
    assert tree.find("p").get("data-mb-line") == "4"


# ------------------------------------------------------------ parsing


def test_broken_xhtml_falls_back_with_a_warning_naming_the_line(tmp_path):
    markup = ('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body>\n'
              '<p>one</p>\n<p>two<br></p>\n</body></html>')
    result, ctx = read_html(tmp_path, markup, name="broken.xhtml")
    warning = next(d for d in ctx.diag.warnings if d.code == "HTM001")
    assert warning.file == "broken.xhtml" and warning.line == 4
    assert [text_content(p) for p in result.chapters[0].tree.iter("p")] == ["one", "two"]


def test_xhtml_with_dtd_entities_is_read(tmp_path):
    markup = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" '
              '"http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">\n'
              '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>a&nbsp;b&mdash;c</p></body></html>')
    result, ctx = read_html(tmp_path, markup, name="old.xhtml")
    assert "".join(result.chapters[0].tree.itertext()) == "a\u00a0b\u2014c"
    assert "HTM004" in codes(ctx) and "HTM001" not in codes(ctx)


def test_entity_declarations_are_refused(tmp_path):
    bomb = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&b;</p></body></html>')
    with pytest.raises(SourceError, match="entities") as info:
        read_html(tmp_path, bomb, name="bomb.xhtml")
    assert info.value.file == "bomb.xhtml"


@pytest.mark.parametrize("name", ["xxe.xhtml", "xxe.html"])
def test_external_entity_is_refused_never_read(tmp_path, name):
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    markup = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "secret.txt">]>'
              '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&x;</p></body></html>')
    with pytest.raises(SourceError, match="entities"):
        read_html(tmp_path, markup, name=name)


@pytest.mark.parametrize("name", ["late.xhtml", "late.html"])
def test_entity_declarations_behind_a_long_prolog_are_refused(tmp_path, name):
    """<!ENTITY> past the first 64 KiB: the XML parser sees the declaration
    and refuses it; the refusal stands (never re-read as HTML, which would
    leave the DTD's "]>" in the text)."""
    (tmp_path / "secret.txt").write_text("TOP SECRET")
    markup = ('<?xml version="1.0"?>\n<!--' + "x" * 70_000 + "-->\n"
              '<!DOCTYPE html [<!ENTITY x SYSTEM "secret.txt">]>\n'
              '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&x; end</p></body></html>')
    with pytest.raises(SourceError, match="declares XML entities") as info:
        read_html(tmp_path, markup, name=name)
    assert (info.value.file, info.value.line) == (name, 3)
    assert type(info.value) is SourceError


def test_entity_reference_without_declaration_in_plain_html(tmp_path):
    result, _ = read_html(tmp_path, "<p>&x; and &amp; &copy;</p>")
    assert "TOP SECRET" not in text_content(result.chapters[0].tree)
    assert "&" in text_content(result.chapters[0].tree) and "©" in text_content(result.chapters[0].tree)


def test_declared_legacy_encoding(tmp_path):
    markup = '<html><head><meta charset="windows-1250"></head><body><p>Zażółć gęślą jaźń</p></body></html>'
    result, ctx = read_html(tmp_path, markup.encode("cp1250"))
    assert text_content(result.chapters[0].tree) == "Zażółć gęślą jaźń"
    assert "HTM003" in codes(ctx)


def test_xml_declaration_encoding(tmp_path):
    markup = ('<?xml version="1.0" encoding="iso-8859-2"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
              '<body><p>Łódź</p></body></html>')
    result, _ = read_html(tmp_path, markup.encode("iso-8859-2"), name="l2.xhtml")
    assert text_content(result.chapters[0].tree) == "Łódź"


def test_utf16_with_bom(tmp_path):
    result, _ = read_html(tmp_path, "<p>Ćma</p>".encode("utf-16"))
    assert text_content(result.chapters[0].tree) == "Ćma"


def test_nul_bytes_are_removed_with_a_warning(tmp_path):
    result, ctx = read_html(tmp_path, "<p>a\x00b\x07c</p>")
    assert text_content(result.chapters[0].tree) == "abc"
    assert "HTM002" in codes(ctx)


def test_empty_document_warns(tmp_path):
    result, ctx = read_html(tmp_path, "   ")
    assert result.chapters == [] and "HTM022" in codes(ctx)


def test_nesting_deeper_than_the_parser_keeps_is_refused(tmp_path):
    # libxml2 stops at 256 levels and would drop the rest silently: refuse instead.
    with pytest.raises(LimitError, match="nested") as info:
        read_html(tmp_path, "<div>" * 5000 + "deep" + "</div>" * 5000)
    assert info.value.file == "book.html"


def test_nesting_past_max_depth_is_flattened(tmp_path):
    result, ctx = read_html(tmp_path, "<div>" * 240 + "deep" + "</div>" * 240)
    assert "deep" in text_content(result.chapters[0].tree)
    assert "SAN008" in codes(ctx)


# ------------------------------------------------------------ scale


def test_hundred_thousand_paragraphs_in_linear_time(tmp_path):
    markup = "<h1>A</h1>" + "<p>x</p>\n" * 100_000
    started = time.perf_counter()
    result, _ = read_html(tmp_path, markup)
    elapsed = time.perf_counter() - started
    assert len(result.chapters[0].tree.findall("p")) == 100_000
    assert elapsed < 20


def test_ten_megabyte_single_line(tmp_path):
    markup = "<p>some words in a paragraph</p>" * 350_000  # 10.5 MB, no newline
    started = time.perf_counter()
    result, _ = read_html(tmp_path, markup)
    assert len(result.chapters[0].tree.findall("p")) == 350_000
    assert time.perf_counter() - started < 30


def test_ten_megabyte_text_node_is_refused_not_truncated(tmp_path):
    with pytest.raises(LimitError, match="10 MB"):
        read_html(tmp_path, "<p>" + "word " * 2_100_000 + "</p>")


# ------------------------------------------------------------ generated input

_TAGS = ["p", "div", "span", "a", "h1", "h2", "h3", "section", "article", "blockquote", "br",
         "hr", "em", "sup", "ol", "li", "aside", "table", "tr", "td", "script", "iframe",
         "form", "input", "img", "nav", "math", "svg", "o:p", "font"]
_ATTRS = ["id", "href", "class", "epub:type", "role", "xml:lang", "lang", "onclick", "src",
          "style", "name", "data-footnote-ref"]
_VALUES = ["#fn1", "fn1", "#x", "x", "footnote", "noteref", "footnotes", "doc-noteref",
           "javascript:alert(1)", "z3998:poem", "poem", "en", "url(http://x)", "1", "", "a b"]

_attribute = st.tuples(st.sampled_from(_ATTRS), st.sampled_from(_VALUES)).map(
    lambda pair: f' {pair[0]}="{pair[1]}"')
_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)


@st.composite
def _html(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        if depth < 5 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            attrs = "".join(draw(st.lists(_attribute, max_size=3)))
            inner = draw(_html(depth + 1))
            closing = "" if draw(st.integers(0, 9)) == 0 else f"</{tag}>"
            parts.append(f"<{tag}{attrs}>{inner}{closing}")
        else:
            parts.append(draw(_text).replace("<", "&lt;"))
    return "".join(parts)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(markup=_html(), suffix=st.sampled_from([".html", ".xhtml"]))
def test_generated_html_never_crashes(tmp_path, markup, suffix):
    path = tmp_path / f"gen{suffix}"
    path.write_text(f"<html><body>{markup}</body></html>", encoding="utf-8")
    try:
        result = read_source(path, make_context(tmp_path))
    except MakeBookError:
        return
    for chapter in result.chapters:
        etree.tostring(chapter.tree)  # serializable
        assert chapter.tree.find(".//script") is None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_random_bytes_as_html_never_crash(tmp_path, data):
    path = tmp_path / "bytes.xhtml"
    path.write_bytes(data)
    try:
        read_source(path, make_context(tmp_path))
    except MakeBookError:
        pass


def test_a_web_page_site_menu_is_not_book_text(tmp_path):
    """A ``nav`` of links (a site menu, whatever its targets) is navigation."""
    path = tmp_path / "post.html"
    path.write_text('<html lang="en"><head><title>Post</title></head><body>'
                    '<nav><a href="/">Home</a> | <a href="https://example.org/about">About</a></nav>'
                    '<h1>Post</h1><p>Body text.</p>'
                    '<nav><p>A nav holding prose stays: it is not a menu.</p></nav></body></html>',
                    encoding="utf-8")
    result = read_source(path)
    text = " ".join("".join(c.tree.itertext()) for c in result.chapters)
    assert "Home" not in text and "About" not in text
    assert "Body text." in text and "A nav holding prose stays" in text
