"""Plain-words findings, raised only where the 95% interval supports them.

Each rule asks that the whole interval lie past a threshold that matters in
practice (``model.LEAN_MIN`` and friends), not merely away from zero: with
thirty interviewers, some will look lenient by chance, and a finding must say
no more than the figures carry. Nothing is said from fewer than five candidates
(such a figure is "too few" and has no interval); a figure from fewer than fifteen
candidates, or under 30 ratings, that passes is still reported, marked tentative.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

from companion.calibration.model import (
    LEAN_MIN,
    NO_SPREAD_SHARE,
    NOISY_RATIO,
    USEFUL_TAU,
    Calibration,
    Finding,
    InterviewerFigures,
    RatingFigures,
)
from companion.calibration.stats.estimate import Estimate
from companion.record.scorecard import RATING_LABEL


def signed(x: float | None) -> str:
    return "-" if x is None else f"{x:+.2f}".replace("-", "\u2212")


def plain(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}".replace("-", "\u2212")


def percent(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.0f}%"


def counted(n: int, plural: str) -> str:
    """"52 pairs", "1 pair": every unit a figure counts is a plural in -s."""
    return f"{n} {plural.removesuffix('s') if n == 1 else plural}"


def basis(e: Estimate) -> str:
    """"52 pairs from 17 candidates": what the figure rests on."""
    text = counted(e.n, e.unit)
    return (f"{text} from {counted(e.clusters, 'candidates')}" if e.clusters is not None
            else text)


def interval(e: Estimate, show: Callable[[float | None], str] = plain) -> str:
    """"95% interval 0.31 to 0.52; 120 ratings from 40 candidates"."""
    return f"95% interval {show(e.low)} to {show(e.high)}; {basis(e)}"


def _tentative(e: Estimate, text: str) -> str:
    return f"Tentative (few candidates): {text}" if e.status == "tentative" else text


def _interviewer(f: InterviewerFigures, team_scatter: float | None) -> list[Finding]:
    out: list[Finding] = []
    lean = f.leniency
    if lean.above(LEAN_MIN) or lean.below(-LEAN_MIN):
        kind = "lenient" if lean.above(LEAN_MIN) else "harsh"
        side = "higher" if kind == "lenient" else "lower"
        text = (f"{f.name} rates {side} than co-panelists who heard the same answers: "
                f"{signed(lean.value)} rating steps on average "
                f"({interval(lean, show=signed)}).")
        out.append(Finding("interviewer", f.name, kind, _tentative(lean, text),
                           lean.status == "tentative"))
    sc = f.scatter
    if team_scatter is not None and sc.above(NOISY_RATIO * team_scatter):
        text = (f"{f.name}'s ratings scatter widely around co-panelists' on the same "
                f"answers: {plain(sc.value)} rating steps once their usual lean is taken out "
                f"(root mean square), against {plain(team_scatter)} typical for the rest of "
                f"the team ({interval(sc)}).")
        out.append(Finding("interviewer", f.name, "noisy", _tentative(sc, text),
                           sc.status == "tentative"))
    return out


def _rating(f: RatingFigures) -> list[Finding]:
    out: list[Finding] = []
    about = "dimension" if f.kind == "dimension" else "item"
    if f.spread.above(NO_SPREAD_SHARE):
        label = RATING_LABEL.get(f.most_common or "", f.most_common or "")
        text = (f"Nearly everyone rates {f.title} {label}: {percent(f.spread.value)} of "
                f"{f.spread.n} ratings (95% interval {percent(f.spread.low)} to "
                f"{percent(f.spread.high)}). It does not tell candidates apart.")
        out.append(Finding(about, f.id, "no_spread", _tentative(f.spread, text),
                           f.spread.status == "tentative"))
    rec, dec = f.predicts_recommendation, f.predicts_decision
    # The decision may not be known often enough to rule it out; it must at least show
    # no sign of a link (its interval reaching down to zero or below).
    no_decision_link = not dec.shown or dec.low is None or dec.low <= 0
    flat = any(f.kind == "no_spread" for f in out)  # already says it tells nobody apart
    if rec.below(USEFUL_TAU) and no_decision_link and not flat:
        text = (f"{f.title} does not predict the interviewer's recommendation: Kendall's "
                f"tau-b {plain(rec.value)} ({interval(rec)}), below the {USEFUL_TAU:.1f} a "
                "useful question reaches")
        if dec.shown:
            text += (f"; nor the panel's decision: tau-b {plain(dec.value)} "
                     f"({interval(dec)})")
        out.append(Finding(about, f.id, "predicts_nothing", _tentative(rec, text + "."),
                           rec.status == "tentative"))
    return out


def team_scatter(figures: tuple[InterviewerFigures, ...], name: str) -> float | None:
    """The median scatter of everyone else (two or more figures needed)."""
    others = [f.scatter.value for f in figures
              if f.name != name and f.scatter.shown and f.scatter.value is not None]
    return statistics.median(others) if len(others) >= 2 else None


def find(cal: Calibration) -> tuple[Finding, ...]:
    """Every finding the figures of ``cal`` support: interviewers, then items, dimensions."""
    out: list[Finding] = []
    for f in cal.interviewers:
        out.extend(_interviewer(f, team_scatter(cal.interviewers, f.name)))
    for item in cal.items:
        out.extend(_rating(item))
    for dim in cal.dimensions:
        out.extend(_rating(dim))
    return tuple(out)
