"""The last read of a plain-text file, kept in the build cache for the
splice of the next edit (``splice.py``).

Three entries of the store:

* ``text-read``, under a key of the file's name and role, the settings and
  the tool (not of its content: it is the *last* read of that file): what
  an edit moves.  The layout's counts, each chapter's digest, size and
  span, and the lines changed since the blocks were stored, as patches on
  the stored text.
* ``text-read-blocks``, under a hash of its bytes: what splices keep.
  Every block as a row of a table of integers (first line, line count,
  blank lines before and after, cut out of a run, role, and the index of
  its data, or of its own lines when a later step changed them), the
  divisions as lists of rows, the contents lists and what finding them
  read, the lines blocks must start at, the note ids, the reader's notes,
  the metadata and the removals the fidelity check allows.
* ``text-read-text``, under a hash of its bytes: the text the blocks were
  cut from.

A splice writes the first entry only, its edited lines as patches (and,
for an edited block whose own lines hold footnote calls made tokens, those
lines as they are now, by the block's index into the extras); past
:data:`PATCH_LIMIT` patched lines the text is stored again.  Values that
are not plain JSON (dataclasses, tuples, dicts with number keys) are
tagged (:func:`encode_value`); nothing is a pickle.  An entry that is
missing or does not decode makes the next read a whole one.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...model import Contributor
from .. import SourceFile
from .blocks import Block, Layout
from .contents import ContentsList, Entry, Found
from .headings import HeadingMatch
from .inline import Note
from .measure import LayoutCounts

if TYPE_CHECKING:
    from ...context import BuildContext

STAGE = "text-read"
BLOCKS_STAGE = "text-read-blocks"
TEXT_STAGE = "text-read-text"
#: Version of the entries' layout (part of every key).
FORMAT = 2
#: Patched lines past which a splice stores the whole text again.
PATCH_LIMIT = 2000
#: Integers per row of the table: first line, lines, gap before, gap
#: after, own line, role, extra (index into the extras, or -1).
ROW = 7
#: Dataclasses a record may hold, by the name it gives them.
_TYPES: dict[str, type] = {cls.__name__: cls for cls in (
    HeadingMatch, Found, Entry, Note, Contributor, ContentsList, Layout, LayoutCounts)}


class Unencodable(ValueError):
    """A value the record cannot hold: the read is not kept."""


def encode_value(value: Any) -> Any:
    """Plain values as they are; dicts, tuples and the known dataclasses tagged."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, tuple):
        return {"~": "tuple", "v": [encode_value(v) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, (str, int)) and not isinstance(k, bool) for k in value):
            raise Unencodable("a key that is neither text nor a number")
        return {"~": "dict", "v": [[k, encode_value(v)] for k, v in value.items()]}
    name = type(value).__name__
    if _TYPES.get(name) is type(value):
        return {"~": name, "v": {f.name: encode_value(getattr(value, f.name))
                                  for f in dataclasses.fields(value)}}
    raise Unencodable(f"a {name}")


def decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    tag, inner = value["~"], value["v"]
    if tag == "tuple":
        return tuple(decode_value(v) for v in inner)
    if tag == "dict":
        return {k: decode_value(v) for k, v in inner}
    return _TYPES[tag](**{str(k): decode_value(v) for k, v in inner.items()})


