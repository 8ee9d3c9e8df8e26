"""The read stage: what a reader made of one source file, kept per file.

Authors keep a book as many files, one a chapter; after an edit only the
file that changed is read again, and the others' chapters, metadata,
images, source text (what the fidelity check holds the book to), warnings
and the Markdown reader's running state (a Leanpub ``{mainmatter}``
carries over to the next file) come from the store.  A book of one file
skips this stage: an edit changes that file, and the load stage
(stages.py) keeps everything else.

The key covers the file's bytes and name, its role in book.toml (kind,
matter), the settings (:func:`~book.cache.stages.settings_digest`), how many
sources the book has (a lone file takes its first heading as the title)
and the state the previous file left; an entry is used while every other
file the reader looked at (an image it checked for, a file it found
missing) is as it was (deps.py).  An entry that does not decode, or a
result that cannot be written as plain data, is read afresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..fidelity.source import Removal, SourceText
from ..model import Contributor
from ..sandbox import note_used, watch
from . import codec, deps
from .keys import Hasher, base_key
from .store import Store

if TYPE_CHECKING:
    from ..context import BuildContext
    from ..readers import ReadResult, SourceFile

READ_STAGE = "read"
_PERSON = "__contributor__"


class ReadCache:
    """Reads through the store (:meth:`reader` is what the pipeline calls)."""

    def __init__(self, store: Store, ctx: BuildContext) -> None:
        from .stages import settings_digest

        self.store = store
        self.ctx = ctx
        self.base = Hasher(base_key(), READ_STAGE, settings_digest(ctx)).hexdigest()

    def key(self, source: SourceFile, state: Any) -> str:
        return Hasher(self.base, self.ctx.source_count, source.display, str(source.path),
                      source.kind or "", source.matter.value if source.matter else "",
                      deps.state_of(source.path)[3],
                      json.dumps(state, sort_keys=True, default=str)).hexdigest()

    def reader(self, read: Callable[[SourceFile, BuildContext], ReadResult]
               ) -> Callable[[SourceFile, BuildContext], ReadResult]:
        """``read`` with its results kept and given back per source."""

        def cached(source: SourceFile, ctx: BuildContext) -> ReadResult:
            key = self.key(source, _state(ctx))
            found = self._restore(key, ctx)
            if found is not None:
                return found
            start = len(ctx.diag.items)
            with watch() as seen:
                result = read(source, ctx)
            self._save(key, result, ctx.diag.since(start), _state(ctx),
                       seen - {source.path.resolve(), source.path})
            return result
        return cached

    def _save(self, key: str, result: ReadResult, items: list[list], state: Any,
              seen: set[Path]) -> None:
        metadata = _plain_metadata(result.metadata)
        extra = {"metadata": metadata, "origins": result.origins, "items": items,
                 "state": state, "deps": deps.snapshot(seen),
                 "text": _text_header(result.source_text)}
        if metadata is None or not codec.json_ready(extra):
            return
        packer = codec.Packer()
        header = {"chapters": [codec.chapter_header(c, packer) for c in result.chapters],
                  "assets": [codec.asset_header(a, packer) for a in result.assets],
                  "extra": extra}
        self.store.put(READ_STAGE, key, packer.pack(header))

    def _restore(self, key: str, ctx: BuildContext) -> ReadResult | None:
        from ..readers import ReadResult

        found = self.store.get(READ_STAGE, key)
        if found is None:
            return None
        try:
            unpacker = codec.Unpacker(found)
            head = unpacker.header
            extra = head["extra"]
            if not deps.unchanged(extra["deps"]):
                return None
            result = ReadResult(
                chapters=[codec.chapter_from(c, unpacker) for c in head["chapters"]],
                metadata=_metadata_from(extra["metadata"]),
                assets=[codec.asset_from(a, unpacker) for a in head["assets"]],
                source_text=_text_from(extra["text"]),
                origins={str(k): str(v) for k, v in extra["origins"].items()})
            items, state = list(extra["items"]), extra["state"]
        except (codec.CodecError, KeyError, TypeError, ValueError, AttributeError):
            return None
        for path in extra["deps"]:
            note_used(Path(path))  # the build record must see a change to them
        ctx.diag.replay(items)
        if state is not None:
            ctx.markdown_state = state  # type: ignore[attr-defined]
        return result


def _state(ctx: BuildContext) -> Any:
    """What a reader leaves for the next file (the Markdown reader's matter)."""
    state = getattr(ctx, "markdown_state", None)
    return state if codec.json_ready(state) else None


def _plain_metadata(metadata: dict[str, Any]) -> dict[str, Any] | None:
    """The reader's metadata as JSON data (people marked), or None."""
    plain: dict[str, Any] = {}
    for name, value in metadata.items():
        if isinstance(value, list) and any(isinstance(v, Contributor) for v in value):
            value = [{_PERSON: asdict(v)} if isinstance(v, Contributor) else v for v in value]
        plain[name] = value
    return plain if codec.json_ready(plain) else None


def _metadata_from(plain: dict[str, Any]) -> dict[str, Any]:
    metadata = {}
    for name, value in plain.items():
        if isinstance(value, list):
            value = [Contributor(**v[_PERSON]) if isinstance(v, dict) and _PERSON in v else v
                     for v in value]
        metadata[str(name)] = value
    return metadata


def _text_header(text: SourceText | None) -> dict | None:
    if text is None:
        return None
    return {"file": text.file, "segments": [[line, t] for line, t in text.segments],
            "removed": [[r.first, r.last, r.reason, r.words] for r in text.removed],
            "by_line": text.by_line}


def _text_from(data: dict | None) -> SourceText | None:
    if data is None:
        return None
    return SourceText(str(data["file"]),
                      [(int(line) if line is not None else None, str(t))
                       for line, t in data["segments"]],
                      [Removal(int(a), int(b), str(reason), int(words))
                       for a, b, reason, words in data["removed"]],
                      by_line=bool(data["by_line"]))
