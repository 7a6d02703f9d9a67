"""One read of everything calibration needs, in a few SELECTs.

``records.load`` builds a whole scorecard per round (notes, sections, flag
history): about ten queries a round, far too slow for a quarter's worth of
scorecards. Calibration needs much less, so this module reads only those
columns, all rounds at once, and builds ``Scorecard`` objects that carry
just that: the header and timing, item ratings, failure probes, the current
state of each red flag, the recommendation, and the amendments of those
fields (applied, so the values are current, as everywhere else). Notes,
sections and flag histories are left empty. See bench/calibration.py.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from companion.base.errors import StorageError
from companion.base.gcpause import paused_gc
from companion.intake.json_reader import Obj, SchemaError
from companion.record.change_codec import amendment_from
from companion.record.changes import Amendment
from companion.record.decision import Decision
from companion.record.scorecard import (
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    RoundHeader,
    Scorecard,
)
from companion.store.records import RoundSummary
from companion.store.store import Store

_ROUNDS = """
SELECT r.id, c.name, i.name, r.archetype, r.level, r.template_id, r.round_title,
       r.pack_id, r.pack_version, r.started_at, r.submitted_at, r.ended_at,
       r.round_elapsed_s, r.recommendation
FROM round r JOIN candidate c ON c.id = r.candidate_id
             JOIN interviewer i ON i.id = r.interviewer_id
"""
# Put in order per round afterwards: ORDER BY here costs a sort of every row.
_ITEMS = """
SELECT ri.round_id, ri.position, ri.item_id, ri.kind, ri.rating
FROM round_item ri JOIN round r ON r.id = ri.round_id
WHERE r.submitted_at IS NOT NULL
"""
_FAILURE_PROBES = """
SELECT p.round_id, p.item_id, p.probe_id, p.asked, p.rating
FROM probe_answer p JOIN round r ON r.id = p.round_id
WHERE r.submitted_at IS NOT NULL AND p.probe_id LIKE 'failure.%'
ORDER BY p.rowid
"""
# The state each flag was left in: its newest event.
_FLAGS = """
SELECT f.round_id, f.flag_id, f.state
FROM flag_event f
WHERE f.id IN (SELECT max(id) FROM flag_event GROUP BY round_id, flag_id)
ORDER BY f.id
"""
_DECISIONS = """
SELECT c.name, d.outcome, d.decided_by, d.decided_at, d.level, d.note
FROM decision d JOIN candidate c ON c.id = d.candidate_id
"""
_AMENDMENTS = """
SELECT a.round_id, a.at, a.change, a.undo, a.reason
FROM amendment a
WHERE json_extract(a.change, '$.type') IN ('recommend', 'rate', 'flag')
   OR (json_extract(a.change, '$.type') = 'probe'
       AND json_extract(a.change, '$.probe') LIKE 'failure.%')
ORDER BY a.id
"""


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
    """The submitted scorecards, the rounds not submitted yet, and the panel's decisions.

    The independence rule needs only the unsubmitted rounds (whose authors are still
    scoring a candidate), so only those are listed as ``pending``.
    """

    scorecards: list[Scorecard]
    pending: list[RoundSummary]
    decisions: list[Decision]


def read_for_calibration(store: Store) -> CalibrationRead:
    """Read what calibration needs from ``store`` (raises StorageError on a fault)."""
    with paused_gc():
        return _read(store)


def _read(store: Store) -> CalibrationRead:
    with store.read() as s:
        # The driver's own cursor: plain tuples, without a Row object per row.
        cursor = s.connection().connection.cursor()
        try:
            rounds = cursor.execute(_ROUNDS).fetchall()
            # Whole rows, grouped by round (unpacking each into a list costs more).
            items: dict[str, list[tuple[str, int, str, str, str | None]]] = defaultdict(list)
            for row in cursor.execute(_ITEMS):
                items[row[0]].append(row)
            # Answers, probe lists and item records are frozen values that recur by the
            # thousand (a handful of probes, ratings and items): one shared object per
            # distinct value. Building 100,000 of them cost a third of the read, and
            # the cycle collector walks every object that survives the read, again.
            answer: dict[tuple[str, int, str | None], ProbeAnswer] = {}  # asked as stored
            probe_keys: dict[tuple[str, str], list[tuple[str, int, str | None]]] = (
                defaultdict(list))
            for rid, item_id, probe_id, asked, rating in cursor.execute(_FAILURE_PROBES):
                probe_keys[rid, item_id].append((probe_id, asked, rating))
            probe_lists: dict[tuple[tuple[str, int, str | None], ...],
                              tuple[ProbeAnswer, ...]] = {}
            probes: dict[tuple[str, str], tuple[ProbeAnswer, ...]] = {}
            for where, keys in probe_keys.items():
                shared = tuple(keys)
                found = probe_lists.get(shared)
                if found is None:
                    found = probe_lists[shared] = tuple(
                        answer.get(k) or answer.setdefault(k, ProbeAnswer(k[0], bool(k[1]), k[2]))
                        for k in keys)
                probes[where] = found
            del probe_keys
            flags: dict[str, list[FlagRecord]] = defaultdict(list)
            for rid, flag_id, state in cursor.execute(_FLAGS):
                flags[rid].append(FlagRecord(flag_id, state))
            changes: dict[str, list[Amendment]] = defaultdict(list)
            for rid, *amended in cursor.execute(_AMENDMENTS):
                changes[rid].append(_amendment(rid, *amended))
            decisions = [Decision(name, outcome, by, datetime.fromisoformat(at), level, note)
                         for name, outcome, by, at, level, note in cursor.execute(_DECISIONS)]
        finally:
            cursor.close()
    pending: list[RoundSummary] = []
    scorecards: list[Scorecard] = []
    no_probes: tuple[ProbeAnswer, ...] = ()
    # Keyed by the shared probe tuple's id (each is kept alive by probe_lists), which
    # saves hashing three dataclasses per item.
    item_records: dict[tuple[str, str, str | None, int], ItemRecord] = {}

    def item_record(rid: str, item_id: str, kind: str, rating: str | None) -> ItemRecord:
        probed = probes.get((rid, item_id), no_probes)
        key = (item_id, kind, rating, id(probed))
        found = item_records.get(key)
        if found is None:
            found = item_records[key] = ItemRecord(item_id, kind, rating, probes=probed)
        return found

    for (rid, cand, inter, archetype, level, template_id, title, pack_id, pack_version,
         started, submitted, ended, elapsed, recommendation) in rounds:
        if submitted is None:
            header = RoundHeader(cand, inter, archetype, level, template_id, title, pack_id,
                                 pack_version, datetime.fromisoformat(started))
            pending.append(RoundSummary.of(header, rid, None))
            continue
        # One construction, the header's fields in their declared order: building an
        # empty card and then replacing its fields costs twice as much over 10,000
        # rounds, and a RoundHeader first a tenth more (bench/calibration.py).
        sc = Scorecard(
            cand, inter, archetype, level, template_id, title, pack_id, pack_version,
            datetime.fromisoformat(started), id=rid,
            submitted_at=datetime.fromisoformat(submitted),
            ended_at=datetime.fromisoformat(ended) if ended else None, duration_s=elapsed,
            items=tuple(item_record(rid, item_id, kind, rating)
                        for _, _, item_id, kind, rating in sorted(items.get(rid, ()))),
            flags=tuple(flags.get(rid, ())), recommendation=recommendation)
        for amendment in changes.get(rid, ()):
            sc = sc.apply(amendment)
        scorecards.append(sc)
    return CalibrationRead(scorecards, pending, decisions)
