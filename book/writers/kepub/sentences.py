"""Sentence segments for Kobo's spans, by the language of the text.

Kobo counts reading progress and places highlights by sentence: its own
conversion (and kepubify, which copies it) cuts text after every ``.``,
``!``, ``?`` or ``:`` followed by a space, so "Dr. Watson" and "np. tak"
become two "sentences".  Here a stop ends a sentence only when

* it is ``.``, ``!``, ``?``, ``…`` (or a run of them, ``?!``, ``...``), or a
  full stop of Chinese and Japanese (``。！？``, no space needed), Arabic
  ``؟``, Devanagari ``।``, Armenian ``։``, Ethiopic ``።``,
* followed, after any closing quotes and brackets, by white space and then
  not by a lower-case letter (a sentence does not go on in lower case:
  "etc. and", "?« zapytał"), and
* the word before a full stop is not an abbreviation that never ends a
  sentence in the text's language (:data:`ABBREVIATIONS`: titles and
  forms like "Dr.", "M.", "np.", "z. B.", "т. е."), nor an initial (one
  capital letter: "J. R. R. Tolkien"), nor, in languages that write
  ordinal numbers with a full stop (German, Polish, Czech…: "am 3. Mai",
  "3. maja"), a number.

Colons do not end sentences.  The segments keep every character: joined,
they are the text again (trailing spaces belong to the segment before).
"""

from __future__ import annotations

import re

