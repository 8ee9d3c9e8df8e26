"""Content-model repair and attribute values (issue 7: every HTML-ish input
gives a valid EPUB).

Each repair rule of book/passes/sanitize/ (repair.py, tables.py, groups.py,
mathml.py) has a named case with its exact result and diagnostic; each
attribute check of book/passes/sanitize/attribute_values.py its kept and
refused values.  Every case is also run twice: the second run must change
nothing and say nothing.
Hypothesis then writes random tag soup from ~60 elements with random
attributes: it must keep its text, come out stable, stay linear, and a
small fixed sample of whole books must pass EPUBCheck.
"""

from __future__ import annotations

import gc
import tempfile
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st
from lxml import etree

from book.build import Overrides, build
from book.context import BuildOptions
from book.diagnostics import Diagnostics
from book.errors import MakeBookError
from book.model import Chapter, SourceRef
from book.passes import sanitize
from book.passes.sanitize.attribute_values import (
    allowed_role,
    clean_aria_value,
    clean_datetime,
    clean_style,
    epub_type_verdict,
    language_tag_ok,
)
from book.safexml import parse_html_fragment
from book.xhtml import EPUB_NS, EPUB_TYPE, text_content
from tests.conftest import epubcheck_messages, make_context

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def chapter_of(markup: str) -> Chapter:
    """A chapter whose tree is ``markup`` exactly as written (parsed as XML,
    the way XHTML arrives; the HTML parser would already rearrange some)."""
    root = etree.fromstring(f'<section xmlns:epub="{EPUB_NS}">{markup}</section>')
    return Chapter(id="c", tree=root, source=SourceRef("soup.xhtml"))


def inner(root: etree._Element) -> str:
    """The children as markup, without the epub namespace declarations."""
    markup = (root.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in root)
    return markup.replace(f' xmlns:epub="{EPUB_NS}"', "")


def repair(markup: str, tmp_path: Path, **metadata: str):
    """Sanitize once; assert that a second run changes nothing and says nothing."""
    ctx = make_context(tmp_path, **metadata)
    chapter = sanitize.run(chapter_of(markup), ctx)
    first = inner(chapter.tree)
    again = make_context(tmp_path)
    sanitize.run(chapter, again)
    assert inner(chapter.tree) == first
    assert not again.diag.items, [d.message for d in again.diag.items]
    return first, ctx


def codes(ctx) -> list[str]:
    return sorted({d.code for d in ctx.diag.items})


# ------------------------------------------------------------ the repair rules

