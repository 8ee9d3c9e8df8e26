"""Decode manuscript bytes to text, detecting the encoding.

Order of evidence:

1. the user's ``--encoding`` / ``[content] encoding`` (strict: a byte that
   does not fit is an error naming the line);
2. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE);
3. UTF-16 (or UTF-32) without a BOM, recognized by its NUL bytes;
4. strict UTF-8, by far the most common encoding today;
5. the legacy single-byte code pages manuscripts still arrive in.

For step 5 charset-normalizer proposes encodings, but on its own it misjudges
short Central European and Western texts (measured: Polish ISO-8859-2 taken
for ISO-8859-10, French CP1252 for CP1257).  So every candidate code page is
also decoded and scored by *alphabet coherence*: the share of its non-ASCII
characters that belong to the alphabet of one single language (plus common
typographic punctuation), minus a penalty for C1 control characters and for
text that would be mostly capital letters.  Polish read as CP1252 yields
``³`` and ``¿`` for ``ł`` and ``ż``; French read as ISO-8859-2 yields ``č``
and ``ŕ`` beside ``ç``, which no single language writes; CP1250 read as
ISO-8859-2 yields C1 controls for ``ś`` and ``ź``.  Candidates that decode
the sample to the very same text are told apart by the language's usual
code pages (:data:`USUAL_ENCODINGS`); readings that are coherent in two
languages' alphabets (French "à" in CP1252, Slovak "ŕ" in CP1250) are told
apart by the language the words around them are written in.

Line ends (LF, CRLF, CR, the odd ``\\r\\r\\n``, NEL and the Unicode line and
paragraph separators) become LF; form feeds (page breaks) are dropped.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass

from ..errors import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)
_NEWLINES = re.compile(r"\r\r\n|\r\n|\r")
_OTHER_BREAKS = {0x85: "\n", 0x2028: "\n", 0x2029: "\n\n", 0x0B: "\n", 0x0C: None}
#: How much of a large file the detectors look at.
_SAMPLE = 512 * 1024
#: Fewest NUL bytes that can make a BOM-less file UTF-16/32 ("Hi!\\n" in UTF-16 has 4).
_MIN_WIDE_NULS = 4
#: Shortest sample in which the weak UTF-16 pattern (NULs only in spaces and
#: punctuation, as in Cyrillic text) counts as a pattern.
_MIN_WEAK_SAMPLE = 32
#: Share of control bytes above which a file is taken for binary data.
_BINARY_SHARE = 0.05


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    had_bom: bool = False
    #: True when the encoding was guessed statistically (worth reporting).
    guessed: bool = False
    #: Every character is printable or a tab or line break (set by
    #: book.readers.common.read_text, which looked): no control, surrogate
    #: or noncharacter to remove.
    printable: bool = False


def normalize_newlines(text: str) -> str:
    """Every line end becomes LF; form feeds (page breaks) disappear."""
    if "\r" in text:  # a quick look first: most files have LF line ends already
        if "\r\r" in text:
            text = _NEWLINES.sub("\n", text)
        else:  # the same without the three-character form, at C speed
            text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(chr(code) in text for code in _OTHER_BREAKS):
        text = text.translate(_OTHER_BREAKS)
    return text


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _strict(data: bytes, encoding: str, display: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"bytes not valid in {encoding} (byte 0x{data[exc.start]:02x})",
            file=display, line=_line_of_offset(data, exc.start),
            hint="check --encoding",
        ) from None
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}", file=display,
                          hint="use a name such as utf-8, cp1250, iso-8859-2") from None


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16/32 without a BOM: mostly-Latin text has a NUL in every other byte.

    A stray NUL or two in a short ASCII file (``Hello\\x00 world``) is no
    evidence: decoded as UTF-16 it would pass for CJK text.  So the NULs must
    be several (:data:`_MIN_WIDE_NULS`) and, for the weaker Cyrillic-style
    pattern, the sample long enough to show a pattern at all.
    """
    sample = data[:4096]
    if len(sample) < 4 or sample.count(0) < _MIN_WIDE_NULS:
        return None
    if len(sample) % 4 == 0:
        quads = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
        if quads[1] > 0.9 and quads[2] > 0.9 and quads[3] > 0.9 and quads[0] < 0.1:
            return "utf-32-le"
        if quads[0] > 0.9 and quads[1] > 0.9 and quads[2] > 0.9 and quads[3] < 0.1:
            return "utf-32-be"
    even_nuls = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nuls = sample[1::2].count(0) / max(1, len(sample[1::2]))
    # Latin text has a NUL in nearly every other byte; Cyrillic or Greek text
    # only in its spaces and punctuation, so a weaker asymmetry is checked by
    # decoding: the result must be text, not noise.
    for codec, nuls, others in (("utf-16-le", odd_nuls, even_nuls),
                                ("utf-16-be", even_nuls, odd_nuls)):
        if nuls > 0.3 and others < 0.05:
            return codec
        if nuls > 0.08 and others < 0.01 and len(sample) >= _MIN_WEAK_SAMPLE and \
                _reads_as_text(sample, codec):
            return codec
    return None


