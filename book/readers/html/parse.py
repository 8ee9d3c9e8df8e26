"""Bytes of an HTML or XHTML manuscript → one lxml tree in the model's terms.

Decoding follows the order a browser uses, with the user's word first:
``--encoding``; a byte-order mark; strict UTF-8; the document's own
declaration (``<?xml … encoding>``, ``<meta charset>``, found by a prescan
of the first bytes as in WHATWG HTML §13.2.3.2); then statistical detection.

XHTML (``.xhtml``, or any file that is well-formed XML with the XHTML
namespace) goes through the hardened XML parser of book/safexml.py.  When
an ``.xhtml`` file is not well-formed, it is read again with the tolerant
HTML parser and a warning names the file and the line where XML gave up.

Either way the result follows book/model.py: plain tag names (the XHTML
namespace stripped), ``epub:type`` as :data:`book.xhtml.EPUB_TYPE` (the
HTML parser sees a literal attribute called ``epub:type``), ``xml:lang``
folded into ``lang``, namespace declarations gone, and ``data-mb-line`` on
elements that start a new source line.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from ...context import BuildContext
from ...detect.encoding import decode_bytes
from ...errors import DecodeError, LimitError, SourceError
from ...limits import MAX_TEXT_BYTES
from ...safexml import ENTITIES_REFUSED, html_parser, parse_xml, scrub_tree
from ...xhtml import EPUB_NS, EPUB_TYPE, XHTML_NS, XML_LANG, XML_NS, xml_safe
from .. import SourceFile
from ...detect.mojibake import describe, repair_text

#: Diagnostic codes of the HTML reader (see book/readers/html/__init__.py).
NOT_WELL_FORMED = "HTM001"
BAD_CHARACTERS = "HTM002"
DECLARED_ENCODING = "HTM003"
DTD_ENTITIES = "HTM004"

_PRESCAN_BYTES = 4096
_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_XML_DECLARATION = re.compile(r"^\ufeff?\s*<\?xml[^>]*\?>")
_EPUB_PREFIXED = {"epub:type": EPUB_TYPE, f"{{{EPUB_NS}}}type": EPUB_TYPE}
_LANG_NAMES = ("xml:lang", XML_LANG)


@dataclass
class ParsedDocument:
    """The parsed tree (root ``<html>``) and how it was read."""

    root: etree._Element
    encoding: str
    xml: bool


def declared_encoding(data: bytes) -> str | None:
    """The encoding the document declares in its first bytes, if a known codec."""
    head = data[:_PRESCAN_BYTES]
    match = _XML_DECL_ENCODING.match(head) or _META_CHARSET.search(head)
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_markup(data: bytes, source: SourceFile, ctx: BuildContext) -> tuple[str, str]:
    """``(text, encoding)`` following the precedence in the module docstring."""
    override = ctx.config.content.encoding
    has_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    declared = declared_encoding(data)
    if not override and not has_bom and declared and declared not in ("utf-8", "utf-16"):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode(declared)
            except UnicodeDecodeError as exc:
                line = data.count(b"\n", 0, exc.start) + 1
                raise DecodeError(f"bytes not valid in the declared encoding {declared}",
                                  file=source.display, line=line, hint="check --encoding") from None
            ctx.diag.note(DECLARED_ENCODING, f"read as {declared}, the "
                          "encoding the document declares", file=source.display)
            return text.replace("\r\n", "\n").replace("\r", "\n"), declared
    decoded = decode_bytes(data, source.display, override)
    if decoded.guessed:
        ctx.diag.note("ENC001", f"detected encoding {decoded.encoding} (set --encoding if it is wrong)",
                      file=source.display)
    return decoded.text, decoded.encoding


def _strip_xml_declaration(text: str) -> str:
    """The XML declaration names the file's encoding, which is gone once decoded."""
    match = _XML_DECLARATION.match(text)
    if not match:
        return text.lstrip("\ufeff")
    # Keep the line count: the declaration becomes the same number of newlines.
    return "\n" * match.group(0).count("\n") + text[match.end():]


def _looks_like_xhtml(text: str) -> bool:
    head = text[:2048]
    return XHTML_NS in head


