"""make_book's own checks of a finished EPUB (any EPUB, not only ours).

EPUBCheck says whether a file is valid and Ace runs axe-core on each page;
these lints look at what both leave out or only a reader of the whole book
can see: whether the accessibility metadata tells the truth about the
content, whether the page list and the page markers agree, heading levels,
languages, link texts and the colours of the stylesheets.  Each rule is a
small function in :data:`RULES`; each finding has a stable code:

=======  ========  ===========================================================
CHK001   error     a content document without ``lang``/``xml:lang`` (or the two differ)
CHK002   error     a content document without a ``<title>``
CHK003   warning   a heading that skips a level (h1 → h3) within a document
CHK004   error     an image without a text alternative
CHK005   warning   an ``epub:type`` without its ARIA role (DPUB-ARIA)
CHK006   warning   a table without header cells
CHK007   error     a link without text; warning: a link text like "click here"
CHK008   error     a ``lang`` value that is not a BCP 47 tag
CHK009   warning   an empty heading
CHK010   error     required accessibility metadata missing (warning: recommended)
CHK011   error     a conformance claim without ``a11y:certifiedBy``, or unknown
CHK012   error     page markers and the page list disagree
CHK013   error     a page list without its source (``pageBreakSource``)
CHK014   warning   text colour with too little contrast in a stylesheet
CHK015   error     a document that is not well-formed XML
CHK016   error     metadata that claims what the content does not have
CHK020   error     not an EPUB (no container, no package document)
=======  ========  ===========================================================
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..errors import MakeBookError
from ..passes.accessibility import ROLE_OF_TYPE, is_language_tag, is_vague_link_text
from ..version import __version__
from .report import Finding, ToolRun

TOOL = "make-book"
XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
OPS = "http://www.idpf.org/2007/ops"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS}}}type"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
_H = {f"{{{XHTML}}}h{n}": n for n in range(1, 7)}

#: Accessibility metadata EPUB Accessibility 1.1 §2 requires (MUST) and recommends.
REQUIRED_META = ("schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard")
RECOMMENDED_META = ("schema:accessibilitySummary", "schema:accessModeSufficient")
CONFORMANCE_PATTERN = re.compile(r"^EPUB Accessibility 1\.1 - WCAG 2\.[012] Level AA?A?$")
PAGE_FEATURES = ("printPageNumbers", "pageBreakMarkers")


@dataclass
class Document:
    """One XHTML content document of the EPUB."""

    href: str  # path inside the ZIP
    root: etree._Element
    in_spine: bool


@dataclass
class Epub:
    """The parts of an EPUB the lints read."""

    display: str
    package_path: str = ""
    meta: dict[str, list[str]] = field(default_factory=dict)
    documents: list[Document] = field(default_factory=list)
    nav: Document | None = None
    stylesheets: list[tuple[str, str]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def find(self, code: str, severity: str, message: str, file: str | None = None,
             element: etree._Element | None = None, hint: str | None = None) -> None:
        line = getattr(element, "sourceline", None) if element is not None else None
        self.findings.append(Finding(code, severity, message, TOOL, file,
                                     str(line) if line else None, hint))


# -------------------------------------------------------------------- loading

def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def load_epub(path: Path) -> Epub:
    """Open and parse an EPUB; problems become findings (CHK015, CHK020)."""
    from ..safexml import parse_xml
    from ..zipguard import open_zip, read_entry

    epub = Epub(path.name)
    try:
        archive = open_zip(path.read_bytes(), path.name)
        container = parse_xml(read_entry(archive, "META-INF/container.xml", path.name),
                              file="META-INF/container.xml")
        rootfile = container.find(f".//{{{CONTAINER}}}rootfile")
        if rootfile is None or not rootfile.get("full-path"):
            raise MakeBookError("META-INF/container.xml names no package document")
        epub.package_path = rootfile.get("full-path")
        package = parse_xml(read_entry(archive, epub.package_path, path.name), file=epub.package_path)
    except (MakeBookError, OSError) as exc:
        epub.find("CHK020", "error", f"not a readable EPUB: {getattr(exc, 'message', exc)}")
        return epub
    base = posixpath.dirname(epub.package_path)
    metadata = package.find(f"{{{OPF}}}metadata")
    if metadata is not None:
        for meta in metadata.iter(f"{{{OPF}}}meta"):
            prop = meta.get("property")
            if prop and not meta.get("refines"):
                epub.meta.setdefault(prop, []).append((meta.text or "").strip())
        for el in metadata:
            if isinstance(el.tag, str) and el.tag.startswith(f"{{{DC}}}"):
                epub.meta.setdefault(f"dc:{_local(el.tag)}", []).append((el.text or "").strip())
    items: dict[str, tuple[str, str, str]] = {}
    for item in package.iter(f"{{{OPF}}}item"):
        href = posixpath.normpath(posixpath.join(base, unquote(item.get("href", ""))))
        items[item.get("id", "")] = (href, item.get("media-type", ""), item.get("properties", ""))
    spine = [ref.get("idref", "") for ref in package.iter(f"{{{OPF}}}itemref")]

    def parse(href: str) -> etree._Element | None:
        try:
            return parse_xml(read_entry(archive, href, path.name), file=href)
        except MakeBookError as exc:
            epub.find("CHK015", "error", f"cannot be read as XHTML: {exc.message}", href,
                      hint="EPUBCheck names the exact problem")
            return None

    for idref in spine:
        if idref not in items or items[idref][1] != "application/xhtml+xml":
            continue
        href, _, props = items[idref]
        root = parse(href)
        if root is not None:
            doc = Document(href, root, True)
            epub.documents.append(doc)
            if "nav" in props.split():
                epub.nav = doc
    if epub.nav is None:
        nav_item = next((i for i in items.values() if "nav" in i[2].split()), None)
        if nav_item is not None:
            root = parse(nav_item[0])
            if root is not None:
                epub.nav = Document(nav_item[0], root, False)
    for href, media, _ in items.values():
        if media == "text/css":
            try:
                epub.stylesheets.append((href, read_entry(archive, href, path.name).decode(
                    "utf-8", "replace")))
            except MakeBookError:
                continue
    return epub


# ---------------------------------------------------------------- documents

def _all_documents(epub: Epub) -> list[Document]:
    docs = list(epub.documents)
    if epub.nav is not None and epub.nav not in docs:
        docs.append(epub.nav)
    return docs


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def _accessible_text(el: etree._Element) -> str:
    if el.get("aria-label", "").strip():
        return el.get("aria-label").strip()
    parts = [_text(el)] + [(img.get("alt") or "").strip() for img in el.iter(f"{{{XHTML}}}img")]
    return " ".join(p for p in parts if p) or (el.get("title") or "").strip() or \
        ("labelled" if el.get("aria-labelledby") else "")


def lint_language(epub: Epub) -> None:
    for doc in _all_documents(epub):
        lang, xml_lang = doc.root.get("lang"), doc.root.get(XML_LANG)
        if not lang and not xml_lang:
            epub.find("CHK001", "error", "the document does not say its language", doc.href,
                      doc.root, 'add lang="…" and xml:lang="…" to <html>')
        elif lang and xml_lang and lang != xml_lang:
            epub.find("CHK001", "error", f"lang={lang!r} and xml:lang={xml_lang!r} differ",
                      doc.href, doc.root)
        for el in doc.root.iter():
            if not isinstance(el.tag, str):
                continue
            for attr in ("lang", XML_LANG):
                value = el.get(attr)
                if value and not is_language_tag(value):
                    epub.find("CHK008", "error", f"{value!r} is not a language tag", doc.href, el,
                              "use a BCP 47 tag such as en, pl or de-AT")


def lint_titles(epub: Epub) -> None:
    for doc in _all_documents(epub):
        title = doc.root.find(f"{{{XHTML}}}head/{{{XHTML}}}title")
        if title is None or not _text(title):
            epub.find("CHK002", "error", "the document has no <title>", doc.href, doc.root,
                      "give every document a title (the chapter's name)")


def lint_headings(epub: Epub) -> None:
    for doc in _all_documents(epub):
        previous = 0
        for el in doc.root.iter(*_H):
            level = _H[el.tag]
            if previous and level > previous + 1:
                epub.find("CHK003", "warning", f"<h{level}> {_text(el)[:50]!r} follows <h{previous}>,"
                          f" skipping a level", doc.href, el, f"make it <h{previous + 1}>")
            if not _accessible_text(el):
                epub.find("CHK009", "warning", "empty heading", doc.href, el,
                          "give it text or remove it")
            previous = level


def lint_images(epub: Epub) -> None:
    for doc in _all_documents(epub):
        for img in doc.root.iter(f"{{{XHTML}}}img"):
            if img.get("alt") is not None or img.get("aria-label") or img.get("aria-labelledby") \
                    or img.get("role") in ("presentation", "none"):
                continue
            epub.find("CHK004", "error", f"image {img.get('src', '')!r} has no text alternative",
                      doc.href, img, 'describe it in alt, or give alt="" if it is decorative')


def _in_landmarks(el: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if _local(node.tag) == "nav" and "landmarks" in (node.get(EPUB_TYPE) or "").split():
            return True
        node = node.getparent()
    return False


def lint_roles(epub: Epub) -> None:
    for doc in _all_documents(epub):
        for el in doc.root.iter():
            if not isinstance(el.tag, str) or el.get(EPUB_TYPE) is None:
                continue
            wanted = next((ROLE_OF_TYPE[t] for t in el.get(EPUB_TYPE).split() if t in ROLE_OF_TYPE),
                          None)
            if wanted is None or el.get("role") == wanted or _in_landmarks(el):
                continue
            epub.find("CHK005", "warning", f"epub:type {el.get(EPUB_TYPE)!r} without role "
                      f"{wanted!r}", doc.href, el, f'add role="{wanted}"')


def lint_tables(epub: Epub) -> None:
    for doc in _all_documents(epub):
        for table in doc.root.iter(f"{{{XHTML}}}table"):
            if table.get("role") in ("presentation", "none"):
                continue
            if next(table.iter(f"{{{XHTML}}}th"), None) is None:
                epub.find("CHK006", "warning", "table without header cells", doc.href, table,
                          "mark its header row or column with <th scope=…>")


def lint_links(epub: Epub) -> None:
    for doc in _all_documents(epub):
        lang = (doc.root.get("lang") or doc.root.get(XML_LANG) or "en").split("-")[0].lower()
        for a in doc.root.iter(f"{{{XHTML}}}a"):
            if a.get("href") is None:
                continue
            name = _accessible_text(a)
            if not name:
                epub.find("CHK007", "error", f"link to {a.get('href')!r} has no text", doc.href, a,
                          "write what the link leads to as its text")
            elif is_vague_link_text(name, lang) and \
                    is_vague_link_text(name, lang, _target_heading(epub, doc, a.get("href"))):
                epub.find("CHK007", "warning", f"link text {name!r} does not say where it goes",
                          doc.href, a, "name the destination in the link text")


def _target_heading(epub: Epub, doc: Document, href: str) -> str:
    """Text of the heading at (or opening) the element an in-book link points at."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.fragment:
        return ""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(doc.href), unquote(parts.path))) \
        if parts.path else doc.href
    target = next((d for d in _all_documents(epub) if d.href == path), None)
    if target is None:
        return ""
    found = target.root.xpath("//*[@id=$id]", id=unquote(parts.fragment))
    if not found:
        return ""
    headings = [f"{{{XHTML}}}h{n}" for n in range(1, 7)]
    el = found[0]
    heading = el if el.tag in headings else next(el.iter(*headings), None)
    return " ".join("".join(heading.itertext()).split()) if heading is not None else ""


