"""Calibration's cache of team-store rows it already checked (``team.checked_cache``).

Against a real PostgreSQL server: a warm read gives the cold read's figures and
problem lines, and both equal ``compute`` over the debrief's whole scorecards, with
a tampered row, an amended row, a row the superuser changed between two reads (good
and bad), and a deleted candidate, whose entries must leave the file's bytes. A
broken or hostile cache file never changes a figure, and the file goes with the
team settings.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from companion.calibration.figures import compute, compute_rated
from companion.exchange.files import canonical_json, content_hash
from companion.exchange.schema import scorecard_to_dict
from companion.record.change_codec import amendment_to_dict
from companion.record.changes import Amendment, AnswerProbe
from companion.record.decision import Decision
from companion.record.scorecard import Scorecard
from companion.team import server
from companion.team.checked_cache import CheckedCache
from companion.team.reading import (
    TeamCalibrationData,
    brought_up_to_date,
    read_for_calibration,
)
from companion.team.settings import cache_path, clear_conninfo, load_conninfo, save_conninfo
from tests.conftest import run_cli
from tests.scorecards import hex_id, make_scorecard, pack
from tests.team_support import TeamDb

AT = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
PEOPLE = ("Sam Okafor", "Lee Chen")


def card(interviewer: str, candidate: str, seed: int) -> Scorecard:
    return make_scorecard(pack(), interviewer=interviewer, candidate=candidate, seed=seed,
                          words_per_note=8, sc_id=hex_id(f"{interviewer}-{seed}"))


class Team:
    """Two interviewers' published cards, a lead who reads them, a lead's data folder."""

    def __init__(self, db: TeamDb, folder: Path) -> None:
        self.db, self.folder = db, folder
        self.roles = {who: db.add(who.split()[0].lower(), "interviewer", who)
                      for who in PEOPLE}
        self.lead = db.add("ana", "lead", "Ana P")
        self.cards = [card(who, f"Cache Candidate {n}", 300 + 2 * n + k)
                      for n in range(6) for k, who in enumerate(PEOPLE)]
        for sc in self.cards:
            self.publish(sc)
        with db.begin(self.lead) as conn:
            for n, outcome in enumerate(("hire", "no_hire", "hire")):
                server.record_decision(conn, Decision(f"Cache Candidate {n}", outcome, "Ana P",
                                                      AT, "senior" if outcome == "hire"
                                                      else None))

    def publish(self, sc: Scorecard) -> None:
        with self.db.begin(self.roles[sc.interviewer]) as conn:
            server.publish_scorecard(conn, sc)

    def cache(self) -> CheckedCache:
        return CheckedCache(self.folder, self.db.conninfo(self.lead))

    def read(self, cache: CheckedCache | None) -> TeamCalibrationData:
        with self.db.begin(self.lead) as conn:
            return read_for_calibration(conn, pack(), cache)

    def whole(self) -> tuple[list[Scorecard], list[str]]:
        """What the debrief reads: whole scorecards, amendments applied."""
        with self.db.begin(self.lead) as conn:
            return brought_up_to_date(server.fetch_all_scorecards(conn, pack()))

    def as_superuser(self, sql: str, params: tuple[object, ...]) -> None:
        with self.db.raw("postgres") as su:  # someone with the table in hand
            su.execute("ALTER TABLE companion_data.scorecards DISABLE TRIGGER USER")
            su.execute(sql, params)
            su.execute("ALTER TABLE companion_data.scorecards ENABLE TRIGGER USER")
            su.commit()

    def replace_payload(self, sc: Scorecard, *, fix_hash: bool) -> None:
        payload = scorecard_to_dict(sc)
        digest = content_hash(payload) if fix_hash else "0" * 64
        self.as_superuser("UPDATE companion_data.scorecards SET payload = %s::jsonb, "
                          "content_sha256 = %s WHERE id = %s",
                          (canonical_json(payload).decode(), digest, sc.id))


@pytest.fixture
def team(db: TeamDb, tmp_path: Path) -> Team:
    return Team(db, tmp_path)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of rows that went through ``server.checked_scorecard`` (which still runs)."""
    seen: list[str] = []
    real = server.checked_scorecard

    def counted(sid: Any, *rest: Any) -> Scorecard:
        seen.append(sid)
        return real(sid, *rest)

    monkeypatch.setattr(server, "checked_scorecard", counted)
    return seen


def figures(data: TeamCalibrationData) -> dict[str, Any]:
    return compute_rated(data.rounds, data.decisions, pack(), kinds=data.kinds).to_dict()


