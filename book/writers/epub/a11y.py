"""Accessibility metadata for the package document (EPUB Accessibility 1.1 §2, §4).

Computed from what the book really contains, never a fixed sentence:

* ``schema:accessMode``: textual, plus visual when the book has images that
  carry content (decorative images, ``alt=""``, do not count);
* ``schema:accessModeSufficient``: "textual" only when every such image
  has a text alternative; "textual,visual" whenever there is visual content;
* ``schema:accessibilityFeature``: what the files really have — the
  navigation and reading order we always write, ``alternativeText`` when
  every content image is described, ``pageBreakMarkers``/``printPageNumbers``
  and ``pageNavigation`` when print page markers and a page list exist,
  ``ARIA`` for the DPUB-ARIA roles, ``MathML`` and ``index`` when present;
* ``schema:accessibilityHazard``: from ``[accessibility] hazards``;
* ``schema:accessibilitySummary``: a plain-language account built from the
  same facts (and the reasons when no conformance is claimed);
* ``dcterms:conformsTo`` "EPUB Accessibility 1.1 - WCAG 2.2 Level AA" with
  ``a11y:certifiedBy`` only when the accessibility pass found the book
  passing every check (``book.facts["a11y_conformance"]``);
* ``pageBreakSource`` naming the print edition the page markers come from
  (EPUB Accessibility 1.1 §5.4; the property of the EPUB 3.3 default
  vocabulary, which Ace and EPUBCheck 5.3 read).

Vocabulary values are those of the W3C Accessibility Discoverability
Vocabulary (schema.org), as Ace validates them.
"""

from __future__ import annotations

from ...config import AccessibilityConfig
from ...model import Book

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"

#: accessibilityHazard values (Accessibility Discoverability Vocabulary).
HAZARDS = frozenset({"flashing", "motionSimulation", "sound", "none", "noFlashingHazard",
                     "noMotionSimulationHazard", "noSoundHazard", "unknown",
                     "unknownFlashingHazard", "unknownMotionSimulationHazard",
                     "unknownSoundHazard"})


def _count(facts: dict, name: str) -> int:
    value = facts.get(name, 0)
    return value if isinstance(value, int) else 0


def hazards(config: AccessibilityConfig) -> list[str]:
    """The configured hazards: known values, "none" or "unknown" only alone
    (Ace flags them beside other values as contradictions)."""
    values = list(dict.fromkeys(h for h in config.hazards if h in HAZARDS))
    if not values:
        return ["unknown"]
    specific = [v for v in values if v not in ("none", "unknown")]
    if specific:
        return specific
    return ["none"] if "none" in values else ["unknown"]


def accessibility_metadata(book: Book, config: AccessibilityConfig, *, has_page_list: bool,
                           page_source: str | None) -> list[tuple[str, str]]:
    """``(property, value)`` pairs for ``<meta property=…>`` elements."""
    facts = book.facts
    images = _count(facts, "images")
    decorative = _count(facts, "images_decorative")
    undescribed = _count(facts, "images_missing_alt")
    content_images = max(images - decorative, 0)
    has_math = bool(facts.get("mathml"))
    has_index = any(chapter.kind == "index" for chapter in book.chapters)

    meta: list[tuple[str, str]] = [("schema:accessMode", "textual")]
    if content_images:
        meta.append(("schema:accessMode", "visual"))
    if content_images and undescribed == 0:
        meta.append(("schema:accessModeSufficient", "textual"))
        meta.append(("schema:accessModeSufficient", "textual,visual"))
    elif content_images:
        meta.append(("schema:accessModeSufficient", "textual,visual"))
    else:
        meta.append(("schema:accessModeSufficient", "textual"))

    features = ["structuralNavigation", "tableOfContents", "readingOrder",
                "displayTransformability", "ARIA"]
    if content_images and undescribed == 0:
        features.append("alternativeText")
    if has_page_list:
        features += ["pageBreakMarkers", "printPageNumbers", "pageNavigation"]
    if has_math:
        features.append("MathML")
    if has_index:
        features.append("index")
    meta += [("schema:accessibilityFeature", feature) for feature in features]
    meta += [("schema:accessibilityHazard", hazard) for hazard in hazards(config)]
    meta.append(("schema:accessibilitySummary",
                 summary(book, config, has_page_list=has_page_list)))
    if facts.get("a11y_conformance") and facts.get("a11y_certified_by"):
        meta.append(("dcterms:conformsTo", CONFORMANCE))
        meta.append(("a11y:certifiedBy", str(facts["a11y_certified_by"])))
    if has_page_list and page_source:
        meta.append(("pageBreakSource", page_source))
    return meta


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _language_names(codes: list[str]) -> list[str]:
    from ...detect.language import language_name

    names = []
    for code in codes:
        try:
            names.append(language_name(code))
        except Exception:  # the name is a nicety; the code is the fact
            names.append(code)
    return names


def summary(book: Book, config: AccessibilityConfig, *, has_page_list: bool) -> str:
    """A plain-language summary of the book's accessibility, from its facts."""
    facts = book.facts
    images = _count(facts, "images")
    decorative = _count(facts, "images_decorative")
    undescribed = _count(facts, "images_missing_alt")
    by_caption = _count(facts, "images_named_by_caption")
    tables = _count(facts, "tables")
    bad_tables = _count(facts, "tables_without_headers")
    content_images = max(images - decorative, 0)
    languages = [lang for lang in facts.get("languages", []) or [] if lang]

    parts = ["This publication has a table of contents, headings that follow the structure of "
             "the text and a logical reading order; its text can be resized and restyled."]
    if images == 0:
        parts.append("It contains no images.")
    else:
        if content_images and undescribed == 0:
            text = ("The one image that carries information has a text alternative"
                    if content_images == 1 else
                    f"All {content_images} images that carry information have text alternatives")
            if by_caption:
                text += f" ({by_caption} given by {'its' if content_images == 1 else 'their'} " \
                        f"caption{'s' if by_caption != 1 else ''})"
            parts.append(text + ".")
        elif content_images == 1:
            parts.append("The one image that carries information has no text alternative.")
        elif undescribed:
            verb = "has" if undescribed == 1 else "have"
            parts.append(f"{undescribed} of the {content_images} images that carry information "
                         f"{verb} no text alternative.")
        if decorative:
            parts.append(f"{_plural(decorative, 'decorative image')} "
                         f"{'is' if decorative == 1 else 'are'} hidden from assistive technology.")
    if tables:
        if bad_tables:
            parts.append(f"It contains {_plural(tables, 'table')}, {bad_tables} without header cells.")
        else:
            parts.append(f"It contains {_plural(tables, 'table')}, all with header cells.")
    if has_page_list:
        parts.append("Page numbers of the print edition are marked in the text and listed for "
                     "navigation.")
    if len(languages) > 1:
        parts.append("Passages in other languages are marked with their language ("
                     + ", ".join(_language_names(languages)) + ").")
    if facts.get("a11y_conformance") and facts.get("a11y_certified_by"):
        parts.append(f"It meets {CONFORMANCE}.")
    else:
        failures = [str(f) for f in facts.get("a11y_conformance_failures", []) or []]
        content = [f for f in failures if "certify" not in f]
        if content:
            parts.append("It does not claim conformance to WCAG because of: "
                         + "; ".join(content) + ".")
    if config.summary_note:
        parts.append(config.summary_note.strip())
    return " ".join(parts)
