"""The calibration statistics, checked against published examples and independent code.

Krippendorff's worked examples ("Computing Krippendorff's Alpha-Reliability", 2011)
fix alpha to three decimals; the ``krippendorff`` package and scipy (test-only
dependencies) are independent implementations of the rest.
"""

from __future__ import annotations

import importlib
import math
import random
import statistics
import time
from collections import Counter
from itertools import chain
from typing import Any

import pytest

from companion.calibration.findings import plain
from companion.calibration.stats import alpha as alpha_mod
from companion.calibration.stats import tau as tau_mod
from companion.calibration.stats.alpha import krippendorff_alpha
from companion.calibration.stats.bootstrap import (
    ALPHA_INTERVAL_UNITS,
    ALPHA_JACKKNIFE_UNITS,
    alpha_interval,
)
from companion.calibration.stats.draws import binomial
from companion.calibration.stats.estimate import MIN_N, RESOLUTION_VAR
from companion.calibration.stats.intervals import (
    mean_interval,
    mean_interval_runs,
    median_interval,
    median_rank,
    wilson,
)
from companion.calibration.stats.student_t import t_cdf, t_quantile
from companion.calibration.stats.tau import TAU_LINEAR_GROUPS, kendall_tau_b, tau_b_grouped
from companion.calibration.text import figure


class _OnFirstUse:
    """A module imported on first use, not when pytest collects this file.

    numpy and scipy add about 70 MB to the test process; bench/memory.py's child is
    started by fork and exec, and Linux carries the peak resident size across exec,
    so loading them at collection would show up as the app's memory there.
    """

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        return getattr(importlib.import_module(self._name), attr)


krippendorff = _OnFirstUse("krippendorff")
np = _OnFirstUse("numpy")
sps = _OnFirstUse("scipy.stats")

_ = None
# Four observers (rows) rate twelve units (columns); blanks are missing values.
FOUR_BY_TWELVE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
]
# Two observers, ten units, binary values, nothing missing.
BINARY = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]


def units_of(matrix: list[list[int | None]]) -> list[tuple[int | None, ...]]:
    return list(zip(*matrix, strict=True))


@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)])
def test_alpha_matches_the_published_four_observer_example(level: str, published: float) -> None:
    value = krippendorff_alpha(units_of(FOUR_BY_TWELVE), level)  # type: ignore[arg-type]
    assert value is not None and round(value, 3) == published


def test_alpha_matches_the_published_binary_example() -> None:
    value = krippendorff_alpha(units_of(BINARY), "nominal")
    assert value is not None and round(value, 3) == 0.095


def _random_matrix(rng: random.Random, coders: int, units: int, values: int,
                   missing: float) -> list[list[int | None]]:
    truth = [rng.randint(1, values) for _ in range(units)]
    return [[None if rng.random() < missing else
             min(values, max(1, t + rng.choice((-1, 0, 0, 0, 1)))) for t in truth]
            for _ in range(coders)]


@pytest.mark.parametrize("seed", range(6))
def test_alpha_agrees_with_the_krippendorff_package_on_random_data(seed: int) -> None:
    rng = random.Random(seed)
    matrix = _random_matrix(rng, coders=rng.randint(2, 6), units=rng.randint(15, 80),
                            values=rng.randint(2, 6), missing=rng.choice((0.0, 0.2, 0.45)))
    reference = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix])
    for level in alpha_mod.LEVELS:
        ours = krippendorff_alpha(units_of(matrix), level)
        theirs = krippendorff.alpha(reliability_data=reference, level_of_measurement=level)
        assert ours is not None
        assert ours == pytest.approx(float(theirs), abs=1e-9), (seed, level)


def test_alpha_is_undefined_without_variation_and_ignores_lone_values() -> None:
    assert krippendorff_alpha([(2, 2), (2, 2, 2), (3,)], "ordinal") is None
    # A unit with one value cannot be paired: it changes nothing.
    base = [(1, 2), (3, 3), (2, 2), (4, 3)]
    assert krippendorff_alpha([*base, (1,)]) == krippendorff_alpha(base)
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha(base, "cardinal")  # type: ignore[arg-type]


