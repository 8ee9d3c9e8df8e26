"""Attribute values HTML, WAI-ARIA and EPUB constrain, as data and small checks.

The sanitize pass keeps an attribute only when its *value* is valid too:
an EPUB with ``role="1"`` or ``style="@@"`` fails EPUBCheck as surely as
one with a script.  Each check here answers "keep, fix, or drop":

* ``role`` (WAI-ARIA 1.1 §5.4, DPUB-ARIA 1.0 §4): tokens that are concrete
  ARIA or DPUB-ARIA roles *and* allowed on the element (ARIA in HTML §4,
  :data:`ELEMENT_ROLES`, as EPUBCheck 5 implements it); the first such
  token is kept, since EPUBCheck accepts exactly one.
* ``aria-*`` (WAI-ARIA 1.1 §6.6-6.7): the global states and properties,
  plus the few role-specific properties a book uses (``aria-level`` on
  headings...), each with its value type (:data:`ARIA_TYPES`).  Widget
  states (``aria-expanded``, ``aria-checked``...) describe interaction a
  book does not have and are dropped.  ID references are checked against
  the document by the caller.
* ``epub:type`` (EPUB 3.3 §D.3, EPUB 3 Structural Semantics Vocabulary 1.1):
  terms of the vocabulary (:data:`SSV_TERMS`, as EPUBCheck knows them) and
  terms with a prefix the EPUB writer declares (``z3998:``).
* ``style`` (CSS Style Attributes §2; CSS Syntax 3): parsed with tinycss2;
  declarations with a name and a well-formed value are kept (serialized
  again, so unclosed strings and functions come out closed), the rest are
  dropped, and a style left with nothing goes.
* ``datetime`` (HTML §2.3.5, §4.5.14): the date, time, week, duration and
  time-zone grammars of HTML, with real calendars (no 2023-02-29).
* ``lang``/``hreflang`` (BCP 47, RFC 5646 §2.1): well-formed language tags.
* ``type`` on ``a`` (RFC 2045 §5.1): a MIME type.
"""

from __future__ import annotations

import calendar
import re

import tinycss2

# ---------------------------------------------------------------- roles

#: Concrete WAI-ARIA 1.1 roles and DPUB-ARIA 1.1 roles (abstract roles are
#: not for authors; ARIA 1.2's ``generic``, ``paragraph``... EPUBCheck 5
#: does not accept yet).  Left out: the widgets whose states are required
#: (``checkbox`` needs ``aria-checked``, ``slider`` ``aria-valuenow``...),
#: since a book carries no widget states (see :data:`ARIA_TYPES`).
ARIA_ROLES = frozenset("""
alert alertdialog application article banner button cell columnheader complementary contentinfo
definition dialog directory document feed figure form grid gridcell group heading img link list
listbox listitem log main marquee math menu menubar menuitem navigation none note option
presentation progressbar radiogroup region row rowgroup rowheader search searchbox separator
status tab table tablist tabpanel term textbox timer toolbar tooltip tree treegrid treeitem
graphics-document graphics-object graphics-symbol
doc-abstract doc-acknowledgments doc-afterword doc-appendix doc-backlink doc-bibliography
doc-biblioref doc-chapter doc-colophon doc-conclusion doc-cover doc-credit doc-credits
doc-dedication doc-endnotes doc-epigraph doc-epilogue doc-errata doc-example doc-footnote
doc-foreword doc-glossary doc-glossref doc-index doc-introduction doc-noteref doc-notice
doc-pagebreak doc-pagelist doc-part doc-preface doc-prologue doc-pullquote doc-qna doc-subtitle
doc-tip doc-toc
""".split())
#: Roles DPUB-ARIA 1.1 deprecated (EPUBCheck warns, RSC-017): the role goes,
#: its meaning stays as the equivalent ``epub:type`` term, which the readers'
#: note detection understands too.
DEPRECATED_ROLES: dict[str, str] = {"doc-endnote": "endnote", "doc-biblioentry": "biblioentry"}

_HEADING_ROLES = frozenset({"doc-subtitle", "heading", "presentation", "tab"})
_LIST_ROLES = frozenset({"directory", "group", "list", "listbox", "menu", "menubar",
                         "presentation", "radiogroup", "tablist", "toolbar", "tree"})
