"""The Markdown reader: the real Markdown Guide, golden snippets, hostile input."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from book.context import BuildContext
from book.errors import MakeBookError
from book.limits import MAX_DEPTH
from book.model import Matter
from book.readers import ReadResult, SourceFile, reader_for
from book.readers.markdown.autolink import find_autolinks
from book.readers.markdown.leanpub import parse_attr_line, width_class
from book.readers.markdown.tree import heading_slug
from book.xhtml import EPUB_TYPE

from .conftest import make_context, read_source

GUIDE_ORDER = ["introduction.md", "chapter1.md", "chapter2.md", "chapter3.md", "chapter4.md",
               "chapter5.md", "aboutauthor.md"]


# ---------------------------------------------------------------- helpers


def read_md(tmp_path: Path, text: str, name: str = "doc.md", ctx: BuildContext | None = None,
            split: str | None = None) -> tuple[ReadResult, BuildContext]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    ctx = ctx or make_context(tmp_path)
    if split is not None:
        ctx.config.content.split = split
    return reader_for(".md")(SourceFile(path.resolve(), name), ctx), ctx


def plain(el: etree._Element) -> str:
    """Serialization without line marks, ``epub:type`` spelled ``epub-type``."""
    clone = copy.deepcopy(el)
    for node in clone.iter():
        if not isinstance(node.tag, str):
            continue
        node.attrib.pop("data-mb-line", None)
        if EPUB_TYPE in node.attrib:
            node.set("epub-type", node.attrib.pop(EPUB_TYPE))
    etree.cleanup_namespaces(clone)
    return etree.tostring(clone, encoding="unicode", with_tail=False)


def body(result: ReadResult, index: int = 0) -> str:
    """The chapter's children, serialized (golden comparisons)."""
    return "".join(plain(child) for child in result.chapters[index].tree)


def codes(ctx: BuildContext) -> list[str]:
    return [w.code for w in ctx.diag.warnings]


def depth_of(root: etree._Element) -> int:
    best, stack = 0, [(root, 1)]
    while stack:
        el, depth = stack.pop()
        best = max(best, depth)
        stack.extend((child, depth + 1) for child in el)
    return best


def all_text(result: ReadResult) -> str:
    return "\n".join("".join(c.tree.itertext()) for c in result.chapters)


# ---------------------------------------------------------------- the Markdown Guide


@pytest.fixture(scope="module")
def guide(corpus: Path) -> tuple[dict[str, ReadResult], BuildContext]:
    root = corpus / "md-en-markdown-guide"
    order = [line.strip() for line in (root / "Book.txt").read_text().splitlines() if line.strip()]
    assert order == GUIDE_ORDER
    ctx = make_context(root)
    ctx.source_count = len(order)  # as the pipeline says: one book of seven files
    results = {name: reader_for(".md")(SourceFile(root / name, name), ctx) for name in order}
    return results, ctx


def test_guide_has_seven_documents_in_book_order(guide) -> None:
    results, ctx = guide
    chapters = [c for name in GUIDE_ORDER for c in results[name].chapters]
    assert len(chapters) == 7
    assert [c.title for c in chapters] == [
        "Introduction", "Getting Started", "Doing Things With Markdown", "Basic Syntax",
        "Extended Syntax", "Cheat Sheet", "About the Author"]
    for chapter in chapters:
        first = next(el for el in chapter.tree if isinstance(el.tag, str))
        assert first.tag == "h1" and "".join(first.itertext()) == chapter.title
    assert [(w.code, w.file, w.line) for w in ctx.diag.warnings] == [("MD070", "chapter3.md", 1055)]


def test_guide_leanpub_matter_carries_across_files(guide) -> None:
    results, _ = guide
    matters = [results[name].chapters[0].matter for name in GUIDE_ORDER]
    assert matters == [Matter.FRONT] + [Matter.BODY] * 5 + [Matter.BACK]


def test_guide_has_no_leanpub_syntax_left_as_text(guide) -> None:
    results, _ = guide
    for name, result in results.items():
        text = all_text(result)
        for leak in ("{frontmatter}", "{mainmatter}", "{backmatter}", "{title=", "{width=",
                     "I> ", "T> "):
            assert leak not in text, (name, leak)


def test_guide_footnotes_in_chapter4(guide) -> None:
    chapter = guide[0]["chapter4.md"].chapters[0]
    calls = [a for a in chapter.tree.iter("a") if a.get(EPUB_TYPE) == "noteref"]
    notes = [a for a in chapter.tree.iter("aside") if a.get(EPUB_TYPE) == "footnote"]
    assert len(calls) == 2 and len(notes) == 2
    assert [c.get("href")[1:] for c in calls] == [n.get("id") for n in notes]
    assert calls[0].get("data-mb-line") == "254"
    big = notes[1]
    paragraphs = big.findall("p")
    assert len(paragraphs) == 4
    assert paragraphs[0].text.startswith("Here's one with multiple paragraphs")
    assert big.find("p/code").text == "{ my code }"
    assert "".join(big.itertext()).count("Add as many paragraphs as you like.") == 1


