"""Server-side operations on a real PostgreSQL: publish, amend, read back, decide, delete."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from companion.exchange.files import content_hash
from companion.exchange.schema import scorecard_to_dict
from companion.intake.json_reader import Obj
from companion.record.change_codec import amendment_from, amendment_to_dict
from companion.record.changes import ROUND, Amendment, EditText, Rate
from companion.record.scorecard import Scorecard
from companion.team import server
from companion.team.errors import (
    TeamConflictError,
    TeamConnectError,
    TeamRefusedError,
    TeamStoreError,
)
from tests.pg_server import PgServer
from tests.scorecards import hex_id, make_scorecard, pack
from tests.team_support import TeamDb, create_database, drop_database

AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)


@dataclass
class Team:
    db: TeamDb
    sam: str
    lee: str
    ana: str  # panel lead
    root: str  # admin


@pytest.fixture
def team(pg_server: PgServer) -> Iterator[Team]:
    db = create_database(pg_server)
    try:
        yield Team(db, db.add("sam", "interviewer", "Sam Okafor"),
                   db.add("lee", "interviewer", "Lee Chen"),
                   db.add("ana", "lead", "Ana Pereira"),
                   db.add("root", "admin", "Rita Admin"))
    finally:
        drop_database(db)


def card(interviewer: str, candidate: str = "Zoë Łukasiewicz", seed: int = 1,
         sc_id: str | None = None) -> Scorecard:
    return make_scorecard(pack(), interviewer=interviewer, candidate=candidate, seed=seed,
                          sc_id=sc_id, words_per_note=20)


def summary_amendment(sc: Scorecard, text_: str, at: datetime = AT) -> dict[str, object]:
    """A real encoded amendment of ``sc``'s summary, made at ``at``."""
    change = EditText(ROUND, "summary", text_)
    return amendment_to_dict(Amendment(at, change, sc.undo_for(change), ""))


def test_publishing_twice_stores_once(team: Team) -> None:
    sc = card("Sam Okafor")
    with team.db.begin(team.sam) as conn:
        assert server.publish_scorecard(conn, sc) is True
    with team.db.begin(team.sam) as conn:
        assert server.publish_scorecard(conn, sc) is False
    with team.db.begin() as conn:
        assert conn.execute(text("SELECT count(*) FROM companion_data.scorecards")).scalar() == 1
        row = conn.execute(text("SELECT owner, published_by, content_sha256 "
                                "FROM companion_data.scorecards")).one()
    assert tuple(row) == (team.sam, team.sam, content_hash(scorecard_to_dict(sc)))


def test_different_content_under_the_same_id_is_refused_and_changes_nothing(
        team: Team) -> None:
    sc = card("Sam Okafor")
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
    edited = replace(sc, summary="Rewritten after the debrief.")
    with pytest.raises(TeamConflictError, match=r"different content.*only by amendments"), \
            team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, edited)
    with team.db.begin(team.sam) as conn:
        stored = server.fetch_scorecards(conn, sc.candidate, pack()).scorecards
    assert [s.scorecard for s in stored] == [sc]


def test_an_id_taken_by_a_colleague_is_refused_without_revealing_it(team: Team) -> None:
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, card("Sam Okafor", sc_id=hex_id("shared-id")))
    with pytest.raises(TeamConflictError, match="another interviewer's account"), \
            team.db.begin(team.lee) as conn:
        server.publish_scorecard(conn, card("Lee Chen", sc_id=hex_id("shared-id"), seed=2))


def test_an_unsubmitted_scorecard_is_never_published(team: Team) -> None:
    draft = make_scorecard(pack(), interviewer="Sam Okafor", submitted=False)
    with pytest.raises(TeamStoreError, match="not submitted"), team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, draft)


def test_a_scorecard_comes_back_equal_and_validated(team: Team) -> None:
    sc = card("Sam Okafor", candidate="Élodie Durand")
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
    with team.db.begin(team.ana) as conn:
        # names compare case- and space-insensitively, on the server
        stored = server.fetch_scorecards(conn, "  élodie   DURAND ", pack()).scorecards
        listed = server.list_candidates(conn)
    assert [s.scorecard for s in stored] == [sc]
    assert stored[0].owner == team.sam and stored[0].amendments == ()
    assert [(c.name, c.scorecards) for c in listed] == [("Élodie Durand", 1)]


