"""The live engine's writes: each change becomes a few small statements (``write``).

The engine hands every change (``companion.record.changes``) to ``write`` inside an
open write session. It queues them and replays the whole queue in one
transaction after a failure, so every statement here must be safe to run again
in order (upserts and appends that a rolled-back transaction never kept).
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    Change,
    EditText,
    Move,
    Rate,
    Recommend,
    StepFlag,
    Submit,
    TimerRecord,
    Timers,
)
from companion.store import outbox
from companion.store.records import amendment_row
from companion.store.schema import (
    FlagEventRow,
    ProbeAnswerRow,
    Round,
    RoundItem,
    SectionTimingRow,
)


def write(s: Session, round_id: str, change: Change) -> None:
    """Store one change of round ``round_id`` (the one way the engine writes)."""
    match change:
        case Rate():
            set_rating(s, round_id, change.item_id, change.rating, change.at)
        case AnswerProbe():
            put_probe(s, round_id, change.item_id, change.probe_id, change.asked,
                      change.rating, change.note, change.at)
        case StepFlag():
            add_flag_event(s, round_id, change.flag_id, change.state, change.at,
                           change.evidence, change.item_id)
        case EditText():
            if change.owner == ROUND:
                set_round_fields(s, round_id, **{change.field: change.text})
            else:
                set_item_notes(s, round_id, change.owner, change.field, change.text)
        case Recommend():
            set_round_fields(s, round_id, recommendation=change.value)
        case Submit():
            set_round_fields(s, round_id, submitted_at=change.at, ended_at=change.ended_at)
            outbox.enqueue(s, round_id, None, change.at)
        case Move():
            set_round_fields(s, round_id, current_index=change.index)
        case Timers():
            save_timers(s, round_id, change.record)
        case Amendment():
            row = amendment_row(round_id, change)
            s.add(row)
            s.flush()  # the outbox entry needs the amendment's id
            outbox.enqueue(s, round_id, row.id, change.at)
        case _:
            assert_never(change)


# The taps' statements are built once, with bound parameters, and run on the
# session's connection: the ORM has nothing to track for them, and skipping
# its bookkeeping halves the Python time of a tap (see bench/tap_latency.py).
_items = cast(Table, RoundItem.__table__)
_probes = cast(Table, ProbeAnswerRow.__table__)
_flags = cast(Table, FlagEventRow.__table__)
_rounds = cast(Table, Round.__table__)
_sections = cast(Table, SectionTimingRow.__table__)
_SET_RATING = (
    update(_items)
    .where(_items.c.round_id == bindparam("b_round"), _items.c.item_id == bindparam("b_item"))
    .values(rating=bindparam("b_rating"), rated_at=bindparam("b_at")))
_PUT_PROBE = (
    sqlite_insert(_probes)
    .values(round_id=bindparam("b_round"), item_id=bindparam("b_item"),
            probe_id=bindparam("b_probe"), asked=bindparam("b_asked"),
            rating=bindparam("b_rating"), note=bindparam("b_note"), at=bindparam("b_at")))
_ADD_FLAG = insert(_flags).values(
    round_id=bindparam("b_round"), flag_id=bindparam("b_flag"), state=bindparam("b_state"),
    at=bindparam("b_at"), evidence=bindparam("b_evidence"), item_id=bindparam("b_item"))
_PUT_PROBE = _PUT_PROBE.on_conflict_do_update(
    index_elements=["round_id", "item_id", "probe_id"],
    set_={"asked": _PUT_PROBE.excluded.asked, "rating": _PUT_PROBE.excluded.rating,
          "note": _PUT_PROBE.excluded.note, "at": _PUT_PROBE.excluded.at})


def set_rating(s: Session, round_id: str, item_id: str, rating: str | None,
               at: datetime | None) -> None:
    s.connection().execute(_SET_RATING, {"b_round": round_id, "b_item": item_id,
                                         "b_rating": rating, "b_at": at})


def put_probe(s: Session, round_id: str, item_id: str, probe_id: str, asked: bool,
              rating: str | None, note: str, at: datetime | None) -> None:
    s.connection().execute(_PUT_PROBE, {
        "b_round": round_id, "b_item": item_id, "b_probe": probe_id, "b_asked": asked,
        "b_rating": rating, "b_note": note, "b_at": at})


def add_flag_event(s: Session, round_id: str, flag_id: str, state: str, at: datetime,
                   evidence: str, item_id: str | None) -> None:
    s.connection().execute(_ADD_FLAG, {
        "b_round": round_id, "b_flag": flag_id, "b_state": state, "b_at": at,
        "b_evidence": evidence, "b_item": item_id})


def set_item_notes(s: Session, round_id: str, item_id: str, field: str, text: str) -> None:
    if field not in ("said", "read"):
        raise ValueError(f"not a notes field: {field!r}")
    s.connection().execute(
        update(_items)
        .where(_items.c.round_id == round_id, _items.c.item_id == item_id)
        .values({field: text}))


def set_round_fields(s: Session, round_id: str, **values: object) -> None:
    """Update plain columns of the round row (notes, recommendation, summary, position)."""
    allowed = {"said", "read", "recommendation", "summary", "current_index", "submitted_at",
               "ended_at"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"not a round field: {sorted(unknown)}")
    s.connection().execute(update(_rounds).where(_rounds.c.id == round_id).values(**values))


_SAVE_ROUND_CLOCK = (
    update(_rounds).where(_rounds.c.id == bindparam("b_round"))
    .values(round_elapsed_s=bindparam("b_elapsed"), section_index=bindparam("b_section"),
            timer_started=bindparam("b_started"), current_index=bindparam("b_index"),
            listen_started_s=bindparam("b_listen_at"), listen_s=bindparam("b_listen"),
            sketch_started_s=bindparam("b_sketch_at"), sketch_s=bindparam("b_sketch")))
_SAVE_SECTION = (
    update(_sections)
    .where(_sections.c.round_id == bindparam("b_round"),
           _sections.c.position == bindparam("b_pos"))
    .values(elapsed_s=bindparam("b_elapsed"), started_at=bindparam("b_started"),
            paused_at=bindparam("b_paused")))
_SAVE_ITEM_TIME = (
    update(_items)
    .where(_items.c.round_id == bindparam("b_round"), _items.c.item_id == bindparam("b_item"))
    .values(time_spent_s=bindparam("b_spent")))


def save_timers(s: Session, round_id: str, t: TimerRecord) -> None:
    """Save the clock once a second while it runs: three statements, batched."""
    conn = s.connection()
    conn.execute(_SAVE_ROUND_CLOCK, {
        "b_round": round_id, "b_elapsed": t.round_elapsed_s, "b_section": t.section_index,
        "b_started": t.started, "b_index": t.current_index,
        "b_listen_at": t.listen[0] if t.listen else None,
        "b_listen": t.listen[1] if t.listen else None,
        "b_sketch_at": t.sketch[0] if t.sketch else None,
        "b_sketch": t.sketch[1] if t.sketch else None})
    if t.section_elapsed:
        conn.execute(_SAVE_SECTION, [
            {"b_round": round_id, "b_pos": pos, "b_elapsed": elapsed,
             "b_started": t.section_started_at[pos], "b_paused": t.section_paused_at[pos]}
            for pos, elapsed in enumerate(t.section_elapsed)])
    if t.item_time:
        conn.execute(_SAVE_ITEM_TIME, [
            {"b_round": round_id, "b_item": item_id, "b_spent": spent}
            for item_id, spent in t.item_time])


def load_timers(s: Session, round_id: str) -> TimerRecord | None:
    """The saved timers and position of a round (None if the round is gone)."""
    row = s.get(Round, round_id)
    if row is None:
        return None
    secs = s.scalars(select(SectionTimingRow).where(SectionTimingRow.round_id == round_id)
                     .order_by(SectionTimingRow.position)).all()
    items = s.scalars(select(RoundItem).where(RoundItem.round_id == round_id)).all()
    return TimerRecord(
        round_elapsed_s=row.round_elapsed_s,
        section_index=row.section_index,
        started=bool(row.timer_started),
        section_elapsed=tuple(x.elapsed_s for x in secs),
        section_started_at=tuple(x.started_at for x in secs),
        section_paused_at=tuple(x.paused_at for x in secs),
        listen=(row.listen_started_s, row.listen_s)
        if row.listen_started_s is not None and row.listen_s is not None else None,
        sketch=(row.sketch_started_s, row.sketch_s)
        if row.sketch_started_s is not None and row.sketch_s is not None else None,
        item_time=tuple((it.item_id, it.time_spent_s) for it in items),
        current_index=row.current_index,
    )
