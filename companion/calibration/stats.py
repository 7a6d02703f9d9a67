"""Small, honest statistics for calibration, in pure Python.

numpy or scipy would add tens of megabytes to the bundle for a handful of
formulas, so the few we need are written here and checked against them (and
against Krippendorff's published worked examples) in the tests.

Every figure is an ``Estimate``: a value, its 95% interval, the n it rests on,
what n counts, and how many candidates it came from. Ratings of one candidate
move together (the same answers, the same halo), so the candidates, not the
ratings, are what a figure's trust is counted in: from fewer than
``MIN_CANDIDATES`` (or fewer than ``MIN_N`` ratings) the value is not computed
at all, and below ``SOLID_CANDIDATES`` (or ``SOLID_N``) it is tentative.

Intervals that average over candidates are clustered by candidate: the
cluster-robust mean with a variance floor (see ``mean_interval``), and a
delete-one-candidate jackknife for Kendall's tau-b. Krippendorff's alpha is
bootstrapped over units, as Hayes and Krippendorff (2007) do.
"""

from __future__ import annotations

import functools
import math
import random
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate, chain, combinations
from math import floor, lgamma, sqrt
from operator import itemgetter, mul
from typing import Any, Literal

MIN_N = 10  # below this many ratings (pairs, rounds...), "too few": no number is shown
SOLID_N = 30  # from MIN_N up to here, "tentative"
# The same two limits counted in candidates, which is what the trust in a figure rests
# on: ten pairs from two candidates are two observations, not ten.
MIN_CANDIDATES = 5
SOLID_CANDIDATES = 15
# The least variance a candidate's mean rating difference is allowed in an interval:
# that of rounding to whole rating steps (1/12 of a step squared, Sheppard's correction).
# Two candidates whose whole-step means happen to be equal show no spread between them;
# the true values still differ by up to a step's rounding. See mean_interval.
RESOLUTION_VAR = 1.0 / 12.0
CONFIDENCE = 0.95
Z95 = statistics.NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)
# Bootstrap resamples for alpha: in batches, until the interval is stable (see alpha_interval).
BOOTSTRAP_BATCH = 100
BOOTSTRAP_MIN = 100
BOOTSTRAP_MAX = 1000
BOOTSTRAP_PRECISION = 0.005  # the last digit shown (alpha is printed to 2 places)
# ... or this share of the interval's width, if larger: the end of an interval 0.6 wide
# known to 0.03 reads the same, and a few candidates' alpha needs 200 resamples, not 1,000
# (tests/test_calibration_null.py checks the coverage).
BOOTSTRAP_WIDTH_SHARE = 0.05
RARE_UNITS = 5  # unit types with fewer units than this are resampled together (cheaper)
# Below this many units alpha is given without an interval: even the expanded percentile
# interval holds the true alpha less often than 93 times in 100 there (92.2% at 15 units
# for four noisy raters an answer; 93.6-95.9% from 20 units up: tests/coverage_alpha.py).
ALPHA_INTERVAL_UNITS = 20

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")
Status = Literal["too_few", "undefined", "tentative", "solid"]


@dataclass(frozen=True)
class Estimate:
    """One figure: value and 95% interval, or None when it cannot be given.

    ``n`` counts ``unit`` (pairs, ratings, rounds...); ``clusters`` is how many
    candidates those came from (None only for data that are not about candidates).
    ``note`` says why there is no number when ``value`` is None, or no interval.
    """

    value: float | None
    low: float | None
    high: float | None
    n: int
    unit: str
    method: str
    clusters: int | None = None
    note: str = ""

    @property
    def status(self) -> Status:
        if _too_few(self.n, self.clusters):
            return "too_few"
        if self.value is None:
            return "undefined"
        few = self.n < SOLID_N or (self.clusters is not None
                                   and self.clusters < SOLID_CANDIDATES)
        return "tentative" if few else "solid"

    @property
    def shown(self) -> bool:
        """Whether a number may be shown (enough data, and the figure is defined)."""
        return self.status in ("tentative", "solid")

    def above(self, threshold: float) -> bool:
        """The whole interval lies above ``threshold`` (the data support "more than")."""
        return self.shown and self.low is not None and self.low > threshold

    def below(self, threshold: float) -> bool:
        """The whole interval lies below ``threshold``."""
        return self.shown and self.high is not None and self.high < threshold

    def to_dict(self) -> dict[str, Any]:
        return {"value": self.value, "low": self.low, "high": self.high, "n": self.n,
                "unit": self.unit, "candidates": self.clusters, "clusters": self.clusters,
                "status": self.status,
                "method": self.method, "note": self.note}


