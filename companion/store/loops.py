"""Loops in the local file: the lead's own, and copies of the team store's for offline use.

Each row holds the loop's JSON, read back through the same bounded decoder as a
loop file: the settings table and this file are written by other copies and
versions of the app, so a row that does not decode is named, never trusted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from sqlalchemy import select

from companion.base.errors import StorageError
from companion.content.model import Pack
from companion.intake.json_reader import SchemaError
from companion.loop.model import Loop, LoopRound, loop_from_dict, loop_to_dict
from companion.loop.status import Seen
from companion.record.scorecard import Scorecard
from companion.store.schema import LoopRow
from companion.store.store import Store

ORIGINS = ("local", "team", "file")


def save_loop(store: Store, loop: Loop, origin: str = "local") -> None:
    """Store ``loop`` (replacing the copy of the same id)."""
    if origin not in ORIGINS:
        raise ValueError(f"unknown origin {origin!r}")
    text = json.dumps(loop_to_dict(loop), ensure_ascii=False, sort_keys=True)
    with store.write() as s:
        row = s.get(LoopRow, loop.id)
        if row is None:
            row = LoopRow(id=loop.id)
            s.add(row)
        row.candidate = loop.candidate
        row.payload = text
        row.origin = origin
        row.updated_at = datetime.now(UTC)


class _Row(NamedTuple):
    id: str
    candidate: str
    payload: str
    origin: str


def _rows(store: Store) -> list[_Row]:
    with store.read() as s:
        return [_Row(*r) for r in s.execute(
            select(LoopRow.id, LoopRow.candidate, LoopRow.payload, LoopRow.origin)
            .order_by(LoopRow.candidate))]


def _decode(row: _Row, store: Store) -> Loop:
    try:
        return loop_from_dict(json.loads(row.payload), f"loop {row.id}")
    except (SchemaError, ValueError, RecursionError) as exc:
        raise StorageError(f"{store.path}: the stored loop {row.id[:12]} cannot be read: "
                           f"{exc}") from None


def list_loops(store: Store) -> list[tuple[Loop, str]]:
    """Every stored loop that reads, with its origin, by candidate."""
    out = []
    for row in _rows(store):
        try:
            out.append((_decode(row, store), row.origin))
        except StorageError:
            continue  # named by find_loop when asked for; a list shows what it can
    return out


def find_loop(store: Store, ref: str) -> Loop | None:
    """The loop whose id starts with ``ref`` or whose candidate is ``ref``; None if none.

    StorageError when ``ref`` fits more than one loop, or the one it fits cannot be read.
    """
    from companion.record.names import fold_name

    text = ref.strip()
    if not text:
        return None
    rows = _rows(store)
    hits = [r for r in rows if r.id.startswith(text.lower()) and len(text) >= 4]
    if not hits:
        hits = [r for r in rows if fold_name(r.candidate) == fold_name(text)]
    if not hits:  # the start of a name, as long as it names one candidate
        hits = [r for r in rows if fold_name(r.candidate).startswith(fold_name(text))]
    if len(hits) > 1:
        raise StorageError(f"{len(hits)} loops fit {text!r}; give more of the loop's id "
                           "(`companion loop list` shows them)")
    return _decode(hits[0], store) if hits else None


def delete_loop(store: Store, loop_id: str) -> bool:
    with store.write() as s:
        row = s.get(LoopRow, loop_id)
        if row is None:
            return False
        s.delete(row)
    return True


def local_evidence(store: Store, loop: Loop) -> list[Seen]:
    """What this file knows of the loop's scorecards: its rounds of the candidate.

    A round counts as published when its outbox entries are all sent; the time
    of sending is not kept, so the submission time stands for it.
    """
    from companion.record.names import fold_name
    from companion.store import outbox

    key = fold_name(loop.candidate)
    ids = [r.id for r in store.list_rounds() if fold_name(r.candidate) == key]
    with store.read() as s:
        states = outbox.states(s, None)
    out = []
    for rid in ids:
        sc = store.load_scorecard(rid)
        published = states.get(rid)
        out.append(Seen(sc.candidate, sc.interviewer, sc.template_id, sc.started_at,
                        sc.ended_at, sc.submitted_at,
                        sc.submitted_at if published and published.state == "published"
                        else None, sc.id))
    return out


def close_loops_of(store: Store, candidate: str) -> int:
    """Close the open loops of ``candidate`` (the panel decided); returns how many."""
    from dataclasses import replace

    from companion.record.names import fold_name

    closed = 0
    for loop, origin in list_loops(store):
        if not loop.closed and fold_name(loop.candidate) == fold_name(candidate):
            save_loop(store, replace(loop, closed=True), origin)
            closed += 1
    return closed


@dataclass(frozen=True)
class Assigned:
    """A round of an open loop assigned to this interviewer and not begun here yet."""

    loop: Loop
    number: int
    round: LoopRound


def assigned_to(store: Store, me: str) -> list[Assigned]:
    """``me``'s rounds still to run, soonest first (unscheduled last).

    A round already begun on this computer is left out: it waits under the
    unfinished rounds (or is done).
    """
    from companion.record.names import fold_name

    if not me.strip():
        return []
    begun = {(fold_name(r.candidate), r.template_id) for r in store.list_rounds()
             if fold_name(r.interviewer) == fold_name(me)}
    out = [Assigned(loop, n, r) for loop, _ in list_loops(store) if not loop.closed
           for n, r in loop.rounds_of(me)
           if (fold_name(loop.candidate), r.template_id) not in begun]
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(out, key=lambda a: (a.round.scheduled_at or far, a.loop.candidate, a.number))


def debrief_lines_here(store: Store, cards: list[Scorecard], pack: Pack
                       ) -> list[tuple[str, str]]:
    """Page 1's loop lines from this file's copy of the candidate's loop; [] without one."""
    from companion.base.errors import CompanionError
    from companion.loop.debrief import debrief_lines_for

    if not cards:
        return []
    try:
        loop = find_loop(store, cards[0].candidate)
    except CompanionError:
        return []  # several loops of the name, or one that does not read: no line
    if loop is None:
        return []
    return debrief_lines_for(loop, local_evidence(store, loop), cards, pack,
                             datetime.now(UTC))
