"""Accessibility: markup fixes, checks, and the facts behind the a11y metadata.

WCAG 2.2 AA as EPUB Accessibility 1.1 applies it to content documents.
This pass runs last, on the finished chapter trees, and for each chapter:

* gives every ``epub:type`` its DPUB-ARIA role where ARIA in HTML allows
  that role on the element (EPUB Accessibility Techniques 1.1 §3.4: roles
  carry the semantics to assistive technology, ``epub:type`` only to
  reading systems) — :data:`ROLE_OF_TYPE`, :data:`ROLE_ELEMENTS`;
* checks every image has a text alternative (SC 1.1.1): a missing ``alt``
  is a warning naming the file and the image; when the image's figure has a
  caption, the caption names it (``aria-labelledby``); ``alt=""`` marks a
  decorative image and is accepted;
* gives data tables header cells with ``scope`` (SC 1.3.1), or warns;
* keeps heading levels without skips inside each chapter (SC 1.3.1,
  2.4.6; the structure pass already nests them, this is the guarantee for
  every input), and warns about empty headings;
* removes ``lang`` values that are not BCP 47 tags (SC 3.1.2: a wrong
  language is worse than none, screen readers switch voices on it);
* gives links without text an accessible name and warns; warns about link
  texts that say nothing out of context ("click here", SC 2.4.4).  A bare
  URL as link text is left alone: in a book it is usually the point (the
  reader may need to type it), and it does say where the link goes;
* checks the colour contrast of the user's stylesheets (SC 1.4.3; the
  shipped themes are held to it by the test suite).

It then records the facts the EPUB writer turns into metadata
(``images_missing_alt``, ``tables``, ``tables_without_headers``,
``languages``...) and decides whether the book may claim conformance to
EPUB Accessibility 1.1 / WCAG 2.2 AA: ``a11y_conformance`` (bool),
``a11y_conformance_failures`` (why not, in words) and ``a11y_certified_by``.
The claim is made only when every check above passes and someone is named
to certify it (``[accessibility] certified_by``, else the publisher).

Codes: A11Y001 image without alt text; A11Y002 table without header cells;
A11Y003 (note) heading level skipped, corrected; A11Y004 link without text;
A11Y005 link text that does not say where it goes; A11Y006 (note) an
``epub:type`` whose role the element cannot carry; A11Y007 invalid language
tag removed; A11Y008 low colour contrast in a user stylesheet; A11Y009
empty heading; A11Y010 (note) no conformance claim, and why; A11Y011 (note)
conformance claimed.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from ..context import BuildContext
from ..model import Book, Chapter
from ..xhtml import (EPUB_TYPE, HEADING_TAGS, XML_LANG, epub_types, iter_elements,
                     source_line, text_content)
from .sanitize.attribute_values import allowed_role, aria_allowed

#: The conformance statement EPUB Accessibility 1.1 §4.1 defines for us.
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"

#: epub:type (EPUB 3 Structural Semantics) → DPUB-ARIA 1.1 / ARIA role.
#: Only types with a one-to-one role; those are what Ace's
#: ``epub-type-has-matching-role`` rule checks.
ROLE_OF_TYPE: dict[str, str] = {
    "abstract": "doc-abstract", "acknowledgments": "doc-acknowledgments",
    "afterword": "doc-afterword", "appendix": "doc-appendix", "bibliography": "doc-bibliography",
    "biblioref": "doc-biblioref", "chapter": "doc-chapter", "colophon": "doc-colophon",
    "conclusion": "doc-conclusion", "credit": "doc-credit", "credits": "doc-credits",
    "dedication": "doc-dedication", "endnotes": "doc-endnotes", "epigraph": "doc-epigraph",
    "epilogue": "doc-epilogue", "errata": "doc-errata", "footnote": "doc-footnote",
    "foreword": "doc-foreword", "glossary": "doc-glossary", "glossref": "doc-glossref",
    "index": "doc-index", "introduction": "doc-introduction", "noteref": "doc-noteref",
    "notice": "doc-notice", "pagebreak": "doc-pagebreak", "page-list": "doc-pagelist",
    "part": "doc-part", "preface": "doc-preface", "prologue": "doc-prologue",
    "pullquote": "doc-pullquote", "qna": "doc-qna", "referrer": "doc-backlink",
    "backlink": "doc-backlink", "subtitle": "doc-subtitle", "tip": "doc-tip", "help": "doc-tip",
    "toc": "doc-toc",
}

_SECTIONING = frozenset({"section", "div", "article", "aside", "body", "nav", "header", "footer"})
#: Where ARIA in HTML (W3C Recommendation, §4 "Document conformance
#: requirements") lets each role go (used here for the roles of links;
#: :func:`role_allowed` asks the sanitize pass's full table).
ROLE_ELEMENTS: dict[str, frozenset[str]] = {
    "doc-noteref": frozenset({"a"}), "doc-backlink": frozenset({"a"}),
    "doc-biblioref": frozenset({"a"}), "doc-glossref": frozenset({"a"}),
    "doc-pagebreak": frozenset({"hr"}),
    "doc-cover": frozenset({"img"}),
    "doc-subtitle": frozenset(HEADING_TAGS),
    "doc-footnote": frozenset({"aside", "footer", "header"}),
    "doc-toc": frozenset({"nav", "section", "ol", "ul"}),
    "doc-pagelist": frozenset({"nav", "section", "ol", "ul"}),
    "doc-index": frozenset({"nav", "section"}),
    "doc-dedication": frozenset({"section", "aside"}),
    "doc-pullquote": frozenset({"aside", "section"}),
    "doc-tip": frozenset({"aside"}),
    "doc-example": frozenset({"aside", "section", "figure"}),
    "doc-glossary": frozenset({"section", "aside", "dl"}),
    "doc-epigraph": frozenset({"section"}),
}

#: Link texts that do not say where a link goes, by language (SC 2.4.4).
VAGUE_LINK_TEXTS: dict[str, frozenset[str]] = {
    "en": frozenset({"click here", "here", "click", "link", "this link", "more", "read more",
                     "learn more", "this", "go", "details", "continue"}),
    "pl": frozenset({"tutaj", "tu", "kliknij", "kliknij tutaj", "kliknij tu", "więcej",
                     "czytaj więcej", "link", "ten link", "dalej"}),
    "de": frozenset({"hier", "klicken sie hier", "hier klicken", "mehr", "weiterlesen", "link",
                     "mehr erfahren"}),
    "fr": frozenset({"ici", "cliquez ici", "plus", "lien", "en savoir plus", "lire la suite"}),
    "es": frozenset({"aquí", "haga clic aquí", "haz clic aquí", "más", "leer más", "enlace"}),
    "it": frozenset({"qui", "clicca qui", "di più", "leggi di più", "link"}),
    "cs": frozenset({"zde", "klikněte zde", "více", "odkaz"}),
}

def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def is_vague_link_text(text: str, lang: str, target_title: str = "") -> bool:
    """True when ``text`` does not say where its link goes (WCAG 2.2 SC 2.4.4).

    A generic word is not vague when it names its target: "Link" pointing at
    the section "Links" says exactly where it goes.
    """
    vague = VAGUE_LINK_TEXTS.get((lang or "en").split("-")[0].lower(), frozenset()) | \
        VAGUE_LINK_TEXTS["en"]
    words = _words(text)
    if words not in vague:
        return False
    title = _words(target_title)
    return not (title and title.startswith(words))


#: Well-formed BCP 47 language tags (RFC 5646 §2.1), with the primary
#: language a two- or three-letter ISO 639 code: the 4–8 letter forms the
#: grammar allows are unregistered, and axe (Ace's valid-lang rule)
#: rejects them, like "english".
_BCP47 = re.compile(
    r"^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3})"
    r"(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-x(?:-[A-Za-z0-9]{1,8})+)?$|^x(?:-[A-Za-z0-9]{1,8})+$"
)


def is_language_tag(value: str) -> bool:
    """True for a well-formed BCP 47 tag such as ``pl``, ``en-GB``, ``sr-Latn``."""
    return bool(_BCP47.match(value or ""))


def role_allowed(role: str, tag: str, el: etree._Element | None = None) -> bool:
    """Whether ARIA in HTML lets ``role`` go on a ``tag`` element (the
    sanitize pass's table, checked against EPUBCheck: a section role on
    ``nav`` or ``article``, ``doc-toc`` on ``ul``, are errors there), and
    the element's ``aria-*`` attributes stay valid under it (``aria-level``
    on a ``tr`` holds for its implicit row role, not for ``doc-chapter``)."""
    if allowed_role(tag, role, has_href=True) != role:
        return False
    return el is None or all(aria_allowed(name, tag, role) for name in el.attrib
                             if name.startswith("aria-"))


# ------------------------------------------------------------------ the pass

class _Findings:
    """What the checks found in the whole book."""

    def __init__(self) -> None:
        self.images_missing_alt = 0
        self.images_named_by_caption = 0
        self.tables = 0
        self.tables_without_headers = 0
        self.empty_headings = 0
        self.headings_fixed = 0
        self.unnamed_links = 0
        self.vague_links = 0
        self.languages: set[str] = set()


def _count_images(book: Book) -> None:
    """The image counts the images pass records, when it has not run
    (a book assembled without it): the summary must not say "no images"."""
    if "images" in book.facts:
        return
    counts = {"images": 0, "images_with_alt": 0, "images_decorative": 0, "images_without_alt": 0}
    for chapter in book.chapters:
        for img in chapter.tree.iter("img"):
            counts["images"] += 1
            alt = img.get("alt")
            key = ("images_without_alt" if alt is None else
                   "images_with_alt" if alt.strip() else "images_decorative")
            counts[key] += 1
    book.facts.update(counts)


def run(book: Book, ctx: BuildContext) -> Book:
    _count_images(book)
    found = _Findings()
    book_lang = book.metadata.language or ""
    if book_lang:
        found.languages.add(book_lang)
    for chapter in book.chapters:
        lang = chapter.lang or book_lang
        _languages(chapter, ctx, found)
        _roles(chapter, ctx)
        _image_alternatives(chapter, ctx, found)
        _tables(chapter, ctx, found)
        _headings(chapter, ctx, found)
        _links(chapter, ctx, found, lang, book.chapters)
    contrast = _stylesheet_contrast(book, ctx)

    book.facts["images_missing_alt"] = found.images_missing_alt
    book.facts["images_named_by_caption"] = found.images_named_by_caption
    book.facts["tables"] = found.tables
    book.facts["tables_without_headers"] = found.tables_without_headers
    book.facts["languages"] = sorted(found.languages)
    failures = conformance_failures(book, ctx, found, contrast)
    certifier = ctx.config.accessibility.certified_by or book.metadata.publisher
    book.facts["a11y_conformance"] = not failures
    book.facts["a11y_conformance_failures"] = failures
    book.facts["a11y_certified_by"] = certifier if not failures else ""
    if failures:
        ctx.diag.note("A11Y010", "no accessibility conformance claim in the EPUB: "
                      + "; ".join(failures))
    else:
        ctx.diag.note("A11Y011", f"the EPUB claims {CONFORMANCE}, certified by {certifier}")
    return book


def conformance_failures(book: Book, ctx: BuildContext, found: _Findings,
                         contrast_problems: int) -> list[str]:
    """Why the book may not claim conformance (empty when it may)."""
    reasons: list[str] = []
    if found.images_missing_alt:
        reasons.append(f"{found.images_missing_alt} image(s) without a text alternative")
    if found.tables_without_headers:
        reasons.append(f"{found.tables_without_headers} table(s) without header cells")
    if found.empty_headings:
        reasons.append(f"{found.empty_headings} empty heading(s)")
    if contrast_problems:
        reasons.append(f"{contrast_problems} colour(s) in the user stylesheets with too little "
                       "contrast")
    if not is_language_tag(book.metadata.language) or book.metadata.language == "und":
        reasons.append("the book's language is not known")
    if not book.metadata.title:
        reasons.append("the book has no title")
    if not (ctx.config.accessibility.certified_by or book.metadata.publisher):
        reasons.append("nobody is named to certify it (set [accessibility] certified_by or "
                       "[metadata] publisher)")
    return reasons


# ----------------------------------------------------------------- language

def _languages(chapter: Chapter, ctx: BuildContext, found: _Findings) -> None:
    for el in iter_elements(chapter.tree):
        for attr in ("lang", XML_LANG):
            value = el.get(attr)
            if value is None:
                continue
            if value == "" or is_language_tag(value):
                if value:
                    found.languages.add(value)
                continue
            del el.attrib[attr]
            ctx.diag.warn("A11Y007", f"lang={value!r} is not a language tag; removed",
                          file=chapter.source.file, line=source_line(el),
                          hint="use a BCP 47 tag such as en, pl or de-AT")


# -------------------------------------------------------------------- roles

def _roles(chapter: Chapter, ctx: BuildContext) -> None:
    """A role beside each epub:type that has one (where the element may carry it)."""
    for el in iter_elements(chapter.tree):
        if el.get(EPUB_TYPE) is None:
            continue
        for token in epub_types(el):
            role = ROLE_OF_TYPE.get(token)
            if role is None:
                continue
            # Ace checks the first token with a role; one role per element.
            if el.get("role"):
                break
            if el.tag == "a" and role in ROLE_ELEMENTS and "a" in ROLE_ELEMENTS[role] \
                    and el.get("href") is None:
                break  # a link role needs a link
            if role_allowed(role, el.tag, el):
                el.set("role", role)
            else:
                ctx.diag.note("A11Y006", f"epub:type {token!r} on <{el.tag}> cannot carry the "
                              f"role {role}; kept without it", file=chapter.source.file)
            break


# ------------------------------------------------------------------- images

def _image_alternatives(chapter: Chapter, ctx: BuildContext, found: _Findings) -> None:
    for number, img in enumerate(chapter.tree.iter("img"), 1):
        if img.get("alt") is not None or img.get("aria-label") or img.get("aria-labelledby"):
            continue
        if img.get("role") in ("presentation", "none"):
            img.set("alt", "")
            continue
        figure = img.getparent()
        while figure is not None and figure.tag not in ("figure", "section"):
            figure = figure.getparent()
        caption = figure.find("figcaption") if figure is not None and figure.tag == "figure" else None
        src = img.get("src", "")
        if caption is not None and text_content(caption):
            # The caption names the image (ARIA10); still worth a real description.
            if not caption.get("id"):
                caption.set("id", f"{chapter.id}-caption-{number}")
            # No alt="" here: it would make the image presentational, and a
            # presentational element must not carry ARIA naming (axe's
            # presentation-role-conflict).  HTML lets a figure's image with
            # a caption go without alt.
            img.set("aria-labelledby", caption.get("id"))
            found.images_named_by_caption += 1
            ctx.diag.warn("A11Y001", f"image {src!r} has no alt text; its caption names it",
                          file=chapter.source.file, line=source_line(img),
                          hint="describe the image in its alt text")
            continue
        found.images_missing_alt += 1
        ctx.diag.warn("A11Y001", f"image {src!r} has no alt text", file=chapter.source.file,
                      line=source_line(img), hint=_alt_hint(chapter.source.file))
        # alt="" keeps the markup valid; the summary reports the image as
        # undescribed and the book makes no conformance claim.
        img.set("alt", "")


# ------------------------------------------------------------------- tables

def _is_layout_table(table: etree._Element) -> bool:
    return table.get("role") in ("presentation", "none")


def _tables(chapter: Chapter, ctx: BuildContext, found: _Findings) -> None:
    for table in chapter.tree.iter("table"):
        if _is_layout_table(table):
            continue
        found.tables += 1
        # A header row written with <td> inside <thead> is a header row.
        for thead in table.iter("thead"):
            for cell in thead.iter("td"):
                cell.tag = "th"
        header_cells = list(table.iter("th"))
        if not header_cells:
            found.tables_without_headers += 1
            ctx.diag.warn("A11Y002", "table has no header cells", file=chapter.source.file,
                          line=source_line(table), hint="mark its first row or column as headers")
            continue
        for th in header_cells:
            if th.get("scope") or th.get("id"):
                continue
            row = th.getparent()
            group = row.getparent() if row is not None else None
            in_head = group is not None and group.tag == "thead"
            cells = [c for c in row if isinstance(c.tag, str)] if row is not None else []
            th.set("scope", "col" if in_head or all(c.tag == "th" for c in cells) else "row")


# ----------------------------------------------------------------- headings

def _has_name(el: etree._Element) -> bool:
    if text_content(el) or el.get("aria-label") or el.get("title"):
        return True
    return any((img.get("alt") or "").strip() for img in el.iter("img"))


def _headings(chapter: Chapter, ctx: BuildContext, found: _Findings) -> None:
    """No skipped levels inside the chapter; report empty headings.

    Levels are renumbered with a stack of (original, new) levels, so a
    heading's children stay its children: h1 h3 h4 h3 becomes h1 h2 h3 h2.
    Input that already has no skips is left exactly as it is.
    """
    stack: list[tuple[int, int]] = []
    for heading in list(chapter.tree.iter(*HEADING_TAGS)):
        level = int(heading.tag[1])
        while stack and stack[-1][0] >= level:
            stack.pop()
        new = level if not stack else min(level, stack[-1][1] + 1)
        if new != level:
            found.headings_fixed += 1
            ctx.diag.note("A11Y003", f"heading {text_content(heading)[:60]!r} skipped from h"
                          f"{stack[-1][1]} to h{level}; set to h{new}", file=chapter.source.file)
            heading.tag = f"h{new}"
        stack.append((level, new))
        if not _has_name(heading):
            found.empty_headings += 1
            ctx.diag.warn("A11Y009", "empty heading", file=chapter.source.file,
                          line=source_line(heading), hint="give it text or remove it")


# -------------------------------------------------------------------- links

def _link_name(a: etree._Element) -> str:
    if a.get("aria-label"):
        return a.get("aria-label").strip()
    parts = [text_content(a)]
    parts += [(img.get("alt") or "").strip() for img in a.iter("img")]
    return " ".join(p for p in parts if p).strip() or (a.get("title") or "").strip()


def _target_title(chapters: list[Chapter], href: str) -> str:
    """The heading text of the element ``href`` points at inside the book.

    Ids are unique book-wide (the links pass), so the fragment alone finds
    the target, whichever chapter file the href names.
    """
    if "#" not in href or "://" in href:
        return ""
    ident = href.split("#", 1)[1]
    for chapter in chapters:
        for el in chapter.tree.iter():
            if isinstance(el.tag, str) and el.get("id") == ident:
                heading = el if el.tag in HEADING_TAGS else next(iter(el.iter(*HEADING_TAGS)), None)
                return text_content(heading) if heading is not None else ""
    return ""


def _links(chapter: Chapter, ctx: BuildContext, found: _Findings, lang: str,
           chapters: list[Chapter]) -> None:
    for a in chapter.tree.iter("a"):
        href = a.get("href")
        if href is None or a.get("role") in ("doc-noteref", "doc-backlink"):
            continue
        name = _link_name(a)
        if not name:
            found.unnamed_links += 1
            if href.startswith("#"):
                label = _target_title([chapter], href) or href[1:]
            else:
                parts = urlsplit(href)
                label = (parts.netloc + parts.path).rstrip("/") or href
            a.set("aria-label", label)
            ctx.diag.warn("A11Y004", f"link to {href!r} has no text; named {label!r}",
                          file=chapter.source.file, line=source_line(a),
                          hint="write what the link leads to as its text")
            continue
        if is_vague_link_text(name, lang) and \
                is_vague_link_text(name, lang, _target_title(chapters, href)):
            found.vague_links += 1
            ctx.diag.warn("A11Y005", f"link text {name!r} does not say where the link goes",
                          file=chapter.source.file, line=source_line(a),
                          hint="name the destination in the link text")


# ------------------------------------------------------------------ contrast

def _stylesheet_contrast(book: Book, ctx: BuildContext) -> int:
    if not book.stylesheets:
        return 0  # nothing to check: not even the checker's import (its package is big)
    from ..check.contrast import check_stylesheet

    problems = 0
    for sheet in book.stylesheets:
        for problem in check_stylesheet(sheet.text):
            problems += 1
            ctx.diag.warn("A11Y008", problem.describe(), file=sheet.name, line=problem.line,
                          hint="darken the text or lighten its background")
    return problems


def _alt_hint(file: object) -> str:
    """How to describe an image, or mark it decorative, in the source's own syntax."""
    if str(file or "").lower().endswith((".md", ".markdown", ".txt")):
        return 'describe it in the brackets of ![...](...), or put {alt: ""} on the line ' \
               "before a decorative image"
    if str(file or "").lower().endswith(".docx"):
        return "describe it in Word (Picture Format > Alt Text), or mark it decorative there"
    return 'describe it in alt, or give alt="" if it is decorative'
