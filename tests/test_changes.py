"""Changes as data: every change type applied, stored, exported and read back the same."""

from __future__ import annotations

import shutil
from dataclasses import fields
from datetime import timedelta
from pathlib import Path

import pytest

from companion.exchange.files import read_scorecard_file, write_scorecard_file
from companion.intake.json_reader import Obj, SchemaError
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.record import change_text
from companion.record.change_codec import amendment_from, amendment_to_dict, edit_from, edit_to_dict
from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    Change,
    EditText,
    Move,
    Rate,
    Recommend,
    StepFlag,
    Submit,
    TimerRecord,
    Timers,
)
from companion.record.scorecard import Scorecard
from companion.store import Store, writes
from companion.store.db import DB_NAME
from tests.fixtures.samples import T0, sample_pack, sample_planned

FIXTURES = Path(__file__).parent / "fixtures"


def _every_change(card: Scorecard) -> list[Change]:
    """At least one change of every type, in an order a real round could make them."""
    opener, scenario = card.items[0].item_id, card.items[-1].item_id
    at = T0 + timedelta(minutes=5)
    later = T0 + timedelta(hours=2)
    return [
        Rate(opener, "thin", at),
        AnswerProbe(opener, "p-scale", True, "mid", "read replicas", at),
        AnswerProbe(scenario, "failure.queue", True, "thin", "retries forever", at),
        StepFlag("rf-blame", "probed", at, "the ops team broke it", opener),
        EditText(opener, "said", "ran billing"),
        EditText(opener, "read", "owned it"),
        EditText(ROUND, "said", "round said"),
        EditText(ROUND, "read", "round read"),
        Move(len(card.items) - 1),
        Timers(TimerRecord(
            round_elapsed_s=900.0, section_index=1, started=True,
            section_elapsed=tuple(600.0 if i == 0 else 300.0 if i == 1 else 0.0
                                  for i in range(len(card.sections))),
            section_started_at=tuple(T0 if i < 2 else None for i in range(len(card.sections))),
            section_paused_at=(None,) * len(card.sections), listen=(0.0, 180.0), sketch=None,
            item_time=((opener, 600.0), (scenario, 300.0)), current_index=1)),
        Recommend("no"),
        EditText(ROUND, "summary", "thin on failure"),
        Submit(T0 + timedelta(minutes=40), T0 + timedelta(minutes=38)),
        *(Amendment(later, edit, card_undo, "second look")
          for edit, card_undo in (
              (Rate(scenario, "mid", later), Rate(scenario, None, None)),
              (AnswerProbe(scenario, "failure.queue", True, "mid", "dead letters", later),
               AnswerProbe(scenario, "failure.queue", True, "thin", "retries forever", at)),
              (StepFlag("rf-blame", "off", later), StepFlag("rf-blame", "probed", at)),
              (StepFlag("rf-buzzwords", "confirmed", later, "mesh", scenario),
               StepFlag("rf-buzzwords", "off", later)),
              (EditText(opener, "said", "ran billing for 2 years"),
               EditText(opener, "said", "ran billing")),
              (EditText(ROUND, "summary", "better"), EditText(ROUND, "summary", "thin on failure")),
              (Recommend("yes"), Recommend("no")),
          )),
    ]


def test_every_change_type_survives_the_store_and_an_exchange_file(tmp_path: Path) -> None:
    pack = sample_pack()
    with Store.open(tmp_path / "data") as store:
        eng = RoundEngine.start(store, pack, sample_planned(pack), candidate="Mei Lin",
                                interviewer="Sam Ortiz", archetype="api", level="senior",
                                clock=ManualClock(T0))
        eng.release()
        card = store.load_scorecard(eng.round_id)
        changes = _every_change(card)
        kinds = {type(c) for c in changes} | {type(c.change) for c in changes
                                               if isinstance(c, Amendment)}
        assert kinds == {Rate, AnswerProbe, StepFlag, EditText, Recommend, Submit, Move, Timers,
                         Amendment}
        for change in changes:
            card = card.apply(change)
            with store.write() as s:
                writes.write(s, eng.round_id, change)
        stored = store.load_scorecard(eng.round_id)

    assert stored == card
    assert card.submitted_at == T0 + timedelta(minutes=40)
    assert card.ended_at == T0 + timedelta(minutes=38)
    assert card.recommendation == "yes" and card.summary == "better"
    assert [f.state for f in card.flags] == ["off", "confirmed"]
    assert card.duration_s == 900.0 and card.items[0].time_spent_s == 600.0
    assert len(card.amendments) == 7
    back = read_scorecard_file(write_scorecard_file(stored, tmp_path / "card.json"), pack)
    assert back == card


def test_a_change_applied_twice_is_applied_once() -> None:
    card = Scorecard.begin(sample_card_header(), "r1")
    step = StepFlag("rf-blame", "probed", T0, "", None)
    assert card.apply(step).apply(step) == card.apply(step)