def test_guide_tables_keep_alignment_as_classes(guide) -> None:
    results, _ = guide
    chapter4 = results["chapter4.md"].chapters[0]
    aligned = next(t for t in chapter4.tree.iter("table") if t.find(".//th[@class]") is not None)
    assert [th.get("class") for th in aligned.iter("th")] == ["align-left", "align-center",
                                                              "align-right"]
    assert [td.get("class") for td in aligned.find("tbody/tr")] == ["align-left", "align-center",
                                                                    "align-right"]
    tables = [t for name in GUIDE_ORDER for c in results[name].chapters for t in c.tree.iter("table")]
    assert len(tables) >= 15
    assert all(th.get("scope") == "col" for t in tables for th in t.iter("th"))
    assert all(t.get("style") is None for t in tables for t in t.iter("th", "td"))
    cheat = results["chapter5.md"].chapters[0]
    assert sum(len(t.findall("tbody/tr")) for t in cheat.tree.iter("table")) > 40


def test_guide_code_blocks_titles_and_languages(guide) -> None:
    chapter4 = guide[0]["chapter4.md"].chapters[0]
    figures = chapter4.tree.findall("figure[@class='code']")
    assert figures, "Leanpub {title=…} makes captioned code"
    captions = {f.find("figcaption").text for f in figures}
    assert captions == {"Markdown", "HTML"}
    html_code = [f.find("pre/code") for f in figures if f.find("figcaption").text == "HTML"]
    assert all(code.get("class") == "language-html" for code in html_code)
    assert html_code[0].text.startswith("<table>")
    json_blocks = [c for c in chapter4.tree.iter("code") if c.get("class") == "language-json"]
    assert len(json_blocks) == 1 and '"firstName": "John"' in json_blocks[0].text
    untitled = [p for p in chapter4.tree.findall("pre")]
    assert untitled and untitled[0].find("code").text.startswith("{")


def test_guide_asides_and_images(guide) -> None:
    results, _ = guide
    intro = results["introduction.md"].chapters[0]
    asides = intro.tree.findall(".//aside")
    assert [a.get("class") for a in asides] == ["callout callout-info", "callout callout-tip"]
    assert asides[1].get("role") == "doc-tip"
    assert asides[0].findtext("p") == "Here's some extra information you might find helpful."
    chapter1 = results["chapter1.md"].chapters[0]
    images = {img.get("src"): img for img in chapter1.tree.iter("img")}
    assert images["images/atom.png"].get("alt") == "This is a Markdown file in the Atom text editor."
    assert images["images/atom.png"].get("data-mb-line") == "11"
    assert images["images/process.png"].get("class") == "width-100"
    assert results["chapter4.md"].chapters[0].tree.find(".//img[@src='images/tasklist.png']").get(
        "class") == "width-40"


def test_guide_shiprock_reference_is_code_and_san_juan_is_a_figure(guide) -> None:
    """chapter3.md names images/shiprock.jpg only inside code samples.

    CommonMark (and Leanpub) print fenced code verbatim, so the missing file
    is not an image of the book; the real image beside it, with a title,
    becomes a captioned figure with its line for the images pass.
    """
    chapter3 = guide[0]["chapter3.md"].chapters[0]
    assert chapter3.tree.find(".//img[@src='images/shiprock.jpg']") is None
    assert any("images/shiprock.jpg" in (code.text or "") for code in chapter3.tree.iter("code"))
    figure = next(f for f in chapter3.tree.iter("figure") if f.find("img") is not None)
    img = figure.find("img")
    assert img.get("src") == "images/san-juan-mountains.jpg"
    assert img.get("alt") == "The San Juan Mountains are beautiful!"
    assert img.get("data-mb-line") == "1047"
    assert figure.findtext("figcaption") == "San Juan Mountains"
    tux = [i for i in chapter3.tree.iter("img") if i.get("src") == "images/tux.png"]
    assert [i.get("data-mb-line") for i in tux] == ["705"]


def test_guide_heading_ids_and_links(guide) -> None:
    results, _ = guide
    chapter4 = results["chapter4.md"].chapters[0]
    ids = [h.get("id") for h in chapter4.tree.iter("h1", "h2", "h3")]
    assert ids[:3] == ["extended-syntax", "availability", "lightweight-markup-languages"]
    assert "tables" in ids and "heading-ids" in ids and "linking-to-heading-ids" in ids
    for chapter in (c for r in results.values() for c in r.chapters):
        for heading in chapter.tree.iter("h1", "h2", "h3", "h4", "h5", "h6"):
            assert "{#" not in "".join(heading.itertext())
    intro = results["introduction.md"].chapters[0]
    hrefs = [a.get("href") for a in intro.tree.iter("a")]
    assert "#cheat-sheet" in hrefs and "#basic-syntax" in hrefs
    dl = chapter4.tree.find("dl")
    assert [el.tag for el in dl] == ["dt", "dd", "dt", "dd", "dd"]
    assert chapter4.tree.find(".//del").text == "flat"


# ---------------------------------------------------------------- golden snippets


