"""Metadata blocks at the top of a Markdown file.

Two forms are read: YAML front matter between ``---`` lines (Jekyll, Hugo,
Pandoc, R Markdown, Obsidian…) and Pandoc's title block (``% Title`` /
``% Author; Author`` / ``% Date``).  The block is cut out of the text but its
lines are kept blank, so every later line number still matches the file.

Values are checked rather than trusted: a date must be ISO (``YYYY``,
``YYYY-MM``, ``YYYY-MM-DD``), a language a BCP 47 tag (kept with a LANG003
warning when the IANA registry does not know a subtag: book/language_tags.py),
and only names, strings and lists of strings are taken from the YAML;
anything else is a warning naming the key and line.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ...language_tags import check_registered, is_well_formed, suggest_for_malformed
from ...xhtml import xml_safe

Warn = Callable[[str, str, int | None], None]

#: Largest front matter we parse (a real one is a few hundred bytes).
MAX_FRONT_MATTER = 64 * 1024
#: Most list items taken from one key (authors, subjects…).
MAX_ITEMS = 100

_OPEN = "---"
_CLOSE = ("---", "...")
_KEY_LINE = re.compile(r"^[A-Za-z_][\w .-]*:(\s|$)")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_YEAR = re.compile(r"\b(1[5-9]\d\d|2\d\d\d)\b")


@dataclass
class FrontMatter:
    """What a metadata block said, and the text with the block blanked."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)
    #: The block names a bibliography (``bibliography:``/``references:``),
    #: which only Pandoc's citeproc can use.
    bibliography: bool = False
    #: Lines the block takes (0 when there is none).
    used: int = 0


def split_front_matter(text: str, warn: Warn) -> FrontMatter:
    """Read the metadata blocks of ``text`` and blank their lines.

    A YAML block at the very top, or anywhere after a blank line (Pandoc's
    ``yaml_metadata_block``: several blocks merge, a later value wins); else
    a Pandoc title block (``% Title``) or MultiMarkdown ``Key: value`` lines
    at the top.  YAML blocks inside fenced code are examples, not metadata.
    """
    first_line, _, _ = text[:256].partition("\n")
    if first_line.rstrip() == _OPEN:
        front = _yaml_block(text, warn)
    elif text.startswith("%"):
        front = _pandoc_title_block(text)
    else:
        front = _mmd_title_block(text, warn)
    if "\n---" in front.text:
        _later_yaml_blocks(front, warn)
    return front


def _later_yaml_blocks(front: FrontMatter, warn: Warn) -> None:
    """YAML blocks after the top: a ``---`` line after a blank line, before a
    line of text, closed by ``---`` or ``...``, holding a mapping with a key
    Pandoc or this reader knows (so a rule around "Note: …" stays text).

    Linear: the lines are blanked in place, and the search for closing
    lines stops once a few times the text's length has been scanned.
    """
    lines = front.text.split("\n")
    fence: str | None = None
    budget = 4 * len(front.text) + 100_000
    changed = False
    index = 1
    while index < len(lines) - 1:
        line = lines[index]
        stripped = line.lstrip(" ")
        if len(line) - len(stripped) < 4 and stripped[:3] in ("```", "~~~"):
            marker = stripped[:3]
            if fence is None:
                fence = marker
            elif marker == fence and not stripped.strip(marker[0]).strip():
                fence = None
        elif (fence is None and budget > 0 and line.rstrip() == _OPEN
              and not lines[index - 1].strip() and lines[index + 1].strip()):
            end, size = index + 1, 0
            while end < len(lines) and lines[end].rstrip() not in _CLOSE and size <= MAX_FRONT_MATTER:
                size += len(lines[end]) + 1
                end += 1
            budget -= size
            if end < len(lines) and size <= MAX_FRONT_MATTER:
                found = _yaml_block("\n".join(lines[index:end + 1]), warn, first_line=index,
                                    top=False)
                if found.used:
                    lines[index:end + 1] = [""] * (end + 1 - index)
                    changed = True
                    front.bibliography = front.bibliography or found.bibliography
                    for key, value in found.metadata.items():
                        if isinstance(value, list) and isinstance(front.metadata.get(key), list):
                            value = list(dict.fromkeys([*front.metadata[key], *value]))
                        front.metadata[key] = value
                    index = end
        index += 1
    if changed:
        front.text = "\n".join(lines)


