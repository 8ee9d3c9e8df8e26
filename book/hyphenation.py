"""Hyphenation by language: pyphen's dictionaries, corrected by rules as data.

Issue 5: "Hyphenation: PDF by ``lang`` with pyphen dictionaries (check the
Polish dictionary's results on real words; never split the digraphs ch, cz,
dz, rz, sz); EPUB with CSS ``hyphens: auto`` and ``lang``; option to insert
soft hyphens in the EPUB for readers that do not hyphenate."

pyphen's Polish patterns (from TeX's plhyph) are mostly right
(prze-no-sze-nie, dziew-czy-na, rze-czy-wi-stość, na-uka, au-tor,
pod-ręcz-nik), but they break some digraphs: "ta-ler-zach", "mar-z-ły",
"zmar-z-nię-ty" split *rz*.  PWN rule 54.2 says a digraph (ch, cz, dz, dź,
dż, rz, sz) is never divided, so :data:`RULES` lists, per language, the
letter groups no break may fall inside and the contexts a break may not
separate; :func:`hyphenate_word` drops pyphen's positions that violate
them.  (At a morpheme boundary a few such splits are correct, e.g.
"od-zy-wać"; dropping them costs a break opportunity, never a wrong break.)

:func:`insert_soft_hyphens` writes the allowed positions into the text as
U+00AD SOFT HYPHEN, for ``[epub] soft_hyphens`` (reading systems that do not
hyphenate).

The print PDF keeps WeasyPrint's own ``hyphens: auto`` but with corrected
dictionaries: :func:`use_corrected_dictionaries` writes each corrected
language's pyphen patterns plus Liang patterns that forbid the same breaks
(an even digit between two letters outweighs every odd one, e.g. ``r8z``)
and points pyphen at them.  Soft hyphens in the PDF's text would work too,
but WeasyPrint 70 mis-handles them when a line measures a hair too wide: it
then takes the *longest* soft-hyphen prefix that fits, leaving a short,
badly spaced line ("but for your sakes, we would do any-").
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyphen
from lxml import etree

from .xhtml import HEADING_TAGS, VERBATIM_TAGS, XML_LANG

SOFT_HYPHEN = "\u00ad"


@dataclass(frozen=True)
class HyphenationRules:
    """Corrections to a language's pyphen dictionary."""

    #: Fewest letters left before and carried after a break.
    left: int = 2
    right: int = 2
    #: Letter groups never divided (a break inside one is dropped).
    never_split: tuple[str, ...] = ()
    #: (end of the part before, start of the part after): regexes on the
    #: lower-cased word; a break where both match is dropped.
    never_between: tuple[tuple[str, str], ...] = ()


_POLISH_CONSONANT = "bcćdfghjklłmnńprsśtwzźż"
_POLISH_VOWEL = "aąeęioóuy"

#: Per-language corrections; languages not listed use pyphen as it is.
RULES: dict[str, HyphenationRules] = {
    # PWN 54.2: digraphs are indivisible; so is "consonant + i + vowel"
    # where the i only softens the consonant (dzie-ci, mia-sto, not mi-asto).
    "pl": HyphenationRules(
        never_split=("ch", "cz", "dz", "dź", "dż", "rz", "sz"),
        never_between=((f"[{_POLISH_CONSONANT}]i$", f"^[{_POLISH_VOWEL}]"),),
    ),
    "cs": HyphenationRules(never_split=("ch",)),
    "sk": HyphenationRules(never_split=("ch", "dz", "dž")),
    "hu": HyphenationRules(never_split=("cs", "dz", "dzs", "gy", "ly", "ny", "sz", "ty", "zs")),
    "es": HyphenationRules(never_split=("ch", "ll", "rr")),
    "de": HyphenationRules(never_split=("ch", "ck")),
    "nl": HyphenationRules(never_split=("ij",)),
    # TeX's English patterns are made for two letters before and three after.
    "en": HyphenationRules(left=2, right=3),
}

