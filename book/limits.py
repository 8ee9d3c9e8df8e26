"""Safety limits on inputs, in one place.

Each limit is far above what a real book needs (War and Peace is 3.3 MB of
text) and low enough that a hostile file cannot exhaust memory or time.
"""

from __future__ import annotations

MiB = 2**20

#: Largest manuscript text file (plain text, Markdown, HTML) we read.
MAX_TEXT_BYTES = 48 * MiB
#: Largest DOCX (a ZIP) we open, compressed.
MAX_ZIP_BYTES = 200 * MiB
#: Total uncompressed size of the ZIP entries we would extract.
MAX_ZIP_UNCOMPRESSED = 512 * MiB
#: Largest compression ratio of a single ZIP entry (a zip bomb has ~1000:1).
MAX_ZIP_RATIO = 200
#: Most entries in a ZIP input.
MAX_ZIP_ENTRIES = 10_000
#: Largest image file we read.
MAX_IMAGE_BYTES = 64 * MiB
#: Largest image in pixels that we decode (Pillow's own bomb guard is 89 Mpx).
MAX_IMAGE_PIXELS = 120_000_000
#: Largest stylesheet or font.
MAX_ASSET_BYTES = 32 * MiB
#: Deepest element nesting we keep; deeper markup is flattened.
MAX_DEPTH = 200
#: Largest book.toml.
MAX_CONFIG_BYTES = 1 * MiB
