"""A scorecard snapshot: one interviewer's record of one round, as plain data.

This is the contract between the store (which produces it from the database),
the exchange file (which serialises it for the panel lead) and the PDF exports
(which render it). It is immutable and carries no database handles.

Times are timezone-aware UTC ``datetime`` objects; durations are seconds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any, assert_never

from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    Change,
    Edit,
    EditText,
    Move,
    Rate,
    Recommend,
    StepFlag,
    Submit,
    TimerRecord,
    Timers,
)

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
# What an item of a round is (the pack's questions and scenarios).
ITEM_KINDS: tuple[str, ...] = ("question", "scenario")


@dataclass(frozen=True)
class ProbeAnswer:
    """A follow-up probe on one item. Failure probes use ids ``failure.<target>``."""

    probe_id: str
    asked: bool
    rating: str | None = None  # one of RUBRIC_BUTTONS, or None if unrated
    note: str = ""
    at: datetime | None = None


def to_ms(seconds: float) -> float:
    """``seconds`` rounded to milliseconds, the precision every stored time keeps.

    A raw monotonic difference prints with up to 19 digits, more than the intake gate
    takes from a number (``limits.NUMBER_DIGITS``); a millisecond is finer than anything
    a scorecard shows, and keeps every time the app writes readable by its own gate.
    """
    return round(seconds, 3)


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
class RoundHeader:
    """Who was interviewed, by whom, for which role and round, from which pack, and when.

    Declared once: the planner's new round, the stored row, the exchange file, the
    list of rounds (``store.records.RoundSummary``) and the scorecard all carry it.
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


HEADER_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RoundHeader))


def header_values(source: RoundHeader) -> dict[str, Any]:
    """The header fields of ``source`` by name; only the typed constructors below use it."""
    return {name: getattr(source, name) for name in HEADER_FIELDS}


def header_from(values: Mapping[str, object]) -> RoundHeader:
    """A header from values named like its fields, each checked against its declared type."""
    checked: dict[str, Any] = {}
    for f in fields(RoundHeader):
        value = values[f.name]
        wanted = datetime if f.type in ("datetime", datetime) else str
        if not isinstance(value, wanted):
            raise TypeError(f"round header field {f.name} must be {wanted.__name__}, "
                            f"not {type(value).__name__}")
        checked[f.name] = value
    return RoundHeader(**checked)


