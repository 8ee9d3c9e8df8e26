"""Reading a project into a :class:`~book.model.Book`.

The readers each return chapters and what their files say about the book;
this module merges them: metadata precedence is command line and book.toml,
then the sources' own statements (a title page, front matter, a Project
Gutenberg header), then detection.  It gives chapters their book-wide ids.

Whatever a reader produced, no character XML 1.0 cannot hold (NUL, most C0
controls, lone surrogates, U+FFFE/U+FFFF) gets past this point: readers
remove those of the raw text, but a character reference such as
``&#xFFFE;`` in HTML decodes to one inside the parser, and one in a tree
would make every writer fail.

Diagnostic codes: CHR001 (warning) characters XML cannot hold removed from
a chapter (they came from character references or a reader let them pass);
LANG001 (note) the language was detected; LANG002 (warning) it could not
be, English is assumed; LANG005 (warning) it was detected with low
confidence.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .context import BuildContext
from .detect.language import language_confidence, language_name
from .errors import SourceError
from .model import Book, Contributor, Matter, Metadata
from .project import Project
from .readers import Reader, ReadResult, reader_for
from .safexml import scrub_tree
from .passes.controls import strip_controls
from .xhtml import IdFactory, element, slugify
from .xhtml import xml_safe


def _text_safe(text: str) -> str:
    """Text XML can hold, without control characters (see passes/controls.py)."""
    return strip_controls(xml_safe(text))

#: Metadata fields a source may fill when book.toml and the CLI left them empty.
_HINT_FIELDS = ("title", "subtitle", "language", "publisher", "date", "description", "rights",
                "identifier", "dedication")


def read_book(project: Project, ctx: BuildContext,
              read_source: Callable[[Reader], Reader] | None = None) -> Book:
    """Read every source of the project and assemble the book;
    ``read_source`` may wrap each file's reader (the build cache keeps
    what it read, book/cache/reads.py)."""
    book = Book(metadata=ctx.config.metadata)
    hints: list[tuple[str, ReadResult]] = []
    ctx.source_count = len(project.sources)
    for source in project.sources:
        ctx.source_paths.append(source.path)
        read = reader_for(source.path.suffix)
        result = (read_source(read) if read_source is not None else read)(source, ctx)
        # A tree the plain-text reader made holds only text that read_text
        # already made safe for XML (Chapter.reader_made): nothing to scrub.
        removed = sum(scrub_tree(chapter.tree) for chapter in result.chapters
                      if not chapter.reader_made)
        if removed:
            ctx.diag.warn("CHR001", f"removed {removed} character{'s' if removed != 1 else ''} "
                          "that cannot appear in a document (such as &#xFFFE; or &#1;)",
                          file=source.display)
        hints.append((source.display, result))
        if result.source_text is not None:
            ctx.source_texts[source.display] = result.source_text
        book.chapters.extend(result.chapters)
        for asset in result.assets:
            book.add_asset(asset)
    if not book.chapters:
        raise SourceError("the manuscript has no text", file=project.sources[0].display)
    _merge_hints(book.metadata, hints)
    _clean_metadata(book.metadata)
    _settle_language(book, ctx)
    _settle_title(book, ctx, project)
    _title_lone_chapter(book)
    _assign_chapter_ids(book)
    _assign_depths(book)
    _snapshot(book, ctx)
    ctx.fix_build_time()
    return book


def _snapshot(book: Book, ctx: BuildContext) -> None:
    """Keep the text of each chapter as read, for the fidelity check
    (chapters with a source span are measured against the source itself)."""
    from .fidelity import tree_segments

    for chapter in book.chapters:
        if chapter.source_span is None or chapter.source.file not in ctx.source_texts:
            ctx.read_snapshots[chapter.id] = tree_segments(chapter.tree)


def _merge_hints(meta: Metadata, hints: list[tuple[str, ReadResult]]) -> None:
    for display, result in hints:
        found = result.metadata
        def origin(name: str) -> str:
            where = result.origins.get(name)
            return f"source {display}" + (f" ({where})" if where else "")

        for name in _HINT_FIELDS:
            value = found.get(name)
            if value and not getattr(meta, name):
                setattr(meta, name, value)
                meta.origins[name] = origin(name)
        if found.get("authors") and not meta.authors:
            meta.authors = [Contributor(name) for name in found["authors"]]
            meta.origins["authors"] = origin("authors")
        if found.get("contributors") and not meta.contributors:
            meta.contributors = [c if isinstance(c, Contributor) else Contributor(str(c), "ctb")
                                 for c in found["contributors"]]
            meta.origins["contributors"] = origin("contributors")
        for name in ("subjects", "keywords"):
            if found.get(name) and not getattr(meta, name):
                setattr(meta, name, list(found[name]))


def _clean_metadata(meta: Metadata) -> None:
    """Metadata lands in XML (OPF, XHTML, PDF info): drop characters XML
    cannot hold (and control characters, which no font draws) and collapse
    whitespace in one-line fields."""
    for name in ("title", "subtitle", "publisher", "rights", "edition", "identifier", "date"):
        setattr(meta, name, " ".join(_text_safe(getattr(meta, name)).split()))
    meta.description = _text_safe(meta.description).strip()
    meta.dedication = _text_safe(meta.dedication).strip()
    for person in [*meta.authors, *meta.contributors]:
        person.name = " ".join(_text_safe(person.name).split())
        if person.file_as:
            person.file_as = " ".join(_text_safe(person.file_as).split())
    meta.authors = [p for p in meta.authors if p.name]
    meta.contributors = [p for p in meta.contributors if p.name]
    meta.subjects = [" ".join(_text_safe(s).split()) for s in meta.subjects if _text_safe(s).strip()]
    meta.keywords = [" ".join(_text_safe(s).split()) for s in meta.keywords if _text_safe(s).strip()]
    if meta.series is not None:
        meta.series.name = " ".join(_text_safe(meta.series.name).split())
    if meta.epigraph is not None:
        meta.epigraph.text = _text_safe(meta.epigraph.text).strip()
        meta.epigraph.source = " ".join(_text_safe(meta.epigraph.source).split())


def _sample_text(book: Book, limit: int = 20_000) -> str:
    pieces: list[str] = []
    size = 0
    for chapter in book.chapters:
        for text in chapter.tree.itertext():
            pieces.append(text)
            size += len(text)
            if size >= limit:
                return " ".join(pieces)
    return " ".join(pieces)


#: Below this confidence a detected language is reported as a warning.
SURE_LANGUAGE = 0.9


def _settle_language(book: Book, ctx: BuildContext) -> None:
    meta = book.metadata
    if meta.language:
        return
    detected, confidence = language_confidence(_sample_text(book))
    if detected and confidence >= 0.5:
        meta.language = detected
        meta.origins["language"] = "detected"
        if confidence < SURE_LANGUAGE:
            ctx.diag.warn("LANG005", f"detected language: {detected} ({language_name(detected)}), "
                          f"with low confidence ({confidence:.0%})",
                          hint="set --lang or [metadata] language")
        else:
            ctx.diag.note("LANG001", f"detected language: {detected} ({language_name(detected)}); "
                          "set it with --lang or [metadata] language")
    else:
        meta.language = "en"
        meta.origins["language"] = "default"
        ctx.diag.warn("LANG002", "could not detect the language; assuming English (en)",
                      hint="set --lang or [metadata] language")


def _settle_title(book: Book, ctx: BuildContext, project: Project) -> None:
    meta = book.metadata
    if meta.title:
        return
    first = book.chapters[0]
    if first.title and _opens_with_heading(first) and not _is_division_label(first.title):
        meta.title = first.title
        meta.origins["title"] = "first heading"
        ctx.diag.warn("META001", f"no title given; using the first heading {meta.title!r}",
                      file=first.source.file, hint="set --title or [metadata] title")
        return
    if project.mode == "leanpub":  # a folder of chapters: its name, not the first file's
        stem, what, where = project.sandbox.root.name, "folder name", project.sandbox.root.name
    else:
        stem, what = Path(project.sources[0].display).stem, "file name"
        where = project.sources[0].display
    meta.title = stem.replace("_", " ").replace("-", " ").strip() or "Untitled"
    meta.origins["title"] = what
    ctx.diag.warn("META001", f"no title given; using the {what} {meta.title!r}",
                  file=where, hint="set --title or [metadata] title")


def _is_division_label(heading: str) -> bool:
    """"CHAPTER I", "Rozdział 1: Burza", "Introduction", "Prologue": the name of a
    division of the book, not the book's title."""
    from .readers.text.headings import match_heading

    return match_heading(heading) is not None


