"""The Kobo edition: ``NAME.kepub.epub``, the EPUB with Kobo's markup.

Kobo's e-readers and apps open a file named ``*.kepub.epub`` with Kobo's
own WebKit renderer instead of the Adobe engine used for plain EPUBs
(kobolabs/epub-spec, "Sideloading"): better page layout, reading
statistics, time left per chapter.  It is the standard EPUB packaged by
the same writer (:func:`book.writers.epub.write_epub` with an
:class:`~book.writers.epub.Edition`), every content document passed through
:func:`.spans.add_kobo_markup` and one more stylesheet, ``styles/kobo.css``
(the reasons for each rule are in that file).  The navigation document is
left alone (Kobo reads it for the contents, not for reading).  The result is
still a valid EPUB 3 (EPUBCheck 0 errors, 0 warnings).
"""

from __future__ import annotations

from lxml import etree

from ...context import BuildContext
from ...model import Book
from ...stylesheets import styles_dir
from ..epub import Edition, write_epub
from .spans import add_kobo_markup

KOBO_STYLESHEET = "styles/kobo.css"

__all__ = ["write_kepub", "kobo_edition"]


def kobo_edition() -> Edition:
    """The kepub's differences from the standard EPUB."""
    css = (styles_dir() / "kobo.css").read_text(encoding="utf-8")

    def transform(root: etree._Element, href: str) -> etree._Element:
        return add_kobo_markup(root)

    return Edition(name="kobo", transform=transform, stylesheets=((KOBO_STYLESHEET, css),))


def write_kepub(book: Book, ctx: BuildContext) -> bytes:
    """The kepub's bytes."""
    return write_epub(book, ctx, kobo_edition())
