"""Publishing when things go wrong, against a real PostgreSQL server.

The server stops in the middle of a publish and starts again; it answers slowly;
it refuses the login; it runs a newer schema; the laptop comes back after a week
offline with 40 rounds; two interviewers submit at the same second; the app is
killed between the server's commit and the local mark. Each time: nothing lost,
nothing stored twice, a clear message, and the engine's taps never wait.

The server of this module is its own (it is stopped and started), not the
session's shared one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from companion.store import outbox
from companion.team import schema, server
from companion.team.publisher import PublishRun
from companion.team.settings import EVERYTHING, TeamSettings
from companion.team.worker import PublishWorker
from tests.conftest import REPO
from tests.pg_server import PgServer
from tests.publish_support import (
    START,
    Member,
    member,
    publisher,
    run_round,
    server_counts,
)
from tests.scorecards import pack
from tests.team_support import PASSWORD, TeamDb, create_database, drop_database


@pytest.fixture(scope="module")
def own_server() -> Iterator[PgServer]:
    srv = PgServer.start()
    try:
        yield srv
    finally:
        srv.stop()


@dataclass
class Team:
    db: TeamDb
    sam: Member
    lee: Member


@pytest.fixture
def team(own_server: PgServer, tmp_path: Path) -> Iterator[Team]:
    db = create_database(own_server)
    try:
        yield Team(db, member(db, "sam", "interviewer", "Sam Okafor", tmp_path),
                   member(db, "lee", "interviewer", "Lee Chen", tmp_path))
    finally:
        # A test that halted the server brings it back before the next one.
        if not _up(own_server):
            own_server.resume()
        drop_database(db)


def _up(srv: PgServer) -> bool:
    res = srv.account.run([str(srv.bindir / "pg_ctl"), "-D", str(srv.data), "status"],
                          srv.root)
    return res.returncode == 0


def slow_inserts(db: TeamDb, seconds: float) -> None:
    """Every scorecard insert sleeps first: a slow server, on the server's side."""
    with db.begin() as conn:
        conn.execute(text(
            "CREATE FUNCTION companion.slow() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN PERFORM pg_sleep({seconds}); RETURN NEW; END $$"))
        conn.execute(text("CREATE TRIGGER slow BEFORE INSERT ON companion_data.scorecards "
                          "FOR EACH ROW EXECUTE FUNCTION companion.slow()"))


