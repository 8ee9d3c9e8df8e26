"""Footnotes written in HTML, whatever wrote them → the model's notes.

Every tool marks notes its own way: EPUB 3 ``epub:type="noteref"`` and
``<aside epub:type="footnote">``; DPUB-ARIA ``role="doc-noteref"`` and
``doc-endnotes``; pandoc (``a.footnote-ref`` and ``section.footnotes``);
GitHub (``data-footnote-ref``); markdown-it and Python-Markdown
(``sup.footnote-ref``, ``div.footnote``, ids like ``fn:1``); Word's "Save
as web page" (``#_ftn1`` / ``#_ftnref1`` anchors); mammoth
(``#footnote-1`` / ``#footnote-ref-1``).  What they share is the shape: a
call that links to the note, and (nearly always) a link in the note back
to the call.  :func:`normalize_notes` recognises a note by its semantics,
its class, or that round trip, and rewrites every pair as book/model.py
asks:

* the call: ``<a epub:type="noteref" href="#key">label</a>`` (a ``sup``
  around it is dropped: the notes pass styles calls itself);
* the note: ``<aside epub:type="footnote" id="key">`` with block content,
  placed right after the block that first calls it, so the note stays in
  the call's chapter when the document is split.  Back-links, the old
  note list and its "Footnotes" heading disappear.  A note its source
  marks as an endnote (``epub:type="endnote"``, ``role="doc-endnote"``, or
  an endnote id: mammoth's ``endnote-1`` for Word's endnotes) becomes
  ``<aside epub:type="endnote">`` instead (:func:`note_kind`).

EPUB 3 Structural Semantics (noteref, footnote, endnote, rearnote) and
DPUB-ARIA 1.1 (doc-noteref, doc-footnote, doc-endnotes, doc-backlink) are
the vocabularies read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ...xhtml import (
    EPUB_TYPE,
    HEADING_TAGS,
    IdFactory,
    add_epub_type,
    classes,
    epub_types,
    remove_keep_tail,
    text_content,
    unwrap,
)

_NOTE_TYPES = frozenset({"footnote", "endnote", "rearnote", "note"})
_NOTE_ROLES = frozenset({"doc-footnote", "doc-endnote"})
_NOTE_LIST_TYPES = frozenset({"footnotes", "endnotes", "rearnotes"})
_NOTE_LIST_CLASSES = frozenset({"footnotes", "footnote", "endnotes", "notes", "footnotes-list",
                                "footnote-list", "footnotes-end-of-document"})
_REF_CLASSES = frozenset({"footnote-ref", "footnoteref", "noteref", "footnote-reference",
                          "footnote-call", "fnref"})
_BACK_CLASSES = frozenset({"footnote-back", "footnote-backref", "footnotebackref",
                           "data-footnote-backref", "backlink", "fnback", "reversefootnote"})
_WORD_NOTE_ID = re.compile(r"^_?(?:ftn|edn)\d+$")
_WORD_REF_ID = re.compile(r"^_?(?:ftn|edn)ref\d+$")
_NOTE_BLOCKS = frozenset({"li", "aside", "div", "section", "p", "dd", "footer", "article"})
_FLOW_PARENTS = frozenset({"body", "section", "article", "main", "div", "blockquote", "aside",
                           "header", "footer", "figure", "nav", "details"})
_INLINE_ONLY = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn",
                          "em", "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
                          "sub", "sup", "time", "u", "var", "wbr", "img", "del", "ins"})
_NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9._-]*$")
_LABEL_BRACKETS = re.compile(r"^[\[\(]\s*(.*?)\s*[\]\)]$")


@dataclass
class NoteReport:
    """How many notes were found and turned into the model's form."""

    notes: int = 0
    calls: int = 0
    unreferenced: int = 0
    keys: list[str] = field(default_factory=list)


#: Ids that mark endnotes: mammoth (``endnote-1``), LibreOffice
#: (``sdendnote1``), Word's "Save as web page" (``_edn1``).
_ENDNOTE_ID = re.compile(r"^(?:endnote|sdendnote|_edn)", re.I)


def note_kind(note: etree._Element) -> str:
    """"endnote" for a note its source marks as one (epub:type endnote or
    rearnote, role doc-endnote, an endnote id), else "footnote": Word's
    endnotes stay endnotes, collected at the end rather than at the foot
    of the page."""
    if {"endnote", "rearnote"} & set(epub_types(note)) or note.get("role") == "doc-endnote":
        return "endnote"
    return "endnote" if _ENDNOTE_ID.match(note.get("id") or "") else "footnote"


