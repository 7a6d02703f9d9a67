"""team.json: the connection string and when this laptop joined the team (no server needed)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from companion.base.errors import CompanionError
from companion.team.settings import EVERYTHING, load_conninfo, load_team, save_conninfo

URL = "host=db.example.org dbname=hiring user=sam"


def test_connecting_again_to_the_same_store_keeps_the_join_time(tmp_path: Path) -> None:
    before = datetime.now(UTC)
    save_conninfo(tmp_path, URL)
    first = load_team(tmp_path)
    assert first is not None and before <= first.joined_at <= datetime.now(UTC)
    save_conninfo(tmp_path, URL)  # the same store: what waited in between still goes
    again = load_team(tmp_path)
    assert again == first
    save_conninfo(tmp_path, URL + " port=6543")  # another store: a new start
    other = load_team(tmp_path)
    assert other is not None and other.joined_at >= first.joined_at
    assert other.conninfo.endswith("port=6543") and load_conninfo(tmp_path) == other.conninfo


def test_publish_existing_is_the_earliest_time_and_an_old_file_means_everything(
        tmp_path: Path) -> None:
    save_conninfo(tmp_path, URL, EVERYTHING)
    team = load_team(tmp_path)
    assert team is not None and team.joined_at == EVERYTHING
    (tmp_path / "team.json").write_text(json.dumps({"conninfo": URL}), encoding="utf-8")
    old = load_team(tmp_path)  # written before join times were kept
    assert old is not None and old.joined_at == EVERYTHING


def test_a_damaged_join_time_is_one_clear_line(tmp_path: Path) -> None:
    for bad in ("yesterday", "2026-11-20T10:00:00", 42):
        (tmp_path / "team.json").write_text(
            json.dumps({"conninfo": URL, "joined_at": bad}), encoding="utf-8")
        with pytest.raises(CompanionError, match="joined_at is not a time with its timezone"):
            load_team(tmp_path)
    assert load_team(tmp_path / "nowhere") is None
    assert timedelta(0) < datetime.now(UTC) - EVERYTHING
