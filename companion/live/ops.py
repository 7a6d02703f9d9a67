"""Queued writes of the live engine: each returns an ``Op`` bound to its values.

Values are captured when the op is made, so a replay after a failed commit
writes exactly what the interviewer did at the time, in order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from companion.live.drafts import NoteKey
from companion.live.state import ROUND
from companion.live.writer import Op
from companion.store import writes


def rating(rid: str, item: str, value: str | None, at: datetime | None) -> Op:
    def op(s: Session) -> None:
        writes.set_rating(s, rid, item, value, at)
    return op


def probe(rid: str, item: str, probe_id: str, asked: bool, value: str | None, note: str,
          at: datetime) -> Op:
    def op(s: Session) -> None:
        writes.put_probe(s, rid, item, probe_id, asked, value, note, at)
    return op


def flag_event(rid: str, flag_id: str, state: str, at: datetime, evidence: str,
               item: str | None) -> Op:
    def op(s: Session) -> None:
        writes.add_flag_event(s, rid, flag_id, state, at, evidence, item)
    return op


def text(rid: str, key: NoteKey, value: str) -> Op:
    owner, name = key

    def op(s: Session) -> None:
        if owner == ROUND:
            writes.set_round_fields(s, rid, **{name: value})
        else:
            writes.set_item_notes(s, rid, owner, name, value)
    return op


def round_fields(rid: str, **values: object) -> Op:
    def op(s: Session) -> None:
        writes.set_round_fields(s, rid, **values)
    return op


def amendment(rid: str, at: datetime, field: str, old: str, new: str) -> Op:
    def op(s: Session) -> None:
        writes.add_amendment(s, rid, at, field, old, new)
    return op


def timers(rid: str, record: writes.TimerRecord) -> Op:
    def op(s: Session) -> None:
        writes.save_timers(s, rid, record)
    return op
