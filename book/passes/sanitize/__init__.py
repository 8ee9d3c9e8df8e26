"""Sanitize: make every chapter tree safe and valid EPUB 3 content.

The first pass, run on every chapter a reader made from markup (HTML and
DOCX manuscripts, inline HTML in Markdown); the plain-text reader writes
only elements and attributes of its own, so its chapters skip it
(:attr:`book.model.Chapter.reader_made`).  It works from allowlists, so
what it does not know it does not keep:

* Elements outside :data:`.allowlists.ALLOWED_ELEMENTS` are *unwrapped*
  (their text stays), except those in :data:`.allowlists.REMOVED_ELEMENTS`
  (scripts, embedded content, forms, document metadata...), which go with
  their content, and the obsolete ones in
  :data:`.allowlists.RENAMED_ELEMENTS`, which become their modern
  equivalent (``tt`` → ``code``, ``strike`` → ``s``...).
* Attributes outside :data:`.allowlists.GLOBAL_ATTRIBUTES` /
  :data:`.allowlists.ELEMENT_ATTRIBUTES` are dropped; event handlers
  (``on*``) always, with a warning (:mod:`.attributes`).
* URLs: ``href`` only with the schemes in :data:`.allowlists.HREF_SCHEMES`
  (or none), ``src`` only relative, http(s) (the images pass decides about
  remote images) or ``data:`` for the image types in
  :data:`.allowlists.DATA_IMAGE_TYPES`.  ``javascript:``, ``vbscript:``,
  ``data:`` links and the like are removed, whatever whitespace, control
  characters or letter case hide them.
* ``style`` attributes that load or run something (``url(``,
  ``expression(``, ``@import``, ``behavior:``, ``-moz-binding``, CSS
  escapes) are removed; the others keep only their well-formed
  declarations (:mod:`.attribute_values`).
* Attribute values are checked where HTML, WAI-ARIA and EPUB constrain
  them (:mod:`.attribute_values`): numbers and enumerations, ``role``
  tokens valid on the element, ``aria-*`` with their value types and
  existing ID references, ``epub:type`` terms of the EPUB vocabulary or the
  declared ``z3998:`` prefix (``se:short-story`` would make EPUBCheck
  fail), ``datetime`` by HTML's grammars, ``lang`` as BCP 47, ``headers``
  naming header cells.
* MathML stays, in its namespace, limited to presentation markup
  (:mod:`.mathml`).
* Inline ``<svg>`` drawings become SVG images (:mod:`.inline_svg`).
* Nesting deeper than :data:`book.limits.MAX_DEPTH` is flattened: the
  element at the limit keeps the text of everything below it.
* Every element is then put where HTML's content models allow it
  (:mod:`.repair`, rules as data in :mod:`.content_model`):
  orphans wrapped, paragraphs split around blocks, nested links unwrapped...

Everything is iterative (no recursion), so a 100,000-level tree is no
problem, and the pass is idempotent: a second run changes nothing and says
nothing.  Warnings name the chapter's source file and the ``data-mb-line``
of the nearest element that has one; they are grouped by kind
(:mod:`.findings`).

Diagnostic codes:

====== ========================================================== ========
SAN001 script / noscript / template removed                        warning
SAN002 event handler attribute (``on*``) removed                    warning
SAN003 unsafe URL (javascript:, vbscript:, data:, file:...) removed warning
SAN004 embedded content (iframe, object, embed, applet...) removed warning
SAN005 form or form control removed                                 warning
SAN006 document metadata in the body (meta, link, base) removed     warning
SAN007 style attribute that loads or runs something removed         warning
SAN008 nesting deeper than MAX_DEPTH flattened                      warning
SAN009 unknown elements unwrapped (their text kept)                 note
SAN010 <style> element removed                                      note
SAN011 audio, video, image map or oversized inline SVG removed      warning
SAN012 epub:type terms unknown or with undeclared prefixes removed  note
SAN013 structure repaired without loss (wrapped, split, moved)      note
SAN014 element changed or unwrapped to fit, its text kept           warning
SAN015 element with no text dropped where it cannot stand           warning
SAN016 role value invalid or not allowed on the element removed     warning
SAN017 aria-* attribute invalid, not allowed or dangling removed    warning
SAN018 invalid CSS removed from a style attribute                   warning
SAN019 invalid datetime removed                                     warning
SAN020 invalid lang, hreflang, type or headers value removed        warning
SAN021 inline SVG drawings turned into SVG images (inline_svg.py)    note
====== ========================================================== ========
"""

from __future__ import annotations

from lxml import etree

from ...context import BuildContext
from ...i18n import label as i18n_label
from ...limits import MAX_DEPTH
from ...model import Chapter
from ...xhtml import nearest_lang, remove_keep_tail, source_line, unwrap
from .allowlists import (
    ALLOWED_ELEMENTS,
    QUIET_UNWRAP,
    REMOVED_ELEMENTS,
    RENAMED_ELEMENTS,
    REQUIRED_ATTRIBUTE_FAILS,
    REQUIRED_WHAT,
)
from .attributes import check_context, clean_attributes
from .content_model import MATHML_NS
from .findings import Findings, report_findings
from .inline_svg import inline_svg_to_images
from .mathml import clean_mathml, clean_mathml_attributes, convert_plain_mathml
from .repair import repair_content

_M = f"{{{MATHML_NS}}}"


def run(chapter: Chapter, ctx: BuildContext) -> Chapter:
    """The pass: sanitize one chapter's tree (not one the plain-text reader
    made itself, :attr:`~book.model.Chapter.reader_made`: nothing in it
    came from markup, so there is nothing to remove or repair)."""
    if chapter.reader_made:
        return chapter
    sanitize_tree(chapter.tree, ctx, file=chapter.source.file)
    return chapter


