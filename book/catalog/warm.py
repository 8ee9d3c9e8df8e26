"""Warm-up of the process that forks the local pool's book processes.

The local pool starts one process per book from a :mod:`multiprocessing`
fork server, which imports this module once (``set_forkserver_preload``).
Importing it builds a small made-up book, EPUB and print PDF, in a
temporary folder: every module a build needs is then imported, the font
configuration read and the language models loaded, and each book's process
inherits all of it by ``fork`` instead of paying for it again (about 0.4 s
a book, measured here).  The warm-up stays single-threaded, so forking
after it is safe.  A warm-up that fails costs only that speed, never a book.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

#: A little over 200 characters of prose: the language detector then loads
#: the models it uses for real books, not the heavy ones for short texts.
_SAMPLE = """The Warm-up

Chapter One

A printer's apprentice learns first to set a page by hand, letter after letter,
until the lines are even and the margins kind to the reader. Only then is he
trusted with the press, and only later with the choice of a typeface.

Chapter Two

The second lesson is patience: ink must dry, paper must rest, and a book that
is hurried shows it on every page.
"""


def warm_up() -> bool:
    """Build the sample book once; True when it worked."""
    try:
        from ..build import build
        from ..context import BuildOptions

        with tempfile.TemporaryDirectory(prefix="make-book-warm-") as folder:
            source = Path(folder) / "warm-up.txt"
            source.write_text(_SAMPLE, encoding="utf-8")
            build([source], BuildOptions(formats=("epub", "pdf"), outdir=Path(folder) / "out"))
        import pikepdf  # noqa: F401  (pages are counted with it)

        from . import child  # noqa: F401
        return True
    except Exception:
        return False


WARMED = warm_up()
