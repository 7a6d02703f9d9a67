"""One read of everything calibration needs, in a few SELECTs.

``records.load`` builds a whole scorecard per round (notes, sections, flag
history): about ten queries a round, far too slow for a quarter's worth of
scorecards. Calibration reads much less (``record.rated.RatedRound``), so this
module reads only those columns, all rounds at once, each SELECT as one row of
whole columns (``columnar``: the sqlite3 module's cost per row was most of the
read), and builds the values with as little Python per round as it can: runs of
rows cut in C, one parse per distinct duration and per distinct set of probes.
No ``Scorecard`` is built for a round as submitted: its rows hold it. An amended
round gets its ratings and recommendation as submitted from the first undos
(``record.rated``); the few amended in a flag or failure probe are built as
scorecards with their amendments applied, so that flag states and probes are
current, as everywhere else, and ``rated`` reduces them. See bench/calibration.py.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import repeat

from companion.base.errors import StorageError
from companion.base.gcpause import paused_gc
from companion.intake.json_reader import Obj, SchemaError
from companion.record.change_codec import amendment_from
from companion.record.changes import Amendment, AnswerProbe, StepFlag
from companion.record.decision import Decision
from companion.record.rated import (
    RatedRound,
    rated,
    ratings_as_submitted,
    recommendation_as_submitted,
)
from companion.record.scorecard import (
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    RoundHeader,
    Scorecard,
)
from companion.store import db
from companion.store.columnar import Columns, grouped
from companion.store.records import RoundSummary
from companion.store.store import Store

# Each submitted round's header, and how long its clock ran where it has no end time.
# A REAL would come through the text as 15 digits, so the seconds come exactly, as two
# integers: the whole part and the fraction in units of 2**-52. That is exact from one
# second up (a double's last bit there is worth 2**-52 or more); a shorter nonzero
# duration says '?' and its id, and is read by itself.
_WHOLE = "CAST(round_elapsed_s AS INTEGER)"
_SUBMITTED = Columns(
    "FROM round WHERE submitted_at IS NOT NULL",
    ("id", "candidate_id", "interviewer_id", "archetype", "started_at", "submitted_at",
     "ifnull(ended_at, '')", f"CASE WHEN ifnull(ended_at, '') = '' THEN {_WHOLE} ELSE '' END",
     "CASE WHEN abs(round_elapsed_s) < 1 AND round_elapsed_s <> 0 THEN '?' || id "
     f"ELSE CAST((round_elapsed_s - {_WHOLE}) * 4503599627370496.0 AS INTEGER) END"),
    ("recommendation",))
_ELAPSED = "SELECT round_elapsed_s FROM round WHERE id = ?"
_CANDIDATES = Columns("FROM candidate", ("id",), ("name",))
_INTERVIEWERS = Columns("FROM interviewer", ("id",), ("name",))
_PENDING = """
SELECT r.id, c.name, i.name, r.archetype, r.level, r.template_id, r.round_title,
       r.pack_id, r.pack_version, r.started_at
FROM round r JOIN candidate c ON c.id = r.candidate_id
             JOIN interviewer i ON i.id = r.interviewer_id
WHERE r.submitted_at IS NULL
"""
# Every round's items (the unsubmitted rounds' few are never looked up), in table
# order: a round's rows are written together, the order ``columnar.grouped`` is quick on.
_ITEMS = Columns("FROM round_item", ("round_id", "item_id"), ("rating",))
# The failure probes asked; a range, not LIKE, which would also take "FAILURE.x"
# where ``rated.failure_asked`` (startswith) does not.
_FAILURE = "probe_id >= 'failure.' AND probe_id < 'failure/'"
_ASKED = Columns(f"FROM probe_answer WHERE asked AND {_FAILURE}",
                 ("round_id", "item_id", "probe_id"))
# The kind of each item, from the first rounds to hold it (a JSON list of round ids).
_KINDS = """
SELECT round_id, item_id, kind FROM round_item
WHERE round_id IN (SELECT value FROM json_each(?))
"""
# Rounds where some red flag's newest event leaves it confirmed.
_CONFIRMED = """
SELECT DISTINCT f.round_id
FROM flag_event f
WHERE f.state = 'confirmed'
  AND f.id IN (SELECT max(id) FROM flag_event GROUP BY round_id, flag_id)
