"""Workarounds for WeasyPrint 70 line-breaking bugs that spoil justified text.

**Trailing space before an inline element.**  When a text box ends with a
space (the text before an ``<em>`` or a link) and its whole text fits on the
line except for that trailing space, Pango reports one line slightly wider
than the measure.  ``split_first_line`` (weasyprint/text/line_break.py,
steps 2–3) then concludes that "the line can't be split earlier" and keeps
only the *first word* on the line: a justified line holding a lone "but".
A trailing space collapses at a line end (CSS Text 3 §4.1.3), so it must
not count against the measure.  :func:`install` wraps ``split_first_line``
as the inline layout calls it: when WeasyPrint broke a line, the text ends
with collapsible spaces and the text without them fits the measure, the
call is repeated with the measure widened by exactly the trailing spaces'
width, which is what a correct implementation would have measured.

The wrapper changes nothing else: it runs only after WeasyPrint chose a
break, and re-measures only when the text ends with a space.
"""

from __future__ import annotations

_INSTALLED = False


def install() -> None:
    """Patch WeasyPrint's inline layout once per process (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from weasyprint.layout import inline
    from weasyprint.text import line_break

    original = line_break.split_first_line

    def split_first_line(text, style, context, max_width, justification_spacing,
                         is_line_start=True, minimum=False):
        result = original(text, style, context, max_width, justification_spacing,
                          is_line_start, minimum)
        resume_index = result[2]
        if (resume_index is None or max_width is None or not text.endswith(" ")
                or style["white_space"] not in ("normal", "nowrap", "pre-line")):
            return result
        stripped = text.rstrip(" ")
        if not stripped:
            return result
        whole = line_break.create_layout(text, style, context, max_width, justification_spacing)
        line, resume = whole.get_first_line()
        if resume is not None:
            return result  # a genuine break inside the text
        width, _ = line_break.line_size(line, style)
        bare = line_break.create_layout(stripped, style, context, max_width, justification_spacing)
        bare_line, bare_resume = bare.get_first_line()
        bare_width, _ = line_break.line_size(bare_line, style)
        if bare_resume is not None or bare_width > max_width or width <= max_width:
            return result
        return original(text, style, context, max_width + (width - bare_width),
                        justification_spacing, is_line_start, minimum)

    inline.split_first_line = split_first_line
    _INSTALLED = True
