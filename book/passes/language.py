"""Language pass: passages written in another language get their own ``lang``.

Readers of War and Peace meet whole French letters, verses and speeches in
an English book.  Marking them (``lang="fr"``) lets reading systems speak
them with the right voice and lets hyphenation and the typography pass use
French rules there (WCAG 2.1 SC 3.1.2 "Language of Parts"; EPUB
Accessibility 1.1 §4.2 refers to it).

The units examined are verse (``div.verse``), block quotations and
paragraphs; inside a paragraph mostly in the book's language, quotations
(“…”, „…”, «…», "…") long enough to judge are examined on their own and
wrapped in ``<span lang>``.  A paragraph whose quotations are in another
language but whose narration ("said Prince Andrew") is not gets spans, not
a ``lang`` of its own.

Detection is deliberately conservative (see
:func:`book.detect.language.detect_passages`): a cheap function-word count
first discards everything plainly in the book's language, so lingua only
sees the few candidates, and a label needs both lingua's confidence and the
other language's own function words.  Units shorter than
:data:`MIN_LETTERS` letters are never labelled.
"""

from __future__ import annotations

import re

from lxml import etree

from ..context import BuildContext
from ..detect.language import detect_passages, function_word_share, words_of
from ..fonts.scripts import KANA_OR_HANGUL, run_language, run_pattern
from ..model import Chapter
from ..xhtml import XML_LANG, element, has_class, nearest_lang, text_content

#: Fewest letters a passage needs before its language is judged.
MIN_LETTERS = 30
#: Fewest letters a quotation inside a paragraph needs.
MIN_QUOTE_LETTERS = 25
_SKIP = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "math", "svg",
                   "h1", "h2", "h3", "h4", "h5", "h6", "nav"})
#: Elements whose content is not text in a language (code, formulas).
_NOT_TEXT = frozenset({"code", "pre", "kbd", "samp", "var", "script", "style", "math", "svg"})
_QUOTE = re.compile(r"“[^“”]+”|„[^„”“]+[”“]|«[^«»]+»|»[^«»]+«|\"[^\"]+\"")


_ASCII_LETTERS = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _enough_letters(text: str, enough: int = MIN_LETTERS) -> bool:
    """Does ``text`` hold ``enough`` letters in its first ``4 * enough``
    characters?  The ASCII letters, counted in C (deleted from the UTF-8
    bytes), mostly settle it; the others are counted only when needed."""
    sample = text[:enough * 4]
    data = sample.encode("utf-8", "surrogatepass")
    if len(data) - len(data.translate(None, _ASCII_LETTERS)) >= enough:
        return True
    return sum(map(str.isalpha, sample)) >= enough


def _book_language(chapter: Chapter, ctx: BuildContext) -> str:
    lang = chapter.lang or chapter.tree.get("lang") or ctx.config.metadata.language or ""
    return lang.split("-")[0].lower() if lang and lang != "und" else ""


def _units(root: etree._Element) -> list[etree._Element]:
    """Verse, block quotations and paragraphs, outermost first, skipping
    anything that already states its language."""
    units: list[etree._Element] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _SKIP:
                continue
            if child.get("lang") or child.get(XML_LANG):
                continue
            if (child.tag == "div" and has_class(child, "verse")) or child.tag in (
                    "blockquote", "p", "li", "dd", "figcaption", "td"):
                units.append(child)
                if child.tag in ("p", "li", "dd", "figcaption", "td"):
                    continue
            walk(child)

    walk(root)
    return units


def _mark(el: etree._Element, lang: str) -> None:
    el.set("lang", lang)
    el.set(XML_LANG, lang)


