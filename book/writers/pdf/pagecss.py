"""The page: ``@page`` rules generated from the trim, margins, bleed and marks.

CSS Paged Media 3 and GCPM 3 as WeasyPrint implements them.  Every page
belongs to a named page (the ``page`` property on the blocks that
html.py and frontmatter.py emit):

======================  =====================================================
``mb-plain``            half-title, title, imprint, dedication, epigraph: no
                        folio, no running head (counted in Roman numerals)
``mb-front``            contents and the manuscript's front matter: Roman
                        folio at the foot
``mb-chapter``          body and back matter: running heads (verso = book
                        title or author, recto = chapter title) with the
                        folio at the outer corner; the opening page of each
                        chapter has no running head and its folio at the foot
                        (only the opening page: ``:nth(1 of name)``)
``mb-part``             a part's title page: nothing in the margins (a
                        part that holds text of its own is set as a
                        chapter, so its text pages carry folios)
``…-start``             the first body division: the page counter restarts
                        at 1 on its first page (so the body is numbered
                        1, 2, 3… after i, ii, iii… of the front matter)
``mb-bleed``            a full-bleed figure page: no margins at all
======================  =====================================================

Blank pages (left empty so that a division opens on a recto) match
``:blank`` and lose every margin box, so they are truly blank.  Margins are
mirrored: the inner margin (gutter) is on the right of a verso and on the
left of a recto.
"""

from __future__ import annotations

from ...config import PdfConfig, StyleConfig
from ...geometry import format_length, parse_length

PLAIN = "mb-plain"
FRONT = "mb-front"
CHAPTER = "mb-chapter"
PART = "mb-part"
START = "-start"
BLEED_PAGE = "mb-bleed"
#: Every named page, with and without the counter-restarting variant.
BODY_NAMES = (CHAPTER, CHAPTER + START, PART, PART + START)
ALL_NAMES = (PLAIN, FRONT, *BODY_NAMES, BLEED_PAGE)
_BOXES = ("top-left", "top-center", "top-right", "bottom-left", "bottom-center", "bottom-right",
          "top-left-corner", "top-right-corner", "bottom-left-corner", "bottom-right-corner")


