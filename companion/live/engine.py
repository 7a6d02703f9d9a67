"""The live round: what the window shows and every operation it may call.

Every tap (rate, probe, flag, navigate, timer control) is committed at once,
in its own transaction. Typed text (notes, summary) is kept in memory and
written by ``tick()`` once typing pauses, and never later than about a second
after the first unsaved keystroke; ``flush()`` writes it at once.

A write that fails (full disk, file locked, folder gone) loses nothing: the
in-memory state stays the truth, the failed statements stay queued, a
"save_failed" event carries the message to the window, and the next tick or
flush writes the whole queue again in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol, overload

from sqlalchemy.orm import Session

from companion.content.model import Pack, Question, RoundTemplate, Scenario
from companion.errors import CompanionError, ContentError, StorageError
from companion.live.clock import Clock, SystemClock
from companion.live.events import Emitter, EngineEvent, EventKind
from companion.live.state import ROUND, NoteKey, RoundState
from companion.live.timers import DEFAULT_TIMER_S, SectionTimers, SideTimer, TimerState
from companion.scorecard import (
    FLAG_STATES,
    RECOMMENDATIONS,
    RUBRIC_BUTTONS,
    Amendment,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
)
from companion.store import Store, writes
from companion.store.locks import RoundLock

__all__ = ["ROUND", "EngineEvent", "RoundEngine", "TimerState"]

NOTE_IDLE_S = 0.4  # write typed text once the keyboard has been quiet this long...
NOTE_MAX_S = 0.8  # ...or once the oldest unsaved keystroke is this old
TIMER_SAVE_S = 1.0  # while the clock runs, save the timers this often
RETRY_S = 1.0  # after a failed write, try again at most this often

Op = Callable[[Session], None]
Item = Question | Scenario


class PlannedLike(Protocol):
    """What ``start`` reads from a planner ``PlannedRound``."""

    @property
    def template(self) -> RoundTemplate: ...

    @property
    def items(self) -> tuple[str, ...]: ...


def _items(pack: Pack, ids: tuple[str, ...]) -> tuple[Item, ...]:
    missing = [i for i in ids if not _has(pack, i)]
    if missing:
        raise ContentError([f"pack {pack.id} has no question or scenario {i!r}" for i in missing])
    return tuple(pack.item(i) for i in ids)


def _has(pack: Pack, item_id: str) -> bool:
    try:
        pack.item(item_id)
    except KeyError:
        return False
    return True


def _text_writer(rid: str, owner: str, name: str, text: str) -> Op:
    def op(s: Session) -> None:
        if owner == ROUND:
            writes.set_round_fields(s, rid, **{name: text})
        else:
            writes.set_item_notes(s, rid, owner, name, text)
    return op


class _Resume:
    """``RoundEngine.resume(store, pack, id)`` reopens a round; ``engine.resume()`` restarts
    the clock. The contract names both ``resume``; this descriptor serves each caller."""

    @overload
    def __get__(self, obj: None, objtype: type[RoundEngine]) -> _Reopen: ...

    @overload
    def __get__(self, obj: RoundEngine, objtype: type[RoundEngine] | None = None
                ) -> Callable[[], bool]: ...

    def __get__(self, obj: RoundEngine | None, objtype: type[RoundEngine] | None = None
                ) -> _Reopen | Callable[[], bool]:
        if obj is None:
            assert objtype is not None
            return objtype.reopen
        return obj.resume_clock


class _Reopen(Protocol):
    def __call__(self, store: Store, pack: Pack, round_id: str,
                 clock: Clock | None = None) -> RoundEngine: ...


class RoundEngine:
    """One round being run (or amended after submission). Not thread-safe: one UI thread."""

    def __init__(self, store: Store, pack: Pack, round_id: str, items: tuple[Item, ...],
                 sections: tuple[tuple[str, str, float], ...], section_timers: tuple[str, ...],
                 state: RoundState, clock: Clock, lock: RoundLock, meta: dict[str, str]) -> None:
        self._store = store
        self.pack = pack
        self.round_id = round_id
        self.items = items
        self._state = state
        self._clock = clock
        self._lock = lock
        self._meta = meta
        self._section_timers = section_timers
        self._timers = SectionTimers(sections, clock.monotonic)
        self._section_started: list[datetime | None] = [None] * len(sections)
        self._section_paused: list[datetime | None] = [None] * len(sections)
        self._started_at = datetime.fromisoformat(meta["started_at"])
        self.index = 0
        self._item_mark = 0.0  # round-elapsed second at which the current item was entered
        self._events = Emitter()
        self._pending: list[Op] = []
        self._dirty: dict[NoteKey, tuple[float, float]] = {}  # key -> (first, last) edit
        self._saved_text: dict[NoteKey, str] = dict(state.text)
        self._last_timer_save = clock.monotonic()
        self._last_retry = 0.0
        self.last_error: str | None = None
        self.closed = False

    # -- construction ----------------------------------------------------------------
    @classmethod
    def start(cls, store: Store, pack: Pack, planned: PlannedLike, *, candidate: str,
              interviewer: str, archetype: str, level: str,
              clock: Clock | None = None) -> RoundEngine:
        """Create a new round from a planned round and claim it for this process."""
        candidate, interviewer = candidate.strip(), interviewer.strip()
        if not candidate or not interviewer:
            raise CompanionError("a round needs the candidate's and the interviewer's names")
        clock = clock or SystemClock()
        template = planned.template
        items = _items(pack, tuple(planned.items))
        sections = tuple((s.id, s.title, float(s.minutes * 60)) for s in template.sections)
        round_id = uuid.uuid4().hex
        now = clock.now()
        lock = store.lock_round(round_id)
        spec = writes.NewRound(
            id=round_id, candidate=candidate, interviewer=interviewer, archetype=archetype,
            level=level, template_id=template.id, round_title=template.title, pack_id=pack.id,
            pack_version=pack.version, started_at=now,
            items=tuple((it.id, it.kind) for it in items), sections=sections)
        try:
            with store.write() as s:
                writes.create_round(s, spec)
        except StorageError:
            lock.release()
            raise
        state = RoundState(kinds={it.id: it.kind for it in items})
        meta = {"candidate": candidate, "interviewer": interviewer, "archetype": archetype,
                "level": level, "template_id": template.id, "round_title": template.title,
                "started_at": now.isoformat()}
        return cls(store, pack, round_id, items, sections,
                   tuple(s.timer for s in template.sections), state, clock, lock, meta)

    @classmethod
    def reopen(cls, store: Store, pack: Pack, round_id: str,
               clock: Clock | None = None) -> RoundEngine:
        """Reopen a stored round where it stopped: same item, same section, timers paused."""
        clock = clock or SystemClock()
        lock = store.lock_round(round_id)
        try:
            sc = store.load_scorecard(round_id)
            with store.read() as s:
                saved = writes.load_timers(s, round_id)
            if saved is None:
                raise StorageError(f"no round {round_id!r} in {store.path}")
            items = _items(pack, tuple(it.item_id for it in sc.items))
        except CompanionError:
            lock.release()
            raise
        sections = tuple((t.section_id, t.title, t.planned_s) for t in sc.sections)
        try:
            kinds: tuple[str, ...] = tuple(
                s.timer for s in pack.template(sc.template_id).sections)
        except KeyError:
            kinds = ()
        if len(kinds) != len(sections):
            kinds = ("",) * len(sections)
        meta = {"candidate": sc.candidate, "interviewer": sc.interviewer,
                "archetype": sc.archetype, "level": sc.level, "template_id": sc.template_id,
                "round_title": sc.round_title, "started_at": sc.started_at.isoformat(),
                "pack_id": sc.pack_id, "pack_version": sc.pack_version}
        engine = cls(store, pack, round_id, items, sections, kinds,
                     RoundState.from_scorecard(sc), clock, lock, meta)
        engine._restore(saved)
        return engine

    resume = _Resume()

    def _restore(self, t: writes.TimerRecord) -> None:
        def side(v: tuple[float, float] | None) -> SideTimer | None:
            return SideTimer(v[0], v[1]) if v else None

        self._timers.restore(t.section_elapsed, t.section_index, t.started, side(t.listen),
                             side(t.sketch))
        self._section_started = list(t.section_started_at)
        self._section_paused = list(t.section_paused_at)
        self._state.item_time.update(dict(t.item_time))
        self.index = max(0, min(t.current_index, len(self.items) - 1))
        self._item_mark = self._timers.round_elapsed()

    # -- reading ---------------------------------------------------------------------
    @property
    def current(self) -> Item:
        return self.items[self.index]

    @property
    def submitted(self) -> bool:
        return self._state.submitted_at is not None

    @property
    def submitted_at(self) -> datetime | None:
        return self._state.submitted_at

    @property
    def recommendation(self) -> str | None:
        return self._state.recommendation

    @property
    def summary(self) -> str:
        return self._state.note(ROUND, "summary")

    @property
    def candidate(self) -> str:
        return self._meta["candidate"]

    @property
    def interviewer(self) -> str:
        return self._meta["interviewer"]

    @property
    def has_unsaved_notes(self) -> bool:
        return bool(self._dirty) or bool(self._pending)

    @property
    def store(self) -> Store:
        return self._store

    def _current_extra(self, item_id: str) -> float:
        """Running time on ``item_id`` not yet folded into its total."""
        if self.items and item_id == self.current.id and not self.submitted:
            return max(0.0, self._timers.round_elapsed() - self._item_mark)
        return 0.0

    def record(self, item_id: str | None = None) -> ItemRecord:
        item_id = self._item_id(item_id)
        return self._state.record(item_id, self._current_extra(item_id))

    def flags(self) -> tuple[FlagRecord, ...]:
        return tuple(self._state.flags.values())

    def flag_state(self, flag_id: str) -> str:
        f = self._state.flags.get(flag_id)
        return f.state if f else "off"

    def notes(self, item_id: str | None = None) -> tuple[str, str]:
        owner = ROUND if item_id == ROUND else self._item_id(item_id)
        return self._state.note(owner, "said"), self._state.note(owner, "read")

    def timers(self) -> TimerState:
        return self._timers.state(self._section_started)

    def amendments(self) -> tuple[Amendment, ...]:
        return tuple(self._state.amendments)

    def scorecard(self) -> Scorecard:
        """A snapshot of the round as it is now (unsaved text included)."""
        st = self._state
        t = self.timers()
        return Scorecard(
            id=self.round_id, candidate=self.candidate, interviewer=self.interviewer,
            archetype=self._meta["archetype"], level=self._meta["level"],
            template_id=self._meta["template_id"], round_title=self._meta["round_title"],
            pack_id=self._meta.get("pack_id", self.pack.id),
            pack_version=self._meta.get("pack_version", self.pack.version),
            started_at=self._started_at, submitted_at=st.submitted_at,
            duration_s=t.round_elapsed_s,
            items=tuple(self.record(it.id) for it in self.items),
            flags=self.flags(), sections=t.sections,
            said=st.note(ROUND, "said"), read=st.note(ROUND, "read"),
            recommendation=st.recommendation, summary=self.summary,
            amendments=tuple(st.amendments),
        )

    def subscribe(self, callback: Callable[[EngineEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on every event; returns a function that unsubscribes."""
        return self._events.subscribe(callback)

    def _item_id(self, item_id: str | None) -> str:
        if item_id is None:
            return self.current.id
        if item_id not in self._state.kinds:
            raise KeyError(f"item {item_id!r} is not in this round")
        return item_id

    # -- writing -----------------------------------------------------------------------
    def _emit(self, kind: EventKind, message: str = "") -> None:
        self._events.emit(kind, message)

    def _commit(self, *ops: Op) -> bool:
        """Queue ``ops`` and write the whole queue in one transaction."""
        if self.closed:
            raise StorageError("this round has been closed")
        self._pending.extend(ops)
        if not self._pending:
            return True
        self._last_retry = self._clock.monotonic()
        try:
            with self._store.write() as s:
                for op in self._pending:
                    op(s)
        except StorageError as exc:
            self.last_error = str(exc)
            self._emit("save_failed", str(exc))
            return False
        self._pending.clear()
        self.last_error = None
        self._emit("saved")
        return True

    def _amend(self, field: str, old: str, new: str) -> Op:
        at = self._clock.now()
        self._state.amendments.append(Amendment(at, field, old, new))
        rid = self.round_id
        return lambda s: writes.add_amendment(s, rid, at, field, old, new)

    def _timer_op(self) -> Op:
        self._fold_item_time()
        t = self._timers
        rec = writes.TimerRecord(
            round_elapsed_s=t.round_elapsed(), section_index=t.index, started=t.started,
            section_elapsed=tuple(t.elapsed_now()),
            section_started_at=tuple(self._section_started),
            section_paused_at=tuple(self._section_paused),
            listen=(t.listen.started_at_s, t.listen.length_s) if t.listen else None,
            sketch=(t.sketch.started_at_s, t.sketch.length_s) if t.sketch else None,
            item_time=tuple(self._state.item_time.items()), current_index=self.index)
        self._last_timer_save = self._clock.monotonic()
        rid = self.round_id
        return lambda s: writes.save_timers(s, rid, rec)

    def _fold_item_time(self) -> None:
        if self.submitted or not self.items:
            return
        now = self._timers.round_elapsed()
        cur = self.current.id
        self._state.item_time[cur] = self._state.item_time.get(cur, 0.0) + max(
            0.0, now - self._item_mark)
        self._item_mark = now

    # -- navigation ----------------------------------------------------------------------
    def go_next(self) -> bool:
        return self.jump(self.index + 1)

    def go_previous(self) -> bool:
        return self.jump(self.index - 1)

    def jump(self, index: int) -> bool:
        """Show item ``index``; False (nothing happens) when out of range or already there."""
        if not 0 <= index < len(self.items) or index == self.index:
            return False
        if self.submitted:
            self.index = index
            rid = self.round_id
            self._commit(lambda s: writes.set_round_fields(s, rid, current_index=index))
        else:
            self._fold_item_time()
            self.index = index
            self._commit(self._timer_op())
        self._emit("navigated")
        return True

    # -- taps ----------------------------------------------------------------------------
    def rate(self, value: str | None, item_id: str | None = None) -> bool:
        """Rate an item (strong / mid / thin / very_thin / skip; None clears)."""
        if value is not None and value not in RUBRIC_BUTTONS:
            raise ValueError(f"not a rating: {value!r}")
        iid = self._item_id(item_id)
        old, _ = self._state.ratings.get(iid, (None, None))
        at = self._clock.now()
        self._state.ratings[iid] = (value, at if value else None)
        rid = self.round_id
        if self.submitted:
            op = self._amend(f"rating:{iid}", old or "", value or "")
        else:
            def op(s: Session) -> None:
                writes.set_rating(s, rid, iid, value, at if value else None)
        self._emit("changed")
        return self._commit(op)

    def answer_probe(self, probe_id: str, *, asked: bool = True, rating: str | None = None,
                     note: str | None = None, item_id: str | None = None) -> bool:
        """Record a probe (e.g. ``failure.queue``) as asked or not, with a rating and note."""
        if not probe_id:
            raise ValueError("a probe id is needed")
        if rating is not None and rating not in RUBRIC_BUTTONS:
            raise ValueError(f"not a rating: {rating!r}")
        iid = self._item_id(item_id)
        probes = self._state.probes.setdefault(iid, {})
        old = probes.get(probe_id)
        text = note if note is not None else (old.note if old else "")
        at = self._clock.now()
        probes[probe_id] = ProbeAnswer(probe_id, asked, rating, text, at)
        rid = self.round_id
        if self.submitted:
            before = writes.dumps({"asked": old.asked, "rating": old.rating, "note": old.note}
                                  if old else {})
            op = self._amend(f"probe:{iid}:{probe_id}", before,
                             writes.dumps({"asked": asked, "rating": rating, "note": text}))
        else:
            def op(s: Session) -> None:
                writes.put_probe(s, rid, iid, probe_id, asked, rating, text, at)
        self._emit("changed")
        return self._commit(op)

    def set_flag(self, flag_id: str, state: str, evidence: str | None = None) -> bool:
        """Set a red flag's state (off / probed / confirmed), with optional evidence."""
        if state not in FLAG_STATES:
            raise ValueError(f"not a flag state: {state!r}")
        old = self._state.flags.get(flag_id)
        if old is not None and old.state == state and not evidence:
            return True
        if old is None and state == "off" and not evidence:
            return True
        at = self._clock.now()
        on_item = self.current.id if self.items else None
        new = self._state.set_flag(flag_id, state, at, evidence, on_item)
        rid = self.round_id
        if self.submitted:
            op = self._amend(f"flag:{flag_id}", old.state if old else "off",
                             writes.dumps({"state": state, "evidence": evidence or "",
                                           "item": new.item_id}))
        else:
            ev = evidence or ""
            def op(s: Session) -> None:
                writes.add_flag_event(s, rid, flag_id, state, at, ev, on_item)
        self._emit("changed")
        return self._commit(op)

    def cycle_flag(self, flag_id: str) -> str:
        """Move a flag off -> probed -> confirmed -> off; returns the new state."""
        nxt = FLAG_STATES[(FLAG_STATES.index(self.flag_state(flag_id)) + 1) % len(FLAG_STATES)]
        self.set_flag(flag_id, nxt)
        return nxt

    def set_recommendation(self, value: str) -> bool:
        if value not in RECOMMENDATIONS:
            raise ValueError(f"not a recommendation: {value!r}")
        old = self._state.recommendation
        if old == value:
            return True
        self._state.recommendation = value
        rid = self.round_id
        if self.submitted:
            op = self._amend("recommendation", old or "", value)
        else:
            def op(s: Session) -> None:
                writes.set_round_fields(s, rid, recommendation=value)
        self._emit("changed")
        return self._commit(op)

    # -- typed text ------------------------------------------------------------------------
    def edit_notes(self, field: str, text: str, item_id: str | None = None) -> None:
        """Replace the said/read notes of an item (None: current; ROUND: the round)."""
        if field not in ("said", "read"):
            raise ValueError(f"notes field must be 'said' or 'read', not {field!r}")
        owner = ROUND if item_id == ROUND else self._item_id(item_id)
        self._edit_text((owner, field), text)

    def set_summary(self, text: str) -> None:
        """The overall summary; written like notes (debounced)."""
        self._edit_text((ROUND, "summary"), text)

    def _edit_text(self, key: NoteKey, text: str) -> None:
        if self._state.text.get(key, "") == text:
            return
        self._state.text[key] = text
        now = self._clock.monotonic()
        first, _ = self._dirty.get(key, (now, now))
        self._dirty[key] = (first, now)
        self._emit("changed")

    def _text_ops(self) -> list[Op]:
        ops: list[Op] = []
        rid = self.round_id
        for key in list(self._dirty):
            text = self._state.text.get(key, "")
            old = self._saved_text.get(key, "")
            self._saved_text[key] = text
            owner, name = key
            if self.submitted:
                if old != text:
                    ops.append(self._amend(self._state.key_field(key), old, text))
            else:
                ops.append(_text_writer(rid, owner, name, text))
        self._dirty.clear()
        return ops

    # -- the clock -------------------------------------------------------------------------
    def tick(self) -> None:
        """Called by the UI a few times a second: writes due text, timers and retries."""
        if self.closed:
            return
        now = self._clock.monotonic()
        ops: list[Op] = []
        if self._dirty:
            first = min(f for f, _ in self._dirty.values())
            last = max(t for _, t in self._dirty.values())
            if now - last >= NOTE_IDLE_S or now - first >= NOTE_MAX_S:
                ops.extend(self._text_ops())
        if self._timers.running and now - self._last_timer_save >= TIMER_SAVE_S:
            ops.append(self._timer_op())
        if ops or (self._pending and now - self._last_retry >= RETRY_S):
            self._commit(*ops)

    def flush(self) -> bool:
        """Write everything now (text, timers, anything a failed write left queued)."""
        if self.closed:
            return True
        ops = self._text_ops()
        if not self.submitted:
            ops.append(self._timer_op())
        return self._commit(*ops)

    def _timer_changed(self, changed: bool) -> bool:
        if not changed:
            return False
        self._emit("changed")
        self._commit(self._timer_op())
        return True

    def _enter_section(self) -> None:
        i = self._timers.index
        if self._section_started[i] is None:
            self._section_started[i] = self._clock.now()
        kind = self._section_timers[i] if i < len(self._section_timers) else ""
        if kind == "listen":
            self._timers.start_listen(self._timer_length("listen"))
        elif kind == "sketch":
            self._timers.start_sketch(self._timer_length("sketch"))

    def _timer_length(self, which: str) -> float:
        """Minutes from the current item if it sets them, else the first item that does."""
        attr = "listen_minutes" if which == "listen" else "sketch_minutes"
        for it in (self.current, *self.items):
            minutes = getattr(it, attr)
            if minutes:
                return float(minutes) * 60.0
        return DEFAULT_TIMER_S

    def start_round(self) -> bool:
        """Start the round's clock (the first section starts with it)."""
        if self.submitted or not self._timers.start():
            return False
        self._item_mark = self._timers.round_elapsed()
        self._enter_section()
        return self._timer_changed(True)

    def pause(self) -> bool:
        if self.submitted:
            return False
        self._fold_item_time()
        changed = self._timers.pause()
        if changed:
            self._section_paused[self._timers.index] = self._clock.now()
        return self._timer_changed(changed)

    def resume_clock(self) -> bool:
        """Restart the round's clock after ``pause`` (or after reopening a round)."""
        if self.submitted:
            return False
        first = not self._timers.started
        changed = self._timers.resume()
        if changed:
            self._item_mark = self._timers.round_elapsed()
            self._section_paused[self._timers.index] = None
            if first:
                self._enter_section()
        return self._timer_changed(changed)

    def next_section(self) -> bool:
        if self.submitted:
            return False
        self._fold_item_time()
        changed = self._timers.next_section()
        if changed:
            self._enter_section()
        return self._timer_changed(changed)

    def start_listen_timer(self, seconds: float | None = None) -> None:
        """(Re)start the listening timer (three minutes unless the item says otherwise)."""
        self._timers.start_listen(seconds or self._timer_length("listen"))
        self._timer_changed(True)

    def start_sketch_timer(self, seconds: float | None = None) -> None:
        """(Re)start the "sketch the system" timer."""
        self._timers.start_sketch(seconds or self._timer_length("sketch"))
        self._timer_changed(True)

    # -- finishing -------------------------------------------------------------------------
    def submit(self) -> bool:
        """Lock the scorecard; later changes become amendments. Needs a recommendation."""
        if self.submitted:
            return True
        if self._state.recommendation is None:
            raise CompanionError("choose a recommendation (strong no, no, yes, strong yes) "
                                 "before submitting")
        ops = self._text_ops()
        self._fold_item_time()
        if self._timers.pause():
            self._section_paused[self._timers.index] = self._clock.now()
        ops.append(self._timer_op())
        at = self._clock.now()
        rid = self.round_id
        ops.append(lambda s: writes.set_round_fields(s, rid, submitted_at=at))
        self._state.submitted_at = at
        ok = self._commit(*ops)
        self._emit("submitted")
        return ok

    def close(self) -> bool:
        """Write what is left and release the round (another copy may then open it)."""
        if self.closed:
            return True
        ok = self.flush()
        if ok:
            self.closed = True
            self._lock.release()
        return ok

    def release(self) -> None:
        """Release the round without writing (after a failure the user chose to abandon)."""
        self.closed = True
        self._lock.release()
