"""Amendments as the app kept them before they were typed changes (schema 2, file format 1).

Each was a field string naming what changed, with the old and new values as text:
``rating:<item>``, ``probe:<item>:<probe>`` (values are JSON ``{"asked", "rating",
"note"}``), ``flag:<flag>`` (new is JSON ``{"state", "evidence", "item"}``, old a state),
``notes:<said|read>`` (round notes), ``notes:<said|read>:<item>``, ``recommendation``
and ``summary``. The upgrade of the database to schema 3 and the reading of a
version-1 scorecard file turn them into ``Amendment`` values here, once; nothing else
reads field strings.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from companion.intake.reading import parse_json
from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    Edit,
    EditText,
    Rate,
    Recommend,
    StepFlag,
)
from companion.record.scorecard import FLAG_STATES, RECOMMENDATIONS, RUBRIC_BUTTONS


def convert(at: datetime, field: str, old: str, new: str, reason: str = "") -> Amendment | None:
    """The typed amendment for one legacy row; None when its field or values make no sense."""
    kind, _, rest = field.partition(":")
    pair: tuple[Edit, Edit] | None
    if kind == "rating":
        pair = _rating(rest, old, new, at)
    elif kind == "probe":
        pair = _probe(rest, old, new, at)
    elif kind == "flag":
        pair = _flag(rest, old, new, at)
    elif kind == "notes":
        pair = _notes(rest, old, new)
    elif kind == "recommendation" and not rest:
        pair = _recommendation(old, new)
    elif kind == "summary" and not rest:
        pair = EditText(ROUND, "summary", new), EditText(ROUND, "summary", old)
    else:
        pair = None
    if pair is None:
        return None
    change, undo = pair
    return Amendment(at, change, undo, reason)


def _rating(item: str, old: str, new: str, at: datetime) -> tuple[Edit, Edit] | None:
    if not item or not all(v in ("", *RUBRIC_BUTTONS) for v in (old, new)):
        return None
    # A cleared rating kept the amendment's time as its rating time; keep doing so.
    return Rate(item, new or None, at), Rate(item, old or None, None)


def _object(text: str) -> dict[str, Any] | None:
    try:
        # Bounded: a value nested thousands deep would otherwise end in RecursionError.
        value = parse_json(text, "amendment") if text.strip() else {}
    except ValueError:  # a syntax error, or intake.Refused (too deep, a number too long)
        return None
    return value if isinstance(value, dict) else None


def _answer(item: str, probe: str, value: dict[str, Any],
            at: datetime | None) -> AnswerProbe | None:
    if not value:  # the probe had not been recorded before
        return AnswerProbe(item, probe, False, None, "", None)
    asked, rating, note = value.get("asked", True), value.get("rating"), value.get("note", "")
    if not isinstance(asked, bool) or not isinstance(note, str):
        return None
    if rating is not None and rating not in RUBRIC_BUTTONS:
        return None
    return AnswerProbe(item, probe, asked, rating, note, at)


def _probe(rest: str, old: str, new: str, at: datetime) -> tuple[Edit, Edit] | None:
    item, _, probe = rest.partition(":")
    before, after = _object(old), _object(new)
    if not item or not probe or before is None or not after:
        return None
    change, undo = _answer(item, probe, after, at), _answer(item, probe, before, None)
    if change is None or undo is None:
        return None
    return change, undo


def _flag(flag: str, old: str, new: str, at: datetime) -> tuple[Edit, Edit] | None:
    after = _object(new)
    if not flag or not after or old not in FLAG_STATES:
        return None
    state, evidence, item = after.get("state"), after.get("evidence", ""), after.get("item")
    if state not in FLAG_STATES or not isinstance(evidence, str):
        return None
    if item is not None and not isinstance(item, str):
        return None
    return StepFlag(flag, str(state), at, evidence, item), StepFlag(flag, old, at)


def _notes(rest: str, old: str, new: str) -> tuple[Edit, Edit] | None:
    field, _, item = rest.partition(":")
    if field not in ("said", "read"):
        return None
    owner = item or ROUND
    return EditText(owner, field, new), EditText(owner, field, old)


def _recommendation(old: str, new: str) -> tuple[Edit, Edit] | None:
    if new not in RECOMMENDATIONS or old not in ("", *RECOMMENDATIONS):
        return None
    return Recommend(new), Recommend(old or None)
