"""One read of everything calibration needs, in a few SELECTs.

``records.load`` builds a whole scorecard per round (notes, sections, flag
history): about ten queries a round, far too slow for a quarter's worth of
scorecards. Calibration reads much less (``record.rated.RatedRound``), so this
module reads only those columns, all rounds at once, and lets SQLite do what
it can in C: it folds the failure probes asked of each item into one row and
finds the rounds whose newest event of some red flag is "confirmed". No
``Scorecard`` is built for a round that was never amended: its rows hold the
round as submitted, which is what calibration compares. The few amended rounds
are built as scorecards (header, ratings, failure probes, flag states) and their
amendments applied, so that flag states and probes are current, as everywhere
else; ``record.rated.rated`` then reduces them. See bench/calibration.py.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from companion.base.errors import StorageError
from companion.base.gcpause import paused_gc
from companion.intake.json_reader import Obj, SchemaError
from companion.record.change_codec import amendment_from
from companion.record.changes import Amendment
from companion.record.decision import Decision
from companion.record.rated import RatedRound, rated
from companion.record.scorecard import (
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    RoundHeader,
    Scorecard,
)
from companion.store.records import RoundSummary
from companion.store.store import Store

_SUBMITTED = """
SELECT r.id, c.name, i.name, r.archetype, r.started_at, r.submitted_at, r.ended_at,
       r.round_elapsed_s, r.recommendation
FROM round r JOIN candidate c ON c.id = r.candidate_id
             JOIN interviewer i ON i.id = r.interviewer_id
WHERE r.submitted_at IS NOT NULL
"""
_PENDING = """
SELECT r.id, c.name, i.name, r.archetype, r.level, r.template_id, r.round_title,
       r.pack_id, r.pack_version, r.started_at
FROM round r JOIN candidate c ON c.id = r.candidate_id
             JOIN interviewer i ON i.id = r.interviewer_id
WHERE r.submitted_at IS NULL
"""
# Every round's items; the unsubmitted rounds' few are dropped in Python, which is
# cheaper than joining every row to its round. No ORDER BY: no figure depends on the
# order of a round's items (an item is rated once per round: the primary key).
_ITEMS = "SELECT round_id, item_id, kind, rating FROM round_item"
# The failure probes asked of each item, one row per item: a third of the rows.
_ASKED = """
SELECT round_id, item_id, group_concat(probe_id, char(31))
FROM probe_answer
WHERE asked AND probe_id LIKE 'failure.%'
GROUP BY round_id, item_id
"""
# Rounds where some red flag's newest event leaves it confirmed.
_CONFIRMED = """
SELECT DISTINCT f.round_id
FROM flag_event f
WHERE f.state = 'confirmed'
  AND f.id IN (SELECT max(id) FROM flag_event GROUP BY round_id, flag_id)
"""
_DECISIONS = """
SELECT c.name, d.outcome, d.decided_by, d.decided_at, d.level, d.note
FROM decision d JOIN candidate c ON c.id = d.candidate_id
"""
# The amendments that change what calibration reads, oldest first.
_AMENDMENTS = """
SELECT a.round_id, a.at, a.change, a.undo, a.reason
FROM amendment a
WHERE json_extract(a.change, '$.type') IN ('recommend', 'rate', 'flag')
   OR (json_extract(a.change, '$.type') = 'probe'
       AND json_extract(a.change, '$.probe') LIKE 'failure.%')
ORDER BY a.id
"""
# For the amended rounds only: every failure probe (asked or not) and flag state.
_AMENDED_PROBES = """
SELECT p.round_id, p.item_id, p.probe_id, p.asked, p.rating
FROM probe_answer p
WHERE p.probe_id LIKE 'failure.%' AND p.round_id IN (SELECT round_id FROM amendment)
ORDER BY p.rowid
"""
_AMENDED_FLAGS = """
SELECT f.round_id, f.flag_id, f.state
FROM flag_event f
WHERE f.id IN (SELECT max(id) FROM flag_event
               WHERE round_id IN (SELECT round_id FROM amendment)
               GROUP BY round_id, flag_id)