#: Keys that make a YAML block after the top metadata: the ones read here
#: and the variables Pandoc's templates and citeproc use.
PANDOC_KEYS = frozenset({
    "bibliography", "csl", "nocite", "link-citations", "references", "citation-style",
    "header-includes", "include-before", "include-after", "documentclass", "classoption",
    "geometry", "papersize", "fontsize", "mainfont", "linestretch", "toc", "toc-title",
    "numbersections", "institute", "affiliation", "thanks", "email", "output", "abstract-title",
    "cover-image", "css", "epub-cover-image", "rights", "contributor", "editor", "translator",
})
def _yaml_block(text: str, warn: Warn, first_line: int = 0, top: bool = True) -> FrontMatter:
    """The YAML block opening ``text`` (at line ``first_line``, 0-based, of the
    file).  ``used`` is the number of lines it takes (0: not metadata); at
    the top (``top``) they are blanked in the returned text and invalid YAML
    is a warning."""
    head = text[:MAX_FRONT_MATTER + 8]
    lines = head.split("\n")
    end = None
    for index in range(1, len(lines) - 1 if len(head) < len(text) else len(lines)):
        if lines[index].rstrip() in _CLOSE:
            end = index
            break
    if end is None:
        return FrontMatter(text)
    body = "\n".join(lines[1:end])
    first_content = next((ln for ln in lines[1:end] if ln.strip() and not ln.lstrip().startswith("#")), "")
    try:
        data = yaml.safe_load(body) if body.strip() else {}
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        if not top or not _KEY_LINE.match(first_content):
            return FrontMatter(text)  # a thematic break, not front matter
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 + first_line if mark is not None else first_line + 1
        warn("MD060", "the front matter is not valid YAML and was ignored", line)
        return FrontMatter(_blank_lines(text, 0, end + 1), used=end + 1)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return FrontMatter(text)  # "---\nText\n---" is Markdown (a break and a heading)
    if not top and not _known_keys(data):
        return FrontMatter(text)
    blank = _blank_lines(text, 0, end + 1) if top else text
    bibliography = any(str(key).lower() in ("bibliography", "references") for key in data)
    return FrontMatter(blank, metadata_from_mapping(data, warn, lines[:end], first_line),
                       bibliography, used=end + 1)


def _known_keys(data: dict[Any, Any]) -> bool:
    keys = {str(key).strip().lower() for key in data}
    return bool(keys & (PANDOC_KEYS | set(TEXT_FIELDS) | set(AUTHOR_KEYS) | set(LANGUAGE_KEYS)
                        | set(LIST_FIELDS) | {"date"}))


def _blank_lines(text: str, start: int, count: int) -> str:
    """Blank ``count`` lines from offset ``start`` (line numbers stay)."""
    pos = start
    for _ in range(count):
        nl = text.find("\n", pos)
        if nl < 0:
            return text[:start] + "\n" * (count - 1)
        pos = nl + 1
    return text[:start] + "\n" * count + text[pos:]


def _pandoc_title_block(text: str) -> FrontMatter:
    """Pandoc's ``% title`` / ``% authors`` / ``% date``.

    Indented lines continue a field: the title's continue its text, the
    authors' add an author (as a semicolon does).
    """
    fields: list[str] = []
    lines = text.split("\n", 64)
    used = 0
    for line in lines[:-1] if len(lines) > 64 else lines:
        if line.startswith("%") and len(fields) < 3:
            fields.append(line[1:].strip())
        elif line[:1] in (" ", "\t") and fields and line.strip():
            joiner = "; " if len(fields) == 2 else " "
            fields[-1] = f"{fields[-1]}{joiner}{line.strip()}".strip("; ")
        else:
            break
        used += 1
    meta: dict[str, Any] = {}
    if fields and fields[0]:
        meta["title"] = plain_inline(fields[0])
    if len(fields) > 1 and fields[1]:
        meta["authors"] = [plain_inline(a.strip()) for a in fields[1].split(";") if a.strip()]
    if len(fields) > 2 and fields[2]:
        date = normalize_date(fields[2])
        if date is None:
            year = _YEAR.search(fields[2])
            date = year.group(1) if year else None
        if date:
            meta["date"] = date
    return FrontMatter(_blank_lines(text, 0, used), meta)


