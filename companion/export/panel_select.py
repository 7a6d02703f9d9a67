"""What the window's panel debrief page needs, in plain Python: importing scorecard
files into the store and grouping stored scorecards into panels. The independence
rule is asked of ``companion.record.independence.access_to``.

A panel is one candidate's submitted scorecards written with one question pack:
``render_panel`` refuses any other mix, so the picker only ever offers such
groups. Nothing here knows about widgets.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from companion.base.errors import ImportFileError
from companion.content.model import Pack
from companion.exchange.files import read_scorecard_file
from companion.record.independence import RoundLike
from companion.record.names import fold_name
from companion.record.scorecard import Scorecard

if TYPE_CHECKING:  # the store (SQLAlchemy) loads when a round is opened, not at start-up
    from companion.store import Store


# ------------------------------------------------------------------ importing files

@dataclass
class ImportReport:
    """The outcome of importing several files; one bad file never stops the others."""

    imported: list[Scorecard] = field(default_factory=list)
    already: list[Scorecard] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # one line each, naming the file

    @property
    def stored(self) -> list[Scorecard]:
        """Every scorecard now in the store from these files (new or already there)."""
        return [*self.imported, *self.already]

    def summary(self) -> str:
        """A few lines for the user: counts first, then each refused file."""
        parts: list[str] = []
        if self.imported:
            who = ", ".join(sc.interviewer for sc in self.imported)
            parts.append(f"Imported {_count(len(self.imported), 'scorecard')} ({who}).")
        if self.already:
            parts.append(f"{_count(len(self.already), 'file')} already stored, left as "
                         f"{'it was' if len(self.already) == 1 else 'they were'}.")
        pending = [sc.interviewer for sc in self.stored if not sc.submitted]
        if pending:
            parts.append("Not submitted yet, so left out of debriefs: "
                         + ", ".join(pending) + ".")
        if self.failed:
            parts.append(f"Not imported ({len(self.failed)}):")
            parts.extend(f"• {line}" for line in self.failed)
        return "\n".join(parts) if parts else "No files chosen."


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def import_files(store: Store, pack: Pack | None,
                 paths: Iterable[str | os.PathLike[str]]) -> ImportReport:
    """Check each exchange file against ``pack`` and store the good ones.

    A file already stored (same round id) is left as it is: the stored copy may
    carry later amendments. Problems with a file land in ``failed``; only a fault
    of the store itself (disk full, locked database) is raised.
    """
    report = ImportReport()
    for path in paths:
        try:
            sc = read_scorecard_file(path, pack)
        except ImportFileError as exc:
            report.failed.append(str(exc))
            continue
        (report.imported if store.save_imported(sc) else report.already).append(sc)
    return report


# ------------------------------------------------------------------ grouping into panels

@dataclass(frozen=True)
class PanelGroup:
    """One candidate's submitted scorecards of one pack, in the order the rounds began."""

    candidate: str
    pack_id: str
    pack_version: str
    scorecards: tuple[Scorecard, ...]

    @property
    def key(self) -> tuple[str, str, str]:
        """Stable across refreshes, so a picker can keep its selection."""
        return panel_key(self)

    @property
    def latest(self) -> datetime:
        return max(sc.submitted_at or sc.started_at for sc in self.scorecards)

    def label(self, show_pack: bool = False) -> str:
        """``Ana Ruiz · 3 scorecards``, with the pack when a candidate has several."""
        text = f"{self.candidate} · {_count(len(self.scorecards), 'scorecard')}"
        return f"{text} · pack {self.pack_id} {self.pack_version}" if show_pack else text


def panel_key(card: Scorecard | PanelGroup) -> tuple[str, str, str]:
    """The panel a scorecard belongs to: its candidate (names compared loosely) and pack."""
    return (fold_name(card.candidate), card.pack_id, card.pack_version)


def submitted_ids(rounds: Iterable[RoundLike]) -> list[str]:
    """Ids of the submitted rounds among ``rounds`` (the ones a debrief can use)."""
    return [r.id for r in rounds if r.submitted_at is not None]


def group_panels(scorecards: Iterable[Scorecard]) -> list[PanelGroup]:
    """Submitted scorecards grouped by candidate (names compared loosely) and pack.

    Groups come most recently submitted first; inside a group, rounds in the order
    they began (the debrief's columns follow it).
    Unsubmitted scorecards are left out: they never go into a debrief.
    """
    groups: dict[tuple[str, str, str], list[Scorecard]] = {}
    for sc in scorecards:
        if sc.submitted:
            groups.setdefault(panel_key(sc), []).append(sc)
    out = []
    for members in groups.values():
        members.sort(key=lambda sc: (sc.started_at, sc.id))
        first = members[0]
        out.append(PanelGroup(first.candidate, first.pack_id, first.pack_version,
                              tuple(members)))
    out.sort(key=lambda g: (g.latest, g.candidate), reverse=True)
    return out


def load_panels(store: Store) -> list[PanelGroup]:
    """Every panel the store can make, from its submitted rounds (own and imported)."""
    return group_panels(store.load_scorecard(rid) for rid in submitted_ids(store.list_rounds()))


def needs_pack_label(groups: Sequence[PanelGroup]) -> set[tuple[str, str, str]]:
    """Keys of groups whose candidate also appears with another pack."""
    seen: dict[str, int] = {}
    for g in groups:
        seen[g.key[0]] = seen.get(g.key[0], 0) + 1
    return {g.key for g in groups if seen[g.key[0]] > 1}


def panel_labels(scorecards: Sequence[Scorecard]) -> list[str]:
    """How refusal messages name each scorecard of a panel."""
    return [f"{sc.interviewer}'s {sc.round_title} ({sc.id[:8]})" for sc in scorecards]
