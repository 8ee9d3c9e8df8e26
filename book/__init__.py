"""make_book: manuscripts in, retail-valid EPUB 3 and print-ready PDF out.

The library API (the CLI in make_book.py is a thin layer over it)::

    from book import build, BuildOptions
    result = build(["manuscript.md"], BuildOptions(formats=("epub", "pdf")))

Pipeline: readers (book.readers) → the Book model (book.model) → passes
(book.passes.PASSES, in order) → writers (book.writers).
"""

from . import weasyload

weasyload.install()  # before anything imports WeasyPrint (see weasyload.py)

from .build import BuildResult, Overrides, build, load_book  # noqa: E402
from .context import BuildOptions  # noqa: E402
from .errors import MakeBookError  # noqa: E402
from .version import __version__  # noqa: E402

__all__ = ["BuildOptions", "BuildResult", "MakeBookError", "Overrides", "build", "load_book",
           "__version__"]
