"""Loops in the local SQLite file: kept whole, read back through the bounded decoder."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from companion.base.errors import StorageError
from companion.content.planner import plan_loop
from companion.loop.model import assign, loop_from_plan
from companion.store import Store
from companion.store.loops import find_loop, list_loops, save_loop
from tests.scorecards import make_scorecard, pack


def _loop(candidate: str = "Ada Obi"):  # type: ignore[no-untyped-def]
    plan = plan_loop(pack(), "api", "senior")
    return loop_from_plan(plan, candidate, "Lena Park", now=datetime(2026, 12, 1, tzinfo=UTC))


def test_a_loop_is_saved_found_and_replaced(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        loop = _loop()
        save_loop(store, loop)
        save_loop(store, _loop("Bo Chen"), origin="team")
        assert find_loop(store, loop.id[:6]) == loop
        assert find_loop(store, "ada obi") == loop
        assert find_loop(store, "nobody") is None
        changed = assign(loop, 2, "Priya Raman")
        save_loop(store, changed)
        assert find_loop(store, loop.id) == changed
        assert [(lp.candidate, origin) for lp, origin in list_loops(store)] == [
            ("Ada Obi", "local"), ("Bo Chen", "team")]
    # The file holds it after closing: a real row, not a cache.
    with Store.open(data_dir) as store:
        assert find_loop(store, loop.id) == changed


def test_a_damaged_row_is_named_and_the_rest_still_list(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        good, bad = _loop(), _loop("Bo Chen")
        save_loop(store, good)
        save_loop(store, bad)
        with store.write() as s:
            s.execute(text("UPDATE loop SET payload = '{\"format\": 1}' WHERE id = :i"),
                      {"i": bad.id})
        assert [lp.id for lp, _ in list_loops(store)] == [good.id]
        with pytest.raises(StorageError, match=f"stored loop {bad.id[:12]} cannot be read"):
            find_loop(store, bad.id)


def test_deleting_a_candidate_deletes_their_loop(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        loop = _loop("Zoë Łukasiewicz")
        save_loop(store, loop)
        save_loop(store, replace(_loop("Bo Chen")))
        store.save_scorecard(make_scorecard(pack()))
        assert store.delete_candidate("Zoë Łukasiewicz") == 1
        assert find_loop(store, loop.id) is None
        assert [lp.candidate for lp, _ in list_loops(store)] == ["Bo Chen"]