#: Roles allowed on elements that do not take any role (ARIA in HTML §4);
#: an element missing here takes any role.  ``a`` means ``a`` with href.
ELEMENT_ROLES: dict[str, frozenset[str]] = {
    "a": frozenset({"button", "doc-backlink", "doc-biblioref", "doc-glossref", "doc-noteref",
                    "link", "menuitem", "option", "tab", "treeitem"}),
    "article": frozenset({"application", "article", "document", "feed", "main", "presentation",
                          "region"}),
    "aside": frozenset({"complementary", "doc-dedication", "doc-example", "doc-footnote",
                        "doc-glossary", "doc-pullquote", "doc-tip", "feed", "note",
                        "presentation", "region", "search"}),
    "br": frozenset({"presentation"}), "wbr": frozenset({"presentation"}),
    "caption": frozenset(), "col": frozenset(), "colgroup": frozenset(),
    "dd": frozenset({"definition"}),
    "details": frozenset({"group"}),
    "dl": frozenset({"group", "list", "presentation"}),
    "dt": frozenset({"listitem", "term"}),
    "figcaption": frozenset({"group", "presentation"}),
    "footer": frozenset({"contentinfo", "doc-footnote", "group", "presentation"}),
    "header": frozenset({"banner", "doc-footnote", "group", "presentation"}),
    **{h: _HEADING_ROLES for h in ("h1", "h2", "h3", "h4", "h5", "h6")},
    "hr": frozenset({"doc-pagebreak", "presentation", "separator"}),
    "img": frozenset({"button", "doc-cover", "img", "link", "math", "menuitem", "none", "option",
                      "presentation", "progressbar", "separator", "tab", "treeitem"}),
    "li": frozenset({"listitem", "menuitem", "option", "presentation", "separator", "tab",
                     "treeitem"}),
    "main": frozenset({"main"}),
    "nav": frozenset({"doc-index", "doc-pagelist", "doc-toc", "menu", "menubar", "navigation",
                      "none", "presentation", "tablist"}),
    "ol": _LIST_ROLES, "ul": _LIST_ROLES,
    "section": frozenset("""
        alert alertdialog application banner complementary contentinfo dialog doc-abstract
        doc-acknowledgments doc-afterword doc-appendix doc-bibliography doc-chapter doc-colophon
        doc-conclusion doc-credit doc-credits doc-dedication doc-endnotes doc-epigraph
        doc-epilogue doc-errata doc-example doc-foreword doc-glossary doc-index doc-introduction
        doc-notice doc-pagelist doc-part doc-preface doc-prologue doc-pullquote doc-qna doc-toc
        document feed group log main marquee navigation note presentation region search status
        tabpanel""".split()),
    "summary": frozenset({"button"}),
}


def allowed_role(tag: str, value: str, *, has_href: bool = False) -> str | None:
    """The role token to keep on ``<tag role=value>``, or None."""
    allowed = ELEMENT_ROLES.get(tag) if tag != "a" or has_href else None
    for token in value.split():
        if token in ARIA_ROLES and (allowed is None or token in allowed):
            return token
    return None


# ---------------------------------------------------------------- aria-*

_BOOL = frozenset({"true", "false"})
#: Value type of each aria-* attribute kept: a set of tokens, or a type name.
ARIA_TYPES: dict[str, frozenset[str] | str] = {
    # global states and properties (WAI-ARIA 1.1 §6.4)
    "aria-atomic": _BOOL, "aria-busy": _BOOL, "aria-disabled": _BOOL, "aria-hidden": _BOOL,
    "aria-current": frozenset({"page", "step", "location", "date", "time", "true", "false"}),
    "aria-haspopup": frozenset({"true", "false", "menu", "listbox", "tree", "grid", "dialog"}),
    "aria-invalid": frozenset({"true", "false", "grammar", "spelling"}),
    "aria-live": frozenset({"off", "polite", "assertive"}),
    "aria-relevant": "relevant",
    "aria-label": "string", "aria-roledescription": "string", "aria-description": "string",
    "aria-keyshortcuts": "string",
    "aria-controls": "idrefs", "aria-describedby": "idrefs", "aria-flowto": "idrefs",
    "aria-labelledby": "idrefs", "aria-owns": "idrefs",
    "aria-details": "idref", "aria-errormessage": "idref",
    # role-specific properties a book has use for
    "aria-level": "positive", "aria-posinset": "positive", "aria-setsize": "count",
    "aria-colspan": "positive", "aria-rowspan": "positive", "aria-rowindex": "positive",
    "aria-colcount": "count", "aria-rowcount": "count",
    "aria-sort": frozenset({"ascending", "descending", "none", "other"}),
}
ARIA_GLOBAL = frozenset({
    "aria-atomic", "aria-busy", "aria-controls", "aria-current", "aria-describedby",
    "aria-details", "aria-disabled", "aria-errormessage", "aria-flowto", "aria-haspopup",
    "aria-hidden", "aria-invalid", "aria-keyshortcuts", "aria-label", "aria-labelledby",
    "aria-live", "aria-owns", "aria-relevant", "aria-roledescription", "aria-description"})
