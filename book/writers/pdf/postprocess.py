"""Last touches on the PDF objects, before WeasyPrint writes the file.

Runs as WeasyPrint's ``finisher`` on the in-memory pydyf PDF, so the file is
written once (no second parse with pikepdf):

* reproducible XMP document id (metadata.py);
* ``BleedBox`` = ``MediaBox`` when there is bleed: WeasyPrint caps the
  BleedBox at 10 pt beyond the trim, and print shops expect the whole bleed
  (PDF/X: TrimBox ⊂ BleedBox ⊆ MediaBox);
* the print edition carries no link annotations (KDP asks for none, and
  PDF/X forbids annotations inside the bleed box); bookmarks stay;
* the output intent names the printing condition (the profile's own
  description) instead of WeasyPrint's internal URL, or, without a profile,
  the registered FOGRA39 condition;
* the screen edition asks viewers to show the document title
  (``ViewerPreferences/DisplayDocTitle``, PDF/UA-1 §7.1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pydyf

from .metadata import stable_document_id
from .tagging import mark_margin_artifacts, tag_footnotes


def make_finisher(*, file_id: bytes, print_edition: bool, bleed: bool,
                  profile_name: str, pdfx: bool) -> Callable[[Any, pydyf.PDF], None]:
    def finish(document: Any, pdf: pydyf.PDF) -> None:
        stable_document_id(pdf, file_id)
        if print_edition:
            for page in _pages(pdf):
                page.pop("Annots", None)
                if bleed:
                    page["BleedBox"] = page["MediaBox"]
            if pdfx:
                _name_output_intent(pdf, profile_name)
        else:
            prefs = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
            prefs["DisplayDocTitle"] = "true"
            pdf.catalog["ViewerPreferences"] = prefs
            mark_margin_artifacts(pdf)  # running heads and folios (tagging.py)
            tag_footnotes(document, pdf)
    return finish


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
