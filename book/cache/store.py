"""The store: one SQLite file of content-addressed entries.

An entry is bytes under ``(stage, key)``; the key is a hash of everything the
bytes were made from (keys.py), so an entry is never stale, only unused.
SQLite (Python's standard library) gives what a build cache needs with no
server: transactions, so two builds writing at once never see half an entry
(write-ahead log, and a busy timeout instead of a failure when the other
build holds the lock); one file, easy to remove.

* **Bounded**: after a write, when the entries exceed :data:`DEFAULT_LIMIT`
  bytes (``MAKE_BOOK_CACHE_SIZE``, e.g. ``500M``), the least recently used
  are evicted down to 90 % of it.
* **Never trusted**: each entry carries a SHA-256 of its bytes; an entry that
  does not match (a disk error, an edit by hand) is deleted and reported
  missing, so the work is done again.  A file that is not a readable
  database is moved aside and the store starts empty.  No failure of the
  store fails a build: at worst it stops caching for this build.
* **Not synced**: the store never waits for the disk (``synchronous =
  OFF``): a crash of the build loses nothing the operating system holds, and
  what a power cut may damage is caught as above and built again.  Syncing
  doubled the time of keeping a loaded book (5 MB for War and Peace, 60 ms
  against 26 ms) on every rebuild, for durability a cache does not need.
* **Plain data**: entries are bytes a stage encodes itself (JSON, XML,
  PDF), never pickles, so a store someone else wrote cannot run code.

The folder also gets ``.gitignore`` (``*``) and ``CACHEDIR.TAG`` (the
Cache Directory Tagging convention), so neither git nor backup tools pick
it up.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import time
from pathlib import Path

#: Default bound of a store, in bytes.
DEFAULT_LIMIT = 1024 * 2**20
FILE_NAME = "cache.sqlite"
SCHEMA = 2
#: Keys looked up by one query of :meth:`Store.get_many` (SQLite allows 999
#: parameters in its oldest builds still in use).
BATCH = 500
#: Puts after which a store counts its total again (other builds put too).
RECOUNT_EVERY = 64
_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This folder is make-book's build cache; `make-book clean` removes it.\n")


def parse_size(text: str) -> int:
    """``"500M"``, ``"2G"``, ``"800000"`` → bytes (ValueError when unreadable)."""
    text = text.strip().upper().removesuffix("B").removesuffix("I")
    factor = {"K": 2**10, "M": 2**20, "G": 2**30}.get(text[-1:], 1)
    number = float(text[:-1] if factor > 1 else text)
    if number < 0:
        raise ValueError(text)
    return int(number * factor)


#: How to write ``MAKE_BOOK_CACHE_SIZE`` (the hint of warning CACHE002).
SIZE_HINT = "give a number of bytes or one with K, M or G, such as 500M or 2G"


def size_setting() -> tuple[int, str | None]:
    """The bound ``MAKE_BOOK_CACHE_SIZE`` sets, and what is wrong with the
    setting when it cannot be read (the default bound is then used: a
    cache setting never stops a build, but the build says so)."""
    raw = os.environ.get("MAKE_BOOK_CACHE_SIZE", "").strip()
    if not raw:
        return DEFAULT_LIMIT, None
    try:
        return parse_size(raw), None
    except (ValueError, IndexError, OverflowError):
        return DEFAULT_LIMIT, (f"MAKE_BOOK_CACHE_SIZE={raw!r} is not a size: the build cache "
                               f"keeps its default bound of {DEFAULT_LIMIT // 2**20} MiB")


def default_limit() -> int:
    return size_setting()[0]


class Store:
    """A cache folder's entries (see the module docstring)."""

    def __init__(self, folder: Path, *, limit: int | None = None) -> None:
        self.folder = Path(folder)
        #: What is wrong with ``MAKE_BOOK_CACHE_SIZE``, when it was read and
        #: could not be (the build warns: CACHE002).
        self.setting_problem: str | None = None
        if limit is None:
            limit, self.setting_problem = size_setting()
        self.limit = limit
        self.path = self.folder / FILE_NAME
        self._db: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        #: Why the store stopped working during this build, if it did.
        self.problem: str | None = None
        self.hits = 0
        self.misses = 0
        #: The stored bytes as last counted plus what this process put since
        #: (None: not counted yet), and the puts since that count.
        self._total: int | None = None
        self._puts = 0

    # --------------------------------------------------------- opening

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is not None or self.problem is not None:
            return self._db
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _mark_folder(self.folder)
            self._db = self._open()
        except sqlite3.DatabaseError:
            self._set_aside()
            try:
                self._db = self._open()
            except (sqlite3.Error, OSError) as exc:
                self.problem = f"the build cache cannot be used: {exc}"
        except (sqlite3.Error, OSError) as exc:
            self.problem = f"the build cache cannot be used: {exc}"
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout = 60000")
            try:
                db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # a file system without shared memory: the rollback journal does
            db.execute("PRAGMA synchronous = OFF")  # a cache: see the module's docstring
            db.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            row = db.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is not None and row[0] != str(SCHEMA):
                db.execute("DROP TABLE IF EXISTS entries")
            # The small columns come first and the (used, size) index covers
            # the bound's sums: reading them never walks through the values.
            db.execute("CREATE TABLE IF NOT EXISTS entries (stage TEXT NOT NULL, key TEXT NOT NULL, "
                       "size INTEGER NOT NULL, used REAL NOT NULL, digest BLOB NOT NULL, "
                       "value BLOB NOT NULL, PRIMARY KEY (stage, key))")
            db.execute("CREATE INDEX IF NOT EXISTS entries_used ON entries (used, size)")
            db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
        except BaseException:
            db.close()
            raise
        return db

    def _set_aside(self) -> None:
        """Move an unreadable database out of the way (kept for a look, replaced next time)."""
        for suffix in ("", "-wal", "-shm"):
            path = self.folder / (FILE_NAME + suffix)
            if path.exists():
                try:
                    os.replace(path, self.folder / (FILE_NAME + suffix + ".broken"))
                except OSError:
                    path.unlink(missing_ok=True)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # ------------------------------------------------------ get and put

    def get(self, stage: str, key: str) -> bytes | None:
        """The bytes under ``(stage, key)``, or None (absent or damaged)."""
        return self.get_many(stage, [key]).get(key)

    def get_many(self, stage: str, keys: list[str]) -> dict[str, bytes]:
        """The entries found under ``keys``: read by one query per
        :data:`BATCH` keys, each checked against its SHA-256 (a damaged one
        is deleted and left out), and marked used in one transaction (a
        rebuild looks up every chapter; a write transaction each was most
        of the lookup's time)."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        with self._lock:
            db = self._connect()
            if db is None:
                return found
            try:
                damaged = []
                for first in range(0, len(wanted), BATCH):
                    chunk = wanted[first:first + BATCH]
                    marks = ",".join("?" * len(chunk))
                    for key, value, digest in db.execute(
                            f"SELECT key, value, digest FROM entries WHERE stage = ? "
                            f"AND key IN ({marks})", (stage, *chunk)):
                        value = bytes(value)
                        if hashlib.sha256(value).digest() == bytes(digest):
                            found[key] = value
                        else:
                            damaged.append(key)
                now = time.time()
                db.execute("BEGIN")
                try:
                    db.executemany("DELETE FROM entries WHERE stage = ? AND key = ?",
                                   [(stage, key) for key in damaged])
                    db.executemany("UPDATE entries SET used = ? WHERE stage = ? AND key = ?",
                                   [(now, stage, key) for key in found])
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                self.hits += len(found)
                self.misses += len(wanted) - len(found)
                return found
            except sqlite3.DatabaseError as exc:
                self._fail(exc)
                return {}

    def put(self, stage: str, key: str, value: bytes) -> None:
        """Store ``value``; evict the least recently used entries past the bound."""
        if len(value) > self.limit // 4:
            return  # one entry never takes the whole store
        with self._lock:
            db = self._connect()
            if db is None:
                return
            try:
                db.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                           (stage, key, len(value), time.time(), hashlib.sha256(value).digest(),
                            sqlite3.Binary(value)))
                if self._total is not None:  # a replaced entry counts twice: a recount comes sooner
                    self._total += len(value)
                    self._puts += 1
                self._evict(db)
            except sqlite3.DatabaseError as exc:
                self._fail(exc)

    def put_many(self, stage: str, entries: dict[str, bytes]) -> None:
        """:meth:`put` of several entries in one transaction (a commit each
        was most of the time of putting a book's worth of small entries)."""
        rows = [(stage, key, len(value), time.time(), hashlib.sha256(value).digest(),
                 sqlite3.Binary(value))
                for key, value in entries.items() if len(value) <= self.limit // 4]
        if not rows:
            return
        with self._lock:
            db = self._connect()
            if db is None:
                return
            try:
                db.execute("BEGIN IMMEDIATE")
                try:
                    db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?, ?)",
                                   rows)
                    db.execute("COMMIT")
                except BaseException:
                    db.execute("ROLLBACK")
                    raise
                if self._total is not None:
                    self._total += sum(row[2] for row in rows)
                    self._puts += len(rows)
                self._evict(db)
            except sqlite3.DatabaseError as exc:
                self._fail(exc)

    def _evict(self, db: sqlite3.Connection) -> None:
        """Keep the store under its bound.  The total is counted (a scan of
        the size index) only when this process's running estimate passes
        the bound, or every :data:`RECOUNT_EVERY` puts for the entries other
        builds put meanwhile: a put per chapter never scans the store."""
        if self._total is not None and self._puts < RECOUNT_EVERY and self._total <= self.limit:
            return
        total = db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0]
        self._total, self._puts = total, 0
        if total <= self.limit:
            return
        target = int(self.limit * 0.9)
        rows = db.execute("SELECT stage, key, size FROM entries INDEXED BY entries_used "
                          "ORDER BY used").fetchall()
        doomed = []
        for stage, key, size in rows:
            if total <= target:
                break
            doomed.append((stage, key))
            total -= size
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("DELETE FROM entries WHERE stage = ? AND key = ?", doomed)
            db.execute("COMMIT")
            self._total = total
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _fail(self, exc: Exception) -> None:
        """A damaged database: stop using it, and move it aside for the next build."""
        self.problem = f"the build cache was damaged and is started afresh ({exc})"
        if self._db is not None:
            self._db.close()
            self._db = None
        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(exc, sqlite3.OperationalError):
            self._set_aside()

    # ---------------------------------------------------------- reports

    def size(self) -> int:
        """Bytes held by the entries."""
        with self._lock:
            db = self._connect()
            if db is None:
                return 0
            try:
                return int(db.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()[0])
            except sqlite3.DatabaseError:
                return 0

    def count(self, stage: str | None = None) -> int:
        with self._lock:
            db = self._connect()
            if db is None:
                return 0
            query = "SELECT COUNT(*) FROM entries" + (" WHERE stage = ?" if stage else "")
            return int(db.execute(query, (stage,) if stage else ()).fetchone()[0])


def _mark_folder(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# make-book's build cache\n*\n", encoding="utf-8")
    tag = folder / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text(_TAG, encoding="utf-8")
