"""The only way WeasyPrint may read a resource while laying out the book.

WeasyPrint fetches whatever the HTML and CSS name: images, fonts in
``@font-face``, imported stylesheets, colour profiles.  A manuscript or a
user stylesheet could name ``http://`` URLs (a tracking pixel, a slow
server) or files outside the book folder.  :class:`SandboxFetcher` serves
only

* files inside the sandbox root (real path checked, so symlinks leading out
  are refused),
* ``data:`` URIs,
* the book's in-memory assets (print-resolution bytes when there are any),
  served under the virtual folder ``/_mb_assets/`` (:func:`.served.asset_url`), and
* a few resources the writer itself provides (the output colour profile),
  under the ``mb-internal:`` scheme,

and raises for everything else, so a build never touches the network.

Reproducibility: WeasyPrint names an image in the PDF after a hash of its
URL, and the file identifier hashes the HTML that names it, so an asset URL
containing the book's absolute path would make the same book give
different bytes in another folder (and write that folder into the file).
Asset URLs are therefore the same on every machine: ``file:///_mb_assets/``
plus the asset's href, a folder that exists only inside this fetcher.
"""

from __future__ import annotations

import base64
import mimetypes
import os
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, unquote_to_bytes, urlsplit
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

from ...limits import MAX_ASSET_BYTES
from ...model import Book
from ...sandbox import Sandbox
from .served import ASSET_BASE, ASSET_FOLDER

INTERNAL_SCHEME = "mb-internal"
RASTER_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff"})


class FetchRefused(ValueError):
    """A resource outside what the book may use (WeasyPrint logs and skips it)."""


class SandboxFetcher(URLFetcher):
    """A WeasyPrint URL fetcher confined to the book (see the module docstring)."""

    def __init__(self, sandbox: Sandbox, book: Book, internal: dict[str, tuple[bytes, str]] | None = None,
                 image_filter: Callable[[bytes, str], tuple[bytes, str]] | None = None):
        super().__init__(timeout=1, allowed_protocols=("file", "data", INTERNAL_SCHEME))
        self.sandbox = sandbox
        #: Applied to raster images served (e.g. CMYK conversion for PDF/X-1a).
        self.image_filter = image_filter
        self.assets = {a.href: a for a in book.assets.values()}
        self.internal = dict(internal or {})
        #: URLs refused during the build, for diagnostics and tests.
        self.refused: list[str] = []
        self.served: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:  # noqa: ANN001 - WeasyPrint's API
        scheme = urlsplit(url).scheme.lower()
        try:
            if scheme == "data":
                return self._data(url)
            if scheme == INTERNAL_SCHEME:
                name = url.split(":", 1)[1]
                if name not in self.internal:
                    raise FetchRefused(f"no internal resource {name!r}")
                data, media_type = self.internal[name]
                self.served.append(url)
                return URLFetcherResponse(url, data, {"Content-Type": media_type})
            if scheme == "file":
                return self._file(url)
            raise FetchRefused(f"{scheme or 'relative'} URL refused: {url[:200]}")
        except FetchRefused:
            self.refused.append(url)
            raise

    def _data(self, url: str) -> URLFetcherResponse:
        header, _, payload = url[5:].partition(",")
        media_type = header.split(";")[0] or "text/plain"
        if header.endswith(";base64"):
            data = base64.b64decode(unquote(payload), validate=False)
        else:
            data = unquote_to_bytes(payload)
        if len(data) > MAX_ASSET_BYTES:
            raise FetchRefused("data: URI too large")
        return URLFetcherResponse(url, data, {"Content-Type": media_type})

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise FetchRefused(f"remote file URL refused: {url[:200]}")
        path = Path(url2pathname(parts.path))
        normal = PurePosixPath(os.path.normpath(path.as_posix()))
        if normal.is_relative_to(ASSET_BASE):
            return self._asset(url, normal.relative_to(ASSET_BASE).as_posix())
        root = self.sandbox.root
        try:
            relative = Path(os.path.normpath(path)).relative_to(root)
        except ValueError:
            raise FetchRefused(f"file outside the book folder refused: {path.name}") from None
        rel = relative.as_posix()
        if rel.startswith(ASSET_FOLDER + "/"):  # the former, root-relative form
            return self._asset(url, rel[len(ASSET_FOLDER) + 1:])
        if not self.sandbox.contains(path) or not path.is_file():
            raise FetchRefused(f"{rel} is not a file inside the book folder")
        data = self.sandbox.read_bytes(path, limit=MAX_ASSET_BYTES, file=rel)
        media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.served.append(url)
        return self._respond(url, data, media_type)

    def _asset(self, url: str, href: str) -> URLFetcherResponse:
        asset = self.assets.get(href)
        if asset is None:
            raise FetchRefused(f"unknown asset {href}")
        self.served.append(url)
        return self._respond(url, asset.print_data or asset.data, asset.media_type)

    def _respond(self, url: str, data: bytes, media_type: str) -> URLFetcherResponse:
        if self.image_filter is not None and media_type in RASTER_TYPES:
            data, media_type = self.image_filter(data, media_type)
        return URLFetcherResponse(url, data, {"Content-Type": media_type})
