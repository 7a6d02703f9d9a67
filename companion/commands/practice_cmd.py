"""``practice [--archetype ID] [--dimension ID]`` and ``practice history [--json]``.

The set runs in the terminal: each answer is printed, a rating is read from stdin
(1-4 or the level's name), and only then is the intended level revealed. Reading
stdin line by line lets scripts and tests drive a whole set.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import textwrap
from collections.abc import Iterator
from typing import TextIO

from companion.commands.common import viewer
from companion.commands.session_cmd import open_store
from companion.content.loader import load_for_cli
from companion.content.model import CUE_LEVELS, Pack
from companion.practice import history
from companion.practice.scoring import Tally, describe, figures
from companion.practice.session import PracticeSession, SetChoice
from companion.practice.text import LEVEL_NAME, heading, prompt_of, reveal

ASK = "Your rating: 1 strong, 2 mid, 3 thin, 4 very thin (q stops): "
_BY_WORD = {**{str(i + 1): lvl for i, lvl in enumerate(CUE_LEVELS)},
            **{lvl: lvl for lvl in CUE_LEVELS}, "very thin": "very_thin"}


def _wrap(text: str, indent: str = "  ") -> str:
    return textwrap.fill(" ".join(text.split()), width=88, initial_indent=indent,
                         subsequent_indent=indent)


def _answers(stream: TextIO) -> Iterator[str | None]:
    """Ratings read from ``stream``: a level, or None to stop (q or end of input)."""
    while True:
        print(ASK, end="", flush=True)
        line = stream.readline()
        word = line.strip().lower()
        if not line or word in ("q", "quit"):
            yield None
            return
        level = _BY_WORD.get(word)
        if level is None:
            print(f"\n{word!r} is not a rating; type 1, 2, 3 or 4.")
            continue
        yield level


def _choice(args: argparse.Namespace, pack: Pack) -> SetChoice:
    archetype = args.archetype or pack.archetypes[0].id
    name, _source = viewer(args)
    return SetChoice(interviewer=name or "me", archetype=archetype, dimension=args.dimension)


def run_practice(args: argparse.Namespace) -> int:
    """Run one practice set in the terminal and store it."""
    pack = load_for_cli(args)
    choice = _choice(args, pack)
    rng = random.Random(args.seed) if args.seed is not None else None
    with open_store(args) as store:
        session = PracticeSession.draw(pack, choice, history.StoredSet(store), rng=rng)
        dim = f", {choice.dimension}" if choice.dimension else ""
        print(f"Practice set: {len(session.items)} sample answers for "
              f"{pack.archetype(choice.archetype).title}{dim}. Rate each as you would in a "
              "round; the level it was written to show comes after your rating.")
        answers = _answers(sys.stdin)
        while (item := session.current) is not None:
            print(f"\n[{session.index + 1}/{len(session.items)}] {heading(item, pack)}")
            print(_wrap(f"Asked: {prompt_of(item, pack)}"))
            print(_wrap(f"They said: {item.answer}"))
            level = next(answers, None)
            if level is None:
                print(f"\nStopped after {len(session.ratings)} of {len(session.items)}; "
                      "the ratings given are kept.")
                break
            rated = session.rate(level)
            if rated is not None:
                print("\n" + reveal(rated))
            session.next()
        _print_summary(session, pack)
    return 0


def _print_summary(session: PracticeSession, pack: Pack) -> None:
    if not session.ratings:
        return
    f = session.figures()
    print(f"\nThis set: {len(session.ratings)} rated.")
    print(f"  exact agreement:       {describe(f.exact)}")
    print(f"  within one step:       {describe(f.within_one)}")
    print(f"  mean signed error:     {describe(f.signed_error, percent=False)}"
          "  (above 0: you rate higher than the anchors)")
    missed = session.misses()
    if missed:
        print("Missed by two steps or more:")
        for r in missed:
            print(f"  - {heading(r.item, pack)}: written {LEVEL_NAME[r.item.level]}, "
                  f"rated {LEVEL_NAME[r.rating]}.")
            print(_wrap(f"Why: {r.item.why}", "    "))
    else:
        print("No answer was missed by two steps or more.")


def run_history(args: argparse.Namespace) -> int:
    """Every stored practice set, then the figures over all of them per archetype."""
    with open_store(args) as store:
        found = history.sets(store)
    by_arch: dict[str, Tally] = {}
    for rec in found:
        by_arch[rec.archetype] = by_arch.get(rec.archetype, Tally()) + rec.tally
    if args.json:
        json.dump({"sets": [r.to_dict() for r in found],
                   "archetypes": {a: {"rated": t.n, **figures(t).to_dict()}
                                  for a, t in by_arch.items()}}, sys.stdout, indent=2)
        print()
        return 0
    if not found:
        print("No practice sets yet; `companion practice` runs one.")
        return 0
    print(f"{'started':<17} {'who':<16} {'archetype':<12} {'rated':>5} {'exact':>6} "
          f"{'within 1':>8} {'signed':>7}")
    for r in found:
        t = r.tally
        exact = f"{t.exact / t.n:.0%}" if t.n else "-"
        within = f"{t.within_one / t.n:.0%}" if t.n else "-"
        signed = f"{t.error_sum / t.n:+.2f}" if t.n else "-"
        print(f"{r.started_at:%Y-%m-%d %H:%M} {r.interviewer[:16]:<16} "
              f"{r.archetype + (' ' + r.dimension[:3] if r.dimension else ''):<12} "
              f"{t.n:>5} {exact:>6} {within:>8} {signed:>7}")
    for arch, t in by_arch.items():
        f = figures(t)
        print(f"\n{arch}, all sets:")
        print(f"  exact agreement:   {describe(f.exact)}")
        print(f"  within one step:   {describe(f.within_one)}")
        print(f"  mean signed error: {describe(f.signed_error, percent=False)}")
        rated = [r.tally for r in found if r.archetype == arch and r.tally.n]
        if len(rated) >= 2:
            print(f"  {_trend(rated[0], rated[-1])}")
    return 0


def _trend(first: Tally, last: Tally) -> str:
    """The first set against the latest: the trend, with the n that each rests on."""
    return (f"first set to latest: exact {first.exact / first.n:.0%} to "
            f"{last.exact / last.n:.0%}, signed error {first.error_sum / first.n:+.2f} to "
            f"{last.error_sum / last.n:+.2f} steps (n={first.n} and {last.n}: one set each, "
            "so read the trend over several)")
