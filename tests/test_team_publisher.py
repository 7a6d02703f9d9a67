"""The publisher against a real PostgreSQL: the outbox reaches the team store once, in order."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest

from companion.exchange.schema import scorecard_to_dict
from companion.store import Store, outbox
from companion.team import server
from companion.team.settings import EVERYTHING
from tests.pg_server import PgServer
from tests.publish_support import (
    START,
    Member,
    current_from_team,
    member,
    publisher,
    run_round,
    server_counts,
)
from tests.scorecards import pack
from tests.team_support import TeamDb, create_database, drop_database


@dataclass
class Team:
    db: TeamDb
    sam: Member
    lee: Member
    ana: Member  # panel lead


@pytest.fixture
def team(pg_server: PgServer, tmp_path: Path) -> Iterator[Team]:
    db = create_database(pg_server)
    try:
        yield Team(db, member(db, "sam", "interviewer", "Sam Okafor", tmp_path),
                   member(db, "lee", "interviewer", "Lee Chen", tmp_path),
                   member(db, "ana", "lead", "Ana Pereira", tmp_path))
    finally:
        drop_database(db)


def fetch(team: Team, candidate: str, role: str | None = None) -> list[server.StoredScorecard]:
    with team.db.begin(role or team.ana.role) as conn:
        return server.fetch_scorecards(conn, candidate, pack()).scorecards


def test_a_round_and_its_amendments_reach_the_team_store_as_made(team: Team) -> None:
    with team.sam.store() as store:
        played = run_round(store, "Sam Okafor", "Mei Lin", keep_open=True)
        played.amend("strong")
        played.amend("thin", minutes=5)
        played.engine.close()
        local = store.load_scorecard(played.round_id)
        pub = publisher(store, team.db, team.sam.role)
        run = pub.publish()
        again = pub.publish(everything=True)
        pub.close()
        with store.read() as s:
            state = outbox.states(s, EVERYTHING)[played.round_id]
    assert [(s.seq, s.stored) for s in run.sent] == [(0, True), (1, True), (2, True)]
    assert run.problems == () and run.waiting == 0 and state.describe() == "published"
    assert run.identity is not None and run.identity.display_name == "Sam Okafor"
    assert again.sent == () and server_counts(team.db) == (1, 2)
    (stored,) = fetch(team, "Mei Lin")
    # The server holds the round as submitted, then each amendment with its author.
    assert stored.scorecard.amendments == () and stored.scorecard.items[0].rating == "mid"
    assert [(a.seq, a.author) for a in stored.amendments] == [(1, "Sam Okafor"),
                                                              (2, "Sam Okafor")]
    assert scorecard_to_dict(current_from_team(stored)) == scorecard_to_dict(local)


def test_the_round_as_submitted_is_the_same_bytes_before_and_after_an_amendment(
        team: Team) -> None:
    """A retry after a crash sends the round again: it must not have changed meanwhile."""
    with team.sam.store() as store:
        played = run_round(store, "Sam Okafor", "Mei Lin", keep_open=True)
        with store.read() as s:
            (entry,) = outbox.due(s, START + timedelta(days=1), EVERYTHING)
            before = outbox.payload(s, entry)
        played.amend("strong")
        played.engine.jump(0)
        played.engine.close()
        with store.read() as s:
            after = outbox.payload(s, entry)
    assert before is not None and after is not None
    assert scorecard_to_dict(before.scorecard) == scorecard_to_dict(after.scorecard)
    assert after.scorecard.items[0].rating == "mid"


def test_rounds_submitted_before_joining_stay_local_unless_asked(team: Team) -> None:
    with team.sam.store() as store:
        early = run_round(store, "Sam Okafor", "Mei Lin", keep_open=True)
        joined = START + timedelta(hours=2)
        early.amend("strong", minutes=180)  # amended after joining: stays local with it
        early.engine.close()
        late = run_round(store, "Sam Okafor", "Ravi Das", start=START + timedelta(hours=3))
        pub = publisher(store, team.db, team.sam.role, joined_at=joined)
        run = pub.publish()
        pub.close()
        with store.read() as s:
            states = outbox.states(s, joined)
        assert [(s.round_id, s.seq) for s in run.sent] == [(late.round_id, 0)]
        assert run.waiting == 0
        assert states[early.round_id].describe() == "not published (kept on this laptop)"
        assert states[late.round_id].describe() == "published"
        everything = publisher(store, team.db, team.sam.role, joined_at=EVERYTHING)
        run = everything.publish()
        everything.close()
    assert [(s.round_id, s.seq) for s in run.sent] == [(early.round_id, 0),
                                                       (early.round_id, 1)]
    assert server_counts(team.db) == (2, 1)


def test_a_round_scored_under_another_name_waits_and_the_others_go(team: Team) -> None:
    with team.sam.store() as store:
        other = run_round(store, "Lee Chen", "Mei Lin")  # typed in Sam's app by mistake
        own = run_round(store, "Sam Okafor", "Ravi Das")
        pub = publisher(store, team.db, team.sam.role)
        run = pub.publish()
        later = pub.publish()
        pub.close()
        with store.read() as s:
            state = outbox.states(s, EVERYTHING)[other.round_id]
    assert [s.round_id for s in run.sent] == [own.round_id]
    (problem,) = run.problems
    assert problem.kind == "refused" and problem.round_id == other.round_id
    assert "scored by 'Lee Chen', but this login is 'Sam Okafor'" in problem.message
    assert "session import --team" in problem.message
    # Not retried blindly: it waits until someone asks again.
    assert later.sent == () and later.problems == () and later.waiting == 1
    assert state.state == "waiting" and "refused by the team store" in state.describe()
    assert server_counts(team.db) == (1, 0)


def test_different_content_under_the_round_id_is_a_conflict_that_holds_the_round(
        team: Team) -> None:
    with team.sam.store() as store:
        played = run_round(store, "Sam Okafor", "Mei Lin")
        sc = store.load_scorecard(played.round_id)
        with team.db.begin(team.sam.role) as conn:  # another copy of the round got there first
            server.publish_scorecard(conn, replace(sc, summary="An older draft."))
        pub = publisher(store, team.db, team.sam.role)
        run = pub.publish()
        pub.close()
    (problem,) = run.problems
    assert problem.kind == "conflict" and "different content" in problem.message
    assert run.sent == () and run.waiting == 1
    (stored,) = fetch(team, "Mei Lin")
    assert stored.scorecard.summary == "An older draft."  # nothing was overwritten


def test_a_round_a_lead_imported_from_its_file_first_is_not_stored_twice(
        team: Team, tmp_path: Path) -> None:
    with team.sam.store() as store:
        played = run_round(store, "Sam Okafor", "Mei Lin", keep_open=True)
        played.amend("strong")
        carried = store.load_scorecard(played.round_id)  # the file Sam hands over
        with team.db.begin(team.ana.role) as conn:
            assert server.import_scorecard(conn, carried)
        played.amend("thin", minutes=10)  # made after the file was written
        played.engine.close()
        local = store.load_scorecard(played.round_id)
        pub = publisher(store, team.db, team.sam.role)
        run = pub.publish()
        pub.close()
    assert [(s.seq, s.stored) for s in run.sent] == [(0, False), (1, False), (2, True)]
    assert run.problems == () and server_counts(team.db) == (1, 1)
    (stored,) = fetch(team, "Mei Lin")
    assert stored.published_by == team.ana.role and [a.seq for a in stored.amendments] == [2]
    assert scorecard_to_dict(current_from_team(stored)) == scorecard_to_dict(local)


def test_a_login_that_is_no_team_member_stops_with_what_to_do(team: Team) -> None:
    with team.db.begin() as conn:
        conn.exec_driver_sql(f'CREATE ROLE "stranger_{team.db.suffix}" LOGIN')
    with team.sam.store() as store:
        run_round(store, "Sam Okafor", "Mei Lin")
        pub = publisher(store, team.db, f"stranger_{team.db.suffix}")
        run = pub.publish()
        pub.close()
    assert run.sent == () and run.waiting == 1
    assert run.stopped is not None and "not a member of the team store" in run.stopped.message
    assert server_counts(team.db) == (0, 0)


def test_a_deleted_round_is_not_published(team: Team) -> None:
    with team.sam.store() as store:
        gone = run_round(store, "Sam Okafor", "Mei Lin")
        kept = run_round(store, "Sam Okafor", "Ravi Das")
        store.delete_round(gone.round_id)
        pub = publisher(store, team.db, team.sam.role)
        run = pub.publish()
        pub.close()
    assert [s.round_id for s in run.sent] == [kept.round_id]


def test_a_second_handle_publishes_while_the_first_keeps_writing(team: Team) -> None:
    with team.sam.store() as store:
        run_round(store, "Sam Okafor", "Mei Lin")
        handle = store.another_handle()
        try:
            pub = publisher(handle, team.db, team.sam.role)
            run = pub.publish()
            pub.close()
        finally:
            handle.close()
        assert run.sent and Store.open(team.sam.data).list_rounds()
