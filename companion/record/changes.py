"""Changes as data: every action on a round is one small frozen value.

The live engine turns each tap, keystroke batch or timer save into one of these,
applies it to its ``Scorecard`` (``Scorecard.apply``) and hands it to the store,
which writes it through one function (``store.writes.write``). After submission
an edit travels as an ``Amendment``: the edit itself and the edit that would put
back what it replaced, so the PDF, the debrief and the team store can say
"Queue probe: Thin -> Mid" from the same value. ``change_codec`` turns changes
into JSON and back; ``change_text`` words them for people.

Plain values only: no Qt, no SQL, no reference to a scorecard.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The owner of round-level text (notes and summary) in ``EditText``.
ROUND = "__round__"

TEXT_FIELDS: tuple[str, ...] = ("said", "read", "summary")  # summary: round-level only


@dataclass(frozen=True)
class Rate:
    """Rate an item on the rubric; ``rating`` None clears it."""

    item_id: str
    rating: str | None
    at: datetime | None


@dataclass(frozen=True)
class AnswerProbe:
    """Record a follow-up probe (``failure.<target>`` for the failure probes)."""

    item_id: str
    probe_id: str
    asked: bool
    rating: str | None
    note: str
    at: datetime | None


@dataclass(frozen=True)
class StepFlag:
    """Move a red flag to ``state``; ``item_id`` is the item on screen at the time."""

    flag_id: str
    state: str
    at: datetime
    evidence: str = ""
    item_id: str | None = None


@dataclass(frozen=True)
class EditText:
    """Replace one text field: an item's said/read notes, or the round's (``ROUND``)."""

    owner: str
    field: str
    text: str


@dataclass(frozen=True)
class Recommend:
    """The overall recommendation (None only as the undo of a first choice)."""

    value: str | None


@dataclass(frozen=True)
class Submit:
    """Lock the scorecard; ``ended_at`` is when the round's clock last stopped."""

    at: datetime
    ended_at: datetime | None = None


@dataclass(frozen=True)
class Move:
    """Show item ``index`` (where a reopened round comes back)."""

    index: int


@dataclass(frozen=True)
class TimerRecord:
    """The round's clock as saved (a reopened round restores it paused)."""

    round_elapsed_s: float
    section_index: int
    started: bool
    section_elapsed: tuple[float, ...]
    section_started_at: tuple[datetime | None, ...]
    section_paused_at: tuple[datetime | None, ...]
    listen: tuple[float, float] | None  # (started at round second, length)
    sketch: tuple[float, float] | None
    item_time: tuple[tuple[str, float], ...]
    current_index: int


@dataclass(frozen=True)
class Timers:
    """Save the clock: elapsed time per round, section and item."""

    record: TimerRecord


# What an interviewer can change after submission, each kept as an amendment.
Edit = Rate | AnswerProbe | StepFlag | EditText | Recommend


@dataclass(frozen=True)
class Amendment:
    """An edit made after submission, kept beside the record and never over it."""

    at: datetime
    change: Edit
    undo: Edit  # the same kind of edit, putting back the value ``change`` replaced
    reason: str = ""


Change = Edit | Submit | Move | Timers | Amendment


def edit_target(change: Edit) -> str | None:
    """The question or scenario an edit touches; None for round-level edits."""
    if isinstance(change, Rate | AnswerProbe):
        return change.item_id
    if isinstance(change, EditText):
        return None if change.owner == ROUND else change.owner
    return None
