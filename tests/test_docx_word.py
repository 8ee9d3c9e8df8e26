"""Word files (issue 11, items 12–16): list numbering, endnotes, file-path
alt text, a main part at another path, HYPERLINK fields.  Each document is
written here, in our own words, with the small DOCX writer of
test_reader_docx.py."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

from lxml import etree

from book.build import Overrides, build
from book.context import BuildOptions
from book.passes.links import external_href
from book.writers.pdf.notes import place_footnotes
from book.xhtml import EPUB_TYPE, element
from tests.docx_package import CONTENT_TYPES, W_NS
from tests.test_reader_docx import make_docx, p, picture, png_bytes, r, read_docx

from .conftest import epubcheck_messages, make_context, read_source

NUMBERING = f"""<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="10">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/>
  <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl>
 <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/>
  <w:pPr><w:ind w:left="1440" w:hanging="360"/></w:pPr></w:lvl>
 <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/>
  <w:pPr><w:ind w:left="2160" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="11">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>
  <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="12">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/>
  <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="13">
 <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/>
  <w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="11"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="12"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="12"/>
 <w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="13"/></w:num>
</w:numbering>"""


def item(text: str, num: int, level: int = 0, indent: int | None = None) -> str:
    ind = f'<w:ind w:left="{indent}"/>' if indent is not None else ""
    return p(text, extra_ppr=f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/>'
                             f"</w:numPr>{ind}")


def serialize(el: etree._Element) -> str:
    clone = copy.deepcopy(el)
    for node in clone.iter():
        if isinstance(node.tag, str):
            node.attrib.pop("data-mb-line", None)
    etree.cleanup_namespaces(clone)
    return etree.tostring(clone, encoding="unicode", with_tail=False)


def codes(ctx) -> list[str]:
    return [d.code for d in ctx.diag.items]


# ---------------------------------------------------------------- item 12: lists


def test_list_formats_levels_and_a_list_nested_by_indentation(tmp_path: Path) -> None:
    body = (item("Gather the clay", 1) + item("from the river bank", 1, 1)
            + item("from the old pit", 1, 1) + item("by hand", 1, 2)
            + item("Knead it", 1) + item("wet", 2, indent=1440) + item("cool", 2, indent=1440)
            + item("Fire it", 1) + item("Alpha", 5) + item("Beta", 5))
    result, ctx = read_docx(tmp_path, body, numbering=NUMBERING)
    tree = result.chapters[0].tree
    assert "".join(serialize(el) for el in tree) == (
        '<ol type="I" style="list-style-type: upper-roman"><li>Gather the clay'
        '<ol type="a" style="list-style-type: lower-alpha"><li>from the river bank</li>'
        '<li>from the old pit<ol type="i" style="list-style-type: lower-roman"><li>by hand</li>'
        '</ol></li></ol></li><li>Knead it<ul><li>wet</li><li>cool</li></ul></li>'
        '<li>Fire it</li></ol>'
        '<ol type="A" style="list-style-type: upper-alpha"><li>Alpha</li><li>Beta</li></ol>')
    assert codes(ctx) == []


def test_lists_continue_after_a_paragraph_and_restart_when_word_says(tmp_path: Path) -> None:
    body = (item("Sift", 3) + item("Weigh", 3) + p("A word about scales.") + item("Mix", 3)
            + p("A new recipe.") + item("Warm the pot", 4) + item("", 4) + item("Pour", 4))
    result, _ = read_docx(tmp_path, body, numbering=NUMBERING)
    assert "".join(serialize(el) for el in result.chapters[0].tree) == (
        "<ol><li>Sift</li><li>Weigh</li></ol><p>A word about scales.</p>"
        '<ol start="3"><li>Mix</li></ol><p>A new recipe.</p>'
        '<ol><li>Warm the pot</li><li value="3">Pour</li></ol>')


def test_numbered_headings_keep_their_headings(tmp_path: Path) -> None:
    heading = p("Chapter of clay", style="Heading1",
                extra_ppr='<w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr>')
    styles = ('<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
              "</w:style>")
    result, _ = read_docx(tmp_path, heading + item("Step", 3), numbering=NUMBERING, styles=styles)
    assert "".join(serialize(el) for el in result.chapters[0].tree) == (
        '<h1>Chapter of clay</h1><ol start="2"><li>Step</li></ol>')


# ---------------------------------------------------------------- item 13: endnotes


def test_endnotes_stay_endnotes_and_footnotes_stay_footnotes(tmp_path: Path) -> None:
    note = lambda kind, n, text: f'<w:{kind} w:id="{n}">{p(text)}</w:{kind}>'
    body = p(runs=r("The kiln cracked") + '<w:r><w:footnoteReference w:id="2"/></w:r>'
             + r(" in winter") + '<w:r><w:endnoteReference w:id="2"/></w:r>' + r("."))
    result, _ = read_docx(tmp_path, body, footnotes=note("footnote", 2, "Frost got in."),
                          endnotes=note("endnote", 2, "See the kiln log."))
    asides = result.chapters[0].tree.findall("aside")
    assert [(a.get(EPUB_TYPE), "".join(a.itertext())) for a in asides] == [
        ("footnote", "Frost got in."), ("endnote", "See the kiln log.")]


def test_print_floats_footnotes_and_leaves_endnotes_at_the_end() -> None:
    root = element("section")
    para = element("p", "Text")
    for n in (1, 2):
        call = element("a", str(n), attrib={"href": f"#c-note-{n}", "class": "noteref"})
        call.set(EPUB_TYPE, "noteref")
        para.append(call)
    root.append(para)
    notes = element("div", attrib={"class": "footnotes"})
    for n, kind in ((1, "footnote"), (2, "endnote")):
        aside = element("aside", attrib={"id": f"c-note-{n}", "class": f"footnote {kind}"})
        aside.set(EPUB_TYPE, kind)
        aside.append(element("p", f"{kind} text"))
        notes.append(aside)
    root.append(notes)
    assert place_footnotes(root, "en") == 1
    assert [el.get("class") for el in para if el.tag == "span"] == ["mb-footnote"]
    assert [a.get("id") for a in root.find("div").iter("aside")] == ["c-note-2"]


# ---------------------------------------------------------------- item 14: alt text


def test_a_file_path_as_alt_text_is_no_description(tmp_path: Path) -> None:
    images = {"a.png": png_bytes(), "b.png": png_bytes((0, 90, 0))}
    body = (p(runs=picture("rIdImga", "C:\\Users\\mira\\Pictures\\image1.png"))
            + p(runs=picture("rIdImgb", "A green square")))
    result, ctx = read_docx(tmp_path, body, images=images)
    imgs = list(result.chapters[0].tree.iter("img"))
    assert [img.get("alt") for img in imgs] == [None, "A green square"]
    [warning] = [d for d in ctx.diag.items if d.code == "DOCX023"]
    assert warning.message == ("image 1: the description is a file name "
                               "('C:\\\\Users\\\\mira\\\\Pictures\\\\image1.png'), not a "
                               "description; the picture is undescribed")


# ---------------------------------------------------------------- item 15: part paths


def test_a_main_document_at_another_path_is_read(tmp_path: Path) -> None:
    path = tmp_path / "moved.docx"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES.replace(
            "/word/document.xml", "/content/main.xml"))
        archive.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="/content/main.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/'
            'relationships/metadata/core-properties" Target="meta/props.xml"/>'
            "</Relationships>"))
        archive.writestr("meta/props.xml", (
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            "<dc:creator>Hedda Moor</dc:creator></cp:coreProperties>"))
        archive.writestr("content/_rels/main.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="s" Type="{rel}/styles" Target="looks.xml"/></Relationships>'))
        archive.writestr("content/looks.xml", (
            f'<w:styles xmlns:w="{W_NS}"><w:style w:type="paragraph" w:styleId="Kop1">'
            '<w:name w:val="heading 1"/></w:style></w:styles>'))
        archive.writestr("content/main.xml", (
            f'<w:document xmlns:w="{W_NS}"><w:body>{p("Moved House", style="Kop1")}'
            f'{p("The parts live elsewhere.")}</w:body></w:document>'))
    result = read_source(path)
    assert result.metadata == {"authors": ["Hedda Moor"]}
    assert [c.title for c in result.chapters] == ["Moved House"]
    assert "".join(serialize(el) for el in result.chapters[0].tree) == (
        "<h1>Moved House</h1><p>The parts live elsewhere.</p>")


# ---------------------------------------------------------------- item 16: fields


def fld(kind: str) -> str:
    return f'<w:r><w:fldChar w:fldCharType="{kind}"/></w:r>'


def instr(text: str) -> str:
    return f'<w:r><w:instrText xml:space="preserve">{text}</w:instrText></w:r>'


def field_paragraphs() -> str:
    """Links made by fields: a tooltip switch, a field nested in the
    instruction, a bookmark link, and a target that is no URL at all."""
    return (
        p(runs=fld("begin") + instr(' HYPERLINK "https://example.org/kiln glaze" \\o "Glaze tips" ')
          + fld("separate") + r("glazes") + fld("end"))
        + p(runs=fld("begin") + instr(" HYPERLINK ") + fld("begin") + instr(" DATE ")
            + fld("separate") + r("1/1/20") + fld("end") + instr('"https://example.org/dated"')
            + fld("separate") + r("dated page") + fld("end"))
        + p(runs=fld("begin") + instr(' HYPERLINK \\l "firing" ') + fld("separate")
            + r("see firing") + fld("end"))
        + p(runs='<w:bookmarkStart w:id="7" w:name="firing"/>' + r("Firing")
            + '<w:bookmarkEnd w:id="7"/>')
        + p(runs=fld("begin") + instr(' HYPERLINK "C:\\\\Kiln\\\\notes.doc" ') + fld("separate")
            + r("local notes") + fld("end"))
        + p(runs=fld("begin") + instr(" HYPERLINK www.example.org/kilns ") + fld("separate")
            + r("kiln makers") + fld("end")))


def test_hyperlink_fields_are_read_with_their_switches(tmp_path: Path) -> None:
    result, _ = read_docx(tmp_path, field_paragraphs())
    links = [(a.get("href"), "".join(a.itertext()))
             for a in result.chapters[0].tree.iter("a") if a.get("href")]
    assert links == [("https://example.org/kiln glaze", "glazes"),
                     ("https://example.org/dated", "dated page"),
                     ("#firing", "see firing"), ("www.example.org/kilns", "kiln makers")]
    assert "local notes" in "".join(result.chapters[0].tree.itertext())


def test_external_targets_are_encoded_or_refused() -> None:
    assert external_href("https://example.org/a b?q=x y#f g") == \
        "https://example.org/a%20b?q=x%20y#f%20g"
    assert external_href("https://bücher.example/straße") == \
        "https://xn--bcher-kva.example/stra%C3%9Fe"
    assert external_href('http://example.org/x" \\o "tip') == "http://example.org/x%22%20/o%20%22tip"
    assert external_href("http://exa mple.org/") is None
    assert external_href("http://example.org:port/") is None
    assert external_href("mailto:ann lee@example.org") == "mailto:ann%20lee@example.org"
    assert external_href("//example.org/wiki") == "https://example.org/wiki"


def test_a_word_file_with_every_feature_is_a_valid_epub(tmp_path: Path) -> None:
    note = lambda kind, n, text: f'<w:{kind} w:id="{n}">{p(text)}</w:{kind}>'
    body = (p("Kiln Book", style="Title") + item("Clay", 1) + item("Wet", 1, 1) + item("Dry", 3)
            + p(runs=r("Glazed") + '<w:r><w:endnoteReference w:id="3"/></w:r>'
                + r(" and fired") + '<w:r><w:footnoteReference w:id="3"/></w:r>' + r("."))
            + p(runs=picture("rIdImgc", "image7.png")) + field_paragraphs())
    styles = '<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>'
    path = make_docx(tmp_path / "kiln.docx", body, numbering=NUMBERING, images={"c.png": png_bytes()},
                     footnotes=note("footnote", 3, "Twice."), endnotes=note("endnote", 3, "Cone 6."),
                     styles=styles)
    ctx = make_context(tmp_path)
    assert read_source(path, ctx).metadata["title"] == "Kiln Book"
    result = build([path], BuildOptions(formats=("epub",), outdir=tmp_path / "out"),
                   Overrides(lang="en"))
    assert epubcheck_messages(result.outputs["epub"]) == []  # no RSC-020 for odd targets
    hrefs = [a.get("href") for c in result.book.chapters for a in c.tree.iter("a")
             if (a.get("href") or "").startswith("http")]
    assert hrefs == ["https://example.org/kiln%20glaze", "https://example.org/dated",
                     "http://www.example.org/kilns"]
    assert "SAN003" in [d.code for d in result.diagnostics.items]  # the C: link: text kept
    with zipfile.ZipFile(result.outputs["epub"]) as epub:
        text = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert 'epub:type="endnote"' in text and 'epub:type="footnote"' in text
    assert '<ol type="I"' in text and "image7.png" not in text
