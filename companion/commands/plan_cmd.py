"""``companion plan``: print a loop plan readably or as JSON."""

from __future__ import annotations

import argparse
import json

from companion.content.loader import load_for_cli
from companion.content.planner import CodingChoice, LoopPlan, plan_loop, usd


def run_plan(args: argparse.Namespace) -> int:
    pack = load_for_cli(args)
    coding: CodingChoice | None = None
    if args.take_home and args.live_coding:
        coding = "both"
    elif args.take_home:
        coding = "take_home"
    elif args.live_coding:
        coding = "live"
    rounds = [r.strip() for r in args.rounds.split(",") if r.strip()] if args.rounds else None
    plan = plan_loop(pack, args.archetype, args.level, base=args.base, coding=coding,
                     take_home_paid=not args.unpaid_take_home, rounds=rounds)
    if args.json:
        print(json.dumps(plan.to_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_plan(plan, pack_titles={i.id: i.title for i in
                                             (*pack.questions, *pack.scenarios)}))
    return 0


def format_plan(plan: LoopPlan, pack_titles: dict[str, str]) -> str:
    a = plan.archetype
    lines = [
        f"Loop plan: {a.title}, {plan.level.title}",
        f"Base band {usd(a.pay.low)}-{usd(a.pay.high)}"
        + (f"; offer {usd(plan.base)}" if plan.base is not None else "; no offer given"),
        "Weighting: " + ", ".join(f"{a.label(d)} {w}%" for d, w in a.weights),
        f"{len(plan.live_rounds)} live rounds, {plan.live_minutes} minutes in all",
        "",
    ]
    for n, r in enumerate(plan.rounds, 1):
        t = r.template
        tag = " (offline, not a live round)" if r.offline else ""
        lines.append(f"{n}. {t.title} - {t.minutes} min{tag}")
        for s in t.sections:
            lines.append(f"     {s.minutes:>3} min  {s.title}")
        for item in r.items:
            lines.append(f"       - {pack_titles.get(item, item)} [{item}]")
    lines.append("")
    if plan.warnings:
        lines.append(f"Calibration warnings ({len(plan.warnings)}):")
        lines += [f"  ! {w.message}" for w in plan.warnings]
    else:
        lines.append("Calibration: no warnings.")
    return "\n".join(lines)
