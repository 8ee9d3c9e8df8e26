"""Accessible EPUB (issue 6): markup, truthful metadata, conformance claim, contrast."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from book.check.contrast import check_stylesheet, contrast_ratio
from book.check.lints import run_lints
from book.model import Book, Chapter, SourceRef, Stylesheet
from book.passes import accessibility, run_passes
from book.stylesheets import shipped_css, styles_dir
from book.config import THEMES
from book.writers.epub import write_epub
from book.xhtml import EPUB_TYPE

from .conftest import make_context

XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
EPUB_NS = 'xmlns:epub="http://www.idpf.org/2007/ops"'


def chapter(html: str, ident: str = "ch", source: str = "chapter.md", folder: Path | None = None
            ) -> Chapter:
    tree = etree.fromstring(html)
    tree.set("id", ident)
    return Chapter(id=ident, tree=tree, source=SourceRef(source),
                   source_path=(folder / source) if folder else None)


def a11y(chapters: list[Chapter], **metadata: str):
    """Run the accessibility pass alone on hand-made chapters."""
    ctx = make_context(Path.cwd(), language=metadata.pop("language", "en"),
                       title=metadata.pop("title", "A Book"), **metadata)
    book = Book(metadata=ctx.config.metadata, chapters=chapters)
    return accessibility.run(book, ctx), ctx


def codes(ctx) -> list[str]:
    return [item.code for item in ctx.diag.items]


# ------------------------------------------------------------------ roles

def test_roles_go_beside_epub_types():
    ch = chapter(f'<section {EPUB_NS} epub:type="chapter"><h1>One</h1>'
                 '<p>Text<a epub:type="noteref" href="#n1">1</a>.</p>'
                 '<span epub:type="pagebreak" id="page-3" aria-label="3"/>'
                 '<section epub:type="epigraph"><p>Quote</p></section>'
                 '<aside epub:type="footnote" id="n1"><p>Note.</p></aside></section>')
    book, _ = a11y([ch])
    tree = book.chapters[0].tree
    assert tree.get("role") == "doc-chapter"
    assert tree.find(".//a").get("role") == "doc-noteref"
    assert tree.find(".//span").get("role") == "doc-pagebreak"
    assert tree.find("section").get("role") == "doc-epigraph"
    assert tree.find(".//aside").get("role") == "doc-footnote"


def test_role_the_element_cannot_carry_is_not_added():
    ch = chapter(f'<section {EPUB_NS}><h1>One</h1><ul><li epub:type="chapter">item</li></ul>'
                 '<p role="note" epub:type="footnote">kept as written</p></section>')
    book, ctx = a11y([ch])
    li = book.chapters[0].tree.find(".//li")
    assert li.get("role") is None
    assert "A11Y006" in codes(ctx)
    assert book.chapters[0].tree.find("p").get("role") == "note"  # an author's role is kept


# ----------------------------------------------------------------- images

def test_missing_alt_is_a_warning_naming_file_and_image():
    ch = chapter('<section><h1>One</h1><p><img src="images/plan.png"/></p></section>',
                 source="notes/plans.md")
    book, ctx = a11y([ch], publisher="Example Press")
    warning = next(item for item in ctx.diag.warnings if item.code == "A11Y001")
    assert warning.file == "notes/plans.md"
    assert "images/plan.png" in warning.message
    assert book.facts["images_missing_alt"] == 1
    assert book.facts["a11y_conformance"] is False
    assert any("text alternative" in reason for reason in book.facts["a11y_conformance_failures"])
    assert book.chapters[0].tree.find(".//img").get("alt") == ""  # valid markup meanwhile


def test_decorative_image_is_accepted():
    ch = chapter('<section><h1>One</h1><p><img src="rule.png" alt=""/></p></section>')
    book, ctx = a11y([ch], publisher="Example Press")
    assert "A11Y001" not in codes(ctx)
    assert book.facts["images_missing_alt"] == 0
    assert book.facts["images"] == book.facts["images_decorative"] == 1
    assert book.facts["a11y_conformance"] is True


def test_caption_names_an_image_without_alt():
    ch = chapter('<section><h1>One</h1><figure><img src="map.png"/>'
                 '<figcaption>The harbour in 1890</figcaption></figure></section>')
    book, ctx = a11y([ch], publisher="Example Press")
    img = book.chapters[0].tree.find(".//img")
    caption = book.chapters[0].tree.find(".//figcaption")
    assert img.get("aria-labelledby") == caption.get("id")
    assert img.get("alt") is None  # alt="" would make it presentational and hide the name
    assert "A11Y001" in codes(ctx)
    assert book.facts["images_missing_alt"] == 0
    assert book.facts["images_named_by_caption"] == 1


# ----------------------------------------------------------------- tables

def test_tables_get_header_scope_and_header_rows():
    ch = chapter('<section><h1>One</h1>'
                 '<table><thead><tr><td>Name</td><td>Age</td></tr></thead>'
                 '<tbody><tr><th>Ann</th><td>3</td></tr></tbody></table>'
                 '<table><tr><td>a</td><td>b</td></tr></table></section>')
    book, ctx = a11y([ch], publisher="Example Press")
    first, second = book.chapters[0].tree.iter("table")
    head = first.findall("thead/tr/*")
    assert [cell.tag for cell in head] == ["th", "th"]
    assert all(cell.get("scope") == "col" for cell in head)
    assert first.find("tbody/tr/th").get("scope") == "row"
    assert book.facts["tables"] == 2 and book.facts["tables_without_headers"] == 1
    assert "A11Y002" in codes(ctx)
    assert book.facts["a11y_conformance"] is False


# --------------------------------------------------------------- headings

def levels(tree: etree._Element) -> list[str]:
    return [el.tag for el in tree.iter("h1", "h2", "h3", "h4", "h5", "h6")]


def test_skipped_heading_levels_are_renumbered_keeping_the_outline():
    ch = chapter('<section><h1>A</h1><h3>B</h3><h4>C</h4><h3>D</h3><h2>E</h2></section>')
    book, ctx = a11y([ch])
    assert levels(book.chapters[0].tree) == ["h1", "h2", "h3", "h2", "h2"]
    assert codes(ctx).count("A11Y003") == 3


def test_headings_without_skips_are_left_alone():
    html = '<section><h2>A</h2><h3>B</h3><h4>C</h4><h3>D</h3><h2>E</h2></section>'
    book, ctx = a11y([chapter(html)])
    assert levels(book.chapters[0].tree) == ["h2", "h3", "h4", "h3", "h2"]
    assert "A11Y003" not in codes(ctx)


def test_empty_heading_blocks_the_claim():
    book, ctx = a11y([chapter('<section><h1>A</h1><h2> </h2></section>')],
                     publisher="Example Press")
    assert "A11Y009" in codes(ctx)
    assert book.facts["a11y_conformance"] is False


# --------------------------------------------------------- language, links

def test_invalid_language_tags_are_removed_valid_ones_counted():
    ch = chapter('<section><h1>A</h1><p lang="fr">Bonjour</p><p lang="not a tag!">x</p>'
                 '<p lang="sr-Latn-RS">Zdravo</p></section>')
    book, ctx = a11y([ch])
    paragraphs = book.chapters[0].tree.findall("p")
    assert paragraphs[1].get("lang") is None
    assert "A11Y007" in codes(ctx)
    assert book.facts["languages"] == ["en", "fr", "sr-Latn-RS"]


@pytest.mark.parametrize("tag", ["en", "pl", "en-GB", "zh-Hant-TW", "de-CH-1996", "x-private"])
def test_language_tags_accepted(tag):
    assert accessibility.is_language_tag(tag)


@pytest.mark.parametrize("tag", ["", "english", "en_GB", "e", "123", "en-"])
def test_language_tags_refused(tag):
    assert not accessibility.is_language_tag(tag)


def test_links_without_text_get_a_name_and_vague_texts_a_warning():
    ch = chapter('<section><h1>A</h1><section id="later"><h2>Later on</h2></section>'
                 '<p><a href="https://example.org/guide/"></a> <a href="#later"> </a> '
                 '<a href="https://example.org">click here</a> '
                 '<a href="https://example.org">the example site</a></p></section>')
    book, ctx = a11y([ch])
    links = book.chapters[0].tree.find("p").findall("a")
    assert links[0].get("aria-label") == "example.org/guide"
    assert links[1].get("aria-label") == "Later on"
    assert codes(ctx).count("A11Y004") == 2
    assert codes(ctx).count("A11Y005") == 1


# ------------------------------------------------------------- conformance

def test_conformance_is_claimed_for_a_clean_book_with_a_certifier():
    book, ctx = a11y([chapter('<section><h1>A</h1><p>Text.</p></section>')],
                     publisher="Example Press")
    assert book.facts["a11y_conformance"] is True
    assert book.facts["a11y_certified_by"] == "Example Press"
    assert "A11Y011" in codes(ctx)


def test_configured_certifier_wins_over_publisher():
    ctx = make_context(Path.cwd(), language="en", title="T", publisher="Example Press")
    ctx.config.accessibility.certified_by = "Accessible Books Ltd"
    book = Book(metadata=ctx.config.metadata,
                chapters=[chapter('<section><h1>A</h1><p>x</p></section>')])
    book = accessibility.run(book, ctx)
    assert book.facts["a11y_certified_by"] == "Accessible Books Ltd"


def test_no_claim_without_a_certifier_and_the_build_says_why():
    book, ctx = a11y([chapter('<section><h1>A</h1><p>Text.</p></section>')])
    assert book.facts["a11y_conformance"] is False
    note = next(item for item in ctx.diag.notes if item.code == "A11Y010")
    assert "certify" in note.message


def test_low_contrast_user_stylesheet_warns_and_blocks_the_claim():
    ctx = make_context(Path.cwd(), language="en", title="T", publisher="Example Press")
    book = Book(metadata=ctx.config.metadata,
                chapters=[chapter('<section><h1>A</h1><p>x</p></section>')],
                stylesheets=[Stylesheet("custom.css", "p.aside { color: #aaaaaa; }\n"
                                        "h1 { color: #222; }")])
    book = accessibility.run(book, ctx)
    warning = next(item for item in ctx.diag.warnings if item.code == "A11Y008")
    assert warning.file == "custom.css" and "p.aside" in warning.message
    assert book.facts["a11y_conformance"] is False


# ----------------------------------------------------------------- contrast

def test_contrast_ratio_matches_wcag_examples():
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    grey_767676 = (0x76 / 255,) * 3
    grey_777777 = (0x77 / 255,) * 3
    assert contrast_ratio(grey_767676, (1, 1, 1)) == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio(grey_777777, (1, 1, 1)) < 4.5


def test_contrast_check_finds_faint_text_and_tinted_boxes():
    problems = check_stylesheet("a { color: #999 } .box { background: #333 } "
                                "@media screen { em { color: rgba(0,0,0,0.3) } } p { color: #222 }")
    assert [p.selector for p in problems] == ["a", ".box", "em"]


def _shipped_sheets() -> list[Path]:
    folder = styles_dir()
    return sorted([*folder.glob("*.css"), *(folder / "themes").glob("*.css")])


@pytest.mark.parametrize("sheet", _shipped_sheets(), ids=lambda p: p.name)
def test_every_shipped_stylesheet_has_enough_contrast(sheet):
    assert check_stylesheet(sheet.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("output", ["epub", "print", "screen"])
def test_every_theme_as_shipped_has_enough_contrast(theme, output):
    assert check_stylesheet(shipped_css(output, theme)) == []


# ------------------------------------------------- the EPUB, end to end

LONG_CHAPTER = """<section %s epub:type="chapter"><h1>The Long Chapter</h1>
<p>Opening text.<a epub:type="noteref" href="#fn1">1</a></p>
%s
<aside epub:type="footnote" id="fn1"><p>A note about the opening.</p></aside>
</section>""" % (EPUB_NS, "".join(
    f"<h2>Section {n}</h2><p>{'Words of the section, more words and more. ' * 40}</p>"
    f"<h3>Detail {n}</h3><p>{'Details follow the section here. ' * 30}</p>" for n in range(1, 31)))


def build_epub(tmp_path: Path, chapters_html: list[str], *, split_bytes: int | None = None,
               images: bool = False, **metadata: str) -> tuple[Book, bytes]:
    if images:
        Image.new("RGB", (60, 40), (20, 90, 40)).save(tmp_path / "field.png")
    ctx = make_context(tmp_path, language="en", title=metadata.pop("title", "A Test Book"),
                       **metadata)
    if split_bytes:
        ctx.config.epub.split_bytes = split_bytes
    chapters = [chapter(html, f"c{n}", f"c{n}.md", tmp_path) for n, html in enumerate(chapters_html)]
    book = Book(metadata=ctx.config.metadata, chapters=chapters)
    book = run_passes(book, ctx)
    return book, write_epub(book, ctx)


def package_meta(data: bytes) -> dict[str, list[str]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    found: dict[str, list[str]] = {}
    for meta in opf.iter(f"{{{OPF}}}meta"):
        if meta.get("property") and not meta.get("refines"):
            found.setdefault(meta.get("property"), []).append(meta.text or "")
    return found


def documents(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: etree.fromstring(archive.read(name)) for name in archive.namelist()
                if name.endswith(".xhtml")}


def test_every_document_of_a_split_chapter_is_accessible(tmp_path):
    book, data = build_epub(tmp_path, [LONG_CHAPTER, '<section><h1>Short</h1><p>x</p></section>'],
                            split_bytes=8_000, publisher="Example Press")
    docs = documents(data)
    pieces = [name for name in docs if re.search(r"/c001(-\d+)?\.xhtml$", name)]
    assert len(pieces) >= 3, "the long chapter was not split"
    for name, root in docs.items():
        assert root.get("lang") == "en" and root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        title = root.find(f"{{{XHTML}}}head/{{{XHTML}}}title")
        assert title is not None and title.text, name
        previous = 0
        for heading in root.iter(*(f"{{{XHTML}}}h{n}" for n in range(1, 7))):
            level = int(heading.tag[-1])
            assert not previous or level <= previous + 1, (name, heading.text)
            previous = level
        if "/text/" not in name:
            continue  # the navigation document's landmarks carry epub:type without roles
        for el in root.iter():
            if not isinstance(el.tag, str):
                continue
            types = (el.get(EPUB_TYPE) or "").split()
            role = next((accessibility.ROLE_OF_TYPE[t] for t in types
                         if t in accessibility.ROLE_OF_TYPE), None)
            assert role is None or el.get("role") == role, (name, el.tag, types)
    path = tmp_path / "split.epub"
    path.write_bytes(data)
    tool, findings = run_lints(path)
    assert tool.status == "ran"
    assert [f for f in findings if f.severity == "error"] == []


def test_metadata_is_computed_from_the_content(tmp_path):
    plain_book, plain = build_epub(tmp_path, ['<section><h1>A</h1><p>Text only.</p></section>'])
    pictured_book, pictured = build_epub(
        tmp_path, ['<section><h1>A</h1><p><img src="field.png" alt="A green field"/></p>'
                   '<p><img src="field.png" alt=""/></p>'
                   '<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>'
                   '</section>'], images=True)
    plain_meta, pictured_meta = package_meta(plain), package_meta(pictured)
    assert plain_meta["schema:accessMode"] == ["textual"]
    assert plain_meta["schema:accessModeSufficient"] == ["textual"]
    assert sorted(pictured_meta["schema:accessMode"]) == ["textual", "visual"]
    assert "alternativeText" in pictured_meta["schema:accessibilityFeature"]
    assert "alternativeText" not in plain_meta["schema:accessibilityFeature"]
    assert {"structuralNavigation", "tableOfContents", "readingOrder"} <= set(
        plain_meta["schema:accessibilityFeature"])
    assert plain_meta["schema:accessibilityHazard"] == ["none"]
    plain_summary = plain_meta["schema:accessibilitySummary"][0]
    pictured_summary = pictured_meta["schema:accessibilitySummary"][0]
    assert "no images" in plain_summary
    assert "The one image that carries information has a text alternative." in pictured_summary
    assert "1 decorative image is hidden from assistive technology." in pictured_summary
    assert "1 table, all with header cells" in pictured_summary
    # Nobody to certify: no claim, and the summary does not pretend otherwise.
    for meta in (plain_meta, pictured_meta):
        assert "dcterms:conformsTo" not in meta and "a11y:certifiedBy" not in meta


def test_undescribed_images_change_access_modes_and_summary(tmp_path):
    _, data = build_epub(tmp_path, ['<section><h1>A</h1><p><img src="field.png"/></p></section>'],
                         images=True, publisher="Example Press")
    meta = package_meta(data)
    assert meta["schema:accessModeSufficient"] == ["textual,visual"]
    assert "alternativeText" not in meta["schema:accessibilityFeature"]
    assert "The one image that carries information has no text alternative." in \
        meta["schema:accessibilitySummary"][0]
    assert "dcterms:conformsTo" not in meta


def test_conformance_claim_and_certifier_in_the_package(tmp_path):
    _, data = build_epub(tmp_path, ['<section><h1>A</h1><p>Text.</p></section>'],
                         publisher="Example Press")
    meta = package_meta(data)
    assert meta["dcterms:conformsTo"] == ["EPUB Accessibility 1.1 - WCAG 2.2 Level AA"]
    assert meta["a11y:certifiedBy"] == ["Example Press"]
    assert "meets EPUB Accessibility 1.1" in meta["schema:accessibilitySummary"][0]


def test_page_markers_bring_page_features_and_their_source(tmp_path):
    html = (f'<section {EPUB_NS}><h1>A</h1><p>First page.</p>'
            '<p><span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="2"/>'
            'Second page.</p></section>')
    _, data = build_epub(tmp_path, [html], print_isbn="9780306406157", isbn="9781234567897")
    meta = package_meta(data)
    assert {"pageBreakMarkers", "printPageNumbers", "pageNavigation"} <= set(
        meta["schema:accessibilityFeature"])
    assert meta["pageBreakSource"] == ["urn:isbn:9780306406157"]
    assert "Page numbers of the print edition" in meta["schema:accessibilitySummary"][0]
    nav = documents(data)["EPUB/nav.xhtml"]
    page_list = [nav_el for nav_el in nav.iter(f"{{{XHTML}}}nav") if nav_el.get("id") == "page-list"]
    assert page_list and [a.text for a in page_list[0].iter(f"{{{XHTML}}}a")] == ["2"]


def test_hazards_come_from_the_configuration(tmp_path):
    ctx = make_context(tmp_path, language="en", title="T")
    ctx.config.accessibility.hazards = ["flashing", "none", "bogus"]
    book = run_passes(Book(metadata=ctx.config.metadata,
                           chapters=[chapter('<section><h1>A</h1><p>x</p></section>')]), ctx)
    meta = package_meta(write_epub(book, ctx))
    assert meta["schema:accessibilityHazard"] == ["flashing"]


def test_a_generic_link_text_that_names_its_target_is_not_vague():
    """"Link" pointing at the section "Links" says where it goes (the Markdown
    guide's cheat sheet); "here" pointing at "Later on" does not."""
    first = chapter('<section><h1>A</h1><p><a href="#links">Link</a> and '
                    '<a href="#later">here</a>.</p></section>')
    second = chapter('<section><h1>B</h1><section id="links"><h2>Links</h2></section>'
                     '<section id="later"><h2>Later on</h2></section></section>')
    _, ctx = a11y([first, second])
    warnings = [d.message for d in ctx.diag.items if d.code == "A11Y005"]
    assert len(warnings) == 1 and "'here'" in warnings[0]


@pytest.mark.parametrize("text,lang,target,vague", [
    ("click here", "en", "", True), ("Link", "en", "Links", False), ("link", "en", "", True),
    ("Więcej", "pl", "Więcej o dzieleniu", False), ("tutaj", "pl", "Rozdział 2", True),
    ("the style guide", "en", "", False),
])
def test_vague_link_texts(text, lang, target, vague):
    assert accessibility.is_vague_link_text(text, lang, target) is vague
