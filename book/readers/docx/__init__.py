"""Word manuscripts (``.docx``) → chapters, with mammoth.

The steps:

1. read the file through the sandbox and open it with
   :func:`book.zipguard.open_zip` (size, ratio, entry-count and entry-name
   limits) before anything else sees it;
2. parse every XML part with the hardened parser of book/safexml.py (no
   DTD, no entities, libxml2's depth limit), so neither mammoth's own XML
   parser nor we ever meet a hostile construct;
3. rewrite ``word/document.xml`` and the notes parts with
   :mod:`.prepare` (styles classified by :mod:`.styles`: localized
   heading names, outline levels, monospace fonts, Word's TOC removed, the
   Title paragraph taken as metadata...), drop references to what the
   package does not hold (:mod:`.references`) and hand mammoth a rebuilt,
   normalized package in memory;
4. convert with mammoth's style map :data:`.prepare.STYLE_MAP`,
   pictures going through :class:`.images.ImageCollector`;
5. build the lists from the paragraphs :mod:`.numbering` marked, tidy
   mammoth's HTML (notes to the model's form, bookmarks, tables,
   checkboxes), sanitize it, and cut it into chapters at Heading 1 (or the
   top heading level used) with the HTML reader's chapter builder.

Diagnostic codes of the DOCX reader:

====== ============================================================ ========
DOCX001 Word's table of contents dropped                              note
DOCX002 hidden text left out                                          note
DOCX003 styles shown as plain paragraphs (mammoth did not know them)  note
DOCX004 a mammoth warning (unsupported content)                       warning
DOCX005 notes found and converted                                     note
DOCX006 monospace is the body font: no code blocks inferred from it   note
DOCX007 the document has no text                                      warning
DOCX008 a hyperlink, note call or picture pointing to nothing dropped warning
DOCX020 a picture left out (unreadable, not convertible, unsafe SVG)  warning
DOCX021 a picture converted to PNG                                    note
DOCX022 a picture's description was machine-written                   warning
DOCX023 a picture's description is a file name (left undescribed)     warning
====== ============================================================ ========
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict

from lxml import etree

from ... import limits
from ...context import BuildContext
from ...errors import LimitError, MakeBookError, SourceError
from ...passes.sanitize import sanitize_tree
from ...safexml import parse_html, parse_xml
from ...xhtml import remove_keep_tail, replace_with_text, text_content, unwrap
from ...zipguard import open_zip, read_entry
from .. import ReadResult, SourceFile
from ..html.chapters import build_chapters
from ..html.metadata import language_tag
from ..html.notes import normalize_notes
from ..html.semantics import mark_scene_breaks
from .images import ImageCollector
from .numbering import build_lists
from .parts import PartNames, find_parts
from .parts import rels_name as _rels_name
from .prepare import STYLE_MAP, declare_synthetic_styles, prepare_document, prepare_notes
from .references import drop_dangling_references, note_ids, relationship_ids
from .styles import parse_styles
from .wordml import W_NS
from ...fidelity.source import SourceText

TOC_DROPPED = "DOCX001"
HIDDEN_TEXT = "DOCX002"
PLAIN_STYLES = "DOCX003"
MAMMOTH_WARNING = "DOCX004"
NOTES_FOUND = "DOCX005"
MONOSPACE_BODY = "DOCX006"
NO_TEXT = "DOCX007"
DANGLING = "DOCX008"

#: Largest single XML part we parse (War and Peace as DOCX is ~20 MB of XML).
MAX_XML_PART = 96 * limits.MiB

_UNRECOGNISED = re.compile(r"^Unrecognised (paragraph|run|table) style: (.*?) \(Style ID: (.*)\)$")
_DC = "{http://purl.org/dc/elements/1.1/}"
_CP = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
#: Author names Word fills in from the computer's account, not the writer's.
_PLACEHOLDER_AUTHORS = frozenset({"", "user", "author", "admin", "administrator", "owner",
                                  "microsoft office user", "windows user", "unknown", "apple",
                                  "python-docx", "docx4j", "pandoc"})


def _is_xml_part(name: str) -> bool:
    lowered = name.lower()
    return lowered.endswith((".xml", ".rels"))


def _load_package(data: bytes, display: str) -> dict[str, bytes]:
    """Every entry of the guarded ZIP, XML parts checked by the hardened parser."""
    archive = open_zip(data, display)
    parts: dict[str, bytes] = {}
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            limit = MAX_XML_PART if _is_xml_part(name) else limits.MAX_IMAGE_BYTES
            if info.file_size > limit:
                if _is_xml_part(name):
                    raise LimitError(f"the Word part {name} is {info.file_size / limits.MiB:.0f} "
                                     "MiB, over the limit", file=display)
                continue  # a huge embedded file: left out, as mammoth never needs it whole
            parts[name] = read_entry(archive, info, display, limit=limit)
    return parts


def find_entry_name(parts: dict[str, bytes], name: str) -> str | None:
    if name in parts:
        return name
    lowered = name.lower()
    return next((key for key in parts if key.lower() == lowered), None)


def _parse_all_xml(parts: dict[str, bytes], display: str) -> dict[str, etree._Element]:
    """Every XML part through the hardened parser, refusing DTDs and entities.

    mammoth parses these parts again with its own (expat-based) parser, so
    nothing it reads may declare a DTD: we refuse the whole file instead.
    """
    trees: dict[str, etree._Element] = {}
    for name, data in parts.items():
        if not _is_xml_part(name):
            continue
        head = data[:4096]
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise SourceError(f"the Word part {name} declares a DTD or entities, which are "
                              "refused", file=display, hint="this is not how Word writes files")
        try:
            tree = parse_xml(data, file=display)
        except SourceError as exc:
            raise SourceError(f"the Word document is damaged: {exc.message} (in {name})",
                              file=display, hint="open it in Word or LibreOffice and save it "
                              "again") from None
        if tree.getroottree().docinfo.doctype:  # a DTD behind a long comment
            raise SourceError(f"the Word part {name} declares a DTD, which is refused",
                              file=display, hint="this is not how Word writes files")
        trees[name] = tree
    return trees


def _tree(trees: dict[str, etree._Element], name: str) -> etree._Element | None:
    key = find_entry_name(trees, name)  # type: ignore[arg-type]
    return trees.get(key) if key else None


def _serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rebuild(parts: dict[str, bytes]) -> io.BytesIO:
    """A fresh ZIP with normalized entry names, for mammoth."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    buffer.seek(0)
    return buffer


