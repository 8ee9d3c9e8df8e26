"""Words the tool itself prints in a book, per language.

A Polish book gets "Spis treści", not "Contents".  Each entry is a small
table; a language missing from it falls back to English.  Keys are stable
names used by writers and passes.
"""

from __future__ import annotations

_LABELS: dict[str, dict[str, str]] = {
    "en": {"contents": "Contents", "notes": "Notes", "cover": "Cover", "title_page": "Title Page",
           "copyright": "Copyright", "dedication": "Dedication", "epigraph": "Epigraph",
           "landmarks": "Landmarks", "pages": "Pages", "page": "Page", "back_to_text": "Back to text",
           "note": "Note", "start": "Start of text", "by": "by", "cover_alt": "Cover of",
           "part": "Part", "chapter": "Chapter", "all_rights": "All rights reserved.",
           "published_by": "Published by", "edition": "Edition", "footnotes": "Footnotes",
           "illustration": "Illustration", "about": "About the Author", "colophon": "Colophon",
           "details": "Details", "volume": "Book"},
    "pl": {"contents": "Spis treści", "notes": "Przypisy", "cover": "Okładka",
           "title_page": "Strona tytułowa", "copyright": "Prawa autorskie", "dedication": "Dedykacja",
           "epigraph": "Motto", "landmarks": "Punkty orientacyjne", "pages": "Strony",
           "page": "Strona", "back_to_text": "Powrót do tekstu", "note": "Przypis",
           "start": "Początek tekstu", "by": "", "cover_alt": "Okładka książki",
           "part": "Część", "chapter": "Rozdział", "all_rights": "Wszelkie prawa zastrzeżone.",
           "published_by": "Wydawca", "edition": "Wydanie", "footnotes": "Przypisy",
           "illustration": "Ilustracja", "about": "O autorze", "colophon": "Kolofon",
           "details": "Szczegóły", "volume": "Tom"},
    "de": {"contents": "Inhalt", "notes": "Anmerkungen", "cover": "Umschlag",
           "title_page": "Titelseite", "copyright": "Impressum", "dedication": "Widmung",
           "epigraph": "Motto", "landmarks": "Orientierungspunkte", "pages": "Seiten",
           "page": "Seite", "back_to_text": "Zurück zum Text", "note": "Anmerkung",
           "start": "Textanfang", "by": "von", "cover_alt": "Umschlag von", "part": "Teil",
           "chapter": "Kapitel", "all_rights": "Alle Rechte vorbehalten.",
           "published_by": "Verlag", "edition": "Auflage", "footnotes": "Fußnoten",
           "illustration": "Abbildung", "about": "Über den Autor", "colophon": "Kolophon",
           "details": "Details", "volume": "Band"},
    "fr": {"contents": "Table des matières", "notes": "Notes", "cover": "Couverture",
           "title_page": "Page de titre", "copyright": "Mentions légales", "dedication": "Dédicace",
           "epigraph": "Épigraphe", "landmarks": "Repères", "pages": "Pages", "page": "Page",
           "back_to_text": "Retour au texte", "note": "Note", "start": "Début du texte",
           "by": "par", "cover_alt": "Couverture de", "part": "Partie", "chapter": "Chapitre",
           "all_rights": "Tous droits réservés.", "published_by": "Éditeur", "edition": "Édition",
           "footnotes": "Notes", "illustration": "Illustration", "about": "À propos de l’auteur",
           "colophon": "Colophon",
           "details": "Détails", "volume": "Tome"},
    "cs": {"contents": "Obsah", "notes": "Poznámky", "cover": "Obálka", "title_page": "Titulní strana",
           "copyright": "Tiráž", "dedication": "Věnování", "epigraph": "Motto",
           "landmarks": "Orientační body", "pages": "Strany", "page": "Strana",
           "back_to_text": "Zpět na text", "note": "Poznámka", "start": "Začátek textu", "by": "",
           "cover_alt": "Obálka knihy", "part": "Část", "chapter": "Kapitola",
           "all_rights": "Všechna práva vyhrazena.", "published_by": "Vydal", "edition": "Vydání",
           "footnotes": "Poznámky pod čarou", "illustration": "Ilustrace", "about": "O autorovi",
           "colophon": "Tiráž",
           "details": "Podrobnosti", "volume": "Svazek"},
    "es": {"contents": "Índice", "notes": "Notas", "cover": "Cubierta", "title_page": "Portada",
           "copyright": "Créditos", "dedication": "Dedicatoria", "epigraph": "Epígrafe",
           "landmarks": "Puntos de referencia", "pages": "Páginas", "page": "Página",
           "back_to_text": "Volver al texto", "note": "Nota", "start": "Inicio del texto",
           "by": "de", "cover_alt": "Cubierta de", "part": "Parte", "chapter": "Capítulo",
           "all_rights": "Todos los derechos reservados.", "published_by": "Editorial",
           "edition": "Edición", "footnotes": "Notas al pie", "illustration": "Ilustración",
           "about": "Sobre el autor", "colophon": "Colofón",
           "details": "Detalles", "volume": "Libro"},
    "it": {"contents": "Indice", "notes": "Note", "cover": "Copertina", "title_page": "Frontespizio",
           "copyright": "Colophon", "dedication": "Dedica", "epigraph": "Epigrafe",
           "landmarks": "Punti di riferimento", "pages": "Pagine", "page": "Pagina",
           "back_to_text": "Torna al testo", "note": "Nota", "start": "Inizio del testo", "by": "di",
           "cover_alt": "Copertina di", "part": "Parte", "chapter": "Capitolo",
           "all_rights": "Tutti i diritti riservati.", "published_by": "Editore",
           "edition": "Edizione", "footnotes": "Note a piè di pagina", "illustration": "Illustrazione",
           "about": "L’autore", "colophon": "Colophon",
           "details": "Dettagli", "volume": "Libro"},
    "ru": {"contents": "Оглавление", "notes": "Примечания", "cover": "Обложка",
           "title_page": "Титульный лист", "copyright": "Выходные данные", "dedication": "Посвящение",
           "epigraph": "Эпиграф", "landmarks": "Ориентиры", "pages": "Страницы", "page": "Страница",
           "back_to_text": "Назад к тексту", "note": "Примечание", "start": "Начало текста",
           "by": "", "cover_alt": "Обложка книги", "part": "Часть", "chapter": "Глава",
           "all_rights": "Все права защищены.", "published_by": "Издательство", "edition": "Издание",
           "footnotes": "Сноски", "illustration": "Иллюстрация", "about": "Об авторе",
           "colophon": "Выходные данные",
           "details": "Подробнее", "volume": "Книга"},
}


def label(key: str, lang: str) -> str:
    """The word for ``key`` in ``lang`` (e.g. "pl-PL" uses "pl"), else English."""
    primary = (lang or "en").split("-")[0].lower()
    table = _LABELS.get(primary, _LABELS["en"])
    return table.get(key, _LABELS["en"][key])