def test_golden_inline_markup(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "*a* **b** ~~c~~ `d` x^2^ H~2~O :tent: a  \nb\n")
    assert body(result) == ("<p><em>a</em> <strong>b</strong> <del>c</del> <code>d</code> "
                            "x<sup>2</sup> H<sub>2</sub>O \u26fa a<br/>\nb</p>")


def test_golden_headings_anchor_and_slugs(tmp_path: Path) -> None:
    text = ("# Title {#custom}\n\n## Why Use Markdown?\n\n## Why Use Markdown?\n\n"
            "Setext\n------\n\n### Zażółć gęślą {.x}\n")
    ctx = make_context(tmp_path)
    ctx.source_count = 2  # one file of a longer book: its # Title is a chapter's
    result, _ = read_md(tmp_path, text, ctx=ctx)
    assert body(result) == (
        '<h1 id="custom" data-mb-alias="title">Title</h1>'
        '<h2 id="why-use-markdown">Why Use Markdown?</h2>'
        '<h2 id="why-use-markdown-1">Why Use Markdown?</h2><h2 id="setext">Setext</h2>'
        '<h3 class="x" id="zażółć-gęślą">Zażółć gęślą</h3>')
    assert result.chapters[0].title == "Title"


def test_golden_table(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "| a | b | c |\n|:--|:-:|--:|\n| 1 | *2* | 3 |\n")
    assert body(result) == (
        '<table><thead><tr><th scope="col" class="align-left">a</th>'
        '<th scope="col" class="align-center">b</th><th scope="col" class="align-right">c</th>'
        '</tr></thead><tbody><tr><td class="align-left">1</td>'
        '<td class="align-center"><em>2</em></td><td class="align-right">3</td></tr></tbody></table>')


def test_golden_footnotes(tmp_path: Path) -> None:
    text = ("Text[^a] and more[^long] and inline^[short *one*].\n\n[^a]: First.\n\n"
            "[^long]: Para one.\n\n    Para two.\n\n        code in note\n")
    result, ctx = read_md(tmp_path, text, name="notes.md")
    assert body(result) == (
        '<p>Text<a href="#fn-notes-a" epub-type="noteref">1</a> and more'
        '<a href="#fn-notes-long" epub-type="noteref">2</a> and inline'
        '<a href="#fn-notes-3" epub-type="noteref">3</a>.</p>'
        '<aside id="fn-notes-a" epub-type="footnote"><p>First.</p></aside>'
        '<aside id="fn-notes-long" epub-type="footnote"><p>Para one.</p><p>Para two.</p>'
        '<pre><code>code in note</code></pre></aside>'
        '<aside id="fn-notes-3" epub-type="footnote"><p>short <em>one</em></p></aside>')
    assert codes(ctx) == []


def test_footnote_problems_are_warnings(tmp_path: Path) -> None:
    result, ctx = read_md(tmp_path, "Call[^missing].\n\nText.\n\n[^unused]: Never called.\n")
    assert codes(ctx) == ["MD011", "MD012"]
    assert ctx.diag.warnings[0].line == 5
    assert all_text(result) == "Call.Text."  # Pandoc prints [^missing]; a book must not
    assert "Never called" not in all_text(result)


def test_footnotes_follow_their_calls_when_a_file_is_split(tmp_path: Path) -> None:
    text = "# One\n\nA[^x]\n\n# Two\n\nB[^y]\n\n[^x]: note x\n\n[^y]: note y\n"
    result, _ = read_md(tmp_path, text)
    one, two = result.chapters
    assert [a.get("id") for a in one.tree.iter("aside")] == ["fn-doc-x"]
    assert [a.get("id") for a in two.tree.iter("aside")] == ["fn-doc-y"]


def test_golden_definition_and_task_lists(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "Term\n: Meaning\n\n- [x] done\n- [ ] open\n- plain\n")
    assert body(result) == (
        "<dl><dt>Term</dt><dd>Meaning</dd></dl>"
        '<ul class="task-list"><li class="task">'
        '<span class="task-marker" role="img" aria-label="done">\u2611</span> done</li>'
        '<li class="task"><span class="task-marker" role="img" aria-label="not done">'
        "\u2610</span> open</li><li>plain</li></ul>")
    assert result.chapters[0].tree.find(".//input") is None


def test_task_labels_follow_the_language(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "---\nlang: pl\n---\n- [x] zrobione\n")
    assert result.chapters[0].tree.find(".//span").get("aria-label") == "zrobione"


def test_golden_code_blocks(tmp_path: Path) -> None:
    text = ("```python\nprint(1)\n```\n\n~~~\nplain ~~~\n~~~\n\n`````md\n```\ninner\n```\n`````\n\n"
            "    indented\n\n{title=\"Listing 1\", lang=ruby}\n~~~~~~~\nputs 1\n~~~~~~~\n\n"
            "{lang=js}\n```\nleanpub-start-insert\nnew();\nleanpub-end-insert\nold();\n```\n")
    result, ctx = read_md(tmp_path, text)
    assert body(result) == (
        '<pre><code class="language-python">print(1)</code></pre>'
        "<pre><code>plain ~~~</code></pre>"
        '<pre><code class="language-md">```\ninner\n```</code></pre>'
        "<pre><code>indented</code></pre>"
        '<figure class="code"><figcaption>Listing 1</figcaption>'
        '<pre><code class="language-ruby">puts 1</code></pre></figure>'
        '<pre><code class="language-js"><mark class="code-insert">new();\n</mark>old();</code></pre>')
    assert codes(ctx) == []


