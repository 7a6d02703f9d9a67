"""Krippendorff's alpha with its 95% interval over units: the expanded percentile
bootstrap, as Hayes and Krippendorff (2007) bootstrap it, and from ``ALPHA_JACKKNIFE_UNITS``
units the delete-one-unit jackknife's t interval, which covers as well there for far less."""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Iterable, Sequence

from companion.calibration.stats.alpha import AlphaModel, Level, coincidences
from companion.calibration.stats.draws import Resampler
from companion.calibration.stats.estimate import CONFIDENCE, Estimate, estimate, is_too_few, too_few
from companion.calibration.stats.student_t import t_quantile

# Bootstrap resamples for alpha: in batches, until the interval is stable (see alpha_interval).
BOOTSTRAP_BATCH = 100
BOOTSTRAP_MIN = 100
BOOTSTRAP_MAX = 1000
BOOTSTRAP_PRECISION = 0.005  # the last digit shown (alpha is printed to 2 places)
# ... or this share of the interval's width, if larger: the end of an interval 0.6 wide
# known to 0.03 reads the same, and a few candidates' alpha needs 200 resamples, not 1,000
# (tests/test_calibration_null.py checks the coverage).
BOOTSTRAP_WIDTH_SHARE = 0.05
# Below this many units alpha is given without an interval: even the expanded percentile
# interval holds the true alpha less often than 93 times in 100 there (92.2% at 15 units
# for four noisy raters an answer; 93.6-95.9% from 20 units up: tests/coverage_alpha.py).
ALPHA_INTERVAL_UNITS = 20
# From this many units the interval is the delete-one-unit jackknife's t interval instead:
# it costs one pass over the unit types instead of 100-1,000 resamples, and from here up
# it holds the true alpha at least as often as the bootstrap (94.1-96.4% at 100, 200 and
# 400 units over four kinds of panel, 1,000 runs each, where the bootstrap's held 91.7-95.4%;
# below, with two raters an answer, the jackknife's fell to 92.3%: tests/coverage_alpha.py).
ALPHA_JACKKNIFE_UNITS = 100


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



def jackknife_half_width(model: AlphaModel, weights: Sequence[int]) -> float | None:
    """Half the 95% t interval of alpha from the delete-one-unit jackknife, or None when
    some unit's absence leaves no variation or the jackknife values do not vary."""
    loo = model.left_out()
    if loo is None or max(loo) - min(loo) <= 1e-12:  # alike units: rounding, not spread
        return None
    n = sum(weights)
    mean = math.fsum(w * a for w, a in zip(weights, loo, strict=True)) / n
    spread = math.fsum(w * (a - mean) ** 2 for w, a in zip(weights, loo, strict=True))
    var = (n - 1) / n * spread
    return t_quantile(0.5 + CONFIDENCE / 2, n - 1) * math.sqrt(var)


def alpha_interval(units: Iterable[Iterable[float | None]], level: Level = "ordinal",
                   seed: int = 0, clusters: int | None = None,
                   min_units: int = ALPHA_INTERVAL_UNITS,
                   jackknife_units: int = ALPHA_JACKKNIFE_UNITS) -> Estimate:
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

    From ``jackknife_units`` units up the interval is the value plus or minus t(n - 1)
    times the delete-one-unit jackknife's standard error, cut at 1 (alpha's maximum):
    as good as the bootstrap there (tests/coverage_alpha.py), at a fraction of its cost.
    Data whose jackknife values do not vary (every unit alike) are bootstrapped as below.
    """
    co = coincidences(units)
    n = co.units
    jackknife = n >= jackknife_units
    method = f"Krippendorff's alpha ({level}), 95% " + (
        "jackknife t interval" if jackknife else "expanded percentile bootstrap interval")
    if is_too_few(n, clusters):
        return too_few(n, "units", method, clusters)
    model = AlphaModel(co, level)
    value = model.alpha([float(w) for w in co.weights])
    if value is None:
        return estimate(None, None, None, n, "units", method, clusters,
                        note="every rating is the same, so agreement is not defined")
    if n < min_units:
        return estimate(value, None, None, n, "units", method, clusters,
                        note=f"too few units for an interval ({n} units, {min_units} needed)")
    if jackknife:
        half = jackknife_half_width(model, co.weights)
        if half is not None:
            return estimate(value, value - half, min(1.0, value + half), n, "units", method,
                            clusters)
        method = method.replace("jackknife t", "expanded percentile bootstrap")
    rng = random.Random(seed)
    draw = Resampler(co.weights)
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