def _is_explicit_note(el: etree._Element) -> bool:
    return bool(_NOTE_TYPES.intersection(epub_types(el))) or el.get("role") in _NOTE_ROLES


def _is_note_list(el: etree._Element) -> bool:
    return (bool(_NOTE_LIST_TYPES.intersection(epub_types(el)))
            or el.get("role") == "doc-endnotes"
            or el.get("data-footnotes") is not None
            or bool(_NOTE_LIST_CLASSES.intersection(c.lower() for c in classes(el))))


def _is_explicit_ref(a: etree._Element) -> bool:
    if "noteref" in epub_types(a) or a.get("role") == "doc-noteref":
        return True
    if a.get("data-footnote-ref") is not None:
        return True
    if _REF_CLASSES.intersection(c.lower() for c in classes(a)):
        return True
    parent = a.getparent()
    return parent is not None and parent.tag == "sup" and bool(
        _REF_CLASSES.intersection(c.lower() for c in classes(parent)))


def _is_backlink(a: etree._Element, ref_ids: set[str]) -> bool:
    href = a.get("href") or ""
    if href.startswith("#") and href[1:] in ref_ids:
        return True
    if "backlink" in epub_types(a) or a.get("role") == "doc-backlink":
        return True
    if a.get("data-footnote-backref") is not None:
        return True
    return bool(_BACK_CLASSES.intersection(c.lower() for c in classes(a)))


def _in_note_list(el: etree._Element, root: etree._Element) -> bool:
    node = el.getparent()
    while node is not None and node is not root.getparent():
        if _is_note_list(node):
            return True
        node = node.getparent()
    return False


def _container(target: etree._Element, root: etree._Element) -> etree._Element:
    """The element that holds the whole note the link points into."""
    node: etree._Element | None = target
    while node is not None and node is not root:
        if _is_explicit_note(node):
            return node
        node = node.getparent()
    node = target
    while node is not root and node.getparent() is not None and node.tag not in _NOTE_BLOCKS:
        node = node.getparent()
    if node.tag == "p":
        parent = node.getparent()
        if (parent is not None and parent is not root and parent.tag in ("div", "li", "aside")
                and not _is_note_list(parent)
                and (parent.tag == "li" or _WORD_NOTE_ID.match(parent.get("id") or "")
                     or sum(1 for c in parent if isinstance(c.tag, str)) == 1)):
            return parent
    return node


def _ref_ids(a: etree._Element) -> set[str]:
    """Ids a back-link could point at: the call's own and its wrapper's."""
    ids = {a.get("id")} if a.get("id") else set()
    parent = a.getparent()
    if parent is not None and parent.tag == "sup" and parent.get("id"):
        ids.add(parent.get("id"))
    return ids


def _has_backlink(container: etree._Element, ids: set[str]) -> bool:
    if not ids:
        return False
    for a in container.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and href[1:] in ids:
            return True
    return False


def _pairs(root: etree._Element) -> list[tuple[etree._Element, etree._Element]]:
    """(call, note container) for every link that calls a note."""
    by_id: dict[str, etree._Element] = {}
    for el in root.iter():
        if isinstance(el.tag, str):
            ident = el.get("id")
            if ident and ident not in by_id:
                by_id[ident] = el
    # Keyed by the elements themselves: keeping the proxies alive keeps them unique.
    order = {el: index for index, el in enumerate(root.iter())}
    pairs = []
    for a in root.iter("a"):
        href = a.get("href") or ""
        if not href.startswith("#") or len(href) < 2:
            continue
        target = by_id.get(href[1:])
        if target is None or target is a:
            continue
        container = _container(target, root)
        if container is root or _contains(container, a):
            continue
        explicit = _is_explicit_ref(a) or _is_explicit_note(container) or (
            _in_note_list(target, root) and container.tag in ("li", "div", "aside", "p", "dd"))
        if explicit:
            pairs.append((a, container))
            continue
        if not _looks_like_call(a) or _holds_heading(container):
            continue
        if order.get(container, 0) < order.get(a, 0):
            continue  # a note follows its call; this is the note's link back
        word = _WORD_NOTE_ID.match(href[1:]) and _WORD_REF_ID.match(a.get("id") or "")
        if word or _has_backlink(container, _ref_ids(a)):
            pairs.append((a, container))
    return pairs


