"""Issue 12: the plain-text reader's chapters build their trees when first
asked for (model.DeferredChapter), so a rebuild after an edit builds only
the chapters whose passes are not in the cache.  Held here: a tree is the
same whenever it is built, a chapter's digest changes with that chapter
alone and is the same in every process, and a cached rebuild after an edit
builds one tree and equals a clean build byte for byte."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from lxml import etree

from book.model import DeferredChapter

from .conftest import REPO, read_source

MANUSCRIPT = """THE LIGHTHOUSE KEEPER

CHAPTER I

The keeper climbed the stairs at dusk.[1] The lamp was cold, and the
glass was grey with salt from the storm of the night before.

[Footnote 1: There were one hundred and twelve steps.]

CHAPTER II

    The wind came in from the sea,
    And the gulls went quiet on the rail,
    And the boats lay still.

He wrote in the log.* The ink ran where the spray had reached the page.

* A habit of forty years.

CHAPTER III

Morning came grey and slow over the water.

* * *

The supply boat was late again.
"""


def _write(folder: Path, text: str) -> Path:
    path = folder / "keeper.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_tree_is_the_same_whether_built_before_or_after_its_id(tmp_path):
    early = read_source(_write(tmp_path, MANUSCRIPT)).chapters
    late = read_source(_write(tmp_path, MANUSCRIPT)).chapters
    assert len(early) == 3
    assert all(isinstance(c, DeferredChapter) and not c.built for c in early + late)
    for number, (a, b) in enumerate(zip(early, late)):
        a.tree  # noqa: B018 (built before the id, as a pass that looks early would)
        a.assign_id(f"ch-{number}")
        b.assign_id(f"ch-{number}")
        assert not b.built and b.digest is not None
        assert etree.tostring(a.tree) == etree.tostring(b.tree)
        assert b.built and b.digest is None
    assert list(early[1].tree.attrib)[-1] == "id"  # last, as the pipeline always set it
    assert "The keeper climbed" in "".join(early[0].tree.itertext())
    assert early[1].tree.find(".//div[@class='verse']") is not None


def _digests(path: Path, seed: str) -> list[str]:
    code = ("import sys; from tests.conftest import read_source; from pathlib import Path; "
            "print(' '.join(c.digest for c in read_source(Path(sys.argv[1])).chapters))")
    done = subprocess.run([sys.executable, "-c", code, str(path)], cwd=REPO, check=True,
                          env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)},
                          capture_output=True, text=True, timeout=120)
    return done.stdout.split()


def test_a_digest_changes_with_its_own_chapter_only_and_is_the_same_in_every_process(tmp_path):
    path = _write(tmp_path, MANUSCRIPT)
    before = _digests(path, "1")
    assert len(before) == 3
    assert _digests(path, "2") == before  # no set order or address in what is hashed
    _write(tmp_path, MANUSCRIPT.replace("He wrote in the log.", "He wrote in the book."))
    after = _digests(path, "3")
    assert [a == b for a, b in zip(before, after)] == [True, False, True]


def _build(folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "make_book", "build", "keeper.txt", "-f", "epub",
                           "--lang", "en", *args], cwd=folder, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(REPO),
                               "SOURCE_DATE_EPOCH": "1700000000",
                               "MAKE_BOOK_CACHE_DIR": str(folder / "cache")})


def test_a_rebuild_after_an_edit_builds_one_tree_and_equals_a_clean_build(tmp_path, monkeypatch):
    from book.build import Overrides, apply_overrides, load_project
    from book.cache import open_store
    from book.context import BuildOptions
    from book.diagnostics import Diagnostics
    from book.project import open_project
    from book.readers.text import chapters

    monkeypatch.setenv("MAKE_BOOK_CACHE_DIR", str(tmp_path / "cache"))
    built: list[int] = []
    real = chapters.build_blocks

    def counted(blocks, layout, ids):
        built.append(blocks[0].line if blocks else 0)
        return real(blocks, layout, ids)

    monkeypatch.setattr(chapters, "build_blocks", counted)

    def load(text: str) -> list[str]:
        path = _write(tmp_path, text)
        project = open_project([path])
        apply_overrides(project.config, Overrides(lang="en"))
        store = open_store(project)
        try:
            book, _ = load_project(project, BuildOptions(formats=("epub",), cache=True),
                                   Overrides(lang="en"), Diagnostics(), store)
        finally:
            store.close()
        return ["".join(c.tree.itertext()) for c in book.chapters]

    # The language is stated: a book that leaves it to detection builds the
    # chapters it is detected from (its first 20,000 characters) each time.
    load(MANUSCRIPT)
    assert len(built) == 3
    built.clear()
    edited = MANUSCRIPT.replace("The supply boat was late again.",
                                "The supply boat was early for once.")
    texts = load(edited)
    assert len(built) == 1  # the third chapter only: the others' passes came from the cache
    assert "early for once" in texts[2] and "He wrote in the log" in texts[1]

    # The same through the command line, against a clean build of the edited text.
    _write(tmp_path, MANUSCRIPT)
    assert _build(tmp_path, "-o", "cached").returncode == 0
    _write(tmp_path, edited)
    cached = _build(tmp_path, "-o", "cached")
    assert cached.returncode == 0, cached.stderr
    clean = _build(tmp_path, "-o", "clean", "--no-cache")
    assert clean.returncode == 0, clean.stderr
    (made,) = (tmp_path / "cached").glob("*.epub")
    assert made.read_bytes() == (tmp_path / "clean" / made.name).read_bytes()