def test_golden_images_and_figures(tmp_path: Path) -> None:
    text = ('![Alt one](img/a.png "A caption")\n\n![Alt two](img/b.png)\n\n'
            "{width=60%}\n![Wide](img/c.png)\n\n[![Linked](img/d.png \"Cap\")](https://x.org)\n\n"
            'Inline ![i](img/e.png "t") image.\n')
    result, _ = read_md(tmp_path, text)
    assert body(result) == (
        '<figure><img src="img/a.png" alt="Alt one"/><figcaption>A caption</figcaption></figure>'
        '<p><img src="img/b.png" alt="Alt two"/></p>'
        '<p><img src="img/c.png" alt="Wide" class="width-60"/></p>'
        '<figure><a href="https://x.org"><img src="img/d.png" alt="Linked"/></a>'
        "<figcaption>Cap</figcaption></figure>"
        '<p>Inline <img src="img/e.png" alt="i" title="t"/> image.</p>')
    lines = [img.get("data-mb-line") for img in result.chapters[0].tree.iter("img")]
    assert lines == ["1", "3", "6", "8", "10"]


def test_missing_image_is_left_for_the_images_pass(tmp_path: Path) -> None:
    result, ctx = read_md(tmp_path, "Intro.\n\n![Rock](images/shiprock.jpg)\n")
    img = result.chapters[0].tree.find(".//img")
    assert img.get("src") == "images/shiprock.jpg" and img.get("data-mb-line") == "3"
    assert codes(ctx) == []


def test_golden_links_and_autolinks(tmp_path: Path) -> None:
    text = ("[next](chapter2.md#x) [here](#top) [t](https://a.org \"T\") <https://eff.org> "
            "<fake@example.com> www.example.com and http://example.com/a). Mail me@example.org.\n")
    result, _ = read_md(tmp_path, text)
    assert body(result) == (
        '<p><a href="chapter2.md#x">next</a> <a href="#top">here</a> '
        '<a href="https://a.org" title="T">t</a> <a href="https://eff.org">https://eff.org</a> '
        '<a href="mailto:fake@example.com">fake@example.com</a> '
        '<a href="http://www.example.com">www.example.com</a> and '
        '<a href="http://example.com/a">http://example.com/a</a>). Mail '
        '<a href="mailto:me@example.org">me@example.org</a>.</p>')


def test_autolink_scanner_follows_gfm_rules() -> None:
    assert find_autolinks("see www.a.com/x?y).") == [(4, 17, "http://www.a.com/x?y")]
    assert find_autolinks("end www.a.com/x?.") == [(4, 15, "http://www.a.com/x")]
    assert find_autolinks("xhttp://a.com www.a_b.c_d no@dot") == []
    assert find_autolinks("(https://a.b/c(d))") == [(1, 17, "https://a.b/c(d)")]
    assert find_autolinks("a&amp; http://a.b/c&amp;") == [(7, 19, "http://a.b/c")]


@pytest.mark.parametrize("text,links", [
    ("https://example.org\u2039->", [(0, 19, "https://example.org")]),
    ("\u201ehttps://example.org/a\u201d", [(1, 22, "https://example.org/a")]),
    ("\u00abwww.example.com\u00bb", [(1, 16, "http://www.example.com")]),
    ("\u00bbhttps://example.org/x\u00ab", [(1, 22, "https://example.org/x")]),
    ("https://example.org/a\u2019s", [(0, 21, "https://example.org/a")]),
    ("https://x.org\u2014yes", [(0, 13, "https://x.org")]),
    ("https://x.org/a\u00a0b", [(0, 15, "https://x.org/a")]),
    ("https://x.org/a|b https://x.org/{c}", [(0, 15, "https://x.org/a"),
                                              (18, 32, "https://x.org/")]),
    ("https://pl.wikipedia.org/wiki/\u0141\u00f3d\u017a.",
     [(0, 34, "https://pl.wikipedia.org/wiki/\u0141\u00f3d\u017a")]),
])
def test_autolinks_stop_at_quotes_and_characters_urls_cannot_hold(text, links) -> None:
    """Quotation marks of any language, dashes, no-break spaces and the ASCII
    characters URLs cannot hold end a link (EPUBCheck RSC-020 otherwise)."""
    assert find_autolinks(text) == links


def test_autolink_in_quotes_gives_a_valid_href(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "See https://example.org\u2039-> and "
                        "\u201ehttps://pl.wikipedia.org/wiki/\u0141\u00f3d\u017a\u201d.\n")
    hrefs = [a.get("href") for a in result.chapters[0].tree.iter("a")]
    assert hrefs == ["https://example.org", "https://pl.wikipedia.org/wiki/%C5%81%C3%B3d%C5%BA"]


