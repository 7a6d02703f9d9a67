"""The shapes calibration results come in: plain, immutable, easy to print or serialise."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from companion.calibration.stats.estimate import Estimate

# A lean must lie beyond this many rating steps (whole interval) to be called lenient/harsh.
LEAN_MIN = 0.2
# Scatter this many times the team's typical scatter (whole interval above) is "noisy".
NOISY_RATIO = 1.25
# The most common rating taking at least this share (whole interval above) is "no spread".
NO_SPREAD_SHARE = 0.8
# A rank correlation whose whole interval is below this is "predicts nothing useful".
USEFUL_TAU = 0.3
# Recommendations on the hiring side.
YES_SIDE = frozenset({"yes", "strong_yes"})
GENERIC_DIMENSION = {"technical": "Technical", "design": "Design", "ownership": "Ownership"}


# ---------------------------------------------------------------- result types

@dataclass(frozen=True)
class Filters:
    since: date | None = None  # rounds started on or after this (local) date
    archetype: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"since": self.since.isoformat() if self.since else None,
                "archetype": self.archetype}


@dataclass(frozen=True)
class Finding:
    """One plain-words statement the figures support."""

    about: str  # "interviewer" | "item" | "dimension"
    subject: str  # the interviewer's name, item id or dimension id
    kind: str  # "lenient" | "harsh" | "noisy" | "no_spread" | "predicts_nothing"
    text: str
    tentative: bool

    def to_dict(self) -> dict[str, Any]:
        return {"about": self.about, "subject": self.subject, "kind": self.kind,
                "text": self.text, "tentative": self.tentative}


@dataclass(frozen=True)
class InterviewerFigures:
    name: str
    rounds: int
    ratings: dict[str, int]  # strong / mid / thin / very_thin / skip / unrated -> count
    leniency: Estimate  # mean of (own - co-panelists' mean), rating steps
    scatter: Estimate  # root mean square of (own - co-panelists' mean - leniency)
    agreement: Estimate  # share of recommendations on the side of the panel's decision
    red_flags: Estimate  # share of rounds with a confirmed red flag
    failure_probe_skips: Estimate  # share of design scenarios with a failure probe not asked
    lateness_h: Estimate  # median hours from round end to submission
    on_time: Estimate  # share submitted within a day of the round's end (loop.status.DUE)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "rounds": self.rounds, "ratings": dict(self.ratings),
                "leniency": self.leniency.to_dict(), "scatter": self.scatter.to_dict(),
                "agreement_with_decision": self.agreement.to_dict(),
                "red_flag_rate": self.red_flags.to_dict(),
                "failure_probe_skip_rate": self.failure_probe_skips.to_dict(),
                "lateness_hours": self.lateness_h.to_dict(),
                "on_time_share": self.on_time.to_dict()}


@dataclass(frozen=True)
class RatingFigures:
    """Figures about one question or scenario, or one dimension's items together."""

    id: str
    title: str
    kind: str  # "question" | "scenario" | "dimension"
    dimension: str | None
    asked: int
    skipped: int
    unrated: int
    distribution: dict[str, int]  # RATINGS -> count
    most_common: str | None
    spread: Estimate  # share of the most common rating
    agreement: Estimate  # Krippendorff's alpha, ordinal
    predicts_recommendation: Estimate  # tau-b, rating vs the interviewer's recommendation
    predicts_decision: Estimate  # tau-b, rating vs the panel's hire / no hire
    weight: int | None = None  # for a dimension: its loop weight (with an archetype filter)
    items: tuple[str, ...] = ()  # for a dimension: the item ids it pools

    @property
    def rated(self) -> int:
        return sum(self.distribution.values())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "title": self.title, "kind": self.kind,
               "dimension": self.dimension, "asked": self.asked, "rated": self.rated,
               "skipped": self.skipped, "unrated": self.unrated,
               "distribution": dict(self.distribution), "most_common": self.most_common,
               "spread": self.spread.to_dict(), "agreement": self.agreement.to_dict(),
               "predicts_recommendation": self.predicts_recommendation.to_dict(),
               "predicts_decision": self.predicts_decision.to_dict()}
        if self.kind == "dimension":
            out |= {"weight": self.weight, "items": list(self.items)}
        return out


@dataclass(frozen=True)
class Calibration:
    """Every figure for one viewer and one set of filters."""

    viewer: str | None
    filters: Filters
    scorecards: int  # submitted scorecards the figures rest on
    candidates: int
    held_back: int  # candidates left out by the independence rule
    decided: int  # candidates with a hire / no hire decision
    first: datetime | None
    last: datetime | None
    interviewers: tuple[InterviewerFigures, ...]
    items: tuple[RatingFigures, ...]
    dimensions: tuple[RatingFigures, ...]
    findings: tuple[Finding, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": {"viewer": self.viewer, **self.filters.to_dict(),
                      "scorecards": self.scorecards, "candidates": self.candidates,
                      "held_back_candidates": self.held_back, "decided_candidates": self.decided,
                      "first_round": self.first.isoformat() if self.first else None,
                      "last_round": self.last.isoformat() if self.last else None},
            "thresholds": {"lean_min_steps": LEAN_MIN, "noisy_ratio": NOISY_RATIO,
                           "no_spread_share": NO_SPREAD_SHARE, "useful_tau_b": USEFUL_TAU},
            "findings": [f.to_dict() for f in self.findings],
            "interviewers": [i.to_dict() for i in self.interviewers],
            "items": [i.to_dict() for i in self.items],
            "dimensions": [d.to_dict() for d in self.dimensions],
        }


