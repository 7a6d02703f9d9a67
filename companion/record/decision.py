"""The panel's decision on a candidate, as plain data.

The panel lead records it once the loop is over: hire (with the level offered),
no hire, or withdrawn (the candidate left before a decision). Calibration
compares each interviewer's recommendation with it; the debrief PDF prints it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from companion.base.errors import CompanionError

OUTCOMES: tuple[str, ...] = ("hire", "no_hire", "withdrawn")
OUTCOME_LABEL: dict[str, str] = {"hire": "Hire", "no_hire": "No hire", "withdrawn": "Withdrawn"}


@dataclass(frozen=True)
class Decision:
    """Who decided what about ``candidate``, and when (UTC). ``level`` only with a hire."""

    candidate: str
    outcome: str
    decided_by: str
    decided_at: datetime
    level: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise CompanionError(f"a decision is one of {', '.join(OUTCOMES)}, "
                                 f"not {self.outcome!r}")
        if self.outcome == "hire" and not (self.level or "").strip():
            raise CompanionError("a hire needs the level offered (mid, senior, staff)")
        if self.outcome != "hire" and self.level:
            raise CompanionError("only a hire has a level offered")
        if not self.candidate.strip():
            raise CompanionError("a decision needs the candidate's name")
        if not self.decided_by.strip():
            raise CompanionError("a decision needs the name of whoever made it")

    @property
    def decided(self) -> bool:
        """Hire or no hire: a decision about the candidate (withdrawn is not one)."""
        return self.outcome in ("hire", "no_hire")

    def describe(self, level_title: str | None = None) -> str:
        """"Hire at Senior", "No hire" or "Withdrawn"."""
        if self.outcome == "hire":
            return f"Hire at {level_title or self.level}"
        return OUTCOME_LABEL[self.outcome]
