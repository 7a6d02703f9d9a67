"""The scorecard payload of an exchange file: ``Scorecard`` <-> plain JSON data.

Encoding is total (every field of ``companion.record.scorecard`` is written, datetimes
as ISO 8601 with their UTC offset) so that a scorecard read back compares equal
to the one written. Decoding is strict (``json_reader.Obj``): every field must be
present with the right type and an allowed value; the first problem raises
``SchemaError`` with a dotted location such as ``scorecard.items[2].rating``.
The envelope around the payload (format marker, version, content hash) lives in
``companion.exchange.files``.

Format versions of the payload: 1 kept amendments as field strings (read through
``legacy_amendments``); 2 keeps them as typed changes (``change_codec``) and adds
``ended_at``.
"""

from __future__ import annotations

from dataclasses import fields, replace
from datetime import datetime
from typing import Any

from companion.exchange.quick_schema import quick_scorecard
from companion.intake.json_reader import Obj, SchemaError
from companion.record import legacy_amendments
from companion.record.change_codec import amendment_from, amendment_to_dict, iso
from companion.record.changes import Amendment
from companion.record.scorecard import (
    FLAG_STATES,
    ITEM_KINDS,
    RECOMMENDATIONS,
    RUBRIC_BUTTONS,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    RoundHeader,
    Scorecard,
    SectionTiming,
    header_from,
    to_ms,
)

# ---------------------------------------------------------------- encoding


def _probe_to_dict(p: ProbeAnswer) -> dict[str, Any]:
    return {"probe_id": p.probe_id, "asked": p.asked, "rating": p.rating, "note": p.note,
            "at": iso(p.at)}


def _item_to_dict(it: ItemRecord) -> dict[str, Any]:
    return {
        "item_id": it.item_id, "kind": it.kind, "rating": it.rating,
        "rated_at": iso(it.rated_at), "probes": [_probe_to_dict(p) for p in it.probes],
        "said": it.said, "read": it.read, "time_spent_s": to_ms(it.time_spent_s),
    }


def _flag_to_dict(f: FlagRecord) -> dict[str, Any]:
    return {
        "flag_id": f.flag_id, "state": f.state,
        "events": [{"state": e.state, "at": iso(e.at)} for e in f.events],
        "evidence": f.evidence, "item_id": f.item_id,
    }


def _section_to_dict(s: SectionTiming) -> dict[str, Any]:
    return {"section_id": s.section_id, "title": s.title, "planned_s": s.planned_s,
            "elapsed_s": to_ms(s.elapsed_s), "started_at": iso(s.started_at)}


def _header_to_dict(h: RoundHeader) -> dict[str, Any]:
    """The round header, field by field as ``RoundHeader`` declares it."""
    out: dict[str, Any] = {}
    for f in fields(RoundHeader):
        value = getattr(h, f.name)
        out[f.name] = iso(value) if isinstance(value, datetime) else value
    return out


def scorecard_to_dict(sc: Scorecard) -> dict[str, Any]:
    """Every field of ``sc`` as JSON-ready data (lists, dicts, strings, numbers)."""
    return {
        "id": sc.id, **_header_to_dict(sc),
        "submitted_at": iso(sc.submitted_at), "ended_at": iso(sc.ended_at),
        # Rounded here too: rounds stored before times were kept in milliseconds.
        "duration_s": to_ms(sc.duration_s),
        "items": [_item_to_dict(it) for it in sc.items],
        "flags": [_flag_to_dict(f) for f in sc.flags],
        "sections": [_section_to_dict(s) for s in sc.sections],
        "said": sc.said, "read": sc.read,
        "recommendation": sc.recommendation, "summary": sc.summary,
        "amendments": [amendment_to_dict(a) for a in sc.amendments],
        "extra": dict(sc.extra),
    }


# ---------------------------------------------------------------- decoding


def _probe(o: Obj) -> ProbeAnswer:
    return ProbeAnswer(probe_id=o.text("probe_id"), asked=o.flag("asked"),
                       rating=o.choice("rating", RUBRIC_BUTTONS, nullable=True),
                       note=o.text("note"), at=o.opt_time("at"))


def _item(o: Obj) -> ItemRecord:
    return ItemRecord(
        item_id=o.text("item_id"), kind=o.choice("kind", ITEM_KINDS) or "",
        rating=o.choice("rating", RUBRIC_BUTTONS, nullable=True),
        rated_at=o.opt_time("rated_at"),
        probes=tuple(_probe(p) for p in o.objects("probes")),
        said=o.text("said"), read=o.text("read"), time_spent_s=o.seconds("time_spent_s"),
    )


def _flag(o: Obj) -> FlagRecord:
    return FlagRecord(
        flag_id=o.text("flag_id"), state=o.choice("state", FLAG_STATES) or "",
        events=tuple(FlagEvent(state=e.choice("state", FLAG_STATES) or "", at=e.time("at"))
                     for e in o.objects("events")),
        evidence=o.text("evidence"), item_id=o.opt_text("item_id"),
    )


def _section(o: Obj) -> SectionTiming:
    return SectionTiming(section_id=o.text("section_id"), title=o.text("title"),
                         planned_s=o.seconds("planned_s"), elapsed_s=o.seconds("elapsed_s"),
                         started_at=o.opt_time("started_at"))


def _legacy_amendment(o: Obj) -> Amendment:
    found = legacy_amendments.convert(o.time("at"), o.text("field"), o.text("old"),
                                      o.text("new"), o.text("reason"))
    if found is None:
        raise SchemaError(f"{o.where} is not a change this app knows "
                          f"(field {o.text('field')[:60]!r})")
    return found


def _header(o: Obj) -> RoundHeader:
    """The round header, read field by field as ``RoundHeader`` declares it."""
    values = {f.name: o.time(f.name) if f.type in ("datetime", datetime) else o.text(f.name)
              for f in fields(RoundHeader)}
    return header_from(values)


def scorecard_from_dict(data: Any, where: str = "scorecard", version: int = 2) -> Scorecard:
    """Decode a payload of format ``version``; raises ``SchemaError``.

    Format 2 data that passes every check is decoded by ``quick_schema`` (the same
    checks, no locations kept); anything else is read here, field by field, so a
    problem is named with its location.
    """
    if version >= 2:
        quick = quick_scorecard(data)
        if quick is not None:
            return quick
    return scorecard_from_fields(data, where, version)


def scorecard_from_fields(data: Any, where: str = "scorecard", version: int = 2) -> Scorecard:
    """``scorecard_from_dict`` the long way: field by field, every location kept."""
    o = Obj(data, where)
    amendment = amendment_from if version >= 2 else _legacy_amendment
    sc = replace(
        Scorecard.begin(_header(o), o.text("id")),
        submitted_at=o.opt_time("submitted_at"),
        ended_at=o.opt_time("ended_at") if version >= 2 else None,
        duration_s=o.seconds("duration_s"),
        items=tuple(_item(i) for i in o.objects("items")),
        flags=tuple(_flag(f) for f in o.objects("flags")),
        sections=tuple(_section(s) for s in o.objects("sections")),
        said=o.text("said"), read=o.text("read"),
        recommendation=o.choice("recommendation", RECOMMENDATIONS, nullable=True),
        summary=o.text("summary"),
        amendments=tuple(amendment(a) for a in o.objects("amendments")),
        extra=o.mapping("extra"),
    )
    if not sc.id.strip():
        raise SchemaError(f"{where}.id is empty")
    return sc
