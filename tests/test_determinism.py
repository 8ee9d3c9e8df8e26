"""Reproducible output (issue 7): same inputs, same bytes, anywhere.

The same book, copied to two different folders, is built by two processes
that differ in everything a careless writer could leak: time zone, locale,
working directory, the absolute path of the book, the output folder, the
hash seed, the user and home folder they report.  The EPUB, the print PDF
and the screen PDF must come out byte-identical, with and without
SOURCE_DATE_EPOCH, and none may carry a path, a user name or a host name.
"""

from __future__ import annotations

import getpass
import hashlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from .conftest import REPO

FORMATS = ("epub", "pdf", "pdf-screen")
OUTPUTS = {"epub": "drift.epub", "pdf": "drift.pdf", "pdf-screen": "drift-screen.pdf"}
FAKE_USER = "mbuser7q"
EPOCH = 1_700_000_000  # 2023-11-14T22:13:20Z


def _font() -> Path:
    """A real TrueType font of the machine, found by fontconfig at test time."""
    found = subprocess.run(["fc-match", "--format=%{file}", "DejaVu Sans"], capture_output=True,
                           text=True, check=True).stdout.strip()
    assert found.endswith((".ttf", ".otf")), found
    return Path(found)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _docx() -> bytes:
    """A minimal Word document: a heading and a paragraph."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml",
                         '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
                         'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                         '<Default Extension="xml" ContentType="application/xml"/><Override '
                         'PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                         'officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("_rels/.rels",
                         '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                         'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
                         'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                         'officeDocument" Target="word/document.xml"/></Relationships>')
        archive.writestr("word/document.xml",
                         f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{_W}"><w:body>'
                         '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>The Letter</w:t>'
                         '</w:r></w:p><w:p><w:r><w:t>Dear friend, the tide is late again.</w:t></w:r>'
                         "</w:p></w:body></w:document>")
    return buffer.getvalue()


def make_book(folder: Path) -> Path:
    """A small book using every reader, images, a font and links."""
    (folder / "images").mkdir(parents=True)
    Image.new("RGB", (300, 200), (40, 90, 160)).save(folder / "images" / "sea.png")
    Image.new("RGB", (625, 1000), (120, 20, 20)).save(folder / "images" / "cover.png")
    shutil.copyfile(_font(), folder / "body.ttf")
    (folder / "book.toml").write_text(
        '[metadata]\ntitle = "Drift"\nauthor = "Ann Example"\nlanguage = "en"\n'
        'cover = "images/cover.png"\n'
        '[content]\nfiles = ["one.md", "two.txt", "three.html", "four.docx"]\n'
        '[style]\ncss = ["style.css"]\n', encoding="utf-8")
    (folder / "style.css").write_text(
        '@font-face { font-family: "Body"; src: url("body.ttf"); }\n'
        'p { font-family: "Body", serif; }\n', encoding="utf-8")
    (folder / "one.md").write_text(
        "# The Crossing\n\nThey said \"it's calm\" -- it was not.[^a] See [the harbour](three.html#harbour)"
        " and [a site](https://example.org/).\n\n![The sea at noon](images/sea.png)\n\n"
        "[^a]: A note about the weather.\n\n## Landfall\n\nThe shore came up grey.\n",
        encoding="utf-8")
    (folder / "two.txt").write_text(
        "CHAPTER II\n\nThe second chapter, in plain text, with 'quotes' and a dash -- here.\n\n"
        "Another paragraph, wrapped\nacross two lines.\n", encoding="utf-8")
    (folder / "three.html").write_text(
        '<html><body><h1>The Harbour</h1><section id="harbour"><p>Boats, <a href="one.md">back'
        '</a>, <a href="nowhere.html">nowhere</a>.</p></section></body></html>', encoding="utf-8")
    (folder / "four.docx").write_bytes(_docx())
    return folder


def build(book_arg: str, out: Path, *, cwd: Path, env: dict[str, str]) -> dict[str, Path]:
    result = subprocess.run([sys.executable, "-m", "make_book", "build", book_arg, "-f", ",".join(FORMATS),
                             "-o", str(out), "-q"], cwd=cwd, capture_output=True, text=True,
                            env=env, timeout=1200)
    assert result.returncode == 0, result.stderr
    return {fmt: out / name for fmt, name in OUTPUTS.items()}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def environment(variant: int, home: Path, epoch: int | None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if key not in ("SOURCE_DATE_EPOCH", "TZ", "LANG", "LC_ALL", "LC_CTYPE", "LC_TIME")}
    env.update({
        "PYTHONPATH": str(REPO),
        "TZ": ("UTC", "Asia/Kathmandu")[variant],  # +05:45: a date line between the two
        "LC_ALL": ("C.UTF-8", "POSIX")[variant],
        "LANG": ("en_US.UTF-8", "pl_PL.UTF-8")[variant],
        "PYTHONHASHSEED": str(variant + 1),
        "USER": FAKE_USER, "LOGNAME": FAKE_USER, "USERNAME": FAKE_USER,
        "HOME": str(home),
    })
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = str(epoch)
    return env


@pytest.fixture(scope="module")
def twin_builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The same book in two folders, built four times (two environments,
    with and without SOURCE_DATE_EPOCH)."""
    root = tmp_path_factory.mktemp("determinism")
    original = make_book(root / "original" / "book")
    first = root / "alpha-place" / "book"
    second = root / "other" / "nested" / "beta-place" / "drift-book"
    for copy in (first, second):
        shutil.copytree(original, copy)  # copy2: modification times kept
    elsewhere = root / "cwd-elsewhere"
    elsewhere.mkdir()
    runs = {}
    for epoch in (None, EPOCH):
        tag = "sde" if epoch else "mtime"
        # Build 1: relative path from the folder above the book.
        runs[(tag, 0)] = build("book", root / f"out-{tag}-0", cwd=first.parent,
                               env=environment(0, root / "home-alpha", epoch))
        # Build 2: absolute path, another working directory, a relative output folder.
        runs[(tag, 1)] = build(str(second), Path(f"out-{tag}-1"), cwd=elsewhere,
                               env=environment(1, root / "home-beta", epoch))
        runs[(tag, 1)] = {fmt: elsewhere / path for fmt, path in runs[(tag, 1)].items()}
    return {"root": root, "folders": (first, second), "runs": runs}


