"""The one document model between readers and writers.

Readers turn manuscripts into a :class:`Book`; passes transform it; writers
package it.  Each :class:`Chapter` holds its own XHTML tree, so a chapter can
be read, transformed and rendered on its own.

Conventions of the chapter trees (every reader produces them, every writer
relies on them; ``book/xhtml.py`` has helpers for each):

* Elements carry plain HTML tag names (``p``, not ``{xhtml}p``); the EPUB
  writer adds the XHTML namespace when it serializes.  ``epub:type`` is the
  namespaced attribute :data:`book.xhtml.EPUB_TYPE`.
* The root is a ``<section>`` whose ``id`` is the chapter id, whose
  ``epub:type`` is :attr:`Chapter.kind` and which starts with the chapter
  heading (when the chapter has a title).  Sub-sections are nested
  ``<section>`` elements, each opening with its heading.
* Every ``id`` is unique across the whole book; internal links are
  ``href="#id"``.  Writers turn them into ``file.xhtml#id`` as needed.
* Scene breaks are ``<hr class="scene-break"/>``; verse is
  ``<div class="verse"><p class="stanza"><span class="line">…</span><br/>…``.
* Notes: the call is ``<a epub:type="noteref" href="#key">`` and the note is
  ``<aside epub:type="footnote" id="key">`` anywhere in the chapter; the
  notes pass numbers them per chapter and moves them to the chapter's end.
* Images: ``<img src="…" alt="…"/>`` with ``src`` relative to the chapter's
  source file until the images pass turns it into an :class:`Asset` href.
* Readers may put ``data-mb-line="N"`` on elements whose source line they
  know, so later passes can name the line in warnings, and
  ``data-mb-guessed`` on headings they inferred from the layout (plain
  text), which the fidelity check may doubt; writers drop every
  ``data-mb-*`` attribute.
* Print page breaks carried into the EPUB are
  ``<span epub:type="pagebreak" role="doc-pagebreak" id="page-N"
  aria-label="N"/>``.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

#: MARC relator codes we accept for contributors, with their English names.
#: https://www.loc.gov/marc/relators/relaterm.html
MARC_ROLES: dict[str, str] = {
    "aut": "author",
    "edt": "editor",
    "trl": "translator",
    "ill": "illustrator",
    "aui": "author of introduction",
    "aft": "author of afterword",
    "ant": "bibliographic antecedent",
    "cov": "cover designer",
    "bkd": "book designer",
    "dsr": "designer",
    "pht": "photographer",
    "pbl": "publisher",
    "nrt": "narrator",
    "com": "compiler",
    "ctb": "contributor",
    "prf": "proofreader",
    "red": "redaktor",
    "art": "artist",
    "adp": "adapter",
    "ann": "annotator",
    "cwt": "commentator",
    "wpr": "writer of preface",
    "wst": "writer of supplementary textual content",
}


class Matter(str, enum.Enum):
    """Where a division belongs in the book (EPUB 3 structural semantics)."""

    FRONT = "frontmatter"
    BODY = "bodymatter"
    BACK = "backmatter"


@dataclass
class Contributor:
    """A person or body credited on the book, with a MARC relator role."""

    name: str
    role: str = "aut"
    file_as: str | None = None


@dataclass
class Series:
    """The series the book belongs to (EPUB ``belongs-to-collection``)."""

    name: str
    position: str | None = None


@dataclass
class Epigraph:
    """A quotation set before the text, with its attribution."""

    text: str
    source: str = ""


@dataclass
class Metadata:
    """Bibliographic metadata; empty strings mean "not given"."""

    title: str = ""
    subtitle: str = ""
    authors: list[Contributor] = field(default_factory=list)
    contributors: list[Contributor] = field(default_factory=list)
    language: str = ""
    identifier: str = ""
    isbn: str = ""
    print_isbn: str = ""
    publisher: str = ""
    date: str = ""
    modified: str = ""
    description: str = ""
    subjects: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    series: Series | None = None
    rights: str = ""
    edition: str = ""
    cover: Path | None = None
    dedication: str = ""
    epigraph: Epigraph | None = None
    #: Where each filled field came from ("book.toml", "command line",
    #: "detected", "source header"), for the build report.
    origins: dict[str, str] = field(default_factory=dict)

    @property
    def author_line(self) -> str:
        """The authors' names joined for display ("A, B and C")."""
        names = [a.name for a in self.authors]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " & " + names[-1]