#: (markup, repaired markup, diagnostic codes)
REPAIRS = {
    # orphans wrapped in the container they need
    "li-alone": ("<li>a</li> <li>b</li><p>c</p>", "<ul><li>a</li> <li>b</li></ul><p>c</p>",
                 ["SAN013"]),
    "table-cells-alone": ("<td>a</td><tr><td>b</td></tr><th>c</th>",
                          "<table><tr><td>a</td></tr><tr><td>b</td></tr><tr><th>c</th></tr></table>",
                          ["SAN013"]),
    "text-in-row": ("<table><tr>text<td>x</td></tr></table>",
                    "<table><tr><td>text</td><td>x</td></tr></table>", ["SAN013"]),
    "cell-in-blockquote": ("<blockquote><td>x</td></blockquote>",
                           "<blockquote><table><tr><td>x</td></tr></table></blockquote>",
                           ["SAN013"]),
    "terms-alone": ("<dt>term</dt><dd>definition</dd>",
                    "<dl><dt>term</dt><dd>definition</dd></dl>", ["SAN013"]),
    "li-in-span": ("<span><li>x</li></span>", "<div><ul><li>x</li></ul></div>", ["SAN013"]),
    # content where a structure allows none
    "rule-in-list": ("<ul><hr/><li>x</li></ul>", "<ul><li>x</li></ul>", ["SAN015"]),
    "nested-list-beside-item": ("<ul><li>a</li><ul><li>b</li></ul>tail</ul>",
                                "<ul><li>a<ul><li>b</li></ul>tail</li></ul>", ["SAN013"]),
    "dl-groups": ("<dl><dd>orphan definition</dd><dt>last term</dt></dl>",
                  "<dl><dt/><dd>orphan definition</dd><dt>last term</dt><dd/></dl>", ["SAN013"]),
    "dl-bad-div-group": ("<dl><div><dt>a</dt><dd>b</dd></div><p>x</p></dl>",
                         "<dl><dt>a</dt><dd>b<p>x</p></dd></dl>", ["SAN013"]),
    "table-order": ("<table><tfoot><tr><td>f</td></tr></tfoot><tr><td>b</td></tr>"
                    "<caption>c</caption></table>",
                    "<table><tr><td>b</td></tr><tr><td>c</td></tr><tfoot><tr><td>f</td></tr>"
                    "</tfoot></table>", ["SAN013", "SAN014"]),
    "rows-beside-tbody": ("<table><tr><td>a</td></tr><tbody><tr><td>b</td></tr></tbody></table>",
                          "<table><tbody><tr><td>a</td></tr></tbody><tbody><tr><td>b</td></tr>"
                          "</tbody></table>", ["SAN013"]),
    "loose-cols": ("<table><col/><col/><tr><td>a</td></tr></table>",
                   "<table><colgroup><col/><col/></colgroup><tr><td>a</td></tr></table>",
                   ["SAN013"]),
    # blocks inside phrasing content
    "div-in-p": ("<p>before<div>block</div>after</p>",
                 "<p>before</p><div>block</div><p>after</p>", ["SAN013"]),
    "div-in-span-in-p": ('<p id="p1">a<span class="k"><div>x</div></span>b</p>',
                         '<p id="p1">a</p><div class="k"><div>x</div></div><p>b</p>', ["SAN013"]),
    "div-in-em-in-p": ("<p>a <em>b<div>c</div>d</em> e</p>",
                       "<p>a <em>b</em></p><div>c</div><p><em>d</em> e</p>",
                       ["SAN013", "SAN014"]),
    "div-in-link-in-p": ('<p><a href="https://example.org/">a<div>b</div></a></p>',
                         '<a href="https://example.org/">a<div>b</div></a>', ["SAN013"]),
    "list-in-b-in-p": ("<p><b><ul><li>x</li></ul></b></p>", "<ul><li>x</li></ul>",
                       ["SAN013", "SAN014"]),
    "div-in-heading": ("<h1>Title <div>sub</div></h1>", "<h1>Title <span>sub</span></h1>",
                       ["SAN013"]),
    "divs-in-pre": ("<pre>line 1<div>line 2</div><div>line 3</div></pre>",
                    "<pre>line 1<span>line 2</span>\n<span>line 3</span></pre>", ["SAN013"]),
    # elements HTML forbids inside others
    "link-in-link": ('<p><a href="https://a.example/">x<span><a href="https://b.example/">y</a>'
                     "</span></a></p>", '<p><a href="https://a.example/">x<span>y</span></a></p>',
                     ["SAN014"]),
    "anchor-in-link": ('<p><a href="#t">x<a id="t">y</a></a></p>',
                       '<p><a href="#t">x<span id="t">y</span></a></p>', ["SAN014"]),
    "header-in-header": ("<header><header>x</header></header>", "<header>x</header>",
                         ["SAN013"]),
    "dfn-in-dfn": ("<p><dfn>a<dfn>b</dfn></dfn></p>", "<p><dfn>ab</dfn></p>", ["SAN013"]),
    "heading-in-address": ("<address><h2>x</h2><p>y</p></address>",
                           "<div><h2>x</h2><p>y</p></div>", ["SAN014"]),
    "heading-in-th": ("<table><tr><th><h2>x</h2></th></tr></table>",
                      "<table><tr><th><p>x</p></th></tr></table>", ["SAN014"]),
    "table-in-caption": ("<table><caption><table><tr><td>x</td></tr></table></caption>"
                         "<tr><td>y</td></tr></table>",
                         "<table><caption><div><div><div>x</div></div></div></caption>"
                         "<tr><td>y</td></tr></table>", ["SAN014"]),
    # required children and parents
    "figcaption-alone": ("<figcaption>c</figcaption>", "<p>c</p>", ["SAN014"]),
    "figcaption-in-middle": ("<figure><p>a</p><figcaption>c</figcaption><p>b</p></figure>",
                             "<figure><p>a</p><div>c</div><p>b</p></figure>", ["SAN014"]),
    "summary-alone": ("<summary>s</summary>", "<div>s</div>", ["SAN014"]),
    "details-without-summary": ("<details><p>x</p></details>",
                                "<details><summary>Details</summary><p>x</p></details>",
                                ["SAN013"]),
    "summary-last": ("<details><p>x</p><summary>s</summary></details>",
                     "<details><summary>s</summary><p>x</p></details>", ["SAN013"]),
    "hgroup-without-heading": ("<hgroup><p>x</p></hgroup>", "<p>x</p>", ["SAN014"]),
    "hgroup-two-headings": ("<hgroup><h1>a</h1><h2>b</h2></hgroup>",
                            "<hgroup><h1>a</h1><p>b</p></hgroup>", ["SAN014"]),
    "ruby-without-rt": ("<p><ruby>漢</ruby></p>", "<p>漢</p>", ["SAN013"]),
    "ruby-lone-rp": ("<p><ruby>漢<rp>(</rp><rt>kan</rt></ruby></p>",
                     "<p><ruby>漢<rt>kan</rt></ruby></p>", ["SAN013"]),
    "rt-alone": ("<p>a<rt>b</rt>c</p>", "<p>abc</p>", ["SAN013"]),
    "content-in-br": ("<p><br>text</br>after</p>", "<p><br/>textafter</p>", ["SAN013"]),
    "data-bdo-time-requirements": ('<p><data>x</data> <bdo>y</bdo> <bdo dir="rtl">z</bdo> '
                                   "<time>soon</time> <time>2020-01-01</time></p>",
                                   '<p><span>x</span> <span>y</span> <bdo dir="rtl">z</bdo> '
                                   "<span>soon</span> <time>2020-01-01</time></p>", ["SAN013"]),
}


