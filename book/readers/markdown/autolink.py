"""GFM extended autolinks (bare ``www.``, ``http(s)://`` and e-mail addresses).

GitHub Flavored Markdown spec, section 6.9 "Autolinks (extension)": a link is
recognised after the start of a line, whitespace or one of ``*_~(``; a valid
domain is segments of letters, digits, ``-`` and ``_`` separated by periods,
with at least one period and no underscore in the last two segments; the
link ends at whitespace or ``<``, and trailing ``?!.,:*_~``, an unbalanced
``)`` and an entity-like ``&name;`` are not part of it.

GFM stops only at whitespace and ``<``, so ``https://example.org‹-›`` or
``„https://example.org”`` would swallow the quotation marks, and an href
with them is not a valid URL (EPUBCheck RSC-020).  Here a link also ends
at any character a URL cannot hold (WHATWG URL §4.3 "URL code points":
ASCII controls, space and ``"<>\\^`{|}``) and at non-ASCII punctuation,
symbols, separators and format characters (quotation marks of every
language, dashes, ellipses, arrows, no-break and zero-width spaces):
prose around a link, never part of it.  Non-ASCII letters and digits
(``/wiki/Łódź``) stay and are percent-encoded in the href.

mdit-py-plugins has the same extension as inline rules, but they slice the
rest of the paragraph at every stop of the inline parser and make ``w`` a
stop, so one long paragraph becomes quadratic and plain prose several times
slower.  This is a core rule over the finished text tokens instead: it finds
candidates with ``str.find`` and looks at a bounded window around each, so
the cost is linear in the text.
"""

from __future__ import annotations

import unicodedata

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

#: Longest autolink looked for.
MAX_URL = 2048
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_DOMAIN = _ALNUM | {"-", "_"}
_LOCAL = _ALNUM | {".", "+", "-", "_"}
_BEFORE = frozenset(" \t\n*_~(")
_TRAILING = frozenset("?!.,:*_~")
_TRIGGERS = ("www.", "://", "@")
#: ASCII characters that are not URL code points (WHATWG URL §4.3), and ``<``.
_ASCII_STOPS = frozenset('"<>\\^`{|}\x7f') | frozenset(chr(c) for c in range(0x21))
#: Unicode general categories that end a link when the character is not ASCII.
_STOP_CATEGORIES = ("P", "S", "Z", "C")


def _ends_link(ch: str) -> bool:
    """Whether ``ch`` cannot be part of an autolink (see the module docstring)."""
    if ch < "\x80":
        return ch in _ASCII_STOPS
    return ch.isspace() or unicodedata.category(ch)[0] in _STOP_CATEGORIES


def _domain_end(text: str, pos: int, end: int) -> int:
    """End of a valid domain starting at ``pos``, or -1."""
    segments: list[tuple[int, int]] = []
    seg_start = i = pos
    while i < end:
        ch = text[i]
        if ch in _DOMAIN:
            i += 1
        elif ch == "." and i > seg_start and i + 1 < end and text[i + 1] in _DOMAIN:
            segments.append((seg_start, i))
            i += 1
            seg_start = i
        else:
            break
    if i == seg_start:
        return -1
    segments.append((seg_start, i))
    if len(segments) < 2 or any("_" in text[a:b] for a, b in segments[-2:]):
        return -1
    return i


def _path_end(text: str, pos: int, end: int) -> int:
    """End of the link after its domain, trailing punctuation excluded."""
    i = pos
    while i < end and not _ends_link(text[i]):
        i += 1
    while i > pos:
        ch = text[i - 1]
        if ch in _TRAILING or (ch == ")" and text.count("(", pos, i) < text.count(")", pos, i)):
            i -= 1
        elif ch == ";":
            amp = text.rfind("&", pos, i)
            if 0 <= amp < i - 2 and all(c in _ALNUM for c in text[amp + 1:i - 1]):
                i = amp
            else:
                break
        else:
            break
    return i