#: A word for hyphenation: letters (and soft hyphens already in it).
_WORD = re.compile(r"(?:[^\W\d_]|\u00ad)+")
_URL = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\.|\bmailto:)\S+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


#: Tags pyphen knows under another name ("en" alone is US English, as in
#: the typography rules).
_DICTIONARY_ALIASES = {
    "en": "en_US", "en-us": "en_US", "en-ca": "en_US", "en-gb": "en_GB", "en-au": "en_GB",
    "en-nz": "en_GB", "en-ie": "en_GB", "en-za": "en_GB", "en-in": "en_GB",
}
_PRIMARY_ALIASES = {"no": "nb"}


def _primary(lang: str) -> str:
    return lang.replace("_", "-").split("-", 1)[0].lower()


@lru_cache(maxsize=128)
def _dictionary(lang: str) -> tuple[pyphen.Pyphen, HyphenationRules] | None:
    """pyphen's dictionary for a language tag, with its corrections."""
    clean = lang.replace("_", "-").lower()
    tag = (_DICTIONARY_ALIASES.get(clean) or _PRIMARY_ALIASES.get(_primary(lang))
           or lang.replace("-", "_"))
    name = pyphen.language_fallback(tag) if tag else None
    if not name:
        return None
    rules = RULES.get(_primary(lang), HyphenationRules())
    contexts = tuple((re.compile(a), re.compile(b)) for a, b in rules.never_between)
    compiled = HyphenationRules(rules.left, rules.right, rules.never_split, contexts)
    return pyphen.Pyphen(lang=name, left=rules.left, right=rules.right), compiled


def has_dictionary(lang: str) -> bool:
    """Can text in ``lang`` be hyphenated?"""
    return _dictionary(lang) is not None


@lru_cache(maxsize=131072)
def _positions(lang: str, word: str) -> tuple[int, ...]:
    found = _dictionary(lang)
    if found is None:
        return ()
    dictionary, rules = found
    lower = word.lower()
    banned: set[int] = set()
    for group in rules.never_split:
        at = lower.find(group)
        while at >= 0:
            banned.update(range(at + 1, at + len(group)))
            at = lower.find(group, at + 1)
    positions = []
    for position in dictionary.positions(word):
        if getattr(position, "data", None) or position in banned:
            continue  # a spelling change at the break (pyphen's "non-standard" data)
        if any(before.search(lower, 0, position) and after.match(lower, position)
               for before, after in rules.never_between):  # type: ignore[union-attr]
            continue
        positions.append(int(position))
    return tuple(positions)


@lru_cache(maxsize=131072)
def _with_soft_hyphens(lang: str, word: str) -> str:
    cuts = _positions(lang, word)
    if not cuts:
        return word
    pieces, last = [], 0
    for cut in cuts:
        pieces.append(word[last:cut])
        last = cut
    pieces.append(word[last:])
    return SOFT_HYPHEN.join(pieces)


def hyphenate_word(word: str, lang: str) -> list[int]:
    """Where ``word`` may break in ``lang``: indices at which a hyphen may go.

    ``hyphenate_word("przenoszenie", "pl") == [4, 6, 9]`` (prze-no-sze-nie).
    An empty list when the language has no dictionary or the word no break.
    """
    if not word or len(word) > 64:
        return []
    return list(_positions(lang, word))


def hyphenate_text(text: str, lang: str, *, min_word: int = 6) -> str:
    """``text`` with soft hyphens at the allowed breaks of its longer words.

    URLs and e-mail addresses, words already holding a soft hyphen, and
    words in capitals (acronyms) or mixed case (names like McDonald) stay.
    """
    if not has_dictionary(lang):
        return text

    def word(match: re.Match[str]) -> str:
        value = match.group()
        if len(value) < min_word or len(value) > 64 or SOFT_HYPHEN in value \
                or not value[1:].islower():
            return value
        return _with_soft_hyphens(lang, value)

    if "/" in text or "@" in text or "www." in text:
        out, last = [], 0
        for url in _URL.finditer(text):
            out.append(_WORD.sub(word, text[last:url.start()]))
            out.append(url.group())
            last = url.end()
        out.append(_WORD.sub(word, text[last:]))
        return "".join(out)
    return _WORD.sub(word, text)


