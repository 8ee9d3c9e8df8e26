"""Store profiles (``make-book check --store``): made-up EPUBs that break
each store's published limit, one limit at a time."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from book.errors import UsageError
from book.stores import STORES, check_stores, parse_stores
from book.stores.profiles import GB, MB

REPO = Path(__file__).resolve().parents[1]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
ISBN = "urn:isbn:9780306406157"
ALL = parse_stores(["all"])


def image(size: tuple[int, int], fmt: str = "JPEG", mode: str = "RGB", noise: bool = False) -> bytes:
    if noise:
        picture = Image.frombytes(mode, size, os.urandom(size[0] * size[1] * len(mode)))
    else:
        picture = Image.new(mode, size, 0 if mode == "1" else None)
    buffer = io.BytesIO()
    picture.save(buffer, fmt)
    return buffer.getvalue()


def font(fs_type: int) -> bytes:
    face = TTFont(str(FONT))
    face["OS/2"].fsType = fs_type
    buffer = io.BytesIO()
    face.save(buffer)
    return buffer.getvalue()


def obfuscate(data: bytes, identifier: str) -> bytes:
    """The IDPF font obfuscation (EPUB OCF 3.3 §4.3.6), written out independently."""
    key = hashlib.sha1("".join(identifier.split()).encode()).digest()
    return bytes(b ^ key[i % 20] for i, b in enumerate(data[:1040])) + data[1040:]


def made_up(folder: Path, name: str = "book.epub", *, version: str = "3.0",
            identifier: str = ISBN, title: str = "Harbour", language: str = "en",
            creator: str = "Ada Example", cover: bytes | None = None,
            cover_type: str = "image/jpeg", images: dict[str, bytes] | None = None,
            fonts: dict[str, bytes] | None = None, obfuscated: tuple[str, ...] = (),
            body: str = "<p>The harbour.</p>", css: str = "p { margin: 0; }",
            padding: int = 0) -> Path:
    """A small EPUB package written by hand (not by make_book)."""
    if cover is None:
        cover = image((1600, 2400))  # 3.84 million pixels: under Apple's 4 million
    images = dict(images or {})
    if cover:
        images["cover." + cover_type.split("/")[1]] = cover
    items = []
    for index, (href, data) in enumerate(images.items()):
        media = "image/" + {"jpg": "jpeg"}.get(href.rsplit(".", 1)[1], href.rsplit(".", 1)[1])
        props = ' properties="cover-image"' if href.startswith("cover.") else ""
        items.append(f'<item id="img{index}" href="{href}" media-type="{media}"{props}/>')
    for index, href in enumerate(fonts or {}):
        items.append(f'<item id="font{index}" href="{href}" media-type="font/ttf"/>')
    meta = [f'<dc:identifier id="uid">{identifier}</dc:identifier>']
    if title:
        meta.append(f"<dc:title>{title}</dc:title>")
    if language:
        meta.append(f"<dc:language>{language}</dc:language>")
    if creator:
        meta.append(f"<dc:creator>{creator}</dc:creator>")
    opf = f"""<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="{version}" unique-identifier="uid">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">{''.join(meta)}
<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta></metadata>
<manifest><item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>
<item id="css" href="book.css" media-type="text/css"/>{''.join(items)}</manifest>
<spine><itemref idref="c1"/></spine></package>"""
    xhtml = f"""<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml" lang="en"><head><title>c1</title>
<link rel="stylesheet" href="book.css"/></head><body>{body}</body></html>"""
    path = folder / name
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip", zipfile.ZIP_STORED)
        archive.writestr("META-INF/container.xml", """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>
