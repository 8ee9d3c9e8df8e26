"""``make-book catalog`` on the local pool (issue 14): a whole backlist.

Real builds in real child processes: the outputs are compared byte for
byte with single builds, a book process is killed with SIGKILL mid-build,
a run is interrupted with SIGINT and resumed.  The Dask cluster has its own
module (test_catalog_cluster.py).
"""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from lxml import html as lxml_html

from book import BuildOptions, build
from book.catalog import CatalogOptions, load_catalog, run_catalog
from book.errors import ConfigError

from .catalog_books import (PARAGRAPH, assert_complete, book_processes, kill, wait_for,
                            write_library, write_markdown_book)
from .conftest import REPO


def cli(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "make_book", "catalog", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def single_build(entry, folder: Path) -> dict[str, bytes]:
    """The book built alone, as ``make-book build`` would."""
    result = build(entry.sources, BuildOptions(formats=entry.formats, outdir=folder,
                                               name=entry.settings.get("name")),
                   entry.overrides())
    return {path.name: path.read_bytes() for path in result.outputs.values()}


@pytest.fixture(scope="module")
def library(tmp_path_factory, corpus) -> tuple[Path, Path]:
    """The eight-book catalog built once on a local pool of two processes."""
    root = tmp_path_factory.mktemp("library")
    catalog = write_library(root, corpus)
    outdir = root / "out"
    result = run_catalog(catalog, CatalogOptions(outdir=outdir, jobs=2))
    assert [b.status for b in result.books] == ["built"] * 8, [(b.id, b.error) for b in result.books]
    return catalog, outdir


def test_local_pool_gives_the_bytes_of_single_builds(library, tmp_path) -> None:
    catalog, outdir = library
    entries = load_catalog(catalog).entries
    assert [e.id for e in entries] == ["alpha", "beta", "gamma", "delta", "seed", "doyle",
                                       "epsilon", "zeta"]  # [[book]] tables, then the CSV's rows
    zeta = entries[7]
    assert zeta.settings["authors"] == ["Ann Author", "Bob Writer"]
    assert zeta.settings["publisher"] == "Example Press"  # the catalog's default
    for entry in entries:
        expected = single_build(entry, tmp_path / entry.id)
        built = {p.name: p.read_bytes() for p in (outdir / entry.id).iterdir()}
        assert built == expected, entry.id
    assert sorted(p.name for p in (outdir / "seed").iterdir()) == ["rosja-i-korea.epub",
                                                                   "rosja-i-korea.pdf"]
    assert_complete(outdir)


def test_reports_describe_every_book(library) -> None:
    _, outdir = library
    data = json.loads((outdir / "catalog-report.json").read_text(encoding="utf-8"))
    assert data["counts"] == {"built": 8, "skipped": 0, "failed": 0, "not built": 0}
    seed = next(b for b in data["books"] if b["id"] == "seed")
    assert seed["pages"] > 1 and seed["seconds"] > 0 and seed["attempts"] == 1
    assert {o["format"] for o in seed["outputs"]} == {"epub", "pdf"}
    rows = list(csv.DictReader((outdir / "catalog-report.csv").open(encoding="utf-8")))
    assert [r["id"] for r in rows][:2] == ["alpha", "beta"] and len(rows) == 8
    assert int(rows[4]["pdf_bytes"]) == (outdir / "seed" / "rosja-i-korea.pdf").stat().st_size
    page = lxml_html.parse(str(outdir / "catalog-report.html")).getroot()
    assert len(page.findall(".//tbody/tr")) == 8
    links = {a.get("href") for a in page.iter("a")}
    assert "seed/rosja-i-korea.pdf" in links
    manifest = json.loads((outdir / "catalog-manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["books"]) == {e for e in (r["id"] for r in rows)}


def test_only_the_changed_book_is_built_again(tmp_path) -> None:
    catalog = tmp_path / "shelf"
    for name in ("one", "two", "three"):
        write_markdown_book(catalog / name, name.title())
    outdir = tmp_path / "out"
    options = CatalogOptions(outdir=outdir, jobs=2, formats=("epub",))
    first = run_catalog(catalog, options)
    assert [b.status for b in first.books] == ["built"] * 3
    before = {p: p.read_bytes() for p in outdir.rglob("*.epub")}

    chapter = catalog / "two" / "chapter1.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA sentence added later.\n",
                       encoding="utf-8")
    second = run_catalog(catalog, options)
    assert {b.id: b.status for b in second.books} == {"one": "skipped", "two": "built",
                                                      "three": "skipped"}
    report = json.loads((outdir / "catalog-report.json").read_text(encoding="utf-8"))
    assert [(b["id"], b["status"]) for b in report["books"]] == [
        ("one", "skipped"), ("three", "skipped"), ("two", "built")]  # the folders' order
    assert report["books"][0]["outputs"], "a skipped book keeps its figures"
    after = {p: p.read_bytes() for p in outdir.rglob("*.epub")}
    assert after[outdir / "one" / "one.epub"] == before[outdir / "one" / "one.epub"]
    assert after[outdir / "two" / "two.epub"] != before[outdir / "two" / "two.epub"]

    (catalog / "three" / "book.toml").write_text(  # a new title: a new file name
        (catalog / "three" / "book.toml").read_text().replace('"Three"', '"Drei"'))
    (outdir / "one" / "one.epub").unlink()  # an output gone: built again
    third = run_catalog(catalog, options)
    assert {b.id: b.status for b in third.books} == {"one": "built", "two": "skipped",
                                                     "three": "built"}
    assert sorted(p.name for p in (outdir / "three").iterdir()) == ["drei.epub"]
    forced = run_catalog(catalog, CatalogOptions(outdir=outdir, jobs=2, formats=("epub",),
                                                 force=True))
    assert [b.status for b in forced.books] == ["built"] * 3


def test_a_broken_book_fails_alone_with_its_one_line_error(tmp_path) -> None:
    catalog = tmp_path / "shelf"
    write_markdown_book(catalog / "good", "Good")
    broken = write_markdown_book(catalog / "broken", "Broken")
    (broken / "book.toml").write_text('[metadata]\ntitle = "Broken"\n[content]\n'
                                      'files = ["missing.md"]\n', encoding="utf-8")
    process = cli(str(catalog), "-o", str(tmp_path / "out"), "-f", "epub", "--check")
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 1, stderr
    failed_lines = [line for line in stderr.splitlines() if "FAILED" in line]
    assert len(failed_lines) == 1 and "broken" in failed_lines[0]
    assert "book.toml:4" in failed_lines[0] and "missing.md" in failed_lines[0]
    report = json.loads((tmp_path / "out" / "catalog-report.json").read_text(encoding="utf-8"))
    status = {b["id"]: b for b in report["books"]}
    assert [status[k]["status"] for k in ("broken", "good")] == ["failed", "built"]
    assert "\n" not in status["broken"]["error"] and status["broken"]["error_code"] == "MB400"
    assert not (tmp_path / "out" / "broken").exists()
    tools = status["good"]["check"]["tools"]  # --check: EPUBCheck and Ace ran on the EPUB
    assert tools["epubcheck"] == {**tools["epubcheck"], "status": "ran", "errors": 0, "warnings": 0}
    assert tools["ace"]["status"] == "ran" and tools["ace"]["errors"] == 0
    assert "failed checks" not in report["summary"]


def test_a_killed_book_process_is_tried_once_more(tmp_path) -> None:
    catalog = tmp_path / "shelf"
    write_markdown_book(catalog / "long", "Long", chapters=6, paragraphs=12)
    outdir = tmp_path / "out"
    process = cli(str(catalog), "-o", str(outdir), "-f", "epub,pdf", "--jobs", "1")
    victim = wait_for(lambda: book_processes(process.pid), 120, "the book's process")[0]
    kill(victim)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr
    assert "trying once more" in stderr
    report = json.loads((outdir / "catalog-report.json").read_text(encoding="utf-8"))
    (book,) = report["books"]
    assert book["status"] == "built" and book["attempts"] == 2
    assert sorted(p.name for p in (outdir / "long").iterdir()) == ["long.epub", "long.pdf"]
    assert_complete(outdir)


def test_a_book_killed_twice_is_reported_and_the_others_built(tmp_path) -> None:
    catalog = tmp_path / "shelf"
    write_markdown_book(catalog / "a-doomed", "Doomed", chapters=6, paragraphs=12)
    write_markdown_book(catalog / "b-fine", "Fine")
    outdir = tmp_path / "out"
    process = cli(str(catalog), "-o", str(outdir), "-f", "epub,pdf", "--jobs", "1")
    killed: set[int] = set()
    for _ in range(2):
        victim = wait_for(lambda: [p for p in book_processes(process.pid) if p.pid not in killed],
                          120, "the book's process")[0]
        kill(victim)
        killed.add(victim.pid)
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 1, stderr
    report = json.loads((outdir / "catalog-report.json").read_text(encoding="utf-8"))
    doomed, fine = report["books"]
    assert doomed["status"] == "failed" and doomed["attempts"] == 2
    assert "killed (SIGKILL)" in doomed["error"]
    assert fine["status"] == "built"
    assert not (outdir / "a-doomed").exists()


def test_interrupted_run_keeps_finished_books_and_resumes(tmp_path) -> None:
    catalog = tmp_path / "shelf"
    for name in ("b1", "b2", "b3", "b4"):
        write_markdown_book(catalog / name, name.upper(), chapters=1, paragraphs=3)
    outdir = tmp_path / "out"
    process = cli(str(catalog), "-o", str(outdir), "-f", "epub,pdf", "--jobs", "1")
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "] built b2" in line:
            process.send_signal(signal.SIGINT)
            break
    _, rest = process.communicate(timeout=120)
    stderr = "".join(seen) + rest
    assert process.returncode == 130, stderr
    assert "run the same command again" in stderr
    report = json.loads((outdir / "catalog-report.json").read_text(encoding="utf-8"))
    statuses = [b["status"] for b in report["books"]]
    assert statuses[:2] == ["built", "built"] and "not built" in statuses
    assert report["interrupted"] is True
    assert_complete(outdir)

    again = run_catalog(catalog, CatalogOptions(outdir=outdir, jobs=1, formats=("epub", "pdf")))
    resumed = [b.status for b in again.books]
    assert resumed[:2] == ["skipped", "skipped"] and "not built" not in resumed
    assert set(resumed[2:]) <= {"built", "skipped"} and "built" in resumed[2:]
    assert_complete(outdir)


def test_time_limit_stops_a_book(tmp_path) -> None:
    catalog = tmp_path / "shelf"
    write_markdown_book(catalog / "slow", "Slow", chapters=4, paragraphs=8)
    result = run_catalog(catalog, CatalogOptions(outdir=tmp_path / "out", jobs=1, timeout=0.05,
                                                 formats=("epub", "pdf")))
    (book,) = result.books
    assert book.status == "failed" and book.error_kind == "timeout" and book.attempts == 1
    assert "time limit of 0.05 s" in book.error


# ------------------------------------------------------------ catalog files


def test_catalog_files_are_checked_with_file_and_line(tmp_path) -> None:
    write_markdown_book(tmp_path / "books" / "one", "One")
    cases = {
        '[defaults]\ntheme = "clasic"\n[[book]]\nsources = "books/one"\n':
            ("catalog.toml:2", "theme must be one of"),
        '[[book]]\nsources = "books/one"\ntitel = "X"\n': ("catalog.toml:3", "did you mean 'title'"),
        '[[book]]\nsources = "books/one"\n[[book]]\nsources = "books/one"\n':
            ("catalog.toml:3", "used twice (first at catalog.toml:1)"),
        '[[book]]\nid = "../up"\nsources = "books/one"\n': ("catalog.toml:2", "cannot be a folder"),
        '[[book]]\ntitle = "No sources"\n': ("catalog.toml:1", "no sources"),
    }
    for text, (where, message) in cases.items():
        path = tmp_path / "catalog.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_catalog(path)
        assert str(caught.value).split(": ")[0].endswith(where), (text, str(caught.value))
        assert message in str(caught.value)
    sheet = tmp_path / "list.csv"
    sheet.write_text("sources,title,formats\nbooks/one,One,epub\nbooks/one,Again,mobi\n",
                     encoding="utf-8")
    with pytest.raises(ConfigError, match=r"list\.csv:3: formats: unknown format 'mobi'"):
        load_catalog(sheet)
    sheet.write_text("sources,title,#price\nbooks/one,\"One, Two\",9.99\n", encoding="utf-8")
    (entry,) = load_catalog(sheet).entries
    assert entry.id == "one" and entry.settings["title"] == "One, Two"


def test_catalog_folder_and_forced_formats(tmp_path) -> None:
    write_markdown_book(tmp_path / "shelf" / "b10", "Ten")
    write_markdown_book(tmp_path / "shelf" / "b9", "Nine")
    (tmp_path / "shelf" / "images").mkdir()
    catalog = load_catalog(tmp_path / "shelf", {"formats": ["epub", "pdf-screen"]})
    assert [e.id for e in catalog.entries] == ["b9", "b10"]
    assert catalog.entries[0].formats == ("epub", "pdf-screen")
    assert len(catalog.skipped) == 1 and "images" in catalog.skipped[0]


def test_scheduler_without_dask_says_how_to_install(tmp_path) -> None:
    write_markdown_book(tmp_path / "shelf" / "one", "One")
    code = ("import sys; sys.modules['distributed'] = None; sys.argv = ['make-book', 'catalog', "
            f"{str(tmp_path / 'shelf')!r}, '-o', {str(tmp_path / 'out')!r}, '--scheduler', 'local'];"
            " import make_book; make_book.main()")
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 2
    assert "pip install 'make-book[cluster]'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_inputs_of_a_book_and_their_hash_cache(tmp_path) -> None:
    from book.catalog.inputs import InputScanner

    write_markdown_book(tmp_path / "shelf" / "one", "One")
    (tmp_path / "shelf" / "one" / "images").mkdir()
    picture = tmp_path / "shelf" / "one" / "images" / "x.png"
    picture.write_bytes(b"not really a picture")
    (tmp_path / "shelf" / "one" / ".git").mkdir()
    (tmp_path / "shelf" / "one" / ".git" / "HEAD").write_text("ref")
    (entry,) = load_catalog(tmp_path / "shelf").entries
    scanner = InputScanner([tmp_path / "out"])
    inputs = scanner.inputs(entry)
    names = [p.relative_to(inputs.root).as_posix() for p in inputs.files]
    assert names == ["book.toml", "chapter1.md", "chapter2.md", "images/x.png"]
    first = dict(scanner.fingerprint(inputs))
    # An unchanged file (same size and time) is not read again: a planted
    # hash is believed...
    cache = {k: list(v) for k, v in scanner.hash_cache.items()}
    cache[str(picture)][2] = "planted"
    assert dict(InputScanner([], cache).fingerprint(inputs))["images/x.png"] == "planted"
    # ...until the file changes.
    picture.write_bytes(b"another picture, longer")
    changed = dict(InputScanner([], cache).fingerprint(inputs))
    assert changed["images/x.png"] not in ("planted", first["images/x.png"])
    assert PARAGRAPH  # the made-up text is ours


def test_readme_catalog_examples_are_read_as_documented(tmp_path) -> None:
    import re

    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Whole catalogs"):text.index("## book.toml reference")]
    toml_block = re.search(r"```toml\n(.*?)```", section, re.S).group(1)
    csv_block = re.search(r"```csv\n(.*?)```", section, re.S).group(1)
    (tmp_path / "catalog.toml").write_text(toml_block, encoding="utf-8")
    (tmp_path / "backlist.csv").write_text(csv_block, encoding="utf-8")
    books = {e.id: e for e in load_catalog(tmp_path / "catalog.toml").entries}
    assert list(books) == ["effi-briest", "the-quiet-craft", "chlopi", "duet", "guide"]
    assert books["effi-briest"].settings["lang"] == "de"
    assert books["effi-briest"].settings["cover"] == tmp_path / "covers" / "effi-briest.jpg"
    assert books["the-quiet-craft"].formats == ("epub",)
    assert books["chlopi"].formats == ("epub", "pdf") and books["chlopi"].settings["trim"] == "5x8"
    assert books["duet"].settings["authors"] == ["Ann Author", "Bob Writer"]
    assert books["duet"].settings["title"] == "Duet, a Novel"
    assert books["guide"].settings["publisher"] == "Example Press"
    assert books["guide"].sources == [tmp_path / "projects" / "markdown-guide"]