ORDER BY f.id
"""
_SEPARATOR = "\x1f"  # char(31) above: no id may hold it (intake.reading.ID_FORM)


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


_Item = tuple[str, str, str, str | None]  # round id, item id, kind, rating


def _read(store: Store) -> CalibrationRead:
    with store.read() as s:
        # The driver's own cursor: plain tuples, without a Row object per row.
        cursor = s.connection().connection.cursor()
        try:
            submitted = cursor.execute(_SUBMITTED).fetchall()
            pending = [RoundSummary.of(RoundHeader(cand, inter, archetype, level, template,
                                                   title, pack_id, pack_version,
                                                   datetime.fromisoformat(started)), rid, None)
                       for (rid, cand, inter, archetype, level, template, title, pack_id,
                            pack_version, started) in cursor.execute(_PENDING)]
            items: dict[str, list[_Item]] = defaultdict(list)
            for row in cursor.execute(_ITEMS):
                items[row[0]].append(row)
            # The same few sets of probes recur by the thousand: one frozenset per text.
            sets: dict[str, frozenset[str]] = {}
            asked: dict[str, dict[str, frozenset[str]]] = defaultdict(dict)
            for rid, item_id, ids in cursor.execute(_ASKED):
                found = sets.get(ids)
                if found is None:
                    found = sets[ids] = frozenset(ids.split(_SEPARATOR))
                asked[rid][item_id] = found
            confirmed = {rid for (rid,) in cursor.execute(_CONFIRMED)}
            changes: dict[str, list[Amendment]] = defaultdict(list)
            for rid, *amended in cursor.execute(_AMENDMENTS):
                changes[rid].append(_amendment(rid, *amended))
            whole = _amended(cursor, submitted, items, changes) if changes else {}
            decisions = [Decision(name, outcome, by, datetime.fromisoformat(at), level, note)
                         for name, outcome, by, at, level, note in cursor.execute(_DECISIONS)]
        finally:
            cursor.close()
    kinds: dict[str, str] = {}
    out: list[RatedRound] = []
    no_asked: dict[str, frozenset[str]] = {}
    parse = datetime.fromisoformat
    for (rid, cand, inter, archetype, started, done, ended, elapsed,
         recommendation) in submitted:
        mine = items.get(rid, ())
        for _, item_id, kind, _ in mine:
            if item_id not in kinds:
                kinds[item_id] = kind
        sc = whole.get(rid)
        if sc is not None:
            out.append(rated(sc))
            continue
        start = parse(started)
        out.append(RatedRound(
            rid, cand, inter, archetype, start, parse(done),
            parse(ended) if ended else start + timedelta(seconds=elapsed),
            {item_id: rating for _, item_id, _, rating in mine}, recommendation,
            rid in confirmed, asked.get(rid, no_asked)))
    return CalibrationRead(out, pending, decisions, kinds)


def _amended(cursor: Any, submitted: list[Any], items: dict[str, list[_Item]],
             changes: dict[str, list[Amendment]]) -> dict[str, Scorecard]:
    """The amended submitted rounds as scorecards with their amendments applied: what
    calibration reads of them (current flags and failure probes) as the app defines it."""
    probes: dict[tuple[str, str], list[ProbeAnswer]] = defaultdict(list)
    for rid, item_id, probe_id, was_asked, rating in cursor.execute(_AMENDED_PROBES):
        probes[rid, item_id].append(ProbeAnswer(probe_id, bool(was_asked), rating))
    flags: dict[str, list[FlagRecord]] = defaultdict(list)
    for rid, flag_id, state in cursor.execute(_AMENDED_FLAGS):
        flags[rid].append(FlagRecord(flag_id, state))
    out: dict[str, Scorecard] = {}
    for (rid, cand, inter, archetype, started, done, ended, elapsed,
         recommendation) in submitted:
        if rid not in changes:
            continue
        # The header fields calibration does not read are left empty.
        sc = Scorecard(
            cand, inter, archetype, "", "", "", "", "", datetime.fromisoformat(started),
            id=rid, submitted_at=datetime.fromisoformat(done),
            ended_at=datetime.fromisoformat(ended) if ended else None,
            duration_s=float(elapsed),
            items=tuple(ItemRecord(item_id, kind, rating,
                                   probes=tuple(probes.get((rid, item_id), ())))
                        for _, item_id, kind, rating in items.get(rid, ())),
            flags=tuple(flags.get(rid, ())), recommendation=recommendation)
        for amendment in changes[rid]:
            sc = sc.apply(amendment)
        out[rid] = sc
    return out
