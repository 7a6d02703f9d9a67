"""``export ID --pdf OUT`` and ``panel FILE_OR_ID... --pdf OUT`` on the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from companion.base.errors import CompanionError
from companion.commands.common import data_root, require_access, stored_rounds, viewer
from companion.content.loader import load_for_cli
from companion.content.model import Pack
from companion.record.decision import Decision
from companion.record.independence import access_to, can_view
from companion.record.scorecard import Scorecard
from companion.store import Store

if TYPE_CHECKING:  # the driver loads only for a debrief from the team store
    from sqlalchemy import Connection


def run_export_pdf(args: argparse.Namespace) -> int:
    """Render one stored round (id or unique id prefix) as a scorecard PDF."""
    from companion.export.scorecard_pdf import render_scorecard  # reportlab only when asked
    pack = load_for_cli(args)
    store = Store.open(data_root(args))
    try:
        round_id = store.resolve_id(args.id)
        require_access(args, access_to(viewer(args)[0], [round_id], store))
        sc = store.load_scorecard(round_id)
    finally:
        store.close()
    out = render_scorecard(sc, pack, Path(args.pdf), page_size=args.paper)
    print(f"wrote {out}")
    return 0


def run_panel_pdf(args: argparse.Namespace) -> int:
    """Merge scorecard files and stored rounds of one candidate into a debrief PDF."""
    from companion.export.panel_pdf import render_panel

    pack = load_for_cli(args)
    if args.team:
        return _team_panel(args, pack)
    scorecards, labels = load_sources(args.sources, pack, data_root(args))
    # Files too: a colleague's file is closed while one's own round of the candidate is open.
    reader, rounds = viewer(args)[0], list(stored_rounds(args))
    for sc in scorecards:
        require_access(args, can_view(reader, sc, rounds))
    decision = stored_decision(data_root(args), scorecards[0].candidate) if scorecards else None
    from companion.commands.loop_cmd import local_debrief_lines

    out = render_panel(scorecards, pack, Path(args.pdf), labels=labels, page_size=args.paper,
                       decision=decision,
                       loop_lines=local_debrief_lines(args, scorecards, pack))
    count = len(scorecards)
    print(f"wrote {out} ({count} scorecard{'' if count == 1 else 's'})")
    return 0


def stored_decision(data_dir: Path, candidate: str) -> Decision | None:
    """The panel's decision on ``candidate`` if this data folder has a store with one.

    A lead who merges files only may have no store yet: none is created for this.
    """
    from companion.store.db import DB_NAME
    from companion.store.decisions import decision_for

    if not (data_dir / DB_NAME).exists():
        return None
    store = Store.open(data_dir)
    try:
        return decision_for(store, candidate)
    finally:
        store.close()


def _team_panel(args: argparse.Namespace, pack: Pack) -> int:
    """``panel --team CANDIDATE --pdf OUT``: the debrief from the team store."""
    from companion.export.panel_pdf import render_panel
    from companion.team.reading import read_panel, require_team, team_connection

    if len(args.sources) != 1:
        raise CompanionError("with --team, give one candidate's name (quoted if it has "
                             "spaces), not files or round ids")
    candidate = args.sources[0]
    with team_connection(require_team(data_root(args))) as conn:
        panel = read_panel(conn, candidate, pack)
        loop_lines = _team_loop_lines(conn, panel.candidate, list(panel.scorecards), pack)
    for line in panel.problems:  # one bad row never costs the lead the debrief
        print(f"warning: left out: {line}", file=sys.stderr)
    if not panel.scorecards:
        raise CompanionError(f"the team store has no scorecard of {candidate!r} that this "
                             "login may read" + (" and that passes the checks"
                                                 if panel.problems else ""))
    out = render_panel(panel.scorecards, pack, Path(args.pdf), labels=panel.labels,
                       page_size=args.paper, decision=panel.app_decision(),
                       provenance=[p.describe() for p in panel.provenance],
                       warnings=panel.problems, loop_lines=loop_lines)
    cards = len(panel.scorecards)
    amended = sum(len(sc.amendments) for sc in panel.scorecards)
    print(f"wrote {out} ({cards} scorecard{'s' if cards != 1 else ''} of {panel.candidate} "
          f"from the team store, {amended} amendment{'s' if amended != 1 else ''})")
    return 0


def _team_loop_lines(conn: Connection, candidate: str, cards: list[Scorecard], pack: Pack
                     ) -> list[tuple[str, str]]:
    """Page 1's loop lines from the team store; none before t0003 or without a loop."""
    from companion.loop.debrief import debrief_lines_for
    from companion.team import loops
    from companion.team.errors import TeamStoreError

    try:
        loop = loops.loop_of(conn, candidate)
        seen = loops.evidence(conn, loop) if loop is not None else []
    except TeamStoreError:
        return []
    if loop is None:
        return []
    return debrief_lines_for(loop, seen, cards, pack, datetime.now(UTC))


def _looks_like_file(source: str) -> bool:
    path = Path(source)
    return path.exists() or path.suffix.lower() == ".json" or len(path.parts) > 1


def load_sources(sources: list[str], pack: Pack,
                 data_dir: Path) -> tuple[list[Scorecard], list[str]]:
    """Each source is a scorecard exchange file or a stored round id (or id prefix).

    Returns the scorecards and a label per scorecard (the path or the id) so that
    refusal messages can say which input was wrong.
    """
    from companion.exchange.files import read_scorecard_file

    scorecards: list[Scorecard] = []
    labels: list[str] = []
    store: Store | None = None
    try:
        for source in sources:
            if _looks_like_file(source):
                scorecards.append(read_scorecard_file(source, pack))
            else:
                if store is None:
                    store = Store.open(data_dir)
                try:
                    round_id = store.resolve_id(source)
                except CompanionError as exc:
                    raise CompanionError(f"{source}: not a file, and {exc}") from None
                scorecards.append(store.load_scorecard(round_id))
            labels.append(source)
    finally:
        if store is not None:
            store.close()
    return scorecards, labels
