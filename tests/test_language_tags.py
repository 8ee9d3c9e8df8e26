"""Language tags: malformed is an error, unregistered is a warning with the
closest registered tag, registered is silent (book/language_tags.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from book.build import Overrides, check_language_tag, load_book
from book.config import load_config
from book.context import BuildOptions
from book.diagnostics import Diagnostics
from book.errors import ConfigError, StrictError, UsageError
from book.language_tags import check_registered, closest_registered, is_well_formed, suggest_for_malformed
from conftest import make_context, read_source

REPO = Path(__file__).resolve().parents[1]
CHAPTER = "# One\n\nA short chapter, written in plain English for the test.\n"


@pytest.mark.parametrize("tag", ["pl", "en-GB", "sr-Latn-RS", "zh-Hant", "EN-gb", "de-CH-1996",
                                 "es-419", "pt-BR", "en-US-x-twain", "de-DE-u-co-phonebk", "qaa",
                                 "zh-yue", "yue-HK", "en-Latn-US", "und"])
def test_registered_tags_pass_silently(tag: str) -> None:
    assert is_well_formed(tag)
    assert check_registered(tag) is None
    assert check_language_tag(tag, "--lang") is None


@pytest.mark.parametrize(("tag", "unknown", "closest"), [
    ("xx-YY", ["'xx' is not a registered language subtag", "'YY' is not a registered region"], None),
    ("qq", ["'qq' is not a registered language subtag"], None),
    ("xx-GB", ["'xx'"], None),                # a known region does not make a language
    ("en-UK", ["'UK' is not a registered region subtag"], "en-GB"),   # CLDR's alias
    ("pol", ["'pol' is not a registered language subtag"], "pl"),     # ISO 639-2 for a 639-1 language
    ("fre-FR", ["'fre'"], "fr-FR"),
    ("en-YY", ["'YY'"], "en"),                # the unknown region dropped
    ("en-abcde", ["'abcde' is not a registered variant subtag"], "en"),
    ("sr-Latz", ["'Latz' is not a registered script subtag"], "sr"),
])
def test_unregistered_subtags_warn_with_the_closest_tag(tag: str, unknown: list[str],
                                                        closest: str | None) -> None:
    assert is_well_formed(tag)
    problem = check_registered(tag)
    assert problem is not None and problem.code == "LANG003"
    for fragment in unknown:
        assert fragment in problem.reason
    assert problem.suggestion == closest == closest_registered(tag)
    assert (closest or "no registered tag is close") in problem.hint()


@pytest.mark.parametrize(("tag", "preferred"), [("iw", "he"), ("in-ID", "id-ID"),
                                                ("en-BU", "en-MM"), ("zh-min-nan", "nan")])
def test_deprecated_subtags_warn_with_the_preferred_value(tag: str, preferred: str) -> None:
    problem = check_registered(tag)
    assert problem is not None and problem.code == "LANG004"
    assert "deprecated" in problem.reason and problem.suggestion == preferred
    assert problem.hint() == f"use {preferred}"


@pytest.mark.parametrize(("value", "suggestion"), [
    ("en_US", "en-US"), ("English", "en"), ("polish", "pl"), ("pl_PL", "pl-PL"),
    ("en-US-US", None), ("en-a", None), ("x-klingon", None), ("i-klingon", None), ("", None),
    ("polish language", None), ("e", None),
])
def test_malformed_tags_are_refused_with_a_suggestion(value: str, suggestion: str | None) -> None:
    assert not is_well_formed(value)
    assert suggest_for_malformed(value) == suggestion
    with pytest.raises(UsageError) as caught:
        check_language_tag(value, "--lang")
    assert caught.value.exit_code == 2
    assert caught.value.hint == (f"did you mean {suggestion}?" if suggestion else None)


def _load(tmp_path: Path, *, lang: str | None = None, strict: bool = False) -> Diagnostics:
    diagnostics = Diagnostics(strict=strict)
    load_book([tmp_path], BuildOptions(strict=strict), Overrides(lang=lang), diagnostics)
    return diagnostics


def _lang_warnings(diagnostics: Diagnostics) -> list[str]:
    return [str(d) for d in diagnostics.warnings if d.code.startswith("LANG")]


def test_lang_option_and_book_toml_warn_through_the_build(tmp_path: Path) -> None:
    (tmp_path / "book.toml").write_text('[metadata]\ntitle = "T"\n\nlanguage = "en-UK"\n',
                                        encoding="utf-8")
    (tmp_path / "one.md").write_text(CHAPTER, encoding="utf-8")
    [found] = [d for d in _load(tmp_path).warnings if d.code.startswith("LANG")]
    assert (found.code, Path(found.file).name, found.line) == ("LANG003", "book.toml", 4)
    assert found.message == ("metadata.language 'en-UK': 'UK' is not a registered region "
                             "subtag in the IANA registry")
    assert found.hint == "the closest registered tag is en-GB"
    found = _lang_warnings(_load(tmp_path, lang="xx-YY"))
    assert len(found) == 2 and found[1].startswith("warning LANG003: --lang 'xx-YY': 'xx' is not")
    assert found[1].endswith("(no registered tag is close; use one such as pl, en-GB or sr-Latn)")
    (tmp_path / "book.toml").write_text('[metadata]\ntitle = "T"\nlanguage = "en-GB"\n',
                                        encoding="utf-8")
    assert _lang_warnings(_load(tmp_path, lang="sr-Latn-RS")) == []
    with pytest.raises(StrictError, match="LANG003"):
        _load(tmp_path, lang="qq", strict=True)


def test_book_toml_keeps_the_tag_and_refuses_a_malformed_one() -> None:
    config = load_config(Path("/book/book.toml"), "book.toml", '[metadata]\nlang = "qq"\n')
    assert config.metadata.language == "qq"
    assert [(w.code, w.file, w.line) for w in config.warnings] == [("LANG003", "book.toml", 2)]
    with pytest.raises(ConfigError) as caught:
        load_config(Path("/book/book.toml"), "book.toml", '[metadata]\nlanguage = "Polish"\n')
    assert (caught.value.line, caught.value.hint) == (2, "did you mean pl?")


def test_front_matter_language(tmp_path: Path) -> None:
    path = tmp_path / "doc.md"
    path.write_text("---\ntitle: T\nlang: xx-YY\n---\n" + CHAPTER, encoding="utf-8")
    ctx = make_context(tmp_path)
    assert read_source(path, ctx).metadata["language"] == "xx-YY"  # kept: the user may know better
    assert [(w.code, w.file, w.line) for w in ctx.diag.warnings] == [("LANG003", "doc.md", 3)]
    path.write_text("---\nlang: German\n---\n" + CHAPTER, encoding="utf-8")
    ctx = make_context(tmp_path)
    read_source(path, ctx)
    assert [str(w) for w in ctx.diag.warnings] == [
        "warning MD062: doc.md:2: front matter language 'German' is not a BCP 47 tag such as "
        "en or pl (did you mean de?)"]
    path.write_text("---\nlang: zh-Hant\n---\n" + CHAPTER, encoding="utf-8")
    ctx = make_context(tmp_path)
    read_source(path, ctx)
    assert ctx.diag.warnings == []


def test_cli_warns_refuses_and_stays_strict(tmp_path: Path) -> None:
    source = tmp_path / "story.md"
    source.write_text(CHAPTER, encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "make_book", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=300)

    bad = run("build", str(source), "--lang", "English", "-o", str(tmp_path / "a"))
    assert bad.returncode == 2
    assert bad.stderr.strip() == ("make-book: error: --lang 'English' is not a language tag such "
                                  "as pl or en-GB (did you mean en?)")
    strict = run("build", str(source), "--lang", "en-UK", "--strict", "-f", "epub",
                 "-o", str(tmp_path / "b"))
    assert strict.returncode == 1 and "LANG003" in strict.stderr and "en-GB" in strict.stderr
    assert not (tmp_path / "b").exists()
    new = run("new", str(tmp_path / "n"), "--lang", "pol")
    assert new.returncode == 0
    assert "make-book: warning LANG003: --lang 'pol'" in new.stderr and "is pl" in new.stderr