def _preceded_ok(text: str, start: int) -> bool:
    """GFM's "start of line, whitespace or ``*_~(``", plus the non-ASCII
    opening and closing quotation marks and brackets (``„`` ``«`` ``»`` ``「``)
    that open a quoted link in many languages."""
    if start == 0:
        return True
    ch = text[start - 1]
    return ch in _BEFORE or ch.isspace() or (
        ch >= "\x80" and unicodedata.category(ch) in ("Ps", "Pi", "Pf"))


def _match(text: str, trigger: str, at: int) -> tuple[int, int, str] | None:
    """``(start, end, href)`` of the autolink around a trigger, if any."""
    end_limit = min(len(text), at + MAX_URL)
    if trigger == "www.":
        if not _preceded_ok(text, at):
            return None
        domain = _domain_end(text, at, end_limit)
        if domain < 0:
            return None
        stop = _path_end(text, domain, end_limit)
        return at, stop, "http://" + text[at:stop]
    if trigger == "://":
        lowered = text[max(0, at - 5):at].lower()
        scheme = 5 if lowered.endswith("https") else 4 if lowered.endswith("http") else 0
        start = at - scheme
        if not scheme or not _preceded_ok(text, start):
            return None
        domain = _domain_end(text, at + 3, end_limit)
        if domain < 0:
            return None
        stop = _path_end(text, domain, end_limit)
        return start, stop, text[start:stop]
    back = 0
    while back < 64 and at - back - 1 >= 0 and text[at - back - 1] in _LOCAL:
        back += 1
    start = at - back
    if back == 0 or back == 64 or not _preceded_ok(text, start):
        return None
    domain = _domain_end(text, at + 1, min(len(text), at + 256))
    if domain < 0 or text[domain - 1] in "-_":
        return None
    return start, domain, "mailto:" + text[start:domain]


def find_autolinks(text: str) -> list[tuple[int, int, str]]:
    """Every autolink in a piece of plain text, in order, without overlaps."""
    found: list[tuple[int, int, str]] = []
    cursor = 0
    next_at = {t: text.find(t) for t in _TRIGGERS}
    while True:
        live = [(pos, t) for t, pos in next_at.items() if pos >= 0]
        if not live:
            return found
        at, trigger = min(live)
        match = _match(text, trigger, at)
        if match is not None and match[0] >= cursor:
            found.append(match)
            cursor = match[1]
        resume = max(at + 1, cursor)
        for t, pos in next_at.items():
            if 0 <= pos < resume:
                next_at[t] = text.find(t, resume)


def _link_tokens(state: StateCore, start: int, end: int, href: str, text: str,
                 level: int) -> list[Token]:
    opener = Token("link_open", "a", 1, attrs={"href": state.md.normalizeLink(href)},
                   markup="autolink", info="auto", level=level)
    body = Token("text", "", 0, content=state.md.normalizeLinkText(text[start:end]), level=level + 1)
    closer = Token("link_close", "a", -1, markup="autolink", info="auto", level=level)
    return [opener, body, closer]


def autolink_rule(state: StateCore) -> None:
    """Split text tokens (outside links) around the autolinks they hold."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children: list[Token] = []
        in_link = 0
        changed = False
        for token in block.children:
            if token.type == "link_open":
                in_link += 1
            elif token.type == "link_close":
                in_link = max(0, in_link - 1)
            content = token.content
            if token.type != "text" or in_link or not any(t in content for t in _TRIGGERS):
                children.append(token)
                continue
            links = find_autolinks(content)
            if not links:
                children.append(token)
                continue
            changed = True
            cursor = 0
            for start, end, href in links:
                if start > cursor:
                    children.append(Token("text", "", 0, content=content[cursor:start],
                                          level=token.level))
                children.extend(_link_tokens(state, start, end, href, content, token.level))
                cursor = end
            if cursor < len(content):
                children.append(Token("text", "", 0, content=content[cursor:], level=token.level))
        if changed:
            block.children = children


def autolink_plugin(md: MarkdownIt) -> None:
    """Register the autolink core rule (after text tokens are joined)."""
    md.core.ruler.push("mb_autolink", autolink_rule)
