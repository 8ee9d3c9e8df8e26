"""The chunks' PDFs joined into one book (pikepdf), as one layout would have written it.

Pages are appended in book order; the first chunk's file is the base, so
its catalog (language, viewer preferences, mark info, PDF/X output intent,
XMP metadata) is the book's, once.  What spans the chunks is rebuilt:

* **named destinations** (ISO 32000-1 §12.3.2.3): every chunk's anchors in
  one sorted name tree, minus the stand-ins a chunk added for links into
  other chunks (worker.py), so a link follows to the real target;
* **the outline** (§12.3.3): from the page bookmarks, nested as WeasyPrint
  nests them, with the same open/closed counts;
* **the structure tree** (§14.7, tagged screen PDF): each chunk's
  top-level elements under one ``Document`` element, the parent tree
  renumbered (pages first, then annotations, as WeasyPrint numbers them);
* **page labels** (§12.4.2): Roman for the opening pages, Arabic from the
  body;
* the file identifier and the XMP document id from the book's identifier.

Identical streams (the output-intent profile every chunk embeds, fonts
embedded whole, an ornament used in several chunks) are kept once; the
chunks' subsets of a font are joined into one (subset_union.py), or, where
that is not sure to draw the same glyphs, named apart (subsets.py).  The
result is written deterministically: same chunks, same bytes.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, NameTree, String

from . import subset_union, subsets
from .metadata import replace_document_id
from .postprocess import LABEL_STYLES


@dataclass
class Part:
    """One chunk's PDF and what the merge must know of it."""

    data: bytes
    #: Anchor names the chunk added as stand-ins (not real destinations).
    stand_ins: list[str] = field(default_factory=list)


def merge(parts: list[Part], *, file_id: bytes, labels: list[tuple[int, str]],
          bookmarks: list[list] | None,
          font_memo: subset_union.ProgramMemo | None = None) -> bytes:
    """One PDF of ``parts`` in order.

    ``bookmarks`` holds each page's bookmarks (extract.page_bookmarks),
    book-wide; None leaves the book without an outline.  ``font_memo``
    keeps joined font programs between builds (subset_union.py).
    """
    opened = [pikepdf.open(io.BytesIO(part.data)) for part in parts]
    try:
        base = opened[0]
        starts = [0]
        with warnings.catch_warnings():
            # pikepdf warns that named destinations do not follow copied
            # pages: they are rebuilt below (_destinations).
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(
                pikepdf, "PageCopyWarning") else UserWarning)
            for source in opened[1:]:
                starts.append(len(base.pages))
                base.pages.extend(source.pages)
        destinations = _destinations(base, opened, parts, starts)
        tagged = "/StructTreeRoot" in base.Root
        if tagged:
            _join_structure(base, opened, starts)
        names = base.Root.get("/Names")
        if destinations:
            if names is None:
                names = base.Root.Names = Dictionary()
            names.Dests = Dictionary(Names=Array(destinations))
        elif names is not None and "/Dests" in names:
            del names["/Dests"]
        if "/Outlines" in base.Root:
            del base.Root["/Outlines"]
        if bookmarks:
            _outline(base, bookmarks)
        if labels:
            nums = Array()
            for start, style in labels:
                nums.extend([start, Dictionary(S=Name(LABEL_STYLES[style]))])
            base.Root.PageLabels = Dictionary(Nums=nums)
        _dedupe(base)
        subset_union.unify(base, font_memo)  # one subset per font, as one layout embeds
        subsets.retag(base)  # what could not be joined: a name each
        metadata = base.Root.get("/Metadata")
        if metadata is not None:
            metadata.write(replace_document_id(metadata.read_bytes(), file_id))
        base.trailer.ID = Array([String(file_id), String(file_id)])
        out = io.BytesIO()
        version = str(base.pdf_version)
        base.save(out, min_version=version, deterministic_id=True, compress_streams=True,
                  object_stream_mode=(pikepdf.ObjectStreamMode.generate if version >= "1.5"
                                      else pikepdf.ObjectStreamMode.disable))
        return out.getvalue()
    finally:
        for source in opened:
            source.close()


def _destinations(base: pikepdf.Pdf, opened: list[pikepdf.Pdf], parts: list[Part],
                  starts: list[int]) -> list:
    """The book's name tree entries, sorted: first anchor of each name wins."""
    found: dict[str, object] = {}
    for source, part, start in zip(opened, parts, starts):
        names = source.Root.get("/Names")
        if names is None or "/Dests" not in names:
            continue
        pages = {page.obj.objgen: start + index for index, page in enumerate(source.pages)}
        skip = set(part.stand_ins)
        for name, destination in NameTree(names.Dests).items():
            if name in skip or name in found:
                continue
            if isinstance(destination, Dictionary):
                destination = destination.D
            page = pages.get(destination[0].objgen) if len(destination) else None
            if page is None:
                continue
            found[name] = Array([base.pages[page].obj, *list(destination)[1:]])
    entries: list = []
    for name in sorted(found):
        entries += [String(name), found[name]]
    return entries


