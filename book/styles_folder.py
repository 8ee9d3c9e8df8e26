"""Where the shipped stylesheets live.

The writers read them (book/stylesheets.py) and the build cache hashes them
into every key (book/cache/keys.py); this module is all the two share, so
that the stylesheets may use the cache without the cache importing them.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def styles_dir() -> Path:
    """Where the shipped CSS lives: ``book/styles`` in an installed package
    (pyproject maps the top-level ``styles/`` there), ``styles/`` in a
    source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "styles"
    if (installed / "base.css").is_file():
        return installed
    return package.parent / "styles"