"""
_DECISIONS = Columns("FROM decision d JOIN candidate c ON c.id = d.candidate_id",
                     (), ("c.name", "d.outcome", "d.decided_by", "d.decided_at", "d.level",
                          "d.note"))
# The amendments that change what calibration reads, oldest first.
_AMENDMENTS = """
SELECT a.round_id, a.at, a.change, a.undo, a.reason
FROM amendment a
WHERE json_extract(a.change, '$.type') IN ('recommend', 'rate', 'flag')
   OR (json_extract(a.change, '$.type') = 'probe'
       AND json_extract(a.change, '$.probe') LIKE 'failure.%')
ORDER BY a.id
"""
# For the rounds amended in their flags or failure probes (a JSON list of ids): the
# header, items, every failure probe (asked or not) and flag state.
_AMENDED_ROUNDS = """
SELECT r.id, c.name, i.name, r.archetype, r.started_at, r.submitted_at, r.ended_at,
       r.round_elapsed_s, r.recommendation
FROM round r JOIN candidate c ON c.id = r.candidate_id
             JOIN interviewer i ON i.id = r.interviewer_id
WHERE r.submitted_at IS NOT NULL AND r.id IN (SELECT value FROM json_each(?))
"""
_AMENDED_ITEMS = """
SELECT round_id, item_id, kind, rating FROM round_item
WHERE round_id IN (SELECT value FROM json_each(?))
ORDER BY rowid
"""
_AMENDED_PROBES = f"""
SELECT p.round_id, p.item_id, p.probe_id, p.asked, p.rating
FROM probe_answer p
WHERE p.round_id IN (SELECT value FROM json_each(?)) AND {_FAILURE}
ORDER BY p.rowid
"""
_AMENDED_FLAGS = """
SELECT f.round_id, f.flag_id, f.state
FROM flag_event f
WHERE f.id IN (SELECT max(id) FROM flag_event
               WHERE round_id IN (SELECT value FROM json_each(?))
               GROUP BY round_id, flag_id)
