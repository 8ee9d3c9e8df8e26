"""The other sections of book.toml: ``[content]``, ``[structure]``,
``[style]``, ``[pdf]``, ``[cover]``, ``[epub]``, ``[typography]`` and
``[accessibility]``, each read into its dataclass (settings.py).
"""

from __future__ import annotations

import re
from dataclasses import fields
from typing import Any

from ..errors import ConfigError
from ..geometry import Margins, default_margins, parse_length, parse_trim
from ..model import Matter
from ..printshops import TARGETS
from .reader import _Reader
from .settings import (BLEED_EDGES, COVER_DESIGNS, HEADING_MODES, NOTE_PLACEMENTS,
                       PARAGRAPH_MODES, PDF_VARIANTS, SCREEN_VARIANTS, THEMES,
                       AccessibilityConfig, ContentConfig, ContentEntry, CoverConfig, EpubConfig,
                       PdfConfig, StructureConfig, StyleConfig, TypographyConfig)

#: A colour the cover accepts: hex RGB or CMYK ink values.
_COVER_COLOUR = re.compile(r"^(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3}|device-cmyk\((?:\s*(?:0|1|0?\.\d+)\s*){4}\))$")


def _content(r: _Reader, table: dict[str, Any]) -> ContentConfig:
    r.check_keys(table, "content", {"files", "encoding", "split"})
    raw = table.get("files", [])
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        raise r.error("content.files must be a list", "content", "files")
    entries = []
    for item in raw:
        if isinstance(item, str):
            entries.append(ContentEntry(item))
        elif isinstance(item, dict) and isinstance(item.get("file"), str):
            extra = set(item) - {"file", "matter", "kind"}
            if extra:
                raise r.error(f"unknown keys {sorted(extra)} in a content.files entry", "content", "files")
            matter = item.get("matter")
            try:
                matter_value = {"front": Matter.FRONT, "body": Matter.BODY, "back": Matter.BACK}[
                    matter] if matter else None
            except KeyError:
                raise r.error(f"content.files matter must be front, body or back, not {matter!r}",
                              "content", "files") from None
            entries.append(ContentEntry(item["file"], matter_value, item.get("kind")))
        else:
            raise r.error("content.files entries must be paths or tables {file, matter, kind}",
                          "content", "files")
    encoding = r.string(table, "content", "encoding") or None
    split = r.choice(table, "content", "split", "auto", ("auto", "h1", "none"))
    return ContentConfig(entries, encoding, split)


def check_pattern(value: str, what: str) -> str:
    """``value`` when it is a regular expression Python can compile; the
    error names ``what`` and says why not."""
    if not value:
        return value
    try:
        re.compile(value)
    except re.error as exc:
        raise ConfigError(f"{what} is not a valid regular expression: {exc}") from None
    return value


def _structure(r: _Reader, table: dict[str, Any]) -> StructureConfig:
    r.check_keys(table, "structure", {f.name for f in fields(StructureConfig)})
    structure = StructureConfig(
        headings=r.choice(table, "structure", "headings", "auto", HEADING_MODES),
        paragraphs=r.choice(table, "structure", "paragraphs", "auto", PARAGRAPH_MODES),
    )
    for key in ("chapter_pattern", "part_pattern"):
        value = table.get(key, "")
        if not isinstance(value, str):
            raise r.error(f"structure.{key} must be a string", "structure", key)
        try:
            setattr(structure, key, check_pattern(value.strip(), f"structure.{key}"))
        except ConfigError as exc:
            raise r.error(exc.message, "structure", key) from None
    return structure


def _style(r: _Reader, table: dict[str, Any]) -> StyleConfig:
    r.check_keys(table, "style", {"theme", "css", "font_size", "line_height"})
    style = StyleConfig(
        theme=r.choice(table, "style", "theme", "classic", THEMES),
        css=r.string_list(table, "style", "css"),
        font_size=r.string(table, "style", "font_size", "10.5pt"),
    )
    try:
        parse_length(style.font_size, what="style.font_size")
    except ConfigError as exc:
        raise r.error(exc.message, "style", "font_size") from None
    height = table.get("line_height", 1.35)
    if not isinstance(height, (int, float)) or isinstance(height, bool) or not 1.0 <= height <= 2.5:
        raise r.error("style.line_height must be a number from 1.0 to 2.5", "style", "line_height")
    style.line_height = float(height)
    return style


