"""The sanitize pass: one named case per threat, plus validity clean-ups,
deep nesting, idempotence and generated trees."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from book.limits import MAX_DEPTH
from book.model import Chapter, SourceRef
from book.passes import sanitize
from book.safexml import parse_html_fragment
from book.xhtml import EPUB_TYPE, text_content
from tests.conftest import make_context

MATHML = "{http://www.w3.org/1998/Math/MathML}"


def chapter_from(markup: str) -> Chapter:
    root = etree.Element("section")
    root.set(EPUB_TYPE, "chapter")
    for part in parse_html_fragment(markup):
        if isinstance(part, str):
            root.text = (root.text or "") + part
        else:
            root.append(part)
    return Chapter(id="c", tree=root, source=SourceRef("story.html"))


def clean(markup: str, tmp_path):
    ctx = make_context(tmp_path)
    chapter = sanitize.run(chapter_from(markup), ctx)
    return chapter, ctx


def out(chapter: Chapter) -> str:
    return etree.tostring(chapter.tree, encoding="unicode")


def codes(ctx) -> list[str]:
    return [d.code for d in ctx.diag.items]


# ------------------------------------------------------------ scripts


def test_script_is_removed_with_its_content(tmp_path):
    chapter, ctx = clean('<p data-mb-line="7">Hi<script>steal(document.cookie)</script> there</p>',
                         tmp_path)
    assert "script" not in out(chapter) and "steal" not in out(chapter)
    assert text_content(chapter.tree) == "Hi there"
    warning = next(d for d in ctx.diag.warnings if d.code == "SAN001")
    assert warning.file == "story.html" and warning.line == 7


@pytest.mark.parametrize("tag", ["noscript", "template"])
def test_noscript_and_template_are_removed(tmp_path, tag):
    chapter, ctx = clean(f"<p>a</p><{tag}><p>hidden</p></{tag}>", tmp_path)
    assert "hidden" not in out(chapter) and "SAN001" in codes(ctx)


# ------------------------------------------------------------ event handlers


@pytest.mark.parametrize("markup", [
    '<img src="a.png" alt="x" onerror="alert(1)">',
    '<p onclick="alert(1)">x</p>',
    '<p OnMouseOver="alert(1)">x</p>',
    '<unknown onfocus="alert(1)">x</unknown>',
])
def test_event_handlers_are_removed(tmp_path, markup):
    chapter, ctx = clean(markup, tmp_path)
    assert "alert" not in out(chapter).lower()
    assert "SAN002" in codes(ctx)


# ------------------------------------------------------------ URLs


@pytest.mark.parametrize("href", [
    "javascript:alert(1)", "  JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
    "java\nscript:alert(1)", "\x01javascript:alert(1)", "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "livescript:x", "file:///etc/passwd",
])
def test_unsafe_link_urls_are_removed(tmp_path, href):
    chapter, ctx = clean(f'<p><a href="{href}">click</a></p>', tmp_path)
    assert chapter.tree.find(".//a") is None  # the dead link is unwrapped
    assert text_content(chapter.tree) == "click"
    assert "SAN003" in codes(ctx)


@pytest.mark.parametrize("href", ["https://example.org/", "mailto:a@b.pl", "#note-1",
                                  "chapter2.html#x", "tel:+48123"])
def test_safe_links_stay(tmp_path, href):
    chapter, ctx = clean(f'<p><a href="{href}">x</a></p>', tmp_path)
    assert chapter.tree.find(".//a").get("href") == href
    assert not ctx.diag.items


def test_data_image_src_is_allowed_other_data_is_not(tmp_path):
    chapter, _ = clean('<p><img src="data:image/png;base64,iVBORw0KGgo=" alt="dot">'
                       '<img src="data:text/html,<b>x</b>" alt="bad"></p>', tmp_path)
    imgs = chapter.tree.findall(".//img")
    assert len(imgs) == 1 and imgs[0].get("src").startswith("data:image/png")
    assert "[bad]" in text_content(chapter.tree)  # the refused image leaves its alt text


def test_javascript_image_source(tmp_path):
    chapter, ctx = clean('<p><img src="javascript:alert(1)"></p>', tmp_path)
    assert chapter.tree.find(".//img") is None and "SAN003" in codes(ctx)


# ------------------------------------------------------------ embedded content and forms


@pytest.mark.parametrize("markup,leftover", [
    ('<iframe src="https://evil.example/"></iframe>', "evil"),
    ('<frameset><frame src="x.html"></frameset>', "x.html"),
    ('<object data="movie.swf"><param name="a" value="b">fallback</object>', "movie"),
    ('<embed src="movie.swf">', "movie"),
    ('<applet code="A.class">applet</applet>', "A.class"),
])
def test_embedded_content_is_removed(tmp_path, markup, leftover):
    chapter, ctx = clean(f"<p>before</p>{markup}", tmp_path)
    assert leftover not in out(chapter)
    assert text_content(chapter.tree) == "before"
    assert "SAN004" in codes(ctx)


def test_forms_and_controls_are_removed(tmp_path):
    markup = ('<form action="https://evil.example/"><input name="q"><button>Go</button>'
              '<select><option>a</option></select><textarea>t</textarea></form>'
              '<p>Text <input type="checkbox"> end</p>')
    chapter, ctx = clean(markup, tmp_path)
    for tag in ("form", "input", "button", "select", "option", "textarea"):
        assert chapter.tree.find(f".//{tag}") is None
    assert text_content(chapter.tree) == "Text end"
    assert "SAN005" in codes(ctx)


def test_meta_refresh_base_and_link_in_the_body(tmp_path):
    markup = ('<meta http-equiv="refresh" content="0;url=https://evil.example/">'
              '<base href="https://evil.example/"><link rel="stylesheet" href="https://x/y.css">'
              '<p>text</p>')
    chapter, ctx = clean(markup, tmp_path)
    assert out(chapter).count("evil") == 0 and "y.css" not in out(chapter)
    assert "SAN006" in codes(ctx)


# ------------------------------------------------------------ styles


@pytest.mark.parametrize("style", [
    "font-family: Evil; src: url(https://evil.example/font.woff)",
    "background:URL( 'https://evil.example/x.png' )",
    "width: expression(alert(1))",
    "@import 'https://evil.example/x.css'",
    "behavior: url(x.htc)",
    "-moz-binding: url(x.xml#xss)",
    "background: u\\72l(https://evil.example/)",
    "background: u/**/rl(https://evil.example/)",
])
def test_style_attributes_that_load_or_run_are_removed(tmp_path, style):
    chapter, ctx = clean(f'<p style="{style}">x</p>', tmp_path)
    assert chapter.tree.find("p").get("style") is None
    assert "SAN007" in codes(ctx)


def test_harmless_style_attribute_stays(tmp_path):
    chapter, ctx = clean('<p style="text-align: center">x</p>', tmp_path)
    assert chapter.tree.find("p").get("style") == "text-align: center"
    assert not ctx.diag.items


def test_remote_font_in_a_style_element(tmp_path):
    chapter, ctx = clean("<style>@font-face{font-family:X;src:url(https://evil.example/x.woff)}"
                         "</style><p>x</p>", tmp_path)
    assert "evil" not in out(chapter) and "SAN010" in codes(ctx)
    assert not ctx.diag.warnings  # a stylesheet is routine: a note


# ------------------------------------------------------------ other content


def test_inline_svg_leaves_the_text_as_an_svg_image(tmp_path):
    """No <svg> stays in the chapter: it becomes an <img> with a data: URI,
    which the images pass cleans and stores (tests/test_inline_svg.py)."""
    chapter, ctx = clean('<p>x</p><svg aria-label="Chart"><script>alert(1)</script>'
                         '<a href="javascript:1"><text>t</text></a></svg>', tmp_path)
    assert chapter.tree.find(".//svg") is None and "<script" not in out(chapter)
    img = chapter.tree.find(".//img")
    assert img.get("src").startswith("data:image/svg+xml;base64,") and img.get("alt") == "Chart"
    assert "SAN021" in codes(ctx) and "SAN011" not in codes(ctx)


def test_an_inline_svg_too_large_to_carry_is_removed(tmp_path):
    from book.passes.sanitize import inline_svg

    big = "<path d='M0 0'/>" * (inline_svg.MAX_INLINE_SVG_BYTES // 15)
    chapter, ctx = clean(f"<p>x</p><svg>{big}</svg>", tmp_path)
    assert chapter.tree.find(".//svg") is None and chapter.tree.find(".//img") is None
    assert "SAN011" in codes(ctx)


def test_mathml_is_kept_in_its_namespace(tmp_path):
    chapter, _ = clean('<p><math><mi href="javascript:x">x</mi><mo>=</mo><mn>2</mn>'
                       '<annotation-xml><p>html</p></annotation-xml></math></p>', tmp_path)
    math = chapter.tree.find(f".//{MATHML}math")
    assert math is not None and math.find(f"{MATHML}mi").get("href") is None
    assert chapter.tree.find(f".//{MATHML}annotation-xml") is None
    assert "".join(math.itertext()) == "x=2"


def test_unknown_elements_are_unwrapped_keeping_text(tmp_path):
    chapter, ctx = clean("<p>a <blink>b</blink> <custom-tag>c</custom-tag> d</p>", tmp_path)
    assert text_content(chapter.tree) == "a b c d"
    assert chapter.tree.find(".//custom-tag") is None
    assert "SAN009" in codes(ctx) and not ctx.diag.warnings


def test_obsolete_elements_become_modern_ones(tmp_path):
    chapter, _ = clean("<center><p><tt>code</tt> <strike>old</strike> "
                       "<acronym>NATO</acronym> <font color=red>red</font></p></center>", tmp_path)
    tree = chapter.tree
    assert tree.find("div/p/code").text == "code"
    assert tree.find("div/p/s").text == "old"
    assert tree.find("div/p/abbr").text == "NATO"
    assert tree.find(".//font") is None and "red" in text_content(tree)


def test_attributes_outside_the_allowlist_are_dropped(tmp_path):
    chapter, _ = clean('<p align="center" data-x="1" aria-label="l" lang="en_US" '
                       'contenteditable="true"><img src="a.png" alt="" width="50%" height="20" '
                       'srcset="b.png 2x"><a href="#x" target="_blank" rel="noopener">x</a></p>',
                       tmp_path)
    p = chapter.tree.find("p")
    assert dict(p.attrib) == {"data-x": "1", "aria-label": "l", "lang": "en-US"}
    img = p.find("img")
    assert dict(img.attrib) == {"src": "a.png", "alt": "", "height": "20"}
    assert dict(p.find("a").attrib) == {"href": "#x"}


def test_epub_type_prefixes(tmp_path):
    chapter = chapter_from("<p>x</p>")
    p = chapter.tree.find("p")
    p.set(EPUB_TYPE, "se:name z3998:roman ordinal")
    ctx = make_context(tmp_path)
    sanitize.run(chapter, ctx)
    assert p.get(EPUB_TYPE) == "z3998:roman ordinal"
    assert "SAN012" in codes(ctx)


def test_comments_are_removed(tmp_path):
    chapter, _ = clean("<p>a<!-- secret --> b</p>", tmp_path)
    assert "secret" not in out(chapter)


# ------------------------------------------------------------ depth


def test_hundred_thousand_levels_do_not_recurse(tmp_path):
    # Built top-down keeping every proxy alive: lxml frees a lone deep proxy by
    # walking up to the root, which would make building this tree quadratic.
    root = etree.Element("section")
    nodes = [root]
    for level in range(100_000):
        nodes.append(etree.SubElement(nodes[-1], "span"))
        if level % 10_000 == 0:
            nodes[-1].text, nodes[-1].tail = f"[{level}", f"{level}]"
    nodes[-1].text = "bottom"
    expected = "".join(nodes[MAX_DEPTH].itertext())
    chapter = Chapter(id="c", tree=root, source=SourceRef("deep.md"))
    ctx = make_context(tmp_path)
    started = time.perf_counter()
    sanitize.run(chapter, ctx)
    assert time.perf_counter() - started < 10
    depth, node = 0, root
    while len(node):
        node = node[0]
        depth += 1
    assert depth == MAX_DEPTH
    assert node.text == expected  # every piece of text kept, in order
    assert "SAN008" in codes(ctx)
    assert len(etree.tostring(root)) > 0
    while len(nodes) > 1:  # free from the bottom up (each step O(1))
        nodes.pop()


# ------------------------------------------------------------ idempotence


HOSTILE = ('<p onclick="x()" style="color:red">Hi <a href="javascript:x">x</a><script>y</script>'
           '<img src="a.png" onerror="z"></p><iframe></iframe><o:p>w</o:p><center>c</center>')


def test_idempotent(tmp_path):
    chapter, ctx = clean(HOSTILE, tmp_path)
    first = out(chapter)
    assert ctx.diag.items
    again = make_context(tmp_path)
    sanitize.run(chapter, again)
    assert out(chapter) == first
    assert not again.diag.items


_TAGS = ["p", "div", "span", "a", "img", "script", "iframe", "form", "input", "math", "mi",
         "svg", "b", "font", "center", "x-y", "table", "td", "style", "h1"]
_ATTRS = ["href", "src", "onclick", "style", "class", "id", "width", "lang", "epub:type",
          "data-a", "xmlns:x", "name"]
_VALUES = ["javascript:1", "data:text/html,x", "https://x/", "#a", "url(x)", "1", "50%",
           "en", "se:x z3998:y", "a", ""]


@st.composite
def _fragment(draw, depth=0):
    parts = []
    for _ in range(draw(st.integers(0, 3))):
        if depth < 6 and draw(st.booleans()):
            tag = draw(st.sampled_from(_TAGS))
            attrs = "".join(f' {n}="{v}"' for n, v in draw(st.lists(
                st.tuples(st.sampled_from(_ATTRS), st.sampled_from(_VALUES)), max_size=3)))
            parts.append(f"<{tag}{attrs}>{draw(_fragment(depth + 1))}</{tag}>")
        else:
            parts.append(draw(st.text(alphabet="ab <&>\u2060", max_size=5)).replace("<", "&lt;")
                         .replace("&", "&amp;"))
    return "".join(parts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(markup=_fragment())
def test_generated_trees_come_out_safe_and_stable(tmp_path, markup):
    chapter, _ = clean(markup or "x", tmp_path)
    first = out(chapter)
    for el in chapter.tree.iter():
        if not isinstance(el.tag, str):
            continue
        assert el.tag.split("}")[-1] not in ("script", "iframe", "form", "input", "svg", "style")
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on")
            if name in ("href", "src"):
                assert "javascript" not in value.lower() and "text/html" not in value
    sanitize.run(chapter, make_context(tmp_path))
    assert out(chapter) == first
