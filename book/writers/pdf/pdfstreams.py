"""Each PDF stream compressed once, at a level worth its time.

pydyf (0.13) builds a stream's bytes in its ``Stream.data`` property,
compressing them anew on every read, at zlib level 9.  ``PDF.write`` reads
every object's data twice when the document has an identifier (once for
the MD5 of the file identifier, ISO 32000-1 §14.4, once to write it), and
WeasyPrint always gives one: every page's content stream was deflated twice,
a tenth of a book's drawing time.  Level 9 also costs about twice level 6
on page content for well under one per cent of size.

:func:`install` makes ``Stream.data`` remember its bytes for the length of
one ``PDF.write`` (per thread, keyed by the stream object, kept alive with
its bytes until the write ends) and deflate at :data:`LEVEL`.  The bytes
of a stream are the same whichever read made them, so the output is as
deterministic as before; only the deflate level changes it.
"""

from __future__ import annotations

import threading
import zlib
from typing import Any

#: zlib level for page content, fonts and images WeasyPrint writes.
LEVEL = 6

_local = threading.local()
_INSTALLED = False


def _stream_bytes(stream: Any, level: int) -> bytes:
    """A stream object as pydyf writes it: its dictionary with /Length (and
    /Filter when compressed), then ``stream``, the data, ``endstream``
    (ISO 32000-1 §7.3.8)."""
    import pydyf

    body = b"\n".join(pydyf._to_bytes(item) for item in stream.stream)
    extra = pydyf.Dictionary(stream.extra.copy())
    if stream.compress:
        extra["Filter"] = "/FlateDecode"
        packer = zlib.compressobj(level=level)
        body = packer.compress(body) + packer.flush()
    extra["Length"] = len(body)
    return b"\n".join((extra.data, b"stream", body, b"endstream"))


def install() -> None:
    """Patch pydyf once per process (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    import pydyf

    original_write = pydyf.PDF.write

    def data(self: Any) -> bytes:
        memo = getattr(_local, "memo", None)
        if memo is None:
            return _stream_bytes(self, LEVEL)
        found = memo.get(id(self))
        if found is None:
            # The stream is kept with its bytes: no other object can take
            # its id while the write lasts.
            found = memo[id(self)] = (self, _stream_bytes(self, LEVEL))
        return found[1]

    def write(self: Any, *args: Any, **kwargs: Any) -> Any:
        outer = getattr(_local, "memo", None)
        _local.memo = {} if outer is None else outer
        try:
            return original_write(self, *args, **kwargs)
        finally:
            _local.memo = outer

    pydyf.Stream.data = property(data)
    pydyf.PDF.write = write
    _INSTALLED = True
