"""Fonts the EPUB embeds: does each have every character set in it?

A book's stylesheet may bring its own fonts (``@font-face`` with a file in
the book folder; the EPUB writer packs it).  A reading system draws a
character the font lacks with some other font, or as a box: either way not
what the designer chose.  For each embedded family, the characters of the
text it styles (the ``font-family`` rules whose first family it is,
cascaded by specificity and order, inherited, CSS Cascade 4 §6) are
compared with the font's character map (OpenType ``cmap``, read with
fontTools).

Code: FONT001 (warning) characters an embedded font lacks.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable

import tinycss2
from lxml import etree

from ..diagnostics import Diagnostics
from .css import _families

#: An at-rule that may be ``@font-face``: spelled so (in any case), or with
#: an escape in its name (``@f\6fnt-face``), which only the parser can read.
#: A stylesheet without one declares no font (CSS Syntax 3 §4.3.1: an
#: at-keyword is ``@`` and a name, whose only characters other than
#: letters, digits, ``_`` and ``-`` are escapes).
_MAY_DECLARE_FACES = re.compile(r"@(?:font-face|[-\w]*\\)", re.IGNORECASE)

#: Characters no font needs to draw (spaces, format controls).
_IGNORED = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf"})


def _font_faces(css: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Family name (lower case) → the files (``url()`` values) of its faces,
    and → the name as the stylesheet spells it (first spelling wins)."""
    faces: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    if not _MAY_DECLARE_FACES.search(css):
        return faces, names  # no @font-face: the stylesheet is not parsed for none
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face" or not rule.content:
            continue
        family, urls = None, []
        for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                   skip_whitespace=True):
            if decl.type != "declaration":
                continue
            if decl.lower_name == "font-family":
                found = _families(decl.value)
                family = found[0].lower() if found else None
                if found:
                    names.setdefault(family, found[0])
            elif decl.lower_name == "src":
                urls.extend(_urls(decl.value))
        if family and urls:
            faces.setdefault(family, []).extend(urls)
    return faces, names


def _urls(tokens: list) -> Iterable[str]:
    for token in tokens:
        if token.type == "url":
            yield token.value
        elif token.type == "function" and token.lower_name == "url":
            for arg in token.arguments:
                if arg.type == "string":
                    yield arg.value


def _cmap(data: bytes) -> set[int] | None:
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(io.BytesIO(data), fontNumber=0, lazy=True)
        return set(font.getBestCmap() or {})
    except Exception:  # noqa: BLE001 - an unreadable font is EPUBCheck's business
        return None


def _family_rules(css: str, embedded: set[str]) -> list[tuple[object, str | None, int]]:
    """(compiled selector, embedded family or None, source order) of each
    ``font-family`` rule."""
    import cssselect2

    rules = []
    order = 0
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        for decl in tinycss2.parse_blocks_contents(rule.content, skip_comments=True,
                                                   skip_whitespace=True):
            if decl.type != "declaration" or decl.lower_name != "font-family":
                continue
            names = _families(decl.value)
            if not names:
                continue
            first = names[0].lower()
            try:
                selectors = cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                continue
            for selector in selectors:
                order += 1
                rules.append((selector, first if first in embedded else None, order))
    return rules


def styled_characters(trees: Iterable[etree._Element], css: str, embedded: set[str]
                      ) -> dict[str, set[str]]:
    """Embedded family → the characters of the text it styles in ``trees``."""
    import cssselect2

    rules = _family_rules(css, embedded)
    used: dict[str, set[str]] = {}
    for tree in trees:
        wrapper = cssselect2.ElementWrapper.from_html_root(tree)
        family_of: dict[etree._Element, str | None] = {}
        for node in wrapper.iter_subtree():
            el = node.etree_element
            if not isinstance(el.tag, str):
                continue
            matched = [(sel.specificity, order, fam) for sel, fam, order in rules if sel.test(node)]
            if matched:
                family = max(matched)[2]
            else:
                parent = el.getparent()
                family = family_of.get(parent) if parent is not None else None
            family_of[el] = family
            if family is None:
                continue
            pieces = [el.text or ""] + [c.tail or "" for c in el]
            used.setdefault(family, set()).update("".join(pieces))
    return used


def bare_tree(body: list[etree._Element], lang: str, body_class: str | None = None
                  ) -> etree._Element:
    """An ``html`` tree around copies of a document's body elements, so
    selectors naming ``html`` or ``body`` match as in the reading system."""
    import copy

    root = etree.Element("html", lang=lang or "und")
    body_el = etree.SubElement(root, "body")
    if body_class:
        body_el.set("class", body_class)
    body_el.extend(copy.deepcopy(el) for el in body)
    return root


def check_embedded_fonts(css: str, files: dict[str, bytes],
                         trees: Callable[[], Iterable[etree._Element]], diag: Diagnostics) -> None:
    """Warn (FONT001) about characters an embedded font is asked to draw
    but has no glyph for.  ``files`` maps the stylesheet's url() values to
    the font data; ``trees`` makes the documents (only called when the
    book embeds a font)."""
    faces, names = _font_faces(css)
    maps: dict[str, set[int]] = {}
    for family, urls in faces.items():
        covered: set[int] = set()
        for url in urls:
            data = files.get(url)
            cmap = _cmap(data) if data else None
            if cmap:
                covered |= cmap
        if covered:
            maps[family] = covered
    if not maps:
        return
    for family, chars in styled_characters(trees(), css, set(maps)).items():
        missing = sorted(ch for ch in chars if ord(ch) not in maps[family]
                         and unicodedata.category(ch) not in _IGNORED)
        if missing:
            shown = ", ".join(f"U+{ord(ch):04X} {ch}" for ch in missing[:12]) + (
                f" and {len(missing) - 12} more" if len(missing) > 12 else "")
            diag.warn("FONT001", f"the embedded font “{names.get(family, family)}” has no glyph for {len(missing)} "
                      f"character{'s' if len(missing) != 1 else ''} of the text it styles: {shown}",
                      hint="use a font that covers the text, or list a fallback family after it; "
                           "reading systems draw these with another font or as boxes")
