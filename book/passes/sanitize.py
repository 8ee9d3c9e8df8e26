"""Sanitize: make every chapter tree safe and valid EPUB 3 content.

The first pass, run on every chapter whatever reader made it (HTML and
DOCX manuscripts, inline HTML in Markdown).  It works from allowlists, so
what it does not know it does not keep:

* Elements outside :data:`ALLOWED_ELEMENTS` are *unwrapped* (their text
  stays), except those in :data:`REMOVED_ELEMENTS` (scripts, embedded
  content, forms, document metadata...), which go with their content, and
  the obsolete ones in :data:`RENAMED_ELEMENTS`, which become their modern
  equivalent (``tt`` → ``code``, ``strike`` → ``s``...).
* Attributes outside :data:`GLOBAL_ATTRIBUTES` / :data:`ELEMENT_ATTRIBUTES`
  are dropped; event handlers (``on*``) always, with a warning.  Attribute
  values are checked where HTML constrains them (numbers, enumerations,
  language tags).
* URLs: ``href`` only with the schemes in :data:`HREF_SCHEMES` (or none),
  ``src`` only relative, http(s) (the images pass decides about remote
  images) or ``data:`` for the image types in :data:`DATA_IMAGE_TYPES`.
  ``javascript:``, ``vbscript:``, ``data:`` links and the like are removed,
  whatever whitespace, control characters or letter case hide them.
* ``style`` attributes that load or run something (``url(``,
  ``expression(``, ``@import``, ``behavior:``, ``-moz-binding``, CSS
  escapes) are removed; the others keep only their well-formed
  declarations (:mod:`.attribute_values`).
* Attribute values are checked where HTML, WAI-ARIA and EPUB constrain
  them (:mod:`.attribute_values`): ``role`` tokens valid on the element,
  ``aria-*`` with their value types and existing ID references,
  ``epub:type`` terms of the EPUB vocabulary or the declared ``z3998:``
  prefix (``se:short-story`` would make EPUBCheck fail), ``datetime`` by
  HTML's grammars, ``lang`` as BCP 47, ``headers`` naming header cells.
* MathML stays, in its namespace, limited to presentation markup.
* Nesting deeper than :data:`book.limits.MAX_DEPTH` is flattened: the
  element at the limit keeps the text of everything below it.
* Every element is then put where HTML's content models allow it
  (:mod:`.sanitize_content`, rules as data in :mod:`.content_model`):
  orphans wrapped, paragraphs split around blocks, nested links unwrapped...

Everything is iterative (no recursion), so a 100,000-level tree is no
problem, and the pass is idempotent: a second run changes nothing and says
nothing.  Warnings name the chapter's source file and the ``data-mb-line``
of the nearest element that has one.

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

import re
from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree

from ..context import BuildContext
from ..i18n import label as i18n_label
from ..limits import MAX_DEPTH
from ..model import Chapter
from ..xhtml import EPUB_TYPE, XML_LANG, nearest_lang, remove_keep_tail, unwrap
from .attribute_values import (
    ARIA_IDREFS,
    DEPRECATED_ROLES,
    EPUB_TYPE_FORBIDDEN,
    allowed_role,
    aria_allowed,
    clean_aria_value,
    clean_datetime,
    clean_style,
    datetime_ok,
    epub_type_verdict,
    language_tag_ok,
    mathml_attribute_ok,
    mime_type_ok,
)
from .inline_svg import inline_svg_to_images
from .sanitize_content import repair_content

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
_M = f"{{{MATHML_NS}}}"

# ------------------------------------------------------------------ the tables

#: HTML elements valid in EPUB 3 XHTML content documents' bodies.
ALLOWED_ELEMENTS = frozenset("""
a abbr address article aside b bdi bdo blockquote br caption cite code col colgroup data dd del
details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hgroup hr i img ins
kbd li main mark nav ol p pre q rp rt ruby s samp section small span strong sub summary sup
table tbody td tfoot th thead time tr u ul var wbr
""".split())

#: Obsolete elements and their modern equivalents (HTML §16.2).
RENAMED_ELEMENTS = {
    "acronym": "abbr", "tt": "code", "strike": "s", "center": "div", "listing": "pre",
    "xmp": "pre", "plaintext": "pre", "dir": "ul", "menu": "ul",
}

#: Elements removed with everything inside them: (code, what, severity).
REMOVED_ELEMENTS: dict[str, tuple[str, str]] = {
    **{t: ("SAN001", "script") for t in ("script", "noscript", "template")},
    **{t: ("SAN004", "embedded content") for t in (
        "iframe", "frame", "frameset", "noframes", "object", "embed", "applet", "param",
        "portal", "fencedframe", "dialog", "slot")},
    **{t: ("SAN005", "form") for t in (
        "form", "input", "button", "select", "textarea", "option", "optgroup", "datalist",
        "output", "keygen", "progress", "meter", "isindex")},
    **{t: ("SAN006", "document metadata") for t in ("meta", "link", "base", "head", "title",
                                                    "basefont", "bgsound")},
    "style": ("SAN010", "stylesheet"),
    **{t: ("SAN011", "media") for t in ("svg", "audio", "video", "source", "track", "area",
                                        "image")},
    "xml": ("SAN009", "data island"),
}

#: Attributes every element may carry (plus ``aria-*`` and ``data-*``).
GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir", "role", "hidden",
                               "translate", "style", EPUB_TYPE})

#: Attributes particular elements may carry.
ELEMENT_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "hreflang", "type"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "td": frozenset({"colspan", "rowspan", "headers"}),
    # th@abbr is valid HTML, but EPUBCheck 5's schema still calls it obsolete.
    "th": frozenset({"colspan", "rowspan", "headers", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "reversed", "type"}),
    "li": frozenset({"value"}),
    "time": frozenset({"datetime"}),
    "data": frozenset({"value"}),
    "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "details": frozenset({"open"}),
}

#: Attributes of ``a`` that describe its target: they go with the href.
_LINK_ONLY_ATTRIBUTES = frozenset({"type", "hreflang"})

#: Checks on attribute values: a value failing its check drops the attribute.
_INT = re.compile(r"^-?\d{1,9}$")
_NON_NEGATIVE = re.compile(r"^\d{1,9}$")
VALUE_CHECKS: dict[str, object] = {
    "width": _NON_NEGATIVE, "height": _NON_NEGATIVE, "colspan": re.compile(r"^[1-9]\d{0,2}$"),
    "rowspan": re.compile(r"^\d{1,5}$"), "span": re.compile(r"^[1-9]\d{0,2}$"),
    "start": _INT, "value": _INT, "type": None, "scope": {"row", "col", "rowgroup", "colgroup"},
    "dir": {"ltr", "rtl", "auto"}, "translate": {"yes", "no"},
    "reversed": {"", "reversed"}, "hidden": {"", "hidden"},
    "open": {"", "open"},
}
_OL_TYPES = {"1", "a", "A", "i", "I"}

#: URL schemes a link may use; no scheme (a relative link) is always fine.
HREF_SCHEMES = frozenset({"http", "https", "mailto", "tel", "ftp", "sms"})
#: URL schemes an image may use (remote ones are the images pass's call).
SRC_SCHEMES = frozenset({"http", "https"})
#: ``cite`` (a source that is never shown or fetched) only as an https URL:
#: EPUBCheck reports http (RSC-031) and checks relative ones as resources.
CITE_SCHEMES = frozenset({"https"})
#: ``data:`` images allowed in ``src``.
DATA_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml")
#: Attributes holding URLs, by the rule they follow.
URL_ATTRIBUTES = {"href": "href", "src": "src", "cite": "cite"}

#: Substrings of a ``style`` value (lower case, no spaces or comments) that
#: load a resource or run code.
STYLE_THREATS = ("url(", "expression(", "@import", "behavior:", "behaviour:", "-moz-binding",
                 "javascript:", "vbscript:", "image-set(", "\\")


#: MathML presentation elements kept (MathML Core); the rest is unwrapped.
MATHML_ELEMENTS = frozenset("""
math mi mn mo ms mspace mtext mrow mfrac msqrt mroot mstyle merror mpadded mphantom mfenced
menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts none mtable mtr
mtd mlabeledtr semantics annotation
""".split())

_WHITESPACE_AND_CONTROLS = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.S)
_DATA_OR_ARIA = re.compile(r"^(?:data-[a-z0-9_.\-]+|aria-[a-z]+)$")


# ------------------------------------------------------------------ findings


@dataclass
class _Findings:
    """What one run removed, grouped for one warning per kind."""

    counts: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    lines: dict[tuple[str, str], int | None] = field(default_factory=dict)

    def add(self, code: str, what: str, line: int | None) -> None:
        key = (code, what)
        self.counts[key] += 1
        if key not in self.lines or (self.lines[key] is None and line is not None):
            self.lines[key] = line


_NOTE_CODES = frozenset({"SAN009", "SAN010", "SAN012", "SAN013"})
#: How many different findings of one code a message lists.
_MAX_LISTED = 6
_MESSAGES = {
    "SAN001": "removed {n} {what} element{s}: books carry no scripts",
    "SAN002": "removed {n} event handler attribute{s} ({what})",
    "SAN003": "removed {n} unsafe URL{s} ({what})",
    "SAN004": "removed {n} <{what}> element{s} (embedded content is not allowed in a book)",
    "SAN005": "removed {n} <{what}> element{s} (forms and their controls do nothing in a book)",
    "SAN006": "removed {n} <{what}> element{s} from the text",
    "SAN007": "removed {n} style attribute{s} loading or running something ({what})",
    "SAN008": "flattened {n} element{s} nested deeper than {what} levels",
    "SAN009": "unwrapped {n} unknown <{what}> element{s}, keeping the text",
    "SAN010": "removed {n} <style> element{s}; book styles come from the theme and [style] css",
    "SAN011": "removed {n} <{what}> element{s} (audio, video and image maps are not supported, "
              "nor inline SVG over 2 MiB; use image files)",
    "SAN012": "removed epub:type term{s} not in the EPUB vocabulary or with an undeclared "
              "prefix: {what}",
    "SAN013": "repaired the structure HTML requires ({n} change{s}): {what}",
    "SAN014": "changed {n} element{s} HTML does not allow where they stood, text kept: {what}",
    "SAN015": "dropped {n} element{s} without text that HTML does not allow where they stood: "
              "{what}",
    "SAN016": "removed {n} role value{s} (not an ARIA role allowed on the element): {what}",
    "SAN017": "removed {n} aria-* attribute{s} (invalid value, not allowed on the element, "
              "or naming nothing in the document): {what}",
    "SAN018": "removed invalid CSS from {n} style attribute{s}: {what}",
    "SAN019": "removed {n} datetime value{s} (not an HTML date or time): {what}",
    "SAN020": "removed {n} invalid attribute value{s}: {what}",
}


def _line_of(el: etree._Element) -> int | None:
    node: etree._Element | None = el
    while node is not None:
        value = node.get("data-mb-line") if isinstance(node.tag, str) else None
        if value and value.isdigit():
            return int(value)
        node = node.getparent()
    return None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if tag.startswith("{") else tag.lower()


# ------------------------------------------------------------------ the steps


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
                      found: _Findings) -> None:
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
            found.add(rule[0], _local(el.tag), _line_of(el))
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


def _flatten_deep(root: etree._Element, found: _Findings) -> None:
    """Elements at MAX_DEPTH keep the text of their descendants, not the nesting."""
    depth = _depths(root)
    cut = [el for el, level in depth.items() if level == MAX_DEPTH and len(el)]
    for el in cut:
        text = _subtree_text(el, depth)
        line = _line_of(el)
        for child in list(el):
            el.remove(child)
        el.text = text
        found.add("SAN008", str(MAX_DEPTH), line)


def _clean_url(value: str) -> str:
    return _WHITESPACE_AND_CONTROLS.sub("", value)


def _url_verdict(kind: str, value: str) -> str | None:
    """``None`` when the URL may stay, else the scheme that condemns it."""
    compact = _clean_url(value)
    match = _SCHEME.match(compact)
    if not match:
        return "relative" if kind == "cite" else None
    scheme = match.group(1).lower()
    if kind == "href":
        return None if scheme in HREF_SCHEMES else scheme
    if kind == "src":
        if scheme in SRC_SCHEMES:
            return None
        if scheme == "data":
            media = compact[5:].split(";", 1)[0].split(",", 1)[0].lower()
            return None if media in DATA_IMAGE_TYPES else "data"
        return scheme
    return None if scheme in CITE_SCHEMES else scheme


def _style_threat(value: str) -> str | None:
    compact = _CSS_COMMENT.sub("", value)
    compact = "".join(compact.split()).lower()
    for threat in STYLE_THREATS:
        if threat in compact:
            return threat.rstrip("(:") or threat
    return None


def _value_ok(tag: str, name: str, value: str) -> bool:
    if name == "type":
        return value in _OL_TYPES if tag == "ol" else mime_type_ok(value)
    if name in ("lang", "hreflang"):
        return language_tag_ok(value)
    check = VALUE_CHECKS.get(name)
    if check is None:
        return True
    if isinstance(check, set):
        return value.lower() in check if name not in ("reversed", "hidden", "open") else (
            value in check)
    return bool(check.match(value))


def _clean_epub_type(el: etree._Element, found: _Findings) -> None:
    """Keep the vocabulary's terms and declared prefixes (EPUB 3.3 §D.3)."""
    value = el.get(EPUB_TYPE)
    if value is None:
        return
    if el.tag in EPUB_TYPE_FORBIDDEN:
        found.add("SAN012", f"{value} (on <{el.tag}>, which takes none)", _line_of(el))
        del el.attrib[EPUB_TYPE]
        return
    kept, dropped = [], []
    for token in value.split():
        if epub_type_verdict(token) is None:
            if token not in kept:
                kept.append(token)
        else:
            dropped.append(token)
    if dropped:
        found.add("SAN012", ", ".join(sorted(set(dropped))), _line_of(el))
    if kept:
        if " ".join(kept) != value:
            el.set(EPUB_TYPE, " ".join(kept))
    else:
        del el.attrib[EPUB_TYPE]