def identity_key(source: SourceFile, ctx: BuildContext) -> str:
    """The key of the file's last read: its name and role, the settings
    (before the sources fill the metadata) and the tool."""
    from ...cache.keys import Hasher, base_key

    return Hasher(base_key(), STAGE, FORMAT, repr(ctx.config), source.display, str(source.path),
                  source.kind or "", source.matter.value if source.matter else "").hexdigest()


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _text_bytes(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8", "surrogatepass")


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _loads(data: bytes) -> Any:
    return json.loads(data.decode("utf-8", "surrogatepass"))


# ------------------------------------------------------------------ rows


class Rows:
    """The blocks of the structure, as the record keeps them."""

    def __init__(self, table: array, roles: list[str], extras: list) -> None:
        if len(table) % ROW:
            raise ValueError("a table of rows cut short")
        self.table = table
        self.roles = roles
        self.extras = extras

    def __len__(self) -> int:
        return len(self.table) // ROW

    def firsts(self) -> array:
        return self.table[0::ROW]

    def role(self, number: int) -> str:
        return self.roles[self.table[number * ROW + 5]]

    def __getitem__(self, number: int) -> list:
        """Row ``number`` as :meth:`expand` gives it."""
        if not 0 <= number < len(self):
            raise IndexError(number)
        return self.expand(self.table[number * ROW:(number + 1) * ROW])

    def extra_index(self, number: int) -> int:
        """Row ``number``'s index into the extras (-1: it has none)."""
        return self.table[number * ROW + 6]

    def expand(self, ints: Any) -> list:
        """A row's integers as ``[first, count, gap before, gap after, own
        line, role, data (or None), lines (None: the source's), indents
        (None: of the lines)]``."""
        first, count, before, after, own, role, extra = ints
        data, lines, indents = self.extras[extra] if extra >= 0 else (None, None, None)
        return [first, count, before, after, bool(own), self.roles[role], data, lines, indents]


def encode_row(block: Block, lines: list[str], roles: dict[str, int], extras: list) -> list[int]:
    """The table's integers for ``block`` (its data, and its lines when a
    later step changed them, go to ``extras``)."""
    source = lines[block.first:block.first + len(block.lines)]
    # Most lines end without spaces: compared as they are first, in C.
    own = block.lines == source or block.lines == [line.rstrip() for line in source]
    extra = -1
    if block.data or not own:
        extra = len(extras)
        extras.append([encode_value(block.data) if block.data else None,
                       None if own else list(block.lines),
                       None if own else list(block.indents)])
    return [block.first, len(block.lines), block.gap_before, block.gap_after,
            int(block.own_line), roles.setdefault(block.role, len(roles)), extra]


# ------------------------------------------------------------------ entries


@dataclass
class Stored:
    """A record as read back: the moving part, what splices keep, and the
    lines of the text it was made from."""

    key: str
    head: dict[str, Any]
    body: dict[str, Any]
    rows: Rows
    lines: list[str]


def save_whole(store: Any, key: str, head: dict[str, Any], body: dict[str, Any],
               table: array, lines: list[str]) -> None:
    """The record of a whole read: all three entries."""
    blocks = _json(body)
    table_bytes = table.tobytes()
    blob = len(table_bytes).to_bytes(8, "big") + table_bytes + blocks
    text = _text_bytes(lines)
    head = {**head, "format": FORMAT, "blocks": _digest(blob), "text": _digest(text),
            "patches": [], "byteorder": _byteorder()}
    store.put(BLOCKS_STAGE, head["blocks"], blob)
    store.put(TEXT_STAGE, head["text"], text)
    store.put(STAGE, key, _json(head))


def save_spliced(store: Any, stored: Stored, head: dict[str, Any], lines: list[str],
                 changed: list[int], own: dict[int, tuple[list[str], list[int]]] | None = None
                 ) -> None:
    """The record of a spliced read: its lines as patches on the stored
    text; ``own``: the edited blocks' own lines and indents now, by their
    index into the extras (patches on the stored blocks)."""
    patches = {int(n): text for n, text in stored.head["patches"]}
    patches.update((n, lines[n]) for n in changed)
    rows = {int(n): (text, indents) for n, text, indents in stored.head.get("own", [])}
    rows.update(own or {})
    head = {**head, "patches": sorted(patches.items()),
            "own": [[n, list(text), list(indents)] for n, (text, indents) in sorted(rows.items())]}
    if len(patches) > PATCH_LIMIT:
        text = _text_bytes(lines)
        head["text"], head["patches"] = _digest(text), []
        store.put(TEXT_STAGE, head["text"], text)
    store.put(STAGE, stored.key, _json(head))


def load(store: Any, key: str) -> Stored | None:
    """The record under ``key``, or None (missing, or not decoding)."""
    try:
        found = store.get(STAGE, key)
        if found is None:
            return None
        head = _loads(found)
        if head.get("format") != FORMAT or head.get("byteorder") != _byteorder():
            return None
        blob, text = store.get(BLOCKS_STAGE, head["blocks"]), store.get(TEXT_STAGE, head["text"])
        if blob is None or text is None:
            return None
        size = int.from_bytes(blob[:8], "big")
        table = array("i")
        table.frombytes(blob[8:8 + size])
        body = _loads(blob[8 + size:])
        lines = text.decode("utf-8", "surrogatepass").split("\n")
        for number, line in head["patches"]:
            lines[number] = line
        extras = body["extras"]
        for number, own, indents in head.get("own", []):
            extras[number] = [extras[number][0], own, indents]
        return Stored(key, head, body, Rows(table, body["roles"], extras), lines)
    except (ValueError, KeyError, TypeError, IndexError, UnicodeDecodeError):
        return None


def _byteorder() -> str:
    import sys

    return f"{sys.byteorder}-{array('i').itemsize}"
