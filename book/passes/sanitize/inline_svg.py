"""Inline ``<svg>`` drawings become SVG images instead of being lost.

EPUB 3 allows SVG inside XHTML, but an inline drawing is also a place for
scripts, event handlers, foreign objects and remote references, and every
consumer (EPUB reading systems, WeasyPrint, Ace) treats it differently.
An SVG *image* goes through one door: :func:`book.images.svg.sanitize_svg`,
which the images pass applies to every SVG it registers.  So the sanitize
pass hands each inline drawing over as an ``<img>`` with a ``data:`` URI;
the images pass then decodes, cleans and stores it as a file of the book.

The drawing's text alternative comes with it (WAI-ARIA Graphics; SVG 2
§5.4 "The title element"): ``aria-label``, else the text of an
``aria-labelledby`` target, else its ``<title>``; ``aria-hidden="true"``
or ``role="presentation"``/``"none"`` mark it decorative (``alt=""``).
Without any of them the image has no ``alt`` and the accessibility pass
reports it like any undescribed image.
"""

from __future__ import annotations

import base64
import copy

from lxml import etree

from ...xhtml import text_content

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
#: Largest drawing converted (serialized bytes); a larger one is removed
#: like any other oversized content, with the sanitize pass's warning.
MAX_INLINE_SVG_BYTES = 2 * 1024 * 1024


#: SVG names with capitals, which an HTML parser hands over in lower case
#: (HTML §13.2.6.3 "adjust SVG attributes" and the element name table).
SVG_CASE: dict[str, str] = {name.lower(): name for name in (
    "viewBox preserveAspectRatio gradientUnits gradientTransform patternUnits "
    "patternContentUnits patternTransform clipPathUnits markerWidth markerHeight markerUnits "
    "refX refY spreadMethod startOffset textLength lengthAdjust maskUnits maskContentUnits "
    "pathLength filterUnits primitiveUnits stdDeviation baseFrequency numOctaves "
    "tableValues kernelMatrix diffuseConstant specularConstant specularExponent "
    "surfaceScale xChannelSelector yChannelSelector limitingConeAngle pointsAtX pointsAtY "
    "pointsAtZ edgeMode kernelUnitLength targetX targetY attributeName calcMode keyTimes "
    "keySplines repeatCount repeatDur "
    "linearGradient radialGradient clipPath textPath foreignObject feGaussianBlur "
    "feColorMatrix feComposite feOffset feBlend feFlood feMerge feMergeNode "
    "feMorphology feTurbulence feDisplacementMap feComponentTransfer feFuncR feFuncG "
    "feFuncB feFuncA feImage feTile feDropShadow feDiffuseLighting feSpecularLighting "
    "fePointLight feSpotLight feDistantLight feConvolveMatrix altGlyph glyphRef "
    "animateMotion animateTransform").split()}


_SVG_TAGS = ("svg", f"{{{SVG_NS}}}svg")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _is_svg_root(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and el.tag in _SVG_TAGS


def _in_svg_namespace(el: etree._Element) -> etree._Element:
    """A standalone copy of ``el`` whose elements are all in the SVG namespace
    (the HTML parser leaves them in none)."""
    def rebuild(source: etree._Element) -> etree._Element:
        name = _local(source.tag)
        name = SVG_CASE.get(name, name)
        target = etree.Element(f"{{{SVG_NS}}}{name}", nsmap={None: SVG_NS, "xlink": XLINK_NS})
        for key, value in source.attrib.items():
            if key.startswith("{"):
                namespace, local = key[1:].split("}", 1)
                if namespace == XLINK_NS:
                    target.set(f"{{{XLINK_NS}}}{local}", value)
                elif namespace == SVG_NS:
                    target.set(local, value)
            elif key.startswith("xlink:"):
                target.set(f"{{{XLINK_NS}}}{key[6:]}", value)
            elif ":" not in key and key != "xmlns":  # namespaces come from the nsmap
                target.set(SVG_CASE.get(key, key), value)
        target.text = source.text
        for child in source:
            # An HTML parser accepts names XML does not (o:p): they are no SVG.
            if isinstance(child.tag, str) and ":" not in _local(child.tag):
                copied = rebuild(child)
                copied.tail = child.tail
                target.append(copied)
        return target

    if el.tag.startswith(f"{{{SVG_NS}}}"):
        clone = copy.deepcopy(el)
        clone.tail = None
        return clone
    return rebuild(el)


def _alternative(svg: etree._Element, root: etree._Element) -> str | None:
    """The drawing's text alternative; "" when decorative; None when it has none."""
    if svg.get("aria-hidden") == "true" or svg.get("role") in ("presentation", "none"):
        return ""
    label = " ".join((svg.get("aria-label") or "").split())
    if label:
        return label
    ids = (svg.get("aria-labelledby") or "").split()
    if ids:
        by_id = {el.get("id"): el for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
        named = " ".join(text_content(by_id[i]) for i in ids if i in by_id).strip()
        if named:
            return named
    for child in svg:
        if isinstance(child.tag, str) and _local(child.tag) == "title":
            title = text_content(child).strip()
            if title:
                return title
    return None


def svg_image(svg: etree._Element, root: etree._Element) -> etree._Element | None:
    """The ``<img>`` standing for the drawing ``svg`` (None when too large).

    ``root`` is searched for ``aria-labelledby`` targets.
    """
    standalone = _in_svg_namespace(svg)
    for name in ("aria-hidden", "aria-label", "aria-labelledby", "role"):
        standalone.attrib.pop(name, None)
    for el in standalone.iter():  # the readers' own marks stay out of the file
        for name in [n for n in el.attrib if n.startswith("data-mb-")]:
            del el.attrib[name]
    data = etree.tostring(standalone, xml_declaration=True, encoding="utf-8")
    if len(data) > MAX_INLINE_SVG_BYTES:
        return None
    img = etree.Element("img")
    img.set("src", "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii"))
    alt = _alternative(svg, root)
    if alt is not None:
        img.set("alt", alt)
    for name in ("id", "class", "data-mb-line"):
        if svg.get(name):
            img.set(name, svg.get(name))
    return img


def inline_svg_to_images(root: etree._Element) -> int:
    """Replace each outermost inline ``<svg>`` under ``root`` by an ``<img>``.

    Returns how many were converted.  Drawings nested in a drawing go with
    their outermost one; drawings too large to carry are left for the
    sanitize pass to remove (and report).
    """
    converted = 0
    for svg in list(root.iter(*_SVG_TAGS)):
        parent = svg.getparent()
        if parent is None or any(_is_svg_root(a) for a in svg.iterancestors()):
            continue
        img = svg_image(svg, root)
        if img is None:
            continue
        img.tail = svg.tail
        parent.replace(svg, img)
        converted += 1
    return converted
