"""``make-book new``: a book project to start from.

Writes a folder that builds at once and shows the conventions a user would
otherwise look up: ``book.toml`` with the common keys filled in or commented,
one Markdown chapter per file under ``chapters/`` (front matter, a chapter,
back matter), an ``images/`` folder, and a stylesheet for the user's own
rules.  The texts are written in the book's language where we have them
(:data:`SAMPLE_TEXTS`), so the first build already shows that language's
quotation marks, dashes and hyphenation.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .config import CONFIG_NAME
from .errors import OutputError, UsageError


@dataclass(frozen=True)
class SampleText:
    """The words of a new project, in one language."""

    preface: str
    preface_text: str
    chapter: str
    chapter_text: str
    about: str
    about_text: str


SAMPLE_TEXTS: dict[str, SampleText] = {
    "en": SampleText(
        "Preface", 'Say here why the book exists. "Straight quotes" and -- dashes become '
        "typographic ones when the book is built.",
        "The First Chapter", "Write the chapter here. Add a note like this.[^first]\n\n"
        "[^first]: Notes go to the foot of the page in print and to the end of the "
        "chapter in the ebook.",
        "About the Author", "A few words about the author."),
    "pl": SampleText(
        "Przedmowa", 'Napisz tu, po co powstała książka. "Proste cudzysłowy" i - myślniki '
        "zmienią się w typograficzne przy budowaniu książki.",
        "Rozdział pierwszy", "Tu zaczyna się rozdział. Przypis wygląda tak.[^pierwszy]\n\n"
        "[^pierwszy]: W druku przypisy trafiają na dół strony, w e-booku na koniec rozdziału.",
        "O autorze", "Kilka słów o autorze."),
    "de": SampleText(
        "Vorwort", 'Schreiben Sie hier, warum es das Buch gibt. "Gerade Anführungszeichen" und '
        "-- Striche werden beim Erstellen typografisch.",
        "Das erste Kapitel", "Hier beginnt das Kapitel. Eine Fußnote sieht so aus.[^erste]\n\n"
        "[^erste]: Im Druck steht sie unten auf der Seite, im E-Book am Kapitelende.",
        "Über den Autor", "Ein paar Worte über den Autor."),
    "fr": SampleText(
        "Préface", 'Dites ici pourquoi ce livre existe. Les "guillemets droits" et les -- tirets '
        "deviennent typographiques à la construction du livre.",
        "Premier chapitre", "Le chapitre commence ici. Une note ressemble à ceci.[^premiere]\n\n"
        "[^premiere]: À l'impression, la note va en bas de page ; dans le livre numérique, "
        "en fin de chapitre.",
        "À propos de l'auteur", "Quelques mots sur l'auteur."),
}


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def book_toml(title: str, authors: list[str], lang: str, text: SampleText) -> str:
    """The ``book.toml`` of a new project."""
    author_line = (f"authors = [{', '.join(_toml_string(a) for a in authors)}]" if authors
                   else '# authors = ["Your Name"]')
    return f"""# The book's settings: every key is described in make_book's README
# ("book.toml reference").

[metadata]
title = {_toml_string(title)}
# subtitle = ""
{author_line}
language = {_toml_string(lang)}
# isbn = ""                        # the ebook's ISBN; else an identifier is derived
# print_isbn = ""                  # the printed book's ISBN (the ebook's page list names it)
# publisher = ""                   # also who certifies the accessibility claim
# date = "2026-01-01"
# description = ""
# subjects = []
# rights = ""
# cover = "images/cover.jpg"       # JPEG or PNG, at least 1600 x 2560 px
# dedication = ""

[content]
files = [
  {{ file = "chapters/00-preface.md", matter = "front", kind = "preface" }},
  "chapters/01-*.md",
  {{ file = "chapters/99-about.md", matter = "back" }},
]

[style]
theme = "classic"                  # classic | modern
css = ["styles/extra.css"]

[pdf]
trim = "5.5x8.5"                   # a5, b-format, 5x8, 6x9... or WxH with mm, in or pt
# target = "kdp"                   # kdp | ingramspark | lulu: the service's rules and a preflight
# bleed = "0.125in"
"""


def create_project(folder: Path, *, title: str, authors: list[str], lang: str) -> list[Path]:
    """Write a new book project into ``folder`` (which must not hold anything yet).

    Returns the files written.  On any failure nothing is left behind.
    """
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder} already exists and is not empty; choose a new folder")
    primary = lang.split("-")[0].lower()
    text = SAMPLE_TEXTS.get(primary, SAMPLE_TEXTS["en"])
    files = {
        CONFIG_NAME: book_toml(title, authors, lang, text),
        "chapters/00-preface.md": f"# {text.preface}\n\n{text.preface_text}\n",
        "chapters/01-first-chapter.md": f"# {text.chapter}\n\n{text.chapter_text}\n",
        "chapters/99-about.md": f"# {text.about}\n\n{text.about_text}\n",
        "styles/extra.css": "/* Your own rules, applied after the theme (both EPUB and PDF). */\n",
        "images/.keep": "",
    }
    created = not folder.exists()
    written: list[Path] = []
    try:
        for name, content in files.items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            written.append(path)
    except OSError as exc:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        raise OutputError(f"cannot write the new project: {exc.strerror or exc}",
                          file=str(folder)) from None
    return written
