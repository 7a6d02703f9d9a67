"""``demo --team``: a seeded quarter of loops, played through the real engine by the
real command line into a real SQLite file; running it again adds nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from companion.demo.team_plan import INTERVIEWERS, USELESS_ITEM, plan_quarter
from companion.record.rated import rated
from companion.store import Store
from companion.store.bulk import read_for_calibration
from tests.conftest import run_cli


def test_the_plan_is_seeded_and_has_overlapping_panels() -> None:
    a, b = plan_quarter(), plan_quarter()
    assert a == b
    assert len(a.candidates) == 40
    assert {p.interviewer for p in a.scorecards} == set(INTERVIEWERS)
    panels = Counter(p.candidate for p in a.scorecards)
    assert set(panels.values()) == {3, 4}
    raters: Counter[tuple[str, str]] = Counter(
        (p.candidate, item) for p in a.scorecards for item in p.items)
    assert min(raters.values()) >= 2  # every core item is heard by two or more
    assert all(raters[c, USELESS_ITEM] == panels[c] for c in a.candidates)
    outcomes = Counter(d.outcome for d in a.decisions)
    assert outcomes["withdrawn"] == 3 and outcomes["hire"] > 5 and outcomes["no_hire"] > 5


def test_the_engine_stored_every_planned_tap(team_dir: Path) -> None:
    with Store.open(team_dir) as store:
        data = read_for_calibration(store)
        whole = {rc.id: store.load_scorecard(rc.id) for rc in data.rounds}
    plan = plan_quarter(end=None)
    stored = {(rc.candidate, rc.interviewer): whole[rc.id] for rc in data.rounds}
    assert len(stored) == len(plan.scorecards) and data.pending == []
    # Calibration's read gives what calibration reads of each whole scorecard.
    assert all(rc == rated(whole[rc.id]) for rc in data.rounds)  # type: ignore[arg-type]
    for p in plan.scorecards:
        sc = stored[p.candidate, p.interviewer]
        assert sc is not None
        assert tuple((it.item_id, it.rating) for it in sc.items) == p.ratings
        assert sc.recommendation == p.recommendation
        assert sorted((f.flag_id, f.state) for f in sc.flags) == sorted(p.flags)
        lateness = (sc.submitted_at - sc.started_at).total_seconds() - sc.duration_s
        assert lateness == pytest.approx(p.submit_after_h * 3600, abs=2)
        assert sc.duration_s == pytest.approx(p.minutes * 60, abs=2)
    assert len(data.decisions) == 40


def test_running_the_demo_again_adds_nothing(team_dir: Path) -> None:
    res = run_cli("demo", "--team", data_dir=team_dir, timeout=300)
    assert res.returncode == 0, res.stderr
    assert "already stored (146 scorecards); nothing added" in res.stdout
