"""The plain-text reader's chapters skip the sanitize pass
and the pipeline's scrub of characters XML cannot hold
(``Chapter.reader_made``): this holds the reader to what that assumes.
Sanitizing or scrubbing any of its trees must change nothing and say
nothing, on every plain-text manuscript of the corpus and on text that
looks like markup or holds such characters."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from book.passes.sanitize import run as sanitize
from book.passes.sanitize import sanitize_tree
from book.safexml import scrub_tree

from .conftest import CORPUS, make_context, read_source

HOSTILE = """\
THE HOSTILE MANUSCRIPT

CHAPTER I. <script>alert(1)</script>

A paragraph with <b onclick="steal()">markup</b> typed as text, a link
<a href="javascript:alert(1)">here</a>, an <iframe src="x"> and &#xFFFE; too,
and the characters themselves: \ufffe, \x01, \x0b, \ufdd0 and \uffff.

<p><p>Nested paragraphs, <math><mi>x</mi></math>, <svg><circle/></svg>.</p></p>

    An indented quotation with <style>body{}</style> in it,
    and a second line.

CHAPTER II. *Emphasis* and _more_ [1]

Text with a note call.[1]

[1] The note, with <img src="file:///etc/passwd"> in it.
"""


def _text_sources() -> list[Path]:
    return sorted(CORPUS.glob("*.txt"))


def _assert_nothing_to_sanitize(path: Path) -> int:
    ctx = make_context(path.parent)
    result = read_source(path, ctx)
    assert result.chapters
    for chapter in result.chapters:
        assert chapter.reader_made
        before = etree.tostring(chapter.tree)
        tree = copy.deepcopy(chapter.tree)
        start = len(ctx.diag.items)
        sanitize_tree(tree, ctx, file=chapter.source.file)
        assert etree.tostring(tree) == before, (path.name, chapter.title)
        assert ctx.diag.items[start:] == [], (path.name, chapter.title)
        assert scrub_tree(tree) == 0, (path.name, chapter.title)
    return len(result.chapters)


@pytest.mark.parametrize("path", _text_sources(), ids=lambda p: p.name)
def test_sanitizing_a_text_chapter_changes_nothing(corpus, path):
    assert _assert_nothing_to_sanitize(path) >= 1


def test_text_that_looks_like_markup_stays_text(tmp_path):
    source = tmp_path / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    assert _assert_nothing_to_sanitize(source) == 2
    ctx = make_context(tmp_path)
    text = "".join("".join(c.tree.itertext()) for c in read_source(source, ctx).chapters)
    assert "<script>alert(1)</script>" in text and 'href="javascript:alert(1)"' in text


def test_chapters_read_from_markup_are_still_sanitized(tmp_path):
    source = tmp_path / "page.html"
    source.write_text("<html><body><h1>One</h1><p>Text <b onclick='x()'>b</b>.</p>"
                      "<p><a href='javascript:alert(1)'>here</a></p></body></html>",
                      encoding="utf-8")
    ctx = make_context(tmp_path)
    chapters = read_source(source, ctx).chapters
    assert chapters and not any(c.reader_made for c in chapters)
    for chapter in chapters:
        sanitize(chapter, ctx)
    markup = b"".join(etree.tostring(c.tree) for c in chapters)
    assert b"javascript" not in markup and b"onclick" not in markup
    assert {"SAN002", "SAN003"} <= {d.code for d in ctx.diag.items}
