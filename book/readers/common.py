"""Building blocks shared by the readers.

Readers differ in how they parse; they agree on what they produce.  These
helpers make the chapter trees described in ``book/model.py`` so every
reader's output looks the same to the passes.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from ..context import BuildContext
from ..detect.encoding import Decoded, decode_bytes
from ..detect.mojibake import describe, repair_text
from ..errors import SourceError
from ..limits import MAX_TEXT_BYTES
from ..model import Chapter, Matter, SourceRef
from ..xhtml import EPUB_TYPE, HEADING_TAGS, element, text_content, xml_safe
from . import SourceFile

#: epub:type → ARIA role for the divisions a book can have (DPUB-ARIA 1.1).
DIVISION_ROLES: dict[str, str] = {
    "chapter": "doc-chapter",
    "part": "doc-part",
    "preface": "doc-preface",
    "foreword": "doc-foreword",
    "introduction": "doc-introduction",
    "prologue": "doc-prologue",
    "epilogue": "doc-epilogue",
    "afterword": "doc-afterword",
    "conclusion": "doc-conclusion",
    "appendix": "doc-appendix",
    "acknowledgments": "doc-acknowledgments",
    "bibliography": "doc-bibliography",
    "glossary": "doc-glossary",
    "index": "doc-index",
    "colophon": "doc-colophon",
    "dedication": "doc-dedication",
    "epigraph": "doc-epigraph",
    "endnotes": "doc-endnotes",
    "credits": "doc-credits",
    "errata": "doc-errata",
}

#: Divisions that belong before or after the body when a reader finds them.
FRONT_KINDS = frozenset({"preface", "foreword", "introduction", "dedication", "epigraph",
                         "prologue", "acknowledgments"})
BACK_KINDS = frozenset({"afterword", "appendix", "bibliography", "glossary", "index", "colophon",
                        "endnotes", "credits", "conclusion"})


def read_text(source: SourceFile, ctx: BuildContext) -> Decoded:
    """Read and decode a text-based manuscript through the sandbox.

    The encoding comes from ``--encoding`` / ``[content] encoding`` or is
    detected; a guessed encoding is reported as a note.  Mis-decoded text
    (mojibake) is repaired and reported (ENC003, ``book/detect/mojibake``);
    control characters never pass (ENC002).
    """
    data = ctx.sandbox.read_bytes(source.path, limit=MAX_TEXT_BYTES, file=source.display)
    decoded = decode_bytes(data, source.display, ctx.config.content.encoding)
    if decoded.guessed:
        ctx.diag.note("ENC001", f"detected encoding {decoded.encoding} (set --encoding if it is wrong)",
                      file=source.display)
    repaired, repairs = repair_text(decoded.text)
    if repairs.lines:
        ctx.diag.note("ENC003", describe(repairs), file=source.display)
    text = repaired if repairs.printable else xml_safe(repaired)
    if repairs.controls or len(text) != len(repaired):
        ctx.diag.warn("ENC002", "removed characters that cannot appear in a document "
                      "(NUL, control characters or lone surrogates)", file=source.display)
    return Decoded(text, decoded.encoding, decoded.had_bom, decoded.guessed,
                   printable=repairs.printable)


def new_chapter(source: SourceFile, *, title: str = "", kind: str = "chapter",
                matter: Matter | None = None, line: int | None = None,
                lang: str | None = None) -> Chapter:
    """An empty chapter: a ``<section>`` root with the division semantics.

    The id is provisional (the pipeline makes ids unique across the book);
    the caller appends the heading and content to ``chapter.tree``.
    """
    if source.kind:
        kind = source.kind
    if matter is None:
        matter = source.matter or (
            Matter.FRONT if kind in FRONT_KINDS else Matter.BACK if kind in BACK_KINDS else Matter.BODY
        )
    root = element("section")
    root.set(EPUB_TYPE, kind)
    if kind in DIVISION_ROLES:
        root.set("role", DIVISION_ROLES[kind])
    if lang:
        root.set("lang", lang)
    return Chapter(
        id="chapter", tree=root, title=title, kind=kind, matter=matter,
        source=SourceRef(source.display, line), source_path=source.path, lang=lang,
    )


def heading(level: int, text: str, **attrs: str) -> etree._Element:
    """An ``h1``–``h6`` element (level clamped to 1–6)."""
    return element(f"h{min(max(level, 1), 6)}", text, **attrs)


def split_at_headings(body: etree._Element, source: SourceFile, *, level: int = 1,
                      lines: dict[int, int] | None = None) -> list[Chapter]:
    """Cut a flat sequence of blocks into chapters at each ``h{level}``.

    Content before the first such heading becomes an untitled chapter of its
    own (or is dropped when it is only whitespace).  ``lines`` maps
    ``id(element)`` to a source line, when the reader knows it.
    """
    tag = f"h{level}"
    chapters: list[Chapter] = []
    current: Chapter | None = None
    for block in list(body):
        if isinstance(block.tag, str) and block.tag == tag:
            title = text_content(block)
            current = new_chapter(source, title=title, line=(lines or {}).get(id(block)))
            chapters.append(current)
        elif current is None:
            if not isinstance(block.tag, str) or (not text_content(block) and block.tag not in
                                                  {"img", "figure", "hr", "table"}
                                                  and not block.findall(".//img")):
                continue
            current = new_chapter(source, line=(lines or {}).get(id(block)))
            chapters.append(current)
        current.tree.append(block)
    return chapters


def count_headings(body: etree._Element, level: int) -> int:
    return sum(1 for el in body if isinstance(el.tag, str) and el.tag == f"h{level}")


def top_heading_level(body: Iterable[etree._Element]) -> int | None:
    """The smallest heading level used among ``body``'s direct children."""
    levels = [int(el.tag[1]) for el in body if isinstance(el.tag, str) and el.tag in HEADING_TAGS]
    return min(levels) if levels else None


def require_text(value: str, what: str, source: SourceFile) -> str:
    if not value.strip():
        raise SourceError(f"{what} is empty", file=source.display)
    return value
