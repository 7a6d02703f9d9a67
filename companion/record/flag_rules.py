"""Red-flag rules the window asks instead of working out: what counts as raised, and
whether evidence is new.

Plain Python over ``FlagRecord``; the live engine applies ``evidence_to_store`` on
every cycle, and the live view and its finish page count raised flags with
``raised_on``.
"""

from __future__ import annotations

from collections.abc import Iterable

from companion.record.scorecard import FlagRecord


def is_raised(record: FlagRecord | None) -> bool:
    """Probed once or confirmed: anything but off."""
    return record is not None and record.state != "off"


def raised_on(flags: Iterable[FlagRecord], item_id: str) -> int:
    """How many flags are raised and were raised while ``item_id`` was on screen."""
    return sum(1 for f in flags if is_raised(f) and f.item_id == item_id)


def evidence_to_store(record: FlagRecord | None, evidence: str | None) -> str | None:
    """``evidence`` unless it is empty or already the flag's evidence (never stored twice)."""
    text = (evidence or "").strip()
    if not text or (record is not None and record.evidence == text):
        return None
    return text
