"""Calibration on the smallest data a new team has, with no effect planted.

A finding names a person or a question; it must not do so by chance. These
tests run simulated teams with nobody biased (tests/calibration_sim.py) at
2 to 60 candidates and count the datasets that name anyone; plant biases and
check they are found; and check by simulation that the intervals cover the true
value as often as they claim. The long versions, with many more datasets, are
tests/soak_calibration_null.py and tests/soak_calibration_recovery.py.
"""

from __future__ import annotations

import random
import statistics
from datetime import UTC, datetime, timedelta

import pytest

from companion.calibration.figures import compute
from companion.calibration.stats.alpha import krippendorff_alpha
from companion.calibration.stats.bootstrap import ALPHA_JACKKNIFE_UNITS, alpha_interval
from companion.calibration.stats.estimate import RESOLUTION_VAR, SQUARE_RESOLUTION_VAR
from companion.calibration.stats.intervals import mean_interval
from companion.calibration.stats.student_t import t_quantile
from companion.calibration.stats.tau import TAU_LINEAR_GROUPS, tau_b_grouped
from companion.calibration.text import figure
from companion.content.loader import builtin_pack
from companion.content.model import Pack
from companion.record.scorecard import ItemRecord, Scorecard
from tests import coverage_alpha, coverage_tau
from tests.calibration_sim import ITEMS, Team, name, scorecards

# Datasets per size: 10 sizes x 20 = 200. At 20 a size, one false alarm is 5%.
SIZES = (2, 3, 4, 5, 6, 8, 10, 15, 30, 60)
PER_SIZE = 20
MAX_SHARE = 0.05


@pytest.fixture(scope="module")
def pack() -> Pack:
    return builtin_pack()


def _card(cand: str, who: str, ratings: tuple[str, ...]) -> Scorecard:
    t0 = datetime(2026, 9, 1, 9, tzinfo=UTC)
    return Scorecard(
        candidate=cand, interviewer=who, archetype="api", level="senior",
        template_id="technical", round_title="Technical interview", pack_id="builtin",
        pack_version="1", started_at=t0, id=f"{cand}-{who}",
        submitted_at=t0 + timedelta(hours=2), duration_s=3600.0,
        items=tuple(ItemRecord(i, "scenario" if i.startswith("s-") else "question", r)
                    for i, r in zip(ITEMS, ratings, strict=True)),
        recommendation="yes")


def test_ten_pairs_from_two_candidates_with_equal_means_name_nobody(pack: Pack) -> None:
    # The case from the issue: a panel of three, two candidates, five items each, so each
    # interviewer has 10 pairs from 2 candidates. Avery rates two answers a step above
    # both colleagues for each candidate: +0.4 steps for both, so the two candidates'
    # means are equal and a clustered interval without a floor has zero width.
    up = {"very_thin": "thin", "thin": "mid", "mid": "strong"}
    scs = []
    for cand, base in (("Ana", ("mid", "thin", "mid", "strong", "thin")),
                       ("Bo", ("thin", "mid", "mid", "mid", "strong"))):
        scs.append(_card(cand, "Avery", (up[base[0]], up[base[1]], *base[2:])))
        scs += [_card(cand, "Blake", base), _card(cand, "Casey", base)]
    cal = compute(scs, [], pack)
    assert cal.findings == ()
    avery = next(f for f in cal.interviewers if f.name == "Avery")
    for e in (avery.leniency, avery.scatter):
        assert (e.n, e.clusters, e.status, e.value, e.low) == (10, 2, "too_few", None, None)
        assert e.note == "too few: 2 candidates, at least 5 needed"
        assert figure(e, "steps") == "too few (10 pairs from 2 candidates)"
    # The same pattern over five candidates: a number now, but an interval that is not
    # a point (the floor), and too wide to call +0.4 lenient.
    diffs = [1.0, 1.0, 0.0, 0.0, 0.0] * 5
    cands = [c for c in range(5) for _ in range(5)]
    five = mean_interval(diffs, cands, floor=RESOLUTION_VAR)
    assert five.value == pytest.approx(0.4) and five.status == "tentative"
    half = t_quantile(0.975, 4) * (RESOLUTION_VAR / 5) ** 0.5
    assert (five.low, five.high) == pytest.approx((0.4 - half, 0.4 + half))
    assert five.low is not None and five.low < 0.2


def test_a_panel_that_always_agrees_gets_no_zero_width_interval(pack: Pack) -> None:
    # Nobody's rating ever differs from the co-panelists': every difference is 0, every
    # candidate's mean is 0, and without floors both leniency and scatter would read
    # "0.00 (0.00 to 0.00)". Whole steps cannot tell apart what rounding hides.
    scs, decisions = scorecards(Team(candidates=8, interviewers=3, panel=3, noise=0.0), 1)
    cal = compute(scs, decisions, pack)
    assert cal.findings == ()
    for person in cal.interviewers:
        for e in (person.leniency, person.scatter):
            assert e.value == 0.0 and e.clusters == 8 and e.status == "tentative"
            assert e.low is not None and e.high is not None and e.high - e.low > 0.1
            assert "floored at the rating scale's resolution" in e.method
        half = t_quantile(0.975, 7) * (SQUARE_RESOLUTION_VAR / 8) ** 0.5
        assert person.scatter.high == pytest.approx(half ** 0.5)
        shown = figure(person.scatter, "steps")
        assert "to +0.25)" in shown and shown.endswith("40 pairs from 8 candidates")


