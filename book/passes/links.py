"""Links: ids unique across the book, links between chapters resolved.

Each source file has its own id namespace (two Markdown files may both have
``#introduction``), but an EPUB's documents and the print PDF's single HTML
document need ids unique in the whole book.  This pass renames clashing ids
and rewrites every link that pointed at them:

* ``#id`` resolves in its own chapter first, then in the other chapters of
  the same source file, then anywhere in the book;
* ``other.md#id`` or ``other.md`` (a link to another manuscript file)
  resolves in the chapters read from that file;
* a fragment no id matches may name a heading the way GitHub anchors it
  (``#Spis-treści`` for "Spis treści"): readers put those anchors on the
  headings as ``data-mb-alias``, and a fragment matches one as written or
  in lower case (GitHub's own pages ignore the letter case);
* links to nothing in the book are unwrapped (their text kept) with a
  warning, because a dangling fragment is an EPUBCheck error (RSC-012).

A target written without its scheme but naming a web host (``www.example.org``,
as Word fields often hold) is an http link.  External links must be valid
URLs (EPUBCheck RSC-020): a space, a quote,
a backslash or a letter outside ASCII written in one (Word fields and
hand-typed HTML hold such targets) is percent-encoded (RFC 3986 §2.1, the
host in IDNA form, RFC 5891); a target that stays unusable (no host, a bad
port, a host that cannot be a name) loses its link and keeps its text.

Codes: LINK001 link to a missing anchor; LINK002 link to a file that is not
part of the book; LINK003 an external link target that is not a valid URL.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from lxml import etree

from ..context import BuildContext
from ..model import Book, Chapter
from ..xhtml import IdFactory, source_line, to_ascii, unwrap

_VALID_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_ID_REF_ATTRS = ("aria-labelledby", "aria-describedby", "headers", "for")


def _clean_id(value: str) -> str:
    """An ASCII id (what every reading system and the NCX handle) that keeps
    the letters' base form: ``wstęp`` → ``wstep``, ``глава`` → ``glava``."""
    value = to_ascii(value)
    value = re.sub(r"[^A-Za-z0-9_.-]+", "-", value).strip("-") or "id"
    return value if value[0].isalpha() else f"id-{value}"


def run(book: Book, ctx: BuildContext) -> Book:
    factory = IdFactory(chapter.id for chapter in book.chapters)
    renames: list[dict[str, str]] = []
    for chapter in book.chapters:
        renames.append(_unique_ids(chapter, factory))
    by_source: dict[Path, list[int]] = {}
    for index, chapter in enumerate(book.chapters):
        if chapter.source_path is not None:
            by_source.setdefault(Path(os.path.normpath(chapter.source_path)), []).append(index)
    global_ids: dict[str, str] = {}
    for table in renames:
        for old, new in table.items():
            global_ids.setdefault(old, new)
    for index, chapter in enumerate(book.chapters):
        _resolve_links(book, index, renames, by_source, global_ids, ctx)
    return book


def _unique_ids(chapter: Chapter, factory: IdFactory) -> dict[str, str]:
    """Rename ids taken elsewhere; return this chapter's old → new table."""
    table: dict[str, str] = {}
    for el in chapter.tree.iter():
        if not isinstance(el.tag, str):
            continue
        old = el.get("id")
        if old is None:
            continue
        if el is chapter.tree:  # chapter ids were made unique by the pipeline
            table[old] = old
            continue
        wanted = old if _VALID_ID.match(old) else _clean_id(old)
        new = factory.make(wanted)
        if new != old:
            el.set("id", new)
        table.setdefault(old, new)
    for el in chapter.tree.iter():
        alias = el.get("data-mb-alias") if isinstance(el.tag, str) else None
        if alias is not None:
            del el.attrib["data-mb-alias"]
            if el.get("id") is not None:
                table.setdefault(alias, el.get("id"))
    # Same-chapter references by id (ARIA, table headers, labels).
    for el in chapter.tree.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in _ID_REF_ATTRS:
            value = el.get(attr)
            if value:
                el.set(attr, " ".join(table.get(token, token) for token in value.split()))
    return table



