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
from companion.intake.json_reader import _DEVICE_NAME, Obj, line_breaks
from companion.record.change_codec import amendment_from
from companion.record.scorecard import (
    FLAG_STATES,
    ITEM_KINDS,
    RECOMMENDATIONS,
    RUBRIC_BUTTONS,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)

# The ids of one scorecard joined by line breaks: each an id (intake.ID_FORM) of at most
# ID_CHARS, and no id holds a line break, so the whole is one fullmatch. Names likewise:
# one line of at most NAME_CHARS, no control character (json_reader._CONTROL).
_IDS = re.compile(rf"[^\W_][\w.-]{{0,{limits.ID_CHARS - 1}}}"
                  rf"(?:\n[^\W_][\w.-]{{0,{limits.ID_CHARS - 1}}})*")
_NAMES = re.compile(rf"[^\x00-\x1f\x7f-\x9f\u2028\u2029]{{0,{limits.NAME_CHARS}}}"
                    rf"(?:\n[^\x00-\x1f\x7f-\x9f\u2028\u2029]{{0,{limits.NAME_CHARS}}})*")
_RATINGS = frozenset(RUBRIC_BUTTONS)
_FLAG_STATES = frozenset(FLAG_STATES)
_RECOMMENDATIONS = frozenset(RECOMMENDATIONS)
_KINDS = frozenset(ITEM_KINDS)


class _Doubt(Exception):
    """Something the long way must look at (and name, if it is a problem)."""


def _time(value: Any) -> datetime:
    if type(value) is not str or len(value) > limits.NOTE_CHARS:
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


def _list(value: Any, most: int) -> list[dict[str, Any]]:
    if type(value) is not list or len(value) > most:
        raise _Doubt
    for entry in value:
        if type(entry) is not dict:
            raise _Doubt
    return value


def _joined_fit(texts: list[str], form: re.Pattern[str]) -> bool:
    """Each of ``texts`` has ``form``: one match over them all, joined by line breaks.

    Joining fails on anything but text; counting the breaks keeps a line break
    inside one text from passing as two texts.
    """
    joined = "\n".join(texts)
    return joined.count("\n") == len(texts) - 1 and form.fullmatch(joined) is not None


def _notes_fit(notes: list[str]) -> bool:
    """Each free text (a note, a summary) is text of bounded length and lines."""
    for note in notes:
        if type(note) is not str:
            return False
    if max(map(len, notes)) <= limits.NOTE_LINES:  # too short to hold too many lines
        return True
    return all(len(n) <= limits.NOTE_CHARS and line_breaks(n) <= limits.NOTE_LINES
               for n in notes if len(n) > limits.NOTE_LINES)


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
    # Ids, names and free texts are gathered as they are read and checked together.
    round_id = d["id"]
    ids = [round_id, d["archetype"], d["level"], d["template_id"], d["pack_id"]]
    names = [d["candidate"], d["interviewer"], d["round_title"], d["pack_version"]]
    notes = [d["said"], d["read"], d["summary"]]
    items = []
    for it in _list(d["items"], limits.ITEMS):
        probes = []
        for p in _list(it["probes"], limits.PROBES_PER_ITEM):
            probe_id, asked, rating, note, at = (p["probe_id"], p["asked"], p["rating"],
                                                 p["note"], p["at"])
            if type(asked) is not bool or (rating is not None and rating not in _RATINGS):
                raise _Doubt
            ids.append(probe_id)
            notes.append(note)
            probes.append(ProbeAnswer(probe_id, asked, rating, note,
                                      None if at is None else _time(at)))
        item_id, rating, at, said, read = (it["item_id"], it["rating"], it["rated_at"],
                                           it["said"], it["read"])
        if it["kind"] not in _KINDS or (rating is not None and rating not in _RATINGS):
            raise _Doubt
        ids.append(item_id)
        notes += (said, read)
        items.append(ItemRecord(item_id, it["kind"], rating, None if at is None else _time(at),
                                tuple(probes), said, read, _seconds(it["time_spent_s"])))
    flags = []
    for f in _list(d["flags"], limits.FLAGS):
        events = []
        for e in _list(f["events"], limits.EVENTS_PER_FLAG):
            if e["state"] not in _FLAG_STATES:
                raise _Doubt
            events.append(FlagEvent(e["state"], _time(e["at"])))
        flag_id, state, evidence, on = f["flag_id"], f["state"], f["evidence"], f["item_id"]
        if state not in _FLAG_STATES:
            raise _Doubt
        ids.append(flag_id)
        if on is not None:
            ids.append(on)
        notes.append(evidence)
        flags.append(FlagRecord(flag_id, state, tuple(events), evidence, on))
    sections = []
    for s in _list(d["sections"], limits.SECTIONS):
        at = s["started_at"]
        ids.append(s["section_id"])
        names.append(s["title"])
        sections.append(SectionTiming(s["section_id"], s["title"], _seconds(s["planned_s"]),
                                      _seconds(s["elapsed_s"]),
                                      None if at is None else _time(at)))
    recommendation = d["recommendation"]
    if recommendation is not None and recommendation not in _RECOMMENDATIONS:
        raise _Doubt
    if not (_joined_fit(ids, _IDS) and _joined_fit(names, _NAMES) and _notes_fit(notes)) \
            or _DEVICE_NAME.fullmatch(round_id) or not round_id.strip():
        raise _Doubt
    submitted, ended = d["submitted_at"], d["ended_at"]
    return Scorecard(
        candidate=names[0], interviewer=names[1], archetype=ids[1], level=ids[2],
        template_id=ids[3], round_title=names[2], pack_id=ids[4], pack_version=names[3],
        started_at=_time(d["started_at"]), id=round_id,
        submitted_at=None if submitted is None else _time(submitted),
        ended_at=None if ended is None else _time(ended),
        duration_s=_seconds(d["duration_s"]), items=tuple(items), flags=tuple(flags),
        sections=tuple(sections), said=notes[0], read=notes[1],
        recommendation=recommendation, summary=notes[2],
        amendments=tuple(amendment_from(Obj(a, f"scorecard.amendments[{n}]"))
                         for n, a in enumerate(_list(d["amendments"], limits.AMENDMENTS))),
        extra=_extra(d["extra"]))


def _extra(value: Any) -> dict[str, Any]:
    if type(value) is not dict:
        raise _Doubt
    if value and len(json.dumps(value, ensure_ascii=False,
                                allow_nan=False)) > limits.EXTRA_BYTES:
        raise _Doubt
    return dict(value)