#: Role-specific properties by role (what both WAI-ARIA and EPUBCheck allow).
ROLE_PROPERTIES: dict[str, frozenset[str]] = {
    "heading": frozenset({"aria-level"}),
    "listitem": frozenset({"aria-level", "aria-posinset", "aria-setsize"}),
    "row": frozenset({"aria-level"}),
    "cell": frozenset({"aria-colspan", "aria-rowspan", "aria-rowindex"}),
    "columnheader": frozenset({"aria-colspan", "aria-rowspan", "aria-rowindex", "aria-sort"}),
    "rowheader": frozenset({"aria-colspan", "aria-rowspan", "aria-rowindex", "aria-sort"}),
    "table": frozenset({"aria-colcount", "aria-rowcount"}),
}
#: Implicit ARIA roles of elements (HTML-AAM), for the properties above.
IMPLICIT_ROLES: dict[str, str] = {
    **{h: "heading" for h in ("h1", "h2", "h3", "h4", "h5", "h6")},
    "li": "listitem", "tr": "row", "td": "cell", "th": "columnheader", "table": "table",
}
#: aria-* attributes holding ID references (checked against the document).
ARIA_IDREFS = frozenset(name for name, kind in ARIA_TYPES.items() if kind in ("idrefs", "idref"))


def aria_allowed(name: str, tag: str, role: str | None) -> bool:
    """Whether ``aria-name`` may stand on ``<tag role=role>`` at all."""
    if name in ARIA_GLOBAL:
        return True
    effective = role or IMPLICIT_ROLES.get(tag)
    return effective is not None and name in ROLE_PROPERTIES.get(effective, frozenset())


def clean_aria_value(name: str, value: str) -> str | None:
    """The value to keep (normalized), or None when it is not of the type."""
    kind = ARIA_TYPES.get(name)
    if kind is None:
        return None
    if isinstance(kind, frozenset):
        token = value.strip().lower()
        return token if token in kind else None
    if kind == "string":
        return value
    if kind in ("idrefs", "idref"):
        tokens = value.split()
        if not tokens or (kind == "idref" and len(tokens) != 1):
            return None
        return " ".join(tokens)
    if kind == "positive":
        token = value.strip()
        return token if token.isascii() and token.isdigit() and int(token) > 0 else None
    if kind == "count":
        token = value.strip()
        return token if token == "-1" or (token.isascii() and token.isdigit()) else None
    if kind == "relevant":
        tokens = value.split()
        if tokens == ["all"]:
            return "all"
        ok = tokens and len(set(tokens)) == len(tokens) and set(tokens) <= {
            "additions", "removals", "text"}
        return " ".join(tokens) if ok else None
    return None


# ---------------------------------------------------------------- epub:type