def test_a_payload_altered_on_the_server_fails_the_import_checks(team: Team) -> None:
    sc = card("Sam Okafor")
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
    # Only the table owner can do this, and only by switching the guard off first.
    with team.db.begin() as conn:
        conn.execute(text("ALTER TABLE companion_data.scorecards DISABLE TRIGGER "
                          "scorecards_append_only"))
        conn.execute(text("UPDATE companion_data.scorecards SET payload = jsonb_set(payload, "
                          "'{recommendation}', '\"strong_yes\"')"))
    with team.db.begin(team.ana) as conn:
        fetched = server.fetch_scorecards(conn, sc.candidate, pack())
    assert fetched.scorecards == []
    assert re.search(f"team store scorecard {sc.id} by Sam Okafor: .*hash",
                     fetched.unreadable[0].line())


def test_a_payload_in_a_newer_format_is_refused_on_read(team: Team) -> None:
    sc = card("Sam Okafor")
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
    with team.db.begin() as conn:  # as a newer app would have stored it
        conn.execute(text("ALTER TABLE companion_data.scorecards DISABLE TRIGGER "
                          "scorecards_append_only"))
        conn.execute(text("UPDATE companion_data.scorecards SET format_version = 99"))
    with team.db.begin(team.ana) as conn:
        fetched = server.fetch_scorecards(conn, sc.candidate, pack())
    assert fetched.scorecards == []
    assert "format 99, which this app does not read" in fetched.unreadable[0].line()


def test_a_payload_from_another_pack_is_refused_on_read(team: Team) -> None:
    sc = replace(card("Sam Okafor"), archetype="no-such-archetype")
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
    with team.db.begin(team.sam) as conn:
        fetched = server.fetch_scorecards(conn, sc.candidate, pack())
    assert fetched.scorecards == []
    (line,) = [u.line() for u in fetched.unreadable]
    assert f"team store scorecard {sc.id} by Sam Okafor: " in line
    assert "unknown archetype 'no-such-archetype'" in line


def test_amendments_are_appended_once_with_the_servers_author(team: Team) -> None:
    sc = card("Sam Okafor")
    rate = Rate(sc.items[0].item_id, "strong", AT)
    change = amendment_to_dict(Amendment(AT, rate, sc.undo_for(rate), ""))
    second = summary_amendment(sc, "Amended.", AT + timedelta(minutes=5))
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
        assert server.append_amendment(conn, sc.id, 1, AT, change) is True
    with team.db.begin(team.sam) as conn:
        assert server.append_amendment(conn, sc.id, 1, AT, dict(change)) is False
        assert server.append_amendment(conn, sc.id, 2, AT + timedelta(minutes=5),
                                       second) is True
    with pytest.raises(TeamConflictError, match=r"amendment 1 .* different content"), \
            team.db.begin(team.sam) as conn:
        server.append_amendment(conn, sc.id, 1, AT, summary_amendment(sc, "thin"))
    with team.db.begin(team.ana) as conn:
        (stored,) = server.fetch_scorecards(conn, sc.candidate, pack()).scorecards
    assert [(a.seq, a.at, a.author, a.change) for a in stored.amendments] == [
        (1, AT, "Sam Okafor", change), (2, AT + timedelta(minutes=5), "Sam Okafor", second)]


def test_a_typed_amendment_travels_through_the_server_unchanged(team: Team) -> None:
    """The server stores the change codec's encoding as is; the debrief decodes it back."""
    sc = card("Sam Okafor")
    item = sc.items[0].item_id
    change = Rate(item, "strong", AT)
    amendment = Amendment(AT, change, sc.undo_for(change), "re-read my notes")
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
        server.append_amendment(conn, sc.id, 1, amendment.at, amendment_to_dict(amendment))
    with team.db.begin(team.ana) as conn:
        (stored,) = server.fetch_scorecards(conn, sc.candidate, pack()).scorecards
    decoded = amendment_from(Obj(stored.amendments[0].change, "amendment"))
    assert decoded == amendment
    amended = stored.scorecard.apply(decoded)
    assert amended.item(item).rating == "strong" and amended.amendments == (amendment,)


