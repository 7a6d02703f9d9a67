"""The loop record: candidate, role, level, offer and the planned rounds with their interviewers.

A loop is made once from the planner's ``LoopPlan`` (its live rounds, with the items
each one asks) and then only assigned, scheduled or closed. Its JSON form is the one
form everywhere (the local file's row, the loop file, the team store's payload), read
back through ``intake.json_reader`` so a loop from outside is bounded like a scorecard.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from companion.base.errors import CompanionError
from companion.content.planner import LoopPlan
from companion.intake import limits
from companion.intake.json_reader import Obj, SchemaError
from companion.intake.reading import ID_FORM
from companion.record.names import fold_name, same_person

# The loop file's format; a newer one is refused with "update the app".
FORMAT_VERSION = 1
MAX_ROUNDS = 12  # a loop is 3-6 rounds; twelve leaves room and keeps a file small


@dataclass(frozen=True)
class LoopRound:
    """One planned round: what it asks, who runs it, and when (if scheduled)."""

    template_id: str
    title: str
    kind: str
    minutes: int
    items: tuple[str, ...] = ()
    interviewer: str = ""  # "" while nobody is assigned
    scheduled_at: datetime | None = None
    started_at: datetime | None = None  # the team store's time the interviewer began it
    # The team store's time the interviewer's app said it was submitted (t0005 on);
    # the scorecard itself may not have reached the team store yet.
    submitted_at: datetime | None = None

    @property
    def assigned(self) -> bool:
        return bool(self.interviewer.strip())

    @property
    def scheduled_end(self) -> datetime | None:
        """When the round is planned to end: its start plus its length."""
        if self.scheduled_at is None:
            return None
        return self.scheduled_at + timedelta(minutes=self.minutes)

    def label(self) -> str:
        """"technical round": how a sentence names this round."""
        return f"{self.kind} round" if self.kind else self.title


@dataclass(frozen=True)
class Loop:
    """One candidate's loop. ``closed`` once the panel decided: nobody publishes to it."""

    id: str
    candidate: str
    archetype: str
    level: str
    base: int | None
    coding: str
    rounds: tuple[LoopRound, ...]
    created_by: str
    created_at: datetime
    closed: bool = False

    def round_at(self, number: int) -> LoopRound:
        return self.rounds[number - 1]

    def find_round(self, ref: str) -> int | None:
        """The 1-based number of the round ``ref`` names (its number, template id or kind)."""
        text = ref.strip()
        if text.isdigit():
            n = int(text)
            return n if 1 <= n <= len(self.rounds) else None
        hits = [i for i, r in enumerate(self.rounds, 1)
                if text in (r.template_id, r.kind) or fold_name(text) == fold_name(r.title)]
        return hits[0] if len(hits) == 1 else None

    def rounds_of(self, interviewer: str) -> list[tuple[int, LoopRound]]:
        """The rounds assigned to ``interviewer`` (names compared as people are), by number."""
        return [(i, r) for i, r in enumerate(self.rounds, 1)
                if r.assigned and same_person(r.interviewer, interviewer)]

    def interviewers(self) -> list[str]:
        """The assigned interviewers, each once, in round order."""
        seen: dict[str, str] = {}
        for r in self.rounds:
            if r.assigned:
                seen.setdefault(fold_name(r.interviewer), r.interviewer)
        return list(seen.values())


def new_loop_id() -> str:
    """32 lower-case hex digits, the form the team store's ids take."""
    return secrets.token_hex(16)


def loop_from_plan(plan: LoopPlan, candidate: str, created_by: str,
                   now: datetime | None = None) -> Loop:
    """A new loop of the plan's live rounds (a take-home is reviewed, not run live)."""
    name = " ".join(candidate.split())
    if not name:
        raise CompanionError("a loop needs the candidate's name")
    if len(name) > limits.NAME_CHARS:
        raise CompanionError(f"the candidate's name is {len(name)} characters; at most "
                             f"{limits.NAME_CHARS} fit")
    rounds = tuple(LoopRound(r.template.id, r.template.title, r.template.kind,
                             r.template.minutes, r.items)
                   for r in plan.live_rounds)
    return Loop(new_loop_id(), name, plan.archetype.id, plan.level.id, plan.base, plan.coding,
                rounds, created_by.strip(), now or datetime.now(UTC))


