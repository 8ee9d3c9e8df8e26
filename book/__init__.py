"""make_book: manuscripts in, retail-valid EPUB 3 and print-ready PDF out.

The library API (the CLI in make_book.py is a thin layer over it)::

    from book import build, BuildOptions
    result = build(["manuscript.md"], BuildOptions(formats=("epub", "pdf")))

Pipeline: readers (book.readers) → the Book model (book.model) → passes
(book.passes.PASSES, in order) → writers (book.writers).
"""

from .build import BuildResult, Overrides, build, load_book
from .context import BuildOptions
from .errors import MakeBookError
from .version import __version__

__all__ = ["BuildOptions", "BuildResult", "MakeBookError", "Overrides", "build", "load_book",
           "__version__"]