def _label_page_break(el: etree._Element, found: _Findings) -> None:
    """A page break names its page (EPUB 3.3 §7.4.3; the page list shows it):
    from aria-label, title, or its own text; without any, it is no page break."""
    if (el.get("aria-label") or el.get("title") or "").strip():
        return
    text = " ".join("".join(el.itertext()).split())
    if text:
        el.set("aria-label", text)
        return
    found.add("SAN012", "pagebreak (a page break without a page number)", _line_of(el))
    tokens = [t for t in el.get(EPUB_TYPE).split() if t != "pagebreak"]
    if tokens:
        el.set(EPUB_TYPE, " ".join(tokens))
    else:
        del el.attrib[EPUB_TYPE]
    if el.get("role") == "doc-pagebreak":
        del el.attrib["role"]


def _clean_role(el: etree._Element, tag: str, found: _Findings) -> str | None:
    """The role kept on ``el`` (WAI-ARIA; one token allowed on the element)."""
    value = el.get("role")
    if value is None:
        return None
    for token in value.split():
        term = DEPRECATED_ROLES.get(token)
        if term is not None and term not in (el.get(EPUB_TYPE) or "").split():
            el.set(EPUB_TYPE, f"{el.get(EPUB_TYPE) or ''} {term}".strip())
    role = allowed_role(tag, value, has_href=el.get("href") is not None)
    if role != value:
        dropped = [t for t in value.split() if t != role] or [repr(value)]
        found.add("SAN016", f"{' '.join(dropped)} on <{tag}>", _line_of(el))
        if role is None:
            del el.attrib["role"]
        else:
            el.set("role", role)
    return role


