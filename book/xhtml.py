"""Small helpers for the chapter trees (see the conventions in book/model.py).

Everything that builds or inspects chapter markup goes through lxml; these
helpers keep the common idioms short and in one place.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from lxml import etree

XHTML_NS = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
XML_NS = "http://www.w3.org/XML/1998/namespace"
#: The namespaced ``epub:type`` attribute as lxml spells it.
EPUB_TYPE = f"{{{EPUB_NS}}}type"
XML_LANG = f"{{{XML_NS}}}lang"

#: Elements laid out as blocks: where paragraphs, page breaks and sections live.
BLOCK_TAGS = frozenset(
    "address article aside blockquote dd details div dl dt figcaption figure footer "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre section table tbody "
    "td tfoot th thead tr ul".split()
)
HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")
#: Elements whose text is code or data, never to be typeset or hyphenated.
VERBATIM_TAGS = frozenset({"code", "pre", "kbd", "samp", "var", "tt", "script", "style", "math", "svg"})

# XML 1.0 allows tab, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD and
# U+10000–U+10FFFF (XML 1.0 §2.2); anything else must not reach a document.
# Written as what is left (NUL, the other C0 controls, lone surrogates,
# U+FFFE/U+FFFF): the same set, compiled in a tenth of the time at every start.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """Remove characters XML 1.0 cannot hold (NUL, C0 controls, surrogates)."""
    if text.isprintable() or printable_but_breaks(text):
        return text  # no control, surrogate or noncharacter: nothing to remove
    return _XML_INVALID.sub("", text)


def printable_but_breaks(text: str) -> bool:
    """Is every character of ``text`` printable, or a tab or line break?
    Such text holds no control character, surrogate or noncharacter; the
    test runs in C, far faster than a regular expression on a whole book."""
    for space in "\n\t\r":
        if space in text:
            text = text.replace(space, " ")
    return text.isprintable()


def element(tag: str, text: str | None = None, attrib: dict[str, str] | None = None,
            **attrs: str) -> etree._Element:
    """Make an element with optional text; ``class_`` becomes ``class``."""
    el = etree.Element(tag)
    for key, value in {**(attrib or {}), **attrs}.items():
        el.set(key.rstrip("_").replace("__", ":"), value)
    if text:
        el.text = xml_safe(text)
    return el


def sub(parent: etree._Element, tag: str, text: str | None = None,
        attrib: dict[str, str] | None = None, **attrs: str) -> etree._Element:
    """Append a new child element (see :func:`element`)."""
    child = element(tag, text, attrib, **attrs)
    parent.append(child)
    return child


def epub_types(el: etree._Element) -> list[str]:
    """The element's ``epub:type`` tokens."""
    return (el.get(EPUB_TYPE) or "").split()


def has_epub_type(el: etree._Element, value: str) -> bool:
    return value in epub_types(el)


def add_epub_type(el: etree._Element, value: str) -> None:
    tokens = epub_types(el)
    if value not in tokens:
        el.set(EPUB_TYPE, " ".join([*tokens, value]))


def set_epub_type(el: etree._Element, value: str) -> None:
    el.set(EPUB_TYPE, value)


def classes(el: etree._Element) -> list[str]:
    return (el.get("class") or "").split()


def has_class(el: etree._Element, name: str) -> bool:
    return name in classes(el)


def add_class(el: etree._Element, name: str) -> None:
    tokens = classes(el)
    if name not in tokens:
        el.set("class", " ".join([*tokens, name]))


def text_content(el: etree._Element) -> str:
    """All text inside ``el`` (not its tail), whitespace collapsed."""
    return " ".join("".join(el.itertext()).split())


