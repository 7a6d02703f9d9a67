"""Loops in the team store (revisions t0003, t0005): plan, assign, close and read them.

Every call is one of the store's functions; the server decides who may plan
(panel leads) and whose round a scorecard may be (``publish_scorecard`` refuses a
scorecard of a candidate with a loop unless an open round of it is the caller's).
Loop payloads come back as text and pass the same bounded decoder as a loop file,
so a bad row is named and left out, never trusted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection

from companion.intake.json_reader import SchemaError
from companion.intake.reading import Refused, one_line, parse_json
from companion.loop.model import Loop, loop_from_dict, loop_to_dict
from companion.loop.status import Seen
from companion.store import Store
from companion.team import server
from companion.team.errors import TeamStoreError
from companion.team.settings import TeamSettings


@dataclass(frozen=True)
class TeamLoops:
    loops: list[Loop]
    unreadable: list[str]  # one line each: which loop, what is wrong


def create_loop(conn: Connection, loop: Loop) -> None:
    """Store a new loop (a panel lead); the server stamps who planned it and when."""
    what = f"to plan the loop of {loop.candidate}"
    server._writable(conn, what)
    body = json.dumps(loop_to_dict(loop), ensure_ascii=False, sort_keys=True)
    server._execute(conn, what, "SELECT companion.create_loop(:p)", {"p": body})


def assign_round(conn: Connection, loop_id: str, number: int, interviewer: str,
                 scheduled_at: datetime | None) -> None:
    """Give round ``number`` to the member named ``interviewer`` ("" takes it away)."""
    what = f"to assign round {number} of loop {loop_id[:8]}"
    server._writable(conn, what)
    server._execute(conn, what, "SELECT companion.assign_round(:l, :n, :who, "
                    "CAST(:at AS timestamptz))",
                    {"l": loop_id, "n": number, "who": interviewer, "at": scheduled_at})


def close_loop(conn: Connection, loop_id: str) -> None:
    """The panel decided: the loop takes no more scorecards."""
    what = f"to close loop {loop_id[:8]}"
    server._writable(conn, what)
    server._execute(conn, what, "SELECT companion.close_loop(:l)", {"l": loop_id})


def read_loops(conn: Connection) -> TeamLoops:
    """The loops the caller may read (a lead all; an interviewer those with a round of theirs)."""
    rows = server._execute(conn, "to read the loops",
                           "SELECT id, payload FROM companion.read_loops()", {}).all()
    loops, bad = [], []
    for loop_id, payload in rows:
        where = f"team store loop {one_line(str(loop_id))[:40]}"
        try:
            if not isinstance(payload, str):
                raise SchemaError("the stored loop is not JSON text")
            loops.append(loop_from_dict(parse_json(payload, "loop"), "loop"))
        except (Refused, SchemaError, ValueError) as exc:
            bad.append(f"{where} was left out: {one_line(str(exc))}")
    return TeamLoops(loops, bad)


def find_loop(conn: Connection, loop_id: str) -> Loop:
    found = next((lp for lp in read_loops(conn).loops if lp.id == loop_id), None)
    if found is None:
        raise TeamStoreError(f"the team store has no loop {loop_id[:8]} this login may read")
    return found


def evidence(conn: Connection, loop: Loop) -> list[Seen]:
    """The loop candidate's published scorecards the caller may read, as status evidence."""
    fetched = server.fetch_scorecards(conn, loop.candidate, None)
    return [Seen(s.scorecard.candidate, s.scorecard.interviewer, s.scorecard.template_id,
                 s.scorecard.started_at, s.scorecard.ended_at, s.scorecard.submitted_at,
                 s.published_at, s.scorecard.id) for s in fetched.scorecards]


def keep_local_copies(conn: Connection, store: Store) -> TeamLoops:
    """Copy the loops the caller may read into the local file, for a round started offline."""
    from companion.store.loops import save_loop

    found = read_loops(conn)
    for loop in found.loops:
        save_loop(store, loop, "team")
    return found


def loop_of(conn: Connection, candidate: str) -> Loop | None:
    """The candidate's loop the caller may read: the open one, else the latest closed one."""
    from companion.record.names import fold_name

    mine = [lp for lp in read_loops(conn).loops if fold_name(lp.candidate) == fold_name(candidate)]
    mine.sort(key=lambda lp: (not lp.closed, lp.created_at))
    return mine[-1] if mine else None


def save_to_team(team: TeamSettings, password: str | None, loop: Loop,
                 number: int | None) -> Loop:
    """Create ``loop`` (``number`` None) or assign its round ``number``; the stored loop.

    For the window's Loops page, on a worker thread: one connection per change.
    """
    from companion.team.reading import team_connection

    with team_connection(team, password) as conn:
        with conn.begin():
            if number is None:
                create_loop(conn, loop)
            else:
                r = loop.round_at(number)
                assign_round(conn, loop.id, number, r.interviewer, r.scheduled_at)
        return find_loop(conn, loop.id)


def close_loops_for(conn: Connection, candidate: str) -> int:
    """Close the candidate's open loops (the panel decided); how many were closed."""
    from companion.record.names import fold_name

    open_ones = [lp for lp in read_loops(conn).loops
                 if not lp.closed and fold_name(lp.candidate) == fold_name(candidate)]
    for lp in open_ones:
        close_loop(conn, lp.id)
    return len(open_ones)


def round_started(conn: Connection, loop_id: str, number: int) -> None:
    """Tell the team store this login began round ``number`` (the server stamps the time)."""
    what = f"to report round {number} of loop {loop_id[:8]} begun"
    server._writable(conn, what)
    server._execute(conn, what, "SELECT companion.round_started(:l, :n)",
                    {"l": loop_id, "n": number})


def round_progress(conn: Connection, loop_id: str, number: int, step: str) -> bool:
    """Tell the team store round ``number`` of a loop was ``step`` ("started", "submitted").

    Revision t0005 on; only for an open round assigned to this login. The server
    stamps its own time once per step: True when it did now, False when it had it.
    """
    what = f"to report round {number} of loop {loop_id[:8]} {step}"
    server._writable(conn, what)
    return server._execute(conn, what, "SELECT companion.round_progress(:l, :n, :s)",
                           {"l": loop_id, "n": number, "s": step}).scalar_one() == "stored"


def report_start(team: TeamSettings, password: str | None, loop_id: str, number: int) -> None:
    """``round_started`` on a connection of its own (the window's worker thread)."""
    from companion.team.reading import team_connection

    with team_connection(team, password) as conn, conn.begin():
        round_started(conn, loop_id, number)


def team_view(team: TeamSettings, password: str | None) -> tuple[list[Loop], dict[str, list[Seen]]]:
    """The loops this login may read and, per loop id, its published scorecards as evidence.

    For the window's Loops page, on a worker thread: one connection for the whole view.
    """
    from companion.team.reading import team_connection

    with team_connection(team, password) as conn:
        found = read_loops(conn).loops
        return found, {lp.id: evidence(conn, lp) for lp in found}
