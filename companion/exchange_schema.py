"""The scorecard payload of an exchange file: ``Scorecard`` <-> plain JSON data.

Encoding is total (every field of ``companion.scorecard`` is written, datetimes
as ISO 8601 with their UTC offset) so that a scorecard read back compares equal
to the one written. Decoding is strict: every field must be present with the
right type and an allowed value; the first problem raises ``SchemaError`` with
a dotted location such as ``scorecard.items[2].rating``. The envelope around
the payload (format marker, version, content hash) lives in
``companion.exchange``.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Any

from companion.scorecard import (
    FLAG_STATES,
    RECOMMENDATIONS,
    RUBRIC_BUTTONS,
    Amendment,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
    SectionTiming,
)

ITEM_KINDS: tuple[str, ...] = ("question", "scenario")


class SchemaError(ValueError):
    """The payload does not have the shape of a scorecard; the text says where."""


# ---------------------------------------------------------------- encoding


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        # A naive time would read back as a different instant on another machine.
        raise ValueError("scorecard times must be timezone-aware")
    return value.isoformat()


def _probe_to_dict(p: ProbeAnswer) -> dict[str, Any]:
    return {"probe_id": p.probe_id, "asked": p.asked, "rating": p.rating, "note": p.note,
            "at": _time(p.at)}


def _item_to_dict(it: ItemRecord) -> dict[str, Any]:
    return {
        "item_id": it.item_id, "kind": it.kind, "rating": it.rating,
        "rated_at": _time(it.rated_at), "probes": [_probe_to_dict(p) for p in it.probes],
        "said": it.said, "read": it.read, "time_spent_s": it.time_spent_s,
    }


def _flag_to_dict(f: FlagRecord) -> dict[str, Any]:
    return {
        "flag_id": f.flag_id, "state": f.state,
        "events": [{"state": e.state, "at": _time(e.at)} for e in f.events],
        "evidence": f.evidence, "item_id": f.item_id,
    }


def _section_to_dict(s: SectionTiming) -> dict[str, Any]:
    return {"section_id": s.section_id, "title": s.title, "planned_s": s.planned_s,
            "elapsed_s": s.elapsed_s, "started_at": _time(s.started_at)}


def _amendment_to_dict(a: Amendment) -> dict[str, Any]:
    return {"at": _time(a.at), "field": a.field, "old": a.old, "new": a.new,
            "reason": a.reason}


def scorecard_to_dict(sc: Scorecard) -> dict[str, Any]:
    """Every field of ``sc`` as JSON-ready data (lists, dicts, strings, numbers)."""
    return {
        "id": sc.id, "candidate": sc.candidate, "interviewer": sc.interviewer,
        "archetype": sc.archetype, "level": sc.level, "template_id": sc.template_id,
        "round_title": sc.round_title, "pack_id": sc.pack_id, "pack_version": sc.pack_version,
        "started_at": _time(sc.started_at), "submitted_at": _time(sc.submitted_at),
        "duration_s": sc.duration_s,
        "items": [_item_to_dict(it) for it in sc.items],
        "flags": [_flag_to_dict(f) for f in sc.flags],
        "sections": [_section_to_dict(s) for s in sc.sections],
        "said": sc.said, "read": sc.read,
        "recommendation": sc.recommendation, "summary": sc.summary,
        "amendments": [_amendment_to_dict(a) for a in sc.amendments],
        "extra": dict(sc.extra),
    }


# ---------------------------------------------------------------- decoding


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class _Obj:
    """One JSON object being decoded, with its location for error messages."""

    def __init__(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            raise SchemaError(f"{where} must be an object, not {_type_name(value)}")
        self.data: dict[str, Any] = value
        self.where = where

    def _get(self, key: str) -> Any:
        if key not in self.data:
            raise SchemaError(f"{self.where}.{key} is missing")
        return self.data[key]

    def _wrong(self, key: str, expected: str, value: Any) -> SchemaError:
        return SchemaError(f"{self.where}.{key} must be {expected}, not {_type_name(value)}")

    def text(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str):
            raise self._wrong(key, "text", value)
        return value

    def opt_text(self, key: str) -> str | None:
        value = self._get(key)
        if value is not None and not isinstance(value, str):
            raise self._wrong(key, "text or null", value)
        return value

    def choice(self, key: str, allowed: tuple[str, ...], *, nullable: bool = False) -> str | None:
        value = self.opt_text(key) if nullable else self.text(key)
        if value is not None and value not in allowed:
            raise SchemaError(f"{self.where}.{key} is {value!r}; allowed: "
                              + ", ".join(allowed) + (" or null" if nullable else ""))
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self._wrong(key, "true or false", value)
        return value

    def seconds(self, key: str) -> float:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._wrong(key, "a number of seconds", value)
        if not math.isfinite(value) or value < 0:
            raise SchemaError(f"{self.where}.{key} must be zero or more seconds, not {value}")
        return float(value)

    def time(self, key: str) -> datetime:
        value = self.opt_time(key)
        if value is None:
            raise self._wrong(key, "a date and time", None)
        return value

    def opt_time(self, key: str) -> datetime | None:
        raw = self.opt_text(key)
        if raw is None:
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise SchemaError(f"{self.where}.{key} is not an ISO 8601 date and time: "
                              f"{raw[:40]!r}") from None
        if value.tzinfo is None:
            raise SchemaError(f"{self.where}.{key} has no timezone: {raw[:40]!r}")
        return value.astimezone(UTC)

    def objects(self, key: str) -> list[_Obj]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self._wrong(key, "a list", value)
        return [_Obj(v, f"{self.where}.{key}[{i}]") for i, v in enumerate(value)]

    def mapping(self, key: str) -> dict[str, Any]:
        value = self._get(key)
        if not isinstance(value, dict):
            raise self._wrong(key, "an object", value)
        return dict(value)


def _probe(o: _Obj) -> ProbeAnswer:
    return ProbeAnswer(probe_id=o.text("probe_id"), asked=o.flag("asked"),
                       rating=o.choice("rating", RUBRIC_BUTTONS, nullable=True),
                       note=o.text("note"), at=o.opt_time("at"))


def _item(o: _Obj) -> ItemRecord:
    return ItemRecord(
        item_id=o.text("item_id"), kind=o.choice("kind", ITEM_KINDS) or "",
        rating=o.choice("rating", RUBRIC_BUTTONS, nullable=True),
        rated_at=o.opt_time("rated_at"),
        probes=tuple(_probe(p) for p in o.objects("probes")),
        said=o.text("said"), read=o.text("read"), time_spent_s=o.seconds("time_spent_s"),
    )


def _flag(o: _Obj) -> FlagRecord:
    return FlagRecord(
        flag_id=o.text("flag_id"), state=o.choice("state", FLAG_STATES) or "",
        events=tuple(FlagEvent(state=e.choice("state", FLAG_STATES) or "", at=e.time("at"))
                     for e in o.objects("events")),
        evidence=o.text("evidence"), item_id=o.opt_text("item_id"),
    )


def _section(o: _Obj) -> SectionTiming:
    return SectionTiming(section_id=o.text("section_id"), title=o.text("title"),
                         planned_s=o.seconds("planned_s"), elapsed_s=o.seconds("elapsed_s"),
                         started_at=o.opt_time("started_at"))


def _amendment(o: _Obj) -> Amendment:
    return Amendment(at=o.time("at"), field=o.text("field"), old=o.text("old"),
                     new=o.text("new"), reason=o.text("reason"))


def scorecard_from_dict(data: Any, where: str = "scorecard") -> Scorecard:
    """Decode a payload written by ``scorecard_to_dict``; raises ``SchemaError``."""
    o = _Obj(data, where)
    sc = Scorecard(
        id=o.text("id"), candidate=o.text("candidate"), interviewer=o.text("interviewer"),
        archetype=o.text("archetype"), level=o.text("level"),
        template_id=o.text("template_id"), round_title=o.text("round_title"),
        pack_id=o.text("pack_id"), pack_version=o.text("pack_version"),
        started_at=o.time("started_at"), submitted_at=o.opt_time("submitted_at"),
        duration_s=o.seconds("duration_s"),
        items=tuple(_item(i) for i in o.objects("items")),
        flags=tuple(_flag(f) for f in o.objects("flags")),
        sections=tuple(_section(s) for s in o.objects("sections")),
        said=o.text("said"), read=o.text("read"),
        recommendation=o.choice("recommendation", RECOMMENDATIONS, nullable=True),
        summary=o.text("summary"),
        amendments=tuple(_amendment(a) for a in o.objects("amendments")),
        extra=o.mapping("extra"),
    )
    if not sc.id.strip():
        raise SchemaError(f"{where}.id is empty")
    return sc
