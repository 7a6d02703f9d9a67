"""``companion loop``: a panel lead plans a candidate's loop, assigns it, and hands it on.

``loop create``, ``assign``, ``show``, ``list`` and ``export`` work on the local file's
loops; ``share`` writes a loop file for a panel without a team store and ``import``
reads one (through the same bounded gate as every file). With a team store the
loops live there (``commands.loop_team``) and a local copy is kept for offline use.
"""

from __future__ import annotations

import argparse
import getpass
import json
from datetime import UTC, datetime
from pathlib import Path

from companion.base.errors import CompanionError
from companion.commands.common import data_root
from companion.commands.session_cmd import open_store
from companion.content.loader import load_for_cli
from companion.content.model import Pack
from companion.content.planner import CodingChoice, plan_loop
from companion.loop.coverage import loop_coverage, round_dimensions
from companion.loop.model import Loop, assign, loop_from_plan
from companion.loop.status import LoopState, hours, loop_state
from companion.record.scorecard import Scorecard
from companion.store import Store


def parse_when(text: str) -> datetime:
    """``--at``: "2026-12-08 14:00" in this computer's time zone, or ISO 8601 with a zone."""
    try:
        at = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CompanionError(f"--at {text!r} is not a date and time; write it as "
                             "YYYY-MM-DD HH:MM (your time zone) or ISO 8601") from None
    return (at if at.tzinfo else at.astimezone()).astimezone(UTC)


def _coding(args: argparse.Namespace) -> CodingChoice | None:
    if args.take_home and args.live_coding:
        return "both"
    return "take_home" if args.take_home else "live" if args.live_coding else None


