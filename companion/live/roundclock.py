"""The clock side of a live round: section timers, wall times, and time per item.

Wraps ``SectionTimers`` (pure arithmetic on a monotonic clock) with what the
record needs: when each section started and was paused (wall time), which
side timer a section starts, and how long was spent on each item.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from companion.live.clock import Clock
from companion.live.timers import SectionTimers, SideTimer, TimerState
from companion.record.changes import TimerRecord
from companion.record.scorecard import SectionTiming, to_ms

# Whether a section starts a side timer: "listen", "sketch" or "".
SectionTimerKind = str


class RoundClock:
    """Timers of one round; every change is reported back as a ``TimerRecord`` to save."""

    def __init__(self, sections: tuple[SectionTiming, ...],
                 kinds: tuple[SectionTimerKind, ...], clock: Clock,
                 empty: tuple[bool, ...] = ()) -> None:
        self._clock = clock
        self.timers = SectionTimers(sections, clock.monotonic)
        self.kinds = kinds if len(kinds) == len(sections) else ("",) * len(sections)
        # Sections with nothing to show in this round: next_section passes them by.
        self.empty = empty if len(empty) == len(sections) else (False,) * len(sections)
        self.started_at: list[datetime | None] = [None] * len(sections)
        self.paused_at: list[datetime | None] = [None] * len(sections)
        self.item_time: dict[str, float] = {}
        self._item_mark = 0.0  # round second at which the current item was entered
        self.last_save = clock.monotonic()

    # -- reading ----------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.timers.running

    def state(self) -> TimerState:
        return self.timers.state(self.started_at)

    def on_item(self) -> float:
        """Running time on the current item not yet added to its total."""
        return max(0.0, to_ms(self.timers.round_elapsed() - self._item_mark))

    def record(self, current_index: int) -> TimerRecord:
        """Everything to save, as of now."""
        t = self.timers
        self.last_save = self._clock.monotonic()
        return TimerRecord(
            round_elapsed_s=t.round_elapsed(), section_index=t.index, started=t.started,
            section_elapsed=tuple(t.elapsed_now()), section_started_at=tuple(self.started_at),
            section_paused_at=tuple(self.paused_at),
            listen=(t.listen.started_at_s, to_ms(t.listen.length_s)) if t.listen else None,
            sketch=(t.sketch.started_at_s, to_ms(t.sketch.length_s)) if t.sketch else None,
            item_time=tuple(self.item_time.items()), current_index=current_index)

    def stopped_at(self) -> datetime | None:
        """When the clock last stopped (None while it runs or before it first stopped)."""
        if self.running:
            return None
        return max((t for t in self.paused_at if t is not None), default=None)

    def save_due(self, every_s: float) -> bool:
        return self.running and self._clock.monotonic() - self.last_save >= every_s

    # -- changing ---------------------------------------------------------------------
    def fold_item(self, item_id: str) -> None:
        """Add the running time since the last fold to ``item_id`` (the item on screen)."""
        now = self.timers.round_elapsed()
        self.item_time[item_id] = to_ms(self.item_time.get(item_id, 0.0) + max(
            0.0, now - self._item_mark))
        self._item_mark = now

    def start(self, length_for: Callable[[str], float]) -> bool:
        if not self.timers.start():
            return False
        self._item_mark = self.timers.round_elapsed()
        self._enter_section(length_for)
        return True

    def pause(self) -> bool:
        if not self.timers.pause():
            return False
        self.paused_at[self.timers.index] = self._clock.now()
        return True

    def resume(self, length_for: Callable[[str], float]) -> bool:
        first = not self.timers.started
        if not self.timers.resume():
            return False
        self._item_mark = self.timers.round_elapsed()
        self.paused_at[self.timers.index] = None
        if first:
            self._enter_section(length_for)
        return True

    def next_section(self, length_for: Callable[[str], float]) -> bool:
        if not self.timers.next_section():
            return False
        # Past a section with nothing to show, unless it is the last one.
        while self.empty[self.timers.index] and self.timers.next_section():
            pass
        self._enter_section(length_for)
        return True

    def _enter_section(self, length_for: Callable[[str], float]) -> None:
        i = self.timers.index
        if self.started_at[i] is None:
            self.started_at[i] = self._clock.now()
        if self.kinds[i] == "listen":
            self.timers.start_listen(length_for("listen"))
        elif self.kinds[i] == "sketch":
            self.timers.start_sketch(length_for("sketch"))

    def restore(self, t: TimerRecord) -> None:
        """Put back a saved state, paused."""
        def side(v: tuple[float, float] | None) -> SideTimer | None:
            return SideTimer(v[0], v[1]) if v else None

        self.timers.restore(t.section_elapsed, t.section_index, t.started, side(t.listen),
                            side(t.sketch))
        self.started_at = list(t.section_started_at)
        self.paused_at = list(t.section_paused_at)
        self.item_time.update(dict(t.item_time))
        self._item_mark = self.timers.round_elapsed()