def assign(loop: Loop, number: int, interviewer: str,
           scheduled_at: datetime | None = None, *, keep_time: bool = True) -> Loop:
    """``loop`` with round ``number`` assigned to ``interviewer`` (and scheduled).

    An empty name takes the assignment away. The time stays unless a new one is given
    or ``keep_time`` is False.
    """
    if loop.closed:
        raise CompanionError(f"the loop of {loop.candidate} is closed (decided); "
                             "it takes no new assignments")
    if not 1 <= number <= len(loop.rounds):
        raise CompanionError(f"the loop of {loop.candidate} has rounds 1 to "
                             f"{len(loop.rounds)}, not {number}")
    who = " ".join(interviewer.split())
    if len(who) > limits.NAME_CHARS:
        raise CompanionError(f"the interviewer's name is {len(who)} characters; at most "
                             f"{limits.NAME_CHARS} fit")
    old = loop.rounds[number - 1]
    when = scheduled_at if scheduled_at is not None else (old.scheduled_at if keep_time
                                                          else None)
    rounds = list(loop.rounds)
    rounds[number - 1] = replace(old, interviewer=who, scheduled_at=when)
    return replace(loop, rounds=tuple(rounds))


# -- the one JSON form ----------------------------------------------------------------------
def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat() if at else None


def loop_to_dict(loop: Loop) -> dict[str, Any]:
    return {
        "format": "interview-companion-loop",
        "format_version": FORMAT_VERSION,
        "id": loop.id,
        "candidate": loop.candidate,
        "archetype": loop.archetype,
        "level": loop.level,
        "base": loop.base,
        "coding": loop.coding,
        "created_by": loop.created_by,
        "created_at": _iso(loop.created_at),
        "closed": loop.closed,
        "rounds": [{
            "template_id": r.template_id, "title": r.title, "kind": r.kind,
            "minutes": r.minutes, "items": list(r.items), "interviewer": r.interviewer,
            "scheduled_at": _iso(r.scheduled_at), "started_at": _iso(r.started_at),
            # Only once there is one: a loop file stays as older apps wrote it.
            **({"submitted_at": _iso(r.submitted_at)} if r.submitted_at else {}),
        } for r in loop.rounds],
    }


def _whole(o: Obj, key: str, most: int, *, nullable: bool = False) -> int | None:
    value = o.data.get(key) if key in o.data else o.text(key)  # missing: Obj says so
    if value is None and nullable:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= most:
        raise SchemaError(f"{o.where}.{key} must be a whole number from 1 to {most:,}")
    return value


def _ids(o: Obj, key: str) -> tuple[str, ...]:
    value = o.data.get(key)
    if not isinstance(value, list) or len(value) > limits.ITEMS:
        raise SchemaError(f"{o.where}.{key} must be a list of at most {limits.ITEMS} ids")
    for i, v in enumerate(value):
        if not isinstance(v, str) or len(v) > limits.ID_CHARS or not ID_FORM.fullmatch(v):
            raise SchemaError(f"{o.where}.{key}[{i}] is not an id")
    return tuple(value)


def _name(o: Obj, key: str, *, empty: bool = False) -> str:
    value = o.text(key)
    if not empty and not value.strip():
        raise SchemaError(f"{o.where}.{key} is empty")
    return value


def loop_from_dict(data: Any, where: str = "loop") -> Loop:
    """The loop in ``data``; ``SchemaError`` names the first place that is wrong."""
    o = Obj(data, where)
    if o.data.get("format") != "interview-companion-loop":
        raise SchemaError(f"{where} is not a loop of this app (no 'format' of a loop)")
    version = _whole(o, "format_version", 1000)
    if version is not None and version > FORMAT_VERSION:
        raise SchemaError(f"{where} is format {version}; this app reads up to "
                          f"{FORMAT_VERSION}: update the app")
    loop_id = o.text("id")
    if not (len(loop_id) == 32 and all(c in "0123456789abcdef" for c in loop_id)):
        raise SchemaError(f"{where}.id must be 32 lower-case hex digits")
    rounds = o.objects("rounds")
    if not rounds or len(rounds) > MAX_ROUNDS:
        raise SchemaError(f"{where}.rounds must hold 1 to {MAX_ROUNDS} rounds")
    coding = o.text("coding")
    if coding not in ("live", "take_home", "both"):
        raise SchemaError(f"{where}.coding is {coding[:20]!r}; allowed: live, take_home, both")
    return Loop(
        id=loop_id, candidate=_name(o, "candidate"), archetype=o.text("archetype"),
        level=o.text("level"), base=_whole(o, "base", 10_000_000, nullable=True),
        coding=coding, created_by=_name(o, "created_by", empty=True),
        created_at=o.time("created_at"), closed=o.flag("closed"),
        rounds=tuple(LoopRound(
            template_id=r.text("template_id"), title=_name(r, "title"), kind=r.text("kind"),
            minutes=_whole(r, "minutes", 24 * 60) or 0, items=_ids(r, "items"),
            interviewer=_name(r, "interviewer", empty=True),
            scheduled_at=r.opt_time("scheduled_at"),
            # Written by the team store from t0003 on; older files have no such key.
            started_at=r.opt_time("started_at") if r.has("started_at") else None,
            submitted_at=r.opt_time("submitted_at") if r.has("submitted_at") else None)
            for r in rounds))