def _too_few(n: int, clusters: int | None) -> bool:
    return n < MIN_N or (clusters is not None and clusters < MIN_CANDIDATES)


def estimate(value: float | None, low: float | None, high: float | None, n: int, unit: str,
             method: str, clusters: int | None = None, note: str = "") -> Estimate:
    """An Estimate with the value withheld when too few (so it can never be shown)."""
    if _too_few(n, clusters):
        if n < MIN_N:
            why = f"too few: {n} {unit}, at least {MIN_N} needed"
        else:
            why = f"too few: {clusters} candidates, at least {MIN_CANDIDATES} needed"
        return Estimate(None, None, None, n, unit, method, clusters, why)
    if value is None:
        return Estimate(None, None, None, n, unit, method, clusters, note)
    return Estimate(value, low, high, n, unit, method, clusters, note)


def too_few(n: int, unit: str, method: str, clusters: int | None = None) -> Estimate:
    return estimate(None, None, None, n, unit, method, clusters)


# ---------------------------------------------------------------- Student's t

def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 1e-15:
            break
    return h


def _betai(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                     + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    tail = 0.5 * _betai(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@functools.lru_cache(maxsize=512)
def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (Newton's method from the normal quantile)."""
    if not 0.0 < p < 1.0 or df <= 0:
        raise ValueError("need 0 < p < 1 and df > 0")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    x = statistics.NormalDist().inv_cdf(p)
    # Cornish-Fisher start, then polish on the exact distribution function.
    x += (x**3 + x) / (4 * df) + (5 * x**5 + 16 * x**3 + 3 * x) / (96 * df * df)
    for _ in range(50):
        dens = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)
                        - 0.5 * math.log(df * math.pi)
                        - (df + 1) / 2 * math.log1p(x * x / df))
        step = (t_cdf(x, df) - p) / dens
        x -= step
        if abs(step) < 1e-12 * max(1.0, abs(x)):
            break
    return x


# ---------------------------------------------------------------- proportions, means, medians

def wilson(successes: int, n: int, unit: str = "cases",
           clusters: int | None = None) -> Estimate:
    """A proportion with its Wilson score interval (good at small n and near 0 or 1).

    ``clusters``: how many candidates the n cases come from (for the thresholds).
    """
    method = "proportion, Wilson 95% interval"
    if _too_few(n, clusters):
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
    n = len(values)
    method = "mean, 95% t interval" + (", clustered by candidate" if clusters else "")
    if floor:
        method += ", variance floored at the rating scale's resolution"
    keys: Iterable[Hashable] = clusters if clusters is not None else range(n)
    groups: dict[Hashable, list[float]] = {}  # group -> [sum, count]
    for key, v in zip(keys, values, strict=True):
        acc = groups.get(key)
        if acc is None:
            groups[key] = [v, 1.0]
        else:
            acc[0] += v
            acc[1] += 1.0
    g = len(groups)
    counted = g if clusters is not None else None
    if _too_few(n, counted):
        return too_few(n, unit, method, counted)
    mean = math.fsum(values) / n
    if g < 2:
        return estimate(None, None, None, n, unit, method, counted,
                        "all from one candidate: no interval can be given")
    # Each group's residual sum: its sum less its size times the mean.
    spread = math.fsum((total - size * mean) ** 2 for total, size in groups.values())
    var = g / (g - 1) * spread / (n * n)
    se = math.sqrt(max(var, floor / g))
    half = t_quantile(0.5 + CONFIDENCE / 2, g - 1) * se
    return estimate(mean, mean - half, mean + half, n, unit, method, counted)


def median_interval(values: Sequence[float], unit: str = "rounds",
                    clusters: int | None = None) -> Estimate:
    """A median with the distribution-free interval between two order statistics.

    The ranks are chosen from the binomial(n, 1/2) distribution so that the
    interval covers the true median with at least 95% probability.
    """
    n = len(values)
    method = "median, 95% order-statistic interval"
    if _too_few(n, clusters):
        return too_few(n, unit, method, clusters)
    xs = sorted(values)
    # Largest k with P(B <= k - 1) <= alpha / 2, B ~ binomial(n, 1/2), in exact integers
    # (2**n overflows a float from n = 1024).
    tail = Fraction(1 - CONFIDENCE).limit_denominator(1000) / 2
    limit = tail * 2**n
    k, cum, term = 0, 0, 1  # term = comb(n, k)
    while k < n and cum + term <= limit:
        cum += term
        term = term * (n - k) // (k + 1)
        k += 1
    k = max(k, 1)
    return estimate(statistics.median(xs), xs[k - 1], xs[n - k], n, unit, method, clusters)


def expanded_tail(n: int) -> float:
    """The tail share each end of the expanded percentile interval leaves out, for n units.

    The plain percentile bootstrap is too narrow in small samples: the bootstrap spread
    is that of the sample, which is the population's times sqrt((n - 1) / n), and it
    uses the normal quantile where a t quantile belongs. Hesterberg's expanded
    percentile interval (The American Statistician 69(4), 2015) takes the percentiles
    at Phi(-sqrt(n / (n - 1)) t(n - 1)) instead of 2.5%: 1.6% at 20 units, 1.9% at 30,
    2.48% at 1,000.
    """
    z = math.sqrt(n / (n - 1)) * t_quantile(0.5 + CONFIDENCE / 2, n - 1)
    return statistics.NormalDist().cdf(-z)


def _percentiles(reps: list[float], tail: float) -> tuple[float, float]:
    """The ``tail`` and ``1 - tail`` quantiles of ``reps``, interpolated between order
    statistics (``statistics.quantiles``' inclusive method)."""
    xs = sorted(reps)
    last = len(xs) - 1

    def at(p: float) -> float:
        pos = p * last
        k = min(int(pos), last - 1)
        return xs[k] + (xs[k + 1] - xs[k]) * (pos - k)

    return at(tail), at(1.0 - tail)


# ---------------------------------------------------------------- Krippendorff's alpha

def _delta2(level: Level, values: Sequence[float], counts: Sequence[float],
            c: int, k: int) -> float:
    """Squared difference of values ``c`` < ``k`` under the metric of ``level``."""
    if level == "nominal":
        return 1.0
    if level == "ordinal":
        between = math.fsum(counts[c:k + 1])
        return (between - (counts[c] + counts[k]) / 2.0) ** 2
    a, b = values[c], values[k]
    if level == "interval":
        return (a - b) ** 2
    return ((a - b) / (a + b)) ** 2 if a + b else 0.0


@dataclass(frozen=True)
class _Coincidences:
    """Pairable units reduced to types: each distinct count vector, and how often it occurs."""

    values: tuple[float, ...]  # the distinct values, ascending
    types: tuple[tuple[int, ...], ...]  # counts of each value in a unit of this type
    weights: tuple[int, ...]  # how many units have this type

    @property
    def units(self) -> int:
        return sum(self.weights)


def _coincidences(units: Iterable[Iterable[float | None]]) -> _Coincidences:
    # Units recur (a few ratings on a four-step scale): each distinct one is reduced
    # once and its count carried. In bench/calibration.py a question's 700-1,300 units
    # come in 100-130 orders of values, a dimension's 8,165 in 168.
    shapes: Counter[tuple[float | None, ...]] = Counter(map(tuple, units))
    kept: list[tuple[list[float], int]] = []
    for unit, count in shapes.items():
        vals = [float(v) for v in unit if v is not None]
        if len(vals) >= 2:  # a lone value has nothing to agree with
            kept.append((vals, count))
    values = tuple(sorted({v for u, _ in kept for v in u}))
    index = {v: i for i, v in enumerate(values)}
    tally: Counter[tuple[int, ...]] = Counter()
    for vals, count in kept:
        row = [0] * len(values)
        for v in vals:
            row[index[v]] += 1
        tally[tuple(row)] += count
    ordered = sorted(tally.items())
    return _Coincidences(values, tuple(t for t, _ in ordered), tuple(w for _, w in ordered))


_Sparse = tuple[Callable[[Sequence[float]], Sequence[float]], tuple[float, ...]]


def _sparse(col: Sequence[float]) -> _Sparse:
    """A column as (what picks its non-zero rows out of a weight vector, their values)."""
    idx = [i for i, x in enumerate(col) if x]
    vals = tuple(col[i] for i in idx)
    if len(idx) >= 2:
        return itemgetter(*idx), vals
    if idx:
        only = idx[0]
        return (lambda w: (w[only],)), vals
    return (lambda w: ()), vals


class _AlphaModel:
    """Alpha from type weights: lets the bootstrap reweigh types instead of units."""

    def __init__(self, co: _Coincidences, level: Level) -> None:
        self.level = level
        self.values = co.values
        k = len(co.values)
        self.pairs = [(c, d) for c in range(k) for d in range(c + 1, k)]
        # Per type: its share of each off-diagonal coincidence cell, and its value counts.
        # Only the types that have a share are kept (a third of them, in bench/calibration.py):
        # the products left out are 0.0, which leave a sum of non-negative terms unchanged.
        self.cell_cols = [_sparse([t[c] * t[d] / (sum(t) - 1) for t in co.types])
                          for c, d in self.pairs]
        self.count_cols = [_sparse([float(t[c]) for t in co.types]) for c in range(k)]
        # Nominal, interval and ratio differences do not depend on the counts.
        self.fixed_deltas = [_delta2(level, co.values, [], c, d) if level != "ordinal" else 0.0
                             for c, d in self.pairs]

    def alpha(self, weights: Sequence[float]) -> float | None:
        counts = [sum(map(mul, pick(weights), col)) for pick, col in self.count_cols]
        n = sum(counts)
        if self.level == "ordinal":
            # delta(c, d) = (n_c + ... + n_d - (n_c + n_d) / 2) ** 2, from running totals
            run = [0.0]
            for x in counts:
                run.append(run[-1] + x)
            deltas = [(run[d + 1] - run[c] - (counts[c] + counts[d]) / 2.0) ** 2
                      for c, d in self.pairs]
        else:
            deltas = self.fixed_deltas
        observed = expected = 0.0
        for (c, d), (pick, col), delta in zip(self.pairs, self.cell_cols, deltas, strict=True):
            observed += sum(map(mul, pick(weights), col)) * delta
            expected += counts[c] * counts[d] * delta
        if expected <= 1e-12 * n * n or n < 2:
            return None  # no variation at all: agreement is not defined
        return 1.0 - (n - 1.0) * observed / expected


def krippendorff_alpha(units: Iterable[Iterable[float | None]],
                       level: Level = "ordinal") -> float | None:
    """Krippendorff's alpha for ``units`` (each the values its coders gave; None = missing).

    Computed from the coincidence matrix, for any number of coders and missing
    values. Returns None when no value varies (alpha is undefined there).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    co = _coincidences(units)
    if not co.types:
        return None
    return _AlphaModel(co, level).alpha([float(w) for w in co.weights])


def alpha_interval(units: Iterable[Iterable[float | None]], level: Level = "ordinal",
                   seed: int = 0, clusters: int | None = None,
                   min_units: int = ALPHA_INTERVAL_UNITS) -> Estimate:
    """Krippendorff's alpha with a 95% expanded percentile bootstrap interval over units.

    n is the number of pairable units (units with two or more values). Units
    are resampled with replacement; because a unit enters alpha only through
    its vector of value counts, a resample is drawn as multinomial counts over
    those types, which costs the same for 40 units as for 40,000.

    Resampling stops once the interval's end points are stable to within
    ``BOOTSTRAP_PRECISION`` or ``BOOTSTRAP_WIDTH_SHARE`` of its width, whichever is
    larger (at least ``BOOTSTRAP_MIN`` resamples, at most ``BOOTSTRAP_MAX``). The same
    data and seed always give the same interval. ``clusters`` is how many candidates the
    units came from. The percentiles are those of ``expanded_tail``: the plain 2.5% and
    97.5% points are too narrow in small samples. From fewer than ``min_units`` units the
    value comes without an interval (see ``ALPHA_INTERVAL_UNITS``).
    """
    co = _coincidences(units)
    method = f"Krippendorff's alpha ({level}), 95% expanded percentile bootstrap interval"
    n = co.units
    if _too_few(n, clusters):
        return too_few(n, "units", method, clusters)
    model = _AlphaModel(co, level)
    value = model.alpha([float(w) for w in co.weights])
    if value is None:
        return estimate(None, None, None, n, "units", method, clusters,
                        note="every rating is the same, so agreement is not defined")
    if n < min_units:
        return estimate(value, None, None, n, "units", method, clusters,
                        note=f"too few units for an interval ({n} units, {min_units} needed)")
    rng = random.Random(seed)
    draw = _Resampler(co.weights)
    reps: list[float] = []
    tried = 0
    while tried < BOOTSTRAP_MAX:
        for _ in range(BOOTSTRAP_BATCH):
            a = model.alpha(draw(rng))
            if a is not None:
                reps.append(a)
        tried += BOOTSTRAP_BATCH
        if tried >= BOOTSTRAP_MIN and len(reps) > 2 and _stable(reps):
            break
    if len(reps) < tried // 2:
        return estimate(value, None, None, n, "units", method, clusters,
                        note="too little variation to bootstrap an interval")
    low, high = _percentiles(reps, expanded_tail(n))
    return estimate(value, low, high, n, "units", method, clusters)


def _stable(reps: list[float]) -> bool:
    """Whether the 2.5% and 97.5% points of ``reps`` are pinned down to the precision.

    The Monte Carlo standard error of a p-quantile is sqrt(p(1-p)/B) / f(q); with
    the density f of a normal fit at its 2.5% point this is about 2.67 sd / sqrt(B);
    the interval of a normal fit is 3.92 sd wide.
    """
    sd = statistics.pstdev(reps)
    wanted = max(BOOTSTRAP_PRECISION, BOOTSTRAP_WIDTH_SHARE * 3.92 * sd)
    return 2.67 * sd / math.sqrt(len(reps)) <= wanted


class _Resampler:
    """Multinomial counts over unit types, as if ``sum(weights)`` units were redrawn.

    Common types get a conditional binomial each; the rare ones share what is
    left, drawn one by one (few draws, since they are rare). The split keeps a
    resample to a dozen or two random draws however many units there are.
    """

    def __init__(self, weights: Sequence[int]) -> None:
        self.n = sum(weights)
        self.size = len(weights)
        order = sorted(range(self.size), key=lambda i: -weights[i])
        self.common = [i for i in order if weights[i] >= RARE_UNITS]
        self.rare = [i for i in order if weights[i] < RARE_UNITS]
        self.common_p = [weights[i] / self.n for i in self.common]
        rare_total = sum(weights[i] for i in self.rare)
        self.rare_p = rare_total / self.n
        run = 0
        self.rare_cum: list[int] = []
        for i in self.rare:
            run += weights[i]
            self.rare_cum.append(run)

    def __call__(self, rng: random.Random) -> list[float]:
        out = [0.0] * self.size
        left, rest = self.n, 1.0
        for i, p in zip(self.common, self.common_p, strict=True):
            if not left:
                return out
            if rest - p <= 1e-12 and not self.rare:  # the last type takes what is left
                out[i] = float(left)
                return out
            q = p / rest
            x = binomial(rng, left, q if q < 1.0 else 1.0)
            out[i] = float(x)
            left -= x
            rest -= p
        if left and self.rare:
            for i in rng.choices(self.rare, cum_weights=self.rare_cum, k=left):
                out[i] += 1.0
        return out


# ---------------------------------------------------------------- random counts

_LOG_FACTORIAL: list[float] = [0.0]  # lgamma(k + 1), grown as draws need (see binomial)


def _log_factorials(n: int) -> list[float]:
    """The table of lgamma(k + 1) for k = 0 .. n: the very values lgamma gives, looked up."""
    table = _LOG_FACTORIAL
    if len(table) <= n:
        table.extend(lgamma(k + 1) for k in range(len(table), n + 1))
    return table

def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial(n, p) draw: Devroye's geometric method for small means, else Hormann's
    BTRS transformed rejection (W. Hormann, 1993), so the cost does not grow with n.

    Written here rather than taken from ``random.binomialvariate`` (Python 3.12+) so
    that a seeded figure comes out the same on every supported Python.
    """
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - binomial(rng, n, 1.0 - p)
    if n * p < 10.0:
        # Count successes by jumping geometric gaps between them.
        log_q = math.log1p(-p)
        x = y = 0
        while True:
            y += int(math.log(1.0 - rng.random()) / log_q) + 1
            if y > n:
                return x
            x += 1
    spq = sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a2 = 2.0 * (-0.0873 + 0.0248 * b + 0.01 * p)
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    rand = rng.random  # the loop below is the bootstrap's hottest: names bound locally
    setup = False  # the exact test's constants, only if the quick squeeze test fails
    while True:
        u = rand() - 0.5
        v = rand()
        us = 0.5 - u if u >= 0.0 else 0.5 + u  # 0.5 - |u|, without a call
        k = floor((a2 / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        if not setup:
            alpha = (2.83 + 5.1 / b) * spq
            lpq = math.log(p / (1.0 - p))
            m = floor((n + 1) * p)
            log_fact = _log_factorials(n)
            h = log_fact[m] + log_fact[n - m]
            setup = True
        v = v * alpha / (a2 / 2.0 / (us * us) + b)
        if math.log(v) <= h - log_fact[k] - log_fact[n - k] + (k - m) * lpq:
            return k


# ---------------------------------------------------------------- Kendall's tau-b

class _TauTable:
    """A contingency table of two ordinal variables, with each cell's concordance score."""

    def __init__(self, cells: Counter[tuple[int, int]], rows: int, cols: int) -> None:
        self.n = n = sum(cells.values())
        row = [0] * rows
        col = [0] * cols
        for (i, j), c in cells.items():
            row[i] += c
            col[j] += c
        self.row, self.col = row, col
        last = [0, *accumulate(col)]  # last[j]: observations in columns < j
        # k[i][j]: pairs concordant minus discordant between one observation in cell
        # (i, j) and every observation of the table; only occupied cells are needed.
        # A sweep down the rows: a Fenwick tree counts the rows above by column, so the
        # cost follows the occupied cells, not rows x columns.
        # (a row of k is made only for a row with observations: the rest are never read)
        k: list[list[int]] = [[]] * rows
        self.k = k
        tree = [0] * (cols + 1)
        above_col = [0] * cols  # observations in rows above, per column
        above = 0  # observations in rows above
        twice_s = 0
        ordered = sorted(cells.items())
        start, end = 0, len(ordered)
        while start < end:
            i = ordered[start][0][0]
            stop = start
            while stop < end and ordered[stop][0][0] == i:
                stop += 1
            mine = ordered[start:stop]
            ki = k[i] = [0] * cols
            rest, run = n - above - row[i], 0  # run: this row, left of j
            for (_, j), c in mine:
                lt, x = 0, j  # rows above, columns left of j
                while x:
                    lt += tree[x]
                    x &= x - 1
                le = lt + above_col[j]  # rows above, columns up to j
                # both smaller + both larger - (above, right) - (below, left)
                kk = (lt + rest - last[j + 1] + le + run + c
                      - (above - le) - (last[j] - lt - run))
                ki[j] = kk
                twice_s += c * kk
                run += c
            for (_, j), c in mine:
                above_col[j] += c
                x = j + 1
                while x <= cols:
                    tree[x] += c
                    x += x & -x
            above += row[i]
            start = stop
        self.s = twice_s // 2
        self.untied_x = (n * n - sum(r * r for r in row)) // 2  # pairs not tied on x
        self.untied_y = (n * n - sum(c * c for c in col)) // 2

    def change(self, part: Sequence[tuple[int, int]]) -> tuple[int, int, int]:
        """How S and the untied pair counts change when ``part`` (cells) is taken out.

        Called once per candidate for the jackknife, so it avoids allocating: a
        candidate has a handful of ratings of one question.
        """
        k, row, col = self.k, self.row, self.col
        ds = dr = dc = 0
        m = len(part)
        j0 = part[0][1]
        if all(j == j0 for _, j in part):
            # One outcome for the whole group (the panel's decision): its pairs are tied
            # on it, so only the other margin's shared pairs need counting.
            seen: dict[int, int] = {}
            for i, j in part:
                ds -= k[i][j]
                dr += 2 * row[i] - 1 - 2 * seen.get(i, 0)
                seen[i] = seen.get(i, 0) + 1
            dc = m * (2 * col[j0] - m)
        else:
            for a, (i, j) in enumerate(part):
                ds -= k[i][j]
                for i2, j2 in part[a + 1:]:
                    d = (i - i2) * (j - j2)
                    ds += (d > 0) - (d < 0)
                    # A second observation in the same row (column) lowers that margin
                    # again: (r - a)^2 expands pairwise, so count the shared pairs here.
                    dr -= 2 * (i == i2)
                    dc -= 2 * (j == j2)
                dr += 2 * row[i] - 1
                dc += 2 * col[j] - 1
        shrink = (self.n - m) ** 2 - self.n ** 2
        return ds, (shrink + dr) // 2, (shrink + dc) // 2


    def changes(self, groups: Sequence[Sequence[tuple[int, int]]]) -> list[tuple[int, int, int]]:
        """``change`` of every group in one loop: the jackknife's hot path.

        The same integers as ``change`` (tests/test_calibration_stats.py compares them),
        with the margins' terms precomputed; the pairs within a group come from
        ``itertools.combinations`` (in C) rather than a slice per observation.
        """
        k = self.k
        row2 = [2 * r - 1 for r in self.row]
        col2 = [2 * c - 1 for c in self.col]
        n, nn = self.n, self.n * self.n
        out = []
        for part in groups:
            ds = dr = dc = 0
            for i, j in part:
                ds -= k[i][j]
                dr += row2[i]
                dc += col2[j]
            for (i, j), (i2, j2) in combinations(part, 2):
                if i == i2:
                    dr -= 2
                    if j == j2:
                        dc -= 2
                elif j == j2:
                    dc -= 2
                elif (i < i2) == (j < j2):
                    ds += 1
                else:
                    ds -= 1
            shrink = (n - len(part)) ** 2 - nn
            out.append((ds, (shrink + dr) // 2, (shrink + dc) // 2))
        return out


def _tau(s: int, untied_x: int, untied_y: int) -> float | None:
    denom = untied_x * untied_y
    return s / math.sqrt(denom) if denom > 0 else None


def kendall_tau_b(pairs: Sequence[tuple[float, float]],
                  clusters: Sequence[Hashable] | None = None,
                  unit: str = "ratings") -> Estimate:
    """Kendall's tau-b (ties handled) with a 95% delete-one-cluster jackknife interval.

    ``clusters`` names the group of each pair (the candidate): leaving out one
    whole group at a time gives a standard error that holds when pairs of one
    candidate move together. Without clusters each pair is its own group.
    """
    if len(pairs) < MIN_N:
        g = len(set(clusters)) if clusters is not None else None
        return too_few(len(pairs), unit, _tau_method(clusters is not None), g)
    x_col, y_col = zip(*pairs, strict=True)
    xi = {x: i for i, x in enumerate(sorted(set(x_col)))}
    yi = {y: i for i, y in enumerate(sorted(set(y_col)))}
    coded = zip(map(xi.__getitem__, x_col), map(yi.__getitem__, y_col), strict=True)
    groups: defaultdict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    keys: Iterable[Hashable] = clusters if clusters is not None else range(len(pairs))
    for key, cell in zip(keys, coded, strict=True):
        groups[key].append(cell)
    return tau_b_grouped(list(groups.values()), len(xi), len(yi), unit,
                         clustered=clusters is not None)


def _tau_method(clustered: bool) -> str:
    return "Kendall's tau-b, 95% jackknife interval" + (
        ", clustered by candidate" if clustered else "")


def tau_b_grouped(groups: Sequence[Sequence[tuple[int, int]]], rows: int, cols: int,
                  unit: str = "ratings", clustered: bool = True) -> Estimate:
    """``kendall_tau_b`` for observations already coded as ranks (row, column), one
    list per cluster: the form calibration builds while it tallies, so the pairs are
    not coded and grouped a second time for every question and dimension."""
    method = _tau_method(clustered)
    n = sum(map(len, groups))
    g = len(groups)
    counted = g if clustered else None
    if _too_few(n, counted):
        return too_few(n, unit, method, counted)
    table = _TauTable(Counter(chain.from_iterable(groups)), rows, cols)
    value = _tau(table.s, table.untied_x, table.untied_y)
    if value is None:
        what = "the rating" if not table.untied_x else "the outcome"
        return estimate(None, None, None, n, unit, method, counted,
                        note=f"{what} never varies, so there is no rank correlation")
    if g < 3:
        return estimate(value, None, None, n, unit, method, g,
                        "fewer than three candidates: no interval can be given")
    loo: list[float] = []
    s, ux, uy = table.s, table.untied_x, table.untied_y
    for ds, dx, dy in table.changes(groups):
        denom = (ux + dx) * (uy + dy)
        if denom <= 0:  # leaving this group out removes all variation
            return estimate(value, None, None, n, unit, method, counted,
                            "too little variation for an interval")
        loo.append((s + ds) / math.sqrt(denom))
    mean = math.fsum(loo) / g
    var = (g - 1) / g * math.fsum((t - mean) ** 2 for t in loo)
    half = t_quantile(0.5 + CONFIDENCE / 2, g - 1) * math.sqrt(var)
    return estimate(value, max(-1.0, value - half), min(1.0, value + half), n, unit, method,
                    g if clustered else None)
