"""What each Word style means for the book, whatever language Word spoke.

A DOCX names its styles in ``word/styles.xml``.  Word itself writes the
English names of built-in styles ("heading 1") but localized style *ids*
("Nagwek1", "berschrift1"); LibreOffice, Google Docs and older tools may
write localized names ("Nagłówek 1", "Überschrift 1", "Titre 1").  And an
author's own styles ("Chapter Title", "Code Listing") only say what they
are through their outline level, their font, or the style they are based
on.  This module reads the style table (ECMA-376 Part 1 §17.7 Styles) and
classifies every style with the rule tables below, in this order:

1. the style's name and id against :data:`PARAGRAPH_RULES` /
   :data:`CHARACTER_RULES` (case-insensitive, accents kept);
2. an outline level (``w:outlineLvl`` 0–5, inherited through ``basedOn``)
   makes a paragraph style a heading;
3. a monospace font (inherited through ``basedOn``) makes a style code;
4. bold / italic in a character style make it ``strong`` / ``em``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .wordml import W

# ---------------------------------------------------------------- rule tables
# Each rule: (role, regular expression over the lower-cased style name or id).
# A heading rule's first group is the level.

_HEADING_WORDS = (
    "heading", "nagłówek", "nagwek", "überschrift", "berschrift", "titre", "título", "ttulo",
    "titolo", "nadpis", "заголовок", "kop", "rubrik", "overskrift", "otsikko", "címsor",
    "cmsor", "başlık", "naslov", "antraštė", "virsraksts", "pealkiri", "titlu", "заглавие",
    "επικεφαλίδα", "見出し", "标题", "제목", "kopregel",
)
_TITLE_NAMES = (
    "title", "tytuł", "titel", "titre", "título", "titolo", "název", "nazev", "заголовок",
    "название", "otsikko", "rubrik", "cím", "titlu", "naslov", "tytul",
)
_SUBTITLE_NAMES = (
    "subtitle", "podtytuł", "podtytul", "untertitel", "sous-titre", "subtítulo", "sottotitolo",
    "podtitul", "podnadpis", "подзаголовок", "ondertitel", "undertitel", "alaotsikko", "alcím",
    "subtitlu", "podnaslov",
)
_TOC_WORDS = (
    "toc", "spis treści", "spistreci", "verzeichnis", "inhaltsverzeichnis", "tm", "tdc",
    "sommario", "obsah", "оглавление", "inhopg", "innehåll", "indholdsfortegnelse",
    "sisällysluettelo", "table des matières", "contents",
)
_TOC_HEADING_NAMES = (
    "toc heading", "tocheading", "contents heading", "nagłówek spisu treści", "nagwekspisutreci",
    "inhaltsverzeichnisüberschrift", "inhaltsverzeichnisberschrift", "en-tête de table des matières",
    "en-ttedetabledesmatires", "título de tdc", "encabezado de tdc", "titolo sommario",
    "nadpis obsahu", "заголовок оглавления", "kop van inhoudsopgave", "innehållsförteckningsrubrik",
)
_QUOTE_WORDS = (
    "quote", "quotation", "block text", "blockquote", "cytat", "zitat", "citation", "cita",
    "citazione", "citace", "citát", "цитата", "citaat", "sitaatti", "citat",
)
_CODE_WORDS = (
    "code", "listing", "program", "console", "terminal", "command", "shell", "snippet",
    "verbatim", "preformatted", "plain text", "grammar", "syntax", "kod", "quellcode",
)
_CAPTION_NAMES = ("caption", "legenda", "beschriftung", "légende", "didascalia", "titulek",
                  "название объекта", "bijschrift", "epígrafe")


def _alternation(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


#: Paragraph style roles: matched against the style name, then the style id.
PARAGRAPH_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("toc-heading", re.compile(rf"^(?:{_alternation(_TOC_HEADING_NAMES)})$")),
    ("toc", re.compile(rf"^(?:{_alternation(_TOC_WORDS)})\s*\d$")),
    ("heading", re.compile(rf"^(?:{_alternation(_HEADING_WORDS)})\s*([1-9])$")),
    ("title", re.compile(rf"^(?:{_alternation(_TITLE_NAMES)})$")),
    ("subtitle", re.compile(rf"^(?:{_alternation(_SUBTITLE_NAMES)})$")),
    ("quote", re.compile(rf"(?:^|\b)(?:intense\s+)?(?:{_alternation(_QUOTE_WORDS)})(?:\b|$)")),
    ("code", re.compile(rf"(?:^|\b)(?:{_alternation(_CODE_WORDS)})(?:\b|$)")),
    ("caption", re.compile(rf"^(?:{_alternation(_CAPTION_NAMES)})$")),
)

#: Character style roles.
CHARACTER_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("kbd", re.compile(r"^html keyboard$")),
    ("samp", re.compile(r"^html sample$")),
    ("var", re.compile(r"^html variable$")),
    ("code", re.compile(rf"(?:^|\b)(?:{_alternation(_CODE_WORDS + ('typewriter', 'html code'))})"
                        r"(?:\b|$)")),
)

#: Font families that set text in a fixed pitch (a substring match).
MONOSPACE_FONTS = (
    "courier", "consolas", "menlo", "monaco", "lucida console", "lucida sans typewriter",
    "andale mono", "mono", "source code", "fira code", "inconsolata", "cascadia",
    "typewriter", "fixedsys", "ocr a", "letter gothic", "prestige elite", "pt mono", "hack",
)


@dataclass
class Style:
    """One ``w:style``: what the document needs to know about it."""

    style_id: str
    name: str
    kind: str  # paragraph, character, table, numbering
    based_on: str | None = None
    outline_level: int | None = None
    font: str | None = None
    bold: bool | None = None
    italic: bool | None = None
    vanish: bool | None = None
    #: The table style formats its first row differently (a header row).
    first_row_format: bool = False
    #: A character style linked to a paragraph style ("Heading 1 Char").
    linked: bool = False


@dataclass
class StyleTable:
    """All styles of a document, with their resolved roles."""

    styles: dict[str, Style] = field(default_factory=dict)
    default_font: str | None = None
    _memo: dict[tuple[str, str | None], object] = field(default_factory=dict, repr=False)

    def _cached(self, kind: str, style_id: str | None, compute):
        key = (kind, style_id)
        if key not in self._memo:
            self._memo[key] = compute(style_id)
        return self._memo[key]

    def get(self, style_id: str | None) -> Style | None:
        return self.styles.get(style_id) if style_id else None

    def _chain(self, style_id: str | None):
        seen: set[str] = set()
        style = self.get(style_id)
        while style is not None and style.style_id not in seen:
            seen.add(style.style_id)
            yield style
            style = self.get(style.based_on)

    def inherited(self, style_id: str | None, attribute: str):
        """The first value of ``attribute`` along the basedOn chain."""
        for style in self._chain(style_id):
            value = getattr(style, attribute)
            if value is not None:
                return value
        return None

    def font(self, style_id: str | None) -> str | None:
        return self._cached("font", style_id, lambda sid: self.inherited(sid, "font"))

    def paragraph_role(self, style_id: str | None) -> tuple[str, int] | None:
        """``(role, level)`` for a paragraph style, or ``None`` for body text."""
        return self._cached("paragraph", style_id, self._paragraph_role)

    def character_role(self, style_id: str | None) -> str | None:
        """``code``/``kbd``/``samp``/``var``/``strong``/``em``/``strong-em`` or ``None``."""
        return self._cached("character", style_id, self._character_role)

    def _paragraph_role(self, style_id: str | None) -> tuple[str, int] | None:
        style = self.get(style_id)
        if style is None:
            return None
        for key in (style.name, style.style_id):
            role = _match(PARAGRAPH_RULES, key)
            if role is not None:
                return role
        # An author's style based on a named one ("My Heading" based on
        # "heading 2") inherits its meaning, outline level first.
        level = self.inherited(style_id, "outline_level")
        if level is not None and 0 <= level <= 5:
            return ("heading", level + 1)
        for ancestor in list(self._chain(style_id))[1:]:
            for key in (ancestor.name, ancestor.style_id):
                role = _match(PARAGRAPH_RULES, key)
                if role is not None and role[0] in ("heading", "quote", "code", "caption"):
                    return role
        if is_monospace(self.font(style_id)):
            return ("code", 0)
        return None

    def _character_role(self, style_id: str | None) -> str | None:
        style = self.get(style_id)
        if style is None:
            return None
        for key in (style.name, style.style_id):
            role = _match(CHARACTER_RULES, key)
            if role is not None:
                return role[0]
        if is_monospace(self.font(style_id)):
            return "code"
        if style.linked:
            return None  # the paragraph style's look applied to a few words
        bold = bool(self.inherited(style_id, "bold"))
        italic = bool(self.inherited(style_id, "italic"))
        if bold and italic:
            return "strong-em"
        return "strong" if bold else "em" if italic else None


def _match(rules, key: str | None) -> tuple[str, int] | None:
    if not key:
        return None
    text = " ".join(key.lower().split())
    for role, pattern in rules:
        found = pattern.search(text)
        if found:
            level = int(found.group(1)) if found.groups() and found.group(1) else 0
            return role, level
    return None


def is_monospace(font: str | None) -> bool:
    if not font:
        return False
    lowered = font.lower()
    return any(name in lowered for name in MONOSPACE_FONTS)


def _toggle(rpr: etree._Element | None, tag: str) -> bool | None:
    """A run property's on/off value (ECMA-376 §17.7.3 toggle properties)."""
    if rpr is None:
        return None
    el = rpr.find(W + tag)
    if el is None:
        return None
    return el.get(W + "val", "true").lower() not in ("0", "false", "off")


