"""The loop record, its status and lateness, coverage and the Harvest-shaped export."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest

from companion.base.errors import CompanionError
from companion.content.planner import plan_loop
from companion.intake.json_reader import SchemaError
from companion.loop.coverage import loop_coverage
from companion.loop.harvest import export_csv, loop_export
from companion.loop.model import assign, loop_from_dict, loop_from_plan, loop_to_dict
from companion.loop.status import Seen, clock, loop_state
from companion.record.decision import Decision
from tests.scorecards import make_scorecard, pack

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "harvest-scorecard.schema.json"
T0 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)


def _loop():  # type: ignore[no-untyped-def]
    plan = plan_loop(pack(), "api", "senior", base=160_000)
    loop = loop_from_plan(plan, "Ada  Obi", "Lena Park", now=T0)
    people = ["Marcus Lee", "Priya Raman", "Marcus Lee", "Tom Ueda"]
    for n, who in enumerate(people, 1):
        loop = assign(loop, n, who, T0 + timedelta(hours=2 * n))
    return loop


def test_a_loop_is_the_plans_live_rounds_and_reads_back_from_its_json() -> None:
    loop = _loop()
    assert [r.template_id for r in loop.rounds] == ["screen", "technical", "scenario",
                                                    "behavioural"]
    assert loop.candidate == "Ada Obi"  # spaces folded once, at creation
    assert loop.rounds[1].items and loop.rounds[1].interviewer == "Priya Raman"
    text = json.dumps(loop_to_dict(loop))
    assert loop_from_dict(json.loads(text)) == loop
    assert loop.find_round("technical") == 2 and loop.find_round("9") is None
    assert [n for n, _ in loop.rounds_of("marcus lee")] == [1, 3]


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d.update(id="x" * 32), "loop.id"),
    (lambda d: d["rounds"][0].update(interviewer=7), "loop.rounds[0].interviewer"),
    (lambda d: d["rounds"][1].update(items=["ok", "no spaces"]), "loop.rounds[1].items[1]"),
    (lambda d: d.update(format_version=9), "update the app"),
    (lambda d: d.update(rounds=[]), "loop.rounds"),
    (lambda d: d["rounds"][0].update(scheduled_at="2026-12-01T10:00"), "no timezone"),
])
def test_a_wrong_loop_is_refused_naming_the_place(change, where) -> None:  # type: ignore[no-untyped-def]
    data = loop_to_dict(_loop())
    change(data)
    with pytest.raises(SchemaError, match=where.replace("[", r"\[").replace("]", r"\]")):
        loop_from_dict(data)


def test_a_closed_loop_takes_no_assignment() -> None:
    with pytest.raises(CompanionError, match="closed"):
        assign(replace(_loop(), closed=True), 1, "Someone")


def test_status_says_who_is_late_and_by_how_long() -> None:
    loop = _loop()
    screen_end = loop.rounds[0].scheduled_end
    assert screen_end is not None
    now = T0 + timedelta(hours=24)
    seen = [
        Seen("ada obi", "Marcus Lee", "screen", T0, screen_end, screen_end + timedelta(hours=1),
             screen_end + timedelta(hours=1)),
        Seen("Ada Obi", "Priya Raman", "technical", T0, T0 + timedelta(hours=5),
             T0 + timedelta(hours=35)),
        Seen("Ada Obi", "Tom Ueda", "behavioural", T0 + timedelta(hours=8)),
        Seen("Someone Else", "Marcus Lee", "scenario", T0, T0, T0),  # another candidate
    ]
    state = loop_state(loop, seen, now)
    assert [r.state for r in state.rounds] == ["published", "submitted", "not started",
                                               "in progress"]
    assert state.scorecards_in == 2 and not state.needs_decision
    technical = state.rounds[1]
    assert technical.late_by == timedelta(hours=6)  # 30 h after its end, due after 24 h
    assert state.rounds[0].late_by is None
    scenario = state.rounds[2]  # scheduled 20:00, 75 min: ended 21:15, 16 h 45 min ago
    assert scenario.late_by is None and scenario.waited == timedelta(hours=16, minutes=45)
    line = state.summary()
    assert line == ("2 of 4 scorecards; waiting on Marcus Lee, scenario round, 16 h after it "
                    "ended; Tom Ueda, behavioural round, 15 h after it ended; in late: Priya Raman "
                    "6 h late"), line
    later = loop_state(loop, seen, now + timedelta(hours=10))
    assert later.rounds[2].late_by == timedelta(hours=2, minutes=45)


def test_every_scorecard_in_needs_a_decision_and_closing_ends_it() -> None:
    loop = _loop()
    seen = [Seen("Ada Obi", r.interviewer, r.template_id, T0, T0, T0 + timedelta(hours=1))
            for r in loop.rounds]
    state = loop_state(loop, seen, T0 + timedelta(days=3))
    assert state.needs_decision and state.summary() == "4 of 4 scorecards; needs decision"
    closed = loop_state(replace(loop, closed=True), seen, T0 + timedelta(days=3))
    assert not closed.needs_decision and closed.summary().endswith("decided")


def test_coverage_warns_when_a_weighted_dimension_has_one_interviewer() -> None:
    loop = _loop()
    cover = {d.dimension: d for d in loop_coverage(pack(), loop).dimensions}
    assert cover["design"].rounds == (3,) and cover["design"].interviewers == 1
    warnings = loop_coverage(pack(), loop).warnings()
    assert any("System design" in w and "one interviewer" in w for w in warnings), warnings
    # The same person on every round that asks about a dimension is still one reading.
    solo = loop
    for n in (2, 3, 4):
        solo = assign(solo, n, "Marcus Lee")
    assert any("API and service design" in w
               for w in loop_coverage(pack(), solo).warnings())


def _export(include_private: bool):  # type: ignore[no-untyped-def]
    loop = _loop()
    tech = loop.rounds[1]
    sc = make_scorecard(pack(), interviewer="Priya Raman", candidate="Ada Obi",
                        item_ids=tech.items, ratings={tech.items[0]: "strong"},
                        recommendation="strong_no")
    sc = replace(sc, read="PRIVATE-ROUND-READ")
    seen = [Seen(sc.candidate, sc.interviewer, sc.template_id, sc.started_at, sc.ended_at,
                 sc.submitted_at)]
    state = loop_state(loop, seen, T0 + timedelta(hours=30))
    decision = Decision("Ada Obi", "no_hire", "Lena Park", T0 + timedelta(days=2))
    return loop_export(loop, state, [sc], decision, pack(), include_private,
                       now=T0 + timedelta(days=2)), sc


def test_the_export_validates_against_harvests_scorecard_schema() -> None:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    doc, _ = _export(include_private=False)
    jsonschema.validate(json.loads(json.dumps(doc)), schema)
    h = doc["scorecards"][0]["harvest"]
    assert h["overall_recommendation"] == "definitely_not"
    assert h["interviewer"] == {"id": None, "first_name": "Priya", "last_name": "Raman",
                                "name": "Priya Raman", "employee_id": None}
    assert h["attributes"][0]["rating"] == "strong_yes" and h["attributes"][1]["rating"] == "yes"
    assert h["ratings"]["strong_yes"] == [h["attributes"][0]["name"]]
    assert doc["scorecards"][0]["loop_round"] == 2
    # A wrong rating word is what the schema exists to catch.
    h["overall_recommendation"] = "maybe"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)


def test_private_notes_go_out_only_when_asked() -> None:
    doc, sc = _export(include_private=False)
    text = json.dumps(doc)
    assert "PRIVATE-ROUND-READ" not in text and sc.items[0].read not in text
    assert "Private notes" not in text
    private, _ = _export(include_private=True)
    text = json.dumps(private)
    assert "PRIVATE-ROUND-READ" in text and sc.items[0].read in text


def test_the_csv_has_one_row_per_scorecard_and_no_formulas() -> None:
    doc, _ = _export(include_private=False)
    doc["loop"]["candidate"] = "=HYPERLINK(1)"
    rows = export_csv(doc).splitlines()
    assert len(rows) == 2 and rows[0].startswith("loop_id,candidate,loop_round")
    assert ",'=HYPERLINK(1)," in rows[1] and "definitely_not" in rows[1]
    assert rows[1].endswith(doc["scorecards"][0]["companion_id"]) and ",no_hire," in rows[1]


def test_a_round_the_team_store_heard_submitted_is_not_yet_published_until_it_arrives() -> None:
    loop = _loop()
    heard = T0 + timedelta(hours=10)
    rounds = list(loop.rounds)
    rounds[3] = replace(rounds[3], started_at=T0 + timedelta(hours=8), submitted_at=heard)
    loop = replace(loop, rounds=tuple(rounds))
    assert loop_from_dict(json.loads(json.dumps(loop_to_dict(loop)))) == loop
    published = [Seen("Ada Obi", r.interviewer, r.template_id, T0, T0, T0 + timedelta(hours=1),
                      T0 + timedelta(hours=1)) for r in loop.rounds[:3]]
    now = heard + timedelta(hours=3)
    state = loop_state(loop, published, now)
    last = state.rounds[3]
    assert last.state == "submitted" and last.unpublished_since == heard
    assert last.submitted_at == heard and last.late_by is None
    assert last.describe() == f"submitted at {clock(heard)}, not yet published (3 h ago)"
    assert state.scorecards_in == 4 and not state.needs_decision
    assert state.summary() == ("4 of 4 scorecards; not yet published: Tom Ueda, behavioural "
                               f"round, submitted at {clock(heard)}, not yet published "
                               "(3 h ago)")
    arrived = Seen("Ada Obi", "Tom Ueda", "behavioural", T0, T0, heard, now)
    state = loop_state(loop, [*published, arrived], now)
    assert state.rounds[3].unpublished_since is None and state.rounds[3].state == "published"
    assert state.needs_decision