#: EPUB 3 Structural Semantics Vocabulary 1.1 terms for XHTML content documents
#: (deprecated ones included: still valid).  The terms the vocabulary reserves
#: for SVG and older drafts (``aside``, ``table``, ``list``...) are left out:
#: EPUBCheck reports them on XHTML (OPF-087).
SSV_TERMS = frozenset("""
abstract acknowledgments afterword annoref annotation answer answers appendix assessment
assessments backlink backmatter balloon biblioentry bibliography biblioref bodymatter
bridgehead case-study chapter colophon concluding-sentence conclusion contributors
copyright-page cover covertitle credit credits dedication division endnote endnotes epigraph
epilogue errata feedback fill-in-the-blank-problem footnote footnotes foreword frontmatter
fulltitle general-problem glossary glossdef glossref glossterm halftitle halftitlepage help
imprimatur imprint index index-editor-note index-entry index-entry-list index-group
index-headnotes index-legend index-locator index-locator-list index-locator-range index-term
index-term-categories index-term-category index-xref-preferred index-xref-related introduction
keyword keywords label landmarks learning-objective learning-objectives learning-outcome
learning-outcomes learning-resource learning-resources learning-standard learning-standards
loa loi lot lov marginalia match-problem multiple-choice-problem note noteref notice ordinal
other-credits page-list pagebreak panel panel-group part practice practices preamble preface
prologue pullquote qna question rearnote rearnotes referrer revision-history seriespage
sidebar sound-area subchapter subtitle text-area tip title titlepage toc toc-brief
topic-sentence true-false-problem volume warning
""".split())
#: Elements EPUBCheck 5's schema gives no ``epub:type`` attribute.
EPUB_TYPE_FORBIDDEN = frozenset({"col"})
#: Prefixes usable without a declaration in the document: the EPUB writer
#: declares z3998 (the Z39.98 structural vocabulary) whenever it is used.
DECLARED_TYPE_PREFIXES = frozenset({"z3998"})
# XML NMTOKEN, the datatype of epub:type tokens (ASCII part; letters of any
# script are name characters too).
_NMTOKEN = re.compile(r"^[\w.:\-\u00b7\u0300-\u036f\u203f\u2040]+$")


def epub_type_verdict(token: str) -> str | None:
    """None when the ``epub:type`` token may stay, else why it goes."""
    if not _NMTOKEN.match(token):
        return "not a name"
    if ":" in token:
        prefix, _, reference = token.partition(":")
        if prefix not in DECLARED_TYPE_PREFIXES:
            return "undeclared prefix"
        return None if reference and ":" not in reference else "not a name"
    return None if token in SSV_TERMS else "unknown term"


# ---------------------------------------------------------------- style


def _token_ok(token) -> bool:
    """Tokens EPUBCheck's CSS parser accepts in a declaration value."""
    if token.type in ("error", "at-keyword", "{} block", "url"):
        return False
    if token.type == "literal" and token.value in ("}", ")", "]", ";", "{"):
        return False
    if token.type in ("function", "() block", "[] block"):
        inner = token.arguments if token.type == "function" else token.content
        return all(_token_ok(t) for t in inner)
    return True


def clean_style(value: str) -> tuple[str | None, int]:
    """``(style to keep or None, declarations dropped)``.

    Comments go; each well-formed declaration is serialized again by
    tinycss2 (``name: value`` joined by ``; ``).
    """
    parse = getattr(tinycss2, "parse_blocks_contents", None) or tinycss2.parse_declaration_list
    kept: list[str] = []
    dropped = 0
    for item in parse(value, skip_comments=True, skip_whitespace=True):
        if item.type != "declaration":
            dropped += 1
            continue
        tokens = list(item.value)
        while tokens and tokens[0].type == "whitespace":
            tokens.pop(0)
        while tokens and tokens[-1].type == "whitespace":
            tokens.pop()
        if not tokens or not all(_token_ok(t) for t in tokens):
            dropped += 1
            continue
        text = f"{item.name}: {tinycss2.serialize(tokens)}"
        if item.important:
            text += " !important"
        kept.append(text)
    return ("; ".join(kept) or None), dropped


# ---------------------------------------------------------------- datetime