def test_golden_asides_callouts_and_alerts(tmp_path: Path) -> None:
    text = ("W> Careful\nW> *now*\n\nC> Centred\n\nX> ## Task\nX>\nX> - one\n\n{aside}\nSide *note*\n{/aside}\n\n"
            "{blurb, class: tip}\nBlurb\n{/blurb}\n\n> [!NOTE]\n> GitHub note\n")
    result, ctx = read_md(tmp_path, text)
    assert body(result) == (
        '<aside class="callout callout-warning" role="note"><p>Careful\n<em>now</em></p></aside>'
        '<div class="center"><p>Centred</p></div>'
        '<aside class="callout callout-exercise" role="note"><h2 id="task">Task</h2>'
        "<ul><li>one</li></ul></aside>"
        '<aside class="callout callout-aside" role="note"><p>Side <em>note</em></p></aside>'
        '<aside class="callout callout-tip" role="doc-tip"><p>Blurb</p></aside>'
        '<aside class="callout callout-note" role="note"><p class="callout-title">Note</p>'
        "<p>GitHub note</p></aside>")
    assert codes(ctx) == []


def test_aside_marker_lines_do_not_swallow_the_next_paragraph(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "I> inside\nafter\n")
    tree = result.chapters[0].tree
    assert [el.tag for el in tree] == ["aside", "p"]
    assert tree.find("p").text == "after"


