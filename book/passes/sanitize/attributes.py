"""Attributes cleaned element by element: URLs, style, values, roles, ARIA, epub:type.

* URLs: ``href`` only with the schemes in :data:`.allowlists.HREF_SCHEMES`
  (or none), ``src`` only relative, http(s) (the images pass decides about
  remote images) or ``data:`` for the image types in
  :data:`.allowlists.DATA_IMAGE_TYPES`; ``javascript:``, ``vbscript:``,
  ``data:`` links and the like are removed, whatever whitespace, control
  characters or letter case hide them.
* ``style`` attributes that load or run something are removed; the others
  keep only their well-formed declarations.
* ``role`` tokens valid on the element, ``aria-*`` with their value types
  and existing ID references, ``epub:type`` terms of the EPUB vocabulary or
  the declared ``z3998:`` prefix, ``datetime`` by HTML's grammars, ``lang``
  as BCP 47, ``headers`` naming header cells (:mod:`.attribute_values`
  holds the grammars).
"""

from __future__ import annotations

import re

from lxml import etree

from ...xhtml import EPUB_TYPE, XML_LANG, source_line
from .allowlists import (
    CITE_SCHEMES,
    DATA_IMAGE_TYPES,
    ELEMENT_ATTRIBUTES,
    GLOBAL_ATTRIBUTES,
    HREF_SCHEMES,
    LINK_ONLY_ATTRIBUTES,
    OL_TYPES,
    SRC_SCHEMES,
    STYLE_THREATS,
    URL_ATTRIBUTES,
    VALUE_CHECKS,
)
from .attribute_values import (
    ARIA_IDREFS,
    DEPRECATED_ROLES,
    EPUB_TYPE_FORBIDDEN,
    allowed_role,
    aria_allowed,
    clean_aria_value,
    clean_datetime,
    clean_style,
    epub_type_verdict,
    language_tag_ok,
    mime_type_ok,
)
from .findings import Findings

_WHITESPACE_AND_CONTROLS = re.compile(r"[\x00-\x20\x7f-\x9f]+")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CSS_COMMENT = re.compile(r"/\*.*?(\*/|$)", re.S)
_DATA_OR_ARIA = re.compile(r"^(?:data-[a-z0-9_.\-]+|aria-[a-z]+)$")


def clean_attributes(el: etree._Element, tag: str, found: Findings) -> bool:
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
                    found.add("SAN020", f'lang="{value[:20]}"', source_line(el))
                    del attrib["lang"]
                elif "_" in value:
                    attrib["lang"] = value.replace("_", "-")
            continue
        local = name.rsplit("}", 1)[-1] if name.startswith("{") else name
        lowered = local.lower()
        if lowered.startswith("on"):
            found.add("SAN002", lowered, source_line(el))
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
                    found.add("SAN003", f"{verdict}: in {name}", source_line(el))
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
                found.add("SAN019", f'"{value[:30]}" on <{tag}>', source_line(el))
                del attrib[name]
            elif clean != value:
                attrib[name] = clean
            continue
        if name in ("lang", "hreflang") and "_" in value:
            value = value.replace("_", "-")
            attrib[name] = value
        if not _value_ok(tag, name, value):
            if name in ("lang", "hreflang", "type"):
                found.add("SAN020", f'{name}="{value[:20]}"', source_line(el))
            del attrib[name]
    if tag == "a" and "href" not in attrib:
        for name in LINK_ONLY_ATTRIBUTES & set(attrib):
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
        return value in OL_TYPES if tag == "ol" else mime_type_ok(value)
    if name in ("lang", "hreflang"):
        return language_tag_ok(value)
    check = VALUE_CHECKS.get(name)
    if check is None:
        return True
    if isinstance(check, set):
        return value.lower() in check if name not in ("reversed", "hidden", "open") else (
            value in check)
    return bool(check.match(value))


def _clean_epub_type(el: etree._Element, found: Findings) -> None:
    """Keep the vocabulary's terms and declared prefixes (EPUB 3.3 §D.3)."""
    value = el.get(EPUB_TYPE)
    if value is None:
        return
    if el.tag in EPUB_TYPE_FORBIDDEN:
        found.add("SAN012", f"{value} (on <{el.tag}>, which takes none)", source_line(el))
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
        found.add("SAN012", ", ".join(sorted(set(dropped))), source_line(el))
    if kept:
        if " ".join(kept) != value:
            el.set(EPUB_TYPE, " ".join(kept))
    else:
        del el.attrib[EPUB_TYPE]


def _label_page_break(el: etree._Element, found: Findings) -> None:
    """A page break names its page (EPUB 3.3 §7.4.3; the page list shows it):
    from aria-label, title, or its own text; without any, it is no page break."""
    if (el.get("aria-label") or el.get("title") or "").strip():
        return
    text = " ".join("".join(el.itertext()).split())
    if text:
        el.set("aria-label", text)
        return
    found.add("SAN012", "pagebreak (a page break without a page number)", source_line(el))
    tokens = [t for t in el.get(EPUB_TYPE).split() if t != "pagebreak"]
    if tokens:
        el.set(EPUB_TYPE, " ".join(tokens))
    else:
        del el.attrib[EPUB_TYPE]
    if el.get("role") == "doc-pagebreak":
        del el.attrib["role"]


def _clean_role(el: etree._Element, tag: str, found: Findings) -> str | None:
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
        found.add("SAN016", f"{' '.join(dropped)} on <{tag}>", source_line(el))
        if role is None:
            del el.attrib["role"]
        else:
            el.set("role", role)
    return role


def _clean_aria(el: etree._Element, tag: str, name: str, value: str, role: str | None,
                found: Findings) -> None:
    """Keep ``aria-*`` only when allowed on the element and of its value type."""
    clean = clean_aria_value(name, value) if aria_allowed(name, tag, role) else None
    if clean is None:
        found.add("SAN017", f'{name}="{value[:20]}"', source_line(el))
        del el.attrib[name]
    elif clean != value:
        el.set(name, clean)


def _clean_style(el: etree._Element, value: str, found: Findings) -> None:
    threat = _style_threat(value)
    if threat is not None:
        found.add("SAN007", threat, source_line(el))
        del el.attrib["style"]
        return
    clean, dropped = clean_style(value)
    if dropped or clean is None:
        found.add("SAN018", f'"{value[:30]}"', source_line(el))
    if clean is None:
        del el.attrib["style"]
    elif clean != value:
        el.set("style", clean)


def check_context(root: etree._Element, found: Findings) -> None:
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
                found.add("SAN017", f'{name}="{value[:20]}" names nothing here', source_line(el))
                del el.attrib[name]
            elif tokens != value.split():
                el.set(name, " ".join(tokens))
        value = el.get("headers")
        if value is not None:
            table = _table_of(el)
            tokens = [t for t in value.split() if t in header_tables and header_tables[t] is table]
            if len(tokens) != len(value.split()):
                found.add("SAN020", f'headers="{value[:20]}"', source_line(el))
            if tokens:
                el.set("headers", " ".join(dict.fromkeys(tokens)))
            else:
                del el.attrib["headers"]


def _table_of(el: etree._Element) -> etree._Element | None:
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node
