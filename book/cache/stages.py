"""The cached stages of a build: the chapter passes, the whole load, the cover.

* **passes**, per chapter: the chapter passes (sanitize, structure,
  language, typography: book/passes) see one chapter and the settings, so a
  chapter that did not change, in a book whose settings did not change,
  comes out of the store as it came out of the passes, with the warnings
  they gave (replayed, so ``--strict`` still refuses it).
* **load**, per book: reading, every pass and the fidelity check, keyed by
  the source files, book.toml and the command line (``[structure]``
  settings included), and valid while every other file the load looked at
  (images, stylesheets, files it found missing) is unchanged (deps.py).  A
  change of stylesheet or output format then starts from the finished
  model, with the fidelity figures and warnings of the load that made it.

* **cover**, per design: the generated EPUB cover (book/covers), keyed by
  what it is drawn from, so an EPUB-only rebuild never imports WeasyPrint.

Diagnostics are recorded as plain data and replayed through the build's
own :class:`~book.diagnostics.Diagnostics`.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from ..context import BuildContext
from ..diagnostics import Diagnostics
from ..fidelity import Fidelity
from ..model import Book, Chapter, DeferredChapter
from . import codec, deps
from .keys import Hasher, base_key
from .store import Store

PASSES_STAGE = "passes"
LOAD_STAGE = "load"
#: The fact the fidelity check leaves on the book (book/fidelity).
FIDELITY = "fidelity"


def diagnostics_since(diag: Diagnostics, start: int) -> list[list]:
    return diag.since(start)


def replay(diag: Diagnostics, items: list[list]) -> None:
    """Report recorded diagnostics again (warnings raise under --strict)."""
    diag.replay(items)


def settings_digest(ctx: BuildContext) -> str:
    """The settings a chapter pass may read: the configuration after the
    command line, the book's language, the build options."""
    options = ctx.options
    return Hasher(repr(ctx.config), options.strict, options.allow_remote,
                  repr(sorted(options.formats))).hexdigest()


class ChapterCache:
    """Stored results of the chapter passes (:func:`book.passes.run_passes`),
    keyed by the chapter as it comes in and the settings."""

    def __init__(self, store: Store, ctx: BuildContext) -> None:
        self.store = store
        self.settings = Hasher(base_key(), PASSES_STAGE, settings_digest(ctx)).hexdigest()

    def key(self, chapter: Chapter) -> str:
        """The chapter as it comes in: its encoding, or, for a tree not
        built yet, what its reader says it is built from and the other
        fields (never built for its key: a rebuild then builds only the
        trees it must run the passes on, model.DeferredChapter)."""
        if isinstance(chapter, DeferredChapter) and chapter.digest is not None:
            fields = codec.chapter_header(chapter, None)
            return Hasher(self.settings, "deferred", chapter.digest,
                          json.dumps(fields, sort_keys=True)).hexdigest()
        return Hasher(self.settings, codec.encode_chapter(chapter)).hexdigest()

    def get_many(self, keys: list[str]) -> list[tuple[Chapter, list[list]] | None]:
        """The stored result of each key and the warnings it came with (None
        where there is none), looked up together (Store.get_many)."""
        found = self.store.get_many(PASSES_STAGE, keys)
        return [self._decode(found.get(key)) for key in keys]

    @staticmethod
    def _decode(found: bytes | None) -> tuple[Chapter, list[list]] | None:
        if found is None:
            return None
        try:
            chapter, items = codec.decode_chapter(found)
        except codec.CodecError:
            return None
        return chapter, list(items or [])

    def put(self, key: str, chapter: Chapter, items: list[list]) -> None:
        self.store.put(PASSES_STAGE, key, codec.encode_chapter(chapter, items))


# ------------------------------------------------------------ the load

def load_key(ctx: BuildContext, sources: list[tuple[str, Path]], extra: list[object]) -> str:
    """The load's key: settings, and each source's name and bytes."""
    hasher = Hasher(base_key(), LOAD_STAGE, settings_digest(ctx), *extra)
    for display, path in sources:
        hasher.update(display, deps.state_of(path)[3])
    return hasher.hexdigest()


def save_load(store: Store, key: str, book: Book, ctx: BuildContext, watched: set[Path],
              diagnostics: list[list]) -> None:
    """Keep the loaded book, the warnings the load gave (the fidelity
    check's included) and its fidelity figures (``book.facts["fidelity"]``)."""
    facts = dict(book.facts)
    fidelity = facts.pop(FIDELITY, None)
    if not codec.json_ready(facts):
        return
    extra = {"deps": deps.snapshot(watched), "diagnostics": diagnostics,
             "source_paths": [str(p) for p in ctx.source_paths],
             "markdown_state": _plain(getattr(ctx, "markdown_state", None)),
             FIDELITY: fidelity.as_dict() if fidelity is not None else None}
    store.put(LOAD_STAGE, key, codec.encode_book(dataclasses.replace(book, facts=facts), extra))


def restore_load(store: Store, key: str, ctx: BuildContext) -> tuple[Book, set[Path]] | None:
    """The loaded book from the store when its files are unchanged; its
    warnings are replayed and the context gets what the load had set."""
    found = store.get(LOAD_STAGE, key)
    if found is None:
        return None
    try:
        book, extra = codec.decode_book(found)
        recorded = extra["deps"]
        if not deps.unchanged(recorded):
            return None
        codec.copy_metadata(book.metadata, ctx.config.metadata)
        book.metadata = ctx.config.metadata
        ctx.source_paths[:] = [Path(p) for p in extra["source_paths"]]
        if extra.get("markdown_state") is not None:
            ctx.markdown_state = extra["markdown_state"]  # type: ignore[attr-defined]
        items = extra["diagnostics"]
        if extra.get(FIDELITY) is not None:
            book.facts[FIDELITY] = Fidelity.from_dict(extra[FIDELITY])
    except (codec.CodecError, KeyError, TypeError, ValueError):
        return None
    replay(ctx.diag, items)
    ctx.fix_build_time()
    return book, {Path(p) for p in recorded}