def _drop_dangling(parts: dict[str, bytes], trees: dict[str, etree._Element], names: PartNames,
                   display: str, ctx: BuildContext) -> None:
    """Links, note calls and pictures pointing to nothing the package holds are
    dropped with a warning (:func:`.references.drop_dangling_references`)
    instead of making mammoth refuse the whole file.

    Edits the trees; serializes the parts it changed except the main
    document, which the caller serializes next anyway.
    """
    main_name = names.main
    notes_parts = {"footnote": names.footnotes, "endnote": names.endnotes}
    known = {kind: note_ids(_tree(trees, name), kind) for kind, name in notes_parts.items()}
    for name in (main_name, *notes_parts.values()):
        root = _tree(trees, name)
        if root is None:
            continue
        rels_name = _rels_name(name)
        rels = _tree(trees, rels_name)
        count = len(rels) if rels is not None else 0
        dangling = drop_dangling_references(root, relationship_ids(rels), known)
        if rels is not None and len(rels) != count:
            parts[find_entry_name(parts, rels_name) or rels_name] = _serialize(rels)
        if name != main_name:
            parts[find_entry_name(parts, name) or name] = _serialize(root)
        where = "" if name == main_name else f" (in {name})"
        for kind, items in (("hyperlink", dangling.links), ("note call", dangling.notes),
                            ("picture", dangling.pictures)):
            if not items:
                continue
            what = ", ".join(sorted(set(items))[:5])
            kept = "its text kept" if kind == "hyperlink" else "left out"
            ctx.diag.warn(DANGLING, f"{len(items)} {kind}(s) pointing to something the Word file "
                          f"does not contain ({what}){where}: {kept}", file=display,
                          hint="open the file in Word or LibreOffice and save it again")


def _core_metadata(trees: dict[str, etree._Element], name: str) -> dict[str, object]:
    root = _tree(trees, name)
    found: dict[str, object] = {}
    if root is None:
        return found

    def value(tag: str) -> str:
        el = root.find(tag)
        return " ".join((el.text or "").split()) if el is not None else ""

    if value(f"{_DC}title"):
        found["title"] = value(f"{_DC}title")
    creator = value(f"{_DC}creator")
    if creator and creator.lower() not in _PLACEHOLDER_AUTHORS:
        found["authors"] = [name.strip() for name in re.split(r"\s*;\s*", creator) if name.strip()]
    if value(f"{_DC}description"):
        found["description"] = value(f"{_DC}description")
    language = language_tag(value(f"{_DC}language"))
    if language:
        found["language"] = language
    if value(f"{_DC}subject"):
        found["subjects"] = [value(f"{_DC}subject")]
    keywords = value(f"{_CP}keywords")
    if keywords:
        found["keywords"] = [k.strip() for k in re.split(r"[;,]", keywords) if k.strip()]
    return found


