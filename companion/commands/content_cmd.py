"""``content check`` and ``content list``: validate packs and show what they hold."""

from __future__ import annotations

import argparse
import sys

from companion.base.errors import CompanionError, ContentError
from companion.content.loader import load_for_cli
from companion.content.model import Item, Pack


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(pack: Pack) -> str:
    """One line with the merged pack's counts, e.g. ``ok: pack backend 1.0: 3 archetypes, ...``."""
    counts = ", ".join([
        _plural(len(pack.archetypes), "archetype"),
        _plural(len(pack.questions), "question"),
        _plural(len(pack.scenarios), "scenario"),
        _plural(len(pack.red_flags), "red flag"),
        _plural(len(pack.templates), "round template"),
        _plural(len(pack.levels), "level"),
        _plural(len(pack.samples), "sample answer"),
    ])
    line = f"ok: pack {pack.id} {pack.version}: {counts}"
    if len(pack.sources) > 1:
        line += "; user packs: " + "; ".join(pack.sources[1:])
    return line


def run_check(args: argparse.Namespace) -> int:
    """Validate the built-in pack, the user's packs and each PATH; exit 2 listing every problem."""
    try:
        pack = load_for_cli(args, extra=getattr(args, "paths", ()) or ())
    except ContentError as exc:
        for line in exc.problems:
            print(line, file=sys.stderr)
        noun = "problem" if len(exc.problems) == 1 else "problems"
        print(f"content check: {len(exc.problems)} {noun} found", file=sys.stderr)
        return 2
    print(summary(pack))
    return 0


def _item_line(it: Item, pack: Pack, archetype_id: str) -> str:
    label = pack.archetype(archetype_id).label(it.dimension)
    marks = " (opener)" if getattr(it, "opener", False) else ""
    levels = f" [{', '.join(it.levels)}]" if it.levels else ""
    return f"    {it.id:<28} {it.title}{marks}{levels}  - {label}"


def run_list(args: argparse.Namespace) -> int:
    """Questions and scenarios grouped by archetype (or for one ``--archetype``)."""
    pack = load_for_cli(args)
    wanted = getattr(args, "archetype", None)
    ids = [a.id for a in pack.archetypes]
    if wanted and wanted not in ids:
        raise CompanionError(f"unknown archetype {wanted!r}; choose one of {', '.join(ids)}")
    out = []
    for arch in pack.archetypes:
        if wanted and arch.id != wanted:
            continue
        weights = ", ".join(f"{arch.label(d)} {w}%" for d, w in arch.weights)
        out.append(f"{arch.id}: {arch.title} ({weights})")
        for heading, items in (("questions", pack.questions), ("scenarios", pack.scenarios)):
            fitting = [it for it in items if it.suits(arch.id)]
            out.append(f"  {heading} ({len(fitting)}):")
            out.extend(_item_line(it, pack, arch.id) for it in fitting)
    print("\n".join(out))
    return 0
