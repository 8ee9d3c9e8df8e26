"""Issue 10: generated plain-text manuscripts of known structure.

Random books: parts or none, chapters headed in one of the supported
styles, with or without title lines (ending with a full stop or not),
paragraphs opening with abbreviations ("M.", "St.", "Dr.", "I. e.") that
also fall at the start of wrapped lines, hard-wrapped or one line per
paragraph.  Every book has at least two chapters of two paragraphs of
three sentences: enough lines for a wrap width to show.  The reader must give back exactly that outline, exactly those
paragraphs, and every word in order.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from book.fidelity import words
from book.xhtml import text_content
from tests.conftest import make_context, read_source

_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
#: label of chapter n (1-based) per heading style
_STYLES = {
    "chapter-roman": lambda n: f"CHAPTER {_ROMAN[n - 1]}",
    "chapter-digits": lambda n: f"Chapter {n}",
    "roman": lambda n: _ROMAN[n - 1],
    "digits-dot": lambda n: f"{n}.",
    "rozdzial": lambda n: f"Rozdział {n}",
}
_TITLES = ["The Mill", "A Wet Spring", "Market Day", "The Fair", "Night Crossing", "The Dam",
           "Morning", "An Old Letter", "The Harbour", "Two Brothers"]
_OPENINGS = ["M. Dupont", "St. Peter's bell", "Dr. Brown", "I. e. the clerk", "Mme Roche",
             "The miller", "Her brother", "Nobody"]
_CLAUSES = ["went down to the river before the others were awake",
            "said that the road would be closed until the spring",
            "kept the accounts in a book with a green cover",
            "had never seen the town from the top of the hill",
            "wrote to M. Carrel about the roof and the wet cellar",
            "came back with St. John's key and a basket of apples",
            "asked Dr. Lemaire whether the bridge would hold"]


@st.composite
def paragraphs(draw) -> str:
    count = draw(st.integers(3, 5))
    sentences = []
    for _ in range(count):
        opening = draw(st.sampled_from(_OPENINGS))
        clauses = draw(st.lists(st.sampled_from(_CLAUSES), min_size=1, max_size=2))
        sentences.append(f"{opening} {', and then '.join(clauses)}.")
    return " ".join(sentences)


@st.composite
def books(draw):
    style = draw(st.sampled_from(sorted(_STYLES)))
    titled = draw(st.booleans())
    full_stop = draw(st.booleans())
    parts = draw(st.integers(0, 3))
    per_part = [draw(st.integers(2 if parts == 0 else 1, 3)) for _ in range(max(parts, 1))]
    if sum(per_part) < 2:
        per_part[0] = 2
    chapters = []  # (part index or None, label, title, [paragraphs])
    for part in range(max(parts, 1)):
        for n in range(1, per_part[part] + 1):
            title = draw(st.sampled_from(_TITLES)) + ("." if full_stop else "") if titled else ""
            body = draw(st.lists(paragraphs(), min_size=2, max_size=4))
            chapters.append((part if parts else None, _STYLES[style](n), title, body))
    wrap = draw(st.sampled_from([None, 60, 66, 72]))
    return parts, chapters, wrap


def render(parts: int, chapters, wrap: int | None) -> str:
    out = []
    current = None
    for part, label, title, body in chapters:
        if parts and part != current:
            current = part
            out.append(f"\n\nPART {part + 1}\n\n")
        out.append(f"\n\n{label}\n\n" + (f"{title}\n\n\n" if title else "\n"))
        for paragraph in body:
            if wrap:
                lines = textwrap.wrap(paragraph, wrap, break_on_hyphens=False,
                                      break_long_words=False)
                out.append("\n".join(lines) + "\n\n")
            else:
                out.append(paragraph + "\n\n")
    return "".join(out)


def expected_outline(parts: int, chapters) -> list[tuple[int, str, str]]:
    found = []
    current = None
    for part, label, title, _body in chapters:
        if parts and part != current:
            current = part
            found.append((0, "part", f"PART {part + 1}"))
        label = label.rstrip(".")
        found.append((1 if parts else 0, "chapter", f"{label}: {title}" if title else label))
    return found


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(book=books())
def test_generated_books_come_back_whole(tmp_path: Path, book) -> None:
    parts, chapters, wrap = book
    text = render(parts, chapters, wrap)
    path = tmp_path / "generated.txt"
    path.write_text(text, encoding="utf-8")
    result = read_source(path, make_context(tmp_path, language="en"))
    got = [(c.depth, c.kind, c.title) for c in result.chapters]
    assert got == expected_outline(parts, chapters), text
    bodies = [body for _p, _l, _t, body in chapters]
    built = [c for c in result.chapters if c.kind == "chapter"]
    for chapter, body in zip(built, bodies):
        found = [" ".join(text_content(p).split()) for p in chapter.tree.iter("p")]
        assert found == body, text
    assert words(" ".join(" ".join(c.tree.itertext()) for c in result.chapters)) == words(text)
