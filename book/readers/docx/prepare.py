"""Rewrite a DOCX's WordprocessingML so mammoth sees what the author meant.

mammoth converts Word paragraphs to HTML through a style map keyed by style
name or id.  Word documents say what a paragraph *is* in many ways a style
map cannot express: localized style names, outline levels, a monospace font
applied by hand, a table of contents made of a field, hidden text, tracked
moves.  This module settles all of that on the lxml tree of
``word/document.xml`` (and the notes parts) before mammoth runs:

* every paragraph and run whose role we recognise gets a synthetic style id
  from :data:`PARAGRAPH_IDS` / :data:`RUN_IDS`, which :data:`STYLE_MAP`
  maps to HTML;
* Word's own table of contents is removed (its ``sdt`` block, its ``TOC``
  field, paragraphs in TOC styles, and the "Contents" heading over it):
  the book gets its own;
* the first Title (and Subtitle) paragraph becomes metadata, not text;
* hidden text (``w:vanish``) and moved-from text are removed;
* list paragraphs are numbered as Word numbers them and marked for
  :func:`.numbering.build_lists` (mammoth's own lists lose the formats);
* ``REF``/``NOTEREF`` cross-reference fields with ``\\h`` (Word's "insert
  as hyperlink") become ``HYPERLINK \\l`` fields, which mammoth links, and
  ``HYPERLINK`` fields are rewritten so mammoth reads their target right
  (:mod:`.fields`);
* a picture marked decorative in Word (``adec:decorative``) gets an empty
  alt text, so it is hidden from assistive technology instead of reported;
* a table whose style formats its first row and whose ``tblLook`` turns
  that on gets its first row marked as a header row (``w:tblHeader``);
* references to what the package does not hold are dropped next, by
  :mod:`.references`.

References: ECMA-376 Part 1, §17.3 (paragraphs and runs), §17.4.63
(``tblLook``), §17.16 (fields, ``TOC`` §17.16.5.68, ``REF`` §17.16.5.51),
§17.5.2 (structured document tags), §17.11 (footnotes and endnotes),
§17.16.22 (``hyperlink``); Part 2, §9.3 (relationships).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .fields import field_texts, link_cross_references, normalize_hyperlinks
from .numbering import Item, mark_list_paragraphs, read_numbering, style_numbering
from .styles import StyleTable, is_monospace, run_font, run_hidden
from .wordml import W, remove_element, unwrap_element

#: Synthetic paragraph style ids → the HTML they become (see STYLE_MAP).
PARAGRAPH_IDS: dict[tuple[str, int], str] = {
    **{("heading", n): f"MbHeading{n}" for n in range(1, 7)},
    ("quote", 0): "MbQuote",
    ("code", 0): "MbCode",
    ("subtitle", 0): "MbSubtitle",
    ("caption", 0): "MbCaption",
}
RUN_IDS: dict[str, str] = {
    "code": "MbCodeRun",
    "kbd": "MbKbdRun",
    "samp": "MbSampRun",
    "var": "MbVarRun",
    "strong": "MbStrongRun",
    "em": "MbEmRun",
    "strong-em": "MbStrongEmRun",
}

#: The mammoth style map for the synthetic ids (mammoth's defaults follow).
STYLE_MAP = "\n".join([
    *(f"p.MbHeading{n} => h{n}:fresh" for n in range(1, 7)),
    "p.MbQuote => blockquote > p:fresh",
    "p.MbCode => pre:separator('\\n')",
    "p.MbSubtitle => p.subtitle:fresh",
    "p.MbCaption => p.caption:fresh",
    "r.MbCodeRun => code",
    "r.MbKbdRun => kbd",
    "r.MbSampRun => samp",
    "r.MbVarRun => var",
    "r.MbStrongRun => strong",
    "r.MbEmRun => em",
    "r.MbStrongEmRun => strong > em",
    "r[style-name='Emphasis'] => em",
])

#: Headings that name a contents list, lower case, in the languages we know.
CONTENTS_WORDS = frozenset({
    "contents", "table of contents", "spis treści", "treść", "inhalt", "inhaltsverzeichnis",
    "table des matières", "sommaire", "índice", "contenido", "indice", "sommario", "obsah",
    "содержание", "оглавление", "inhoud", "inhoudsopgave", "innehåll", "indhold",
    "sisällys", "sisällysluettelo", "tartalom", "tartalomjegyzék", "cuprins", "içindekiler",
})

#: A monospace font on more than this share of the paragraphs is the body
#: font (a manuscript in Courier, "standard manuscript format"), not code.
MONOSPACE_BODY_SHARE = 0.5

_TOC_FIELD = re.compile(r"^\s*TOC\b")
_CONTAINERS_TO_UNWRAP = ("dir", "bdo")


@dataclass
class Prepared:
    """What the preparation found, for metadata and the build report."""

    title: str = ""
    subtitle: str = ""
    toc_paragraphs: int = 0
    hidden_runs: int = 0
    code_by_font: bool = True
    headings: int = 0
    notes: list[str] = field(default_factory=list)
    #: Marker name → list item, for :func:`.numbering.build_lists`.
    list_items: dict[str, Item] = field(default_factory=dict)


def paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []
    for el in p.iter(W + "t", W + "tab", W + "br"):
        parts.append(el.text or "" if el.tag == W + "t" else " ")
    return " ".join("".join(parts).split())


_PSTYLE_PATH, _RSTYLE_PATH, _VAL = f"{W}pPr/{W}pStyle", f"{W}rPr/{W}rStyle", W + "val"


def _style_id(p: etree._Element) -> str | None:
    el = p.find(_PSTYLE_PATH)
    return el.get(_VAL) if el is not None else None


def _set_style(el: etree._Element, properties: str, reference: str, style_id: str) -> None:
    """Give a paragraph (``pPr``/``pStyle``) or run (``rPr``/``rStyle``) a style,
    adding the properties element and the reference when missing."""
    props = el.find(W + properties)
    if props is None:
        props = etree.Element(W + properties)
        el.insert(0, props)
    ref = props.find(W + reference)
    if ref is None:
        ref = etree.Element(W + reference)
        props.insert(0, ref)
    ref.set(W + "val", style_id)


def _run_style_id(r: etree._Element) -> str | None:
    el = r.find(_RSTYLE_PATH)
    return el.get(_VAL) if el is not None else None


class _Fonts:
    """Effective Latin font of runs: direct, run style, paragraph style, default."""

    def __init__(self, styles: StyleTable) -> None:
        self.styles = styles

    def of_run(self, r: etree._Element, paragraph_style: str | None) -> str | None:
        rpr = r.find(W + "rPr")
        return (run_font(rpr) or self.styles.font(_run_style_id(r))
                or self.styles.font(paragraph_style) or self.styles.default_font)


def _text_runs(p: etree._Element) -> list[etree._Element]:
    """The runs of ``p`` that hold visible text."""
    return [r for r in p.iter(W + "r") if any((t.text or "").strip() for t in r.iter(W + "t"))]


def _remove_hidden_and_moved(root: etree._Element, styles: StyleTable, prepared: Prepared) -> None:
    for r in list(root.iter(W + "r")):
        rpr = r.find(W + "rPr")
        if run_hidden(rpr) or styles.inherited(_run_style_id(r), "vanish"):
            remove_element(r)
            prepared.hidden_runs += 1
    for el in list(root.iter(W + "moveFrom", W + "del")):
        remove_element(el)
    for name in _CONTAINERS_TO_UNWRAP:
        for el in list(root.iter(W + name)):
            unwrap_element(el)


def _ancestor_paragraph(el: etree._Element) -> etree._Element | None:
    node = el
    while node is not None and node.tag != W + "p":
        node = node.getparent()
    return node


def _remove_toc(root: etree._Element, styles: StyleTable, prepared: Prepared) -> None:
    removed_before: list[etree._Element] = []  # the element just before each removed TOC

    def drop_paragraphs(paragraphs: list[etree._Element]) -> None:
        for p in paragraphs:
            if p.getparent() is None:
                continue
            prev = p.getprevious()
            if prev is not None and prev not in paragraphs:
                removed_before.append(prev)
            prepared.toc_paragraphs += 1
            remove_element(p)

    for sdt in list(root.iter(W + "sdt")):
        gallery = sdt.find(f"{W}sdtPr/{W}docPartObj/{W}docPartGallery")
        if gallery is not None and "contents" in (gallery.get(W + "val") or "").lower():
            prev = sdt.getprevious()
            prepared.toc_paragraphs += sum(1 for _ in sdt.iter(W + "p"))
            if prev is not None:
                removed_before.append(prev)
            remove_element(sdt)

    for text, begin, end in list(field_texts(root)):
        if not _TOC_FIELD.match(text):
            continue
        first, last = _ancestor_paragraph(begin), _ancestor_paragraph(end)
        if first is None or last is None or first.getparent() is not last.getparent():
            continue
        parent = first.getparent()
        if parent is None:
            continue
        siblings = list(parent)
        start, stop = siblings.index(first), siblings.index(last)
        drop_paragraphs([p for p in siblings[start:stop + 1] if p.tag == W + "p"])

    for simple in list(root.iter(W + "fldSimple")):
        if _TOC_FIELD.match(simple.get(W + "instr") or ""):
            p = _ancestor_paragraph(simple)
            if p is not None:
                drop_paragraphs([p])

    for p in list(root.iter(W + "p")):
        role = styles.paragraph_role(_style_id(p))
        if role and role[0] in ("toc", "toc-heading"):
            drop_paragraphs([p])

    for prev in removed_before:
        if prev.getparent() is None or prev.tag != W + "p":
            continue
        text = paragraph_text(prev).lower().rstrip(":").strip()
        role = styles.paragraph_role(_style_id(prev))
        if text in CONTENTS_WORDS and (role is None or role[0] in ("heading", "title")):
            prepared.toc_paragraphs += 1
            remove_element(prev)


def _take_titles(body_paragraphs: list[etree._Element], styles: StyleTable,
                 prepared: Prepared) -> dict[etree._Element, tuple[str, int]]:
    """Pull the document title and subtitle out; return role overrides."""
    roles = {p: styles.paragraph_role(_style_id(p)) for p in body_paragraphs}
    overrides: dict[etree._Element, tuple[str, int]] = {}
    titles = [p for p in body_paragraphs if (roles[p] or ("",))[0] == "title"]
    has_headings = any((roles[p] or ("",))[0] == "heading" for p in body_paragraphs)
    if len(titles) > 1 and not has_headings:
        # The author styled every chapter heading as "Title".
        for p in titles:
            overrides[p] = ("heading", 1)
        return overrides
    before_first_heading = True
    title_follower: etree._Element | None = None  # what came right after the title
    for p in body_paragraphs:
        role = overrides.get(p) or roles[p]
        kind = role[0] if role else None
        if kind == "heading":
            before_first_heading = False
        if kind == "title":
            text = paragraph_text(p)
            if not text:
                remove_element(p)
            elif not prepared.title:
                prepared.title = text
                title_follower = p.getnext()
                remove_element(p)
            elif p is title_follower:
                # A title set over two paragraphs ("Docx4j" / "Getting Started").
                prepared.title = f"{prepared.title} {text}"
                title_follower = p.getnext()
                remove_element(p)
            else:
                overrides[p] = ("heading", 1)
        elif kind == "subtitle" and before_first_heading and not prepared.subtitle:
            text = paragraph_text(p)
            if text:
                prepared.subtitle = text
                remove_element(p)
    return overrides


def _mark_tables(root: etree._Element, styles: StyleTable) -> None:
    for tbl in root.iter(W + "tbl"):
        look = tbl.find(f"{W}tblPr/{W}tblLook")
        style = tbl.find(f"{W}tblPr/{W}tblStyle")
        if look is None or style is None:
            if _bold_header_row(tbl):
                _mark_header_row(tbl.find(W + "tr"))
            continue
        first_row = look.get(W + "firstRow")
        if first_row is None:
            try:
                on = bool(int(look.get(W + "val", "0"), 16) & 0x0020)
            except ValueError:
                on = False
        else:
            on = first_row.lower() in ("1", "true", "on")
        chain_formats = any(s.first_row_format for s in styles._chain(style.get(W + "val")))
        row = tbl.find(W + "tr")
        if row is None or not ((on and chain_formats) or _bold_header_row(tbl)):
            continue
        _mark_header_row(row)


def _mark_header_row(row: etree._Element) -> None:
    trpr = row.find(W + "trPr")
    if trpr is None:
        trpr = etree.Element(W + "trPr")
        index = 0
        while index < len(row) and row[index].tag in (W + "tblPrEx",):
            index += 1
        row.insert(index, trpr)
    if trpr.find(W + "tblHeader") is None:
        etree.SubElement(trpr, W + "tblHeader")


def _bold_cell(cell: etree._Element) -> bool | None:
    """True when every run with text in the cell is set bold by hand
    (None for an empty cell)."""
    runs = [r for r in cell.iter(W + "r") if "".join(r.itertext()).strip()]
    if not runs:
        return None
    for run in runs:
        bold = run.find(f"{W}rPr/{W}b")
        if bold is None or bold.get(W + "val", "1").lower() in ("0", "false", "off"):
            return False
    return True


def _bold_header_row(tbl: etree._Element) -> bool:
    """A first row set in bold over rows that are not: the author's header
    row, even when Word was not told (a common way of making one by hand)."""
    rows = tbl.findall(W + "tr")
    if len(rows) < 2:
        return False
    first = [_bold_cell(c) for c in rows[0].findall(W + "tc")]
    if not first or False in first or not any(first):
        return False
    return any(_bold_cell(c) is False for row in rows[1:] for c in row.findall(W + "tc"))


def _code_by_font_allowed(paragraphs: list[etree._Element], fonts: _Fonts,
                          styles: StyleTable) -> bool:
    if is_monospace(styles.default_font) or is_monospace(styles.font("Normal")):
        return False
    with_text = mono = 0
    for p in paragraphs:
        runs = _text_runs(p)
        if not runs:
            continue
        with_text += 1
        pstyle = _style_id(p)
        if all(is_monospace(fonts.of_run(r, pstyle)) for r in runs):
            mono += 1
    return not with_text or mono / with_text <= MONOSPACE_BODY_SHARE


def _classify(paragraphs: list[etree._Element], styles: StyleTable, fonts: _Fonts,
              overrides: dict[etree._Element, tuple[str, int]], by_font: bool, prepared: Prepared) -> None:
    for p in paragraphs:
        if p.getparent() is None:
            continue
        pstyle = _style_id(p)
        role = overrides.get(p) or styles.paragraph_role(pstyle)
        runs = _text_runs(p)
        if role is None and by_font and runs and all(
                is_monospace(fonts.of_run(r, pstyle)) for r in runs):
            role = ("code", 0)
        if role is not None and role[0] == "heading":
            role = ("heading", min(max(role[1], 1), 6))
            prepared.headings += 1
        synthetic = PARAGRAPH_IDS.get(role) if role else None
        if synthetic:
            _set_style(p, "pPr", "pStyle", synthetic)
        if role and role[0] in ("code", "heading"):
            # Runs in code blocks and headings take no run roles.
            for r in p.iter(W + "r"):
                rstyle = r.find(f"{W}rPr/{W}rStyle")
                if rstyle is not None:
                    rstyle.getparent().remove(rstyle)
            continue
        for r in runs:
            run_role = styles.character_role(_run_style_id(r))
            if run_role is None and by_font and is_monospace(run_font(r.find(W + "rPr"))):
                run_role = "code"
            if run_role in RUN_IDS:
                _set_style(r, "rPr", "rStyle", RUN_IDS[run_role])


def _bridge_code_gaps(paragraphs: list[etree._Element]) -> None:
    """A blank paragraph between two code paragraphs is a blank line of code."""
    code = PARAGRAPH_IDS[("code", 0)]
    for p in paragraphs:
        if p.getparent() is None or _text_runs(p) or _style_id(p) == code:
            continue
        prev, nxt = p.getprevious(), p.getnext()
        if (prev is not None and nxt is not None and prev.tag == W + "p" and nxt.tag == W + "p"
                and _style_id(prev) == code and _style_id(nxt) == code):
            _set_style(p, "pPr", "pStyle", code)


def prepare_document(root: etree._Element, styles: StyleTable,
                     numbering: etree._Element | None = None,
                     styles_root: etree._Element | None = None) -> Prepared:
    """Prepare ``word/document.xml`` in place (see the module docstring);
    ``numbering`` and ``styles_root`` are the numbering and styles parts."""
    prepared = Prepared()
    _remove_hidden_and_moved(root, styles, prepared)
    link_cross_references(root)
    normalize_hyperlinks(root)
    _remove_toc(root, styles, prepared)
    paragraphs = list(root.iter(W + "p"))
    body = root.find(W + "body")
    top_level = [p for p in (body.iter(W + "p") if body is not None else [])
                 if p.getparent() is body or (p.getparent() is not None
                                              and p.getparent().tag == W + "sdtContent")]
    overrides = _take_titles(top_level, styles, prepared)
    fonts = _Fonts(styles)
    prepared.code_by_font = _code_by_font_allowed(paragraphs, fonts, styles)
    live = [p for p in paragraphs if p.getparent() is not None]
    _classify(live, styles, fonts, overrides, prepared.code_by_font, prepared)
    _bridge_code_gaps(live)
    headings = {id(p) for p in live if (_style_id(p) or "").startswith("MbHeading")}
    prepared.list_items = mark_list_paragraphs(
        [p for p in live if p.getparent() is not None], read_numbering(numbering),
        style_numbering(styles_root), headings)
    _mark_tables(root, styles)
    mark_decorative_pictures(root)
    return prepared


#: Word 365's "Mark as decorative" flag on a picture (an ``a:ext`` of its ``wp:docPr``).
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
#: What a decorative picture's description becomes, for images.py to recognise
#: (a private-use character: no real description starts with it).
DECORATIVE_ALT = "\ue000decorative"


def mark_decorative_pictures(root: etree._Element) -> None:
    """Pictures marked decorative in Word get :data:`DECORATIVE_ALT` as description.

    mammoth passes only ``descr`` (else ``title``) on as alt text, so the
    flag travels in it; images.py turns it into ``alt=""``.
    """
    for flag in list(root.iter(f"{{{DECORATIVE_NS}}}decorative")):
        if (flag.get("val") or "1").lower() not in ("1", "true", "on"):
            continue
        doc_pr = flag.getparent()
        while doc_pr is not None and etree.QName(doc_pr).localname != "docPr":
            doc_pr = doc_pr.getparent()
        if doc_pr is not None:
            doc_pr.set("descr", DECORATIVE_ALT)
            doc_pr.attrib.pop("title", None)


def declare_synthetic_styles(styles_root: etree._Element | None) -> etree._Element:
    """Add the synthetic styles to ``word/styles.xml`` so mammoth knows them."""
    if styles_root is None:
        styles_root = etree.Element(W + "styles", nsmap={"w": W[1:-1]})
    existing = {el.get(W + "styleId") for el in styles_root.iter(W + "style")}
    for kind, ids in (("paragraph", PARAGRAPH_IDS.values()), ("character", RUN_IDS.values())):
        for style_id in ids:
            if style_id in existing:
                continue
            style = etree.SubElement(styles_root, W + "style")
            style.set(W + "type", kind)
            style.set(W + "styleId", style_id)
            etree.SubElement(style, W + "name").set(W + "val", style_id)
    return styles_root


def prepare_notes(root: etree._Element, styles: StyleTable, *, by_font: bool) -> None:
    """Prepare ``footnotes.xml`` / ``endnotes.xml``: hidden text, code, emphasis."""
    prepared = Prepared()
    _remove_hidden_and_moved(root, styles, prepared)
    link_cross_references(root)
    normalize_hyperlinks(root)
    paragraphs = list(root.iter(W + "p"))
    _classify(paragraphs, styles, _Fonts(styles), {}, by_font, prepared)
