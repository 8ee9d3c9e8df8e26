"""The user's word on a plain-text source's structure (``[structure]``).

When the heuristics guess wrong, book.toml (or ``--chapter-pattern`` and
friends on the command line) says how the manuscript is laid out, without
editing it, as calibre's structure-detection options do:

* ``chapter_pattern`` / ``part_pattern``: a line matching the regular
  expression (the whole line, spaces at its ends ignored) is a chapter or
  part heading.  Named groups ``label`` and ``title`` split it (``Chapter
  3`` and ``The Storm``); otherwise the whole line is the heading;
* ``headings = "none"``: no heading is guessed; only the patterns make
  headings (none at all without patterns);
* ``paragraphs``: "blank-lines", "indent" or "one-per-line" instead of
  measuring the layout.

:class:`HeadingRules` reads a line as a heading under these rules; every
step of the reader asks it instead of the pattern tables directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...config import StructureConfig
from .headings import HeadingMatch, match_heading, number_value


@dataclass(frozen=True)
class HeadingRules:
    """How lines are read as headings in one build."""

    auto: bool = True
    chapter: re.Pattern[str] | None = None
    part: re.Pattern[str] | None = None

    @classmethod
    def from_config(cls, config: StructureConfig) -> HeadingRules:
        return cls(
            auto=config.headings != "none",
            chapter=re.compile(config.chapter_pattern) if config.chapter_pattern else None,
            part=re.compile(config.part_pattern) if config.part_pattern else None,
        )

    @property
    def user(self) -> bool:
        """True when the user gave patterns or turned guessing off."""
        return not self.auto or self.chapter is not None or self.part is not None

    def match(self, line: str) -> HeadingMatch | None:
        """``line`` read as a heading, or None."""
        if self.part is not None or self.chapter is not None:
            text = " ".join(line.split())
            for rank, pattern in (("part", self.part), ("chapter", self.chapter)):
                if pattern is not None and text and (found := pattern.fullmatch(text)):
                    return _user_heading(rank, text, found)
        return match_heading(line) if self.auto else None


def _user_heading(rank: str, text: str, found: re.Match[str]) -> HeadingMatch:
    groups = found.groupdict()
    title = (groups.get("title") or "").strip()
    label = (groups.get("label") or "").strip()
    if not label:
        label = text[:found.start("title")].strip(" .:—–-") if title else text
    number = None
    if label.split():
        number = number_value(label.split()[-1])
    return HeadingMatch(rank, rank, label or text, title, number,
                        "user-" + rank)


#: The rules when the user said nothing.
AUTO = HeadingRules()