#: Cases whose text changes on purpose: (characters lost, characters gained).
TEXT_CHANGES = {"details-without-summary": ("", "Details"), "ruby-lone-rp": ("(", "")}


def _characters(markup: str) -> Counter:
    return Counter("".join("".join(etree.fromstring(f"<x>{markup}</x>").itertext()).split()))


@pytest.mark.parametrize("case", REPAIRS)
def test_repair_rule(tmp_path, case):
    markup, expected, expected_codes = REPAIRS[case]
    result, ctx = repair(markup, tmp_path)
    assert result == expected
    assert codes(ctx) == expected_codes
    lost, gained = TEXT_CHANGES.get(case, ("", ""))
    assert _characters(markup) - _characters(result) == Counter(lost)
    assert _characters(result) - _characters(markup) == Counter(gained)


def test_warnings_name_the_source_line(tmp_path):
    _, ctx = repair('<p data-mb-line="3">x</p><figcaption data-mb-line="7">c</figcaption>',
                    tmp_path)
    [warning] = [d for d in ctx.diag.warnings if d.code == "SAN014"]
    assert warning.file == "soup.xhtml" and warning.line == 7
    assert "<figcaption> outside <figure> made <p>" in warning.message


def test_summary_label_speaks_the_chapter_language(tmp_path):
    result, _ = repair('<div lang="pl"><details><p>x</p></details></div>', tmp_path)
    assert "<summary>Szczegóły</summary>" in result


