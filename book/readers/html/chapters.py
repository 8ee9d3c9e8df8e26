"""Cut an HTML body into the model's chapters.

HTML says where its divisions are in two ways, and this module honours both:

* **Sectioning elements.**  ``<article>``/``<section>`` children of the
  body (after generic wrapper ``<div>``/``<main>`` are looked through) are
  divisions; each becomes one chapter whose kind comes from its
  ``epub:type`` (``chapter``, ``preface``, ``part``...; EPUB 3 Structural
  Semantics) or ``role`` (``doc-chapter``...).  A document that is a single
  article is a single chapter: nested sections stay inside it.
* **Headings.**  A flat body with several headings of its top level (h1, or
  h2 when there is no h1) is split before each.  A lone leading h1 over
  several h2 is the book's title, and the split happens at h2.

Each chapter's heading levels are shifted so its title heading is ``h1``
and its sub-headings keep their relative depth, as the other readers do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ...model import Chapter, Matter
from ...xhtml import EPUB_TYPE, HEADING_TAGS, epub_types, heading_level, text_content
from .. import SourceFile
from ..common import DIVISION_ROLES, new_chapter

_WRAPPERS = frozenset({"div", "main", "center", "span"})
_SECTIONS = frozenset({"article", "section"})
_HEADED = frozenset({"header", "hgroup"})
_MATTER = {"frontmatter": Matter.FRONT, "bodymatter": Matter.BODY, "backmatter": Matter.BACK}
_ROLE_KINDS = {role: kind for kind, role in DIVISION_ROLES.items()}
#: epub:type tokens that say nothing about the chapter's content itself.
_STRUCTURAL = frozenset({*DIVISION_ROLES, *_MATTER, "title", "halftitlepage", "titlepage"})


@dataclass
class Chapters:
    """The chapters of one document and what the cutting learned."""

    chapters: list[Chapter] = field(default_factory=list)
    #: The book's title when the body opened with it (a lone h1 over h2s).
    book_title: str = ""


def _significant(container: etree._Element) -> list[etree._Element]:
    return [c for c in container if isinstance(c.tag, str)]


def _is_plain_wrapper(el: etree._Element) -> bool:
    if el.tag not in _WRAPPERS:
        return False
    if el.get(EPUB_TYPE) or el.get("role"):
        return False
    return "verse" not in (el.get("class") or "").split()


def _has_loose_text(container: etree._Element) -> bool:
    if (container.text or "").strip():
        return True
    return any((c.tail or "").strip() for c in container)


def _unwrap_keep_id(el: etree._Element) -> None:
    first = next((c for c in el if isinstance(c.tag, str)), None)
    ident = el.get("id")
    if ident and first is not None and not first.get("id"):
        first.set("id", ident)
    parent = el.getparent()
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    if el.text and el.text.strip():
        prev = parent[index - 1] if index > 0 else None
        if prev is not None:
            prev.tail = (prev.tail or "") + el.text
        else:
            parent.text = (parent.text or "") + el.text
    parent.remove(el)


def _holds_headings(el: etree._Element) -> bool:
    return any(isinstance(c.tag, str) and (c.tag in HEADING_TAGS or c.tag in _SECTIONS)
               for c in el)


def content_root(body: etree._Element) -> etree._Element:
    """Look through wrappers around the whole text (``div#content``, ``main``)."""
    container = body
    while True:
        children = _significant(container)
        if (len(children) == 1 and _is_plain_wrapper(children[0]) and not _has_loose_text(container)
                and not _has_loose_text(children[0]) and len(children[0])):
            container = children[0]
            continue
        break
    # Word's web pages and site templates wrap runs of chapters in plain
    # divs (div.WordSection1, div.WordSection2): look through those too.
    changed = True
    while changed:
        changed = False
        for child in _significant(container):
            if _is_plain_wrapper(child) and _holds_headings(child):
                _unwrap_keep_id(child)
                changed = True
    return container


def _heading_of(block: etree._Element) -> etree._Element | None:
    if block.tag in HEADING_TAGS:
        return block
    if block.tag in _HEADED:
        return next(iter(block.iter(*HEADING_TAGS)), None)
    return None


def _title_heading(root: etree._Element) -> etree._Element | None:
    """The heading a chapter root opens with (directly or in header/hgroup)."""
    for child in root:
        if not isinstance(child.tag, str):
            continue
        return _heading_of(child)
    return None


def _line(el: etree._Element) -> int | None:
    value = el.get("data-mb-line")
    return int(value) if value and value.isdigit() else None


def _has_content(root: etree._Element) -> bool:
    if text_content(root):
        return True
    return any(True for _ in root.iter("img", "table", "hr", "math",
                                       "{http://www.w3.org/1998/Math/MathML}math"))


def promote_headings(root: etree._Element, title: etree._Element | None) -> None:
    """Shift heading levels so the title is h1 and the rest keep their depth."""
    found = list(root.iter(*HEADING_TAGS))
    if not found:
        return
    if title is not None:
        delta = heading_level(title) - 1
        floor = 2
    else:
        delta = min(heading_level(h) for h in found) - 2
        floor = 2
    if delta == 0 and title is not None and all(heading_level(h) >= 2 for h in found
                                                if h is not title):
        return
    for h in found:
        level = heading_level(h) - delta
        if h is not title:
            level = max(level, floor)
        h.tag = f"h{min(max(level, 1), 6)}"


def _division_kind(el: etree._Element, default: str = "chapter") -> str:
    for token in epub_types(el):
        if token in DIVISION_ROLES:
            return token
    role = el.get("role")
    if role in _ROLE_KINDS:
        return _ROLE_KINDS[role]
    return default


def _matter(el: etree._Element, fallback: Matter | None) -> Matter | None:
    for token in epub_types(el):
        if token in _MATTER:
            return _MATTER[token]
    return fallback


class _Builder:
    def __init__(self, source: SourceFile, *, lang: str | None, matter: Matter | None,
                 title_hint: str) -> None:
        self.source = source
        self.lang = lang
        self.matter = matter
        self.title_hint = title_hint
        self.result = Chapters()

    def from_section(self, section: etree._Element) -> None:
        kind = _division_kind(section)
        heading = _title_heading(section)
        title = text_content(heading) if heading is not None else ""
        chapter = new_chapter(self.source, title=title, kind=kind,
                              matter=_matter(section, self.matter), line=_line(section),
                              lang=section.get("lang") or self.lang)
        root = chapter.tree
        extra = [t for t in epub_types(section) if t not in _STRUCTURAL and t != chapter.kind]
        if extra:
            root.set(EPUB_TYPE, " ".join([root.get(EPUB_TYPE, chapter.kind), *extra]))
        if section.get("class"):
            root.set("class", section.get("class"))
        if section.get("dir"):
            root.set("dir", section.get("dir"))
        if section.get("id") and heading is not None and not heading.get("id"):
            heading.set("id", section.get("id"))
        if section.get("data-mb-line"):
            root.set("data-mb-line", section.get("data-mb-line"))
        root.text = section.text
        for child in list(section):
            root.append(child)
        self._finish(chapter)

    def from_blocks(self, blocks: list[etree._Element], title: str = "",
                    kind: str = "chapter") -> None:
        chapter = new_chapter(self.source, title=title, kind=kind, matter=self.matter,
                              line=_line(blocks[0]) if blocks else None, lang=self.lang)
        for block in blocks:
            chapter.tree.append(block)
        self._finish(chapter)

    def _finish(self, chapter: Chapter) -> None:
        if not _has_content(chapter.tree):
            return
        heading = _title_heading(chapter.tree)
        if heading is not None:
            chapter.title = chapter.title or text_content(heading)
        elif not chapter.title:
            chapter.title = ""
        promote_headings(chapter.tree, heading)
        self.result.chapters.append(chapter)

    def flat(self, blocks: list[etree._Element], *, first_group: bool) -> None:
        """Cut a run of non-sectioning blocks at its top heading level."""
        if not blocks:
            return
        levels = [heading_level(h) for h in (_heading_of(b) for b in blocks) if h is not None]
        if not levels:
            self.from_blocks(blocks)
            return
        level = min(levels)
        count = levels.count(level)
        leading = _heading_of(blocks[0])
        if (count == 1 and level == 1 and first_group and leading is not None
                and heading_level(leading) == 1 and levels.count(2) >= 2):
            # <h1>Book title</h1> <h2>Chapter</h2>… : the h1 names the book.
            self.result.book_title = text_content(leading)
            blocks = blocks[1:]
            level = 2
            count = levels.count(2)
        opens = leading is not None and heading_level(leading) == level
        if count < 2 and not opens:
            self.from_blocks(blocks, title=self.title_hint if first_group else "")
            return
        current: list[etree._Element] = []
        for block in blocks:
            found = _heading_of(block)
            if found is not None and heading_level(found) == level and current:
                self._flush(current)
                current = []
            current.append(block)
        self._flush(current)

    def _flush(self, blocks: list[etree._Element]) -> None:
        if blocks:
            self.from_blocks(blocks)


def build_chapters(body: etree._Element, source: SourceFile, *, lang: str | None = None,
                   title_hint: str = "") -> Chapters:
    """The chapters of one HTML body (see the module docstring)."""
    matter = _matter(body, None)
    container = content_root(body)
    builder = _Builder(source, lang=lang, matter=matter, title_hint=title_hint)
    children = _significant(container)
    if len(children) == 1 and children[0].tag in _SECTIONS and not _has_loose_text(container):
        builder.from_section(children[0])
        return builder.result
    run: list[etree._Element] = []
    first_group = True
    for child in children:
        if child.tag in _SECTIONS and _title_heading(child) is not None or (
                child.tag in _SECTIONS and (child.get(EPUB_TYPE) or child.get("role"))):
            if run:
                if first_group and all(_heading_of(b) is not None or b.tag == "hr" for b in run) \
                        and sum(1 for b in run if _heading_of(b) is not None) == 1:
                    # Only a heading before the divisions: the book's title.
                    heading = next(_heading_of(b) for b in run if _heading_of(b) is not None)
                    builder.result.book_title = text_content(heading)
                else:
                    builder.flat(run, first_group=first_group)
                run = []
            builder.from_section(child)
            first_group = False
        else:
            run.append(child)
    if run:
        builder.flat(run, first_group=first_group and not builder.result.chapters)
    chapters = builder.result.chapters
    if len(chapters) == 1 and not chapters[0].title and title_hint:
        chapters[0].title = title_hint
    if (len(chapters) > 1 and not chapters[0].title and source.matter is None
            and chapters[0].matter is Matter.BODY and all(c.title for c in chapters[1:2])):
        # Untitled text before the first heading: a preamble, front matter.
        chapters[0].matter = Matter.FRONT
    return builder.result