def sleeping_backends(db: TeamDb) -> int:
    with db.begin() as conn:
        return int(conn.execute(text(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'")).scalar_one())


def wait_for(check: object, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_the_server_stops_in_the_middle_of_a_publish_and_comes_back(
        team: Team, own_server: PgServer) -> None:
    slow_inserts(team.db, 5)
    with team.sam.store() as store:
        rid = run_round(store, "Sam Okafor", "Mei Lin").round_id
        pub = publisher(store, team.db, team.sam.role)
        result: list[PublishRun] = []
        thread = threading.Thread(target=lambda: result.append(pub.publish()))
        thread.start()
        wait_for(lambda: sleeping_backends(team.db) == 1)  # inside the INSERT
        own_server.halt()
        thread.join(30)
        (run,) = result
        assert run.sent == () and run.waiting == 1
        (problem,) = run.problems
        assert problem.kind == "unreachable" and problem.retried
        assert "lost the team store" in problem.message or "cannot reach" in problem.message
        with store.read() as s:
            state = outbox.states(s, EVERYTHING)[rid]
        assert state.state == "waiting" and state.tries == 1
        assert state.describe().startswith("waiting to publish: server unreachable since ")

        # Still down: another try fails the same way and counts.
        assert pub.publish(everything=True).problems[0].kind == "unreachable"
        own_server.resume()
        assert server_counts(team.db) == (0, 0)  # the interrupted insert never committed
        with team.db.begin() as conn:
            conn.execute(text("DROP TRIGGER slow ON companion_data.scorecards"))
        run = pub.publish(everything=True)
        again = pub.publish(everything=True)
        pub.close()
    assert [(s.round_id, s.stored) for s in run.sent] == [(rid, True)]
    assert again.sent == () and server_counts(team.db) == (1, 0)


def test_a_restart_between_publishes_loses_nothing(team: Team, own_server: PgServer) -> None:
    with team.sam.store() as store:
        first = run_round(store, "Sam Okafor", "Mei Lin", keep_open=True)
        pub = publisher(store, team.db, team.sam.role)
        assert len(pub.publish().sent) == 1
        own_server.halt()
        first.amend("strong")
        first.engine.close()
        second = run_round(store, "Sam Okafor", "Ravi Das", start=START + timedelta(hours=1))
        down = pub.publish()
        own_server.resume()
        run = pub.publish(everything=True)
        pub.close()
    assert down.sent == () and down.waiting == 2
    assert [(s.round_id, s.seq) for s in run.sent] == [(first.round_id, 1),
                                                       (second.round_id, 0)]
    assert server_counts(team.db) == (2, 1)


def test_a_slow_server_never_holds_a_tap(team: Team) -> None:
    """Taps go to the local file while the worker waits on a server that takes 3 s."""
    slow_inserts(team.db, 3)
    runs: list[PublishRun] = []
    with team.sam.store() as store:
        first = run_round(store, "Sam Okafor", "Mei Lin")
        live = run_round(store, "Sam Okafor", "Ravi Das", keep_open=True)
        worker = PublishWorker(store, TeamSettings(team.db.conninfo(team.sam.role), EVERYTHING),
                               runs.append).start()
        try:
            wait_for(lambda: sleeping_backends(team.db) == 1)
            taps = []
            for n in range(20):  # amendments: each a durable local write, with an fsync
                live.clock.advance(1)
                began = time.perf_counter()
                live.engine.rate(("strong", "mid")[n % 2])
                taps.append(time.perf_counter() - began)
            in_flight = worker.busy
            wait_for(lambda: len(runs) >= 1)
        finally:
            assert worker.stop(10)
            live.engine.close()
        published = {s.round_id for r in runs for s in r.sent}
    # Every tap was durable before the slow publish had finished.
    assert in_flight, "the publish ended before the taps: the server was not slow enough"
    assert max(taps) < 0.5, taps
    assert len(live.engine.amendments()) == 20
    assert published >= {first.round_id, live.round_id}  # and it did get through


def test_a_refused_login_stops_and_a_password_given_in_memory_resumes(team: Team) -> None:
    runs: list[PublishRun] = []
    tcp = team.db.conninfo(team.sam.role, tcp=True)
    with team.sam.store() as store:
        rid = run_round(store, "Sam Okafor", "Mei Lin").round_id
        wrong = publisher(store, team.db, team.sam.role, conninfo=tcp, password="not it")
        run = wrong.publish()
        wrong.close()
        assert run.needs_password and run.stopped is not None
        assert run.stopped.message.startswith("the team store refused the login: ")
        assert "password authentication failed" in run.stopped.message
        with store.read() as s:  # held, not retried on a timer
            assert outbox.due(s, datetime.now(UTC) + timedelta(hours=1), EVERYTHING) == []
            assert "login refused" in outbox.states(s, EVERYTHING)[rid].describe()

        worker = PublishWorker(store, TeamSettings(tcp, EVERYTHING), runs.append).start()
        try:
            wait_for(lambda: len(runs) >= 1)  # the first look: no password at all
            assert runs[0].needs_password
            assert "the server asks for a password" in runs[0].problems[0].message
            worker.set_password(PASSWORD)
            wait_for(lambda: len(runs) >= 2)
        finally:
            assert worker.stop(10)
    assert [s.round_id for s in runs[1].sent] == [rid] and runs[1].problems == ()
    assert server_counts(team.db) == (1, 0)


def test_a_newer_schema_on_the_server_stops_publishing_and_writes_nothing(team: Team) -> None:
    with team.db.begin() as conn:  # a newer app upgraded the team store
        conn.execute(text("UPDATE companion.alembic_version SET version_num = 't0999'"))
    with team.sam.store() as store:
        rid = run_round(store, "Sam Okafor", "Mei Lin").round_id
        pub = publisher(store, team.db, team.sam.role)
        run = pub.publish()
        assert run.stopped is not None and run.stopped.kind == "schema"
        assert run.stopped.message == ("the team store was upgraded by a newer app "
                                       "(revision t0999); update the app")
        assert server_counts(team.db) == (0, 0)
        with store.read() as s:
            assert outbox.states(s, EVERYTHING)[rid].state == "waiting"
        with team.db.begin() as conn:  # (the app was updated: here, the schema put back)
            conn.execute(text("UPDATE companion.alembic_version SET version_num = :v"),
                         {"v": schema.head_revision()})
        assert pub.publish().sent == ()  # held until someone asks
        run = pub.publish(everything=True)
        pub.close()
    assert [s.round_id for s in run.sent] == [rid] and server_counts(team.db) == (1, 0)


def test_a_week_offline_then_forty_rounds_go_once_in_order(
        team: Team, own_server: PgServer) -> None:
    own_server.halt()
    now = [START]
    with team.sam.store() as store:
        pub = publisher(store, team.db, team.sam.role, now=lambda: now[0])
        played = []
        for n in range(40):  # about six a day for a week, each published in vain at once
            start = START + timedelta(hours=4 * n)
            now[0] = start + timedelta(minutes=15)
            played.append(run_round(store, "Sam Okafor", f"Candidate {n:02d}", start=start,
                                    keep_open=n % 10 == 0))
            if n % 10 == 0:
                played[-1].amend("strong", minutes=5)
                played[-1].engine.close()
            run = pub.publish()
            assert run.sent == () and all(p.kind == "unreachable" for p in run.problems)
        with store.read() as s:
            assert outbox.waiting(s, EVERYTHING) == 44
            tries = max(st.tries for st in outbox.states(s, EVERYTHING).values())
        assert tries > 1  # the first rounds were tried, and backed off, many times
        own_server.resume()
        now[0] = START + timedelta(days=8)
        began = time.perf_counter()
        run = pub.publish()
        took = time.perf_counter() - began
        again = pub.publish(everything=True)
        pub.close()
        with store.read() as s:
            states = outbox.states(s, EVERYTHING)
    assert run.problems == () and run.waiting == 0 and again.sent == ()
    assert [(s.round_id, s.seq) for s in run.sent] == [
        pair for p, n in zip(played, range(40), strict=True)
        for pair in ((p.round_id, 0), *(((p.round_id, 1),) if n % 10 == 0 else ()))]
    assert {st.describe() for st in states.values()} == {"published"}
    assert server_counts(team.db) == (40, 4)
    print(f"\n40 rounds and 4 amendments published after a week offline in {took:.2f} s")


def test_two_interviewers_submitting_at_the_same_second_both_publish(team: Team) -> None:
    same = START
    stores = [team.sam.store(), team.lee.store()]
    try:
        ids = [run_round(stores[0], "Sam Okafor", "Mei Lin", start=same).round_id,
               run_round(stores[1], "Lee Chen", "Mei Lin", start=same).round_id]
        pubs = [publisher(stores[0], team.db, team.sam.role),
                publisher(stores[1], team.db, team.lee.role)]
        barrier = threading.Barrier(2)
        runs: dict[int, PublishRun] = {}

        def go(i: int) -> None:
            barrier.wait()
            runs[i] = pubs[i].publish()

        threads = [threading.Thread(target=go, args=(i,)) for i in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        for p in pubs:
            p.close()
    finally:
        for s in stores:
            s.close()
    assert [[s.round_id for s in runs[i].sent] for i in (0, 1)] == [[ids[0]], [ids[1]]]
    with team.db.begin(team.sam.role) as conn:  # each now reads the other's (both submitted)
        seen = server.fetch_scorecards(conn, "Mei Lin", pack()).scorecards
    assert sorted(s.scorecard.interviewer for s in seen) == ["Lee Chen", "Sam Okafor"]
    assert server_counts(team.db) == (2, 0)


KILLED_AFTER_COMMIT = """
import os, signal, sys
from pathlib import Path
from companion.store import Store, outbox
from companion.team.publisher import Publisher
from companion.team.settings import EVERYTHING, TeamSettings

def killed(*args, **kwargs):  # the server has committed; the laptop dies now
    os.kill(os.getpid(), signal.SIGKILL)

outbox.mark_published = killed
store = Store.open(Path(sys.argv[1]))
Publisher(store, TeamSettings(sys.argv[2], EVERYTHING)).publish()
print("not killed")
"""


def test_killed_between_the_server_commit_and_the_local_mark_stores_once(team: Team) -> None:
    with team.sam.store() as store:
        played = run_round(store, "Sam Okafor", "Mei Lin", keep_open=True)
        played.amend("strong")
        played.engine.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    res = subprocess.run([sys.executable, "-c", KILLED_AFTER_COMMIT, str(team.sam.data),
                          team.db.conninfo(team.sam.role)], capture_output=True, text=True,
                         env=env, timeout=120)
    assert res.returncode == -signal.SIGKILL, res.stderr
    assert server_counts(team.db) == (1, 0)  # committed on the server...
    with team.sam.store() as store:
        with store.read() as s:  # ...and still waiting here
            assert outbox.waiting(s, EVERYTHING) == 2
        pub = publisher(store, team.db, team.sam.role)
        run = pub.publish()
        pub.close()
    assert [(s.seq, s.stored) for s in run.sent] == [(0, False), (1, True)]
    assert run.sent[0].describe().startswith("already in the team store: round ")
    assert server_counts(team.db) == (1, 1)
