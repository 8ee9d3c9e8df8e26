"""Store profiles: a finished EPUB checked against what each store accepts.

``make-book check BOOK.epub --store apple --store kobo`` (or ``--store
all``) adds to EPUBCheck, Ace and the lints the published limits of Apple
Books, Kobo, Google Play Books, Amazon KDP and Barnes & Noble Press: file
size, cover pixels, image pixels, required metadata and ISBN, font
licences, remote resources, EPUB version.  The limits are data, one table
per store with its sources (:mod:`.profiles`); the rules and their codes
are in :mod:`.checks`.  Like ``--target`` for print (:mod:`book.printshops`),
a profile is a table, not a code path.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import UsageError
from .profiles import STORE_NAMES, STORES, StoreProfile

__all__ = ["STORES", "STORE_NAMES", "StoreProfile", "parse_stores", "check_stores"]


def parse_stores(values: Iterable[str]) -> tuple[str, ...]:
    """``("apple", "kobo,google")`` or ``("all",)`` → store names in table order."""
    wanted: set[str] = set()
    for value in values:
        for token in value.replace(" ", "").lower().split(","):
            if not token:
                continue
            if token == "all":
                wanted.update(STORE_NAMES)
            elif token in STORES:
                wanted.add(token)
            else:
                raise UsageError(f"unknown store {token!r} (choose from {', '.join(STORE_NAMES)}, all)")
    return tuple(name for name in STORE_NAMES if name in wanted)


def check_stores(path: Path, stores: Iterable[str]):
    """(ToolRun, findings) of the store checks on the EPUB at ``path``."""
    from ..check.report import ToolRun
    from .checks import check_epub_for_stores

    profiles = [STORES[name] for name in stores]
    findings = check_epub_for_stores(Path(path), profiles)
    return ToolRun("stores", "ran", ", ".join(p.name for p in profiles)), findings