def test_only_the_owner_amends_a_scorecard(team: Team) -> None:
    sc = card("Sam Okafor")
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
    with team.db.begin(team.lee) as conn:
        server.publish_scorecard(conn, card("Lee Chen", seed=2))
    with pytest.raises(TeamRefusedError, match="not one of yours"), \
            team.db.begin(team.lee) as conn:
        server.append_amendment(conn, sc.id, 1, AT, summary_amendment(sc, "mine now"))


def test_a_lead_imports_a_hand_carried_file_for_its_interviewer(team: Team) -> None:
    sc = card("lee chen")  # the name as typed on an offline laptop
    with team.db.begin(team.ana) as conn:
        assert server.import_scorecard(conn, sc) is True
        assert server.import_scorecard(conn, sc) is False
    with team.db.begin(team.lee) as conn:
        (stored,) = server.fetch_scorecards(conn, sc.candidate, pack()).scorecards
    assert (stored.owner, stored.published_by) == (team.lee, team.ana)
    stranger = card("Pat Nobody", seed=3)
    with pytest.raises(TeamRefusedError, match="not an interviewer of this team store"), \
            team.db.begin(team.ana) as conn:
        server.import_scorecard(conn, stranger)


@dataclass(frozen=True)
class Decision:  # the fields of companion.record.decision.Decision
    candidate: str
    outcome: str
    level: str | None
    decided_by: str
    decided_at: datetime
    note: str = ""


def test_the_lead_records_and_reads_the_panels_decision(team: Team) -> None:
    first = Decision("Zoë Łukasiewicz", "no_hire", None, "Ana Pereira", AT, "Thin on design.")
    later = Decision("zoë  łukasiewicz", "hire", "senior", "Ana Pereira",
                     AT + timedelta(days=1), "Re-run design round went well.")
    with team.db.begin(team.ana) as conn:
        assert server.record_decision(conn, first) is True
        assert server.record_decision(conn, first) is False
        assert server.record_decision(conn, later) is True
    with team.db.begin(team.ana) as conn:
        got = server.read_decision(conn, "ZOË ŁUKASIEWICZ")
    assert got is not None
    assert (got.outcome, got.level, got.decided_by, got.decided_at, got.note,
            got.recorded_by) == ("hire", "senior", "Ana Pereira", later.decided_at,
                                 later.note, team.ana)
    with pytest.raises(TeamConflictError), team.db.begin(team.ana) as conn:
        server.record_decision(conn, replace(first, outcome="hire"))
    with pytest.raises(TeamStoreError, match="outcome"), team.db.begin(team.ana) as conn:
        server.record_decision(conn, replace(first, outcome="maybe",
                                             decided_at=AT + timedelta(hours=2)))
    forged = replace(first, decided_by="Sam Okafor", decided_at=AT + timedelta(hours=3))
    with team.db.begin(team.ana) as conn:  # the server names the lead who recorded it
        server.record_decision(conn, forged)
        got = server.read_decision(conn, "Zoë Łukasiewicz")
    assert got is not None and got.decided_by == "Ana Pereira"


def test_everything_a_login_may_read_and_the_latest_decision_per_candidate(
        team: Team) -> None:
    """What calibration over the team store reads: the server's rules decide the scope."""
    sam_zoe, sam_kofi = card("Sam Okafor"), card("Sam Okafor", candidate="Kofi Mensah", seed=3)
    lee_zoe = card("Lee Chen", seed=2)
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sam_zoe)
        server.publish_scorecard(conn, sam_kofi)
        server.append_amendment(conn, sam_zoe.id, 1, AT, summary_amendment(sam_zoe, "x"))
    with team.db.begin(team.lee) as conn:  # Lee has published nothing yet: own rows only
        assert server.fetch_all_scorecards(conn, pack()).scorecards == []
        assert server.read_decisions(conn) == []  # interviewers read no decisions
        server.publish_scorecard(conn, lee_zoe)
    with team.db.begin(team.lee) as conn:  # now Zoë's panel, never Kofi's
        seen = server.fetch_all_scorecards(conn, pack()).scorecards
    assert sorted(s.scorecard.id for s in seen) == sorted([sam_zoe.id, lee_zoe.id])
    assert [len(s.amendments) for s in seen if s.scorecard.id == sam_zoe.id] == [1]
    with team.db.begin(team.ana) as conn:
        server.record_decision(conn, Decision("Kofi Mensah", "no_hire", None, "Ana Pereira",
                                              AT))
        server.record_decision(conn, Decision("kofi mensah", "hire", "senior", "Ana Pereira",
                                              AT + timedelta(days=1)))
        server.record_decision(conn, Decision(sam_zoe.candidate, "withdrawn", None,
                                              "Ana Pereira", AT))
    with team.db.begin(team.ana) as conn:
        everything = server.fetch_all_scorecards(conn, pack()).scorecards
        recent = server.fetch_all_scorecards(conn, pack(), since=datetime.max.replace(
            tzinfo=UTC) - timedelta(days=1)).scorecards
        latest = server.read_decisions(conn)
    assert len(everything) == 3 and recent == []
    assert sorted((d.candidate.lower(), d.outcome) for d in latest) == [
        ("kofi mensah", "hire"), (sam_zoe.candidate.lower(), "withdrawn")]


