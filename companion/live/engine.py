"""The live round: what the window shows and every operation it may call.

Every tap (rate, probe, flag, navigate, timer control) is committed at once,
in its own transaction. Typed text (notes, summary) is kept in memory and
written by ``tick()`` once typing pauses, and never later than about a second
after the first unsaved keystroke; ``flush()`` writes it at once.

A write that fails (full disk, file locked, folder gone) loses nothing: the
in-memory state stays the truth, the failed statements stay queued (see
``writer.py``), a "save_failed" event carries the message to the window, and
the next tick or flush writes the whole queue again in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from companion.base.errors import CompanionError
from companion.content.model import Pack
from companion.live.background import BackgroundWriter, Batch
from companion.live.clock import Clock, SystemClock
from companion.live.drafts import Drafts, NoteKey
from companion.live.events import Emitter, EngineEvent
from companion.live.opening import Item, Opened, PlannedLike, create_round, load_round
from companion.live.roundclock import RoundClock
from companion.live.timers import DEFAULT_TIMER_S, TimerState
from companion.live.writer import Writer
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
    Timers,
)
from companion.record.flag_rules import evidence_to_store
from companion.record.scorecard import (
    FLAG_STATES,
    RECOMMENDATIONS,
    RUBRIC_BUTTONS,
    FlagRecord,
    ItemRecord,
    Scorecard,
    to_ms,
)
from companion.store import Store

__all__ = ["ROUND", "EngineEvent", "RoundEngine", "TimerState"]

TIMER_SAVE_S = 1.0  # while the clock runs, save the timers this often
RETRY_S = 1.0  # after a failed write, try again at most this often


def _typed(text: str) -> str:
    """``text`` as typed text is kept: without U+0000, which nobody means to write (a
    paste can carry one) and the team store cannot hold, so that a note with one could
    never be published."""
    return text.replace("\x00", "")


class RoundEngine:
    """One round being run (or amended after submission). Not thread-safe: one UI thread.

    The engine holds the round's ``Scorecard`` and changes it only by applying
    change values (``companion.record.changes``); each change goes to the store as it is.
    """

    def __init__(self, store: Store, pack: Pack, opened: Opened, clock: Clock) -> None:
        card = opened.card
        self._store = store
        self.pack = pack
        self.round_id = card.id
        self.items: tuple[Item, ...] = opened.items
        self.stand_ins = opened.stand_ins  # ids of items the pack no longer has
        self.index = 0
        self._card = card
        self._clock = clock
        self._lock = opened.lock
        self._events = Emitter()
        self._writer = Writer(store, card.id, self._events, clock.monotonic)
        self._autosave = BackgroundWriter(store, card.id)
        self._drafts = Drafts()
        # Text as last written, keyed like the drafts: the old side of a text amendment.
        self._saved_text: dict[NoteKey, str] = {}
        self._rc = RoundClock(card.sections, opened.section_timers, clock,
                              opened.section_empty)
        self._rc.item_time.update({it.item_id: it.time_spent_s for it in card.items})
        if opened.saved is not None:
            self._rc.restore(opened.saved)
            self.index = max(0, min(opened.saved.current_index, len(self.items) - 1))

    # -- construction ----------------------------------------------------------------
    @classmethod
    def start(cls, store: Store, pack: Pack, planned: PlannedLike, *, candidate: str,
              interviewer: str, archetype: str, level: str,
              clock: Clock | None = None) -> RoundEngine:
        """Create a new round from a planned round and claim it for this process."""
        clock = clock or SystemClock()
        opened = create_round(store, pack, planned, candidate=candidate,
                              interviewer=interviewer, archetype=archetype, level=level,
                              now=clock.now())
        return cls(store, pack, opened, clock)

    @classmethod
    def reopen(cls, store: Store, pack: Pack, round_id: str,
               clock: Clock | None = None) -> RoundEngine:
        """Reopen a stored round where it stopped: same item, same section, timers paused."""
        return cls(store, pack, load_round(store, pack, round_id), clock or SystemClock())

    # -- reading ---------------------------------------------------------------------
    @property
    def current(self) -> Item:
        return self.items[self.index]

    @property
    def current_id(self) -> str | None:
        """The id of the item on screen; None in a round without items (a screening call)."""
        return self.items[self.index].id if self.items else None

    def _fold(self) -> None:
        """Add the running time to the item on screen, if the round has items at all."""
        if self.items:
            self._rc.fold_item(self.items[self.index].id)

    @property
    def submitted(self) -> bool:
        return self._card.submitted_at is not None

    @property
    def submitted_at(self) -> datetime | None:
        return self._card.submitted_at

    @property
    def recommendation(self) -> str | None:
        return self._card.recommendation

    @property
    def summary(self) -> str:
        return self._card.summary

    @property
    def candidate(self) -> str:
        return self._card.candidate

    @property
    def interviewer(self) -> str:
        return self._card.interviewer

    @property
    def has_unsaved_notes(self) -> bool:
        return bool(self._drafts) or bool(self._writer.pending) or self._autosave.busy

    @property
    def last_error(self) -> str | None:
        """The message of the last failed write, None once a write succeeds again."""
        return self._writer.last_error

    @property
    def closed(self) -> bool:
        return self._writer.closed

    @property
    def store(self) -> Store:
        return self._store

    def record(self, item_id: str | None = None) -> ItemRecord:
        iid = self._item_id(item_id)
        spent = self._rc.item_time.get(iid, 0.0)
        if iid == self.current_id and not self.submitted:
            spent = to_ms(spent + self._rc.on_item())
        found = self._card.item(iid)
        assert found is not None  # _item_id checked it
        return replace(found, time_spent_s=spent)

    def flags(self) -> tuple[FlagRecord, ...]:
        return self._card.flags

    def flag_state(self, flag_id: str) -> str:
        f = self._card.flag(flag_id)
        return f.state if f else "off"

    def notes(self, item_id: str | None = None) -> tuple[str, str]:
        owner = ROUND if item_id == ROUND else self._item_id(item_id)
        return self._card.text(owner, "said"), self._card.text(owner, "read")

    def timers(self) -> TimerState:
        return self._rc.state()

    def amendments(self) -> tuple[Amendment, ...]:
        return self._card.amendments

    def scorecard(self) -> Scorecard:
        """A snapshot of the round as it is now (unsaved text and running time included)."""
        t = self.timers()
        return replace(self._card, duration_s=t.round_elapsed_s, sections=t.sections,
                       items=tuple(self.record(it.id) for it in self.items))

    def subscribe(self, callback: Callable[[EngineEvent], None]) -> Callable[[], None]:
        """Call ``callback(event)`` on every event; returns a function that unsubscribes."""
        return self._events.subscribe(callback)

    def _item_id(self, item_id: str | None) -> str:
        if item_id is None:
            if not self.items:
                raise KeyError("this round has no questions or scenarios; use ROUND notes")
            return self.items[self.index].id
        if self._card.item(item_id) is None:
            raise KeyError(f"item {item_id!r} is not in this round")
        return item_id

    # -- writing helpers ---------------------------------------------------------------
    def _edit(self, change: Edit) -> bool:
        """Make an edit: at once before submission, as an amendment after it."""
        made: Change = change
        if self.submitted:
            made = Amendment(self._clock.now(), change, self._card.undo_for(change))
        self._card = self._card.apply(made)
        self._events.emit("changed")
        return self._commit(made)

    def _timer_change(self) -> Timers:
        if not self.submitted:
            self._fold()
        change = Timers(self._rc.record(self.index))
        self._card = self._card.apply(change)
        return change

    def _commit(self, *pending: Change) -> bool:
        """Write now, on this thread, after every autosave still in flight (order kept)."""
        self._settle(wait=True)
        return self._writer.commit(*pending)

    def _settle(self, wait: bool) -> None:
        """Take in the outcomes of background autosaves (all of them with ``wait``).

        A failed autosave leaves its fields to be written again with their current
        text, and sends later writes down the synchronous path (with its retries)
        until one succeeds.
        """
        for outcome in self._autosave.collect(wait):
            if outcome.error is None:
                if not self._writer.pending:
                    self._writer.last_error = None
                self._events.emit("saved")
                continue
            now = self._clock.monotonic()
            for key in outcome.batch.keys:
                self._drafts.touch(key, now)
            if outcome.batch.timers:
                self._rc.last_save = float("-inf")
            self._writer.last_error = outcome.error
            self._events.emit("save_failed", outcome.error)

    def wait_for_autosaves(self) -> None:
        """Block until background autosaves have been written (tests, shutdown)."""
        self._settle(wait=True)

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
            self._commit(Move(index))
        else:
            self._fold()
            self.index = index
            self._commit(self._timer_change())
        self._events.emit("navigated")
        return True

    # -- taps ----------------------------------------------------------------------------
    def rate(self, value: str | None, item_id: str | None = None) -> bool:
        """Rate an item (strong / mid / thin / very_thin / skip; None clears)."""
        if value is not None and value not in RUBRIC_BUTTONS:
            raise ValueError(f"not a rating: {value!r}")
        iid = self._item_id(item_id)
        return self._edit(Rate(iid, value, self._clock.now() if value else None))

    def answer_probe(self, probe_id: str, *, asked: bool = True, rating: str | None = None,
                     note: str | None = None, item_id: str | None = None) -> bool:
        """Record a probe (e.g. ``failure.queue``) as asked or not, with a rating and note."""
        if not probe_id:
            raise ValueError("a probe id is needed")
        if rating is not None and rating not in RUBRIC_BUTTONS:
            raise ValueError(f"not a rating: {rating!r}")
        iid = self._item_id(item_id)
        if note is None:
            record = self._card.item(iid)
            old = next((p for p in record.probes if p.probe_id == probe_id),
                       None) if record else None
            note = old.note if old else ""
        note = _typed(note)
        return self._edit(AnswerProbe(iid, probe_id, asked, rating, note, self._clock.now()))

    def set_flag(self, flag_id: str, state: str, evidence: str | None = None) -> bool:
        """Set a red flag's state (off / probed / confirmed), with optional evidence."""
        if state not in FLAG_STATES:
            raise ValueError(f"not a flag state: {state!r}")
        if self.flag_state(flag_id) == state and not evidence:
            return True
        evidence = _typed(evidence or "")
        return self._edit(StepFlag(flag_id, state, self._clock.now(), evidence,
                                   self.current_id))

    def cycle_flag(self, flag_id: str, evidence: str | None = None) -> str:
        """Move a flag off -> probed -> confirmed -> off; returns the new state.

        ``evidence`` (e.g. words selected in the notes) is stored with the step,
        unless the step turns the flag off or the flag already has that evidence.
        """
        nxt = FLAG_STATES[(FLAG_STATES.index(self.flag_state(flag_id)) + 1) % len(FLAG_STATES)]
        evidence = evidence_to_store(self._card.flag(flag_id), evidence)
        self.set_flag(flag_id, nxt, evidence if nxt != "off" else None)
        return nxt

    def set_recommendation(self, value: str) -> bool:
        if value not in RECOMMENDATIONS:
            raise ValueError(f"not a recommendation: {value!r}")
        if self._card.recommendation == value:
            return True
        return self._edit(Recommend(value))

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
        text = _typed(text)
        before = self._card.text(*key)
        if before == text:
            return
        self._saved_text.setdefault(key, before)
        self._card = self._card.apply(EditText(*key, text))
        self._drafts.touch(key, self._clock.monotonic())
        self._events.emit("changed")

    def _text_changes(self, keys: list[NoteKey] | None = None) -> list[Change]:
        """Changes for the edited text fields (``keys``, or every one edited), now saved."""
        out: list[Change] = []
        for key in self._drafts.take() if keys is None else keys:
            text = self._card.text(*key)
            old = self._saved_text.get(key, text)
            self._saved_text[key] = text
            change = EditText(*key, text)
            if not self.submitted:
                out.append(change)
            elif old != text:
                amendment = Amendment(self._clock.now(), change, EditText(*key, old))
                self._card = self._card.apply(amendment)
                out.append(amendment)
        return out

    # -- the clock -------------------------------------------------------------------------
    def tick(self) -> None:
        """Called by the UI a few times a second: writes due text, timers and retries.

        Due text and timers go to the background writer while all is well; after a
        failure, and once the round is submitted (amendments), they are written here.
        """
        if self.closed:
            return
        self._settle(wait=False)
        text_due = self._drafts.due(self._clock.monotonic())
        timers_due = self._rc.save_due(TIMER_SAVE_S)
        background = (not self.submitted and not self._writer.pending
                      and self._writer.last_error is None)
        if background and (text_due or timers_due):
            keys = self._drafts.take() if text_due else []
            batch = self._text_changes(keys)
            if timers_due:
                batch.append(self._timer_change())
            self._autosave.submit(Batch(tuple(batch), tuple(keys), timers_due))
            return
        due: list[Change] = []
        if text_due:
            due.extend(self._text_changes())
        if timers_due:
            due.append(self._timer_change())
        if due or self._writer.retry_due(RETRY_S):
            self._commit(*due)

    def flush(self) -> bool:
        """Write everything now (text, timers, anything a failed write left queued)."""
        if self.closed:
            return True
        self._settle(wait=True)  # a failed autosave marks its text to be written below
        due = self._text_changes()
        if not self.submitted:
            due.append(self._timer_change())
        return self._commit(*due)

    def _timer_length(self, which: str) -> float:
        """Minutes from the current item if it sets them, else the first item that does."""
        attr = "listen_minutes" if which == "listen" else "sketch_minutes"
        for it in (*self.items[self.index:self.index + 1], *self.items):
            minutes = getattr(it, attr)
            if minutes:
                return float(minutes) * 60.0
        return DEFAULT_TIMER_S

    def _timer_changed(self, changed: bool) -> bool:
        if changed:
            self._events.emit("changed")
            self._commit(self._timer_change())
        return changed

    def start_round(self) -> bool:
        """Start the round's clock (the first section starts with it)."""
        if self.submitted:
            return False
        return self._timer_changed(self._rc.start(self._timer_length))

    def pause(self) -> bool:
        if self.submitted or not self._rc.running:
            return False
        self._fold()
        return self._timer_changed(self._rc.pause())

    def resume(self) -> bool:
        """Restart the round's clock after ``pause`` (or after reopening a round)."""
        if self.submitted:
            return False
        return self._timer_changed(self._rc.resume(self._timer_length))

    def next_section(self) -> bool:
        if self.submitted:
            return False
        self._fold()
        return self._timer_changed(self._rc.next_section(self._timer_length))

    def start_listen_timer(self, seconds: float | None = None) -> None:
        """(Re)start the listening timer (three minutes unless the item says otherwise)."""
        self._rc.timers.start_listen(seconds or self._timer_length("listen"))
        self._timer_changed(True)

    def start_sketch_timer(self, seconds: float | None = None) -> None:
        """(Re)start the "sketch the system" timer."""
        self._rc.timers.start_sketch(seconds or self._timer_length("sketch"))
        self._timer_changed(True)

    # -- finishing -------------------------------------------------------------------------
    def submit_blocker(self) -> str | None:
        """Why ``submit()`` would refuse right now, or None when it would go through."""
        if self.submitted or self.recommendation is not None:
            return None
        return "choose a recommendation (strong no, no, yes, strong yes) before submitting"

    def submit(self) -> bool:
        """Lock the scorecard; later changes become amendments. Needs a recommendation."""
        if self.submitted:
            return True
        self._settle(wait=True)
        blocker = self.submit_blocker()
        if blocker is not None:
            raise CompanionError(blocker)
        due = self._text_changes()
        self._fold()
        self._rc.pause()
        due.append(self._timer_change())
        at = self._clock.now()
        submit = Submit(at, self._rc.stopped_at() or at)
        self._card = self._card.apply(submit)
        due.append(submit)
        ok = self._commit(*due)
        self._events.emit("submitted")
        return ok

    def close(self) -> bool:
        """Write what is left and release the round (another copy may then open it)."""
        if self.closed:
            return True
        ok = self.flush()
        if ok:
            self.release()
        return ok

    def release(self) -> None:
        """Release the round without writing (after a failure the user chose to abandon)."""
        self._autosave.stop()
        self._writer.closed = True
        self._lock.release()