# ----------------------------------------------------------------- metadata

def lint_metadata(epub: Epub) -> None:
    where = epub.package_path or None
    for name in REQUIRED_META:
        if not epub.meta.get(name):
            epub.find("CHK010", "error", f"no {name} metadata", where,
                      hint="EPUB Accessibility 1.1 §2 requires it")
    for name in RECOMMENDED_META:
        if not epub.meta.get(name):
            epub.find("CHK010", "warning", f"no {name} metadata", where,
                      hint="EPUB Accessibility 1.1 §2 recommends it")
    for claim in epub.meta.get("dcterms:conformsTo", []):
        if claim.startswith("EPUB Accessibility") and not CONFORMANCE_PATTERN.match(claim):
            epub.find("CHK011", "error", f"unknown conformance statement {claim!r}", where,
                      hint='use e.g. "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"')
        if not epub.meta.get("a11y:certifiedBy"):
            epub.find("CHK011", "error", "a conformance claim without a11y:certifiedBy", where,
                      hint="EPUB Accessibility 1.1 §4.2 requires the certifier's name")


def lint_truthful_metadata(epub: Epub) -> None:
    """The metadata must describe the content as it is (EPUB A11y 1.1 §2)."""
    where = epub.package_path or None
    features = set(epub.meta.get("schema:accessibilityFeature", []))
    modes = set(epub.meta.get("schema:accessMode", []))
    sufficient = {v.replace(" ", "") for v in epub.meta.get("schema:accessModeSufficient", [])}
    images = [img for doc in epub.documents for img in doc.root.iter(f"{{{XHTML}}}img")
              if img.get("role") not in ("doc-cover", "presentation", "none")]
    content = [img for img in images if img.get("alt") is None or img.get("alt").strip()
               or img.get("aria-labelledby") or img.get("aria-label")]
    undescribed = [img for img in content if not (img.get("alt") or "").strip()
                   and not img.get("aria-label") and not img.get("aria-labelledby")]
    if "alternativeText" in features and undescribed:
        epub.find("CHK016", "error", f"alternativeText is claimed but {len(undescribed)} image(s) "
                  "have no text alternative", where)
    if content and "visual" not in modes and modes:
        epub.find("CHK016", "warning", f"{len(content)} image(s) carry content but accessMode "
                  "does not list visual", where)
    if sufficient == {"textual"} and undescribed:
        epub.find("CHK016", "error", "accessModeSufficient says textual alone suffices, but "
                  f"{len(undescribed)} image(s) have no text alternative", where)


