"""lxml parsers that cannot be turned against us.

Every XML or HTML parse in make_book uses these factories: no DTD is loaded,
no external or internal entity is expanded (so no file disclosure and no
"billion laughs"), no network access, and no huge-tree mode (libxml2's own
depth and size limits stay on).

The HTML parser decodes character references such as ``&#xFFFE;`` or
``&#1;`` into characters that XML cannot hold, and lxml then refuses to set
any string containing them, so the first edit of such a tree would fail and
no writer could serialize it: :func:`scrub_tree` removes them, and the HTML
parse functions here apply it.
"""

from __future__ import annotations

from lxml import etree, html

from .errors import SourceError
from .xhtml import xml_safe

#: The code of the :class:`SourceError` raised for a document declaring
#: entities: callers that fall back to another parser on malformed XML must
#: not fall back on this one (the refusal is deliberate, not a syntax error).
ENTITIES_REFUSED = "MB420"


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
    if b"<!ENTITY" in data[:65536]:
        _refuse_entities(data, file)
    try:
        root = etree.fromstring(data, xml_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if exc.lineno else None
        message = exc.msg.split(", line ")[0] if exc.msg else "malformed XML"
        raise SourceError(f"malformed XML: {message}", file=file, line=line) from None
    if root is None:
        raise SourceError("empty XML document", file=file)
    # The quick look above sees the first 64 KiB; a declaration hidden behind
    # a long comment is caught here (parsed, but never expanded).
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(iter(dtd.iterentities()), None) is not None:
        _refuse_entities(data, file)
    return root


def _refuse_entities(data: bytes, file: str | None) -> None:
    at = data.find(b"<!ENTITY")
    line = data.count(b"\n", 0, at) + 1 if at >= 0 else None
    raise SourceError("XML declares entities (<!ENTITY>), which are refused", file=file, line=line,
                      code=ENTITIES_REFUSED)


def scrub_tree(root: etree._Element) -> int:
    """Remove characters XML 1.0 cannot hold from every text, tail and
    attribute value under ``root`` (see the module docstring); return how
    many were removed.  One linear walk; ASCII text is skipped quickly."""
    removed = 0
    for el in root.iter():
        for name in ("text", "tail"):
            value = getattr(el, name)
            if value and not (value.isascii() and value.isprintable()):
                safe = xml_safe(value)
                if len(safe) != len(value):
                    removed += len(value) - len(safe)
                    setattr(el, name, safe)
        if isinstance(el.tag, str):
            for key, value in el.attrib.items():
                if value.isascii() and value.isprintable():
                    continue
                safe = xml_safe(value)
                if len(safe) != len(value):
                    removed += len(value) - len(safe)
                    el.set(key, safe)
    return removed


def parse_html(text: str, *, file: str | None = None) -> etree._Element:
    """Parse (possibly broken) HTML into an element tree rooted at ``<html>``."""
    if not text.strip():
        text = "<html><body></body></html>"
    try:
        root = html.document_fromstring(text, parser=html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"cannot parse HTML: {exc}", file=file) from None
    scrub_tree(root)
    return root


def parse_html_fragment(text: str, *, file: str | None = None) -> list[etree._Element | str]:
    """Parse an HTML fragment (inline HTML in Markdown) into elements.

    Returns the leading text (if any) followed by elements, as
    ``lxml.html.fragments_fromstring`` does.
    """
    if not text.strip():
        return []
    try:
        parts = html.fragments_fromstring(text, parser=html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"cannot parse inline HTML: {exc}", file=file) from None
    for part in parts:
        if not isinstance(part, str):
            scrub_tree(part)
    return [xml_safe(part) if isinstance(part, str) else part for part in parts]
