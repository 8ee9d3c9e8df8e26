"""What the sanitize pass keeps: elements, attributes, URL schemes, MathML.

Allowlists, so what is not named here is not kept.  The elements are those
valid in the body of an EPUB 3 content document (EPUB 3.3 §6.1, HTML §4);
the obsolete ones are renamed to their modern equivalent (HTML §16.2);
those that load, run or submit something go with everything inside them.
Attribute values are checked by :mod:`.attribute_values` where HTML,
WAI-ARIA and EPUB constrain them; the rules as code are in :mod:`.attributes`.
"""

from __future__ import annotations

import re

from ...xhtml import EPUB_TYPE
from .attribute_values import datetime_ok

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
#: Unknown elements common enough in real manuscripts to unwrap silently.
QUIET_UNWRAP = frozenset({"font", "big", "nobr", "blink", "marquee", "html", "body", "label",
                           "fieldset", "legend", "picture", "canvas", "map", "o:p", "center",
                           "st1:place", "st1:city", "st1:country-region", "u1:p"})

#: Elements HTML gives a required attribute (or, for time, required text):
#: test for the failure.  HTML §4.5.13 data, §4.5.14 time, §4.5.24 bdo.
REQUIRED_ATTRIBUTE_FAILS = {
    "data": lambda el: el.get("value") is None,
    "bdo": lambda el: el.get("dir") not in ("ltr", "rtl"),
    "time": lambda el: el.get("datetime") is None and (
        len(el) > 0 or not datetime_ok((el.text or "").strip(), "time")),
}
REQUIRED_WHAT = {"data": "a value", "bdo": "dir=ltr or rtl",
                  "time": "a datetime or a date as its text"}

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
LINK_ONLY_ATTRIBUTES = frozenset({"type", "hreflang"})

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
OL_TYPES = {"1", "a", "A", "i", "I"}

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