def _report_messages(messages, display: str, ctx: BuildContext) -> None:
    plain: dict[str, set[str]] = defaultdict(set)
    others: dict[str, int] = defaultdict(int)
    for message in messages:
        text = " ".join(str(getattr(message, "message", message)).split())
        match = _UNRECOGNISED.match(text)
        if match:
            name = match.group(2)
            if not name.startswith("Mb"):
                plain[match.group(1)].add(name or match.group(3))
            continue
        others[text] += 1
    for kind, names in sorted(plain.items()):
        ctx.diag.note(PLAIN_STYLES, f"{kind} styles shown as plain text: "
                      f"{', '.join(sorted(names))}", file=display)
    for text, count in sorted(others.items()):
        times = f" ({count} times)" if count > 1 else ""
        ctx.diag.warn(MAMMOTH_WARNING, f"Word content not converted: {text}{times}", file=display)


def _convert(package: io.BytesIO, images: ImageCollector, display: str):
    import mammoth  # imported here: the CLI starts faster without it

    try:
        return mammoth.convert_to_html(
            package, style_map=STYLE_MAP, convert_image=mammoth.images.img_element(images),
            include_embedded_style_map=False, external_file_access=False,
            ignore_empty_paragraphs=True,
        )
    except MakeBookError:
        raise
    except RecursionError:
        raise LimitError("the Word document nests content too deeply to convert",
                         file=display) from None
    except Exception as exc:  # mammoth on a damaged package: any exception type
        text = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise SourceError(f"the Word document cannot be converted: {text}", file=display,
                          hint="open it in Word or LibreOffice and save it again") from exc


# ------------------------------------------------------------- after mammoth


def _tidy_images(body: etree._Element) -> None:
    for img in list(body.iter("img")):
        if img.get("data-mb-drop"):
            remove_keep_tail(img)
        elif img.get("data-mb-noalt"):
            del img.attrib["data-mb-noalt"]
            img.attrib.pop("alt", None)


def _tidy_bookmarks(body: etree._Element) -> None:
    """Empty ``<a id>`` bookmarks: keep those linked to, on their block if possible."""
    linked = {(a.get("href") or "")[1:] for a in body.iter("a")
              if (a.get("href") or "").startswith("#")}
    for a in list(body.iter("a")):
        ident = a.get("id")
        if not ident or a.get("href") or len(a) or (a.text or "").strip():
            continue
        parent = a.getparent()
        if ident not in linked:
            remove_keep_tail(a)
        elif parent is not None and parent.get("id") is None and parent is not body:
            parent.set("id", ident)
            remove_keep_tail(a)


def _tidy_checkboxes(body: etree._Element) -> None:
    """mammoth writes Word's check boxes as <input>: keep them as characters."""
    for box in list(body.iter("input")):
        if box.getparent() is not None:
            replace_with_text(box, "\u2612" if box.get("checked") is not None else "\u2610")


def _tidy_code(body: etree._Element) -> None:
    """Line breaks inside <pre> are newlines; tabs stay."""
    for pre in body.iter("pre"):
        for br in list(pre.iter("br")):
            replace_with_text(br, "\n")


def _drop_blank_paragraphs(body: etree._Element) -> None:
    """Paragraphs of nothing but spaces and tabs are Word's way of adding space."""
    for p in list(body.iter("p")):
        if not len(p) and not (p.text or "").strip():
            remove_keep_tail(p)


def _header_cells_by_look(row: etree._Element) -> bool:
    """A first row is clearly a header when every cell's text is bold."""
    cells = [c for c in row if isinstance(c.tag, str) and c.tag in ("td", "th")]
    if not cells:
        return False
    for cell in cells:
        text = text_content(cell)
        if not text:
            return False
        bold = "".join(" ".join(b.itertext()) for b in cell.iter("strong", "b"))
        if "".join(bold.split()) != "".join(text.split()):
            return False
    return True