#: Abbreviations (lower case, without the final full stop) that are followed
#: by more of the same sentence, per language; "*" applies to every language.
#: Only forms that precede something (titles, "for example", units before a
#: number) belong here: "etc." or "itd." often end a sentence and are left
#: to the lower-case rule.
ABBREVIATIONS: dict[str, frozenset[str]] = {
    "*": frozenset({"e.g", "i.e", "cf", "vs", "ca", "no", "nr", "vol", "p", "pp", "fig"}),
    "en": frozenset({
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "rev", "hon", "gen", "col", "capt",
        "lt", "sgt", "mt", "ft", "approx", "dept", "est", "ed", "eds", "ch", "sec", "jan", "feb",
        "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k",
        "messrs", "mme", "mlle", "op", "viz", "al"}),
    "pl": frozenset({
        "np", "tzn", "tj", "dr", "prof", "mgr", "inż", "św", "ks", "bp", "abp", "ul", "al", "pl",
        "os", "ok", "ob", "ww", "wg", "ds", "godz", "min", "str", "s", "t", "wyd", "red", "tłum",
        "oprac", "im", "ur", "zm", "m.in", "tys", "mln", "mld", "zł", "gr", "r", "w", "płk", "ppłk",
        "kpt", "por", "ppor", "gen", "hr", "o", "pt", "prot", "sz", "rozdz", "pkt", "ust", "art",
        "poz", "tab", "rys", "zob", "por", "przyp", "jw", "tzw", "ps", "ang", "łac", "niem",
        "franc", "ros", "gr"}),
    "de": frozenset({
        "z.b", "bzw", "dr", "prof", "hr", "fr", "frl", "nr", "s", "str", "vgl", "ca", "evtl",
        "ggf", "inkl", "u.a", "d.h", "z.t", "bd", "jh", "st", "mio", "mrd", "abs", "abb", "anm",
        "bsp", "geb", "gest", "hg", "hrsg", "kap", "lt", "sog", "u.ä", "v.a", "z", "b",
        "u", "d", "h", "v", "a"}),
    "fr": frozenset({
        "m", "mm", "mme", "mmes", "mlle", "mlles", "mgr", "me", "dr", "pr", "st", "ste", "p",
        "pp", "cf", "env", "ex", "art", "av", "bd", "chap", "éd", "vol", "fig", "n", "t", "c.-à-d",
        "càd", "apr", "av.-j.-c", "j.-c"}),
    "cs": frozenset({
        "např", "tj", "tzv", "tzn", "dr", "prof", "ing", "mgr", "sv", "str", "č", "ul", "resp",
        "popř", "mj", "kpt", "pplk", "plk", "gen", "p", "pí", "sl", "r", "s", "t", "viz", "srov",
        "stol", "tis", "mil", "kap", "obr", "tab"}),
    "sk": frozenset({
        "napr", "tj", "tzv", "tzn", "dr", "prof", "ing", "mgr", "sv", "str", "č", "ul", "resp",
        "p", "r", "s", "t", "pozri", "stor", "tis", "mil", "kap", "obr"}),
    "ru": frozenset({
        "г", "гг", "т.е", "т", "е", "им", "ул", "пр", "см", "стр", "с", "тыс", "млн", "млрд",
        "руб", "коп", "проф", "акад", "доц", "тов", "напр", "ок", "св", "ст", "ср", "рис", "гл",
        "д", "кв", "пос", "обл", "р", "в", "вв", "н.э", "до н.э", "т.н", "т.к", "т.о", "ген",
        "полк", "кап", "лейт", "мл", "сб", "изд", "ред", "пер", "др.-греч", "лат", "англ", "нем",
        "франц"}),
    "uk": frozenset({
        "р", "рр", "ім", "вул", "див", "напр", "проф", "акад", "доц", "ст", "с", "т", "тис",
        "млн", "млрд", "грн", "коп", "св", "мал", "гл", "обл", "пор", "н.е", "т.зв", "т.б", "ген"}),
    "es": frozenset({
        "sr", "sra", "srta", "sres", "dr", "dra", "d", "dña", "ud", "uds", "vd", "vds", "pág",
        "págs", "p.ej", "núm", "av", "avda", "c", "cap", "vol", "ej", "aprox", "lic", "ing", "prof",
        "fr", "gral", "cía", "sto", "sta"}),
    "it": frozenset({
        "sig", "sigg", "sig.ra", "sig.na", "dott", "dott.ssa", "prof", "prof.ssa", "ing", "avv",
        "on", "p.es", "pag", "pagg", "pp", "cap", "vol", "n", "s", "ca", "cfr", "es", "geom",
        "rag", "arch", "mons", "gen", "col", "ten", "cap", "fig", "tab"}),
    "pt": frozenset({
        "sr", "sra", "srta", "dr", "dra", "prof", "profa", "exmo", "exma", "d", "v", "pág",
        "págs", "p.ex", "núm", "av", "cap", "vol", "ex", "aprox", "eng", "gen", "sto", "sta"}),
    "nl": frozenset({
        "dhr", "mevr", "mr", "dr", "prof", "ir", "ing", "drs", "bijv", "d.w.z", "o.a", "e.d",
        "m.a.w", "nr", "blz", "vgl", "ca", "st", "jl", "z", "resp"}),
    "sv": frozenset({"t.ex", "bl.a", "d.v.s", "dvs", "s.k", "o.s.v", "ca", "dr", "prof", "nr",
                     "s", "kap", "jfr", "f.d", "fr.o.m", "t.o.m", "resp"}),
    "da": frozenset({"f.eks", "bl.a", "dvs", "d.v.s", "ca", "dr", "prof", "nr", "s", "kap",
                     "jf", "hr", "fru", "pga", "vha"}),
    "no": frozenset({"f.eks", "bl.a", "dvs", "d.v.s", "ca", "dr", "prof", "nr", "s", "kap",
                     "jf", "hr", "pga", "vha"}),
    "fi": frozenset({"esim", "mm", "ns", "n", "tms", "ym", "yms", "eli", "prof", "tri", "s",
                     "k", "v"}),
    "hu": frozenset({"pl", "ill", "dr", "prof", "ifj", "id", "kb", "ún", "vö", "sz",
                     "u", "krt", "o", "old", "ford", "szerk"}),
    "ro": frozenset({"dl", "dna", "d-l", "d-na", "dr", "prof", "ing", "ex", "nr", "p", "pag",
                     "cap", "vol", "str", "bd"}),
    "hr": frozenset({"npr", "tj", "dr", "prof", "ing", "mr", "sv", "str", "br", "god", "st",
                     "tzv"}),
    "sl": frozenset({"npr", "tj", "dr", "prof", "ing", "mag", "sv", "str", "št", "oz", "t.i",
                     "l", "st"}),
    "sr": frozenset({"нпр", "тј", "др", "проф", "инж", "св", "стр", "бр", "год", "ст", "тзв",
                     "npr", "tj", "dr", "prof", "ing", "sv", "str", "br", "god", "st", "tzv"}),
    "tr": frozenset({"dr", "prof", "doç", "yrd", "av", "bkz", "vs", "örn", "no", "s", "sf"}),
    "el": frozenset({"κ", "κα", "δρ", "καθ", "π.χ", "δηλ", "βλ", "σελ", "αρ", "τ", "χ"}),
}

