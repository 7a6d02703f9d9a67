"""The hand-off to an applicant tracking system: Harvest-shaped JSON and a CSV.

No tracking system is reachable from here, and Greenhouse's Harvest API has no
endpoint that writes scorecards, so a team copies the outcome by hand or with a
short script. Each scorecard is written in the shape of Harvest's scorecard
object (docs/harvest-export.md has the mapping and the schema it validates
against); ids that only the tracking system knows are null. The private "my
read" notes go out only when asked for (``include_private``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from companion.content.model import Pack
from companion.loop.model import Loop
from companion.loop.status import LoopState
from companion.record.decision import Decision
from companion.record.names import fold_name
from companion.record.scorecard import Scorecard

FORMAT = "interview-companion-ats-export"
# Our overall recommendation -> Harvest's overall_recommendation.
OVERALL: dict[str | None, str] = {
    "strong_no": "definitely_not", "no": "no", "yes": "yes", "strong_yes": "strong_yes",
    None: "no_decision",
}
# Our anchored rating of one item -> Harvest's attribute rating (mid is a yes: the
# answer met the bar; thin is a no; a skipped or unrated item decides nothing).
ATTRIBUTE: dict[str | None, str] = {
    "strong": "strong_yes", "mid": "yes", "thin": "no", "very_thin": "definitely_not",
    "skip": "no_decision", None: "no_decision",
}
HARVEST_RATINGS = ("definitely_not", "no", "mixed", "yes", "strong_yes")


def harvest_time(at: datetime | None) -> str | None:
    """Harvest's form of a time: UTC with milliseconds and a Z."""
    if at is None:
        return None
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def _person(name: str) -> dict[str, Any]:
    first, _, last = name.strip().rpartition(" ")
    if not first:
        first, last = last, ""
    return {"id": None, "first_name": first, "last_name": last, "name": name.strip(),
            "employee_id": None}


def harvest_scorecard(sc: Scorecard, pack: Pack, include_private: bool = False
                      ) -> dict[str, Any]:
    """One scorecard as Harvest's scorecard object."""
    arch = pack.find_archetype(sc.archetype)
    attributes: list[dict[str, str | None]] = []
    for it in sc.items:
        item = pack.find_item(it.item_id)
        note = it.said.strip()
        if include_private and it.read.strip():
            note = f"{note}\n\nMy read: {it.read.strip()}".strip()
        attributes.append({
            "name": item.title if item else it.item_id,
            "type": (arch.label(item.dimension) if arch else item.dimension) if item
            else "Other",
            "note": note or None,
            "rating": ATTRIBUTE.get(it.rating, "no_decision"),
        })
    ratings: dict[str, list[str]] = {r: [] for r in HARVEST_RATINGS}
    for a in attributes:
        rating, name = a["rating"], a["name"]
        if rating in ratings and name is not None:
            ratings[rating].append(name)
    questions = [{"id": None, "question": "Summary", "answer": sc.summary.strip() or None},
                 {"id": None, "question": "What the candidate said",
                  "answer": sc.said.strip() or None}]
    if include_private:
        questions.append({"id": None, "question": "Private notes",
                          "answer": sc.read.strip() or None})
    last_change = max((a.at for a in sc.amendments), default=sc.submitted_at)
    return {
        "id": None,
        "created_at": harvest_time(sc.started_at),
        "updated_at": harvest_time(last_change or sc.started_at),
        "interview": sc.round_title,
        "interview_step": {"id": None, "name": sc.round_title},
        "candidate_id": None,
        "application_id": None,
        "interviewed_at": harvest_time(sc.started_at),
        "submitted_by": _person(sc.interviewer),
        "interviewer": _person(sc.interviewer),
        "submitted_at": harvest_time(sc.submitted_at),
        "overall_recommendation": OVERALL.get(sc.recommendation, "no_decision"),
        "attributes": attributes,
        "ratings": ratings,
        "questions": questions,
    }


def _round_of(loop: Loop, sc: Scorecard) -> int | None:
    for n, r in enumerate(loop.rounds, 1):
        if r.template_id == sc.template_id and fold_name(r.interviewer) == fold_name(
                sc.interviewer):
            return n
    return None


def loop_export(loop: Loop, state: LoopState, scorecards: Sequence[Scorecard],
                decision: Decision | None, pack: Pack, include_private: bool = False,
                now: datetime | None = None) -> dict[str, Any]:
    """The loop's outcome: its rounds and status, each submitted scorecard, the decision."""
    cards = [sc for sc in scorecards if sc.submitted_at is not None]
    return {
        "format": FORMAT,
        "format_version": 1,
        "exported_at": harvest_time(now or datetime.now(UTC)),
        "private_notes_included": include_private,
        "loop": {
            "id": loop.id, "candidate": loop.candidate, "archetype": loop.archetype,
            "level": loop.level, "status": state.summary(),
            "rounds": [{"number": r.number, "interview": r.round.title,
                        "interviewer": r.round.interviewer or None, "state": r.state,
                        "late_by_hours": None if r.late_by is None else
                        round(r.late_by.total_seconds() / 3600, 1)} for r in state.rounds],
        },
        "decision": None if decision is None else {
            "outcome": decision.outcome, "level": decision.level,
            "decided_by": decision.decided_by, "decided_at": harvest_time(decision.decided_at),
            "note": decision.note or None},
        "scorecards": [{"companion_id": sc.id, "loop_round": _round_of(loop, sc),
                        "harvest": harvest_scorecard(sc, pack, include_private)}
                       for sc in cards],
    }


CSV_COLUMNS = ("loop_id", "candidate", "loop_round", "interview", "interviewer",
               "interviewed_at", "submitted_at", "overall_recommendation", "late_by_hours",
               "decision", "decision_level", "scorecard_id")


def export_csv(document: dict[str, Any]) -> str:
    """One row per scorecard of an export document (``loop_export``'s), for a spreadsheet."""
    loop = document["loop"]
    late = {r["number"]: r["late_by_hours"] for r in loop["rounds"]}
    decision = document["decision"] or {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for entry in document["scorecards"]:
        h = entry["harvest"]
        writer.writerow([_cell(v) for v in (
            loop["id"], loop["candidate"], entry["loop_round"], h["interview"],
            h["interviewer"]["name"], h["interviewed_at"], h["submitted_at"],
            h["overall_recommendation"], late.get(entry["loop_round"]),
            decision.get("outcome"), decision.get("level"), entry["companion_id"])])
    return out.getvalue()


def _cell(value: Any) -> str:
    """A cell a spreadsheet shows as text: a leading = + - @ would start a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
