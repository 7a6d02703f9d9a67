"""Creating a round from a plan, or loading one to reopen it; both claim the round first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from companion.content.model import Cues, Pack, Question, RoundTemplate, Scenario
from companion.errors import CompanionError, ContentError, StorageError
from companion.live.clock import Clock
from companion.scorecard import RoundHeader, Scorecard, header_fields
from companion.store import Store, writes
from companion.store.locks import RoundLock

if TYPE_CHECKING:
    from companion.live.engine import RoundEngine

Item = Question | Scenario


class PlannedLike(Protocol):
    """What a round is started from: a planner ``PlannedRound`` or anything shaped like it."""

    @property
    def template(self) -> RoundTemplate: ...

    @property
    def items(self) -> tuple[str, ...]: ...


class Reopen(Protocol):
    """The signature of ``RoundEngine.resume`` called on the class."""

    def __call__(self, store: Store, pack: Pack, round_id: str,
                 clock: Clock | None = None) -> RoundEngine: ...


@dataclass(frozen=True)
class RoundInfo(RoundHeader):
    """The fixed facts of a round: who, what, and its sections."""

    round_id: str
    items: tuple[Item, ...]
    sections: tuple[tuple[str, str, float], ...]  # (id, title, planned seconds)
    section_timers: tuple[str, ...]  # "listen" / "sketch" / "" per section
    # Items the pack no longer has; they appear as stand-ins (see ``stand_in``).
    stand_ins: tuple[str, ...] = ()


def pack_items(pack: Pack, ids: tuple[str, ...]) -> tuple[Item, ...]:
    """The pack's questions and scenarios for ``ids``; ContentError naming any missing."""
    found: list[Item] = []
    missing: list[str] = []
    for item_id in ids:
        item = pack.find_item(item_id)
        if item is None:
            missing.append(item_id)
        else:
            found.append(item)
    if missing:
        raise ContentError([f"pack {pack.id} has no question or scenario {i!r}" for i in missing])
    return tuple(found)


def stand_in(pack: Pack, item_id: str, kind: str) -> Item:
    """A placeholder for a stored round's item that the pack no longer has.

    An unfinished round must stay finishable after the pack changes: the rating,
    probe answers and notes recorded for the item are kept and can still be
    changed; only the prompt, cues and probe wording are gone with the pack entry.
    """
    prompt = (f"This {kind} is no longer in the question pack ({pack.id} {pack.version}). "
              "What you recorded for it (rating, probes, notes) is kept; its prompt and "
              "answer cues cannot be shown.")
    title = f"{item_id} (no longer in the pack)"
    if kind == "scenario":
        return Scenario(id=item_id, title=title, prompt=prompt, archetypes=(), dimension="",
                        cues=Cues(), failure_probes=False)
    return Question(id=item_id, title=title, prompt=prompt, archetypes=(), dimension="",
                    cues=Cues())


def reopened_items(pack: Pack, recorded: tuple[tuple[str, str], ...]
                   ) -> tuple[tuple[Item, ...], tuple[str, ...]]:
    """The pack's items for a stored round's (id, kind) pairs, and the ids stood in for."""
    items: list[Item] = []
    missing: list[str] = []
    for item_id, kind in recorded:
        item = pack.find_item(item_id)
        if item is None:
            item = stand_in(pack, item_id, kind)
            missing.append(item_id)
        items.append(item)
    return tuple(items), tuple(missing)


def create_round(store: Store, pack: Pack, planned: PlannedLike, *, candidate: str,
                 interviewer: str, archetype: str, level: str,
                 now: datetime) -> tuple[RoundInfo, RoundLock]:
    """Write the rows of a new round and hold its lock."""
    candidate, interviewer = candidate.strip(), interviewer.strip()
    if not candidate or not interviewer:
        raise CompanionError("a round needs the candidate's and the interviewer's names")
    template = planned.template
    header = header_fields(RoundHeader(
        candidate=candidate, interviewer=interviewer, archetype=archetype, level=level,
        template_id=template.id, round_title=template.title, pack_id=pack.id,
        pack_version=pack.version, started_at=now))
    info = RoundInfo(
        **header, round_id=uuid.uuid4().hex, items=pack_items(pack, tuple(planned.items)),
        sections=tuple((s.id, s.title, float(s.minutes * 60)) for s in template.sections),
        section_timers=tuple(s.timer for s in template.sections))
    lock = store.lock_round(info.round_id)
    spec = writes.NewRound(
        **header, id=info.round_id, items=tuple((it.id, it.kind) for it in info.items),
        sections=info.sections)
    try:
        with store.write() as s:
            writes.create_round(s, spec)
    except StorageError:
        lock.release()
        raise
    return info, lock


def load_round(store: Store, pack: Pack, round_id: str
               ) -> tuple[RoundInfo, Scorecard, writes.TimerRecord, RoundLock]:
    """Claim a stored round and read everything needed to carry on with it."""
    lock = store.lock_round(round_id)
    try:
        sc = store.load_scorecard(round_id)
        with store.read() as s:
            saved = writes.load_timers(s, round_id)
        if saved is None:
            raise StorageError(f"no round {round_id!r} in {store.path}")
        items, missing = reopened_items(pack, tuple((it.item_id, it.kind) for it in sc.items))
    except CompanionError:
        lock.release()
        raise
    # A template that left the pack: keep the timings, lose the auto timers.
    template = pack.find_template(sc.template_id)
    kinds = tuple(s.timer for s in template.sections) if template else ()
    info = RoundInfo(
        **header_fields(sc), round_id=round_id, items=items,
        sections=tuple((t.section_id, t.title, t.planned_s) for t in sc.sections),
        section_timers=kinds, stand_ins=missing)
    return info, sc, saved, lock
