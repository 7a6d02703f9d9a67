"""The team's own rules kept in the team store (revision t0005): are loops required?

With loops required (the default) the server stores an interviewer's scorecard
only for a round assigned to them in an open loop; an admin may turn that off,
knowingly, for a team that plans no loops. Every change is audited on the server
(``setting_changes``: who, when, which value).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

from companion.team import server


@dataclass(frozen=True)
class TeamRules:
    loops_required: bool
    set_by: str  # the login that last set it (the setup account at first)
    set_at: datetime

    def line(self) -> str:
        """One line for ``team status``."""
        if self.loops_required:
            return ("loops: required (a scorecard is published only for a round a loop "
                    "assigns to its interviewer)")
        return (f"loops: optional (turned off by {self.set_by} on {self.set_at:%Y-%m-%d}; "
                "any member may publish a scorecard of any candidate without a loop)")


def read_rules(conn: Connection) -> TeamRules | None:
    """The team's rules; None on a store older than t0005 (or a login that may not ask)."""
    # By oid: a store without the function gives NULL here, not an error.
    known = conn.execute(text(
        "SELECT coalesce(has_function_privilege(to_regprocedure('companion.team_settings()'), "
        "'EXECUTE'), false)")).scalar_one()
    if not known:
        return None
    row = server.execute(conn, "to read the team's rules",
                         "SELECT loops_required, set_by, set_at "
                         "FROM companion.team_settings()", {}).first()
    if row is None:
        return None
    return TeamRules(bool(row[0]), str(row[1]), row[2])


def set_loops_required(conn: Connection, on: bool) -> bool:
    """An admin turns "loops required" on or off; True when it changed now."""
    what = "to change whether loops are required"
    server._writable(conn, what)
    answer = server.execute(conn, what, "SELECT companion.set_loops_required(:on)",
                            {"on": on}).scalar_one()
    return answer == "stored"
