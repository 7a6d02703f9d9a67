"""The bulk read equals building every scorecard whole and reducing it with ``rated``.

Random stores with every state a round can be in: imported and played rounds, open ones,
amendments of every kind (stored as submitted with the amendments after them, or with
their edits already in the rows, as an import may carry them), ratings left empty,
failure probes asked, unasked and in another case, flags, rounds with and without an end
time and clocks of every length, items the pack does not hold with two kinds, rows of
two rounds written in turn, and an id holding the separator the fast path splits on.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    Edit,
    EditText,
    Rate,
    Recommend,
    StepFlag,
)
from companion.record.decision import Decision
from companion.record.rated import item_kinds, rated
from companion.record.scorecard import FlagEvent, FlagRecord, ItemRecord, ProbeAnswer, Scorecard
from companion.store import Store
from companion.store.bulk import read_for_calibration
from companion.store.columnar import SEPARATOR
from companion.store.db import DB_NAME
from companion.store.decisions import all_decisions, record_decision
from tests.fixtures.samples import T0, sample_pack, sample_planned

RATINGS = ("strong", "mid", "thin", "very_thin", "skip", None)
ITEMS = (("q-opener", "question"), ("q-pagination", "question"), ("s-orders", "scenario"),
         ("q-custom", "question"), ("x-either", "question"), ("x-either", "scenario"))
PROBES = ("failure.database", "failure.queue", "failure.downstream", "Failure.case", "deep")
FLAGS = ("rf-blame", "rf-buzzwords")
SECONDS = (3600.0, 1234.5678901234567, 0.0, 1e-7, 0.3, 86399.999, 2.0 ** 32 + 0.25)


def _card(rng: random.Random, n: int, candidate: str) -> Scorecard:
    started = T0 + timedelta(days=rng.uniform(0, 300))
    items = []
    for item_id, kind in rng.sample(ITEMS, rng.randint(0, 4)):
        if any(it.item_id == item_id for it in items):
            continue
        probes = tuple(ProbeAnswer(p, rng.random() < 0.7, rng.choice(RATINGS))
                       for p in rng.sample(PROBES, rng.randint(0, 3)))
        items.append(ItemRecord(item_id, kind, rng.choice(RATINGS), probes=probes))
    flags = tuple(FlagRecord(f, events[-1].state, events)
                  for f in rng.sample(FLAGS, rng.randint(0, 2))
                  for events in [tuple(FlagEvent(s, started) for s in rng.sample(
                      ("probed", "confirmed", "off"), rng.randint(1, 3)))])
    submitted = rng.random() < 0.9
    return Scorecard(
        candidate=candidate, interviewer=f"Interviewer {rng.randint(0, 4)}",
        archetype=rng.choice(("api", "data")), level="senior", template_id="technical",
        round_title="Technical", pack_id="sample", pack_version="1.2.0",
        started_at=started, id=f"r-{n:03d}",
        submitted_at=started + timedelta(hours=2) if submitted else None,
        ended_at=started + timedelta(minutes=rng.uniform(1, 90)) if rng.random() < 0.5
        else None, duration_s=rng.choice(SECONDS), items=tuple(items), flags=flags,
        recommendation=rng.choice(("yes", "no", "strong_yes", None)))


def _edit(rng: random.Random, sc: Scorecard) -> Edit:
    at = (sc.submitted_at or sc.started_at) + timedelta(days=1)
    item = rng.choice(sc.items).item_id if sc.items else "q-gone"
    return rng.choice((
        Rate(item, rng.choice(RATINGS), at),
        Recommend(rng.choice(("yes", "no", None))),
        StepFlag(rng.choice(FLAGS), rng.choice(("confirmed", "off", "probed")), at),
        AnswerProbe(item, rng.choice(PROBES), rng.random() < 0.5, "mid", "", at),
        EditText(ROUND, "summary", "later"),
    ))


def _amended(rng: random.Random, sc: Scorecard) -> Scorecard:
    """``sc`` with a few amendments: as submitted, or with their edits in it as well."""
    current = sc
    for _ in range(rng.randint(1, 4)):
        change = _edit(rng, current)
        current = current.apply(Amendment((sc.submitted_at or T0) + timedelta(days=2),
                                          change, current.undo_for(change), "why"))
    return current if rng.random() < 0.5 else sc.__class__(
        **{**sc.__dict__, "amendments": current.amendments})


def _played(store: Store, candidate: str, interviewer: str, clock: ManualClock) -> RoundEngine:
    eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate=candidate,
                            interviewer=interviewer, archetype="api", level="senior",
                            clock=clock)
    eng.start_round()
    return eng


def _store(folder: Path, seed: int) -> None:
    rng = random.Random(seed)
    with Store.open(folder) as store:
        for n in range(60):
            sc = _card(rng, n, f"Candidate {n % 9}")
            store.save_imported(_amended(rng, sc) if sc.submitted and rng.random() < 0.4
                                else sc)
        # Two rounds played at once: their probe rows are written in turn.
        clock = ManualClock(T0)
        one = _played(store, "Candidate 1", "Kim Lee", clock)
        two = _played(store, "Candidate 2", "Jo Park", clock)
        for probe in ("failure.database", "failure.queue", "failure.downstream"):
            for eng in (one, two, one):
                clock.advance(60)
                eng.answer_probe(probe, rating="mid", asked=rng.random() < 0.8,
                                 item_id="s-orders")
        one.rate("thin", item_id="q-opener")
        one.set_flag("rf-blame", "confirmed", evidence="twice")
        for eng in (one, two):
            clock.advance(600)
            eng.set_recommendation("yes")
            eng.submit()
        one.rate("strong", item_id="q-opener")  # an amendment
        two.set_flag("rf-buzzwords", "confirmed")  # another, of a flag
        open_round = _played(store, "Candidate 3", "Sam Ortiz", clock)
        open_round.rate("mid", item_id="q-opener")
        for eng in (one, two, open_round):
            eng.close()
        for name in ("Candidate 1", "Candidate 4"):
            record_decision(store, Decision(name, "hire", "Lead", T0, "senior"))
        record_decision(store, Decision("Candidate 2", "no_hire", "Lead", T0, None, "n\x1fte"))


def _check(folder: Path) -> None:
    with Store.open(folder) as store:
        data = read_for_calibration(store)
        summaries = store.list_rounds()
        whole = [store.load_scorecard(r.id) for r in summaries if r.submitted_at is not None]
        decisions = all_decisions(store)
    by_id = {sc.id: sc for sc in whole}
    assert sorted(rc.id for rc in data.rounds) == sorted(by_id)
    for rc in data.rounds:
        assert rc == rated(by_id[rc.id]), rc.id
    assert data.kinds == item_kinds([by_id[rc.id] for rc in data.rounds])
    assert sorted(data.pending, key=lambda r: r.id) == sorted(
        (r for r in summaries if r.submitted_at is None), key=lambda r: r.id)
    assert sorted(data.decisions, key=lambda d: d.candidate) == decisions
    # The store holds what the cases above are about (a generator that drifted would not).
    assert any(rc.ended_at is not None and by_id[rc.id].ended_at is None
               for rc in data.rounds)
    assert any(by_id[rc.id].amendments for rc in data.rounds)
    assert data.pending and data.kinds["x-either"] in ("question", "scenario")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_bulk_read_equals_each_scorecard_reduced(tmp_path: Path, seed: int) -> None:
    _store(tmp_path, seed)
    _check(tmp_path)


def test_an_id_holding_the_separator_reads_the_same(tmp_path: Path) -> None:
    _store(tmp_path, 4)
    # Ids no form lets in, written behind the app's back: the split would go wrong.
    conn = sqlite3.connect(tmp_path / DB_NAME)
    with conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        (rid,) = conn.execute("SELECT round_id FROM round_item WHERE item_id = 'q-custom' AND "
                              "round_id IN (SELECT id FROM round WHERE submitted_at IS NOT NULL)"
                              ).fetchone()
        odd = f"r{SEPARATOR}odd"
        conn.execute("UPDATE round SET id = ? WHERE id = ?", (odd, rid))
        for table in ("round_item", "probe_answer", "flag_event", "amendment",
                      "section_timing", "outbox", "search_key"):
            conn.execute(f"UPDATE {table} SET round_id = ? WHERE round_id = ?", (odd, rid))
        for table in ("round_item", "probe_answer"):
            conn.execute(f"UPDATE {table} SET item_id = ? WHERE item_id = 'q-custom'",
                         (f"q{SEPARATOR}custom",))
    conn.close()
    _check(tmp_path)
    with Store.open(tmp_path) as store:
        rounds = read_for_calibration(store).rounds
    odd_round = next(rc for rc in rounds if rc.id == odd)
    assert f"q{SEPARATOR}custom" in odd_round.ratings
