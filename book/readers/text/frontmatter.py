"""The title page, dedication and epigraph at the top of a plain-text book.

Before its first heading a book usually has a title page: production
credits (Project Gutenberg's "Produced by …"), the title, a subtitle, "By
…" and "Translated by …" lines, sometimes a dedication ("To my mother",
or an indented "Miriamowi") or an epigraph (an indented quotation whose
last line is an attribution).  :func:`read_front_matter` turns these into
metadata and front-matter divisions so they are not printed as body text;
our own title page replaces them.

Two conventions are known: *title first* (Project Gutenberg and most
manuscripts) and *author first* (Wolne Lektury), chosen by the library
wrapper found around the text.  Only the leading run of short blocks
counts, and only when a heading follows it or a library header vouches for
it, so a text that simply opens with a short line is left whole.
"""

from __future__ import annotations

import re
from typing import Any

from .blocks import Block
from .boilerplate import AUTHOR_FIRST, split_names
from .headings import HeadingMatch

_CREDIT = re.compile(
    r"^(?:(?:this\s+)?(?:e-?text|e-?book|html version)?\s*(?:was\s+)?(?:produced|prepared|"
    r"transcribed|digitized|scanned|proofread|created|edited for pg)\b.*\bby\b|"
    r"(?:produced|prepared|transcribed) by\b|.*\bdistributed proofread(?:ing|ers)\b)", re.I)
_BY_LINE = re.compile(
    r"^(?:by|von|par|por|di|door|av|af|napisał[a]?|написал[а]?)\s+(?P<names>.+?)\.?$", re.I)
_TRANSLATED = re.compile(
    r"^(?:translated(?: from the [\w ]+)? by|translation by|übersetzt von|traduit(?: [\w ]+)? par|"
    r"traducción de|tradotto da|przełożył[a]?|przekład|tłumaczenie|tłumaczył[a]?|"
    r"перевод)\s*:?\s*(?P<names>.+?)\.?$", re.I)
_DEDICATION_WORDS = re.compile(
    r"^(?:to|for|dedicated to|in memory of|in memoriam|dla|pamięci|poświęcam|für|à|al|alla|"
    r"a mi|à la mémoire|посвящается|памяти)\b", re.I)
_ATTRIBUTION = re.compile(r"^(?:[-–—]{1,2}|―)\s*\S")
_SENTENCE_END = re.compile(r"[.!?…]['\"’”»)\]]*$")
#: Longest line of a title page.
_LINE_MAX = 80
#: Most blocks a title page (with dedication) can have.
_TITLE_PAGE_BLOCKS = 12


def _first_heading(blocks: list[Block]) -> int:
    """Index of the first heading block (or the end)."""
    for index, block in enumerate(blocks):
        if block.role == "heading":
            return index
    return len(blocks)


def _short(block: Block, limit: int = 4) -> bool:
    """At most ``limit`` short lines: what a title page is made of."""
    return (len(block.lines) <= limit and len(block.text) <= 200
            and all(len(line.strip()) <= _LINE_MAX for line in block.lines))


def read_front_matter(blocks: list[Block], convention: str, known: dict[str, Any],
                      has_headings: bool) -> dict[str, Any]:
    """Read the title page before the first heading into metadata.

    Title-page blocks are dropped from the text; a dedication or epigraph
    block gets the role ``dedication`` / ``epigraph``.  ``known`` is what the
    library header already said (its title helps find the title line).
    """
    meta: dict[str, Any] = {}
    live = [i for i, b in enumerate(blocks) if b.role != "drop"]
    if not live:
        return meta
    stop = _first_heading(blocks)
    zone = [i for i in live if i < stop]
    page = [i for i in zone if blocks[i].role in ("text", "heading")]
    # The title page: the leading short blocks, up to the first prose.
    title_page: list[int] = []
    for i in zone[:_TITLE_PAGE_BLOCKS]:
        block = blocks[i]
        # Title lines stand alone or in pairs; only a set-apart (indented)
        # dedication or epigraph runs longer.  Three short lines are a stanza.
        if block.role != "text" or not _short(block, 4 if block.indented else 2) or (
                len(block.lines) > 1 and not block.indented and _prose_like(block)):
            break
        title_page.append(i)
    if not title_page:
        return meta
    if not has_headings and len(title_page) == len(page):
        return meta  # a short text of short lines: nothing is a title page
    if convention != AUTHOR_FIRST and not known.get("title") and stop == len(blocks):
        return meta  # no library header and no headings: keep the text whole
    dedication = _dedication(blocks, title_page)
    lines = [(i, blocks[i].text) for i in title_page if i not in dedication]
    meta = _title_page_metadata(lines, convention, known)
    for i in title_page:
        if i in dedication:
            blocks[i].role = dedication[i]
        else:
            blocks[i].role = "drop"
            blocks[i].data["why"] = "title page"
    return meta


