"""Words as the fidelity check counts them.

A word is a run of letters and digits (Unicode ``\\w`` without the
underscore), compared case-insensitively after NFKC normalization.  That
makes the count blind to everything the build changes on purpose:
punctuation and quotation marks (the typography pass), no-break and thin
spaces, soft hyphens and word joiners, ``_emphasis_`` markers, ligatures and
full-width forms, hyphens at line ends (``twenty-`` / ``one`` and
``twenty-one`` are the same two words).  What it does see is a word that
is missing or changed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+")
#: Characters that join or split words invisibly; dropped before counting.
_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


#: Characters the typography pass writes, with their NFKC forms: written
#: so beforehand, a chapter is mostly normalized already (the normalization
#: then only checks it), and the result is the same (NFKC only sees a
#: character's decomposition).
_COMPATIBLE = (("\u00a0", " "), ("\u202f", " "), ("\u2009", " "), ("\u200a", " "),
               ("\u2007", " "), ("\u2026", "..."))
#: Every ASCII character that is no part of a word, as bytes, and a table
#: that turns each into a space.
_ASCII_GAPS = bytes(c for c in range(128) if not chr(c).isalnum())
_TO_SPACE = bytes.maketrans(_ASCII_GAPS, b" " * len(_ASCII_GAPS))
#: Common punctuation outside ASCII (no part of a word either).
_MARKS = "“”‘’—–…«»„‚‹›·•†"


def words(text: str) -> list[str]:
    """The words of ``text``, normalized for comparison.

    Equal to finding every run of letters and digits, but faster on a whole
    chapter: punctuation becomes spaces (a byte table for ASCII, a
    replacement for common marks), and where every token left between spaces
    is letters and digits, the tokens are the words; a token with any other
    character goes through the regular expression.
    """
    if not text:
        return []
    if not text.isascii():
        if any(c in text for c in _INVISIBLE_CHARS):
            text = _INVISIBLE.sub("", text)
        for mark, plain in _COMPATIBLE:
            if mark in text:
                text = text.replace(mark, plain)
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if not text.isascii():
        for mark in _MARKS:
            if mark in text:
                text = text.replace(mark, " ")
    # ASCII bytes never occur inside a multi-byte sequence: the table leaves
    # every other character as it was.
    spaced = text.encode("utf-8", "surrogatepass").translate(_TO_SPACE).decode(
        "utf-8", "surrogatepass")
    tokens = spaced.split()
    # Every token letters and digits (tested on them joined, in C): they are the words.
    if spaced.isascii() or not tokens or "".join(tokens).isalnum():
        return tokens
    out: list[str] = []
    for token in tokens:
        if token.isalnum():
            out.append(token)
        else:
            out.extend(_WORD.findall(token))
    return out


def count(texts: Iterable[str]) -> int:
    """How many words ``texts`` hold together."""
    return sum(len(words(text)) for text in texts)
