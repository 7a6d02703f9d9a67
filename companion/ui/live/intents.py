"""What the interviewer's taps and keys mean: each becomes one call on the engine.

``IntentsMixin`` is half of ``LiveView``: it owns no widgets and no rules, it
reads the engine's state when a forwarder needs it (to keep a probe's rating
when its box is ticked, say) and reports refusals as a message, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from PySide6.QtCore import QTimer, SignalInstance
from PySide6.QtWidgets import QLabel, QScrollArea

from companion.base.errors import CompanionError, StorageError
from companion.live.engine import RoundEngine
from companion.record.scorecard import ItemRecord, ProbeAnswer
from companion.ui.live.notes import NotesPanel
from companion.ui.live.probes import ProbesPanel

P = ParamSpec("P")
R = TypeVar("R")


def probe_answer(record: ItemRecord | None, probe_id: str | None) -> ProbeAnswer | None:
    """What ``record`` holds for probe ``probe_id``, if anything."""
    if record is None or probe_id is None:
        return None
    return next((a for a in record.probes if a.probe_id == probe_id), None)


class IntentsMixin:
    """Forwarders for ``LiveView``; the attributes below are set up by the view."""

    engine: RoundEngine
    probes: ProbesPanel
    notes: NotesPanel
    message: QLabel
    problem: SignalInstance  # Signal(str) of the view
    _target: str | None
    _item_id: str | None
    _last_notes: str
    _editing_notes: bool
    _scroll: QScrollArea

    # Provided by the view.
    def refresh_state(self) -> None: ...

    def refresh_timers(self) -> None: ...

    def _refocus(self) -> None: ...

    def rate(self, value: str) -> None:
        """A rubric tap or key: rates the picked probe row if there is one, else the item."""
        if not self.engine.items:
            self._show_message("This round has no questions to rate; use the notes.")
            return
        target = self._target
        if target is not None:
            self._target = None
            self._call(self.engine.answer_probe, target, asked=True, rating=value)
        else:
            self._call(self.engine.rate, value)
        self._refocus()

    def pick_probe_row(self, number: int) -> None:
        """Ctrl+number: mark row asked; a failure row also becomes the rubric's target."""
        row = self.probes.row_at(number)
        if row is None:
            return
        pid = row.probe_id
        answer = self._probe_answer(pid)
        asked = bool(answer and answer.asked)
        rating = answer.rating if answer else None
        if not row.chips:
            self._call(self.engine.answer_probe, pid, asked=not asked, rating=rating)
        elif self._target == pid:
            self._set_target(None)
        else:
            if not asked:
                self._call(self.engine.answer_probe, pid, asked=True, rating=rating)
            self._set_target(pid)
            self._scroll.ensureWidgetVisible(row)
        self._refocus()

    def cycle_flag(self, flag_id: str) -> None:
        """F5..F9 or a click: next flag state; words selected in the notes become evidence
        (the engine leaves out evidence the flag already has)."""
        self._call(self.engine.cycle_flag, flag_id, self._notes_selection() or None)
        self._refocus()

    def jump_to(self, index: int) -> None:
        """A pick in the jump list; the caret goes back to the notes even if nothing moved."""
        self._call(self.engine.jump, index)
        # The closing popup hands focus back to the combo box; take it back after that.
        QTimer.singleShot(0, self._refocus)

    def recommend(self, value: str) -> None:
        self._call(self.engine.set_recommendation, value)

    def start_side_timer(self, which: str) -> None:
        """F2 / F3: the candidate is talking or drawing, so a stopped round clock starts
        (or resumes) with the listen or sketch timer."""
        ts = self.engine.timers()
        if not ts.running and not self.engine.submitted:
            self._call(self.engine.resume if ts.started else self.engine.start_round)
        if which == "listen":
            self._call(self.engine.start_listen_timer)
        else:
            self._call(self.engine.start_sketch_timer)
        self.refresh_timers()

    def toggle_clock(self) -> None:
        ts = self.engine.timers()
        if ts.running:
            self._call(self.engine.pause)
        elif ts.started:
            self._call(self.engine.resume)
        else:
            self._call(self.engine.start_round)
        self.refresh_timers()
        self._refocus()

    def _call(self, method: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R | None:
        """Forward one intent; a user-facing problem becomes a message, not a crash."""
        try:
            result = method(*args, **kwargs)
        except CompanionError as exc:
            self._show_message(str(exc))
            if isinstance(exc, StorageError):  # a failed write also goes to the window's banner
                self.problem.emit(str(exc))
            return None
        self.message.hide()
        return result

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def _notes_edited(self, field: str, text: str) -> None:
        self._last_notes = field
        self._editing_notes = True
        try:
            self._call(self.engine.edit_notes, field, text, item_id=self._item_id)
        finally:
            self._editing_notes = False
        if self.notes.save_state() != "failed" or not self.engine.has_unsaved_notes:
            self.notes.show_saving()

    def _flush_notes(self) -> None:
        self._call(self.engine.flush)

    def _probe_asked(self, probe_id: str, asked: bool) -> None:
        answer = self._probe_answer(probe_id)
        rating = answer.rating if answer else None  # ticking the box keeps the rating
        self._call(self.engine.answer_probe, probe_id, asked=asked, rating=rating)
        self._refocus()

    def _probe_rated(self, probe_id: str, value: str) -> None:
        self._call(self.engine.answer_probe, probe_id, asked=True, rating=value)
        self._refocus()

    def _flag_evidence(self, flag_id: str, text: str) -> None:
        state = self.engine.flag_state(flag_id)
        if state != "off":
            self._call(self.engine.set_flag, flag_id, state, evidence=text)

    def _set_target(self, probe_id: str | None) -> None:
        self._target = probe_id
        self.refresh_state()

    def _probe_answer(self, probe_id: str) -> ProbeAnswer | None:
        if not self.engine.items:
            return None
        return probe_answer(self.engine.record(), probe_id)

    def _target_rating(self, record: ItemRecord | None) -> str | None:
        if record is None:
            return None
        if self._target is None:
            return record.rating
        answer = probe_answer(record, self._target)
        return answer.rating if answer else None

    def _notes_selection(self) -> str:
        for edit in self.notes.fields.values():
            cursor = edit.textCursor()
            if edit.hasFocus() and cursor.hasSelection():
                return cursor.selectedText().replace("\u2029", " ").strip()
        return ""

