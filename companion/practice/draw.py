"""Draw a practice set: sample answers of the chosen archetype (and dimension), every level.

A set that showed only strong and thin answers would train nothing about the middle
of the scale, so one answer of each level is drawn first and the rest at random;
the order is shuffled so the level cannot be guessed from the position.
"""

from __future__ import annotations

import random
from collections import defaultdict

from companion.base.errors import CompanionError
from companion.content.model import CUE_LEVELS, DIMENSIONS, Pack
from companion.practice.model import SET_SIZE, PracticeItem


class PracticeError(CompanionError):
    """A practice set cannot be drawn (unknown archetype, too few sample answers)."""


def pool(pack: Pack, archetype: str, dimension: str | None = None) -> list[PracticeItem]:
    """Every practice item of ``archetype`` (and ``dimension``), failure answers included."""
    if pack.find_archetype(archetype) is None:
        known = ", ".join(a.id for a in pack.archetypes)
        raise PracticeError(f"unknown archetype {archetype!r}; choose one of {known}")
    if dimension is not None and dimension not in DIMENSIONS:
        raise PracticeError(f"unknown dimension {dimension!r}; choose one of "
                            f"{', '.join(DIMENSIONS)}")
    found: list[PracticeItem] = []
    for sample in pack.samples:
        item = pack.find_item(sample.item_id)
        if item is None or not item.suits(archetype):
            continue
        if dimension is not None and item.dimension != dimension:
            continue
        found.append(PracticeItem(sample.id, sample.item_id, sample.level, sample.answer,
                                  sample.why))
        found.extend(PracticeItem(sample.id, sample.item_id, f.level, f.answer, f.why,
                                  target=f.target) for f in sample.failures)
    return found


def draw_set(items: list[PracticeItem], rng: random.Random,
             size: int = SET_SIZE) -> tuple[PracticeItem, ...]:
    """``size`` items (fewer if the pool is smaller) in which every level appears.

    Raises PracticeError when some level has no sample answer at all.
    """
    by_level: dict[str, list[PracticeItem]] = defaultdict(list)
    for it in items:
        by_level[it.level].append(it)
    missing = [lvl for lvl in CUE_LEVELS if not by_level[lvl]]
    if missing:
        words = ", ".join(lvl.replace("_", " ") for lvl in missing)
        raise PracticeError(f"no sample answer at the {words} level for this choice; a "
                            "practice set shows every level (choose another archetype or "
                            "dimension, or add [[samples]] to a pack)")
    chosen = [rng.choice(by_level[lvl]) for lvl in CUE_LEVELS]
    rest = [it for it in items if it not in chosen]
    chosen += rng.sample(rest, min(len(rest), max(0, size - len(chosen))))
    rng.shuffle(chosen)
    return tuple(chosen)
