"""A loop end to end on a real PostgreSQL server, three interviewers on three data folders.

A panel lead plans a loop of four rounds for a candidate and assigns three
interviewers; each starts their round from "Your rounds" in the real window without
typing the candidate (one of them, Lee, on a clock set to the scheduled time, and
submits a day and more after the round ended); ``loop list``, ``loop show`` and page 1
of the debrief say who is out and how late; the token move is refused by the server
in plain SQL; the decision closes the loop; the Harvest-shaped export validates
against the JSON schema. Then, with the server stopped, an interviewer starts an
assigned round from the local copy of the loop, and it publishes once the server is
back.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from companion.store.loops import find_loop
from companion.ui.your_rounds import YourRounds
from tests.conftest import run_cli
from tests.pg_server import PgServer
from tests.publish_support import Member, member, server_counts
from tests.scorecards import make_scorecard, pack, pdf_pages
from tests.team_support import TeamDb, create_database, drop_database
from tests.test_team_security import DENIED, publish_sql, refused
from tests.ui_helpers import loaded, open_window

CANDIDATE = "Rui Costa"
SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "harvest-scorecard.schema.json"


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    """A server of this module's own: the offline part stops it."""
    srv = PgServer.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def db(own_server: PgServer) -> Iterator[TeamDb]:
    fresh = create_database(own_server)
    try:
        yield fresh
    finally:
        drop_database(fresh)


def ok(data: Path, *args: str) -> str:
    res = run_cli(*args, data_dir=data)
    assert res.returncode == 0, f"{args}: {res.stderr}"
    return res.stdout


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S+00:00")


def start_from_your_rounds(qtbot: QtBot, person: Member, *, submit: bool = True) -> str:
    """Open the real window on ``person``'s folder, press Return on Your rounds' first row.

    The window's team worker copies this login's loops on its first run; nothing about
    the candidate is typed. Returns the round's id.
    """
    window = open_window(qtbot, person.data)
    with loaded(window, person.data):
        start = window.start_screen
        start.interviewer.setText(person.name)
        start.interviewer.editingFinished.emit()
        card = start.your_rounds
        # The card builds its list when it first has rounds to show (YourRounds._build).
        qtbot.waitUntil(lambda: card.isVisible() and card.list.topLevelItemCount() > 0,
                        timeout=30_000)
        assert start.candidate.text() == ""
        card.list.setFocus()
        qtbot.keyClick(card.list, Qt.Key.Key_Return)
        engine = window.bridge.engine
        assert engine is not None and window.stack.currentWidget() is window.live_host
        sc = engine.scorecard()
        assert sc.candidate == CANDIDATE and sc.interviewer == person.name
        engine.start_round()
        if sc.items:  # a screening call asks no pack questions
            engine.rate("mid")
        engine.set_recommendation("yes")
        if submit:
            assert engine.submit()
        round_id = engine.round_id
        window.team_wiring.stop()
    return round_id


