"""``[metadata]``: title, people, identifiers, dates, language, series,
dedication and epigraph, each checked as it is read.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..language_tags import check_registered, is_well_formed, suggest_for_malformed
from ..model import MARC_ROLES, Contributor, Epigraph, Metadata, Series
from .reader import _Reader
from .settings import CONFIG_NAME


def _contributors(r: _Reader, table: dict[str, Any], key: str, default_role: str) -> list[Contributor]:
    raw = table.get(key, [])
    if isinstance(raw, (str, dict)):
        raw = [raw]
    if not isinstance(raw, list):
        raise r.error(f"metadata.{key} must be a name, a list of names or of tables", "metadata", key)
    people = []
    for item in raw:
        if isinstance(item, str):
            people.append(Contributor(item.strip(), default_role))
        elif isinstance(item, dict):
            extra = set(item) - {"name", "role", "file_as"}
            if extra or not isinstance(item.get("name"), str):
                raise r.error(f"metadata.{key} entries need a name (and may have role, file_as)",
                              "metadata", key)
            role = str(item.get("role", default_role)).strip().lower()
            if role not in MARC_ROLES:
                raise r.error(f"unknown MARC relator role {role!r} in metadata.{key} "
                              f"(e.g. aut, edt, trl, ill)", "metadata", key)
            people.append(Contributor(item["name"].strip(), role, item.get("file_as")))
        else:
            raise r.error(f"metadata.{key} entries must be names or tables", "metadata", key)
    return people


def _metadata(r: _Reader, table: dict[str, Any], root: Path) -> Metadata:
    allowed = {
        "title", "subtitle", "author", "authors", "contributors", "language", "lang",
        "identifier", "isbn", "print_isbn", "publisher", "date", "description", "subjects",
        "keywords", "series", "series_position", "rights", "edition", "cover", "dedication",
        "epigraph",
    }
    r.check_keys(table, "metadata", allowed)
    s = lambda key: r.string(table, "metadata", key)  # noqa: E731
    meta = Metadata(
        title=s("title"), subtitle=s("subtitle"), identifier=s("identifier"),
        isbn=_isbn(r, s("isbn"), "isbn"), print_isbn=_isbn(r, s("print_isbn"), "print_isbn"),
        publisher=s("publisher"), date=_date(r, s("date")), description=s("description"),
        rights=s("rights"), edition=s("edition"), dedication=s("dedication"),
        language=s("language") or s("lang"),
        subjects=r.string_list(table, "metadata", "subjects"),
        keywords=r.string_list(table, "metadata", "keywords"),
    )
    meta.authors = _contributors(r, table, "authors", "aut") + _contributors(r, table, "author", "aut")
    meta.contributors = _contributors(r, table, "contributors", "ctb")
    if meta.language:
        _check_language(r, meta.language, "language" if "language" in table else "lang")
    series = table.get("series")
    if isinstance(series, str):
        position = table.get("series_position")
        meta.series = Series(series.strip(), str(position) if position is not None else None)
    elif isinstance(series, dict):
        if not isinstance(series.get("name"), str):
            raise r.error("metadata.series needs a name", "metadata", "series")
        pos = series.get("position")
        meta.series = Series(series["name"].strip(), str(pos) if pos is not None else None)
    elif series is not None:
        raise r.error("metadata.series must be a name or a table {name, position}", "metadata", "series")
    epigraph = table.get("epigraph")
    if isinstance(epigraph, str):
        meta.epigraph = Epigraph(epigraph.strip())
    elif isinstance(epigraph, dict):
        meta.epigraph = Epigraph(str(epigraph.get("text", "")).strip(), str(epigraph.get("source", "")).strip())
    elif epigraph is not None:
        raise r.error("metadata.epigraph must be text or a table {text, source}", "metadata", "epigraph")
    cover = s("cover")
    if cover:
        meta.cover = Path(cover)  # resolved through the sandbox by the images pass
    for name in ("title", "subtitle", "language", "identifier", "isbn", "publisher", "date",
                 "description", "rights", "authors", "cover"):
        if getattr(meta, name):
            meta.origins[name] = CONFIG_NAME
    return meta


def _check_language(r: _Reader, tag: str, key: str) -> None:
    """A malformed tag is an error; one the IANA registry does not know (or
    deprecates) is kept, with a warning naming the closest registered tag."""
    if not is_well_formed(tag):
        suggestion = suggest_for_malformed(tag)
        raise r.error(f"metadata.{key} {tag!r} is not a BCP 47 tag such as pl or en-GB",
                      "metadata", key, hint=f"did you mean {suggestion}?" if suggestion else None)
    problem = check_registered(tag)
    if problem is not None:
        r.warn(problem.code, f"metadata.{key} {tag!r}: {problem.reason}", "metadata", key,
               hint=problem.hint())


def _isbn(r: _Reader, value: str, key: str) -> str:
    if not value:
        return ""
    digits = re.sub(r"[\s-]", "", value).upper()
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
        if (10 - total % 10) % 10 == int(digits[12]):
            return digits
    elif len(digits) == 10 and re.fullmatch(r"\d{9}[\dX]", digits):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(digits))
        if total % 11 == 0:
            return digits
    raise r.error(f"metadata.{key} {value!r} is not a valid ISBN-10 or ISBN-13 (check digit)",
                  "metadata", key)


def _date(r: _Reader, value: str) -> str:
    if value and not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
        raise r.error(f"metadata.date {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD", "metadata", "date")
    return value
