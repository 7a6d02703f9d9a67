"""What the engine tells its views: a tiny publish/subscribe without Qt."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

log = logging.getLogger(__name__)

EventKind = Literal["changed", "navigated", "saved", "save_failed", "submitted"]


@dataclass(frozen=True)
class EngineEvent:
    kind: EventKind
    message: str = ""  # the error text for "save_failed"


class Emitter:
    """Calls subscribers in order; a failing subscriber is logged, never breaks the engine."""

    def __init__(self) -> None:
        self._subs: list[Callable[[EngineEvent], None]] = []

    def subscribe(self, callback: Callable[[EngineEvent], None]) -> Callable[[], None]:
        self._subs.append(callback)

        def unsubscribe() -> None:
            if callback in self._subs:
                self._subs.remove(callback)

        return unsubscribe

    def emit(self, kind: EventKind, message: str = "") -> None:
        event = EngineEvent(kind, message)
        for cb in list(self._subs):
            try:
                cb(event)
            except Exception:
                log.exception("engine subscriber failed on %s", kind)