def _tidy_tables(body: etree._Element) -> None:
    for table in body.iter("table"):
        if table.find(".//th") is not None:
            continue
        rows = [r for r in table.iter("tr") if _owning_table(r) is table]
        if len(rows) < 2 or not _header_cells_by_look(rows[0]):
            continue
        if all(_header_cells_by_look(r) for r in rows[1:]):
            continue  # everything is bold: emphasis, not a header
        first = rows[0]
        for cell in first:
            if isinstance(cell.tag, str) and cell.tag == "td":
                cell.tag = "th"
                cell.set("scope", "col")
                for strong in list(cell.iter("strong", "b")):
                    unwrap(strong)
        parent = first.getparent()
        if parent is table:
            thead = etree.Element("thead")
            first.addprevious(thead)
            thead.append(first)


def _owning_table(el: etree._Element) -> etree._Element | None:
    node = el.getparent()
    while node is not None and node.tag != "table":
        node = node.getparent()
    return node


def _parse_output(html: str, display: str) -> etree._Element:
    root = parse_html(f"<html><body>{html}</body></html>", file=display)
    body = root.find("body")
    return body if body is not None else etree.SubElement(root, "body")


def read(source: SourceFile, ctx: BuildContext) -> ReadResult:
    """Read one DOCX manuscript into chapters, metadata and image assets."""
    display = source.display
    data = ctx.sandbox.read_bytes(source.path, limit=limits.MAX_ZIP_BYTES, file=display)
    parts = _load_package(data, display)
    trees = _parse_all_xml(parts, display)
    names = find_parts(list(parts), trees)
    if names is None:
        raise SourceError("this ZIP has no main document part (word/document.xml or the part "
                          "its relationships name), so it is not a Word document", file=display,
                          hint="save the manuscript as .docx from your word processor")
    styles = parse_styles(_tree(trees, names.styles))
    main_name = names.main
    document = _tree(trees, main_name)
    if document is None or document.tag != f"{{{W_NS}}}document":
        raise SourceError(f"{main_name} is not a WordprocessingML document", file=display)
    prepared = prepare_document(document, styles, _tree(trees, names.numbering),
                                _tree(trees, names.styles))
    _drop_dangling(parts, trees, names, display, ctx)
    parts[main_name] = _serialize(document)
    styles_key = find_entry_name(parts, names.styles) or names.styles
    parts[styles_key] = _serialize(declare_synthetic_styles(_tree(trees, names.styles)))
    for name in (names.footnotes, names.endnotes):
        key = find_entry_name(parts, name)
        notes_root = _tree(trees, name)
        if key and notes_root is not None:
            prepare_notes(notes_root, styles, by_font=prepared.code_by_font)
            parts[key] = _serialize(notes_root)

    images = ImageCollector(ctx, display, source.path.stem)
    result = _convert(_rebuild(parts), images, display)
    _report_messages(result.messages, display, ctx)
    if prepared.toc_paragraphs:
        ctx.diag.note(TOC_DROPPED, f"Word's table of contents ({prepared.toc_paragraphs} "
                      "paragraphs) was left out; the book builds its own", file=display)
    if prepared.hidden_runs:
        ctx.diag.note(HIDDEN_TEXT, f"{prepared.hidden_runs} run(s) of hidden text left out",
                      file=display)
    if not prepared.code_by_font:
        ctx.diag.note(MONOSPACE_BODY, "the body text is set in a monospace font, so no code "
                      "blocks were inferred from fonts", file=display)

    body = _parse_output(result.value, display)
    build_lists(body, prepared.list_items)
    _tidy_images(body)
    _tidy_checkboxes(body)
    sanitize_tree(body, ctx, file=display)
    report = normalize_notes(body)
    if report.notes:
        ctx.diag.note(NOTES_FOUND, f"{report.notes} footnote(s)/endnote(s) with {report.calls} "
                      "call(s)", file=display)
    _tidy_bookmarks(body)
    _tidy_code(body)
    _drop_blank_paragraphs(body)
    _tidy_tables(body)
    mark_scene_breaks(body)

    metadata = _core_metadata(trees, names.core)
    if prepared.title:
        metadata["title"] = prepared.title
    if prepared.subtitle:
        metadata["subtitle"] = prepared.subtitle
    text = SourceText.from_tree(display, body)  # what the fidelity check holds the book to
    found = build_chapters(body, source, title_hint="")
    if not found.chapters:
        ctx.diag.warn(NO_TEXT, "the document has no text", file=display)
    return ReadResult(chapters=found.chapters, metadata=metadata, assets=images.assets,
                      source_text=text)

