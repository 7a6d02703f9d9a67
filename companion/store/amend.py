"""Amendments: changes made after submission, stored beside the record, never over it.

The rows written at submission stay as they were; each later change is an
``Amendment`` row (time, field, old, new). A loaded ``Scorecard`` shows the
current values (every amendment applied in order) and lists the amendments,
so a reader sees both the answer and its history.

Field names:
- ``rating:<item>``: new is the rating, or "" when cleared;
- ``probe:<item>:<probe>``: new is JSON ``{"asked", "rating", "note"}``;
- ``flag:<flag>``: new is JSON ``{"state", "evidence", "item"}``;
- ``notes:said:<item>`` / ``notes:read:<item>``: item notes; ``notes:said`` /
  ``notes:read`` without an item: round notes;
- ``recommendation``, ``summary``.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from companion.scorecard import (
    Amendment,
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
)


def _load(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _item(sc: Scorecard, item_id: str, change: dict[str, Any]) -> Scorecard:
    items = tuple(replace(it, **change) if it.item_id == item_id else it for it in sc.items)
    return replace(sc, items=items)


def _probe(it: ItemRecord, a: Amendment, probe_id: str) -> ItemRecord:
    v = _load(a.new)
    answer = ProbeAnswer(probe_id, bool(v.get("asked", True)), v.get("rating"),
                         str(v.get("note") or ""), a.at)
    probes = [p for p in it.probes if p.probe_id != probe_id]
    index = next((i for i, p in enumerate(it.probes) if p.probe_id == probe_id), len(probes))
    probes.insert(index, answer)
    return replace(it, probes=tuple(probes))


def _flag(sc: Scorecard, a: Amendment, flag_id: str) -> Scorecard:
    v = _load(a.new)
    state = str(v.get("state") or "off")
    flags = list(sc.flags)
    pos = next((i for i, f in enumerate(flags) if f.flag_id == flag_id), None)
    old = flags[pos] if pos is not None else FlagRecord(flag_id, "off")
    event = FlagEvent(state, a.at)
    # An imported scorecard already carries the events its amendments added.
    events = old.events if event in old.events else (*old.events, event)
    new = replace(old, state=state, events=events,
                  evidence=str(v.get("evidence") or "") or old.evidence,
                  item_id=old.item_id or v.get("item"))
    if pos is None:
        flags.append(new)
    else:
        flags[pos] = new
    return replace(sc, flags=tuple(flags))


def apply_one(sc: Scorecard, a: Amendment) -> Scorecard:
    """The scorecard with one amendment applied (unknown fields are ignored)."""
    kind, _, rest = a.field.partition(":")
    if kind == "rating":
        return _item(sc, rest, {"rating": a.new or None, "rated_at": a.at})
    if kind == "probe":
        item_id, _, probe_id = rest.partition(":")
        it = sc.item(item_id)
        if it is None:
            return sc
        items = tuple(_probe(x, a, probe_id) if x.item_id == item_id else x for x in sc.items)
        return replace(sc, items=items)
    if kind == "flag":
        return _flag(sc, a, rest)
    if kind == "notes":
        field, _, item_id = rest.partition(":")
        if field not in ("said", "read"):
            return sc
        if not item_id:
            return replace(sc, said=a.new) if field == "said" else replace(sc, read=a.new)
        return _item(sc, item_id, {field: a.new})
    if kind == "recommendation":
        return replace(sc, recommendation=a.new or None)
    if kind == "summary":
        return replace(sc, summary=a.new)
    return sc


def apply_all(sc: Scorecard) -> Scorecard:
    """Current values: every amendment of ``sc`` applied in order."""
    for a in sc.amendments:
        sc = apply_one(sc, a)
    return sc