#: Keys that make ``Key: value`` lines at the top a MultiMarkdown title block.
_MMD_KEYS = frozenset({"title", "author", "authors", "date", "subtitle", "language", "lang",
                       "keywords", "subject", "description", "abstract", "publisher", "rights",
                       "copyright"})
_MMD_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9 _-]{0,40}):[ \t]*(.*)$")


def _mmd_title_block(text: str, warn: Warn) -> FrontMatter:
    """``Title: …`` / ``Author: …`` lines before the first blank line
    (MultiMarkdown's metadata, read by Pandoc as ``mmd_title_block``).

    Every line up to the blank one must be a key line or an indented
    continuation, and one key must be a bibliographic one, so a paragraph
    that happens to open with "Note: …" stays text.
    """
    data: dict[str, Any] = {}
    keys: list[str] = []
    used = 0
    for line in text.split("\n", 64)[:64]:
        if not line.strip():
            break
        match = _MMD_LINE.match(line)
        if match:
            key = match.group(1).strip()
            keys.append(key)
            value = match.group(2).strip()
            previous = data.get(key)
            if previous is None:
                data[key] = value
            else:  # a key given twice (two Author lines) makes a list
                data[key] = [*(previous if isinstance(previous, list) else [previous]), value]
        elif line[:1] in (" ", "\t") and keys:
            current = data[keys[-1]]
            addition = line.strip()
            if isinstance(current, list):
                current[-1] = f"{current[-1]} {addition}".strip()
            else:
                data[keys[-1]] = f"{current} {addition}".strip()
        else:
            return FrontMatter(text)
        used += 1
    if not keys or not any(k.lower().replace(" ", "") in _MMD_KEYS for k in keys):
        return FrontMatter(text)
    for key in ("author", "Author", "authors", "Authors"):
        value = data.get(key)
        if isinstance(value, str) and ";" in value:
            data[key] = [name.strip() for name in value.split(";") if name.strip()]
    lines = text.split("\n", used)[:used]
    return FrontMatter(_blank_lines(text, 0, used), metadata_from_mapping(data, warn, lines))


# ---------------------------------------------------------------- fields


def _line_of(lines: list[str], key: str, offset: int = 0) -> int | None:
    for number, line in enumerate(lines, 1):
        if line.startswith((f"{key}:", f"{key} :")):
            return number + offset
    return None


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    if isinstance(value, (str, int, float)):
        return " ".join(xml_safe(str(value)).split())
    return None


def _names(value: Any) -> list[str]:
    """A name, a list of names, or a list of ``{name: …}`` tables."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items[:MAX_ITEMS]:
        if isinstance(item, dict):
            if len(item) == 1 and isinstance(next(iter(item.values())), (dict, type(None))):
                item = next(iter(item))  # Pandoc Scholar: ``- Jane Doe: {orcid: …}``
            else:
                item = item.get("name") or item.get("literal")
        text = _scalar(item)
        if text:
            names.append(text)
    return names


def _strings(value: Any) -> list[str]:
    """A list of strings, or one string of comma-separated items."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()][:MAX_ITEMS]
    if isinstance(value, list):
        return [s for s in (_scalar(v) for v in value[:MAX_ITEMS]) if s]
    text = _scalar(value)
    return [text] if text else []


#: Dates written out in English (Pandoc title blocks: ``July 17, 2006``).
_WRITTEN_DATES = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %Y", "%b %Y")


def normalize_date(value: str) -> str | None:
    """An ISO date prefix (``2020``, ``2020-05``, ``2020-05-17``) or an English
    date written out (``July 17, 2006``), as ISO; else None."""
    match = _ISO_DATE.match(value.strip())
    if not match:
        for pattern in _WRITTEN_DATES:
            try:
                parsed = dt.datetime.strptime(" ".join(value.split()), pattern)
            except ValueError:
                continue
            return parsed.strftime("%Y-%m-%d" if "%d" in pattern else "%Y-%m")
        return None
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12:
        return year
    if day and not 1 <= int(day) <= 31:
        return f"{year}-{month}"
    return "-".join(p for p in (year, month, day) if p)


