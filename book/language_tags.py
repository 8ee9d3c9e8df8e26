"""Language tags (BCP 47): well formed, and made of registered subtags.

RFC 5646 tells a *well-formed* tag (§2.1, the grammar) from a *valid* one
(§2.2.9: every subtag is in the IANA Language Subtag Registry).  Where the
user gives the book's language (``--lang``, book.toml, Markdown front
matter), a malformed tag is an error; a well-formed tag with a subtag the
registry does not know (``xx-YY``, ``qq``, ``en-UK``, ``pol``) is almost
always a typo, and reading systems, screen readers and hyphenation would
all get it wrong without a word, so it is reported with the closest
registered tag.  A deprecated subtag (``iw``, ``in``, region ``BU``) is
reported with the registry's preferred value (RFC 5646 §3.1.6, §3.1.7).

The registry is the copy the langcodes package ships, read once, on the
first tag that needs it.  Extensions (``-u-…``) and private use (``-x-…``)
have registries of their own and are not checked here.

Diagnostic codes:

LANG003  warning  a well-formed tag with a subtag the IANA registry does not know
LANG004  warning  a tag with a deprecated subtag (the registry names its replacement)
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# langcodes is imported where it is used: loading its tables costs a CLI
# start some 25 ms, and most runs never look at a tag.

#: The shape this project accepts where the user names the book's language:
#: a 2- or 3-letter primary language subtag first (no ``x-…`` or ``i-…``
#: tags: reading systems do not know them), then subtags of 1-8 characters.
_SHAPE = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")

#: What a subtag is called in messages, by the parser's name for its kind.
_KIND_NAMES = {"language": "language subtag", "extlang": "extended language subtag",
               "script": "script subtag", "territory": "region subtag",
               "variant": "variant subtag", "grandfathered": "tag"}
#: The registry's ``Type`` for each of the parser's kinds.
_REGISTRY_TYPES = {"language": "language", "extlang": "extlang", "script": "script",
                   "territory": "region", "variant": "variant", "grandfathered": "tag"}
_UNCHECKED = ("extension", "private")


@dataclass(frozen=True)
class _Entry:
    """What the registry says about one subtag (or grandfathered tag)."""

    deprecated: bool
    preferred: str | None


@dataclass(frozen=True)
class TagProblem:
    """A well-formed tag that is not (or no longer) a registered one."""

    code: str  #: LANG003 (unknown subtag) or LANG004 (deprecated subtag)
    reason: str  #: e.g. "'xx' is not a registered language subtag"
    suggestion: str | None  #: the closest registered tag, or None

    def hint(self) -> str:
        """The fix: the suggested tag, or where to look when there is none."""
        if self.suggestion and self.code == "LANG004":
            return f"use {self.suggestion}"
        if self.suggestion:
            return f"the closest registered tag is {self.suggestion}"
        return "no registered tag is close; use one such as pl, en-GB or sr-Latn"


def is_well_formed(tag: str) -> bool:
    """True for a tag such as ``pl``, ``en-GB``, ``sr-Latn-RS``, ``de-CH-1996``.

    The RFC 5646 grammar (subtags in order, a singleton followed by
    something) on top of this project's shape; ``_`` is not a separator.
    """
    from langcodes.tag_parser import LanguageTagError, parse_tag

    if not _SHAPE.fullmatch(tag):
        return False
    try:
        parse_tag(tag)
    except LanguageTagError:
        return False
    return True


def check_registered(tag: str) -> TagProblem | None:
    """None when every subtag of the well-formed ``tag`` is registered and current."""
    from langcodes.tag_parser import parse_tag

    parts = parse_tag(tag)
    registry = _registry()
    unknown: list[str] = []
    deprecated: list[str] = []
    for kind, value in parts:
        if kind in _UNCHECKED:
            continue
        entry = registry.get((_REGISTRY_TYPES[kind], value.lower()))
        if entry is None:
            unknown.append(f"{_shown(tag, value)!r} is not a registered {_KIND_NAMES[kind]}")
        elif entry.deprecated:
            deprecated.append(f"{_shown(tag, value)!r} is a deprecated {_KIND_NAMES[kind]}")
    if not unknown and not deprecated:
        return None
    suggestion = closest_registered(tag)
    if unknown:
        return TagProblem("LANG003", _join(unknown) + " in the IANA registry", suggestion)
    return TagProblem("LANG004", _join(deprecated) + " in the IANA registry", suggestion)


def closest_registered(tag: str) -> str | None:
    """The registered, current tag nearest to ``tag``, or None.

    First the aliases langcodes knows from CLDR (``pol`` → ``pl``,
    ``en-UK`` → ``en-GB``, ``iw`` → ``he``); then the tag with each
    deprecated subtag replaced and each unknown one dropped, which keeps
    the language when only a region or script was wrong (``en-YY`` →
    ``en``).  An unknown language has no near neighbour: None.
    """
    from langcodes import standardize_tag
    from langcodes.tag_parser import LanguageTagError, parse_tag

    try:
        aliased = standardize_tag(tag)
    except (LanguageTagError, ValueError):
        aliased = tag
    if aliased.lower() != tag.lower() and _is_current(aliased):
        return aliased
    registry = _registry()
    kept: list[str] = []
    for kind, value in parse_tag(tag):
        if kind in _UNCHECKED:
            kept.append(value)
            continue
        entry = registry.get((_REGISTRY_TYPES[kind], value.lower()))
        if entry is not None and entry.deprecated:
            if not entry.preferred:
                continue
            value = entry.preferred
        elif entry is None:
            if kind != "language":
                continue
            try:
                value = standardize_tag(value)
            except (LanguageTagError, ValueError):
                return None
            if not _is_current(value):
                return None
        kept.append(value)
    candidate = "-".join(kept)
    return candidate if kept and _is_current(candidate) else None


def suggest_for_malformed(value: str) -> str | None:
    """A registered tag for a value that is not a tag: ``en_US`` → ``en-US``,
    ``Polish`` → ``pl`` (the registry's English names), else None."""
    repaired = value.strip().replace("_", "-")
    if is_well_formed(repaired):
        return repaired if _is_current(repaired) else closest_registered(repaired)
    name = " ".join(value.split()).casefold()
    return _language_names().get(name) if len(name) > 3 else None  # not "E" → eee


def _is_current(tag: str) -> bool:
    """Well formed, every subtag registered and none deprecated."""
    from langcodes.tag_parser import parse_tag

    if not is_well_formed(tag):
        return False
    registry = _registry()
    for kind, value in parse_tag(tag):
        if kind in _UNCHECKED:
            continue
        entry = registry.get((_REGISTRY_TYPES[kind], value.lower()))
        if entry is None or entry.deprecated:
            return False
    return True


def _shown(tag: str, value: str) -> str:
    """``value`` as the user wrote it in ``tag`` (the parser normalizes case)."""
    if value.lower() == tag.lower():
        return tag
    for piece in tag.split("-"):
        if piece.lower() == value.lower():
            return piece
    return value


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


@functools.cache
def _registry() -> dict[tuple[str, str], _Entry]:
    """(type, lower-case subtag) → entry; ranges such as ``qaa..qtz`` expanded."""
    from langcodes.registry_parser import parse_registry

    table: dict[tuple[str, str], _Entry] = {}
    for item in parse_registry():
        kind = item["Type"]
        entry = _Entry("Deprecated" in item, item.get("Preferred-Value"))
        if kind in ("grandfathered", "redundant"):
            table[("tag", item["Tag"].lower())] = entry
            continue
        for subtag in _expand(item["Subtag"].lower()):
            table[(kind, subtag)] = entry
    return table


@functools.cache
def _language_names() -> dict[str, str]:
    """casefolded English name → language subtag (``polish`` → ``pl``); the
    shortest subtag wins when two languages share a name."""
    from langcodes.registry_parser import parse_registry

    names: dict[str, str] = {}
    for item in parse_registry():
        if item["Type"] != "language" or "Deprecated" in item or ".." in item["Subtag"]:
            continue
        for name in item.get("Description", []):
            key = name.casefold()
            if key not in names or len(item["Subtag"]) < len(names[key]):
                names[key] = item["Subtag"]
    return names


def _expand(subtag: str) -> list[str]:
    """``qaa..qtz`` → qaa, qab, … qtz (the registry's private-use ranges)."""
    if ".." not in subtag:
        return [subtag]
    first, last = subtag.split("..")
    values, current = [], first
    while True:
        values.append(current)
        if current == last:
            return values
        current = _next(current)


def _next(value: str) -> str:
    """The following letter string of the same length: ``qaz`` → ``qba``."""
    chars = list(value)
    for i in range(len(chars) - 1, -1, -1):
        if chars[i] != "z":
            chars[i] = chr(ord(chars[i]) + 1)
            return "".join(chars)
        chars[i] = "a"
    raise ValueError(f"no subtag follows {value!r}")