def _reads_as_text(sample: bytes, codec: str) -> bool:
    text = sample[: len(sample) // 2 * 2].decode(codec, errors="replace")
    good = sum(1 for c in text if c.isprintable() or c in "\t\n\r")
    return good >= 0.97 * max(1, len(text)) and "\ufffd" not in text[:-1]


def decode_bytes(data: bytes, display: str, override: str | None = None) -> Decoded:
    """Decode ``data`` (from the file named ``display``) to text with LF line ends."""
    if override:
        return _decode_override(data, display, override)
    for bom, codec, family in _BOMS:
        if data.startswith(bom):
            text = _strict(data[len(bom):], codec, display)
            return Decoded(normalize_newlines(text), family, True)
    # UTF-16 without a BOM first: Cyrillic UTF-16 is all bytes below 0x80
    # (0x30 0x04 for "а"), so it would pass for UTF-8 full of control bytes.
    wide = _looks_utf16(data) if b"\x00" in data[:4096] else None
    if wide:
        family = wide[:6]
        return Decoded(normalize_newlines(_strict(data, wide, display)), family, guessed=True)
    try:
        return Decoded(normalize_newlines(data.decode("utf-8")), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    sample = data[:_SAMPLE]
    if _looks_binary(sample):
        raise DecodeError("this is not a text file (it holds binary data)", file=display,
                          hint="export the manuscript as plain text")
    guess = guess_legacy_encoding(sample)
    if guess is None:
        raise DecodeError(
            "cannot decode the file: it is not UTF-8 and no known encoding fits",
            file=display, line=_line_of_offset(data, utf8_error.start),
            hint="pass --encoding",
        )
    text = data.decode(guess, errors="replace")
    return Decoded(normalize_newlines(text), iana_name(guess), guessed=True)


def _decode_override(data: bytes, display: str, override: str) -> Decoded:
    name = override.strip()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise DecodeError(f"unknown encoding {name!r}", file=display,
                          hint="use a name such as utf-8, cp1250, iso-8859-2") from None
    had_bom = False
    if codec == "utf-8" and data.startswith(codecs.BOM_UTF8):
        data, had_bom = data[len(codecs.BOM_UTF8):], True
    elif codec in {"utf-16", "utf-32"}:
        had_bom = data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        if not had_bom:  # Python's utf-16 assumes native order without a BOM
            codec = _looks_utf16(data) or f"{codec}-le"
    return Decoded(normalize_newlines(_strict(data, codec, display)), name, had_bom)


def _looks_binary(sample: bytes) -> bool:
    controls = sum(sample.count(bytes([b])) for b in range(32) if b not in (9, 10, 11, 12, 13, 26))
    return controls > _BINARY_SHARE * max(1, len(sample))


# ---------------------------------------------------------------- legacy code pages

#: Single-byte code pages we consider, in the order used to report one of
#: several that decode a file to the very same text.
LEGACY_ENCODINGS = (
    "cp1250", "iso8859_2", "iso8859_1", "cp1252", "iso8859_15", "cp1251", "koi8_r",
    "koi8_u", "iso8859_5", "cp866", "cp1253", "iso8859_7", "cp1254", "iso8859_9",
    "cp1257", "iso8859_13", "iso8859_4", "iso8859_16", "cp852", "cp850", "mac_latin2",
    "mac_roman",
)

#: The letters (lower case; capitals are derived) each language writes beyond
#: ASCII.  Coverage by one language is what tells code pages apart.
ALPHABETS: dict[str, str] = {
    "pl": "ąćęłńóśźż",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "hu": "áéíóöőúüű",
    "sl": "čšžćđ",
    "hr": "čćđšž",
    "ro": "ăâîșşțţ",
    "de": "äöüßé",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "es": "áéíñóúü¡¿",
    "it": "àèéìíîòóùú",
    "pt": "áâãàçéêíóôõú",
    "ca": "àçèéíïòóúü·",
    "nl": "éëïóöüèáíú",
    "sv": "åäöé",
    "da": "æøåé",
    "no": "æøåéèóò",
    "fi": "äöåšž",
    "et": "äõöüšž",
    "lv": "āčēģīķļņšūž",
    "lt": "ąčęėįšųūž",
    "is": "áðéíóúýþæö",
    "tr": "çğıöşüâîû",
    "sq": "çë",
    "ga": "áéíóú",
    "cy": "âêîôûŵŷáéíóúẁẃ",
    "ru": "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя’",
    "be": "абвгдеёжзійклмнопрстуўфхцчшыьэюя’",
    "bg": "абвгдежзийклмнопрстуфхцчшщъьюя",
    "sr": "абвгдђежзијклљмнњопрстћуфхцчџш",
    "mk": "абвгдѓежзѕијклљмнњопрстќуфхцчџш",
    "el": "αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋΐΰς",
}

#: Characters any language's text may hold (typographic punctuation, spaces).
_COMMON = frozenset("\u00a0\u00ad“”„‘’‚«»‹›–—…•·€£°§©®™×")

#: The code pages in which each language's texts usually come, most usual first.
USUAL_ENCODINGS: dict[str, tuple[str, ...]] = {
    **{lang: ("cp1250", "iso8859_2", "cp852", "mac_latin2")
       for lang in ("pl", "cs", "sk", "hu", "sl", "hr", "ro")},
    **{lang: ("iso8859_1", "cp1252", "iso8859_15", "cp850", "mac_roman")
       for lang in ("de", "fr", "es", "it", "pt", "ca", "nl", "sv", "da", "no", "fi", "is",
                    "sq", "ga", "cy")},
    **{lang: ("cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866")
       for lang in ("ru", "uk", "be", "bg", "sr", "mk")},
    "el": ("cp1253", "iso8859_7"),
    "tr": ("cp1254", "iso8859_9"),
    **{lang: ("cp1257", "iso8859_13", "iso8859_4") for lang in ("et", "lv", "lt")},
}

#: Below this coherence no single-byte reading is trusted on its own.
_MIN_COHERENCE = 0.8


@dataclass(frozen=True)
class Candidate:
    """One code page's reading of the sample and how coherent it is."""

    encoding: str
    score: float
    language: str
    text_key: str  # the decoded high bytes, to spot identical readings


def _alphabet_sets() -> dict[str, frozenset[str]]:
    return {lang: frozenset(letters) | frozenset(letters.upper())
            for lang, letters in ALPHABETS.items()}


_ALPHABET_SETS = _alphabet_sets()
_NON_LATIN = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "el"})
#: Words holding at least one byte above 0x7F (with their ASCII letters).
_HIGH_WORD = re.compile(rb"[A-Za-z\x80-\xff]*[\x80-\xff][A-Za-z\x80-\xff]*")
#: How many distinct such words are weighed (the most frequent).
_WORDS = 1500


