"""``calibration`` on the command line: text, JSON or PDF.

The command line cannot tell who is reading, so the independence rule is
applied for everyone: a candidate with any unsubmitted scorecard in the store
is left out of every figure (the scope line says how many). With ``--team`` the
figures come from the team store, and the server decides what the login may
read (an interviewer sees colleagues' scorecards only of candidates they
published a scorecard of).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path

from companion.base.errors import CompanionError
from companion.calibration.findings import basis
from companion.calibration.model import Calibration, Filters, RatingFigures
from companion.calibration.stats.estimate import Estimate
from companion.calibration.text import figure, scope
from companion.commands.common import data_root
from companion.commands.session_cmd import open_store
from companion.content.loader import load_for_cli
from companion.content.model import Pack
from companion.practice.scoring import PracticeFigure
from companion.record.scorecard import RATING_LABEL


def compute_for_cli(args: argparse.Namespace, pack: Pack,
                    warnings: list[str] | None = None) -> Calibration:
    """The figures; with ``--team`` each stored row left out adds a line to ``warnings``."""
    from companion.calibration.figures import compute_rated
    from companion.store.bulk import read_for_calibration

    if args.archetype and pack.find_archetype(args.archetype) is None:
        known = ", ".join(a.id for a in pack.archetypes)
        raise CompanionError(f"no archetype {args.archetype!r}; the pack has {known}")
    filters = Filters(since=args.since, archetype=args.archetype)
    if args.team:
        from companion.team.checked_cache import CheckedCache
        from companion.team.reading import read_for_calibration as read_team
        from companion.team.reading import require_team, team_connection

        # The server's rules already hold back what this login may not see yet.
        settings = require_team(data_root(args))
        with team_connection(settings) as conn:
            team = read_team(conn, pack, CheckedCache(data_root(args), settings.conninfo))
        if warnings is not None:
            warnings.extend(team.problems)
        return compute_rated(team.rounds, team.decisions, pack, viewer=None, filters=filters,
                             kinds=team.kinds)
    with open_store(args) as store:
        data = read_for_calibration(store)
    return compute_rated(data.rounds, data.decisions, pack, viewer=None, rounds=data.pending,
                         filters=filters, kinds=data.kinds)


def practice_for_cli(args: argparse.Namespace) -> dict[str, PracticeFigure]:
    """Practice beside the live figures: this computer's sets, or with ``--team`` the
    sums published to the team store (panel leads and admins read them; for anyone
    else there are none to show)."""
    if args.team:
        from companion.team.errors import TeamRefusedError
        from companion.team.practice import practice_by_interviewer as on_team
        from companion.team.reading import require_team, team_connection

        with team_connection(require_team(data_root(args))) as conn:
            try:
                return on_team(conn, args.archetype)
            except TeamRefusedError:
                return {}
    from companion.practice.history import practice_by_interviewer

    with open_store(args) as store:
        return practice_by_interviewer(store, args.archetype)


def run_calibration(args: argparse.Namespace) -> int:
    """``calibration [--since DATE] [--archetype ID] [--json] [--pdf OUT]``."""
    pack = load_for_cli(args)
    warnings: list[str] = []
    cal = compute_for_cli(args, pack, warnings)
    for line in warnings:  # one bad row never costs the figures
        print(f"warning: left out: {line}", file=sys.stderr)
    # The JSON stays the live figures alone: practice is never mixed into them.
    practice = practice_for_cli(args) if args.pdf or not args.json else {}
    if args.pdf:
        from companion.export.calibration_pdf import render_calibration

        out = render_calibration(cal, pack, Path(args.pdf), page_size=args.paper,
                                 warnings=warnings, practice=practice)
        print(f"wrote {out}", file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(cal.to_dict(), indent=2, ensure_ascii=False))
    elif not args.pdf:
        print(format_report(cal, practice))
    return 0


def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in (head, *rows)) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
                     for r in (head, *rows))


def _figure_rows(subject: tuple[str, ...], figures: list[tuple[str, Estimate, str]]
                 ) -> list[tuple[str, ...]]:
    """One line per figure: its value and interval, then what it rests on (n); the
    subject's own columns on its first line only."""
    blank = tuple("" for _ in subject)
    out = []
    for k, (label, e, fmt) in enumerate(figures):
        out.append((*(subject if k == 0 else blank), label, figure(e, fmt, n=False),
                    basis(e)))
    return out


def _rating_rows(figs: tuple[RatingFigures, ...]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for f in figs:
        common = RATING_LABEL.get(f.most_common or "", "-")
        rows += _figure_rows((f.title[:34], str(f.asked), str(f.skipped), str(f.unrated)), [
            (f"most common ({common})", f.spread, "share"),
            ("agreement (alpha)", f.agreement, "plain"),
            ("predicts recommendation", f.predicts_recommendation, "plain"),
            ("predicts decision", f.predicts_decision, "plain")])
    return rows


def format_report(cal: Calibration, practice: Mapping[str, PracticeFigure] | None = None
                  ) -> str:
    """The figures as plain text: scope, findings, then the three tables, one line per
    figure with its 95% interval and its n; then each interviewer's practice, if any."""
    lines = ["Calibration", scope(cal), ""]
    if not cal.scorecards:
        lines.append("No submitted scorecards in this scope yet.")
        return "\n".join(lines)
    lines.append("What stands out:" if cal.findings else
                 "Nothing stands out at the confidence these figures allow.")
    lines += [f"- {f.text}" for f in cal.findings]
    people: list[tuple[str, ...]] = []
    for f in cal.interviewers:
        people += _figure_rows((f.name, str(f.rounds)), [
            ("leniency (steps)", f.leniency, "steps"), ("scatter (steps)", f.scatter, "plain"),
            ("matches decision", f.agreement, "share"), ("red flags", f.red_flags, "share"),
            ("failure probes skipped", f.failure_probe_skips, "share"),
            ("submitted after", f.lateness_h, "hours"), ("on time", f.on_time, "share")])
    tail = ("FIGURE", "VALUE (95% INTERVAL)", "N")
    lines += ["", "Interviewers (leniency and scatter in rating steps against co-panelists)",
              _table(("INTERVIEWER", "ROUNDS", *tail), people)]
    if practice:
        rows: list[tuple[str, ...]] = [
            (p.name, str(p.sets), "signed error (steps)",
             figure(p.signed_error, "steps", n=False), basis(p.signed_error))
            for p in sorted(practice.values(), key=lambda p: p.name.casefold())]
        lines += ["", "Practice on sample answers (rater training, in no figure above): how "
                  "far each interviewer's ratings fell from the levels the answers were "
                  "written to show",
                  _table(("INTERVIEWER", "SETS", *tail), rows)]
    head = ("ASKED", "SKIPPED", "UNRATED", *tail)
    lines += ["", "Questions and scenarios", _table(("ITEM", *head), _rating_rows(cal.items))]
    lines += ["", "Dimensions", _table(("DIMENSION", *head), _rating_rows(cal.dimensions))]
    return "\n".join(lines)