def _opens_with_heading(chapter) -> bool:
    for el in chapter.tree:
        if isinstance(el.tag, str):
            return el.tag in ("h1", "h2", "h3", "header", "hgroup")
    return False


def _title_lone_chapter(book: Book) -> None:
    """A book of one untitled chapter (an article, a story) opens with the
    book's title as its heading, so the text has a heading to start its
    outline (WCAG 2.2 SC 1.3.1) and the contents an entry."""
    body = [c for c in book.chapters if c.matter == Matter.BODY]
    if len(body) != 1 or body[0].title or _opens_with_heading(body[0]):
        return
    chapter = body[0]
    heading = element("h1", book.metadata.title)
    heading.tail = chapter.tree.text
    chapter.tree.text = None
    chapter.tree.insert(0, heading)
    chapter.title = book.metadata.title


def _assign_chapter_ids(book: Book) -> None:
    """Give each chapter a unique, readable, ASCII id (its root's id too)."""
    ids = IdFactory()
    for index, chapter in enumerate(book.chapters, 1):
        base = slugify(chapter.title or chapter.kind, fallback=chapter.kind)
        chapter.assign_id(ids.make(base if base[0].isalpha() else f"{chapter.kind}-{base}"))


#: Deepest nesting of parts (volume > book > part) above the chapters.
MAX_PART_DEPTH = 3


def _assign_depths(book: Book) -> None:
    """Chapters after a part belong to it until the next part of the same
    or an outer level, or the back matter.

    A part's own depth is its level among the parts, as its reader found it
    (a volume 0, a book inside it 1; readers that know no nesting leave 0);
    every other body chapter sits one level below the innermost open part,
    except an epilogue, which closes them (an epilogue holding chapters is
    itself a part).
    """
    open_parts: list[int] = []  # depths of the parts that hold what follows
    for chapter in book.chapters:
        if chapter.kind == "part" and chapter.matter == Matter.BODY:
            depth = min(chapter.depth, len(open_parts), MAX_PART_DEPTH - 1)
            while open_parts and open_parts[-1] >= depth:
                open_parts.pop()
            chapter.depth = len(open_parts)
            open_parts.append(chapter.depth)
        elif chapter.matter == Matter.BODY and chapter.kind != "epilogue":
            chapter.depth = len(open_parts)
        else:  # front or back matter, or an epilogue: outside every part
            chapter.depth = 0
            open_parts.clear()
