"""WordprocessingML basics the DOCX steps share: the namespace, two tree edits.

ECMA-376 Part 1 §17 (WordprocessingML).  The edits work on the XML of the
package parts, where text lives in ``w:t`` elements and whitespace between
elements means nothing, so neither keeps text or tails the way the XHTML
helpers of :mod:`book.xhtml` do.
"""

from __future__ import annotations

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#: The ``{namespace}`` prefix of WordprocessingML tag and attribute names.
W = f"{{{W_NS}}}"


def remove_element(el: etree._Element) -> None:
    """Take ``el`` and everything in it out of the part."""
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def unwrap_element(el: etree._Element) -> None:
    """Replace ``el`` with its children."""
    parent = el.getparent()
    if parent is None:
        return
    index = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(index + offset, child)
    parent.remove(el)
