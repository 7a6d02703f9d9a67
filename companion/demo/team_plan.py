"""A quarter of interview loops for ``demo --team``, with biases planted to find.

The story: a backend team hires API generalists and distributed-systems
specialists over one quarter. Forty candidates (invented) each meet a panel of
three or four of the team's eight interviewers (invented). The team re-asks
its core questions across a loop on purpose, so each core item of a candidate
is heard and scored by two to four interviewers independently.

What is planted (and what calibration must find, and nothing else):
- one interviewer rates about a step above what they hear (lenient), one about
  a step below (harsh), one scatters widely (noisy);
- one question is asked in every loop but says nothing about the candidate:
  its answers vary, yet not with the candidate's skill, so it predicts neither
  the interviewer's recommendation nor the panel's decision.

Everything else is ordinary: interviewers differ a little, candidates vary,
a few failure probes are skipped, a few red flags raised, some scorecards are
submitted the next day, and three candidates withdraw.

This module only plans (plain data, a seeded generator); ``demo_team`` plays
each planned round through the real engine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from companion.content.model import FAILURE_TARGETS
from companion.record.scorecard import RATINGS, RECOMMENDATIONS

SEED = 20260101
TEMPLATE = "technical"
LEAD = "Morgan Ashby (panel lead)"

INTERVIEWERS: tuple[str, ...] = (
    "Ines Duarte", "Tomasz Nowak", "Leah Goldberg", "Ravi Menon",
    "Sofia Lindqvist", "Kwame Mensah", "Hannah Brooks", "Mateo Rossi",
)
LENIENT, HARSH, NOISY = "Ravi Menon", "Leah Goldberg", "Tomasz Nowak"
USELESS_ITEM = "q-logs-vs-metrics"

# Every loop of an archetype asks these (four questions and one scenario).
LOOP_ITEMS: dict[str, tuple[str, ...]] = {
    "api": ("q-pagination", "q-idempotent-safe", USELESS_ITEM, "q-sql-vs-nosql",
            "s-read-timeouts"),
    "distributed": ("q-idempotent-safe", "q-message-queue", USELESS_ITEM, "q-cap-plain",
                    "s-event-side-effect"),
}
FIRST = ("Amara", "Bilal", "Chen", "Dagny", "Eamon", "Fatima", "Goran", "Hiroshi", "Ifeoma",
         "Jonas", "Kalani", "Lucia", "Mikhail", "Nadia", "Oskar", "Priyanka", "Quentin",
         "Rosa", "Samir", "Tereza")
LAST = ("Abara", "Bergstrom", "Castellano", "Dimitriou", "Ekwueme", "Fontaine", "Gallagher",
        "Hakimi", "Iversen", "Jankowski")

# Where a rater's impression (in rating steps, 0 = a plain "mid") falls on the scale.
CUTS = (-1.1, 0.0, 1.1)  # very thin | thin | mid | strong
REC_CUTS = (-0.9, 0.15, 1.15)  # strong no | no | yes | strong yes


@dataclass(frozen=True)
class Rater:
    name: str
    bias: float  # rating steps added to what they hear
    noise: float  # standard deviation of their own error, in steps
    probe_skip: float  # chance of not asking one failure probe
    late_h: float  # typical hours between the round's end and submitting


@dataclass(frozen=True)
class PlannedScorecard:
    """One interviewer's round of one candidate: every tap the engine will be given."""

    candidate: str
    interviewer: str
    archetype: str
    level: str
    items: tuple[str, ...]
    ratings: tuple[tuple[str, str | None], ...]  # item -> rating (None: left unrated)
    failure_probes: tuple[tuple[str, bool, str | None], ...]  # probe id, asked, rating
    flags: tuple[tuple[str, str], ...]  # red flag id, state
    recommendation: str
    start: datetime
    minutes: float  # how long the round's clock ran
    submit_after_h: float  # hours from the round's end to submission


@dataclass(frozen=True)
class PlannedDecision:
    candidate: str
    outcome: str  # hire / no_hire / withdrawn
    level: str | None
    at: datetime


@dataclass(frozen=True)
class Quarter:
    scorecards: tuple[PlannedScorecard, ...]
    decisions: tuple[PlannedDecision, ...]

    @property
    def candidates(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.candidate for p in self.scorecards))


def _raters(rng: random.Random) -> dict[str, Rater]:
    out = {}
    for name in INTERVIEWERS:
        bias = rng.uniform(-0.08, 0.08)
        noise = rng.uniform(0.3, 0.42)
        if name == LENIENT:
            bias = 1.0
        elif name == HARSH:
            bias = -1.0
        elif name == NOISY:
            noise = 1.8
        out[name] = Rater(name, bias, noise, rng.uniform(0.01, 0.1), rng.uniform(1.0, 14.0))
    return out


