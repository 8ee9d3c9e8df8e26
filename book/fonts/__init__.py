"""Fonts: the fallbacks every stack names, and the checks that nothing is missing.

``stacks``   the Noto families per script (:data:`~.stacks.SCRIPTS`), the
             CJK region per language, the Debian packages that hold them
``css``      :func:`~.css.fallback_css`: a stylesheet's font stacks again,
             with the fallbacks, and ``:lang()`` variants for CJK
``embedded`` :func:`~.embedded.check_embedded_fonts`: characters of the
             EPUB styled with a font the book embeds that the font lacks
             (code FONT001)

The PDF's own check for characters no font drew is LAY003
(:mod:`book.pagecheck`).
"""

from __future__ import annotations

from .css import fallback_css
from .stacks import PACKAGES, SCRIPTS, cjk_region, every_family, extend

__all__ = ["PACKAGES", "SCRIPTS", "cjk_region", "every_family", "extend", "fallback_css"]
