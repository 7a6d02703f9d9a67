"""Krippendorff's alpha from the coincidence matrix, for any number of coders and
missing values: units reduced to types, and a model that weighs types (so the bootstrap
can reweigh them instead of redrawing units, and the jackknife can leave one unit of each
type out by subtracting its counts)."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter, mul
from typing import Literal

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[Level, ...] = ("nominal", "ordinal", "interval", "ratio")


def _delta2(level: Level, values: Sequence[float], counts: Sequence[float],
            c: int, k: int) -> float:
    """Squared difference of values ``c`` < ``k`` under the metric of ``level``."""
    if level == "nominal":
        return 1.0
    if level == "ordinal":
        between = math.fsum(counts[c:k + 1])
        return (between - (counts[c] + counts[k]) / 2.0) ** 2
    a, b = values[c], values[k]
    if level == "interval":
        return (a - b) ** 2
    return ((a - b) / (a + b)) ** 2 if a + b else 0.0


@dataclass(frozen=True)
class Coincidences:
    """Pairable units reduced to types: each distinct count vector, and how often it occurs."""

    values: tuple[float, ...]  # the distinct values, ascending
    types: tuple[tuple[int, ...], ...]  # counts of each value in a unit of this type
    weights: tuple[int, ...]  # how many units have this type

    @property
    def units(self) -> int:
        return sum(self.weights)


def coincidences(units: Iterable[Iterable[float | None]]) -> Coincidences:
    # Units recur (a few ratings on a four-step scale): each distinct one is reduced
    # once and its count carried. In bench/calibration.py a question's 700-1,300 units
    # come in 100-130 orders of values, a dimension's 8,165 in 168.
    shapes: Counter[tuple[float | None, ...]] = Counter(map(tuple, units))
    kept: list[tuple[list[float], int]] = []
    for unit, count in shapes.items():
        vals = [float(v) for v in unit if v is not None]
        if len(vals) >= 2:  # a lone value has nothing to agree with
            kept.append((vals, count))
    values = tuple(sorted({v for u, _ in kept for v in u}))
    index = {v: i for i, v in enumerate(values)}
    tally: Counter[tuple[int, ...]] = Counter()
    for vals, count in kept:
        row = [0] * len(values)
        for v in vals:
            row[index[v]] += 1
        tally[tuple(row)] += count
    ordered = sorted(tally.items())
    return Coincidences(values, tuple(t for t, _ in ordered), tuple(w for _, w in ordered))


_Sparse = tuple[Callable[[Sequence[float]], Sequence[float]], tuple[float, ...]]


def _sparse(col: Sequence[float]) -> _Sparse:
    """A column as (what picks its non-zero rows out of a weight vector, their values)."""
    idx = [i for i, x in enumerate(col) if x]
    vals = tuple(col[i] for i in idx)
    if len(idx) >= 2:
        return itemgetter(*idx), vals
    if idx:
        only = idx[0]
        return (lambda w: (w[only],)), vals
    return (lambda w: ()), vals


class AlphaModel:
    """Alpha from type weights: lets the bootstrap reweigh types instead of units."""

    def __init__(self, co: Coincidences, level: Level) -> None:
        self.level = level
        self.values = co.values
        self.co = co
        k = len(co.values)
        self.pairs = [(c, d) for c in range(k) for d in range(c + 1, k)]
        # Per type: its share of each off-diagonal coincidence cell, and its value counts.
        # Only the types that have a share are kept (a third of them, in bench/calibration.py):
        # the products left out are 0.0, which leave a sum of non-negative terms unchanged.
        self.cell_cols = [_sparse([t[c] * t[d] / (sum(t) - 1) for t in co.types])
                          for c, d in self.pairs]
        self.count_cols = [_sparse([float(t[c]) for t in co.types]) for c in range(k)]
        # Nominal, interval and ratio differences do not depend on the counts.
        self.fixed_deltas = [_delta2(level, co.values, [], c, d) if level != "ordinal" else 0.0
                             for c, d in self.pairs]

    def alpha(self, weights: Sequence[float]) -> float | None:
        counts = [sum(map(mul, pick(weights), col)) for pick, col in self.count_cols]
        n = sum(counts)
        if self.level == "ordinal":
            # delta(c, d) = (n_c + ... + n_d - (n_c + n_d) / 2) ** 2, from running totals
            run = [0.0]
            for x in counts:
                run.append(run[-1] + x)
            deltas = [(run[d + 1] - run[c] - (counts[c] + counts[d]) / 2.0) ** 2
                      for c, d in self.pairs]
        else:
            deltas = self.fixed_deltas
        observed = expected = 0.0
        for (c, d), (pick, col), delta in zip(self.pairs, self.cell_cols, deltas, strict=True):
            observed += sum(map(mul, pick(weights), col)) * delta
            expected += counts[c] * counts[d] * delta
        if expected <= 1e-12 * n * n or n < 2:
            return None  # no variation at all: agreement is not defined
        return 1.0 - (n - 1.0) * observed / expected

    def left_out(self) -> list[float] | None:
        """Alpha with one unit of each type left out, per type (``co.types`` order): the
        delete-one-unit jackknife's values, each as many times as its type's weight.

        A unit enters alpha only through its value counts, so leaving one out subtracts
        them from the totals: O(values squared) a type, however many units. None when
        leaving some unit out leaves no variation (alpha undefined there).
        """
        co, pairs, ordinal = self.co, self.pairs, self.level == "ordinal"
        k = len(co.values)
        counts = [0.0] * k
        cells = [0.0] * len(pairs)
        shares: list[list[float]] = []  # per type, its part of each off-diagonal cell
        for t, w in zip(co.types, co.weights, strict=True):
            m1 = sum(t) - 1
            share = [t[c] * t[d] / m1 for c, d in pairs]
            shares.append(share)
            for c in range(k):
                counts[c] += w * t[c]
            for p, x in enumerate(share):
                cells[p] += w * x
        n = sum(counts)
        fixed = self.fixed_deltas
        out: list[float] = []
        for t, share in zip(co.types, shares, strict=True):
            left = [a - b for a, b in zip(counts, t, strict=True)]
            n1 = n - sum(t)
            if ordinal:
                run = [0.0]
                for x in left:
                    run.append(run[-1] + x)
                deltas = [(run[d + 1] - run[c] - (left[c] + left[d]) / 2.0) ** 2
                          for c, d in pairs]
            else:
                deltas = fixed
            observed = expected = 0.0
            for (c, d), cell, mine, delta in zip(pairs, cells, share, deltas, strict=True):
                observed += (cell - mine) * delta
                expected += left[c] * left[d] * delta
            if expected <= 1e-12 * n1 * n1 or n1 < 2:
                return None
            out.append(1.0 - (n1 - 1.0) * observed / expected)
        return out


def krippendorff_alpha(units: Iterable[Iterable[float | None]],
                       level: Level = "ordinal") -> float | None:
    """Krippendorff's alpha for ``units`` (each the values its coders gave; None = missing).

    Computed from the coincidence matrix, for any number of coders and missing
    values. Returns None when no value varies (alpha is undefined there).
    """
    if level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}")
    co = coincidences(units)
    if not co.types:
        return None
    return AlphaModel(co, level).alpha([float(w) for w in co.weights])
