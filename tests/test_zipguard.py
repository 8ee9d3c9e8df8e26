"""book/zipguard.py: every way a ZIP input can be hostile or broken, by name."""

from __future__ import annotations

import io
import struct
import warnings
import zipfile

import pytest

from book import limits
from book.errors import LimitError, SandboxError, SourceError
from book.zipguard import check_entry_name, open_zip, read_entry

DISPLAY = "manuscript.docx"


def make_zip(entries: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are written on purpose below
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for name, data in entries.items():
                archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def patch_central(data: bytes, *, offset: int, fmt: str, value: int) -> bytes:
    """Rewrite one field of the first central-directory record (APPNOTE §4.3.12)."""
    at = data.index(b"PK\x01\x02") + offset
    return data[:at] + struct.pack(fmt, value) + data[at + struct.calcsize(fmt):]


def test_valid_archive_opens_and_reads():
    archive = open_zip(make_zip({"word/document.xml": b"<w/>"}), DISPLAY)
    assert read_entry(archive, "word/document.xml", DISPLAY) == b"<w/>"


def test_plain_text_is_not_a_zip():
    with pytest.raises(SourceError, match="not a ZIP") as info:
        open_zip(b"Chapter 1\n\nIt was a dark night.", DISPLAY)
    assert info.value.file == DISPLAY


def test_old_word_doc_renamed_gets_a_hint():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    with pytest.raises(SourceError, match="OLE2") as info:
        open_zip(ole2, DISPLAY)
    assert "save it as .docx" in info.value.hint


def test_empty_file():
    with pytest.raises(SourceError, match="empty"):
        open_zip(b"", DISPLAY)


def test_truncated_archive():
    data = make_zip({"word/document.xml": b"<w/>" * 1000, "b.xml": b"x" * 5000})
    with pytest.raises(SourceError) as info:
        open_zip(data[: len(data) // 2], DISPLAY)
    assert info.value.file == DISPLAY


def test_corrupt_entry_data_is_a_source_error_on_read():
    payload = bytes(range(256)) * 64
    data = bytearray(make_zip({"word/document.xml": payload}, method=zipfile.ZIP_STORED))
    start = data.index(payload[:64])
    data[start + 100: start + 110] = b"X" * 10  # flip stored bytes: the CRC no longer matches
    archive = open_zip(bytes(data), DISPLAY)
    with pytest.raises(SourceError, match="damaged"):
        read_entry(archive, "word/document.xml", DISPLAY)


def test_zip_bomb_ratio_is_refused():
    bomb = make_zip({"word/document.xml": b"\0" * (4 * limits.MiB)})
    with pytest.raises(LimitError, match="inflates") as info:
        open_zip(bomb, DISPLAY)
    assert info.value.file == DISPLAY


def test_small_highly_compressible_entries_are_fine():
    archive = open_zip(make_zip({"blank.xml": b" " * 100_000}), DISPLAY)
    assert len(read_entry(archive, "blank.xml", DISPLAY)) == 100_000


def test_declared_total_size_over_the_limit_is_refused_before_reading():
    data = make_zip({"word/document.xml": b"<w/>"}, method=zipfile.ZIP_STORED)
    lying = patch_central(data, offset=24, fmt="<I", value=limits.MAX_ZIP_UNCOMPRESSED + 1)
    with pytest.raises(LimitError, match="inflates to more than"):
        open_zip(lying, DISPLAY)


def test_entry_lying_about_its_size_cannot_be_read_past_it():
    data = make_zip({"word/document.xml": b"A" * 5000}, method=zipfile.ZIP_STORED)
    lying = patch_central(data, offset=24, fmt="<I", value=10)  # claims 10 bytes
    archive = open_zip(lying, DISPLAY)
    with pytest.raises(SourceError):
        read_entry(archive, "word/document.xml", DISPLAY)


def test_too_many_entries():
    data = make_zip({f"e{i}.xml": b"" for i in range(limits.MAX_ZIP_ENTRIES + 1)},
                    method=zipfile.ZIP_STORED)
    with pytest.raises(LimitError, match="entries"):
        open_zip(data, DISPLAY)


def test_archive_over_the_byte_limit():
    with pytest.raises(LimitError, match="MiB limit"):
        open_zip(b"PK\x03\x04" + b"\0" * limits.MAX_ZIP_BYTES, DISPLAY)


@pytest.mark.parametrize("name", ["/etc/passwd", "../evil.xml", "word/../../evil.xml",
                                  "..\\..\\evil.xml", "C:\\Windows\\evil.dll", "C:/evil"])
def test_escaping_entry_names_are_refused(name):
    with pytest.raises(SandboxError) as info:
        open_zip(make_zip({"word/document.xml": b"<w/>", name: b"x"}), DISPLAY)
    assert info.value.file == DISPLAY


def test_backslash_names_that_stay_inside_are_accepted():
    assert check_entry_name("word\\media\\image1.png", DISPLAY) == "word/media/image1.png"


def test_duplicate_entries_are_refused():
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("word/document.xml", b"<a/>")
            archive.writestr("word/document.xml", b"<b/>")
    with pytest.raises(SandboxError, match="twice"):
        open_zip(buffer.getvalue(), DISPLAY)


def test_encrypted_entries_are_refused():
    data = make_zip({"word/document.xml": b"<w/>"}, method=zipfile.ZIP_STORED)
    flagged = patch_central(data, offset=8, fmt="<H", value=0x1)
    with pytest.raises(SourceError, match="encrypted"):
        open_zip(flagged, DISPLAY)


def test_unsupported_compression_is_refused():
    data = make_zip({"word/document.xml": b"<w/>"}, method=zipfile.ZIP_STORED)
    odd = patch_central(data, offset=10, fmt="<H", value=99)  # AE-x / unknown method
    with pytest.raises(SourceError, match="compression"):
        open_zip(odd, DISPLAY)


def test_missing_entry_is_a_source_error():
    archive = open_zip(make_zip({"a.xml": b"<a/>"}), DISPLAY)
    with pytest.raises(SourceError, match="has no"):
        read_entry(archive, "word/document.xml", DISPLAY)


def test_entry_over_its_own_cap():
    archive = open_zip(make_zip({"big.xml": b"x" * 5000}), DISPLAY)
    with pytest.raises(LimitError, match="over the"):
        read_entry(archive, "big.xml", DISPLAY, limit=1000)
