"""What each interviewer changed after submitting, gathered for the debrief.

A change made after seeing colleagues' scorecards is exactly what a debrief must
show: the rating matrix marks the cell, the evidence says "was Thin, changed
14:12, after submission", and the agenda lists every change. Several edits of one
thing (a note typed in bursts, a rating changed twice) are one entry: first value,
last value, when, and how many edits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from companion.content.model import Pack
from companion.record.change_text import subject, value
from companion.record.changes import Amendment, EditText, Rate, edit_target
from companion.record.scorecard import Scorecard


@dataclass(frozen=True)
class LateChange:
    """One thing one interviewer changed after submitting (one or more edits)."""

    column: str  # the interviewer's column in the debrief
    subject: str  # "Rating of Caching", "Notes (my read) on Caching", "Recommendation"
    before: str  # the value at submission, in words
    after: str  # the value now
    first_at: datetime
    last_at: datetime
    edits: int
    item_id: str | None  # the item it belongs to, if any
    is_rating: bool  # a change of the item's rating
    is_text: bool  # a change of notes or the summary: before and after are whole texts
    submitted_at: datetime | None


def late_changes(scorecards: Sequence[Scorecard], columns: Sequence[str],
                 pack: Pack) -> list[LateChange]:
    """Every scorecard's amendments, one entry per thing changed, in panel then time order."""
    out: list[LateChange] = []
    for col, sc in zip(columns, scorecards, strict=True):
        groups: dict[tuple[type, str], list[Amendment]] = {}
        for a in sorted(sc.amendments, key=lambda a: a.at):
            groups.setdefault((type(a.change), subject(a.change, pack)), []).append(a)
        for (_kind, what), edits in groups.items():
            first, last = edits[0], edits[-1]
            out.append(LateChange(
                column=col, subject=what, before=value(first.undo), after=value(last.change),
                first_at=first.at, last_at=last.at, edits=len(edits),
                item_id=edit_target(first.change), is_rating=isinstance(first.change, Rate),
                is_text=isinstance(first.change, EditText), submitted_at=sc.submitted_at))
    return out


def rating_change(changes: Sequence[LateChange], column: str,
                  item_id: str) -> LateChange | None:
    """The change to ``column``'s rating of ``item_id`` after submission, if there was one."""
    return next((c for c in changes if c.column == column and c.item_id == item_id
                 and c.is_rating), None)


def text_difference(before: str, after: str, most: int = 160) -> str:
    """What an edit of a text did, short: "added “…”", "removed “…”" or "“…” → “…”".

    The parts both versions share at the start and the end are left out, so a
    sentence added to a long note reads as that sentence.
    """
    start = 0
    limit = min(len(before), len(after))
    while start < limit and before[start] == after[start]:
        start += 1
    end = 0
    while end < limit - start and before[-1 - end] == after[-1 - end]:
        end += 1
    old, new = before[start:len(before) - end], after[start:len(after) - end]

    def short(text: str) -> str:
        text = " ".join(text.split())
        return "\u201c" + (text if len(text) <= most else text[:most - 1] + "\u2026") + "\u201d"

    if not old and not new:
        return "no net change"
    if not old:
        return f"added {short(new)}"
    if not new:
        return f"removed {short(old)}"
    return f"{short(old)} \u2192 {short(new)}"
