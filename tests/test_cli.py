"""The command line: one-line errors, exit codes, no half-written output."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import REPO, epubcheck_messages

CHAPTER = """# The First Chapter

It was a "quiet" morning -- the kind that makes promises.[^1]

## A Section

Second paragraph with *emphasis*.

[^1]: A note at the foot.
"""


def run(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m make_book ARGS`` (the installed module, not the checkout's path)."""
    return subprocess.run([sys.executable, "-m", "make_book", *args], cwd=cwd or REPO,
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=600)


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    return lines[0]


def test_version_and_help() -> None:
    assert run("--version").stdout.strip().startswith("make-book ")
    for args in (["--help"], ["build", "--help"], ["check", "--help"]):
        result = run(*args)
        assert result.returncode == 0 and "Usage:" in result.stdout


def test_unknown_option_is_a_usage_error(tmp_path: Path) -> None:
    result = run("build", "--frobnicate", str(tmp_path))
    assert result.returncode == 2
    assert "--frobnicate" in one_line(result.stderr)


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(CHAPTER)
    result = run("build", str(tmp_path / "a.md"), "--format", "mobi", "-o", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "mobi" in one_line(result.stderr)


def test_missing_file(tmp_path: Path) -> None:
    result = run("build", str(tmp_path / "missing.md"))
    assert result.returncode == 1
    assert "missing.md" in one_line(result.stderr)


def test_folder_without_book_toml(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(CHAPTER)
    result = run("build", str(tmp_path))
    assert result.returncode == 1
    assert "book.toml" in one_line(result.stderr)


def test_malformed_book_toml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(CHAPTER)
    (tmp_path / "book.toml").write_text('[metadata]\ntitle = "A"\nauthor = [unclosed\n')
    result = run("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "book.toml:3:" in one_line(result.stderr)
    assert not (tmp_path / "out").exists()


def test_undecodable_text_names_file_and_line(tmp_path: Path) -> None:
    source = tmp_path / "bad.txt"
    source.write_bytes("Pierwsza linia.\n\nDruga linia \u0105.\n".encode("utf-8") + b"\xff\xfe\xfa\n")
    result = run("build", str(source), "--encoding", "utf-8", "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    line = one_line(result.stderr)
    assert "bad.txt:4:" in line
    assert not (tmp_path / "out").exists()


def test_build_writes_valid_epub_and_pdf(tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(CHAPTER)
    out = tmp_path / "dist"
    result = run("build", str(source), "--title", "A Quiet Morning", "--author", "A. Writer",
                 "--lang", "en", "-o", str(out))
    assert result.returncode == 0, result.stderr
    epub, pdf = out / "a-quiet-morning.epub", out / "a-quiet-morning.pdf"
    assert epub.is_file() and pdf.is_file()
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert epubcheck_messages(epub) == []
    assert sorted(p.name for p in out.iterdir()) == ["a-quiet-morning.epub", "a-quiet-morning.pdf"]


def test_failure_keeps_previous_output_intact(tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(CHAPTER)
    out = tmp_path / "dist"
    assert run("build", str(source), "--title", "Keep", "--lang", "en", "-f", "epub",
               "-o", str(out)).returncode == 0
    before = (out / "keep.epub").read_bytes()
    source.write_text(CHAPTER + "\n![a missing picture](nowhere.png)\n")
    result = run("build", str(source), "--title", "Keep", "--lang", "en", "-f", "epub",
                 "-o", str(out), "--strict")
    assert result.returncode == 1
    assert "nowhere.png" in one_line(result.stderr)
    assert (out / "keep.epub").read_bytes() == before
    assert [p.name for p in out.iterdir()] == ["keep.epub"]


def test_checkout_script_works_like_the_module(tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(CHAPTER)
    result = subprocess.run([sys.executable, "make_book.py", "build", str(source), "--lang", "en",
                             "--title", "Script", "-f", "epub", "-o", str(tmp_path / "o")],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "o" / "script.epub").is_file()


def test_wheel_ships_the_stylesheets(tmp_path: Path) -> None:
    """``pip install .`` (not only editable) must carry styles/ inside the package."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-w", str(tmp_path), str(REPO)], check=True, capture_output=True, timeout=300)
    wheel = next(tmp_path.glob("make_book-*.whl"))
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    for sheet in ("base.css", "epub.css", "print.css", "screen.css", "themes/classic.css"):
        assert f"book/styles/{sheet}" in names
    for page_file in ("index.html", "app.js", "app.css"):  # make-book serve's page
        assert f"book/serve/assets/{page_file}" in names
    assert "make_book.py" in names
    # Every package of book/ (pyproject.toml lists them by hand) and its modules.
    modules = {path.relative_to(REPO).as_posix() for path in (REPO / "book").rglob("*.py")}
    assert "book/readers/text/__init__.py" in modules
    assert modules - names == set()
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(unpacked)
    # -S: no site hooks, so an editable install of the checkout cannot win.
    site = sysconfig.get_paths()["purelib"]
    probe = subprocess.run([sys.executable, "-S", "-c", "from book.stylesheets import styles_dir; "
                            "print(styles_dir())"], cwd=tmp_path, capture_output=True, text=True,
                           env={**os.environ, "PYTHONPATH": f"{unpacked}{os.pathsep}{site}"},
                           check=True)
    assert Path(probe.stdout.strip()).resolve().is_relative_to(unpacked.resolve())


@pytest.mark.parametrize("title", ["../../escape", "a/b", "x" * 300, "\x01ctl"])
def test_hostile_titles_write_one_file_inside_outdir(tmp_path: Path, title: str) -> None:
    source = tmp_path / "story.md"
    source.write_text(CHAPTER)
    out = tmp_path / "out"
    result = run("build", str(source), "--title", title, "--lang", "en", "-f", "epub", "-o", str(out))
    assert result.returncode == 0, result.stderr
    written = list(out.iterdir())
    assert len(written) == 1 and written[0].suffix == ".epub"
    assert len(written[0].name) <= 90
