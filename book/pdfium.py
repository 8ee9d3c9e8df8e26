"""One lock for PDFium in this process.

PDFium (pypdfium2) is not thread-safe, not even across documents: two
threads inside it at once can crash the process.  ``make-book serve``
renders print pages in its HTTP threads while its build thread may
rasterize a cover, so every use of pypdfium2 in make_book holds
:data:`PDFIUM_LOCK`.
"""

from __future__ import annotations

import threading

#: Held by every call into pypdfium2 (re-entrant: a helper may call another).
PDFIUM_LOCK = threading.RLock()