def _looks_like_call(a: etree._Element) -> bool:
    """A note call is a short label ("1", "[12]", "*", "†"), usually superscript."""
    label = text_content(a)
    bare = _LABEL_BRACKETS.sub(r"\1", label)
    parent = a.getparent()
    in_sup = a.find(".//sup") is not None or (parent is not None and parent.tag == "sup")
    return 0 < len(bare) <= 4 or (in_sup and 0 < len(bare) <= 8)


def _holds_heading(el: etree._Element) -> bool:
    """Headings and sections are link targets of contents lists, never notes."""
    if el.tag in HEADING_TAGS:
        return True
    return any(True for _ in el.iter(*HEADING_TAGS)) and el.tag in ("section", "article", "div")


def _contains(ancestor: etree._Element, el: etree._Element) -> bool:
    node: etree._Element | None = el
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _anchor_block(el: etree._Element, root: etree._Element) -> etree._Element:
    """The ancestor of ``el`` after which a note may follow as a block."""
    node = el
    while node.getparent() is not None and node is not root:
        parent = node.getparent()
        if parent is root or parent.tag in _FLOW_PARENTS and node.tag not in _INLINE_ONLY:
            return node
        node = parent
    return node


def _move_content(container: etree._Element, aside: etree._Element) -> None:
    """Put the note's content into ``aside``, wrapping loose inline content in ``<p>``."""
    if container.tag == "p":
        aside.append(container)
        container.tail = None
        return
    paragraph: etree._Element | None = None

    def inline_sink() -> etree._Element:
        nonlocal paragraph
        if paragraph is None:
            paragraph = etree.SubElement(aside, "p")
        return paragraph

    if container.text and container.text.strip():
        inline_sink().text = container.text
    for child in list(container):
        tail = child.tail
        child.tail = None
        if not isinstance(child.tag, str):
            continue
        if child.tag in _INLINE_ONLY:
            sink = inline_sink()
            sink.append(child)
        else:
            paragraph = None
            aside.append(child)
        if tail and tail.strip():
            sink = inline_sink()
            if len(sink):
                sink[-1].tail = (sink[-1].tail or "") + tail
            else:
                sink.text = (sink.text or "") + tail


def _strip_backlinks(aside: etree._Element, ref_ids: set[str]) -> None:
    for a in list(aside.iter("a")):
        if _is_backlink(a, ref_ids):
            parent = a.getparent()
            if parent is not None and parent.tag == "sup" and len(parent) == 1 and not (
                    (parent.text or "").strip() or (a.tail or "").strip()):
                a = parent
            remove_keep_tail(a)
    # Whitespace or separators left at the edges of the note's paragraphs.
    for p in aside.iter("p"):
        if p.text:
            p.text = p.text.lstrip()
        if len(p) and p[-1].tail:
            p[-1].tail = p[-1].tail.rstrip()
        elif not len(p) and p.text:
            p.text = p.text.rstrip()
    for p in list(aside):
        if p.tag == "p" and not text_content(p) and not len(p):
            aside.remove(p)


def _rewrite_call(a: etree._Element, key: str) -> None:
    a.set("href", f"#{key}")
    add_epub_type(a, "noteref")
    for name in ("data-footnote-ref", "target", "rel"):
        a.attrib.pop(name, None)
    # <a><sup>1</sup></a> → <a>1</a>
    for inner in list(a.iter("sup", "span")):
        if inner is not a:
            unwrap(inner)
    label = text_content(a)
    match = _LABEL_BRACKETS.match(label)
    if match and len(a) == 0:
        a.text = match.group(1)
    parent = a.getparent()
    # <sup><a>1</a></sup> → <a>1</a>
    if (parent is not None and parent.tag == "sup" and len(parent) == 1
            and not (parent.text or "").strip() and not (a.tail or "").strip()):
        grand = parent.getparent()
        if grand is not None:
            a.tail = parent.tail
            if parent.get("id") and not a.get("id"):
                a.set("id", parent.get("id"))
            grand.replace(parent, a)


