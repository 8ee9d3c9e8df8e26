"""SVG images reduced to drawing.

SVG is parsed with :mod:`book.safexml` and reduced to drawing: scripts,
``foreignObject``, event handlers, animations that set links, and every
reference that is not internal (``#id``) or an embedded raster ``data:``
image are removed, as are foreign-namespace metadata (Inkscape, RDF).  The
size in CSS pixels is read from ``width``/``height`` or the ``viewBox``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import tinycss2
from lxml import etree

from ..errors import SourceError
from ..safexml import parse_xml
from ..xhtml import remove_keep_tail

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
#: SVG elements removed with their content: active content or HTML islands.
_SVG_REMOVE = frozenset({"script", "foreignObject", "handler", "listener", "iframe", "embed",
                         "object", "audio", "video", "canvas"})
#: Removed quietly: descriptive metadata (authors, software, RDF).
_SVG_METADATA = frozenset({"metadata"})
#: Elements that only exist to show what their href points at.
_SVG_HREF_ONLY = frozenset({"use", "image", "feImage"})
_SVG_ANIMATIONS = frozenset({"set", "animate", "animateTransform", "animateMotion", "animateColor"})
_RASTER_DATA = re.compile(r"^data:image/(png|jpeg|jpg|gif|webp)[;,]", re.IGNORECASE)
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px|pt|pc|mm|cm|in)?\s*$")
_PX_PER_UNIT = {None: 1.0, "px": 1.0, "pt": 96 / 72, "pc": 16.0, "mm": 96 / 25.4,
                "cm": 96 / 2.54, "in": 96.0}


def looks_like_svg(data: bytes) -> bool:
    """True when the bytes are XML with an ``<svg`` element near the top."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") and (b"<svg" in data[:65536] or b":svg" in data[:65536])


def _split(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def _safe_reference(value: str, element: str) -> bool:
    """Internal fragment, or an embedded raster image on an image element."""
    value = value.strip()
    if value.startswith("#"):
        return True
    return element in ("image", "feImage") and bool(_RASTER_DATA.match(value))


def _css_is_external(nodes: list) -> bool:
    """True when CSS tokens reference anything but ``#id`` or raster data."""
    for node in nodes:
        kind = getattr(node, "type", "")
        if kind == "url" and not _safe_reference(node.value, "image"):
            return True
        if kind == "function":
            if node.lower_name in ("url", "src"):
                target = "".join(getattr(a, "value", "") for a in node.arguments
                                 if getattr(a, "type", "") == "string")
                if not _safe_reference(target, "image"):
                    return True
            if _css_is_external(node.arguments):
                return True
        elif kind in ("() block", "[] block", "{} block"):
            if _css_is_external(node.content):
                return True
        elif kind == "at-rule":
            if node.lower_at_keyword == "import":
                return True
            if _css_is_external(node.prelude) or _css_is_external(node.content or []):
                return True
        elif kind == "qualified-rule":
            if _css_is_external(node.prelude) or _css_is_external(node.content):
                return True
        elif kind == "declaration":
            if _css_is_external(node.value):
                return True
    return False


def sanitize_svg(data: bytes) -> tuple[bytes, list[str], tuple[int | None, int | None]]:
    """Clean an SVG document down to static drawing.

    Returns the re-serialized bytes, the kinds of active or external content
    removed (for a warning), and the pixel size when the SVG states one.
    Raises :class:`SourceError` when it is not well-formed SVG.
    """
    root = parse_xml(data)
    if root.tag != f"{{{SVG_NS}}}svg":
        raise SourceError("the file is XML but not an SVG image (no <svg> root in the SVG namespace)")
    removed: list[str] = []

    def note(kind: str) -> None:
        if kind not in removed:
            removed.append(kind)

    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            remove_keep_tail(element)
            continue
        namespace, local = _split(element.tag)
        if namespace != SVG_NS or local in _SVG_METADATA:
            if element is not root:
                remove_keep_tail(element)
            continue
        if local in _SVG_REMOVE:
            note(local)
            remove_keep_tail(element)
            continue
        if local in _SVG_ANIMATIONS:
            target = (element.get("attributeName") or "").lower()
            if target.endswith("href") or target.startswith("on"):
                note("animation of links or handlers")
                remove_keep_tail(element)
                continue
        drop_element = _clean_svg_attributes(element, local, note)
        if drop_element:
            remove_keep_tail(element)
            continue
        if local == "style" and element.text:
            element.text = _clean_stylesheet(element.text, note)
    etree.cleanup_namespaces(root)
    size = _svg_size(root)
    clean = etree.tostring(root, encoding="UTF-8", xml_declaration=True)
    return clean, removed, size


def _clean_svg_attributes(element: etree._Element, local: str, note: Callable[[str], None]) -> bool:
    """Drop unsafe attributes; True when the element is left pointless."""
    for name in list(element.attrib):
        value = element.get(name) or ""
        namespace, attribute = _split(name)
        if namespace not in (None, XLINK_NS, _XML_NS) or (namespace == _XML_NS and attribute == "base"):
            del element.attrib[name]  # editor metadata (inkscape:, sodipodi:) and xml:base
        elif attribute.lower().startswith("on"):
            note("event handlers")
            del element.attrib[name]
        elif attribute == "href":
            if not _safe_reference(value, local):
                note("external references")
                del element.attrib[name]
                if local in _SVG_HREF_ONLY:
                    return True
        elif attribute == "style":
            if _css_is_external(tinycss2.parse_declaration_list(value, skip_comments=True)):
                note("external references")
                del element.attrib[name]
        elif "url" in value.lower() or "\\" in value:
            if _css_is_external(tinycss2.parse_component_value_list(value, skip_comments=True)):
                note("external references")
                del element.attrib[name]
    return False


def _clean_stylesheet(text: str, note: Callable[[str], None]) -> str:
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=False)
    kept = [rule for rule in rules if not _css_is_external([rule])]
    if len(kept) == len(rules):
        return text
    note("external references")
    return tinycss2.serialize(kept)


def _svg_size(root: etree._Element) -> tuple[int | None, int | None]:
    """The size in CSS pixels from width/height, else from the viewBox."""

    def length(value: str | None) -> float | None:
        match = _LENGTH.match(value or "")
        return float(match.group(1)) * _PX_PER_UNIT[match.group(2)] if match else None

    width, height = length(root.get("width")), length(root.get("height"))
    if not (width and height):
        parts = re.split(r"[\s,]+", (root.get("viewBox") or "").strip())
        if len(parts) == 4:
            try:
                box = [float(p) for p in parts]
            except ValueError:
                box = []
            if box and box[2] > 0 and box[3] > 0:
                if width and not height:
                    height = width * box[3] / box[2]
                elif height and not width:
                    width = height * box[2] / box[3]
                else:
                    width, height = box[2], box[3]
    if width and height and 0 < width < 1e6 and 0 < height < 1e6:
        return max(1, round(width)), max(1, round(height))
    return None, None
