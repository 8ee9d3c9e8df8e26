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
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def words(text: str) -> list[str]:
    """The words of ``text``, normalized for comparison."""
    if not text:
        return []
    if not text.isascii():
        text = unicodedata.normalize("NFKC", _INVISIBLE.sub("", text))
    return _WORD.findall(text.casefold())


def count(texts: Iterable[str]) -> int:
    """How many words ``texts`` hold together."""
    return sum(len(words(text)) for text in texts)
