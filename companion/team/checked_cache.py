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
next calibration. Keys also hash the connection string, so entries made under
another one (another team store, another login) are never used, and leave at the
first read.

The file lives beside ``team.json`` and is removed when the team settings change or
are forgotten (``settings.save_conninfo``, ``settings.clear_conninfo``). It is a
cache, never a source: the schema is checked against the one written here, every
value read back is checked (types, closed sets, bounded sizes), and any fault
(a corrupt, torn, foreign, read-only or hostile file) drops the whole file; the
read then takes the full path, with the same figures. No pickle: plain text columns.
"""

from __future__ import annotations

import contextlib
import hashlib
import operator
import os
import re
import sqlite3
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from companion.base.errors import CompanionError
from companion.intake import limits
from companion.record.rated import RatedRound
from companion.record.scorecard import ITEM_KINDS, RECOMMENDATIONS, RUBRIC_BUTTONS, ItemRecord
from companion.team.settings import cache_path, forget_cache

_FORMAT = 1  # PRAGMA user_version; a file of another format is dropped
_APPLICATION_ID = 0x49434331  # "ICC1": a file this app did not write is dropped
# The longest value one column may hold (at most ``ITEMS`` items with at most
# ``PROBES_PER_ITEM`` failure probes each); SQLite refuses to hand back a
# longer one, so a hostile file cannot make a read allocate more.
_VALUE_CHARS = limits.ITEMS * (limits.PROBES_PER_ITEM + 1) * (limits.ID_CHARS + 8)
_RECOMMENDATIONS = frozenset(RECOMMENDATIONS)
# The faults a cache file can raise while read or written: each drops the file.
_FAULTS = (sqlite3.Error, OSError, ValueError, TypeError, KeyError, IndexError,
           RecursionError, OverflowError, MemoryError)


T = TypeVar("T")


class _Bad(ValueError):
    """A value read back that this module did not write."""


class Known(NamedTuple):
    """What calibration reads of one checked row, less what the row itself says (id,
    candidate, interviewer). A tuple, as ``RatedRound`` is: 10,000 are built at once."""

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


# One entry: the row's key, then what ``Known`` holds, one column each, as plain
# text: a cold read (bench/team_store.py) writes 10,000 rows' entries in about 0.15 s
# of CPU, where a JSON text per entry took about twice that. Item and probe ids are
# ids of the app's form (``intake.reading.ID_FORM``, checked by the gate every cached
# row passed), so a space separates them and a semicolon separates items; ratings
# and kinds are one letter per item, in the order of the item ids beside them.
_SCHEMA = ("CREATE TABLE entry (key BLOB PRIMARY KEY, archetype TEXT, started TEXT, "
           "submitted TEXT, ended TEXT, recommendation TEXT, confirmed INTEGER, "
           "rated_items TEXT, ratings TEXT, asked TEXT, kinds TEXT) WITHOUT ROWID",)
_COLUMNS = ("archetype, started, submitted, ended, recommendation, confirmed, rated_items, "
            "ratings, asked, kinds")
_LETTERS: dict[str | None, str] = {None: "-", "strong": "s", "mid": "m", "thin": "t",
                                   "very_thin": "v", "skip": "k"}
_RATING_OF = {letter: rating for rating, letter in _LETTERS.items()}
_KIND_LETTERS = {"question": "q", "scenario": "s"}
_KIND_OF = {letter: kind for kind, letter in _KIND_LETTERS.items()}
assert set(_KIND_LETTERS) == set(ITEM_KINDS) and set(_LETTERS) - {None} == set(RUBRIC_BUTTONS)
_ID = rf"[^\W_][\w.-]{{0,{limits.ID_CHARS - 1}}}"
_IDS = re.compile(rf"(?:{_ID}(?: {_ID}){{0,{limits.ITEMS - 1}}})?")
_ASKED = re.compile(rf"{_ID}(?: failure\.[\w.-]{{0,{limits.ID_CHARS - 8}}})"
                    rf"{{1,{limits.PROBES_PER_ITEM}}}")
_SLACK = 1000  # entries beyond twice a read's rows before the file counts as foreign


def _asked_text(asked: Mapping[str, frozenset[str]]) -> str:
    return ";".join([f"{item} {' '.join(sorted(probes))}" for item, probes in asked.items()])


def _letters(ratings: Mapping[str, str | None]) -> str:
    return "".join(map(_LETTERS.__getitem__, ratings.values()))


def _kind_letters(items: Sequence[ItemRecord]) -> str:
    return "".join([_KIND_LETTERS[it.kind] for it in items])


def _probes(asked: Mapping[str, frozenset[str]]) -> int:
    return sum(map(len, asked.values()))


def _counted(texts: Iterable[str], sep: str, expected: Iterable[int]) -> Iterator[bool]:
    return map(operator.eq, map(str.count, texts, repeat(sep)), expected)


def _rows(keys: Sequence[bytes], rounds: Sequence[RatedRound],
          kinds: Sequence[str]) -> list[tuple[object, ...]]:
    """Checked, unamended rows' entries (``rounds[i]`` is ``rated`` of the scorecard
    whose items' kinds ``kinds[i]`` spells) as table rows, in key order.

    Column by column, through ``map``: one function call per row, made as each row
    was checked, cost 0.17 s of CPU for 10,000 rows against 0.12 s so
    (bench/team_store.py's cold read)."""
    if not keys:
        return []
    (_, _, _, archetype, started, submitted, ended, ratings, recommendation, confirmed,
     asked) = zip(*rounds, strict=True)
    rated_items = list(map(" ".join, ratings))
    asked_texts = list(map(_asked_text, asked))
    iso = datetime.isoformat
    rows = zip(keys, archetype, map(iso, started), map(iso, submitted), map(iso, ended),
               recommendation, confirmed, rated_items, map(_letters, ratings), asked_texts,
               kinds, strict=True)
    # Every id comes back as it went: never otherwise for a row the gate let through
    # (ids of the app's form hold no space or semicolon; an item is rated once, so the
    # ratings name the items in their order). Counted all the same where a stray
    # separator would decode into other valid values (a space in a probe id); anywhere
    # else it would fail the checks on the way back and drop the file.
    fit = map(operator.and_, map(operator.eq, map(len, ratings), map(len, kinds)),
              _counted(asked_texts, " ", map(_probes, asked)))
    return sorted(row for row, ok in zip(rows, fit, strict=True) if ok)


def _time(v: object) -> datetime:
    if type(v) is not str or len(v) > 64:
        raise _Bad("not a time")
    t = datetime.fromisoformat(v)
    if t.tzinfo is None:
        raise _Bad("a time without its timezone")
    return t


def _ids(text: str) -> list[str]:
    if not _IDS.fullmatch(text):
        raise _Bad("not a list of ids")
    return text.split(" ") if text else []


def _lettered(ids: list[str], letters: str, meaning: Mapping[str, T]) -> list[tuple[str, T]]:
    if len(letters) != len(ids):
        raise _Bad("not a letter per item")
    return list(zip(ids, [meaning[c] for c in letters], strict=True))


def _asked(text: str) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for one in text.split(";") if text else ():
        if not _ASKED.fullmatch(one):
            raise _Bad("not an item's failure probes")
        item, *probes = one.split(" ")
        out[item] = frozenset(probes)
    if len(out) > limits.ITEMS:
        raise _Bad("too many items")
    return out


class _Decoder:
    """Entries back from their columns, every value checked. The item lists repeat
    (the same questions, the same few ratings and probes): each distinct text is
    checked once and its value shared, as the local store's bulk read shares them
    (nothing downstream changes a ``RatedRound``)."""

    def __init__(self) -> None:
        self.archetypes: dict[str, str] = {}
        self.ratings: dict[tuple[str, str], Mapping[str, str | None]] = {}
        self.asked: dict[str, Mapping[str, frozenset[str]]] = {}
        self.kinds: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}

    def known(self, archetype: object, started: object, submitted: object, ended: object,
              recommendation: object, confirmed: object, rated_items: object,
              ratings: object, asked: object, kinds: object) -> Known:
        if not (type(archetype) is str and type(rated_items) is str and type(ratings) is str
                and type(asked) is str and type(kinds) is str):
            raise _Bad("not text")
        if recommendation is not None and (type(recommendation) is not str
                                           or recommendation not in _RECOMMENDATIONS):
            raise _Bad("not a recommendation")
        if type(confirmed) is not int or confirmed not in (0, 1):
            raise _Bad("not a flag")
        arch = self.archetypes.get(archetype)
        if arch is None:
            if not _IDS.fullmatch(archetype) or not archetype:
                raise _Bad("not an archetype")
            arch = self.archetypes[archetype] = archetype
        rated = self.ratings.get((rated_items, ratings))
        if rated is None:
            rated = self.ratings[rated_items, ratings] = dict(
                _lettered(_ids(rated_items), ratings, _RATING_OF))
        failure = self.asked.get(asked)
        if failure is None:
            failure = self.asked[asked] = _asked(asked)
        kind = self.kinds.get((rated_items, kinds))
        if kind is None:
            kind = self.kinds[rated_items, kinds] = tuple(
                _lettered(_ids(rated_items), kinds, _KIND_OF))
        return Known(arch, _time(started), _time(submitted), _time(ended), rated,
                     recommendation, confirmed == 1, failure, kind)


