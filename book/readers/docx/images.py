"""Images embedded in a DOCX become book assets.

mammoth hands each picture over with its bytes, the content type the
package claims, and the alt text Word stored (``wp:docPr/@descr``, else its
title).  :class:`ImageCollector` is the ``convert_image`` callback: it
trusts the bytes, not the claim (the magic numbers decide the media type),
keeps EPUB core media types as they are (PNG, JPEG, GIF, WebP, SVG; EPUB
3.3 §3.2 "Core media types"), converts other rasters Pillow can decode
(BMP, TIFF, and EMF/WMF where Pillow has a renderer) to PNG, and drops the
rest with a warning naming the picture.  Identical pictures share one asset.

Alt text: Word 365 fills the description of new pictures with machine
captions ending in "Description automatically generated".  The caption is
kept (it is better than nothing) but the boilerplate is cut and a warning
asks for a real description.  Older Word versions (and some converters)
store the picture's file path instead (``C:\\Users\\…\\image1.png``): that
describes nothing, so the picture is reported as undescribed (DOCX023).  A picture without any description gets no
``alt`` at all, so the accessibility checks can say so; one the author
marked decorative in Word gets ``alt=""``.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field

from PIL import Image, UnidentifiedImageError

from ... import limits
from ...context import BuildContext
from ...errors import MakeBookError
from ...model import Asset
from ...safexml import parse_xml
from ...xhtml import slugify
from .prepare import DECORATIVE_ALT

#: Media types EPUB reading systems must support (EPUB 3.3 §3.2).
CORE_IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}

_AUTO_ALT = re.compile(r"\s*description automatically generated(?: with (?:low|medium|high) "
                       r"confidence)?\s*\.?\s*$", re.I)
#: SVG content that could run code or fetch something.
_SVG_DANGEROUS = frozenset({"script", "foreignobject", "iframe", "object", "embed", "handler",
                            "listener", "set", "animate"})

#: Diagnostic codes (documented in book/readers/docx/__init__.py).
DROPPED = "DOCX020"
CONVERTED = "DOCX021"
AUTO_ALT = "DOCX022"
PATH_ALT = "DOCX023"

#: A description that is only a file name or path, as Word writes on its own.
_FILE_ALT = re.compile(
    r"^(?:[A-Za-z]:[\\/]|\\\\|/|~/|\.{1,2}[\\/]|file:)?(?:[^\\/:*?\"<>|]*[\\/])*"
    r"[^\\/:*?\"<>|]+\.(?:png|jpe?g|gif|bmp|tiff?|emf|wmf|svg|webp|heic|ico|pict?)$", re.I)


def is_file_name(text: str) -> bool:
    """True for ``C:\\Users\\ann\\image1.png``, ``image1.png``, ``./a/b.jpg``;
    false for a sentence that happens to end in ``.png``."""
    text = text.strip()
    if not _FILE_ALT.match(text):
        return False
    return any(sep in text for sep in "\\/") or " " not in text


def sniff_image_type(data: bytes) -> str | None:
    """The media type the bytes really are, by magic number."""
    head = data[:64]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"BM"):
        return "image/bmp"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    if len(head) >= 44 and head[:4] == b"\x01\x00\x00\x00" and head[40:44] == b" EMF":
        return "image/x-emf"
    if head.startswith((b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00")):
        return "image/x-wmf"
    text_head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text_head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    return None


def clean_alt(raw: str | None) -> tuple[str | None, bool]:
    """``(alt, was_machine_written)``: Word's caption boilerplate removed."""
    if raw is None:
        return None, False
    text = " ".join(raw.split())
    if not text:
        return None, False
    cleaned = _AUTO_ALT.sub("", text).strip()
    machine = cleaned != text
    return (cleaned or None), machine


def _svg_is_safe(data: bytes, display: str) -> bool:
    try:
        root = parse_xml(data, file=display)
    except MakeBookError:
        return False
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = el.tag.rsplit("}", 1)[-1].lower()
        if local in _SVG_DANGEROUS:
            return False
        for name, value in el.attrib.items():
            attr = name.rsplit("}", 1)[-1].lower()
            if attr.startswith("on"):
                return False
            if attr == "href" and not value.strip().startswith("#"):
                return False
    return True


def _to_png(data: bytes) -> tuple[bytes, int, int]:
    """Decode with Pillow and re-encode as PNG (first frame)."""
    with Image.open(io.BytesIO(data)) as image:
        width, height = image.size
        if width * height > limits.MAX_IMAGE_PIXELS:
            raise ValueError(f"{width}×{height} pixels is over the limit")
        image.load()
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        out = io.BytesIO()
        image.save(out, "PNG", optimize=False)
        return out.getvalue(), width, height


