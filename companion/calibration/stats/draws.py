"""Seeded random counts for the bootstrap: a binomial draw whose cost does not grow
with n, and multinomial resamples of unit types built from it."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from math import floor, lgamma, sqrt

RARE_UNITS = 5  # unit types with fewer units than this are resampled together (cheaper)


class Resampler:
    """Multinomial counts over unit types, as if ``sum(weights)`` units were redrawn.

    Common types get a conditional binomial each; the rare ones share what is
    left, drawn one by one (few draws, since they are rare). The split keeps a
    resample to a dozen or two random draws however many units there are.
    """

    def __init__(self, weights: Sequence[int]) -> None:
        self.n = sum(weights)
        self.size = len(weights)
        order = sorted(range(self.size), key=lambda i: -weights[i])
        self.common = [i for i in order if weights[i] >= RARE_UNITS]
        self.rare = [i for i in order if weights[i] < RARE_UNITS]
        self.common_p = [weights[i] / self.n for i in self.common]
        rare_total = sum(weights[i] for i in self.rare)
        self.rare_p = rare_total / self.n
        run = 0
        self.rare_cum: list[int] = []
        for i in self.rare:
            run += weights[i]
            self.rare_cum.append(run)

    def __call__(self, rng: random.Random) -> list[float]:
        out = [0.0] * self.size
        left, rest = self.n, 1.0
        for i, p in zip(self.common, self.common_p, strict=True):
            if not left:
                return out
            if rest - p <= 1e-12 and not self.rare:  # the last type takes what is left
                out[i] = float(left)
                return out
            q = p / rest
            x = binomial(rng, left, q if q < 1.0 else 1.0)
            out[i] = float(x)
            left -= x
            rest -= p
        if left and self.rare:
            for i in rng.choices(self.rare, cum_weights=self.rare_cum, k=left):
                out[i] += 1.0
        return out



_LOG_FACTORIAL: list[float] = [0.0]  # lgamma(k + 1), grown as draws need (see binomial)


def _log_factorials(n: int) -> list[float]:
    """The table of lgamma(k + 1) for k = 0 .. n: the very values lgamma gives, looked up."""
    table = _LOG_FACTORIAL
    if len(table) <= n:
        table.extend(lgamma(k + 1) for k in range(len(table), n + 1))
    return table

def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial(n, p) draw: Devroye's geometric method for small means, else Hormann's
    BTRS transformed rejection (W. Hormann, 1993), so the cost does not grow with n.

    Written here rather than taken from ``random.binomialvariate`` (Python 3.12+) so
    that a seeded figure comes out the same on every supported Python.
    """
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    if p > 0.5:
        return n - binomial(rng, n, 1.0 - p)
    if n * p < 10.0:
        # Count successes by jumping geometric gaps between them.
        log_q = math.log1p(-p)
        x = y = 0
        while True:
            y += int(math.log(1.0 - rng.random()) / log_q) + 1
            if y > n:
                return x
            x += 1
    spq = sqrt(n * p * (1.0 - p))
    b = 1.15 + 2.53 * spq
    a2 = 2.0 * (-0.0873 + 0.0248 * b + 0.01 * p)
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    rand = rng.random  # the loop below is the bootstrap's hottest: names bound locally
    setup = False  # the exact test's constants, only if the quick squeeze test fails
    while True:
        u = rand() - 0.5
        v = rand()
        us = 0.5 - u if u >= 0.0 else 0.5 + u  # 0.5 - |u|, without a call
        k = floor((a2 / us + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        if not setup:
            alpha = (2.83 + 5.1 / b) * spq
            lpq = math.log(p / (1.0 - p))
            m = floor((n + 1) * p)
            log_fact = _log_factorials(n)
            h = log_fact[m] + log_fact[n - m]
            setup = True
        v = v * alpha / (a2 / 2.0 / (us * us) + b)
        if math.log(v) <= h - log_fact[k] - log_fact[n - k] + (k - m) * lpq:
            return k
