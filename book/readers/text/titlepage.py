"""The lines of a title page, each recognized by its role.

A printed title page stacks short lines: the title, perhaps a subtitle, a
by-line (``by``, ``von``, ``par``, ``przez``, ``autor:``, ``Kirj.``; alone
on its line before the name, or with it), a translator's credit, the
imprint (publisher, printer, place, street), a price and a date.  Each line
gets one role:

=============  ==============================================================
``credit``     a transcriber's credit ("Produced by …"): left out
``title``      the line matching the library header's title, or the first
               line that has no other role (the second, after an author's
               name, in the author-first convention)
``subtitle``   at most two lines right after the title, before any credit
``author``     a by-line's name, or a line that repeats the known author
``translator`` a translator's credit and its name
``imprint``    publisher, printer, place or address
``price``      a price
``date``       a year, or a short line holding one
``text``       anything else: kept as front-matter text, never a heading
=============  ==============================================================

Recognized lines go into the metadata (title, subtitle, authors,
translators) or are left out as the source edition's imprint, which our own
title page and imprint replace; the build reports both.  The metadata
title is set in the language's normal case when the page prints it in
capitals (:func:`normal_case`), without a trailing full stop.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .boilerplate import AUTHOR_FIRST, split_names
from .headings import match_heading

CREDIT = re.compile(
    r"^(?:(?:this\s+)?(?:e-?text|e-?book|html version)?\s*(?:was\s+)?(?:produced|prepared|"
    r"transcribed|digitized|scanned|proofread|created|edited for pg)\b.*\bby\b|"
    r"(?:produced|prepared|transcribed) by\b|.*\bdistributed proofread(?:ing|ers)\b)", re.I)
_BY_WORDS = (r"by|von|vom|par|por|door|av|af|przez|napisał[a]?|написал[а]?|kirj\.?|"
             r"kirjoittanut|autor(?:ka)?\s*:|author\s*:|auteur\s*:|verfasser\s*:")
BY_LINE = re.compile(rf"^(?:{_BY_WORDS})\s+(?P<names>\S.*?)\.?$", re.I)
_BY_ALONE = re.compile(rf"^(?:{_BY_WORDS})[.:]?$", re.I)
TRANSLATED = re.compile(
    r"^(?:translated(?: from the [\w ]+?)?(?: by)?|translation(?: by)?|(?:aus dem \w+ )?übersetzt"
    r"(?: von)?|übertragen(?: von)?|traduit(?: de l['’]\w+| du \w+)?(?: par)?|traduction(?: de)?|"
    r"traducción(?: de)?|tradotto(?: da)?|przełożył[a]?|przekład(?: z \w+)?|tłumaczenie|"
    r"tłumaczył[a]?|перевод(?: с \w+)?|suomentanut|suomennos|käännös|vertaald door)"
    r"\s*[:.]?\s*(?P<names>.*?)\.?$", re.I)
_IMPRINT = re.compile(
    r"\b(?:verlag\w*|druck\w*|drukiem|druk|drukarni\w*|nakład\w*|wydawnictw\w*|księgarni\w*|"
    r"publisher\w*|publishing|press|printed|printer\w*|imprimerie|éditeur\w*|éditions?|"
    r"librair\w*|editore|editorial|kustannus\w*|osakeyhtiö|buchhandlung|company|limited|ltd|"
    r"gmbh|typograph\w*|kirjapaino\w*|типографи\w*|издани\w*)\b", re.I)
_PRICE = re.compile(
    r"(?:\b(?:price|preis|prix|cena|prezzo|precio|hinta|цена)\b.*\d|\d+\s*(?:zł|kop|fr|mk|pf|"
    r"€|£|\$|rub|руб)\b|[€£$]\s*\d)", re.I)
_YEAR = re.compile(r"(?<!\d)(?:1[4-9]\d\d|20\d\d)(?!\d)")
_ROMAN_YEAR = re.compile(r"^M{1,2}[DCLXVI]{2,}\.?$")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÞĀ-ſА-Я][\w'’.-]*|[A-Z]\.)$")


@dataclass
class TitleLine:
    """One line of a title page and what it is."""

    block: int  # index of its block
    text: str
    role: str = ""
    line: int = 0  # 1-based source line


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())


def _looks_like_name(text: str) -> bool:
    words = text.rstrip(".,").split()
    return 2 <= len(words) <= 5 and all(_NAME_WORD.match(w) for w in words) and not any(
        ch.isdigit() for ch in text)


def _names_only(text: str) -> bool:
    """A list of people's names and nothing else."""
    parts = [p for p in re.split(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\bi\b)\s*", text) if p]
    return bool(parts) and all(_looks_like_name(p) for p in parts)


def is_credit(text: str) -> bool:
    """A transcriber's credit, in any sentence of ``text`` ("This etext is
    in German. … This etext was produced by …")."""
    return any(CREDIT.match(part) for part in re.split(r"(?<=[.!?])\s+", text.strip()))


def line_role(text: str) -> str:
    """The role a line has by its wording alone ("" when none)."""
    if is_credit(text):
        return "credit"
    if _PRICE.search(text):
        return "price"
    if TRANSLATED.match(text):
        return "translator"
    if BY_LINE.match(text) or _BY_ALONE.match(text):
        return "author"
    words = text.split()
    if _ROMAN_YEAR.match(text) or (_YEAR.search(text) and len(words) <= 7 and not _IMPRINT.search(
            text)):
        return "date"
    if _IMPRINT.search(text) and len(words) <= 8:
        return "imprint"
    return ""


def origins(lines: list[TitleLine]) -> dict[str, str]:
    """Where each field the title page states was read: "title page, line N"."""
    fields = {"title": "title", "subtitle": "subtitle", "author": "authors",
              "translator": "contributors"}
    found: dict[str, str] = {}
    for line in lines:
        name = fields.get(line.role)
        if name and name not in found and line.line:
            found[name] = f"title page, line {line.line}"
    return found


def read_roles(lines: list[TitleLine], convention: str, known: dict[str, Any]) -> dict[str, Any]:
    """Give every line its role; return the metadata they state."""
    meta: dict[str, Any] = {}
    known_title = _plain(str(known.get("title", "")))
    known_authors = {_plain(a) for a in known.get("authors", []) or []}
    for line in lines:
        line.role = line_role(line.text)
    # A by-word or translator's word alone: the name is on the next line.
    skip = -1
    for index, line in enumerate(lines):
        if index == skip:
            continue  # the name a by-word alone asked for
        nxt = lines[index + 1] if index + 1 < len(lines) else None
        names = ""
        if line.role == "author":
            found = BY_LINE.match(line.text)
            names = found.group("names") if found else ""
        elif line.role == "translator":
            names = TRANSLATED.match(line.text).group("names")
        else:
            continue
        key = "authors" if line.role == "author" else "translators"
        if not names and nxt is not None and not nxt.role:
            nxt.role, names, skip = line.role, nxt.text, index + 1
        if names:
            _add(meta, key, names)
    free = [line for line in lines if not line.role]
    for line in free:
        if _plain(line.text) in known_authors:
            line.role = "author"
    title = _title_line(lines, convention, known_title, meta)
    if title is None:
        return meta
    title.role = "title"
    meta["title"] = title.text
    position = lines.index(title)
    for line in lines[:position]:
        if not line.role and _names_only(line.text):
            line.role = "credit"  # "An Anonymous Volunteer, and David Widger"
    subtitle = []
    for line in lines[position + 1:position + 3]:
        if line.role:
            break
        line.role = "subtitle"
        subtitle.append(line.text)
    if subtitle:
        meta["subtitle"] = " ".join(subtitle)
    # Lines after the by-line that state a place ("WARSZAWA.", "Helsingissä,").
    credits = [i for i, line in enumerate(lines) if line.role in ("author", "translator")]
    for line in lines[(credits[-1] + 1 if credits else position + 1):]:
        if line.role:
            continue
        imprint_block = any(other.block == line.block and other.role in ("imprint", "date")
                            for other in lines)
        if len(line.text.split()) <= 2 and line.text[:1].isupper() and (
                line.text[-1:] in ".,:" or imprint_block):
            line.role = "imprint"  # a place
        elif len(line.text.split()) <= 6 and any(ch.isdigit() for ch in line.text) and \
                match_heading(line.text) is None:
            line.role = "imprint"  # an address ("15. ulica Warecka 15."), not "CHAPTER 1"
    return meta


def _title_line(lines: list[TitleLine], convention: str, known_title: str,
                meta: dict[str, Any]) -> TitleLine | None:
    free = [line for line in lines if not line.role]
    if not free:
        return None
    if known_title:
        for line in free:
            plain = _plain(line.text)
            if plain and (plain == known_title or known_title.startswith(plain + " ")):
                return line
        return None  # credits and notes, but no title line
    if convention == AUTHOR_FIRST and len(free) >= 2 and "authors" not in meta:
        free[0].role = "author"
        _add(meta, "authors", free[0].text)
        return free[1]
    return free[0]


def _add(meta: dict[str, Any], key: str, names: str) -> None:
    found = split_names(names.strip().rstrip(".,"))
    if found:
        meta.setdefault(key, [])
        meta[key] += [n for n in found if n not in meta[key]]


# ------------------------------------------------------------------ case


_SMALL_WORDS = frozenset(
    "a an the and or nor but of in on at to for by with from as into upon via vs".split())


def normal_case(title: str, lang: str, counts: Counter[str] | None = None) -> str:
    """A title printed in capitals, in the language's normal case.

    English titles take title case (small words in lower case); other
    languages take sentence case, except words the book's own text
    capitalizes in mid-sentence (names: ``Baskerville'ów``), found in
    ``counts`` (word → how often it is capitalized minus how often not).
    A trailing full stop goes either way.
    """
    title = " ".join(title.split()).rstrip(".").strip()
    letters = [ch for ch in title if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters):
        return title
    out = []
    for index, word in enumerate(title.split()):
        lower = word.lower()
        if _is_roman(word):
            out.append(word)
        elif index == 0:
            out.append(_capitalize(lower))
        elif lang.startswith("en"):
            out.append(lower if lower in _SMALL_WORDS else _capitalize(lower))
        elif counts is not None and counts.get(_core(lower), 0) > 0:
            out.append(_capitalize(lower))
        else:
            out.append(lower)
    return " ".join(out)


def _core(word: str) -> str:
    return re.sub(r"^\W+|\W+$", "", word)


def _capitalize(word: str) -> str:
    for index, ch in enumerate(word):
        if ch.isalpha():
            return word[:index] + ch.upper() + word[index + 1:]
    return word


def _is_roman(word: str) -> bool:
    """A Roman number such as the "I" of "Karamazovin veljekset I" (not "MILL")."""
    from .headings import roman_value

    core = word.rstrip(".,:;")
    return len(core) <= 6 and roman_value(core) is not None


def case_counts(texts: list[str]) -> Counter[str]:
    """For each word of ``texts`` (lower case), how much more often it is
    capitalized than not where a sentence does not begin."""
    counts: Counter[str] = Counter()
    for text in texts:
        previous = "."
        for raw in text.split():
            word = _core(raw)
            if word and word[0].isalpha() and previous[-1:] not in ".!?:—–-\"“„«»":
                counts[word.lower()] += 1 if word[0].isupper() else -1
            previous = raw
    return counts


def name_case(name: str) -> str:
    """A name printed in capitals, capitalized word by word ("HEINRICH
    HEINE" → "Heinrich Heine"); other names as they are."""
    name = " ".join(name.split()).rstrip(".,")
    letters = [ch for ch in name if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters):
        return name
    return " ".join("-".join(_capitalize(part.lower()) for part in word.split("-"))
                    for word in name.split())


def split_like(header_title: str, title: str, subtitle: str) -> tuple[str, str] | None:
    """The header's title cut where the title page cuts title from subtitle,
    when the header runs them together ("Tajemnica Baskerville'ów dziwne
    przygody Sherlocka Holmes")."""
    if not (header_title and title and subtitle):
        return None
    if _plain(header_title) != _plain(f"{title} {subtitle}"):
        return None
    words = header_title.split()
    for cut in range(1, len(words)):
        if _plain(" ".join(words[:cut])) == _plain(title):
            rest = " ".join(words[cut:]).strip(" :;,.—–-")
            return " ".join(words[:cut]).rstrip(" :;,.—–-"), _capitalize(rest)
    return None
