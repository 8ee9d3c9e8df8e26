"""Code samples that show an image of the book which is not there.

Technical books teach Markdown and HTML by example: a fenced sample shows
``![alt](images/photo.jpg)`` and the rendered picture usually follows, using
the book's own file.  When the sample names a file in one of the book's own
folders and that file is missing, the author most likely forgot to add it
(or to add the rendered example), so it is reported like any missing image:
a warning naming the file and line.  Samples that name files in folders the
book does not have (``path/to/image.png``) are illustrations of syntax and
are left alone, as is inline code.

Code: MD070 a code sample shows a book image that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

from ...sandbox import Sandbox, is_data_uri, is_remote

#: ``![alt](path "title")`` and ``<img ... src="path">`` inside a sample.
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]\n]*\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^\n]*?[\"'])?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b[^>\n]*?\bsrc\s*=\s*[\"']([^\"'\n]+)[\"']", re.IGNORECASE)


def sample_images(code: str) -> Iterable[tuple[int, str]]:
    """(line offset in the sample, path) of every image a sample names."""
    for offset, line in enumerate(code.split("\n")):
        for pattern in (_MARKDOWN_IMAGE, _HTML_IMAGE):
            for match in pattern.finditer(line):
                yield offset, match.group(1)


def check_samples(tokens: list, source_path: Path, sandbox: Sandbox,
                  warn: Callable[[str, str, int | None], None]) -> None:
    """Warn (MD070) for book images that block code samples show but that are missing."""
    folder = source_path.parent
    reported: set[str] = set()
    for token in tokens:
        if token.type not in ("fence", "code_block") or not token.map:
            continue
        first_line = token.map[0] + (2 if token.type == "fence" else 1)
        for offset, ref in sample_images(token.content):
            if ref in reported or is_remote(ref) or is_data_uri(ref) or ref.startswith(("/", "#")):
                continue
            parent = PurePosixPath(ref).parent
            if str(parent) in ("", "."):
                continue  # a bare file name: a syntax illustration
            try:
                directory = sandbox.resolve(str(parent), base=folder)
                target = sandbox.resolve(ref, base=folder)
            except Exception:  # noqa: BLE001 - outside the book: not the book's image
                continue
            if directory.is_dir() and not target.exists():
                reported.add(ref)
                warn("MD070", f"a code sample shows image {ref}, which is not in the book folder "
                     f"({parent}/ has no such file)", first_line + offset)
