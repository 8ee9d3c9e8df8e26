"""lxml parsers that cannot be turned against us.

Every XML or HTML parse in make_book uses these factories: no DTD is loaded,
no external or internal entity is expanded (so no file disclosure and no
"billion laughs"), no network access, and no huge-tree mode (libxml2's own
depth and size limits stay on).
"""

from __future__ import annotations

from lxml import etree, html

from .errors import SourceError


def xml_parser(*, recover: bool = False) -> etree.XMLParser:
    """A hardened XML parser (XHTML, OPF, the XML parts of a DOCX)."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        dtd_validation=False,
        no_network=True,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def html_parser() -> html.HTMLParser:
    """A hardened, error-tolerant HTML parser."""
    return html.HTMLParser(
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
        default_doctype=False,
        recover=True,
    )


def parse_xml(data: bytes | str, *, file: str | None = None) -> etree._Element:
    """Parse XML, refusing documents that declare entities.

    lxml with ``resolve_entities=False`` leaves entity references unexpanded,
    but a document that declares its own entities is almost always an
    attack (or an artifact no book needs), so it is refused outright.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    head = data[:65536]
    if b"<!ENTITY" in head:
        raise SourceError("XML declares entities (<!ENTITY>), which are refused", file=file)
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        message = exc.msg.split(", line ")[0] if exc.msg else "malformed XML"
        raise SourceError(f"malformed XML: {message}", file=file, line=line) from None
    if root is None:
        raise SourceError("empty XML document", file=file)
    return root


def parse_html(text: str, *, file: str | None = None) -> etree._Element:
    """Parse (possibly broken) HTML into an element tree rooted at ``<html>``."""
    if not text.strip():
        text = "<html><body></body></html>"
    try:
        root = html.document_fromstring(text, parser=html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"cannot parse HTML: {exc}", file=file) from None
    return root


def parse_html_fragment(text: str, *, file: str | None = None) -> list[etree._Element | str]:
    """Parse an HTML fragment (inline HTML in Markdown) into elements.

    Returns the leading text (if any) followed by elements, as
    ``lxml.html.fragments_fromstring`` does.
    """
    if not text.strip():
        return []
    try:
        return html.fragments_fromstring(text, parser=html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"cannot parse inline HTML: {exc}", file=file) from None
