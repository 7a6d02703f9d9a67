"""Creating a round from a plan, or loading one to reopen it; both claim the round first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from companion.base.errors import CompanionError, ContentError, StorageError
from companion.content.model import Cues, Pack, Question, RoundTemplate, Scenario
from companion.record.changes import TimerRecord
from companion.record.scorecard import ItemRecord, RoundHeader, Scorecard, SectionTiming
from companion.store import Store, records, writes
from companion.store.locks import RoundLock

Item = Question | Scenario


class PlannedLike(Protocol):
    """What a round is started from: a planner ``PlannedRound`` or anything shaped like it."""

    @property
    def template(self) -> RoundTemplate: ...

    @property
    def items(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Opened:
    """A claimed round: its scorecard, the pack's content for its items, and its clock."""

    card: Scorecard
    items: tuple[Item, ...]
    section_timers: tuple[str, ...]  # "listen" / "sketch" / "" per section
    lock: RoundLock
    saved: TimerRecord | None = None  # the clock as saved, for a reopened round
    # Items the pack no longer has; they appear as stand-ins (see ``stand_in``).
    stand_ins: tuple[str, ...] = ()
    # Per section: True where it has nothing to show in this round (never entered).
    section_empty: tuple[bool, ...] = ()


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
                 interviewer: str, archetype: str, level: str, now: datetime) -> Opened:
    """Write the rows of a new round and hold its lock."""
    candidate, interviewer = candidate.strip(), interviewer.strip()
    if not candidate or not interviewer:
        raise CompanionError("a round needs the candidate's and the interviewer's names")
    template = planned.template
    header = RoundHeader(
        candidate=candidate, interviewer=interviewer, archetype=archetype, level=level,
        template_id=template.id, round_title=template.title, pack_id=pack.id,
        pack_version=pack.version, started_at=now)
    items = pack_items(pack, tuple(planned.items))
    card = replace(
        Scorecard.begin(header, uuid.uuid4().hex),
        items=tuple(ItemRecord(it.id, it.kind) for it in items),
        sections=tuple(SectionTiming(s.id, s.title, float(s.minutes * 60))
                       for s in template.sections))
    lock = store.lock_round(card.id)
    try:
        with store.write() as s:
            records.insert(s, card, imported=False, live=True)
    except StorageError:
        lock.release()
        raise
    return Opened(card, items, tuple(s.timer for s in template.sections), lock,
                  section_empty=pack.empty_sections(template, items))


def load_round(store: Store, pack: Pack, round_id: str) -> Opened:
    """Claim a stored round and read everything needed to carry on with it."""
    lock = store.lock_round(round_id)
    try:
        card = store.load_scorecard(round_id)
        with store.read() as s:
            saved = writes.load_timers(s, round_id)
        if saved is None:
            raise StorageError(f"no round {round_id!r} in {store.path}")
    except CompanionError:
        lock.release()
        raise
    items, missing = reopened_items(pack, tuple((it.item_id, it.kind) for it in card.items))
    # A template that left the pack: keep the timings, lose the automatic side timers.
    template = pack.find_template(card.template_id)
    kinds = tuple(s.timer for s in template.sections) if template else ()
    return Opened(card, items, kinds, lock, saved, missing,
                  pack.empty_sections(template, items))