def _clean_aria(el: etree._Element, tag: str, name: str, value: str, role: str | None,
                found: _Findings) -> None:
    """Keep ``aria-*`` only when allowed on the element and of its value type."""
    clean = clean_aria_value(name, value) if aria_allowed(name, tag, role) else None
    if clean is None:
        found.add("SAN017", f'{name}="{value[:20]}"', _line_of(el))
        del el.attrib[name]
    elif clean != value:
        el.set(name, clean)


def _clean_style(el: etree._Element, value: str, found: _Findings) -> None:
    threat = _style_threat(value)
    if threat is not None:
        found.add("SAN007", threat, _line_of(el))
        del el.attrib["style"]
        return
    clean, dropped = clean_style(value)
    if dropped or clean is None:
        found.add("SAN018", f'"{value[:30]}"', _line_of(el))
    if clean is None:
        del el.attrib["style"]
    elif clean != value:
        el.set("style", clean)


def _clean_attributes(el: etree._Element, tag: str, found: _Findings) -> bool:
    """Drop what is not allowed; False when the element itself must go."""
    attrib = el.attrib
    allowed = ELEMENT_ATTRIBUTES.get(tag, frozenset())
    had_href = "href" in attrib
    aria: list[str] = []
    for name in list(attrib):
        value = attrib[name]
        if name == XML_LANG or name == "xml:lang":
            del attrib[name]
            if "lang" not in attrib and value:
                attrib["lang"] = value
                if not language_tag_ok(value.replace("_", "-")):
                    found.add("SAN020", f'lang="{value[:20]}"', _line_of(el))
                    del attrib["lang"]
                elif "_" in value:
                    attrib["lang"] = value.replace("_", "-")
            continue
        local = name.rsplit("}", 1)[-1] if name.startswith("{") else name
        lowered = local.lower()
        if lowered.startswith("on"):
            found.add("SAN002", lowered, _line_of(el))
            del attrib[name]
            continue
        if name == EPUB_TYPE or name == "data-mb-line":
            continue
        if name.startswith("{") or not (name in GLOBAL_ATTRIBUTES or name in allowed
                                        or lowered.startswith(("aria-", "data-"))):
            del attrib[name]
            continue
        if lowered.startswith(("data-", "aria-")):
            if not _DATA_OR_ARIA.match(lowered):
                del attrib[name]
                continue
            if name != lowered:  # XHTML attribute names are case-sensitive
                del attrib[name]
                attrib[lowered] = value
                name = lowered
            if name.startswith("aria-"):
                aria.append(name)
            continue
        if name in URL_ATTRIBUTES:
            verdict = _url_verdict(URL_ATTRIBUTES[name], value)
            if verdict is not None:
                if name != "cite":
                    found.add("SAN003", f"{verdict}: in {name}", _line_of(el))
                del attrib[name]
            continue
        if name == "style":
            _clean_style(el, value, found)
            continue
        if name == "id" and not value.strip():
            del attrib[name]
            continue
        if name == "role":
            continue  # below, once the element's attributes are known
        if name == "datetime":
            clean = clean_datetime(value, tag)
            if clean is None:
                found.add("SAN019", f'"{value[:30]}" on <{tag}>', _line_of(el))
                del attrib[name]
            elif clean != value:
                attrib[name] = clean
            continue
        if name in ("lang", "hreflang") and "_" in value:
            value = value.replace("_", "-")
            attrib[name] = value
        if not _value_ok(tag, name, value):
            if name in ("lang", "hreflang", "type"):
                found.add("SAN020", f'{name}="{value[:20]}"', _line_of(el))
            del attrib[name]
    if tag == "a" and "href" not in attrib:
        for name in _LINK_ONLY_ATTRIBUTES & set(attrib):
            del attrib[name]  # they describe the link target (HTML §4.6.1)
    role = _clean_role(el, tag, found)
    for name in aria:
        _clean_aria(el, tag, name, attrib[name], role, found)
    _clean_epub_type(el, found)
    if "pagebreak" in (attrib.get(EPUB_TYPE) or "").split():
        _label_page_break(el, found)
    if tag == "img" and not attrib.get("src"):
        return False
    if tag == "a" and "href" not in attrib and "id" not in attrib and had_href:
        return False
    return True


