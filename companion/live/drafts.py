"""Typed text waiting to be written: which fields changed, and when.

Notes are written once the keyboard has been quiet for a moment, and never
later than a set time after the first unsaved keystroke, so steady typing is
saved too. With the UI ticking four times a second both bounds keep a note
durable within a second of the keystroke.
"""

from __future__ import annotations

NoteKey = tuple[str, str]  # (item id or ROUND, "said" | "read" | "summary")

IDLE_S = 0.4  # quiet this long after the last keystroke: write
MAX_AGE_S = 0.8  # the oldest unsaved keystroke is this old: write anyway


class Drafts:
    """The set of text fields edited since they were last written."""

    def __init__(self) -> None:
        self._dirty: dict[NoteKey, tuple[float, float]] = {}  # key -> (first, last) edit

    def __bool__(self) -> bool:
        return bool(self._dirty)

    def touch(self, key: NoteKey, now: float) -> None:
        first, _ = self._dirty.get(key, (now, now))
        self._dirty[key] = (first, now)

    def due(self, now: float, idle_s: float = IDLE_S, max_age_s: float = MAX_AGE_S) -> bool:
        if not self._dirty:
            return False
        first = min(f for f, _ in self._dirty.values())
        last = max(t for _, t in self._dirty.values())
        return now - last >= idle_s or now - first >= max_age_s

    def take(self) -> list[NoteKey]:
        """The edited keys, forgetting them (their text is about to be written)."""
        keys = list(self._dirty)
        self._dirty.clear()
        return keys