def sanitize_tree(root: etree._Element, ctx: BuildContext, *, file: str) -> None:
    """Sanitize ``root`` in place (see the module docstring); warn about it."""
    found = Findings()
    converted = inline_svg_to_images(root)
    if converted:
        ctx.diag.note("SAN021", f"{converted} inline SVG drawing{'s' if converted > 1 else ''} "
                      "carried over as SVG images (cleaned like any SVG image)", file=file)
    _remove_dangerous(root, _depths(root), found)
    _flatten_deep(root, found)
    convert_plain_mathml(root)
    for el in list(root.iter()):
        if el.getparent() is None and el is not root:
            continue
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag.startswith(_M):
            if not clean_mathml(el, found):
                remove_keep_tail(el)
            continue
        if el is root:
            clean_attributes(el, "section", found)
            continue
        if tag.startswith("{"):
            label = f"{el.prefix}:{_local(tag)}" if el.prefix else _local(tag)
            found.add("SAN009", label, source_line(el))
            clean_attributes(el, "span", found)
            unwrap(el)
            continue
        name = tag.lower()
        if name != tag:
            el.tag = tag = name
        if name in RENAMED_ELEMENTS:
            el.tag = tag = RENAMED_ELEMENTS[name]
        if tag not in ALLOWED_ELEMENTS:
            if tag not in QUIET_UNWRAP:
                found.add("SAN009", tag, source_line(el))
            clean_attributes(el, "span", found)
            unwrap(el)
            continue
        if not clean_attributes(el, tag, found):
            if tag == "img":
                _img_to_text(el)
            else:
                unwrap(el)  # a link whose target was unsafe keeps its text
        else:
            required = REQUIRED_ATTRIBUTE_FAILS.get(tag)
            if required is not None and required(el):
                # Without it the element means nothing HTML allows: a plain span.
                found.add("SAN013", f"<{tag}> without {REQUIRED_WHAT[tag]} made <span>",
                          source_line(el))
                el.tag = "span"
    renamed = repair_content(
        root, lambda code, what, el: found.add(code, what, source_line(el)),
        summary_label=lambda el: i18n_label("details", nearest_lang(el, ctx.language)))
    for el in renamed:
        if el is not root and el.getparent() is None:
            continue
        if el.tag.startswith(_M):
            clean_mathml_attributes(el, el.tag[len(_M):])
        else:
            clean_attributes(el, el.tag, found)
    check_context(root, found)
    # Declarations left by MathML that was unwrapped or converted: the EPUB
    # writer must not think the chapter holds MathML (OPF-015).
    etree.cleanup_namespaces(root)
    report_findings(found, ctx, file)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if tag.startswith("{") else tag.lower()


def _depths(root: etree._Element) -> dict[etree._Element, int]:
    """Every node's depth below ``root``, in one linear walk.

    ``root.iter()`` is linear however deep the tree; lxml's ``iterwalk`` and
    ``itertext`` are not (they slow down with depth), hence this map.
    """
    depth: dict[etree._Element, int] = {root: 0}
    for el in root.iter():
        if el is not root:
            depth[el] = depth[el.getparent()] + 1
    return depth


def _remove_dangerous(root: etree._Element, depth: dict[etree._Element, int],
                      found: Findings) -> None:
    """Remove REMOVED_ELEMENTS (and comments, PIs, entity references) with their content.

    Inside a doomed element nothing is looked at: the cost stays linear.
    """
    doomed: list[etree._Element] = []
    doomed_depth: int | None = None  # depth of the doomed element we are inside
    for el in root.iter():
        if el is root:
            continue
        level = depth[el]
        if doomed_depth is not None:
            if level > doomed_depth:
                continue
            doomed_depth = None
        if not isinstance(el.tag, str):
            doomed.append(el)
            doomed_depth = level
            continue
        if el.tag.startswith(_M):
            continue
        rule = REMOVED_ELEMENTS.get(_local(el.tag))
        if rule is not None:
            found.add(rule[0], _local(el.tag), source_line(el))
            doomed.append(el)
            doomed_depth = level
    for el in doomed:
        remove_keep_tail(el)


def _subtree_text(el: etree._Element, depth: dict[etree._Element, int]) -> str:
    """``"".join(el.itertext())`` without itertext's cost on deep trees."""
    pieces: list[str] = []
    pending: list[tuple[int, str]] = []  # tails waiting for their subtree to end
    for node in el.iter():
        level = depth.get(node, 0)
        while pending and pending[-1][0] >= level:
            pieces.append(pending.pop()[1])
        if node is not el and not isinstance(node.tag, str):
            pending.append((level, node.tail or ""))
            continue
        pieces.append(node.text or "")
        if node is not el:
            pending.append((level, node.tail or ""))
    while pending:
        pieces.append(pending.pop()[1])
    return "".join(pieces)


def _flatten_deep(root: etree._Element, found: Findings) -> None:
    """Elements at MAX_DEPTH keep the text of their descendants, not the nesting."""
    depth = _depths(root)
    cut = [el for el, level in depth.items() if level == MAX_DEPTH and len(el)]
    for el in cut:
        text = _subtree_text(el, depth)
        line = source_line(el)
        for child in list(el):
            el.remove(child)
        el.text = text
        found.add("SAN008", str(MAX_DEPTH), line)


def _img_to_text(img: etree._Element) -> None:
    """An image that cannot stay leaves its alt text behind."""
    alt = (img.get("alt") or "").strip()
    tail = img.tail or ""
    img.tail = None
    if alt:
        img.tail = f"[{alt}]" + tail
    else:
        img.tail = tail
    remove_keep_tail(img)
