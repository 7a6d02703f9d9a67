"""Section timers of a live round, driven by an injected monotonic clock.

Time only counts while the round runs. All running time belongs to the
current section, so the round's elapsed time is the sum of its sections'.
The listening and sketch timers are measured on the round's running time, so
they pause with the round.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from companion.live.pacing import pacing_minutes
from companion.record.scorecard import SectionTiming, to_ms

WARNING_S = 120.0  # the "two minutes left" warning
DEFAULT_TIMER_S = 180.0  # listening and sketch timers: three minutes


@dataclass(frozen=True)
class TimerState:
    """A read-only view of the timers at one moment."""

    running: bool
    round_elapsed_s: float
    section_index: int
    section_title: str
    section_left_s: float
    section_overrun: bool
    section_warning: bool
    listen_left_s: float | None
    sketch_left_s: float | None
    pacing_min: float
    sections: tuple[SectionTiming, ...]
    started: bool = False
    section_elapsed_s: float = 0.0
    listen_s: float | None = None  # length of the listening timer, once started
    sketch_s: float | None = None


@dataclass
class SideTimer:
    """A countdown started at some point of the round's running time."""

    started_at_s: float
    length_s: float

    def left(self, round_elapsed: float) -> float:
        return max(0.0, to_ms(self.length_s - (round_elapsed - self.started_at_s)))


class SectionTimers:
    """Start, pause, resume and advance through the sections of one round."""

    def __init__(self, sections: Sequence[SectionTiming],
                 monotonic: Callable[[], float]) -> None:
        self._sections = tuple(sections)
        self.planned = [float(s.planned_s) for s in sections]
        self.elapsed = [0.0] * len(sections)
        self.index = 0
        self.started = False
        self.listen: SideTimer | None = None
        self.sketch: SideTimer | None = None
        self._mono = monotonic
        self._since: float | None = None  # monotonic start of the open running span

    # -- state ---------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._since is not None

    def _span(self) -> float:
        return 0.0 if self._since is None else max(0.0, self._mono() - self._since)

    def section_elapsed(self, i: int | None = None) -> float:
        i = self.index if i is None else i
        if not self.elapsed:
            return 0.0
        return to_ms(self.elapsed[i] + (self._span() if i == self.index else 0.0))

    def round_elapsed(self) -> float:
        """Running time of the round, in milliseconds (as every reading here)."""
        return to_ms(sum(self.elapsed) + self._span())

    def elapsed_now(self) -> list[float]:
        return [self.section_elapsed(i) for i in range(len(self.elapsed))]

    # -- operations ----------------------------------------------------------------
    def _fold(self) -> None:
        """Close the open span into the current section (keeps running if it was)."""
        if self._since is not None and self.elapsed:
            now = self._mono()
            self.elapsed[self.index] += max(0.0, now - self._since)
            self._since = now

    def start(self) -> bool:
        """Start the round's clock; False if it had already started."""
        if self.started:
            return False
        self.started = True
        self._since = self._mono()
        return True

    def pause(self) -> bool:
        if not self.running:
            return False
        self._fold()
        self._since = None
        return True

    def resume(self) -> bool:
        if self.running:
            return False
        self.started = True
        self._since = self._mono()
        return True

    def next_section(self) -> bool:
        """Move to the next section (time from now on counts there); False at the last."""
        if self.index >= len(self.elapsed) - 1:
            return False
        self._fold()
        self.index += 1
        return True

    def start_listen(self, length_s: float = DEFAULT_TIMER_S) -> None:
        self.listen = SideTimer(self.round_elapsed(), length_s)

    def start_sketch(self, length_s: float = DEFAULT_TIMER_S) -> None:
        self.sketch = SideTimer(self.round_elapsed(), length_s)

    def restore(self, elapsed: Sequence[float], index: int, started: bool,
                listen: SideTimer | None, sketch: SideTimer | None) -> None:
        """Put back a saved state; the clock stays paused until ``resume``."""
        self.elapsed = [float(e) for e in elapsed]
        self.index = max(0, min(index, len(self.elapsed) - 1)) if self.elapsed else 0
        self.started = started
        self.listen, self.sketch = listen, sketch
        self._since = None

    # -- reading -------------------------------------------------------------------
    def state(self, started_at: Sequence[datetime | None] = ()) -> TimerState:
        """Everything the timer display needs, computed at this instant."""
        elapsed = self.elapsed_now()
        total = to_ms(sum(elapsed))
        if elapsed:
            planned = self.planned[self.index]
            left = planned - elapsed[self.index]
            title = self._sections[self.index].title
        else:
            left, title = 0.0, ""
        sections = tuple(
            replace(s, elapsed_s=elapsed[i],
                    started_at=started_at[i] if i < len(started_at) else None)
            for i, s in enumerate(self._sections))
        return TimerState(
            running=self.running,
            round_elapsed_s=total,
            section_index=self.index,
            section_title=title,
            section_left_s=max(0.0, left),
            section_overrun=left < 0,
            section_warning=bool(elapsed) and self.started and left <= WARNING_S,
            listen_left_s=self.listen.left(total) if self.listen else None,
            sketch_left_s=self.sketch.left(total) if self.sketch else None,
            pacing_min=pacing_minutes(self.planned, elapsed, self.index),
            sections=sections,
            started=self.started,
            section_elapsed_s=elapsed[self.index] if elapsed else 0.0,
            listen_s=self.listen.length_s if self.listen else None,
            sketch_s=self.sketch.length_s if self.sketch else None,
        )