def _step(value: float, cuts: tuple[float, float, float], labels: tuple[str, ...]) -> str:
    """The label of ``value`` on a four-step scale (``labels`` weakest first)."""
    return labels[sum(value >= c for c in cuts)]


def candidate_names(count: int) -> list[str]:
    names = [f"{FIRST[i % len(FIRST)]} {LAST[(i * 7 + i // len(FIRST)) % len(LAST)]}"
             for i in range(count)]
    assert len(set(names)) == count
    return names


def plan_quarter(seed: int = SEED, end: datetime | None = None,
                 candidates: int = 40) -> Quarter:
    """The quarter's rounds and decisions, the same for the same seed and end."""
    rng = random.Random(seed)
    end = (end or datetime.now(UTC)).astimezone(UTC).replace(minute=0, second=0,
                                                              microsecond=0)
    first_day = end - timedelta(days=91)
    raters = _raters(rng)
    weakest_first = tuple(reversed(RATINGS))
    out: list[PlannedScorecard] = []
    decisions: list[PlannedDecision] = []
    for n, cand in enumerate(candidate_names(candidates)):
        archetype = "api" if n % 5 < 3 else "distributed"
        level = "senior" if rng.random() < 0.6 else "mid"
        skill = rng.gauss(0.0, 1.0)
        pool = LOOP_ITEMS[archetype]
        # What the candidate actually answered on each item (shared by all who heard it):
        # the useless question varies as much, but not with the candidate's skill.
        answer = {i: (rng.gauss(0.0, 1.1) if i == USELESS_ITEM else skill + rng.gauss(0, 0.45))
                  for i in pool}
        panel = rng.sample(INTERVIEWERS, 3 if rng.random() < 0.35 else 4)
        day = first_day + timedelta(days=rng.uniform(0, 84))
        day = day.replace(hour=9, minute=0, second=0, microsecond=0)
        recs = []
        for k, who in enumerate(panel):
            r = raters[who]
            # Each interviewer leaves one core item out; the team's staple question never.
            others = [i for i in pool if i != USELESS_ITEM]
            drop = others[(k + n) % len(others)]
            items = tuple(i for i in pool if i != drop)
            ratings: list[tuple[str, str | None]] = []
            for i in items:
                u = rng.random()
                if u < 0.03:
                    ratings.append((i, "skip"))
                elif u < 0.05:
                    ratings.append((i, None))
                else:
                    seen = answer[i] + r.bias + rng.gauss(0.0, r.noise)
                    ratings.append((i, _step(seen, CUTS, weakest_first)))
            probes: list[tuple[str, bool, str | None]] = []
            if any(i.startswith("s-") for i in items):
                for target in FAILURE_TARGETS:
                    asked = rng.random() >= r.probe_skip
                    seen = skill + r.bias + rng.gauss(0.0, 0.6)
                    probes.append((f"failure.{target}", asked,
                                   _step(seen, CUTS, weakest_first) if asked else None))
            flags: list[tuple[str, str]] = []
            if skill < -0.8 and rng.random() < 0.5:
                flags.append((rng.choice(("no-tradeoffs", "buzzwords")), "confirmed"))
            elif rng.random() < 0.08:
                flags.append(("defensive", "probed"))
            impression = skill + 0.8 * r.bias + rng.gauss(0.0, 0.35 + 0.5 * r.noise)
            rec = _step(impression, REC_CUTS, RECOMMENDATIONS)
            recs.append(RECOMMENDATIONS.index(rec))
            out.append(PlannedScorecard(
                candidate=cand, interviewer=who, archetype=archetype, level=level,
                items=items, ratings=tuple(ratings), failure_probes=tuple(probes),
                flags=tuple(flags), recommendation=rec,
                start=day + timedelta(hours=k * 1.25),
                minutes=rng.uniform(52, 64), submit_after_h=rng.expovariate(1 / r.late_h)))
        decided_at = day + timedelta(days=rng.uniform(2, 5))
        if n % 13 == 7:
            decisions.append(PlannedDecision(cand, "withdrawn", None, decided_at))
        else:
            hire = sum(recs) / len(recs) + rng.gauss(0.0, 0.25) >= 1.75
            decisions.append(PlannedDecision(cand, "hire" if hire else "no_hire",
                                             level if hire else None, decided_at))
    out.sort(key=lambda p: p.start)
    return Quarter(tuple(out), tuple(decisions))
