"""The retention setting, set from the command line and applied when the store opens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store.store import Store


def _submitted_round(data_dir: Path, when: datetime, candidate: str) -> str:
    pack = builtin_pack()
    planned = next(r for r in plan_loop(pack, "data", "senior").rounds
                   if r.template.kind == "technical")
    with Store.open(data_dir) as store:
        engine = RoundEngine.start(store, pack, planned, candidate=candidate,
                                   interviewer="Lee", archetype="data", level="senior",
                                   clock=ManualClock(when))
        engine.rate("mid")
        engine.set_recommendation("no")
        engine.submit()
        engine.close()
        return engine.round_id


def test_retention_off_by_default_then_set_and_cleared(cli) -> None:  # type: ignore[no-untyped-def]
    shown = cli("retention")
    assert shown.returncode == 0, shown.stderr
    assert "off" in shown.stdout
    assert "30 days" in cli("retention", "30").stdout
    assert "30 days" in cli("retention").stdout
    assert "off" in cli("retention", "off").stdout


def test_bad_retention_values_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    for bad in ("-3", "0", "soon"):
        res = cli("retention", bad)
        assert res.returncode == 2, bad
        assert "retention" in res.stderr and "Traceback" not in res.stderr


def test_old_submitted_rounds_are_purged_at_next_start(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    old = _submitted_round(data_dir, now - timedelta(days=45), "Old Candidate")
    recent = _submitted_round(data_dir, now - timedelta(days=2), "Recent Candidate")
    assert cli("retention", "30").returncode == 0
    listed = cli("sessions", "list", "--json")
    ids = {r["id"] for r in json.loads(listed.stdout)}
    assert recent in ids and old not in ids


def test_an_absurd_retention_is_refused_and_never_breaks_the_start(  # type: ignore[no-untyped-def]
        cli, data_dir: Path) -> None:
    res = cli("retention", "9999999999")
    assert res.returncode == 2 and "from 1 to 36,500" in res.stderr
    # Another copy (or a hand edit) may still have stored one: it reads as "off".
    for stored in ("9999999999", "9" * 5000, "-4", "1e9", "\u0661\u0662"):
        with Store.open(data_dir) as store:
            store.set_setting("retention_days", stored)
        listed = cli("sessions", "list")
        assert listed.returncode == 0, listed.stderr
        shown = cli("retention")
        assert shown.returncode == 0 and "off" in shown.stdout, stored
