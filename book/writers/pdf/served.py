"""Where the layout finds the book's in-memory assets: a virtual folder.

The sandboxed fetcher (fetcher.py) serves the book's assets (images, with
their print-resolution bytes when there are any) under ``/_mb_assets/``, a
folder that exists only inside it, so an asset's URL is the same on every
machine and the same book gives the same bytes in any folder.  The HTML
assembly names assets by these URLs; this module holds them apart from the
fetcher, which is a WeasyPrint class: the build process assembles and joins
the chunks without importing WeasyPrint, which only the layout workers need.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

#: Virtual folder where assets are served.
ASSET_FOLDER = "_mb_assets"
ASSET_BASE = PurePosixPath("/", ASSET_FOLDER)


def asset_url(root: Path | None, href: str) -> str:
    """The URL under which the asset ``href`` is served: the same whatever
    ``root`` is (kept as a parameter for callers), see the module docstring."""
    return (ASSET_BASE / href).as_uri()