def _dimensions(data: bytes) -> tuple[int | None, int | None]:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None, None


@dataclass
class ImageCollector:
    """The mammoth ``convert_image`` callback, collecting assets as it goes."""

    ctx: BuildContext
    display: str
    stem: str
    assets: list[Asset] = field(default_factory=list)
    _by_digest: dict[str, str] = field(default_factory=dict)
    count: int = 0
    dropped: int = 0

    def __call__(self, image) -> dict[str, str]:
        """Attributes for the ``<img>`` mammoth writes for ``image``."""
        self.count += 1
        raw_alt = getattr(image, "alt_text", None)
        decorative = raw_alt == DECORATIVE_ALT
        alt, machine = (None, False) if decorative else clean_alt(raw_alt)
        path_alt = alt if alt and is_file_name(alt) else None
        if path_alt:
            alt = None
        label = f"image {self.count}" + (f" ({alt!r})" if alt else "")
        href = self._asset_for(image, label)
        if href is None:
            self.dropped += 1
            return {"src": "", "data-mb-drop": "1", **({"alt": alt} if alt else {})}
        if path_alt:
            self.ctx.diag.warn(PATH_ALT, f"{label}: the description is a file name "
                               f"({path_alt[-60:]!r}), not a description; the picture is "
                               "undescribed", file=self.display,
                               hint="write what the picture shows in its alt text in Word")
        if machine:
            self.ctx.diag.warn(AUTO_ALT, f"{label}: the description was written by Word's automatic "
                               "captioning; check that it describes the picture", file=self.display,
                               hint="edit the picture's alt text in Word")
        attributes = {"src": href}
        if alt or decorative:
            attributes["alt"] = alt or ""
        else:
            attributes["data-mb-noalt"] = "1"
        return attributes

    def _read(self, image, label: str) -> bytes | None:
        try:
            with image.open() as handle:
                data = handle.read(limits.MAX_IMAGE_BYTES + 1)
        except MakeBookError:
            raise
        except Exception as exc:  # mammoth raises ValueError subclasses, zipfile others
            text = " ".join(str(exc).split())[:200]
            self.ctx.diag.warn(DROPPED, f"{label} could not be read and was left out: {text}",
                               file=self.display, hint="linked (not embedded) pictures are never "
                               "fetched; insert the picture into the document")
            return None
        if len(data) > limits.MAX_IMAGE_BYTES:
            self.ctx.diag.warn(DROPPED, f"{label} is larger than "
                               f"{limits.MAX_IMAGE_BYTES // limits.MiB} MiB and was left out",
                               file=self.display)
            return None
        return data

    def _asset_for(self, image, label: str) -> str | None:
        data = self._read(image, label)
        if data is None:
            return None
        digest = hashlib.sha256(data).hexdigest()
        if digest in self._by_digest:
            return self._by_digest[digest]
        media_type = sniff_image_type(data)
        claimed = getattr(image, "content_type", None) or "unknown type"
        width = height = None
        if media_type == "image/svg+xml":
            if not _svg_is_safe(data, self.display):
                self.ctx.diag.warn(DROPPED, f"{label}: SVG with scripts, animation or external "
                                   "references was left out", file=self.display)
                return None
        elif media_type in CORE_IMAGE_TYPES:
            width, height = _dimensions(data)
        else:
            try:
                data, width, height = _to_png(data)
            except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
                    Image.DecompressionBombError) as exc:
                kind = media_type or claimed
                self.ctx.diag.warn(
                    DROPPED, f"{label} is {kind}, which e-readers cannot show and which could not "
                    f"be converted ({' '.join(str(exc).split())[:120]}); it was left out",
                    file=self.display, hint="save the picture as PNG or JPEG and insert it again",
                )
                return None
            self.ctx.diag.note(CONVERTED, f"{label} converted from "
                               f"{media_type or claimed} to PNG", file=self.display)
            media_type = "image/png"
        number = len(self.assets) + 1
        href = f"images/{slugify(self.stem, fallback='document')}-{number}.{CORE_IMAGE_TYPES[media_type]}"
        self.assets.append(Asset(href=href, media_type=media_type, data=data,
                                 source=f"{self.display} ({label})", width=width, height=height))
        self._by_digest[digest] = href
        return href
