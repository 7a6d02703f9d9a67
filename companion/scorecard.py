"""A scorecard snapshot: one interviewer's record of one round, as plain data.

This is the contract between the store (which produces it from the database),
the exchange file (which serialises it for the panel lead) and the PDF exports
(which render it). It is immutable and carries no database handles.

Times are timezone-aware UTC ``datetime`` objects; durations are seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

# Rubric values, strongest first, with their numeric score for weighting.
RATINGS: tuple[str, ...] = ("strong", "mid", "thin", "very_thin")
RATING_SCORE: dict[str, int] = {"strong": 4, "mid": 3, "thin": 2, "very_thin": 1}
RATING_LABEL: dict[str, str] = {
    "strong": "Strong",
    "mid": "Mid",
    "thin": "Thin",
    "very_thin": "Very thin",
    "skip": "Skipped",
}
# "skip" is a tap that records the item was passed over on purpose.
RUBRIC_BUTTONS: tuple[str, ...] = (*RATINGS, "skip")

# Overall recommendation: deliberately no neutral option.
RECOMMENDATIONS: tuple[str, ...] = ("strong_no", "no", "yes", "strong_yes")
RECOMMENDATION_LABEL: dict[str, str] = {
    "strong_no": "Strong no",
    "no": "No",
    "yes": "Yes",
    "strong_yes": "Strong yes",
}

FLAG_STATES: tuple[str, ...] = ("off", "probed", "confirmed")


@dataclass(frozen=True)
class ProbeAnswer:
    """A follow-up probe on one item. Failure probes use ids ``failure.<target>``."""

    probe_id: str
    asked: bool
    rating: str | None = None  # one of RUBRIC_BUTTONS, or None if unrated
    note: str = ""
    at: datetime | None = None


@dataclass(frozen=True)
class ItemRecord:
    """What happened on one question or scenario."""

    item_id: str
    kind: str  # "question" | "scenario"
    rating: str | None = None  # one of RUBRIC_BUTTONS, or None if not rated
    rated_at: datetime | None = None
    probes: tuple[ProbeAnswer, ...] = ()
    said: str = ""  # what the candidate said (evidence)
    read: str = ""  # the interviewer's interpretation
    time_spent_s: float = 0.0


@dataclass(frozen=True)
class FlagEvent:
    state: str  # one of FLAG_STATES
    at: datetime


@dataclass(frozen=True)
class FlagRecord:
    """A red flag's current state and its history."""

    flag_id: str
    state: str  # current state, one of FLAG_STATES
    events: tuple[FlagEvent, ...] = ()
    evidence: str = ""
    item_id: str | None = None  # the item on screen when it was raised


@dataclass(frozen=True)
class SectionTiming:
    section_id: str
    title: str
    planned_s: float
    elapsed_s: float = 0.0
    started_at: datetime | None = None


@dataclass(frozen=True)
class Amendment:
    """A change made after submission; never overwrites, always appended."""

    at: datetime
    field: str  # e.g. "rating:q-pagination", "notes:said:q-pagination", "summary"
    old: str
    new: str
    reason: str = ""


@dataclass(frozen=True)
class RoundHeader:
    """Who was interviewed, by whom, for which role and round, from which pack, and when.

    The scorecard, a round about to be written (``store.writes.NewRound``) and a
    running round (``live.opening.RoundInfo``) all start with these fields.
    """

    candidate: str
    interviewer: str
    archetype: str
    level: str
    template_id: str
    round_title: str
    pack_id: str
    pack_version: str
    started_at: datetime


def header_fields(source: RoundHeader) -> dict[str, Any]:
    """The header fields of ``source`` (any RoundHeader), to build another from."""
    return {f.name: getattr(source, f.name) for f in fields(RoundHeader)}


@dataclass(frozen=True)
class Scorecard(RoundHeader):
    id: str
    submitted_at: datetime | None = None
    duration_s: float = 0.0
    items: tuple[ItemRecord, ...] = ()
    flags: tuple[FlagRecord, ...] = ()
    sections: tuple[SectionTiming, ...] = ()
    said: str = ""  # round-level notes: what they said
    read: str = ""  # round-level notes: my read
    recommendation: str | None = None  # one of RECOMMENDATIONS
    summary: str = ""
    amendments: tuple[Amendment, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def item(self, item_id: str) -> ItemRecord | None:
        return next((it for it in self.items if it.item_id == item_id), None)
