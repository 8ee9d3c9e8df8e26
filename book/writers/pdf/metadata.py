"""The PDF's document information and XMP, and what keeps the file reproducible.

WeasyPrint reads the document information from the HTML head (``<title>``,
``meta name=author|description|keywords|dcterms.created|dcterms.modified``,
``html lang``) and writes it to the Info dictionary and the XMP packet
(ISO 32000-1 §14.3).  Dates are the build time (``SOURCE_DATE_EPOCH``, else
the metadata date, else the newest source: :meth:`BuildContext.fix_build_time`)
in UTC, so the time zone of the machine never shows in the file.

Reproducibility (same inputs → same bytes): the file identifier is a hash of
everything that went into the layout, and the random ``xmpMM:DocumentID``
WeasyPrint puts into PDF/X-4 XMP is replaced by a UUID derived from it
(:func:`stable_document_id`).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import datetime, timezone

import pydyf
from lxml import etree

from ...model import Metadata
from ...xhtml import sub

GENERATOR = "make_book"


def w3c_datetime(moment: datetime) -> str:
    """``2024-05-01T12:00:00Z``: W3C-DTF in UTC."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fill_head(head: etree._Element, meta: Metadata, build_time: datetime) -> None:
    """Add title, authors, subject, keywords and dates to an HTML ``<head>``."""
    sub(head, "meta", charset="utf-8")
    title = meta.title + (f": {meta.subtitle}" if meta.subtitle else "")
    sub(head, "title", title)
    for person in meta.authors:
        sub(head, "meta", name="author", content=person.name)
    if meta.description:
        sub(head, "meta", name="description", content=" ".join(meta.description.split()))
    words: list[str] = []
    for word in [*meta.subjects, *meta.keywords]:
        if word and word not in words:
            words.append(word)
    if words:
        sub(head, "meta", name="keywords", content=", ".join(words))
    sub(head, "meta", name="generator", content=GENERATOR)
    stamp = w3c_datetime(build_time)
    sub(head, "meta", name="dcterms.created", content=stamp)
    sub(head, "meta", name="dcterms.modified", content=stamp)


def identifier(*parts: bytes | str) -> bytes:
    """A 32-hex-digit file identifier derived from the layout's inputs."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else part)
        digest.update(b"\x00")
    return digest.hexdigest()[:32].encode("ascii")


_DOCUMENT_ID = re.compile(rb"xmp\.did:[0-9a-fA-F-]{36}")


def replace_document_id(xmp: bytes, file_id: bytes) -> bytes:
    """``xmp`` with its ``xmp.did:<uuid>`` derived from ``file_id``."""
    did = f"xmp.did:{uuid.UUID(file_id.decode('ascii'))}".encode("ascii")
    return _DOCUMENT_ID.sub(did, xmp)


def stable_document_id(pdf: pydyf.PDF, file_id: bytes) -> None:
    """Replace WeasyPrint's random ``xmp.did:<uuid4>`` by one derived from ``file_id``."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.extra.get("Type") == "/Metadata":
            obj.stream = [replace_document_id(_bytes(chunk), file_id) for chunk in obj.stream]


def _bytes(chunk: object) -> bytes:
    return chunk if isinstance(chunk, bytes) else str(chunk).encode("utf-8")