def _brute_bootstrap(units: list[list[int]], reps: int, seed: int) -> tuple[float, float]:
    """The textbook bootstrap: redraw units with replacement and recompute alpha."""
    rng = random.Random(seed)
    out = []
    for _ in range(reps):
        value = krippendorff_alpha(rng.choices(units, k=len(units)))
        if value is not None:
            out.append(value)
    cuts = statistics.quantiles(out, n=40, method="inclusive")
    return cuts[0], cuts[-1]


def test_alpha_bootstrap_over_unit_types_matches_redrawing_units() -> None:
    rng = random.Random(11)
    units = []
    for _ in range(60):
        true = rng.gauss(0, 1)
        units.append([min(4, max(1, round(2.5 + true + rng.gauss(0, 0.6))))
                      for _ in range(rng.choice((2, 3, 3, 4)))])
    est = alpha_interval(units, seed=5)
    assert est.value == pytest.approx(krippendorff_alpha(units))
    assert est.n == 60 and est.unit == "units" and est.status == "solid"
    low, high = _brute_bootstrap(units, 1500, seed=6)
    assert est.low is not None and est.high is not None
    assert est.low < est.value < est.high
    # Two Monte Carlo estimates of the same interval: equal up to resampling noise.
    assert est.low == pytest.approx(low, abs=0.03) and est.high == pytest.approx(high, abs=0.03)
    assert alpha_interval(units, seed=5) == est  # seeded: the same figure every time


def test_alpha_interval_narrows_with_more_units_and_withholds_few() -> None:
    rng = random.Random(2)

    def units(count: int) -> list[list[int]]:
        out = []
        for _ in range(count):
            true = rng.gauss(0, 1)
            out.append([min(4, max(1, round(2.5 + true + rng.gauss(0, 0.5))))
                        for _ in range(3)])
        units_seen.append(out)
        return out

    units_seen: list[list[list[int]]] = []
    small, large = alpha_interval(units(ALPHA_INTERVAL_UNITS)), alpha_interval(units(2000))
    assert small.low is not None and small.high is not None
    assert large.low is not None and large.high is not None
    assert large.high - large.low < (small.high - small.low) / 4
    # Below ALPHA_INTERVAL_UNITS the value, tentative, and why there is no interval.
    fewer = alpha_interval(units(ALPHA_INTERVAL_UNITS - 1))
    assert fewer.status == "tentative" and fewer.value is not None
    assert fewer.value == krippendorff_alpha(units_seen[-1])
    assert (fewer.low, fewer.high) == (None, None)
    n = ALPHA_INTERVAL_UNITS - 1
    assert fewer.note == f"too few units for an interval ({n} units, {n + 1} needed)"
    assert figure(fewer).startswith(f"{plain(fewer.value)} (no interval: too few units")
    few = alpha_interval(units(MIN_N - 1))
    assert few.status == "too_few" and few.value is None and few.low is None
    assert "too few" in few.note


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_alpha_jackknife_leaves_each_unit_out_as_recomputing_does(level: str) -> None:
    # Subtracting one unit's counts must give alpha of the data without that unit.
    rng = random.Random(17)
    units = [[rng.choice((1, 2, 3, 4, None)) for _ in range(rng.randint(2, 4))]
             for _ in range(45)]
    co = alpha_mod.coincidences(units)
    loo = alpha_mod.AlphaModel(co, level).left_out()  # type: ignore[arg-type]
    assert loo is not None and len(loo) == len(co.types) > 10
    of_type = dict(zip(co.types, loo, strict=True))
    checked = 0
    for k, unit in enumerate(units):
        vals = [v for v in unit if v is not None]
        if len(vals) < 2:
            continue
        t = tuple(vals.count(v) for v in co.values)
        rest = units[:k] + units[k + 1:]
        expected = krippendorff_alpha(rest, level)  # type: ignore[arg-type]
        assert of_type[t] == pytest.approx(expected, abs=1e-12)
        checked += 1
    assert checked > 20


