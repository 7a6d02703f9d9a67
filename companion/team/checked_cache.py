"""What calibration already knows of team-store rows it checked before: a private cache.

Calibration over the team store reads every scorecard the login may read, and each
row's payload costs far more to check and decode (bounded parser, content hash, a
whole ``Scorecard``) than the local store's bulk read costs per round
(bench/team_store.py: 1.99 s against 0.92 s over 10,000 scorecards). Most rows are
the same from one calibration to the next, so the lead's computer keeps, for each
row that passed the checks and has no amendment, what calibration reads of it (a
``RatedRound``'s own fields and its items' kinds), under a hash of everything the
checks read of the row (id, format version, content hash, candidate, interviewer
and the exact payload text received). A row that differs by one byte has another
key, and goes through the checks again.

The server still sends every row on every read and stays the only judge of what
the login may see: an entry is used only for a row the server sent in this read,
and every entry no row of this read asked for is deleted (with SQLite's
``secure_delete``), so a scorecard deleted on the server leaves this disk at the
next calibration. Keys also hash the connection string, so another team store's
or another login's entries are never used (and leave at their first read).

The file lives beside ``team.json`` and is removed when the team settings change or
are forgotten (``settings.save_conninfo``, ``settings.clear_conninfo``). It is a
cache, never a source: the schema is checked against the one written here, every
value read back is checked (types, closed sets, bounded sizes), and any fault
(a corrupt, torn, foreign, read-only or hostile file) drops the whole file; the
read then takes the full path, with the same figures. No pickle: JSON values only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from companion.base.errors import CompanionError
from companion.intake import limits
from companion.record.rated import RatedRound
from companion.record.scorecard import ITEM_KINDS, RECOMMENDATIONS, Scorecard
from companion.team.settings import cache_path, forget_cache

_FORMAT = 1  # PRAGMA user_version; a file of another format is dropped
_APPLICATION_ID = 0x49434331  # "ICC1": a file this app did not write is dropped
# The longest value one column may hold (at most ``ITEMS`` items with at most
# ``PROBES_PER_ITEM`` failure probes each, as JSON); SQLite refuses to hand back a
# longer one, so a hostile file cannot make a read allocate more.
_VALUE_CHARS = limits.ITEMS * (limits.PROBES_PER_ITEM + 1) * (limits.ID_CHARS + 8)
_RECOMMENDATIONS = frozenset(RECOMMENDATIONS)
_KINDS = frozenset(ITEM_KINDS)
# The faults a cache file can raise while read or written: each drops the file.
_FAULTS = (sqlite3.Error, OSError, ValueError, TypeError, KeyError, IndexError,
           RecursionError, OverflowError, MemoryError)


T = TypeVar("T")


class _Bad(ValueError):
    """A value read back that this module did not write."""


@dataclass(frozen=True)
class Known:
    """What calibration reads of one checked row, less what the row itself says (id,
    candidate, interviewer)."""

    archetype: str
    started_at: datetime
    submitted_at: datetime
    ended_at: datetime
    ratings: Mapping[str, str | None]
    recommendation: str | None
    confirmed_flag: bool
    failure_asked: Mapping[str, frozenset[str]]
    kinds: tuple[tuple[str, str], ...]  # (item id, kind) in the scorecard's order

    def rated(self, sid: str, candidate: str, interviewer: str) -> RatedRound:
        return RatedRound(sid, candidate, interviewer, self.archetype, self.started_at,
                          self.submitted_at, self.ended_at, self.ratings,
                          self.recommendation, self.confirmed_flag, self.failure_asked)


def known_of(r: RatedRound, sc: Scorecard) -> Known:
    """The entry for a checked, unamended row: ``r`` is ``rated(sc)``."""
    return Known(r.archetype, r.started_at, r.submitted_at, r.ended_at, r.ratings,
                 r.recommendation, r.confirmed_flag, r.failure_asked,
                 tuple((it.item_id, it.kind) for it in sc.items))


# One entry: the row's key, then what ``Known`` holds, one column each. The item
# lists are compact JSON (a few distinct texts recur by the thousand); the ratings
# are one letter per rated item (``_LETTERS``), beside the JSON list of their ids:
# thousands of distinct combinations, too many to write as JSON on a cold read.
_SCHEMA = ("CREATE TABLE entry (key BLOB PRIMARY KEY, archetype TEXT, started TEXT, "
           "submitted TEXT, ended TEXT, recommendation TEXT, confirmed INTEGER, "
           "rated_items TEXT, ratings TEXT, asked TEXT, kinds TEXT) WITHOUT ROWID",)
_COLUMNS = ("archetype, started, submitted, ended, recommendation, confirmed, rated_items, "
            "ratings, asked, kinds")
_LETTERS: dict[str | None, str] = {None: "-", "strong": "s", "mid": "m", "thin": "t",
                                   "very_thin": "v", "skip": "k"}
_RATING_OF = {letter: rating for rating, letter in _LETTERS.items()}
_SLACK = 1000  # entries beyond twice a read's rows before the file counts as foreign
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


class _Encoder:
    """Entries as table rows; each distinct item list is written out once."""

    def __init__(self) -> None:
        self.texts: dict[object, str] = {}

    def row(self, key: bytes, k: Known) -> tuple[object, ...]:
        return (key, k.archetype, k.started_at.isoformat(), k.submitted_at.isoformat(),
                k.ended_at.isoformat(), k.recommendation, k.confirmed_flag,
                self._json(tuple(k.ratings)),
                "".join([_LETTERS[r] for r in k.ratings.values()]),
                self._json(tuple((i, tuple(sorted(p))) for i, p in k.failure_asked.items())),
                self._json(k.kinds))

    def _json(self, value: tuple[object, ...]) -> str:
        text = self.texts.get(value)
        if text is None:
            text = self.texts[value] = _JSON(value)
        return text


def _text(v: object, most: int) -> str:
    if type(v) is not str or not 0 < len(v) <= most:
        raise _Bad("not a bounded text")
    return v


def _time(v: object) -> datetime:
    t = datetime.fromisoformat(_text(v, 64))
    if t.tzinfo is None:
        raise _Bad("a time without its timezone")
    return t


def _pairs(text: object, most: int) -> list[tuple[Any, Any]]:
    v = json.loads(_text(text, _VALUE_CHARS)) if text != "[]" else []
    if type(v) is not list or len(v) > most:
        raise _Bad("not a bounded list")
    out = []
    for pair in v:
        if type(pair) is not list or len(pair) != 2:
            raise _Bad("not a pair")
        out.append((_text(pair[0], limits.ID_CHARS), pair[1]))
    return out


def _ids(text: object) -> tuple[str, ...]:
    v = json.loads(_text(text, _VALUE_CHARS))
    if type(v) is not list or len(v) > limits.ITEMS:
        raise _Bad("not a bounded list")
    return tuple(_text(i, limits.ID_CHARS) for i in v)


def _ratings(ids: tuple[str, ...], letters: str) -> dict[str, str | None]:
    if len(letters) != len(ids):
        raise _Bad("not a rating per item")
    return dict(zip(ids, [_RATING_OF[c] for c in letters], strict=True))


def _asked(text: object) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for item, probes in _pairs(text, limits.ITEMS):
        if type(probes) is not list or not 0 < len(probes) <= limits.PROBES_PER_ITEM:
            raise _Bad("not a bounded list")
        if not all(_text(p, limits.ID_CHARS).startswith("failure.") for p in probes):
            raise _Bad("not failure probes")
        out[item] = frozenset(probes)
    return out


def _kinds(text: object) -> tuple[tuple[str, str], ...]:
    out = tuple(_pairs(text, limits.ITEMS))
    if not all(type(k) is str and k in _KINDS for _, k in out):
        raise _Bad("not an item kind")
    return out


class _Decoder:
    """Entries back from their columns, every value checked. The item lists repeat
    (the same questions, the same few ratings and probes): each distinct text is
    checked once and its value shared, as the local store's bulk read shares them
    (nothing downstream changes a ``RatedRound``)."""

    def __init__(self) -> None:
        self.archetypes: dict[object, str] = {}
        self.ids: dict[object, tuple[str, ...]] = {}
        self.ratings: dict[tuple[tuple[str, ...], str], Mapping[str, str | None]] = {}
        self.asked: dict[object, Mapping[str, frozenset[str]]] = {}
        self.kinds: dict[object, tuple[tuple[str, str], ...]] = {}

    def known(self, archetype: object, started: object, submitted: object, ended: object,
              recommendation: object, confirmed: object, rated_items: object,
              ratings: object, asked: object, kinds: object) -> Known:
        if recommendation is not None and (type(recommendation) is not str
                                           or recommendation not in _RECOMMENDATIONS):
            raise _Bad("not a recommendation")
        if type(confirmed) is not int or confirmed not in (0, 1):
            raise _Bad("not a flag")
        if type(ratings) is not str:
            raise _Bad("not text")
        ids = _memo(self.ids, rated_items, _ids)
        rated = self.ratings.get((ids, ratings))
        if rated is None:
            rated = self.ratings[ids, ratings] = _ratings(ids, ratings)
        return Known(_memo(self.archetypes, archetype, _archetype), _time(started),
                     _time(submitted), _time(ended), rated,
                     recommendation, confirmed == 1, _memo(self.asked, asked, _asked),
                     _memo(self.kinds, kinds, _kinds))


def _archetype(v: object) -> str:
    return _text(v, limits.ID_CHARS)


def _memo(seen: dict[object, T], text: object, check: Callable[[object], T]) -> T:
    if type(text) is not str:  # bytes or a number would match a text of equal value
        raise _Bad("not text")
    found = seen.get(text)
    if found is None:
        found = seen[text] = check(text)
    return found


class CheckedCache:
    """The cache of one data folder for one team store, for one read at a time."""

    def __init__(self, data_dir: Path, conninfo: str) -> None:
        self.path = cache_path(data_dir)
        self._team = hashlib.blake2b(conninfo.encode("utf-8"), digest_size=32).digest()

    def key(self, sid: object, version: object, digest: object, payload: object,
            candidate: object, interviewer: object) -> bytes | None:
        """The row's key, or None for a row whose fields are not of the types a key
        covers (it takes the full path, which names what is wrong)."""
        if (type(version) is not int or not isinstance(sid, str)
                or not isinstance(digest, str) or not isinstance(payload, str)
                or not isinstance(candidate, str) or not isinstance(interviewer, str)):
            return None
        # Each text after its length (in characters), so no two rows make one stream.
        head = "".join(f"{len(t)}:{t}" for t in (str(version), sid, digest, candidate,
                                                 interviewer))
        h = hashlib.blake2b(self._team, digest_size=32)
        h.update(f"{head}{len(payload)}:".encode("utf-8", "surrogatepass"))
        h.update(payload.encode("utf-8", "surrogatepass"))
        return h.digest()

    def load(self, keys: Collection[bytes]) -> dict[bytes, Known]:
        """The entries for ``keys`` (an empty dict when there is no usable cache)."""
        if not os.path.lexists(self.path):
            return {}
        try:
            with self._open() as db:
                # Every read leaves only its own rows' entries: many more than this read
                # has rows is a file this app did not leave (or a team store emptied).
                held = db.execute("SELECT count(*) FROM main.entry").fetchone()[0]
                if held > 2 * len(keys) + _SLACK:
                    raise _Bad("far more entries than rows")
                rows = db.execute(f"SELECT key, {_COLUMNS} FROM main.entry").fetchall()
            decode = _Decoder().known
            wanted = keys if isinstance(keys, set | frozenset | dict) else set(keys)
            return {key: decode(*values) for key, *values in rows if key in wanted}
        except _FAULTS:
            self.drop()
            return {}

    def keep(self, kept: Sequence[bytes], new: Mapping[bytes, Known]) -> None:
        """Leave exactly ``kept`` (entries this read used) and ``new`` in the cache.

        Never raises: a cache that cannot be written is dropped.
        """
        try:
            with self._open() as db:
                stale = db.execute("SELECT count(*) FROM main.entry").fetchone()[0] - len(kept)
                if not stale and not new:
                    return
                db.execute("BEGIN IMMEDIATE")
                encode = _Encoder().row
                if stale:
                    db.execute("CREATE TEMP TABLE kept (key BLOB PRIMARY KEY) WITHOUT ROWID")
                    db.executemany("INSERT OR IGNORE INTO temp.kept VALUES (?)",
                                   ((k,) for k in kept))
                    db.execute("DELETE FROM main.entry "
                               "WHERE key NOT IN (SELECT key FROM temp.kept)")
                # In key order: appended to the tree's end, not scattered through it.
                db.executemany("INSERT OR REPLACE INTO main.entry "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                               (encode(k, new[k]) for k in sorted(new)))
                db.execute("COMMIT")
        except _FAULTS:
            self.drop()

    def drop(self) -> None:
        """Remove the file; if even that fails, the next read finds the fault again."""
        with contextlib.suppress(CompanionError):
            forget_cache(self.path.parent)

    @contextlib.contextmanager
    def _open(self) -> Any:
        if not os.path.lexists(self.path):
            # Created private before SQLite sees it (SQLite's journal copies its mode).
            os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
                             0o600))
        db = sqlite3.connect(f"file:{self.path}?nofollow=1", uri=True, isolation_level=None,
                             timeout=2)
        try:
            db.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, _VALUE_CHARS)
            db.execute("PRAGMA trusted_schema = OFF")
            db.execute("PRAGMA secure_delete = ON")
            db.execute("PRAGMA journal_mode = DELETE")
            db.execute("PRAGMA cache_size = -32768")  # a team's year (5 MB) in memory
            self._check_schema(db)
            yield db
        finally:
            db.close()

    @staticmethod
    def _check_schema(db: sqlite3.Connection) -> None:
        """The file holds this module's table and nothing else (no trigger, no view)."""
        schema = tuple(sql for (sql,) in db.execute("SELECT sql FROM sqlite_schema"))
        ident = (db.execute("PRAGMA application_id").fetchone()[0],
                 db.execute("PRAGMA user_version").fetchone()[0])
        if not schema and ident == (0, 0):  # a new, empty file
            db.execute("BEGIN IMMEDIATE")
            db.execute(f"PRAGMA application_id = {_APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {_FORMAT}")
            for sql in _SCHEMA:
                db.execute(sql)
            db.execute("COMMIT")
        elif schema != _SCHEMA or ident != (_APPLICATION_ID, _FORMAT):
            raise _Bad("not this app's cache")
