"""Round clock, section countdown, listen and sketch timers, and the pacing hint.

The engine owns time (``TimerState``); this strip only formats it. A section with
two minutes or less left turns amber; an overrun turns red and says "+01:23 over".
"""

from __future__ import annotations

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from companion.live.timers import TimerState
from companion.ui.live.common import (
    SMALL_PT,
    TIMER_PT,
    Zoomable,
    describe,
    mmss,
    sized_font,
    tap_button,
)
from companion.ui.theme import set_look

TIMER_HELP: dict[str, str] = {
    "timer.toggle": "Start the round clock, or pause and resume it.",
    "timer.listen.start": "Start the listening timer: let them talk without interrupting.",
    "timer.sketch.start": "Start the timer for sketching the system.",
    "timer.next_section": "Close this section and start the next one's countdown.",
}


def overrun_seconds(ts: TimerState) -> float:
    """Seconds the current section has run past its plan (0 when within it)."""
    if not ts.section_overrun:
        return 0.0
    idx = ts.section_index
    if 0 <= idx < len(ts.sections):
        return max(0.0, ts.section_elapsed_s - ts.sections[idx].planned_s)
    return 0.0


def _box(name: str, parent: QWidget) -> tuple[QFrame, QLabel, QLabel]:
    frame = QFrame(parent)
    frame.setObjectName(f"{name}.box")
    caption = QLabel(frame)
    caption.setObjectName(f"{name}.caption")
    value = QLabel(frame)
    value.setObjectName(name)
    lay = QVBoxLayout(frame)
    lay.setContentsMargins(8, 2, 8, 2)
    lay.setSpacing(0)
    lay.addWidget(caption)
    lay.addWidget(value)
    return frame, caption, value


class TimersView(QWidget, Zoomable):
    """A strip of timers; the buttons emit intent only."""

    toggle_clock = Signal()
    start_listen = Signal()
    start_sketch = Signal()
    next_section = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("timers.strip")
        self._compact = False
        self.round_box, self.round_caption, self.round = _box("timer.round", self)
        self.section_box, self.section_caption, self.section = _box("timer.section", self)
        self.listen_box, self.listen_caption, self.listen = _box("timer.listen", self)
        self.sketch_box, self.sketch_caption, self.sketch = _box("timer.sketch", self)
        self.round_caption.setText("Round")
        self.listen_caption.setText("Listen, don't interrupt")
        self.sketch_caption.setText("Sketch")
        self.pacing = QLabel(self)
        self.pacing.setObjectName("timer.pacing")
        self.pacing.setToolTip("The round, if the rest goes to plan, ends this much later")

        self.clock_btn = self._button("timer.toggle", "Start clock", "Ctrl+Shift+P",
                                      self.toggle_clock)
        self.listen_btn = self._button("timer.listen.start", "Listen 3:00", "F2",
                                       self.start_listen)
        self.sketch_btn = self._button("timer.sketch.start", "Sketch 3:00", "F3",
                                       self.start_sketch)
        self.section_btn = self._button("timer.next_section", "Next section", "F4",
                                        self.next_section)

        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        for w in (self.round_box, self.clock_btn, self.section_box, self.section_btn,
                  self.listen_box, self.listen_btn, self.sketch_box, self.sketch_btn):
            lay.addWidget(w)
        lay.addStretch(1)
        self._apply_fonts()

    def _button(self, name: str, text: str, key: str, signal: SignalInstance) -> QPushButton:
        btn = tap_button(self, f"{text} ({key})", name)
        btn.clicked.connect(signal.emit)
        describe(btn, text, TIMER_HELP[name], key)
        return btn

    def show_state(self, ts: TimerState, listen_minutes: int | None = None,
                   sketch_minutes: int | None = None) -> None:
        """Render a ``TimerState``; the minutes say whether the item offers those timers."""
        running = ts.running
        started = ts.started
        self.round.setText(mmss(ts.round_elapsed_s))
        label = "Pause clock" if running else ("Resume clock" if started else "Start clock")
        self.clock_btn.setText(f"{label} (Ctrl+Shift+P)")
        self.clock_btn.setAccessibleName(label)
        self.round_caption.setText("Round" if running else
                                   "Round (paused)" if started else "Round (not started)")

        total = len(ts.sections)
        idx = ts.section_index
        where = f"{idx + 1}/{total} " if total else ""
        over = overrun_seconds(ts)
        if over > 0:
            self.section_caption.setText(f"{where}{ts.section_title} — over time")
            self.section.setText(f"+{mmss(over)} over")
            state = "over"
        else:
            self.section_caption.setText(f"{where}{ts.section_title}")
            self.section.setText(f"{mmss(ts.section_left_s)} left")
            state = "warning" if ts.section_warning else "ok"
        self._set_state(self.section_box, state)
        self.section_btn.setEnabled(total == 0 or idx + 1 < total)

        self._timer(self.listen_box, self.listen, self.listen_btn, ts.listen_left_s,
                    listen_minutes, "Listen")
        self._timer(self.sketch_box, self.sketch, self.sketch_btn, ts.sketch_left_s,
                    sketch_minutes, "Sketch")

        pace = ts.pacing_min
        behind = round(-pace)
        if behind >= 1:
            self.pacing.setText(f"{behind} min behind plan")
            self._set_state(self.pacing, "warning")
        else:
            self.pacing.setText("")
            self._set_state(self.pacing, "ok")
        self.pacing.setVisible(behind >= 1)

    def _timer(self, box: QFrame, value: QLabel, button: QPushButton, left: float | None,
               minutes: int | None, name: str) -> None:
        running = left is not None and left > 0
        # A finished timer stays on screen ("done") only on the item that uses it.
        shown = running or (left is not None and bool(minutes))
        box.setVisible(shown)
        key = "F2" if name == "Listen" else "F3"
        # On every item: F2 and F3 work everywhere, so their buttons show everywhere.
        button.setVisible(not running and not self._compact)
        button.setText(f"{'Restart' if left is not None else name} {minutes or 3}:00 ({key})")
        if shown:
            value.setText(mmss(left or 0.0) if running else "done")
            self._set_state(box, "running" if running else "done")

    @staticmethod
    def _set_state(widget: QWidget, state: str) -> None:
        set_look(widget, "timerstate", state)

    def set_compact(self, compact: bool) -> None:
        """Compact: the clocks only; their controls stay on the keyboard (and in the help)."""
        self._compact = compact
        self._apply_fonts()
        for btn in (self.clock_btn, self.section_btn):
            btn.setVisible(not compact)
        if compact:
            self.listen_btn.hide()
            self.sketch_btn.hide()

    def _apply_fonts(self) -> None:
        base = self.font()
        z = self._zoom
        for cap in (self.round_caption, self.section_caption, self.listen_caption,
                    self.sketch_caption):
            cap.setFont(sized_font(base, SMALL_PT, z))
        # Compact: smaller clocks, so a 720-pixel screen keeps room for every control.
        big = TIMER_PT * (0.75 if self._compact else 1.0)
        for val in (self.round, self.listen, self.sketch):
            val.setFont(sized_font(base, big * 0.8, z, bold=True))
        self.section.setFont(sized_font(base, big, z, bold=True))
        self.pacing.setFont(sized_font(base, SMALL_PT + 1, z, bold=True))
        for btn in (self.clock_btn, self.listen_btn, self.sketch_btn, self.section_btn):
            btn.setFont(sized_font(base, SMALL_PT, z))
