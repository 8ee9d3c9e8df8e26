"""One subset per font in a book laid out in chunks.

Each chunk's PDF embeds its own subset of every font it uses, so a book of
forty chunks carried forty subsets of its body font: War and Peace's print
PDF held 113 font programs, 2.8 MB of its 7.3 MB, where the same book laid
out as one document holds one per font.  WeasyPrint subsets with the glyph
ids kept (HarfBuzz's retain-gids, fontTools' ``retain_gids``) and draws
text by glyph id (``/Identity-H`` encoding, ``/CIDToGIDMap /Identity``,
ISO 32000-1 §9.7.4.2), so the subsets of one font are pieces of the same
glyph table: their union, in the largest of them, serves every page.

:func:`unify` builds, for each font the chunks share, one font program with
every glyph any chunk drew (copied glyph by glyph with fontTools), one
``/W`` widths array (§9.7.4.3) and one ``ToUnicode`` map (§9.10.3) from the
chunks' own, and points every page's resources at that one font.  It does
so only where that is sure to draw the same glyphs: the chunks' fonts must
come from the same file (same name and units, same creation date and
revision in their ``head`` table, the same CFF Private DICT), agree on
every glyph's width and text, use the identity encoding and carry no
``CIDSet``; a font that fails a test keeps its chunks' subsets (renamed
apart by subsets.py).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from typing import Protocol

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import cffread
from .subsets import font_resources, fonts_in_use

_PROGRAM_KEYS = ("/FontFile3", "/FontFile2")
_BFCHAR_BATCH = 100  # entries per beginbfchar block, as WeasyPrint writes them


class _Refused(Exception):
    """The chunks' subsets of a font cannot be joined safely."""


class ProgramMemo(Protocol):
    """Joined font programs kept between builds (the build cache): after an
    edit, most chunks' subsets are the ones the last build joined."""

    def get(self, key: str) -> bytes | None: ...
    def put(self, key: str, program: bytes) -> None: ...


def unify(pdf: pikepdf.Pdf, memo: ProgramMemo | None = None) -> int:
    """Join the subsets of each font the chunks share; returns how many
    fonts now have one subset where they had several.  ``memo`` keeps the
    joined programs by what they are joined from."""
    groups: dict[str, list[Dictionary]] = {}
    for font in fonts_in_use(pdf):
        if font.get("/Subtype") == "/Type0":
            groups.setdefault(str(font.get("/BaseFont", "")), []).append(font)
    replaced: dict[tuple[int, int], Dictionary] = {}
    joined = 0
    for fonts in groups.values():
        if len(fonts) < 2:
            continue
        try:
            merged = _join(pdf, fonts, memo)
        except _Refused:
            continue
        for font in fonts:
            replaced[font.objgen] = merged
        joined += 1
    if replaced:
        _repoint(pdf, replaced)
    return joined


# ------------------------------------------------------------- the join


def _join(pdf: pikepdf.Pdf, fonts: list[Dictionary], memo: ProgramMemo | None = None) -> Dictionary:
    """One font dictionary for ``fonts`` (the same font's subsets)."""
    first = fonts[0]
    key = None
    descendants = []
    for font in fonts:
        if font.get("/Encoding") != "/Identity-H" or len(font.get("/DescendantFonts", ())) != 1:
            raise _Refused
        descendant = font.DescendantFonts[0]
        descriptor = descendant.get("/FontDescriptor")
        if descendant.get("/CIDToGIDMap") != "/Identity" or descriptor is None \
                or "/CIDSet" in descriptor:
            raise _Refused
        found = [k for k in _PROGRAM_KEYS if k in descriptor]
        if len(found) != 1 or (key is not None and found[0] != key):
            raise _Refused
        key = found[0]
        descendants.append(descendant)
    each = [_widths(d.W) for d in descendants]
    widths = _union(each)
    texts = _union(_to_unicode(font.ToUnicode.read_bytes()) for font in fonts)
    used = [sorted(found) for found in each]
    streams = [d.FontDescriptor[key] for d in descendants]
    data = [stream.read_bytes() for stream in streams]

    old = descendants[0].FontDescriptor
    descriptor = Dictionary({k: old[k] for k in old.keys()})
    if all(program == data[0] for program in data):
        descriptor[key] = streams[0]  # the same subset (or whole font) everywhere
    else:
        program = _remembered_join(data, used, key, memo)
        stream = pikepdf.Stream(pdf, program)
        if key == "/FontFile3":
            stream.Subtype = Name("/OpenType")
        else:
            stream.Length1 = len(program)
        descriptor[key] = stream
    ascent, descent = int(old.Ascent), int(old.Descent)
    widest = max(widths.values()) if widths else 0
    descriptor.FontBBox = Array([0, descent, _number(widest), ascent])
    flags = int(old.Flags) & ~1
    if len(widths) > 1 and len(set(widths.values())) == 1:
        flags |= 1  # FixedPitch (§9.8.2), as WeasyPrint decides it
    descriptor.Flags = flags
    descendant = Dictionary({k: descendants[0][k] for k in descendants[0].keys()})
    descendant.W = _widths_array(widths)
    descendant.FontDescriptor = pdf.make_indirect(descriptor)
    font = Dictionary({k: first[k] for k in first.keys()})
    font.DescendantFonts = Array([pdf.make_indirect(descendant)])
    font.ToUnicode = pikepdf.Stream(pdf, _to_unicode_stream(texts))
    return pdf.make_indirect(font)