def is_heading(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and el.tag in HEADING_TAGS


def heading_level(el: etree._Element) -> int:
    return int(el.tag[1])


def headings(root: etree._Element) -> Iterator[etree._Element]:
    """Every h1–h6 under ``root`` in document order."""
    for el in root.iter(*HEADING_TAGS):
        yield el


def heading_text(heading: etree._Element) -> str:
    """A heading's text without note calls, line breaks as spaces."""
    parts: list[str] = []
    if heading.text:
        parts.append(heading.text)
    for child in heading.iter():
        if child is heading:
            continue
        inside_noteref = False
        node = child
        while node is not None and node is not heading:
            if node.tag == "a" and "noteref" in (node.get(EPUB_TYPE) or ""):
                inside_noteref = True
                break
            node = node.getparent()
        if child.tag == "br":
            parts.append(" ")
        elif not inside_noteref and child.text:
            parts.append(child.text)
        if child.tail and child.getparent() is not None:
            parts.append(child.tail)
    return " ".join("".join(parts).split())



def opening_heading(section: etree._Element) -> etree._Element | None:
    """The heading that opens ``section``: its first element child when that
    is a heading (or a ``header``/``hgroup`` holding one), skipping print
    page-break markers placed before it."""
    for child in section:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "span" and "pagebreak" in (child.get(EPUB_TYPE) or "").split():
            continue
        if child.tag in HEADING_TAGS:
            return child
        if child.tag in ("header", "hgroup"):
            return next(iter(child.iter(*HEADING_TAGS)), None)
        return None
    return None


def nearest_lang(el: etree._Element, default: str = "") -> str:
    """The ``lang`` in effect for ``el`` (its own or its nearest ancestor's)."""
    node: etree._Element | None = el
    while node is not None:
        lang = node.get("lang") or node.get(XML_LANG)
        if lang:
            return lang
        node = node.getparent()
    return default


def iter_elements(root: etree._Element) -> Iterator[etree._Element]:
    """Elements only (no comments or processing instructions): lxml's own
    filter, run in C."""
    return root.iter(etree.Element)


def add_text_before(el: etree._Element, text: str | None) -> None:
    """Append ``text`` to whatever text comes just before ``el``."""
    if not text:
        return
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (prev.tail or "") + text
    else:
        parent = el.getparent()
        parent.text = (parent.text or "") + text


def append_text(el: etree._Element, text: str) -> None:
    """Add ``text`` (made XML-safe) at the end of ``el``, after its last child."""
    if not text:
        return
    text = xml_safe(text)
    try:
        last = el[-1]  # O(1) in lxml, while len(el) walks every child
    except IndexError:
        el.text = (el.text or "") + text
    else:
        last.tail = (last.tail or "") + text


def remove_keep_tail(el: etree._Element, *, keep_blank_tail: bool = True) -> None:
    """Remove ``el`` and its content but keep the text that followed it.

    ``keep_blank_tail=False`` drops a tail that is only whitespace, for
    callers removing a block between blocks.
    """
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail and (keep_blank_tail or tail.strip()):
        add_text_before(el, tail)
    el.tail = None
    parent.remove(el)


def replace_with_text(el: etree._Element, text: str) -> None:
    """Replace ``el`` (and its content) by plain ``text``."""
    el.tail = text + (el.tail or "")
    remove_keep_tail(el)


def unwrap(el: etree._Element) -> None:
    """Replace ``el`` by its text and children.

    Each child moves with ``addprevious`` (O(1), its tail travelling with
    it), so unwrapping many children of one wide parent stays linear.
    """
    if el.getparent() is None:
        return
    add_text_before(el, el.text)
    el.text = None
    for child in list(el):
        el.addprevious(child)
    remove_keep_tail(el)


#: Cyrillic and Greek letters (and the Latin ones Unicode does not
#: decompose) in plain Latin letters, for ids only (``глава`` → ``glava``).
_TRANSLITERATION = str.maketrans({
    **dict(zip("абвгдезийклмнопрстуфхцыэ", "abvgdezijklmnoprstufhcye")),
    "ё": "e", "ж": "zh", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ь": "", "ю": "yu",
    "я": "ya", "є": "ye", "і": "i", "ї": "yi", "ґ": "g", "ђ": "dj", "ј": "j", "љ": "lj",
    "њ": "nj", "ћ": "c", "џ": "dz", "ў": "u",
    **dict(zip("αβγδεζηικλμνξοπρστυφωάέήίόύώϊϋς", "abgdezeiklmnxoprstyfoaeeioyoiys")),
    "θ": "th", "χ": "ch", "ψ": "ps",
    # Latin letters that do not decompose into a base letter and a mark.
    "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ð": "d", "þ": "th",
    "ı": "i",
})


def transliterate(text: str) -> str:
    """Letters in :data:`_TRANSLITERATION`, capitals kept capital (Щ → Shch)."""
    out = []
    for ch in text:
        lower = ch.lower()
        latin = lower.translate(_TRANSLITERATION)
        out.append(latin.capitalize() if ch != lower and latin != lower else
                   latin if latin != lower else ch)
    return "".join(out)


def to_ascii(text: str) -> str:
    """``text`` in ASCII letters where it can be: ``Łódź`` → ``Lodz``, ``Глава`` → ``Glava``.

    Transliterated before and after decomposing: й is a letter of its own,
    ἰ is ι with a breathing.
    """
    text = transliterate(unicodedata.normalize("NFKD", transliterate(text)))
    return text.encode("ascii", "ignore").decode("ascii")


def slugify(text: str, fallback: str = "x", max_length: int = 48) -> str:
    """ASCII slug for ids and file names: lower case, digits and hyphens."""
    ascii_text = to_ascii(text).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:max_length].strip("-")
    return slug or fallback


class IdFactory:
    """Hands out ids unique within one book (``base``, ``base-2``, ...)."""

    def __init__(self, taken: Iterable[str] = ()) -> None:
        self.taken: set[str] = set(taken)

    def reserve(self, value: str) -> None:
        self.taken.add(value)

    def make(self, base: str) -> str:
        base = base if re.match(r"^[A-Za-z]", base) else f"id-{base}"
        candidate, n = base, 2
        while candidate in self.taken:
            candidate = f"{base}-{n}"
            n += 1
        self.taken.add(candidate)
        return candidate


#: Attribute readers put on elements whose source line they know.
SOURCE_LINE = "data-mb-line"


def source_line(el: etree._Element) -> int | None:
    """The source line of ``el``: its own ``data-mb-line`` or its nearest ancestor's."""
    node: etree._Element | None = el
    while node is not None:
        value = node.get(SOURCE_LINE) if isinstance(node.tag, str) else None
        if value and value.isdigit():
            return int(value)
        node = node.getparent()
    return None
