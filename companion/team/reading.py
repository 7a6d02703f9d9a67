"""What a panel lead (or a calibration) reads from the team store, as plain scorecards.

A scorecard comes back from the server as it was submitted, its amendments
beside it (``server.fetch_scorecards``); here they are applied in order and
listed on the scorecard, so a debrief built from the team store shows each one
as an amendment, exactly as one built from local rounds does. The server's
rules decide what the login may read; nothing is filtered here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text

from companion.base.errors import CompanionError, ImportFileError
from companion.content.model import Pack
from companion.intake.json_reader import Obj, SchemaError
from companion.record.change_codec import amendment_from
from companion.record.decision import Decision
from companion.record.scorecard import Scorecard
from companion.team import server
from companion.team.connect import connection, make_engine
from companion.team.settings import TeamSettings, load_team


def require_team(data_dir: Path) -> TeamSettings:
    """The configured team store, or a ``CompanionError`` saying how to set one."""
    team = load_team(data_dir)
    if team is None:
        raise CompanionError("no team store is configured; `companion team connect URL` "
                             "sets one")
    return team


@contextmanager
def team_connection(team: TeamSettings, password: str | None = None) -> Iterator[Connection]:
    """One connection to the team store for one command or one page load."""
    engine = make_engine(team.conninfo, password=password)
    try:
        with connection(engine) as conn:
            yield conn
    finally:
        engine.dispose()


def with_amendments(stored: server.StoredScorecard) -> Scorecard:
    """The stored scorecard brought up to date: each amendment applied and listed, in order."""
    sc = stored.scorecard
    for a in stored.amendments:
        source = f"team store amendment {a.seq} of scorecard {a.scorecard_id}"
        try:
            amendment = amendment_from(Obj(a.change, source))
        except (SchemaError, ValueError) as exc:
            raise ImportFileError(f"{source}: {exc}") from None
        sc = sc.apply(amendment)
    return sc


@dataclass(frozen=True)
class TeamPanel:
    """One candidate's scorecards the login may read, up to date, and the panel's decision."""

    candidate: str
    scorecards: tuple[Scorecard, ...]
    labels: tuple[str, ...]  # names each scorecard in messages
    decision: server.StoredDecision | None

    def app_decision(self) -> Decision | None:
        return as_decision(self.decision) if self.decision is not None else None


def read_panel(conn: Connection, candidate: str, pack: Pack | None) -> TeamPanel:
    """Every readable scorecard of ``candidate`` (oldest first) and the latest decision."""
    stored = server.fetch_scorecards(conn, candidate, pack)
    cards = tuple(with_amendments(s) for s in stored)
    labels = tuple(f"team store scorecard {s.scorecard.id}" for s in stored)
    decision = server.read_decision(conn, candidate) if _reads_decisions(conn) else None
    name = cards[0].candidate if cards else decision.candidate if decision else candidate
    return TeamPanel(name, cards, labels, decision)


def _reads_decisions(conn: Connection) -> bool:
    """Panel leads and admins read decisions; an interviewer's debrief goes without."""
    return bool(conn.execute(text(
        "SELECT has_table_privilege('companion.decisions', 'SELECT')")).scalar_one())


def as_decision(stored: server.StoredDecision) -> Decision:
    """The team store's decision as the app's ``Decision`` (checked the same way)."""
    return Decision(candidate=stored.candidate, outcome=stored.outcome,
                    decided_by=stored.decided_by, decided_at=stored.decided_at,
                    level=stored.level, note=stored.note)


@dataclass(frozen=True)
class TeamCalibrationData:
    scorecards: tuple[Scorecard, ...]  # up to date, every amendment applied
    decisions: tuple[Decision, ...]  # the latest per candidate (none for an interviewer)


def read_for_calibration(conn: Connection, pack: Pack | None) -> TeamCalibrationData:
    """Everything calibration needs that the login may read: two queries and the decisions.

    The server's rules already hold back what an interviewer may not see yet, so
    every scorecard here counts.
    """
    stored = server.fetch_all_scorecards(conn, pack)
    return TeamCalibrationData(tuple(with_amendments(s) for s in stored),
                               tuple(as_decision(d) for d in server.read_decisions(conn)))
