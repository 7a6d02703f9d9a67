"""How close a rater's levels came to the levels the answers were written to show.

Three figures, each an ``Estimate`` with its 95% interval and n (``calibration.stats``):
exact agreement and agreement within one step (proportions, Wilson intervals) and
the mean signed error in steps (a t interval): above zero the rater rates higher
than the anchors, below zero lower. Under ten answers there is no number ("too few").
Counts travel as ``Tally`` so sets can be added up (history, the team store) and the
figures computed once over the sum.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from companion.calibration.stats.estimate import CONFIDENCE, Estimate, estimate
from companion.calibration.stats.intervals import wilson
from companion.calibration.stats.student_t import t_quantile
from companion.practice.model import Rated

UNIT = "sample answers"
SIGNED_METHOD = "mean signed error in steps, 95% t interval"


@dataclass(frozen=True)
class Tally:
    """Sums over rated answers: enough for every figure, and addable across sets."""

    n: int = 0
    exact: int = 0
    within_one: int = 0
    error_sum: int = 0
    error_squares: int = 0

    @classmethod
    def of(cls, rated: Iterable[Rated]) -> Tally:
        done = list(rated)
        return cls(n=len(done), exact=sum(r.exact for r in done),
                   within_one=sum(r.within_one for r in done),
                   error_sum=sum(r.error for r in done),
                   error_squares=sum(r.error * r.error for r in done))

    def __add__(self, other: Tally) -> Tally:
        return Tally(self.n + other.n, self.exact + other.exact,
                     self.within_one + other.within_one, self.error_sum + other.error_sum,
                     self.error_squares + other.error_squares)


@dataclass(frozen=True)
class Figures:
    """The three figures of a tally."""

    exact: Estimate
    within_one: Estimate
    signed_error: Estimate

    def to_dict(self) -> dict[str, object]:
        return {"exact": self.exact.to_dict(), "within_one": self.within_one.to_dict(),
                "signed_error": self.signed_error.to_dict()}


def signed_error(t: Tally) -> Estimate:
    """The mean signed error with a t interval, from sums (as ``stats.intervals.mean_interval``)."""
    if t.n < 2:
        return estimate(None, None, None, t.n, UNIT, SIGNED_METHOD)
    mean = t.error_sum / t.n
    variance = max(0.0, (t.error_squares - t.n * mean * mean) / (t.n - 1))
    half = t_quantile(0.5 + CONFIDENCE / 2, t.n - 1) * math.sqrt(variance / t.n)
    return estimate(mean, mean - half, mean + half, t.n, UNIT, SIGNED_METHOD)


def figures(t: Tally) -> Figures:
    return Figures(exact=wilson(t.exact, t.n, UNIT), within_one=wilson(t.within_one, t.n, UNIT),
                   signed_error=signed_error(t))


def misses(rated: Sequence[Rated]) -> list[Rated]:
    """The answers rated two steps or more away from their level, in the order shown."""
    return [r for r in rated if r.missed]


@dataclass(frozen=True)
class Readiness:
    """The team's bar for "ready for this archetype" (defaults from the issue's research)."""

    exact: float = 0.6
    within_one: float = 0.9
    min_n: int = 24

    def met(self, t: Tally) -> bool:
        """Ready once enough answers were rated and both agreement rates reach the bar."""
        return (t.n >= self.min_n and t.exact >= self.exact * t.n
                and t.within_one >= self.within_one * t.n)


def describe(est: Estimate, percent: bool = True) -> str:
    """One figure in words: value and interval with n, or why there is none."""
    if not est.shown or est.value is None or est.low is None or est.high is None:
        return f"too few ({est.n} {est.unit}, at least 10 needed)" if est.n < 10 else \
            (est.note or "no figure")
    tentative = ", tentative" if est.status == "tentative" else ""
    if percent:
        return (f"{est.value:.0%} (95% {est.low:.0%} to {est.high:.0%}, n={est.n}"
                f"{tentative})")
    return f"{est.value:+.2f} steps (95% {est.low:+.2f} to {est.high:+.2f}, n={est.n}{tentative})"


@dataclass(frozen=True)
class PracticeFigure:
    """One interviewer's practice, to show beside calibration's live figures: how many
    sets, and the mean signed error against the written levels (n = sample answers)."""

    name: str
    sets: int
    signed_error: Estimate


def by_interviewer(rows: Iterable[tuple[str, int, Tally]]) -> dict[str, PracticeFigure]:
    """(interviewer, sets, tally) rows added up per person, keyed by the folded name."""
    from companion.record.names import fold_name

    names: dict[str, str] = {}
    sums: dict[str, tuple[int, Tally]] = {}
    for name, sets, tally in rows:
        key = fold_name(name)
        names.setdefault(key, name)
        had_sets, had = sums.get(key, (0, Tally()))
        sums[key] = (had_sets + sets, had + tally)
    return {key: PracticeFigure(names[key], n, signed_error(t)) for key, (n, t) in sums.items()}
