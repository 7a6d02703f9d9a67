"""Small formatting helpers both PDF exports share: times, labels, amendment names."""

from __future__ import annotations

import json
from datetime import datetime

from companion.content.model import Item, Pack
from companion.export.analysis import item_title
from companion.scorecard import RATING_LABEL, RECOMMENDATION_LABEL, Amendment, Scorecard

# A flag's state as printed; "off" after having been raised means it was cleared.
FLAG_STATE_LABEL = {"probed": "Probed", "confirmed": "Confirmed", "off": "Cleared"}


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
    found = pack.find_level(level)
    return found.title if found else level


# Amendment field names, as the live engine writes them:
#   rating:<item>  probe:<item>:<probe>  flag:<flag>  recommendation  summary
#   notes:<said|read>  (round notes)     notes:<said|read>:<item>
_NOTE_NAME = {"said": "what they said", "read": "my read"}


def amendment_item(a: Amendment) -> str | None:
    """The question or scenario an amendment touched, if any."""
    parts = a.field.split(":")
    if parts[0] in ("rating", "probe") and len(parts) >= 2:
        return parts[1]
    if parts[0] == "notes" and len(parts) >= 3:
        return parts[2]
    return None


def amendment_subject(pack: Pack, a: Amendment) -> str:
    """What an amendment changed, in words: "rating of Caching", "round notes (my read)"."""
    parts = a.field.split(":")
    kind = parts[0]
    item = amendment_item(a)
    if kind == "notes" and len(parts) >= 2:
        which = _NOTE_NAME.get(parts[1], parts[1])
        return f"notes ({which}) on {item_title(pack, item)}" if item else f"round notes ({which})"
    if kind == "rating" and item:
        return f"rating of {item_title(pack, item)}"
    if kind == "probe" and item:
        probe = parts[2] if len(parts) > 2 else ""
        if probe.startswith("failure."):
            return f"failure probe ({probe.removeprefix('failure.')}) on {item_title(pack, item)}"
        text = probe_text(pack.find_item(item), probe)
        return f"probe \u201c{text}\u201d on {item_title(pack, item)}"
    if kind == "flag" and len(parts) > 1:
        flag = pack.find_red_flag(parts[1])
        return f"red flag {flag.title if flag else parts[1]}"
    return {"summary": "summary", "recommendation": "recommendation"}.get(kind, a.field)


def amendment_value(a: Amendment, value: str) -> str:
    """An amended value as a reader knows it: labels for ids, probe answers in words."""
    kind = a.field.split(":")[0]
    if kind == "rating":
        return rating_label(value or None)
    if kind == "recommendation":
        return recommendation_label(value or None)
    if kind == "flag":
        return "Off" if value == "off" else FLAG_STATE_LABEL.get(value, value)
    if kind == "probe":
        return _probe_value(value)
    return value.strip() or "(empty)"


def _probe_value(value: str) -> str:
    # The engine stores a probe's before/after as JSON: {"asked", "rating", "note"}.
    try:
        data = json.loads(value) if value.strip() else {}
    except ValueError:
        return value.strip() or "(empty)"
    if not isinstance(data, dict) or not data:
        return "(not recorded)"
    asked = "asked" if data.get("asked") else "not asked"
    rating = data.get("rating")
    note = str(data.get("note") or "").strip()
    text = f"{asked}, {rating_label(rating if isinstance(rating, str) else None)}"
    return f"{text}: {note}" if note else text


def amended_targets(sc: Scorecard) -> set[str]:
    """Item ids and top-level fields ("summary", "recommendation") touched by amendments."""
    out: set[str] = set()
    for a in sc.amendments:
        item = amendment_item(a)
        out.add(item if item else a.field.split(":")[0])
    return out


def probe_text(item: Item | None, probe_id: str) -> str:
    """The wording of a probe as the pack gives it, or its id if the pack lacks it."""
    if item:
        for p in item.probes:
            if p.id == probe_id:
                return p.text
    return probe_id