def _team(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from companion.team.settings import load_team

    return load_team(data_root(args))


def run_create(args: argparse.Namespace) -> int:
    pack = load_for_cli(args)
    rounds = [r.strip() for r in args.rounds.split(",") if r.strip()] if args.rounds else None
    plan = plan_loop(pack, args.archetype, args.level, base=args.base, coding=_coding(args),
                     rounds=rounds)
    who = (args.by or "").strip() or getpass.getuser()
    loop = loop_from_plan(plan, args.candidate, who)
    team = _team(args)
    if team is not None:
        from companion.commands.loop_team import create_in_team

        loop = create_in_team(args, team, loop)
    with open_store(args) as store:
        from companion.store.loops import save_loop

        save_loop(store, loop, "team" if team is not None else "local")
    print(f"loop {loop.id[:8]} for {loop.candidate}: {len(loop.rounds)} rounds"
          + (" (in the team store)" if team is not None else ""))
    print(format_loop(loop, pack, None))
    for w in plan.warnings:
        print(f"! {w.message}")
    return 0


def _find(store: Store, ref: str | None) -> Loop:
    from companion.store.loops import find_loop, list_loops

    if ref:
        loop = find_loop(store, ref)
        if loop is None:
            raise CompanionError(f"no loop {ref!r}; `companion loop list` shows the loops")
        return loop
    open_loops = [lp for lp, _ in list_loops(store) if not lp.closed]
    if len(open_loops) != 1:
        raise CompanionError(f"{len(open_loops)} open loops here; name one with --loop "
                             "(its id or the candidate)")
    return open_loops[0]


def run_assign(args: argparse.Namespace) -> int:
    when = parse_when(args.at) if args.at else None
    team = _team(args)
    with open_store(args) as store:
        if team is not None:
            from companion.commands.loop_team import refresh_from_team

            refresh_from_team(args, team, store)
        loop = _find(store, args.loop)
        number = loop.find_round(args.round)
        if number is None:
            names = ", ".join(f"{n} ({r.template_id})" for n, r in enumerate(loop.rounds, 1))
            raise CompanionError(f"the loop of {loop.candidate} has no round {args.round!r}; "
                                 f"its rounds are {names}")
        changed = assign(loop, number, args.interviewer, when)
        if team is not None:
            from companion.commands.loop_team import assign_in_team

            changed = assign_in_team(args, team, changed, number)
        from companion.store.loops import save_loop

        save_loop(store, changed, "team" if team is not None else "local")
    r = changed.round_at(number)
    at = f" on {r.scheduled_at.astimezone():%Y-%m-%d %H:%M}" if r.scheduled_at else ""
    print(f"round {number} of {changed.candidate}'s loop ({r.title}): {r.interviewer or 'nobody'}"
          f"{at}")
    return 0


def format_loop(loop: Loop, pack: Pack, state: LoopState | None) -> str:
    lines = [f"{loop.candidate}: {loop.archetype}, {loop.level}"
             + (f", base ${loop.base:,}" if loop.base else "")
             + (" (closed)" if loop.closed else ""),
             f"loop {loop.id}, planned by {loop.created_by or 'unknown'}"]
    for n, r in enumerate(loop.rounds, 1):
        at = f", {r.scheduled_at.astimezone():%Y-%m-%d %H:%M}" if r.scheduled_at else ""
        dims = ", ".join(round_dimensions(pack, r)) or "no pack items"
        status = ""
        if state is not None:
            s = state.rounds[n - 1]
            status = f"  [{s.describe()}" + (f", {hours(s.late_by)} late" if s.late_by else "") \
                + "]"
        lines.append(f"{n}. {r.title} ({r.minutes} min): {r.interviewer or 'unassigned'}{at}"
                     f"{status}")
        lines.append(f"     measures: {dims}")
    warnings = loop_coverage(pack, loop).warnings()
    lines += [f"! {w}" for w in warnings]
    if state is not None:
        lines.append(state.summary())
    return "\n".join(lines)


def _state(args: argparse.Namespace, store: Store, loop: Loop, now: datetime) -> LoopState:
    from companion.store.loops import local_evidence

    team = _team(args)
    seen = local_evidence(store, loop)
    if team is not None:
        from companion.commands.loop_team import team_evidence

        seen += team_evidence(args, team, loop)
    return loop_state(loop, seen, now)


def run_show(args: argparse.Namespace) -> int:
    pack = load_for_cli(args)
    with open_store(args) as store:
        team = _team(args)
        if team is not None:
            from companion.commands.loop_team import refresh_from_team

            refresh_from_team(args, team, store)
        loop = _find(store, args.loop)
        state = _state(args, store, loop, datetime.now(UTC))
    print(format_loop(loop, pack, state))
    return 0


def run_list(args: argparse.Namespace) -> int:
    from companion.store.loops import list_loops

    now = datetime.now(UTC)
    with open_store(args) as store:
        team = _team(args)
        if team is not None:
            from companion.commands.loop_team import refresh_from_team

            refresh_from_team(args, team, store)
        rows = [(lp, _state(args, store, lp, now)) for lp, _ in list_loops(store)]
    if args.json:
        print(json.dumps([{"id": lp.id, "candidate": lp.candidate, "closed": lp.closed,
                           "needs_decision": st.needs_decision, "summary": st.summary(),
                           "rounds": [{"number": r.number, "title": r.round.title,
                                       "interviewer": r.round.interviewer, "state": r.state,
                                       "not_yet_published_since":
                                           r.unpublished_since.isoformat()
                                           if r.unpublished_since else None,
                                       "late_by_hours": None if r.late_by is None else
                                       round(r.late_by.total_seconds() / 3600, 1)}
                                      for r in st.rounds]}
                          for lp, st in rows], indent=2, ensure_ascii=False))
        return 0
    if not rows:
        print("no loops yet; `companion loop create CANDIDATE --archetype ID --level LEVEL` "
              "plans one")
        return 0
    for lp, st in rows:
        print(f"{lp.id[:8]}  {lp.candidate}: {st.summary()}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from companion.base.atomic_file import write_private_text
    from companion.loop.harvest import export_csv, loop_export
    from companion.store.decisions import decision_for

    pack = load_for_cli(args)
    now = datetime.now(UTC)
    with open_store(args) as store:
        loop = _find(store, args.loop)
        state = _state(args, store, loop, now)
        team = _team(args)
        if team is not None:
            from companion.commands.loop_team import team_outcome

            cards, decision = team_outcome(args, team, loop)
        else:
            cards = _scorecards(store, loop)
            decision = decision_for(store, loop.candidate)
    doc = loop_export(loop, state, cards, decision, pack, args.include_private, now)
    out = Path(args.output)
    write_private_text(out, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {out} ({len(doc['scorecards'])} scorecards"
          + (", with private notes" if args.include_private else ", without private notes")
          + ")")
    if args.csv:
        write_private_text(Path(args.csv), export_csv(doc))
        print(f"wrote {args.csv}")
    return 0


def _scorecards(store: Store, loop: Loop) -> list[Scorecard]:
    """The loop's submitted scorecards kept in this file."""
    from companion.record.names import fold_name

    key = fold_name(loop.candidate)
    return [store.load_scorecard(r.id) for r in store.list_rounds()
            if fold_name(r.candidate) == key and r.submitted_at is not None]


def run_share(args: argparse.Namespace) -> int:
    from companion.exchange.loop_file import write_loop_file

    with open_store(args) as store:
        loop = _find(store, args.loop)
    path = write_loop_file(loop, args.output)
    print(f"wrote {path}: pass it with the scorecards; `companion loop import` reads it")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from companion.exchange.loop_file import read_loop_file
    from companion.store.loops import save_loop

    loops = [read_loop_file(f) for f in args.files]  # all checked before any is kept
    with open_store(args) as store:
        for loop in loops:
            save_loop(store, loop, "file")
            print(f"loop {loop.id[:8]} of {loop.candidate}: {len(loop.rounds)} rounds")
    return 0


def local_debrief_lines(args: argparse.Namespace, cards: list[Scorecard], pack: Pack
                        ) -> list[tuple[str, str]]:
    """The loop lines from this computer's copy of the candidate's loop, if there is one."""
    from companion.loop.debrief import debrief_lines_for
    from companion.store.db import DB_NAME
    from companion.store.loops import find_loop, local_evidence

    root = data_root(args)
    if not cards or not (root / DB_NAME).exists():
        return []
    with Store.open(root) as store:
        try:
            loop = find_loop(store, cards[0].candidate)
        except CompanionError:
            return []  # several loops of the name, or one that does not read: no line
        if loop is None:
            return []
        seen = local_evidence(store, loop)
    return debrief_lines_for(loop, seen, cards, pack, datetime.now(UTC))
