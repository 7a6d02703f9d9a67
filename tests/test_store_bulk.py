"""The bulk read for calibration gives what calibration reads of each scorecard loaded whole."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.decision import Decision
from companion.record.rated import rated
from companion.store import Store
from companion.store.bulk import read_for_calibration
from companion.store.decisions import record_decision
from tests.fixtures.samples import T0, sample_pack, sample_planned, sample_scorecard


def _played(store: Store, candidate: str, interviewer: str, *, submit: bool,
            amend: bool = False) -> str:
    clock = ManualClock(T0)
    eng = RoundEngine.start(store, sample_pack(), sample_planned(), candidate=candidate,
                            interviewer=interviewer, archetype="api", level="senior",
                            clock=clock)
    eng.start_round()
    clock.advance(600)
    eng.rate("mid", item_id="q-opener")
    eng.rate("skip", item_id="q-pagination")
    eng.answer_probe("failure.database", rating="strong", item_id="s-orders")
    eng.answer_probe("failure.queue", asked=False, item_id="s-orders")
    eng.answer_probe("deep", rating="thin", item_id="s-orders")  # not a failure probe
    eng.rate("thin", item_id="s-orders")
    eng.set_flag("rf-blame", "confirmed", evidence="it was ops")
    eng.set_flag("rf-buzzwords", "probed")
    eng.set_flag("rf-buzzwords", "off")
    eng.edit_notes("said", "long notes that calibration never reads")
    eng.set_recommendation("no")
    if submit:
        clock.advance(1800)
        eng.submit()
    if amend:
        clock.advance(86400)
        eng.rate("strong", item_id="q-opener")
        eng.set_recommendation("yes")
        eng.set_flag("rf-blame", "off")
        eng.answer_probe("failure.queue", rating="mid", item_id="s-orders")
    eng.close()
    return eng.round_id


def test_bulk_read_matches_loading_each_scorecard(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        done = _played(store, "Ana Ruiz", "Kim Lee", submit=True)
        amended = _played(store, "Ana Ruiz", "Sam Ortiz", submit=True, amend=True)
        open_round = _played(store, "Ana Ruiz", "Jo Park", submit=False)
        store.save_imported(sample_scorecard("imported", candidate="Bo Chan",
                                             started=T0 + timedelta(days=1)))
        record_decision(store, Decision("Ana Ruiz", "hire", "Lead", T0, "senior"))
        data = read_for_calibration(store)
        whole = {rid: store.load_scorecard(rid) for rid in (done, amended, "imported")}
        summaries = store.list_rounds()

    assert [r.id for r in data.pending] == [open_round]
    assert [r for r in summaries if r.id == open_round] == data.pending
    assert sorted(rc.id for rc in data.rounds) == sorted(whole)  # submitted only
    for rc in data.rounds:
        sc = whole[rc.id]
        assert sc is not None
        assert rc == rated(sc), rc.id  # what calibration reads, field by field
    # Read straight from the rows: as submitted, with the flags and probes as they stand.
    plain = next(rc for rc in data.rounds if rc.id == done)
    assert plain.ratings == {"q-opener": "mid", "q-pagination": "skip", "q-idempotency": None,
                             "s-orders": "thin"}
    assert plain.recommendation == "no" and plain.confirmed_flag
    assert plain.failure_asked == {"s-orders": frozenset({"failure.database"})}
    # The amended round: ratings and recommendation as submitted, the rest current.
    later = next(rc for rc in data.rounds if rc.id == amended)
    assert later.ratings["q-opener"] == "mid" and later.recommendation == "no"
    assert not later.confirmed_flag
    assert later.failure_asked == {"s-orders": frozenset({"failure.database",
                                                          "failure.queue"})}
    assert data.kinds["s-orders"] == "scenario" and data.kinds["q-opener"] == "question"
    assert [(d.candidate, d.outcome) for d in data.decisions] == [("Ana Ruiz", "hire")]
