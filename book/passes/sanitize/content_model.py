"""HTML content models as data: which element may stand where.

The repair step (:mod:`.repair`) reads these tables and nothing
else knows them.  They follow the HTML Living Standard (§3.2.5 "Content
models", the "Contexts in which this element can be used" and "Content
model" entries of each element in §4) for the elements the sanitize pass
keeps (:data:`.allowlists.ALLOWED_ELEMENTS`), narrowed where
EPUBCheck 5's schemas are stricter (``hgroup`` holds exactly one heading;
``rp`` only around an ``rt``) and MathML 3 presentation markup as EPUB 3.3
allows it.

Vocabulary of the tables:

* a *model* names what an element's children may be: ``flow``,
  ``phrasing``, ``transparent`` (the parent's model: ``a``, ``ins``,
  ``del``), or a structure of its own (``list``, ``table``, ``row``...);
* a *block* is any element that is not phrasing content (:data:`PHRASING`):
  inside a phrasing-only element it cannot stay;
* an *orphan* is an element that needs a particular parent (``li`` in a
  list, ``td`` in a row...); :data:`ORPHAN_FAMILIES` says which container
  gathers it.
"""

from __future__ import annotations

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Heading content (HTML §3.2.5.2.4).
HEADING_CONTENT = HEADINGS | {"hgroup"}
#: Sectioning content (HTML §3.2.5.2.3).
SECTIONING = frozenset({"article", "aside", "nav", "section"})

#: Phrasing content (HTML §3.2.5.2.5) among the elements we keep; MathML's
#: ``math`` is phrasing too (its tag is namespaced, see :func:`is_phrasing`).
PHRASING = frozenset("""
a abbr b bdi bdo br cite code data del dfn em i img ins kbd mark q ruby s samp small span
strong sub sup time u var wbr
""".split())
#: Elements whose content model is their parent's (HTML §3.2.5.3).
TRANSPARENT = frozenset({"a", "ins", "del"})
#: Void elements: no content at all (HTML §13.1.2).
VOID = frozenset({"br", "hr", "img", "wbr", "col"})
#: Interactive content among the elements we keep (HTML §3.2.5.2.7): an
#: ``a`` may hold none of it (see :data:`EXCLUSIONS`).
INTERACTIVE = frozenset({"a", "details"})
TABLE_PARTS = frozenset({"caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th"})

#: The model of each element's children.
MODEL: dict[str, str] = {
    **{tag: "phrasing" for tag in """
        p pre h1 h2 h3 h4 h5 h6 span em strong b i u s small mark abbr cite code dfn kbd samp var
        sub sup bdi bdo data time q rt""".split()},
    **{tag: "transparent" for tag in TRANSPARENT},
    **{tag: "flow" for tag in """
        body section article aside nav blockquote div main figcaption dd li td th caption dt
        address header footer""".split()},
    "ul": "list", "ol": "list", "dl": "dl", "table": "table",
    "thead": "rowgroup", "tbody": "rowgroup", "tfoot": "rowgroup", "tr": "row",
    "colgroup": "colgroup", "figure": "figure", "details": "details", "summary": "summary",
    "hgroup": "hgroup", "ruby": "ruby", "rp": "text",
    **{tag: "empty" for tag in VOID},
}

#: Phrasing-only elements that hold a title or code: a block inside one
#: cannot be split out without cutting the heading or listing in two, so
#: blocks anywhere inside become ``span`` (their text and attributes kept).
FLATTEN_CONTAINERS = frozenset(HEADINGS | {"pre", "summary", "rt"})
#: Phrasing-only blocks that are split around a block inside them (a ``p``
#: holding a ``div`` becomes ``p``, ``div``, ``p``), as an HTML parser does.
SPLIT_CONTAINERS = frozenset({"p"})
#: Generic inline containers that become ``div`` when they hold blocks and
#: stand where flow content is allowed ("turn the span into a div").
GENERIC_INLINE = frozenset({"span"})

