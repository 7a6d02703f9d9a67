"""Which of the archetype's dimensions each round measures, and who measures each.

A dimension weighted in the archetype's loop should be measured by at least two
interviewers: one reading is one person's impression (Greenhouse asks for at
least one focus attribute per interviewer and recommends two). Before the loop
runs the plan warns; after it, the debrief sets what was measured (items rated
in the scorecards) against what was planned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from companion.content.model import Pack
from companion.loop.model import Loop, LoopRound
from companion.record.names import fold_name
from companion.record.scorecard import RATINGS, Scorecard

MIN_INTERVIEWERS = 2


@dataclass(frozen=True)
class DimensionCover:
    dimension: str
    label: str
    weight: int  # percent of the archetype's loop weighting
    rounds: tuple[int, ...]  # the rounds (1-based) that ask an item of it
    interviewers: int  # distinct people measuring it; an unassigned round counts as one


@dataclass(frozen=True)
class Coverage:
    dimensions: tuple[DimensionCover, ...]

    def warnings(self) -> list[str]:
        """One line per weighted dimension measured by fewer than two interviewers."""
        out = []
        for d in self.dimensions:
            if d.weight > 0 and d.interviewers < MIN_INTERVIEWERS:
                who = ("nobody" if d.interviewers == 0 else "one interviewer")
                out.append(f"{d.label} ({d.weight}% of the weighting) is measured by {who}; "
                           f"plan it into rounds of at least {MIN_INTERVIEWERS} interviewers.")
        return out


def round_dimensions(pack: Pack, r: LoopRound) -> tuple[str, ...]:
    """The dimensions a round's items score, in the order first asked."""
    dims: dict[str, None] = {}
    for item_id in r.items:
        item = pack.find_item(item_id)
        if item is not None:
            dims.setdefault(item.dimension, None)
    return tuple(dims)


def loop_coverage(pack: Pack, loop: Loop) -> Coverage:
    arch = pack.find_archetype(loop.archetype)
    weights = dict(arch.weights) if arch else {}
    per_round = [round_dimensions(pack, r) for r in loop.rounds]
    names = list(weights) + sorted({d for ds in per_round for d in ds} - set(weights))
    out = []
    for dim in names:
        numbers = tuple(n for n, ds in enumerate(per_round, 1) if dim in ds)
        people = {fold_name(loop.rounds[n - 1].interviewer) if loop.rounds[n - 1].assigned
                  else f"round {n}" for n in numbers}
        out.append(DimensionCover(dim, arch.label(dim) if arch else dim, weights.get(dim, 0),
                                  numbers, len(people)))
    return Coverage(tuple(out))


def measured(pack: Pack, scorecards: Iterable[Scorecard]) -> dict[str, int]:
    """Per dimension: how many of the scorecards rated at least one item of it."""
    out: dict[str, int] = {}
    for sc in scorecards:
        dims = set()
        for it in sc.items:
            item = pack.find_item(it.item_id)
            if item is not None and it.rating in RATINGS:
                dims.add(item.dimension)
        for d in dims:
            out[d] = out.get(d, 0) + 1
    return out


def planned_against_measured(pack: Pack, loop: Loop, scorecards: Iterable[Scorecard]) -> str:
    """"API design: planned in 2 rounds, measured in 2 scorecards; ..." for the debrief."""
    got = measured(pack, scorecards)
    parts = []
    for d in loop_coverage(pack, loop).dimensions:
        if not d.rounds and not got.get(d.dimension):
            continue
        n, m = len(d.rounds), got.get(d.dimension, 0)
        parts.append(f"{d.label}: planned in {n} round{'s' if n != 1 else ''}, measured in "
                     f"{m} scorecard{'s' if m != 1 else ''}")
    return "; ".join(parts)