def _check_context(root: etree._Element, found: _Findings) -> None:
    """Attributes that depend on where the element stands, checked once the
    structure is repaired: ID references must name something in this
    document (``aria-*`` IDREFs anywhere, ``headers`` a header cell of the
    same table, HTML §4.9.11); ``value`` on ``li`` only in an ``ol`` (§4.4.8)."""
    ids: set[str] = set()
    header_tables: dict[str, etree._Element | None] = {}
    referring: list[etree._Element] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        ident = el.get("id")
        if ident is not None:
            ids.add(ident)
            if el.tag == "th":
                header_tables[ident] = _table_of(el)
        if el.get("headers") is not None or (el.attrib and any(
                name in ARIA_IDREFS for name in el.attrib)):
            referring.append(el)
        if el.tag == "li" and el.get("value") is not None and el.getparent().tag != "ol":
            del el.attrib["value"]
    for el in referring:
        for name in [n for n in el.attrib if n in ARIA_IDREFS]:
            value = el.get(name)
            tokens = [t for t in value.split() if t in ids]
            if not tokens or (name in ("aria-details", "aria-errormessage") and len(tokens) != 1):
                found.add("SAN017", f'{name}="{value[:20]}" names nothing here', _line_of(el))
                del el.attrib[name]
            elif tokens != value.split():
                el.set(name, " ".join(tokens))
        value = el.get("headers")
        if value is not None:
            table = _table_of(el)
            tokens = [t for t in value.split() if t in header_tables and header_tables[t] is table]
            if len(tokens) != len(value.split()):
                found.add("SAN020", f'headers="{value[:20]}"', _line_of(el))
            if tokens:
                el.set("headers", " ".join(dict.fromkeys(tokens)))
            else:
                del el.attrib["headers"]


