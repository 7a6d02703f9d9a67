"""Loops required (t0005): the token move refused for every candidate, and a round's
progress seen by the lead before its scorecard arrives. Against a real server.

* With loops required (the default of every store, new or upgraded), an interviewer's
  scorecard of a candidate without any loop is refused, in plain SQL and through the
  app, and the outbox holds it with a line that says what to do instead of retrying.
* A lead's import of a hand-carried file still goes in; an admin may turn the rule
  off (audited), and then the same scorecard goes in.
* The interviewer's app says "submitted" for an assigned round ahead of the
  scorecard; when the scorecard is then refused, the lead's ``loop list`` says
  "submitted at HH:MM, not yet published".
"""

from __future__ import annotations

import importlib
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.content.planner import plan_loop
from companion.demo.pair_script import ARCHETYPE, LEVEL, TEMPLATE
from companion.exchange.files import FORMAT_VERSION, canonical_json, content_hash
from companion.exchange.schema import scorecard_to_dict
from companion.loop.model import assign, loop_from_plan
from companion.loop.status import clock
from companion.record.scorecard import Scorecard
from companion.store import outbox
from companion.store.db import DB_NAME
from companion.team import loops, rules, schema, server
from companion.team.errors import TeamLoopRuleError
from companion.team.settings import EVERYTHING
from tests.pg_server import PgServer
from tests.publish_support import member, publisher, run_round
from tests.scorecards import make_scorecard, pack
from tests.team_support import TeamDb, create_database, drop_database
from tests.test_team_security import DENIED, publish_sql, refused

AT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=6)


@pytest.fixture
def db(pg_server: PgServer) -> Iterator[TeamDb]:
    fresh = create_database(pg_server, loops_required=True)
    try:
        yield fresh
    finally:
        drop_database(fresh)


def _card(interviewer: str, candidate: str, template: str = "technical") -> Scorecard:
    sc = make_scorecard(pack(), interviewer=interviewer, candidate=candidate,
                        sc_id=uuid.uuid4().hex)
    return replace(sc, template_id=template, started_at=AT, ended_at=AT + timedelta(hours=1),
                   submitted_at=AT + timedelta(hours=2))


@dataclass
class Ran:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def command(capsys: pytest.CaptureFixture[str]) -> Callable[..., Ran]:
    """A subcommand run in this process (its handler, as ``companion`` dispatches it):
    the same code as the command line without a new interpreter per call."""
    from companion.cli import HANDLERS, parse_args

    def run(folder: Path, *argv: str) -> Ran:
        args = parse_args(["--data-dir", str(folder), *argv])
        module, name = HANDLERS[" ".join(argv[:2])].split(":")
        code = getattr(importlib.import_module(module), name)(args)
        out = capsys.readouterr()
        return Ran(int(code or 0), out.out, out.err)

    return run