def test_leanpub_directives_set_matter_across_files(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    front, _ = read_md(tmp_path, "{frontmatter}\n\n# Preface\n\nText.\n", "a.md", ctx)
    body_one, _ = read_md(tmp_path, "# One\n\nText.\n", "b.md", ctx)
    only_directive, _ = read_md(tmp_path, "{backmatter}\n", "c.md", ctx)
    back, _ = read_md(tmp_path, "# Appendix\n\n{pagebreak}\n\nText.\n", "d.md", ctx)
    assert [r.chapters[0].matter for r in (front, body_one, back)] == [Matter.FRONT, Matter.FRONT,
                                                                      Matter.BACK]
    assert only_directive.chapters == []
    assert back.chapters[0].tree.find("p").get("class") == "page-break-before"
    mixed, _ = read_md(tmp_path, "{mainmatter}\n\n# A\n\nx\n\n{backmatter}\n\n# B\n\ny\n", "e.md", ctx)
    assert [c.matter for c in mixed.chapters] == [Matter.BODY, Matter.BACK]


def test_book_toml_matter_wins_over_directives(tmp_path: Path) -> None:
    ctx = make_context(tmp_path)
    path = tmp_path / "x.md"
    path.write_text("{backmatter}\n\n# X\n", encoding="utf-8")
    source = SourceFile(path.resolve(), "x.md", matter=Matter.FRONT)
    result = reader_for(".md")(source, ctx)
    assert result.chapters[0].matter is Matter.FRONT


def test_leanpub_part_heading(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "-# Part One\n\n# Chapter 1\n\nText.\n")
    part, chapter = result.chapters
    assert (part.kind, part.title, part.tree.get(EPUB_TYPE), part.tree.get("role")) == (
        "part", "Part One", "part", "doc-part")
    assert (chapter.kind, chapter.title) == ("chapter", "Chapter 1")


def test_attribute_lines_apply_to_the_next_block_or_warn(tmp_path: Path) -> None:
    text = ("{#intro-para}\nHello.\n\n{caption=\"Prices\"}\n| a |\n|---|\n| 1 |\n\n"
            "{line-numbers=on}\n```\nx\n```\n\n{colour=red}\nText\n\n{width=huge}\n![a](b.png)\n\n"
            "{title=\"dangling\"}\n")
    result, ctx = read_md(tmp_path, text)
    tree = result.chapters[0].tree
    assert tree.find("p").get("id") == "intro-para"
    assert tree.find("table/caption").text == "Prices"
    assert codes(ctx) == ["MD021", "MD022", "MD020"]
    assert "{" not in all_text(result).replace("{colour", "")


def test_ids_from_attribute_lines_and_duplicates(tmp_path: Path) -> None:
    text = ("{id: start}\n# One\n\n{class: part}\n# Part Two\n\n## Same {#dup}\n\n## Again {#dup}\n")
    result, ctx = read_md(tmp_path, text)
    one, part = result.chapters
    assert one.tree.find("h1").get("id") == "start"
    assert part.kind == "part" and part.title == "Part Two"
    assert [h.get("id") for h in part.tree.iter("h2")] == ["dup", "dup-1"]
    assert [(w.code, w.line) for w in ctx.diag.warnings] == [("MD022", 9)]


def test_attribute_parser() -> None:
    parsed = parse_attr_line('title="A, B", lang=html')
    assert parsed is not None and parsed.word is None
    assert parsed.attrs == (("title", "A, B"), ("lang", "html"))
    assert parse_attr_line("blurb, class: tip").word == "blurb"
    assert parse_attr_line("#id .cls").attrs == (("id", "id"), ("class", "cls"))
    assert parse_attr_line(' "json": 1 ') is None
    assert parse_attr_line("my code") is None
    assert width_class("60%") == "width-60" and width_class("33%") == "width-30"
    assert width_class("74%") == "width-75" and width_class("22.5%") == "width-25"
    assert width_class("250%") == "width-100" and width_class("300px") is None
    assert heading_slug("Why Use Markdown?") == "why-use-markdown"
    assert heading_slug("1. Intro") == "intro" and heading_slug("!!!") == "section"


def test_braces_that_are_not_attributes_stay_text(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "{ my code }\n\n{}\n\n{\"a\": 1}\n")
    assert [p.text for p in result.chapters[0].tree.iter("p")] == ["{ my code }", "{}", '{"a": 1}']


# ---------------------------------------------------------------- HTML


def test_safe_html_is_kept(tmp_path: Path) -> None:
    text = ('Text <abbr title="HyperText">HTML</abbr> and <kbd>Ctrl</kbd>.\n\n'
            '<div class="note" epub:type="z3998:letter">\n\n*Markdown inside*\n\n</div>\n\n'
            "<table><tr><td>cell</td></tr></table>\n")
    result, ctx = read_md(tmp_path, text)
    tree = result.chapters[0].tree
    assert plain(tree.find("p")) == ('<p>Text <abbr title="HyperText">HTML</abbr> and '
                                     "<kbd>Ctrl</kbd>.</p>")
    note = tree.find("div")
    assert note.get("class") == "note" and note.get(EPUB_TYPE) == "z3998:letter"
    assert plain(note.find("p")) == "<p><em>Markdown inside</em></p>"
    assert tree.find("table/tr/td").text == "cell"
    assert codes(ctx) == []


def test_unsafe_html_is_dropped_with_warnings_at_its_line(tmp_path: Path) -> None:
    text = ("Intro.\n\n<script>alert(1)</script>\n\nA <span onclick=\"x()\">span</span> "
            "<a href=\"javascript:evil()\">link</a>.\n\n<iframe src=\"https://x\"></iframe>\n\n"
            "<form><input type=\"checkbox\"> <button>Go</button>kept</form>\n\n"
            "[md link](javascript:alert(1)) and <style>p{}</style> tail <input> after.\n\n"
            "<p style=\"background:url(http://x/y.png)\">styled</p>\n")
    result, ctx = read_md(tmp_path, text)
    text_out = all_text(result)
    assert "alert" not in text_out and "Go" not in text_out and "p{}" not in text_out
    for kept in ("span", "link", "kept", "md link", "tail", "after", "styled"):
        assert kept in text_out
    tree = result.chapters[0].tree
    assert tree.find(".//script") is None and tree.find(".//iframe") is None
    assert tree.find(".//input") is None and tree.find(".//form") is None
    assert all(a.get("href") is None or not a.get("href").startswith("javascript")
               for a in tree.iter("a"))
    assert all(not k.startswith("on") for el in tree.iter() for k in el.attrib)
    found = [(w.code, w.line) for w in ctx.diag.warnings]
    assert ("MD050", 3) in found and ("MD051", 5) in found and ("MD052", 5) in found
    assert ("MD050", 7) in found and ("MD050", 9) in found and ("MD052", 11) in found
    assert ("MD052", 13) in found
    assert all(w.file == "doc.md" for w in ctx.diag.warnings)


def test_unclosed_html_container_holds_the_rest_with_a_warning(tmp_path: Path) -> None:
    result, ctx = read_md(tmp_path, "Intro.\n\n<div class=\"box\">\n\nInside.\n\n## Also inside\n")
    box = result.chapters[0].tree.find("div")
    assert [el.tag for el in box] == ["p", "h2"]
    assert [(w.code, w.line) for w in ctx.diag.warnings] == [("MD058", 3)]


def test_block_html_inside_a_paragraph_is_unwrapped(tmp_path: Path) -> None:
    result, ctx = read_md(tmp_path, "Text <div>inner</div> end <custom-el>x</custom-el>.\n")
    p = result.chapters[0].tree.find("p")
    assert p.find("div") is None and "inner" in "".join(p.itertext())
    assert "MD057" in codes(ctx)


# ---------------------------------------------------------------- front matter


def test_front_matter_becomes_metadata(tmp_path: Path) -> None:
    text = ("---\ntitle: \"My Book\"\nsubtitle: A test\nauthor:\n  - Jane Doe\n  - name: John Roe\n"
            "lang: en-GB\ndate: 2021-03-04\ndescription: About things.\npublisher: Pub\n"
            "rights: CC BY 4.0\nkeywords: a, b\nsubjects: [Fiction]\nidentifier: urn:x:1\n"
            "layout: post\n---\n\n# Chapter\n\nText on line 20.\n")
    result, ctx = read_md(tmp_path, text)
    assert result.metadata == {
        "title": "My Book", "subtitle": "A test", "authors": ["Jane Doe", "John Roe"],
        "language": "en-GB", "date": "2021-03-04", "description": "About things.",
        "publisher": "Pub", "rights": "CC BY 4.0", "keywords": ["a", "b"],
        "subjects": ["Fiction"], "identifier": "urn:x:1"}
    assert result.chapters[0].tree.find("p").get("data-mb-line") == "20"
    assert codes(ctx) == []


def test_front_matter_problems(tmp_path: Path) -> None:
    result, ctx = read_md(tmp_path, "---\ntitle: [unclosed\n---\n\nText.\n")
    assert codes(ctx) == ["MD060"] and result.metadata == {}
    assert all_text(result).strip() == "Text."
    result, ctx = read_md(tmp_path, "---\nlang: english language\ndate: someday\nauthor: 5\n---\nx\n")
    assert codes(ctx) == ["MD062", "MD063"]
    assert result.metadata == {"authors": ["5"]}
    result, ctx = read_md(tmp_path, "---\ndate: March 2019\n---\nx\n")
    assert result.metadata == {"date": "2019-03"}


def test_dashes_that_are_not_front_matter_stay_markdown(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "---\nJust a heading\n---\n\nText.\n")
    assert result.metadata == {}
    assert [el.tag for el in result.chapters[0].tree] == ["hr", "h2", "p"]
    assert result.chapters[0].tree.findtext("h2") == "Just a heading"
    result, _ = read_md(tmp_path, "---\n\nText after a rule.\n")
    assert result.chapters[0].tree.find("hr") is not None


def test_pandoc_title_block(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "% The Title\n% Ann Author; Bob Writer\n% 2020-02-02\n\nText.\n")
    assert result.metadata == {"title": "The Title", "authors": ["Ann Author", "Bob Writer"],
                               "date": "2020-02-02"}
    assert result.chapters[0].tree.find("p").get("data-mb-line") == "5"


# ---------------------------------------------------------------- chapters


def test_split_modes(tmp_path: Path) -> None:
    text = "Opening words.\n\n# One\n\nA.\n\nTwo\n===\n\nB.\n"
    auto, _ = read_md(tmp_path, text)
    assert [c.title for c in auto.chapters] == ["", "One", "Two"]
    assert [c.source.line for c in auto.chapters] == [None, 3, 7]
    none, _ = read_md(tmp_path, text, split="none")
    assert [c.title for c in none.chapters] == ["One"]
    single = "# Only\n\nText.\n\n## Section\n"
    titled, _ = read_md(tmp_path, single)  # a book of one file: # Only is its title
    assert titled.metadata == {"title": "Only"}
    assert [c.title for c in titled.chapters] == ["", "Section"]
    assert [c.title for c in read_md(tmp_path, "Pre.\n\n" + single, split="h1")[0].chapters] == [
        "", "Only"]
    assert [c.title for c in read_md(tmp_path, "Pre.\n\n" + single)[0].chapters] == ["Only"]
    no_h1, _ = read_md(tmp_path, "## Starts low\n\nText.\n")
    assert no_h1.chapters[0].title == "Starts low"
    assert read_md(tmp_path, "\n\n   \n")[0].chapters == []


def test_heading_titles_leave_out_note_calls(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "# Title[^1]\n\n[^1]: A note.\n")
    assert result.chapters[0].title == "Title"


# ---------------------------------------------------------------- hostile input


@pytest.mark.parametrize("text", [
    "> " * 10_000 + "x",
    "\n".join(">" * i + " x" for i in range(1, 2_000)),
    "- " * 10_000 + "x",
    "1. " * 10_000 + "x",
    "\n".join("  " * i + "- x" for i in range(600)),
], ids=["quote-one-line", "quote-lines", "bullets", "ordered", "indented-list"])
def test_deep_markdown_nesting_is_cut_with_a_warning(tmp_path: Path, text: str) -> None:
    start = time.process_time()
    result, ctx = read_md(tmp_path, text)
    assert time.process_time() - start < 10
    assert "MD030" in codes(ctx)
    assert all(depth_of(c.tree) <= MAX_DEPTH for c in result.chapters)


@pytest.mark.parametrize("text", [
    "<div>" * 10_000 + "x" + "</div>" * 10_000,
    "a " + "<span>" * 10_000 + "x",
    "<div>\n\n" * 300 + "x\n",
    "*" * 10_000 + "x" + "*" * 10_000,
], ids=["div-block", "span-inline", "open-containers", "emphasis"])
def test_deep_html_nesting_stays_bounded(tmp_path: Path, text: str) -> None:
    result, _ = read_md(tmp_path, text)
    assert all(depth_of(c.tree) <= MAX_DEPTH for c in result.chapters)


def test_bracket_flood_and_wide_table_stay_fast(tmp_path: Path) -> None:
    start = time.process_time()
    result, ctx = read_md(tmp_path, "![" * 60_000 + "\n\n" + "|a" * 50_000 + "|\n" + "|-" * 50_000
                          + "|\n")
    assert time.process_time() - start < 15
    assert "MD032" in codes(ctx)
    assert result.chapters[0].tree.find(".//table") is None


def test_control_characters_and_nul(tmp_path: Path) -> None:
    result, ctx = read_md(tmp_path, "# Ti\x00tle\n\nA\x01B &#0; &#x1; C\n")
    assert result.chapters[0].title == "Title"
    assert "ENC002" in codes(ctx)
    etree.tostring(result.chapters[0].tree)  # serializable XML


def test_ten_megabyte_single_line(tmp_path: Path) -> None:
    start = time.process_time()
    result, _ = read_md(tmp_path, "word, and more words: " * 480_000)
    assert time.process_time() - start < 20
    assert len(result.chapters) == 1


def test_war_and_peace_as_markdown_is_fast(corpus: Path, tmp_path: Path) -> None:
    text = (corpus / "pg-en-tolstoy-war-and-peace.txt").read_text(encoding="utf-8-sig")
    start = time.process_time()
    result, _ = read_md(tmp_path, text)
    assert time.process_time() - start < 20
    assert sum(len(c.tree) for c in result.chapters) > 10_000


markdown_pieces = st.sampled_from([
    "# ", "## ", "> ", "- ", "1. ", "* ", "  ", "    ", "\n", "\n\n", "```", "~~~", "|", "---",
    "[", "]", "(", ")", "![", "[^1]", "[^1]: ", "^[", "*", "_", "**", "~~", "~", "^", "`", "<",
    ">", "</", "<div>", "</div>", "<span>", "<script>", "<!--", "-->", "&", "&#x0;", "{", "}",
    "{frontmatter}", "{title=\"x\"}", "{width=50%}", "I> ", "T> ", "C> ", "{aside}", "{/aside}",
    "-# ", ":smile:", "www.x.com", "http://", "a@b.co", ": ", "[ ] ", "[x] ", "\\", "\t", "=",
    "{#id}", "javascript:", "\x00", "é", "日本", "\u200b", "\r", "\r\n",
])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(markdown_pieces, st.text(max_size=8)), max_size=60))
def test_generated_markdown_never_crashes(tmp_path: Path, pieces: list[str]) -> None:
    text = "".join(pieces)
    try:
        result, _ = read_md(tmp_path, text)
    except MakeBookError:
        return
    for chapter in result.chapters:
        etree.tostring(chapter.tree)
        assert depth_of(chapter.tree) <= MAX_DEPTH


