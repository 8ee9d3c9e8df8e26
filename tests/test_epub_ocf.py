"""The OCF ZIP writer and the deflated entries kept in the build cache.

The writer must give the archive :mod:`zipfile` gives for the same entries
(the EPUBs of earlier versions stay byte for byte the same), one that
:mod:`zipfile` and EPUBCheck read; the deflate memo must never change a
byte of the EPUB, and a damaged or mismatched stream must not be used.
"""

from __future__ import annotations

import hashlib
import io
import random
import sqlite3
import zipfile
from pathlib import Path

import pytest

from book.cache import Store
from book.writers.epub import ocf
from book.writers.epub.packed import MIN_SIZE, STAGE, Deflater
from .conftest import epubcheck_messages

MOMENT = (2023, 11, 14, 22, 13, 20)


def _entries() -> list[tuple[str, bytes, bool]]:
    rng = random.Random(7)
    words = ["słowo", "word", "mot", "Wort", "слово", "λέξη", "語"]
    text = " ".join(rng.choice(words) for _ in range(20_000)).encode("utf-8")
    return [("mimetype", b"application/epub+zip", False),
            ("META-INF/container.xml", b"<container/>" * 3, True),
            ("EPUB/text/c001.xhtml", text, True),
            ("EPUB/text/zażółć.xhtml", text[:5000], True),  # a name outside ASCII
            ("EPUB/images/empty.bin", b"", True)]


def _with_zipfile(entries: list[tuple[str, bytes, bool]]) -> bytes:
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for name, data, packed in entries:
            info = zipfile.ZipInfo(name, MOMENT)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED if packed else zipfile.ZIP_STORED
            archive.writestr(info, data, compresslevel=6 if packed else None)
    return target.getvalue()


def _with_ocf(entries: list[tuple[str, bytes, bool]]) -> bytes:
    archive = ocf.OcfZip(MOMENT)
    for name, data, packed in entries:
        archive.add(name, data, ocf.deflate(data, 6) if packed else None)
    return archive.close()


def test_the_archive_is_the_one_zipfile_writes_and_reads_back() -> None:
    entries = _entries()
    data = _with_ocf(entries)
    assert data == _with_zipfile(entries)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        infos = archive.infolist()
        assert [i.filename for i in infos] == [name for name, _, _ in entries]
        assert infos[0].compress_type == zipfile.ZIP_STORED
        assert infos[2].compress_type == zipfile.ZIP_DEFLATED
        assert infos[3].flag_bits & 0x800  # the UTF-8 name flag
        assert infos[2].date_time == MOMENT
        for name, content, _ in entries:
            assert archive.read(name) == content


def test_an_archive_past_the_zip32_limits_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The 4 GiB limit lowered to 200 bytes: the first entry fits, the
    # second would end past the limit, as past four gigabytes.
    monkeypatch.setattr(ocf, "LIMIT", 200)
    archive = ocf.OcfZip(MOMENT)
    archive.add("EPUB/small.xhtml", b"x" * 100, None)
    with pytest.raises(ocf.OcfZipError, match="ZIP limits"):
        archive.add("EPUB/big.xhtml", b"x" * 100, None)


def test_kept_streams_are_used_checked_and_never_change_a_byte(tmp_path: Path) -> None:
    store = Store(tmp_path / "cache")
    data = bytes(random.Random(3).choice(b"abcdefgh ") for _ in range(50_000))
    first = Deflater(6, store)
    first.prefetch([data])
    stream = first.packed(data)
    assert stream == ocf.deflate(data, 6)
    first.save()
    assert store.count(STAGE) == 1
    small = b"tiny"  # below MIN_SIZE: deflated on the spot, not kept
    assert len(small) < MIN_SIZE and first.packed(small) == ocf.deflate(small, 6)

    second = Deflater(6, store)
    second.prefetch([data])
    assert second._found and second.packed(data) == stream
    second.save()
    assert store.count(STAGE) == 1  # nothing new to keep

    # A stream stored for other bytes (its length and CRC-32 disagree) is not used.
    store.close()
    db = sqlite3.connect(tmp_path / "cache" / "cache.sqlite")
    key, value = db.execute("SELECT key, value FROM entries WHERE stage = ?", (STAGE,)).fetchone()
    forged = (len(data) + 1).to_bytes(8, "big") + bytes(value[8:])
    db.execute("UPDATE entries SET value = ?, digest = ? WHERE stage = ? AND key = ?",
               (forged, hashlib.sha256(forged).digest(), STAGE, key))
    db.commit()
    db.close()
    third = Deflater(6, Store(tmp_path / "cache"))
    third.prefetch([data])
    assert third._found  # found, but its length says it is not these bytes
    assert third.packed(data) == stream


def test_a_cached_rebuild_after_an_edit_is_the_clean_build(tmp_path: Path, monkeypatch) -> None:
    from book.build import build
    from book.context import BuildOptions

    chapters = [f"CHAPTER {n}\n\n" + "\n\n".join(
        f"Paragraph {p} of chapter {n}, long enough to be worth deflating on its own, "
        "with words that repeat and words that do not." for p in range(60))
        for n in range(1, 9)]
    source = tmp_path / "novel.txt"
    source.write_text("A Long Story\n\nby Ann Writer\n\n\n" + "\n\n\n".join(chapters) + "\n",
                      encoding="utf-8")
    options = dict(formats=("epub",), jobs=1)
    cache = tmp_path / "cache"
    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(cache))
    build([source], BuildOptions(outdir=tmp_path / "a", cache=True, **options))
    (folder,) = cache.iterdir()  # the book's own store
    kept = Store(folder).count(STAGE)
    assert kept >= 8  # the chapters' streams
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Paragraph 7 of chapter 3,", "Paragraph 7 of chapter three,"), encoding="utf-8")
    cached = build([source], BuildOptions(outdir=tmp_path / "b", cache=True, **options))
    assert Store(folder).count(STAGE) > kept  # the edited chapter's stream joined them
    clean = build([source], BuildOptions(outdir=tmp_path / "c", cache=False, **options))
    epub_b, epub_c = cached.outputs["epub"], clean.outputs["epub"]
    assert epub_b.read_bytes() == epub_c.read_bytes()
    assert epubcheck_messages(epub_b) == []
