"""``candidate decide NAME (--hire --level LEVEL | --no-hire | --withdrawn) [--note TEXT]``."""

from __future__ import annotations

import argparse
import getpass
from datetime import UTC, datetime

from companion.commands.session_cmd import open_store
from companion.content.loader import load_for_cli
from companion.decision import Decision
from companion.errors import CompanionError


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
    said = decision.describe(level.title if level else None)
    print(f"recorded for {args.name}: {said} (decided by {who})")
    if previous is not None:
        print(f"this replaces the earlier decision: {previous.describe()} "
              f"(by {previous.decided_by}, {previous.decided_at:%Y-%m-%d})")
    return 0
