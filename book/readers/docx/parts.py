"""Where a DOCX keeps its parts: found through the package relationships.

The Open Packaging Conventions (ECMA-376 Part 2, §9.3) name a package's
main part by a relationship of ``_rels/.rels``, not by a fixed path: Word
writes ``word/document.xml``, but other producers may write
``word/document2.xml`` or ``doc/main.xml``.  The main part's own
relationships (``{folder}/_rels/{name}.rels``) name its styles, numbering,
footnotes and endnotes, with targets relative to the main part's folder.
This module resolves them the way mammoth does (relationship first, the
usual path as a fallback), so the parts we prepare are the parts mammoth
reads.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from lxml import etree

#: Relationship types, transitional and strict (ECMA-376 Part 1 §11.3).
_TYPE_PREFIXES = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
                  "http://purl.oclc.org/ooxml/officeDocument/relationships/")
#: The kinds of part a Word document refers to by relationship.
PART_KINDS = ("styles", "numbering", "footnotes", "endnotes", "settings")
MAIN_DOCUMENT = "word/document.xml"
_CORE_TYPES = ("http://schemas.openxmlformats.org/package/2006/relationships/metadata/"
               "core-properties",
               "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/"
               "core-properties")


@dataclass(frozen=True)
class PartNames:
    """The names inside the ZIP of the parts the reader prepares."""

    main: str
    styles: str
    numbering: str
    footnotes: str
    endnotes: str
    settings: str
    #: The core properties (title, creator…): a package relationship too.
    core: str = "docProps/core.xml"


def rels_name(part: str) -> str:
    """``word/document.xml`` → ``word/_rels/document.xml.rels`` (OPC §9.3.3)."""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _find(names: dict[str, str], name: str) -> str | None:
    """The entry spelled ``name`` ignoring case (ZIP names from Windows vary)."""
    return names.get(name.lower())


def relationship_targets(rels: etree._Element | None, kind: str, base: str) -> list[str]:
    """Part names the relationships of type ``kind`` point to, from folder ``base``."""
    found: list[str] = []
    if rels is None:
        return found
    types = {prefix + kind for prefix in _TYPE_PREFIXES} if "/" not in kind else {kind}
    for rel in rels:
        if not isinstance(rel.tag, str) or rel.get("Type") not in types:
            continue
        if (rel.get("TargetMode") or "").lower() == "external":
            continue
        target = (rel.get("Target") or "").strip()
        if not target:
            continue
        joined = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
        found.append(posixpath.normpath(joined).lstrip("/"))
    return found


def find_parts(entries: list[str], trees: dict[str, etree._Element]) -> PartNames | None:
    """The parts of the package (None when it has no main document part).

    ``entries`` are the ZIP's entry names; ``trees`` its parsed XML parts.
    """
    names = {name.lower(): name for name in entries}

    def tree(name: str) -> etree._Element | None:
        key = _find(names, name)
        return trees.get(key) if key else None

    main = None
    for target in relationship_targets(tree("_rels/.rels"), "officeDocument", ""):
        main = _find(names, target)
        if main:
            break
    main = main or _find(names, MAIN_DOCUMENT)
    if main is None:
        return None
    base = posixpath.dirname(main)
    document_rels = tree(rels_name(main))
    found: dict[str, str] = {}
    for kind in PART_KINDS:
        name = next((_find(names, t) for t in relationship_targets(document_rels, kind, base)
                     if _find(names, t)), None)
        found[kind] = name or _find(names, f"word/{kind}.xml") or f"word/{kind}.xml"
    package_rels = tree("_rels/.rels")
    core = next((_find(names, t) for kind in _CORE_TYPES
                 for t in relationship_targets(package_rels, kind, "") if _find(names, t)),
                None) or _find(names, "docProps/core.xml") or "docProps/core.xml"
    return PartNames(main=main, core=core, **found)
