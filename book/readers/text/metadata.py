"""What a plain-text file says about itself: its metadata.

The library header's fields win over what the title page suggests; titles
and names printed in capitals get their normal case, which depends on the
language (detected from the text when nothing states it) and, for a title,
on how the text itself writes its words (``titlepage.py``).  Both read the
paragraphs through a :class:`TextSample`, which remembers how far: an edit
beyond that cannot change the metadata (``splice.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...detect.language import detect_language
from ...model import Contributor
from .titlepage import case_counts, name_case, normal_case, split_like


class TextSample:
    """The text blocks' texts, for guessing the title's language and case
    (:func:`file_metadata`).  Remembers how far it was read: an edit beyond
    that cannot change the metadata (``splice.py``)."""

    def __init__(self, blocks: Sequence[Any]) -> None:
        self._blocks = blocks  # anything with a role and a text
        #: Blocks (of all roles) up to the last text block read.
        self.reach = 0

    def _texts(self, count: int | None = None) -> list[tuple[int, str]]:
        found = [(n, b.text) for n, b in enumerate(self._blocks) if b.role == "text"]
        return found[:count] if count is not None else found

    def sample(self, chars: int) -> str:
        """The first ``chars`` characters of the texts, joined by spaces."""
        taken, size = [], -1
        for number, text in self._texts():
            if size >= chars:
                break
            taken.append(text)
            size += 1 + len(text)
            self.reach = max(self.reach, number + 1)
        return " ".join(taken)[:chars]

    def first(self, count: int) -> list[str]:
        """The first ``count`` texts."""
        found = self._texts(count)
        if found:
            self.reach = max(self.reach, found[-1][0] + 1)
        return [text for _number, text in found]


def file_metadata(title_page: dict[str, Any], header: dict[str, Any],
              texts: TextSample, language: str = "") -> dict[str, Any]:
    """The library header's fields win over what the title page suggests;
    titles and names printed in capitals get their normal case (which
    depends on the language: detected here when nothing states it)."""
    merged = {**title_page, **header}
    split = split_like(str(header.get("title", "")), str(title_page.get("title", "")),
                       str(title_page.get("subtitle", "")))
    if split is not None:
        merged["title"], merged["subtitle"] = split
    lang = str(merged.get("language", "") or language)
    if not lang and any(str(merged.get(k, "")).isupper() for k in ("title", "subtitle")):
        sample = texts.sample(20_000)
        lang = detect_language(sample) or ""
    counts = None
    for key in ("title", "subtitle"):
        value = merged.get(key)
        if value:
            if counts is None and str(value).isupper() and not lang.startswith("en"):
                counts = case_counts(texts.first(4000))
            merged[key] = normal_case(str(value), lang or "und", counts)
    for key in ("authors", "translators"):
        if merged.get(key):
            merged[key] = [name_case(name) for name in merged[key]]
    translators = merged.pop("translators", None)
    if translators:
        merged["contributors"] = [Contributor(name, "trl") for name in translators]
    return merged