def _word_fits(word: str, alphabet: frozenset[str], latin: bool) -> bool:
    """Could ``word`` be written in the language with this alphabet?"""
    seen_lower = False
    for char in word:
        if char.isascii():
            if not latin and char.isalpha():
                return False
        elif char not in alphabet and char not in _COMMON:
            return False
        if char.isupper() and seen_lower:
            return False  # "pOLSKA": a capital after a small letter
        seen_lower = seen_lower or char.islower()
    return True


def _weight(word: str) -> float:
    """Capitalized words weigh more than all-capital ones, which a wrong
    Cyrillic code page (KOI8 for CP1251) produces from small letters."""
    return 0.5 if len(word) > 1 and word.isupper() else 1.0


def score_encoding(words: Counter[bytes], encoding: str) -> Candidate | None:
    """How plausible ``encoding`` is for text holding these non-ASCII ``words``.

    The score is the (frequency-weighted) share of the words that one single
    language could write; None when some byte is undefined in the code page.
    """
    decoded: list[tuple[str, int]] = []
    for word, count in words.items():
        try:
            decoded.append((word.decode(encoding), count))
        except UnicodeDecodeError:
            return None
    total = sum(count * _weight(word) for word, count in decoded) or 1
    best_lang, best = "", -1
    for lang, alphabet in _ALPHABET_SETS.items():
        latin = lang not in _NON_LATIN
        fit = sum(count * _weight(word) for word, count in decoded
                  if _word_fits(word, alphabet, latin))
        if fit > best:
            best_lang, best = lang, fit
    high = sorted({ch for word, _ in decoded for ch in word if not ch.isascii()})
    return Candidate(encoding, best / total, best_lang, "".join(high))


