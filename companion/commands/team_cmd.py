"""``companion team connect|status|disconnect``: this computer and its team store.

Nothing here loads the database driver until a team store is configured, so
``team status`` on a laptop without one stays as offline as the rest of the app.
"""

from __future__ import annotations

import argparse
import json
import sys

from companion.commands.common import data_root
from companion.team.settings import clear_conninfo, load_conninfo, save_conninfo


def run_connect(args: argparse.Namespace) -> int:
    from companion.team.conninfo import PASSWORD_HOME, parse_target, tls_note

    target = parse_target(args.url)
    path = save_conninfo(data_root(args), target.conninfo)
    print(f"team store: {target.conninfo}")
    print(f"saved in {path} (without a password)")
    if target.password:
        print(f"note: the password in the URL was used for this check only and not saved; "
              f"put it in {PASSWORD_HOME}")
    note = tls_note(target.conninfo)
    if note:
        print(f"note: {note}")
    if args.no_check:
        return 0
    from companion.team.status import probe

    status = probe(target.conninfo, target.password)
    for line in status.lines()[1:]:
        print(line)
    if status.problem:
        print(f"companion: warning: saved, but the team store cannot be used yet: "
              f"{status.problem}", file=sys.stderr)
    return 0


def run_status(args: argparse.Namespace) -> int:
    conninfo = load_conninfo(data_root(args))
    if conninfo is None:
        if args.json:
            print(json.dumps({"configured": False}))
        else:
            print("team store: not configured (scorecards stay on this computer; "
                  "`companion team connect URL` sets one)")
        return 0
    from companion.team.status import probe

    status = probe(conninfo)
    if args.json:
        print(json.dumps({"configured": True, **status.to_dict()}, indent=2))
    else:
        print("\n".join(status.lines()))
    return 0 if status.problem is None else 2


def run_disconnect(args: argparse.Namespace) -> int:
    if clear_conninfo(data_root(args)):
        print("disconnected from the team store; nothing was deleted on the server or on "
              "this computer")
    else:
        print("no team store was configured")
    return 0
