"""Heading lines of plain-text manuscripts, as data.

A plain-text book marks its divisions with lines such as ``CHAPTER I``,
``Chapter One``, ``BOOK ONE: 1805``, ``FIRST EPILOGUE``, ``Rozdział
pierwszy``, ``Erstes Kapitel``, ``1. Kapitel``, ``Глава первая``, a bare
``XII`` or ``IV.``, or a word such as ``PREFACE``.  The tables below list,
per language, the words that open each rank of division and the number
words that may follow or precede them; :func:`match_heading` reads one line
against them.  Adding a language means adding rows, not code.

Ranks, outermost first:

* ``part``: books, parts, volumes, acts (a ``<section epub:type="part">``);
* ``chapter``: chapters, letters, staves, cantos, scenes;
* ``division``: named divisions (preface, prologue, epilogue, appendix...)
  that sit at chapter rank, or at part rank when they hold chapters of
  their own (War and Peace's epilogues);
* ``numeral``: a number alone on its line (``I``, ``IV.``, ``12``), which is
  a chapter when the book has no chapter words, and a section otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# ------------------------------------------------------------------ tables


@dataclass(frozen=True)
class Keyword:
    """Words that open one kind of division in one language."""

    lang: str
    rank: str  # "part", "chapter" or "division"
    kind: str  # epub:type of the division
    words: str  # regular-expression alternatives, matched case-insensitively


KEYWORDS: tuple[Keyword, ...] = (
    # parts
    Keyword("en", "part", "part", r"book|part|volume|vol\.|act"),
    Keyword("pl", "part", "part", r"księga|część|tom|akt"),
    Keyword("de", "part", "part", r"buch|teil|band|akt|aufzug"),
    Keyword("fr", "part", "part", r"livre|partie|tome|acte"),
    Keyword("es", "part", "part", r"libro|parte|tomo|acto"),
    Keyword("it", "part", "part", r"libro|parte|volume|tomo|atto"),
    Keyword("pt", "part", "part", r"livro|parte|volume|tomo|ato|acto"),
    Keyword("ru", "part", "part", r"книга|часть|том|действие"),
    Keyword("uk", "part", "part", r"книга|частина|том|дія"),
    Keyword("cs", "part", "part", r"kniha|část|díl|dějství"),
    Keyword("nl", "part", "part", r"boek|deel"),
    Keyword("sv", "part", "part", r"bok|del"),
    Keyword("hu", "part", "part", r"könyv|rész"),
    Keyword("fi", "part", "part", r"osa|kirja|nide"),
    # chapters
    Keyword("en", "chapter", "chapter", r"chapter|chap\.|letter|stave|canto|scene"),
    Keyword("pl", "chapter", "chapter", r"rozdział|list|pieśń|scena"),
    Keyword("de", "chapter", "chapter", r"kapitel|brief|gesang|szene|auftritt"),
    Keyword("fr", "chapter", "chapter", r"chapitre|lettre|chant|scène"),
    Keyword("es", "chapter", "chapter", r"capítulo|carta|canto|escena"),
    Keyword("it", "chapter", "chapter", r"capitolo|lettera|canto|scena"),
    Keyword("pt", "chapter", "chapter", r"capítulo|carta|canto|cena"),
    Keyword("ru", "chapter", "chapter", r"глава|письмо|песнь|сцена|явление"),
    Keyword("uk", "chapter", "chapter", r"розділ|глава"),
    Keyword("cs", "chapter", "chapter", r"kapitola|hlava"),
    Keyword("nl", "chapter", "chapter", r"hoofdstuk"),
    Keyword("sv", "chapter", "chapter", r"kapitel"),
    Keyword("fi", "chapter", "chapter", r"luku"),
    Keyword("hu", "chapter", "chapter", r"fejezet"),
    Keyword("la", "chapter", "chapter", r"caput|capitulum|liber"),
    # named divisions
    Keyword("*", "division", "prologue", r"prologue|prolog|prologo|prólogo|пролог|prologi"),
    Keyword("*", "division", "epilogue", r"epilogue|epilog|épilogue|epílogo|epilogo|эпилог|epilogi"),
    Keyword("*", "division", "preface",
            r"preface|przedmowa|vorwort|préface|prefacio|prefazione|prefácio|предисловие|"
            r"předmluva|voorwoord|vorrede|esipuhe|alkusanat"),
    Keyword("*", "division", "foreword", r"foreword|słowo wstępne|geleitwort|avant-propos"),
    Keyword("*", "division", "introduction",
            r"introduction|wstęp|wprowadzenie|einleitung|einführung|introducción|introduzione|"
            r"introdução|введение|úvod|inleiding|johdanto"),
    Keyword("*", "division", "afterword",
            r"afterword|posłowie|nachwort|postface|postfazione|послесловие|doslov|nawoord|jälkisanat"),
    Keyword("*", "division", "appendix",
            r"appendix|aneks|dodatek|załącznik|anhang|annexe|appendice|apéndice|anexo|"
            r"приложение|příloha|bijlage"),
    Keyword("*", "division", "conclusion",
            r"conclusion|zakończenie|schlusswort|conclusión|conclusione|заключение|závěr"),
    Keyword("*", "division", "acknowledgments",
            r"acknowledge?ments|podziękowania|danksagung|remerciements|agradecimientos|"
            r"ringraziamenti|благодарности"),
    Keyword("*", "division", "glossary",
            r"glossary|słowniczek|glossar|glossaire|glosario|glossario"),
    Keyword("*", "division", "bibliography",
            r"bibliography|bibliografia|bibliographie|bibliografía|literaturverzeichnis|библиография"),
    Keyword("*", "division", "endnotes", r"endnotes|notes|przypisy|anmerkungen"),
    Keyword("*", "division", "chapter", r"interlude|intermezzo|interludium"),
)

#: Number words per language, as (value, regular expression) rows.  Stems
#: with free endings cover inflected ordinals ("pierwszy/pierwsza/pierwsze").
NUMBER_WORDS: dict[str, tuple[tuple[int, str], ...]] = {
    "en": (
        (1, r"one|first"), (2, r"two|second"), (3, r"three|third"), (4, r"four|fourth"),
        (5, r"five|fifth"), (6, r"six|sixth"), (7, r"seven|seventh"), (8, r"eight|eighth"),
        (9, r"nine|ninth"), (10, r"ten|tenth"), (11, r"eleven|eleventh"),
        (12, r"twelve|twelfth"), (13, r"thirteen(?:th)?"), (14, r"fourteen(?:th)?"),
        (15, r"fifteen(?:th)?"), (16, r"sixteen(?:th)?"), (17, r"seventeen(?:th)?"),
        (18, r"eighteen(?:th)?"), (19, r"nineteen(?:th)?"), (20, r"twenty|twentieth"),
        (30, r"thirty|thirtieth"), (40, r"forty|fortieth"), (50, r"fifty|fiftieth"),
        (60, r"sixty|sixtieth"), (70, r"seventy|seventieth"), (80, r"eighty|eightieth"),
        (90, r"ninety|ninetieth"), (100, r"hundred(?:th)?"), (0, r"last|final"),
    ),
    "pl": (
        (1, r"pierwsz\w{0,3}"), (2, r"drug\w{0,3}"), (3, r"trzec\w{0,3}"),
        (4, r"czwart\w{0,3}"), (5, r"piąt\w{0,3}"), (6, r"szóst\w{0,3}"),
        (7, r"siódm\w{0,3}"), (8, r"ósm\w{0,3}"), (9, r"dziewiąt\w{0,3}"),
        (10, r"dziesiąt\w{0,3}"), (11, r"jedenast\w{0,3}"), (12, r"dwunast\w{0,3}"),
        (13, r"trzynast\w{0,3}"), (14, r"czternast\w{0,3}"), (15, r"piętnast\w{0,3}"),
        (16, r"szesnast\w{0,3}"), (17, r"siedemnast\w{0,3}"), (18, r"osiemnast\w{0,3}"),
        (19, r"dziewiętnast\w{0,3}"), (20, r"dwudziest\w{0,3}"), (30, r"trzydziest\w{0,3}"),
        (0, r"ostatni\w{0,2}"),
    ),
    "de": (
        (1, r"erst\w{0,2}|eins"), (2, r"zweit\w{0,2}|zwei"), (3, r"dritt\w{0,2}|drei"),
        (4, r"viert\w{0,2}|vier"), (5, r"fünft\w{0,2}|fünf"), (6, r"sechst\w{0,2}|sechs"),
        (7, r"siebent\w{0,2}|siebt\w{0,2}|sieben"), (8, r"achte?[snrm]?"),
        (9, r"neunt\w{0,2}|neun"), (10, r"zehnt\w{0,2}|zehn"), (11, r"elft\w{0,2}|elf"),
        (12, r"zwölft\w{0,2}|zwölf"), (13, r"dreizehnt?\w{0,2}"), (14, r"vierzehnt?\w{0,2}"),
        (15, r"fünfzehnt?\w{0,2}"), (16, r"sechzehnt?\w{0,2}"), (17, r"siebzehnt?\w{0,2}"),
        (18, r"achtzehnt?\w{0,2}"), (19, r"neunzehnt?\w{0,2}"), (20, r"zwanzigs?t?\w{0,2}"),
        (30, r"drei(?:ß|ss)igs?t?\w{0,2}"), (40, r"vierzigs?t?\w{0,2}"),
        (50, r"fünfzigs?t?\w{0,2}"), (60, r"sechzigs?t?\w{0,2}"), (70, r"siebzigs?t?\w{0,2}"),
        (80, r"achtzigs?t?\w{0,2}"), (90, r"neunzigs?t?\w{0,2}"),
        (0, r"letzt\w{0,2}"),
    ),
    "fi": (
        (1, r"ensimmäi\w{0,4}"), (2, r"toi\w{0,4}"), (3, r"kolma\w{0,4}"),
        (4, r"neljä\w{0,4}"), (5, r"viide\w{0,4}|viides"), (6, r"kuude\w{0,4}|kuudes"),
        (7, r"seitsemä\w{0,4}"), (8, r"kahdeksa\w{0,4}"), (9, r"yhdeksä\w{0,4}"),
        (10, r"kymmene\w{0,4}|kymmenes"), (11, r"yhdestoista"), (12, r"kahdestoista"),
        (0, r"viimei\w{0,4}"),
    ),
    "fr": (
        (1, r"premi[eè]re?|un|une"), (2, r"deuxième|seconde?|deux"), (3, r"troisième|trois"),
        (4, r"quatrième|quatre"), (5, r"cinquième|cinq"), (6, r"sixième|six"),
        (7, r"septième|sept"), (8, r"huitième|huit"), (9, r"neuvième|neuf"),
        (10, r"dixième|dix"), (11, r"onzième|onze"), (12, r"douzième|douze"),
        (20, r"vingtième|vingt"), (0, r"dernière?"),
    ),
    "es": (
        (1, r"primer[oa]?|uno|una"), (2, r"segund[oa]|dos"), (3, r"tercer[oa]?|tres"),
        (4, r"cuart[oa]|cuatro"), (5, r"quint[oa]|cinco"), (6, r"sext[oa]|seis"),
        (7, r"séptim[oa]|siete"), (8, r"octav[oa]|ocho"), (9, r"noven[oa]|nueve"),
        (10, r"décim[oa]|diez"), (11, r"undécim[oa]|once"), (12, r"duodécim[oa]|doce"),
        (0, r"últim[oa]"),
    ),
    "it": (
        (1, r"prim[oa]|uno"), (2, r"second[oa]|due"), (3, r"terz[oa]|tre"),
        (4, r"quart[oa]|quattro"), (5, r"quint[oa]|cinque"), (6, r"sest[oa]|sei"),
        (7, r"settim[oa]|sette"), (8, r"ottav[oa]|otto"), (9, r"non[oa]|nove"),
        (10, r"decim[oa]|dieci"), (11, r"undicesim[oa]|undici"), (12, r"dodicesim[oa]|dodici"),
        (0, r"ultim[oa]"),
    ),
    "pt": (
        (1, r"primeir[oa]|um|uma"), (2, r"segund[oa]|dois|duas"), (3, r"terceir[oa]|três"),
        (4, r"quart[oa]|quatro"), (5, r"quint[oa]|cinco"), (6, r"sext[oa]|seis"),
        (7, r"sétim[oa]|sete"), (8, r"oitav[oa]|oito"), (9, r"non[oa]|nove"),
        (10, r"décim[oa]|dez"),
    ),
    "ru": (
        (1, r"перв\w{0,3}"), (2, r"втор\w{0,3}"), (3, r"трет\w{0,3}"),
        (4, r"четв[её]рт\w{0,3}"), (5, r"пят\w{0,3}"), (6, r"шест\w{0,3}"),
        (7, r"седьм\w{0,3}"), (8, r"восьм\w{0,3}"), (9, r"девят\w{0,3}"),
        (10, r"десят\w{0,3}"), (11, r"одиннадцат\w{0,3}"), (12, r"двенадцат\w{0,3}"),
        (0, r"последн\w{0,3}"),
    ),
    "cs": (
        (1, r"první"), (2, r"druh[áýé]"), (3, r"třetí"), (4, r"čtvrt[áýé]"),
        (5, r"pát[áýé]"), (6, r"šest[áýé]"), (7, r"sedm[áýé]"), (8, r"osm[áýé]"),
        (9, r"devát[áýé]"), (10, r"desát[áýé]"),
    ),
    "hu": (
        (1, r"első"), (2, r"második"), (3, r"harmadik"), (4, r"negyedik"), (5, r"ötödik"),
        (6, r"hatodik"), (7, r"hetedik"), (8, r"nyolcadik"), (9, r"kilencedik"),
        (10, r"tizedik"),
    ),
}

#: Lines that introduce the source's own table of contents (or list of
#: illustrations), compared case-insensitively without punctuation.
CONTENTS_TITLES = frozenset({
    "contents", "table of contents", "list of contents", "list of illustrations",
    "illustrations", "spis treści", "spis rzeczy", "spis rozdziałów", "spis ilustracji",
    "inhalt", "inhaltsverzeichnis", "table des matières", "table", "sommaire",
    "índice", "indice", "sommario", "índice general", "содержание", "оглавление", "obsah",
    "inhoud", "innehåll", "indhold", "innhold", "sisällys", "sisällysluettelo", "tartalom",
})

# ------------------------------------------------------------------ matching

_ROMAN = r"(?=[MDCLXVI])M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
#: What may separate a heading's label from its title.
_SEPARATOR = r"\s*(?:[.:—–]|\s-|--)\s*"
_MAX_HEADING = 120


@dataclass(frozen=True)
class HeadingMatch:
    """A line read as a heading: its rank, division kind, label and title."""

    rank: str  # "part", "chapter", "division" or "numeral"
    kind: str
    label: str  # the numbering part as written ("CHAPTER I", "BOOK ONE", "XII")
    title: str  # the title after it ("The Visit", "1805"), or ""
    number: int | None  # the number's value when known (0: "last")
    word: str = ""  # the keyword as written, in lower case ("chapter", "księga"), or ""

    @property
    def key(self) -> tuple[str, str, int | None]:
        """What identifies the division whatever its wording (for contents lists)."""
        return (self.rank, self.kind, self.number)


def roman_value(text: str) -> int | None:
    """The value of a Roman numeral (upper or lower case), or None."""
    if not text or not re.fullmatch(_ROMAN, text.upper()):
        return None
    total, prev = 0, 0
    for char in reversed(text.upper()):
        value = _ROMAN_VALUES[char]
        total = total - value if value < prev else total + value
        prev = max(prev, value)
    return total


@lru_cache(maxsize=1)
def _number_words() -> tuple[tuple[re.Pattern[str], int], ...]:
    rows = []
    for table in NUMBER_WORDS.values():
        for value, pattern in table:
            rows.append((re.compile(rf"(?:{pattern})", re.IGNORECASE), value))
    return tuple(rows)


def _word_alternation() -> str:
    patterns = [p for table in NUMBER_WORDS.values() for _, p in table]
    return "|".join(f"(?:{p})" for p in sorted(patterns, key=len, reverse=True))


def number_value(text: str) -> int | None:
    """The value of a written number ("XII", "12", "twenty-one", "pierwszy")."""
    text = text.strip().rstrip(".")
    if text.isdigit():
        return int(text)
    roman = roman_value(text)
    if roman is not None:
        return roman
    total = 0
    for token in re.split(r"[\s-]+|(?<=[^\W\d_])und(?=[^\W\d_]{5})", _DE_ONE.sub("eins", text)):
        if token.lower() in {"the", "and", "et"} or not token:
            continue
        for pattern, value in _number_words():
            if pattern.fullmatch(token):
                total += value
                break
        else:
            return None
    return total


#: German compound numbers put the unit first: "einundzwanzig" (one and twenty).
_DE_UNITS = r"(?:ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und"
_DE_ONE = re.compile(r"(?i)\bein(?=und)")


class _Patterns:
    """The heading patterns by name, each compiled when first asked for:
    two of them spell out every number word of every language and take
    tens of milliseconds to compile, and most books need one or two."""

    def __init__(self, sources: dict[str, str | tuple[str, int]]) -> None:
        self._sources = sources
        self._compiled: dict[str, re.Pattern[str]] = {}

    def __getitem__(self, name: str) -> re.Pattern[str]:
        found = self._compiled.get(name)
        if found is None:
            source = self._sources[name]
            found = re.compile(source) if isinstance(source, str) else re.compile(*source)
            self._compiled[name] = found
        return found


@lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    words = _word_alternation()
    number_word = rf"(?:{_DE_UNITS})?(?:{words})(?![\w])"
    spelled = rf"{number_word}(?:[\s-]+(?:and\s+|et\s+)?{number_word}){{0,2}}"
    digits = r"\d{1,4}"
    numeral = rf"(?:{digits}|{_ROMAN}(?![\w])|{spelled})"
    ranked = [k for k in KEYWORDS if k.rank != "division"]
    key_alt = "|".join(f"(?:{k.words})" for k in ranked)
    div_alt = "|".join(f"(?:{k.words})" for k in KEYWORDS if k.rank == "division")
    title = rf"(?:{_SEPARATOR}(?P<title>\S.*?))?[.:]?"
    flags = re.IGNORECASE
    return _Patterns({
        # "Chapter 1", "CHAPTER I. THE VISIT", "Book the First", "Rozdział pierwszy"
        "key_num": (
            rf"(?P<label>(?P<key>{key_alt})\.?\s+(?:the\s+)?(?P<num>{numeral})){title}",
            flags),
        # "Chapter 5 The Storm": a digit or Roman number, then a capitalized title
        "key_num_title": (
            rf"(?P<label>(?P<key>(?i:{key_alt}))\.?\s+(?P<num>{digits}|{_ROMAN}))\s+"
            rf"(?P<title>[A-ZÀ-ÞĀ-ſА-ЯЁ“\"‘'„«].*?)[.:]?"),
        # "FIRST EPILOGUE: 1813 - 20", "Erstes Kapitel", "Première partie"
        "num_key": (
            rf"(?P<label>(?P<num>{spelled})\s+(?P<key>{key_alt}|{div_alt})){title}", flags),
        # "1. Kapitel", "II. Teil", "XII. fejezet"
        "digit_key": (
            rf"(?P<label>(?P<num>{digits}|{_ROMAN})\.\s*(?P<key>{key_alt})){title}", flags),
        # "EPILOGUE", "Appendix A", "Epilogue II: Ten Years Later"
        "division": (
            rf"(?P<label>(?:[\w-]+(?:['’]s)?\s+)?(?P<key>{div_alt})(?:\s+(?P<num>{digits}|{_ROMAN}|[A-Z]))?"
            rf"(?:\s+(?:to|by|of|for|do|von|zur|zum|de|à|del|della|к)\s+[^.!?,;]{{1,60}}?)?){title}",
            flags),
        # "XII", "IV.", "12" alone (Roman numerals in capitals only)
        "numeral": (rf"(?P<label>(?P<num>\d{{1,3}}|{_ROMAN}))\.?"),
        # "IV. THE RED-HEADED LEAGUE": a Roman number and a title
        "numeral_title": (
            rf"(?P<label>(?P<num>{_ROMAN}))\.\s+(?P<title>[A-ZÀ-ÞĀ-ſА-ЯЁ“\"‘'„«][^.!?]*?)"),
    })


@lru_cache(maxsize=1)
def _keyword_lookup() -> tuple[tuple[re.Pattern[str], Keyword], ...]:
    return tuple((re.compile(f"(?:{k.words})", re.IGNORECASE), k) for k in KEYWORDS)


def _keyword(word: str) -> Keyword | None:
    for pattern, keyword in _keyword_lookup():
        if pattern.fullmatch(word):
            return keyword
    return None


@lru_cache(maxsize=1)
def _first_prefixes() -> frozenset[str]:
    """The literal beginnings (up to three letters) of every word a heading
    can open with: keywords and number words of every language."""
    alternatives = [alt for k in KEYWORDS for alt in k.words.split("|")]
    alternatives += [alt for table in NUMBER_WORDS.values() for _, p in table
                     for alt in p.split("|")]
    prefixes = set()
    for alt in alternatives:
        literal = re.match(r"[^\\()\[\]?*+{}.|]*", alt.replace("\\.", ".")).group()
        prefixes.add(literal[:3].lower())
    prefixes.discard("")
    return frozenset(prefixes)


def _may_open_heading(text: str) -> bool:
    """A cheap test of the first word, so most lines skip the full patterns."""
    parts = text.split(None, 2)
    first = parts[0].rstrip(".:,").lower()
    if first[:1].isdigit() or first.endswith(("'s", "’s")) or not first.strip("ivxlcdm"):
        return True
    prefixes = _first_prefixes()
    # The second word too: a division word may follow one word ("Author's Preface").
    return any(word[:3] in prefixes or word[:2] in prefixes or word[:1] in prefixes
               for word in (first, parts[1].lower() if len(parts) > 1 else ""))


def match_heading(line: str) -> HeadingMatch | None:
    """Read one line as a division heading, or return None.

    The caller decides whether the line stands alone (blank lines around it);
    this only looks at the wording.
    """
    text = " ".join(line.split())
    if not text or len(text) > _MAX_HEADING or not (text[0].isupper() or text[0].isdigit()):
        return None
    if not _may_open_heading(text):
        return None
    patterns = _patterns()
    for name in ("key_num", "key_num_title", "num_key", "digit_key", "division"):
        match = patterns[name].fullmatch(text)
        if match is None:
            continue
        keyword = _keyword(match.group("key"))
        if keyword is None:
            continue
        if text.endswith(".") and (name == "num_key" or (
                name == "division" and len(match.group("label").split()) > 2)):
            continue  # "First scene." and "Introduction to the problem is hard." are sentences
        raw_number = match.group("num")
        number = number_value(raw_number) if raw_number else None
        if raw_number and number is None and len(raw_number) == 1 and raw_number.isalpha():
            number = ord(raw_number.upper()) - ord("A") + 1  # "Appendix B"
        return HeadingMatch(keyword.rank, keyword.kind, match.group("label").strip(),
                            _clean_title(match.group("title")), number,
                            match.group("key").lower())
    for name in ("numeral", "numeral_title"):
        match = patterns[name].fullmatch(text)
        if match:
            number = number_value(match.group("num"))
            if number is None or number == 0:
                return None
            return HeadingMatch("numeral", "chapter", match.group("label"),
                                _clean_title(match.groupdict().get("title")), number)
    return None


def _clean_title(title: str | None) -> str:
    if not title:
        return ""
    return title.strip().rstrip(".:").strip()


_NOT_WORD = re.compile(r"[^\w\s]")


def is_contents_title(line: str) -> bool:
    """True for a line such as ``CONTENTS`` or ``Spis treści``."""
    if len(line) > 40:
        return False
    text = _NOT_WORD.sub("", line).strip().lower()
    return " ".join(text.split()) in CONTENTS_TITLES


def heading_number(title: str) -> tuple[str, int] | None:
    """The numbering of a division title: ("chapter", 3) for "Chapter 3: The
    Storm", ("#", 12) for "XII", or None when the title has no number.
    The first element names the series a number belongs to (the keyword as
    written, in lower case), so "Book 2" and "Chapter 2" count apart."""
    found = match_heading(title.split(":")[0] if ":" in title else title)
    if found is None or found.number is None or found.number <= 0:
        return None
    return (found.word or "#"), found.number