def test_mathml_with_html_and_loose_text(tmp_path):
    ctx = make_context(tmp_path)
    chapter = Chapter(id="c", tree=etree.Element("section"), source=SourceRef("m.html"))
    for part in parse_html_fragment("<p><math><mi>x</mi><p>para</p><mfrac><mn>1</mn></mfrac>"
                                    "</math></p>"):
        chapter.tree.append(part)
    sanitize.run(chapter, ctx)
    math = chapter.tree.find(f".//{MATHML}math")
    children = [(c.tag[len(MATHML):], c.text) for c in math]
    assert children == [("mi", "x"), ("mtext", "para"), ("mrow", None)]
    assert math[2][0].tag == f"{MATHML}mn"  # the fraction without its two parts became a row
    assert {"SAN013", "SAN014"} <= set(codes(ctx))


def test_mathml_attributes_follow_their_element(tmp_path):
    ctx = make_context(tmp_path)
    root = etree.fromstring('<section><math xmlns="http://www.w3.org/1998/Math/MathML" '
                            'display="block" open="("><mi mathvariant="bold" rowspan="2">x</mi>'
                            '<mfrac linethickness="0"><mn>1</mn></mfrac></math></section>')
    sanitize.run(Chapter(id="c", tree=root, source=SourceRef("m.xhtml")), ctx)
    math = root[0]
    assert dict(math.attrib) == {"display": "block"}
    assert dict(math[0].attrib) == {"mathvariant": "bold"}
    assert math[1].tag == f"{MATHML}mrow" and not math[1].attrib  # linethickness went with mfrac


# ------------------------------------------------------------ attribute values


@pytest.mark.parametrize("tag,value,has_href,kept", [
    ("p", "1", False, None), ("p", "url(http://x)", False, None), ("p", "note", False, "note"),
    ("p", "region banner", False, "region"), ("p", "generic", False, None),
    ("section", "doc-chapter", False, "doc-chapter"), ("nav", "doc-chapter", False, None),
    ("li", "doc-footnote", False, None), ("a", "doc-noteref", True, "doc-noteref"),
    ("a", "doc-chapter", True, None), ("a", "doc-chapter", False, "doc-chapter"),
    ("ul", "doc-toc", False, None), ("caption", "note", False, None),
    ("span", "checkbox", False, None),  # a widget needing aria-checked, which books lack
])
def test_roles(tag, value, has_href, kept):
    assert allowed_role(tag, value, has_href=has_href) == kept


def test_deprecated_role_becomes_epub_type(tmp_path):
    result, ctx = repair('<ol><li role="doc-endnote">n</li></ol>', tmp_path)
    li = etree.fromstring(f'<x xmlns:epub="{EPUB_NS}">{result}</x>').find("ol/li")
    assert dict(li.attrib) == {EPUB_TYPE: "endnote"}
    assert "SAN016" in codes(ctx)


@pytest.mark.parametrize("name,value,kept", [
    ("aria-hidden", "maybe", None), ("aria-hidden", "TRUE", "true"), ("aria-level", "x", None),
    ("aria-level", "0", None), ("aria-level", "2", "2"), ("aria-setsize", "-1", "-1"),
    ("aria-relevant", "additions text", "additions text"), ("aria-relevant", "all text", None),
    ("aria-describedby", "  a   b ", "a b"), ("aria-details", "a b", None),
    ("aria-label", "", ""), ("aria-current", "page", "page"), ("aria-expanded", "true", None),
])
def test_aria_value_types(name, value, kept):
    assert clean_aria_value(name, value) == kept


def test_aria_attributes_need_their_role_and_their_target(tmp_path):
    result, ctx = repair('<p id="a" aria-level="2" aria-label="x">a</p><h2 aria-level="3">h</h2>'
                         '<p role="heading" aria-level="2" aria-describedby="a nope">b</p>'
                         '<p aria-labelledby="nope" aria-hidden="maybe">c</p>', tmp_path)
    assert result == ('<p id="a" aria-label="x">a</p><h2 aria-level="3">h</h2>'
                      '<p role="heading" aria-level="2" aria-describedby="a">b</p><p>c</p>')
    assert codes(ctx) == ["SAN017"]


