"""A submitted scorecard reduced to what calibration reads of it.

Calibration compares ratings and recommendations *as submitted* (an amendment may
echo the debrief rather than the interview) and uses current values for the rest:
whether a red flag stands confirmed, which failure probes were asked. Building a
whole ``Scorecard`` per round only to read those back cost more than all the
statistics (bench/calibration.py), so the local store reads ``RatedRound`` values
straight from its rows, and every other source (the team store, files, tests)
reduces its scorecards with ``rated``, the one definition of what each field means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import NamedTuple

from companion.record.changes import Amendment, Rate, Recommend
from companion.record.scorecard import Scorecard


class RatedRound(NamedTuple):
    """One submitted scorecard as calibration reads it (a tuple: 10,000 are built at once)."""

    id: str
    candidate: str
    interviewer: str
    archetype: str
    started_at: datetime
    submitted_at: datetime
    ended_at: datetime  # when the round ended (``round_end``)
    ratings: Mapping[str, str | None]  # item id -> rating as submitted
    recommendation: str | None  # as submitted
    confirmed_flag: bool  # a red flag stands confirmed (current state)
    # Item id -> the failure probes asked of it (current values); items with none
    # asked are left out.
    failure_asked: Mapping[str, frozenset[str]]


def round_end(sc: Scorecard) -> datetime:
    """When the round ended: when its clock last stopped, as the engine recorded it.

    Rounds stored before that was recorded (and imported files from older apps) fall
    back to their start plus the time their clock ran.
    """
    return sc.ended_at or sc.started_at + timedelta(seconds=sc.duration_s)


def submitted_ratings(sc: Scorecard) -> dict[str, str | None]:
    """Item id -> the rating as submitted (before any amendment)."""
    out = {it.item_id: it.rating for it in sc.items}
    return ratings_as_submitted(out, sc.amendments) if sc.amendments else out


def ratings_as_submitted(current: Mapping[str, str | None],
                         amendments: Iterable[Amendment]) -> dict[str, str | None]:
    """``current`` (item id -> rating, the amendments' edits or not) as submitted: the
    first undo of an item's rating holds the submitted value. Only ratings change it."""
    out = dict(current)
    seen: set[str] = set()
    for a in amendments:
        if isinstance(a.undo, Rate) and a.undo.item_id in out and a.undo.item_id not in seen:
            seen.add(a.undo.item_id)
            out[a.undo.item_id] = a.undo.rating
    return out


def submitted_recommendation(sc: Scorecard) -> str | None:
    return recommendation_as_submitted(sc.recommendation, sc.amendments)


def recommendation_as_submitted(current: str | None,
                                amendments: Iterable[Amendment]) -> str | None:
    """As ``ratings_as_submitted``, for the recommendation."""
    first = next((a.undo for a in amendments if isinstance(a.undo, Recommend)), None)
    return first.value if first is not None else current


def failure_asked(sc: Scorecard) -> dict[str, frozenset[str]]:
    """Item id -> the failure probes (``failure.*``) asked of it, for items with any."""
    out: dict[str, frozenset[str]] = {}
    for it in sc.items:
        asked = frozenset(p.probe_id for p in it.probes
                          if p.asked and p.probe_id.startswith("failure."))
        if asked:
            out[it.item_id] = asked
    return out


def rated(sc: Scorecard) -> RatedRound:
    """``sc`` (submitted) as calibration reads it."""
    if sc.submitted_at is None:
        raise ValueError(f"round {sc.id} is not submitted")
    return RatedRound(
        sc.id, sc.candidate, sc.interviewer, sc.archetype, sc.started_at, sc.submitted_at,
        round_end(sc), submitted_ratings(sc), submitted_recommendation(sc),
        any(f.state == "confirmed" for f in sc.flags), failure_asked(sc))


def item_kinds(scorecards: list[Scorecard]) -> dict[str, str]:
    """Item id -> its kind (question or scenario), as the first scorecard to hold it says."""
    out: dict[str, str] = {}
    for sc in scorecards:
        add_item_kinds(out, ((it.item_id, it.kind) for it in sc.items))
    return out


def add_item_kinds(kinds: dict[str, str], items: Iterable[tuple[str, str]]) -> None:
    """Add one scorecard's (item id, kind) pairs to ``kinds``; an earlier scorecard's
    word on an item stands (a reader that holds no ``Scorecard`` builds ``item_kinds``)."""
    for item_id, kind in items:
        kinds.setdefault(item_id, kind)
