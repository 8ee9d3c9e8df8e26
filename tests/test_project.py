"""Resolving what the user named: project folders, Leanpub folders, files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from book.build import output_name
from book.errors import ConfigError, SandboxError, SourceError
from book.project import natural_key, open_project


def write(path: Path, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folder_without_book_toml_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.md")
    with pytest.raises(ConfigError, match="no book.toml"):
        open_project([tmp_path])


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SourceError) as caught:
        open_project([tmp_path / "nope.md"])
    assert caught.value.file.endswith("nope.md")


def test_globs_sort_naturally_and_keep_explicit_order(tmp_path: Path) -> None:
    for name in ("ch10.md", "ch2.md", "ch1.md", "intro.md", "end.md"):
        write(tmp_path / "text" / name if name.startswith("ch") else tmp_path / name)
    write(tmp_path / "book.toml", '[content]\nfiles = ["intro.md", "text/ch*.md", "end.md"]\n')
    project = open_project([tmp_path])
    assert [s.path.name for s in project.sources] == ["intro.md", "ch1.md", "ch2.md", "ch10.md", "end.md"]


def test_content_outside_the_folder_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "secret.md")
    book = tmp_path / "book"
    write(book / "book.toml", '[content]\nfiles = ["../secret.md"]\n')
    with pytest.raises(SandboxError) as caught:
        open_project([book])
    assert caught.value.line == 2


def test_symlink_leading_outside_is_refused(tmp_path: Path) -> None:
    write(tmp_path / "secret.md")
    book = tmp_path / "book"
    write(book / "book.toml", '[content]\nfiles = ["link.md"]\n')
    os.symlink(tmp_path / "secret.md", book / "link.md")
    with pytest.raises(SandboxError, match="outside"):
        open_project([book])


def test_missing_content_file_names_book_toml_line(tmp_path: Path) -> None:
    write(tmp_path / "book.toml", '[metadata]\ntitle = "T"\n[content]\nfiles = ["gone.md"]\n')
    with pytest.raises(SourceError) as caught:
        open_project([tmp_path])
    assert caught.value.line == 4 and "gone.md" in str(caught.value)


def test_leanpub_book_txt_gives_the_order(tmp_path: Path) -> None:
    for name in ("b.md", "a.md"):
        write(tmp_path / name)
    write(tmp_path / "Book.txt", "b.md\na.md\n")
    project = open_project([tmp_path])
    assert project.mode == "leanpub"
    assert [s.path.name for s in project.sources] == ["b.md", "a.md"]


def test_unsupported_file_type(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="unsupported file type") as caught:
        open_project([write(tmp_path / "book.rtf")])
    assert str(caught.value).count("book.rtf") == 1  # one line, the file named once


def test_files_share_their_common_folder_as_sandbox(tmp_path: Path) -> None:
    a = write(tmp_path / "x" / "a.md")
    b = write(tmp_path / "y" / "b.md")
    project = open_project([a, b])
    assert project.sandbox.root == Path(os.path.realpath(tmp_path))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Pride and Prejudice", "pride-and-prejudice"),
        ("../../etc/passwd", "etc-passwd"),
        ("a/b\\c", "a-b-c"),
        ("\x00\x07bell", "bell"),
        ("Zażółć gęślą jaźń", "zażółć-gęślą-jaźń"),
        ("..", "book"),
        ("x" * 300, "x" * 80),
    ],
)
def test_output_names_are_safe(title: str, expected: str) -> None:
    assert output_name(title) == expected


def test_natural_key() -> None:
    assert sorted(["c10", "c9", "c1"], key=natural_key) == ["c1", "c9", "c10"]


@pytest.mark.parametrize("text,title,origin", [
    ("CHAPTER I\n\nIt was night.\n\nCHAPTER II\n\nMorning.\n", "story", "file name"),
    ("# Introduction\n\nWhy this book.\n\n# Chapter 1: Storms\n\nRain.\n", "story", "file name"),
    ("# The Lighthouse Keeper\n\nA story.\n", "The Lighthouse Keeper", "first heading"),
])
def test_a_chapter_label_is_not_taken_for_the_book_title(tmp_path: Path, text: str, title: str,
                                                          origin: str) -> None:
    from book.build import BuildOptions, Overrides, load_book
    from book.diagnostics import Diagnostics

    suffix = ".md" if text.startswith("#") else ".txt"
    source = tmp_path / f"story{suffix}"
    source.write_text(text, encoding="utf-8")
    diagnostics = Diagnostics()
    book, _ = load_book([source], BuildOptions(formats=("epub",)), Overrides(lang="en"), diagnostics)
    assert (book.metadata.title, book.metadata.origins["title"]) == (title, origin)
    assert [d.code for d in diagnostics.warnings] == ["META001"]


def test_a_leanpub_folder_without_title_is_named_after_the_folder(tmp_path: Path) -> None:
    from book.build import BuildOptions, Overrides, load_book
    from book.diagnostics import Diagnostics

    folder = tmp_path / "harbour-notes"
    folder.mkdir()
    (folder / "Book.txt").write_text("intro.md\n", encoding="utf-8")
    (folder / "intro.md").write_text("# Introduction\n\nText.\n", encoding="utf-8")
    book, _ = load_book([folder], BuildOptions(formats=("epub",)), Overrides(lang="en"),
                        Diagnostics())
    assert book.metadata.title == "harbour notes"
