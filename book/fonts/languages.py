"""The languages a book is written in, as the fallback CSS needs them.

The fallback sheet (:func:`~.css.fallback_css`) repeats every font stack
once per group of CJK languages whose Han characters take another regional
form, as ``selector:lang(ja)`` rules.  ``:lang()`` matches an element by
its own or inherited language (CSS Selectors 4 §7.2), and every language in
a built book comes from the book's ``language``, a chapter's ``lang`` or a
``lang``/``xml:lang`` attribute in a chapter: a rule for a language none of
them names can match nothing.  Leaving such rules out changes no element's
font; for a book with no Chinese, Japanese or Korean in it, the shipped
sheet with its fallbacks is less than half as long (the print sheet: 48 KB
→ 21 KB), which every reading system parses.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import Book

#: Every ``lang`` and ``xml:lang`` value in a tree (the root's too).  The
#: ``xml`` prefix is bound in every XPath context (XML Namespaces §3): no
#: test of each attribute's name and namespace, a third of the time.
_LANG_VALUES = "//@lang | //@xml:lang"


def book_languages(book: Book) -> frozenset[str]:
    """Every language tag of ``book``, lower case: the book's, its chapters'
    and those its chapters' elements carry."""
    found: set[str] = set()
    if book.metadata.language:
        found.add(book.metadata.language)
    for chapter in book.chapters:
        if chapter.lang:
            found.add(chapter.lang)
        found.update(str(value) for value in chapter.tree.xpath(_LANG_VALUES))
    return frozenset(tag.strip().lower() for tag in found if tag and tag.strip())


def names_language(tags: Iterable[str], languages: Iterable[str]) -> bool:
    """Does ``:lang(tag)``, for one of ``tags``, match an element in one of
    ``languages``?  (A range matches the tag itself and every tag it is a
    prefix of at a hyphen: ``zh`` matches ``zh-Hant-TW``.)"""
    wanted = [tag.lower() for tag in tags]
    return any(language == tag or language.startswith(tag + "-")
               for language in languages for tag in wanted)


__all__ = ["book_languages", "names_language"]
