"""The book model as plain bytes and back, for the store.

No pickle: an entry is a JSON header followed by raw blobs (chapter trees as
XML, asset bytes), so reading an entry can only ever build a Book, whatever
the file holds.  Anything that does not read back as expected raises
:class:`CodecError`, and the caller rebuilds instead.
"""

from __future__ import annotations

import json
import threading
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from lxml import etree

from ..model import (Asset, Book, Chapter, Contributor, Epigraph, Matter, Metadata, Series,
                     SourceRef, Stylesheet, TocEntry)

_MAGIC = b"MBC1"


class CodecError(ValueError):
    """An entry that does not decode: treated as missing."""


class Packer:
    """A JSON header with numbered blobs."""

    def __init__(self) -> None:
        self.blobs: list[bytes] = []

    def blob(self, data: bytes) -> int:
        self.blobs.append(bytes(data))
        return len(self.blobs) - 1

    def pack(self, header: Any) -> bytes:
        head = json.dumps({"h": header, "sizes": [len(b) for b in self.blobs]},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        # File names that are not UTF-8 reach Python as lone surrogates
        # (PEP 383); they are kept as such, not refused.
        head = head.encode("utf-8", "surrogatepass")
        return b"".join([_MAGIC, len(head).to_bytes(8, "big"), head, *self.blobs])


class Unpacker:
    def __init__(self, data: bytes) -> None:
        try:
            if data[:4] != _MAGIC:
                raise CodecError("not a make-book cache entry")
            size = int.from_bytes(data[4:12], "big")
            head = json.loads(data[12:12 + size].decode("utf-8", "surrogatepass"))
            self.header = head["h"]
            position = 12 + size
            self.blobs = []
            for length in head["sizes"]:
                self.blobs.append(data[position:position + length])
                position += length
            if position != len(data):
                raise CodecError("entry length does not match")
        except (ValueError, KeyError, TypeError) as exc:
            raise CodecError(str(exc)) from None

    def blob(self, number: int) -> bytes:
        try:
            return self.blobs[number]
        except (IndexError, TypeError):
            raise CodecError("missing blob") from None


_PARSERS = threading.local()


def _parser() -> etree.XMLParser:
    """This thread's parser for our own serialization read back: comments
    and processing instructions stay (the tree must come back as it was);
    entities and DTDs never load.  One per thread, made once: a parser made
    for each of War and Peace's 382 chapters was a third of reading them
    back (an lxml parser serves one document at a time, in one thread)."""
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = etree.XMLParser(
            resolve_entities=False, load_dtd=False, no_network=True, remove_comments=False,
            remove_pis=False, remove_blank_text=False)
    return parser


def tree_bytes(tree: etree._Element) -> bytes:
    return etree.tostring(tree, encoding="utf-8")


def tree_from(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise CodecError(str(exc)) from None


# ------------------------------------------------------------- chapters

def chapter_header(chapter: Chapter, packer: Packer | None) -> dict:
    """The chapter as plain data, its tree a blob of ``packer`` (no tree
    without one: the other fields alone)."""
    tree = packer.blob(tree_bytes(chapter.tree)) if packer is not None else None
    return {"id": chapter.id, "tree": tree, "title": chapter.title,
            "kind": chapter.kind, "matter": chapter.matter.value,
            "source": [chapter.source.file, chapter.source.line],
            "source_path": str(chapter.source_path) if chapter.source_path else None,
            "lang": chapter.lang, "depth": chapter.depth, "toc_title": chapter.toc_title,
            "source_span": list(chapter.source_span) if chapter.source_span else None,
            "reader_made": chapter.reader_made}


def chapter_from(header: dict, unpacker: Unpacker) -> Chapter:
    try:
        return Chapter(id=str(header["id"]), tree=tree_from(unpacker.blob(header["tree"])),
                       title=str(header["title"]), kind=str(header["kind"]),
                       matter=Matter(header["matter"]),
                       source=SourceRef(str(header["source"][0]), header["source"][1]),
                       source_path=Path(header["source_path"]) if header["source_path"] else None,
                       lang=header["lang"], depth=int(header["depth"]),
                       toc_title=str(header["toc_title"]),
                       source_span=_span(header["source_span"]),
                       reader_made=header.get("reader_made") is True)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise CodecError(f"chapter: {exc}") from None


def _span(value: Any) -> tuple[int, int] | None:
    """A chapter's source lines (the fidelity check compares words by them)."""
    if value is None:
        return None
    first, last = value
    return int(first), int(last)


def encode_chapter(chapter: Chapter, extra: Any = None) -> bytes:
    packer = Packer()
    return packer.pack({"chapter": chapter_header(chapter, packer), "extra": extra})


def decode_chapter(data: bytes) -> tuple[Chapter, Any]:
    unpacker = Unpacker(data)
    try:
        return chapter_from(unpacker.header["chapter"], unpacker), unpacker.header.get("extra")
    except (KeyError, TypeError, AttributeError) as exc:
        raise CodecError(str(exc)) from None


# ------------------------------------------------------------- metadata

def metadata_header(meta: Metadata) -> dict:
    data = asdict(meta)
    data["cover"] = str(meta.cover) if meta.cover is not None else None
    return data


def metadata_from(data: dict) -> Metadata:
    try:
        values = dict(data)
        values["authors"] = [Contributor(**p) for p in values["authors"]]
        values["contributors"] = [Contributor(**p) for p in values["contributors"]]
        values["series"] = Series(**values["series"]) if values["series"] else None
        values["epigraph"] = Epigraph(**values["epigraph"]) if values["epigraph"] else None
        values["cover"] = Path(values["cover"]) if values["cover"] else None
        names = {f.name for f in fields(Metadata)}
        return Metadata(**{k: v for k, v in values.items() if k in names})
    except (KeyError, TypeError, ValueError) as exc:
        raise CodecError(f"metadata: {exc}") from None


def copy_metadata(source: Metadata, target: Metadata) -> None:
    """Fill ``target`` (the configuration's own object) from ``source``."""
    for f in fields(Metadata):
        setattr(target, f.name, getattr(source, f.name))


# ------------------------------------------------------------ the book

def _toc_header(entries: list[TocEntry]) -> list:
    return [[e.title, e.target, e.chapter_id, e.level, _toc_header(e.children)] for e in entries]


def _toc_from(items: list) -> list[TocEntry]:
    return [TocEntry(str(t), str(target), str(cid), int(level), _toc_from(kids))
            for t, target, cid, level, kids in items]


def asset_header(asset: Asset, packer: Packer) -> dict:
    return {"href": asset.href, "media_type": asset.media_type, "data": packer.blob(asset.data),
            "print_data": packer.blob(asset.print_data) if asset.print_data is not None else None,
            "properties": sorted(asset.properties), "source": asset.source,
            "width": asset.width, "height": asset.height}


def asset_from(a: dict, unpacker: Unpacker) -> Asset:
    return Asset(href=str(a["href"]), media_type=str(a["media_type"]), data=unpacker.blob(a["data"]),
                 print_data=unpacker.blob(a["print_data"]) if a["print_data"] is not None else None,
                 properties=set(a["properties"]), source=a["source"], width=a["width"],
                 height=a["height"])


def encode_book(book: Book, extra: Any = None) -> bytes:
    """``book`` (after the passes) and ``extra`` (JSON data) as bytes."""
    packer = Packer()
    header = {"metadata": metadata_header(book.metadata),
              "chapters": [chapter_header(c, packer) for c in book.chapters],
              "assets": [asset_header(a, packer) for a in book.assets.values()],
              "toc": _toc_header(book.toc),
              "stylesheets": [[s.name, s.text] for s in book.stylesheets],
              "facts": book.facts, "extra": extra}
    return packer.pack(header)


def decode_book(data: bytes) -> tuple[Book, Any]:
    unpacker = Unpacker(data)
    try:
        head = unpacker.header
        book = Book(metadata=metadata_from(head["metadata"]))
        book.chapters = [chapter_from(c, unpacker) for c in head["chapters"]]
        for a in head["assets"]:
            book.add_asset(asset_from(a, unpacker))
        book.toc = _toc_from(head["toc"])
        book.stylesheets = [Stylesheet(str(n), str(t)) for n, t in head["stylesheets"]]
        book.facts = dict(head["facts"])
        return book, head.get("extra")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CodecError(f"book: {exc}") from None


def json_ready(value: Any) -> bool:
    """True when ``value`` survives JSON unchanged (facts must, to be cached)."""
    try:
        return json.loads(json.dumps(value)) == value
    except (TypeError, ValueError):
        return False