def _resolve_links(book: Book, index: int, renames: list[dict[str, str]],
                   by_source: dict[Path, list[int]], global_ids: dict[str, str],
                   ctx: BuildContext) -> None:
    chapter = book.chapters[index]
    same_file = by_source.get(Path(os.path.normpath(chapter.source_path)), [index]) \
        if chapter.source_path is not None else [index]
    for a in list(chapter.tree.iter("a")):
        href = a.get("href")
        if href is None:
            continue
        if _WEB_HOST.match(href.strip()):  # "www.example.org/x": Word and browsers mean http
            href = f"http://{href.strip()}"
            a.set("href", href)
        try:
            parts = urlsplit(href.strip())
        except ValueError:  # "http://[oops": not a URL at all
            _dangling(a, chapter, f"link target {href[:60]!r} is not a valid URL", "LINK003", ctx)
            continue
        if parts.scheme or parts.netloc:
            # external (http, mailto...); unsafe schemes were removed by sanitize
            clean = external_href(href)
            if clean is None:
                _dangling(a, chapter, f"link target {href[:60]!r} is not a valid URL",
                          "LINK003", ctx)
            elif clean != href:
                a.set("href", clean)
            continue
        fragment = unquote(parts.fragment)
        if not parts.path:
            if not fragment:
                a.attrib.pop("href")
                continue
            order = [index] + [i for i in same_file if i != index]
            target = (_lookup(fragment, order, renames) or global_ids.get(fragment)
                      or global_ids.get(fragment.lower()))
            if target is None:
                _dangling(a, chapter, f"link to a missing anchor #{fragment}", "LINK001", ctx)
            else:
                a.set("href", f"#{target}")
            continue
        if chapter.source_path is None:
            _dangling(a, chapter, f"link to {href!r} cannot be resolved", "LINK002", ctx)
            continue
        target_path = Path(os.path.normpath(chapter.source_path.parent / unquote(parts.path)))
        indexes = by_source.get(target_path)
        if not indexes:
            _dangling(a, chapter, f"link to {parts.path!r}, which is not part of the book",
                      "LINK002", ctx)
            continue
        if fragment:
            target = _lookup(fragment, indexes, renames)
            if target is None:
                _dangling(a, chapter, f"link to a missing anchor {href!r}", "LINK001", ctx)
                continue
        else:
            target = book.chapters[indexes[0]].id
        a.set("href", f"#{target}")


#: Characters a URL may hold as they are (RFC 3986 §2.2–2.3, and "%").
_URL_SAFE = "/:?#[]@!$&'()*+,;=-._~%"
_WEB_HOST = re.compile(r"^www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?:[/?#:]|$)", re.I)
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}"
                   r"[A-Za-z0-9])?)*\.?$")


def external_href(href: str) -> str | None:
    """``href`` as a valid absolute URL, encoding what must be encoded; None
    when it cannot be one.  ``https://example.org/a b`` → ``…/a%20b``,
    ``https://bücher.de/`` → ``https://xn--bcher-kva.de/``, ``//host/x`` →
    ``https://host/x``."""
    text = href.strip()
    if text.startswith("//"):
        text = f"https:{text}"  # protocol-relative (saved web pages): a book has no page scheme
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if not scheme or (scheme in ("http", "https", "ftp") and not parts.hostname):
        return None
    netloc = parts.netloc
    if parts.hostname:
        host = parts.hostname
        if host.startswith("[") or ":" in host:  # an IPv6 literal, checked by urlsplit
            pass
        else:
            try:
                ascii_host = host.encode("idna").decode("ascii") if not host.isascii() else host
            except UnicodeError:
                return None
            if not _HOST.match(ascii_host):
                return None
            userinfo = netloc.rpartition("@")[0]
            netloc = (f"{quote(userinfo, safe=':%')}@" if userinfo else "") + ascii_host
            if port is not None:
                netloc += f":{port}"
    fix = lambda piece, safe: quote(_BAD_PERCENT.sub("%25", piece), safe=safe)  # noqa: E731
    path = fix(parts.path.replace("\\", "/") if scheme in ("http", "https") else parts.path,
               "/:@!$&'()*+,;=-._~%")
    query = fix(parts.query, _URL_SAFE.replace("#", ""))
    fragment = fix(parts.fragment, _URL_SAFE.replace("#", ""))
    return urlunsplit((scheme, netloc, path, query, fragment))


def _lookup(fragment: str, order: list[int], renames: list[dict[str, str]]) -> str | None:
    for candidate in dict.fromkeys((fragment, fragment.lower())):
        for i in order:
            if candidate in renames[i]:
                return renames[i][candidate]
    return None


def _dangling(a: etree._Element, chapter: Chapter, message: str, code: str, ctx: BuildContext) -> None:
    ctx.diag.warn(code, f"{message}; the link is removed and its text kept",
                  file=chapter.source.file, line=source_line(a))
    if a.get("id"):
        span = a
        span.tag = "span"
        for attr in list(span.attrib):
            if attr not in ("id", "lang", "class"):
                del span.attrib[attr]
    else:
        unwrap(a)