def test_aside_markers_inside_a_paragraph_stay_text(tmp_path: Path) -> None:
    result, _ = read_md(tmp_path, "If A is larger,\nA> B holds.\n")
    assert [el.tag for el in result.chapters[0].tree] == ["p"]
    assert "A> B holds." in all_text(result)


def test_images_in_html_blocks_carry_their_line(tmp_path: Path) -> None:
    text = 'Text.\n\n<p class="pic"><img src="a.png" alt="A"></p>\n\n<img src="b.png" alt="B">\n'
    result, _ = read_md(tmp_path, text)
    images = list(result.chapters[0].tree.iter("img"))
    assert [(i.get("src"), i.get("data-mb-line")) for i in images] == [("a.png", "3"), ("b.png", "5")]


def test_code_sample_showing_a_missing_book_image_warns(tmp_path):
    """MD070: a sample naming a file in the book's own images/ that is missing."""
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "here.png").write_bytes(b"x")
    source = tmp_path / "ch.md"
    source.write_text("# Images\n\n~~~\n![a](images/here.png)\n![b](images/gone.jpg)\n"
                      "![c](path/to/any.png)\n![d](plain.png)\n~~~\n\nInline `![e](images/x.png)`.\n",
                      encoding="utf-8")
    ctx = make_context(tmp_path)
    read_source(source, ctx)
    warnings = [(w.code, w.line, w.message) for w in ctx.diag.warnings]
    assert [(code, line) for code, line, _ in warnings] == [("MD070", 5)]
    assert "images/gone.jpg" in warnings[0][2]


