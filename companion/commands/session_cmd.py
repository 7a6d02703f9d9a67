"""Stored rounds on the command line: list, show, export, import, delete, and the demo.

Round ids may be shortened to any unique prefix for reading commands (``show``,
``export``; ``Store.resolve_id``); deleting needs the whole id, so a typo can never
remove the wrong round. Unknown ids and names are ``CompanionError`` (one line, exit 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from companion.base.errors import CompanionError, ContentError, ImportFileError, StorageError
from companion.commands.common import data_root, require_access, viewer
from companion.commands.session_show import format_scorecard, local_time
from companion.content.loader import load_for_cli
from companion.content.model import Pack
from companion.record.independence import access_to
from companion.record.scorecard import Scorecard
from companion.store import RoundSummary, Store, outbox
from companion.store.outbox import PublishState
from companion.store.search import RoundFilter
from companion.team.settings import load_team

# The keys of ``sessions list --json``, in this order (scripts rely on them).
LIST_KEYS: tuple[str, ...] = (
    "id", "candidate", "interviewer", "archetype", "level", "template_id", "round_title",
    "started_at", "submitted_at", "status", "publish_state", "publish",
)


@contextmanager
def open_store(args: argparse.Namespace) -> Iterator[Store]:
    store = Store.open(data_root(args))
    try:
        yield store
    finally:
        store.close()


def status_of(r: RoundSummary) -> str:
    return "submitted" if r.submitted_at is not None else "in progress"


def find_round(store: Store, wanted: str) -> RoundSummary:
    """The stored round whose id is exactly ``wanted`` (for deleting: no prefixes)."""
    found = next((r for r in store.list_rounds() if r.id == wanted.strip()), None)
    if found is None:
        raise CompanionError(f"no round with id {wanted!r} (deleting needs the whole id); "
                             "`companion sessions list` shows the stored rounds")
    return found


def summary_dict(r: RoundSummary, publish: PublishState | None = None) -> dict[str, Any]:
    """One ``sessions list --json`` entry, keys in ``LIST_KEYS`` order.

    ``publish_state`` is published / waiting / local, or null for a round with
    nothing to publish (in progress, or imported from a file); ``publish`` says it
    in words ("waiting to publish: server unreachable since 14:02 (3 tries)").
    """
    def plain(value: object) -> object:
        return value.isoformat() if isinstance(value, datetime) else value

    out = {key: plain(getattr(r, key)) for key in LIST_KEYS[:-3]}
    out["status"] = "submitted" if r.submitted_at is not None else "in_progress"
    out["publish_state"] = publish.state if publish else None
    out["publish"] = publish.describe() if publish else None
    return out


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(rounds: list[RoundSummary],
                 publish: dict[str, PublishState] | None = None) -> str:
    """The table of ``sessions list``; with ``publish``, a TEAM STORE column too."""
    head: tuple[str, ...] = ("ID", "CANDIDATE", "INTERVIEWER", "ARCHETYPE", "LEVEL", "ROUND",
                             "STARTED", "STATUS")
    rows: list[tuple[str, ...]] = [
        (r.id, _cut(r.candidate, 28), _cut(r.interviewer, 22), r.archetype, r.level,
         _cut(r.round_title, 28), local_time(r.started_at), status_of(r)) for r in rounds]
    if publish is not None:
        head = (*head, "TEAM STORE")
        rows = [(*row, publish[r.id].describe() if r.id in publish else "-")
                for row, r in zip(rows, rounds, strict=True)]
    widths = [max(len(row[i]) for row in (head, *rows)) for i in range(len(head))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
                     .rstrip() for row in (head, *rows))


def _sorted(rounds: list[RoundSummary]) -> list[RoundSummary]:
    return sorted(rounds, key=lambda r: (r.started_at, r.id), reverse=True)


def list_filter(args: argparse.Namespace) -> RoundFilter:
    """The rounds ``--search``, ``--mine`` and ``--since`` ask for (the window's filter)."""
    since = getattr(args, "since", None)
    return RoundFilter(
        words=getattr(args, "search", "") or "",
        interviewer=viewer(args)[0] if getattr(args, "mine", False) else None,
        since=datetime.combine(since, time()).astimezone(UTC)  # local midnight
        if since is not None else None)


def run_list(args: argparse.Namespace) -> int:
    """``sessions list [--json] [--search TEXT] [--mine] [--since DATE]``, newest first."""
    team = load_team(data_root(args))  # the settings file only: no driver, no network
    wanted = list_filter(args)
    with open_store(args) as store:
        rounds = _sorted(store.list_rounds())
        if not wanted.empty:
            if store.search_notice:
                print(store.search_notice, file=sys.stderr)
            keep = {r.id for r in store.search_rounds(wanted, limit=len(rounds) + 1)}
            rounds = [r for r in rounds if r.id in keep]
        with store.read() as s:
            states = outbox.states(s, team.joined_at if team else None)
    if args.json:
        print(json.dumps([summary_dict(r, states.get(r.id)) for r in rounds], indent=2,
                         ensure_ascii=False))
    elif not rounds and not wanted.empty:
        print("No stored round matches.")
    elif not rounds:
        print("No rounds stored yet. `companion demo` stores two example scorecards.")
    else:
        # Without a team store the table stays as it always was, unless rounds were
        # published before it was disconnected.
        shown = team is not None or any(p.state != "local" for p in states.values())
        print(format_table(rounds, states if shown else None))
    return 0


def _pack_or_none(args: argparse.Namespace) -> Pack | None:
    """The pack for titles; a broken user pack must not stop anyone reading a scorecard."""
    try:
        return load_for_cli(args)
    except ContentError:
        return None


def run_show(args: argparse.Namespace) -> int:
    """``session show ID``: the scorecard as readable text."""
    with open_store(args) as store:
        sc = _viewable_scorecard(args, store)
    print(format_scorecard(sc, _pack_or_none(args)))
    return 0


def _viewable_scorecard(args: argparse.Namespace, store: Store) -> Scorecard:
    """The stored scorecard ``args.id`` names, if the independence rule lets the reader see it."""
    round_id = store.resolve_id(args.id)
    require_access(args, access_to(viewer(args)[0], [round_id], store))
    return store.load_scorecard(round_id)


def run_export(args: argparse.Namespace) -> int:
    """``session export ID -o FILE``: write the exchange file for the panel lead."""
    from companion.exchange.files import write_scorecard_file

    with open_store(args) as store:
        sc = _viewable_scorecard(args, store)
    path = write_scorecard_file(sc, Path(args.output))
    print(f"wrote {path} (round {sc.id}: {sc.candidate}, by {sc.interviewer})")
    if not sc.submitted:
        print("note: this round is not submitted yet; the file shows it as in progress",
              file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    """``session import FILE...``: validate each file; store the good ones, report the bad.

    One bad file never blocks the others; the exit code is 2 if any file failed.
    """
    from companion.exchange.files import read_scorecard_file

    pack = load_for_cli(args)
    if args.team:
        return _import_to_team(args, pack)
    imported = already = 0
    failed: list[str] = []
    with open_store(args) as store:
        for name in args.files:
            try:
                sc = read_scorecard_file(Path(name), pack)
            except ImportFileError as exc:
                failed.append(name)
                print(f"companion: not imported: {exc}", file=sys.stderr)
                continue
            who = f"round {sc.id}: {sc.candidate}, by {sc.interviewer}" + (
                "" if sc.submitted else ", not submitted yet")
            try:
                stored = store.save_imported(sc)
            except StorageError as exc:  # e.g. a full disk: say so, and try the next file
                failed.append(name)
                print(f"companion: not imported: {name}: {exc}", file=sys.stderr)
                continue
            if stored:
                imported += 1
                print(f"imported {name} ({who})")
            else:
                already += 1
                kept = store.load_scorecard(sc.id)
                note = ("" if same_content(kept, sc) else
                        "; the stored copy differs from this file (e.g. later amendments) and "
                        "was kept: delete the round first to replace it")
                print(f"already stored {name} ({who}); left as it was{note}")
    parts = [f"{imported} imported", f"{already} already stored"]
    if failed:
        parts.append(f"{len(failed)} failed: " + ", ".join(failed))
    print("; ".join(parts), file=sys.stderr if failed else sys.stdout)
    return 2 if failed else 0


def _import_to_team(args: argparse.Namespace, pack: Pack) -> int:
    """``session import --team FILE...``: a panel lead stores hand-carried files on the server.

    Each file is checked like any import, then stored in its own transaction for
    the team member it names (``server.import_scorecard``); one refused file never
    blocks the others. An unreachable server stops the command (exit 2).
    """
    from companion.exchange.files import read_scorecard_file
    from companion.team import server
    from companion.team.errors import TeamConnectError, TeamSchemaError, TeamStoreError
    from companion.team.reading import require_team, team_connection

    stored = already = 0
    failed: list[str] = []
    with team_connection(require_team(data_root(args))) as conn:
        for name in args.files:
            try:
                sc = read_scorecard_file(Path(name), pack)
                with conn.begin():
                    new = server.import_scorecard(conn, sc)
            except (TeamConnectError, TeamSchemaError):
                raise
            except (ImportFileError, TeamStoreError) as exc:
                failed.append(name)
                print(f"companion: not stored in the team store: {name}: {exc}",
                      file=sys.stderr)
                continue
            who = f"round {sc.id}: {sc.candidate}, by {sc.interviewer}"
            if new:
                stored += 1
                print(f"stored in the team store: {name} ({who})")
            else:
                already += 1
                print(f"already in the team store: {name} ({who})")
    parts = [f"{stored} stored in the team store", f"{already} already there"]
    if failed:
        parts.append(f"{len(failed)} failed: " + ", ".join(failed))
    print("; ".join(parts), file=sys.stderr if failed else sys.stdout)
    return 2 if failed else 0


def same_content(a: Scorecard, b: Scorecard) -> bool:
    """Equal up to the order the store lists probes and flags in."""
    def norm(sc: Scorecard) -> Scorecard:
        items = tuple(replace(it, probes=tuple(sorted(it.probes, key=lambda p: p.probe_id)))
                      for it in sc.items)
        return replace(sc, items=items, flags=tuple(sorted(sc.flags, key=lambda f: f.flag_id)))

    return norm(a) == norm(b)


def run_delete(args: argparse.Namespace) -> int:
    """``session delete ID``: remove one round and every trace of its text."""
    with open_store(args) as store:
        r = find_round(store, args.id)
        store.delete_round(r.id)
        pending = store.scrub_pending
    print(f"deleted round {r.id} ({r.candidate}, by {r.interviewer})")
    _say_if_pending(pending, store)
    return 0


def _say_if_pending(pending: bool, store: Store) -> None:
    if pending:
        print(f"companion: note: another program is reading {store.path} (a backup tool, a "
              "database browser, an export in progress), so the deleted text is still in "
              "that file; the app wipes it at its next start (any command) once that "
              "program has let go", file=sys.stderr)


def run_delete_candidate(args: argparse.Namespace) -> int:
    """``candidate delete NAME``: remove every round of one candidate."""
    name = args.name
    with open_store(args) as store:
        names = {r.candidate for r in store.list_rounds()}
        if name not in names:
            close = sorted(n for n in names if n.casefold() == name.casefold())
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise CompanionError(f"no candidate named {name!r}{hint}; "
                                 "`companion sessions list` shows the stored rounds")
        count = store.delete_candidate(name)
        pending = store.scrub_pending
    print(f"deleted candidate {name!r} and {count} round{'s' if count != 1 else ''}")
    _say_if_pending(pending, store)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """``demo``: store two finished example scorecards of one candidate; ``--team``: a quarter."""
    if getattr(args, "team", False):
        return run_team_demo(args)
    from companion.demo.pair import store_demo

    pack = load_for_cli(args)
    with open_store(args) as store:
        result = store_demo(store, pack)
    first, second = result.round_ids
    verb = "stored" if result.created else "already stored (nothing added)"
    print(f"Demo rounds {verb} for {result.candidate}:")
    for rid, who in zip(result.round_ids, result.interviewers, strict=True):
        print(f"  {rid}  by {who}")
    print("Next, try:")
    print(f"  companion session show {first}")
    print(f"  companion export {first} --pdf card.pdf")
    print(f"  companion panel {first} {second} --pdf debrief.pdf")
    return 0


def run_team_demo(args: argparse.Namespace) -> int:
    """``demo --team``: a quarter of a hiring team's loops, for ``calibration``."""
    from companion.demo.team import store_team_demo

    pack = load_for_cli(args)
    with open_store(args) as store:
        result = store_team_demo(store, pack)
    if result.rounds_added or result.decisions_added:
        print(f"Stored a quarter of loops: {result.rounds_added} scorecards of "
              f"{result.candidates} candidates by {result.interviewers} interviewers "
              f"({result.first:%Y-%m-%d} to {result.last:%Y-%m-%d}), and "
              f"{result.decisions_added} panel decisions.")
    else:
        print(f"The team demo is already stored ({result.rounds_kept} scorecards); "
              "nothing added.")
    print("Some biases are planted in it. Next, try:")
    print("  companion calibration")
    print("  companion calibration --pdf calibration.pdf")
    return 0