def test_alpha_jackknife_interval_from_its_unit_count() -> None:
    rng = random.Random(23)
    units = []
    for _ in range(ALPHA_JACKKNIFE_UNITS):
        true = rng.gauss(0, 1)
        units.append([min(4, max(1, round(2.5 + true + rng.gauss(0, 0.7))))
                      for _ in range(rng.choice((2, 3, 4)))])
    est = alpha_interval(units)
    assert "jackknife t interval" in est.method and est.n == ALPHA_JACKKNIFE_UNITS
    assert est.value == pytest.approx(krippendorff_alpha(units))
    # The textbook jackknife, recomputing alpha without each unit in turn.
    n = len(units)
    loo = [krippendorff_alpha(units[:k] + units[k + 1:]) for k in range(n)]
    assert None not in loo
    mean = statistics.fmean(loo)  # type: ignore[arg-type]
    se = math.sqrt((n - 1) / n * sum((a - mean) ** 2 for a in loo))  # type: ignore[operator]
    half = sps.t.ppf(0.975, n - 1) * se
    assert est.low == pytest.approx(est.value - half, abs=1e-9)
    assert est.high == pytest.approx(min(1.0, est.value + half), abs=1e-9)
    assert est.low < est.value < est.high
    # One unit fewer: the bootstrap, as before.
    assert "bootstrap" in alpha_interval(units[1:]).method
    # Units that all look alike leave the jackknife nothing to vary: bootstrapped instead.
    alike = alpha_interval([[1, 2]] * ALPHA_JACKKNIFE_UNITS)
    assert "bootstrap" in alike.method and alike.value is not None


def test_tau_b_linearized_jackknife_is_the_exact_one_to_first_order() -> None:
    # Many candidates: leaving one out moves tau-b by its influence, up to the pairs
    # within that candidate, so the two variances agree closely.
    rng = random.Random(41)
    groups = []
    for _ in range(400):
        quality = rng.gauss(0, 1)
        hire = int(quality + rng.gauss(0, 0.7) > 0)
        groups.append([(min(3, max(0, round(1.5 + quality + rng.gauss(0, 0.6)))), hire)
                       for _ in range(rng.choice((3, 4)))])
    table = tau_mod._TauTable(Counter(chain.from_iterable(groups)), 4, 2)
    tau = tau_mod._tau(table.s, table.untied_x, table.untied_y)
    exact = table.left_out(groups)
    lin = table.influence([i * 2 + j for i, j in chain.from_iterable(groups)],
                          [len(g) for g in groups])
    assert tau is not None and exact is not None and lin is not None
    drops = [tau - t for t in exact]
    scale = max(map(abs, drops))
    assert max(abs(a - b) for a, b in zip(drops, lin, strict=True)) < 0.05 * scale
    assert sum(lin) == pytest.approx(0.0, abs=1e-12)  # first-order drops cancel
    var_exact = statistics.pvariance(exact) * len(exact) * (len(exact) - 1) / len(exact)
    var_lin = sum(d * d for d in lin) * (len(lin) - 1) / len(lin)
    assert var_lin == pytest.approx(var_exact, rel=0.03)
    est = tau_b_grouped(groups, 4, 2)
    assert est.high is not None and est.low is not None
    # On Fisher's z scale: the delta method carries the variance over, tanh carries back.
    half = t_quantile(0.975, len(groups) - 1) * math.sqrt(var_lin) / (1 - tau * tau)
    assert (est.low, est.high) == pytest.approx((math.tanh(math.atanh(tau) - half),
                                                 math.tanh(math.atanh(tau) + half)))
    assert est.low < tau < est.high
    # Below TAU_LINEAR_GROUPS candidates the jackknife is the exact one.
    few = groups[:TAU_LINEAR_GROUPS - 1]
    table = tau_mod._TauTable(Counter(chain.from_iterable(few)), 4, 2)
    exact_few = table.left_out(few)
    assert exact_few is not None
    g = len(few)
    value = tau_mod._tau(table.s, table.untied_x, table.untied_y)
    assert value is not None
    zs = [math.atanh(t) for t in exact_few]
    var_z = statistics.pvariance(zs) * (g - 1)
    est = tau_b_grouped(few, 4, 2)
    half = t_quantile(0.975, g - 1) * math.sqrt(var_z)
    assert (est.low, est.high) == pytest.approx((math.tanh(math.atanh(value) - half),
                                                 math.tanh(math.atanh(value) + half)))
    assert "Fisher's z" in est.method and "linearized" not in est.method


