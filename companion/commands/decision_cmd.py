"""``candidate decide NAME (--hire --level LEVEL | --no-hire | --withdrawn) [--note TEXT]``."""

from __future__ import annotations

import argparse
import getpass
from dataclasses import replace
from datetime import UTC, datetime

from companion.base.errors import CompanionError
from companion.commands.common import data_root
from companion.commands.session_cmd import open_store
from companion.content.loader import load_for_cli
from companion.record.decision import Decision
from companion.team.settings import TeamSettings, load_team


def run_decide(args: argparse.Namespace) -> int:
    """``candidate decide NAME (--hire --level L | --no-hire | --withdrawn) [--note T]``."""
    from companion.store.decisions import record_decision

    outcome = "hire" if args.hire else "no_hire" if args.no_hire else "withdrawn"
    if args.level and outcome != "hire":
        raise CompanionError("--level goes with --hire only (the level offered)")
    if outcome == "hire" and not args.level:
        raise CompanionError("--hire needs --level LEVEL (the level offered)")
    pack = load_for_cli(args)
    level = pack.find_level(args.level) if args.level else None
    if args.level and level is None:
        known = ", ".join(lv.id for lv in pack.levels)
        raise CompanionError(f"no level {args.level!r}; the pack has {known}")
    team = load_team(data_root(args))
    if team is not None:
        return _decide_in_team_store(args, team, outcome, level.title if level else None)
    who = (args.by or "").strip() or getpass.getuser()
    with open_store(args) as store:
        names = {r.candidate for r in store.list_rounds()}
        if args.name not in names:
            close = sorted(n for n in names if n.casefold() == args.name.casefold())
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CompanionError(f"no candidate named {args.name!r}{hint}; "
                                 "`companion sessions list` shows the stored rounds")
        decision = Decision(args.name, outcome, who, datetime.now(UTC),
                            args.level if level else None, args.note or "")
        previous = record_decision(store, decision)
        from companion.store.loops import close_loops_of

        closed = close_loops_of(store, args.name)
    said = decision.describe(level.title if level else None)
    print(f"recorded for {args.name}: {said} (decided by {who})")
    if previous is not None:
        print(f"this replaces the earlier decision: {previous.describe()} "
              f"(by {previous.decided_by}, {previous.decided_at:%Y-%m-%d})")
    if closed:
        print("the candidate's loop is closed: it takes no more scorecards")
    return 0


def _decide_in_team_store(args: argparse.Namespace, team: TeamSettings, outcome: str,
                          level_title: str | None) -> int:
    """Record the decision in the team store (the panel lead's login decides), then here.

    The server takes a decision only from a panel lead, under their own display
    name, so that is the default for ``--by``; the local copy is kept too when
    this computer holds rounds of the candidate.
    """
    from companion.record.names import fold_name
    from companion.store.decisions import record_decision
    from companion.team import server
    from companion.team.reading import team_connection
    from companion.team.status import whoami

    with team_connection(team) as conn:
        me = whoami(conn)
        known = [c.name for c in server.list_candidates(conn)]
        conn.rollback()
        if me.display_name is None:
            raise CompanionError(f"the login {me.role} is not a member of the team store, so "
                                 "it cannot record decisions there")
        name = next((n for n in known if fold_name(n) == fold_name(args.name)), None)
        if name is None:
            raise CompanionError(f"the team store has no scorecard of {args.name!r} that "
                                 f"this login ({me.role}) may read")
        who = (args.by or "").strip() or me.display_name
        decision = Decision(name, outcome, who, datetime.now(UTC),
                            args.level if level_title else None, args.note or "")
        with conn.begin():
            server.record_decision(conn, decision)
    print(f"recorded in the team store for {name}: {decision.describe(level_title)} "
          f"(decided by {who})")
    from companion.commands.loop_team import close_in_team

    if close_in_team(team, name):
        print("the candidate's loop is closed: it takes no more scorecards")
    with open_store(args) as store:
        from companion.store.loops import close_loops_of

        close_loops_of(store, name)  # the local copy follows the team store's loop
        local = next((r.candidate for r in store.list_rounds()
                      if fold_name(r.candidate) == fold_name(name)), None)
        if local is not None:
            record_decision(store, replace(decision, candidate=local))
            print("and on this computer")
    return 0