def _join_structure(base: pikepdf.Pdf, opened: list[pikepdf.Pdf], starts: list[int]) -> None:
    """One structure tree: elements in page order, parent tree renumbered."""
    root = base.Root.StructTreeRoot
    document = _document_element(root)
    total = len(base.pages)
    nums = Array()
    annotation_key = total
    page_entries: list[tuple[int, object]] = []
    annotation_entries: list[object] = []
    ends = [*starts[1:], total]
    for source, start, end in zip(opened, starts, ends):
        source_root = source.Root.get("/StructTreeRoot")
        if source_root is None:
            continue
        count = end - start  # the base already holds every page: count from the starts
        entries = list(_numbers(source_root.ParentTree))
        copy = (lambda obj: obj) if source is base else _copier(base)
        remap: dict[int, int] = {}
        for key, value in entries:
            if key < count:
                page_entries.append((start + key, copy(value)))
            else:
                remap[key] = annotation_key
                annotation_key += 1
                annotation_entries.append(copy(value))
        for index in range(count):
            page = base.pages[start + index].obj
            if "/StructParents" in page:
                page.StructParents = start + index
            for annotation in page.get("/Annots", ()):
                if "/StructParent" in annotation:
                    annotation.StructParent = remap.get(int(annotation.StructParent),
                                                        int(annotation.StructParent))
        if source is not base:
            kids = _document_element(source_root).get("/K", Array())
            for kid in (kids if isinstance(kids, Array) else [kids]):
                element = base.copy_foreign(kid)
                element.P = document
                document.K.append(element)
    for key, value in sorted(page_entries, key=lambda entry: entry[0]):
        nums.extend([key, value])
    for offset, value in enumerate(annotation_entries):
        nums.extend([total + offset, value])
    root.ParentTree = base.make_indirect(Dictionary(Nums=nums))


def _copier(base: pikepdf.Pdf):
    """Copy into ``base``: indirect objects through pikepdf (each once), the
    direct arrays of a parent tree item by item."""
    def copy(value: pikepdf.Object) -> pikepdf.Object:
        if not isinstance(value, pikepdf.Object):
            return value  # null, numbers
        if value.is_indirect:
            return base.copy_foreign(value)
        if isinstance(value, Array):
            return Array([copy(item) for item in value])
        return value
    return copy


def _document_element(root: pikepdf.Object) -> pikepdf.Object:
    kids = root.K
    for kid in (kids if isinstance(kids, Array) else [kids]):
        if kid.get("/S") == "/Document":
            return kid
    raise ValueError("the tagged chunk has no Document element")


def _numbers(tree: pikepdf.Object) -> Iterable[tuple[int, object]]:
    """(key, value) pairs of a number tree (ISO 32000-1 §7.9.7), flat or with kids."""
    if "/Nums" in tree:
        nums = tree.Nums
        for index in range(0, len(nums), 2):
            yield int(nums[index]), nums[index + 1]
    for kid in tree.get("/Kids", ()):
        yield from _numbers(kid)


class _Bookmarked:
    """What WeasyPrint's outline builder reads of a page."""

    def __init__(self, bookmarks: list) -> None:
        self.bookmarks = [(level, label, tuple(point), state) for level, label, point, state in bookmarks]


def _outline(pdf: pikepdf.Pdf, bookmarks: list[list]) -> None:
    """The outline from every page's bookmarks, nested by WeasyPrint's own rule."""
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    roots: list = []
    skipped: list[int] = []
    last_by_depth: list[list] = [roots]
    previous = 0
    identity = Matrix()
    for number, marks in enumerate(bookmarks):
        previous = make_page_bookmark_tree(_Bookmarked(marks), skipped, last_by_depth, previous,
                                           number, identity)
    if not roots:
        return
    outlines = pdf.make_indirect(Dictionary(Type=Name.Outlines))
    items, count = _outline_items(pdf, roots, outlines)
    outlines.Count = count
    outlines.First, outlines.Last = items[0], items[-1]
    pdf.Root.Outlines = outlines


def _outline_items(pdf: pikepdf.Pdf, tree: list, parent: pikepdf.Object) -> tuple[list, int]:
    """Outline items for ``tree``; the count of visible descendants (§12.3.3)."""
    items: list = []
    count = len(tree)
    for label, (page, x, y), children, state in tree:
        item = pdf.make_indirect(Dictionary(
            Title=String(label), Dest=Array([pdf.pages[page].obj, Name.XYZ, x, y, 0]), Parent=parent))
        kids, kids_count = _outline_items(pdf, children, item)
        item.Count = -kids_count if state == "closed" else kids_count
        if state != "closed":
            count += kids_count
        if kids:
            item.First, item.Last = kids[0], kids[-1]
        if items:
            item.Prev = items[-1]
            items[-1].Next = item
        items.append(item)
    return items, count


def _dedupe(pdf: pikepdf.Pdf) -> None:
    """Point every copy of an identical stream in the pages' resources at one."""
    canonical: dict[bytes, pikepdf.Object] = {}
    seen: set[tuple[int, int]] = set()

    def key(stream: pikepdf.Object) -> bytes:
        # The raw bytes and the dictionary as written (an indirect reference
        # in it names an object number, so such streams stay apart).
        digest = hashlib.sha256(stream.read_raw_bytes())
        for name in sorted(k for k in stream.keys() if k != "/Length"):
            value = stream[name]
            digest.update(name.encode() + b" " + (value.unparse() if isinstance(value, pikepdf.Object)
                                                  else repr(value).encode()))
        return digest.digest()

    def visit(container: pikepdf.Object) -> None:
        if container.is_indirect:
            if container.objgen in seen:
                return
            seen.add(container.objgen)
        items = (((k, container[k]) for k in list(container.keys()))
                 if isinstance(container, Dictionary) or isinstance(container, pikepdf.Stream)
                 else enumerate(list(container)))
        for slot, value in items:
            if isinstance(value, pikepdf.Stream) and value.is_indirect:
                first = canonical.setdefault(key(value), value)
                if first.objgen != value.objgen:
                    container[slot] = first
                    continue
                visit(value)
            elif isinstance(value, (Dictionary, Array)):
                visit(value)

    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        if resources is not None:
            visit(resources)
    intents = pdf.Root.get("/OutputIntents")
    if intents is not None:
        visit(intents)