# --------------------------------------------------------------- page list

def _page_markers(epub: Epub) -> list[tuple[Document, etree._Element]]:
    found = []
    for doc in epub.documents:
        for el in doc.root.iter():
            if isinstance(el.tag, str) and ("pagebreak" in (el.get(EPUB_TYPE) or "").split()
                                            or el.get("role") == "doc-pagebreak"):
                found.append((doc, el))
    return found


def lint_page_list(epub: Epub) -> None:
    markers = _page_markers(epub)
    where = epub.package_path or None
    page_list = None
    if epub.nav is not None:
        page_list = next((nav for nav in epub.nav.root.iter(f"{{{XHTML}}}nav")
                          if "page-list" in (nav.get(EPUB_TYPE) or "").split()), None)
    features = set(epub.meta.get("schema:accessibilityFeature", []))
    claimed = features & set(PAGE_FEATURES)
    if claimed and not markers:
        epub.find("CHK016", "error", f"{', '.join(sorted(claimed))} claimed, but the book has no "
                  "page markers", where)
    if markers and not claimed:
        epub.find("CHK016", "warning", "the book has page markers but its metadata does not list "
                  "the pageBreakMarkers feature", where)
    if not markers and page_list is None:
        return
    if page_list is None:
        epub.find("CHK012", "error", f"{len(markers)} page markers but no page-list navigation",
                  epub.nav.href if epub.nav else where, hint="list every marker in a page-list nav")
        return
    if not (epub.meta.get("pageBreakSource") or epub.meta.get("a11y:pageBreakSource")
            or epub.meta.get("dc:source")):
        epub.find("CHK013", "error", "a page list without pageBreakSource", where,
                  hint="name the print edition (its ISBN) the page numbers come from")
    order = {(doc.href, el.get("id")): n for n, (doc, el) in enumerate(markers)}
    for doc, el in markers:
        if not el.get("id"):
            epub.find("CHK012", "error", "page marker without id", doc.href, el)
        if not (el.get("aria-label") or el.get("title") or _text(el)):
            epub.find("CHK012", "error", "page marker without a label", doc.href, el,
                      'give it aria-label="<page number>"')
    nav_dir = posixpath.dirname(epub.nav.href)
    listed: set[tuple[str, str]] = set()
    labels: dict[str, int] = {}
    last = -1
    for a in page_list.iter(f"{{{XHTML}}}a"):
        href = a.get("href") or ""
        parts = urlsplit(href)
        target = (posixpath.normpath(posixpath.join(nav_dir, unquote(parts.path))), parts.fragment)
        label = _text(a)
        labels[label] = labels.get(label, 0) + 1
        if target not in order:
            epub.find("CHK012", "error", f"page-list entry {label!r} points at {href!r}, which is "
                      "not a page marker", epub.nav.href, a)
            continue
        if target in listed:
            epub.find("CHK012", "error", f"page {label!r} is listed twice", epub.nav.href, a)
        listed.add(target)
        if order[target] < last:
            epub.find("CHK012", "warning", f"page {label!r} is out of reading order in the page "
                      "list", epub.nav.href, a)
        last = max(last, order[target])
    for (doc, el) in markers:
        if (doc.href, el.get("id")) not in listed and el.get("id"):
            epub.find("CHK012", "error", f"page marker {el.get('id')!r} is not in the page list",
                      doc.href, el)
    for label, count in labels.items():
        if count > 1:
            epub.find("CHK012", "warning", f"page label {label!r} appears {count} times in the "
                      "page list", epub.nav.href)


# ----------------------------------------------------------------- contrast

def lint_contrast(epub: Epub) -> None:
    from .contrast import check_stylesheet

    for href, css in epub.stylesheets:
        for problem in check_stylesheet(css):
            epub.findings.append(Finding("CHK014", "warning", problem.describe(), TOOL, href,
                                         str(problem.line), "darken the text or lighten its "
                                         "background"))


#: The lints, in the order their findings are listed.
RULES: tuple[Callable[[Epub], None], ...] = (
    lint_language, lint_titles, lint_headings, lint_images, lint_roles, lint_tables,
    lint_links, lint_metadata, lint_truthful_metadata, lint_page_list, lint_contrast,
)


def run_lints(path: Path) -> tuple[ToolRun, list[Finding]]:
    """Our own checks on ``path``."""
    epub = load_epub(Path(path))
    if epub.package_path:
        for rule in RULES:
            rule(epub)
    return ToolRun(TOOL, "ran", __version__), epub.findings


def iter_codes() -> Iterator[str]:
    """Every code these lints can report (for documentation and tests)."""
    yield from re.findall(r"^(CHK\d{3})", __doc__ or "", flags=re.MULTILINE)
