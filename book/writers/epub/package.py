"""Packaging with ebooklib: OPF metadata, manifest, spine, deterministic ZIP.

ebooklib assembles the package document and the container.  We hand it
finished XHTML (as plain items, so it does not reparse our markup) and
write the ZIP ourselves through :class:`DeterministicZip` (ocf.py):
``mimetype`` first and stored (EPUB 3.3 §4.2.4, OCF ZIP container), every
entry with the same fixed timestamp in UTC and the same permissions, so the
same book gives the same bytes in any time zone (ebooklib stamps entries
with the local time of writing).  Entries are deflated at zlib's default
level, 6: level 9 took a third longer on War and Peace's chapters for 0.03 %
less size; with a build cache, an entry deflated by an earlier build is
taken from it (packed.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from ebooklib import epub

from ...model import Book, Contributor, Metadata
from ...version import __version__
from .ocf import OcfZip
from .packed import Deflater

if TYPE_CHECKING:
    from ...cache import Store

#: The DCMI namespace used by ebooklib for Dublin Core elements.
DC = "DC"
OPF = "OPF"
#: zlib level of the deflated entries (see the module's docstring).
DEFLATE_LEVEL = 6


@dataclass
class Item:
    """A file for the package: its path, media type and bytes."""

    href: str
    media_type: str
    data: bytes
    uid: str
    properties: tuple[str, ...] = ()
    in_spine: bool = False
    linear: bool = True


class DeterministicZip:
    """The subset of :class:`zipfile.ZipFile` ebooklib's writer uses."""

    def __init__(self, moment: datetime, deflater: Deflater) -> None:
        stamp = max(moment.year, 1980)
        self.zip = OcfZip((stamp, moment.month, moment.day, moment.hour, moment.minute,
                           moment.second - moment.second % 2))
        self.deflater = deflater
        self.data = b""

    def writestr(self, name: str, data: bytes | str, compress_type: int | None = None) -> None:
        payload = data.encode("utf-8") if isinstance(data, str) else data
        stored = name == "mimetype" or compress_type == 0
        if stored:
            self.zip.add(name, payload)
        else:
            self.zip.add(name, payload, *self.deflater.packed_with_crc(payload))

    def close(self) -> None:
        self.data = self.zip.close()


class _Writer(epub.EpubWriter):
    """ebooklib's writer with our deterministic ZIP."""

    def __init__(self, book: epub.EpubBook, moment: datetime, deflater: Deflater) -> None:
        super().__init__("", book, {"epub3_landmark": False, "epub3_pages": False,
                                    "epub2_guide": True, "mtime": moment})
        self._moment = moment
        self._deflater = deflater
        self.data = b""

    def _write_opf_file(self, root) -> None:
        # Ace's epub-lang check wants the package's own xml:lang.
        root.set("{http://www.w3.org/XML/1998/namespace}lang", self.book.language)
        super()._write_opf_file(root)

    def write(self) -> None:
        self.out = DeterministicZip(self._moment, self._deflater)
        self.out.writestr("mimetype", "application/epub+zip")
        self._write_container()
        self._write_opf()
        self._write_items()
        self.out.close()
        self.data = self.out.data


def book_identifier(meta: Metadata) -> str:
    """The unique identifier: the ISBN, the given identifier, or a UUID
    derived from the metadata so rebuilds keep it (EPUB 3.3 §5.5.3.1.1)."""
    if meta.isbn:
        return f"urn:isbn:{meta.isbn}"
    if meta.identifier:
        return meta.identifier
    seed = "|".join([meta.title, meta.subtitle, meta.author_line, meta.language, meta.publisher,
                     meta.date])
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'make-book:' + seed)}"


def _add_people(ebook: epub.EpubBook, people: list[Contributor], element: str, prefix: str) -> None:
    for index, person in enumerate(people, 1):
        uid = f"{prefix}{index:02d}"
        ebook.add_metadata(DC, element, person.name, {"id": uid})
        ebook.add_metadata(None, "meta", person.role, {"refines": f"#{uid}", "property": "role",
                                                       "scheme": "marc:relators"})
        if person.file_as:
            ebook.add_metadata(None, "meta", person.file_as, {"refines": f"#{uid}", "property": "file-as"})


def package(book: Book, items: list[Item], *, moment: datetime, a11y: list[tuple[str, str]],
            extra_meta: list[tuple[str, str]] = (), store: Store | None = None) -> bytes:
    """Assemble the EPUB and return its bytes (entries deflated before
    come from ``store``, the build cache, when given)."""
    meta = book.metadata
    ebook = epub.EpubBook()
    ebook.metadata = {}
    ebook.add_metadata(None, "meta", "", {"name": "generator", "content": f"make_book {__version__}"})
    identifier = book_identifier(meta)
    ebook.set_identifier(identifier)
    if meta.isbn:
        ebook.add_metadata(None, "meta", "15", {"refines": "#id", "property": "identifier-type",
                                                "scheme": "onix:codelist5"})
    ebook.title = meta.title
    ebook.add_metadata(DC, "title", meta.title, {"id": "title"})
    ebook.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if meta.subtitle:
        ebook.add_metadata(DC, "title", meta.subtitle, {"id": "subtitle"})
        ebook.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
    ebook.set_language(meta.language)
    _add_people(ebook, meta.authors, "creator", "creator")
    _add_people(ebook, meta.contributors, "contributor", "contributor")
    if meta.publisher:
        ebook.add_metadata(DC, "publisher", meta.publisher)
    if meta.date:
        ebook.add_metadata(DC, "date", meta.date)
    if meta.description:
        ebook.add_metadata(DC, "description", meta.description)
    for subject in meta.subjects:
        ebook.add_metadata(DC, "subject", subject)
    if meta.rights:
        ebook.add_metadata(DC, "rights", meta.rights)
    if meta.series is not None:
        ebook.add_metadata(None, "meta", meta.series.name, {"property": "belongs-to-collection",
                                                             "id": "series"})
        ebook.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
        if meta.series.position:
            ebook.add_metadata(None, "meta", meta.series.position,
                               {"refines": "#series", "property": "group-position"})
    for prop, value in [*a11y, *extra_meta]:
        if prop.startswith("dc:"):
            ebook.add_metadata(DC, prop[3:], value)
        else:
            ebook.add_metadata(None, "meta", value, {"property": prop})
    cover = next((i for i in items if "cover-image" in i.properties), None)
    if cover is not None:
        ebook.add_metadata(None, "meta", "", {"name": "cover", "content": cover.uid})
    spine = []
    for item in items:
        entry = epub.EpubItem(uid=item.uid, file_name=item.href, media_type=item.media_type,
                              content=item.data)
        entry.properties = list(item.properties)
        ebook.add_item(entry)
        if item.in_spine:
            # The item itself, not its id: ebooklib looks an id up by scanning
            # every item, once per spine entry (386 × 392 for War and Peace).
            spine.append((entry, "yes" if item.linear else "no"))
    ebook.spine = spine
    guide_targets = {"cover": "text/cover.xhtml", "toc": "nav.xhtml"}
    for kind, href in guide_targets.items():
        if any(i.href == href for i in items):
            ebook.guide.append({"type": kind, "href": href, "title": kind.title()})
    deflater = Deflater(DEFLATE_LEVEL, store)
    deflater.prefetch([item.data for item in items])
    writer = _Writer(ebook, moment, deflater)
    writer.write()
    deflater.save()
    return writer.data
