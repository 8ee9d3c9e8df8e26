"""Which CJK language a run of text is written in, where its letters tell.

Kana (hiragana, katakana) are written only in Japanese and Hangul only in
Korean, so a run holding them names its language even when the manuscript
does not; a run of Han characters alone could be Chinese or Japanese and
is left to the manuscript's markup (Unicode Standard §18.1).  The language
pass marks such runs, so reading systems speak them right and the fonts
(book/fonts/css.py) draw them in the right regional forms.
"""

from __future__ import annotations

import re
from functools import cache

_HAN = "\u2e80-\u2fdf\u3005-\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff" \
    "\uf900-\ufaff\U00020000-\U0003134f"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff"
_CJK_PUNCT = "\u3000-\u3004\u3008-\u3020\u30fb\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
_LETTER = f"{_HAN}{_KANA}{_HANGUL}"
#: A letter that makes a run Japanese or Korean: text without one has no such run.
KANA_OR_HANGUL = re.compile(f"[{_KANA}{_HANGUL}]")


@cache
def run_pattern() -> re.Pattern[str]:
    """A run: CJK letters, with CJK punctuation and single spaces between
    them.  Compiled when first asked for: its classes span the whole Han
    block three times (15 ms, in every process), and only a book with
    kana or Hangul in it ever needs it (:data:`KANA_OR_HANGUL` says so)."""
    return re.compile(f"[{_LETTER}](?:[{_LETTER}{_CJK_PUNCT}]| (?=[{_LETTER}]))*[{_CJK_PUNCT}]?")


def run_language(text: str) -> str | None:
    """"ja" for a run with kana, "ko" for one with Hangul, None otherwise."""
    if _kana().search(text):
        return "ja"
    if _hangul().search(text):
        return "ko"
    return None


@cache
def _kana() -> re.Pattern[str]:
    return re.compile(f"[{_KANA}]")


@cache
def _hangul() -> re.Pattern[str]:
    return re.compile(f"[{_HANGUL}]")
