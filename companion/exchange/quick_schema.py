"""A quick first pass of the payload decoder, for data that passes every check.

``schema.scorecard_from_dict`` reads each field through ``json_reader.Obj``, which
keeps a location for the message of a refusal; for 10,000 team scorecards that
bookkeeping was most of a calibration's read (bench/team_store.py: 1.5 s of
method calls and locations for data that was nearly always good). This pass
makes the same checks with the same limits and builds the same ``Scorecard``,
without locations: ids are matched with one regular expression over all of a
scorecard's ids, names with one search over all its names. It never refuses: at
the first doubt it returns None, and ``scorecard_from_dict`` reads the data the
long way, which finds the same problem and names where it is. So it may be
stricter than the long way (then the long way answers), never more lenient;
tests/test_quick_schema.py holds the two to that over fuzzed payloads.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

from companion.intake import limits
from companion.intake.json_reader import _CONTROL, _DEVICE_NAME, Obj, line_breaks
from companion.record.change_codec import amendment_from
from companion.record.scorecard import (
    FLAG_STATES,
    RECOMMENDATIONS,
    RUBRIC_BUTTONS,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)

# The ids of one scorecard joined by line breaks: each must be an id (intake.ID_FORM),
# and no id holds a line break, so the whole is one fullmatch.
_IDS = re.compile(r"[^\W_][\w.-]*(?:\n[^\W_][\w.-]*)*")
_RATINGS = frozenset(RUBRIC_BUTTONS)
_FLAG_STATES = frozenset(FLAG_STATES)
_RECOMMENDATIONS = frozenset(RECOMMENDATIONS)
_KINDS = frozenset(("question", "scenario"))  # schema.ITEM_KINDS
_NOTE = limits.NOTE_CHARS
_LINES = limits.NOTE_LINES


class _Doubt(Exception):
    """Something the long way must look at (and name, if it is a problem)."""


def _note(value: Any) -> str:
    """Free text (a note, a summary): text of bounded length and lines."""
    if type(value) is not str or len(value) > _NOTE:
        raise _Doubt
    if len(value) > _LINES and line_breaks(value) > _LINES:
        raise _Doubt
    return value


def _short(value: Any, most: int, into: list[str]) -> str:
    """An id or a name (checked later with the rest of its kind, see ``_IDS``)."""
    if type(value) is not str or len(value) > most:
        raise _Doubt
    into.append(value)
    return value


def _time(value: Any) -> datetime | None:
    if value is None:
        return None
    if type(value) is not str or len(value) > _NOTE:
        raise _Doubt
    at = datetime.fromisoformat(value)  # ValueError: a doubt (see quick_scorecard)
    if at.tzinfo is None or not limits.YEAR_MIN <= at.year <= limits.YEAR_MAX:
        raise _Doubt
    return at.astimezone(UTC)


def _seconds(value: Any) -> float:
    if type(value) is not float and type(value) is not int:
        raise _Doubt
    if not math.isfinite(value) or not 0 <= value <= limits.SECONDS:
        raise _Doubt
    return float(value)


def _choice(value: Any, allowed: frozenset[str]) -> str:
    if type(value) is not str or value not in allowed:
        raise _Doubt
    return value


def _rating(value: Any) -> str | None:
    return None if value is None else _choice(value, _RATINGS)


def _list(value: Any, most: int) -> list[dict[str, Any]]:
    if type(value) is not list or len(value) > most:
        raise _Doubt
    for entry in value:
        if type(entry) is not dict:
            raise _Doubt
    return value


def quick_scorecard(data: Any) -> Scorecard | None:
    """The scorecard of format-2 payload ``data`` if it passes every check, else None.

    None means only "read it the long way" (``schema.scorecard_from_dict``), which
    either refuses it, naming the problem, or accepts it.
    """
    try:
        return _scorecard(data)
    except Exception:  # any doubt at all: the long way decides, and words a refusal
        return None


def _scorecard(d: Any) -> Scorecard:
    if type(d) is not dict:
        raise _Doubt
    ids: list[str] = []
    names: list[str] = []
    name, ident = limits.NAME_CHARS, limits.ID_CHARS
    round_id = _short(d["id"], ident, ids)
    started = _time(d["started_at"])
    if started is None or not round_id.strip() or _DEVICE_NAME.fullmatch(round_id):
        raise _Doubt
    items = []
    for it in _list(d["items"], limits.ITEMS):
        probes = tuple(
            ProbeAnswer(probe_id=_short(p["probe_id"], ident, ids), asked=_flag(p["asked"]),
                        rating=_rating(p["rating"]), note=_note(p["note"]), at=_time(p["at"]))
            for p in _list(it["probes"], limits.PROBES_PER_ITEM))
        items.append(ItemRecord(
            item_id=_short(it["item_id"], ident, ids), kind=_choice(it["kind"], _KINDS),
            rating=_rating(it["rating"]), rated_at=_time(it["rated_at"]), probes=probes,
            said=_note(it["said"]), read=_note(it["read"]),
            time_spent_s=_seconds(it["time_spent_s"])))
    flags = []
    for f in _list(d["flags"], limits.FLAGS):
        events = []
        for e in _list(f["events"], limits.EVENTS_PER_FLAG):
            at = _time(e["at"])
            if at is None:
                raise _Doubt
            events.append(FlagEvent(state=_choice(e["state"], _FLAG_STATES), at=at))
        on = f["item_id"]
        flags.append(FlagRecord(
            flag_id=_short(f["flag_id"], ident, ids), state=_choice(f["state"], _FLAG_STATES),
            events=tuple(events), evidence=_note(f["evidence"]),
            item_id=None if on is None else _short(on, ident, ids)))
    sections = tuple(
        SectionTiming(section_id=_short(s["section_id"], ident, ids),
                      title=_short(s["title"], name, names),
                      planned_s=_seconds(s["planned_s"]), elapsed_s=_seconds(s["elapsed_s"]),
                      started_at=_time(s["started_at"]))
        for s in _list(d["sections"], limits.SECTIONS))
    recommendation = d["recommendation"]
    if recommendation is not None:
        _choice(recommendation, _RECOMMENDATIONS)
    amendments = tuple(amendment_from(Obj(a, f"scorecard.amendments[{n}]"))
                       for n, a in enumerate(_list(d["amendments"], limits.AMENDMENTS)))
    sc = Scorecard(
        candidate=_short(d["candidate"], name, names),
        interviewer=_short(d["interviewer"], name, names),
        archetype=_short(d["archetype"], ident, ids), level=_short(d["level"], ident, ids),
        template_id=_short(d["template_id"], ident, ids),
        round_title=_short(d["round_title"], name, names),
        pack_id=_short(d["pack_id"], ident, ids),
        pack_version=_short(d["pack_version"], name, names), started_at=started,
        id=round_id, submitted_at=_time(d["submitted_at"]), ended_at=_time(d["ended_at"]),
        duration_s=_seconds(d["duration_s"]), items=tuple(items), flags=tuple(flags),
        sections=sections, said=_note(d["said"]), read=_note(d["read"]),
        recommendation=recommendation, summary=_note(d["summary"]),
        amendments=amendments, extra=_extra(d["extra"]))
    if not _IDS.fullmatch("\n".join(ids)) or _CONTROL.search(" ".join(names)):
        raise _Doubt
    return sc


def _flag(value: Any) -> bool:
    if type(value) is not bool:
        raise _Doubt
    return value


def _extra(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise _Doubt
    if value and len(json.dumps(value, ensure_ascii=False,
                                allow_nan=False)) > limits.EXTRA_BYTES:
        raise _Doubt
    return dict(value)
