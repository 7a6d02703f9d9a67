"""`team connect`, `team publish` and `sessions list` as real processes against a real server."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from companion.store import Store
from companion.team.settings import load_team
from tests.pg_server import free_port
from tests.publish_support import run_round, server_counts
from tests.team_support import TeamDb


@pytest.fixture
def db(db: TeamDb) -> TeamDb:
    """The conftest's fresh team store, with Sam as an interviewer."""
    db.add("sam", "interviewer", "Sam Okafor")
    return db


def _rows(cli: Any) -> dict[str, dict[str, Any]]:
    res = cli("sessions", "list", "--json")
    assert res.returncode == 0, res.stderr
    return {r["id"]: r for r in json.loads(res.stdout)}


def test_publish_sends_what_waits_and_sessions_list_says_so(
        cli: Any, db: TeamDb, data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        before = run_round(store, "Sam Okafor", "Mei Lin").round_id
    res = cli("team", "connect", db.conninfo(db.role("sam")))
    assert res.returncode == 0, res.stderr
    assert "earlier ones stay on this computer" in res.stdout
    team = load_team(data_dir)
    assert team is not None and abs(datetime.now(UTC) - team.joined_at) < timedelta(minutes=1)

    with Store.open(data_dir) as store:  # submitted now, after joining
        after = run_round(store, "Sam Okafor", "Ravi Das",
                          start=datetime.now(UTC)).round_id
    table = cli("sessions", "list").stdout
    assert "TEAM STORE" in table and "waiting to publish" in table
    status = cli("team", "status").stdout.splitlines()
    assert status[-1] == "waiting to publish: 1 (`companion team publish` sends them now)"

    res = cli("team", "publish")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == [
        f"connected as {db.role('sam')} (Sam Okafor)",
        f"published round {after} (Ravi Das)",
        "1 published, 0 already in the team store, 0 waiting"]
    rows = _rows(cli)
    assert (rows[after]["publish_state"], rows[after]["publish"]) == ("published", "published")
    assert rows[before]["publish"] == "not published (kept on this laptop)"
    assert server_counts(db) == (1, 0)
    status = json.loads(cli("team", "status", "--json").stdout)
    assert status["waiting"] == 0 and status["display_name"] == "Sam Okafor"

    # Asked explicitly, the earlier round goes too; the published one is not sent again.
    res = cli("team", "connect", "--publish-existing", db.conninfo(db.role("sam")))
    assert res.returncode == 0 and "before now will be published too" in res.stdout
    res = cli("team", "publish")
    assert res.returncode == 0, res.stderr
    assert f"published round {before} (Mei Lin)" in res.stdout
    assert _rows(cli)[before]["publish_state"] == "published"
    assert server_counts(db) == (2, 0)


def test_an_unreachable_server_leaves_the_round_waiting_with_the_reason(
        cli: Any, data_dir: Path) -> None:
    port = free_port()  # nothing listens there
    res = cli("team", "connect", "--no-check",
              f"host=127.0.0.1 port={port} dbname=hiring user=sam connect_timeout=3")
    assert res.returncode == 0, res.stderr
    with Store.open(data_dir) as store:
        rid = run_round(store, "Sam Okafor", "Mei Lin",
                        start=datetime.now(UTC)).round_id
    res = cli("team", "publish")
    assert res.returncode == 2
    assert "not published: cannot reach the team store" in res.stderr
    assert "0 published, 0 already in the team store, 1 waiting" in res.stdout
    row = _rows(cli)[rid]
    assert row["publish_state"] == "waiting"
    assert re.fullmatch(r"waiting to publish: server unreachable since \d\d:\d\d \(1 try\)",
                        row["publish"]), row["publish"]


def test_publish_without_a_team_store_says_how_to_set_one(cli: Any) -> None:
    res = cli("team", "publish")
    assert res.returncode == 2
    assert res.stderr.strip() == ("companion: no team store is configured; "
                                  "`companion team connect URL` sets one")


def test_without_a_team_store_the_list_has_no_team_column(cli: Any, data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        rid = run_round(store, "Sam Okafor", "Mei Lin").round_id
    table = cli("sessions", "list").stdout
    assert rid in table and "TEAM STORE" not in table and "publish" not in table
    assert _rows(cli)[rid]["publish_state"] == "local"