#: Orphans gathered into the container they need, by family: consecutive
#: members of one family (whitespace between them allowed) share one.
ORPHAN_FAMILIES: dict[str, str] = {
    "li": "ul",
    "dt": "dl", "dd": "dl",
    **{tag: "table" for tag in TABLE_PARTS},
}
#: Orphans with no container to gather them into: what they become outside it.
#: ``figcaption`` becomes ``p`` (or ``div`` when it holds blocks).
ORPHAN_CONVERSIONS: dict[str, str] = {"figcaption": "p", "summary": "div"}
#: Orphans that only make sense inside their parent: unwrapped, text kept.
ORPHAN_UNWRAPS = frozenset({"rt", "rp"})
#: Elements with no content worth a container: dropped where they cannot stand.
CONTENTLESS = frozenset({"br", "wbr", "hr", "col"})

#: Descendants HTML forbids inside an element, and the repair for each:
#: ``(ancestors, forbidden descendants, move, severity)``.  ``unwrap`` keeps
#: the text (an element carrying an ``id`` becomes ``span``/``div`` instead,
#: so links to it still work); ``span``/``div``/``p`` rename the descendant;
#: ``outer:div`` renames the ancestor.  ``warn`` when the move loses meaning.
EXCLUSIONS: tuple[tuple[frozenset[str], frozenset[str], str, str], ...] = (
    (frozenset({"a"}), frozenset({"a"}), "unwrap", "warn"),                      # §4.5.1
    (frozenset({"a"}), INTERACTIVE - {"a"}, "div", "warn"),                      # §4.5.1
    (frozenset({"header", "footer"}), frozenset({"header", "footer"}), "unwrap", "note"),
    (frozenset({"dfn"}), frozenset({"dfn"}), "unwrap", "note"),                  # §4.5.8
    (frozenset({"time"}), frozenset({"time"}), "unwrap", "note"),                # EPUBCheck
    (frozenset({"caption"}), TABLE_PARTS | {"table"}, "div", "warn"),            # §4.9.2
    (frozenset({"dt", "th"}), HEADINGS, "p", "warn"),                            # §4.4.10, §4.9.10
    (frozenset({"dt", "th"}), SECTIONING | {"header", "footer", "hgroup"}, "div", "note"),
    (frozenset({"address"}), HEADING_CONTENT | SECTIONING | {"header", "footer", "address"},
     "outer:div", "warn"),                                                       # §4.3.10
)

# ---------------------------------------------------------------- MathML

#: Token elements: text only (MathML 3 §3.2).
MATHML_TOKENS = frozenset({"mi", "mn", "mo", "ms", "mtext", "annotation"})
#: Elements that need an exact number of element children (MathML 3 §3.3, §3.4).
MATHML_ARITY: dict[str, int] = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "msubsup": 3,
                                "munder": 2, "mover": 2, "munderover": 3}
#: Elements that need a particular parent, and that parent.
MATHML_PARENTS: dict[str, frozenset[str]] = {
    "mtr": frozenset({"mtable"}), "mlabeledtr": frozenset({"mtable"}),
    "mtd": frozenset({"mtr", "mlabeledtr"}),
    "mprescripts": frozenset({"mmultiscripts"}), "none": frozenset({"mmultiscripts"}),
    "annotation": frozenset({"semantics"}),
}
#: What a MathML orphan becomes: a neutral container, text, or nothing.
MATHML_ORPHAN_MOVES: dict[str, str] = {"mtr": "mrow", "mlabeledtr": "mrow", "mtd": "mrow",
                                       "mprescripts": "drop", "none": "drop",
                                       "annotation": "mtext"}
#: Children each MathML table level needs, and the wrapper for others.
MATHML_TABLE_CHILDREN: dict[str, tuple[frozenset[str], str]] = {
    "mtable": (frozenset({"mtr", "mlabeledtr"}), "mtr"),
    "mtr": (frozenset({"mtd"}), "mtd"),
    "mlabeledtr": (frozenset({"mtd"}), "mtd"),
}


def local_name(tag: object) -> str:
    """``{ns}name`` → ``name``; plain tags as they are; comments → ``""``."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag


def is_mathml(tag: object) -> bool:
    return isinstance(tag, str) and tag.startswith("{" + MATHML_NS + "}")


def is_phrasing(tag: object) -> bool:
    """Phrasing content (MathML's ``math`` included)."""
    if not isinstance(tag, str):
        return True
    return tag in PHRASING or tag == f"{{{MATHML_NS}}}math"
