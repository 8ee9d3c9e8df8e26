"""Reading a finished EPUB for the store checks: package, manifest, files.

Any EPUB, not only ours.  The archive is read from disk entry by entry
(an EPUB may be far larger than what make_book reads into memory) and each
entry is read with a cap (:func:`book.zipguard.read_entry`); XML is parsed
without DTDs or entities (:mod:`book.safexml`).
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..errors import MakeBookError
from ..limits import MAX_ASSET_BYTES, MAX_TEXT_BYTES
from ..safexml import parse_xml
from ..zipguard import find_entry, read_entry

OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
CONTAINER = "urn:oasis:names:tc:opendocument:xmlns:container"
ENC = "http://www.w3.org/2001/04/xmlenc#"


@dataclass(frozen=True)
class ManifestItem:
    ident: str
    path: str  # inside the ZIP
    href: str  # as written in the manifest
    media_type: str
    properties: frozenset[str] = frozenset()


@dataclass
class EpubFile:
    """What the store checks read from one EPUB."""

    path: Path
    size: int
    archive: zipfile.ZipFile
    package_path: str = ""
    version: str = ""
    identifier: str = ""  # the unique identifier's value
    metadata: dict[str, list[str]] = field(default_factory=dict)  # "dc:title" → values
    items: list[ManifestItem] = field(default_factory=list)
    cover: ManifestItem | None = None
    #: ZIP path → encryption algorithm (META-INF/encryption.xml).
    encrypted: dict[str, str] = field(default_factory=dict)

    def read(self, item: ManifestItem | str, limit: int = MAX_ASSET_BYTES) -> bytes:
        name = item.path if isinstance(item, ManifestItem) else item
        return read_entry(self.archive, name, self.path.name, limit=limit)

    def of_type(self, *prefixes: str) -> list[ManifestItem]:
        return [item for item in self.items if item.media_type.startswith(prefixes)]

    def close(self) -> None:
        self.archive.close()


def is_remote(href: str) -> bool:
    """A reference that needs the network (``http:``, ``https:``, ``//host``, ``ftp:``)."""
    value = href.strip()
    if value.startswith("//"):
        return True
    return urlsplit(value).scheme.lower() in ("http", "https", "ftp", "ftps", "ws", "wss")


def open_epub(path: Path) -> EpubFile:
    """Open ``path`` and read its package document.

    Raises :class:`~book.errors.MakeBookError` when it is not a readable EPUB.
    """
    from ..errors import SourceError

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SourceError(f"not a ZIP archive ({exc})", file=path.name) from None
    epub = EpubFile(path, path.stat().st_size, archive)
    try:
        container = parse_xml(epub.read("META-INF/container.xml", MAX_TEXT_BYTES),
                              file="META-INF/container.xml")
        rootfile = container.find(f".//{{{CONTAINER}}}rootfile")
        if rootfile is None or not rootfile.get("full-path"):
            raise SourceError("META-INF/container.xml names no package document", file=path.name)
        epub.package_path = rootfile.get("full-path")
        package = parse_xml(epub.read(epub.package_path, MAX_TEXT_BYTES), file=epub.package_path)
    except MakeBookError:
        archive.close()
        raise
    _read_package(epub, package)
    _read_encryption(epub)
    return epub


def _read_package(epub: EpubFile, package: etree._Element) -> None:
    epub.version = (package.get("version") or "").strip()
    base = posixpath.dirname(epub.package_path)
    unique = package.get("unique-identifier")
    metadata = package.find(f"{{{OPF}}}metadata")
    cover_id = None
    if metadata is not None:
        for el in metadata:
            if not isinstance(el.tag, str):
                continue
            if el.tag.startswith(f"{{{DC}}}"):
                name = f"dc:{etree.QName(el).localname}"
                value = " ".join("".join(el.itertext()).split())
                epub.metadata.setdefault(name, []).append(value)
                if name == "dc:identifier" and el.get("id") == unique:
                    epub.identifier = value
            elif el.tag == f"{{{OPF}}}meta" and el.get("name") == "cover":
                cover_id = el.get("content")
    for item in package.iter(f"{{{OPF}}}item"):
        href = item.get("href", "")
        path = href if is_remote(href) else posixpath.normpath(posixpath.join(base, unquote(href)))
        epub.items.append(ManifestItem(item.get("id", ""), path, href, item.get("media-type", ""),
                                       frozenset((item.get("properties") or "").split())))
    epub.cover = next((i for i in epub.items if "cover-image" in i.properties), None) or next(
        (i for i in epub.items if cover_id and i.ident == cover_id and i.media_type.startswith("image/")),
        None)


def _read_encryption(epub: EpubFile) -> None:
    if find_entry(epub.archive, "META-INF/encryption.xml") is None:
        return
    try:
        root = parse_xml(epub.read("META-INF/encryption.xml", MAX_TEXT_BYTES),
                         file="META-INF/encryption.xml")
    except MakeBookError:
        return
    for data in root.iter(f"{{{ENC}}}EncryptedData"):
        method = data.find(f"{{{ENC}}}EncryptionMethod")
        reference = data.find(f".//{{{ENC}}}CipherReference")
        if method is not None and reference is not None and reference.get("URI"):
            epub.encrypted[unquote(reference.get("URI"))] = method.get("Algorithm", "")