def _table_of(el: etree._Element) -> etree._Element | None:
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _convert_plain_mathml(root: etree._Element) -> None:
    """``<math>`` from an HTML parser has no namespace; give it MathML's."""
    for math in list(root.iter("math")):
        for el in math.iter():
            if isinstance(el.tag, str) and not el.tag.startswith("{"):
                el.tag = _M + el.tag


def _clean_mathml(el: etree._Element, found: _Findings) -> bool:
    local = el.tag[len(_M):]
    if local not in MATHML_ELEMENTS:
        if local in ("annotation-xml", "maction", "mglyph"):
            return False
        unwrap(el)
        found.add("SAN009", f"m:{local}", _line_of(el))
        return True
    _clean_mathml_attributes(el, local)
    return True


def _clean_mathml_attributes(el: etree._Element, local: str) -> None:
    """Attributes the MathML element takes, with values of their type."""
    for name in list(el.attrib):
        if name.startswith("{") or not mathml_attribute_ok(local, name, el.attrib[name]):
            del el.attrib[name]


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


def sanitize_tree(root: etree._Element, ctx: BuildContext, *, file: str) -> None:
    """Sanitize ``root`` in place (see the module docstring); warn about it."""
    found = _Findings()
    converted = inline_svg_to_images(root)
    if converted:
        ctx.diag.note("SAN021", f"{converted} inline SVG drawing{'s' if converted > 1 else ''} "
                      "carried over as SVG images (cleaned like any SVG image)", file=file)
    _remove_dangerous(root, _depths(root), found)
    _flatten_deep(root, found)
    _convert_plain_mathml(root)
    for el in list(root.iter()):
        if el.getparent() is None and el is not root:
            continue
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag.startswith(_M):
            if not _clean_mathml(el, found):
                remove_keep_tail(el)
            continue
        if el is root:
            _clean_attributes(el, "section", found)
            continue
        if tag.startswith("{"):
            label = f"{el.prefix}:{_local(tag)}" if el.prefix else _local(tag)
            found.add("SAN009", label, _line_of(el))
            _clean_attributes(el, "span", found)
            unwrap(el)
            continue
        name = tag.lower()
        if name != tag:
            el.tag = tag = name
        if name in RENAMED_ELEMENTS:
            el.tag = tag = RENAMED_ELEMENTS[name]
        if tag not in ALLOWED_ELEMENTS:
            if tag not in _QUIET_UNWRAP:
                found.add("SAN009", tag, _line_of(el))
            _clean_attributes(el, "span", found)
            unwrap(el)
            continue
        if not _clean_attributes(el, tag, found):
            if tag == "img":
                _img_to_text(el)
            else:
                unwrap(el)  # a link whose target was unsafe keeps its text
        else:
            required = _REQUIRED_ATTRIBUTE_FAILS.get(tag)
            if required is not None and required(el):
                # Without it the element means nothing HTML allows: a plain span.
                found.add("SAN013", f"<{tag}> without {_REQUIRED_WHAT[tag]} made <span>",
                          _line_of(el))
                el.tag = "span"
    renamed = repair_content(
        root, lambda code, what, el: found.add(code, what, _line_of(el)),
        summary_label=lambda el: i18n_label("details", nearest_lang(el, ctx.language)))
    for el in renamed:
        if el is not root and el.getparent() is None:
            continue
        if el.tag.startswith(_M):
            _clean_mathml_attributes(el, el.tag[len(_M):])
        else:
            _clean_attributes(el, el.tag, found)
    _check_context(root, found)
    # Declarations left by MathML that was unwrapped or converted: the EPUB
    # writer must not think the chapter holds MathML (OPF-015).
    etree.cleanup_namespaces(root)
    _report(found, ctx, file)


