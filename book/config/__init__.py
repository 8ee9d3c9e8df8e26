"""book.toml: the project file, parsed and checked.

A book project is a folder with a ``book.toml``.  Every key is checked: a
typo or a wrong type is an error naming the file and line, never a silently
ignored setting.  The README's "book.toml reference" documents each key; the
dataclasses of ``settings`` are the same list in code.

``settings``  the settings as dataclasses, one per section, and allowed values
``reader``    typed values out of the parsed TOML, errors naming the line
``metadata``  the ``[metadata]`` section
``sections``  every other section
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import ConfigError
from .metadata import _metadata
from .reader import _Reader
from .sections import (_accessibility, _content, _cover, _epub, _pdf, _structure, _style,
                       _typography, check_pattern)
from .settings import (BLEED_EDGES, CONFIG_NAME, COVER_DESIGNS, HEADING_MODES, NOTE_PLACEMENTS,
                       PARAGRAPH_MODES, PDF_VARIANTS, SCREEN_VARIANTS, THEMES,
                       AccessibilityConfig, ContentConfig, ContentEntry, CoverConfig, EpubConfig,
                       PdfConfig, ProjectConfig, StructureConfig, StyleConfig, TypographyConfig)

__all__ = ["BLEED_EDGES", "CONFIG_NAME", "COVER_DESIGNS", "HEADING_MODES", "NOTE_PLACEMENTS",
           "PARAGRAPH_MODES", "PDF_VARIANTS", "SCREEN_VARIANTS", "THEMES", "AccessibilityConfig",
           "ContentConfig", "ContentEntry", "CoverConfig", "EpubConfig", "PdfConfig",
           "ProjectConfig", "StructureConfig", "StyleConfig", "TypographyConfig",
           "check_pattern", "load_config"]


def load_config(path: Path, display: str, text: str) -> ProjectConfig:
    """Parse book.toml text (already read through the sandbox)."""
    import tomllib  # here: 4 ms of imports that a manuscript built without book.toml never needs

    r = _Reader(path, display, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(f"malformed TOML: {message}", file=display,
                          line=int(match.group(1)) if match else None) from None
    top = {"metadata", "content", "structure", "style", "pdf", "epub", "cover", "typography",
           "accessibility"}
    for key in data:
        if key not in top:
            raise ConfigError(f"unknown section or key {key!r} (sections: {', '.join(sorted(top))})",
                              file=display, line=r.line_of(key) or r.line_of("", key))
    config = ProjectConfig(root=path.parent, file=path)
    config.metadata = _metadata(r, r.table(data, "metadata"), path.parent)
    config.content = _content(r, r.table(data, "content"))
    config.structure = _structure(r, r.table(data, "structure"))
    config.style = _style(r, r.table(data, "style"))
    config.pdf = _pdf(r, r.table(data, "pdf"))
    config.epub = _epub(r, r.table(data, "epub"))
    config.cover = _cover(r, r.table(data, "cover"))
    config.typography = _typography(r, r.table(data, "typography"))
    config.accessibility = _accessibility(r, r.table(data, "accessibility"))
    config.warnings = r.warnings
    return config
