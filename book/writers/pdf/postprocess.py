"""Last touches on the PDF objects, before WeasyPrint writes the file.

Runs as WeasyPrint's ``finisher`` on the in-memory pydyf PDF, so the file is
written once (no second parse with pikepdf):

* reproducible XMP document id (metadata.py);
* ``BleedBox`` = ``MediaBox`` when there is bleed: WeasyPrint caps the
  BleedBox at 10 pt beyond the trim, and print shops expect the whole bleed
  (PDF/X: TrimBox ⊂ BleedBox ⊆ MediaBox);
* with ``[pdf] bleed_edges = "outer"`` the bleed is cut back at the spine;
* the print edition carries no link annotations (KDP asks for none, and
  PDF/X forbids annotations inside the bleed box); bookmarks stay unless
  ``[pdf] bookmarks = false`` (KDP asks for none);
* whole fonts (``[pdf] full_fonts``) lose the subset tag from their names;
* the output intent names the printing condition (the profile's own
  description) instead of WeasyPrint's internal URL, or, without a profile,
  the registered FOGRA39 condition;
* the screen edition asks viewers to show the document title
  (``ViewerPreferences/DisplayDocTitle``, PDF/UA-1 §7.1);
* page labels (ISO 32000-1 §12.4.2) so that viewers show the printed
  folios: "iii" in the front matter, "12" in the body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydyf

from .metadata import stable_document_id
from .tagging import mark_margin_artifacts, tag_footnotes


#: PDF page label styles (ISO 32000-1 §12.4.2, table 159) by our short names.
LABEL_STYLES = {"r": "/r", "D": "/D"}


def make_finisher(*, file_id: bytes, print_edition: bool, bleed: bool, outer_bleed_only: bool = False,
                  bookmarks: bool = True, whole_fonts: bool = False, profile_name: str,
                  pdfx: bool, page_labels: list[tuple[int, str]] | None = None
                  ) -> Callable[[Any, pydyf.PDF], None]:
    """The finisher for WeasyPrint's ``write_pdf``.

    ``page_labels`` are ranges ``(first page index, style)``, style ``"r"``
    (lower-case Roman) or ``"D"`` (Arabic), each numbered from 1.
    """
    def finish(document: Any, pdf: pydyf.PDF) -> None:
        stable_document_id(pdf, file_id)
        if page_labels:
            nums = pydyf.Array()
            for start, style in page_labels:
                nums.extend([start, pydyf.Dictionary({"S": LABEL_STYLES[style]})])
            pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})
        if whole_fonts:
            _drop_subset_tags(pdf)
        if print_edition:
            for index, page in enumerate(_pages(pdf)):
                page.pop("Annots", None)
                if bleed:
                    if outer_bleed_only:
                        _cut_bleed_at_spine(page, recto=index % 2 == 0)
                    page["BleedBox"] = page["MediaBox"]
            if not bookmarks:
                pdf.catalog.pop("Outlines", None)
                pdf.catalog.pop("PageMode", None)
            if pdfx:
                _name_output_intent(pdf, profile_name)
        else:
            prefs = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
            prefs["DisplayDocTitle"] = "true"
            pdf.catalog["ViewerPreferences"] = prefs
            mark_margin_artifacts(pdf)  # running heads and folios (tagging.py)
            tag_footnotes(document, pdf)
    return finish


def _cut_bleed_at_spine(page: pydyf.Dictionary, *, recto: bool) -> None:
    """Bleed on the top, bottom and fore-edge only (KDP's interior rule).

    CSS ``bleed`` has one value for all four sides, so the page is laid out
    with bleed everywhere and the spine side is cut back to the trim here:
    the MediaBox's inner edge moves onto the TrimBox's (left on a recto,
    right on a verso).  The page content is not touched; a MediaBox need
    not start at the origin (ISO 32000-1 §14.11.2).
    """
    media = [float(v) for v in page["MediaBox"]]
    trim = [float(v) for v in page.get("TrimBox") or media]
    if recto:
        media[0] = trim[0]
    else:
        media[2] = trim[2]
    page["MediaBox"] = pydyf.Array(media)
    if "CropBox" in page:
        page["CropBox"] = pydyf.Array(media)


def _drop_subset_tags(pdf: pydyf.PDF) -> None:
    """Font names without the ``ABCDEF+`` subset tag when fonts are embedded whole.

    WeasyPrint tags every font name, subset or not; the tag means "subset"
    (ISO 32000-1 §9.6.4), so preflight tools (and ``pdffonts``) would report
    whole fonts as subsets, which is what KDP asks not to receive.
    """
    for obj in pdf.objects:
        if not isinstance(obj, pydyf.Dictionary):
            continue
        for key in ("BaseFont", "FontName"):
            value = obj.get(key)
            if value is None:
                continue
            raw = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            tag, plus, rest = raw.lstrip("/").partition("+")
            if plus and len(tag) == 6 and tag.isalpha() and tag.isupper():
                obj[key] = "/" + rest


def _pages(pdf: pydyf.PDF) -> list[pydyf.Dictionary]:
    return [obj for obj in pdf.objects if isinstance(obj, pydyf.Dictionary)
            and obj.get("Type") == "/Page"]


def _name_output_intent(pdf: pydyf.PDF, profile_name: str) -> None:
    intents = pdf.catalog.get("OutputIntents")
    if intents:
        for intent in intents:
            intent["OutputConditionIdentifier"] = pydyf.String(profile_name)
            intent["Info"] = pydyf.String(profile_name)
        return
    intent = pydyf.Dictionary({
        "Type": "/OutputIntent", "S": "/GTS_PDFX",
        "OutputConditionIdentifier": pydyf.String(profile_name),
        "RegistryName": pydyf.String("http://www.color.org"),
        "Info": pydyf.String(profile_name),
    })
    pdf.catalog["OutputIntents"] = pydyf.Array([intent])
