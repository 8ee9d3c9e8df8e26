"""Images for the book, as bytes: decoded safely, cleaned, converted, reduced.

Nothing here knows chapter trees; the images pass (``book/passes/images.py``)
feeds these modules bytes and registers what comes out as assets:

* :mod:`.decode`: what may be opened, and what is refused before decoding;
* :mod:`.convert`: the EPUB copy (core media type, size limits, sRGB) and
  the full-resolution print copy, deterministic bytes;
* :mod:`.metadata`: EXIF, XMP and comments removed without re-encoding;
* :mod:`.svg`: SVG reduced to drawing;
* :mod:`.cover`: the book's cover, its limits and where it was named;
* :mod:`.resolution`: how sharp an image prints;
* :mod:`.remote`: the one place that may fetch from the network, only with
  ``--allow-remote``.
"""
