"""The kepub transform: an EPUB content document's tree → Kobo's markup.

Kobo's reading system for kepubs (its WebKit renderer on e-ink devices and
in the apps) finds its way through a book by ``<span class="koboSpan"
id="kobo.P.S">`` elements: reading position, progress, highlights and the
"time left" statistics are kept per span.  Its own conversion, calibre's
Kobo driver and kepubify add them the same way; this module does it as a
function from tree to tree (lxml, never text substitution):

* every text node is cut into sentence segments (:mod:`.sentences`, by the
  language of the element holding it) and each segment becomes one span;
  a segment never crosses an element boundary, so the markup stays as it
  was around the spans;
* ``P`` counts blocks of text in document order (a paragraph, heading,
  list item, table cell, caption...; an image is a block of its own, its
  ``<img>`` wrapped in a span as Kobo does), ``S`` counts segments within
  the block, both from 1: ids are unique and sequential in each document;
* nothing inside ``pre`` (spacing is content), SVG, MathML, ``script``,
  ``style``, ``textarea`` or ``option`` is touched; white space between
  blocks stays as it is, white space inside a paragraph is a segment too;
* the body's content goes inside ``<div id="book-columns"><div
  id="book-inner">``, the wrappers Kobo's renderer paginates.

A document that already has kobo spans is left as it is.
"""

from __future__ import annotations

from lxml import etree

from ...xhtml import XHTML_NS, XML_LANG
from .sentences import split_sentences

SPAN_CLASS = "koboSpan"
_X = f"{{{XHTML_NS}}}"
#: Elements whose content is never cut into spans.
SKIP = frozenset({"pre", "script", "style", "textarea", "option", "select", "template",
                  "noscript", "head", "title"})
#: Elements that begin a new block of text (a new ``P``).
BLOCKS = frozenset({
    "body", "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "caption",
    "figcaption", "blockquote", "div", "section", "article", "aside", "header", "footer", "nav",
    "figure", "address", "summary", "details", "main", "table", "ul", "ol", "dl", "tr", "hgroup",
    "legend", "fieldset", "hr", "tbody", "thead", "tfoot"})
#: Containers where white space between children is layout, not text.
STRUCTURAL = frozenset({
    "body", "section", "article", "aside", "header", "footer", "nav", "div", "figure", "blockquote",
    "ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup", "details", "hgroup",
    "main", "fieldset", "picture", "audio", "video", "object", "ruby"})


def _local(el: etree._Element) -> str | None:
    """The XHTML local name, or None for other namespaces (SVG, MathML)."""
    if not isinstance(el.tag, str):
        return None
    if el.tag.startswith(_X):
        return el.tag[len(_X):]
    if not el.tag.startswith("{"):
        return el.tag
    return None


class _Counter:
    """``P`` and ``S`` of the next span."""

    def __init__(self) -> None:
        self.paragraph = 0
        self.segment = 0
        self.block: object | None = None

    def next_id(self, block: object) -> str:
        if block is not self.block:
            self.block = block
            self.paragraph += 1
            self.segment = 0
        self.segment += 1
        return f"kobo.{self.paragraph}.{self.segment}"


def _span(ident: str, text: str | None = None) -> etree._Element:
    span = etree.Element(f"{_X}span", {"class": SPAN_CLASS, "id": ident})
    span.text = text
    return span


def _spans(text: str, lang: str, counter: _Counter, block: object) -> list[etree._Element]:
    return [_span(counter.next_id(block), piece) for piece in split_sentences(text, lang)]


def _wrap_text(text: str | None, parent: etree._Element) -> bool:
    if not text:
        return False
    if text.strip():
        return True
    return _local(parent) not in STRUCTURAL


def _walk(el: etree._Element, lang: str, block: object, counter: _Counter) -> etree._Element:
    """Add spans inside ``el``; returns the node now standing where ``el`` stood."""
    name = _local(el)
    if name is None or name in SKIP:
        return el
    lang = el.get(XML_LANG) or el.get("lang") or lang
    if name == "img":
        parent = el.getparent()
        if parent is None or _local(parent) == "picture":
            return el
        span = _span(counter.next_id(object()))  # an image is a block of its own
        span.tail, el.tail = el.tail, None
        parent.replace(el, span)
        span.append(el)
        counter.block = span
        return span
    if name in BLOCKS:
        block = el
    children = list(el)
    if _wrap_text(el.text, el):
        for position, span in enumerate(_spans(el.text, lang, counter, block)):
            el.insert(position, span)
        el.text = None
    for child in children:
        node = _walk(child, lang, block, counter) if isinstance(child.tag, str) else child
        if _wrap_text(node.tail, el):
            anchor = node
            for span in _spans(node.tail, lang, counter, block):
                anchor.addnext(span)
                anchor = span
            node.tail = None
    return el


def has_kobo_spans(root: etree._Element) -> bool:
    return any(SPAN_CLASS in (el.get("class") or "").split() for el in root.iter(f"{_X}span"))


def add_kobo_markup(root: etree._Element) -> etree._Element:
    """Kobo's spans and wrappers in an XHTML document tree (changed in place)."""
    body = root.find(f"{_X}body")
    if body is None or has_kobo_spans(root):
        return root
    lang = root.get(XML_LANG) or root.get("lang") or ""
    _walk(body, lang, body, _Counter())
    columns = etree.Element(f"{_X}div", {"id": "book-columns"})
    inner = etree.SubElement(columns, f"{_X}div", {"id": "book-inner"})
    inner.text, body.text = body.text, None
    for child in list(body):
        inner.append(child)
    body.append(columns)
    return root
