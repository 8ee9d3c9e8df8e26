"""Model trees → XHTML content documents (EPUB 3.3 §6.1, the XML syntax of HTML).

The model uses plain tag names; an EPUB content document is XHTML, so every
element moves into the XHTML namespace, ``lang`` is mirrored to
``xml:lang`` and the build-only ``data-mb-*`` attributes go.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy

from lxml import etree

from ...xhtml import EPUB_NS, XHTML_NS, XML_LANG

NSMAP = {None: XHTML_NS, "epub": EPUB_NS}
_XHTML_PREFIX = f"{{{XHTML_NS}}}"
#: An element (the body or inside it) whose epub:type uses the z3998 vocabulary.
_Z3998 = etree.XPath("boolean(descendant-or-self::*[contains(@epub:type, 'z3998:')])",
                     namespaces={"epub": EPUB_NS})


def to_xhtml(el: etree._Element, *, copy: bool = True) -> etree._Element:
    """A namespaced deep copy of a model element; with ``copy=False`` the
    element itself, changed in place (a tree the writer made and will not
    read again: no third copy of the whole book)."""
    if copy:
        el = deepcopy(el)  # not a reparse: libxml2 refuses text nodes over 10 MB
    # The source line every block carries goes in one pass of libxml2's;
    # removing an attribute leaves the others in their order.
    etree.strip_attributes(el, "data-mb-line")
    for node in el.iter(etree.Element):  # elements only, chosen in C
        if node.tag[0] != "{":
            node.tag = _XHTML_PREFIX + node.tag
        attributes = node.attrib
        if not len(attributes):
            continue
        for attr in attributes.keys():
            if attr.startswith("data-mb-"):
                del attributes[attr]
            elif attr == "lang":
                node.set(XML_LANG, node.get("lang"))
    return el


def document(body_content: Iterable[etree._Element], *, title: str, lang: str,
             stylesheets: Iterable[str] = (), body_type: str | None = None,
             body_class: str | None = None) -> bytes:
    """A complete XHTML document around already-namespaced body content."""
    return serialize(document_tree(body_content, title=title, lang=lang, stylesheets=stylesheets,
                                   body_type=body_type, body_class=body_class))


def document_tree(body_content: Iterable[etree._Element], *, title: str, lang: str,
                  stylesheets: Iterable[str] = (), body_type: str | None = None,
                  body_class: str | None = None) -> etree._Element:
    """:func:`document` as a tree, for editions that transform it (the kepub)."""
    html = etree.Element(f"{{{XHTML_NS}}}html", nsmap=NSMAP)
    html.set("lang", lang)
    html.set(XML_LANG, lang)
    head = etree.SubElement(html, f"{{{XHTML_NS}}}head")
    etree.SubElement(head, f"{{{XHTML_NS}}}meta", charset="utf-8")
    title_el = etree.SubElement(head, f"{{{XHTML_NS}}}title")
    title_el.text = title
    for href in stylesheets:
        etree.SubElement(head, f"{{{XHTML_NS}}}link", rel="stylesheet", type="text/css", href=href)
    body = etree.SubElement(html, f"{{{XHTML_NS}}}body")
    if body_type:
        body.set(f"{{{EPUB_NS}}}type", body_type)
    if body_class:
        body.set("class", body_class)
    for el in body_content:
        body.append(el)
    # EPUBCheck 5 wants the z3998 vocabulary declared (OPF-028) when used.
    if _Z3998(body):
        html.set(f"{{{EPUB_NS}}}prefix", "z3998: http://www.daisy.org/z3998/2012/vocab/structure/#")
    return html


def serialize(root: etree._Element) -> bytes:
    """XML declaration, HTML doctype, UTF-8; deterministic."""
    return etree.tostring(root, xml_declaration=True, encoding="utf-8",
                          doctype="<!DOCTYPE html>", pretty_print=False)
