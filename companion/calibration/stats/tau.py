"""Kendall's tau-b (ties handled) with a delete-one-candidate jackknife interval on
Fisher's z scale: exact below ``TAU_LINEAR_GROUPS`` candidates, linearized from there up."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from itertools import accumulate, chain, combinations, pairwise
from operator import mul, sub

from companion.calibration.stats.estimate import (
    CONFIDENCE,
    MIN_N,
    Estimate,
    estimate,
    is_too_few,
    too_few,
)
from companion.calibration.stats.student_t import t_quantile

# From this many candidates the jackknife is linearized (see _TauTable.influence): it
# covers as well as the exact one there (tests/coverage_tau.py) without the loop over
# the pairs within each candidate.
TAU_LINEAR_GROUPS = 60
# The jackknife works on z = atanh(tau-b), where tau-b's skew near its bounds is undone, and
# its interval is carried back with tanh. On tau-b's own scale the exact jackknife held the
# true tau-b in 89.8-92.5 of 100 simulated teams of 5-20 candidates, rating against the
# panel's decision; on z, 93.0-96.1, with intervals no wider (tests/coverage_tau.py). A
# left-out value of +-1 would put z at infinity: values are held to +-Z_LIMIT first.
Z_LIMIT = 0.999
# A group larger than this has the pairs within it counted from its own table (see
# _TauTable.left_out) rather than one by one: the same integers, in time that grows with
# the group's cells rather than with the square of its size.
PAIRS_BY_TABLE = 48


class _TauTable:
    """A contingency table of two ordinal variables, with each cell's concordance score."""

    def __init__(self, cells: Counter[tuple[int, int]], rows: int, cols: int) -> None:
        self.n = n = sum(cells.values())
        row = [0] * rows
        col = [0] * cols
        # Cells by row, gathered with the margins: sorting the ((row, column), count)
        # pairs instead compared nested tuples, a tenth of the table's instructions.
        in_row: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)  # (column, count)
        for (i, j), c in cells.items():
            row[i] += c
            col[j] += c
            in_row[i].append((j, c))
        self.row, self.col = row, col
        self.occupied = in_row
        last = [0, *accumulate(col)]  # last[j]: observations in columns < j
        # k[i][j]: pairs concordant minus discordant between one observation in cell
        # (i, j) and every observation of the table; only occupied cells are needed.
        # A sweep down the occupied rows, keeping the rows above counted by column; the
        # count left of a cell is the one left of the row's previous cell plus the
        # columns between, summed in C. A Fenwick tree did the same with about 15 Python
        # loop steps a cell, which cost more than summing a row's few hundred columns.
        # (a row of k is made only for a row with observations: the rest are never read)
        k: list[list[int]] = [[]] * rows
        self.k = k
        above_col = [0] * cols  # observations in rows above, per column
        above = 0  # observations in rows above
        twice_s = 0
        # With le = lt + above_col[j] (rows above, columns up to j), a cell's score is
        #   both smaller + both larger - (above, right) - (below, left)
        #   = lt + (rest - last[j + 1] + le + run + c) - (above - le) - (last[j] - lt - run)
        #   = 4 lt + 2 above_col[j] + 2 run + c + (rest - above) - (last[j] + last[j + 1]),
        # the last two terms fixed per row and per column.
        edges = list(map(sum, pairwise(last)))  # last[j] + last[j + 1]
        for i in sorted(in_row):
            mine = sorted(in_row[i])
            ki = k[i] = [0] * cols
            base, run = n - 2 * above - row[i], 0  # rest - above; run: this row, left of j
            lt = prev = 0  # lt: rows above, columns left of j (and prev)
            for j, c in mine:
                lt += sum(above_col[prev:j])
                prev = j
                kk = 4 * lt + 2 * (above_col[j] + run) + c + base - edges[j]
                ki[j] = kk
                twice_s += c * kk
                run += c
            for j, c in mine:
                above_col[j] += c
            above += row[i]
        self.s = twice_s // 2
        self.untied_x = (n * n - sum(r * r for r in row)) // 2  # pairs not tied on x
        self.untied_y = (n * n - sum(c * c for c in col)) // 2

    def change(self, part: Sequence[tuple[int, int]]) -> tuple[int, int, int]:
        """How S and the untied pair counts change when ``part`` (cells) is taken out.

        Called once per candidate for the jackknife, so it avoids allocating: a
        candidate has a handful of ratings of one question.
        """
        k, row, col = self.k, self.row, self.col
        ds = dr = dc = 0
        m = len(part)
        j0 = part[0][1]
        if all(j == j0 for _, j in part):
            # One outcome for the whole group (the panel's decision): its pairs are tied
            # on it, so only the other margin's shared pairs need counting.
            seen: dict[int, int] = {}
            for i, j in part:
                ds -= k[i][j]
                dr += 2 * row[i] - 1 - 2 * seen.get(i, 0)
                seen[i] = seen.get(i, 0) + 1
            dc = m * (2 * col[j0] - m)
        else:
            for a, (i, j) in enumerate(part):
                ds -= k[i][j]
                for i2, j2 in part[a + 1:]:
                    d = (i - i2) * (j - j2)
                    ds += (d > 0) - (d < 0)
                    # A second observation in the same row (column) lowers that margin
                    # again: (r - a)^2 expands pairwise, so count the shared pairs here.
                    dr -= 2 * (i == i2)
                    dc -= 2 * (j == j2)
                dr += 2 * row[i] - 1
                dc += 2 * col[j] - 1
        shrink = (self.n - m) ** 2 - self.n ** 2
        return ds, (shrink + dr) // 2, (shrink + dc) // 2


    def left_out(self, groups: Sequence[Sequence[tuple[int, int]]]) -> list[float] | None:
        """tau-b with each group left out in turn (the jackknife's values), or None when
        leaving some group out removes all variation: the jackknife's hot path.

        The integers of ``change`` (tests/test_calibration_stats.py compares them), with
        the margins' terms precomputed, the pairs within a group from
        ``itertools.combinations`` (in C) rather than a slice per observation, or from
        the group's own table past ``PAIRS_BY_TABLE`` observations, and each value
        computed where its changes are (no tuple per group, no second loop).
        """
        k = self.k
        row2 = [2 * r - 1 for r in self.row]
        col2 = [2 * c - 1 for c in self.col]
        n, nn = self.n, self.n * self.n
        s, ux, uy = self.s, self.untied_x, self.untied_y
        sqrt = math.sqrt
        out = []
        for part in groups:
            ds = dr = dc = 0
            for i, j in part:
                ds -= k[i][j]
                dr += row2[i]
                dc += col2[j]
            if len(part) > PAIRS_BY_TABLE:
                # The pairs within the group from its own table: a candidate with
                # thousands of ratings (a hostile or mistaken import) would otherwise
                # cost their square here.
                own = _TauTable(Counter(part), len(self.row), len(self.col))
                ds += own.s
                dr -= sum(r * (r - 1) for r in own.row)
                dc -= sum(c * (c - 1) for c in own.col)
            else:
                for (i, j), (i2, j2) in combinations(part, 2):
                    if i == i2:
                        dr -= 2
                        if j == j2:
                            dc -= 2
                    elif j == j2:
                        dc -= 2
                    elif (i < i2) == (j < j2):
                        ds += 1
                    else:
                        ds -= 1
            shrink = (n - len(part)) ** 2 - nn
            denom = (ux + (shrink + dr) // 2) * (uy + (shrink + dc) // 2)
            if denom <= 0:
                return None
            out.append((s + ds) / sqrt(denom))
        return out


    def influence(self, codes: Sequence[int], lengths: Sequence[int]) -> list[float] | None:
        """How much tau-b falls with each group left out, to first order: the linearized
        (infinitesimal) jackknife, whose variance is the cluster sandwich estimate.
        ``codes`` holds the observations group after group, each cell (i, j) as
        i * columns + j (see ``tau_b_codes``), ``lengths`` each group's size.

        Leaving one observation out lowers S by its concordance score k and the pairs
        untied on x (y) by the observations outside its row (column), exactly; a group
        lowers them by its observations' sums, less the pairs within the group, which
        the linearization drops (a group's own pairs are a vanishing share of all of
        them). The delta method turns the three changes into tau-b's. None when some
        group holds nearly all the variation, where the exact jackknife must decide.
        """
        n, row, col = self.n, self.row, self.col
        biggest = max(lengths)
        if n - max(row) <= biggest or n - max(col) <= biggest:
            return None  # some group may hold every observation off the commonest value
        ux, uy = self.untied_x, self.untied_y
        root = math.sqrt(ux * uy)
        tau = self.s / root
        wx, wy = tau / (2 * ux), tau / (2 * uy)
        # Each occupied cell's first-order part; a group's is the sum over its cells.
        psi: dict[int, float] = {}
        by_col = [wy * (n - c) for c in col]
        cols = len(col)
        for i, occupied in self.occupied.items():
            ki, ax, at = self.k[i], wx * (n - row[i]), i * cols
            for j, _ in occupied:
                psi[at + j] = ki[j] / root - ax - by_col[j]
        # Each group's sum as the difference of running totals at its ends, all in C:
        # a loop over the groups cost more than the rest (most hold three or four).
        run = [0.0, *accumulate(map(psi.__getitem__, codes))]
        ends = list(map(run.__getitem__, accumulate(lengths)))
        return list(map(sub, ends, [0.0, *ends[:-1]]))


def _tau(s: int, untied_x: int, untied_y: int) -> float | None:
    denom = untied_x * untied_y
    return s / math.sqrt(denom) if denom > 0 else None


def kendall_tau_b(pairs: Sequence[tuple[float, float]],
                  clusters: Sequence[Hashable] | None = None,
                  unit: str = "ratings") -> Estimate:
    """Kendall's tau-b (ties handled) with a 95% delete-one-cluster jackknife interval.

    ``clusters`` names the group of each pair (the candidate): leaving out one
    whole group at a time gives a standard error that holds when pairs of one
    candidate move together. Without clusters each pair is its own group.
    """
    if len(pairs) < MIN_N:
        g = len(set(clusters)) if clusters is not None else None
        return too_few(len(pairs), unit, _tau_method(clusters is not None), g)
    x_col, y_col = zip(*pairs, strict=True)
    xi = {x: i for i, x in enumerate(sorted(set(x_col)))}
    yi = {y: i for i, y in enumerate(sorted(set(y_col)))}
    coded = zip(map(xi.__getitem__, x_col), map(yi.__getitem__, y_col), strict=True)
    groups: defaultdict[Hashable, list[tuple[int, int]]] = defaultdict(list)
    keys: Iterable[Hashable] = clusters if clusters is not None else range(len(pairs))
    for key, cell in zip(keys, coded, strict=True):
        groups[key].append(cell)
    return tau_b_grouped(list(groups.values()), len(xi), len(yi), unit,
                         clustered=clusters is not None)


def _tau_method(clustered: bool) -> str:
    return "Kendall's tau-b, 95% jackknife interval on Fisher's z scale" + (
        ", clustered by candidate" if clustered else "")


def tau_b_grouped(groups: Sequence[Sequence[tuple[int, int]]], rows: int, cols: int,
                  unit: str = "ratings", clustered: bool = True,
                  linear_from: int = TAU_LINEAR_GROUPS) -> Estimate:
    """``kendall_tau_b`` for observations already coded as ranks (row, column), one
    list per cluster (see ``tau_b_runs``)."""
    return tau_b_runs(list(chain.from_iterable(groups)), list(map(len, groups)), rows, cols,
                      unit, clustered, linear_from)


def tau_b_runs(cells: Sequence[tuple[int, int]], lengths: Sequence[int], rows: int, cols: int,
               unit: str = "ratings", clustered: bool = True,
               linear_from: int = TAU_LINEAR_GROUPS) -> Estimate:
    """``kendall_tau_b`` for observations already coded as ranks (row, column), cluster
    after cluster, with each cluster's size: the form calibration builds while it walks
    each candidate's ratings, so the pairs are neither coded nor grouped again.

    From ``linear_from`` groups the jackknife is linearized (``_TauTable.influence``);
    below, and wherever the linearized variance is not positive, it is exact."""
    return tau_b_codes([i * cols + j for i, j in cells], lengths, rows, cols, unit, clustered,
                       linear_from)


def tau_b_codes(codes: Sequence[int], lengths: Sequence[int], rows: int, cols: int,
                unit: str = "ratings", clustered: bool = True,
                linear_from: int = TAU_LINEAR_GROUPS) -> Estimate:
    """``tau_b_runs`` with each cell (i, j) given as the integer i * cols + j: counted and
    looked up by an int's hash rather than a tuple's, and with no tuple built per
    observation (calibration's walk codes its cells so as it gathers them)."""
    method = _tau_method(clustered)
    n = len(codes)
    g = len(lengths)
    counted = g if clustered else None
    if is_too_few(n, counted):
        return too_few(n, unit, method, counted)
    table = _TauTable(Counter({divmod(code, cols): c for code, c in Counter(codes).items()}),
                      rows, cols)
    value = _tau(table.s, table.untied_x, table.untied_y)
    if value is None:
        what = "the rating" if not table.untied_x else "the outcome"
        return estimate(None, None, None, n, unit, method, counted,
                        note=f"{what} never varies, so there is no rank correlation")
    if g < 3:
        return estimate(value, None, None, n, unit, method, g,
                        "fewer than three candidates: no interval can be given")
    var = 0.0  # the jackknife's variance of atanh(tau-b)
    if g >= linear_from and abs(value) < Z_LIMIT:
        lin = table.influence(codes, lengths)
        if lin is not None:
            # The delta method carries tau-b's first-order drops over to z.
            var = (g - 1) / g * math.fsum(map(mul, lin, lin)) / (1.0 - value * value) ** 2
            method = method.replace("jackknife", "linearized jackknife")
    if not var > 0.0:
        ends = list(accumulate(lengths))
        cells = [divmod(code, cols) for code in codes]
        groups = [cells[a:b] for a, b in zip([0, *ends], ends, strict=False)]
        loo = table.left_out(groups)  # None: some candidate's absence leaves no variation
        if loo is not None:
            zs = list(map(_z, loo))
            mean = math.fsum(zs) / g
            var = (g - 1) / g * math.fsum((z - mean) ** 2 for z in zs)
    if not var > 0.0:  # or every candidate's absence leaves tau-b as it is: no zero width
        return estimate(value, None, None, n, unit, method, counted,
                        "too little variation for an interval")
    z, half = _z(value), t_quantile(0.5 + CONFIDENCE / 2, g - 1) * math.sqrt(var)
    low, high = math.tanh(z - half), math.tanh(z + half)
    return estimate(value, min(low, value), max(high, value), n, unit, method,
                    g if clustered else None)


def _z(tau: float) -> float:
    """Fisher's z of ``tau``, held to +-Z_LIMIT first (see Z_LIMIT)."""
    return math.atanh(max(-Z_LIMIT, min(Z_LIMIT, tau)))