def test_tau_b_gives_no_interval_of_zero_width() -> None:
    # Perfect order in every candidate: leaving any one out leaves tau-b at 1, so the
    # jackknife has nothing to vary. That is no interval, not [1, 1].
    groups = [[(0, 0), (1, 1), (2, 2)] for _ in range(6)]
    est = tau_b_grouped(groups, 3, 3)
    assert est.value == pytest.approx(1.0)
    assert est.low is None and est.high is None
    assert est.note == "too little variation for an interval"
    assert est.clusters == 6
    # One left-out value at the bound is held to Z_LIMIT, not taken to infinity.
    mixed = [[(0, 0), (1, 1)], [(1, 0), (0, 1)]] + [[(0, 0), (1, 1)]] * 4
    est = tau_b_grouped(mixed, 2, 2)
    assert est.low is not None and est.high is not None and est.value is not None
    assert -1.0 < est.low < est.value < est.high <= 1.0


def test_binomial_draws_have_the_right_distribution() -> None:
    rng = random.Random(7)
    for n, p in ((1000, 0.3), (40, 0.05), (25, 0.8), (5000, 0.5)):
        draws = [binomial(rng, n, p) for _ in range(20000)]
        four_se = 4 * math.sqrt(n * p * (1 - p) / len(draws))
        assert statistics.fmean(draws) == pytest.approx(n * p, abs=four_se)
        assert statistics.pvariance(draws) == pytest.approx(n * p * (1 - p), rel=0.05)
    # The whole shape, on the rejection sampler's range: a chi-square test against the pmf.
    draws = [binomial(rng, 30, 0.45) for _ in range(40000)]
    seen = [draws.count(k) for k in range(31)]
    expected = [40000 * sps.binom.pmf(k, 30, 0.45) for k in range(31)]
    cells = [(o, e) for o, e in zip(seen, expected, strict=True) if e >= 5]
    chi2 = sum((o - e) ** 2 / e for o, e in cells)
    assert chi2 < sps.chi2.ppf(0.999, len(cells) - 1)
    assert binomial(rng, 10, 0.0) == 0 and binomial(rng, 10, 1.0) == 10


@pytest.mark.parametrize("df", [1, 2, 5, 9, 16, 29, 120, 5000])
def test_t_distribution_matches_scipy(df: int) -> None:
    for p in (0.6, 0.9, 0.975, 0.995):
        assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-9)
        assert t_quantile(1 - p, df) == pytest.approx(sps.t.ppf(1 - p, df), rel=1e-9)
    for x in (-3.0, -0.4, 0.0, 1.1, 2.5):
        assert t_cdf(x, df) == pytest.approx(sps.t.cdf(x, df), abs=1e-12)


def test_wilson_interval_matches_scipy() -> None:
    for k, n in ((5, 20), (0, 12), (12, 12), (37, 140)):
        est = wilson(k, n)
        ref = sps.binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
        assert est.value == pytest.approx(k / n)
        assert est.low == pytest.approx(ref.low, abs=1e-12)
        assert est.high == pytest.approx(ref.high, abs=1e-12)
    assert wilson(3, 9).value is None and wilson(3, 9).status == "too_few"


