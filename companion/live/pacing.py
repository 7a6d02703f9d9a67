"""How far ahead of or behind the plan a round is running, in minutes."""

from __future__ import annotations

from collections.abc import Sequence


def projected_total_s(planned: Sequence[float], elapsed: Sequence[float], index: int) -> float:
    """When the round will end if the rest goes to plan.

    Finished sections count as they ran; the current one counts its planned
    length, or what it has already taken if it is over; later ones as planned.
    """
    if not planned:
        return 0.0
    index = max(0, min(index, len(planned) - 1))
    done = sum(elapsed[:index])
    current = max(elapsed[index], planned[index])
    return done + current + sum(planned[index + 1:])


def pacing_minutes(planned: Sequence[float], elapsed: Sequence[float], index: int) -> float:
    """Minutes ahead of plan (positive) or behind it (negative), to one decimal."""
    ahead_s = sum(planned) - projected_total_s(planned, elapsed, index)
    return round(ahead_s / 60.0, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