@dataclass(frozen=True)
class Scorecard(RoundHeader):
    id: str
    submitted_at: datetime | None = None
    ended_at: datetime | None = None  # when the round's clock last stopped before submission
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

    @classmethod
    def begin(cls, header: RoundHeader, id: str) -> Scorecard:
        """An empty scorecard of round ``id``; fill it with ``replace`` or ``apply``."""
        return cls(**header_values(header), id=id)

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def submit_delay_s(self) -> float | None:
        """Seconds from the end of the round to its submission, when both are known."""
        if self.submitted_at is None or self.ended_at is None:
            return None
        return max(0.0, (self.submitted_at - self.ended_at).total_seconds())

    def item(self, item_id: str) -> ItemRecord | None:
        return next((it for it in self.items if it.item_id == item_id), None)

    def flag(self, flag_id: str) -> FlagRecord | None:
        return next((f for f in self.flags if f.flag_id == flag_id), None)

    def text(self, owner: str, name: str) -> str:
        """One text field: an item's said/read notes, or the round's said/read/summary."""
        if owner == ROUND:
            return {"said": self.said, "read": self.read, "summary": self.summary}.get(name, "")
        it = self.item(owner)
        return {"said": it.said, "read": it.read}.get(name, "") if it else ""

    # -- changes ------------------------------------------------------------------------
    def apply(self, change: Change) -> Scorecard:
        """This scorecard with ``change`` made (an edit to an unknown item changes nothing)."""
        match change:
            case Rate():
                return self._with_item(change.item_id, rating=change.rating,
                                       rated_at=change.at)
            case AnswerProbe():
                return self._answer(change)
            case StepFlag():
                return self._step_flag(change)
            case EditText():
                return self._edit_text(change)
            case Recommend():
                return replace(self, recommendation=change.value)
            case Submit():
                return replace(self, submitted_at=change.at,
                               ended_at=change.ended_at or self.ended_at)
            case Move():
                return self
            case Timers():
                return self._timed(change.record)
            case Amendment():
                return replace(self.apply(change.change),
                               amendments=(*self.amendments, change))
        assert_never(change)

    def undo_for(self, change: Edit) -> Edit:
        """The edit that would put back what ``change`` is about to replace."""
        match change:
            case Rate():
                it = self.item(change.item_id)
                return Rate(change.item_id, it.rating if it else None,
                            it.rated_at if it else None)
            case AnswerProbe():
                it = self.item(change.item_id)
                old = next((p for p in it.probes if p.probe_id == change.probe_id),
                           None) if it else None
                if old is None:
                    return AnswerProbe(change.item_id, change.probe_id, False, None, "", None)
                return AnswerProbe(change.item_id, old.probe_id, old.asked, old.rating,
                                   old.note, old.at)
            case StepFlag():
                fl = self.flag(change.flag_id)
                last = fl.events[-1].at if fl and fl.events else change.at
                return StepFlag(change.flag_id, fl.state if fl else "off", last,
                                fl.evidence if fl else "", fl.item_id if fl else None)
            case EditText():
                return EditText(change.owner, change.field,
                                self.text(change.owner, change.field))
            case Recommend():
                return Recommend(self.recommendation)
        assert_never(change)

    def _with_item(self, item_id: str, **values: Any) -> Scorecard:
        items = tuple(replace(it, **values) if it.item_id == item_id else it
                      for it in self.items)
        return replace(self, items=items)

    def _answer(self, c: AnswerProbe) -> Scorecard:
        it = self.item(c.item_id)
        if it is None:
            return self
        answer = ProbeAnswer(c.probe_id, c.asked, c.rating, c.note, c.at)
        probes = list(it.probes)
        pos = next((i for i, p in enumerate(probes) if p.probe_id == c.probe_id), None)
        if pos is None:
            probes.append(answer)
        else:
            probes[pos] = answer
        return self._with_item(c.item_id, probes=tuple(probes))

    def _step_flag(self, c: StepFlag) -> Scorecard:
        flags = list(self.flags)
        pos = next((i for i, f in enumerate(flags) if f.flag_id == c.flag_id), None)
        old = flags[pos] if pos is not None else FlagRecord(c.flag_id, "off")
        event = FlagEvent(c.state, c.at)
        # Applying a step twice (a stored round reloaded with its amendments) adds it once.
        events = old.events if event in old.events else (*old.events, event)
        raised_on = old.item_id or (c.item_id if c.state != "off" else None)
        new = replace(old, state=c.state, events=events, evidence=c.evidence or old.evidence,
                      item_id=raised_on)
        if pos is None:
            flags.append(new)
        else:
            flags[pos] = new
        return replace(self, flags=tuple(flags))

    def _edit_text(self, c: EditText) -> Scorecard:
        if c.owner != ROUND:
            if c.field not in ("said", "read"):
                return self
            return self._with_item(c.owner, **{c.field: c.text})
        if c.field == "said":
            return replace(self, said=c.text)
        if c.field == "read":
            return replace(self, read=c.text)
        if c.field == "summary":
            return replace(self, summary=c.text)
        return self

    def _timed(self, t: TimerRecord) -> Scorecard:
        spent = dict(t.item_time)
        items = tuple(replace(it, time_spent_s=spent[it.item_id]) if it.item_id in spent
                      else it for it in self.items)
        sections = tuple(
            replace(s, elapsed_s=t.section_elapsed[i], started_at=t.section_started_at[i])
            if i < len(t.section_elapsed) else s for i, s in enumerate(self.sections))
        return replace(self, duration_s=t.round_elapsed_s, items=items, sections=sections)
