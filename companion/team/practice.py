"""Practice summaries on the team store: publish a set's sums, read them as a panel lead.

Only the functions of revision t0004 are called; the tables behind them grant
nothing to anyone, so the server alone decides who publishes (a member, under
their own name) and who reads (panel leads and admins).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection

from companion.practice.history import SetRecord
from companion.practice.scoring import (
    Figures,
    PracticeFigure,
    Readiness,
    Tally,
    by_interviewer,
    figures,
)
from companion.team.server import _execute, _writable  # the one way to call and translate


@dataclass(frozen=True)
class TeamPractice:
    """One interviewer's practice on one archetype, as the team store adds it up."""

    interviewer: str
    archetype: str
    sets: int
    tally: Tally
    last_finished: datetime

    @property
    def figures(self) -> Figures:
        return figures(self.tally)

    def ready(self, bar: Readiness) -> bool:
        return bar.met(self.tally)


def publish_sets(conn: Connection, sets: Iterable[SetRecord]) -> list[str]:
    """Publish each finished set's summary once; the ids stored now (not those already there)."""
    _writable(conn, "to publish practice summaries")
    stored = []
    for rec in sets:
        if rec.finished_at is None or rec.tally.n == 0:
            continue  # a set left half-way stays on this computer
        t = rec.tally
        added = _execute(conn, f"to publish practice set {rec.id}", (
            "SELECT companion.publish_practice(:id, :arch, :dim, :at, :n, :exact, :within, "
            ":esum, :esq)"), {
                "id": rec.id, "arch": rec.archetype, "dim": rec.dimension,
                "at": rec.finished_at, "n": t.n, "exact": t.exact, "within": t.within_one,
                "esum": t.error_sum, "esq": t.error_squares}).scalar_one()
        if added:
            stored.append(rec.id)
    return stored


def read_practice(conn: Connection) -> list[TeamPractice]:
    """Every interviewer's practice per archetype (panel leads and admins only)."""
    rows = _execute(conn, "to read practice summaries",
                    "SELECT * FROM companion.practice_by_interviewer()", {}).all()
    return [TeamPractice(r.interviewer, r.archetype, int(r.sets),
                         Tally(int(r.rated), int(r.exact), int(r.within_one),
                               int(r.error_sum), int(r.error_squares)), r.last_finished)
            for r in rows]


def read_bar(conn: Connection) -> Readiness:
    """The team's "ready for this archetype" threshold."""
    row = _execute(conn, "to read the practice threshold",
                   "SELECT * FROM companion.practice_bar()", {}).one()
    return Readiness(float(row.exact), float(row.within_one), int(row.min_rated))


def set_bar(conn: Connection, bar: Readiness) -> None:
    """Set the team's threshold (panel leads only)."""
    _writable(conn, "to set the practice threshold")
    _execute(conn, "to set the practice threshold",
             "SELECT companion.set_practice_bar(:e, :w, :n)",
             {"e": Decimal(str(bar.exact)), "w": Decimal(str(bar.within_one)),
              "n": bar.min_n})


def practice_by_interviewer(conn: Connection, archetype: str | None = None
                            ) -> dict[str, PracticeFigure]:
    """As ``practice.history.practice_by_interviewer``, over the team store (leads)."""
    return by_interviewer((p.interviewer, p.sets, p.tally) for p in read_practice(conn)
                          if archetype is None or p.archetype == archetype)
