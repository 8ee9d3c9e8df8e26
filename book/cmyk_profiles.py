"""Where the system keeps CMYK press profiles (the PDF/X output intent's
fallback, book/writers/pdf/variants.py).

A module of its own, free of the PDF writer, because the build cache's
environment key (book/cache/keys.py) stats these files on every build,
an EPUB-only one included, which should not import the PDF writer for a
list of paths.
"""

from __future__ import annotations

#: Where Debian and other distributions keep CMYK press profiles, in the
#: order they are tried.
SYSTEM_CMYK_PROFILES = (
    "/usr/share/color/icc/ghostscript/default_cmyk.icc",
    "/usr/share/color/icc/ISOcoated_v2_eci.icc",
    "/usr/share/color/icc/colord/FOGRA39L_coated.icc",
    "/usr/share/color/icc/ghostscript/ps_cmyk.icc",
)