@pytest.mark.parametrize("tag", ["mtime", "sde"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_identical_bytes_across_environments(twin_builds: dict, tag: str, fmt: str) -> None:
    runs = twin_builds["runs"]
    one, two = runs[(tag, 0)][fmt], runs[(tag, 1)][fmt]
    assert one.stat().st_size > 1000
    assert sha256(one) == sha256(two), f"{fmt} ({tag}) differs between the two builds"


def _opf(epub: Path) -> str:
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".opf"))
        return archive.read(name).decode("utf-8")


def test_source_date_epoch_sets_every_date(twin_builds: dict) -> None:
    moment = datetime.fromtimestamp(EPOCH, tz=UTC)
    runs = twin_builds["runs"]
    epub = runs[("sde", 0)]["epub"]
    assert f'<meta property="dcterms:modified">{moment:%Y-%m-%dT%H:%M:%SZ}</meta>' in _opf(epub)
    with zipfile.ZipFile(epub) as archive:
        stamps = {info.date_time for info in archive.infolist()}
    assert stamps == {(moment.year, moment.month, moment.day, moment.hour, moment.minute,
                       moment.second - moment.second % 2)}
    for fmt in ("pdf", "pdf-screen"):
        with pikepdf.open(runs[("sde", 0)][fmt]) as pdf:
            for key in ("/CreationDate", "/ModDate"):
                assert str(pdf.docinfo[key]).startswith(f"D:{moment:%Y%m%d%H%M%S}"), key
            with pdf.open_metadata() as xmp:
                assert xmp.get("xmp:ModifyDate", "").startswith(f"{moment:%Y-%m-%dT%H:%M:%S}")


def test_without_source_date_epoch_the_date_is_the_newest_source(twin_builds: dict) -> None:
    """No SOURCE_DATE_EPOCH and no metadata date: the newest source's
    modification time, the same in both copies (copying kept it)."""
    first, _ = twin_builds["folders"]
    newest = max(int((first / name).stat().st_mtime)
                 for name in ("one.md", "two.txt", "three.html", "four.docx"))
    moment = datetime.fromtimestamp(newest, tz=UTC)
    opf = _opf(twin_builds["runs"][("mtime", 0)]["epub"])
    assert f'<meta property="dcterms:modified">{moment:%Y-%m-%dT%H:%M:%SZ}</meta>' in opf
    assert sha256(twin_builds["runs"][("mtime", 0)]["epub"]) != sha256(twin_builds["runs"][("sde", 0)]["epub"])


def _everything(path: Path) -> bytes:
    """All bytes a reader of the file could see: ZIP entries inflated, PDF
    streams decompressed (pikepdf), raw bytes too."""
    chunks = [path.read_bytes()]
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as archive:
            chunks += [archive.read(name) for name in archive.namelist()]
            chunks += [name.encode() for name in archive.namelist()]
    else:
        with pikepdf.open(path) as pdf:
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    try:
                        chunks.append(obj.read_bytes())
                    except pikepdf.PdfError:
                        chunks.append(obj.read_raw_bytes())
                elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Array)):
                    chunks.append(obj.unparse())
    return b"\n".join(chunks)


def _metadata_text(path: Path) -> str:
    """The places a user or host name would naturally land: the OPF and
    navigation of an EPUB, the Info dictionary and XMP of a PDF."""
    if path.suffix == ".epub":
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                             if n.endswith((".opf", ".ncx", "nav.xhtml")))
    with pikepdf.open(path) as pdf:
        info = " ".join(str(value) for value in pdf.docinfo.values())
        xmp = pdf.Root.get("/Metadata")
        return info + "\n" + (xmp.read_bytes().decode("utf-8", "replace") if xmp is not None else "")


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_paths_users_or_hosts_in_the_outputs(twin_builds: dict, fmt: str) -> None:
    root: Path = twin_builds["root"]
    real_root = Path(os.path.realpath(root))
    for tag in ("mtime", "sde"):
        for variant in (0, 1):
            path = twin_builds["runs"][(tag, variant)][fmt]
            data = _everything(path)
            for needle in {str(root), str(real_root), real_root.as_uri(), "alpha-place",
                           "beta-place", "cwd-elsewhere", FAKE_USER, "home-alpha", "home-beta",
                           os.path.expanduser("~") + "/"}:
                assert needle.encode() not in data, f"{needle!r} found in {path.name}"
            metadata = _metadata_text(path)
            for name in {getpass.getuser(), socket.gethostname()}:
                if len(name) >= 6:
                    assert name.encode() not in data, f"{name!r} found in {path.name}"
                assert not re.search(rf"(?<![\w:/]){re.escape(name)}(?![\w])", metadata), (
                    f"{name!r} found in the metadata of {path.name}")
