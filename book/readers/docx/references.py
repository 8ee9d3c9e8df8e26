"""References to what a DOCX package does not hold, dropped before mammoth runs.

mammoth stops the whole conversion with a bare ``KeyError`` on a reference
it cannot resolve, so a file Word opens happily would fail to build.  Each
part is cleaned once, after :mod:`.prepare` and before mammoth sees it:

* a hyperlink whose relationship id is undefined keeps its text (and its
  bookmark anchor, if it has one);
* a note call whose note is missing, or whose notes part is, is dropped;
* a picture whose image relationship is undefined is dropped;
* notes without an id and relationships lacking an Id, Type or Target are
  removed from their parts.

The reader reports what went (DOCX008).  References: ECMA-376 Part 1
§17.16.22 (``hyperlink``), §17.11 (footnotes and endnotes), §20.4 (DrawingML
pictures); Part 2 §9.3 (relationships).  Both the transitional and the strict
namespaces are read, as mammoth reads both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .wordml import W_NS, remove_element, unwrap_element

#: The relationships namespace, transitional and strict (mammoth reads both).
R_NAMESPACES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                "http://purl.oclc.org/ooxml/officeDocument/relationships")
#: WordprocessingML, transitional and strict.
W_NAMESPACES = (W_NS, "http://purl.oclc.org/ooxml/wordprocessingml/main")
_A_NAMESPACES = ("http://schemas.openxmlformats.org/drawingml/2006/main",
                 "http://purl.oclc.org/ooxml/drawingml/main")
_VML = "urn:schemas-microsoft-com:vml"
#: The note kinds: (reference element, note element) local names.
NOTE_KINDS = {"footnote": "footnoteReference", "endnote": "endnoteReference"}


@dataclass
class Dangling:
    """References :func:`drop_dangling_references` removed, by kind."""

    links: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pictures: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.links or self.notes or self.pictures)


def _r_attribute(el: etree._Element, local: str) -> tuple[str, str] | None:
    """``(qualified name, value)`` of the ``r:local`` attribute, if any."""
    for ns in R_NAMESPACES:
        name = f"{{{ns}}}{local}"
        value = el.get(name)
        if value is not None:
            return name, value
    return None


def _w_get(el: etree._Element, local: str) -> str | None:
    for ns in W_NAMESPACES:
        value = el.get(f"{{{ns}}}{local}")
        if value is not None:
            return value
    return None


def _tags(namespaces: tuple[str, ...], local: str) -> list[str]:
    return [f"{{{ns}}}{local}" for ns in namespaces]


def _enclosing(el: etree._Element, namespaces: tuple[str, ...], local: str) -> etree._Element:
    """The nearest ancestor named ``local`` (or ``el`` itself when none)."""
    wanted = set(_tags(namespaces, local))
    node = el.getparent()
    while node is not None:
        if node.tag in wanted:
            return node
        node = node.getparent()
    return el


def note_ids(root: etree._Element | None, kind: str) -> set[str]:
    """The ids of the notes a footnotes/endnotes part holds (as mammoth reads
    them: separators are not notes), and removes notes without an id, on
    which mammoth would fail."""
    found: set[str] = set()
    if root is None:
        return found
    for note in list(root.iter(*_tags(W_NAMESPACES, kind))):
        if _w_get(note, "type") in ("separator", "continuationSeparator"):
            continue
        ident = _w_get(note, "id")
        if ident is None:
            remove_element(note)
        else:
            found.add(ident)
    return found


def relationship_ids(rels: etree._Element | None) -> set[str]:
    """The ids a ``.rels`` part defines; a Relationship lacking its Id, Type or
    Target (mammoth fails on those) is removed from the tree."""
    found: set[str] = set()
    if rels is None:
        return found
    for rel in list(rels):
        if not isinstance(rel.tag, str) or not rel.tag.endswith("}Relationship"):
            continue
        if rel.get("Id") is None or rel.get("Type") is None or rel.get("Target") is None:
            rels.remove(rel)
        else:
            found.add(rel.get("Id"))
    return found


def drop_dangling_references(root: etree._Element, relationships: set[str],
                             notes: dict[str, set[str]]) -> Dangling:
    """Remove references to what the package does not hold (module docstring).

    ``relationships`` are the ids the part's ``.rels`` defines; ``notes``
    maps ``footnote``/``endnote`` to the ids of the notes that exist.  Each
    element is looked at once: linear in the part.
    """
    dangling = Dangling()
    for link in list(root.iter(*_tags(W_NAMESPACES, "hyperlink"))):
        found = _r_attribute(link, "id")
        if found is None or found[1] in relationships:
            continue
        dangling.links.append(found[1])
        del link.attrib[found[0]]
        if _w_get(link, "anchor") is None:
            unwrap_element(link)  # mammoth keeps the runs of a hyperlink without a target
    for kind, reference in NOTE_KINDS.items():
        known = notes.get(kind, set())
        for call in list(root.iter(*_tags(W_NAMESPACES, reference))):
            ident = _w_get(call, "id")
            if ident is None or ident not in known:
                dangling.notes.append(f"{kind} {ident}")
                remove_element(call)
    for comment in list(root.iter(*_tags(W_NAMESPACES, "commentReference"))):
        if _w_get(comment, "id") is None:
            remove_element(comment)
    for click in list(root.iter(*_tags(_A_NAMESPACES, "hlinkClick"))):
        found = _r_attribute(click, "id")
        if found is not None and found[1] and found[1] not in relationships:
            dangling.links.append(found[1])
            remove_element(click)
    for blip in list(root.iter(*_tags(_A_NAMESPACES, "blip"))):
        found = _r_attribute(blip, "embed") or _r_attribute(blip, "link")
        if found is not None and found[1] not in relationships:
            dangling.pictures.append(found[1])
            remove_element(_enclosing(blip, W_NAMESPACES, "drawing"))
    for data in list(root.iter(f"{{{_VML}}}imagedata")):
        found = _r_attribute(data, "id")
        if found is not None and found[1] not in relationships:
            dangling.pictures.append(found[1])
            remove_element(_enclosing(data, W_NAMESPACES, "pict"))
    return dangling
