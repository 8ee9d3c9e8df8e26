"""Structure: sections nested under headings, heading levels without gaps.

Readers produce what their format gives: flat headings (plain text,
Markdown, DOCX) or nested sections (HTML).  This pass makes every chapter
look the same:

* content following a heading is wrapped in a ``<section>`` nested by the
  heading's level, so the tree's nesting is the document outline;
* heading levels are then set from the nesting depth (HTML §4.3.11,
  "headings and outlines"; WCAG 2.2 SC 1.3.1): the chapter's own heading is
  ``h{depth+1}`` (h1, or h2 inside a part) and each deeper section adds one,
  so no level is skipped;
* sections get ids (targets of the table of contents);
* empty paragraphs go; the chapter root keeps its ``epub:type`` and role.
"""

from __future__ import annotations

from lxml import etree

from ..context import BuildContext
from ..model import Chapter
from ..readers.common import DIVISION_ROLES
from ..xhtml import EPUB_TYPE, HEADING_TAGS, element, heading_text, remove_keep_tail, slugify

#: Blocks that may be empty and still mean something.
_KEEP_EMPTY = frozenset({"hr", "img", "br", "td", "th", "tr", "iframe", "svg", "figure", "span"})


def run(chapter: Chapter, ctx: BuildContext) -> Chapter:
    root = chapter.tree
    root.tag = "section"
    root.set(EPUB_TYPE, chapter.kind)
    if chapter.kind in DIVISION_ROLES:
        root.set("role", DIVISION_ROLES[chapter.kind])
    if chapter.lang:
        root.set("lang", chapter.lang)
    _drop_empty_paragraphs(root)
    own = _own_heading(root)
    _nest_flat_headings(root, skip=own)
    _set_levels(root, own, base=chapter.depth + 1)
    if own is not None and not chapter.title:
        chapter.title = heading_text(own)
    _give_sections_ids(root, chapter.id)
    return chapter


def _drop_empty_paragraphs(root: etree._Element) -> None:
    for p in list(root.iter("p")):
        # One with an id stays: links and ARIA references may point at it.
        if not "".join(p.itertext()).strip() and len(p) == 0 and p.get("id") is None:
            remove_keep_tail(p, keep_blank_tail=False)


def _heading_in(el: etree._Element) -> etree._Element | None:
    """The heading that titles ``el`` when ``el`` is a heading or a header/hgroup."""
    if not isinstance(el.tag, str):
        return None
    if el.tag in HEADING_TAGS:
        return el
    if el.tag in ("header", "hgroup"):
        for child in el.iter(*HEADING_TAGS):
            return child
    return None


def _own_heading(container: etree._Element) -> etree._Element | None:
    """The heading that titles ``container``: its first element if a heading
    of the highest rank among the container's flat headings."""
    first = next((c for c in container if isinstance(c.tag, str)), None)
    if first is None:
        return None
    heading = _heading_in(first)
    if heading is None:
        return None
    flat = [_heading_in(c) for c in container if isinstance(c.tag, str) and c.tag != "section"]
    levels = [int(h.tag[1]) for h in flat if h is not None]
    return heading if int(heading.tag[1]) <= min(levels) else None


def _nest_flat_headings(container: etree._Element, skip: etree._Element | None) -> None:
    """Wrap each flat heading and what follows it into nested sections."""
    pending = [(container, skip)]
    while pending:
        node, own = pending.pop()
        stack: list[tuple[int, etree._Element]] = []
        for child in list(node):
            if not isinstance(child.tag, str):
                continue
            heading = _heading_in(child)
            if heading is not None and heading is not own and child.tag != "section":
                level = int(heading.tag[1])
                while stack and stack[-1][0] >= level:
                    stack.pop()
                section = element("section")
                parent = stack[-1][1] if stack else node
                node.remove(child)
                parent.append(section)
                section.append(child)
                stack.append((level, section))
            elif stack:
                node.remove(child)
                stack[-1][1].append(child)
            if child.tag in ("section", "article") and child is not node:
                pending.append((child, _own_heading(child)))


def _set_levels(root: etree._Element, own: etree._Element | None, base: int) -> None:
    """Heading level = base + depth of sections above it (capped at 6)."""
    if own is not None:
        own.tag = f"h{min(base, 6)}"
    # Sections below the chapter: each nesting level adds one.
    stack: list[tuple[etree._Element, int]] = [(root, base)]
    while stack:
        node, level = stack.pop()
        for child in node:
            if not isinstance(child.tag, str):
                continue
            if child.tag in ("section", "article") and child is not root:
                child_level = level + 1
                heading = _own_heading(child)
                if heading is not None:
                    heading.tag = f"h{min(child_level, 6)}"
                stack.append((child, child_level))
            elif child.tag in ("blockquote", "aside", "figure", "div", "header", "footer"):
                stack.append((child, level))
    # Headings that title no section (inside a blockquote, a letter...) sit
    # one level below the section that holds them, so none skips a level.
    for heading in list(root.iter(*HEADING_TAGS)):
        if heading is own or _owns(heading):
            continue
        heading.tag = f"h{min(_container_level(heading, root, base) + 1, 6)}"


def _container_level(el: etree._Element, root: etree._Element, base: int) -> int:
    """Level of the heading of the section (or chapter) that contains ``el``."""
    depth = 0
    node = el.getparent()
    while node is not None and node is not root:
        if node.tag in ("section", "article"):
            depth += 1
        node = node.getparent()
    return base + depth


def _owns(heading: etree._Element) -> bool:
    parent = heading.getparent()
    if parent is not None and parent.tag in ("header", "hgroup"):
        parent = parent.getparent()
    return parent is not None and parent.tag in ("section", "article") and _own_heading(parent) is heading


def _give_sections_ids(root: etree._Element, chapter_id: str) -> None:
    for section in root.iter("section", "article"):
        if section is root or section.get("id"):
            continue
        heading = _own_heading(section)
        base = slugify(heading_text(heading)) if heading is not None else "section"
        section.set("id", f"{chapter_id}-{base}")