def test_mean_interval_plain_and_clustered() -> None:
    rng = random.Random(3)
    values = [rng.gauss(0.4, 1.0) for _ in range(25)]
    est = mean_interval(values)
    ref = sps.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=sps.sem(values))
    assert (est.low, est.high) == pytest.approx(ref, abs=1e-12)
    assert est.status == "tentative" and est.clusters is None
    # Perfectly correlated values within a candidate carry one candidate's worth of
    # information: the clustered interval is the t interval over the candidate means.
    means = [rng.gauss(0.0, 1.0) for _ in range(12)]
    values = [m for m in means for _ in range(3)]
    clusters = [g for g in range(12) for _ in range(3)]
    est = mean_interval(values, clusters)
    ref = sps.t.interval(0.95, 11, loc=np.mean(means), scale=sps.sem(means))
    assert (est.low, est.high) == pytest.approx(ref, abs=1e-12)
    assert est.n == 36 and est.clusters == 12
    naive = mean_interval(values)
    assert naive.high is not None and naive.low is not None and est.high is not None
    assert est.low is not None and naive.high - naive.low < est.high - est.low
    # The same values with each candidate's interleaved (not in one run): the same figure.
    order = list(range(36))
    rng.shuffle(order)
    mixed = mean_interval([values[k] for k in order], [clusters[k] for k in order])
    assert (mixed.value, mixed.low, mixed.high) == pytest.approx((est.value, est.low, est.high))
    assert (mixed.n, mixed.clusters) == (36, 12)
    with pytest.raises(ValueError):
        mean_interval(values, clusters[:-1])


def test_mean_interval_from_runs_is_the_clustered_one() -> None:
    # Calibration's walk gives each group's size instead of naming each value's group:
    # the same estimate to the last bit, floor and all, and with nothing at all.
    rng = random.Random(8)
    sizes = [rng.randint(1, 6) for _ in range(40)]
    values = [rng.choice((-1.5, -1.0, 0.0, 0.5, 1.0, 4 / 3)) for _ in range(sum(sizes))]
    clusters = [g for g, size in enumerate(sizes) for _ in range(size)]
    for floor in (0.0, RESOLUTION_VAR):
        assert (mean_interval_runs(values, sizes, floor=floor)
                == mean_interval(values, clusters, floor=floor))
        few = sizes[0] + sizes[1]  # too few: the same n and note
        assert mean_interval_runs(values[:few], sizes[:2]) == mean_interval(values[:few],
                                                                            clusters[:few])
    assert mean_interval_runs([], []) == mean_interval([], [])
    assert mean_interval_runs(values, sizes).clusters == 40


def test_median_interval_uses_binomial_order_statistics() -> None:
    est = median_interval([float(x) for x in range(1, 11)])  # n = 10: the 2nd and 9th values
    assert (est.value, est.low, est.high) == (5.5, 2.0, 9.0)
    rng = random.Random(4)
    values = [rng.expovariate(1 / 20) for _ in range(3000)]  # 2**3000 overflows a float
    big = median_interval(values)
    assert big.low is not None and big.high is not None
    assert big.low < statistics.median(values) < big.high


def test_median_ranks_in_floating_point_are_the_exact_ones() -> None:
    # Past EXACT_RANKS_UP_TO values the ranks come from floating point, checked against
    # a margin; here they must equal the exact integers wherever both are computed.
    for n in [*range(1, 3001, 7), *range(20_000, 20_021)]:
        assert median_rank(n, exact_up_to=0) == median_rank(n, exact_up_to=10**9), n
    assert median_rank(10) == 2 and median_rank(1) == 0
    # One interviewer's 200,000 rounds: the exact sum took about 3 s here.
    began = time.perf_counter()
    k = median_rank(200_000)
    assert time.perf_counter() - began < 1.0
    assert abs(k - (100_000 - 0.98 * 200_000 ** 0.5)) < 3  # the normal approximation's