def test_markdown_guide_reports_the_missing_shiprock_image(corpus):
    source = corpus / "md-en-markdown-guide" / "chapter3.md"
    ctx = make_context(source.parent)
    read_source(source, ctx)
    [warning] = [w for w in ctx.diag.warnings if w.code == "MD070"]
    assert (warning.file, warning.line) == ("chapter3.md", 1055)
    assert "images/shiprock.jpg" in warning.message


def test_an_image_without_description_has_no_alt_and_a_decorative_one_says_so(tmp_path):
    """``![](x.png)`` is undescribed (the accessibility pass warns); an explicit
    ``{alt: ""}`` marks a decorative image."""
    from PIL import Image

    Image.new("RGB", (40, 20), "navy").save(tmp_path / "x.png")
    result, _ = read_md(tmp_path, "# Images\n\n![](x.png)\n\n{alt: \"\"}\n![](x.png)\n\n"
                                  "Inline ![](x.png) too.\n\n![A navy field](x.png)\n")
    imgs = list(result.chapters[0].tree.iter("img"))
    assert [img.get("alt") for img in imgs] == [None, "", None, "A navy field"]


def test_markdown_in_front_matter_titles_is_read_as_text(tmp_path: Path) -> None:
    text = ("---\ntitle: \"Notes on *Printing*\"\nsubtitle: \"With `code` and [a link](x.md)\"\n"
            "identifier: urn:x:snake_case_id\n---\n\n# One\n\nText.\n")
    result, _ = read_md(tmp_path, text)
    assert result.metadata["title"] == "Notes on Printing"
    assert result.metadata["subtitle"] == "With code and a link"
    assert result.metadata["identifier"] == "urn:x:snake_case_id"  # never read as Markdown