def css_string(text: str) -> str:
    """A CSS string literal holding ``text`` (quotes, backslashes, newlines escaped)."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch in "\n\r\f" or ord(ch) < 0x20:
            out.append(" ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word to at most ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:.–—- ")
    return (cut or text[: limit - 1]) + "…"


def _empty_boxes(names: tuple[str, ...] = _BOXES) -> str:
    return " ".join(f"@{box} {{ content: none }}" for box in names)


def running_head_chars(pdf: PdfConfig, style: StyleConfig) -> int:
    """About how many characters of a running head fit beside the folios.

    Small capitals at 0.8 em with letter spacing average about 0.62 em per
    character; the folio boxes at both corners take about a fifth of the
    measure.  Titles longer than this are shortened at a word (html.py).
    """
    measure = pdf.trim.width - pdf.page_margins.inner - pdf.page_margins.outer
    size = parse_length(style.font_size) * 0.8
    return max(12, int(measure * 0.74 / (size * 0.62)))


def page_css(pdf: PdfConfig, style: StyleConfig, *, verso_head: str, print_edition: bool) -> str:
    """The ``@page`` rules and the few sizes that depend on the page."""
    m = pdf.page_margins
    inner, outer = format_length(m.inner), format_length(m.outer)
    top, bottom = format_length(m.top), format_length(m.bottom)
    bleed = pdf.bleed if print_edition else 0.0
    rules: list[str] = []
    base = [f"size: {pdf.trim.css};", f"margin: {top} {outer} {bottom} {inner};"]
    if print_edition and bleed:
        base.append(f"bleed: {format_length(bleed)};")
    if print_edition and pdf.marks:
        base.append("marks: crop;")
    base.append("@footnote { margin-top: 0.9em; padding-top: 0.35em; "
                "border-top: 0.4pt solid currentColor; max-height: 60%; }")
    rules.append("@page { " + " ".join(base) + " }")
    rules.append(f"@page :left {{ margin-left: {outer}; margin-right: {inner}; }}")
    rules.append(f"@page :right {{ margin-left: {inner}; margin-right: {outer}; }}")
    # The verso head (title or author) is shortened like the recto's, so it
    # never runs into the folio.
    head = css_string(shorten(verso_head, running_head_chars(pdf, style)))
    # The running heads sit one line above the text block, the folio of an
    # opening page one line below it (vertical-align places them in the margin box).
    rh = ("font-size: 0.8em; font-variant: small-caps; letter-spacing: 0.06em; "
          "vertical-align: bottom; padding-bottom: 1.6em; hyphens: none; white-space: nowrap;")
    foot = "font-size: 0.85em; vertical-align: top; padding-top: 1.8em;"
    rules.append(f"@page {PLAIN} {{ {_empty_boxes()} }}")
    rules.append(f"@page {FRONT} {{ @bottom-center {{ content: counter(page, lower-roman); {foot} }} }}")
    for name in BODY_NAMES:
        rules.append(
            f"@page {name}:left {{ "
            f"@top-left {{ content: counter(page); {rh} font-variant: normal; letter-spacing: 0; }} "
            f"@top-center {{ content: {head}; {rh} }} }}")
        rules.append(
            f"@page {name}:right {{ "
            f"@top-center {{ content: string(mb-chapter, first); {rh} }} "
            f"@top-right {{ content: counter(page); {rh} font-variant: normal; letter-spacing: 0; }} }}")
        # The opening page only (the first page of the page group, CSS
        # Paged Media 3 §4.3 ":nth()"): a chapter's has no running head and
        # its folio at the foot; a part's title page has nothing in the
        # margins.  Later pages of either are ordinary text pages.
        opening = (_empty_boxes() if name.startswith(PART) else
                   f"{_empty_boxes(('top-left', 'top-center', 'top-right'))} "
                   f"@bottom-center {{ content: counter(page); {foot} }}")
        rules.append(f"@page {name}:nth(1 of {name}) {{ {opening} }}")
    for name in (CHAPTER + START, PART + START):
        rules.append(f"@page {name}:nth(1 of {name}) {{ counter-reset: page 1; }}")
    rules.append(f"@page {BLEED_PAGE} {{ margin: 0; {_empty_boxes()} }}")
    # Blank pages: emitted last and with a page name so they outrank the rules above.
    rules.append(f"@page :blank {{ {_empty_boxes()} }}")
    for name in ALL_NAMES:
        rules.append(f"@page {name}:blank {{ {_empty_boxes()} }}")
    for name in ALL_NAMES:
        rules.append(f".pg-{name} {{ page: {name}; }}")
    # Sizes that depend on the page: text-block height for images, bleed pages.
    block_height = pdf.trim.height - m.top - m.bottom
    rules.append(f"html {{ font-size: {style.font_size}; }}")
    rules.append(f"body {{ line-height: {style.line_height:g}; }}")
    rules.append(f"img {{ max-height: {format_length(block_height * 0.85)}; }}")
    # Vertical placement on the opening pages, in fractions of the text block
    # (percentages in CSS margins are of the width, not the height).
    at = lambda share: format_length(block_height * share)  # noqa: E731
    rules.append(f".mb-halftitle {{ padding-top: {at(0.2)}; }}")
    rules.append(f".mb-titlepage {{ padding-top: {at(0.1)}; }}")
    rules.append(f".mb-tp-title {{ margin-top: {at(0.07)}; }}")
    rules.append(f".mb-tp-publisher {{ margin-top: {at(0.3)}; }}")
    rules.append(f".mb-dedication, .mb-epigraph {{ padding-top: {at(0.18)}; }}")
    rules.append(f".mb-part > .mb-title {{ margin-top: {at(0.28)}; }}")
    rules.append(f".mb-imprint {{ display: flex; flex-direction: column; justify-content: flex-end; "
                 f"height: {format_length(block_height - 1)}; }}")
    full_w = pdf.trim.width + 2 * bleed
    full_h = pdf.trim.height + 2 * bleed
    rules.append(
        f"figure.full-bleed {{ page: {BLEED_PAGE}; break-before: page; break-after: page; "
        f"margin: 0; height: {format_length(pdf.trim.height)}; position: relative; }}")
    rules.append(
        f"figure.full-bleed img {{ position: absolute; top: -{format_length(bleed)}; "
        f"left: -{format_length(bleed)}; width: {format_length(full_w)}; "
        f"height: {format_length(full_h)}; max-height: none; max-width: none; object-fit: cover; }}")
    rules.append("figure.full-bleed figcaption { display: none; }")
    return "\n".join(rules) + "\n"