def run_font(rpr: etree._Element | None) -> str | None:
    """The Latin font a ``w:rPr`` sets directly (theme fonts are not resolved)."""
    if rpr is None:
        return None
    fonts = rpr.find(W + "rFonts")
    if fonts is None:
        return None
    return fonts.get(W + "ascii") or fonts.get(W + "hAnsi")


def run_hidden(rpr: etree._Element | None) -> bool:
    return bool(_toggle(rpr, "vanish")) or bool(_toggle(rpr, "specVanish"))


def parse_styles(root: etree._Element | None) -> StyleTable:
    """Read ``word/styles.xml`` (already parsed with book.safexml)."""
    table = StyleTable()
    if root is None:
        return table
    defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    table.default_font = run_font(defaults)
    for el in root.iter(W + "style"):
        style_id = el.get(W + "styleId")
        if not style_id:
            continue
        name_el = el.find(W + "name")
        based = el.find(W + "basedOn")
        ppr = el.find(W + "pPr")
        rpr = el.find(W + "rPr")
        outline = ppr.find(W + "outlineLvl") if ppr is not None else None
        level: int | None = None
        if outline is not None:
            try:
                level = int(outline.get(W + "val", "9"))
            except ValueError:
                level = None
        first_row = any(
            part.get(W + "type") == "firstRow" for part in el.iter(W + "tblStylePr")
        )
        table.styles[style_id] = Style(
            style_id=style_id,
            name=(name_el.get(W + "val") if name_el is not None else "") or "",
            kind=el.get(W + "type", "paragraph"),
            based_on=based.get(W + "val") if based is not None else None,
            outline_level=level,
            font=run_font(rpr),
            bold=_toggle(rpr, "b"),
            italic=_toggle(rpr, "i"),
            vanish=_toggle(rpr, "vanish"),
            first_row_format=first_row,
            linked=el.find(W + "link") is not None,
        )
    return table
