"""The team store against a security reviewer: each finding of issue "Team store, hardened".

Every test runs against a real PostgreSQL server, mostly over plain psycopg as a
person's own login (what anyone given an account has), and each failed on the
schema and client before revision t0002:

1. planner counts (EXPLAIN ANALYZE) of hidden rows, through every function a login may run;
2. a login of another database on the same cluster;
3. one malformed row (5,000-deep JSON, wrong types, a future format) and the lead's
   debrief and calibration, after an in-place upgrade of a t0001 store;
4. times and "before" values the client makes up;
5. free text in ids, and the deletion audit;
6. a token scorecard, shown to the lead with its provenance.

Finding 7 (secrets, TLS, exit codes) is in tests/test_team_tls.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.exchange.files import FORMAT_VERSION, canonical_json, content_hash
from companion.exchange.schema import scorecard_to_dict
from companion.loop.model import assign, loop_from_plan
from companion.record.change_codec import amendment_to_dict
from companion.record.changes import Amendment, Rate
from companion.record.scorecard import Scorecard
from companion.team import loops, schema, server
from companion.team.errors import TeamRefusedError, server_reason
from tests.conftest import run_cli
from tests.pg_server import PgServer
from tests.scorecards import hex_id, make_scorecard, pack, pdf_body, pdf_pages
from tests.team_support import TeamDb, create_database, drop_database

DENIED = "42501"
BAD_VALUE = "22023"
AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)  # after the cards' submission, before now
Raw = psycopg.Connection[tuple[object, ...]]


def card(interviewer: str, candidate: str, seed: int, **kw: object) -> Scorecard:
    return make_scorecard(pack(), interviewer=interviewer, candidate=candidate, seed=seed,
                          words_per_note=8, sc_id=hex_id(f"{interviewer}-{seed}"),
                          **kw)  # type: ignore[arg-type]


def refused(conn: Raw, sql: str, params: tuple[object, ...] = ()) -> str:
    """Run ``sql``; return the SQLSTATE the server refused it with (fails if it ran)."""
    with conn.transaction(force_rollback=True):
        try:
            with conn.transaction():
                conn.execute(sql, params)
        except psycopg.Error as exc:
            return str(exc.sqlstate)
    raise AssertionError(f"the server ran it: {sql}")


def publish_call(sc: Scorecard, payload_text: str | None = None) -> tuple[str, tuple[object, ...]]:
    payload = scorecard_to_dict(sc)
    body = payload_text if payload_text is not None else canonical_json(payload).decode()
    return ("SELECT companion.publish_scorecard(%s, %s, %s, %s)",
            (sc.id, FORMAT_VERSION, content_hash(payload), body))


def pdf_first_page(path: Path) -> str:
    return " ".join(pdf_pages(path)[0].split())


@dataclass
class Team:
    db: TeamDb
    sam: str
    lee: str
    ana: str  # panel lead
    rita: str  # admin
    lee_on_priya: Scorecard  # Sam has not published a scorecard of Priya
    sam_on_kofi: Scorecard
    loop_id: str = ""  # a loop (t0003) with round 1 assigned to Sam


@pytest.fixture(scope="module")
def team(pg_server: PgServer) -> Iterator[Team]:
    db = create_database(pg_server)
    t = Team(db, db.add("sam", "interviewer", "Sam Okafor"),
             db.add("lee", "interviewer", "Lee Chen"), db.add("ana", "lead", "Ana Pereira"),
             db.add("rita", "admin", "Rita Admin"),
             card("Lee Chen", "Priya Raman", 1), card("Sam Okafor", "Kofi Mensah", 3))
    with db.begin(t.lee) as conn:
        server.publish_scorecard(conn, t.lee_on_priya)
        server.publish_scorecard(conn, card("Lee Chen", "Kofi Mensah", 2))
        change = Rate(t.lee_on_priya.items[0].item_id, "strong", AT)
        server.append_amendment(conn, t.lee_on_priya.id, 1, AT, amendment_to_dict(
            Amendment(AT, change, t.lee_on_priya.undo_for(change), "")))
    with db.begin(t.sam) as conn:
        server.publish_scorecard(conn, t.sam_on_kofi)
    loop = assign(loop_from_plan(plan_loop(builtin_pack(), "api", "senior"), "Zed Loop",
                                 "Ana Pereira"), 1, "Sam Okafor")
    with db.begin(t.ana) as conn:
        loops.create_loop(conn, loop)
    t.loop_id = loop.id
    try:
        yield t
    finally:
        drop_database(db)


# ------------------------------------------------ 1. counting hidden rows through the planner

def _calls(t: Team) -> dict[str, tuple[str, tuple[object, ...]]]:
    """One call of every function an interviewer may run, each as the app would make it."""
    own = card("Sam Okafor", "Ravi Das", 9)
    change = Rate(t.sam_on_kofi.items[0].item_id, "thin", AT)
    amendment = canonical_json(amendment_to_dict(
        Amendment(AT, change, t.sam_on_kofi.undo_for(change), ""))).decode()
    return {
        "list_members": ("SELECT * FROM companion.list_members()", ()),
        "list_candidates": ("SELECT * FROM companion.list_candidates()", ()),
        "read_scorecards": ("SELECT * FROM companion.read_scorecards(%s, NULL)",
                            ("Priya Raman",)),
        "read_scorecards (all)": ("SELECT * FROM companion.read_scorecards(NULL, NULL)", ()),
        "read_amendments": ("SELECT * FROM companion.read_amendments(NULL)", ()),
        "read_calibration": ("SELECT * FROM companion.read_calibration(NULL)", ()),
        "stored_copy": ("SELECT * FROM companion.stored_copy(%s)", (t.lee_on_priya.id,)),
        "publish_scorecard": publish_call(own),
        "append_amendment": ("SELECT companion.append_amendment(%s, 1, %s, %s)",
                             (t.sam_on_kofi.id, AT, amendment)),
        # Practice (t0004): sums of one's own sets, and the team's threshold.
        "publish_practice": ("SELECT companion.publish_practice(%s, 'api', NULL, now(), 12, "
                             "6, 10, 2, 14)", ("ab" * 16,)),
        "practice_bar": ("SELECT * FROM companion.practice_bar()", ()),
        "read_loops": ("SELECT * FROM companion.read_loops()", ()),  # t0003
        "round_started": ("SELECT companion.round_started(%s, 1)", (t.loop_id,)),
        # t0005: the team's rules, and a round's progress ahead of its scorecard.
        "team_settings": ("SELECT * FROM companion.team_settings()", ()),
        "round_progress": ("SELECT companion.round_progress(%s, 1, 'submitted')",
                           (t.loop_id,)),
    }


# Buffer counters that say what a run did to the cache, not what it read: a page is
# counted once whether it was in shared memory (hit) or not (read).
_CACHE_KEYS = ("Shared Hit Blocks", "Shared Read Blocks", "Shared Dirtied Blocks",
               "Shared Written Blocks", "Local Dirtied Blocks", "Local Written Blocks")
RUNS = 4  # measured runs of each call, after one that warms the session's caches


def _node(node: dict[str, object]) -> dict[str, object]:
    """One plan node with its children: everything but the cache counters, plus pages."""
    out = {k: v for k, v in node.items() if k not in (*_CACHE_KEYS, "Plans")}
    out["Pages"] = int(str(node.get("Shared Hit Blocks", 0))) + \
        int(str(node.get("Shared Read Blocks", 0)))
    children = node.get("Plans", [])
    out["Plans"] = [_node(c) for c in children] if isinstance(children, list) else []
    return out


def _pages(tree: dict[str, object]) -> int:
    plans = tree["Plans"]
    return int(str(tree["Pages"])) + sum(_pages(c) for c in plans) \
        if isinstance(plans, list) else 0


def _plans(conn: Raw, calls: dict[str, tuple[str, tuple[object, ...]]]
           ) -> dict[str, dict[str, object]]:
    """EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) of every call: its plan tree and pages.

    A write rolled back leaves a dead row its next attempt may step over, so a
    write's pages wander by a page or two from run to run; the run that read the
    fewest is the one kept (for reads every run reads the same).
    """
    out: dict[str, dict[str, object]] = {}
    for name, (sql, params) in calls.items():
        runs = []
        for _ in range(1 + RUNS):
            with conn.transaction(force_rollback=True):
                conn.execute("SET LOCAL enable_seqscan = off")
                ((doc,),) = conn.execute(
                    f"EXPLAIN (ANALYZE, VERBOSE, BUFFERS, COSTS OFF, TIMING OFF, "
                    f"FORMAT JSON) {sql}", params).fetchall()
            assert isinstance(doc, list)
            planning = doc[0].get("Planning", {})
            runs.append({"Plan": _node(doc[0]["Plan"]),
                         "Planning pages": planning.get("Shared Hit Blocks", 0)
                         + planning.get("Shared Read Blocks", 0)})
        out[name] = min(runs[1:], key=lambda r: (_pages(r["Plan"]), r["Planning pages"]))
    return out


def test_a_planner_dump_of_every_function_says_nothing_of_hidden_rows(team: Team) -> None:
    """Plans, row counts and pages read, through every function Sam may run, are the
    same with and without fifty scorecards he may not read (docs/team-store.md)."""
    calls = _calls(team)
    with team.db.raw(team.sam) as sam:
        runnable = {str(r[0]) for r in sam.execute(
            "SELECT p.proname FROM pg_proc p WHERE p.pronamespace = 'companion'::regnamespace "
            "AND has_function_privilege(p.oid, 'EXECUTE')")}
        # every one is tried; fold_name and old_app_refused only answer an app older
        # than t0002 (t0006, t0007), and read nothing
        assert runnable == {name.split(" ")[0] for name in calls} | {"fold_name",
                                                                      "old_app_refused"}
        assert refused(sam, "SELECT companion.fold_name('Priya Raman')") == DENIED
        assert refused(sam, "SELECT companion.old_app_refused()") == DENIED
    with psycopg.connect(team.db.conninfo(), autocommit=True) as su:
        su.execute("VACUUM ANALYZE")  # every page all-visible, as autovacuum leaves them
    with team.db.raw(team.sam) as sam:
        before = _plans(sam, calls)
    # Lee publishes fifty more scorecards Sam may not read, of Priya and of others.
    hidden = [card("Lee Chen", "Priya Raman" if n % 2 else f"Hidden {n}", 100 + n)
              for n in range(50)]
    with team.db.begin(team.lee) as conn:
        for sc in hidden:
            server.publish_scorecard(conn, sc)
    try:
        with team.db.raw(team.sam) as sam:
            after = _plans(sam, calls)
        with psycopg.connect(team.db.conninfo(), autocommit=True) as su:
            su.execute("ANALYZE")  # what autovacuum does in its own time
        with team.db.raw(team.sam) as sam:
            analyzed = _plans(sam, calls)
    finally:
        with team.db.begin(team.rita) as conn:
            for n in range(0, 50, 2):
                server.delete_candidate(conn, f"Hidden {n}")
    for name in calls:
        assert "Removed by" not in str(after[name]), after[name]
        assert after[name] == before[name], (name, before[name], after[name])
        assert analyzed[name] == before[name], (name, before[name], analyzed[name])
    # the dump does see the work done: reading one's own scorecards reads pages
    assert _pages(before["read_scorecards (all)"]["Plan"]) > 0  # type: ignore[arg-type]


def test_the_tables_and_the_planner_behind_them_are_closed(team: Team) -> None:
    with team.db.raw(team.sam) as sam:
        for sql in (
                "SET enable_seqscan = off; EXPLAIN ANALYZE SELECT id "
                "FROM companion_data.scorecards WHERE candidate_key = 'priya raman' "
                "AND owner = 'x'",
                "EXPLAIN ANALYZE SELECT * FROM companion_data.amendments",
                "SELECT * FROM companion.members",
                "SELECT * FROM companion.readable(NULL)",
                "SELECT companion.too_deep('[]'::jsonb, 1)",
                "SELECT * FROM companion.read_decisions(NULL)",
                "SELECT companion.record_decision('Kofi Mensah', 'hire', NULL, now(), '')",
                "SELECT * FROM companion.delete_candidate('Kofi Mensah')",
                "EXPLAIN ANALYZE SELECT * FROM companion_data.practice_summaries",
                "SELECT * FROM companion.practice_by_interviewer()",
                "SELECT companion.set_practice_bar(0, 0, 1)",
                "LOAD 'auto_explain'"):
            assert refused(sam, sql) == DENIED, sql


# ------------------------------------------------ 2. a login of another database

def test_a_login_of_another_database_on_the_cluster_cannot_connect(
        team: Team, pg_server: PgServer, tmp_path: Path) -> None:
    other = create_database(pg_server)
    try:
        olga = other.add("olga", "interviewer", "Olga Berg")  # same group roles, other team
        with psycopg.connect(other.conninfo(olga)) as conn:  # the control: her own team
            assert conn.execute("SELECT count(*) FROM companion.list_members()"
                                ).fetchone() == (1,)
        with pytest.raises(psycopg.OperationalError, match="CONNECT privilege"):
            psycopg.connect(team.db.conninfo(olga))
        res = run_cli("team", "connect", team.db.conninfo(olga), data_dir=tmp_path)
        assert res.returncode == 2
        assert "not a member of the team store on this database" in res.stderr
    finally:
        drop_database(other)


# ------------------------------------------------ 3. one bad row, and the t0001 upgrade

DEEP = 5000


def _old_insert(conn: Raw, sc: Scorecard, *, payload_text: str | None = None,
                sc_id: str | None = None, version: int = FORMAT_VERSION,
                sha: str | None = None) -> None:
    """An insert as a t0001 interviewer could make it with their own login and psql."""
    payload = scorecard_to_dict(sc)
    if sc_id is not None:
        payload["id"] = sc_id
    body = payload_text if payload_text is not None else canonical_json(payload).decode()
    conn.execute("INSERT INTO companion.scorecards (id, interviewer, candidate, submitted_at, "
                 "format_version, content_sha256, payload) VALUES (%s, %s, %s, %s, %s, %s, "
                 "%s::jsonb)", (payload["id"], sc.interviewer, sc.candidate, sc.submitted_at,
                                version, sha or content_hash(payload), body))


def _deep_payload(sc: Scorecard) -> str:
    head = canonical_json({k: v for k, v in scorecard_to_dict(sc).items()
                           if k in ("id", "candidate", "interviewer", "submitted_at")}).decode()
    return head[:-1] + ',"extra":' + "[" * DEEP + "]" * DEEP + "}"


@pytest.fixture
def old_store(pg_server: PgServer) -> Iterator[TeamDb]:
    db = create_database(pg_server, revision="t0001")
    try:
        yield db
    finally:
        drop_database(db)


def test_a_t0001_store_with_bad_rows_upgrades_and_every_good_scorecard_still_makes_the_debrief(
        old_store: TeamDb, tmp_path: Path) -> None:
    db = old_store
    sam, lee = db.add("sam", "interviewer", "Sam Okafor"), db.add("lee", "interviewer", "Lee Chen")
    ana = db.add("ana", "lead", "Ana Pereira")
    good_sam, good_lee = card("Sam Okafor", "Mei Lin", 1), card("Lee Chen", "Mei Lin", 2)
    deep = card("Lee Chen", "Mei Lin", 3)
    typed = card("Sam Okafor", "Mei Lin", 4)
    future = card("Lee Chen", "Mei Lin", 5)
    free_text = card("Sam Okafor", "Erin Privacy", 6)
    with db.raw(sam) as conn:
        _old_insert(conn, good_sam)
        bad = scorecard_to_dict(typed)
        bad["recommendation"] = 42
        _old_insert(conn, typed, payload_text=canonical_json(bad).decode(),
                    sha=content_hash(bad))  # a right hash over a wrong type
        _old_insert(conn, free_text, sc_id="Erin Privacy (erin@example.com): NO HIRE")
        conn.execute("INSERT INTO companion.amendments (scorecard_id, seq, at, change) VALUES "
                     "(%s, 1, %s, %s)", (good_sam.id, AT, Jsonb(amendment_to_dict(Amendment(
                         AT, Rate(good_sam.items[0].item_id, "strong", AT),
                         Rate(good_sam.items[0].item_id, "mid", None), "")))))
        conn.commit()
    with db.raw(lee) as conn:
        _old_insert(conn, good_lee)
        _old_insert(conn, deep, payload_text=_deep_payload(deep))
        _old_insert(conn, future, version=99)
        conn.commit()
    with db.begin() as conn:
        before = conn.execute(text("SELECT id, md5(payload::text) FROM companion.scorecards "
                                   "ORDER BY id")).all()
        assert schema.upgrade(conn) == ("t0001", schema.head_revision())
    with db.begin() as conn:  # nothing lost, nothing changed (the tables moved in t0007)
        assert conn.execute(text("SELECT id, md5(payload::text) "
                                 "FROM companion_data.scorecards ORDER BY id")).all() == before
        assert conn.execute(text("SELECT count(*) FROM companion_data.amendments")).scalar() == 1

    lead = tmp_path / "ana"
    lead.mkdir()
    assert run_cli("team", "connect", db.conninfo(ana), data_dir=lead).returncode == 0
    pdf = tmp_path / "debrief.pdf"
    res = run_cli("panel", "--team", "Mei Lin", "--pdf", str(pdf), data_dir=lead)
    assert res.returncode == 0, res.stderr
    assert "2 scorecards of Mei Lin from the team store, 1 amendment" in res.stdout
    warnings = [ln for ln in res.stderr.splitlines() if ln.startswith("warning: left out: ")]
    assert len(warnings) == 3, res.stderr
    assert any(f"team store scorecard {deep.id} by Lee Chen: " in w
               and "nested more than 16 levels deep" in w for w in warnings)
    assert any(f"team store scorecard {typed.id} by Sam Okafor: " in w
               and "recommendation" in w for w in warnings)
    assert any(f"team store scorecard {future.id} by Lee Chen: " in w
               and "format 99" in w for w in warnings)
    first = pdf_first_page(pdf)
    assert first.count("Left out: team store scorecard") == 3
    assert f"{deep.id} by Lee Chen" in first

    cal = run_cli("calibration", "--team", "--pdf", str(tmp_path / "cal.pdf"), data_dir=lead)
    assert cal.returncode == 0, cal.stderr
    assert cal.stderr.count("warning: left out: team store scorecard") == 4  # Erin's too
    assert pdf_first_page(tmp_path / "cal.pdf").count("Left out: team store scorecard") == 4

    # 5. the free-text id: refused from now on, and its deletion audited without the text
    rita = db.add("rita", "admin", "Rita Admin")
    with db.begin(rita) as conn:
        assert server.delete_candidate(conn, "Erin Privacy").scorecards == 1
    with db.begin() as conn:
        audit = conn.execute(text("SELECT record_id FROM companion_data.deletions")
                             ).scalars().all()
    assert audit == [hashlib.md5(b"Erin Privacy (erin@example.com): NO HIRE").hexdigest()]


def test_the_server_refuses_what_it_cannot_keep_bounded(team: Team) -> None:
    sc = card("Sam Okafor", "Kofi Mensah", 11)
    with team.db.raw(team.sam) as sam:
        assert refused(sam, *publish_call(sc, _deep_payload(sc))) == BAD_VALUE
        huge = scorecard_to_dict(sc)
        huge["summary"] = "x" * (5 * 1024 * 1024)
        assert refused(sam, *publish_call(sc, canonical_json(huge).decode())) == BAD_VALUE
        wrong = scorecard_to_dict(sc)
        wrong["items"][0]["rating"] = "superb"
        assert refused(sam, *publish_call(sc, canonical_json(wrong).decode())) == BAD_VALUE
        named = card("Sam Okafor", "Erin Privacy", 12)
        named_payload = scorecard_to_dict(named)
        named_payload["id"] = "Erin Privacy (erin@example.com): NO HIRE"
        assert refused(sam, "SELECT companion.publish_scorecard(%s, 2, %s, %s)",
                       (named_payload["id"], content_hash(named_payload),
                        canonical_json(named_payload).decode())) == BAD_VALUE
        with sam.transaction(force_rollback=True):  # the control: the card as it is
            assert sam.execute(*publish_call(sc)).fetchone() == ("stored",)


# ------------------------------------------------ 4. times and "before" values

def test_made_up_times_and_before_values_are_not_taken(team: Team, tmp_path: Path) -> None:
    sc = card("Sam Okafor", "Noor Haddad", 21)
    item = sc.items[0].item_id
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, sc)
    forged = Amendment(datetime(2020, 1, 1, tzinfo=UTC), Rate(item, "strong", AT),
                       Rate(item, "very_thin", None), "")  # it was Mid, never Very thin
    with pytest.raises(TeamRefusedError, match="between its scorecard's submission"), \
            team.db.begin(team.sam) as conn:
        server.append_amendment(conn, sc.id, 1, forged.at, amendment_to_dict(forged))
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    with pytest.raises(TeamRefusedError, match="between its scorecard's submission"), \
            team.db.begin(team.sam) as conn:
        server.append_amendment(conn, sc.id, 1, tomorrow, amendment_to_dict(forged))
    with team.db.begin(team.sam) as conn:  # a real time, a made-up "before": stored ...
        server.append_amendment(conn, sc.id, 1, AT, amendment_to_dict(forged))
    with team.db.raw(team.sam) as sam:  # ... and no way to set times or ids by hand
        assert refused(sam, "INSERT INTO companion_data.scorecards (id, published_at) "
                       "VALUES ('x', '2020-01-01')") == DENIED
    with team.db.raw(team.ana) as ana:
        assert refused(ana, "INSERT INTO companion_data.decisions (id, candidate, outcome, "
                       "decided_by, decided_at, recorded_at) OVERRIDING SYSTEM VALUE VALUES "
                       "(1, 'Noor Haddad', 'hire', 'Ana Pereira', now(), '2020-01-01')") == DENIED

    lead = tmp_path / "ana"
    lead.mkdir()
    run_cli("team", "connect", team.db.conninfo(team.ana), data_dir=lead)
    pdf = tmp_path / "debrief.pdf"
    res = run_cli("panel", "--team", "Noor Haddad", "--pdf", str(pdf), data_dir=lead)
    assert res.returncode == 0, res.stderr
    body = " ".join(pdf_body(pdf).split())
    assert "Before: Mid After: Strong" in body and "Very thin" not in body
    assert "2020" not in body
    with team.db.begin(team.sam) as conn:
        (stored,) = server.fetch_scorecards(conn, "Noor Haddad", pack()).scorecards
    now = datetime.now(UTC)
    assert now - timedelta(minutes=10) < stored.published_at <= now
    assert now - timedelta(minutes=10) < stored.amendments[0].recorded_at <= now


def test_a_decision_carries_the_servers_name_and_time(team: Team) -> None:
    @dataclass(frozen=True)
    class Made:
        candidate: str = "Kofi Mensah"
        outcome: str = "hire"
        level: str | None = "senior"
        decided_by: str = "Sam Okafor"  # not the lead who records it
        decided_at: datetime = AT
        note: str = ""

    with team.db.begin(team.ana) as conn:
        server.record_decision(conn, Made())
        got = server.read_decision(conn, "Kofi Mensah")
    assert got is not None and (got.decided_by, got.recorded_by) == ("Ana Pereira", team.ana)
    assert datetime.now(UTC) - got.recorded_at < timedelta(minutes=10)


# ------------------------------------------------ 6. the token scorecard

def test_a_token_scorecard_is_shown_with_who_published_it_and_does_not_count(
        team: Team, tmp_path: Path) -> None:
    real = card("Sam Okafor", "Tomas Varga", 31, recommendation="no")
    token = card("Lee Chen", "Tomas Varga", 32, recommendation="yes",
                 ratings={it.item_id: None for it in real.items})
    with team.db.begin(team.sam) as conn:
        server.publish_scorecard(conn, real)
    with team.db.begin(team.lee) as conn:
        server.publish_scorecard(conn, token)
    lead = tmp_path / "ana"
    lead.mkdir()
    run_cli("team", "connect", team.db.conninfo(team.ana), data_dir=lead)
    pdf = tmp_path / "debrief.pdf"
    res = run_cli("panel", "--team", "Tomas Varga", "--pdf", str(pdf), data_dir=lead)
    assert res.returncode == 0, res.stderr
    first = pdf_first_page(pdf)
    assert f"published by {team.sam} at " in first and f"published by {team.lee} at " in first
    assert "(server time)" in first
    assert f"ALMOST NOTHING RATED (0 of {len(token.items)} items)" in first
    assert "Lee Chen rated almost nothing" in first
    body = " ".join(pdf_body(pdf).split())
    assert "Recommendations split between yes and no" not in body


# ------------------------------------------------ calibration's own read

def test_calibration_leaves_out_what_the_debrief_leaves_out_hash_and_notes_too(
        pg_server: PgServer) -> None:
    """A payload changed behind the app's back (a note rewritten, a note too long) keeps
    every field calibration computes with; calibration still refuses it, as the
    debrief does, because it reads each row through the same gate."""
    from companion.calibration.figures import compute_rated
    from companion.team.reading import brought_up_to_date, read_for_calibration

    db = create_database(pg_server)
    try:
        sam, ana = db.add("sam", "interviewer", "Sam Okafor"), db.add("ana", "lead", "Ana P")
        cards = [card("Sam Okafor", f"Cal {n}", 50 + n) for n in range(3)]
        with db.begin(sam) as conn:
            for sc in cards:
                server.publish_scorecard(conn, sc)
        with db.raw("postgres") as su:  # as someone with the table in hand would
            su.execute("ALTER TABLE companion_data.scorecards DISABLE TRIGGER USER")
            su.execute("UPDATE companion_data.scorecards SET payload = jsonb_set(payload, "
                       "'{summary}', to_jsonb('rewritten afterwards'::text)) WHERE id = %s",
                       (cards[0].id,))
            su.execute("UPDATE companion_data.scorecards SET payload = jsonb_set(payload, "
                       "'{summary}', to_jsonb(repeat('x', 300000))), content_sha256 = %s "
                       "WHERE id = %s", ("0" * 64, cards[1].id))
            su.execute("ALTER TABLE companion_data.scorecards ENABLE TRIGGER USER")
            su.commit()
        with db.begin(ana) as conn:
            cal = read_for_calibration(conn, pack())
            debrief, debrief_problems = brought_up_to_date(
                server.fetch_all_scorecards(conn, pack()))
        assert [rc.id for rc in cal.rounds] == [cards[2].id] == \
            [sc.id for sc in debrief]
        assert list(cal.problems) == debrief_problems and len(debrief_problems) == 2
        assert f"team store scorecard {cards[0].id} by Sam Okafor: " in cal.problems[0]
        assert "content hash does not match" in cal.problems[0]
        assert f"{cards[1].id} by Sam Okafor" in cal.problems[1]
        assert compute_rated(cal.rounds, (), pack(), kinds=cal.kinds).scorecards == 1
    finally:
        drop_database(db)


def test_calibrations_lean_read_gives_the_figures_of_whole_amended_scorecards(
        pg_server: PgServer) -> None:
    """Calibration reads each team row into what it computes with (``record.rated``);
    its figures are those of ``compute`` over the debrief's whole scorecards, and over
    the same scorecards amended here, with amended cards counted as submitted and a
    refused row left out of all three."""
    import random

    from companion.calibration.figures import compute, compute_rated
    from companion.record.changes import AnswerProbe, Recommend
    from companion.record.decision import Decision
    from companion.record.scorecard import RATINGS, RECOMMENDATIONS
    from companion.team.reading import brought_up_to_date, read_for_calibration

    db = create_database(pg_server)
    try:
        roles = {who: db.add(base, "interviewer", who)
                 for base, who in (("sam", "Sam Okafor"), ("lee", "Lee Chen"))}
        ana = db.add("ana", "lead", "Ana P")
        ids = [it.item_id for it in card("Sam Okafor", "x", 1).items]
        rnd = random.Random(18)
        cards = [card(who, f"Cal Candidate {n}", 200 + n,
                      ratings={i: rnd.choice(RATINGS) for i in ids},
                      recommendation=rnd.choice(RECOMMENDATIONS))
                 for n in range(8) for who in roles]
        first = cards[0].items[0]
        failure = next(it for it in cards[1].items
                       if any(p.probe_id.startswith("failure.") for p in it.probes))
        probe = next(p for p in failure.probes if p.probe_id.startswith("failure."))
        changes = {cards[0].id: [Rate(first.item_id, "strong" if first.rating != "strong"
                                      else "very_thin", AT), Recommend("strong_no")],
                   cards[1].id: [AnswerProbe(failure.item_id, probe.probe_id, False, None,
                                             "", AT)]}
        expected = []
        for sc in cards:
            with db.begin(roles[sc.interviewer]) as conn:
                server.publish_scorecard(conn, sc)
                for seq, change in enumerate(changes.get(sc.id, ()), start=1):
                    amendment = Amendment(AT, change, sc.undo_for(change), "")
                    server.append_amendment(conn, sc.id, seq, AT, amendment_to_dict(amendment))
                    sc = sc.apply(amendment)
            expected.append(sc)
        with db.begin(ana) as conn:
            for n, outcome in enumerate(("hire", "no_hire", "hire", "no_hire", "hire")):
                server.record_decision(conn, Decision(f"Cal Candidate {n}", outcome, "Ana P",
                                                      AT, "senior" if outcome == "hire"
                                                      else None))
        refused_card = cards[5]
        with db.raw("postgres") as su:  # a row changed behind the app's back
            su.execute("ALTER TABLE companion_data.scorecards DISABLE TRIGGER USER")
            su.execute("UPDATE companion_data.scorecards SET payload = jsonb_set(payload, "
                       "'{summary}', to_jsonb('rewritten'::text)) WHERE id = %s",
                       (refused_card.id,))
            su.execute("ALTER TABLE companion_data.scorecards ENABLE TRIGGER USER")
            su.commit()
        expected = [sc for sc in expected if sc.id != refused_card.id]
        with db.begin(ana) as conn:
            cal = read_for_calibration(conn, pack())
            whole, problems = brought_up_to_date(server.fetch_all_scorecards(conn, pack()))
        assert list(cal.problems) == problems and len(problems) == 1
        assert f"team store scorecard {refused_card.id} by " in problems[0]
        assert sorted(rc.id for rc in cal.rounds) == sorted(sc.id for sc in expected) == \
            sorted(sc.id for sc in whole)
        amended = next(rc for rc in cal.rounds if rc.id == cards[0].id)
        assert amended.ratings[first.item_id] == first.rating  # as submitted
        assert amended.recommendation == cards[0].recommendation
        probed = next(rc for rc in cal.rounds if rc.id == cards[1].id)
        assert probe.probe_id not in probed.failure_asked.get(failure.item_id, ())  # current

        lean = compute_rated(cal.rounds, cal.decisions, pack(), kinds=cal.kinds)
        assert lean.scorecards == 15 and lean.candidates == 8 and lean.decided == 5
        assert lean.interviewers and lean.items
        assert lean.to_dict() == compute(whole, cal.decisions, pack()).to_dict() == \
            compute(expected, cal.decisions, pack()).to_dict()
    finally:
        drop_database(db)


def test_an_app_of_t0001_still_reads_the_version_and_says_update_the_app(team: Team) -> None:
    """The one table people may read: the schema version, which a t0001 client checks
    before every write (``schema.require_writable``) and in ``team status``."""
    with team.db.raw(team.sam) as sam:
        row = sam.execute("SELECT version_num FROM companion.alembic_version").fetchone()
    assert row == (schema.head_revision(),) and schema.head_revision() != "t0001"
    old_app = schema.SchemaCheck(str(row[0]), "t0001", "newer")  # what t0001's check() says
    assert old_app.message == (f"the team store was upgraded by a newer app (revision "
                               f"{row[0]}); update the app")


UPGRADE = "this team store needs a newer Interview Companion; upgrade the app"
OLD_SCORECARDS = ("SELECT id, owner, published_by, published_at, format_version, "
                  "content_sha256, payload, candidate, interviewer FROM companion.scorecards")
# Every read of the released t0001 client (companion/team/server.py at t0001), word for
# word, keyed by the words its ``_translate`` put after "the team store refused".
OLD_READS: dict[str, tuple[str, dict[str, object]]] = {
    "to read the scorecards of 'Kofi Mensah'": (  # its debrief
        f"{OLD_SCORECARDS} WHERE candidate_key = companion.fold_name(:c) "
        "ORDER BY submitted_at, id", {"c": "Kofi Mensah"}),
    "to read the scorecards": (  # its calibration
        f"{OLD_SCORECARDS} WHERE CAST(:since AS timestamptz) IS NULL OR submitted_at >= :since "
        "ORDER BY submitted_at, id", {"since": None}),
    "to list candidates": (
        "SELECT min(candidate), count(*), max(submitted_at) FROM companion.scorecards "
        "GROUP BY candidate_key ORDER BY max(submitted_at) DESC, min(candidate)", {}),
    "to read scorecard 0123": (  # after a conflicting publish
        "SELECT owner, published_by, coalesce(jsonb_array_length(payload -> 'amendments'), 0) "
        "FROM companion.scorecards WHERE id = :id", {"id": "0123"}),
    "to read amendments": (
        "SELECT scorecard_id, seq, at, author, change, recorded_at "
        "FROM companion.amendments ORDER BY scorecard_id, seq", {}),
    "to read amendments of two scorecards": (
        "SELECT scorecard_id, seq, at, author, change, recorded_at "
        "FROM companion.amendments WHERE scorecard_id = ANY(:ids) ORDER BY scorecard_id, seq",
        {"ids": ["a", "b"]}),
    "to read decisions": (
        "SELECT DISTINCT ON (candidate_key) candidate, outcome, level, decided_by, "
        "decided_at, note, recorded_by, recorded_at FROM companion.decisions "
        "ORDER BY candidate_key, decided_at DESC, recorded_at DESC", {}),
    "to read the decision on 'Kofi Mensah'": (
        "SELECT candidate, outcome, level, decided_by, decided_at, note, recorded_by, "
        "recorded_at FROM companion.decisions WHERE candidate_key = companion.fold_name(:c) "
        "ORDER BY decided_at DESC, recorded_at DESC LIMIT 1", {"c": "Kofi Mensah"}),
}


def test_an_app_of_t0001_reading_a_candidate_is_told_to_upgrade(team: Team) -> None:
    """The released t0001 client's reads, word for word, against the head schema, and
    the line that client's ``_translate`` made of the server's answer: every one, for
    an interviewer, a lead and an admin, says "upgrade the app". The debrief's read
    meets ``fold_name`` first (t0006); the others meet the views that stand in the
    tables' old names (t0007). An admin's delete is told the same, and deletes nothing."""
    with team.db.begin(team.ana) as conn:
        stored = conn.execute(text("SELECT id FROM companion.read_scorecards(NULL, NULL)")
                              ).scalars().all()
    said = {}
    for who in (team.sam, team.ana, team.rita):
        with team.db.begin(who) as conn:
            # t0001's read_decisions asked this first; an empty list when false
            assert conn.execute(text("SELECT has_table_privilege('companion.decisions', "
                                     "'SELECT')")).scalar_one() is True
            for what, (sql, params) in OLD_READS.items():
                with pytest.raises(DBAPIError) as caught, conn.begin_nested():
                    conn.execute(text(sql), params)
                state, reason = server_reason(caught.value)
                assert state == DENIED  # what made t0001's _translate say "refused"
                said[who, what] = f"the team store refused {what}: {reason}"
    assert said == {key: f"the team store refused {key[1]}: {UPGRADE}" for key in said}
    assert len(said) == 3 * len(OLD_READS)
    with team.db.begin(team.rita) as conn, pytest.raises(DBAPIError) as caught, \
            conn.begin_nested():
        conn.execute(text("DELETE FROM companion.scorecards "  # t0001's delete_candidate
                          "WHERE candidate_key = companion.fold_name(:c)"), {"c": "Kofi Mensah"})
    assert server_reason(caught.value) == (DENIED, UPGRADE)
    with team.db.begin(team.ana) as conn:
        assert conn.execute(text("SELECT id FROM companion.read_scorecards(NULL, NULL)")
                            ).scalars().all() == stored and len(stored) >= 3
    with team.db.begin(team.rita) as conn:  # an admin (who writes members) folds names
        assert conn.execute(text("SELECT companion.fold_name('  Kofi   Mensah ')")
                            ).scalar_one() == "kofi mensah"