#: Elements HTML gives a required attribute (or, for time, required text):
#: test for the failure.  HTML §4.5.13 data, §4.5.14 time, §4.5.24 bdo.
_REQUIRED_ATTRIBUTE_FAILS = {
    "data": lambda el: el.get("value") is None,
    "bdo": lambda el: el.get("dir") not in ("ltr", "rtl"),
    "time": lambda el: el.get("datetime") is None and (
        len(el) > 0 or not datetime_ok((el.text or "").strip(), "time")),
}
_REQUIRED_WHAT = {"data": "a value", "bdo": "dir=ltr or rtl",
                  "time": "a datetime or a date as its text"}

#: Unknown elements common enough in real manuscripts to unwrap silently.
_QUIET_UNWRAP = frozenset({"font", "big", "nobr", "blink", "marquee", "html", "body", "label",
                           "fieldset", "legend", "picture", "canvas", "map", "o:p", "center",
                           "st1:place", "st1:city", "st1:country-region", "u1:p"})


def _report(found: _Findings, ctx: BuildContext, file: str) -> None:
    grouped: dict[str, list[tuple[str, int, int | None]]] = defaultdict(list)
    for (code, what), n in found.counts.items():
        grouped[code].append((what, n, found.lines.get((code, what))))
    for code in sorted(grouped):
        items = grouped[code]
        total = sum(n for _w, n, _l in items)
        listed = sorted({w for w, _n, _l in items})
        what = ", ".join(listed[:_MAX_LISTED]) + (
            f" and {len(listed) - _MAX_LISTED} more" if len(listed) > _MAX_LISTED else "")
        lines = [line for _w, _n, line in items if line is not None]
        line = min(lines) if lines else None
        message = _MESSAGES[code].format(n=total, what=what, s="" if total == 1 else "s")
        if code in _NOTE_CODES:
            where = f"line {line}: " if line else ""
            ctx.diag.note(code, f"{where}{message}", file=file)
        else:
            ctx.diag.warn(code, message, file=file, line=line)


def run(chapter: Chapter, ctx: BuildContext) -> Chapter:
    """The pass: sanitize one chapter's tree."""
    sanitize_tree(chapter.tree, ctx, file=chapter.source.file)
    return chapter