</rootfiles></container>""")
        archive.writestr("OEBPS/content.opf", opf)
        archive.writestr("OEBPS/c1.xhtml", xhtml)
        archive.writestr("OEBPS/book.css", css)
        for href, data in images.items():
            archive.writestr(f"OEBPS/{href}", data)
        encryption = []
        for href, data in (fonts or {}).items():
            if href in obfuscated:
                data = obfuscate(data, identifier)
                encryption.append(f"""<enc:EncryptedData><enc:EncryptionMethod
 Algorithm="http://www.idpf.org/2008/embedding"/><enc:CipherData><enc:CipherReference
 URI="OEBPS/{href}"/></enc:CipherData></enc:EncryptedData>""")
            archive.writestr(f"OEBPS/{href}", data)
        if encryption:
            archive.writestr("META-INF/encryption.xml", f"""<?xml version="1.0"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container"
 xmlns:enc="http://www.w3.org/2001/04/xmlenc#">{''.join(encryption)}</encryption>""")
        if padding:
            archive.writestr("OEBPS/padding.bin", os.urandom(padding), zipfile.ZIP_STORED)
    return path


def codes(path: Path, stores=ALL) -> dict[str, list[str]]:
    """code → messages of the store findings (severity first)."""
    tool, findings = check_stores(path, stores)
    assert tool.status == "ran"
    found: dict[str, list[str]] = {}
    for finding in findings:
        found.setdefault(finding.code, []).append(f"{finding.severity}: {finding.message}")
    return found


def test_a_book_within_every_limit_passes_every_store(tmp_path):
    found = codes(made_up(tmp_path))
    assert list(found) == ["STO008"]  # only the note: KDP's ideal is 1600 × 2560
    assert found["STO008"][0].startswith("info: Amazon Kindle (KDP)")


def test_every_profile_cites_its_limits():
    source = (REPO / "book" / "stores" / "profiles.py").read_text(encoding="utf-8")
    assert STORES["apple"].max_file_bytes == 2 * GB and STORES["google"].max_file_bytes == 2 * GB
    assert STORES["kdp"].max_file_bytes == 650 * MB and STORES["kobo"].max_file_bytes == 100 * MB
    assert STORES["bn"].max_file_bytes == 20 * MB
    assert STORES["google"].cover_min_short_side == 640 and STORES["google"].cover_max_side == 7200
    assert STORES["kdp"].cover_min == (625, 1000) and STORES["kdp"].cover_ideal == (1600, 2560)
    for source_name in ("support.google.com", "kdp.amazon.com", "itunespartner.apple.com",
                        "kobolabs/epub-spec", "help.vellum.pub"):
        assert source_name in source


def test_file_size_over_barnes_and_noble_only(tmp_path):
    found = codes(made_up(tmp_path, padding=21 * MB))
    assert sorted(found) == ["STO001", "STO008"]
    assert len(found["STO001"]) == 1 and "Barnes & Noble" in found["STO001"][0]


def test_epub_version_and_required_metadata(tmp_path):
    found = codes(made_up(tmp_path, version="1.0", creator="", language=""))
    assert "STO002" in found and all(m.startswith("error") for m in found["STO002"])
    assert len(found["STO003"]) == 2
    assert any("language" in m for m in found["STO003"]) and any("author" in m for m in found["STO003"])


def test_kobo_asks_for_an_isbn(tmp_path):
    found = codes(made_up(tmp_path, identifier="urn:uuid:0a78533f-dc7f-594b-b9a3-6433c2da73cc"),
                  parse_stores(["apple", "google", "kobo", "bn"]))
    assert list(found) == ["STO004"]
    assert found["STO004"] == [m for m in found["STO004"] if m.startswith("warning: Kobo:")]


def test_no_cover_is_an_error_for_google_a_warning_elsewhere(tmp_path):
    found = codes(made_up(tmp_path, cover=b""))
    assert sorted(m.split(":")[0] for m in found["STO005"]) == ["error", "warning"]
    assert "Google Play Books" in next(m for m in found["STO005"] if m.startswith("error"))


def test_cover_below_each_stores_minimum(tmp_path):
    found = codes(made_up(tmp_path, cover=image((600, 960))))
    stores = sorted(m.split(":")[1].strip() for m in found["STO006"])
    assert stores == ["Amazon Kindle (KDP)", "Apple Books", "Google Play Books"]
    found = codes(made_up(tmp_path, "b.epub", cover=image((1200, 1920))), parse_stores(["apple", "kdp"]))
    assert [m.split(":")[1].strip() for m in found["STO006"]] == ["Apple Books"]  # 1200 < 1400
    assert "STO008" in found  # below KDP's ideal 1600 × 2560


def test_cover_over_googles_maximum(tmp_path):
    found = codes(made_up(tmp_path, cover=image((7300, 7300), "PNG", "1")))
    assert [m.split(":")[1].strip() for m in found["STO007"]] == ["Google Play Books"]


def test_gif_cover_refused_by_kobo(tmp_path):
    found = codes(made_up(tmp_path, cover=image((1600, 2560), "GIF", "L"), cover_type="image/gif"))
    assert [m.split(":")[1].strip() for m in found["STO009"]] == ["Kobo"]


def test_apple_pixel_limits_kobo_image_bytes_and_cmyk(tmp_path):
    found = codes(made_up(tmp_path, images={
        "five.jpg": image((2500, 2000)),  # 5.0 million: over Apple's 4, under its 5.6
        "six.jpg": image((3000, 2000)),  # 6.0 million: over 5.6
        "noise.png": image((1450, 1450), "PNG", noise=True),  # about 6.3 MB
        "print.jpg": image((400, 300), mode="CMYK"),
    }))
    by_file = {m.split("px")[0]: m for m in found["STO010"]}
    assert len(found["STO010"]) == 2
    assert any(m.startswith("warning: Apple Books: 2500 × 2000") for m in found["STO010"]), by_file
    assert any(m.startswith("error: Apple Books: 3000 × 2000") for m in found["STO010"])
    assert len(found["STO011"]) == 1 and "Kobo" in found["STO011"][0]
    assert len(found["STO012"]) == 1
    assert "Apple Books" in found["STO012"][0] and "Kobo" in found["STO012"][0]


def test_fonts_whose_licence_forbids_embedding(tmp_path):
    found = codes(made_up(tmp_path, fonts={"ok.ttf": font(0), "print.ttf": font(0x0004),
                                           "restricted.ttf": font(0x0002),
                                           "bitmap.ttf": font(0x0200),
                                           "hidden.ttf": font(0x0002)},
                          obfuscated=("hidden.ttf",)), parse_stores(["kobo"]))
    assert list(found) == ["STO013"]
    assert len(found["STO013"]) == 3  # restricted, bitmap only, and the obfuscated restricted one
    assert sum("Restricted License" in m for m in found["STO013"]) == 2


def test_remote_resources(tmp_path):
    body = ('<p><img src="https://example.org/a.png" alt="a"/> '
            '<a href="https://example.org/">a link is fine</a></p>'
            '<p style="background: url(http://example.org/b.png)">b</p>')
    css = '@import url("https://example.org/c.css"); p { margin: 0 }'
    found = codes(made_up(tmp_path, body=body, css=css), parse_stores(["apple"]))
    assert list(found) == ["STO015"]
    urls = sorted(m.split("'")[1] for m in found["STO015"])
    assert urls == ["http://example.org/b.png", "https://example.org/a.png",
                    "https://example.org/c.css"]


def test_not_an_epub(tmp_path):
    path = tmp_path / "broken.epub"
    path.write_bytes(b"not a zip at all")
    found = codes(path)
    assert list(found) == ["STO020"] and found["STO020"][0].startswith("error")


def test_store_names_parse():
    assert parse_stores(["kobo", "apple,google"]) == ("apple", "google", "kobo")
    assert parse_stores(["all"]) == tuple(STORES)
    with pytest.raises(UsageError):
        parse_stores(["amazon"])


def test_check_command_with_stores(tmp_path):
    """The command line: store findings among EPUBCheck's and Ace's, in JSON too."""
    book = made_up(tmp_path, cover=image((600, 960)))
    run = subprocess.run([sys.executable, "-m", "make_book", "check", str(book), "--store", "google",
                          "--store", "bn", "--json"], capture_output=True, text=True, cwd=REPO)
    report = json.loads(run.stdout)
    assert run.returncode == 1  # the made-up book is not a valid EPUB either
    stores = [f for f in report["findings"] if f["tool"] == "stores"]
    assert [f["code"] for f in stores] == ["STO006"] and "Google Play Books" in stores[0]["message"]
    assert {"epubcheck", "ace", "make-book", "stores"} <= {t["name"] for t in report["tools"]}
    wrong = subprocess.run([sys.executable, "-m", "make_book", "check", str(book), "--store", "nook"],
                           capture_output=True, text=True, cwd=REPO)
    assert wrong.returncode == 2 and "unknown store 'nook'" in wrong.stderr
