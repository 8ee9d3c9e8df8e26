"""Language detection with lingua (accurate on short and mixed texts).

Used for the book's language when none is given, and by the language pass
for passages written in another language.  Detectors are built once per
process; building one with every language is cheap because lingua loads
its models lazily.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Languages considered for a whole book: those lingua knows that publish
#: with Latin, Cyrillic or Greek script in Europe and the Americas.
_BOOK_LANGUAGES = (
    "ENGLISH POLISH GERMAN FRENCH SPANISH ITALIAN PORTUGUESE DUTCH CZECH SLOVAK RUSSIAN "
    "UKRAINIAN BELARUSIAN BULGARIAN SERBIAN CROATIAN BOSNIAN SLOVENE HUNGARIAN ROMANIAN "
    "SWEDISH DANISH BOKMAL NYNORSK FINNISH ESTONIAN LATVIAN LITHUANIAN GREEK LATIN CATALAN "
    "BASQUE IRISH WELSH ICELANDIC TURKISH ALBANIAN MACEDONIAN ESPERANTO"
).split()


@lru_cache(maxsize=4)
def _detector(names: tuple[str, ...], low_accuracy: bool):
    """lingua's detector over ``names``.  Low-accuracy mode uses only the
    trigram models: on a book's sample (hundreds of characters or more) it
    is as sure as the full models, and it costs about 0.3 s and 60 MiB where
    the full models of 40 languages cost 6 s and nearly 800 MiB (measured
    here).  The full models are kept for short texts, where they matter."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in names if hasattr(Language, name)]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    if low_accuracy:
        builder = builder.with_low_accuracy_mode()
    return builder.build()


#: Shortest sample for which the low-accuracy (trigram) models suffice.
_LOW_ACCURACY_FROM = 200


#: Languages whose passages books most often quote; fewer languages load
#: faster and confuse the detector less.
_PASSAGE_LANGUAGES = ("ENGLISH", "FRENCH", "GERMAN", "LATIN", "ITALIAN", "SPANISH", "RUSSIAN",
                      "POLISH", "PORTUGUESE", "DUTCH", "GREEK")


def _passage_languages(book: str) -> tuple[str, ...]:
    from lingua import IsoCode639_1, Language

    names = list(_PASSAGE_LANGUAGES)
    try:
        own = Language.from_iso_code_639_1(getattr(IsoCode639_1, book.upper())).name
    except (AttributeError, ValueError):
        own = None
    if own and own not in names:
        names.append(own)
    return tuple(names)


@lru_cache(maxsize=4)
def _passage_detector(names: tuple[str, ...]):
    """Low-accuracy mode (trigram models only): loads in a fraction of a
    second where the full models take many seconds, and is reliable on the
    passages it sees, which have already passed the function-word test."""
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in names if hasattr(Language, name)]
    return LanguageDetectorBuilder.from_languages(*languages).with_low_accuracy_mode().build()