def _union(maps: Iterable[dict]) -> dict:
    """The maps joined; refused when two give one key different values."""
    joined: dict = {}
    for mapping in maps:
        for k, v in mapping.items():
            if joined.setdefault(k, v) != v:
                raise _Refused
    return joined


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _widths(array: Array) -> dict[int, float]:
    """A ``/W`` array (§9.7.4.3) as glyph id → width."""
    found: dict[int, float] = {}
    items = list(array)
    index = 0
    while index < len(items):
        start = int(items[index])
        following = items[index + 1]
        if isinstance(following, Array):
            for offset, width in enumerate(following):
                found[start + offset] = float(width)
            index += 2
        else:  # c_first c_last w
            for gid in range(start, int(following) + 1):
                found[gid] = float(items[index + 2])
            index += 3
    return found


def _widths_array(widths: dict[int, float]) -> Array:
    """Runs of consecutive glyph ids, each with its widths (WeasyPrint's form)."""
    out = Array()
    run: Array | None = None
    previous = None
    for gid in sorted(widths):
        if run is None or gid != previous + 1:
            run = Array()
            out.append(gid)
            out.append(run)
        run.append(_number(widths[gid]))
        previous = gid
    return out


def _to_unicode(data: bytes) -> dict[int, str]:
    """The ``bfchar`` entries of a ToUnicode CMap as glyph id → UTF-16BE hex;
    refused for anything else (``bfrange``), which WeasyPrint never writes."""
    found: dict[int, str] = {}
    tokens = data.split()
    inside = False
    pending: list[bytes] = []
    for token in tokens:
        if token == b"beginbfchar":
            inside, pending = True, []
        elif token == b"endbfchar":
            inside = False
        elif token == b"beginbfrange":
            raise _Refused
        elif inside:
            if not (token.startswith(b"<") and token.endswith(b">")):
                raise _Refused
            pending.append(token[1:-1])
            if len(pending) == 2:
                found[int(pending[0], 16)] = pending[1].decode("ascii").lower()
                pending = []
    return found