def test_tau_b_matches_scipy_with_ties() -> None:
    rng = random.Random(8)
    xs = [rng.randint(1, 4) for _ in range(300)]
    ys = [min(4, max(1, x + rng.randint(-2, 2))) for x in xs]
    est = kendall_tau_b(list(zip(xs, ys, strict=True)))
    assert est.value == pytest.approx(sps.kendalltau(xs, ys).statistic, abs=1e-12)
    zs = [rng.random() for _ in range(150)]
    ws = [z + rng.random() for z in zs]
    assert kendall_tau_b(list(zip(zs, ws, strict=True))).value == pytest.approx(
        sps.kendalltau(zs, ws).statistic, abs=1e-12)


def test_tau_b_jackknife_error_matches_the_bootstrap() -> None:
    rng = random.Random(9)
    pairs = []
    for _ in range(400):
        x = rng.randint(1, 4)
        pairs.append((x, min(4, max(1, x + rng.choice((-2, -1, 0, 0, 1, 2))))))
    est = kendall_tau_b(pairs)
    assert est.value is not None and est.high is not None and est.low is not None
    se_jack = (est.high - est.low) / 2 / t_quantile(0.975, len(pairs) - 1)
    boot = []
    for _ in range(600):
        sample = rng.choices(pairs, k=len(pairs))
        boot.append(sps.kendalltau(*zip(*sample, strict=True)).statistic)
    assert se_jack == pytest.approx(statistics.stdev(boot), rel=0.15)


def test_tau_b_clustered_interval_is_wider_when_candidates_move_together() -> None:
    rng = random.Random(10)
    pairs, clusters = [], []
    for g in range(40):
        ability = rng.gauss(0, 1)
        for _ in range(4):
            x = min(4, max(1, round(2.5 + ability + rng.gauss(0, 0.4))))
            y = min(4, max(1, round(2.5 + ability + rng.gauss(0, 0.4))))
            pairs.append((x, y))
            clusters.append(g)
    plain, clustered = kendall_tau_b(pairs), kendall_tau_b(pairs, clusters)
    assert plain.value == clustered.value and clustered.clusters == 40
    assert plain.high is not None and plain.low is not None
    assert clustered.high is not None and clustered.low is not None
    assert clustered.high - clustered.low > 1.3 * (plain.high - plain.low)


def test_tau_b_without_variation_says_so() -> None:
    est = kendall_tau_b([(3, y % 4) for y in range(20)])
    assert est.value is None and est.status == "undefined" and "never varies" in est.note
    assert kendall_tau_b([(1, 2)] * 9).status == "too_few"


def test_status_thresholds() -> None:
    assert wilson(4, MIN_N).status == "tentative"
    assert wilson(4, 29).status == "tentative"
    assert wilson(4, 30).status == "solid"
    few = wilson(4, MIN_N - 1)
    assert few.to_dict()["value"] is None and few.to_dict()["status"] == "too_few"
    assert not few.above(-1.0) and not few.below(2.0)
    est = wilson(25, 30)
    assert est.above(0.6) and not est.above(0.7) and est.below(0.95)
    assert math.isclose(est.to_dict()["value"], 25 / 30)


def test_tau_b_leave_one_candidate_out_matches_recomputing() -> None:
    # The jackknife updates S and the tie counts instead of recomputing: check each
    # candidate's update against tau-b of the data without that candidate.
    rng = random.Random(12)
    pairs, clusters = [], []
    for g in range(25):
        for _ in range(rng.randint(1, 6)):
            pairs.append((rng.randint(1, 4), rng.choice((0.0, 0.5, 1.0))))
            clusters.append(g)
    xs = sorted({x for x, _ in pairs})
    ys = sorted({y for _, y in pairs})
    coded = [(xs.index(x), ys.index(y)) for x, y in pairs]
    table = tau_mod._TauTable(Counter(coded), len(xs), len(ys))
    for g in range(25):
        part = [c for c, k in zip(coded, clusters, strict=True) if k == g]
        ds, dx, dy = table.change(part)
        rest = [p for p, k in zip(pairs, clusters, strict=True) if k != g]
        expected = sps.kendalltau(*zip(*rest, strict=True)).statistic
        got = tau_mod._tau(table.s + ds, table.untied_x + dx, table.untied_y + dy)
        assert got == pytest.approx(expected, abs=1e-12), g