def detect_language(text: str, *, minimum_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of ``text``'s language, or None when unsure."""
    code, confidence = language_confidence(text)
    return code if code and confidence >= minimum_confidence else None


def language_confidence(text: str) -> tuple[str | None, float]:
    """The most likely language of ``text`` (ISO 639-1) and lingua's
    confidence in it, from 0 to 1; (None, 0.0) for too little text."""
    text = text.strip()
    if len(text) < 20:
        return None, 0.0
    sample = text[:20_000]
    detector = _detector(tuple(_BOOK_LANGUAGES), len(sample) >= _LOW_ACCURACY_FROM)
    confidences = detector.compute_language_confidence_values(sample)
    if not confidences:
        return None, 0.0
    best = confidences[0]
    return best.language.iso_code_639_1.name.lower(), best.value


def language_name(code: str) -> str:
    """English name of an ISO 639-1 code ("pl" → "Polish")."""
    from lingua import IsoCode639_1, Language

    try:
        iso = getattr(IsoCode639_1, code.split("-")[0].upper())
        return Language.from_iso_code_639_1(iso).name.title()
    except (AttributeError, ValueError):
        return code


# ---------------------------------------------------------------- passages

#: The most frequent function words of each language (articles, pronouns,
#: prepositions, conjunctions, auxiliaries).  In running prose they make up
#: a third or more of the words; in a passage of another language almost
#: none.  A cheap first look before the statistical detector.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to a in that is was he for it with as his on be at by i had not "
                    "are but from or have an they which you were her she there would their we him "
                    "been has when who will no if out so said what up its about than into them can "
                    "only other new some could these two may then do first any my now such like "
                    "our over me even most made after also did many before must through back years "
                    "where much your way well down should because each just those how".split()),
    "fr": frozenset("le la les de des du un une et est en que qui dans pour pas par sur au aux "
                    "ce cette il elle ils elles je tu nous vous on ne se sa son ses mon ma mes "
                    "ton ta tes leur leurs avec mais ou donc car comme plus tout bien être avoir "
                    "été suis es sont était avait fait très y lui me te moi toi".split()),
    "de": frozenset("der die das und ist nicht ein eine einen dem den des zu mit sich auf für "
                    "von im in es er sie wir ihr ich du aber auch als wie wenn so noch nur war "
                    "hat haben sein wird werden bei aus nach was man dass daß oder kein "
                    "keine".split()),
    "pl": frozenset("i w na nie z się do to że a o jak co jest po tak za od ale jego już by "
                    "czy ja ty on ona my wy oni tylko może był była było są przez dla ze we "
                    "tego tym też jej mu go mnie ci bo gdy kiedy jeszcze".split()),
    "es": frozenset("el la los las de del y en que un una es por con no se su sus para al lo "
                    "como más pero sí yo tú él ella nosotros le les me te mi muy ya fue ha era "
                    "este esta eso".split()),
    "it": frozenset("il lo la i gli le di del della e è in che un una per con non si da al "
                    "alla come più ma anche io tu lui lei noi voi mi ti ci sono era ha questo "
                    "questa".split()),
    "ru": frozenset("и в не на я что он с а как это по но она они из у же за от так все мы "
                    "вы его её ее бы был была было только к о ты мне было".split()),
    "pt": frozenset("o a os as de do da dos das e em que um uma é por com não se para ao como "
                    "mais mas eu ele ela nós lhe me te meu minha muito já foi era".split()),
    "nl": frozenset("de het een en van in is dat die niet op te met voor zijn er aan ik je hij "
                    "zij we ze maar als om ook dan bij nog wat was".split()),
    "la": frozenset("et in est non cum ad ut quod qui quae sed per ex de si nec aut enim esse "
                    "sunt erat hic haec hoc ille ipse se sibi nos vos me te quam atque "
                    "tamen".split()),
    "sv": frozenset("och i att det som en på är av för med till den har de inte om ett han men "
                    "var jag sig från vi så kan man när hon nu ska".split()),
    "da": frozenset("og i at det som en på er af for med til den har de ikke om et han men var "
                    "jeg sig fra vi så kan man når hun nu skal".split()),
    "no": frozenset("og i at det som en på er av for med til den har de ikke om et han men var "
                    "jeg seg fra vi så kan man når hun nå skal".split()),
    "cs": frozenset("a v se na je že s z do to o jsem by jak ale i k po jako pro tak byl byla "
                    "není jeho jsou už co ten ta".split()),
    "sk": frozenset("a v sa na je že s z do to o som by ako ale i k po pre tak bol bola nie "
                    "jeho sú už čo ten ta".split()),
    "hu": frozenset("a az és hogy nem is egy de meg van volt csak már mint ki mi el ez azt "
                    "még ha sem vagy".split()),
    "fi": frozenset("ja on ei se että hän oli ovat mutta kuin niin jo tai kun myös ole hänen "
                    "sen minä sinä me te he".split()),
    "uk": frozenset("і в не на я що він з а як це по але вона вони із у же за від так всі ми "
                    "ви його її би був була було тільки до про ти мені".split()),
    "ca": frozenset("el la els les de del i en que un una és per amb no es seu seva per al com "
                    "més però jo tu ell ella ens us em et".split()),
    "ro": frozenset("și în de la nu că cu pe un o este a al ale din se mai care ce ei el ea "
                    "eu tu noi voi sunt era".split()),
    "hr": frozenset("i u je na se da su za od s sa ne to kao što ali ili bio bila ja ti on ona "
                    "mi vi oni ga mu".split()),
}

#: The function words that are runs of letters (all of them today; a word
#: with an apostrophe would not be a whitespace token as it stands).
_ALPHA_FUNCTION_WORDS = {lang: frozenset(w for w in words if w.isalpha())
                         for lang, words in FUNCTION_WORDS.items()}

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_ELISION = re.compile("['’]")
#: Characters of a passage the function-word count looks at.
_SHARE_SAMPLE = 400


#: Characters whose lower case depends on their neighbours (final sigma) or
#: has another length (dotted I): with either present, each word is lowered
#: on its own; without, lowering the text first gives the same words.
_CONTEXT_CASE = ("Σ", "İ")


