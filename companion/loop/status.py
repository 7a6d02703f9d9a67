"""Where a loop stands: each round's state, who is late and by how long, "needs decision".

The evidence is whatever the caller can see of the loop's scorecards (the local
file's rounds, the team store's published rows): a ``Seen`` per scorecard. A
scorecard belongs to a round when candidate, interviewer and round template
match, names compared as people are; so no field was added to the scorecard.

A scorecard is due ``DUE`` after its round ended: the round's own end when it was
run, else the scheduled end. Greenhouse reminds an interviewer once, an hour
after the interview; a day is the usual team rule for writing it up while the
evidence is fresh, and it is the rule here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from companion.loop.model import Loop, LoopRound
from companion.record.names import fold_name

DUE = timedelta(hours=24)

State = Literal["not started", "in progress", "submitted", "published"]
STATES: tuple[State, ...] = ("not started", "in progress", "submitted", "published")


@dataclass(frozen=True)
class Seen:
    """One scorecard of the candidate as the caller sees it."""

    candidate: str
    interviewer: str
    template_id: str
    started_at: datetime | None = None
    ended_at: datetime | None = None
    submitted_at: datetime | None = None
    published_at: datetime | None = None
    scorecard_id: str = ""


@dataclass(frozen=True)
class RoundState:
    number: int
    round: LoopRound
    state: State
    ended_at: datetime | None  # when it ended (or is scheduled to); None: not known yet
    submitted_at: datetime | None
    late_by: timedelta | None  # past the due time: now (waiting) or at submission
    scorecard_id: str = ""
    now: datetime | None = None  # when the state was read
    # The team store heard "submitted" from the interviewer's app at this time, and
    # no published scorecard of the round is seen (offline laptop, refused publish).
    unpublished_since: datetime | None = None

    def describe(self) -> str:
        """"published", "submitted at 14:02, not yet published (3 h ago)", "in progress"."""
        if self.unpublished_since is not None:
            return f"submitted at {clock(self.unpublished_since)}, not yet published" \
                   + (f" ({hours(self.now - self.unpublished_since)} ago)" if self.now else "")
        return self.state

    @property
    def is_in(self) -> bool:
        """The scorecard is in: submitted (and maybe published)."""
        return self.state in ("submitted", "published")

    @property
    def waited(self) -> timedelta | None:
        """For a scorecard not in: how long since the round ended."""
        if self.is_in or self.ended_at is None or self.now is None:
            return None
        return self.now - self.ended_at


@dataclass(frozen=True)
class LoopState:
    loop: Loop
    rounds: tuple[RoundState, ...]

    @property
    def scorecards_in(self) -> int:
        return sum(r.is_in for r in self.rounds)

    @property
    def needs_decision(self) -> bool:
        """Every scorecard of the loop is in (and readable) and the panel has not closed it."""
        return (not self.loop.closed and self.scorecards_in == len(self.rounds)
                and not self.unpublished)

    @property
    def unpublished(self) -> tuple[RoundState, ...]:
        """Rounds submitted on a laptop whose scorecard the team store does not hold yet."""
        return tuple(r for r in self.rounds if r.unpublished_since is not None)

    @property
    def late(self) -> tuple[RoundState, ...]:
        return tuple(r for r in self.rounds if r.late_by is not None)

    def summary(self) -> str:
        """"3 of 4 scorecards; waiting on Marcus Lee, technical round, 26 h after it ended"."""
        head = f"{self.scorecards_in} of {len(self.rounds)} scorecards"
        if self.loop.closed:
            return f"{head}; decided"
        late_in = [f"{r.round.interviewer} {hours(r.late_by)} late" for r in self.late
                   if r.is_in and r.late_by is not None]
        if self.needs_decision:
            return f"{head}; needs decision" + (f" ({', '.join(late_in)})" if late_in else "")
        due = [r for r in self.rounds if not r.is_in and _has_run(r)]
        ahead = sum(not r.is_in and not _has_run(r) for r in self.rounds)
        parts = [head]
        if due:
            parts.append("waiting on " + "; ".join(_waiting(r) for r in due))
        if self.unpublished:
            parts.append("not yet published: " + "; ".join(
                f"{r.round.interviewer}, {r.round.label()}, {r.describe()}"
                for r in self.unpublished))
        if ahead:
            parts.append(f"{ahead} {'round' if ahead == 1 else 'rounds'} still to run")
        if late_in:
            parts.append("in late: " + ", ".join(late_in))
        return "; ".join(parts)


def hours(span: timedelta | None) -> str:
    """"26 h", "40 min", "3 d": how long, rounded the way a lead reads it."""
    if span is None:
        return ""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 90:
        return f"{minutes} min"
    h = minutes // 60
    return f"{h} h" if h < 72 else f"{h // 24} d"


def clock(at: datetime) -> str:
    """"14:02" in this computer's time zone, or "Dec 6 14:02" when not today."""
    local = at.astimezone()
    if local.date() == datetime.now(local.tzinfo).date():
        return f"{local:%H:%M}"
    return f"{local:%b} {local.day} {local:%H:%M}"