#: Languages that write ordinal numbers with a full stop ("am 3. Mai").
ORDINAL_STOP = frozenset({"de", "pl", "cs", "sk", "hu", "fi", "da", "no", "nb", "nn", "sl", "hr",
                          "sr", "bs", "tr", "lv", "et", "is", "fo"})

_TERMINALS = ".!?…‼⁇⁈⁉؟।॥։።"
_CJK_TERMINALS = "。！？｡"
_CLOSERS = "\"'”’»«›‹)]}）］｝」』】〕〉》"
_END = re.compile(
    rf"([{re.escape(_TERMINALS)}]+[{re.escape(_CLOSERS)}]*)(\s+)"
    rf"|([{re.escape(_CJK_TERMINALS)}]+[{re.escape(_CLOSERS)}]*)(\s*)")
#: French sets a (no-break) space before its closing guillemet: « Oui. »
_END_FRENCH = re.compile(
    rf"([{re.escape(_TERMINALS)}]+(?:[{re.escape(_CLOSERS)}]|[ \u00a0\u202f][»›])*)(\s+)"
    rf"|([{re.escape(_CJK_TERMINALS)}]+[{re.escape(_CLOSERS)}]*)(\s*)")
_WORD_BEFORE = re.compile(r"([\w.\-]+)$")


def _abbreviations(lang: str) -> frozenset[str]:
    primary = (lang or "").split("-")[0].lower()
    if primary in ("nb", "nn"):
        primary = "no"
    return ABBREVIATIONS["*"] | ABBREVIATIONS.get(primary, frozenset())


def _is_sentence_end(text: str, stop_at: int, stop: str, after: int, lang: str,
                     known: frozenset[str]) -> bool:
    following = text[after:after + 1]
    if following and following.islower():
        return False
    if stop.rstrip(_CLOSERS) != ".":
        return True
    match = _WORD_BEFORE.search(text, 0, stop_at)
    if match is None:
        return True
    word = match.group(1).lower()
    if word in known or word + "." in known:
        return False
    # "J." "R." "Ż.": initials (one capital letter; also "Ch" in Czech names).
    original = match.group(1)
    last = original.split(".")[-1]
    if len(last) == 1 and last.isupper():
        return False
    primary = (lang or "").split("-")[0].lower()
    if last.isdigit() and primary in ORDINAL_STOP:
        return False
    return True


def split_sentences(text: str, lang: str) -> list[str]:
    """``text`` cut after each sentence end; the pieces join back to ``text``."""
    if not text:
        return []
    known = _abbreviations(lang)
    pieces: list[str] = []
    start = 0
    ends = _END_FRENCH if (lang or "").split("-")[0].lower() == "fr" else _END
    for match in ends.finditer(text):
        stop = match.group(1) or match.group(3)
        stop_at = match.start()
        end = match.end()
        after = end
        if match.group(3) is None and not _is_sentence_end(text, stop_at, stop, after, lang, known):
            continue
        if end >= len(text):
            break
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return pieces
