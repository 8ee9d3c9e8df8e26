"""Notes: numbered per chapter, linked both ways, gathered at the chapter's end.

Readers mark a note call as ``<a epub:type="noteref" href="#key">`` and the
note as ``<aside epub:type="footnote" id="key">`` wherever their format puts
it.  This pass gives the book one shape for notes, which the writers then
place: the EPUB keeps them as pop-up footnotes at the end of the chapter
(EPUB 3.3 Structural Semantics, ``noteref``/``footnote``; DPUB-ARIA
``doc-noteref``/``doc-footnote``), the print PDF floats each to the foot of
the page of its call.

A note its reader marked as an endnote (``epub:type="endnote"``: Word's
endnotes) keeps that kind: ``aside.footnote.endnote`` with
``epub:type="endnote"``, numbered in the same sequence as the chapter's
footnotes.  The print PDF leaves endnotes at the chapter's (or book's) end
instead of floating them to the foot of the page (book/writers/pdf/notes.py).

Codes: NOTE001 a call to a note that does not exist; NOTE002 a note that no
call refers to.
"""

from __future__ import annotations

from lxml import etree

from ..context import BuildContext
from ..i18n import label
from ..model import Book, Chapter
from ..xhtml import (EPUB_TYPE, add_class, element, epub_types, nearest_lang, source_line,
                     unwrap)

_NOTE_TYPES = frozenset({"footnote", "endnote", "rearnote", "note"})


def is_noteref(el: etree._Element) -> bool:
    return el.tag == "a" and ("noteref" in epub_types(el) or el.get("role") == "doc-noteref")


def is_note(el: etree._Element) -> bool:
    return isinstance(el.tag, str) and bool(_NOTE_TYPES & set(epub_types(el))) and el.tag in (
        "aside", "li", "div", "section", "p")


def run(book: Book, ctx: BuildContext) -> Book:
    for chapter in book.chapters:
        _number_chapter_notes(chapter, ctx, book.metadata.language or "en")
    return book



def _number_chapter_notes(chapter: Chapter, ctx: BuildContext, book_lang: str) -> None:
    root = chapter.tree
    # The id first: it is cheaper to ask than the epub:type tokens, and
    # few elements have one.
    notes = {note.get("id"): note for note in root.iter() if note.get("id") and is_note(note)}
    refs = [a for a in root.iter("a") if is_noteref(a)]
    if not notes and not refs:
        return
    numbers: dict[str, int] = {}
    ordered: list[etree._Element] = []
    ref_counts: dict[str, int] = {}
    for ref in refs:
        key = (ref.get("href") or "").lstrip("#")
        note = notes.get(key)
        if note is None:
            ctx.diag.warn("NOTE001", f"note call {key!r} has no note", file=chapter.source.file,
                          line=source_line(ref))
            ref.attrib.pop(EPUB_TYPE, None)
            ref.attrib.pop("role", None)
            unwrap(ref)
            continue
        if key not in numbers:
            numbers[key] = len(numbers) + 1
            ordered.append(note)
        number = numbers[key]
        ref_counts[key] = ref_counts.get(key, 0) + 1
        suffix = "" if ref_counts[key] == 1 else f"-{ref_counts[key]}"
        ref.attrib.clear()
        ref.set(EPUB_TYPE, "noteref")
        ref.set("role", "doc-noteref")
        ref.set("href", f"#{chapter.id}-note-{number}")
        ref.set("id", f"{chapter.id}-noteref-{number}{suffix}")
        ref.set("class", "noteref")
        for child in list(ref):
            ref.remove(child)
        ref.text = str(number)
        # A call inside <sup> is styled by our CSS; unwrap the reader's <sup>.
        parent = ref.getparent()
        if parent is not None and parent.tag == "sup" and len(parent) == 1 and not (parent.text or "").strip():
            unwrap(parent)
    for key, note in notes.items():
        if key not in numbers:
            ctx.diag.warn("NOTE002", f"note {key!r} is never referred to; it is kept at the chapter end",
                          file=chapter.source.file, line=source_line(note))
            numbers[key] = len(numbers) + 1
            ordered.append(note)
    container = element("div", attrib={"class": "footnotes"})
    lang = nearest_lang(root, chapter.lang or book_lang)
    for note in ordered:
        key = note.get("id")
        number = numbers[key]
        container.append(_canonical_note(note, chapter, number, lang, has_ref=ref_counts.get(key, 0) > 0))
    root.append(container)


def _canonical_note(note: etree._Element, chapter: Chapter, number: int, lang: str,
                    has_ref: bool) -> etree._Element:
    """``<aside epub:type="footnote" role="doc-footnote">`` holding block content."""
    parent = note.getparent()
    if parent is not None:
        tail = note.tail
        note.tail = None
        prev = note.getprevious()
        if tail and tail.strip():
            if prev is not None:
                prev.tail = (prev.tail or "") + tail
            else:
                parent.text = (parent.text or "") + tail
        parent.remove(note)
    endnote = bool({"endnote", "rearnote"} & set(epub_types(note)))
    aside = element("aside", attrib={"id": f"{chapter.id}-note-{number}",
                                     "class": "footnote endnote" if endnote else "footnote"})
    aside.set(EPUB_TYPE, "endnote" if endnote else "footnote")
    aside.set("role", "doc-footnote")
    if note.get("lang"):
        aside.set("lang", note.get("lang"))
    if note.get("data-mb-line"):
        aside.set("data-mb-line", note.get("data-mb-line"))
    blocks = _as_blocks(note)
    first = blocks[0] if blocks else element("p")
    if not blocks:
        blocks = [first]
    marker = element("a", str(number), attrib={"class": "note-number"})
    if has_ref:
        marker.set("href", f"#{chapter.id}-noteref-{number}")
        marker.set("role", "doc-backlink")
        marker.set("aria-label", f"{label('back_to_text', lang)} ({number})")
    else:
        marker.tag = "span"
    marker.tail = " " + (first.text or "").lstrip()
    first.text = None
    first.insert(0, marker)
    add_class(first, "note-first")
    for block in blocks:
        aside.append(block)
    return aside


def _as_blocks(note: etree._Element) -> list[etree._Element]:
    """The note's content as a list of block elements (wrapping loose text)."""
    blocks: list[etree._Element] = []
    loose: etree._Element | None = None
    block_tags = {"p", "div", "blockquote", "pre", "ul", "ol", "dl", "table", "figure"}

    def add_loose_text(text: str | None) -> None:
        nonlocal loose
        if text and text.strip():
            if loose is None:
                loose = element("p")
                blocks.append(loose)
            if len(loose):
                loose[-1].tail = (loose[-1].tail or "") + text
            else:
                loose.text = (loose.text or "") + text

    # Drop the reader's own back-links (they point at ids that no longer exist).
    for a in list(note.iter("a")):
        if a.get("role") == "doc-backlink" or "backlink" in (a.get("class") or "") or (
                (a.get("href") or "").startswith("#") and a.text and a.text.strip() in {"↩", "↩︎", "^"}):
            tail = a.tail
            parent = a.getparent()
            a.tail = None
            parent.remove(a) if parent is not None else None
            if parent is not None and tail:
                parent.text = (parent.text or "") + tail
    add_loose_text(note.text)
    for child in list(note):
        if isinstance(child.tag, str) and child.tag in block_tags:
            loose = None
            tail = child.tail
            child.tail = None
            blocks.append(child)
            add_loose_text(tail)
        else:
            if loose is None:
                loose = element("p")
                blocks.append(loose)
            loose.append(child)
    return blocks