def _remove_empty_lists(parents: list[etree._Element], root: etree._Element) -> None:
    for parent in parents:
        node = parent
        while node is not None and node is not root and node.getparent() is not None:
            up = node.getparent()
            if node.tag in ("ol", "ul", "div", "section", "footer") and not _has_real_content(node) \
                    and not any(isinstance(c.tag, str) and c.tag not in ("hr", "br") and not
                                c.tag.startswith("h") for c in node):
                remove_keep_tail(node)
            elif node.tag in ("ol", "ul") and not any(isinstance(c.tag, str) for c in node):
                up.remove(node)
            elif _is_note_list(node) and not _has_real_content(node):
                up.remove(node)
            else:
                break
            node = up


def _has_real_content(el: etree._Element) -> bool:
    """True when something other than headings, rules and whitespace is left."""
    if (el.text or "").strip():
        return True
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("hr", "h1", "h2", "h3", "h4", "h5", "h6", "br"):
            if (child.tail or "").strip():
                return True
            continue
        if text_content(child) or child.find(".//img") is not None or child.tag == "img":
            return True
        if (child.tail or "").strip():
            return True
    return False


def _safe_key(wanted: str | None, ids: IdFactory, taken_by_container: bool) -> str:
    if wanted and _NCNAME.match(wanted) and taken_by_container:
        return wanted
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", wanted or "note").strip("-") or "note"
    return ids.make(base if base[0].isalpha() else f"note-{base}")


def normalize_notes(root: etree._Element) -> NoteReport:
    """Rewrite every note and call under ``root`` as book/model.py asks."""
    report = NoteReport()
    pairs = _pairs(root)
    taken = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    ids = IdFactory(taken)
    notes: dict[int, tuple[etree._Element, list[etree._Element]]] = {}
    order: list[int] = []
    for a, container in pairs:
        entry = notes.get(id(container))
        if entry is None:
            notes[id(container)] = (container, [a])
            order.append(id(container))
        else:
            entry[1].append(a)
    old_parents: list[etree._Element] = []
    placed: dict[int, etree._Element] = {}
    for key_id in order:
        container, calls = notes[key_id]
        if container.getparent() is None:
            continue
        own_id = container.get("id")
        key = _safe_key(own_id, ids, own_id is not None)
        ref_ids: set[str] = set()
        for a in calls:
            ref_ids |= _ref_ids(a)
        anchor = _anchor_block(calls[0], root)
        aside = etree.Element("aside")
        aside.set(EPUB_TYPE, note_kind(container))
        aside.set("id", key)
        line = container.get("data-mb-line")
        if line:
            aside.set("data-mb-line", line)
        old_parent = container.getparent()
        if container.tag != "p":
            for name in ("lang", "dir"):
                if container.get(name):
                    aside.set(name, container.get(name))
        remove_keep_tail(container, keep_blank_tail=False)
        _move_content(container, aside)
        if container.tag == "p" and container.get("id") == own_id:
            del container.attrib["id"]
        _strip_backlinks(aside, ref_ids)
        if _contains(aside, anchor) or anchor.getparent() is None:
            anchor = _anchor_block(calls[0], root)
        # After the block, and after notes already placed there, in call order.
        while anchor.getnext() is not None and id(anchor.getnext()) in placed:
            anchor = anchor.getnext()
        anchor.addnext(aside)
        placed[id(aside)] = aside
        old_parents.append(old_parent)
        for a in calls:
            _rewrite_call(a, key)
        report.notes += 1
        report.calls += len(calls)
        report.keys.append(key)
    _remove_empty_lists(old_parents, root)
    # Notes marked as such that nothing calls: the model's form, left in place.
    for el in list(root.iter("aside", "div", "section", "p")):
        if el.getparent() is None or not _is_explicit_note(el):
            continue
        if el.tag == "aside" and epub_types(el)[:1] in (["footnote"], ["endnote"]):
            continue
        kind = note_kind(el)
        others = [t for t in epub_types(el) if t not in _NOTE_TYPES]
        if el.tag == "p":
            aside = etree.Element("aside")
            el.addprevious(aside)
            aside.tail = el.tail
            el.tail = None
            aside.append(el)
            if el.get("id"):
                aside.set("id", el.attrib.pop("id"))
            el.attrib.pop(EPUB_TYPE, None)
            el = aside
        el.tag = "aside"
        el.set(EPUB_TYPE, " ".join([kind, *others]))
        if el.get("role") in _NOTE_ROLES:
            el.set("role", "doc-footnote")
        report.unreferenced += 1
    return report


