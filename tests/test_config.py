"""book.toml: every key parsed and typed; every mistake named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from book.config import load_config
from book.errors import ConfigError
from book.geometry import parse_length, parse_trim
from book.model import Matter

FULL = """
[metadata]
title = "Ogniem i mieczem"
subtitle = "Powieść"
authors = ["Henryk Sienkiewicz", { name = "Anna Nowak", role = "aut", file_as = "Nowak, Anna" }]
contributors = [{ name = "Jan Tłumacz", role = "trl" }]
language = "pl"
isbn = "978-83-01-00000-4"
print_isbn = "9780306406157"
publisher = "Wydawnictwo Próbne"
date = 2024-05-01
description = "Opis."
subjects = ["Fiction", "History"]
series = { name = "Trylogia", position = 1 }
rights = "Domena publiczna"
cover = "cover.jpg"
dedication = "Dla Ciebie"
epigraph = { text = "Motto.", source = "Ktoś" }

[content]
files = ["intro.md", { file = "notes.md", matter = "back", kind = "appendix" }, "chapters/*.md"]
encoding = "cp1250"

[style]
theme = "modern"
css = ["extra.css"]
font_size = "11pt"
line_height = 1.4

[pdf]
trim = "a5"
margins = { inner = "20mm", outer = "15mm" }
bleed = "3mm"
marks = true
variant = "pdf/x-1a"
full_fonts = true
notes = "chapter-end"

[epub]
soft_hyphens = true
max_image_side = 1600

[typography]
quotes = "guillemets"
dialogue_dash = "en"

[accessibility]
certified_by = "Wydawnictwo Próbne"
"""


def load(text: str):
    return load_config(Path("/book/book.toml"), "book.toml", text)


def test_full_config_is_read_with_types() -> None:
    config = load(FULL)
    meta = config.metadata
    assert meta.title == "Ogniem i mieczem"
    assert [a.name for a in meta.authors] == ["Henryk Sienkiewicz", "Anna Nowak"]
    assert meta.authors[1].file_as == "Nowak, Anna"
    assert meta.contributors[0].role == "trl"
    assert meta.isbn == "9788301000004"
    assert meta.print_isbn == "9780306406157"
    assert meta.date == "2024-05-01"
    assert meta.series.name == "Trylogia" and meta.series.position == "1"
    assert meta.epigraph.source == "Ktoś"
    assert config.content.files[1].matter == Matter.BACK
    assert config.content.files[1].kind == "appendix"
    assert config.content.encoding == "cp1250"
    assert config.style.theme == "modern" and config.style.line_height == 1.4
    assert config.pdf.trim.name == "a5"
    assert config.pdf.bleed == pytest.approx(parse_length("3mm"))
    assert config.pdf.page_margins.inner == pytest.approx(parse_length("20mm"))
    assert config.pdf.variant == "pdf/x-1a" and config.pdf.marks and config.pdf.full_fonts
    assert config.epub.soft_hyphens and config.epub.max_image_side == 1600
    assert config.typography.quotes == "guillemets"
    assert config.accessibility.certified_by == "Wydawnictwo Próbne"


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ('[metadata]\ntitle = "x"\ntitel = "y"\n', 3, "unknown key 'titel'"),
        ('[metadata]\ntitle = "x"\n[pdf]\ntrim = "huge"\n', 4, "unknown trim"),
        ('[metadata]\nisbn = "978-83-01-00000-1"\n', 2, "not a valid ISBN"),
        ('[metadata]\nlanguage = "polish language"\n', 2, "BCP 47"),
        ('[pdf]\nbleed = "3"\n', 2, "not a length"),
        ('[metadata]\ntitle = "unclosed\n', 2, "malformed TOML"),
        ('[metadat]\ntitle = "x"\n', 1, "unknown section"),
        ('[pdf]\nvariant = "pdf/a-1b"\n', 2, "must be one of"),
        ('[style]\nline_height = 9\n', 2, "line_height"),
        ('[metadata]\ncontributors = [{ name = "X", role = "boss" }]\n', 2, "MARC"),
    ],
)
def test_mistakes_name_the_line(text: str, line: int, fragment: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(text)
    assert caught.value.file == "book.toml"
    assert caught.value.line == line
    assert fragment in str(caught.value)


def test_trims_and_lengths() -> None:
    assert parse_trim("6x9").width == pytest.approx(432)
    assert parse_trim("5.5x8.5in").height == pytest.approx(612)
    b = parse_trim("B-format")
    assert (round(b.width / 72 * 25.4), round(b.height / 72 * 25.4)) == (129, 198)
    assert parse_trim("148x210mm").width == pytest.approx(parse_trim("a5").width)
    assert parse_trim("400x600pt").width == 400
    assert parse_length("0.125in") == pytest.approx(9)
    with pytest.raises(ConfigError):
        parse_trim("1x1mm")


def test_the_readme_reference_parses():
    """The book.toml reference in README.md is a valid book.toml: docs that do not rot."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## book.toml reference", 1)[1]
    block = section.split("```toml\n", 1)[1].split("```", 1)[0]
    config = load_config(Path("/book/book.toml"), "book.toml", block)
    assert config.pdf.target == "kdp" and config.pdf.bleed == pytest.approx(parse_length("3mm"))
    assert config.metadata.title
