"""Font stacks with their fallbacks, as CSS that follows a stylesheet.

For every rule of a stylesheet that sets ``font-family``, :func:`fallback_css`
repeats the rule with the same selector and the family list extended
(:func:`.stacks.extend`): it comes after the sheet, so it wins at equal
specificity and changes nothing but the fallbacks.  Then, for each
language whose Han characters take another regional form than the
book's, the same selectors with ``:lang()`` (CSS Selectors 4 §7.2) put
that region's CJK family first, on the element in that language and on
anything inside it::

    p { font-family: "Linux Libertine O", serif }
    →  p { font-family: "Linux Libertine O", "Noto Serif", …, "Noto Serif CJK SC", …, serif }
       p:lang(ja) { font-family: …, "Noto Serif CJK JP", "Noto Serif CJK SC", … }
"""

from __future__ import annotations

from collections.abc import Iterable

import tinycss2

from .languages import names_language
from .stacks import CJK_BY_LANGUAGE, GENERIC, cjk_region, extend


def _families(tokens: list) -> list[str] | None:
    """The family names of a ``font-family`` value; None when it is not a
    plain list (``inherit``, ``var()``...)."""
    names: list[str] = []
    current: list[str] = []
    for token in tokens:
        if token.type == "whitespace" or token.type == "comment":
            continue
        if token.type == "literal" and token.value == ",":
            if not current:
                return None
            names.append(" ".join(current))
            current = []
        elif token.type == "string":
            current.append(token.value)
        elif token.type == "ident":
            current.append(token.value)
        else:
            return None
    if current:
        names.append(" ".join(current))
    if len(names) == 1 and names[0].lower() in ("inherit", "initial", "unset", "revert"):
        return None
    return names or None


def _quote(name: str) -> str:
    if name.lower() in GENERIC:
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(families: list[str]) -> str:
    return ", ".join(_quote(f) for f in families)


def _rules(text: str) -> list[tuple[list[str], list[str]]]:
    """(selectors, families) of each rule setting ``font-family`` (top level
    and inside ``@media``), in order."""
    found: list[tuple[list[str], list[str]]] = []

    def walk(nodes: list) -> None:
        for node in nodes:
            if node.type == "at-rule" and node.lower_at_keyword == "media" and node.content:
                walk(tinycss2.parse_rule_list(node.content, skip_comments=True,
                                              skip_whitespace=True))
            if node.type != "qualified-rule":
                continue
            selectors = [s.strip() for s in tinycss2.serialize(node.prelude).split(",")
                         if s.strip()]
            if not selectors or any(s.startswith("@") for s in selectors):
                continue
            for decl in tinycss2.parse_blocks_contents(node.content, skip_comments=True,
                                                       skip_whitespace=True):
                if decl.type == "declaration" and decl.lower_name == "font-family":
                    families = _families(decl.value)
                    if families:
                        found.append((selectors, families))

    walk(tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True))
    return found


def fallback_css(stylesheet: str, language: str = "", *, lang_rules: bool = True,
                 languages: Iterable[str] | None = None) -> str:
    """CSS to follow ``stylesheet``: its font stacks with fallbacks, for a
    book in ``language``, and (``lang_rules``) the ``:lang()`` variants for
    passages in CJK languages of another region: those of every such
    language, or, given the ``languages`` the book is written in
    (:func:`.languages.book_languages`), only those that can match."""
    rules = _rules(stylesheet)
    if not rules:
        return ""
    region = cjk_region(language)
    out = ["/* Fallback fonts (book/fonts): every script, symbols, CJK by language. */"]
    for selectors, families in rules:
        out.append(f"{', '.join(selectors)} {{ font-family: {_value(extend(families, region))}; }}")
    if lang_rules:
        used = None if languages is None else frozenset(languages)
        for tags, other in _lang_groups(region):
            if used is not None and not names_language(tags, used):
                continue  # no element is in these languages: the rules match nothing
            for selectors, families in rules:
                chosen = [_with_lang(s, tag) for s in selectors for tag in tags]
                out.append(f"{', '.join(chosen)} {{ font-family: "
                           f"{_value(extend(families, other))}; }}")
    return "\n".join(out) + "\n"


def _with_lang(selector: str, tag: str) -> str:
    """``selector`` for elements in language ``tag``: the root's rule
    becomes ``:lang(tag)`` (every element in that language), any other
    ``selector:lang(tag)`` (``:lang`` matches by the inherited language,
    so a ``code`` inside a Japanese passage is matched too)."""
    if selector.lower() in ("html", ":root"):
        return f":lang({tag})"
    return f"{selector}:lang({tag})"


def _lang_groups(region: str) -> list[tuple[list[str], str]]:
    """Language tags needing their own CJK region, grouped, in cascade order:
    a tag whose region differs from what applies to it already (the
    book's region, or that of a shorter tag it extends: "zh-Hant" within
    "zh"), shorter tags first so longer ones override them."""
    emitted: dict[str, str] = {}
    for tag in sorted(CJK_BY_LANGUAGE, key=lambda t: (t.count("-"), t)):
        parent, applies = tag, region
        while "-" in parent:
            parent = parent.rpartition("-")[0]
            if parent in emitted:
                applies = emitted[parent]
                break
        if CJK_BY_LANGUAGE[tag] != applies:
            emitted[tag] = CJK_BY_LANGUAGE[tag]
    groups: list[tuple[list[str], str]] = []
    for tag, other in emitted.items():
        depth = tag.count("-")
        if groups and groups[-1][1] == other and groups[-1][0][0].count("-") == depth:
            groups[-1][0].append(tag)
        else:
            groups.append(([tag], other))
    return groups
