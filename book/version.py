"""The version of make_book, in one place.

``book.__version__`` for users of the library; the EPUB's generator
``<meta>``, ``make-book --version`` and ``make-book check``'s report read it
from here, so no module below ``book`` has to import the package itself.
Keep it equal to ``version`` in pyproject.toml.
"""

__version__ = "0.1.0"
