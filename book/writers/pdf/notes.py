"""Where notes go on paper: the foot of the page, the chapter's end or the book's end.

The notes pass leaves every chapter with its calls
(``a.noteref[href="#ch-note-N"]``) and its notes gathered in
``div.footnotes > aside.footnote#ch-note-N`` at the chapter's end, each note
opening with its number (``a.note-number``).  This module rearranges a
*copy* of that tree for ``[pdf] notes``:

``footnotes``
    Each note is moved to its first call as a ``span.mb-footnote`` that
    print.css floats to the page foot (``float: footnote``, CSS GCPM 3 §2).
    The note's blocks become ``span.mb-fnb`` elements shown as blocks: the
    HTML parser would otherwise close the paragraph holding the call at the
    first ``<p>`` of the note and the note would float from the wrong place.
    Our own call (``a.noteref``, a link in the screen PDF) and our own
    number stay; WeasyPrint's generated ``::footnote-call`` and
    ``::footnote-marker`` are switched off in print.css, so the numbers are
    those of the EPUB, per chapter.

    WeasyPrint bugs worked around here and in print.css:
    * #2502 (a second footnote on a page pushed to the next page, or only
      one footnote per page): the footnote area is capped at 60 % of the
      page (``@footnote { max-height }``) and notes are set small with a
      tight leading, so several fit; the tests count notes that still land
      on another page than their call.
    * #1924 (a call in the last line of a page can push that line, with its
      note, to the next page): not worked around beyond the small note size;
      the test on the Markdown guide checks every note against its call's page.
    * #1871 (footnotes inside boxes that WeasyPrint lays out apart, e.g.
      table cells, figures, headings, lose their place): notes called from
      there are left as chapter-end notes instead of floating.

``chapter-end`` / ``book-end``
    The notes stay at the end of each chapter under a "Notes" heading, or
    are gathered in a back-matter division after the last chapter with a
    sub-heading per chapter.  Calls and numbers link both ways.
"""

from __future__ import annotations

from lxml import etree

from ...i18n import label
from ...xhtml import BLOCK_TAGS, EPUB_TYPE, add_class, element, epub_types

#: Tags inside a note renamed to spans shown as blocks (see the docstring).
_NOTE_BLOCKS = BLOCK_TAGS | {"pre", "figcaption", "caption"}


def _note_containers(root: etree._Element) -> list[etree._Element]:
    return [div for div in root.iter("div") if "footnotes" in (div.get("class") or "").split()]


def _notes_by_id(root: etree._Element) -> dict[str, etree._Element]:
    found: dict[str, etree._Element] = {}
    for container in _note_containers(root):
        for aside in container:
            if isinstance(aside.tag, str) and aside.get("id") and (
                    "footnote" in epub_types(aside) or "footnote" in (aside.get("class") or "")):
                found[aside.get("id")] = aside
    return found


def _inside(el: etree._Element, tags: set[str]) -> bool:
    node = el.getparent()
    while node is not None:
        if node.tag in tags:
            return True
        node = node.getparent()
    return False


def _as_inline_note(aside: etree._Element) -> etree._Element:
    """``aside.footnote`` → ``span.mb-footnote`` whose blocks are spans."""
    note = element("span", attrib={"class": "mb-footnote", "id": aside.get("id"),
                                   "role": "doc-footnote"})
    if aside.get("lang"):
        note.set("lang", aside.get("lang"))
    note.text = aside.text
    for child in list(aside):
        note.append(child)
    for el in list(note.iter()):
        if el is not note and isinstance(el.tag, str) and el.tag in _NOTE_BLOCKS:
            add_class(el, f"mb-fnb mb-fnb-{el.tag}")
            el.tag = "span"
    return note


def place_footnotes(root: etree._Element, lang: str) -> int:
    """Move notes to their first call (in place); returns how many moved."""
    notes = _notes_by_id(root)
    moved = 0
    seen: set[str] = set()
    for call in list(root.iter("a")):
        if "noteref" not in (call.get("class") or "").split() and "noteref" not in epub_types(call):
            continue
        key = (call.get("href") or "").lstrip("#")
        if key in seen or key not in notes or "endnote" in epub_types(notes[key]):
            continue  # endnotes stay at the end (book/passes/notes.py)
        if _inside(call, {"table", "figure", "aside", "h1", "h2", "h3", "h4", "h5", "h6"}):
            continue  # see #1871 in the module docstring: stays a chapter-end note
        seen.add(key)
        aside = notes.pop(key)
        aside.getparent().remove(aside)
        note = _as_inline_note(aside)
        note.tail, call.tail = call.tail, None
        call.addnext(note)
        moved += 1
    for container in _note_containers(root):
        if not any(isinstance(c.tag, str) for c in container):
            container.getparent().remove(container)
        else:
            label_notes(container, lang)
    return moved


def label_notes(container: etree._Element, lang: str) -> None:
    """Put a small "Notes" heading at the top of a chapter's notes."""
    if container.get("data-labelled"):
        return
    heading = element("p", label("notes", lang), attrib={"class": "mb-notes-label"})
    heading.tail, container.text = container.text, None
    container.insert(0, heading)
    container.set("data-labelled", "1")


def chapter_end(root: etree._Element, lang: str) -> None:
    for container in _note_containers(root):
        label_notes(container, lang)


def book_end(divisions: list[tuple[str, etree._Element]], lang: str, section_id: str
             ) -> etree._Element | None:
    """Gather every chapter's notes into one back-matter division.

    ``divisions`` are (chapter title, chapter copy).  Returns the new
    ``section`` or None when the book has no notes.
    """
    section = element("section", attrib={"id": section_id, "role": "doc-endnotes",
                                         "class": "mb-division mb-endnotes"})
    section.set(EPUB_TYPE, "endnotes")
    title = element("h1", label("notes", lang), attrib={"class": "mb-title"})
    section.append(title)
    found = False
    for chapter_title, root in divisions:
        containers = _note_containers(root)
        if not containers:
            continue
        found = True
        group = element("section", attrib={"class": "mb-endnotes-group"})
        group.append(element("h2", chapter_title, attrib={"class": "mb-endnotes-chapter"}))
        for container in containers:
            container.getparent().remove(container)
            group.append(container)
        section.append(group)
    return section if found else None
