"""Intervals of proportions, means and medians: Wilson, the cluster-robust t, and the
order-statistic interval."""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Sequence
from fractions import Fraction
from itertools import accumulate, compress, count, islice
from operator import ne, sub

from companion.calibration.stats.estimate import (
    CONFIDENCE,
    Z95,
    Estimate,
    estimate,
    is_too_few,
    too_few,
)
from companion.calibration.stats.student_t import t_quantile


def wilson(successes: int, n: int, unit: str = "cases",
           clusters: int | None = None) -> Estimate:
    """A proportion with its Wilson score interval (good at small n and near 0 or 1).

    ``clusters``: how many candidates the n cases come from (for the thresholds).
    """
    method = "proportion, Wilson 95% interval"
    if is_too_few(n, clusters):
        return too_few(n, unit, method, clusters)
    p = successes / n
    z2 = Z95 * Z95
    denom = 1.0 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    # At p = 0 or 1 the bound meets p exactly, up to rounding; the interval must hold p.
    return estimate(p, min(p, max(0.0, centre - half)), max(p, min(1.0, centre + half)), n,
                    unit, method, clusters)


def mean_interval(values: Sequence[float], clusters: Sequence[Hashable] | None = None,
                  unit: str = "pairs", floor: float = 0.0) -> Estimate:
    """A mean with a 95% t interval; cluster-robust when ``clusters`` names each value's group.

    With clusters, the standard error is the sandwich (CR1) estimate over the
    groups and the t quantile has (groups - 1) degrees of freedom; without, each
    value is its own group, which is the ordinary ``s / sqrt(n)``.

    ``floor`` is the least variance a group's mean may have: the standard error
    is never below ``sqrt(floor / groups)``. From few candidates rated in whole
    steps the sandwich estimate is often exactly 0 (two candidates with equal
    means), and an interval of zero width would call anything beyond the line;
    the floor (``RESOLUTION_VAR`` for ratings) keeps what the scale cannot resolve.
    """
    return _mean_interval(values, _group_sums(values, clusters), clusters is not None,
                          bool(clusters), unit, floor)


def mean_interval_runs(values: Sequence[float], lengths: Sequence[int], unit: str = "pairs",
                       floor: float = 0.0) -> Estimate:
    """``mean_interval`` clustered, for values that come group after group, with each
    group's size (each positive): the form calibration's walk gathers, with no cluster
    named per value. Each group's sum is a ``sum`` over its slice, as there."""
    ends = list(accumulate(lengths))
    totals = map(sum, map(values.__getitem__, map(slice, [0, *ends[:-1]], ends)))
    groups = list(zip(totals, map(float, lengths), strict=True))
    return _mean_interval(values, groups, True, bool(lengths), unit, floor)


def _mean_interval(values: Sequence[float], groups: Sequence[tuple[float, float]],
                   clustered: bool, named: bool, unit: str, floor: float) -> Estimate:
    """``mean_interval`` from each group's (sum, size); ``named``: the method says it is
    clustered (not when no value came)."""
    n = len(values)
    method = "mean, 95% t interval" + (", clustered by candidate" if named else "")
    if floor:
        method += ", variance floored at the rating scale's resolution"
    g = len(groups)
    counted = g if clustered else None
    if is_too_few(n, counted):
        return too_few(n, unit, method, counted)
    mean = math.fsum(values) / n
    if g < 2:
        return estimate(None, None, None, n, unit, method, counted,
                        "all from one candidate: no interval can be given")
    # Each group's residual sum: its sum less its size times the mean.
    spread = math.fsum((total - size * mean) ** 2 for total, size in groups)
    var = g / (g - 1) * spread / (n * n)
    se = math.sqrt(max(var, floor / g))
    half = t_quantile(0.5 + CONFIDENCE / 2, g - 1) * se
    return estimate(mean, mean - half, mean + half, n, unit, method, counted)