@pytest.mark.parametrize("value,cleaned", [
    ("color: red", "color: red"), ("color:red", "color: red"), ("@@", None), ("color:", None),
    ("color: red; @@", "color: red"), ("color: rgb(1,2", "color: rgb(1,2)"),
    ('content: "abc', None), ("color: red} p {color: blue", None), ("{color: red}", None),
    ("a:b;;c:d", "a: b; c: d"), ("margin:0 auto!important", "margin: 0 auto !important"),
    ("x: a)b", None), ("width: calc(100% - 2em)", "width: calc(100% - 2em)"),
])
def test_style_declarations(value, cleaned):
    assert clean_style(value)[0] == cleaned


def test_style_attributes_in_the_tree(tmp_path):
    result, ctx = repair('<p style="@@">x</p><p style="color:">y</p><p style="color:red;@@">z</p>'
                         '<p style="text-align: center">w</p>', tmp_path)
    assert result == ('<p>x</p><p>y</p><p style="color: red">z</p>'
                      '<p style="text-align: center">w</p>')
    assert codes(ctx) == ["SAN018"]


@pytest.mark.parametrize("value,tag,cleaned", [
    ("2020", "time", "2020"), ("2020-02-29", "time", "2020-02-29"), ("2021-02-29", "time", None),
    ("--12-25", "time", "--12-25"), ("12:30:15.123", "time", "12:30:15.123"),
    ("24:00", "time", None), ("2020-12-01T10:00", "time", "2020-12-01T10:00"),
    ("2020-12-01 10:00+01:00", "time", "2020-12-01 10:00+01:00"), ("2020-W53", "time", "2020-W53"),
    ("2021-W53", "time", None), ("PT4H18M3S", "time", "PT4H18M3S"), ("P", "time", None),
    ("4h 18m 3s", "time", "4H 18M 3S"), ("1h 1h", "time", None), ("not a date", "time", None),
    ("+05:30", "time", None), ("12345", "time", None),
    ("2020-01-01", "del", "2020-01-01"), ("2020-01-01T10:00Z", "ins", "2020-01-01T10:00Z"),
    ("2020-01-01T10:00", "del", None), ("12:00", "ins", None),
])
def test_datetime_values(value, tag, cleaned):
    assert clean_datetime(value, tag) == cleaned


@pytest.mark.parametrize("value,ok", [
    ("en", True), ("en-GB", True), ("zh-Hant-TW", True), ("de-CH-1996", True), ("es-419", True),
    ("x-klingon", True), ("i-klingon", True), ("en-a-bbb-x-ccc", True), ("", True),
    ("xx-@@", False), ("abcdefghi", False), ("english", False), ("a", False), ("en-", False),
    ("en--gb", False), ("e1", False),
])
def test_language_tags(value, ok):
    assert language_tag_ok(value) is ok


@pytest.mark.parametrize("token,verdict", [
    ("chapter", None), ("footnote", None), ("ordinal", None), ("z3998:poem", None),
    ("123", "unknown term"), ("@@", "not a name"), ("se:name", "undeclared prefix"),
    ("frobnicate", "unknown term"), ("table", "unknown term"),
])
def test_epub_type_terms(token, verdict):
    assert epub_type_verdict(token) == verdict


def test_other_attribute_values(tmp_path):
    result, ctx = repair(
        '<p lang="xx-@@">a</p><p><a type="text/html">b</a><a href="#t" type="zz">c</a></p>'
        '<ul><li value="2">d</li></ul><ol><li value="2">e</li></ol>'
        '<table><tr><th id="t">h</th><td headers="t nope">f</td></tr></table>'
        '<p><time datetime="not a date">g</time><del datetime="2020-01-01">h</del></p>'
        '<table><colgroup><col epub:type="chapter"/></colgroup><tr><td>i</td></tr></table>',
        tmp_path)
    assert result == (
        '<p>a</p><p><a>b</a><a href="#t">c</a></p><ul><li>d</li></ul><ol><li value="2">e</li>'
        '</ol><table><tr><th id="t">h</th><td headers="t">f</td></tr></table>'
        '<p><span>g</span><del datetime="2020-01-01">h</del></p>'
        "<table><colgroup><col/></colgroup><tr><td>i</td></tr></table>")
    assert {"SAN012", "SAN019", "SAN020"} <= set(codes(ctx))


