"""Loops in the team store (t0003), tried from the adversary's seat with plain psycopg.

A lead plans and assigns; an interviewer reads only loops with a round of theirs and
can neither plan nor assign; for a candidate with a loop, the server stores only a
scorecard of a round assigned to the caller in an open loop, so the token move (an
empty scorecard of a candidate one never interviewed, to read colleagues' early) is
refused; a lead may still import a hand-carried file for the member it names.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from companion.content.planner import plan_loop
from companion.exchange.files import FORMAT_VERSION, canonical_json, content_hash
from companion.exchange.schema import scorecard_to_dict
from companion.loop.model import assign, loop_from_plan, loop_to_dict
from companion.record.scorecard import Scorecard
from companion.team import loops, schema
from tests.scorecards import make_scorecard, pack
from tests.team_support import TeamDb
from tests.test_team_security import DENIED, publish_sql, refused

CANDIDATE = "Rui Costa"
AT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)


def _card(interviewer: str, template: str = "technical", items: tuple[str, ...] = (),
          candidate: str = CANDIDATE) -> Scorecard:
    sc = make_scorecard(pack(), interviewer=interviewer, candidate=candidate,
                        item_ids=items, sc_id=uuid.uuid4().hex)
    return replace(sc, template_id=template, started_at=AT, ended_at=AT + timedelta(hours=1),
                   submitted_at=AT + timedelta(hours=2))


def _planned(db: TeamDb, lead: str) -> str:
    loop = loop_from_plan(plan_loop(pack(), "api", "senior"), CANDIDATE, "someone")
    loop = assign(loop, 2, "Sam Okafor", AT)
    with db.begin(lead) as conn:
        loops.create_loop(conn, loop)
    return loop.id


def test_a_lead_plans_and_assigns_and_interviewers_cannot(db: TeamDb) -> None:
    lead = db.add("ana", "lead", "Ana Pereira")
    sam = db.add("sam", "interviewer", "Sam Okafor")
    lee = db.add("lee", "interviewer", "Lee Chen")
    loop_id = _planned(db, lead)
    with db.begin(lead) as conn:
        loops.assign_round(conn, loop_id, 3, "lee  chen", AT + timedelta(hours=2))
        stored = loops.find_loop(conn, loop_id)
    # The server names who planned it and writes the member's own spelling.
    assert stored.created_by == "Ana Pereira"
    assert stored.rounds[2].interviewer == "Lee Chen"
    assert stored.rounds[2].scheduled_at == AT + timedelta(hours=2)
    with db.begin(lead) as conn, pytest.raises(Exception, match="not an interviewer"):
        loops.assign_round(conn, loop_id, 4, "Nobody Known", None)

    with db.raw(sam) as conn:
        seen = conn.execute("SELECT id, payload FROM companion.read_loops()").fetchall()
        assert [r[0] for r in seen] == [loop_id]
        payload = json.dumps(loop_to_dict(replace(stored, id=uuid.uuid4().hex)))
        assert refused(conn, "SELECT companion.create_loop(%s)", (payload,)) == DENIED
        assert refused(conn, "SELECT companion.assign_round(%s, 2, 'Lee Chen', NULL)",
                       (loop_id,)) == DENIED
        assert refused(conn, "SELECT companion.close_loop(%s)", (loop_id,)) == DENIED
        for sql in ("SELECT count(*) FROM companion_data.loops",
                    "SELECT count(*) FROM companion_data.loop_rounds",
                    "UPDATE companion_data.loop_rounds SET interviewer_role = session_user"):
            assert refused(conn, sql) == DENIED, sql
    with db.raw(lee) as conn:  # round 3 is Lee's now: the loop is his to read
        assert len(conn.execute("SELECT id FROM companion.read_loops()").fetchall()) == 1
    # A start time is the interviewer's report (round_started), never the lead's payload.
    rounds = list(stored.rounds)
    rounds[1] = replace(rounds[1], started_at=AT)
    forged = replace(stored, id=uuid.uuid4().hex, rounds=tuple(rounds))
    with db.begin(lead) as conn:
        loops.create_loop(conn, forged)
        assert loops.find_loop(conn, forged.id).rounds[1].started_at is None
    other = db.add("kim", "interviewer", "Kim Ito")
    with db.raw(other) as conn:
        assert conn.execute("SELECT id FROM companion.read_loops()").fetchall() == []


def test_the_token_move_is_refused_and_the_assigned_round_goes_through(db: TeamDb) -> None:
    lead = db.add("ana", "lead", "Ana Pereira")
    sam = db.add("sam", "interviewer", "Sam Okafor")
    eve = db.add("eve", "interviewer", "Eve Marsh")
    loop_id = _planned(db, lead)

    # Eve never interviewed Rui Costa: an empty scorecard of him would, under t0002,
    # have opened Sam's to her. Now the server refuses it, in plain SQL.
    token = _card("Eve Marsh", items=())
    with db.raw(eve) as conn:
        assert refused(conn, *publish_sql(token)) == DENIED
    # Sam may not publish a round of the loop that is not his either.
    with db.raw(sam) as conn:
        assert refused(conn, *publish_sql(_card("Sam Okafor", template="scenario"))) == DENIED
        mine = _card("Sam Okafor")
        conn.execute(*publish_sql(mine))
        conn.commit()
    with db.raw(eve) as conn:
        assert conn.execute("SELECT id FROM companion.read_scorecards(%s, NULL)",
                            (CANDIDATE,)).fetchall() == []
    # With loops optional (this store, see tests/team_support.py: a team that plans no
    # loops), a candidate without a loop keeps t0002's rule; tests/test_team_loops_required.py
    # has the default.
    with db.raw(eve) as conn:
        conn.execute(*publish_sql(_card("Eve Marsh", candidate="Someone Else")))
        conn.commit()
    # A lead may still import Eve's hand-carried file for her.
    carried = _card("Eve Marsh", template="behavioural")
    with db.raw(lead) as conn:
        payload = scorecard_to_dict(carried)
        conn.execute("SELECT companion.import_scorecard(%s, %s, %s, %s, %s)",
                     ("Eve Marsh", carried.id, FORMAT_VERSION, content_hash(payload),
                      canonical_json(payload).decode()))
        conn.commit()
    # Once the panel decided, the loop is closed: no new scorecard goes in through it.
    with db.begin(lead) as conn:
        loops.close_loop(conn, loop_id)
    with db.raw(sam) as conn:
        assert refused(conn, *publish_sql(_card("Sam Okafor"))) == DENIED
        # ... but sending the same scorecard again (a publish whose answer was lost) is fine.
        assert conn.execute(*publish_sql(mine)).fetchone() == ("same",)


def test_t0003_goes_down_to_t0002_and_up_again(db: TeamDb) -> None:
    lead = db.add("ana", "lead", "Ana Pereira")
    db.add("sam", "interviewer", "Sam Okafor")
    _planned(db, lead)
    with db.begin() as conn:
        schema.downgrade(conn, "t0002")
    with db.begin() as conn:
        assert conn.exec_driver_sql("SELECT to_regclass('companion.loops')").scalar() is None
        schema.upgrade(conn)
    with db.begin(lead) as conn:
        assert loops.read_loops(conn).loops == []
