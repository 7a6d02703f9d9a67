"""Small formatting helpers both PDF exports share: times, labels, amendment names."""

from __future__ import annotations

from datetime import datetime

from companion.content.model import Pack
from companion.export.analysis import item_title
from companion.scorecard import RATING_LABEL, RECOMMENDATION_LABEL, Amendment, Scorecard


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


def rating_label(value: str | None) -> str:
    if value is None:
        return "Not rated"
    return RATING_LABEL.get(value, value)


def recommendation_label(value: str | None) -> str:
    if value is None:
        return "No recommendation recorded"
    return RECOMMENDATION_LABEL.get(value, value)


def level_title(pack: Pack, level: str) -> str:
    try:
        return pack.level(level).title
    except KeyError:
        return level


def amendment_subject(pack: Pack, a: Amendment) -> str:
    """What an amendment changed, in words: "rating of Caching", "round notes (my read)"."""
    parts = a.field.split(":")
    kind = parts[0]
    target = parts[-1] if len(parts) > 1 else ""
    if kind == "notes" and len(parts) >= 2:
        which = {"said": "what they said", "read": "my read"}.get(parts[1], parts[1])
        if len(parts) == 2 or target in ("", "round"):
            return f"round notes ({which})"
        return f"notes ({which}) on {item_title(pack, target)}"
    if kind == "rating" and target:
        return f"rating of {item_title(pack, target)}"
    if kind == "probe" and target:
        return f"probe {parts[1] if len(parts) > 2 else ''} on {item_title(pack, target)}".strip()
    if kind == "flag" and target:
        try:
            return f"red flag {pack.red_flag(target).title}"
        except KeyError:
            return f"red flag {target}"
    return {"summary": "summary", "recommendation": "recommendation"}.get(kind, a.field)


def amended_targets(sc: Scorecard) -> set[str]:
    """Item ids and top-level fields touched by an amendment (for "amended" marks)."""
    out: set[str] = set()
    for a in sc.amendments:
        parts = a.field.split(":")
        out.add(parts[0] if len(parts) == 1 else parts[-1])
    return out