def _plain(value: Any) -> Any:
    return value if codec.json_ready(value) else None


# ------------------------------------------------------ the generated cover

COVER_STAGE = "cover"


def _cover_key(spec: Any) -> str:
    """The generated cover's design inputs (its texts, language, design,
    theme, colours and size: the frozen CoverSpec), with the fonts and
    make-book itself (base_key)."""
    return Hasher(base_key(), COVER_STAGE, repr(spec)).hexdigest()


def get_cover(store: Store, spec: Any) -> tuple[bytes, dict] | None:
    """The JPEG of a cover generated before from ``spec``, and what setting
    it noticed (the plain data :func:`put_cover` was given)."""
    found = store.get(COVER_STAGE, _cover_key(spec))
    if found is None:
        return None
    try:
        unpacker = codec.Unpacker(found)
        data = unpacker.blob(unpacker.header["jpeg"])
        notes = dict(unpacker.header["notes"])
    except (codec.CodecError, KeyError, TypeError, ValueError):
        return None
    return (data, notes) if data.startswith(b"\xff\xd8") else None


def put_cover(store: Store, spec: Any, data: bytes, notes: dict) -> None:
    """Keep a generated cover's JPEG and ``notes`` (JSON data) under ``spec``."""
    packer = codec.Packer()
    store.put(COVER_STAGE, _cover_key(spec), packer.pack({"jpeg": packer.blob(data),
                                                           "notes": notes}))


#: Which generated cover a book's source files last had (book/covers/early.py).
COVER_OF_STAGE = "cover-of"


def _cover_of_key(paths: list[Path]) -> str:
    return Hasher(base_key(), COVER_OF_STAGE, *(str(path) for path in paths)).hexdigest()


def note_cover_of(store: Store, paths: list[Path], spec: Any) -> None:
    """Remember that the book of these source files has the generated
    cover drawn from ``spec`` (stored, or about to be)."""
    store.put(COVER_OF_STAGE, _cover_of_key(paths), _cover_key(spec).encode("ascii"))


def cover_of_kept(store: Store, paths: list[Path]) -> bool:
    """Does the store still hold the cover the book of these files had last
    time?  Then an edit will most likely find its cover there again."""
    found = store.get(COVER_OF_STAGE, _cover_of_key(paths))
    if found is None:
        return False
    try:
        key = found.decode("ascii")
    except UnicodeDecodeError:
        return False
    return store.get(COVER_STAGE, key) is not None


# --------------------------------------------------- the fidelity figures

FIDELITY_STAGE = "fidelity"


class FidelityMemo:
    """The word counts of a chapter measured before (book/fidelity/measure.py's
    ``Memo``), keyed by the source's lines and text and the built text: after
    an edit, one chapter's words are counted again, not the whole book's."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.base = Hasher(base_key(), FIDELITY_STAGE).hexdigest()

    def key(self, source: list | str, built: list | str, scope: str = "chapter") -> str:
        """``source`` and ``built``: the segments, or a digest that stands for
        them (a plain-text chapter's lines, a chapter's serialized tree,
        book/fidelity/measure.py)."""
        made = built if isinstance(built, str) else "\n".join(text for _line, text in built)
        if isinstance(source, str):
            return Hasher(self.base, scope, "lines", source, made).hexdigest()
        # The line numbers and the texts apart, each in one call made in C
        # (a chapter of War and Peace has thousands of lines).
        numbers, texts = zip(*source) if source else ((), ())
        return Hasher(self.base, scope, repr(numbers), "\n".join(texts), made).hexdigest()

    def get(self, key: str) -> tuple | None:
        return self._decode(self.store.get(FIDELITY_STAGE, key))

    def get_many(self, keys: list[str]) -> list[tuple | None]:
        found = self.store.get_many(FIDELITY_STAGE, keys)
        return [self._decode(found.get(key)) for key in keys]

    @staticmethod
    def _decode(found: bytes | None) -> tuple | None:
        from ..fidelity import Missing

        if found is None:
            return None
        try:
            source, built, missing, text, line = json.loads(found)
            if not all(isinstance(n, int) for n in (source, built, missing)):
                return None
            first = Missing(str(text), line if isinstance(line, int) else None) \
                if text is not None else None
        except (ValueError, TypeError):
            return None
        return source, built, missing, first

    def numbers(self, titles: list[str]) -> list[tuple[str, int] | None] | None:
        """The numbering of each title (fidelity/doubts.py), found before."""
        found = self.store.get(FIDELITY_STAGE, self._numbers_key(titles))
        if found is None:
            return None
        try:
            numbers = json.loads(found)
            return [(str(n[0]), int(n[1])) if n is not None else None for n in numbers]
        except (ValueError, TypeError, IndexError):
            return None

    def put_numbers(self, titles: list[str], numbers: list[tuple[str, int] | None]) -> None:
        self.store.put(FIDELITY_STAGE, self._numbers_key(titles),
                       json.dumps([list(n) if n is not None else None for n in numbers]).encode())

    def _numbers_key(self, titles: list[str]) -> str:
        return Hasher(self.base, "numbers", *titles).hexdigest()

    def put(self, key: str, figures: tuple) -> None:
        source, built, missing, first = figures
        value = [source, built, missing, first.text if first else None,
                 first.line if first else None]
        self.store.put(FIDELITY_STAGE, key, json.dumps(value).encode())
