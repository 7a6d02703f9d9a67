"""Independent scoring: nobody reads a colleague's scorecard before submitting their own.

Anchored, independent judgement is what makes a panel's scores worth merging,
so the window asks this module before it opens or exports another
interviewer's scorecard of the same candidate.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from companion.base.errors import CompanionError
from companion.record.names import fold_name, same_person


class RoundLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def candidate(self) -> str: ...
    @property
    def interviewer(self) -> str: ...
    @property
    def submitted_at(self) -> datetime | None: ...


class RoundLister(Protocol):
    """Where the stored rounds come from: the ``Store``."""

    def list_rounds(self) -> Sequence[RoundLike]: ...


@dataclass(frozen=True)
class Access:
    allowed: bool
    reason: str = ""


def closed_candidates(viewer: str, rounds: Iterable[RoundLike]) -> set[str]:
    """Candidates (names, trimmed and casefolded) whose colleagues' scorecards are closed
    to ``viewer``: those of whom the viewer still has an unsubmitted scorecard."""
    return {fold_name(r.candidate) for r in rounds
            if r.submitted_at is None and same_person(r.interviewer, viewer)}


def can_view(viewer: str, target: RoundLike, rounds: Iterable[RoundLike]) -> Access:
    """May ``viewer`` open ``target``, given every stored round?

    Their own scorecards are always open. Another interviewer's scorecard of a
    candidate is closed while the viewer still has an unsubmitted scorecard of
    that same candidate. Someone who did not interview the candidate (the panel
    lead collecting files) may read them all.
    """
    if same_person(viewer, target.interviewer):
        return Access(True)
    if fold_name(target.candidate) in closed_candidates(viewer, rounds):
        return Access(
            False,
            f"Submit your own scorecard of {target.candidate} first: colleagues' scores stay "
            "hidden until then, so that every judgement is made independently.",
        )
    return Access(True)


def viewable(viewer: str, rounds: Iterable[RoundLike]) -> list[RoundLike]:
    """The rounds ``viewer`` may open, in the order given."""
    everything = list(rounds)
    return [r for r in everything if can_view(viewer, r, everything).allowed]


def access_to(viewer: str, round_ids: Iterable[str], store: RoundLister) -> Access:
    """The window's one question: may ``viewer`` open or export these stored rounds?

    Asked before resuming a round, exporting a scorecard and exporting a panel
    debrief. The first refusal is returned. An id the store does not list is not
    refused here: loading it fails next, with the store's own message. When the
    store cannot list its rounds, nobody's scores are shown: it cannot tell whose
    scorecards are still open.
    """
    try:
        everything = list(store.list_rounds())
    except CompanionError as exc:
        return Access(False, f"Cannot check the stored rounds: {exc}")
    by_id = {r.id: r for r in everything}
    for round_id in round_ids:
        target = by_id.get(round_id)
        if target is None:
            continue
        access = can_view(viewer, target, everything)
        if not access.allowed:
            return access
    return Access(True)
