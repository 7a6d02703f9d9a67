"""Small formatting helpers both PDF exports share: times, durations, level titles."""

from __future__ import annotations

from datetime import datetime

from companion.content.model import Pack
from companion.record.scorecard import Scorecard


def when(at: datetime | None) -> str:
    """A timestamp as printed: UTC, to the minute."""
    if at is None:
        return "-"
    return at.strftime("%Y-%m-%d %H:%M UTC")


def duration(seconds: float | None) -> str:
    """Seconds as "42 min 05 s", "15 min", "5 s" or "1 h 02 min"; never negative."""
    if seconds is None:
        return "-"
    total = max(round(seconds), 0)
    mins, secs = divmod(total, 60)
    if mins >= 60:
        hours, mins = divmod(mins, 60)
        return f"{hours} h {mins:02d} min"
    if not mins:
        return f"{secs} s"
    return f"{mins} min {secs:02d} s" if secs else f"{mins} min"


def offset(sc: Scorecard, at: datetime | None) -> str:
    """A moment as minutes:seconds into the round, the way interviewers recall it."""
    if at is None:
        return "-"
    secs = max(int((at - sc.started_at).total_seconds()), 0)
    return f"{secs // 60}:{secs % 60:02d} into the round"


def level_title(pack: Pack, level: str) -> str:
    found = pack.find_level(level)
    return found.title if found else level
