"""Figures as words: how each kind of number is printed, the scope line, the glossary.

The command line, the PDF and the window all print figures through here, so
"too few" and "tentative" read the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from companion.calibration.findings import basis, counted, percent, plain, signed
from companion.calibration.model import (
    LEAN_MIN,
    NO_SPREAD_SHARE,
    NOISY_RATIO,
    USEFUL_TAU,
    Calibration,
    RatingFigures,
)
from companion.calibration.stats.bootstrap import ALPHA_INTERVAL_UNITS, ALPHA_JACKKNIFE_UNITS
from companion.calibration.stats.estimate import (
    MIN_CANDIDATES,
    MIN_N,
    SOLID_CANDIDATES,
    SOLID_N,
    Estimate,
)
from companion.calibration.stats.tau import TAU_LINEAR_GROUPS


def hours(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f} h"


# How each figure's numbers are printed.
FORMATS: dict[str, Callable[[float | None], str]] = {
    "steps": signed, "plain": plain, "share": percent, "hours": hours,
}


def figure(e: Estimate, fmt: str = "plain", *, interval: bool = True, n: bool = True) -> str:
    """Every figure as the one phrase the three outputs print, with what it rests on:

    ``+0.83 (+0.65 to +1.01); 24 pairs from 12 candidates``,
    ``0.41 (0.12 to 0.66) tentative; 40 units from 40 candidates``,
    ``too few (7 pairs from 3 candidates)``, ``n/a (every rating is the same, ...); ...``.
    ``n=False`` leaves the count out where it is printed beside the figure instead.
    """
    show = FORMATS[fmt]
    if e.status == "too_few":
        return f"too few ({basis(e)})" if n else "too few"
    if e.value is None:
        text = f"n/a ({e.note or 'not defined'})"
    else:
        text = show(e.value)
        if interval and e.low is not None and e.high is not None:
            text += f" ({show(e.low)} to {show(e.high)})"
        elif interval:
            text += f" (no interval: {e.note or 'not enough variation'})"
        if e.status == "tentative":
            text += " tentative"
    return f"{text}; {basis(e)}" if n else text


def item_counts(f: RatingFigures) -> str:
    """What a question's chart row rests on: ``alpha 40 units, tau-b 120 ratings, from 40
    candidates`` (each answer rated by two or more is one unit of alpha)."""
    ag, tau = f.agreement, f.predicts_recommendation
    return (f"alpha {counted(ag.n, 'units')}, tau-b {counted(tau.n, 'ratings')}, from "
            f"{counted(max(ag.clusters or 0, tau.clusters or 0), 'candidates')}")


def cut_ends(e: Estimate, axis: tuple[float, float]) -> tuple[bool, bool]:
    """Whether the whisker of ``e`` runs past the low and the high end of a chart's axis
    (charts draw it to the edge and mark the cut, so a clipped whisker never reads as
    a short one)."""
    if e.value is None or e.low is None or e.high is None:
        return False, False
    return e.low < axis[0], e.high > axis[1]


def scope(cal: Calibration) -> str:
    """One line: what the figures rest on and what was left out."""
    parts = [f"{counted(cal.scorecards, 'submitted scorecards')} of "
             f"{counted(cal.candidates, 'candidates')}",
             f"{cal.decided} with a hire / no hire decision"]
    if cal.first and cal.last:
        parts.append(f"rounds from {cal.first.astimezone():%Y-%m-%d} to "
                     f"{cal.last.astimezone():%Y-%m-%d}")
    if cal.filters.archetype:
        parts.append(f"archetype {cal.filters.archetype}")
    if cal.filters.since:
        parts.append(f"since {cal.filters.since.isoformat()}")
    text = "; ".join(parts) + "."
    if cal.held_back:
        who = f"{cal.viewer} has" if cal.viewer else "someone has"
        text += (f" {cal.held_back} candidate{'s' if cal.held_back != 1 else ''} left out: "
                 f"{who} not submitted a scorecard of them yet.")
    return text


GLOSSARY: tuple[tuple[str, str], ...] = (
    ("n and the interval",
     "Every figure gives the number it rests on (n: pairs, ratings, rounds or units, and "
     "the candidates they come from) and a 95% interval: the range that the true value "
     "lies in, given how much data there is. A candidate's ratings move together (the "
     "same answers, the same first impression), so trust is counted in candidates: from "
     f"fewer than {MIN_CANDIDATES} candidates (or fewer than {MIN_N} ratings) a figure "
     f"says \u201ctoo few\u201d and shows no number, and below {SOLID_CANDIDATES} "
     f"candidates (or {SOLID_N} ratings) it is tentative. Ten pairs from two candidates "
     "are two observations, not ten. \u201cn/a\u201d always says why there is no number."),
    ("How the intervals are made",
     "Leniency and scatter average over candidates, so their interval is a t interval "
     "clustered by candidate (candidates less one degrees of freedom): few candidates, a "
     "wide interval. The spread between candidates is floored at what whole-step rounding "
     "allows (for leniency a twelfth of a step squared), as two candidates' averages are often "
     "exactly equal and a zero-width interval would name someone on that coincidence. A "
     "bootstrap over candidates has the same zero-width case and costs thousands of "
     "recomputations. In simulated teams with nobody biased (2 to 60 candidates), at least "
     "95 datasets in 100 name nobody at every size, and the interval covers the true lean "
     "at least 93 times in 100."),
    ("Leniency",
     "How far an interviewer's ratings sit above (+) or below (\u2212) their co-panelists' "
     "ratings of the same question for the same candidate, in rating steps (Strong, Mid, "
     "Thin, Very thin are one step apart). Called lenient or harsh only when the whole "
     f"interval lies beyond {LEAN_MIN:.1f} steps."),
    ("Scatter",
     "How far an interviewer's ratings stray from co-panelists' on the same answers once "
     "their usual lean is taken out (root mean square, in rating steps). Called noisy only "
     f"when the whole interval lies above {NOISY_RATIO:g} times the rest of the team's "
     "typical scatter."),
    ("Matches decision",
     "How often the interviewer's recommendation (yes or no side) matched the panel's hire "
     "or no hire. Withdrawn candidates and undecided ones are left out."),
    ("Red flags, skipped failure probes, submitted after, on time",
     "Rounds with a confirmed red flag; design scenarios where at least one of the three "
     "failure probes was not asked; median hours from the end of the round to submission; "
     "the share of scorecards submitted within a day of the round's end."),
    ("Agreement (alpha)",
     "Krippendorff's alpha (ordinal) over answers rated by two or more interviewers: 1 is "
     "full agreement, 0 no better than chance; 0.8 is the usual bar for relying on a "
     "measure, and under 0.67 the ratings alone support no conclusion. Its interval "
     "resamples the answers (a bootstrap, widened as Hesterberg (2015) proposes), and from "
     f"{ALPHA_JACKKNIFE_UNITS} answers is a jackknife (alpha without each kind of answer in "
     "turn), far cheaper and as reliable (94 to 96 in 100 in simulation). None under "
     f"{ALPHA_INTERVAL_UNITS} answers."),
    ("Predicts recommendation / decision",
     "Kendall's tau-b between the rating of a question and the interviewer's recommendation, "
     "or the panel's hire / no hire, with each interviewer's ratings and recommendations "
     "measured from their own average (so a lenient interviewer's highs do not pass for "
     "prediction). A question is said to predict nothing when the whole interval for the "
     f"recommendation lies below {USEFUL_TAU:.1f} and the decision shows no sign of a link. "
     "Its interval is a jackknife over candidates on Fisher's z scale (to first order "
     f"from {TAU_LINEAR_GROUPS})."),
    ("Spread",
     "The share of ratings that are the question's most common rating. A question is said "
     f"not to tell candidates apart when the whole interval lies above "
     f"{100 * NO_SPREAD_SHARE:.0f}%."),
    ("As submitted",
     "Ratings and recommendations are counted as submitted: a later amendment may echo the "
     "debrief rather than the interview. Anyone with an unsubmitted scorecard of a candidate "
     "gets no figure computed from that candidate."),
)
