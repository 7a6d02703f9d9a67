"""Loops through the team store (revision t0003), for ``companion loop``.

The team store holds the loops; the local file keeps a copy of each one this login
may read, so an interviewer who is offline when their round starts still has it.
When the server cannot be reached, reading falls back to that copy and says so on
stderr; planning and assigning need the server (a lead's change must reach everyone).
"""

from __future__ import annotations

import argparse
import sys

from companion.loop.model import Loop
from companion.loop.status import Seen
from companion.record.decision import Decision
from companion.record.scorecard import Scorecard
from companion.store import Store
from companion.team.errors import TeamConnectError
from companion.team.settings import TeamSettings


def create_in_team(args: argparse.Namespace, team: TeamSettings, loop: Loop) -> Loop:
    from companion.team import loops
    from companion.team.reading import team_connection

    with team_connection(team) as conn:
        with conn.begin():
            loops.create_loop(conn, loop)
        return loops.find_loop(conn, loop.id)


def assign_in_team(args: argparse.Namespace, team: TeamSettings, loop: Loop,
                   number: int) -> Loop:
    from companion.team import loops
    from companion.team.reading import team_connection

    r = loop.round_at(number)
    with team_connection(team) as conn:
        with conn.begin():
            loops.assign_round(conn, loop.id, number, r.interviewer, r.scheduled_at)
        return loops.find_loop(conn, loop.id)


def close_in_team(team: TeamSettings, candidate: str) -> int:
    """Close the team store's open loops of ``candidate``; how many were closed."""
    from companion.team import loops
    from companion.team.reading import team_connection

    with team_connection(team) as conn, conn.begin():
        return loops.close_loops_for(conn, candidate)


def refresh_from_team(args: argparse.Namespace, team: TeamSettings, store: Store) -> None:
    """Bring the local copies up to date; offline, say so and go on with them."""
    from companion.team import loops
    from companion.team.reading import team_connection

    try:
        with team_connection(team) as conn:
            found = loops.keep_local_copies(conn, store)
    except TeamConnectError as exc:
        print(f"companion: {exc}; showing the loops as last copied to this computer",
              file=sys.stderr)
        return
    for line in found.unreadable:
        print(f"companion: {line}", file=sys.stderr)


def team_evidence(args: argparse.Namespace, team: TeamSettings, loop: Loop) -> list[Seen]:
    from companion.team import loops
    from companion.team.reading import team_connection

    try:
        with team_connection(team) as conn:
            return loops.evidence(conn, loop)
    except TeamConnectError:
        return []  # refresh_from_team has said the server is out of reach


def team_outcome(args: argparse.Namespace, team: TeamSettings, loop: Loop
                 ) -> tuple[list[Scorecard], Decision | None]:
    """The loop candidate's scorecards (with amendments) and the panel's decision."""
    from companion.team.reading import read_panel, team_connection

    with team_connection(team) as conn:
        panel = read_panel(conn, loop.candidate, None)
    for line in panel.problems:
        print(f"companion: {line}", file=sys.stderr)
    return list(panel.scorecards), panel.app_decision()