#: Front-matter key → Metadata field, for plain text fields.
TEXT_FIELDS: dict[str, str] = {
    "title": "title",
    "subtitle": "subtitle",
    "description": "description",
    "abstract": "description",
    "summary": "description",
    "publisher": "publisher",
    "rights": "rights",
    "copyright": "rights",
    "license": "rights",
    "identifier": "identifier",
    "isbn": "isbn",
    "dedication": "dedication",
}
AUTHOR_KEYS = ("author", "authors", "creator")
LANGUAGE_KEYS = ("lang", "language")
LIST_FIELDS: dict[str, str] = {"subjects": "subjects", "subject": "subjects",
                               "keywords": "keywords", "tags": "keywords"}


#: Fields Pandoc reads as Markdown (``title: "On *Printing*"``): the book's
#: metadata keeps their text, without the markup characters.
_INLINE_MARKDOWN = frozenset({"title", "subtitle", "description", "abstract", "summary",
                              "dedication"})


def plain_inline(text: str) -> str:
    """The text of inline Markdown: ``On *Printing* `now` `` → ``On Printing now``."""
    if not any(mark in text for mark in "*_`[<\\"):
        return text
    from markdown_it import MarkdownIt

    pieces: list[str] = []
    for token in MarkdownIt("commonmark").parseInline(text)[0].children or []:
        if token.type in ("text", "code_inline"):
            pieces.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            pieces.append(" ")
    return " ".join("".join(pieces).split()) or text


def metadata_from_mapping(data: dict[Any, Any], warn: Warn, lines: list[str],
                          offset: int = 0) -> dict[str, Any]:
    """Map front-matter keys to :class:`~book.model.Metadata` field names
    (``offset``: the line before the block's first, for warnings)."""
    meta: dict[str, Any] = {}
    lowered = {str(k).strip().lower(): (str(k), v) for k, v in list(data.items())[:200]}
    for key, (original, value) in lowered.items():
        line = _line_of(lines, original, offset)
        if key in TEXT_FIELDS:
            text = _scalar(value)
            if key == "title" and isinstance(value, dict):  # Pandoc allows {main, sub}
                text = _scalar(value.get("main") or value.get("text"))
            if text is None:
                warn("MD061", f"front matter {original!r} should be text", line)
            elif text and TEXT_FIELDS[key] not in meta:
                meta[TEXT_FIELDS[key]] = plain_inline(text) if key in _INLINE_MARKDOWN else text
        elif key in AUTHOR_KEYS:
            names = _names(value)
            if names:
                meta.setdefault("authors", []).extend(n for n in names if n not in meta.get("authors", []))
            else:
                warn("MD061", f"front matter {original!r} should be a name or a list of names", line)
        elif key in LANGUAGE_KEYS:
            text = _scalar(value) or ""
            tag = text.replace("_", "-")
            if is_well_formed(tag):
                meta["language"] = tag
                problem = check_registered(tag)
                if problem is not None:
                    warn(problem.code, f"front matter language {text!r}: {problem.reason} "
                         f"({problem.hint()})", line)
            else:
                suggestion = suggest_for_malformed(text)
                advice = f" (did you mean {suggestion}?)" if suggestion else ""
                warn("MD062", f"front matter language {text!r} is not a BCP 47 tag such as en or pl"
                     f"{advice}", line)
        elif key == "date":
            text = _scalar(value) or ""
            date = normalize_date(text)
            if date is None:
                year = _YEAR.search(text)
                date = year.group(1) if year else None
            if date:
                meta["date"] = date
            else:
                warn("MD063", f"front matter date {text!r} is not a date such as 2024-05-17", line)
        elif key in LIST_FIELDS:
            items = _strings(value)
            if items:
                meta.setdefault(LIST_FIELDS[key], []).extend(items)
    return meta
