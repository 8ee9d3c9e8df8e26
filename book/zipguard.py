"""Open ZIP inputs (DOCX) without letting them hurt us.

A DOCX is a ZIP archive, and ZIP archives have a long record of attacks on
document converters: zip bombs (a few kilobytes that inflate to gigabytes),
"zip slip" entry names (``../../etc/cron.d/x``, ``/etc/passwd``,
``..\\..\\evil``) and archives corrupted on purpose to crash parsers.
:func:`open_zip` checks the whole central directory against the limits in
``book/limits.py`` before anyone reads an entry, and turns every failure
into one clear :class:`~book.errors.MakeBookError` naming the file:

* not a ZIP at all (with a hint for the two usual cases: a Word 97–2003
  ``.doc`` renamed to ``.docx``, and a password-protected DOCX, both of
  which are OLE2 compound files) → :class:`SourceError`;
* corrupt or truncated archive, encrypted entries, unsupported compression
  → :class:`SourceError`;
* too large, too many entries, too much uncompressed data, a suspicious
  compression ratio → :class:`LimitError`;
* an entry name that is absolute or climbs out with ``..`` (after
  backslashes are read as separators, as Windows tools write them), or a
  name given twice → :class:`SandboxError`.

The declared sizes are trustworthy as upper bounds: Python's ``zipfile``
stops inflating an entry at its declared size and reports a CRC error, and
refuses overlapping entries (the "non-recursive zip bomb" construction).
:func:`read_entry` still reads with an explicit cap and converts every
failure to :class:`SourceError`.  APPNOTE.TXT (PKWARE's ZIP specification)
§4.4 describes the fields checked here.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from . import limits
from .errors import LimitError, MakeBookError, SandboxError, SourceError

#: The compression-ratio limit applies to entries that inflate to more than
#: this: a tiny entry cannot exhaust anything, and small runs of identical
#: bytes (blank XML, empty images) legitimately compress far beyond 200:1.
RATIO_CHECK_FROM = 1 * limits.MiB

#: Magic numbers that explain a non-ZIP file better than "not a ZIP".
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_RTF_MAGIC = b"{\\rtf"

#: General-purpose flag bit 0: the entry is encrypted (APPNOTE §4.4.4).
_FLAG_ENCRYPTED = 0x1

#: Exceptions zipfile and zlib raise on damaged archives.
_ZIP_FAILURES = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError,
                 ValueError, NotImplementedError, RuntimeError, KeyError, IndexError,
                 OverflowError, UnicodeDecodeError, AttributeError)


def _not_a_zip(data: bytes, display: str) -> SourceError:
    if data.startswith(_OLE2_MAGIC):
        return SourceError(
            "this is not a DOCX (ZIP) file but an OLE2 compound file: an old Word 97–2003 "
            ".doc, or a password-protected document", file=display,
            hint="open it in Word or LibreOffice and save it as .docx without a password",
        )
    if data.startswith(_RTF_MAGIC):
        return SourceError("this is an RTF file, not a DOCX", file=display,
                           hint="save it as .docx from your word processor")
    if not data:
        return SourceError("the file is empty", file=display)
    return SourceError("not a ZIP archive, so not a DOCX file (it may be corrupt or truncated)",
                       file=display)


def check_entry_name(name: str, display: str) -> str:
    """The entry name as a safe relative POSIX path, or :class:`SandboxError`.

    Backslashes are read as separators, as Windows archivers write them, so
    ``..\\..\\x`` is caught as the escape it would be on extraction.
    """
    if "\x00" in name:
        raise SandboxError(f"ZIP entry name {name!r} contains a NUL byte", file=display)
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        raise SandboxError(f"ZIP entry {name!r} has an absolute path", file=display,
                           hint="the archive may be crafted to write outside its folder")
    parts = PurePosixPath(posix).parts
    if ".." in parts:
        raise SandboxError(f"ZIP entry {name!r} climbs out of the archive with '..'",
                           file=display, hint="the archive may be crafted to write outside its folder")
    return posix


def _check_directory(archive: zipfile.ZipFile, display: str) -> None:
    infos = archive.infolist()
    if len(infos) > limits.MAX_ZIP_ENTRIES:
        raise LimitError(f"the archive holds {len(infos):,} entries, over the limit of "
                         f"{limits.MAX_ZIP_ENTRIES:,}", file=display)
    total = 0
    seen: set[str] = set()
    for info in infos:
        safe = check_entry_name(info.filename, display)
        key = safe.lower()
        if key in seen:
            raise SandboxError(f"ZIP entry {info.filename!r} appears twice", file=display,
                               hint="a duplicated entry is a sign of a tampered archive")
        seen.add(key)
        if info.flag_bits & _FLAG_ENCRYPTED:
            raise SourceError(f"ZIP entry {info.filename!r} is encrypted", file=display,
                              hint="remove the password and save the document again")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise SourceError(f"ZIP entry {info.filename!r} uses an unsupported compression "
                              f"method ({info.compress_type})", file=display)
        size = info.file_size
        total += size
        if total > limits.MAX_ZIP_UNCOMPRESSED:
            raise LimitError(
                f"the archive inflates to more than {limits.MAX_ZIP_UNCOMPRESSED / limits.MiB:.0f} "
                "MiB, over the limit", file=display, hint="a zip bomb, or a document far larger "
                "than any book",
            )
        if size > RATIO_CHECK_FROM:
            ratio = size / max(info.compress_size, 1)
            if ratio > limits.MAX_ZIP_RATIO:
                raise LimitError(
                    f"ZIP entry {info.filename!r} inflates {ratio:,.0f} times "
                    f"({size / limits.MiB:.1f} MiB), over the {limits.MAX_ZIP_RATIO}:1 limit",
                    file=display, hint="this is how zip bombs look",
                )


def open_zip(data: bytes, display: str) -> zipfile.ZipFile:
    """Open ZIP bytes after checking them against the limits (see module doc)."""
    if len(data) > limits.MAX_ZIP_BYTES:
        raise LimitError(f"the archive is {len(data) / limits.MiB:.1f} MiB, over the "
                         f"{limits.MAX_ZIP_BYTES / limits.MiB:.0f} MiB limit", file=display)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _not_a_zip(data, display)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_FAILURES as exc:
        raise SourceError(f"the ZIP archive is corrupt: {_describe(exc)}", file=display) from None
    try:
        _check_directory(archive, display)
    except MakeBookError:
        archive.close()
        raise
    return archive


def find_entry(archive: zipfile.ZipFile, name: str) -> zipfile.ZipInfo | None:
    """The entry called ``name`` (backslash-separated names match too)."""
    try:
        return archive.getinfo(name)
    except KeyError:
        pass
    wanted = name.lower()
    for info in archive.infolist():
        if info.filename.replace("\\", "/").lower() == wanted:
            return info
    return None


def read_entry(archive: zipfile.ZipFile, name: str | zipfile.ZipInfo, display: str, *,
               limit: int | None = None) -> bytes:
    """Read one entry, capped at ``limit`` bytes (default: the total limit).

    Raises :class:`SourceError` for a missing or damaged entry and
    :class:`LimitError` for one over ``limit``.
    """
    info = name if isinstance(name, zipfile.ZipInfo) else find_entry(archive, name)
    if info is None:
        raise SourceError(f"the archive has no {name!r}", file=display)
    cap = limits.MAX_ZIP_UNCOMPRESSED if limit is None else limit
    if info.file_size > cap:
        raise LimitError(f"ZIP entry {info.filename!r} is {info.file_size / limits.MiB:.1f} MiB, "
                         f"over the {cap / limits.MiB:.0f} MiB limit for it", file=display)
    try:
        with archive.open(info) as handle:
            data = handle.read(cap + 1)
    except _ZIP_FAILURES as exc:
        raise SourceError(f"ZIP entry {info.filename!r} is damaged: {_describe(exc)}",
                          file=display) from None
    if len(data) > cap:
        raise LimitError(f"ZIP entry {info.filename!r} inflates past its limit", file=display)
    return data


def _describe(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__
