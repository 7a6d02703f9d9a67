"""Loops in the team store: created, assigned and read through its functions.

Until the store has loops (revision t0003), a team-store setup keeps loops on this
computer only, and says so.
"""

from __future__ import annotations

import argparse

from companion.base.errors import CompanionError
from companion.loop.model import Loop
from companion.loop.status import Seen
from companion.record.scorecard import Scorecard
from companion.store import Store
from companion.team.settings import TeamSettings

NOT_YET = ("this team store keeps no loops yet; run `companion team setup` with a version "
           "of the app that has them")


def create_in_team(args: argparse.Namespace, team: TeamSettings, loop: Loop) -> Loop:
    raise CompanionError(NOT_YET)


def assign_in_team(args: argparse.Namespace, team: TeamSettings, loop: Loop,
                   number: int) -> Loop:
    raise CompanionError(NOT_YET)


def refresh_from_team(args: argparse.Namespace, team: TeamSettings, store: Store) -> None:
    return None


def team_evidence(args: argparse.Namespace, team: TeamSettings, loop: Loop) -> list[Seen]:
    return []


def team_scorecards(args: argparse.Namespace, team: TeamSettings, loop: Loop
                    ) -> list[Scorecard]:
    raise CompanionError(NOT_YET)