def test_a_loop_from_plan_to_export_on_a_real_server(qtbot: QtBot, db: TeamDb,
                                                    own_server: PgServer,
                                                    tmp_path: Path) -> None:
    ana = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    sam = member(db, "sam", "interviewer", "Sam Okafor", tmp_path)
    lee = member(db, "lee", "interviewer", "Lee Chen", tmp_path)
    kim = member(db, "kim", "interviewer", "Kim Ito", tmp_path)
    eve = member(db, "eve", "interviewer", "Eve Marsh", tmp_path)
    for person in (ana, sam, lee, kim, eve):
        ok(person.data, "team", "connect", db.conninfo(person.role))
    now = datetime.now(UTC).replace(microsecond=0)

    # The lead plans the loop and assigns three interviewers to its four rounds.
    made = ok(ana.data, "loop", "create", CANDIDATE, "--archetype", "api", "--level", "senior")
    assert "4 rounds (in the team store)" in made
    for rnd, person, at in (("1", kim, now - timedelta(hours=28)),
                            ("technical", sam, now - timedelta(hours=1)),
                            ("scenario", lee, now - timedelta(hours=30)),
                            ("4", kim, now - timedelta(hours=27))):
        ok(ana.data, "loop", "assign", rnd, person.name, "--at", _when(at))
    with Store.open(ana.data) as store:
        loop = find_loop(store, CANDIDATE)
    assert loop is not None and loop.created_by == "Ana Pereira"

    # Sam and Kim start from Your rounds in the window and submit; each publishes.
    start_from_your_rounds(qtbot, sam)
    start_from_your_rounds(qtbot, kim)  # the soonest of Kim's two: the screening call
    for person in (sam, kim):  # the window's worker may have sent it already
        assert ok(person.data, "team", "publish").strip().endswith(" 0 waiting")
    assert server_counts(db)[0] == 2

    # Lee ran the scenario round at its time and writes it up 29 hours after it ended:
    # the round started from his Your rounds, on a clock set to the schedule.
    assert "scenario" in ok(lee.data, "loop", "list")  # also copies his loop here
    with Store.open(lee.data) as store:
        card = YourRounds()  # the start screen's widget, on Lee's file
        qtbot.addWidget(card)
        card.me = lambda: "Lee Chen"
        card.set_sources(store, pack())
        request = card.request()  # what Return would start: nothing typed
        assert request is not None and request.candidate == CANDIDATE
        mine = find_loop(store, CANDIDATE)
        assert mine is not None and mine.rounds[2].scheduled_at is not None
        assert request.planned.template.id == "scenario"
        clock = ManualClock(mine.rounds[2].scheduled_at)
        engine = RoundEngine.start(store, pack(), request.planned, candidate=request.candidate,
                                   interviewer=request.interviewer,
                                   archetype=request.archetype, level=request.level,
                                   clock=clock)
        engine.start_round()
        engine.rate("thin")
        clock.advance(3600)
        engine.pause()  # the round ends here
        clock.advance(29 * 3600)
        engine.set_recommendation("no")
        assert engine.submit()
        engine.close()
    assert "published round" in ok(lee.data, "team", "publish")
    assert server_counts(db)[0] == 3

    # The lead sees who is out and who was late.
    listed = ok(ana.data, "loop", "list")
    assert (f"{loop.id[:8]}  {CANDIDATE}: 3 of 4 scorecards; waiting on Kim Ito, behavioural "
            "round, 26 h after it ended; in late: Lee Chen 5 h late") in listed, listed
    shown = ok(ana.data, "loop", "show", CANDIDATE)
    assert "3. System design scenario (75 min): Lee Chen" in shown
    assert "[published, 5 h late]" in shown and "[not started, 2 h late]" in shown
    pdf = tmp_path / "debrief.pdf"
    ok(ana.data, "panel", "--team", CANDIDATE, "--pdf", str(pdf))
    page1 = " ".join(pdf_pages(pdf)[0].split())
    assert ("Loop 3 of 4 scorecards; waiting on Kim Ito, behavioural round, 26 h after it "
            "ended; in late: Lee Chen 5 h late") in page1, page1
    assert "Measured against the plan" in page1

    # The token move: Eve never interviewed Rui Costa, and the server refuses her card.
    token = replace(make_scorecard(pack(), interviewer="Eve Marsh", candidate=CANDIDATE,
                                   item_ids=(), sc_id=uuid.uuid4().hex), template_id="technical")
    with db.raw(eve.role) as conn:
        assert refused(conn, *publish_sql(token)) == DENIED
        assert conn.execute("SELECT count(*) FROM companion.read_scorecards(%s, NULL)",
                            (CANDIDATE,)).fetchone() == (0,)

    # The panel decides: the loop closes, and the export validates against Harvest's shape.
    assert "loop is closed" in ok(ana.data, "candidate", "decide", CANDIDATE, "--no-hire")
    out = tmp_path / "rui.json"
    ok(ana.data, "loop", "export", CANDIDATE, "-o", str(out), "--csv",
       str(tmp_path / "rui.csv"))
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert doc["decision"]["outcome"] == "no_hire" and len(doc["scorecards"]) == 3
    assert {s["harvest"]["interviewer"]["name"] for s in doc["scorecards"]} == {
        "Sam Okafor", "Kim Ito", "Lee Chen"}
    assert doc["loop"]["rounds"][2]["late_by_hours"] == 5.0
    assert len((tmp_path / "rui.csv").read_text(encoding="utf-8").splitlines()) == 4


def test_offline_an_assigned_round_starts_from_the_local_copy_and_publishes_later(
        qtbot: QtBot, db: TeamDb, own_server: PgServer, tmp_path: Path) -> None:
    ana = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    sam = member(db, "sam", "interviewer", "Sam Okafor", tmp_path)
    for person in (ana, sam):
        ok(person.data, "team", "connect", db.conninfo(person.role))
    ok(ana.data, "loop", "create", CANDIDATE, "--archetype", "api", "--level", "senior")
    ok(ana.data, "loop", "assign", "technical", sam.name)
    ok(sam.data, "loop", "list")  # online once: the loop is copied to Sam's laptop

    own_server.halt()
    try:
        listed = run_cli("loop", "list", data_dir=sam.data)
        assert listed.returncode == 0 and CANDIDATE in listed.stdout
        assert "showing the loops as last copied to this computer" in listed.stderr
        round_id = start_from_your_rounds(qtbot, sam)
        waiting = run_cli("team", "publish", data_dir=sam.data)
        assert "published round" not in waiting.stdout
    finally:
        own_server.resume()
    assert ok(sam.data, "team", "publish").strip().endswith(" 0 waiting")
    with db.raw(sam.role) as conn:
        assert conn.execute("SELECT id FROM companion.read_scorecards(%s, NULL)",
                            (CANDIDATE,)).fetchall() == [(round_id,)]


def test_a_round_begun_from_your_rounds_shows_in_progress_to_the_lead(
        qtbot: QtBot, db: TeamDb, tmp_path: Path) -> None:
    ana = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    sam = member(db, "sam", "interviewer", "Sam Okafor", tmp_path)
    for person in (ana, sam):
        ok(person.data, "team", "connect", db.conninfo(person.role))
    ok(ana.data, "loop", "create", CANDIDATE, "--archetype", "api", "--level", "senior")
    ok(ana.data, "loop", "assign", "technical", sam.name)

    start_from_your_rounds(qtbot, sam, submit=False)  # begun, not submitted
    with db.raw(ana.role) as conn:
        def started() -> bool:
            (payload,) = conn.execute("SELECT payload::text FROM companion.read_loops()"
                                      ).fetchone() or ("",)
            conn.rollback()
            return json.loads(str(payload))["rounds"][1].get("started_at") is not None
        qtbot.waitUntil(started, timeout=30_000)
    rounds = json.loads(ok(ana.data, "loop", "list", "--json"))[0]["rounds"]
    assert [r["state"] for r in rounds] == ["not started", "in progress", "not started",
                                            "not started"]
    # Nobody else may say so for Sam, not even the lead.
    with db.raw(ana.role) as conn:
        loop_id = conn.execute("SELECT id FROM companion.read_loops()").fetchone()
        assert loop_id is not None
        assert refused(conn, "SELECT companion.round_started(%s, 2)", (loop_id[0],)) == DENIED
