"""What an HTML document's head says about the book, and what it asks for.

Metadata comes from ``<title>``, ``<html lang>``, ``<meta name="author">``,
``description``, ``keywords`` and the Dublin Core conventions for HTML
(``DC.title``, ``DC.creator``, ``dcterms.language``…; DCMI "Expressing
Dublin Core metadata using HTML/XHTML meta and link elements").

The head's requests are never honoured: stylesheets, fonts, scripts,
``<base>`` and ``<meta http-equiv="refresh">`` are reported (a note for
the routine ones, a warning for the hostile ones) and dropped with the
head.  Stylesheets are never fetched, wherever they point.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from ...context import BuildContext
from ...errors import SandboxError
from ...sandbox import is_data_uri, is_remote
from ...xhtml import text_content
from .. import SourceFile

STYLESHEET_DROPPED = "HTM010"
SCRIPT_IN_HEAD = "HTM011"
REFRESH_IGNORED = "HTM012"
BASE_IGNORED = "HTM013"
STYLE_DROPPED = "HTM014"

_LANG_TAG = re.compile(r"^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_DC = re.compile(r"^(?:dc|dcterms)\.(\w+)$")
_DC_FIELDS = {
    "title": "title", "creator": "authors", "language": "language", "description": "description",
    "subject": "subjects", "publisher": "publisher", "date": "date", "rights": "rights",
    "created": "date", "issued": "date", "abstract": "description", "alternative": "subtitle",
}


def _date(value: str) -> str | None:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (what the metadata accepts), else None."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    year, month, day = match.groups()
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        return year
    return "-".join(p for p in (year, month, day) if p)


def language_tag(value: str) -> str | None:
    """A well-formed BCP 47 tag (``en_US`` repaired to ``en-US``), else None."""
    tag = value.strip().replace("_", "-")
    return tag if _LANG_TAG.match(tag) else None


def read_metadata(root: etree._Element) -> dict[str, Any]:
    """Metadata the document states about itself, by Metadata field name."""
    found: dict[str, Any] = {}
    head = root.find("head")
    lang = language_tag(root.get("lang") or "")
    if lang:
        found["language"] = lang
    if head is None:
        return found
    title = head.find("title")
    if title is not None and text_content(title):
        found["title"] = text_content(title)
    authors: list[str] = []
    subjects: list[str] = []
    for meta in head.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        content = " ".join((meta.get("content") or "").split())
        if not name or not content:
            if (meta.get("http-equiv") or "").lower() == "content-language" and content:
                tag = language_tag(content.split(",")[0])
                if tag:
                    found.setdefault("language", tag)
            continue
        if name == "author":
            authors.append(content)
        elif name == "description":
            found.setdefault("description", content)
        elif name == "keywords":
            found["keywords"] = [k.strip() for k in content.split(",") if k.strip()]
        else:
            match = _DC.match(name)
            target = _DC_FIELDS.get(match.group(1)) if match else None
            if target == "authors":
                authors.append(content)
            elif target == "subjects":
                subjects.append(content)
            elif target == "date":
                date = _date(content)
                if date:
                    found.setdefault("date", date)
            elif target == "language":
                tag = language_tag(content)
                if tag:
                    found.setdefault("language", tag)
            elif target:
                found.setdefault(target, content)
    if authors:
        found["authors"] = list(dict.fromkeys(authors))
    if subjects:
        found["subjects"] = list(dict.fromkeys(subjects))
    return found


def report_head_requests(root: etree._Element, source: SourceFile, ctx: BuildContext) -> None:
    """Say what the head asked for and why none of it is used."""
    head = root.find("head")
    if head is None:
        return
    display = source.display
    for link in head.iter("link"):
        rel = (link.get("rel") or "").lower().split()
        href = (link.get("href") or "").strip()
        line = link.sourceline
        if "stylesheet" in rel or (link.get("as") or "").lower() in ("font", "style"):
            ctx.diag.note(STYLESHEET_DROPPED, f"line {line}: {_why_not(href, source, ctx)}",
                          file=display)
    for style in head.iter("style"):
        ctx.diag.note(STYLE_DROPPED, f"line {style.sourceline}: the document's <style> "
                      "element is not used; put book styles in [style] css", file=display)
    for script in head.iter("script"):
        ctx.diag.warn(SCRIPT_IN_HEAD, "a <script> in the document head was removed (books "
                      "carry no scripts)", file=display, line=script.sourceline)
    for meta in head.iter("meta"):
        if (meta.get("http-equiv") or "").lower() == "refresh":
            ctx.diag.warn(REFRESH_IGNORED, "<meta http-equiv=\"refresh\"> ignored: a book never "
                          "redirects", file=display, line=meta.sourceline)
    for base in head.iter("base"):
        ctx.diag.warn(BASE_IGNORED, "<base> ignored: links and images resolve from the "
                      "document's own folder", file=display, line=base.sourceline)


def _why_not(href: str, source: SourceFile, ctx: BuildContext) -> str:
    if not href:
        return "a stylesheet link without href was dropped"
    if is_data_uri(href):
        return "an inline (data:) stylesheet was dropped; put book styles in [style] css"
    if is_remote(href):
        return f"remote stylesheet or font {href!r} was dropped and never fetched"
    try:
        ctx.sandbox.resolve(href, base=source.path.parent, file=source.display)
    except SandboxError:
        return (f"stylesheet {href!r} lies outside the book folder; dropped and never read "
                "(book styles come from the theme and [style] css)")
    return (f"the document's stylesheet {href!r} is not used: book styles come from the "
            "theme; add it with [style] css if you want it")
