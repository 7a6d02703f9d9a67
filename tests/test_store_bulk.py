"""The bulk read for calibration gives the same values as loading each scorecard whole."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record.changes import AnswerProbe, Rate, Recommend, StepFlag
from companion.record.decision import Decision
from companion.record.scorecard import Scorecard
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


def _calibration_view(sc: Scorecard) -> tuple[object, ...]:
    """What calibration reads of a scorecard."""
    return (
        sc.id, sc.candidate, sc.interviewer, sc.archetype, sc.level, sc.template_id,
        sc.round_title, sc.pack_id, sc.pack_version, sc.started_at, sc.submitted_at,
        sc.ended_at, sc.duration_s, sc.recommendation,
        tuple((it.item_id, it.kind, it.rating,
               tuple(sorted((p.probe_id, p.asked, p.rating) for p in it.probes
                            if p.probe_id.startswith("failure.")))) for it in sc.items),
        tuple(sorted((f.flag_id, f.state) for f in sc.flags)),
        tuple(a for a in sc.amendments
              if isinstance(a.change, Rate | Recommend | StepFlag)
              or (isinstance(a.change, AnswerProbe)
                  and a.change.probe_id.startswith("failure."))),
    )


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
    assert sorted(sc.id for sc in data.scorecards) == sorted(whole)  # submitted only
    for sc in data.scorecards:
        assert _calibration_view(sc) == _calibration_view(whole[sc.id]), sc.id
        assert sc.said == "" and all(it.said == "" for it in sc.items)  # notes are not read
    bulk_amended = next(sc for sc in data.scorecards if sc.id == amended)
    assert bulk_amended.recommendation == "yes"  # current values, as everywhere
    assert bulk_amended.item("q-opener") is not None
    assert [type(a.change) for a in bulk_amended.amendments][:2] == [Rate, Recommend]
    assert [(d.candidate, d.outcome) for d in data.decisions] == [("Ana Ruiz", "hire")]
