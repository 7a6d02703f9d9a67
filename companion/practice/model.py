"""What a practice set is made of: one shown answer, and the rating it got."""

from __future__ import annotations

from dataclasses import dataclass

from companion.content.model import CUE_LEVELS

# Steps on the anchored scale, very thin lowest: a signed error above zero rates an
# answer higher than the level it was written to show (lenient), below zero harsher.
STEP: dict[str, int] = {level: len(CUE_LEVELS) - i for i, level in enumerate(CUE_LEVELS)}
SET_SIZE = 12
# Off by this many steps or more counts as a miss worth reading again.
MISS_STEPS = 2


@dataclass(frozen=True)
class PracticeItem:
    """One sample answer as a practice set shows it.

    ``target`` is the failure-probe target for an answer to the failure probe, else
    None (the answer to the item itself).
    """

    sample_id: str
    item_id: str
    level: str
    answer: str
    why: str
    target: str | None = None

    @property
    def key(self) -> str:
        """Unique within a pack: the sample id, plus the target for a failure answer."""
        return self.sample_id if self.target is None else f"{self.sample_id}/{self.target}"


@dataclass(frozen=True)
class Rated:
    """One practice item and the level the interviewer gave it."""

    item: PracticeItem
    rating: str

    @property
    def error(self) -> int:
        """Signed steps from the intended level: + rated higher, - rated lower."""
        return STEP[self.rating] - STEP[self.item.level]

    @property
    def exact(self) -> bool:
        return self.error == 0

    @property
    def within_one(self) -> bool:
        return abs(self.error) <= 1

    @property
    def missed(self) -> bool:
        return abs(self.error) >= MISS_STEPS
