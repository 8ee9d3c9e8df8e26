"""Markdown reader: CommonMark + GFM + footnotes + Leanpub, into chapters.

One ``.md`` file is one chapter, or several when it holds more than one
level-1 heading (``[content] split``: "auto" splits then, "h1" always splits
at level-1 headings, "none" never does).  Content before the first heading
still makes a chapter.  The pieces:

* ``metadata``: YAML front matter / Pandoc title block → metadata;
* ``parser``: the markdown-it parser, its plugins and guards;
* ``pandoc``: Pandoc's math, citations, fenced divs, table captions and
  Markdown inside HTML containers; ``latex``: raw TeX; ``notes``: footnotes
  as Pandoc reads them (first definition wins, calls inside HTML);
* ``leanpub``: Leanpub/Markua directives, attributes and asides;
* ``render``: block tokens → lxml tree (``book/model.py`` conventions), with
  ``inline`` for the inline tokens and ``tree`` for the stack, ids and
  attribute lines;
* ``raw_html``: raw HTML kept when safe, dropped with a warning if not;
* ``autolink``: bare URLs and e-mail addresses made links;
* ``samples``: a code sample showing a book image that is missing, reported.

Leanpub's ``{frontmatter}`` / ``{mainmatter}`` / ``{backmatter}`` set the
matter of the chapters after them, in this file and in the files that follow
(Leanpub books often put them in files of their own), so the current matter
is kept per build on the context as ``ctx.markdown_state``.  A matter given
in book.toml for a file wins over the directives.

A book made of one Markdown file that opens with its only ``# Heading``,
above ``##`` headings, takes that heading as its title (when nothing else
gives one, or the title given is the same): the chapters are the ``##``
sections, not one chapter named like the book (:func:`title_heading`).

Warning codes:

========  ==============================================================
MD011     a footnote is defined but never referenced (left out)
MD012     a footnote reference has no definition (the call left out)
MD013     a footnote defined twice (the first definition is kept)
MD020     an attribute line has no block after it
MD021     an attribute key is not supported (ignored)
MD022     an id or width value is unusable, or an id is used twice in a file
MD023     a matter directive inside a block (ignored)
MD030     Markdown nested deeper than the parser's limit (rest left out)
MD031     content nested deeper than the depth limit (flattened)
MD032     a paragraph flooded with ``[`` was read without link syntax
MD050     an unsafe HTML element (script, iframe, form control…) removed
MD051     an HTML event handler attribute (``onclick``…) removed
MD052     an unsafe URL (``javascript:``…) or style removed
MD053     unreadable HTML left out
MD054     inline SVG or MathML not supported
MD057     a block-level HTML element inside a paragraph left out
MD058     an HTML container opened in an HTML block is never closed
MD060     front matter that is not valid YAML (ignored)
MD061     a front matter value of the wrong type
MD062     a front matter language that is not a BCP 47 tag
MD063     a front matter date that is not a date
MD070     a code sample shows a book image that is missing (samples.py)
MD071     raw LaTeX that only LaTeX output could use, left out (latex.py)
MD080     citations kept as written: no bibliography is formatted (pandoc.py)
MD081     TeX math kept as TeX source (pandoc.py)
========  ==============================================================
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from pathlib import Path
from typing import Any

from lxml import etree

from ...context import BuildContext
from ...errors import LimitError, MakeBookError
from ...model import Chapter, Matter, SourceRef
from ...sandbox import is_remote
from ...xhtml import EPUB_TYPE, HEADING_TAGS, remove_keep_tail, slugify, text_content
from .. import ReadResult, SourceFile
from ..common import DIVISION_ROLES, new_chapter, read_text
from .latex import IMAGE_EXTENSIONS
from .metadata import split_front_matter
from .parser import markdown_parser
from .render import Renderer
from .samples import check_samples
from ...fidelity.source import SourceText

#: Leanpub directive → matter of the chapters that follow it.
MATTER_DIRECTIVES: dict[str, Matter] = {
    "frontmatter": Matter.FRONT,
    "mainmatter": Matter.BODY,
    "backmatter": Matter.BACK,
}
#: Blocks that count as content even without text.
_CONTENT_TAGS = frozenset({"img", "figure", "hr", "table", "pre", "aside", "ul", "ol", "dl"})


def read(source: SourceFile, ctx: BuildContext) -> ReadResult:
    """Read one Markdown file into chapters and the metadata it states."""
    decoded = read_text(source, ctx)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n")

    def warn(code: str, message: str, line: int | None) -> None:
        ctx.diag.warn(code, message, file=source.display, line=line)

    front = split_front_matter(text, warn)
    env: dict[str, Any] = {}
    try:
        tokens = markdown_parser().parse(front.text, env)
    except RecursionError:
        raise LimitError("the Markdown is nested too deeply to read", file=source.display) from None
    lang = front.metadata.get("language") or ctx.config.metadata.language
    check_samples(tokens, source.path, ctx.sandbox, warn)
    renderer = Renderer(file=source.display, key_prefix=_key_prefix(source), warn=warn, lang=lang,
                        image_file=image_finder(source, ctx))
    rendered = renderer.render(tokens, env, front.text)
    metadata = dict(front.metadata)
    given = metadata.get("title") or ctx.config.metadata.title
    title = title_heading(rendered.body, given, alone=ctx.source_count == 1)
    if title and not given:
        metadata["title"] = title
    # What the fidelity check holds the book to: the body and its notes as rendered.
    text = SourceText.from_tree(source.display, rendered.body)
    for note in rendered.notes.values():
        text.segments += SourceText.from_tree(source.display, note).segments
    chapters = split_chapters(rendered.body, source, ctx, at_h1=bool(title))
    place_notes(chapters, rendered.notes)
    return ReadResult(chapters=chapters, metadata=metadata, source_text=text)


def image_finder(source: SourceFile, ctx: BuildContext) -> Callable[[str], str | None]:
    """``name → src`` for an image file named in raw TeX, relative to the
    Markdown file: as written, or with an image extension added (LaTeX leaves
    it out) or put in place of a print-only one (``fig.pdf`` → ``fig.png``)."""
    folder = source.path.parent

    def find(name: str) -> str | None:
        if not name or len(name) > 300 or "\n" in name or is_remote(name) or ":" in name:
            return None
        stem, suffix = name, Path(name).suffix.lower()
        if suffix in IMAGE_EXTENSIONS:
            candidates = [name]
        else:
            if suffix in (".pdf", ".eps", ".ps"):
                stem = name[:-len(suffix)]
            candidates = [stem + ext for ext in IMAGE_EXTENSIONS]
        for candidate in candidates:
            try:
                path = ctx.sandbox.resolve_path(candidate, base=folder, file=source.display)
            except MakeBookError:
                continue
            if path.is_file():
                return candidate
        return None

    return find


def markdown_state(ctx: BuildContext) -> dict[str, Any]:
    """The Markdown reader's state for this build (current Leanpub matter)."""
    state = getattr(ctx, "markdown_state", None)
    if not isinstance(state, dict):
        state = {"matter": None}
        ctx.markdown_state = state  # type: ignore[attr-defined]
    matter = state.get("matter")
    if matter is not None and not isinstance(matter, Matter):
        # Restored from the build cache as plain data ("bodymatter").
        state["matter"] = Matter(matter) if matter in {m.value for m in Matter} else None
    return state


