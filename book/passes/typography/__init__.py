"""Typography pass: quotes, dashes, ellipses and no-break spaces per language.

Implements issue 5 ("Typography that is right for the book's language").
The chapter's text nodes are read into one stream (``stream.py``), so a
quotation that runs across ``<em>`` still pairs; the rules of the language
of each piece of text (the nearest ``lang``, else the chapter's, else the
book's) are applied in :data:`~.steps.STEP_ORDER`; each text node gets its
share back.  Code, pre, kbd, samp, var, math, note calls, URLs and
attributes are never changed.  ``<q>`` elements get their marks written
into the text (WeasyPrint draws none) and become ``<span class="q">``.

The rules are data, one entry per language, in ``rules.py``.  Running the
pass twice gives the same tree as running it once, and text that is
already typeset (curly quotes, em-dash dialogue) stays as it is, apart
from the no-break spaces a typesetter would add.

``[typography]`` in book.toml: ``enabled``, ``quotes`` (``auto``,
``guillemets``, ``swiss``, ``double``, ``single``, ``straight``),
``dialogue_dash`` (``auto``, ``em``, ``en``), ``single_letter_words``
(``all``, ``titles``, ``off``), ``epub_narrow_space`` (see ``epub.py``).

Diagnostics:

* ``TYP001`` (note): no rules for a language; the closest family's or
  neutral rules are used.  Once per language per build.
* ``TYP002`` (warning): the ``quotes`` option names a style the book's
  language does not have; the language's default marks are used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...config import TypographyConfig
from ...diagnostics import Diagnostics
from ...xhtml import VERBATIM_TAGS, nearest_lang
from .epub import apply_epub_fallbacks
from .language import Profile, profile, resolve
from .quotes import mark_q_elements, quote_edits
from .steps import STEP_ORDER, compile_steps
from .stream import PLACEHOLDERS, Edit, Stream, collect, local_name

if TYPE_CHECKING:
    from lxml import etree

    from ...context import BuildContext
    from ...model import Chapter

__all__ = ["apply_epub_fallbacks", "run", "typeset", "typeset_text"]

#: Characters a rule may look at past the end of its language's run.
_CONTEXT = 64


def run(chapter: Chapter, ctx: BuildContext) -> Chapter:
    """Typeset one chapter in place (a chapter pass; see book/passes/__init__.py)."""
    config = ctx.config.typography
    if not config.enabled:
        return chapter
    base = nearest_lang(chapter.tree, chapter.lang or ctx.config.metadata.language or "")
    typeset(chapter.tree, base, config, diag=ctx.diag)
    return chapter


def typeset(root: etree._Element, lang: str, config: TypographyConfig | None = None, *,
            diag: Diagnostics | None = None) -> int:
    """Apply the typography rules to the text under ``root``; return the text
    nodes changed.  ``lang`` is the language of text with no ``lang`` of its own;
    ``diag`` receives the TYP notes and warnings.
    """
    config = config or TypographyConfig()
    if local_name(root) in VERBATIM_TAGS:
        return 0
    mark_q_elements(root)
    stream = collect(root, lang, track_headings=config.single_letter_words == "titles")
    if not stream.slots:
        return 0
    profiles: dict[object, Profile | None] = {}
    for key in dict.fromkeys(stream.seg_key):  # document order: the notes come out the same each run
        profiles[key] = _profile_for(key, lang, config, diag)
    runs = [(first, end, profiles[key]) for first, end, key in stream.runs()]
    for name in STEP_ORDER:
        edits: list[Edit] = []
        if name == "quotes":
            edits = quote_edits(stream.text, _profile_lookup(stream, profiles),
                                profiles.values())
        else:
            for first, end, prof in runs:
                step = compile_steps(prof).get(name) if prof is not None else None
                if step is None:
                    continue
                start, stop = stream.bounds[first], stream.bounds[end]
                if start and stream.text[start - 1] in PLACEHOLDERS:
                    start -= 1  # let a rule see the paragraph or line start before the run
                edits.extend(step.edits(stream.text, start, stop,
                                        min(len(stream.text), stop + _CONTEXT)))
            if len(runs) > 1:
                edits.sort(key=lambda edit: edit[0])
        if edits:
            stream.apply(edits)
    return stream.write_back()


def _profile_lookup(stream: Stream, profiles: dict[object, Profile | None]
                    ) -> Callable[[int], Profile | None]:
    """``pos → profile``, remembering the last segment (quotes come in order)."""
    bounds, keys = stream.bounds, stream.seg_key
    last: list = [0, 0, None]  # start, end, profile of the last segment looked up

    def profile_at(pos: int) -> Profile | None:
        if not last[0] <= pos < last[1]:
            index = stream.segment_at(pos)
            last[0], last[1], last[2] = bounds[index], bounds[index + 1], profiles[keys[index]]
        return last[2]

    return profile_at


def typeset_text(text: str, lang: str, config: TypographyConfig | None = None) -> str:
    """Typeset a plain string (a title, a metadata field) as one paragraph."""
    from lxml import etree

    paragraph = etree.Element("p")
    paragraph.text = text
    typeset(paragraph, lang, config)
    return paragraph.text or ""


def _profile_for(key: object, base: str, config: TypographyConfig,
                 diag: Diagnostics | None) -> Profile:
    lang, in_heading = key  # type: ignore[misc]
    rules, note = resolve(lang)
    if note and diag is not None:
        _once(diag, "TYP001", note, warning=False)
    prof, known = profile(rules, quotes=config.quotes, dialogue_dash=config.dialogue_dash,
                          single_letter_words=config.single_letter_words,
                          in_heading=bool(in_heading))
    if not known and diag is not None and lang.lower() == base.lower():
        _once(diag, "TYP002",
              f"[typography] quotes = {config.quotes!r} is not a style of {rules.name}: "
              f"using {rules.primary[0]}…{rules.primary[1]}",
              warning=True,
              hint=f"choose one of: auto, straight{''.join(', ' + v for v in rules.variants)}")
    return prof


def _once(diag: Diagnostics, code: str, message: str, *, warning: bool,
          hint: str | None = None) -> None:
    """Report a finding once per build, however many chapters share it."""
    diag.once(code, message, warning=warning, hint=hint)
