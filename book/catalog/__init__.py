"""``make-book catalog``: a publisher's whole backlist in one run.

A catalog is a folder of book projects, a ``catalog.toml`` or a CSV
(:mod:`.parse`).  Every book is one job, built in a process of its own on a
local pool of worker processes (:mod:`.local_pool`) or as one task on a
Dask cluster (:mod:`.dask_backend`); a failing, stuck or crashing book never
stops the others.  The outputs land atomically in ``OUTDIR/<book>/``, a
manifest (:mod:`.manifest`) makes the run resumable and skips unchanged
books, and the report (:mod:`.report`) comes as JSON, CSV and HTML.

Library use::

    from book.catalog import CatalogOptions, run_catalog
    result = run_catalog(Path("backlist/"), CatalogOptions(outdir=Path("out")))
    print(result.summary())
"""

from .parse import Catalog, load_catalog
from .progress import Progress, progress_for
from .report import BookResult, CatalogResult
from .run import CatalogInterrupted, CatalogOptions, parse_memory_limit, run_catalog

__all__ = ["BookResult", "Catalog", "CatalogInterrupted", "CatalogOptions", "CatalogResult",
           "Progress", "load_catalog", "parse_memory_limit", "progress_for", "run_catalog"]
