"""Controls: no control character reaches an output.

Readers remove what XML cannot hold (NUL and most C0 controls, see
book/pipeline.py), but XML 1.0 §2.2 still admits DEL and the C1 controls
U+0080–U+009F.  They are not text: no font draws them (the PDF prints
boxes), and they are almost always the trace of a wrong encoding (Windows
punctuation bytes 0x80–0x9F read as Latin-1), which the reader reports and
``--encoding`` repairs.  Tab and newline stay where they mean something
(inside ``pre``); elsewhere a tab is a space.

Code: CHR002 (warning) control characters removed from a chapter.
"""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from ..context import BuildContext
from ..model import Chapter
from ..xhtml import printable_but_breaks

#: DEL and the C1 controls (C0 controls other than tab, newline and
#: carriage return never get into a tree).
CONTROLS = re.compile("[\u007f-\u009f]")


def strip_controls(text: str, found: Counter | None = None) -> str:
    """``text`` without DEL and C1 controls (counted into ``found``)."""
    if text.isprintable() or (text.isascii() and "\x7f" not in text):
        return text  # DEL and the C1 controls are not printable
    if found is not None:
        found.update(CONTROLS.findall(text))
    return CONTROLS.sub("", text)


def drop_controls(root: etree._Element) -> Counter:
    """Remove DEL and C1 controls from every text, tail and attribute under
    ``root``; return how many of each were removed."""
    found: Counter = Counter()
    # One look at the serialized chapter first (lxml writes these characters
    # as they are): printable throughout, it holds none of them anywhere.
    if printable_but_breaks(etree.tostring(root, encoding="unicode")):
        return found
    for el in root.iter():
        for name in ("text", "tail"):
            value = getattr(el, name)
            if value:
                clean = strip_controls(value, found)
                if clean is not value and clean != value:
                    setattr(el, name, clean)
        if isinstance(el.tag, str):
            for key, value in el.attrib.items():
                clean = strip_controls(value, found)
                if clean != value:
                    el.set(key, clean)
    return found


def run(chapter: Chapter, ctx: BuildContext) -> Chapter:
    found = drop_controls(chapter.tree)
    if found:
        total = sum(found.values())
        listed = ", ".join(f"U+{ord(ch):04X} ×{n}" for ch, n in sorted(found.items()))
        ctx.diag.warn("CHR002", f"removed {total} control character{'s' if total != 1 else ''} "
                      f"({listed}): they are not text and would print as boxes",
                      file=chapter.source.file,
                      hint="C1 controls usually mean the file is Windows-1252 read as Latin-1: "
                           "give --encoding cp1252")
    return chapter