def run(chapter: Chapter, ctx: BuildContext) -> Chapter:
    """Mark the chapter's passages in other languages with ``lang``."""
    book = _book_language(chapter, ctx)
    _mark_script_runs(chapter.tree, book)
    if not book:
        return chapter
    units = _units(chapter.tree)
    texts = [text_content(u) for u in units]
    judged = [i for i, t in enumerate(texts) if _enough_letters(t)]
    found = detect_passages([texts[i] for i in judged], book)
    labelled: set[int] = set()
    for index, lang in zip(judged, found):
        if lang is None:
            continue
        unit = units[index]
        if any(id(a) in labelled for a in unit.iterancestors()):
            continue
        if unit.tag == "p" and _narrated(texts[index], book):
            continue  # quotations in another language, narration in the book's
        _mark(unit, lang)
        labelled.add(id(unit))
    slots: list[tuple[etree._Element, str, re.Match[str]]] = []
    for unit in units:
        if unit.tag == "p" and id(unit) not in labelled and not any(
                id(a) in labelled for a in unit.iterancestors()):
            slots.extend(_quotations(unit))
    if slots:
        found = detect_passages([m.group()[1:-1] for _, _, m in slots], book)
        # From the end of each text node backwards, so earlier offsets stay valid.
        marked = [(slot, lang) for slot, lang in zip(slots, found, strict=True) if lang]
        for (node, attr, match), lang in sorted(marked, key=lambda s: -s[0][2].start()):
            _wrap(node, attr, match.start() + 1, match.end() - 1, lang)
    return chapter


def _mark_script_runs(root: etree._Element, book: str) -> None:
    """Runs of Japanese (kana) or Korean (Hangul) in text of another
    language get a ``<span lang>`` (see :mod:`book.fonts.scripts`)."""
    if not KANA_OR_HANGUL.search("".join(root.itertext())):
        return  # no run can be Japanese or Korean (the usual case: one search)
    slots: list[tuple[etree._Element, str, re.Match[str], str]] = []
    runs = run_pattern()
    pending = [root]
    while pending:
        el = pending.pop()
        pending.extend(c for c in el if isinstance(c.tag, str) and c.tag not in _NOT_TEXT)
        for node, attr in ((el, "text"), *((c, "tail") for c in el if isinstance(c.tag, str))):
            value = getattr(node, attr)
            if not value or value.isascii():
                continue
            here = nearest_lang(el, book).split("-")[0].lower()
            for match in runs.finditer(value):
                lang = run_language(match.group())
                if lang and lang != here:
                    slots.append((node, attr, match, lang))
    for node, attr, match, lang in sorted(slots, key=lambda s: -s[2].start()):
        _wrap(node, attr, match.start(), match.end(), lang)


def _narrated(text: str, book: str) -> bool:
    """Does the text outside its quotations read as the book's language?"""
    outside = _QUOTE.sub(" ", text)
    if outside == text or len(words_of(outside)) < 3:
        return False
    share = function_word_share(outside, book)
    return share is not None and share >= 0.15


def _quotations(p: etree._Element) -> list[tuple[etree._Element, str, re.Match[str]]]:
    """Quotations in ``p`` long enough to judge, each lying wholly inside one
    text node (so inline markup is never split)."""
    slots = []
    nodes: list[tuple[etree._Element, str]] = [(p, "text")] + [
        (child, "tail") for child in p if isinstance(child.tag, str)]
    for node, attr in nodes:
        value = getattr(node, attr)
        if not value or not any(q in value for q in "“„«»\""):
            continue
        for match in _QUOTE.finditer(value):
            if _enough_letters(match.group(), MIN_QUOTE_LETTERS):
                slots.append((node, attr, match))
    # The span holds the words, not the quotation marks: those belong to the
    # surrounding text and follow its typography.
    return slots


def _wrap(node: etree._Element, attr: str, start: int, end: int, lang: str) -> None:
    value = getattr(node, attr)
    span = element("span", value[start:end])
    _mark(span, lang)
    span.tail = value[end:] or None
    setattr(node, attr, value[:start] or None)
    if attr == "text":
        node.insert(0, span)
    else:
        node.addnext(span)  # node keeps the shortened tail, the span follows it
