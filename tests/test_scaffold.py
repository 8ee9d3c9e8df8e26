"""``make-book new``: a project that builds at once, in the book's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from book.build import BuildOptions, build
from book.config import load_config
from book.errors import UsageError
from book.scaffold import SAMPLE_TEXTS, create_project
from make_book import cli

from .conftest import epubcheck_messages


def test_a_new_project_builds_clean_in_its_language(tmp_path):
    folder = tmp_path / "novel"
    written = create_project(folder, title='Próba "pióra"', authors=["Jan Nowak"], lang="pl")
    assert folder / "book.toml" in written and (folder / "images").is_dir()
    config = load_config(folder / "book.toml", "book.toml", (folder / "book.toml").read_text("utf-8"))
    assert config.metadata.title == 'Próba "pióra"' and config.metadata.language == "pl"
    result = build([folder], BuildOptions(formats=("epub", "pdf"), outdir=tmp_path / "out"))
    assert epubcheck_messages(result.outputs["epub"]) == []
    chapters = [c.title for c in result.book.chapters]
    assert chapters == [SAMPLE_TEXTS["pl"].preface, SAMPLE_TEXTS["pl"].chapter, SAMPLE_TEXTS["pl"].about]
    assert not result.diagnostics.warnings
    text = "".join("".join(c.tree.itertext()) for c in result.book.chapters)
    assert "„Proste cudzysłowy”" in text  # the sample shows the language's typography


def test_unknown_languages_get_the_english_sample_and_no_author_is_invented(tmp_path):
    create_project(tmp_path / "b", title="T", authors=[], lang="sv")
    assert "The First Chapter" in (tmp_path / "b" / "chapters" / "01-first-chapter.md").read_text()
    config = load_config(tmp_path / "b" / "book.toml", "book.toml",
                         (tmp_path / "b" / "book.toml").read_text(encoding="utf-8"))
    assert config.metadata.authors == [] and config.metadata.language == "sv"


def test_an_existing_folder_with_files_is_refused(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty"):
        create_project(tmp_path / "taken", title="T", authors=[], lang="en")
    assert sorted(p.name for p in (tmp_path / "taken").iterdir()) == ["notes.txt"]


def test_the_new_command(tmp_path):
    runner = CliRunner()
    target = tmp_path / "book"
    result = runner.invoke(cli, ["new", str(target), "--title", "A Book", "--author", "Ann",
                                 "--lang", "de"])
    assert result.exit_code == 0, result.output
    assert "make-book build" in result.output
    assert "Vorwort" in (target / "chapters" / "00-preface.md").read_text(encoding="utf-8")
    again = runner.invoke(cli, ["new", str(target)])
    assert again.exit_code == 2 and "not empty" in again.output
    bad = runner.invoke(cli, ["new", str(tmp_path / "other"), "--lang", "german"])
    assert bad.exit_code == 2 and not Path(tmp_path / "other").exists()
