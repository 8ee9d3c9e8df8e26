"""HTML and XHTML manuscripts (``.html``, ``.htm``, ``.xhtml``) → chapters.

The steps, each in its own module:

1. :mod:`.parse` — read through the sandbox, decode, parse (XML for
   XHTML with a tolerant fallback, HTML otherwise), and bring tag and
   attribute names to the model's conventions;
2. :mod:`.metadata` — metadata from the head; report (never honour) its
   stylesheets, scripts, ``<base>`` and refreshes;
3. :func:`book.passes.sanitize.sanitize_tree` — the body is made safe
   before anything else looks at it (the pipeline's sanitize pass then has
   nothing left to do for these chapters);
4. the semantic clean-ups in :data:`BODY_STEPS` (notes, verse, scene
   breaks...);
5. :mod:`.chapters` — the body cut into chapters.

Diagnostic codes of the HTML reader:

====== ============================================================ ========
HTM001 .xhtml file not well-formed: read with the HTML parser        warning
HTM002 characters XML cannot hold (NUL, controls) removed             warning
HTM003 decoded with the encoding the document declares                note
HTM004 XHTML with DTD entities (&nbsp;...) read with the HTML parser  note
HTM010 stylesheet or font link dropped, never fetched                 note
HTM011 script in the head removed                                     warning
HTM012 meta refresh ignored                                           warning
HTM013 <base> ignored                                                 warning
HTM014 <style> in the head not used                                   note
HTM020 Word's or the generator's contents list dropped                note
HTM021 notes found and converted                                      note
HTM022 the document has no text                                       warning
====== ============================================================ ========
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ...context import BuildContext
from ...passes.sanitize import sanitize_tree
from .. import ReadResult, SourceFile
from .chapters import build_chapters
from .metadata import language_tag, read_metadata, report_head_requests
from .notes import normalize_notes
from .parse import parse_document
from .semantics import anchors_to_ids, drop_contents_lists, mark_scene_breaks, mark_verse, wrap_loose_inline
from ...fidelity.source import SourceText

CONTENTS_DROPPED = "HTM020"
NOTES_FOUND = "HTM021"
NO_TEXT = "HTM022"


def _contents(body: etree._Element, source: SourceFile, ctx: BuildContext) -> None:
    dropped = drop_contents_lists(body)
    if dropped:
        ctx.diag.note(CONTENTS_DROPPED, f"dropped {dropped} contents "
                      "list(s); the book builds its own table of contents", file=source.display)


def _notes(body: etree._Element, source: SourceFile, ctx: BuildContext) -> None:
    report = normalize_notes(body)
    if report.notes:
        ctx.diag.note(NOTES_FOUND, f"{report.notes} note(s) with "
                      f"{report.calls} call(s)", file=source.display)


#: The body clean-ups, in order: contents lists go before notes (their
#: links would look like calls), notes before scene breaks (a notes
#: section opens with an <hr/>), paragraphs last.
BODY_STEPS: tuple[Callable[[etree._Element, SourceFile, BuildContext], None], ...] = (
    _contents,
    _notes,
    lambda body, source, ctx: mark_verse(body),
    lambda body, source, ctx: mark_scene_breaks(body),
    lambda body, source, ctx: wrap_loose_inline(body),
)


def read(source: SourceFile, ctx: BuildContext) -> ReadResult:
    """Read one HTML/XHTML manuscript into chapters and metadata."""
    parsed = parse_document(source, ctx)
    root = parsed.root
    metadata = read_metadata(root)
    report_head_requests(root, source, ctx)
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    anchors_to_ids(body)  # before sanitizing, which drops the obsolete name attribute
    sanitize_tree(body, ctx, file=source.display)
    for step in BODY_STEPS:
        step(body, source, ctx)
    lang = metadata.get("language") or language_tag(body.get("lang") or "") or None
    text = SourceText.from_tree(source.display, body)  # what the fidelity check holds the book to
    found = build_chapters(body, source, lang=lang, title_hint=metadata.get("title", ""))
    if found.book_title and "title" not in metadata:
        metadata["title"] = found.book_title
    if not found.chapters:
        ctx.diag.warn(NO_TEXT, "the document has no text", file=source.display)
    return ReadResult(chapters=found.chapters, metadata=metadata, source_text=text)
