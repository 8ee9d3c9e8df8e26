"""The title page, dedication and epigraph at the top of a plain-text book.

Before its first heading a book usually has a title page: production
credits (Project Gutenberg's "Produced by …"), the title, a subtitle, "By
…" and "Translated by …" lines, an imprint, a date, sometimes a dedication
("To my mother", or an indented "Miriamowi") or an epigraph (an indented
quotation whose last line, or a line set apart under it, is an
attribution).  :func:`read_front_matter` finds the page (the leading short
blocks, up to prose; a transcriber's box and a named-division word among
them are passed over) and lets ``titlepage.py`` give each line its role;
recognized lines become metadata and are left out, unrecognized ones stay
as front-matter text, never headings.

Two conventions are known: *title first* (Project Gutenberg and most
manuscripts) and *author first* (Wolne Lektury), chosen by the library
wrapper found around the text.  Only the leading run of short blocks
counts, and only when a heading follows it, a library header vouches for
it or a by-line shows it, so a text that simply opens with a short line is
left whole; unrecognized lines after the page's last recognized one open
the text.
"""

from __future__ import annotations

import re
from typing import Any

from .blocks import Block
from .boilerplate import AUTHOR_FIRST
from .headings import HeadingMatch
from .titlepage import (BY_LINE, CREDIT, TitleLine, is_credit, line_role, origins,
                             read_roles)

_DEDICATION_WORDS = re.compile(
    r"^(?:to|for|dedicated to|in memory of|in memoriam|dla|pamięci|poświęcam|für|à|al|alla|"
    r"a mi|à la mémoire|посвящается|памяти)\b", re.I)