def _high_words(sample: bytes) -> Counter[bytes]:
    counts = Counter(_HIGH_WORD.findall(sample))
    return Counter(dict(counts.most_common(_WORDS)))


def rank_legacy_encodings(sample: bytes) -> list[Candidate]:
    """Every legacy code page that can read ``sample``, most plausible first."""
    words = _high_words(sample)
    if not words:
        return [Candidate("iso8859_1", 1.0, "", "")]
    candidates = [c for enc in LEGACY_ENCODINGS if (c := score_encoding(words, enc))]
    if not candidates:
        return []
    top = max(c.score for c in candidates)
    leaders = [c for c in candidates if top - c.score < 1e-9]
    usual = USUAL_ENCODINGS.get(leaders[0].language, ())
    for c in leaders:  # the language whose usual code page is among the leaders
        if c.encoding in USUAL_ENCODINGS.get(c.language, ()):
            usual = USUAL_ENCODINGS[c.language]
            break
    spoken = _language_of_words(sample, leaders)
    if spoken:
        usual = USUAL_ENCODINGS[spoken]

    def preference(c: Candidate) -> tuple[float, int, int]:
        return (top - c.score if top - c.score >= 1e-9 else 0.0,
                usual.index(c.encoding) if c.encoding in usual else len(usual),
                LEGACY_ENCODINGS.index(c.encoding))

    return sorted(candidates, key=preference)


def _language_of_words(sample: bytes, leaders: list[Candidate]) -> str | None:
    """The language the text's words are in, when the alphabets left a tie.

    French read as CP1252 ("à") and as CP1250 ("ŕ") are both coherent: the
    second is Slovak's alphabet.  The words around those letters are the
    same in every reading and say which language it is, so the language
    detector decides; its language's usual code pages then win the tie.
    """
    languages = {c.language for c in leaders if c.language in USUAL_ENCODINGS}
    if len(languages) < 2:
        return None
    from .language import detect_language

    detected = detect_language(sample[:20_000].decode(leaders[0].encoding, errors="replace"))
    return detected if detected in languages else None


def guess_legacy_encoding(sample: bytes) -> str | None:
    """The code page of non-UTF-8 text (Python codec name), or None."""
    ranked = rank_legacy_encodings(sample)
    if ranked and ranked[0].score >= _MIN_COHERENCE:
        return ranked[0].encoding
    proposal = _charset_normalizer_guess(sample)
    if proposal:
        return proposal
    return ranked[0].encoding if ranked and ranked[0].score > 0.5 else None


def iana_name(codec: str) -> str:
    """The name people know a Python codec by ("cp1250" → "windows-1250")."""
    name = codecs.lookup(codec).name
    if name.startswith("cp125"):
        return "windows-" + name[2:]
    if name.startswith("iso8859"):
        return "iso-8859-" + name[len("iso8859-"):]
    if name.startswith("cp8"):
        return "ibm" + name[2:]
    return name.replace("_", "-")


def _charset_normalizer_guess(sample: bytes) -> str | None:
    """charset-normalizer's best reading, for scripts our alphabets do not cover."""
    from charset_normalizer import from_bytes

    best = from_bytes(sample[:65536]).best()
    if best is None:
        return None
    return codecs.lookup(best.encoding).name
