"""Submitting locks the scorecard; later changes are amendments, never overwrites."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from companion.base.errors import CompanionError
from companion.live.clock import ManualClock
from companion.live.engine import ROUND, EngineEvent, RoundEngine
from companion.record.changes import AnswerProbe, EditText, Rate, Recommend, StepFlag
from companion.store import Store
from tests.fixtures.samples import sample_pack, sample_planned


def _engine(store: Store, clock: ManualClock) -> RoundEngine:
    return RoundEngine.start(store, sample_pack(), sample_planned(), candidate="Dana",
                             interviewer="Sam", archetype="api", level="senior", clock=clock)


def test_submit_needs_a_recommendation(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        eng = _engine(store, ManualClock())
        with pytest.raises(CompanionError, match="recommendation"):
            eng.submit()
        with pytest.raises(ValueError):
            eng.set_recommendation("maybe")  # no neutral option
        eng.close()


def test_changes_after_submit_are_amendments(tmp_path: Path) -> None:
    clock = ManualClock()
    store = Store.open(tmp_path)
    eng = _engine(store, clock)
    events: list[EngineEvent] = []
    eng.subscribe(events.append)
    eng.start_round()
    eng.rate("thin")
    eng.edit_notes("said", "no retries")
    eng.set_summary("Borderline")
    eng.set_recommendation("no")
    clock.advance(1800)
    assert eng.submit() is True
    assert "submitted" in [e.kind for e in events]
    submitted = store.load_scorecard(eng.round_id)
    assert submitted.submitted_at == clock.now() and submitted.duration_s == 1800
    assert submitted.summary == "Borderline" and submitted.amendments == ()
    assert not eng.timers().running and store.unfinished_rounds() == []

    clock.advance(3600)
    eng.rate("mid")
    eng.edit_notes("said", "no retries; idempotency keys when prompted")
    eng.set_recommendation("yes")
    eng.cycle_flag("rf-blame")
    eng.answer_probe("failure.queue", rating="thin", item_id="s-orders")
    eng.edit_notes("read", "reconsidered", item_id=ROUND)
    eng.flush()
    assert eng.record().rating == "mid"

    sc = store.load_scorecard(eng.round_id)
    assert [a.change for a in sc.amendments] == [
        Rate("q-opener", "mid", clock.now()), Recommend("yes"),
        StepFlag("rf-blame", "probed", clock.now(), "", "q-opener"),
        AnswerProbe("s-orders", "failure.queue", True, "thin", "", clock.now()),
        EditText("q-opener", "said", "no retries; idempotency keys when prompted"),
        EditText(ROUND, "read", "reconsidered")]
    first = sc.amendments[0]
    assert first.undo == Rate("q-opener", "thin", submitted.items[0].rated_at)
    assert first.at == clock.now()
    assert [a.undo.value for a in sc.amendments if isinstance(a.undo, Recommend)] == ["no"]
    # Current values shown, with the history listed.
    assert sc.items[0].rating == "mid" and sc.recommendation == "yes"
    assert sc.read == "reconsidered"
    assert sc.flags[0].state == "probed"
    assert sc.submitted_at == submitted.submitted_at
    eng.close()
    store.close()
    # The rows written at submission were not overwritten.
    raw = sqlite3.connect(tmp_path / "companion.sqlite3")
    assert raw.execute("SELECT rating, said FROM round_item WHERE item_id='q-opener'"
                       ).fetchone() == ("thin", "no retries")
    assert raw.execute("SELECT recommendation FROM round").fetchone() == ("no",)
    assert raw.execute("SELECT count(*) FROM flag_event").fetchone() == (0,)
    raw.close()


def test_amended_round_reopens_with_current_values(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        eng.rate("thin")
        eng.set_recommendation("no")
        eng.submit()
        eng.rate("strong")
        eng.close()
        back = RoundEngine.reopen(store, sample_pack(), eng.round_id, clock=clock)
        assert back.submitted and back.record("q-opener").rating == "strong"
        assert len(back.amendments()) == 1
        assert back.start_round() is False  # the clock stays stopped after submission
        assert back.scorecard() == store.load_scorecard(eng.round_id)
        back.close()


def test_the_round_records_when_it_ended_and_the_card_how_late_it_was_submitted(
        tmp_path: Path) -> None:
    from companion.commands.session_show import format_scorecard
    from companion.export.scorecard_pdf import render_scorecard
    from tests.scorecards import pdf_body

    clock = ManualClock()
    with Store.open(tmp_path / "data") as store:
        eng = _engine(store, clock)
        eng.start_round()
        clock.advance(45 * 60)
        eng.pause()  # the round is over; the interviewer goes to the next meeting
        ended = clock.now()
        eng.set_recommendation("yes")
        clock.advance(2 * 3600)
        eng.submit()
        eng.close()
        sc = store.load_scorecard(eng.round_id)
    assert sc.ended_at == ended and sc.submitted_at == clock.now()
    assert sc.submit_delay_s == 2 * 3600
    assert "120 min after the round ended" in format_scorecard(sc, sample_pack())
    out = render_scorecard(sc, sample_pack(), tmp_path / "card.pdf")
    assert "2 h 00 min after the round ended" in " ".join(pdf_body(out).split())


def test_a_round_submitted_while_its_clock_runs_ended_at_submission(tmp_path: Path) -> None:
    clock = ManualClock()
    with Store.open(tmp_path) as store:
        eng = _engine(store, clock)
        eng.start_round()
        clock.advance(600)
        eng.set_recommendation("no")
        eng.submit()
        eng.close()
        sc = store.load_scorecard(eng.round_id)
    assert sc.ended_at == sc.submitted_at == clock.now() and sc.submit_delay_s == 0
