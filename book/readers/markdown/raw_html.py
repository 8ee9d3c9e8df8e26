"""Raw HTML inside Markdown: kept when safe, dropped with a warning when not.

CommonMark passes HTML through untouched; a book must not.  Each HTML piece
(a block, or one inline tag) is parsed with :func:`book.safexml.parse_html_fragment`
and rebuilt element by element into a plain lxml tree, following the tables
below: dangerous elements (scripts, embedded documents, form controls) go with
their content, wrappers that only make trouble (``form``, ``font``) give up
their content, unknown elements are unwrapped, event handlers and
``javascript:`` URLs are removed.  Every removal of something unsafe is a
warning at the Markdown line it came from; the sanitize pass later checks all
chapters again whatever their reader.

Warning codes (prefix ``MD05x``) are listed in ``book/readers/markdown/__init__.py``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser

from lxml import etree

from ...errors import SourceError
from ...passes.sanitize.inline_svg import svg_image
from ...passes.sanitize.allowlists import ELEMENT_ATTRIBUTES, GLOBAL_ATTRIBUTES
from ...safexml import parse_html_fragment
from ...xhtml import EPUB_TYPE, append_text, xml_safe

Warn = Callable[[str, str, int | None], None]

#: Elements removed together with everything inside them (unsafe or inert).
DROP_WITH_CONTENT = frozenset(
    "script style iframe frame frameset object embed applet noscript template base link meta "
    "title head param portal select textarea button input option optgroup datalist keygen "
    "output svg".split()
)
#: Of those, the ones worth a warning: scripts, embedded content, form controls.
UNSAFE = DROP_WITH_CONTENT - {"title", "head", "noscript", "svg"}
#: Wrappers dropped while their content stays.
UNWRAP = frozenset("form fieldset legend label html body font center blink marquee big tt "
                   "strike acronym dir frame nobr canvas dialog menu".split())
#: Elements kept as they are (HTML5 elements valid in EPUB 3 XHTML content).
KNOWN = frozenset(
    "a abbr address article aside audio b bdi bdo blockquote br caption cite code col colgroup "
    "data dd del details dfn div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header "
    "hgroup hr i img ins kbd li main mark nav ol p picture pre q rp rt ruby s samp section small "
    "source span strong sub summary sup table tbody td tfoot th thead time tr track u ul var "
    "video wbr map area".split()
)
#: Elements allowed inside a paragraph (HTML "phrasing content").
PHRASING = frozenset(
    "a abbr audio b bdi bdo br cite code data del dfn em i img ins kbd mark q ruby rp rt s samp "
    "small source span strong sub sup time u var video wbr map area".split()
)
#: Elements that never have content or an end tag.
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())

#: Attributes holding a URL, checked for dangerous schemes.
URL_ATTRS = frozenset({"href", "src", "cite", "poster", "action", "formaction", "background",
                       "longdesc", "usemap", "data", "xlink:href", "lowsrc", "dynsrc", "ping"})
#: URL schemes that run code when followed.
UNSAFE_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha"})

_ATTR_NAME = re.compile(r"^[a-z_][a-z0-9_.-]*$")
_TAG_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_STYLE_DANGER = ("expression", "javascript:", "vbscript:", "url(", "behavior", "-moz-binding",
                 "@import")


def unsafe_url(url: str, *, image: bool = False) -> bool:
    """True for URLs that would run code (``javascript:``) or embed a page.

    Browsers ignore ASCII whitespace and control characters inside the
    scheme, so ``java\\tscript:`` counts too.  ``data:`` is allowed for
    images only (``data:image/…``).
    """
    cleaned = "".join(ch for ch in url if ch > " ").lower()
    scheme, colon, rest = cleaned.partition(":")
    if not colon or "/" in scheme or "?" in scheme or "#" in scheme:
        return False
    if scheme in UNSAFE_SCHEMES:
        return True
    if scheme == "data":
        return not (image and rest.startswith("image/") and not rest.startswith("image/svg"))
    return False


def unsafe_style(value: str) -> bool:
    lowered = "".join(value.split()).lower()
    return any(marker in lowered for marker in _STYLE_DANGER)


class _Events(HTMLParser):
    """Start and end tags of a piece of HTML, in order (stdlib tokenizer)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.events.append(("start", tag))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.events.append(("void", tag))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))