def test_page_break_needs_a_number(tmp_path):
    result, ctx = repair('<p>a<span epub:type="pagebreak">12</span>b<span epub:type="pagebreak"/>'
                         '<span epub:type="pagebreak" title="13"/></p>', tmp_path)
    assert result == ('<p>a<span epub:type="pagebreak" aria-label="12">12</span>b<span/>'
                      '<span epub:type="pagebreak" title="13"/></p>')
    assert "SAN012" in codes(ctx)


# ------------------------------------------------------------ generated tag soup

#: About sixty elements: every one the sanitize pass keeps, a few it renames
#: or unwraps, and MathML.
SOUP_TAGS = ("a abbr address article aside b bdi bdo blockquote br caption cite code col colgroup "
             "data dd del details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 "
             "header hgroup hr i img ins kbd li main mark nav ol p pre q rt ruby s samp section "
             "small span strong sub summary sup table tbody td tfoot th thead time tr u ul var "
             "wbr math mi mn mo mrow mfrac msup mtext font center").split()
VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "col"})
SOUP_ATTRIBUTES = {
    "id": ["a", "b", "note-1", "x y"], "class": ["x", "verse", "footnote"],
    "role": ["doc-chapter", "note", "1", "heading", "listitem", "doc-endnote", "presentation",
             "region banner", "checkbox", "doc-noteref", "none"],
    "style": ["color: red", "@@", "color:", "font-weight:bold;;", "x: a)b",
              "color: red} p {color: blue", "margin: 0 auto !important"],
    "epub:type": ["chapter", "123 @@", "footnote", "noteref", "z3998:poem", "se:x", "pagebreak",
                  "frobnicate"],
    "aria-label": ["x", ""], "aria-hidden": ["true", "maybe"], "aria-level": ["2", "x"],
    "aria-describedby": ["a", "nope"], "aria-expanded": ["true"], "aria-posinset": ["1"],
    "lang": ["en", "pl-PL", "xx-@@", "en_GB", ""], "dir": ["rtl", "ltr", "auto", "x"],
    "datetime": ["2020-01-01", "not a date", "PT2H", "2020-13-01", "4h 3m"],
    "href": ["#a", "#b", "#nope", "https://example.org/", "javascript:x"],
    "colspan": ["2", "0", "x"], "rowspan": ["2"], "headers": ["a", "nope"], "scope": ["col", "x"],
    "value": ["1", "x"], "start": ["3"], "type": ["a", "text/html", "zz"], "title": ["t"],
    "alt": ["alt", ""], "open": ["open"], "span": ["2"],
    "cite": ["https://example.org/", "http://example.org/"], "data-x": ["1"],
}
#: Text of the soup: digits and letters only, so the characters can be counted.
soup_text = st.text(alphabet="0123456789 ", min_size=1, max_size=6)


@st.composite
def soup_element(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(SOUP_TAGS))
    names = draw(st.lists(st.sampled_from(sorted(SOUP_ATTRIBUTES)), max_size=3, unique=True))
    attrs = "".join(f' {name}="{draw(st.sampled_from(SOUP_ATTRIBUTES[name]))}"' for name in names)
    if tag in VOID_TAGS:
        return f"<{tag}{attrs}>"
    return f"<{tag}{attrs}>{draw(soup_fragment(depth + 1))}</{tag}>"


@st.composite
def soup_fragment(draw, depth: int = 0) -> str:
    parts = draw(st.lists(st.one_of(soup_text, soup_element(depth)) if depth < 5 else soup_text,
                          max_size=4 if depth < 5 else 1))
    return "".join(parts)