def _key_prefix(source: SourceFile) -> str:
    return slugify(Path(source.display).stem, fallback="md", max_length=24)


def heading_text(el: etree._Element) -> str:
    """A heading's text without its footnote calls."""
    if not any(a.get(EPUB_TYPE) == "noteref" for a in el.iter("a")):
        return text_content(el)
    copy = deepcopy(el)
    for call in [a for a in copy.iter("a") if a.get(EPUB_TYPE) == "noteref"]:
        remove_keep_tail(call)
    return text_content(copy)


def title_heading(body: etree._Element, given_title: str, *, alone: bool) -> str:
    """A book of one file whose lone ``# Heading`` opens it, above ``##``
    chapters, is titled by that heading: it is taken out of the text and the
    headings below it move up a level, so the chapters are not nested under
    a chapter named like the book.  Returns the title ("" when the rule does
    not apply).  A title given elsewhere wins unless it is the same text.
    """
    if not alone:
        return ""
    headings = [el for el in body if isinstance(el.tag, str) and el.tag in HEADING_TAGS]
    h1s = [el for el in headings if el.tag == "h1"]
    first = next((el for el in body if _meaningful(el)), None)
    if (len(h1s) != 1 or first is not h1s[0] or headings[0] is not first
            or not any(h.tag == "h2" for h in headings)):
        return ""
    title = heading_text(h1s[0])
    if not title or (given_title and " ".join(given_title.split()).casefold()
                     != " ".join(title.split()).casefold()):
        return ""
    body.remove(h1s[0])
    for el in list(body.iter(*HEADING_TAGS[1:])):
        el.tag = f"h{int(el.tag[1]) - 1}"
    return title


