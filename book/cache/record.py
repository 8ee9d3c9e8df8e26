"""The build record: how a build with nothing changed knows it at once.

After a build, the store keeps a record under a key of the command line and
settings: every file the build looked at with its state (deps.py), each
output with the SHA-256 of its bytes, the diagnostics, and where the dates
in the outputs came from.  The next build with the same key first checks the
record: when every file is unchanged and every output is still there with
the same bytes, there is nothing to do; the diagnostics are told again and
no output is touched.  This runs before anything heavy is imported (no
reader, no WeasyPrint), so it takes a fraction of a second.

The dates: with ``SOURCE_DATE_EPOCH`` (part of the key) or a date in the
metadata (part of the files), they cannot have changed; when they come from
the newest source file's modification time, that time must be unchanged too.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..context import BuildContext
from . import deps
from .keys import Hasher, base_key
from .store import Store

RECORD_STAGE = "build"


def record_key(*parts: object) -> str:
    return Hasher(base_key(), RECORD_STAGE, os.environ.get("SOURCE_DATE_EPOCH", ""), *parts).hexdigest()


def _dates_from_files(ctx: BuildContext) -> bool:
    return not os.environ.get("SOURCE_DATE_EPOCH", "").strip() and not ctx.config.metadata.date


def save(store: Store, key: str, ctx: BuildContext, outputs: dict[str, Path], watched: set[Path],
         diagnostics: list[list]) -> None:
    """Record a finished build (see the module docstring)."""
    record = {
        "deps": deps.snapshot(watched),
        "outputs": [[fmt, str(path), deps.state_of(Path(path))[3]] for fmt, path in outputs.items()],
        "diagnostics": diagnostics,
        "mtime_sources": [str(p) for p in ctx.source_paths] if _dates_from_files(ctx) else None,
        "build_time": ctx.build_time.timestamp(),
    }
    store.put(RECORD_STAGE, key, json.dumps(record).encode("utf-8"))


def check(store: Store, key: str) -> tuple[dict[str, Path], list[list]] | None:
    """The outputs and diagnostics of an identical earlier build, or None."""
    found = store.get(RECORD_STAGE, key)
    if found is None:
        return None
    try:
        record = json.loads(found)
        outputs = {fmt: (Path(path), sha) for fmt, path, sha in record["outputs"]}
        for path, sha in outputs.values():
            state = deps.state_of(path)
            if state[0] != "file" or state[3] != sha:
                return None
        if not deps.unchanged(record["deps"]):
            return None
        sources = record["mtime_sources"]
        if sources is not None:
            mtimes = [os.stat(p).st_mtime for p in sources if os.path.exists(p)]
            if not mtimes or int(max(mtimes)) != int(record["build_time"]):
                return None
        return {fmt: path for fmt, (path, _) in outputs.items()}, list(record["diagnostics"])
    except (ValueError, KeyError, TypeError, OSError):
        return None
