"""How often calibration recovers exactly what ``demo --team`` plants, over many seeds.

Not part of the default test run (it takes a minute or two): the test suite plays one
seeded quarter through the real engine; this script builds the same planned
scorecards directly, for many seeds, to show the recovery is not a lucky seed.

    python -m tests.soak_calibration_recovery [--seeds 50]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta

from companion.calibration.figures import compute
from companion.content.loader import builtin_pack
from companion.demo.team_plan import (
    HARSH,
    LEAD,
    LENIENT,
    NOISY,
    TEMPLATE,
    USELESS_ITEM,
    Quarter,
    plan_quarter,
)
from companion.record.decision import Decision
from companion.record.scorecard import FlagRecord, ItemRecord, ProbeAnswer, Scorecard

PLANTED = {("interviewer", LENIENT, "lenient"), ("interviewer", HARSH, "harsh"),
           ("interviewer", NOISY, "noisy"), ("item", USELESS_ITEM, "predicts_nothing")}


def scorecards(quarter: Quarter) -> tuple[list[Scorecard], list[Decision]]:
    """The planned rounds as the scorecards the engine would store (without notes)."""
    pack = builtin_pack()
    out = []
    for n, p in enumerate(quarter.scorecards):
        items = []
        for item_id, rating in p.ratings:
            probes = tuple(ProbeAnswer(pid, asked, rating=r) for pid, asked, r in p.failure_probes
                           ) if item_id.startswith("s-") else ()
            items.append(ItemRecord(item_id, pack.item(item_id).kind, rating, probes=probes))
        end = p.start + timedelta(minutes=p.minutes)
        out.append(Scorecard(
            candidate=p.candidate, interviewer=p.interviewer, archetype=p.archetype,
            level=p.level, template_id=TEMPLATE, round_title="Technical interview",
            pack_id=pack.id, pack_version=pack.version, started_at=p.start, id=f"r{n}",
            submitted_at=end + timedelta(hours=p.submit_after_h), duration_s=p.minutes * 60,
            items=tuple(items), flags=tuple(FlagRecord(f, s) for f, s in p.flags),
            recommendation=p.recommendation))
    decisions = [Decision(d.candidate, d.outcome, LEAD, d.at, d.level) for d in quarter.decisions]
    return out, decisions


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=50)
    args = parser.parse_args()
    pack = builtin_pack()
    end = datetime(2026, 3, 31, 12, tzinfo=UTC)
    exact = 0
    missed: Counter[tuple[str, str, str]] = Counter()
    extra: Counter[tuple[str, str, str]] = Counter()
    for seed in range(args.seeds):
        scs, decisions = scorecards(plan_quarter(seed, end))
        found = {(f.about, f.subject, f.kind) for f in compute(scs, decisions, pack).findings}
        exact += found == PLANTED
        missed.update(PLANTED - found)
        extra.update(found - PLANTED)
    print(f"exactly the planted findings in {exact} of {args.seeds} seeded quarters")
    for what, counts in (("missed", missed), ("found but not planted", extra)):
        for key, count in counts.most_common():
            print(f"  {what}: {key} in {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
