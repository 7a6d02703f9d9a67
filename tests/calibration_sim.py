"""Simulated hiring teams for calibration's error rates: no bias planted, or some.

A team interviews ``candidates`` candidates; each is met by a panel drawn from a
pool of interviewers, and every panelist rates the same five items. Each candidate
has a skill; each answer is that skill plus the answer's own luck; each rating is
the answer plus the interviewer's lean and noise, rounded to whole steps. With no
lean and the same noise for everyone, nobody is lenient, harsh or noisy, and every
item tells candidates apart: any finding is a false alarm.

Used by tests/test_calibration_null.py (the short runs the suite makes) and by
tests/soak_calibration_null.py (the long ones).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from companion.record.decision import Decision
from companion.record.scorecard import ItemRecord, Scorecard

T0 = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
ITEMS = ("q-pagination", "q-idempotent-safe", "q-sql-vs-nosql", "q-logs-vs-metrics",
         "s-read-timeouts")
STEPS = ("very_thin", "thin", "mid", "strong")
RECS = ("strong_no", "no", "yes", "strong_yes")


@dataclass(frozen=True)
class Team:
    """How a simulated team works; the defaults plant nothing."""

    candidates: int
    interviewers: int = 5
    panel: int = 3
    noise: float = 0.35  # each rating's own noise, in steps
    lean: Mapping[int, float] = field(default_factory=dict)  # interviewer -> steps
    extra_noise: Mapping[int, float] = field(default_factory=dict)  # interviewer -> sd


def name(k: int) -> str:
    return f"Interviewer {k}"


def scorecards(team: Team, seed: int) -> tuple[list[Scorecard], list[Decision]]:
    """One simulated quarter of ``team``: submitted scorecards and the panel's decisions."""
    rng = random.Random(seed)
    scs: list[Scorecard] = []
    decisions: list[Decision] = []
    for n in range(team.candidates):
        cand, skill = f"Candidate {n}", rng.gauss(0, 1)
        answer = {i: skill + rng.gauss(0, 0.4) for i in ITEMS}
        yes = 0
        start = T0 + timedelta(days=n)
        for k, who in enumerate(rng.sample(range(team.interviewers), team.panel)):
            sd = team.noise + team.extra_noise.get(who, 0.0)
            lean = team.lean.get(who, 0.0)
            items = tuple(ItemRecord(
                i, "scenario" if i.startswith("s-") else "question",
                STEPS[max(0, min(3, round(1.5 + answer[i] + lean + rng.gauss(0, sd))))])
                for i in ITEMS)
            rec = RECS[max(0, min(3, round(1.5 + skill + rng.gauss(0, 0.4))))]
            yes += rec in ("yes", "strong_yes")
            began = start + timedelta(hours=k)
            scs.append(Scorecard(
                candidate=cand, interviewer=name(who), archetype="api", level="senior",
                template_id="technical", round_title="Technical interview",
                pack_id="builtin", pack_version="1", started_at=began, id=f"{n}-{who}",
                submitted_at=began + timedelta(hours=2), duration_s=3600.0, items=items,
                recommendation=rec))
        hire = 2 * yes > team.panel
        decisions.append(Decision(cand, "hire" if hire else "no_hire", "Lead", start,
                                  "senior" if hire else None))
    return scs, decisions