def _to_unicode_stream(texts: dict[int, str]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo", b"<< /Registry (Adobe)", b"/Ordering (UCS)", b"/Supplement 0",
             b">> def", b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
             b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    items = sorted(texts.items())
    for start in range(0, len(items), _BFCHAR_BATCH):
        batch = items[start:start + _BFCHAR_BATCH]
        lines.append(f"{len(batch)} beginbfchar".encode())
        lines += [f"<{gid:04x}> <{text}>".encode() for gid, text in batch]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


# ------------------------------------------------------- the font programs


def _remembered_join(programs: list[bytes], used: list[list[int]], key: str,
                     memo: ProgramMemo | None) -> bytes:
    """:func:`_join_programs`, or what ``memo`` kept of the same join (the
    same programs and glyphs: the same bytes).  Refusals are not kept."""
    if memo is None:
        return _join_programs(programs, used, key)
    digest = hashlib.sha256(key.encode("ascii"))
    for program, gids in zip(programs, used):
        digest.update(len(program).to_bytes(8, "big"))
        digest.update(program)
        digest.update(",".join(map(str, gids)).encode("ascii") + b";")
    found = memo.get(digest.hexdigest())
    if found is not None:
        return found
    joined = _join_programs(programs, used, key)
    memo.put(digest.hexdigest(), joined)
    return joined


def _join_programs(programs: list[bytes], used: list[list[int]], key: str) -> bytes:
    """The largest subset with every other subset's used glyphs copied in;
    refused for what fontTools cannot read or write (a font collection
    embedded whole, a damaged table): those subsets stay as they are."""
    try:
        return _copy_glyphs(programs, used, key)
    except _Refused:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of fontTools on a font
        raise _Refused from error


def _copy_glyphs(programs: list[bytes], used: list[list[int]], key: str) -> bytes:
    from fontTools.ttLib import TTFont

    fonts = [TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False, lazy=True)
             for data in programs]
    counts = [font["maxp"].numGlyphs for font in fonts]
    base_index = counts.index(max(counts))
    base = fonts[base_index]
    identity = _identity(base, programs[base_index], key)
    for index, (font, gids) in enumerate(zip(fonts, used)):
        if index == base_index:
            continue
        if _identity(font, programs[index], key) != identity:
            raise _Refused
        wanted = [gid for gid in gids if gid < counts[index]]
        if key == "/FontFile3":
            _copy_cff(programs[index], base, wanted)
        else:
            _copy_glyf(font, base, wanted)
    out = io.BytesIO()
    base.save(out)
    return out.getvalue()


def _identity(font, program: bytes, key: str) -> tuple:
    """What tells one font file from another, kept by subsetting: the
    ``head`` table's units, creation date and revision, and for CFF the
    Private DICT (its nominal width is part of every charstring)."""
    head = font["head"]
    private = b""
    if key == "/FontFile3":
        try:
            private = cffread.private_dict(program)
        except cffread.CffError as error:
            raise _Refused from error
    return (head.unitsPerEm, head.created, head.fontRevision, private)


def _copy_cff(source: bytes, target, gids: list[int]) -> None:
    """CFF glyphs, by index in the CharStrings INDEX (the glyph id).  The
    advance widths travel inside the charstrings (same Private DICT,
    _identity); a PDF viewer takes a CID font's widths from ``/W``
    (§9.7.4.3), so ``hmtx`` is left as it is."""
    from fontTools.misc.psCharStrings import T2CharString

    top = target["CFF "].cff.topDictIndex[0]
    if hasattr(top, "FDArray"):
        raise _Refused  # CID-keyed CFF: private dicts per glyph group
    index = top.CharStrings.charStringsIndex
    try:
        found = cffread.charstrings(source, gids)
    except cffread.CffError as error:
        raise _Refused from error
    for gid, bytecode in found.items():
        index[gid] = T2CharString(bytecode=bytecode, private=top.Private,
                                  globalSubrs=top.GlobalSubrs)


def _copy_glyf(source, target, gids: list[int]) -> None:
    """TrueType glyphs, by glyph id (their names may differ from one subset
    to the next), with the components of composite glyphs, renamed as the
    target names them, and their metrics (``hmtx`` is where a TrueType font
    keeps them)."""
    names, order = source.getGlyphOrder(), target.getGlyphOrder()
    glyf_from, glyf_to = source["glyf"], target["glyf"]
    metrics_from, metrics_to = source["hmtx"].metrics, target["hmtx"].metrics
    position = {name: gid for gid, name in enumerate(names)}
    pending = list(gids)
    done: set[int] = set()
    while pending:
        gid = pending.pop()
        if gid in done:
            continue
        done.add(gid)
        if gid >= len(order):
            raise _Refused
        glyph = glyf_from[names[gid]]
        if glyph.isComposite():  # its components are glyphs of their own
            for component in glyph.components:
                part = position.get(component.glyphName)
                if part is None or part >= len(order):
                    raise _Refused
                component.glyphName = order[part]
                pending.append(part)
        glyf_to[order[gid]] = glyph
        if names[gid] in metrics_from:
            metrics_to[order[gid]] = metrics_from[names[gid]]


# ------------------------------------------------------ the pages' fonts


def _repoint(pdf: pikepdf.Pdf, replaced: dict[tuple[int, int], Dictionary]) -> None:
    """Every font resource naming a joined font: the joined one."""
    for fonts, name in list(font_resources(pdf)):
        font = fonts[name]
        if isinstance(font, Dictionary) and font.is_indirect and font.objgen in replaced:
            fonts[name] = replaced[font.objgen]