def _meaningful(el: etree._Element) -> bool:
    if not isinstance(el.tag, str):
        return False
    if el.tag in _CONTENT_TAGS or text_content(el) or el.get("id") is not None:
        return True
    return el.find(".//img") is not None or el.find(".//*[@id]") is not None


def _should_split(blocks: list[etree._Element], mode: str, at_h1: bool = False) -> bool:
    if mode == "none":
        return False
    if mode == "h1" or at_h1:
        return True
    return sum(1 for el in blocks if el.tag == "h1") > 1


def split_chapters(body: etree._Element, source: SourceFile, ctx: BuildContext, *,
                   at_h1: bool = False) -> list[Chapter]:
    """Cut the rendered body into chapters and settle their matter (``at_h1``:
    at every level-1 heading, as when the file's title heading was taken)."""
    state = markdown_state(ctx)
    blocks = list(body)
    split = _should_split(blocks, ctx.config.content.split, at_h1)
    chapters: list[Chapter] = []
    current: Chapter | None = None
    for el in blocks:
        if isinstance(el, etree._ProcessingInstruction):
            if el.target == "mb-matter" and el.text in MATTER_DIRECTIVES:
                state["matter"] = MATTER_DIRECTIVES[el.text]
            continue
        starts = split and el.tag == "h1"
        if current is None or starts:
            if not starts and not _meaningful(el):
                continue
            current = _start_chapter(source, el if el.tag in HEADING_TAGS else None, state)
            chapters.append(current)
        current.tree.append(el)
    for chapter in chapters:
        _title_from_content(chapter)
    return chapters


def _start_chapter(source: SourceFile, heading: etree._Element | None,
                   state: dict[str, Any]) -> Chapter:
    line = int(heading.get("data-mb-line")) if heading is not None and heading.get(
        "data-mb-line", "").isdigit() else None
    kind = "part" if heading is not None and heading.get("data-mb-part") else "chapter"
    matter = source.matter or state.get("matter")
    title = heading_text(heading) if heading is not None and heading.tag == "h1" else ""
    return new_chapter(source, title=title, kind=kind, matter=matter, line=line)


def _title_from_content(chapter: Chapter) -> None:
    """An untitled chapter takes its h1's text, or that of a heading it opens with."""
    if chapter.title:
        return
    first_h1 = next((el for el in chapter.tree if el.tag == "h1"), None)
    opener = next((el for el in chapter.tree if isinstance(el.tag, str)), None)
    heading = first_h1 if first_h1 is not None else (
        opener if opener is not None and opener.tag in HEADING_TAGS else None)
    if heading is None:
        return
    chapter.title = heading_text(heading)
    if heading.get("data-mb-line", "").isdigit():
        chapter.source = SourceRef(chapter.source.file, int(heading.get("data-mb-line")))
    if heading.get("data-mb-part") and heading is opener and chapter.kind == "chapter":
        chapter.kind = "part"
        chapter.tree.set(EPUB_TYPE, "part")
        chapter.tree.set("role", DIVISION_ROLES["part"])


def place_notes(chapters: list[Chapter], notes: dict[str, etree._Element]) -> None:
    """Put each footnote at the end of the chapter that first calls it; a
    later chapter calling it too gets its own copy (as Pandoc repeats a note
    for each call), so no call is left without its note."""
    if not notes or not chapters:
        return
    placed: dict[str, Chapter] = {}
    copies = 0
    for chapter in chapters:
        own: dict[str, str] = {}
        for call in list(chapter.tree.iter("a")):
            if call.get(EPUB_TYPE) != "noteref":
                continue
            key = (call.get("href") or "")[1:]
            if key not in notes:
                continue
            if key not in placed:
                placed[key] = chapter
                chapter.tree.append(notes[key])
            elif placed[key] is not chapter:
                if key not in own:
                    copies += 1
                    copy = deepcopy(notes[key])
                    own[key] = f"{key}-{copies + 1}"
                    copy.set("id", own[key])
                    chapter.tree.append(copy)
                call.set("href", f"#{own[key]}")
    for key, note in notes.items():
        if key not in placed:
            chapters[-1].tree.append(note)