def _connected(command: Callable[..., Ran], db: TeamDb, role: str, folder: Path,
               *more: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    res = command(folder, "team", "connect", db.conninfo(role), *more)
    assert res.returncode == 0, res.stderr
    return folder


def test_without_a_loop_the_token_move_is_refused_until_an_admin_turns_loops_off(
        db: TeamDb, tmp_path: Path, command: Callable[..., Ran]) -> None:
    lead = db.add("ana", "lead", "Ana Pereira")
    eve = db.add("eve", "interviewer", "Eve Marsh")
    rita = db.add("rita", "admin", "Rita Admin")
    with db.begin(eve) as conn:
        found = rules.read_rules(conn)
    assert found is not None and found.loops_required

    # Eve never interviewed Noor Haddad, and nobody planned a loop for her: under t0004
    # an empty scorecard of Noor went in. Now it is refused, in plain SQL ...
    token = _card("Eve Marsh", "Noor Haddad")
    with db.raw(eve) as conn:
        assert refused(conn, *publish_sql(token)) == DENIED
    # ... and through the app, with the reason and what to do.
    with db.begin(eve) as conn, pytest.raises(TeamLoopRuleError) as caught:
        server.publish_scorecard(conn, token)
    assert "no open loop in the team store assigns you" in str(caught.value)
    assert "panel lead" in str(caught.value)

    # A lead may still import a hand-carried file for the member it names.
    carried = _card("Eve Marsh", "Noor Haddad", template="behavioural")
    with db.raw(lead) as conn:
        payload = scorecard_to_dict(carried)
        assert conn.execute("SELECT companion.import_scorecard(%s, %s, %s, %s, %s)",
                            ("Eve Marsh", carried.id, FORMAT_VERSION, content_hash(payload),
                             canonical_json(payload).decode())).fetchone() == ("stored",)
        conn.commit()

    # Only an admin changes the rule: not the interviewer, not the lead.
    for role in (eve, lead):
        with db.raw(role) as conn:
            assert refused(conn, "SELECT companion.set_loops_required(false)") == DENIED
    admin = _connected(command, db, rita, tmp_path / "rita")
    res = command(admin, "team", "settings", "--loops-optional")
    assert res.returncode == 0, res.stderr
    assert f"loops: optional (turned off by {rita}" in res.stdout
    mine = _connected(command, db, eve, tmp_path / "eve")
    status = command(mine, "team", "status")
    assert "loops: optional" in status.stdout, status.stdout
    # The same token now goes in: the team said it plans no loops, knowingly.
    with db.raw(eve) as conn:
        assert conn.execute(*publish_sql(token)).fetchone() == ("stored",)
        conn.commit()
    res = command(admin, "team", "settings", "--loops-required")
    assert res.returncode == 0 and "loops: required" in res.stdout
    assert "loops: required" in command(mine, "team", "status").stdout
    with db.raw(eve) as conn:
        assert refused(conn, *publish_sql(_card("Eve Marsh", "Noor Haddad",
                                                template="scenario"))) == DENIED
    # Each change is in the audit, which not even its admin can rewrite.
    with db.raw(rita) as conn:
        audit = conn.execute("SELECT changed_by, setting, value FROM "
                             "companion.setting_changes ORDER BY id").fetchall()
        assert audit == [(rita, "loops_required", "off"), (rita, "loops_required", "on")]
        assert refused(conn, "DELETE FROM companion.setting_changes") == DENIED


def test_an_upgraded_store_requires_loops_too(pg_server: PgServer) -> None:
    old = create_database(pg_server, revision="t0004")
    try:
        with old.begin() as conn:
            schema.upgrade(conn)
        eve = old.add("eve", "interviewer", "Eve Marsh")
        with old.raw(eve) as conn:
            assert refused(conn, *publish_sql(_card("Eve Marsh", "Noor Haddad"))) == DENIED
            assert conn.execute("SELECT loops_required FROM companion.team_settings()"
                                ).fetchone() == (True,)
    finally:
        drop_database(old)


def test_the_outbox_holds_a_round_no_loop_assigns_with_a_line_that_says_why(
        db: TeamDb, tmp_path: Path, command: Callable[..., Ran]) -> None:
    eve = member(db, "eve", "interviewer", "Eve Marsh", tmp_path)
    with eve.store() as store:
        played = run_round(store, eve.name, "Noor Haddad")
        pub = publisher(store, db, eve.role)
        try:
            run = pub.publish()
            assert run.sent == () and run.stopped is not None
            assert run.stopped.kind == "no loop" and not run.stopped.retried
            assert "no open loop in the team store assigns you" in run.stopped.message
            # Held, not retried on a timer: the next runs send nothing.
            assert pub.publish().problems == ()
            with store.read() as s:
                state = outbox.states(s, EVERYTHING)[played.round_id]
            assert state.describe().startswith(
                "waiting to publish: no loop assigns this round to you since")
        finally:
            pub.close()
    mine = _connected(command, db, eve.role, eve.data, "--publish-existing")
    res = command(mine, "team", "publish")
    assert res.returncode == 2
    assert "not published: the team store refused" in res.stderr
    assert "no open loop in the team store assigns you" in res.stderr
    assert "Traceback" not in res.stderr and "unexpected" not in res.stderr


def test_the_lead_sees_submitted_not_yet_published_when_the_scorecard_is_refused(
        db: TeamDb, tmp_path: Path, command: Callable[..., Ran]) -> None:
    ana = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    sam = member(db, "sam", "interviewer", "Sam Okafor", tmp_path)
    loop = loop_from_plan(plan_loop(pack(), ARCHETYPE, LEVEL, rounds=[TEMPLATE]),
                          "Priya Raman", "Ana Pereira")
    loop = assign(loop, 1, sam.name)
    with db.begin(ana.role) as conn:
        loops.create_loop(conn, loop)
    with sam.store() as store:
        # A NUL character in a note: PostgreSQL cannot keep it, so the scorecard is
        # refused after the app has said "submitted". The engine drops one as it is typed
        # (test_engine_notes), so it is put in the row as an older app could have left it.
        played = run_round(store, sam.name, "Priya Raman")
        with sqlite3.connect(sam.data / DB_NAME) as raw:
            changed = raw.execute("UPDATE round SET summary = 'pasted' || char(0) || ' oops' "
                                  "WHERE id = ?", (played.engine.round_id,)).rowcount
        assert changed == 1 and "\x00" in store.load_scorecard(played.engine.round_id).summary
        pub = publisher(store, db, sam.role)
        try:
            run = pub.publish()
        finally:
            pub.close()
    assert run.sent == () and run.stopped is not None and run.stopped.kind == "refused"
    with db.begin() as conn:
        stamped = conn.exec_driver_sql(
            "SELECT submitted_at FROM companion_data.loop_rounds WHERE loop_id = %(l)s",
            {"l": loop.id}).scalar_one()
        cards = conn.exec_driver_sql("SELECT count(*) FROM companion_data.scorecards").scalar()
    assert stamped is not None and cards == 0

    lead = _connected(command, db, ana.role, ana.data)
    res = command(lead, "loop", "list")
    assert res.returncode == 0, res.stderr
    assert (f"not yet published: Sam Okafor, scenario round, submitted at {clock(stamped)}, "
            "not yet published (") in res.stdout, res.stdout
    assert "needs decision" not in res.stdout
    shown = command(lead, "loop", "show", "Priya Raman").stdout
    assert f"[submitted at {clock(stamped)}, not yet published (" in shown
    # A second report of the same step changes nothing: the server's time stays.
    with db.begin(sam.role) as conn:
        assert loops.round_progress(conn, loop.id, 1, "submitted") is False
    with db.raw(sam.role) as conn:  # and nobody reports a round that is not theirs
        assert refused(conn, "SELECT companion.round_progress(%s, 2, 'submitted')",
                       (loop.id,)) == DENIED