def test_an_admin_deletes_a_candidate_and_leaves_an_audit_row_without_their_data(
        team: Team) -> None:
    sam_card, lee_card = card("Sam Okafor"), card("Lee Chen", seed=2)
    other = card("Sam Okafor", candidate="Kofi Mensah", seed=3)
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sam_card)
        server.publish_scorecard(conn, other)
        server.append_amendment(conn, sam_card.id, 1, AT, summary_amendment(sam_card, "x"))
    with team.db.begin(team.lee) as conn:
        server.publish_scorecard(conn, lee_card)
    with team.db.begin(team.ana) as conn:
        server.record_decision(conn, Decision(sam_card.candidate, "withdrawn", None,
                                              "Ana Pereira", AT))
    with pytest.raises(TeamRefusedError, match="permission denied"), \
            team.db.begin(team.ana) as conn:
        server.delete_candidate(conn, sam_card.candidate)
    with team.db.begin(team.root) as conn:
        deleted = server.delete_candidate(conn, " zoë łukasiewicz")
        assert server.fetch_scorecards(conn, sam_card.candidate, pack()).scorecards == []
        assert server.read_decision(conn, sam_card.candidate) is None
        assert len(server.fetch_scorecards(conn, other.candidate, pack()).scorecards) == 1
    with team.db.begin() as conn:  # the audit, as the setup account reads it
        audit = conn.execute(text("SELECT * FROM companion_data.deletions")).mappings().all()
        left = conn.execute(text("SELECT count(*) FROM companion_data.amendments")).scalar()
    assert (deleted.scorecards, deleted.decisions) == (2, 1)
    assert left == 0
    assert sorted((a["record_kind"], a["deleted_by"]) for a in audit) == [
        ("decision", team.root), ("scorecard", team.root), ("scorecard", team.root)]
    assert {a["record_id"] for a in audit if a["record_kind"] == "scorecard"} == {
        sam_card.id, lee_card.id}
    dumped = json.dumps([dict(a) for a in audit], default=str).casefold()
    assert "zo" not in dumped and "łukasiewicz" not in dumped and "okafor" not in dumped


def test_a_nul_character_is_refused_before_it_reaches_the_server(team: Team) -> None:
    sc = replace(card("Sam Okafor"), summary="copied from a PDF\x00 with a NUL")
    with pytest.raises(TeamStoreError, match="NUL character"), team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)


def test_a_connection_lost_mid_publish_is_a_retryable_error_and_stores_nothing(
        team: Team) -> None:
    sc = card("Sam Okafor")
    engine = team.db.engine(team.sam)
    try:
        lost = f"lost the team store while trying to store scorecard {sc.id}"
        with pytest.raises(TeamConnectError, match=lost), engine.begin() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            with team.db.begin() as admin:  # the server drops Sam's session
                admin.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            server.publish_scorecard(conn, sc)
    finally:
        engine.dispose()
    with team.db.begin(team.sam) as conn:  # the retry stores it, once
        assert server.publish_scorecard(conn, sc) is True
    with team.db.begin(team.ana) as conn:
        assert len(server.fetch_scorecards(conn, sc.candidate, pack()).scorecards) == 1
