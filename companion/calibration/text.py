"""Figures as words: how each kind of number is printed, the scope line, the glossary.

The command line, the PDF and the window all print figures through here, so
"too few" and "tentative" read the same everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from companion.calibration.findings import percent, plain, signed
from companion.calibration.model import (
    LEAN_MIN,
    NO_SPREAD_SHARE,
    NOISY_RATIO,
    USEFUL_TAU,
    Calibration,
)
from companion.calibration.stats import MIN_N, SOLID_N, Estimate


def hours(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f} h"


# How each figure's numbers are printed.
FORMATS: dict[str, Callable[[float | None], str]] = {
    "steps": signed, "plain": plain, "share": percent, "hours": hours,
}


def figure(e: Estimate, fmt: str = "plain", *, interval: bool = True) -> str:
    """``+0.83 (+0.65 to +1.01)``, ``0.41 (0.12 to 0.66) tentative``, ``too few (7)``."""
    show = FORMATS[fmt]
    if e.status == "too_few":
        return f"too few ({e.n})"
    if e.value is None:
        return "n/a"
    text = show(e.value)
    if interval and e.low is not None and e.high is not None:
        text += f" ({show(e.low)} to {show(e.high)})"
    return f"{text} tentative" if e.status == "tentative" else text


def scope(cal: Calibration) -> str:
    """One line: what the figures rest on and what was left out."""
    parts = [f"{cal.scorecards} submitted scorecards of {cal.candidates} candidates",
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
     f"Every figure gives the number it rests on (n) and a 95% interval: the range that the "
     f"true value lies in, given how much data there is. Below {MIN_N} it says \u201ctoo "
     f"few\u201d and shows no number; from {MIN_N} to {SOLID_N - 1} it is tentative. Ratings "
     "of one candidate move together, so intervals are computed candidate by candidate."),
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
    ("Red flags, skipped failure probes, submitted after",
     "Rounds with a confirmed red flag; design scenarios where at least one of the three "
     "failure probes was not asked; median hours from the end of the round to submission."),
    ("Agreement (alpha)",
     "Krippendorff's alpha (ordinal) over the answers two or more interviewers rated: 1 is "
     "full agreement, 0 no more than chance. 0.8 or more is commonly asked of a measure to "
     "rely on; below 0.67, draw no conclusions from the ratings alone. Interval by "
     "bootstrap."),
    ("Predicts recommendation / decision",
     "Kendall's tau-b between the rating of a question and the interviewer's recommendation, "
     "or the panel's hire / no hire, with each interviewer's ratings and recommendations "
     "measured from their own average (so a lenient interviewer's highs do not pass for "
     "prediction). A question is said to predict nothing when the whole interval for the "
     f"recommendation lies below {USEFUL_TAU:.1f} and the decision shows no sign of a link."),
    ("Spread",
     "The share of ratings that are the question's most common rating. A question is said "
     f"not to tell candidates apart when the whole interval lies above "
     f"{100 * NO_SPREAD_SHARE:.0f}%."),
    ("As submitted",
     "Ratings and recommendations are counted as submitted: a later amendment may echo the "
     "debrief rather than the interview. Anyone with an unsubmitted scorecard of a candidate "
     "gets no figure computed from that candidate."),
)