def _prose_like(block: Block) -> bool:
    """Sentences end inside the block: prose, not title-page lines."""
    return any(_SENTENCE_END.search(line.strip()) for line in block.lines[:-1])


def _dedication(blocks: list[Block], title_page: list[int]) -> dict[int, str]:
    """Blocks of the title page that are a dedication or an epigraph."""
    found: dict[int, str] = {}
    # Indentation sets a block apart only on a title page that is not centred.
    set_apart = not blocks[title_page[0]].indented
    for position, i in enumerate(title_page):
        block = blocks[i]
        if position == 0:
            continue  # the first line of a title page is its title or author
        last = block.lines[-1].strip()
        apart = set_apart and block.indented
        if apart and len(block.lines) >= 2 and _ATTRIBUTION.match(last):
            found[i] = "epigraph"
        elif (apart or _DEDICATION_WORDS.match(block.lines[0].strip())) and not (
                _CREDIT.match(block.text) or _BY_LINE.match(block.text)):
            found[i] = "dedication"
    return found


def _plain(text: str) -> str:
    """Lower case, no punctuation, single spaces: for comparing titles."""
    return " ".join(re.sub(r"[^\w\s]", " ", text).lower().split())


def _title_page_metadata(lines: list[tuple[int, str]], convention: str,
                         known: dict[str, Any]) -> dict[str, Any]:
    """Title, subtitle, authors and translators from the title-page lines.

    Production credits are skipped; "By …" and "Translated by …" lines name
    people.  In the title-first convention the title is the line matching the
    library header's title (or the first line), the next one or two lines
    the subtitle; in the author-first convention (Wolne Lektury) the first
    line is the author.
    """
    meta: dict[str, Any] = {}
    rest: list[str] = []
    for _, text in lines:
        text = " ".join(text.split())
        if _CREDIT.match(text):
            continue
        if match := _TRANSLATED.match(text):
            meta.setdefault("translators", split_names(match.group("names")))
            continue
        if match := _BY_LINE.match(text):
            meta.setdefault("authors", split_names(match.group("names")))
            continue
        rest.append(text)
    if not rest:
        return meta
    if convention == AUTHOR_FIRST:
        if len(rest) >= 2:
            meta.setdefault("authors", split_names(rest[0]))
            rest = rest[1:]
        meta["title"] = rest[0]
        if len(rest) > 1:
            meta["subtitle"] = " ".join(rest[1:3])
        return meta
    known_title = _plain(str(known.get("title", "")))
    title_at = 0
    if known_title:
        for index, text in enumerate(rest):
            plain = _plain(text)
            if plain and (plain == known_title or known_title.startswith(plain + " ")):
                title_at = index
                break
        else:
            return meta  # credits and notes, but no title line
    meta["title"] = rest[title_at]
    subtitle = [t for t in rest[title_at + 1:title_at + 3] if not t.isdigit()]
    if subtitle:
        meta["subtitle"] = " ".join(subtitle)
    return meta


def title_page_subtitles(blocks: list[Block], convention: str) -> None:
    """A heading on the title page with no sibling heading is a subtitle.

    "Część pierwsza — Jesień" under the title of a book that has no other
    "Część" is the volume's subtitle, not a part holding every chapter.
    """
    first_text = next((i for i, b in enumerate(blocks) if b.role == "text"), None)
    if first_text is None or convention != AUTHOR_FIRST:
        return
    for index, block in enumerate(blocks[:_TITLE_PAGE_BLOCKS]):
        if block.role != "heading" or index < first_text:
            continue
        heading: HeadingMatch = block.data["heading"]
        siblings = [b for b in blocks[index + 1:] if b.role == "heading"
                    and b.data["heading"].rank == heading.rank]
        before = [b for b in blocks[:index] if b.role == "text"]
        if not siblings and 1 <= len(before) <= 3 and all(_short(b) for b in before):
            block.role = "text"
        break
