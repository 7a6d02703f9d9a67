"""Engine events as Qt signals, and the one clock tick every timer display reads.

The live engine is plain Python: it calls subscriber callbacks with an
``EngineEvent``. ``EngineBridge`` is the only subscriber in the window: it turns
each event into a Qt signal, and owns the QTimer that calls ``engine.tick()``
about four times a second (which also writes note edits that are due) and then
emits ``ticked``. The main window connects these signals to the banner, the
live view and the finish page; no widget subscribes to the engine or runs a
timer of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:  # the engine (and the store under it) loads when a round opens
    from companion.live.engine import RoundEngine
    from companion.live.events import EngineEvent

log = logging.getLogger("companion.ui.bridge")

TICK_MS = 250


class EngineBridge(QObject):
    """Re-emits engine events as signals; ticks the engine while attached."""

    changed = Signal()
    navigated = Signal()
    saved = Signal()
    save_failed = Signal(str)
    submitted = Signal()
    ticked = Signal()  # after each engine.tick(): timer displays read engine.timers()

    def __init__(self, parent: QObject | None = None, tick_ms: int = TICK_MS) -> None:
        super().__init__(parent)
        self.engine: RoundEngine | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("engineTick")
        self._timer.setInterval(tick_ms)
        self._timer.timeout.connect(self.tick)

    @property
    def timer(self) -> QTimer:
        return self._timer

    def attach(self, engine: RoundEngine) -> None:
        """Follow ``engine`` (detaching from any previous one) and start ticking it."""
        self.detach()
        self.engine = engine
        self._unsubscribe = engine.subscribe(self._on_event)
        self._timer.start()

    def detach(self) -> None:
        """Stop ticking and stop listening; the engine itself is left as it is."""
        self._timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._unsubscribe = None
        self.engine = None

    def tick(self) -> None:
        """Advance the engine's clock-driven state once and tell the displays."""
        if self.engine is None:
            return
        self.engine.tick()
        self.ticked.emit()

    def _on_event(self, event: EngineEvent) -> None:
        kind = event.kind
        if kind == "save_failed":
            message = event.message or "unknown reason"
            log.warning("autosave failed: %s", message)
            self.save_failed.emit(message)
        elif kind == "changed":
            self.changed.emit()
        elif kind == "navigated":
            self.navigated.emit()
        elif kind == "saved":
            self.saved.emit()
        elif kind == "submitted":
            self.submitted.emit()
