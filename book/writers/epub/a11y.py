"""Accessibility metadata for the package document (EPUB Accessibility 1.1 §2).

Computed from what the book really contains, never a fixed sentence:
access modes follow from the images, features from the navigation and
markup actually written, and the summary says what a reader can expect.
"""

from __future__ import annotations

from ...config import AccessibilityConfig
from ...model import Book


def accessibility_metadata(book: Book, config: AccessibilityConfig, *, has_page_list: bool,
                           page_source: str | None) -> list[tuple[str, str]]:
    """``(property, value)`` pairs for ``<meta property=…>`` elements."""
    facts = book.facts
    images = int(facts.get("images", 0) or 0)
    described = int(facts.get("images_with_alt", 0) or 0)
    decorative = int(facts.get("images_decorative", 0) or 0)
    undescribed = int(facts.get("images_missing_alt", 0) or 0)
    tables = int(facts.get("tables", 0) or 0)
    meta: list[tuple[str, str]] = [("schema:accessMode", "textual")]
    if images:
        meta.append(("schema:accessMode", "visual"))
    all_described = undescribed == 0
    meta.append(("schema:accessModeSufficient", "textual" if all_described else "textual,visual"))
    if images and not all_described:
        meta.append(("schema:accessModeSufficient", "textual"))
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if images and all_described:
        features.append("alternativeText")
    if tables:
        features.append("tableHeaders" if not facts.get("tables_without_headers") else "")
    if has_page_list:
        features.append("printPageNumbers")
        features.append("pageNavigation")
    for feature in features:
        if feature:
            meta.append(("schema:accessibilityFeature", feature))
    for hazard in config.hazards:
        meta.append(("schema:accessibilityHazard", hazard))
    meta.append(("schema:accessibilitySummary", summary(book, config, has_page_list=has_page_list,
                                                        images=images, described=described,
                                                        decorative=decorative,
                                                        undescribed=undescribed, tables=tables)))
    if has_page_list and page_source:
        meta.append(("pageBreakSource", page_source))
    return meta


def summary(book: Book, config: AccessibilityConfig, *, has_page_list: bool, images: int,
            described: int, decorative: int, undescribed: int, tables: int) -> str:
    """A plain-language summary of the book's accessibility, from its facts."""
    languages = [lang for lang in book.facts.get("languages", []) if lang]
    parts = ["This publication has a table of contents, a structured heading hierarchy and a "
             "logical reading order; text can be resized and restyled by the reader."]
    if images == 0:
        parts.append("It contains no images.")
    elif undescribed == 0:
        parts.append(f"All {images} images have text alternatives"
                     + (f" ({decorative} marked as decorative)." if decorative else "."))
    else:
        parts.append(f"{undescribed} of {images} images have no text alternative.")
    if tables:
        parts.append(f"It contains {tables} table{'s' if tables != 1 else ''}"
                     + (" with header cells." if not book.facts.get("tables_without_headers") else "."))
    if has_page_list:
        parts.append("Page numbers of the print edition are included for navigation.")
    if len(languages) > 1:
        parts.append("Passages in other languages are marked with their language: "
                     + ", ".join(languages) + ".")
    if config.summary_note:
        parts.append(config.summary_note)
    return " ".join(parts)