def _has_run(r: RoundState) -> bool:
    """Begun, or past its scheduled end: a scorecard is being waited for."""
    if r.state == "in progress":
        return True
    return r.ended_at is not None and r.now is not None and r.ended_at <= r.now


def _waiting(r: RoundState) -> str:
    who = r.round.interviewer or "nobody assigned"
    where = f"{who}, {r.round.label()}"
    if r.state == "in progress" and r.ended_at is None:
        return f"{where}, in progress"
    waited = r.waited
    if waited is None:
        return f"{where}, in progress"
    return f"{where}, {hours(waited)} after it ended"


def _matches(loop: Loop, r: LoopRound, s: Seen) -> bool:
    return (fold_name(s.candidate) == fold_name(loop.candidate)
            and fold_name(s.interviewer) == fold_name(r.interviewer)
            and s.template_id == r.template_id)


def _best(found: list[Seen]) -> Seen | None:
    """The furthest-along scorecard of a round (published, then submitted, then newest)."""
    if not found:
        return None
    return max(found, key=lambda s: (s.published_at is not None, s.submitted_at is not None,
                                     s.started_at.timestamp() if s.started_at else 0.0))


def loop_state(loop: Loop, seen: Iterable[Seen], now: datetime, due: timedelta = DUE
               ) -> LoopState:
    """Each round's state from the scorecards ``seen``, at ``now`` (UTC)."""
    cards = list(seen)
    out = []
    for n, r in enumerate(loop.rounds, 1):
        s = _best([c for c in cards if r.assigned and _matches(loop, r, c)])
        state: State = "in progress" if r.started_at is not None else "not started"
        if s is not None:
            state = ("published" if s.published_at else "submitted" if s.submitted_at
                     else "in progress")
        held = r.submitted_at if (s is None or s.published_at is None) else None
        if s is None and held is not None:
            state = "submitted"  # the team store heard it; the scorecard is not there yet
        ended = (s.ended_at if s is not None and s.ended_at else None) or r.scheduled_end
        submitted = s.submitted_at if s is not None else held
        late = None
        if ended is not None:
            finished = submitted or (s.published_at if s is not None else None)
            behind = (finished or now) - (ended + due)
            late = behind if behind > timedelta(0) else None
        out.append(RoundState(n, r, state, ended, submitted, late,
                              s.scorecard_id if s is not None else "", now, held))
    return LoopState(loop, tuple(out))


def debrief_lines(state: LoopState, measured_line: str) -> list[tuple[str, str]]:
    """Page 1 of the debrief: where the loop stands, and what it measured against the plan."""
    lines = [("Loop", state.summary())]
    if measured_line:
        lines.append(("Measured against the plan", measured_line))
    return lines