_ATTRIBUTION = re.compile(r"^(?:(?:[-–—]{1,2}|―)\s*\S|\(.*\)\.?$)")
_SENTENCE_END = re.compile(r"[.!?…]['\"’”»)\]]*$")
#: Fewest words of a quotation above an attribution (fewer: a dedication).
_QUOTATION_WORDS = 6
#: Longest line of a title page.
_LINE_MAX = 80
#: Most blocks a title page (with dedication) can have.
_TITLE_PAGE_BLOCKS = 20


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

    Title-page lines whose role is recognized (``titlepage.py``) are
    dropped from the text; lines with no recognized role stay as
    front-matter text (role ``front``), never as headings; a dedication or
    epigraph block gets the role ``dedication`` / ``epigraph``.  ``known``
    is what the library header already said (its title helps find the title
    line).
    """
    meta: dict[str, Any] = {}
    live = [i for i, b in enumerate(blocks) if b.role not in ("drop", "title-line")]
    if not live:
        return meta
    _title_page_words(blocks, live)
    stop = _first_heading(blocks)
    zone = [i for i in live if i < stop]
    page = [i for i in zone if blocks[i].role in ("text", "heading")]
    title_page = _title_page_blocks(blocks, zone)
    if not title_page:
        return meta
    texts = [i for i in title_page if blocks[i].role == "text"]
    lines = [TitleLine(i, " ".join(line.split()), line=blocks[i].line + offset)
             for i in texts for offset, line in enumerate(
                 [blocks[i].text] if is_credit(blocks[i].text) else blocks[i].lines)]
    by_line = any(line_role(line.text) in ("author", "translator") for line in lines)
    if not has_headings and len(texts) == len(page) and not by_line:
        return meta  # a short text of short lines: nothing is a title page
    if convention != AUTHOR_FIRST and not known.get("title") and stop == len(blocks) \
            and not by_line:
        return meta  # no library header, no headings, no by-line: keep the text whole
    dedication = _dedication(blocks, texts)
    lines = [line for line in lines if line.block not in dedication]
    meta = read_roles(lines, convention, known)
    _no_sentence_subtitle(lines, meta)
    if meta:
        meta["origins"] = origins(lines)
    roles: dict[int, set[str]] = {}
    for line in lines:
        roles.setdefault(line.block, set()).add(line.role)
    # Unrecognized lines after the page's last recognized one open the text.
    last = max([i for i, found in roles.items() if found - {""}] + list(dedication) + [-1])
    for i in title_page:
        if blocks[i].role == "box":
            blocks[i].data["front"] = True
    for i in texts:
        if i > last:
            continue
        if i in dedication:
            blocks[i].role = dedication[i]
        elif "" in roles.get(i, {""}):
            blocks[i].role = "front"  # not recognized: kept, as front matter
        else:
            blocks[i].role = "drop"
            blocks[i].data["why"] = "title page"
            blocks[i].data["roles"] = sorted(roles[i])
    return meta


def _title_page_words(blocks: list[Block], live: list[int]) -> None:
    """A named-division word among the title page's lines ("Dodatek do
    SŁOWA": a supplement to a newspaper; "Introduction by …") is a line of
    the page, not a heading: short title-page lines follow it, not text."""
    for position, i in enumerate(live[:_TITLE_PAGE_BLOCKS]):
        block = blocks[i]
        if block.role != "heading":
            continue
        heading: HeadingMatch = block.data["heading"]
        if heading.rank != "division" or "contents" in block.data or position + 1 >= len(live):
            return
        nxt = blocks[live[position + 1]]
        later = any(blocks[j].role == "heading" for j in live[position + 1:])
        if nxt.role == "text" and _short(nxt, 3) and not _prose_like(nxt) and later:
            block.role = "text"
        else:
            return


def _title_page_blocks(blocks: list[Block], zone: list[int]) -> list[int]:
    """The leading short blocks of the zone before the first heading (a
    transcriber's box among them is passed over)."""
    title_page: list[int] = []
    for i in zone[:_TITLE_PAGE_BLOCKS]:
        block = blocks[i]
        if block.role == "box":
            title_page.append(i)
            continue
        if block.role == "text" and is_credit(block.text):
            title_page.append(i)  # "Produced by …", however long
            continue
        # Title lines stand alone or in small groups; only a set-apart (indented)
        # dedication or epigraph runs longer.  Prose ends the page.
        if block.role != "text" or not _short(block, 6 if block.indented else 3) or (
                len(block.lines) > 1 and not block.indented
                and max(len(line.strip()) for line in block.lines) > 50
                and not all(line_role(line.strip()) for line in block.lines)):
            break
        title_page.append(i)
    return title_page


def _no_sentence_subtitle(lines: list[TitleLine], meta: dict[str, Any]) -> None:
    """A subtitle that ends like a sentence and is the page's last line is
    the first sentence of the text: not a subtitle."""
    subtitle = [line for line in lines if line.role == "subtitle"]
    if not subtitle:
        return
    last = subtitle[-1]
    after = lines[lines.index(last) + 1:]
    words = len(last.text.split())
    if _SENTENCE_END.search(last.text) and words > 6 and not any(line.role for line in after):
        for line in subtitle:
            line.role = ""
        meta.pop("subtitle", None)


def _prose_like(block: Block) -> bool:
    """Sentences end inside the block: prose, not title-page lines."""
    return any(_SENTENCE_END.search(line.strip()) for line in block.lines[:-1])


def _dedication(blocks: list[Block], title_page: list[int]) -> dict[int, str]:
    """Blocks of the title page that are a dedication or an epigraph (an
    attribution standing apart under its quotation joins it)."""
    found: dict[int, str] = {}
    # Indentation sets a block apart only on a title page that is not centred
    # (judged by its first line that is not a credit).
    opening = next((i for i in title_page if not is_credit(blocks[i].text)), title_page[0])
    set_apart = not blocks[opening].indented
    for position, i in enumerate(title_page):
        block = blocks[i]
        if i <= opening or i in found:
            continue  # the first line of a title page is its title or author
        last = block.lines[-1].strip()
        apart = set_apart and block.indented
        nxt = blocks[title_page[position + 1]] if position + 1 < len(title_page) else None
        if apart and block.text.count(" ") + 1 >= _QUOTATION_WORDS and nxt is not None and \
                nxt.single and \
                nxt.indented and _ATTRIBUTION.match(nxt.lines[0].strip()):
            block.lines = block.lines + nxt.lines
            found[i] = "epigraph"
            found[title_page[position + 1]] = "drop"
            nxt.data["why"] = "epigraph attribution"
        elif apart and len(block.lines) >= 2 and _ATTRIBUTION.match(last) and \
                sum(len(line.split()) for line in block.lines[:-1]) >= _QUOTATION_WORDS:
            found[i] = "epigraph"
        elif (apart or _DEDICATION_WORDS.match(block.lines[0].strip())) and not (
                CREDIT.match(block.text) or BY_LINE.match(block.text)):
            found[i] = "dedication"
    return found


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