def _named(pack: Pack, size: int, seed: int) -> set[tuple[str, str]]:
    rng = random.Random(seed)
    pool = rng.choice((4, 5, 6, 8))
    panel = 3 if pool == 4 else rng.choice((3, 3, 4))
    scs, decisions = scorecards(Team(size, pool, panel), seed)
    return {(f.subject, f.kind) for f in compute(scs, decisions, pack).findings}


def test_null_simulation_names_nobody_beyond_chance(pack: Pack) -> None:
    shares = {}
    for size in SIZES:
        named = [bool(_named(pack, size, 1000 * size + k)) for k in range(PER_SIZE)]
        shares[size] = sum(named) / len(named)
    report = ", ".join(f"{size}: {share:.0%}" for size, share in shares.items())
    assert sum(PER_SIZE for _ in SIZES) >= 200
    assert all(share <= MAX_SHARE for share in shares.values()), report
    assert all(shares[size] == 0 for size in SIZES if size < 5), report


def test_recovery_simulation_finds_what_was_planted(pack: Pack) -> None:
    # Eight interviewers, panels of four, 60 candidates: one lenient by a step, one harsh
    # by a step, one with five times the usual noise.
    team = Team(60, interviewers=8, panel=4, lean={0: 1.0, 1: -1.0}, extra_noise={2: 1.45})
    planted = {(name(0), "lenient"), (name(1), "harsh"), (name(2), "noisy")}
    found = [_found(pack, team, seed) for seed in range(5)]
    assert sum(f == planted for f in found) >= 4, found
    assert all(f <= planted for f in found), found  # nothing else, ever


def _found(pack: Pack, team: Team, seed: int) -> set[tuple[str, str]]:
    scs, decisions = scorecards(team, seed)
    return {(f.subject, f.kind) for f in compute(scs, decisions, pack).findings}


def test_leniency_interval_covers_the_true_lean(pack: Pack) -> None:
    # The true lean of an interviewer planted at +0.5 steps, after rounding and the scale's
    # ends, from one very large team; then how often 15-candidate teams' intervals hold it.
    team = Team(15, interviewers=4, panel=3, lean={0: 0.5})
    big = compute(*scorecards(Team(3000, 4, 3, lean={0: 0.5}), seed=99), pack)
    truth = next(f for f in big.interviewers if f.name == name(0)).leniency
    assert truth.value is not None and truth.high is not None and truth.low is not None
    assert truth.high - truth.low < 0.05
    hits = []
    for seed in range(60):
        cal = compute(*scorecards(team, seed), pack)
        e = next(f for f in cal.interviewers if f.name == name(0)).leniency
        assert e.low is not None and e.high is not None, e
        hits.append(e.low <= truth.value <= e.high)
    assert statistics.fmean(hits) >= 0.93, statistics.fmean(hits)


def test_alpha_bootstrap_covers_the_true_alpha() -> None:
    # Panels of three rate answers of normally spread quality in whole steps. The true
    # alpha of that process, from 200,000 units; then 200 bootstraps of 40 units. (Other
    # unit counts and processes, 1,000 runs each: tests/coverage_alpha.py.)
    def units(rng: random.Random, count: int) -> list[list[int]]:
        out = []
        for _ in range(count):
            quality = rng.gauss(0, 1)
            out.append([min(3, max(0, round(1.5 + quality + rng.gauss(0, 0.6))))
                        for _ in range(3)])
        return out

    truth = krippendorff_alpha(units(random.Random(1), 200_000))
    assert truth is not None
    rng = random.Random(2)
    hits = []
    for seed in range(200):
        e = alpha_interval(units(rng, 40), seed=seed)
        assert e.low is not None and e.high is not None
        hits.append(e.low <= truth <= e.high)
    assert statistics.fmean(hits) >= 0.93, statistics.fmean(hits)


def test_alpha_jackknife_covers_the_true_alpha() -> None:
    # From ALPHA_JACKKNIFE_UNITS units the interval is the jackknife's: 200 datasets at
    # twice that, of the noisiest panel of tests/coverage_alpha.py (four raters an answer).
    truth = krippendorff_alpha(coverage_alpha.units(random.Random(1), 200_000, 4, 1.0))
    assert truth is not None
    rng = random.Random(3)
    hits = []
    for _ in range(200):
        e = alpha_interval(coverage_alpha.units(rng, 2 * ALPHA_JACKKNIFE_UNITS, 4, 1.0))
        assert e.low is not None and e.high is not None and "jackknife" in e.method
        assert e.low < e.value < e.high  # type: ignore[operator]
        hits.append(e.low <= truth <= e.high)
    assert statistics.fmean(hits) >= 0.93, statistics.fmean(hits)


@pytest.mark.parametrize("process", ["rating vs recommendation", "rating vs decision"])
def test_tau_linearized_jackknife_covers_the_true_tau(process: str) -> None:
    # At TAU_LINEAR_GROUPS candidates, where the linearized jackknife starts: 200
    # datasets (the exact jackknife below it, and other sizes: tests/coverage_tau.py).
    make = coverage_tau.PROCESSES[process]
    truth = coverage_tau.truth(make)
    rng = random.Random(5)
    hits = []
    for _ in range(200):
        groups, cols = make(rng, TAU_LINEAR_GROUPS)
        e = tau_b_grouped(groups, 4, cols)
        assert e.low is not None and e.high is not None and e.value is not None
        assert e.low < e.value < e.high
        hits.append(e.low <= truth <= e.high)
    assert statistics.fmean(hits) >= 0.93, statistics.fmean(hits)
