"""What each ebook store states it accepts: one table per store, as data.

``make-book check BOOK.epub --store NAME`` checks a finished EPUB against
these numbers (:mod:`.checks`), as ``--target`` checks a print PDF against
a print service's table (:mod:`book.printshops`).  A changed rule is one
edit here.  Each number carries its source; where a store publishes no
number, the field is None and nothing is checked.

Sources, as read in 2026:

* Apple Books: "Prepare your book" (itunespartner.apple.com/books/support/
  9-prepare-book): "we allow up to 2GB", "images inside your asset files
  shouldn't be more than 4 million pixels", EPUBs must pass EPUBCheck;
  Apple Books Asset Guide, "Images" (help.apple.com/itc/booksassetguide):
  "Images within the EPUB cannot exceed 5.6 million pixels", RGB
  (sRGB recommended).  Cover art at least 1400 px on the shorter side
  (iTunes Producer's check, reported by ideatrash.net, 2012).
* Google Play Books: "Files & uploading overview" (support.google.com/
  books/partner/answer/3424254): "Each file must be less than 2 GB",
  "Cover files must have a minimum resolution of 640 pixels. The maximum
  height and width are 7,200 pixels", "The .epub file must contain the
  front cover image".
* Amazon KDP: "Cover Image Guidelines" (kdp.amazon.com/help/topic/
  G6GTK3T3NUHKLEFX): ideal 1,600 × 2,560 px, "minimum image size allowed is
  1,000 x 625 pixels" (height × width), maximum 10,000 × 10,000, "Use RGB";
  the 650 MB file limit (KDP's eBook manuscript limit, as tabled by Vellum,
  help.vellum.pub/uploading).
* Kobo: 100 MB (Kobo Writing Life's upload limit, Vellum's table, ibid.);
  kobolabs/epub-spec (Kobo's ePub guidelines): images RGB, "maximum size for
  all image types is 5 MB", "GIF files are not supported for covers", the
  ISBN in ``dc:identifier`` is how Kobo's content system matches the file
  to its metadata.
* Barnes & Noble Press: 20 MB (Vellum's table, ibid.).

Every store here takes EPUB 2.0.1 and EPUB 3 (``version`` "2.0" or "3.0"
in the package document) and asks for a title, a language, an identifier
and an author; none accepts a book whose content loads from the network.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000
GB = 1_000_000_000


@dataclass(frozen=True)
class StoreProfile:
    """One store's published limits for an EPUB."""

    name: str
    title: str
    #: Largest EPUB file, bytes.
    max_file_bytes: int
    #: Smallest cover (width, height) in pixels; None: none published.
    cover_min: tuple[int, int] | None = None
    #: Smallest shorter side of the cover, pixels.
    cover_min_short_side: int | None = None
    #: Largest cover side, pixels.
    cover_max_side: int | None = None
    #: The size the store recommends (width, height), for a note.
    cover_ideal: tuple[int, int] | None = None
    #: The EPUB must hold a cover image (not only a separate upload).
    cover_required: bool = False
    #: Cover formats the store refuses inside the book (media types).
    cover_refused_types: tuple[str, ...] = ()
    #: Pixels an image in the book may have: (recommended, absolute).
    image_max_pixels: tuple[int | None, int | None] = (None, None)
    #: Largest image file, bytes (advice).
    image_max_bytes: int | None = None
    #: Images must be RGB (not CMYK).
    rgb_images: bool = False
    #: "required" or "recommended": an ISBN as the identifier; None: not asked.
    isbn: str | None = None
    #: Package versions accepted.
    epub_versions: tuple[str, ...] = ("2.0", "3.0")


STORES: dict[str, StoreProfile] = {
    "apple": StoreProfile(
        name="apple", title="Apple Books", max_file_bytes=2 * GB,
        cover_min_short_side=1400,
        image_max_pixels=(4_000_000, 5_600_000), rgb_images=True),
    "google": StoreProfile(
        name="google", title="Google Play Books", max_file_bytes=2 * GB,
        cover_min_short_side=640, cover_max_side=7200, cover_required=True),
    "kdp": StoreProfile(
        name="kdp", title="Amazon Kindle (KDP)", max_file_bytes=650 * MB,
        cover_min=(625, 1000), cover_max_side=10_000, cover_ideal=(1600, 2560), rgb_images=True),
    "kobo": StoreProfile(
        name="kobo", title="Kobo", max_file_bytes=100 * MB,
        cover_refused_types=("image/gif",), image_max_bytes=5 * MB, rgb_images=True,
        isbn="recommended"),
    "bn": StoreProfile(name="bn", title="Barnes & Noble Press", max_file_bytes=20 * MB),
}

STORE_NAMES: tuple[str, ...] = tuple(STORES)