class CheckedCache:
    """The cache of one data folder for one team store, for one read at a time."""

    def __init__(self, data_dir: Path, conninfo: str) -> None:
        self.path = cache_path(data_dir)
        self._team = hashlib.sha256(conninfo.encode("utf-8")).digest()
        self._keys: list[bytes] = []
        self._rounds: list[RatedRound] = []
        self._kinds: list[str] = []

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
        h = hashlib.sha256(self._team)  # SHA-256: twice blake2b's speed with the CPU's SHA unit
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

    def add(self, key: bytes, r: RatedRound, items: Sequence[ItemRecord]) -> None:
        """Remember a row that passed the checks and has no amendment, for ``keep``:
        ``r`` is ``rated`` of its scorecard, ``items`` that scorecard's items."""
        self._keys.append(key)
        self._rounds.append(r)
        # Spelled now, not kept: holding every scorecard's items until ``keep`` spread
        # the read's rounds over more memory, and the computation after it took 15%
        # longer (bench/team_store.py's cold read).
        self._kinds.append(_kind_letters(items))

    def keep(self, kept: Sequence[bytes]) -> None:
        """Leave exactly ``kept`` (entries this read used) and the rows ``add`` was given
        in the cache. Never raises: a cache that cannot be written is dropped.
        """
        keys, rounds, kinds = self._keys, self._rounds, self._kinds
        self._keys, self._rounds, self._kinds = [], [], []
        try:
            with self._open() as db:
                stale = db.execute("SELECT count(*) FROM main.entry").fetchone()[0] - len(kept)
                if not stale and not keys:
                    return
                # In key order: appended to the tree's end, not scattered through it.
                new = _rows(keys, rounds, kinds)
                db.execute("BEGIN IMMEDIATE")
                if stale:
                    db.execute("CREATE TEMP TABLE kept (key BLOB PRIMARY KEY) WITHOUT ROWID")
                    db.executemany("INSERT OR IGNORE INTO temp.kept VALUES (?)",
                                   ((k,) for k in kept))
                    db.execute("DELETE FROM main.entry "
                               "WHERE key NOT IN (SELECT key FROM temp.kept)")
                db.executemany("INSERT OR REPLACE INTO main.entry "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", new)
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
