"""The whole team flow on a real server: two interviewers and a panel lead, three data folders.

Each interviewer connects their own data folder, runs a round through the real
engine and publishes it with the command line; the server keeps each one's
scorecard closed to the other until both are in (raw SQL refused, not merely
hidden by the app); one amends after submitting; the lead, on a third folder,
makes the debrief PDF from the team store, and the amendment shows as one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from companion.live.engine import ROUND
from companion.store import Store
from tests.conftest import run_cli
from tests.publish_support import member, run_round, server_counts
from tests.scorecards import pack, pdf_body
from tests.team_support import TeamDb

CANDIDATE = "Mei Lin"


def ok(data: Path, *args: str) -> str:
    res = run_cli(*args, data_dir=data)
    assert res.returncode == 0, f"{args}: {res.stderr}"
    return res.stdout


def visible_to(db: TeamDb, role: str) -> list[str]:
    """What a login sees of the candidate's scorecards with plain SQL, no app involved."""
    with db.raw(role) as conn:
        return sorted(str(r[0]) for r in conn.execute(
            "SELECT interviewer FROM companion.read_scorecards(%s, NULL)", (CANDIDATE,)))


def test_two_interviewers_and_a_lead_through_the_team_store(db: TeamDb, tmp_path: Path) -> None:
    sam = member(db, "sam", "interviewer", "Sam Okafor", tmp_path)
    lee = member(db, "lee", "interviewer", "Lee Chen", tmp_path)
    ana = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    for person in (sam, lee, ana):
        ok(person.data, "team", "connect", "--publish-existing", db.conninfo(person.role))
    # Played in the past: the server refuses an amendment dated after its own now.
    start = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=4)

    # Sam interviews, submits and publishes.
    with Store.open(sam.data) as store:
        played = run_round(store, "Sam Okafor", CANDIDATE, rating="strong", start=start,
                           keep_open=True)
    assert "published round" in ok(sam.data, "team", "publish")

    # Lee has not submitted: the server shows Lee nothing of Sam's, and refuses changes.
    assert visible_to(db, lee.role) == []
    with db.raw(lee.role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("UPDATE companion_data.scorecards SET payload = '{}'::jsonb")
    with db.raw(lee.role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute("DELETE FROM companion_data.scorecards")
    with db.raw(lee.role) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(  # a scorecard under Sam's name, from Lee's login
            "INSERT INTO companion_data.scorecards (id, owner, published_by, interviewer, "
            "candidate, submitted_at, format_version, content_sha256, payload) "
            "VALUES ('forged', %s, %s, 'Sam Okafor', %s, now(), 2, 'x', "
            "jsonb_build_object('id', 'forged', "
            "'candidate', %s::text, 'interviewer', 'Sam Okafor', 'submitted_at', now()))",
            (sam.role, lee.role, CANDIDATE, CANDIDATE))

    # Nor does calibration over the team store show Lee a figure built on Sam's round.
    early = json.loads(ok(lee.data, "calibration", "--team", "--json"))
    assert early["scope"]["scorecards"] == 0 and early["interviewers"] == []

    # Lee interviews and publishes; now each sees both.
    with Store.open(lee.data) as store:
        run_round(store, "Lee Chen", CANDIDATE, rating="thin",
                  start=start + timedelta(minutes=90))
    assert "published round" in ok(lee.data, "team", "publish")
    assert visible_to(db, lee.role) == visible_to(db, sam.role) == ["Lee Chen", "Sam Okafor"]
    assert json.loads(ok(lee.data, "calibration", "--team", "--json"))["scope"][
        "scorecards"] == 2

    # Sam changes a rating and the summary after submission; the amendments follow.
    played.clock.advance(3 * 3600)
    played.engine.rate("mid")
    played.engine.set_summary("On reflection: solid, not outstanding.")
    played.engine.edit_notes("read", "Re-read after the debrief.", item_id=ROUND)
    played.engine.close()
    out = ok(sam.data, "team", "publish")
    assert "published amendment 1 of round" in out and "published amendment 2" in out
    assert server_counts(db)[0] == 2

    # Only a panel lead records the panel's decision; the server refuses an interviewer.
    res = run_cli("candidate", "decide", CANDIDATE, "--no-hire", data_dir=lee.data)
    assert res.returncode == 2 and "the team store refused to record the decision" in \
        res.stderr
    said = ok(ana.data, "candidate", "decide", "mei lin", "--hire", "--level", "senior",
              "--note", "Offer at the top of the band.")
    assert said.strip() == (f"recorded in the team store for {CANDIDATE}: Hire at Senior "
                            "(decided by Ana Pereira)")

    # Calibration over the team store: the lead reads both rounds and the decision.
    figures = json.loads(ok(ana.data, "calibration", "--team", "--json"))
    scope = figures["scope"]
    assert (scope["scorecards"], scope["candidates"], scope["decided_candidates"]) == (2, 1, 1)
    assert {p["name"] for p in figures["interviewers"]} == {"Sam Okafor", "Lee Chen"}

    # The lead's debrief, from the team store alone (the lead's folder holds no rounds).
    pdf = tmp_path / "debrief.pdf"
    said = ok(ana.data, "panel", "--team", CANDIDATE.lower(), "--pdf", str(pdf))
    assert f"2 scorecards of {CANDIDATE} from the team store, 3 amendments" in said
    text = " ".join(pdf_body(pdf).split())
    assert f"Panel debrief: {CANDIDATE}" in text
    assert "Sam Okafor" in text and "Lee Chen" in text
    assert "Panel decision Hire at Senior · decided by Ana Pereira" in text
    assert "Offer at the top of the band." in text
    section = text[text.index("Amended after submission"):]
    scenario = pack().find_item(played.engine.items[0].id)
    assert scenario is not None
    assert f"Sam Okafor, {(start + timedelta(seconds=3 * 3600 + 630)):%Y-%m-%d %H:%M} UTC: " \
           f"Rating of {scenario.title} Before: Strong After: Mid" in section
    assert "After: On reflection: solid, not outstanding." in section
    with Store.open(ana.data) as store:
        assert store.list_rounds() == []