def parse_document(source: SourceFile, ctx: BuildContext) -> ParsedDocument:
    """Read, decode and parse one HTML/XHTML manuscript (see the module docstring)."""
    data = ctx.sandbox.read_bytes(source.path, limit=MAX_TEXT_BYTES, file=source.display)
    text, encoding = decode_markup(data, source, ctx)
    repaired, repairs = repair_text(text)  # mojibake and C1 controls (book/detect/mojibake.py)
    if repairs.lines:
        ctx.diag.note("ENC003", describe(repairs), file=source.display)
    safe = xml_safe(repaired)
    if repairs.controls or len(safe) != len(repaired):
        ctx.diag.warn(BAD_CHARACTERS, "removed characters that cannot appear in a document "
                      "(NUL, control characters or lone surrogates)", file=source.display)
    text = _strip_xml_declaration(safe)
    if "<!ENTITY" in text:
        # Only a DTD declares entities, and no book needs one: refused wherever
        # it hides (behind a long comment too), whichever parser would read it
        # (libxml2's HTML parser would leave the subset's "]>" in the text).
        _refuse_entities(text, source)
    want_xml = source.path.suffix.lower() == ".xhtml" or _looks_like_xhtml(text)
    root: etree._Element | None = None
    if want_xml:
        try:
            root = parse_xml(text, file=source.display)
        except SourceError as exc:
            if exc.code == ENTITIES_REFUSED:
                # Declarations hidden behind a long prolog: refused as firmly as
                # those up front, never re-read as HTML (which would leave the
                # DTD's "]>" in the text).
                _refuse_entities(text, source)
            if "Entity '" in exc.message and "not defined" in exc.message:
                # XHTML 1.x with &nbsp; and friends from its DTD, which we never load.
                ctx.diag.note(DTD_ENTITIES, "the document uses named entities from its DTD; "
                              "read with the HTML parser, which knows them", file=source.display)
            elif source.path.suffix.lower() == ".xhtml":
                ctx.diag.warn(NOT_WELL_FORMED, f"not well-formed XHTML ({exc.message}); read with "
                              "the tolerant HTML parser instead", file=source.display,
                              line=exc.line, hint="check the markup near that line")
            root = None
        if root is not None and _local(root.tag) != "html":
            root = None
        if root is not None and next(root.iter(etree.Entity), None) is not None:
            # XHTML 1.x: &nbsp; and friends come from a DTD we never load.
            ctx.diag.note(DTD_ENTITIES, "the document uses named entities from its DTD; "
                          "read with the HTML parser, which knows them", file=source.display)
            root = None
    xml = root is not None
    if root is None:
        root = _parse_html(text, source)
    normalize_tree(root)
    return ParsedDocument(root, encoding, xml)


def _refuse_entities(text: str, source: SourceFile) -> None:
    at = text.find("<!ENTITY")
    raise SourceError("the document declares XML entities (<!ENTITY>), which are refused",
                      file=source.display, line=text.count("\n", 0, at) + 1 if at >= 0 else None,
                      code=ENTITIES_REFUSED)


def _parse_html(text: str, source: SourceFile) -> etree._Element:
    """The tolerant HTML parse, refusing what libxml2 would silently truncate."""
    if not text.strip():
        text = "<html><body></body></html>"
    parser = html_parser()
    # Plain elements: lxml.html's per-element Python class lookup costs more
    # than all our passes over a long book, and nothing here needs it.
    parser.set_element_class_lookup(etree.ElementDefaultClassLookup())
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"cannot parse HTML: {exc}", file=source.display) from None
    scrub_tree(root)  # &#xFFFE; and the like decode to characters lxml will not set
    for error in parser.error_log:
        if error.type_name == "ERR_RESOURCE_LIMIT" or "XML_PARSE_HUGE" in error.message:
            what = ("elements nested more than 255 levels deep" if "depth" in error.message
                    else "a single run of text longer than 10 MB")
            raise LimitError(f"the document has {what}; the parser stops there and the rest "
                             "would be lost", file=source.display, line=error.line or None,
                             hint="split the text into paragraphs or flatten the markup")
    return root


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def normalize_tree(root: etree._Element) -> None:
    """Plain tag names, epub:type and lang as the model spells them, source lines."""
    xhtml_prefix = f"{{{XHTML_NS}}}"
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag.startswith(xhtml_prefix):
            el.tag = tag[len(xhtml_prefix):]
        attrib = el.attrib
        if not attrib:
            continue
        for name in list(attrib):
            if name in _EPUB_PREFIXED:
                value = attrib.pop(name)
                attrib[EPUB_TYPE] = value
            elif name in _LANG_NAMES:
                value = attrib.pop(name)
                if value and "lang" not in attrib:
                    attrib["lang"] = value
            elif name.startswith(("xmlns", f"{{{XML_NS}}}", "xml:")) or name in (
                    "epub:prefix", f"{{{EPUB_NS}}}prefix"):
                del attrib[name]
    _mark_lines(root)
    etree.cleanup_namespaces(root)


def _mark_lines(root: etree._Element) -> None:
    """``data-mb-line`` where an element starts on a new source line."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        line = el.sourceline
        if not line:
            continue
        parent = el.getparent()
        if parent is None or parent.sourceline != line:
            el.set("data-mb-line", str(line))