def sample_card_header() -> Scorecard:
    from tests.fixtures.samples import sample_scorecard

    return sample_scorecard()


@pytest.mark.parametrize("edit", [
    Rate("q", "mid", T0), Rate("q", None, None),
    AnswerProbe("q", "failure.db", False, None, "", None),
    StepFlag("rf", "confirmed", T0, "why", "q"), StepFlag("rf", "off", T0),
    EditText(ROUND, "summary", "s"), EditText("q", "read", "r"), Recommend(None),
])
def test_edits_encode_and_decode_to_the_same_value(edit: Rate) -> None:
    assert edit_from(Obj(edit_to_dict(edit), "change")) == edit


@pytest.mark.parametrize(("data", "problem"), [
    ({"type": "rate", "item": "q", "rating": "thin\u200f", "at": None}, "rating"),
    ({"type": "rate", "item": "q", "rating": ["mid"], "at": None}, "rating"),
    ({"type": "text", "item": "q", "field": "summary", "text": ""}, "only the round"),
    ({"type": "delete-everything"}, "type"),
    ({"type": "flag", "flag": "rf", "state": "maybe", "at": T0.isoformat(), "evidence": "",
      "item": None}, "state"),
])
def test_edits_that_are_not_edits_are_refused(data: dict[str, object], problem: str) -> None:
    with pytest.raises(SchemaError, match=problem):
        edit_from(Obj(data, "change"))


def test_an_undo_must_undo_the_same_thing() -> None:
    a = Amendment(T0, Rate("q1", "mid", T0), Rate("q2", "thin", None))
    with pytest.raises(SchemaError, match="does not undo"):
        amendment_from(Obj(amendment_to_dict(a), "amendment"))
    b = Amendment(T0, Rate("q1", "mid", T0), Recommend("no"))
    with pytest.raises(SchemaError, match="not the same kind"):
        amendment_from(Obj(amendment_to_dict(b), "amendment"))


# What the released app stored for the round in the fixtures (make_v2_fixtures.py):
# every amendment, read back through the typed changes.
EXPECTED_V2 = [
    ("Rating of Design an order pipeline", "Thin", "Mid"),
    ("Queue failure probe on Design an order pipeline", "asked, Thin: retries forever",
     "asked, Mid: dead-letter after 5"),
    ("Probe \u201cWhy a cursor?\u201d on Paginate a large listing", "not recorded",
     "asked, Strong: new probe"),
    ("Red flag Blames others", "Probed", "Off"),
    ("Red flag Buzzwords", "Off", "Confirmed (mesh everything)"),
    ("Recommendation", "No", "Yes"),
    ("Rating of Walk me through a system you own", "Mid", "Not rated"),
    ("Notes (what they said) on Walk me through a system you own", "ran the billing API",
     "ran the billing API for 2 years"),
    ("Round notes (my read)", "round read", "round read, amended"),
    ("Summary", "Solid on APIs, thin on failure", "Better than I first thought"),
]


def _described(card: Scorecard) -> list[tuple[str, str, str]]:
    pack = sample_pack()
    return [(change_text.subject(a.change, pack), change_text.value(a.undo),
             change_text.value(a.change)) for a in card.amendments]


def test_each_stored_amendment_of_the_v2_fixture_reads_back_typed(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "v2_companion.sqlite3", tmp_path / DB_NAME)
    with Store.open(tmp_path) as store:
        assert store.backup_path is not None and ".v2-backup-" in store.backup_path.name
        (summary,) = store.list_rounds()
        card = store.load_scorecard(summary.id)
    assert _described(card) == EXPECTED_V2
    assert all(a.at == card.amendments[0].at for a in card.amendments)
    # Current values: every amendment applied over the rows as submitted.
    assert card.recommendation == "yes" and card.summary == "Better than I first thought"
    assert card.item("q-opener") is not None and card.item("q-opener").rating is None
    assert card.item("s-orders").rating == "mid"
    assert [f.state for f in card.flags] == ["off", "confirmed"]
    assert card.flags[1].evidence == "mesh everything"


def test_a_format_1_file_written_by_the_released_app_still_imports(tmp_path: Path) -> None:
    pack = sample_pack()
    from_file = read_scorecard_file(FIXTURES / "v1_scorecard.icscore.json", pack)
    assert _described(from_file) == EXPECTED_V2
    shutil.copy(FIXTURES / "v2_companion.sqlite3", tmp_path / DB_NAME)
    with Store.open(tmp_path) as store:
        stored = store.load_scorecard(from_file.id)
    # The file and the upgraded database hold the same round, the same way.
    assert from_file == stored
    assert {f.name for f in fields(Scorecard)} >= {"ended_at", "amendments"}