def tag_events(html: str) -> list[tuple[str, str]]:
    """``[("start", "div"), ("end", "p"), …]`` for a piece of HTML."""
    parser = _Events()
    try:
        parser.feed(html)
        parser.close()
    except (AssertionError, ValueError):  # malformed markup: no events worth trusting
        return []
    return parser.events


def unclosed_tags(html: str) -> list[str]:
    """Elements a piece of HTML opens and leaves open, outermost first.

    ``<div class="note">`` alone (an HTML block that wraps Markdown below it)
    gives ``["div"]``; a complete ``<p>…</p>`` gives ``[]``.
    """
    open_stack: list[str] = []
    for kind, tag in tag_events(html):
        if kind == "start" and tag not in VOID:
            open_stack.append(tag)
        elif kind == "end" and tag in open_stack:
            while open_stack and open_stack.pop() != tag:
                pass
    return open_stack


class HtmlCleaner:
    """Rebuilds parsed HTML as clean plain-tag elements, warning as it goes."""

    def __init__(self, warn: Warn, file: str) -> None:
        self.warn = warn
        self.file = file
        #: Called with the TeX of a ``<latex>``/``<tex>`` element, the element
        #: its result goes into, and the line (:mod:`.latex`); None drops it.
        self.on_tex: Callable[[str, etree._Element, int | None], None] | None = None

    # ------------------------------------------------------------ parsing

    def parse(self, html: str, line: int | None) -> list[etree._Element | str]:
        """Parse a piece of HTML; a piece lxml cannot read is a warning."""
        try:
            return parse_html_fragment(html, file=self.file)
        except SourceError:
            self.warn("MD053", "unreadable HTML was left out", line)
            return []

    def fragment(self, html: str, line: int | None, max_depth: int) -> list[etree._Element | str]:
        """Clean elements (and strings of text between them) for an HTML block."""
        out: list[etree._Element | str] = []
        holder = etree.Element("div")
        for piece in self.parse(html, line):
            if isinstance(piece, str):
                append_text(holder, piece)
            else:
                self.copy_into(piece, holder, line, max_depth, keep_tail=True)
        if holder.text:
            out.append(holder.text)
        for child in list(holder):
            tail = child.tail
            child.tail = None
            out.append(child)
            if tail:
                out.append(tail)
        return out

    def open_tag(self, html: str, line: int | None, *, inline: bool) -> tuple[str, etree._Element | None]:
        """One start tag (inline HTML): ``(action, element)``.

        ``action`` is "keep" (element to open or, when void, to insert),
        "skip" (open nothing, keep what follows) or "drop" (open nothing and
        drop what follows up to the matching end tag).
        """
        pieces = [p for p in self.parse(html, line) if not isinstance(p, str)]
        events = tag_events(html)
        name = events[0][1] if events else ""
        if not pieces:
            if name in DROP_WITH_CONTENT:
                self._report_drop(name, line)
                return "drop", None
            return "skip", None
        source = pieces[0]
        tag = source.tag if isinstance(source.tag, str) else ""
        action = self.classify(tag)
        if action == "tex":
            return "drop", None  # the inline renderer gathers the TeX up to the end tag
        if action == "drop":
            self._report_drop(tag, line)
            return "drop", None
        if action == "unwrap":
            return "skip", None
        if inline and tag not in PHRASING:
            self.warn("MD057", f"block element <{tag}> inside a paragraph was left out "
                      "(its text is kept)", line)
            return "skip", None
        return "keep", self.clean_element(source, line)

    # ------------------------------------------------------------ rules

    def classify(self, tag: str) -> str:
        """"keep", "drop" (with content), "unwrap", "math" or "tex" (raw LaTeX)."""
        if tag in KNOWN:
            return "keep"
        if tag in DROP_WITH_CONTENT:
            return "drop"
        if tag == "math":
            return "math"
        if tag in ("latex", "tex"):
            return "tex"
        return "unwrap"

    def _report_drop(self, tag: str, line: int | None) -> None:
        if tag in UNSAFE:
            what = "form control" if tag in {"input", "button", "select", "textarea", "option",
                                             "optgroup", "datalist", "keygen", "output"} else "element"
            self.warn("MD050", f"unsafe HTML {what} <{tag}> was removed", line)
        # svg: the callers turn the drawing into an SVG image (inline_svg.py)

    def clean_element(self, source: etree._Element, line: int | None) -> etree._Element:
        """A new element with the same tag and only the safe, valid attributes."""
        tag = source.tag
        el = etree.Element(tag)
        # The sanitize pass's lists: it runs on every chapter after the
        # readers, so keeping more here would only be removed there.
        allowed = ELEMENT_ATTRIBUTES.get(tag, frozenset())
        for raw_name, raw_value in source.attrib.items():
            name = raw_name.lower()
            value = xml_safe(raw_value)
            if name.startswith("on"):
                self.warn("MD051", f"event handler {name}= removed from <{tag}>", line)
                continue
            if name in URL_ATTRS and unsafe_url(value, image=tag == "img" and name == "src"):
                self.warn("MD052", f"unsafe URL in <{tag} {name}> removed", line)
                continue
            if name == "style" and unsafe_style(value):
                self.warn("MD052", f"unsafe style on <{tag}> removed", line)
                continue
            if name == "epub:type":
                el.set(EPUB_TYPE, value)
            elif name == "xml:lang":
                el.set("lang", value)
            elif name in GLOBAL_ATTRIBUTES or name in allowed or (
                _ATTR_NAME.match(name) and name.startswith(("aria-", "data-"))
                and not name.startswith("data-mb-")
            ):
                el.set(name, value)
        return el

    def copy_into(self, source: etree._Element, parent: etree._Element, line: int | None,
                  max_depth: int, *, keep_tail: bool) -> None:
        """Append a clean copy of ``source`` (and its subtree) to ``parent``.

        Iterative, so a hostile 10,000-deep piece cannot exhaust the stack;
        elements deeper than ``max_depth`` are flattened into their ancestor.
        """
        flattened = False
        # work items: ("node", src, target, depth) or ("text", None, target, text)
        stack: list[tuple[str, object, etree._Element, object]] = [("node", source, parent, 0)]
        while stack:
            kind, src, target, extra = stack.pop()
            if kind == "text":
                append_text(target, extra)  # type: ignore[arg-type]
                continue
            assert isinstance(src, etree._Element)
            depth = extra  # type: ignore[assignment]
            tail = src.tail if (keep_tail or src is not source) else None
            if tail:
                stack.append(("text", None, target, tail))
            tag = src.tag if isinstance(src.tag, str) else None
            if tag is None:  # comment or processing instruction
                continue
            tag = tag.lower()
            action = self.classify(tag) if _TAG_NAME.match(tag) else "unwrap"
            if tag == "svg":
                img = svg_image(src, source)
                if img is None:
                    self.warn("MD054", "an inline SVG drawing over 2 MiB was left out; use an "
                              "image file", line)
                else:
                    if line is not None:
                        img.set("data-mb-line", str(line))
                    target.append(img)
                continue
            if action == "drop":
                self._report_drop(tag, line)
                continue
            if action == "tex":
                if self.on_tex is not None:
                    self.on_tex("".join(src.itertext()), target, line)
                continue
            if action == "math":
                self.warn("MD054", "MathML in Markdown is not supported; kept as plain text", line)
                span = etree.SubElement(target, "span", {"class": "math"})
                span.text = xml_safe(" ".join("".join(src.itertext()).split()))
                continue
            if action == "unwrap" or depth >= max_depth:
                if depth >= max_depth and not flattened:
                    flattened = True
                    self.warn("MD031", f"HTML nested deeper than {max_depth} levels was flattened",
                              line)
                into = target
            else:
                into = self.clean_element(src, line)
                target.append(into)
                if tag in VOID:
                    continue
            for child in reversed(list(src)):
                stack.append(("node", child, into, depth + (0 if into is target else 1)))
            if src.text:
                stack.append(("text", None, into, src.text))


