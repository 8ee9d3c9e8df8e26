"""The wrappers digital libraries put around a text, recognized and cut off.

Project Gutenberg wraps every e-text in a header (title, author, language,
release data, licence summary) ending at a ``*** START OF THE PROJECT
GUTENBERG EBOOK … ***`` line (``THIS`` in older files; older still, the
"small print" ending in ``*END*THE SMALL PRINT!``), and a footer starting at
``End of the Project Gutenberg EBook of …`` or ``*** END OF THE PROJECT
GUTENBERG EBOOK … ***`` followed by the full licence.

Wolne Lektury's plain-text exports open (2008 exports) with a block between
``-----`` lines naming the project and the source, then ``AUTOR:`` and
``TYTUŁ:`` fields; newer exports close with a ``-----`` line followed by
"Ta lektura, podobnie jak tysiące innych, dostępna jest na stronie
wolnelektury.pl…" and the licence and credits.  Their title page puts the
author first, then the title and subtitle.

:func:`find_frame` returns where the text proper begins and ends, the
metadata the wrapper states, and the library's title-page convention.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Title-page conventions: the order of the lines at the top of the text.
TITLE_FIRST = "title-first"
AUTHOR_FIRST = "author-first"

_PG_START = (
    re.compile(r"^\s*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG\b.*$", re.I),
    # The 2000-era "small print" closes with "*END*THE SMALL PRINT!" (also
    # written "*END THE SMALL PRINT!"); the text begins after it.
    re.compile(r"^\s*\*+\s*END\b\W*THE SMALL PRINT\b.*$", re.I),
    re.compile(r"^\s*\*{3}\s*START OF THE PROJECT GUTENBERG\b.*$", re.I),
)
#: The footer's first line, in the languages Project Gutenberg volunteers wrote
#: it in ("End of the Project Gutenberg EBook of …", "Ende dieses Projekt
#: Gutenberg Etextes …", "Fin du Projet Gutenberg …").
_PG_END = (
    re.compile(r"^\s*\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG\b.*$", re.I),
    re.compile(r"^\s*End of (?:the |this )?Project Gutenberg\b.*$", re.I),
    re.compile(r"^\s*End of Project Gutenberg['’]s\b.*$", re.I),
    re.compile(r"^\s*(?:Ende (?:dieses|des)|Fin (?:du|de ce)|Fine del|Fin del|Koniec|Einde van)\b"
               r".{0,40}\bProje[ck]?t\s+Gutenberg\b.*$", re.I),
)
#: How far from the end a footer can start when the file has no header (lines).
_FOOTER_LINES = 600
_PG_MENTION = re.compile(r"Project Gutenberg", re.I)
_PG_FIELD = re.compile(r"^(?P<name>[A-Z][A-Za-z ]{1,30}):\s*(?P<value>.*)$")
_PG_TITLE_LINE = re.compile(
    r"Project Gutenberg(?:['’]s)? E-?(?:Book|text) of (?P<title>.+?)(?:, by (?P<author>.+?))?\s*$",
    re.I)
#: How far into the file a library header can end (lines).
_HEADER_LINES = 1200

_WL_RULE = re.compile(r"^\s*-{5,}\s*$")
_WL_MENTION = re.compile(r"wolne\s*lektury|wolnelektury\.pl|nowoczesna polska", re.I)
_WL_FIELD = re.compile(r"^\s*(?P<name>AUTOR|TYTUŁ|TYTUL|ISBN)\s*:\s*(?P<value>.*)$", re.I)


@dataclass
class Frame:
    """Where the text proper lies inside the file, and what the wrapper said."""

    start: int
    end: int
    library: str = ""  # "gutenberg", "wolnelektury" or ""
    convention: str = TITLE_FIRST
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Line ranges cut off, for the build report: (first, last) 1-based.
    removed: list[tuple[int, int]] = field(default_factory=list)


def find_frame(lines: list[str]) -> Frame:
    """Locate a Project Gutenberg or Wolne Lektury wrapper in ``lines``."""
    frame = _gutenberg(lines)
    if frame is not None:
        return frame
    frame = _wolne_lektury(lines)
    if frame is not None:
        return frame
    return Frame(0, len(lines))


# ------------------------------------------------------------------ Project Gutenberg


#: Words one of which every wrapper marker line holds.
_MARKER_WORDS = ("utenberg", "UTENBERG", "SMALL PRINT", "small print")


def _first_match(patterns: tuple[re.Pattern[str], ...], lines: list[str], start: int,
                 stop: int) -> int | None:
    for index in _marker_lines(lines, start, min(stop, len(lines))):
        line = lines[index]
        if len(line) < 200 and any(p.match(line) for p in patterns):
            return index
    return None


def _marker_lines(lines: list[str], start: int, stop: int) -> list[int]:
    """Indexes of the lines in ``lines[start:stop]`` that hold one of the
    :data:`_MARKER_WORDS`, in order: found in the joined text (in C), not
    line by line."""
    text = "\n".join(lines[start:stop])
    found = set()
    for word in _MARKER_WORDS:
        at = text.find(word)
        while at >= 0:
            found.add(at)
            at = text.find(word, at + 1)
    indexes: list[int] = []
    line, counted = start, 0
    for at in sorted(found):
        line += text.count("\n", counted, at)
        counted = at
        if not indexes or indexes[-1] != line:
            indexes.append(line)
    return indexes


def _gutenberg(lines: list[str]) -> Frame | None:
    head = lines[:_HEADER_LINES]
    tail_from = max(0, len(lines) - _FOOTER_LINES)
    if not any(_PG_MENTION.search(line) for line in head[:400]) and not any(
            p.match(line) for p in _PG_START for line in head) and _first_match(
            _PG_END, lines, tail_from, len(lines)) is None:
        return None
    start_marker = _first_match(_PG_START, lines, 0, _HEADER_LINES)
    # The old "small print" may follow the START line: the text begins after both.
    if start_marker is not None:
        later = _first_match(_PG_START[1:2], lines, start_marker + 1, start_marker + 400)
        if later is not None:
            start_marker = later
    begin = start_marker + 1 if start_marker is not None else 0
    end_marker = _first_match(_PG_END, lines, begin if start_marker is not None else tail_from,
                              len(lines))
    if start_marker is None and end_marker is None:
        return None
    end = end_marker if end_marker is not None else len(lines)
    frame = Frame(begin, end, "gutenberg", TITLE_FIRST)
    frame.metadata = _gutenberg_metadata(lines[:begin] if start_marker is not None else [])
    if begin:
        frame.removed.append((1, begin))
    if end < len(lines):
        frame.removed.append((end + 1, len(lines)))
    return frame


def _gutenberg_metadata(header: list[str]) -> dict[str, Any]:
    """Title, authors, translators and language from the header's fields."""
    fields: dict[str, str] = {}
    current = ""
    for line in header:
        match = _PG_FIELD.match(line.strip())
        if match and not line[:1].isspace():
            current = match.group("name").strip().lower()
            fields[current] = match.group("value").strip()
        elif current and line.strip() and line[:1].isspace():
            fields[current] = f"{fields[current]} {line.strip()}".strip()  # continued field
        else:
            current = ""
    meta: dict[str, Any] = {}
    if fields.get("title"):
        meta["title"] = fields["title"]
    authors = fields.get("author") or fields.get("authors")
    if authors:
        meta["authors"] = split_names(authors)
    translators = fields.get("translator") or fields.get("translators")
    if translators:
        meta["translators"] = split_names(translators)
    language = fields.get("language")
    if language:
        code = language_code(language)
        if code:
            meta["language"] = code
    if "title" not in meta:
        for line in header[:10]:
            match = _PG_TITLE_LINE.search(line)
            if match:
                meta["title"] = match.group("title").strip()
                if match.group("author") and "authors" not in meta:
                    meta["authors"] = split_names(match.group("author"))
                break
    return meta


