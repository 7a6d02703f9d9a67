"""One practice set in progress: show an answer, take a rating, then reveal.

The order is the point of frame-of-reference training: the rater commits to a level
before learning the intended one, so a rating cannot be changed after the reveal.
Each rating is stored as it is given (``history``), so a set left half-way keeps
what was rated.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from companion.content.model import CUE_LEVELS, Pack
from companion.practice import draw
from companion.practice.model import PracticeItem, Rated
from companion.practice.scoring import Figures, Tally, figures, misses

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SetChoice:
    """What a set was drawn for."""

    interviewer: str
    archetype: str
    dimension: str | None = None


class PracticeRecorder:
    """Where a session's ratings go: ``history.StoredSet`` writes them to the local file;
    this base keeps nothing (a set drawn only to look at it, as tests do)."""

    def begin(self, choice: SetChoice, items: tuple[PracticeItem, ...], pack: Pack,
              at: datetime) -> None: ...

    def rated(self, position: int, rated: Rated, at: datetime) -> None: ...

    def finished(self, at: datetime) -> None: ...


class PracticeSession:
    """A drawn set and how far the rater has come through it."""

    def __init__(self, pack: Pack, choice: SetChoice, items: tuple[PracticeItem, ...],
                 recorder: PracticeRecorder | None = None, clock: Clock = _now) -> None:
        self.pack = pack
        self.choice = choice
        self.items = items
        self.index = 0
        self.ratings: list[Rated] = []
        self._recorder = recorder or PracticeRecorder()
        self._clock = clock
        self._recorder.begin(choice, items, pack, clock())

    @classmethod
    def draw(cls, pack: Pack, choice: SetChoice, recorder: PracticeRecorder | None = None,
             rng: random.Random | None = None, clock: Clock = _now) -> PracticeSession:
        """A new set for ``choice``; PracticeError when the pack cannot fill one."""
        items = draw.draw_set(draw.pool(pack, choice.archetype, choice.dimension),
                              rng or random.Random())
        return cls(pack, choice, items, recorder, clock)

    @property
    def current(self) -> PracticeItem | None:
        return self.items[self.index] if self.index < len(self.items) else None

    @property
    def revealed(self) -> bool:
        """Whether the current item was rated, so its intended level may be shown."""
        return len(self.ratings) > self.index

    @property
    def finished(self) -> bool:
        return self.index >= len(self.items)

    def rate(self, level: str) -> Rated | None:
        """Rate the current item; None (and nothing recorded) once it is revealed."""
        if level not in CUE_LEVELS:
            raise ValueError(f"not a level: {level!r}")
        item = self.current
        if item is None or self.revealed:
            return None
        rated = Rated(item, level)
        self._recorder.rated(self.index, rated, self._clock())
        self.ratings.append(rated)
        return rated

    def next(self) -> bool:
        """Move on after a reveal; False (no move) while the current item is unrated."""
        if self.finished or not self.revealed:
            return False
        self.index += 1
        if self.index == len(self.items):
            self._recorder.finished(self._clock())
        return True

    def tally(self) -> Tally:
        return Tally.of(self.ratings)

    def figures(self) -> Figures:
        return figures(self.tally())

    def misses(self) -> list[Rated]:
        return misses(self.ratings)
