"""``practice publish``, ``practice team [--json]`` and ``practice bar``: practice on the
team store. An interviewer publishes each finished set's sums; a panel lead sees every
interviewer's practice beside their live leniency, with the team's "ready" mark."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

from companion.base.errors import CompanionError
from companion.calibration.stats.estimate import Estimate
from companion.calibration.text import figure
from companion.commands.common import data_root
from companion.commands.session_cmd import open_store
from companion.content.loader import load_for_cli
from companion.practice.scoring import Readiness, describe
from companion.record.names import fold_name


def run_publish(args: argparse.Namespace) -> int:
    """Send every finished practice set not yet on the team store (sums only)."""
    from companion.practice import history
    from companion.team.practice import publish_sets
    from companion.team.reading import require_team, team_connection

    team = require_team(data_root(args))
    with open_store(args) as store:
        waiting = [s for s in history.sets(store)
                   if s.published_at is None and s.finished_at is not None]
        with team_connection(team) as conn, conn.begin():
            stored = publish_sets(conn, waiting)
        history.mark_published(store, [s.id for s in waiting], datetime.now(UTC))
    kept = len(waiting) - len(stored)
    print(f"published {len(stored)} practice set summaries" +
          (f" ({kept} were there already)" if kept else ""))
    return 0


@dataclass(frozen=True)
class _Row:
    interviewer: str
    archetype: str
    sets: int
    practice: dict[str, Estimate]
    ready: bool
    leniency: Estimate | None


def _rows(args: argparse.Namespace) -> tuple[Readiness, list[_Row]]:
    from companion.calibration.figures import compute_rated
    from companion.calibration.model import Filters
    from companion.team.checked_cache import CheckedCache
    from companion.team.practice import read_bar, read_practice
    from companion.team.reading import read_for_calibration, require_team, team_connection

    pack = load_for_cli(args)
    team = require_team(data_root(args))
    with team_connection(team) as conn:
        bar = read_bar(conn)
        found = read_practice(conn)
        data = read_for_calibration(conn, pack, CheckedCache(data_root(args), team.conninfo))
    rows = []
    for arch in sorted({p.archetype for p in found}):
        live = compute_rated(data.rounds, data.decisions, pack, viewer=None,
                             filters=Filters(archetype=arch), kinds=data.kinds)
        lean = {fold_name(i.name): i.leniency for i in live.interviewers}
        for p in (p for p in found if p.archetype == arch):
            f = p.figures
            rows.append(_Row(p.interviewer, arch, p.sets,
                             {"exact": f.exact, "within_one": f.within_one,
                              "signed_error": f.signed_error},
                             p.ready(bar), lean.get(fold_name(p.interviewer))))
    return bar, rows


def run_team(args: argparse.Namespace) -> int:
    """Per interviewer and archetype: practice figures, the ready mark, live leniency."""
    bar, rows = _rows(args)
    if args.json:
        json.dump({"bar": {"exact": bar.exact, "within_one": bar.within_one,
                           "min_rated": bar.min_n},
                   "interviewers": [{
                       "interviewer": r.interviewer, "archetype": r.archetype, "sets": r.sets,
                       "ready": r.ready, **{k: e.to_dict() for k, e in r.practice.items()},
                       "live_leniency": r.leniency.to_dict() if r.leniency else None}
                       for r in rows]}, sys.stdout, indent=2)
        print()
        return 0
    print(f"Ready for an archetype: exact agreement at least {bar.exact:.0%} and within one "
          f"step at least {bar.within_one:.0%} over at least {bar.min_n} sample answers.")
    if not rows:
        print("No practice summaries on the team store yet.")
    for r in rows:
        mark = "ready" if r.ready else "not yet ready"
        print(f"\n{r.interviewer}, {r.archetype}: {r.sets} practice "
              f"{'set' if r.sets == 1 else 'sets'}, {mark}")
        print(f"  exact agreement:     {describe(r.practice['exact'])}")
        print(f"  within one step:     {describe(r.practice['within_one'])}")
        print(f"  practice signed err: {describe(r.practice['signed_error'], percent=False)}")
        live = figure(r.leniency, "steps") if r.leniency else "no live rounds"
        print(f"  live leniency:       {live}")
    return 0


def run_bar(args: argparse.Namespace) -> int:
    """Show the team's threshold, or set it (panel leads) when values are given."""
    from companion.team.practice import read_bar, set_bar
    from companion.team.reading import require_team, team_connection

    given = (args.exact, args.within_one, args.min_rated)
    with team_connection(require_team(data_root(args))) as conn:
        if any(v is not None for v in given):
            now = read_bar(conn)
            conn.rollback()  # the read's transaction; the change gets one of its own
            bar = Readiness(args.exact if args.exact is not None else now.exact,
                            args.within_one if args.within_one is not None else now.within_one,
                            args.min_rated if args.min_rated is not None else now.min_n)
            for value in (bar.exact, bar.within_one):
                if not 0 <= value <= 1:
                    raise CompanionError(f"{value} is not a share: give 0 to 1, e.g. 0.6")
            if not 1 <= bar.min_n <= 10000:
                raise CompanionError("--min-rated takes 1 to 10000 sample answers")
            with conn.begin():
                set_bar(conn, bar)
        bar = read_bar(conn)
    print(f"ready: exact >= {bar.exact:g}, within one >= {bar.within_one:g}, "
          f"over >= {bar.min_n} sample answers")
    return 0