def same_as_uncached(team: Team, cache: CheckedCache,
                     checks: list[str] | None = None) -> TeamCalibrationData:
    """A read with the cache, checked against one without and against the debrief's
    whole scorecards: the same rounds, kinds, problem lines (in order) and figures.
    ``checks`` is left holding the rows the cached read checked."""
    if checks is not None:
        checks.clear()
    got = team.read(cache)
    checked = list(checks or ())
    plain = team.read(None)
    assert got == plain
    whole, problems = team.whole()
    assert list(got.problems) == problems
    assert figures(got) == compute(whole, got.decisions, pack()).to_dict()
    if checks is not None:
        checks[:] = checked
    return got


def entries(team: Team) -> int:
    with closing(sqlite3.connect(cache_path(team.folder))) as db:
        return int(db.execute("SELECT count(*) FROM entry").fetchone()[0])


def row_keys(team: Team) -> dict[str, bytes]:
    """Each row's cache key, as the lead's read computes it."""
    cache = team.cache()
    with team.db.begin(team.lead) as conn:
        return {row[0]: key for row in server.all_scorecard_rows(conn)
                if (key := cache.key(*row)) is not None}


def test_warm_reads_give_the_cold_figures_and_recheck_what_changed(
        team: Team, checks: list[str]) -> None:
    cards = team.cards
    tampered, amended, changed, broken = cards[2], cards[3], cards[4], cards[5]
    team.as_superuser("UPDATE companion_data.scorecards SET payload = jsonb_set(payload, "
                      "'{summary}', to_jsonb('rewritten'::text)) WHERE id = %s",
                      (tampered.id,))
    cold = same_as_uncached(team, team.cache(), checks)
    assert len(cold.problems) == 1 and tampered.id in cold.problems[0]
    assert entries(team) == len(cards) - 1  # the refused row is never kept

    assert len(checks) == len(cards)
    warm = same_as_uncached(team, team.cache(), checks)
    assert warm == cold
    # The warm read checked only the refused row again (its line comes every time).
    assert checks == [tampered.id]

    # Amended after it was cached: never from the cache again, and what the amendment
    # changed (a failure probe no longer asked) shows.
    item = next(it for it in amended.items
                if any(p.asked and p.probe_id.startswith("failure.") for p in it.probes))
    probe = next(p for p in item.probes if p.asked and p.probe_id.startswith("failure."))
    change = AnswerProbe(item.item_id, probe.probe_id, False, None, "", AT)
    with team.db.begin(team.roles[amended.interviewer]) as conn:
        server.append_amendment(conn, amended.id, 1, AT, amendment_to_dict(
            Amendment(AT, change, amended.undo_for(change), "")))
    # Changed by the superuser: once with its hash made to fit (the new value counts),
    # once without (refused, as the debrief refuses it).
    rerated = replace(changed, recommendation="strong_no" if changed.recommendation != "strong_no"
                      else "strong_yes")
    team.replace_payload(rerated, fix_hash=True)
    team.replace_payload(replace(broken, summary="changed"), fix_hash=False)
    after = same_as_uncached(team, team.cache(), checks)
    assert sorted(checks) == sorted([tampered.id, amended.id, changed.id, broken.id])
    by_id = {rc.id: rc for rc in after.rounds}
    assert probe.probe_id not in by_id[amended.id].failure_asked.get(item.item_id, ())
    assert by_id[changed.id].recommendation == rerated.recommendation
    assert broken.id not in by_id and len(after.problems) == 2
    assert any(broken.id in line for line in after.problems)
    assert figures(after) != figures(cold)
    # Kept: the rows read from the cache and the changed one that passed; not the
    # amended one, not the refused ones.
    assert entries(team) == len(cards) - 3


def test_a_deleted_candidates_rows_leave_the_cache_files_bytes(team: Team, db: TeamDb) -> None:
    same_as_uncached(team, team.cache())
    gone = [sc for sc in team.cards if sc.candidate == "Cache Candidate 1"]
    keys = row_keys(team)
    path = cache_path(team.folder)
    assert all(keys[sc.id] in path.read_bytes() for sc in gone)
    admin = db.add("adm", "admin", "Ada Admin")
    with db.begin(admin) as conn:
        assert server.delete_candidate(conn, "Cache Candidate 1").scorecards == len(gone)
    same_as_uncached(team, team.cache())
    left = b"".join(p.read_bytes() for p in team.folder.iterdir() if p.name.startswith(
        path.name))
    assert not any(keys[sc.id] in left for sc in gone)
    assert all(keys[sc.id] in left for sc in team.cards if sc not in gone)
    assert entries(team) == len(team.cards) - len(gone)


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(8192))