#: Punctuation around words (no letters, no digits): stripped, a token of
#: letters is one word.
_EDGES = ".,;:!?\"'()[]*-“”‘’—–…«»„"


def words_of(text: str) -> list[str]:
    """The words of ``text``, lower-cased (elisions such as ``l’homme`` kept whole).

    A word never spans white space, so the text is split there first and the
    regular expression runs only on tokens that are not plainly one word
    (the expression alone is several times slower on running prose).
    """
    if not text.isascii() and any(c in text for c in _CONTEXT_CASE):
        return [w.lower() for w in _WORD.findall(text)]
    out: list[str] = []
    for token in text.lower().split():
        if token.isalpha():
            out.append(token)
            continue
        core = token.strip(_EDGES)
        if core.isalpha():
            out.append(core)
        else:
            out.extend(_WORD.findall(token))
    return out


def function_word_share(text: str, language: str) -> float | None:
    """Share of ``text``'s words that are function words of ``language``.

    None when we have no list for the language.
    """
    function_words = FUNCTION_WORDS.get(language.split("-")[0].lower())
    if function_words is None:
        return None
    sample = text[:_SHARE_SAMPLE]
    words = words_of(sample)
    if not words:
        return 0.0
    hits = sum(map(function_words.__contains__, words))
    if "'" in sample or "’" in sample:
        for word in words:
            if ("'" in word or "’" in word) and word not in function_words and \
                    _ELISION.split(word, 1)[0] in function_words:
                hits += 1  # "l’homme", "don't"
    return hits / len(words)


_LETTERS_AND_SPACE = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ \t\n\r\f\v"


def surely_shares(text: str, language: str, least: float) -> bool:
    """True when :func:`function_word_share` of ``text`` is surely at least
    ``least``, judged without splitting out the words: the whitespace
    tokens that are function words as they stand are a subset of the
    words that are, and there are at most as many words as tokens plus
    characters that are neither ASCII letters nor white space (a token
    splits into more words only at such a character).  False means "not
    sure": ask :func:`function_word_share`.  Most paragraphs in the book's
    language are settled here, at C speed (the language pass asks this of
    every paragraph)."""
    function_words = _ALPHA_FUNCTION_WORDS.get(language.split("-")[0].lower())
    if function_words is None:
        return False
    sample = text[:_SHARE_SAMPLE]
    if not sample.isascii() and any(c in sample for c in _CONTEXT_CASE):
        return False  # words are lowered one by one there: let the exact count decide
    tokens = sample.lower().split()
    hits = sum(map(function_words.__contains__, tokens))
    if not hits:
        return False
    data = sample.encode("utf-8", "surrogatepass")
    most_words = len(tokens) + len(data.translate(None, _LETTERS_AND_SPACE))
    return hits >= least * most_words


def detect_passages(texts: list[str], book_language: str, *,
                    minimum_confidence: float = 0.8) -> list[str | None]:
    """For each passage, the ISO 639-1 code of its language when it is
    confidently *not* the book's language; otherwise None.

    Conservative on purpose: a passage in the book's language must never be
    mislabelled, so a passage is labelled only when (1) few of its words are
    the book language's function words, (2) lingua gives another language at
    least ``minimum_confidence``, and (3) where we know that language's
    function words, they are frequent in the passage.
    """
    book = book_language.split("-")[0].lower()
    results: list[str | None] = [None] * len(texts)
    pending: list[int] = []
    for index, text in enumerate(texts):
        if surely_shares(text, book, 0.12):
            continue  # plainly written in the book's language
        share = function_word_share(text, book)
        if share is not None and share >= 0.12:
            continue  # plainly written in the book's language
        pending.append(index)
    if not pending:
        return results
    detector = _passage_detector(_passage_languages(book))
    sample = [texts[i][:2000] for i in pending]
    if len(sample) >= 16:  # the parallel call costs a thread pool start-up
        values = detector.compute_language_confidence_values_in_parallel(sample)
    else:
        values = [detector.compute_language_confidence_values(text) for text in sample]
    for index, confidences in zip(pending, values):
        if not confidences:
            continue
        best = confidences[0]
        code = best.language.iso_code_639_1.name.lower()
        if code == book or best.value < minimum_confidence:
            continue
        own = function_word_share(texts[index], code)
        if own is None:
            # No word list to confirm with: only long passages with none of
            # the book language's function words.
            share = function_word_share(texts[index], book)
            if len(texts[index]) < 80 or (share is not None and share > 0.05):
                continue
        elif own < 0.15:
            continue
        results[index] = code
    return results