def split_names(value: str) -> list[str]:
    """Names in a credit line: "A; B & C" are three, "Jane Austen and Mary
    Shelley" two, but "Louise and Aylmer Maude" one couple."""
    names: list[str] = []
    for part in re.split(r"\s*[;&]\s*", value.strip().rstrip(".")):
        pieces = re.split(r"\s+and\s+|\s+i\s+|\s+und\s+|\s+et\s+", part)
        if len(pieces) > 1 and all(len(p.split()) >= 2 for p in pieces):
            names.extend(pieces)
        else:
            names.append(part)
    return [" ".join(n.split()) for n in names if n.strip()]


def language_code(name: str) -> str | None:
    """ISO 639-1 code of a language named in English ("English" → "en")."""
    from lingua import Language

    word = name.strip().split(",")[0].split()[0].upper() if name.strip() else ""
    if len(word) == 2 and word.isalpha():
        return word.lower()
    for language in Language.all():
        if language.name == word:
            return language.iso_code_639_1.name.lower()
    return None


# ------------------------------------------------------------------ Wolne Lektury


def _wolne_lektury(lines: list[str]) -> Frame | None:
    start, meta, removed = _wl_header(lines)
    end, footer = _wl_footer(lines, start)
    if start == 0 and footer is None:
        return None
    frame = Frame(start, end, "wolnelektury", AUTHOR_FIRST, meta)
    if start:
        frame.removed.append(removed)
    if footer is not None:
        frame.removed.append((end + 1, len(lines)))
    return frame


def _wl_header(lines: list[str]) -> tuple[int, dict[str, Any], tuple[int, int]]:
    """The 2008-style header: a ``-----`` block naming the project, then fields."""
    meta: dict[str, Any] = {}
    nonblank = [i for i, line in enumerate(lines[:60]) if line.strip()]
    if not nonblank or not _WL_RULE.match(lines[nonblank[0]]):
        return 0, meta, (0, 0)
    opening = nonblank[0]
    closing = next((i for i in range(opening + 1, min(len(lines), opening + 40))
                    if _WL_RULE.match(lines[i])), None)
    if closing is None or not any(_WL_MENTION.search(lines[i]) for i in range(opening, closing)):
        return 0, meta, (0, 0)
    index = closing + 1
    while index < len(lines) and (not lines[index].strip() or _WL_FIELD.match(lines[index])):
        match = _WL_FIELD.match(lines[index])
        if match and match.group("value").strip():
            name, value = match.group("name").upper(), match.group("value").strip()
            if name == "AUTOR":
                meta["authors"] = split_names(value)
            elif name.startswith("TYTU"):
                meta["title"] = value
        index += 1
    return index, meta, (opening + 1, index)


def _wl_footer(lines: list[str], start: int) -> tuple[int, int | None]:
    """The newer footer: the last ``-----`` line, followed by the project's notice."""
    for index in range(len(lines) - 1, max(start, len(lines) - 400) - 1, -1):
        if _WL_RULE.match(lines[index]):
            tail = lines[index + 1:index + 12]
            if any(_WL_MENTION.search(line) for line in tail):
                return index, index
            return len(lines), None
    return len(lines), None
