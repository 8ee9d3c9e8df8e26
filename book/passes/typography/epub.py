"""EPUB fallback for the French narrow no-break space (U+202F).

The pass keeps U+202F in the model, so the PDF prints the espace fine
insécable the French rules ask for.  Some reading systems lack the character
(iBooks among them, per Standard Ebooks' typography tools; field notes §6),
so the EPUB writer calls :func:`apply_epub_fallbacks` on its copy of each
chapter, as ``[typography] epub_narrow_space`` says:

* ``"nbsp"`` (default): U+00A0, a full no-break space every reader has;
* ``"thin"``: U+2009 THIN SPACE + U+2060 WORD JOINER, the look of a narrow
  space; the thin space cannot start a line (UAX #14, LB21 forbids a break
  before it) and the word joiner forbids one after it;
* ``"keep"``: leave U+202F.
"""

from __future__ import annotations

from lxml import etree

from ...config import TypographyConfig

NARROW_NBSP = "\u202f"
FALLBACKS: dict[str, str | None] = {
    "nbsp": "\u00a0",
    "thin": "\u2009\u2060",
    "keep": None,
}


def apply_epub_fallbacks(root: etree._Element, config: TypographyConfig) -> None:
    """Replace U+202F in every text node under ``root`` (attributes untouched)."""
    replacement = FALLBACKS.get(config.epub_narrow_space, FALLBACKS["nbsp"])
    if replacement is None:
        return
    for node in root.iter():
        if node.text and NARROW_NBSP in node.text and isinstance(node.tag, str):
            node.text = node.text.replace(NARROW_NBSP, replacement)
        if node.tail and NARROW_NBSP in node.tail:
            node.tail = node.tail.replace(NARROW_NBSP, replacement)
