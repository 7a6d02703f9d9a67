"""Edits and amendments as JSON data: one encoding for the database, the file and the team store.

An amendment is stored as ``{"at", "change", "undo", "reason"}`` where ``change`` and
``undo`` are encoded edits such as ``{"type": "rate", "item": "q-cap", "rating": "mid",
"at": "..."}``. Decoding is strict (``json_reader.Obj``): a rating is exactly one of
the rubric words, a flag state one of the three states, a text field one of the names
the scorecard has, and an amendment's undo is the same kind of edit as its change.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from companion.intake.json_reader import Obj, SchemaError
from companion.record.changes import (
    ROUND,
    TEXT_FIELDS,
    Amendment,
    AnswerProbe,
    Edit,
    EditText,
    Rate,
    Recommend,
    StepFlag,
)
from companion.record.scorecard import FLAG_STATES, RECOMMENDATIONS, RUBRIC_BUTTONS

EDIT_TYPES: tuple[str, ...] = ("rate", "probe", "flag", "text", "recommend")


def iso(value: datetime | None) -> str | None:
    """A time as ISO 8601 with its offset; naive times would change meaning between machines."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError("scorecard times must be timezone-aware")
    return value.isoformat()


def edit_to_dict(c: Edit) -> dict[str, Any]:
    match c:
        case Rate():
            return {"type": "rate", "item": c.item_id, "rating": c.rating, "at": iso(c.at)}
        case AnswerProbe():
            return {"type": "probe", "item": c.item_id, "probe": c.probe_id, "asked": c.asked,
                    "rating": c.rating, "note": c.note, "at": iso(c.at)}
        case StepFlag():
            return {"type": "flag", "flag": c.flag_id, "state": c.state, "at": iso(c.at),
                    "evidence": c.evidence, "item": c.item_id}
        case EditText():
            return {"type": "text", "item": None if c.owner == ROUND else c.owner,
                    "field": c.field, "text": c.text}
        case Recommend():
            return {"type": "recommend", "value": c.value}


def amendment_to_dict(a: Amendment) -> dict[str, Any]:
    return {"at": iso(a.at), "change": edit_to_dict(a.change), "undo": edit_to_dict(a.undo),
            "reason": a.reason}


def edit_from(o: Obj) -> Edit:
    """Decode one edit; ``SchemaError`` names the first problem and where it is."""
    kind = o.choice("type", EDIT_TYPES)
    if kind == "rate":
        rating = o.choice("rating", RUBRIC_BUTTONS, nullable=True)
        return Rate(o.text("item"), rating, o.opt_time("at"))
    if kind == "probe":
        return AnswerProbe(o.text("item"), o.text("probe"), o.flag("asked"),
                           o.choice("rating", RUBRIC_BUTTONS, nullable=True), o.text("note"),
                           o.opt_time("at"))
    if kind == "flag":
        return StepFlag(o.text("flag"), o.choice("state", FLAG_STATES) or "off", o.time("at"),
                        o.text("evidence"), o.opt_text("item"))
    if kind == "text":
        owner = o.opt_text("item")
        field = o.choice("field", TEXT_FIELDS) or ""
        if owner is not None and field == "summary":
            raise SchemaError(f"{o.where}.field is 'summary', which only the round has")
        return EditText(ROUND if owner is None else owner, field, o.text("text"))
    return Recommend(o.choice("value", RECOMMENDATIONS, nullable=True))


def amendment_from(o: Obj) -> Amendment:
    change, undo = edit_from(o.child("change")), edit_from(o.child("undo"))
    if type(change) is not type(undo):
        raise SchemaError(f"{o.where}.undo is not the same kind of change as {o.where}.change")
    if _target(change) != _target(undo):
        raise SchemaError(f"{o.where}.undo does not undo the same thing as {o.where}.change")
    return Amendment(o.time("at"), change, undo, o.text("reason"))


def _target(c: Edit) -> tuple[str, ...]:
    """What an edit changes, for checking that an undo belongs to its change."""
    match c:
        case Rate():
            return ("rate", c.item_id)
        case AnswerProbe():
            return ("probe", c.item_id, c.probe_id)
        case StepFlag():
            return ("flag", c.flag_id)
        case EditText():
            return ("text", c.owner, c.field)
        case Recommend():
            return ("recommend",)