_Y = r"(?P<y>\d{4,})"
_DATE = _Y + r"-(?P<m>\d\d)-(?P<d>\d\d)"
_TIME = r"(?P<H>\d\d):(?P<M>\d\d)(?::(?P<S>\d\d)(?:\.\d{1,3})?)?"
_ZONE = r"(?:Z|[+-](?P<zh>\d\d):?(?P<zm>\d\d))"
#: The grammars of HTML §2.3.5 that EPUBCheck 5 accepts too (it refuses a
#: bare time-zone offset, and a bare year of more than four digits).
DATETIME_FORMS: dict[str, re.Pattern[str]] = {
    "month": re.compile(rf"^{_Y}-(?P<m>\d\d)$"),
    "date": re.compile(rf"^{_DATE}$"),
    "yearless date": re.compile(r"^(?:--)?(?P<m>\d\d)-(?P<d>\d\d)$"),
    "time": re.compile(rf"^{_TIME}$"),
    "local date and time": re.compile(rf"^{_DATE}[T ]{_TIME}$"),
    "global date and time": re.compile(rf"^{_DATE}[T ]{_TIME}{_ZONE}$"),
    "week": re.compile(r"^(?P<y>\d{4,})-W(?P<w>\d\d)$"),
    "year": re.compile(r"^(?P<y>\d{4})$"),
}
_ISO_DURATION = re.compile(r"^P(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d{1,3})?S)?)?$")
_DURATION_PART = re.compile(r"^(\d+(?:\.\d{1,3})?)([WwDdHhMmSs])$")
#: What each element accepts: ``time`` any form, ``del``/``ins`` a date
#: with optional time (HTML §4.7.3).
DATETIME_ACCEPTS: dict[str, tuple[str, ...]] = {
    "time": (*DATETIME_FORMS, "duration"),
    "del": ("date", "global date and time"),
    "ins": ("date", "global date and time"),
}


