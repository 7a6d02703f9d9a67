"""``companion team connect|status|disconnect``: this computer and its team store.

Nothing here loads the database driver until a team store is configured, so
``team status`` on a laptop without one stays as offline as the rest of the app.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from companion.base.errors import CompanionError
from companion.commands.common import data_root
from companion.team.settings import (
    EVERYTHING,
    TeamSettings,
    clear_conninfo,
    load_team,
    save_conninfo,
)


def run_connect(args: argparse.Namespace) -> int:
    from companion.team.conninfo import PASSWORD_HOME, parse_target, shown, tls_note

    target = parse_target(args.url)
    joined = EVERYTHING if args.publish_existing else None
    path = save_conninfo(data_root(args), target.conninfo, joined)
    print(f"team store: {shown(target.conninfo)}")
    print(f"saved in {path} (without a password or any other secret)")
    if args.publish_existing:
        print("rounds submitted on this computer before now will be published too")
    else:
        print("rounds submitted from now on will be published; earlier ones stay on this "
              "computer (`team connect --publish-existing URL` publishes them too)")
    if target.password or target.secrets:
        what = ", ".join(["password"] * bool(target.password) + [k for k, _ in target.secrets])
        print(f"note: the {what} in the URL {'was' if ',' not in what else 'were'} used for "
              f"this check only and not saved; put the password in {PASSWORD_HOME}")
    note = tls_note(target.conninfo)
    if note:
        print(f"note: {note}")
    if args.no_check:
        return 0
    from companion.team.status import probe

    status = probe(target.conninfo, target.password, dict(target.secrets))
    for line in status.lines()[1:]:
        print(line)
    if status.problem:
        print(f"companion: saved, but the team store cannot be used yet: "
              f"{status.problem}", file=sys.stderr)
        return 2
    return 0


def run_status(args: argparse.Namespace) -> int:
    team = load_team(data_root(args))
    if team is None:
        if args.json:
            print(json.dumps({"configured": False}))
        else:
            print("team store: not configured (scorecards stay on this computer; "
                  "`companion team connect URL` sets one)")
        return 0
    from companion.team.status import probe

    status = probe(team.conninfo)
    waiting = _waiting(data_root(args), team)
    if args.json:
        print(json.dumps({"configured": True, **status.to_dict(), "waiting": waiting},
                         indent=2))
    else:
        print("\n".join(status.lines()))
        print(f"waiting to publish: {waiting} (`companion team publish` sends them now)"
              if waiting else "waiting to publish: none")
    return 0 if status.problem is None else 2


def _waiting(data_dir: Path, team: TeamSettings) -> int:
    """Entries this laptop has yet to publish (none when it has no database yet)."""
    from companion.store import Store, outbox
    from companion.store.db import DB_NAME

    if not (data_dir / DB_NAME).exists():
        return 0
    with Store.open(data_dir) as store, store.read() as s:
        return outbox.waiting(s, team.joined_at)


def run_disconnect(args: argparse.Namespace) -> int:
    if clear_conninfo(data_root(args)):
        print("disconnected from the team store; nothing was deleted on the server, and on "
              "this computer only calibration's cache of team-store rows")
    else:
        print("no team store was configured")
    return 0


def run_publish(args: argparse.Namespace) -> int:
    """``team publish``: send every submitted round and amendment waiting, now."""
    team = load_team(data_root(args))
    if team is None:
        raise CompanionError("no team store is configured; `companion team connect URL` "
                             "sets one")
    from companion.store import Store
    from companion.team.publisher import Publisher

    store = Store.open(data_root(args))
    publisher = Publisher(store, team)
    try:
        run = publisher.publish(everything=True, limit=1_000_000)
    finally:
        publisher.close()
        store.close()
    if run.identity is not None:
        name = run.identity.display_name or "not a team member"
        print(f"connected as {run.identity.role} ({name})")
    for line in run.lines():
        print(line, file=sys.stderr if line.startswith("not published") else sys.stdout)
    return 2 if run.problems else 0


def run_settings(args: argparse.Namespace) -> int:
    """``team settings``: show the team's rules; an admin turns "loops required" on or off."""
    from companion.team.reading import require_team, team_connection
    from companion.team.rules import read_rules, set_loops_required

    team = require_team(data_root(args))
    changed = None
    with team_connection(team) as conn:
        if args.loops is not None:
            with conn.begin():
                changed = set_loops_required(conn, args.loops)
        rules = read_rules(conn)
    if rules is None:
        raise CompanionError("this team store keeps no rules yet: the team administrator "
                             "runs `companion team setup URL` to upgrade it")
    if args.json:
        print(json.dumps({"loops_required": rules.loops_required, "set_by": rules.set_by,
                          "set_at": rules.set_at.isoformat(), "changed": changed}))
        return 0
    if changed is False:
        print("unchanged")
    print(rules.line())
    return 0