def _pdf(r: _Reader, table: dict[str, Any]) -> PdfConfig:
    r.check_keys(table, "pdf", {"trim", "margins", "bleed", "marks", "variant", "screen_variant",
                                "full_fonts", "notes", "front_matter", "toc", "toc_depth",
                                "verso_head", "output_profile", "target", "bleed_edges",
                                "bookmarks", "openings"})
    pdf = PdfConfig()
    target = r.choice(table, "pdf", "target", "", ("",) + TARGETS)
    if target:
        pdf.apply_target(target)  # the keys given below win over the service's defaults
    try:
        if "trim" in table:
            pdf.trim = parse_trim(r.string(table, "pdf", "trim"))
    except ConfigError as exc:
        raise r.error(exc.message, "pdf", "trim") from None
    try:
        if "bleed" in table:
            pdf.bleed = parse_length(table["bleed"], what="pdf.bleed")
    except ConfigError as exc:
        raise r.error(exc.message, "pdf", "bleed") from None
    margins = table.get("margins")
    if margins is not None:
        if not isinstance(margins, dict) or set(margins) - {"inner", "outer", "top", "bottom"}:
            raise r.error("pdf.margins must be a table of inner, outer, top, bottom", "pdf", "margins")
        base = default_margins(pdf.trim)
        try:
            pdf.margins = Margins(**{
                side: parse_length(margins[side], what=f"pdf.margins.{side}") if side in margins
                else getattr(base, side) for side in ("inner", "outer", "top", "bottom")})
        except ConfigError as exc:
            raise r.error(exc.message, "pdf", "margins") from None
    pdf.marks = r.boolean(table, "pdf", "marks", pdf.marks)
    pdf.bleed_edges = r.choice(table, "pdf", "bleed_edges", pdf.bleed_edges, BLEED_EDGES)
    pdf.bookmarks = r.boolean(table, "pdf", "bookmarks", pdf.bookmarks)
    pdf.variant = r.choice(table, "pdf", "variant", pdf.variant, PDF_VARIANTS)
    pdf.screen_variant = r.choice(table, "pdf", "screen_variant", "pdf/ua-1", SCREEN_VARIANTS)
    pdf.full_fonts = r.boolean(table, "pdf", "full_fonts", pdf.full_fonts)
    pdf.notes = r.choice(table, "pdf", "notes", "footnotes", NOTE_PLACEMENTS)
    pdf.front_matter = r.boolean(table, "pdf", "front_matter", True)
    pdf.toc = r.boolean(table, "pdf", "toc", True)
    pdf.toc_depth = r.integer(table, "pdf", "toc_depth", 1, 0, 5)
    pdf.verso_head = r.choice(table, "pdf", "verso_head", "title", ("title", "author"))
    pdf.openings = r.choice(table, "pdf", "openings", "auto", ("auto", "right", "any"))
    pdf.output_profile = r.string(table, "pdf", "output_profile")
    if pdf.marks and pdf.bleed_edges == "outer":
        raise r.error("pdf.marks cannot be used with pdf.bleed_edges = \"outer\" (the crop marks "
                      "at the spine would be cut off)", "pdf", "marks")
    return pdf


def _cover(r: _Reader, table: dict[str, Any]) -> CoverConfig:
    r.check_keys(table, "cover", {"paper", "background", "foreground", "back_text", "design"})
    cover = CoverConfig(paper=r.choice(table, "cover", "paper", "white", ("white", "cream")),
                        back_text=r.string(table, "cover", "back_text"),
                        design=r.choice(table, "cover", "design", "classic", COVER_DESIGNS))
    for key in ("background", "foreground"):
        value = r.string(table, "cover", key, getattr(cover, key)).strip()
        if not _COVER_COLOUR.match(value):
            raise r.error(f"cover.{key} must be a colour such as \"#1f2a36\" or "
                          f"\"device-cmyk(0 0 0 1)\", not {value!r}", "cover", key)
        setattr(cover, key, value)
    return cover


def _epub(r: _Reader, table: dict[str, Any]) -> EpubConfig:
    r.check_keys(table, "epub", {"soft_hyphens", "max_image_side", "split_bytes", "notes", "toc_depth"})
    return EpubConfig(
        soft_hyphens=r.boolean(table, "epub", "soft_hyphens", False),
        max_image_side=r.integer(table, "epub", "max_image_side", 2048, 256, 8192),
        split_bytes=r.integer(table, "epub", "split_bytes", 300_000, 20_000, 5_000_000),
        notes=r.choice(table, "epub", "notes", "chapter-end", ("chapter-end", "book-end")),
        toc_depth=r.integer(table, "epub", "toc_depth", 3, 1, 6),
    )


def _typography(r: _Reader, table: dict[str, Any]) -> TypographyConfig:
    r.check_keys(table, "typography", {f.name for f in fields(TypographyConfig)})
    return TypographyConfig(
        enabled=r.boolean(table, "typography", "enabled", True),
        quotes=r.choice(table, "typography", "quotes", "auto",
                        ("auto", "default", "guillemets", "swiss", "double", "single",
                         "straight")),
        dialogue_dash=r.choice(table, "typography", "dialogue_dash", "auto", ("auto", "em", "en")),
        single_letter_words=r.choice(table, "typography", "single_letter_words", "all",
                                     ("all", "titles", "off")),
        epub_narrow_space=r.choice(table, "typography", "epub_narrow_space", "nbsp",
                                   ("nbsp", "thin", "keep")),
    )


def _accessibility(r: _Reader, table: dict[str, Any]) -> AccessibilityConfig:
    r.check_keys(table, "accessibility", {"certified_by", "summary_note", "hazards"})
    hazards = r.string_list(table, "accessibility", "hazards") or ["none"]
    known = {"none", "flashing", "noFlashingHazard", "motionSimulation", "noMotionSimulationHazard",
             "sound", "noSoundHazard", "unknown"}
    for hazard in hazards:
        if hazard not in known:
            raise r.error(f"unknown accessibility hazard {hazard!r}", "accessibility", "hazards")
    return AccessibilityConfig(
        certified_by=r.string(table, "accessibility", "certified_by"),
        summary_note=r.string(table, "accessibility", "summary_note"),
        hazards=hazards,
    )
