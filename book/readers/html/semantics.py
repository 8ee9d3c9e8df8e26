"""Semantic clean-ups of an HTML body before it is cut into chapters.

Each function takes the body (or any container) and rewrites it in place
into the conventions of book/model.py; each is small and independent, and
book/readers/html/__init__.py lists the order it runs them in.

* :func:`anchors_to_ids` — ``<a name="x">`` (HTML 4, Word's web pages)
  becomes ``id="x"``: HTML5 has no ``name`` on links (HTML §16 obsolete).
* :func:`drop_contents_lists` — a contents list (``nav`` with
  ``epub:type="toc"`` or ``role="doc-toc"``, pandoc's ``nav#TOC``) is
  dropped: the book builds its own table of contents.
* :func:`mark_scene_breaks` — ``<hr>`` is a thematic break (HTML §4.4.2),
  which in a book is a scene break; so is a paragraph holding only
  asterisks, an asterism or a dinkus.
* :func:`mark_verse` — poems (Standard Ebooks' ``z3998:poem``/``verse``/
  ``song``, class ``poem``/``verse``/``poetry``) become the model's verse
  markup: stanzas ``p.stanza``, lines ``span.line`` separated by ``<br/>``.
* :func:`wrap_loose_inline` — text and inline elements lying directly in a
  sectioning element or the body become paragraphs.
"""

from __future__ import annotations

import re

from lxml import etree

from ...xhtml import add_class, classes, element, epub_types, has_class, remove_keep_tail, text_content

#: epub:type values and classes that mark a poem (EPUB SSV, Z39.98 structure).
VERSE_TYPES = frozenset({"z3998:poem", "z3998:verse", "z3998:song", "z3998:hymn",
                         "z3998:lyrics"})
VERSE_CLASSES = frozenset({"poem", "verse", "poetry", "lyrics", "song"})
STANZA_MARKS = frozenset({"stanza", "z3998:stanza", "linegroup"})
#: Paragraph texts that are scene breaks, not prose.
_SCENE_BREAK_TEXT = re.compile(r"^[\s*\u2042\u2043\u2022\u00b7#~\u2014\u2013\-•◆◇❦☙❧✻✽✱⁂]+$")
_SCENE_BREAK_MARK = re.compile(r"[*\u2042#~•◆◇❦☙❧✻✽✱⁂]")
INLINE_TAGS = frozenset({"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn",
                         "em", "i", "kbd", "mark", "q", "s", "samp", "small", "span", "strong",
                         "sub", "sup", "time", "u", "var", "wbr", "img", "del", "ins", "ruby",
                         "font", "big", "tt", "strike", "label", "acronym"})
_SECTIONING = ("body", "section", "article", "main", "aside", "header", "footer", "nav")


def anchors_to_ids(root: etree._Element) -> None:
    taken = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for a in root.iter("a"):
        name = a.attrib.pop("name", None)
        if name and not a.get("id") and name not in taken:
            a.set("id", name)
            taken.add(name)


def _is_contents_nav(el: etree._Element) -> bool:
    types = set(epub_types(el))
    return bool(types & {"toc", "landmarks", "page-list", "lot", "loi"}) or el.get("role") in (
        "doc-toc", "doc-pagelist") or (el.get("id") or "").lower() in ("toc", "contents",
                                                                        "table-of-contents")


def drop_contents_lists(root: etree._Element) -> int:
    """Remove contents lists; returns how many were dropped."""
    dropped = 0
    for el in list(root.iter("nav", "div", "section", "ol", "ul")):
        if el.getparent() is None:
            continue
        if el.tag == "nav" or _is_contents_nav(el):
            if el.tag != "nav" and not _is_contents_nav(el):
                continue
            if el.tag == "nav" and not (_is_contents_nav(el) or _mostly_links(el)):
                continue
            remove_keep_tail(el, keep_blank_tail=False)
            dropped += 1
    return dropped


def _mostly_links(el: etree._Element) -> bool:
    """A ``nav`` that is a list of links (a contents list, or a web page's site
    menu: "Home | About") is navigation, not text of the book."""
    links = list(el.iter("a"))
    if not links:
        return False
    linked = "".join(text_content(a) for a in links).replace(" ", "")
    return len(linked) >= 0.8 * len(text_content(el).replace(" ", "").replace("|", ""))


def mark_scene_breaks(root: etree._Element) -> None:
    for hr in root.iter("hr"):
        if not classes(hr):
            add_class(hr, "scene-break")
    for p in list(root.iter("p")):
        if len(p) or p.getparent() is None:
            continue
        text = p.text or ""
        if text.strip() and len(text) <= 40 and _SCENE_BREAK_TEXT.match(text) and \
                _SCENE_BREAK_MARK.search(text):
            hr = element("hr", class_="scene-break")
            hr.tail = p.tail
            line = p.get("data-mb-line")
            if line:
                hr.set("data-mb-line", line)
            p.getparent().replace(p, hr)


def _is_verse(el: etree._Element) -> bool:
    if VERSE_TYPES.intersection(epub_types(el)):
        return True
    return bool(VERSE_CLASSES.intersection(c.lower() for c in classes(el)))


def mark_verse(root: etree._Element) -> int:
    """Convert every poem under ``root``; returns how many."""
    # HTML elements only: a MathML element with class="poem" stays MathML.
    poems = [el for el in root.iter() if isinstance(el.tag, str) and not el.tag.startswith("{")
             and _is_verse(el)]
    count = 0
    for poem in poems:
        if poem.getparent() is None or _inside_verse(poem):
            continue
        _convert_poem(poem)
        count += 1
    return count