def test_tau_b_batched_jackknife_equals_the_plain_update() -> None:
    # The jackknife's batched loop must give exactly the values of the one-group
    # update, for groups of mixed and of one outcome, with repeated cells.
    rng = random.Random(31)
    compared = 0
    for _ in range(40):
        rows, cols = rng.randint(2, 7), rng.randint(2, 5)
        groups = []
        for _ in range(rng.randint(3, 30)):
            same = rng.random() < 0.4
            j0 = rng.randrange(cols)
            groups.append([(rng.randrange(rows), j0 if same else rng.randrange(cols))
                           for _ in range(rng.randint(1, 5))])
        table = tau_mod._TauTable(Counter(chain.from_iterable(groups)), rows, cols)
        plain = [tau_mod._tau(table.s + ds, table.untied_x + dx, table.untied_y + dy)
                 for ds, dx, dy in map(table.change, groups)]
        assert table.left_out(groups) == (None if None in plain else plain)
        compared += None not in plain
    assert compared >= 20  # most tables keep some variation with any group left out


def test_tau_b_jackknife_counts_a_large_groups_pairs_from_its_table() -> None:
    # A candidate with hundreds of ratings (an import gone wrong) has the pairs within
    # the group counted from its own table: the same values as the pair-by-pair update.
    rng = random.Random(47)
    for _ in range(12):
        rows, cols = rng.randint(2, 9), rng.randint(2, 6)
        groups = [[(rng.randrange(rows), rng.randrange(cols))
                   for _ in range(rng.randint(1, 5))] for _ in range(rng.randint(3, 20))]
        for _ in range(rng.randint(1, 3)):
            j0 = rng.randrange(cols)
            same = rng.random() < 0.3
            size = rng.randint(tau_mod.PAIRS_BY_TABLE + 1, 400)
            groups.insert(rng.randrange(len(groups) + 1),
                          [(rng.randrange(rows), j0 if same else rng.randrange(cols))
                           for _ in range(size)])
        table = tau_mod._TauTable(Counter(chain.from_iterable(groups)), rows, cols)
        plain = [tau_mod._tau(table.s + ds, table.untied_x + dx, table.untied_y + dy)
                 for ds, dx, dy in map(table.change, groups)]
        assert None not in plain
        assert table.left_out(groups) == plain


def _plain_btrs(rng: random.Random, n: int, p: float) -> int:
    """Hormann's BTRS as published, with lgamma and abs: what binomial's fast loop must
    match draw for draw (for n * p >= 10 and p <= 0.5, where binomial uses it)."""
    spq = math.sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    alpha = (2.83 + 5.1 / b) * spq
    lpq = math.log(p / (1.0 - p))
    m = math.floor((n + 1) * p)
    h = math.lgamma(m + 1) + math.lgamma(n - m + 1)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        k = math.floor((2.0 * a / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = v * alpha / (a / (us * us) + b)
        if math.log(v) <= h - math.lgamma(k + 1) - math.lgamma(n - k + 1) + (k - m) * lpq:
            return k


def test_binomial_fast_loop_draws_what_the_plain_algorithm_draws() -> None:
    # Same seed, same draws, same state afterwards: seeded intervals stay as they were.
    meta = random.Random(8)
    for _ in range(300):
        n = meta.randint(20, 20000)
        p = meta.uniform(10.0 / n, 0.5)
        seed = meta.randrange(2**32)
        fast, plain = random.Random(seed), random.Random(seed)
        assert [binomial(fast, n, p) for _ in range(30)] == [
            _plain_btrs(plain, n, p) for _ in range(30)], (n, p, seed)
        assert fast.random() == plain.random()