#: Elements whose text is never hyphenated: code and data, and headings
#: (a typesetter does not break words in titles).
_SKIP = VERBATIM_TAGS | set(HEADING_TAGS)


def insert_soft_hyphens(root: etree._Element, default_lang: str, *, min_word: int = 6) -> None:
    """Put U+00AD at the allowed breaks of every longer word under ``root``.

    The language of each text node is the nearest ``lang``/``xml:lang``
    (else ``default_lang``).  Code, pre, kbd, samp, var, math, headings,
    URLs and attributes are skipped.  Running it twice changes nothing more.
    """
    root_lang = root.get("lang") or root.get(XML_LANG) or default_lang
    if _local(root) in _SKIP:
        return
    if root.text:
        root.text = hyphenate_text(root.text, root_lang, min_word=min_word)
    stack = [(root, root_lang, iter(root))]
    while stack:
        element, lang, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            continue
        if isinstance(child.tag, str) and _local(child) not in _SKIP:
            child_lang = child.get("lang") or child.get(XML_LANG) or lang
            if child.text:
                child.text = hyphenate_text(child.text, child_lang, min_word=min_word)
            stack.append((child, child_lang, iter(child)))
        if child.tail:
            child.tail = hyphenate_text(child.tail, lang, min_word=min_word)


def _local(element: etree._Element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag[0] == "{" else tag


# ------------------------------------------------------ WeasyPrint (print PDF)


def _forbidding_patterns(rules: HyphenationRules) -> list[str]:
    """Liang patterns forbidding the breaks :data:`RULES` drops.

    ``never_split`` groups get an 8 between each pair of letters; the Polish
    "consonant + i | vowel" context becomes ``ci8a`` and the like.
    """
    patterns = ["8".join(group) for group in rules.never_split]
    for before, after in rules.never_between:
        consonants = re.fullmatch(r"\[(.+)\]i\$", before)
        vowels = re.fullmatch(r"\^\[(.+)\]", after)
        if consonants and vowels:
            patterns += [f"{c}i8{v}" for c in consonants.group(1) for v in vowels.group(1)]
    return patterns


def _corrected_dictionary(name: str, rules: HyphenationRules) -> Path:
    """pyphen's dictionary ``name`` plus the forbidding patterns, as a file."""
    source = Path(pyphen.LANGUAGES[name])
    raw = source.read_bytes()
    first, _, body = raw.partition(b"\n")
    encoding = first.decode("ascii", "replace").strip() or "utf-8"
    encoding = {"microsoft-cp1251": "cp1251"}.get(encoding.lower(), encoding)
    text = body.decode(encoding, "replace")
    extra = "\n".join(_forbidding_patterns(rules))
    content = f"UTF-8\n{text.rstrip()}\n{extra}\n".encode("utf-8")
    digest = hashlib.sha256(content).hexdigest()[:16]
    folder = Path(tempfile.gettempdir()) / f"make-book-hyphenation-{digest}"
    target = folder / f"hyph_{name}.dic"
    if not target.is_file() or target.read_bytes() != content:
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{target.name}.{os.getpid()}"
        partial.write_bytes(content)
        os.replace(partial, target)
    return target


_REGISTERED: set[str] = set()


def use_corrected_dictionaries() -> None:
    """Point pyphen (and so WeasyPrint's ``hyphens: auto``) at dictionaries
    that never break where :data:`RULES` forbids, for every corrected
    language.  Idempotent; cheap after the first call."""
    for primary, rules in RULES.items():
        if not _forbidding_patterns(rules):
            continue
        names = [n for n in list(pyphen.LANGUAGES) if _primary(n) == primary]
        for name in names:
            if name in _REGISTERED:
                continue
            path = _corrected_dictionary(name, rules)
            pyphen.LANGUAGES[name] = path
            _REGISTERED.add(name)
    _dictionary.cache_clear()
    _positions.cache_clear()
    _with_soft_hyphens.cache_clear()