def _calendar_ok(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    year = int(groups["y"]) if groups.get("y") else 2000  # yearless: a leap year
    if year == 0:
        return False
    if groups.get("m") is not None:
        month = int(groups["m"])
        if not 1 <= month <= 12:
            return False
        if groups.get("d") is not None and not (
                1 <= int(groups["d"]) <= calendar.monthrange(year, month)[1]):
            return False
    if groups.get("w") is not None:
        # A year has 53 ISO weeks when 1 January is a Thursday, or a Wednesday in a leap year.
        weeks = 53 if calendar.weekday(year, 1, 1) == 3 or (
            calendar.isleap(year) and calendar.weekday(year, 1, 1) == 2) else 52
        if not 1 <= int(groups["w"]) <= weeks:
            return False
    if groups.get("H") is not None and (int(groups["H"]) > 23 or int(groups["M"]) > 59
                                         or (groups.get("S") and int(groups["S"]) > 59)):
        return False
    return groups.get("zh") is None or (int(groups["zh"]) <= 23 and int(groups["zm"]) <= 59)


def _clean_duration(value: str) -> str | None:
    """A valid duration string (ISO form, or "4h 18m 3s" with its units in
    upper case, the only case EPUBCheck's pattern knows), or None."""
    if _ISO_DURATION.match(value) and value not in ("P", "PT") and not value.endswith("T"):
        return value
    parts = value.split()
    units = []
    for part in parts:
        match = _DURATION_PART.match(part)
        if not match or ("." in match.group(1) and match.group(2).lower() != "s"):
            return None
        units.append(match.group(2).lower())
    if not parts or len(set(units)) != len(units):
        return None
    return " ".join(part.upper() for part in parts)


def clean_datetime(value: str, tag: str) -> str | None:
    """``value`` (normalized) when it is a valid ``datetime`` of ``tag``
    (HTML §2.3.5), else None."""
    value = value.strip()
    for name in DATETIME_ACCEPTS.get(tag, DATETIME_ACCEPTS["time"]):
        if name == "duration":
            duration = _clean_duration(value)
            if duration is not None:
                return duration
            continue
        match = DATETIME_FORMS[name].match(value)
        if match and _calendar_ok(match):
            return value
    return None


def datetime_ok(value: str, tag: str) -> bool:
    return clean_datetime(value, tag) is not None


# ---------------------------------------------------------------- language tags and MIME types

# RFC 5646 §2.1 "Syntax": langtag / privateuse / grandfathered (irregular ones).
# The primary language is an ISO 639 code of two or three letters: the
# grammar's 4-8 letter forms are registered for nothing, and axe (Ace's
# valid-lang rule) rejects them ("english").
_LANGTAG = re.compile(r"""^(?:
    [a-z]{2,3}(?:-[a-z]{3}){0,3}                          # language (with extlang)
    (?:-[a-z]{4})?                                        # script
    (?:-(?:[a-z]{2}|\d{3}))?                              # region
    (?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*                   # variants
    (?:-[\da-wyz](?:-[a-z\d]{2,8})+)*                     # extensions
    (?:-x(?:-[a-z\d]{1,8})+)?                             # private use
  | x(?:-[a-z\d]{1,8})+
  | en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn
  | i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de
  | art-lojban|cel-gaulish|no-bok|no-nyn|zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang
)$""", re.X)


def language_tag_ok(value: str) -> bool:
    """A well-formed BCP 47 tag (or "", which HTML allows for "unknown")."""
    return value == "" or bool(_LANGTAG.match(value.lower()))


_MIME = re.compile(r"^[A-Za-z0-9!#$&+\-^_.]+/[A-Za-z0-9!#$&+\-^_.]+(?:\s*;.*)?$", re.S)


def mime_type_ok(value: str) -> bool:
    return bool(_MIME.match(value.strip()))


# ---------------------------------------------------------------- MathML attributes

_MATHML_LENGTH = re.compile(r"^\s*(?:-?\d*(?:\d\.?|\.\d)\d*(?:e[mx]|in|cm|mm|p[xtc]|%)?"
                            r"|(?:negative)?(?:(?:very){0,2}thi(?:n|ck)|medium)mathspace)\s*$")
_MPADDED_LENGTH = re.compile(r"^\s*[+-]?\d*(?:\d\.?|\.\d)\d*\s*(?:%?\s*(?:height|depth|width)?"
                             r"|e[mx]|in|cm|mm|p[xtc]|(?:negative)?(?:(?:very){0,2}thi(?:n|ck)"
                             r"|medium)mathspace)?\s*$")
_MATHML_COLOR = re.compile(r"^\s*(?:#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?|aqua|black|blue|fuchsia|"
                           r"gray|green|lime|maroon|navy|olive|purple|red|silver|teal|white|"
                           r"yellow)\s*$", re.I)
_TRUE_FALSE = frozenset({"true", "false"})
_SIDES = frozenset({"left", "center", "right"})
_VERTICAL = frozenset({"top", "bottom", "center", "baseline", "axis"})
_LINES = frozenset({"none", "solid", "dashed"})
_VARIANTS = frozenset("""normal bold italic bold-italic double-struck bold-fraktur script
bold-script fraktur sans-serif bold-sans-serif sans-serif-italic sans-serif-bold-italic monospace
initial tailed looped stretched""".split())


def _one_of(values: frozenset[str]):
    return lambda value: value.strip() in values


def _list_of(values: frozenset[str]):
    return lambda value: bool(value.split()) and all(v in values for v in value.split())


def _length_or(*words: str):
    return lambda value: value.strip() in words or bool(_MATHML_LENGTH.match(value))


#: Value types of MathML 3 presentation attributes (MathML 3 §2.1.5, §3.1.10).
MATHML_VALUE_TYPES = {
    "text": lambda value: True,
    "length": _length_or(),
    "mpadded-length": lambda value: bool(_MPADDED_LENGTH.match(value)),
    "color": lambda value: bool(_MATHML_COLOR.match(value)),
    "background": lambda value: value.strip() == "transparent" or bool(_MATHML_COLOR.match(value)),
    "boolean": _one_of(_TRUE_FALSE),
    "side": _one_of(_SIDES),
    "dir": _one_of(frozenset({"ltr", "rtl"})),
    "display": _one_of(frozenset({"block", "inline"})),
    "form": _one_of(frozenset({"prefix", "infix", "postfix"})),
    "mathvariant": _one_of(_VARIANTS),
    "mathsize": _length_or("small", "normal", "big"),
    "maxsize": _length_or("infinity"),
    "thickness": _length_or("thin", "medium", "thick"),
    "integer": lambda value: bool(re.fullmatch(r"\s*[+-]?\d+\s*", value)),
    "positive": lambda value: value.strip().isdigit() and int(value) > 0,
    "vertical": _one_of(_VERTICAL),
    "verticals": _list_of(_VERTICAL),
    "sides": _list_of(_SIDES),
    "lines": _list_of(_LINES),
    "line": _one_of(_LINES),
    "lengths": lambda value: bool(value.split()) and all(_MATHML_LENGTH.match(v) for v in value.split()),
    "two-lengths": lambda value: len(value.split()) == 2 and all(_MATHML_LENGTH.match(v)
                                                                 for v in value.split()),
    "width": _length_or("auto"),
    "nmtokens": lambda value: bool(value.split()) and all(_NMTOKEN.match(v) for v in value.split()),
    "id": lambda value: bool(value.strip()) and not any(c.isspace() for c in value),
}
_COMMON = {"id": "id", "class": "nmtokens", "mathcolor": "color", "mathbackground": "background"}
_TOKEN = {**_COMMON, "mathvariant": "mathvariant", "mathsize": "mathsize", "dir": "dir"}
_STYLE = {"displaystyle": "boolean", "scriptlevel": "integer", "mathvariant": "mathvariant",
          "mathsize": "mathsize", "dir": "dir"}
#: The attributes each MathML presentation element takes, with their value
#: types (MathML 3 §3; EPUB 3.3 §6.1.4.1 allows presentation MathML).
MATHML_ELEMENT_ATTRIBUTES: dict[str, dict[str, str]] = {
    "math": {**_COMMON, **_STYLE, "display": "display", "alttext": "text"},
    "mi": _TOKEN, "mn": _TOKEN, "mtext": _TOKEN,
    "mo": {**_TOKEN, "form": "form", "fence": "boolean", "separator": "boolean",
           "lspace": "length", "rspace": "length", "stretchy": "boolean", "symmetric": "boolean",
           "maxsize": "maxsize", "minsize": "length", "largeop": "boolean",
           "movablelimits": "boolean", "accent": "boolean"},
    "ms": {**_TOKEN, "lquote": "text", "rquote": "text"},
    "mspace": {**_TOKEN, "width": "length", "height": "length", "depth": "length"},
    "mrow": {**_COMMON, "dir": "dir"},
    "mfrac": {**_COMMON, "linethickness": "thickness", "numalign": "side", "denomalign": "side",
              "bevelled": "boolean"},
    "mstyle": {**_COMMON, **_STYLE},
    "mpadded": {**_COMMON, "height": "mpadded-length", "depth": "mpadded-length",
                "width": "mpadded-length", "lspace": "mpadded-length",
                "voffset": "mpadded-length"},
    "mfenced": {**_COMMON, "open": "text", "close": "text", "separators": "text"},
    "menclose": {**_COMMON, "notation": "text"},
    "msub": {**_COMMON, "subscriptshift": "length"},
    "msup": {**_COMMON, "superscriptshift": "length"},
    "msubsup": {**_COMMON, "subscriptshift": "length", "superscriptshift": "length"},
    "mmultiscripts": {**_COMMON, "subscriptshift": "length", "superscriptshift": "length"},
    "munder": {**_COMMON, "accentunder": "boolean", "align": "side"},
    "mover": {**_COMMON, "accent": "boolean", "align": "side"},
    "munderover": {**_COMMON, "accent": "boolean", "accentunder": "boolean", "align": "side"},
    "mtable": {**_COMMON, "rowalign": "verticals", "columnalign": "sides", "width": "width",
               "rowspacing": "lengths", "columnspacing": "lengths", "rowlines": "lines",
               "columnlines": "lines", "frame": "line", "framespacing": "two-lengths",
               "equalrows": "boolean", "equalcolumns": "boolean", "displaystyle": "boolean"},
    "mtr": {**_COMMON, "rowalign": "vertical", "columnalign": "sides"},
    "mlabeledtr": {**_COMMON, "rowalign": "vertical", "columnalign": "sides"},
    "mtd": {**_COMMON, "rowspan": "positive", "columnspan": "positive", "rowalign": "vertical",
            "columnalign": "side"},
    "semantics": {**_COMMON, "encoding": "text"},
    "annotation": {**_COMMON, "encoding": "text"},
}


def mathml_attribute_ok(element: str, name: str, value: str) -> bool:
    """Whether MathML ``<element name=value>`` is valid (unknown elements: common only)."""
    kind = MATHML_ELEMENT_ATTRIBUTES.get(element, _COMMON).get(name)
    return kind is not None and MATHML_VALUE_TYPES[kind](value)
