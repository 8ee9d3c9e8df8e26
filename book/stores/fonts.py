"""Whether a font's licence lets it travel inside an ebook.

A font states what its licence allows in the ``fsType`` field of its OS/2
table (OpenType specification, "OS/2 — OS/2 and Windows Metrics Table",
fsType): bits 0–3 give the embedding level (0: installable; 2:
"Restricted License embedding", which must not be embedded or exchanged
without the owner's permission; 4: preview & print; 8: editable; when
several are set the least restrictive applies), bit 8 forbids subsetting,
bit 9 allows embedding bitmaps only (no outlines).  Stores pass fonts on to
readers' devices, so a restricted or bitmap-only font must not be in the
EPUB.

Fonts obfuscated with the IDPF algorithm (EPUB OCF 3.3 §4.3.6, key: SHA-1
of the unique identifier without white space, first 1040 bytes) or Adobe's
(the identifier's UUID, first 1024 bytes) are de-obfuscated before reading.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass

IDPF_OBFUSCATION = "http://www.idpf.org/2008/embedding"
ADOBE_OBFUSCATION = "http://ns.adobe.com/pdf/enc#RC"

RESTRICTED = 0x0002
PREVIEW_PRINT = 0x0004
EDITABLE = 0x0008
NO_SUBSETTING = 0x0100
BITMAP_ONLY = 0x0200


@dataclass(frozen=True)
class FontLicence:
    """What one font's OS/2 table says (``fs_type`` None: no OS/2 table)."""

    family: str
    fs_type: int | None

    @property
    def restricted(self) -> bool:
        return self.fs_type is not None and self.fs_type & 0x000F == RESTRICTED

    @property
    def bitmap_only(self) -> bool:
        return self.fs_type is not None and bool(self.fs_type & BITMAP_ONLY)


def deobfuscate(data: bytes, algorithm: str, identifier: str) -> bytes | None:
    """The font's real bytes, or None for an algorithm we cannot undo."""
    if algorithm == IDPF_OBFUSCATION:
        key = hashlib.sha1(re.sub(r"[ \t\r\n]", "", identifier).encode("utf-8")).digest()
        size = 1040
    elif algorithm == ADOBE_OBFUSCATION:
        digits = re.sub(r"[^0-9a-fA-F]", "", identifier.removeprefix("urn:uuid:"))
        if len(digits) != 32:
            return None
        key, size = bytes.fromhex(digits), 1024
    else:
        return None
    head = bytes(byte ^ key[n % len(key)] for n, byte in enumerate(data[:size]))
    return head + data[size:]


def read_licence(data: bytes) -> FontLicence:
    """The licence flags of a TrueType, OpenType, WOFF or WOFF2 font.

    Raises ValueError when the data is not a font fontTools can read.
    """
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(data), lazy=True, fontNumber=0)
    except (TTLibError, OSError, ValueError, KeyError, AssertionError, ImportError) as exc:
        raise ValueError(str(exc) or type(exc).__name__) from None
    try:
        family = ""
        if "name" in font:
            family = font["name"].getBestFamilyName() or ""
        fs_type = int(font["OS/2"].fsType) if "OS/2" in font else None
    except Exception as exc:  # noqa: BLE001 - a damaged table is "unreadable", not a crash
        raise ValueError(str(exc) or type(exc).__name__) from None
    finally:
        font.close()
    return FontLicence(family, fs_type)
