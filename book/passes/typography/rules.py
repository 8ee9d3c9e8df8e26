"""Typographic rules per language, as data (issue 5, "Rules live in data").

One :class:`LanguageRules` entry per language says how a typesetter of that
language sets quotation marks, dashes, ellipses, apostrophes and no-break
spaces.  The engine (``steps.py``, ``quotes.py``) compiles these entries; it
holds no language knowledge of its own.  To support a new language, add an
entry to :data:`RULES` (or map it to a close relative in :data:`FAMILIES`).

Sources: the field notes' section 6 (Polish: wiele-kropek.pl, PWN rules 54.x,
Łódź University language clinic; English: Standard Ebooks manual §8; German:
da-tex, Bis-Strich; French: Lexique des règles typographiques en usage à
l'Imprimerie nationale), plus the Chicago Manual of Style for US English, RAE
for Spanish and the usual national practice for the other entries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NBSP = "\u00a0"       # no-break space
NNBSP = "\u202f"      # narrow no-break space (French "espace fine insécable")
EM = "\u2014"         # em dash (Polish "pauza", French "tiret cadratin")
EN = "\u2013"         # en dash (Polish "półpauza", German "Halbgeviertstrich")
APOSTROPHE = "\u2019"

#: Units and symbols that follow a number in every language (SI and common
#: typographic units); a no-break space binds them to the number ("5 km").
SI_UNITS: tuple[str, ...] = (
    "km", "m", "dm", "cm", "mm", "µm", "nm", "km²", "m²", "cm²", "mm²", "m³", "cm³", "dm³",
    "ha", "kg", "g", "mg", "µg", "t", "l", "ml", "cl", "dl", "hl",
    "s", "ms", "min", "h", "Hz", "kHz", "MHz", "GHz",
    "°C", "°F", "°", "K", "%", "‰",
    "W", "kW", "MW", "GW", "Wh", "kWh", "MWh", "V", "mV", "kV", "A", "mA", "J", "kJ", "cal",
    "kcal", "Pa", "hPa", "kPa", "MPa", "bar", "dB", "N", "kN",
    "B", "kB", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "bit", "kbit", "Mbit",
    "px", "pt", "dpi", "ppi", "km/h", "m/s", "mph",
    "€", "$", "£", "¥", "USD", "EUR", "GBP", "CHF", "PLN", "CZK",
)


@dataclass(frozen=True, eq=False)
class LanguageRules:
    """How one language sets its punctuation.

    Quotation marks are two-character strings: opening then closing mark.
    Strings of spaces (``dialogue_space``, ``unit_space``...) are the exact
    characters inserted, usually :data:`NBSP` or :data:`NNBSP`.
    """

    tag: str
    name: str
    #: Opening and closing marks of a quotation, and of a quotation inside it.
    primary: str = "“”"
    nested: str = "‘’"
    #: ``[typography] quotes`` choices this language knows → (primary, nested).
    variants: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Space inside quotation marks (French « … »); "" for none.
    quote_space: str = ""
    apostrophe: str = APOSTROPHE
    #: Words that start with an elided letter ('tis, 'n', Dutch 's avonds):
    #: a straight quote before them is an apostrophe, not an opening quote.
    elisions: tuple[str, ...] = ()
    #: Dash set off between words (a parenthetical remark, a pause).
    aside_dash: str = EN
    #: True: "word – word" (no-break space before the dash so it never starts
    #: a line); False: closed up, "word—word" (US English).
    aside_spaced: bool = True
    #: Spanish-style incises attach the dash to the words inside:
    #: "texto —inciso— texto"; the first dash of a pair opens, the next closes.
    paired_asides: bool = False
    #: Dash that opens a turn of dialogue at the start of a paragraph, and the
    #: space after it ("" = attached, as in Spanish "—Hola").
    dialogue_dash: str = EM
    dialogue_space: str = NBSP
    #: Dash of number ranges (1805–1812), always closed up.
    range_dash: str = EN
    ellipsis: str = "…"
    #: One-letter words that must not end a line (bound to the next word).
    one_letter_words: str = ""
    #: Abbreviations bound to the word or number after them ("np. ", "Dr. ").
    #: A capitalized form is accepted too ("Np.").
    abbreviations: tuple[str, ...] = ()
    #: Abbreviations bound only to a number after them ("s. 5", "No. 3"):
    #: "No. What" is a word, not an abbreviation.
    numbered: tuple[str, ...] = ()
    #: Abbreviations written with inner spaces ("z. B."); the inner space
    #: becomes :attr:`abbreviation_space`.
    spaced_abbreviations: tuple[str, ...] = ()
    abbreviation_space: str = NBSP
    #: Words bound to the number before them, on top of :data:`SI_UNITS`
    #: ("1953 r.", "5 tys.", "10 Kč").
    units: tuple[str, ...] = ()
    unit_space: str = NBSP
    #: Space that groups digits ("10 000"); "" leaves digit groups alone.
    thousands_space: str = ""
    #: Space before punctuation marks (French ";" "!" "?" ":").
    space_before: dict[str, str] = field(default_factory=dict)
    #: Bind initials to the name after them ("J. R. R. Tolkien").
    bind_initials: bool = True

    def quotes(self, variant: str) -> tuple[str, str] | None:
        """(primary, nested) for a ``quotes`` option; None when unknown here."""
        if variant in ("auto", "default"):
            return self.primary, self.nested
        return self.variants.get(variant)


#: Quote variants shared by the languages that print »…« in books.
_GUILLEMETS_IN = {"guillemets": ("»«", "›‹")}

RULES: dict[str, LanguageRules] = {rules.tag: rules for rules in (
    LanguageRules(
        tag="pl", name="Polish",
        primary="„”", nested="«»",
        aside_dash=EM, dialogue_dash=EM,
        one_letter_words="aiouwzAIOUWZ",
        abbreviations=("np.", "tzw.", "m.in.", "ok.", "ul.", "al.", "pl.", "os.", "prof.", "dr",
                       "doc.", "mgr", "inż.", "ks.", "św.", "bł.", "o.", "tj.", "tzn.", "gen.",
                       "płk", "ppłk", "kpt.", "por.", "mjr", "im.", "wg", "pt.", "red.", "tłum.",
                       "oprac.", "godz.", "zob.", "ur.", "zm.", "wyd.", "cyt."),
        numbered=("s.", "ss.", "t.", "nr", "poz.", "art.", "ust.", "pkt", "rozdz.", "par."),
        units=("zł", "gr", "tys.", "mln", "mld", "bln", "r.", "w.", "proc.", "godz.", "min.",
               "sek.", "szt.", "km/godz.", "p.n.e.", "n.e.", "tyś."),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="en-US", name="English (US)",
        primary="“”", nested="‘’",
        variants={"single": ("‘’", "“”")},
        elisions=("tis", "twas", "twere", "twill", "twould", "em", "n", "cause", "cos", "til",
                  "round", "bout", "neath", "gainst", "twixt", "prentice", "possum", "coon"),
        aside_dash=EM, aside_spaced=False, dialogue_dash=EM,
        abbreviations=("Mr.", "Mrs.", "Ms.", "Mx.", "Dr.", "St.", "Mt.", "Ft.", "Prof.", "Rev.",
                       "Hon.", "Gen.", "Col.", "Capt.", "Lt.", "Sgt.", "Cpl.", "Maj.", "Adm.",
                       "Gov.", "Sen.", "Rep.", "Pres.", "Fr.", "Messrs.", "Mme.", "Mlle.", "cf."),
        numbered=("No.", "Nos.", "pp.", "p.", "vol.", "vols.", "ch.", "chap.", "fig.", "figs.",
                  "art.", "sec.", "Op."),
        units=("BC", "AD", "BCE", "CE", "a.m.", "p.m."),
    ),
    LanguageRules(
        tag="en-GB", name="English (UK)",
        primary="‘’", nested="“”",
        variants={"double": ("“”", "‘’")},
        elisions=("tis", "twas", "twere", "twill", "twould", "em", "n", "cause", "cos", "til",
                  "round", "bout", "neath", "gainst", "twixt", "prentice"),
        aside_dash=EN, aside_spaced=True, dialogue_dash=EN,
        abbreviations=("Mr", "Mrs", "Ms", "Mx", "Dr", "St", "Mt", "Revd", "Prof", "Mr.", "Mrs.",
                       "Ms.", "Dr.", "St.", "Mt.", "Prof.", "Rev.", "Hon.", "Gen.", "Col.",
                       "Capt.", "Lt.", "Sgt.", "Maj.", "Adm.", "Gov.", "Messrs", "Messrs.", "cf."),
        numbered=("No.", "Nos.", "pp.", "p.", "vol.", "vols.", "ch.", "chap.", "fig.", "art.",
                  "sec.", "Op."),
        units=("BC", "AD", "BCE", "CE", "a.m.", "p.m."),
    ),
    LanguageRules(
        tag="de", name="German",
        primary="„“", nested="‚‘",
        variants={**_GUILLEMETS_IN, "swiss": ("«»", "‹›")},
        elisions=("s", "n", "ne", "nen", "nem", "ner", "nes"),
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("Dr.", "Prof.", "Hr.", "Fr.", "St.", "vgl.", "ca."),
        numbered=("Nr.", "S.", "Abb.", "Bd.", "Kap.", "Art.", "Abs.", "Tab.", "Anm."),
        spaced_abbreviations=("z. B.", "d. h.", "u. a.", "u. Ä.", "o. Ä.", "v. a.", "s. o.",
                              "s. u.", "u. U.", "z. T.", "m. E.", "i. d. R.", "u. v. m.", "z. Z.",
                              "o. g.", "i. A.", "n. Chr.", "v. Chr."),
        abbreviation_space=NNBSP,
        units=("Mio.", "Mrd.", "Tsd.", "Uhr", "Std.", "Min.", "Sek.", "Jh.", "Euro", "Cent"),
        unit_space=NNBSP,
        thousands_space=NNBSP,
    ),
    LanguageRules(
        tag="de-CH", name="German (Switzerland)",
        primary="«»", nested="‹›",
        variants={**_GUILLEMETS_IN, "swiss": ("«»", "‹›")},
        elisions=("s", "n", "ne", "nen", "nem", "ner", "nes"),
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("Dr.", "Prof.", "Hr.", "Fr.", "St.", "vgl.", "ca."),
        numbered=("Nr.", "S.", "Abb.", "Bd.", "Kap.", "Art.", "Abs.", "Tab.", "Anm."),
        spaced_abbreviations=("z. B.", "d. h.", "u. a.", "u. Ä.", "o. Ä.", "v. a.", "s. o.",
                              "s. u.", "u. U.", "z. T.", "m. E.", "i. d. R.", "u. v. m.", "z. Z.",
                              "o. g.", "i. A.", "n. Chr.", "v. Chr."),
        abbreviation_space=NNBSP,
        units=("Mio.", "Mrd.", "Tsd.", "Uhr", "Std.", "Min.", "Sek.", "Jh.", "Fr.", "Rp."),
        unit_space=NNBSP,
        thousands_space=NNBSP,
    ),
    LanguageRules(
        tag="fr", name="French",
        primary="«»", nested="“”",
        quote_space=NBSP,
        aside_dash=EN, dialogue_dash=EM,
        abbreviations=("M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Mgr", "Dr", "Pr", "cf."),
        numbered=("p.", "pp.", "n°", "nos", "t.", "vol.", "chap.", "art.", "fig."),
        units=("h", "F", "Mo", "Go", "Ko", "To", "av. J.-C.", "apr. J.-C."),
        unit_space=NNBSP,
        thousands_space=NNBSP,
        space_before={";": NNBSP, "!": NNBSP, "?": NNBSP, ":": NBSP},
    ),
    LanguageRules(
        tag="fr-CA", name="French (Canada)",
        primary="«»", nested="“”",
        quote_space=NBSP,
        aside_dash=EN, dialogue_dash=EM,
        abbreviations=("M.", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Mgr", "Dr", "Pr", "cf."),
        numbered=("p.", "pp.", "n°", "t.", "vol.", "chap.", "art.", "fig."),
        units=("h", "$", "Mo", "Go", "Ko"),
        thousands_space=NBSP,
        space_before={":": NBSP},
    ),
    LanguageRules(
        tag="cs", name="Czech",
        primary="„“", nested="‚‘",
        variants=_GUILLEMETS_IN,
        aside_dash=EN, dialogue_dash=EN,
        one_letter_words="aikosuvzAIKOSUVZ",
        abbreviations=("např.", "tzv.", "tj.", "resp.", "Ing.", "Mgr.", "Bc.", "Dr.", "MUDr.",
                       "JUDr.", "PhDr.", "RNDr.", "doc.", "prof.", "sv.", "ul.", "nám."),
        numbered=("č.", "s.", "str.", "čp.", "odst.", "písm.", "obr.", "kap."),
        units=("Kč", "tis.", "mil.", "mld.", "hod.", "min.", "r.", "stol."),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="sk", name="Slovak",
        primary="„“", nested="‚‘",
        variants=_GUILLEMETS_IN,
        aside_dash=EN, dialogue_dash=EN,
        one_letter_words="aikosuvzAIKOSUVZ",
        abbreviations=("napr.", "tzv.", "tj.", "resp.", "Ing.", "Mgr.", "Bc.", "Dr.", "MUDr.",
                       "JUDr.", "PhDr.", "RNDr.", "doc.", "prof.", "sv.", "ul.", "nám."),
        numbered=("č.", "s.", "str.", "ods.", "písm.", "obr.", "kap."),
        units=("tis.", "mil.", "mld.", "hod.", "min.", "r.", "stor."),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="ru", name="Russian",
        primary="«»", nested="„“",
        aside_dash=EM, dialogue_dash=EM,
        one_letter_words="аиоувкс" "АИОУВКС",
        abbreviations=("им.", "ул.", "пр.", "см.", "проф.", "акад.", "тов.", "св.", "г-н", "г-жа"),
        numbered=("д.", "кв.", "с.", "стр.", "гл.", "т.", "№"),
        spaced_abbreviations=("т. е.", "т. д.", "т. п.", "т. к.", "т. н.", "н. э.", "до н. э."),
        units=("г.", "гг.", "в.", "вв.", "руб.", "р.", "коп.", "тыс.", "млн", "млрд", "км", "м",
               "см", "мм", "кг", "г", "т", "л", "мл", "с", "мин", "ч", "°С"),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="uk", name="Ukrainian",
        primary="«»", nested="„“",
        aside_dash=EM, dialogue_dash=EM,
        one_letter_words="аіуовзй" "АІУОВЗЙ",
        abbreviations=("ім.", "вул.", "див.", "проф.", "акад.", "св."),
        numbered=("с.", "т.", "№", "п."),
        spaced_abbreviations=("т. зв.", "т. д.", "т. п.", "н. е.", "до н. е."),
        units=("р.", "рр.", "ст.", "грн", "коп.", "тис.", "млн", "млрд", "км", "м", "см", "мм",
               "кг", "г", "т", "л", "с", "хв", "год"),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="es", name="Spanish",
        primary="«»", nested="“”",
        variants={"double": ("“”", "‘’")},
        aside_dash=EM, paired_asides=True,
        dialogue_dash=EM, dialogue_space="",
        abbreviations=("Sr.", "Sra.", "Srta.", "Dña.", "Dr.", "Dra.", "Lic.", "Ing.", "Sto.",
                       "Sta."),
        numbered=("pág.", "págs.", "núm.", "n.º", "art.", "cap.", "vol.", "p."),
        units=("h", "a. C.", "d. C.", "mill."),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="it", name="Italian",
        primary="«»", nested="“”",
        variants={"double": ("“”", "‘’")},
        aside_dash=EN, dialogue_dash=EM,
        abbreviations=("sig.", "sig.ra", "sig.na", "dott.", "dott.ssa", "prof.", "prof.ssa",
                       "avv.", "ing.", "on.", "S.", "cfr."),
        numbered=("p.", "pag.", "pagg.", "n.", "art.", "cap.", "vol."),
        units=("a.C.", "d.C."),
    ),
    LanguageRules(
        tag="pt", name="Portuguese",
        primary="«»", nested="“”",
        variants={"double": ("“”", "‘’")},
        aside_dash=EM, dialogue_dash=EM,
        abbreviations=("Sr.", "Sra.", "Dr.", "Dra.", "D.", "Sto.", "Sta."),
        numbered=("p.", "pág.", "n.º", "art.", "cap.", "vol."),
        units=("a.C.", "d.C."),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="pt-BR", name="Portuguese (Brazil)",
        primary="“”", nested="‘’",
        variants={"guillemets": ("«»", "“”")},
        aside_dash=EM, dialogue_dash=EM,
        abbreviations=("Sr.", "Sra.", "Dr.", "Dra.", "D.", "Sto.", "Sta."),
        numbered=("p.", "pág.", "n.º", "art.", "cap.", "vol."),
        units=("a.C.", "d.C.", "R$"),
    ),
    LanguageRules(
        tag="nl", name="Dutch",
        primary="“”", nested="‘’",
        variants={"single": ("‘’", "“”")},
        elisions=("s", "t", "n", "k", "r"),
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("dhr.", "mevr.", "mr.", "dr.", "prof.", "ir.", "drs.", "ing.", "St."),
        numbered=("nr.", "blz.", "p.", "art.", "hfst."),
        units=("v.Chr.", "n.Chr."),
    ),
    LanguageRules(
        tag="sv", name="Swedish",
        primary="””", nested="’’",
        variants={"guillemets": ("»»", "››")},
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("dr", "prof.", "St."),
        numbered=("nr", "s.", "sid.", "kap."),
        units=("kr", "öre", "tkr", "milj.", "mdr"),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="da", name="Danish",
        primary="»«", nested="›‹",
        variants={"double": ("„“", "‚‘")},
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("dr.", "prof.", "hr.", "fr.", "St."),
        numbered=("nr.", "s.", "kap."),
        units=("kr.", "øre", "mio.", "mia."),
    ),
    LanguageRules(
        tag="fi", name="Finnish",
        primary="””", nested="’’",
        variants={"guillemets": ("»»", "››")},
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("prof.", "tri", "esim.", "ks."),
        numbered=("n.", "s.", "nro"),
        units=("mk", "milj.", "mrd."),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="no", name="Norwegian",
        primary="«»", nested="‘’",
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("dr.", "prof.", "St."),
        numbered=("nr.", "s.", "kap."),
        units=("kr", "øre", "mill.", "mrd."),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="hu", name="Hungarian",
        primary="„”", nested="»«",
        aside_dash=EN, dialogue_dash=EN,
        abbreviations=("dr.", "Dr.", "prof.", "id.", "ifj.", "özv.", "kb.", "ill.", "vö.", "pl."),
        numbered=("sz.", "old."),
        units=("Ft", "e.", "ezer", "millió", "milliárd"),
        thousands_space=NBSP,
    ),
    LanguageRules(
        tag="ro", name="Romanian",
        primary="„”", nested="«»",
        aside_dash=EN, dialogue_dash=EM,
        abbreviations=("dl.", "dna.", "dra.", "dr.", "prof.", "Sf.", "str."),
        numbered=("nr.", "p.", "pag.", "art.", "cap.", "vol."),
        units=("lei", "mil.", "mld."),
        thousands_space=NBSP,
    ),
)}

#: Tags that mean another entry ("en" alone is US English).
ALIASES: dict[str, str] = {
    "en": "en-US", "en-us": "en-US", "en-ca": "en-US", "en-ph": "en-US",
    "en-gb": "en-GB", "en-uk": "en-GB", "en-au": "en-GB", "en-nz": "en-GB", "en-ie": "en-GB",
    "en-za": "en-GB", "en-in": "en-GB",
    "de-de": "de", "de-at": "de", "de-lu": "de", "de-ch": "de-CH", "de-li": "de-CH",
    "gsw": "de-CH", "fr-fr": "fr", "fr-be": "fr", "fr-ch": "fr", "fr-lu": "fr", "fr-ca": "fr-CA",
    "pt-pt": "pt", "pt-br": "pt-BR", "nb": "no", "nn": "no", "pl-pl": "pl",
}

#: Languages without an entry of their own: the entry closest in punctuation
#: habits, with their own quotation marks.  The build notes the substitution.
FAMILIES: dict[str, tuple[str, str, str]] = {
    # language: (entry to borrow, primary quotes, nested quotes)
    "be": ("ru", "«»", "„“"), "bg": ("ru", "„“", "‚‘"), "mk": ("ru", "„“", "’‘"),
    "sr": ("ru", "„“", "’’"), "kk": ("ru", "«»", "„“"), "ky": ("ru", "«»", "„“"),
    "hr": ("cs", "„”", "‚’"), "bs": ("cs", "„”", "‚’"), "sl": ("cs", "„“", "‚‘"),
    "lt": ("cs", "„“", "‚‘"), "lv": ("cs", "«»", "„“"), "et": ("cs", "„“", "‚‘"),
    "is": ("de", "„“", "‚‘"), "lb": ("de", "„“", "‚‘"), "rm": ("de-CH", "«»", "‹›"),
    "ca": ("es", "«»", "“”"), "gl": ("es", "«»", "“”"), "eu": ("es", "«»", "“”"),
    "oc": ("fr", "«»", "“”"), "br": ("fr", "«»", "“”"),
    "el": ("it", "«»", "“”"), "sq": ("it", "«»", "“”"), "tr": ("it", "“”", "‘’"),
    "ga": ("en-GB", "‘’", "“”"), "cy": ("en-GB", "‘’", "“”"), "gd": ("en-GB", "‘’", "“”"),
    "eo": ("en-US", "“”", "‘’"), "la": ("en-US", "“”", "‘’"),
    "af": ("nl", "“”", "‘’"), "fy": ("nl", "“”", "‘’"),
}

#: Rules for a language we know nothing about: curly quotes, dashes,
#: ellipses and digit ranges, and no language-specific spacing.
NEUTRAL = LanguageRules(tag="und", name="neutral", primary="“”", nested="‘’", aside_dash=EN,
                        dialogue_dash=EM, bind_initials=False)