def _inside_verse(el: etree._Element) -> bool:
    node = el.getparent()
    while node is not None:
        if has_class(node, "verse"):
            return True
        node = node.getparent()
    return False


def _convert_poem(poem: etree._Element) -> None:
    if poem.tag not in ("blockquote", "figure"):
        poem.tag = "div"
    add_class(poem, "verse")
    children = [c for c in poem if isinstance(c.tag, str)]
    stanzas = [c for c in children if c.tag in ("p", "div") and not _is_heading_like(c)]
    if not stanzas:
        # The poem holds its lines directly: it is one stanza.
        stanza = etree.Element("p")
        stanza.text, poem.text = poem.text, None
        for child in list(poem):
            if isinstance(child.tag, str) and _is_heading_like(child):
                continue
            stanza.append(child)
        poem.append(stanza)
        stanzas = [stanza]
    for stanza in stanzas:
        inner = [c for c in stanza if isinstance(c.tag, str)]
        if stanza.tag == "div" and any(c.tag in ("p", "div") for c in inner):
            # A wrapper around stanzas (div.stanza-group): convert its children.
            for sub in inner:
                if sub.tag in ("p", "div"):
                    _convert_stanza(sub)
            continue
        _convert_stanza(stanza)


def _is_heading_like(el: etree._Element) -> bool:
    return el.tag in ("h1", "h2", "h3", "h4", "h5", "h6", "header", "footer", "hgroup")


def _convert_stanza(stanza: etree._Element) -> None:
    stanza.tag = "p"
    add_class(stanza, "stanza")
    # Lines whose <br/> sits inside them (Project Gutenberg: <span>line<br/></span>).
    for span in list(stanza):
        if isinstance(span.tag, str) and span.tag in ("span", "div") and len(span) and \
                span[-1].tag == "br" and not (span[-1].tail or "").strip():
            br = span[-1]
            span.remove(br)
            span.addnext(br)
            br.tail, span.tail = span.tail, None
        if isinstance(span.tag, str) and span.tag == "div":
            span.tag = "span"
    lines: list[list[etree._Element | str]] = [[]]
    if stanza.text and stanza.text.strip():
        lines[-1].append(stanza.text)
    stanza.text = None
    for child in list(stanza):
        tail = child.tail
        child.tail = None
        stanza.remove(child)
        if isinstance(child.tag, str) and child.tag == "br":
            lines.append([])
        elif isinstance(child.tag, str):
            lines[-1].append(child)
        if tail and tail.strip():
            lines[-1].append(tail)
    lines = [line for line in lines if line]
    for index, line in enumerate(lines):
        if len(line) == 1 and not isinstance(line[0], str) and line[0].tag == "span":
            span = line[0]
        else:
            span = etree.Element("span")
            for part in line:
                if isinstance(part, str):
                    if len(span):
                        span[-1].tail = (span[-1].tail or "") + part
                    else:
                        span.text = (span.text or "") + part
                else:
                    span.append(part)
        _trim(span)
        add_class(span, "line")
        stanza.append(span)
        if index < len(lines) - 1:
            etree.SubElement(stanza, "br")


def _trim(span: etree._Element) -> None:
    if span.text:
        span.text = span.text.lstrip("\n\t ")
    last = span[-1] if len(span) else None
    if last is not None and last.tail:
        last.tail = last.tail.rstrip("\n\t ")
    elif last is None and span.text:
        span.text = span.text.rstrip("\n\t ")


def wrap_loose_inline(root: etree._Element) -> None:
    """Text and inline elements straight inside body/section/article → ``<p>``.

    Two or more ``<br/>`` in a row separate paragraphs, as they do on the
    page in hand-written HTML.
    """
    containers = list(root.iter(*_SECTIONING))
    for container in containers:
        if _has_loose_inline(container):
            _wrap_container(container)


def _wrap_container(container: etree._Element) -> None:
    rebuilt: list[etree._Element] = []
    paragraph: etree._Element | None = None

    def sink() -> etree._Element:
        nonlocal paragraph
        if paragraph is None:
            paragraph = etree.Element("p")
            rebuilt.append(paragraph)
        return paragraph

    def add_text(text: str) -> None:
        target = sink()
        if len(target):
            target[-1].tail = (target[-1].tail or "") + text
        else:
            target.text = (target.text or "") + text

    if container.text and container.text.strip():
        add_text(container.text.strip())
    container.text = None
    for child in list(container):
        tail = child.tail
        child.tail = None
        container.remove(child)
        if not isinstance(child.tag, str):
            pass
        elif child.tag == "br":
            current = paragraph
            if current is not None and len(current) and current[-1].tag == "br" and not (
                    current[-1].tail or "").strip():
                current.remove(current[-1])
                paragraph = None
            elif current is not None:
                current.append(child)
        elif child.tag in INLINE_TAGS:
            sink().append(child)
        else:
            paragraph = None
            rebuilt.append(child)
        if tail and tail.strip():
            add_text(tail)
    for el in rebuilt:
        if el.tag == "p" and el.get("class") is None:
            while len(el) and el[-1].tag == "br" and not (el[-1].tail or "").strip():
                el.remove(el[-1])
            if el.text:
                el.text = el.text.lstrip()
            if not len(el) and not (el.text or "").strip():
                continue
        container.append(el)


def _has_loose_inline(container: etree._Element) -> bool:
    if container.text and container.text.strip():
        return True
    for child in container:
        if isinstance(child.tag, str) and child.tag in INLINE_TAGS and child.tag != "br":
            return True
        if child.tail and child.tail.strip():
            return True
    return False