def _group_sums(values: Sequence[float],
                clusters: Sequence[Hashable] | None) -> list[tuple[float, float]]:
    """Each group's (sum, size), values added in their order. Calibration hands each
    interviewer's differences in runs, a candidate at a time: then each run is summed by
    ``sum`` over a slice (in C), not value by value."""
    if clusters is None:
        return [(v, 1.0) for v in values]
    if len(values) != len(clusters):
        raise ValueError("one cluster per value")
    # Where one run of equal clusters ends and the next starts, found in C.
    cuts = list(compress(count(1), map(ne, clusters, islice(clusters, 1, None))))
    if len(cuts) + 1 == len(set(clusters)):  # every group is one run
        starts, ends = [0, *cuts], [*cuts, len(values)]
        totals = map(sum, map(values.__getitem__, map(slice, starts, ends)))
        return list(zip(totals, map(float, map(sub, ends, starts)), strict=True))
    acc: dict[Hashable, list[float]] = {}
    for key, v in zip(clusters, values, strict=True):
        got = acc.get(key)
        if got is None:
            acc[key] = [v, 1.0]
        else:
            got[0] += v
            got[1] += 1.0
    return [(total, size) for total, size in acc.values()]


def median_interval(values: Sequence[float], unit: str = "rounds",
                    clusters: int | None = None) -> Estimate:
    """A median with the distribution-free interval between two order statistics.

    The ranks are chosen from the binomial(n, 1/2) distribution so that the
    interval covers the true median with at least 95% probability.
    """
    n = len(values)
    method = "median, 95% order-statistic interval"
    if is_too_few(n, clusters):
        return too_few(n, unit, method, clusters)
    xs = sorted(values)
    k = max(median_rank(n), 1)
    return estimate(statistics.median(xs), xs[k - 1], xs[n - k], n, unit, method, clusters)


# From this many values the median's ranks come from floating point (checked, see
# median_rank): the exact sum costs the square of n in big-integer arithmetic (0.02 s at
# 10,000 values, 1.1 s at 100,000: one prolific interviewer's rounds).
EXACT_RANKS_UP_TO = 20_000
# A floating-point tail this close to alpha / 2 (relative) is settled exactly instead:
# each term carries lgamma's rounding, under 1e-8 of it at a million values.
RANK_MARGIN = 1e-6


def median_rank(n: int, exact_up_to: int = EXACT_RANKS_UP_TO) -> int:
    """The largest k with P(B <= k - 1) <= alpha / 2, B ~ binomial(n, 1/2): the ranks
    (k and n + 1 - k) of the order statistics that bound the median's interval.

    Up to ``exact_up_to`` values, in exact integers (2**n overflows a float from
    n = 1024). Beyond, the binomial terms are summed in floating point from their
    logarithms; where the sum lands within RANK_MARGIN of alpha / 2 on either side of
    the answer, the exact sum decides (tests/test_calibration_stats.py compares the two).
    """
    tail = Fraction(1 - CONFIDENCE).limit_denominator(1000) / 2
    if n > exact_up_to:
        found = _median_rank_float(n, float(tail))
        if found is not None:
            return found
    # cum + term <= tail * 2**n, in integers (a Fraction compared per step was slower)
    limit, scale = tail.numerator * 2**n, tail.denominator
    k, cum, term = 0, 0, 1  # term = comb(n, k)
    while k < n and (cum + term) * scale <= limit:
        cum += term
        term = term * (n - k) // (k + 1)
        k += 1
    return k


def _median_rank_float(n: int, tail: float) -> int | None:
    """``median_rank`` in floating point, or None where rounding could decide it."""
    lg = math.lgamma
    base = lg(n + 1) - n * math.log(2)
    cum = 0.0
    for k in range(n):
        term = math.exp(base - lg(k + 1) - lg(n - k + 1))
        if cum + term > tail:
            clear = min(tail - cum, cum + term - tail) > RANK_MARGIN * tail
            return k if clear else None
        cum += term
    return n
