"""Text blocks: the shared coordinates between the print layout and the EPUB.

To carry the print edition's page breaks into the EPUB, the PDF writer tags
each text block of the HTML it lays out with a key, and the page-list step
finds, for every printed page, the block and word where the page begins.
Both sides enumerate blocks with :func:`text_blocks` on the same model
trees, so a key means the same element in both.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from .xhtml import BLOCK_TAGS

#: Attribute the PDF writer puts on each text block of its HTML.
KEY_ATTRIBUTE = "data-mb-key"


def _has_block_child(el: etree._Element) -> bool:
    return any(isinstance(child.tag, str) and child.tag in BLOCK_TAGS for child in el)


def text_blocks(root: etree._Element) -> Iterator[etree._Element]:
    """Block elements that hold text themselves (leaves of the block tree),
    in document order: paragraphs, headings, list items, cells, verse
    stanzas, captions, preformatted text."""
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag not in BLOCK_TAGS:
            continue
        if el.tag in ("hr", "table", "tbody", "thead", "tfoot", "tr", "ul", "ol", "dl"):
            continue
        if not _has_block_child(el) or (el.text and el.text.strip()):
            yield el


def block_key(chapter_index: int, block_index: int) -> str:
    return f"{chapter_index}.{block_index}"


def parse_key(key: str) -> tuple[int, int]:
    chapter, block = key.split(".")
    return int(chapter), int(block)
