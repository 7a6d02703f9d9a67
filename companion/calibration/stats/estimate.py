"""Every figure is an ``Estimate``: a value, its 95% interval, the n it rests on, what n
counts, and how many candidates it came from; and the thresholds that decide whether it
may be shown.

Ratings of one candidate move together (the same answers, the same halo), so the
candidates, not the ratings, are what a figure's trust is counted in: from fewer than
``MIN_CANDIDATES`` (or fewer than ``MIN_N`` ratings) the value is not computed at all,
and below ``SOLID_CANDIDATES`` (or ``SOLID_N``) it is tentative.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
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
# The same for a mean of squared differences (scatter's mean square): a rounding error e,
# uniform over a step, has Var(e^2) = E[e^4] - E[e^2]^2 = 1/80 - 1/144 = 1/180. Without
# it, an interviewer whose ratings always equal the co-panelists' shows a scatter of 0
# with an interval of zero width.
SQUARE_RESOLUTION_VAR = 1.0 / 180.0
CONFIDENCE = 0.95
Z95 = statistics.NormalDist().inv_cdf(0.5 + CONFIDENCE / 2)

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
        if is_too_few(self.n, self.clusters):
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


def is_too_few(n: int, clusters: int | None) -> bool:
    return n < MIN_N or (clusters is not None and clusters < MIN_CANDIDATES)


def estimate(value: float | None, low: float | None, high: float | None, n: int, unit: str,
             method: str, clusters: int | None = None, note: str = "") -> Estimate:
    """An Estimate with the value withheld when too few (so it can never be shown)."""
    if is_too_few(n, clusters):
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