def _torn(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _sql(*statements: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        with closing(sqlite3.connect(path)) as db:
            for sql in statements:
                db.execute(sql)
            db.commit()

    return change


def _symlink(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


HOSTILE: dict[str, Callable[[Path], None]] = {
    "random bytes": _garbage,
    "torn in half": _torn,
    "a trigger added": _sql("CREATE TRIGGER t AFTER DELETE ON entry BEGIN "
                            "INSERT INTO entry SELECT * FROM entry; END"),
    "another format": _sql("PRAGMA user_version = 99"),
    "a rating out of the set": _sql("UPDATE entry SET ratings = substr('xxxxxxxxxx', 1, "
                                    "length(ratings))"),
    "a letter too few": _sql("UPDATE entry SET ratings = substr(ratings, 2)"),
    "a recommendation out of the set": _sql("UPDATE entry SET recommendation = 'maybe'"),
    "a time without its zone": _sql("UPDATE entry SET started = '2026-01-01T10:00:00'"),
    "bytes for a text": _sql("UPDATE entry SET archetype = x'617069'"),
    "a number for a flag": _sql("UPDATE entry SET confirmed = 2"),
    "a huge value": _sql("UPDATE entry SET kinds = '[' || printf('%.*c', 2000000, ' ') "
                         "|| ']'"),
    "JSON nested 5,000 deep": _sql("UPDATE entry SET asked = printf('%.*c', 5000, '[') || "
                                   "printf('%.*c', 5000, ']')"),
    "a kind out of the set": _sql("UPDATE entry SET kinds = replace(kinds, 'question', "
                                  "'puzzle')"),
    "a probe that is no failure probe": _sql(
        "UPDATE entry SET asked = replace(asked, 'failure.', 'other.')"),
    "100,000 entries": _sql("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 "
                              "FROM n WHERE i < 100000) INSERT INTO entry (key) "
                              "SELECT randomblob(32) FROM n"),
    "a link to /dev/zero": _symlink,
}


@pytest.mark.parametrize("harm", list(HOSTILE), ids=list(HOSTILE))
def test_a_broken_or_hostile_cache_file_never_changes_a_figure(team: Team, harm: str) -> None:
    team.replace_payload(replace(team.cards[0], summary="changed"), fix_hash=False)
    cold = same_as_uncached(team, team.cache())
    path = cache_path(team.folder)
    HOSTILE[harm](path)
    assert same_as_uncached(team, team.cache()) == cold  # dropped: the full path
    # The next read leaves a cache of its own again, and uses it.
    assert not path.is_symlink()
    assert same_as_uncached(team, team.cache()) == cold
    assert entries(team) == len(team.cards) - 1


def test_the_cache_goes_with_the_team_settings_and_the_command_uses_it(
        team: Team, db: TeamDb) -> None:
    data = team.folder
    assert run_cli("team", "connect", db.conninfo(team.lead), data_dir=data).returncode == 0
    first = run_cli("calibration", "--team", "--json", data_dir=data)
    assert first.returncode == 0, first.stderr
    path = cache_path(data)
    assert entries(team) == len(team.cards) and path.stat().st_mode & 0o077 == 0
    again = run_cli("calibration", "--team", "--json", data_dir=data)
    assert again.returncode == 0 and json.loads(again.stdout) == json.loads(first.stdout)
    _garbage(path)
    hostile = run_cli("calibration", "--team", "--json", data_dir=data)
    assert hostile.returncode == 0 and json.loads(hostile.stdout) == json.loads(first.stdout)

    saved = load_conninfo(data)
    assert saved is not None and path.exists()
    save_conninfo(data, saved)  # the same team store: kept
    assert path.exists()
    save_conninfo(data, db.conninfo(team.roles[PEOPLE[0]]))  # another login: gone
    assert not path.exists()
    save_conninfo(data, db.conninfo(team.lead))
    same_as_uncached(team, team.cache())
    assert path.exists() and clear_conninfo(data) and not path.exists()
    same_as_uncached(team, team.cache())
    assert path.exists()  # a read without team settings is no one's: the next connect
    assert run_cli("team", "connect", db.conninfo(team.lead), data_dir=data).returncode == 0
    assert not path.exists()
    assert run_cli("calibration", "--team", data_dir=data).returncode == 0 and path.exists()
    res = run_cli("team", "disconnect", data_dir=data)
    assert res.returncode == 0 and not path.exists()