@dataclass(frozen=True)
class SourceRef:
    """Where something came from, for messages: display path and line."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Chapter:
    """One division of the book (chapter, part, preface...) and its tree."""

    id: str
    tree: etree._Element
    title: str = ""
    kind: str = "chapter"
    matter: Matter = Matter.BODY
    source: SourceRef = SourceRef("<unknown>")
    #: Absolute path of the source file; relative references resolve from it.
    source_path: Path | None = None
    #: The chapter's language when it differs from the book's.
    lang: str | None = None
    #: Nesting depth in the book's hierarchy: 0 for top-level divisions,
    #: 1 for chapters inside a part, 2 inside a part of a part (a book
    #: inside a volume), up to 3.  A reader that knows the nesting sets it
    #: on its parts (a book of a volume has depth 1); the pipeline derives
    #: every other chapter's depth from the parts before it.
    depth: int = 0
    #: Title for the table of contents and running heads when it should
    #: differ from the heading text (e.g. "Chapter I: The Visit").
    toc_title: str = ""
    #: First and last source line (1-based, inclusive) of the text this
    #: chapter was made from, when the reader knows them (the plain-text
    #: reader does); the fidelity check (``book/fidelity``) counts the
    #: source's words in that span against the chapter's words.
    source_span: tuple[int, int] | None = None
    #: True when every element and attribute of the tree was made by
    #: make_book's own plain-text reader (none came from the source's
    #: markup): the sanitize pass then has nothing to remove or repair and
    #: is skipped (tests/test_sanitize_reader_made.py holds the reader to it).
    reader_made: bool = False

    def assign_id(self, value: str) -> None:
        """Set the chapter's book-wide id, on its root element too."""
        self.id = value
        self.tree.set("id", value)


class DeferredChapter(Chapter):
    """A chapter whose tree is built the first time it is asked for.

    A reader that knows everything a chapter's tree is built from can say
    so in :attr:`digest` and leave the building for later: a rebuild finds
    the chapter's passes in the build cache by that digest (with the other
    fields, book/cache/stages.py) and never builds the chapters an edit did
    not touch; in a build that runs the passes on two cores, each process
    builds the trees of its own share.  :attr:`size` stands in for the
    text's length until then (book/passes/parallel.py shares by it).

    The tree is the same whenever it is built: the builder must depend on
    nothing that changes after the reader returns.  The book-wide id the
    pipeline gives goes on the root when the tree is built, last, as
    :meth:`Chapter.assign_id` would have put it.
    """

    def __init__(self, build: Callable[[], etree._Element], digest: str, size: int,
                 **fields: Any) -> None:
        self._build: Callable[[], etree._Element] | None = build
        self._tree: etree._Element | None = None
        self._id_on_root = False
        #: Everything the tree is built from, hashed (None once built).
        self.digest: str | None = digest
        self.size = size
        super().__init__(tree=None, **fields)  # type: ignore[arg-type]

    @property  # type: ignore[override]
    def tree(self) -> etree._Element:
        if self._tree is None and self._build is not None:
            build, self._build, self.digest = self._build, None, None
            self._tree = build()
            if self._id_on_root:
                self._tree.set("id", self.id)
        return self._tree  # type: ignore[return-value]

    @tree.setter
    def tree(self, value: etree._Element | None) -> None:
        if value is not None:
            self._build, self.digest = None, None
        self._tree = value

    @property
    def built(self) -> bool:
        return self._build is None

    def __getstate__(self) -> dict[str, Any]:
        """Copied, the chapter is built first: a builder fills one root
        element, which two copies must not share."""
        self.tree  # noqa: B018 (built for its side effect)
        return dict(self.__dict__)

    def assign_id(self, value: str) -> None:
        if self.built:
            super().assign_id(value)
        else:
            self.id = value
            self._id_on_root = True


@dataclass
class Asset:
    """A file packaged with the book: an image, a font, the cover image."""

    href: str
    media_type: str
    data: bytes
    #: Full-resolution bytes for print when the EPUB copy was downscaled.
    print_data: bytes | None = None
    properties: set[str] = field(default_factory=set)
    source: str | None = None
    width: int | None = None
    height: int | None = None


@dataclass
class TocEntry:
    """One entry of the table of contents: a heading and its children."""

    title: str
    target: str  # element id
    chapter_id: str
    level: int
    children: list[TocEntry] = field(default_factory=list)


@dataclass
class Stylesheet:
    """User CSS added after the theme: its display name and text."""

    name: str
    text: str


@dataclass
class Book:
    """The whole book: metadata, ordered chapters, assets, navigation."""

    metadata: Metadata = field(default_factory=Metadata)
    chapters: list[Chapter] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    toc: list[TocEntry] = field(default_factory=list)
    stylesheets: list[Stylesheet] = field(default_factory=list)
    #: Facts computed by passes for writers and the report, e.g.
    #: ``images``, ``images_with_alt``, ``tables`` (accessibility pass).
    facts: dict[str, object] = field(default_factory=dict)

    def chapter(self, chapter_id: str) -> Chapter:
        for chapter in self.chapters:
            if chapter.id == chapter_id:
                return chapter
        raise KeyError(chapter_id)

    def add_asset(self, asset: Asset) -> Asset:
        """Register an asset; an identical href returns the existing one."""
        return self.assets.setdefault(asset.href, asset)
