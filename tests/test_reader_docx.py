"""The DOCX reader: the docx4j guide from the corpus, Word features one by one
in small documents written here, hostile packages and generated input."""

from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from PIL import Image

from book import limits
from book.errors import LimitError, MakeBookError, SandboxError, SourceError
from book.model import Matter
from book.xhtml import epub_types, text_content
from tests.conftest import make_context, read_source

DOCX4J = "docx-en-docx4j-getting-started.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


# ------------------------------------------------------------ a tiny DOCX writer


def p(text: str = "", style: str | None = None, runs: str | None = None, extra_ppr: str = "") -> str:
    ppr = f'<w:pStyle w:val="{style}"/>' if style else ""
    content = runs if runs is not None else r(text)
    return f"<w:p><w:pPr>{ppr}{extra_ppr}</w:pPr>{content}</w:p>"


def r(text: str, rpr: str = "") -> str:
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def style(style_id: str, name: str, kind: str = "paragraph", body: str = "",
          based_on: str | None = None) -> str:
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    return (f'<w:style w:type="{kind}" w:styleId="{style_id}"><w:name w:val="{name}"/>{based}'
            f"{body}</w:style>")


NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="0">
 <w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>
 <w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num></w:numbering>"""


def make_docx(path: Path, body: str, *, styles: str = "", footnotes: str | None = None,
              endnotes: str | None = None, images: dict[str, bytes] | None = None,
              links: dict[str, str] | None = None, core: str | None = None,
              defaults: str = "", numbering: str | None = None) -> Path:
    rels = [f'<Relationship Id="rIdStyles" Type="{R_NS}/styles" Target="styles.xml"/>',
            f'<Relationship Id="rIdNum" Type="{R_NS}/numbering" Target="numbering.xml"/>']
    parts = {
        "word/styles.xml": f'<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr>'
                           f"{defaults}</w:rPr></w:rPrDefault></w:docDefaults>"
                           f'{style("Normal", "Normal")}{styles}</w:styles>',
        "word/numbering.xml": numbering if numbering is not None else NUMBERING,
    }
    if footnotes is not None:
        parts["word/footnotes.xml"] = f'<w:footnotes xmlns:w="{W_NS}">{footnotes}</w:footnotes>'
        rels.append(f'<Relationship Id="rIdFn" Type="{R_NS}/footnotes" Target="footnotes.xml"/>')
    if endnotes is not None:
        parts["word/endnotes.xml"] = f'<w:endnotes xmlns:w="{W_NS}">{endnotes}</w:endnotes>'
        rels.append(f'<Relationship Id="rIdEn" Type="{R_NS}/endnotes" Target="endnotes.xml"/>')
    for rid, (name, data) in enumerate((images or {}).items()):
        parts[f"word/media/{name}"] = data
        rels.append(f'<Relationship Id="rIdImg{name.split(".")[0]}" Type="{R_NS}/image" '
                    f'Target="media/{name}"/>')
    for rid, url in (links or {}).items():
        rels.append(f'<Relationship Id="{rid}" Type="{R_NS}/hyperlink" Target="{escape(url)}" '
                    'TargetMode="External"/>')
    parts["word/document.xml"] = (
        f'<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}" '
        'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        f"<w:body>{body}</w:body></w:document>")
    parts["word/_rels/document.xml.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(rels) + "</Relationships>")
    parts["_rels/.rels"] = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{R_NS}/officeDocument" Target="word/document.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
        'relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>')
    parts["[Content_Types].xml"] = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="png" ContentType="image/png"/><Default Extension="emf" ContentType="image/x-emf"/>'
        '<Default Extension="bmp" ContentType="image/bmp"/><Default Extension="gif" ContentType="image/gif"/>'
        '</Types>')
    if core is not None:
        parts["docProps/core.xml"] = (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">' + core +
            "</cp:coreProperties>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def picture(rel: str, descr: str | None) -> str:
    described = f' descr="{escape(descr)}"' if descr is not None else ""
    return (f'<w:r><w:drawing><wp:inline><wp:extent cx="100" cy="100"/>'
            f'<wp:docPr id="1" name="Picture 1"{described}/>'
            '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            f'<pic:pic><pic:blipFill><a:blip r:embed="{rel}"/></pic:blipFill></pic:pic>'
            "</a:graphicData></a:graphic></wp:inline></w:drawing></w:r>")


def read_docx(tmp_path: Path, body: str, name: str = "manuscript.docx", **kwargs):
    path = make_docx(tmp_path / name, body, **kwargs)
    ctx = make_context(tmp_path)
    return read_source(path, ctx), ctx


def codes(ctx) -> list[str]:
    return [d.code for d in ctx.diag.items]


def png_bytes(color=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(out, "PNG")
    return out.getvalue()


# ------------------------------------------------------------ the docx4j guide


@pytest.fixture(scope="module")
def docx4j(corpus):
    ctx = make_context(corpus)
    return read_source(corpus / DOCX4J, ctx), ctx


@pytest.fixture(scope="module")
def docx4j_xml(corpus) -> str:
    with zipfile.ZipFile(corpus / DOCX4J) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def test_docx4j_chapters_are_its_heading_1s(docx4j, docx4j_xml):
    result, _ = docx4j
    heading1 = docx4j_xml.count('<w:pStyle w:val="Heading1"/>')
    assert heading1 == 51
    titled = [c for c in result.chapters if c.title]
    assert len(titled) == heading1
    assert titled[0].title == "What is docx4j?" and titled[-1].title == "Contacting Plutext"
    # The untitled introduction before the first heading is front matter.
    assert len(result.chapters) == heading1 + 1
    assert not result.chapters[0].title and result.chapters[0].matter is Matter.FRONT
    assert "This guide covers docx4j" in text_content(result.chapters[0].tree)
    heading2 = docx4j_xml.count('<w:pStyle w:val="Heading2"/>')
    assert sum(len(c.tree.findall(".//h2")) for c in result.chapters) == heading2


def test_docx4j_title_is_metadata_not_a_chapter(docx4j):
    result, _ = docx4j
    assert result.metadata["title"] == "Docx4j - Getting Started"
    assert result.metadata["authors"] == ["Jason Harrop"]
    assert all("Docx4j - Getting Started" != c.title for c in result.chapters)


def test_docx4j_word_contents_is_gone(docx4j):
    result, ctx = docx4j
    for chapter in result.chapters:
        for a in chapter.tree.iter("a"):
            assert not (a.get("href") or "").startswith("#_Toc")
        for para in chapter.tree.iter("p"):
            text = text_content(para)
            assert not re.match(r".+\s\d+$", text) or "\t" not in "".join(para.itertext())
            assert text != "Contents"
    assert "DOCX001" in codes(ctx)


def test_docx4j_footnotes_become_notes(docx4j):
    result, _ = docx4j
    asides = [a for c in result.chapters for a in c.tree.iter("aside")]
    calls = [a for c in result.chapters for a in c.tree.iter("a") if "noteref" in epub_types(a)]
    assert len(asides) == 4 and len(calls) == 4
    assert all("footnote" in epub_types(a) for a in asides)
    for chapter in result.chapters:  # each note sits in its call's chapter
        ids = {a.get("id") for a in chapter.tree.iter("aside")}
        refs = {a.get("href")[1:] for a in chapter.tree.iter("a") if "noteref" in epub_types(a)}
        assert ids == refs
    assert "WebSphere uses com.ibm.xml.xlxp2.jaxb" in text_content(asides[0])


def test_docx4j_images_are_assets(docx4j):
    result, ctx = docx4j
    assert [(a.href, a.media_type) for a in result.assets] == [
        ("images/docx-en-docx4j-getting-started-1.png", "image/png"),
        ("images/docx-en-docx4j-getting-started-2.png", "image/png")]
    srcs = [img.get("src") for c in result.chapters for img in c.tree.iter("img")]
    assert srcs == [a.href for a in result.assets]
    assert all(a.data.startswith(b"\x89PNG") and a.width for a in result.assets)
    imgs = [img for c in result.chapters for img in c.tree.iter("img")]
    assert imgs[0].get("alt") == "Table"  # Word's machine caption, boilerplate cut...
    assert "DOCX022" in codes(ctx)  # ...and flagged
    assert imgs[1].get("alt") is None  # no description: no alt, for the a11y check


def test_docx4j_hyperlinks_survive(docx4j, docx4j_xml):
    result, _ = docx4j
    links = [a for c in result.chapters for a in c.tree.iter("a") if a.get("href")]
    external = [a for a in links if a.get("href").startswith("http")]
    # 143 w:hyperlink in the file: 71 are Word's contents entries, dropped with
    # it; the other 72 are the guide's own links.
    assert docx4j_xml.count("<w:hyperlink ") == 143
    assert len(external) == 72
    ids = {el.get("id") for c in result.chapters for el in c.tree.iter() if el.get("id")}
    internal = [a.get("href")[1:] for a in links if a.get("href").startswith("#")]
    assert len(internal) == 7 and set(internal) <= ids  # 4 notes + 3 cross-references


def test_docx4j_code_styles(docx4j):
    result, _ = docx4j
    pres = ["".join(pre.itertext()) for c in result.chapters for pre in c.tree.iter("pre")]
    assert any("export MAVEN_OPTS" in t for t in pres)  # the Command paragraph style
    assert any(t.startswith("date-and-time:\nCREATEDATE  |  DATE") for t in pres)  # Grammar
    assert any("CTFootnotes footnotes" in t for t in pres)  # hand-set Consolas
    codes_inline = [text_content(c) for ch in result.chapters for c in ch.tree.iter("code")]
    assert "jaxbElement" in " ".join(codes_inline)  # HTML Code character style


def test_docx4j_tables_and_lists(docx4j):
    result, _ = docx4j
    assert sum(len(list(c.tree.iter("table"))) for c in result.chapters) == 9
    items = sum(len(list(c.tree.iter("li"))) for c in result.chapters)
    assert 140 <= items <= 170
    assert any(c.tree.find(".//ol") is not None for c in result.chapters)
    assert any(c.tree.find(".//ul/li/ul") is not None for c in result.chapters)


def test_docx4j_bold_first_row_is_a_header_row(docx4j):
    """The "Object / XML element / docx4j class / Factory method" table sets
    its first row in bold by hand: it becomes header cells."""
    result, _ = docx4j
    tables = [t for c in result.chapters for t in c.tree.iter("table")]
    headed = [t for t in tables if t.find(".//th") is not None]
    assert len(headed) == 1
    assert [text_content(th) for th in headed[0].iter("th")] == [
        "Object", "XML element", "docx4j class", "Factory method"]


def test_docx4j_no_blank_paragraphs_and_quiet_diagnostics(docx4j):
    result, ctx = docx4j
    for chapter in result.chapters:
        for para in chapter.tree.iter("p"):
            assert text_content(para) or len(para)
    assert not [d for d in ctx.diag.warnings if d.code == "DOCX004"]


# ------------------------------------------------------------ headings and titles


@pytest.mark.parametrize("name", ["heading 1", "Nagłówek 1", "Überschrift 1", "Titre 1",
                                  "Título 1", "Titolo 1", "Nadpis 1", "Заголовок 1", "Kop 1"])
def test_localized_heading_names(tmp_path, name):
    styles = style("H1x", name) + style("H2x", name[:-1] + "2")
    body = (p("One", "H1x") + p("text") + p("Sub", "H2x") + p("more") + p("Two", "H1x") + p("end"))
    result, _ = read_docx(tmp_path, body, styles=styles)
    assert [c.title for c in result.chapters] == ["One", "Two"]
    assert result.chapters[0].tree.find("h2") is not None


def test_localized_style_ids_with_english_names(tmp_path):
    styles = style("Nagwek1", "heading 1") + style("Nagwek2", "heading 2")
    body = p("Rozdział", "Nagwek1") + p("x") + p("Podrozdział", "Nagwek2") + p("y")
    result, _ = read_docx(tmp_path, body, styles=styles)
    assert [c.title for c in result.chapters] == ["Rozdział"]
    assert text_content(result.chapters[0].tree.find("h2")) == "Podrozdział"


def test_custom_style_with_outline_level_is_a_heading(tmp_path):
    styles = style("ChapterTitle", "Chapter Title", body='<w:pPr><w:outlineLvl w:val="0"/></w:pPr>')
    body = p("First", "ChapterTitle") + p("a") + p("Second", "ChapterTitle") + p("b")
    result, _ = read_docx(tmp_path, body, styles=styles)
    assert [c.title for c in result.chapters] == ["First", "Second"]


def test_style_based_on_a_heading_inherits_it(tmp_path):
    styles = (style("Heading2", "heading 2", body='<w:pPr><w:outlineLvl w:val="1"/></w:pPr>')
              + style("MySub", "My Sub", based_on="Heading2") + style("Heading1", "heading 1"))
    body = p("Top", "Heading1") + p("Sub", "MySub") + p("x")
    result, _ = read_docx(tmp_path, body, styles=styles)
    assert text_content(result.chapters[0].tree.find("h2")) == "Sub"


@pytest.mark.parametrize("title_name,subtitle_name", [("Title", "Subtitle"), ("Tytuł", "Podtytuł"),
                                                      ("Titel", "Untertitel")])
def test_title_and_subtitle_are_metadata(tmp_path, title_name, subtitle_name):
    styles = style("T", title_name) + style("S", subtitle_name) + style("Heading1", "heading 1")
    body = p("The Book", "T") + p("A Tale", "S") + p("One", "Heading1") + p("x")
    result, _ = read_docx(tmp_path, body, styles=styles)
    assert result.metadata["title"] == "The Book" and result.metadata["subtitle"] == "A Tale"
    assert [c.title for c in result.chapters] == ["One"]
    assert "The Book" not in text_content(result.chapters[0].tree)


def test_title_styled_chapters_without_headings(tmp_path):
    body = p("One", "Title") + p("a") + p("Two", "Title") + p("b")
    result, _ = read_docx(tmp_path, body, styles=style("Title", "Title"))
    assert [c.title for c in result.chapters] == ["One", "Two"]


# ------------------------------------------------------------ blocks


def test_quotes_become_blockquotes(tmp_path):
    styles = style("Quote", "Quote") + style("IntenseQuote", "Intense Quote") + style("Cytat", "Cytat")
    body = (p("He said:") + p("First line", "Quote") + p("second", "Quote") + p("between")
            + p("Loud", "IntenseQuote") + p("Polski", "Cytat"))
    result, _ = read_docx(tmp_path, body, styles=styles)
    quotes = result.chapters[0].tree.findall(".//blockquote")
    assert [len(q.findall("p")) for q in quotes] == [2, 2]


def test_nested_numbered_and_bulleted_lists(tmp_path):
    num = lambda n, lvl: f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{n}"/></w:numPr>'
    body = (p("one", extra_ppr=num(1, 0)) + p("inner", extra_ppr=num(1, 1))
            + p("two", extra_ppr=num(1, 0)) + p("gap") + p("dot", extra_ppr=num(2, 0)))
    result, _ = read_docx(tmp_path, body)
    tree = result.chapters[0].tree
    ol = tree.find("ol")
    assert [li.text for li in ol.findall("li")] == ["one", "two"]
    assert text_content(ol.find("li/ul/li")) == "inner"
    assert ol.find("li/ul/li") is not None
    assert tree.find("ul/li") is not None


def _table(rows: list[list[str]], *, header_row: bool = False, bold_first: bool = False,
           tbl_pr: str = "") -> str:
    out = [f"<w:tbl><w:tblPr>{tbl_pr}</w:tblPr>"]
    for index, row in enumerate(rows):
        trpr = "<w:trPr><w:tblHeader/></w:trPr>" if header_row and index == 0 else ""
        cells = "".join(
            f"<w:tc>{p(runs=r(cell, '<w:b/>' if bold_first and index == 0 else ''))}</w:tc>"
            for cell in row)
        out.append(f"<w:tr>{trpr}{cells}</w:tr>")
    return "".join(out) + "</w:tbl>"


@pytest.mark.parametrize("kind", ["tblHeader", "bold", "style"])
def test_table_header_rows(tmp_path, kind):
    rows = [["Name", "Value"], ["a", "1"], ["b", "2"]]
    styles = ""
    if kind == "tblHeader":
        body = _table(rows, header_row=True)
    elif kind == "bold":
        body = _table(rows, bold_first=True)
    else:
        styles = style("Fancy", "Fancy Table", kind="table",
                       body='<w:tblStylePr w:type="firstRow"><w:rPr><w:b/></w:rPr></w:tblStylePr>')
        body = _table(rows, tbl_pr='<w:tblStyle w:val="Fancy"/><w:tblLook w:firstRow="1"/>')
    result, _ = read_docx(tmp_path, body, styles=styles)
    table = result.chapters[0].tree.find(".//table")
    assert [text_content(th) for th in table.iter("th")] == ["Name", "Value"]
    assert len(list(table.iter("td"))) == 4


def test_table_without_header(tmp_path):
    result, _ = read_docx(tmp_path, _table([["a", "1"], ["b", "2"]]))
    assert result.chapters[0].tree.find(".//th") is None


# ------------------------------------------------------------ notes and links


def test_footnotes_and_endnotes(tmp_path):
    note = lambda kind, n, text: (f'<w:{kind} w:id="{n}">{p(text)}</w:{kind}>')
    body = p(runs=r("Text") + '<w:r><w:footnoteReference w:id="1"/></w:r>' + r(" and more")
             + '<w:r><w:endnoteReference w:id="1"/></w:r>')
    result, ctx = read_docx(tmp_path, body, footnotes=note("footnote", 1, "A footnote."),
                            endnotes=note("endnote", 1, "An endnote."))
    tree = result.chapters[0].tree
    asides = tree.findall("aside")
    assert [text_content(a) for a in asides] == ["A footnote.", "An endnote."]
    calls = [a for a in tree.iter("a") if "noteref" in epub_types(a)]
    assert [c.get("href")[1:] for c in calls] == [a.get("id") for a in asides]
    assert "DOCX005" in codes(ctx)


def test_hyperlinks_and_bookmarks(tmp_path):
    body = (p(runs='<w:bookmarkStart w:id="0" w:name="target"/>' + r("Target") +
              '<w:bookmarkEnd w:id="0"/><w:bookmarkStart w:id="1" w:name="_GoBack"/>')
            + p(runs='<w:hyperlink r:id="rIdX">' + r("site") + "</w:hyperlink> "
                '<w:hyperlink w:anchor="target">' + r("back") + "</w:hyperlink>"))
    result, _ = read_docx(tmp_path, body, links={"rIdX": "https://example.org/a?b=1&c=2"})
    tree = result.chapters[0].tree
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert hrefs == ["https://example.org/a?b=1&c=2", "#target"]
    assert tree.find(".//*[@id='target']") is not None
    assert tree.find(".//*[@id='_GoBack']") is None  # Word's own bookmark, unlinked


def test_cross_reference_fields_become_links(tmp_path):
    fld = lambda kind: f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'
    body = (p(runs='<w:bookmarkStart w:id="0" w:name="_Ref1"/>' + r("Figure 1") + '<w:bookmarkEnd w:id="0"/>')
            + p(runs=r("See ") + fld("begin") + '<w:r><w:instrText> REF _Ref1 \\h </w:instrText></w:r>'
                + fld("separate") + r("Figure 1") + fld("end")))
    result, _ = read_docx(tmp_path, body)
    link = result.chapters[0].tree.find(".//a[@href]")
    assert link is not None and link.get("href") == "#_Ref1" and text_content(link) == "Figure 1"


def test_hyperlink_to_an_undefined_relationship_keeps_its_text(tmp_path):
    """A hyperlink whose r:id the package does not define (mammoth would stop
    the whole file on it): the link goes, its text stays, a warning says so."""
    body = (p(runs=r("Before ") + '<w:hyperlink r:id="rId99">' + r("the link") + "</w:hyperlink>"
              + r(" after."))
            + p(runs='<w:hyperlink r:id="rIdGone" w:anchor="target">' + r("back") + "</w:hyperlink>")
            + p(runs='<w:bookmarkStart w:id="0" w:name="target"/>' + r("Target")
                + '<w:bookmarkEnd w:id="0"/>'))
    result, ctx = read_docx(tmp_path, body)
    tree = result.chapters[0].tree
    assert [text_content(el) for el in tree.iter("p")] == ["Before the link after.", "back", "Target"]
    assert [a.get("href") for a in tree.iter("a") if a.get("href")] == ["#target"]
    [warning] = [d for d in ctx.diag.warnings if d.code == "DOCX008"]
    assert "2 hyperlink(s)" in warning.message and "rId99" in warning.message
    assert warning.file == "manuscript.docx"


@pytest.mark.parametrize("kind", ["footnote", "endnote"])
def test_note_call_without_its_notes_part(tmp_path, kind):
    body = p(runs=r("Text") + f'<w:r><w:{kind}Reference w:id="1"/></w:r>' + r(" goes on."))
    result, ctx = read_docx(tmp_path, body)
    tree = result.chapters[0].tree
    assert text_content(tree) == "Text goes on."
    assert tree.find(".//aside") is None and tree.find(".//a") is None
    [warning] = [d for d in ctx.diag.warnings if d.code == "DOCX008"]
    assert f"{kind} 1" in warning.message and "left out" in warning.message


def test_note_call_to_a_missing_note_keeps_the_others(tmp_path):
    note = '<w:footnote w:id="1">' + p("The real note.") + "</w:footnote>"
    body = p(runs=r("One") + '<w:r><w:footnoteReference w:id="1"/></w:r>' + r(" two")
             + '<w:r><w:footnoteReference w:id="7"/></w:r>')
    result, ctx = read_docx(tmp_path, body, footnotes=note)
    tree = result.chapters[0].tree
    assert [text_content(a) for a in tree.findall("aside")] == ["The real note."]
    assert "footnote 7" in next(d for d in ctx.diag.warnings if d.code == "DOCX008").message


def test_picture_with_an_undefined_relationship_is_left_out(tmp_path):
    body = p(runs=r("Before ") + picture("rIdNowhere", "A chart") + r(" after"))
    result, ctx = read_docx(tmp_path, body)
    assert result.chapters[0].tree.find(".//img") is None and result.assets == []
    assert text_content(result.chapters[0].tree) == "Before after"
    assert "1 picture(s)" in next(d for d in ctx.diag.warnings if d.code == "DOCX008").message


# ------------------------------------------------------------ code


def test_code_styles_and_monospace_fonts(tmp_path):
    styles = (style("Code", "Code") + style("CommandChar", "Command", kind="character")
              + style("Heading1", "heading 1"))
    mono = '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>'
    body = (p("Chapter", "Heading1") + p("for x in y:", "Code") + p("    print(x)", "Code")
            + p(runs=r("Run ") + '<w:r><w:rPr><w:rStyle w:val="CommandChar"/></w:rPr><w:t>make</w:t></w:r>'
                + r(" or ") + r("make all", mono) + r("."))
            + p(runs=r("int a = 1;", mono)))
    result, _ = read_docx(tmp_path, body, styles=styles)
    tree = result.chapters[0].tree
    pres = tree.findall("pre")
    assert "".join(pres[0].itertext()) == "for x in y:\n    print(x)"
    assert [c.text for c in tree.iter("code")] == ["make", "make all"]
    assert "".join(pres[1].itertext()) == "int a = 1;"


def test_manuscript_set_in_courier_is_not_code(tmp_path):
    mono = '<w:rFonts w:ascii="Courier New" w:hAnsi="Courier New"/>'
    body = p("It was a dark night.") + p("The end.")
    result, ctx = read_docx(tmp_path, body, defaults=mono)
    assert result.chapters[0].tree.find(".//pre") is None
    assert "DOCX006" in codes(ctx)


# ------------------------------------------------------------ Word's contents and hidden text


def test_toc_field_and_toc_styles_are_dropped(tmp_path):
    fld = lambda kind: f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'
    styles = (style("Heading1", "heading 1") + style("TOC1", "toc 1")
              + style("TOCHeading", "TOC Heading"))
    body = (p("Contents", "TOCHeading")
            + p(runs=fld("begin") + '<w:r><w:instrText> TOC \\o "1-3" \\h </w:instrText></w:r>'
                + fld("separate") + r("One\t1"), style="TOC1")
            + p("Two\t2", "TOC1") + p(runs=fld("end"))
            + p("One", "Heading1") + p("a") + p("Two", "Heading1") + p("b"))
    result, ctx = read_docx(tmp_path, body, styles=styles)
    assert [c.title for c in result.chapters] == ["One", "Two"]
    assert "DOCX001" in codes(ctx)


def test_toc_content_control_is_dropped(tmp_path):
    styles = style("Heading1", "heading 1")
    sdt = ('<w:sdt><w:sdtPr><w:docPartObj><w:docPartGallery w:val="Table of Contents"/>'
           f'</w:docPartObj></w:sdtPr><w:sdtContent>{p("Spis treści")}{p("Jeden 1")}'
           "</w:sdtContent></w:sdt>")
    body = sdt + p("Jeden", "Heading1") + p("tekst")
    result, _ = read_docx(tmp_path, body, styles=styles)
    assert [c.title for c in result.chapters] == ["Jeden"]
    assert "Spis" not in text_content(result.chapters[0].tree)


def test_contents_heading_before_a_toc_in_localized_styles(tmp_path):
    styles = style("Nagwek1", "heading 1") + style("Spistreci1", "Spis treści 1")
    body = (p("Spis treści", "Nagwek1") + p("Jeden\t3", "Spistreci1") + p("Jeden", "Nagwek1")
            + p("tekst"))
    result, _ = read_docx(tmp_path, body, styles=styles)
    assert [c.title for c in result.chapters] == ["Jeden"]


def test_hidden_text_is_left_out(tmp_path):
    body = p(runs=r("Visible ") + r("secret", "<w:vanish/>") + r("text"))
    result, ctx = read_docx(tmp_path, body)
    assert text_content(result.chapters[0].tree) == "Visible text"
    assert "DOCX002" in codes(ctx)


def test_empty_paragraphs_are_dropped(tmp_path):
    result, _ = read_docx(tmp_path, p("a") + p("") + p(runs=r("   \t ")) + p("b"))
    assert [text_content(x) for x in result.chapters[0].tree.iter("p")] == ["a", "b"]


# ------------------------------------------------------------ images


def test_images_with_and_without_alt(tmp_path):
    body = p(runs=picture("rIdImga", "A red square")) + p(runs=picture("rIdImgb", None))
    result, _ = read_docx(tmp_path, body, images={"a.png": png_bytes(),
                                                  "b.png": png_bytes((0, 0, 255))},
                          name="My Story.docx")
    imgs = list(result.chapters[0].tree.iter("img"))
    assert [i.get("src") for i in imgs] == ["images/my-story-1.png", "images/my-story-2.png"]
    assert imgs[0].get("alt") == "A red square" and "alt" not in imgs[1].attrib
    assert [a.href for a in result.assets] == ["images/my-story-1.png", "images/my-story-2.png"]


def test_a_picture_marked_decorative_in_word_gets_empty_alt(tmp_path):
    """Word 365's "Mark as decorative" (adec:decorative in the docPr's extLst)."""
    decorative = picture("rIdImga", "Machine caption").replace(
        'descr="Machine caption"/>',
        'descr="Machine caption"><a:extLst><a:ext uri="{C183D7F6-B498-43B3-948B-1728B52AA6E4}">'
        '<adec:decorative xmlns:adec="http://schemas.microsoft.com/office/drawing/2017/decorative"'
        ' val="1"/></a:ext></a:extLst></wp:docPr>')
    assert "adec:decorative" in decorative
    body = p(runs=decorative) + p(runs=picture("rIdImgb", None))
    result, ctx = read_docx(tmp_path, body, images={"a.png": png_bytes(),
                                                  "b.png": png_bytes((0, 0, 255))})
    imgs = list(result.chapters[0].tree.iter("img"))
    assert imgs[0].get("alt") == "" and "alt" not in imgs[1].attrib
    assert "DOCX022" not in codes(ctx)


def test_the_same_picture_twice_is_one_asset(tmp_path):
    body = p(runs=picture("rIdImga", "x")) + p(runs=picture("rIdImga", "x"))
    result, _ = read_docx(tmp_path, body, images={"a.png": png_bytes()})
    assert len(result.assets) == 1
    assert {i.get("src") for i in result.chapters[0].tree.iter("img")} == {result.assets[0].href}


def test_bmp_is_converted_to_png(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(out, "BMP")
    result, ctx = read_docx(tmp_path, p(runs=picture("rIdImgpic", "bmp")),
                            images={"pic.bmp": out.getvalue()})
    asset = result.assets[0]
    assert asset.media_type == "image/png" and asset.href.endswith(".png")
    assert asset.data.startswith(b"\x89PNG") and "DOCX021" in codes(ctx)


def test_mislabelled_image_keeps_its_real_type(tmp_path):
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "GIF")
    result, _ = read_docx(tmp_path, p(runs=picture("rIdImgpic", "gif")),
                          images={"pic.png": out.getvalue()})
    assert result.assets[0].media_type == "image/gif" and result.assets[0].href.endswith(".gif")


def _placeable_wmf() -> bytes:
    header = struct.pack("<IHhhhhHI", 0x9AC6CDD7, 0, 0, 0, 100, 100, 1440, 0)
    checksum = 0
    for word in struct.unpack("<10H", header):
        checksum ^= word
    return header + struct.pack("<H", checksum) + struct.pack("<HHHIHIH", 1, 9, 0x300, 12, 0, 3, 0) \
        + struct.pack("<IH", 3, 0)


def test_metafile_that_pillow_cannot_render_is_dropped_with_a_warning(tmp_path):
    body = p(runs=r("Before ") + picture("rIdImgchart", "Sales chart") + r(" after"))
    result, ctx = read_docx(tmp_path, body, images={"chart.emf": _placeable_wmf()})
    assert result.assets == [] and result.chapters[0].tree.find(".//img") is None
    warning = next(d for d in ctx.diag.warnings if d.code == "DOCX020")
    assert "Sales chart" in warning.message and warning.file == "manuscript.docx"
    assert text_content(result.chapters[0].tree) == "Before after"


# ------------------------------------------------------------ metadata and messages


def test_core_properties(tmp_path):
    core = ("<dc:title>Core Title</dc:title><dc:creator>Anna Nowak; Jan Nowak</dc:creator>"
            "<dc:description>About</dc:description><cp:keywords>a, b</cp:keywords>")
    result, _ = read_docx(tmp_path, p("x"), core=core)
    meta = result.metadata
    assert meta["title"] == "Core Title" and meta["authors"] == ["Anna Nowak", "Jan Nowak"]
    assert meta["description"] == "About" and meta["keywords"] == ["a", "b"]


def test_placeholder_author_is_ignored(tmp_path):
    result, _ = read_docx(tmp_path, p("x"), core="<dc:creator>Microsoft Office User</dc:creator>")
    assert "authors" not in result.metadata


def test_mammoth_messages_are_diagnostics_not_stderr(tmp_path, capsys):
    styles = style("Fancy", "Fancy Paragraph")
    result, ctx = read_docx(tmp_path, p("x", "Fancy"), styles=styles)
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    note = next(d for d in ctx.diag.items if d.code == "DOCX003")
    assert "Fancy Paragraph" in note.message


# ------------------------------------------------------------ hostile packages


def test_random_bytes_are_a_source_error(tmp_path):
    path = tmp_path / "junk.docx"
    path.write_bytes(b"\x00\x01garbage" * 100)
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert info.value.file == "junk.docx"


def test_old_doc_renamed_to_docx(tmp_path):
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    with pytest.raises(SourceError, match="Word 97"):
        read_source(path)


def test_zip_that_is_not_word(tmp_path):
    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    with pytest.raises(SourceError, match="not a Word document"):
        read_source(path)


def test_dtd_in_a_part_is_refused(tmp_path):
    path = make_docx(tmp_path / "dtd.docx", p("x"))
    data = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(data, "w") as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename == "word/document.xml":
                content = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM '
                           b'"file:///etc/passwd">]>' + content)
            new.writestr(info.filename, content)
    path.write_bytes(data.getvalue())
    with pytest.raises(SourceError, match="DTD"):
        read_source(path)


def test_dtd_hidden_behind_a_long_comment_is_refused(tmp_path):
    path = make_docx(tmp_path / "dtd2.docx", p("x"))
    data = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(data, "w") as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename == "word/styles.xml":
                content = (b'<?xml version="1.0"?><!--' + b"x" * 10_000 + b'-->'
                           b'<!DOCTYPE w:styles [<!ELEMENT w:styles ANY>]>' + content)
            new.writestr(info.filename, content)
    path.write_bytes(data.getvalue())
    with pytest.raises(SourceError, match="DTD"):
        read_source(path)


def test_zip_bomb_docx(tmp_path):
    path = make_docx(tmp_path / "bomb.docx", p("x"))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/huge.bin", b"\0" * (8 * limits.MiB))
    with pytest.raises(LimitError):
        read_source(path)


def test_path_traversal_entry(tmp_path):
    path = make_docx(tmp_path / "slip.docx", p("x"))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("../../evil.sh", b"rm -rf /")
    with pytest.raises(SandboxError):
        read_source(path)


def test_truncated_docx(tmp_path, corpus):
    data = (corpus / DOCX4J).read_bytes()
    path = tmp_path / "cut.docx"
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(SourceError) as info:
        read_source(path)
    assert info.value.file == "cut.docx"


def test_malformed_document_xml(tmp_path):
    path = make_docx(tmp_path / "bad.docx", p("x"))
    data = io.BytesIO()
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(data, "w") as new:
        for info in old.infolist():
            content = old.read(info)
            if info.filename == "word/document.xml":
                content = content[:-40]
            new.writestr(info.filename, content)
    path.write_bytes(data.getvalue())
    with pytest.raises(SourceError, match="damaged"):
        read_source(path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_random_bytes_never_crash(tmp_path, data):
    path = tmp_path / "random.docx"
    path.write_bytes(data)
    with pytest.raises(MakeBookError):
        read_source(path)


_XML_BITS = ["<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "text", "<w:tbl>",
             "</w:tbl>", "<w:tr>", "<w:tc>", '<w:pStyle w:val="Heading1"/>', "<w:pPr>", "</w:pPr>",
             '<w:footnoteReference w:id="1"/>', '<w:hyperlink w:anchor="x">', "</w:hyperlink>",
             '<w:fldChar w:fldCharType="begin"/>', "<w:instrText>TOC</w:instrText>",
             '<w:fldChar w:fldCharType="end"/>', "<w:sdt>", "<w:sdtContent>", "&amp;", "<"]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bits=st.lists(st.sampled_from(_XML_BITS), max_size=30))
def test_generated_word_bodies_never_crash(tmp_path, bits):
    path = make_docx(tmp_path / "gen.docx", "".join(bits), styles=style("Heading1", "heading 1"))
    try:
        result = read_source(path, make_context(tmp_path))
    except MakeBookError:
        return
    for chapter in result.chapters:
        etree.tostring(chapter.tree)
