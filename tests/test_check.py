"""``make-book check``: EPUBCheck, Ace and our own lints, with stable codes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from book.build import Overrides, build
from book.check import run_checks
from book.check.ace import run_ace
from book.check.epubcheck_tool import run_epubcheck
from book.check.lints import iter_codes, run_lints
from book.check.report import Report, format_findings
from book.context import BuildOptions
from book.errors import SourceError

REPO = Path(__file__).resolve().parents[1]
XHTML = "http://www.w3.org/1999/xhtml"
OPF = "http://www.idpf.org/2007/opf"

MANUSCRIPT = """# The Harbour

Boats came in at dusk, one after another, and the harbour master counted them.[^1]

## Evening

| Boat | Arrived |
|------|---------|
| Mary | 18:40 |
| Swift | 19:05 |

See [the tide tables](https://example.org/tides) for the hours.

[^1]: He counted aloud, which the fishermen found amusing.

# The Storm

The storm came in from the west and stayed three days.
"""


@pytest.fixture(scope="module")
def good_epub(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("check")
    source = folder / "harbour.md"
    source.write_text(MANUSCRIPT, encoding="utf-8")
    result = build([source], BuildOptions(formats=("epub",), outdir=folder / "out"),
                   Overrides(title="The Harbour", authors=["Ada Example"], lang="en",
                             publisher="Example Press"))
    return result.outputs["epub"]


def rewrite(epub: Path, target: Path, edits: dict) -> Path:
    """Copy an EPUB, passing named entries through edit functions (bytes → bytes)."""
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in edits:
                data = edits[info.filename](data)
            out.writestr(info, data, compress_type=info.compress_type)
    return target


def xml_edit(function):
    def edit(data: bytes) -> bytes:
        root = etree.fromstring(data)
        function(root)
        return etree.tostring(root, xml_declaration=True, encoding="utf-8")
    return edit


def break_chapter(root: etree._Element) -> None:
    del root.attrib["lang"]
    del root.attrib["{http://www.w3.org/XML/1998/namespace}lang"]
    head = root.find(f"{{{XHTML}}}head")
    head.remove(head.find(f"{{{XHTML}}}title"))
    section = root.find(f".//{{{XHTML}}}section")
    del section.attrib["role"]
    h4 = etree.SubElement(section, f"{{{XHTML}}}h4")
    h4.text = "Too deep"
    p = etree.SubElement(section, f"{{{XHTML}}}p")
    etree.SubElement(p, f"{{{XHTML}}}img", src="../images/none.png")
    marker = etree.SubElement(p, f"{{{XHTML}}}span", id="page-9")
    marker.set("{http://www.idpf.org/2007/ops}type", "pagebreak")
    marker.set("role", "doc-pagebreak")
    link = etree.SubElement(p, f"{{{XHTML}}}a", href="https://example.org")
    link.text = "click here"
    etree.SubElement(p, f"{{{XHTML}}}span", lang="not a tag")


def break_package(root: etree._Element) -> None:
    metadata = root.find(f"{{{OPF}}}metadata")
    for meta in list(metadata.iter(f"{{{OPF}}}meta")):
        if meta.get("property") in ("schema:accessMode", "a11y:certifiedBy"):
            metadata.remove(meta)
        if meta.get("property") == "schema:accessibilityFeature" and meta.text == "ARIA":
            meta.text = "alternativeText"


@pytest.fixture(scope="module")
def broken_epub(good_epub, tmp_path_factory) -> Path:
    with zipfile.ZipFile(good_epub) as archive:
        chapter = next(n for n in archive.namelist() if n.endswith("c001.xhtml"))
    return rewrite(good_epub, tmp_path_factory.mktemp("broken") / "broken.epub", {
        chapter: xml_edit(break_chapter),
        "EPUB/content.opf": xml_edit(break_package),
        "EPUB/styles/book.css": lambda data: data + b"\np.faint { color: #aaaaaa; }\n",
    })


def test_a_good_epub_passes_every_checker(good_epub):
    report = run_checks(good_epub)
    assert [tool.status for tool in report.tools] == ["ran", "ran", "ran"], report.findings
    assert [tool.name for tool in report.tools] == ["epubcheck", "ace", "make-book"]
    assert report.errors == [], [str(f) for f in report.errors]
    assert not report.failed
    text = format_findings(report, as_json=False)
    assert text.splitlines()[-1].startswith(f"{good_epub}: passed (epubcheck ")
    data = json.loads(format_findings(report, as_json=True))
    assert data["failed"] is False and data["summary"]["errors"] == 0
    assert {tool["name"]: tool["status"] for tool in data["tools"]} == {
        "epubcheck": "ran", "ace": "ran", "make-book": "ran"}


def test_lints_find_what_was_broken(broken_epub):
    tool, findings = run_lints(broken_epub)
    found = {(f.code, f.severity) for f in findings}
    expected = {("CHK001", "error"), ("CHK002", "error"), ("CHK003", "warning"),
                ("CHK004", "error"), ("CHK005", "warning"), ("CHK007", "warning"),
                ("CHK008", "error"), ("CHK010", "error"), ("CHK011", "error"),
                ("CHK012", "error"), ("CHK014", "warning"), ("CHK016", "error")}
    assert expected <= found, sorted(found)
    chapter_findings = [f for f in findings if f.code == "CHK004"]
    assert chapter_findings[0].file.endswith("c001.xhtml") and chapter_findings[0].location
    assert chapter_findings[0].hint


def test_every_lint_code_is_documented_and_exercised(broken_epub, tmp_path):
    documented = set(iter_codes())
    assert {"CHK001", "CHK012", "CHK016", "CHK020"} <= documented
    garbage = tmp_path / "garbage.epub"
    garbage.write_bytes(b"this is not a zip file")
    _, findings = run_lints(garbage)
    assert [f.code for f in findings] == ["CHK020"]


def test_check_of_a_broken_epub_fails_with_every_tool_reporting(broken_epub):
    report = run_checks(broken_epub)
    assert report.failed
    tools = {f.tool for f in report.errors}
    assert {"ace", "make-book"} <= tools, [str(f) for f in report.findings]
    ace_rules = {f.code for f in report.findings if f.tool == "ace"}
    assert "image-alt" in ace_rules and "html-has-lang" in ace_rules, ace_rules
    for finding in report.findings:
        assert finding.code and finding.message and finding.severity in ("error", "warning", "info")
    assert any(f.tool == "ace" and f.file and f.file.endswith("c001.xhtml") for f in report.findings)


def test_missing_ace_is_reported_not_skipped(good_epub, tmp_path, monkeypatch):
    monkeypatch.setenv("MAKE_BOOK_ACE_DIR", str(tmp_path))
    tool, findings = run_ace(good_epub)
    assert tool.status == "missing"
    assert [(f.code, f.severity) for f in findings] == [("CHK900", "error")]
    assert "npm" in findings[0].hint


def test_missing_node_and_chromium_are_reported(good_epub, tmp_path, monkeypatch):
    node = shutil.which("node")
    assert node, "Node.js is needed to run Ace"
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("MAKE_BOOK_ACE_DIR", str(REPO))
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv("PUPPETEER_EXECUTABLE_PATH", raising=False)
    _, findings = run_ace(good_epub)
    assert [f.code for f in findings] == ["CHK901"]
    (empty / "node").symlink_to(node)
    _, findings = run_ace(good_epub)
    assert [f.code for f in findings] == ["CHK902"]


def test_missing_java_is_reported(good_epub, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    tool, findings = run_epubcheck(good_epub)
    assert tool.status == "missing"
    assert [(f.code, f.severity) for f in findings] == [("CHK903", "error")]


def test_a_missing_target_is_an_error(tmp_path):
    with pytest.raises(SourceError):
        run_checks(tmp_path / "nothing.epub")


def test_a_manuscript_is_built_then_checked(tmp_path):
    source = tmp_path / "notes-on-boats.md"
    source.write_text("Boats are small ships.\n\nThey float, mostly.\n", encoding="utf-8")
    report = run_checks(source)
    assert isinstance(report, Report)
    assert report.epub.endswith(".epub") and report.target == str(source)
    assert [tool.status for tool in report.tools] == ["ran", "ran", "ran"]
    build_warnings = [f for f in report.findings if f.tool == "build"]
    assert any(f.code == "META001" for f in build_warnings)  # no title given
    assert "build: " in format_findings(report, as_json=False).splitlines()[-1]


def test_command_line_exit_status_and_json(good_epub, broken_epub):
    command = [sys.executable, str(REPO / "make_book.py"), "check"]
    good = subprocess.run([*command, str(good_epub), "--json"], capture_output=True, text=True,
                          cwd=REPO, timeout=900)
    assert good.returncode == 0, good.stdout[-2000:] + good.stderr[-2000:]
    assert json.loads(good.stdout)["failed"] is False
    bad = subprocess.run([*command, str(broken_epub)], capture_output=True, text=True, cwd=REPO,
                         timeout=900)
    assert bad.returncode == 1
    lines = bad.stdout.strip().splitlines()
    assert lines[0].startswith("error ") and "FAILED" in lines[-1]
    assert any(line.startswith("error CHK004 [make-book] EPUB/text/c001.xhtml:") for line in lines)