FAST = settings(max_examples=150, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture])


def _digits(root: etree._Element) -> Counter:
    return Counter(ch for ch in "".join(root.itertext()) if ch.isdigit())


@FAST
@given(markup=soup_fragment())
def test_generated_soup_keeps_its_text_and_is_stable(tmp_path, markup):
    """Whatever the soup, no digit of its text is lost or invented, and a
    second run changes nothing and says nothing."""
    chapter = Chapter(id="c", tree=etree.Element("section"), source=SourceRef("soup.html"))
    for part in parse_html_fragment(markup or "x"):
        if isinstance(part, str):
            chapter.tree.text = (chapter.tree.text or "") + part
        else:
            chapter.tree.append(part)
    before = _digits(chapter.tree)
    ctx = make_context(tmp_path)
    sanitize.run(chapter, ctx)
    assert _digits(chapter.tree) == before
    first = etree.tostring(chapter.tree)
    again = make_context(tmp_path)
    sanitize.run(chapter, again)
    assert etree.tostring(chapter.tree) == first
    assert not again.diag.items


#: A few whole books of soup through EPUBCheck (seconds of Java each).
EPUB_SAMPLE = settings(max_examples=4, derandomize=True, database=None, deadline=None,
                       phases=[Phase.explicit, Phase.generate],
                       suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                              HealthCheck.large_base_example])


@EPUB_SAMPLE
@given(files=st.lists(st.lists(soup_fragment(), min_size=1, max_size=5), min_size=4,
                      max_size=8))
def test_generated_soup_books_pass_epubcheck(files):
    """Each example is one book of several HTML chapters of random soup."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        sources = []
        for number, fragments in enumerate(files, 1):
            path = root / f"soup-{number:02d}.html"
            path.write_text(f"<html><head><title>T</title></head><body><h1>Chapter {number}</h1>"
                            f"<p>Start.</p>{''.join(fragments)}</body></html>", encoding="utf-8")
            sources.append(path)
        try:
            result = build(sources, BuildOptions(formats=("epub",), outdir=root / "out"),
                           Overrides(lang="en", title="Soup", authors=["Hypothesis"]),
                           Diagnostics())
        except MakeBookError as exc:  # our own refusal is allowed, but not expected here
            event(f"refused: {exc}"[:80])
            raise
        messages = epubcheck_messages(result.outputs["epub"])
        assert not messages, "\n".join(messages)


# ------------------------------------------------------------ linear time


def _timed_sanitize(markup_parts: list[str], tmp_path: Path) -> tuple[float, etree._Element]:
    root = etree.Element("section")
    for part in parse_html_fragment("".join(markup_parts)):
        if not isinstance(part, str):
            root.append(part)
    chapter = Chapter(id="c", tree=root, source=SourceRef("big.html"))
    ctx = make_context(tmp_path)
    # CPU time with the cycle collector paused: late in a long test session
    # its scans of everything earlier tests left alive would swamp the measure.
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        sanitize.run(chapter, ctx)
        return time.process_time() - started, root
    finally:
        gc.enable()


@pytest.mark.parametrize("unit", [
    "<p>Para {i}.</p>",                                  # valid: nothing to do
    "<li>Item {i}.</li>",                                # one run of 100,000 orphans
    "<p>a <em>b<div>{i}</div>c</em> d</p>",              # splits everywhere
    "<table><tfoot><tr><td>{i}</td></tr></tfoot><tr><td>x</td></tr></table>",
])
def test_100000_units_are_repaired_in_linear_time(tmp_path, unit):
    small, _ = _timed_sanitize([unit.format(i=i) for i in range(10_000)], tmp_path)
    large, root = _timed_sanitize([unit.format(i=i) for i in range(100_000)], tmp_path)
    assert "99999" in text_content(root)
    # Ten times the input may cost ten times the time, not a hundred.
    assert large < 25 * max(small, 0.05), (small, large)
    assert large < 60