ORDER BY f.id
"""


# The SELECTs every read runs, for bench/calibration.py to time bare (the others take
# parameters and run only for the few rounds that need them).
STATEMENTS = (_SUBMITTED.sql, _CANDIDATES.sql, _INTERVIEWERS.sql, _PENDING, _ITEMS.sql,
              _ASKED.sql, _CONFIRMED, _AMENDMENTS, _DECISIONS.sql)


def _amendment(round_id: str, at: str, change: str, undo: str, reason: str) -> Amendment:
    try:
        data = {"at": at, "change": json.loads(change), "undo": json.loads(undo),
                "reason": reason}
        return amendment_from(Obj(data, f"an amendment of round {round_id}"))
    except (ValueError, SchemaError) as exc:
        raise StorageError(f"round {round_id} has an amendment this app cannot read "
                           f"({exc}); the database may be damaged") from exc


@dataclass(frozen=True)
class CalibrationRead:
    """The submitted scorecards as calibration reads them, the rounds not submitted yet,
    and the panel's decisions.

    The independence rule needs only the unsubmitted rounds (whose authors are still
    scoring a candidate), so only those are listed as ``pending``. ``kinds`` names each
    item's kind (question or scenario), for items the pack does not hold.
    """

    rounds: list[RatedRound]
    pending: list[RoundSummary]
    decisions: list[Decision]
    kinds: dict[str, str]


def read_for_calibration(store: Store) -> CalibrationRead:
    """Read what calibration needs from ``store`` (raises StorageError on a fault)."""
    with paused_gc():
        return _read(store)


def _read(store: Store) -> CalibrationRead:
    parse = datetime.fromisoformat
    with store.read() as s:
        conn = db.driver(s)
        (ids, candidate_ids, interviewer_ids, archetypes, started, submitted, ended, whole,
         fraction, recommendations) = _SUBMITTED.fetch(conn)
        candidates = dict(zip(*_CANDIDATES.fetch(conn), strict=True))
        interviewers = dict(zip(*_INTERVIEWERS.fetch(conn), strict=True))
        pending = [RoundSummary.of(RoundHeader(cand, inter, archetype, level, template,
                                               title, pack_id, pack_version, parse(start)),
                                   rid, None)
                   for (rid, cand, inter, archetype, level, template, title, pack_id,
                        pack_version, start) in conn.execute(_PENDING)]
        round_ids, item_ids, ratings = _ITEMS.fetch(conn)
        by_round = grouped(round_ids, zip(item_ids, ratings, strict=True), dict)
        asked_round, asked_item, asked_probe = _ASKED.fetch(conn)
        pairs = grouped(asked_round, zip(asked_item, asked_probe, strict=True), tuple)
        asked = dict(zip(pairs, map(dict, map(_ProbeSets().__getitem__, pairs.values())),
                         strict=True))
        confirmed = {rid for (rid,) in conn.execute(_CONFIRMED)}
        starts = list(map(parse, started))
        ran = map(_Durations(conn).__getitem__, zip(whole, fraction, strict=True))
        ends = [parse(end) if end else start + seconds
                for start, end, seconds in zip(starts, ended, ran, strict=True)]
        no_ratings: dict[str, str | None] = {}  # shared by every round without: read only
        round_ratings = list(map(by_round.get, ids, repeat(no_ratings)))
        kinds = _kinds(conn, ids, round_ratings)
        no_asked: dict[str, frozenset[str]] = {}  # as no_ratings
        out = list(map(RatedRound._make, zip(
            ids, map(candidates.__getitem__, candidate_ids),
            map(interviewers.__getitem__, interviewer_ids), archetypes, starts,
            map(parse, submitted), ends, round_ratings, recommendations,
            map(confirmed.__contains__, ids), map(asked.get, ids, repeat(no_asked)),
            strict=True)))
        changes: dict[str, list[Amendment]] = defaultdict(list)
        for rid, *amended in conn.execute(_AMENDMENTS):
            changes[rid].append(_amendment(rid, *amended))
        if changes:
            _amend(conn, out, changes)
        names, outcomes, by, at, levels, notes = _DECISIONS.fetch(conn)
        decisions = list(map(Decision, names, outcomes, by, map(parse, at), levels, notes))
    return CalibrationRead(out, pending, decisions, kinds)


def _amend(conn: sqlite3.Connection, rounds: list[RatedRound],
           changes: dict[str, list[Amendment]]) -> None:
    """Bring the amended rounds in ``rounds`` (read from their rows) to what calibration
    reads of them: ratings and recommendation as submitted, which their first undos
    hold (``record.rated``), and flags and failure probes as they stand now, which only
    applying the amendments tells: those few rounds are built as scorecards."""
    stepped = {rid for rid, found in changes.items()
               if any(isinstance(a.change, StepFlag | AnswerProbe) for a in found)}
    cards = _amended(conn, {rid: changes[rid] for rid in stepped}) if stepped else {}
    for n, rc in enumerate(rounds):
        found = changes.get(rc.id)
        if found is None:
            continue
        sc = cards.get(rc.id)
        rounds[n] = rated(sc) if sc is not None else rc._replace(
            ratings=ratings_as_submitted(rc.ratings, found),
            recommendation=recommendation_as_submitted(rc.recommendation, found))


class _Durations(dict[tuple[str, str], timedelta]):
    """(whole, fraction) as _SUBMITTED gives them -> how long the clock ran (zero for
    a round with an end time, which does not use it). A dict, so that a duration
    seen before (imports in whole minutes) costs a lookup in C, not a new timedelta;
    __missing__ makes each new one."""

    ONE_ULP = 2.0 ** -52  # the unit of the fractions

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__()
        self._conn = conn

    def __missing__(self, key: tuple[str, str]) -> timedelta:
        whole, fraction = key
        if not whole:
            return timedelta(0)
        if fraction.startswith("?"):  # finer than two integers say: read the REAL
            (seconds,) = self._conn.execute(_ELAPSED, (fraction[1:],)).fetchone()
        else:
            seconds = int(whole) + int(fraction) * self.ONE_ULP  # exact: see _SUBMITTED
        found = self[key] = timedelta(seconds=seconds)
        return found


class _ProbeSets(dict[tuple[tuple[str, str], ...], dict[str, frozenset[str]]]):
    """A round's (item, failure probe) pairs asked -> item -> the probes: the same few
    lists recur by the thousand, so each is folded once (__missing__) and then found
    by a lookup in C. Callers copy what they get: the frozensets are shared."""

    def __missing__(self, key: tuple[tuple[str, str], ...]) -> dict[str, frozenset[str]]:
        probes: defaultdict[str, set[str]] = defaultdict(set)
        for item_id, probe_id in key:
            probes[item_id].add(probe_id)
        found = self[key] = {item_id: frozenset(p) for item_id, p in probes.items()}
        return found


def _kinds(conn: sqlite3.Connection, ids: list[str],
           ratings: list[dict[str, str | None]]) -> dict[str, str]:
    """Item id -> its kind, as the first round (in ``ids`` order) to hold it says.

    A round holds a new item rarely, so only those rounds' items are read again, and
    the walk stops once every item has been met."""
    every = set().union(*ratings)
    seen: set[str] = set()
    firsts: list[tuple[str, dict[str, str | None]]] = []
    for rid, mine in zip(ids, ratings, strict=True):
        if len(seen) == len(every):
            break
        if not seen.issuperset(mine):
            firsts.append((rid, mine))
            seen.update(mine)
    if not firsts:
        return {}
    held = json.dumps([rid for rid, _ in firsts])
    kind_of = {(rid, item_id): kind for rid, item_id, kind in conn.execute(_KINDS, (held,))}
    kinds: dict[str, str] = {}
    for rid, mine in firsts:
        for item_id in mine:
            kinds.setdefault(item_id, kind_of[rid, item_id])
    return kinds


def _amended(conn: sqlite3.Connection,
             changes: dict[str, list[Amendment]]) -> dict[str, Scorecard]:
    """The amended submitted rounds as scorecards with their amendments applied: what
    calibration reads of them (current flags and failure probes) as the app defines it."""
    which = (json.dumps(list(changes)),)
    items: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for rid, item_id, kind, rating in conn.execute(_AMENDED_ITEMS, which):
        items[rid].append((item_id, kind, rating))
    probes: dict[tuple[str, str], list[ProbeAnswer]] = defaultdict(list)
    for rid, item_id, probe_id, was_asked, rating in conn.execute(_AMENDED_PROBES, which):
        probes[rid, item_id].append(ProbeAnswer(probe_id, bool(was_asked), rating))
    flags: dict[str, list[FlagRecord]] = defaultdict(list)
    for rid, flag_id, state in conn.execute(_AMENDED_FLAGS, which):
        flags[rid].append(FlagRecord(flag_id, state))
    parse = datetime.fromisoformat
    out: dict[str, Scorecard] = {}
    for (rid, cand, inter, archetype, started, done, ended, elapsed,
         recommendation) in conn.execute(_AMENDED_ROUNDS, which):
        # The header fields calibration does not read are left empty. The amendments
        # are listed from the start and their edits applied, which is what applying
        # each amendment does (``Scorecard.apply``), with one copy of the card less.
        sc = Scorecard(
            cand, inter, archetype, "", "", "", "", "", parse(started),
            id=rid, submitted_at=parse(done), ended_at=parse(ended) if ended else None,
            duration_s=float(elapsed),
            items=tuple(ItemRecord(item_id, kind, rating,
                                   probes=tuple(probes.get((rid, item_id), ())))
                        for item_id, kind, rating in items.get(rid, ())),
            flags=tuple(flags.get(rid, ())), recommendation=recommendation,
            amendments=tuple(changes[rid]))
        for amendment in changes[rid]:
            sc = sc.apply(amendment.change)
        out[rid] = sc
    return out
