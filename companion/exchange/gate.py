"""The one gate for scorecards from outside: decoded JSON in, a Scorecard or one refusal out.

``scorecard_from_data`` is a plain function over the decoded data, so every route
in (an exchange file today, a team store's row later) passes the same checks:

- shape, types and bounds per field (``json_reader.Obj``: text lengths, id forms,
  list lengths, seconds, dates from 2000 to 2200, closed sets matched exactly, and
  for amendments the typed edits of ``change_codec``);
- nesting depth and lone surrogates, walked flat before anything recursive runs;
- one record per item, per probe of an item and per red flag (the database would
  otherwise refuse the second with a constraint error that names no file);
- the whole text of the scorecard bounded, so any accepted scorecard renders in
  bounded time;
- every amendment changing something the round has;
- with a pack, every id known to it, on the record as written and with its
  amendments made again (which is what the store will show).

A problem raises ``Refused`` (location, what is wrong, what to do); the caller
adds the name of the source.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from companion.content.model import Pack
from companion.exchange.schema import scorecard_from_dict
from companion.intake import limits
from companion.intake.json_reader import SchemaError, line_breaks
from companion.intake.reading import SURROGATE, Refused, refuse_lone_surrogates
from companion.record.changes import AnswerProbe, EditText, StepFlag, edit_target
from companion.record.scorecard import Scorecard

_EDITED = "the file was edited by hand or made by another program; export it again"


def scorecard_from_data(data: Any, pack: Pack | None = None, where: str = "scorecard",
                        version: int | None = None, *, plain_checked: bool = False
                        ) -> Scorecard:
    """Validate decoded scorecard data (see the module text); raises ``Refused``.

    ``version`` is the exchange format the data came in (None: the current one);
    ``plain_checked`` says the caller already ran ``check_plain`` on this data.
    """
    if not plain_checked:
        check_plain(data, where)
    try:
        sc = (scorecard_from_dict(data, where) if version is None
              else scorecard_from_dict(data, where, version))
    except SchemaError as exc:
        raise Refused("", str(exc), "export the file again from Interview Companion") from None
    _unique(sc, where)
    _total_text(sc, where)
    _amendments(sc, where)
    # What the store will show: the record with every amendment made again.
    applied = sc
    for a in sc.amendments:
        applied = applied.apply(a.change)
    _counts(applied, where)
    if pack is not None:
        for card in (sc, applied):
            problems = pack_problems(card, pack)
            if problems:
                more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
                hint = ("a file made with another question pack needs that pack loaded "
                        "(--pack PATH)" if problems[0].startswith("unknown") else _EDITED)
                raise Refused("", problems[0] + more, hint)
    return sc


def check_plain(data: Any, where: str = "scorecard") -> None:
    """Refuse data too deep for recursive code, or holding lone surrogates (not text).

    Cheap and flat; run it before anything walks the data recursively (hashing it,
    encoding it, decoding it). One pass without locations answers for the data
    nearly every time; only a refusal walks it again to say where (reading a team
    store's year of scorecards spent most of its time building locations).
    """
    limit = limits.JSON_DEPTH
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if SURROGATE.search(node):
                refuse_lone_surrogates(data, where)
        elif isinstance(node, dict):
            if depth >= limit:
                refuse_deep(data, limit, where)
            for key, child in node.items():
                if SURROGATE.search(key):
                    refuse_lone_surrogates(data, where)
                stack.append((child, depth + 1))
        elif isinstance(node, list):
            if depth >= limit:
                refuse_deep(data, limit, where)
            stack.extend((child, depth + 1) for child in node)


def refuse_deep(data: Any, limit: int, where: str) -> None:
    """Refuse data nested deeper than ``limit``, walking it with a list, not recursion."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            if depth >= limit:
                raise Refused(where, f"nested more than {limit} levels deep", _EDITED)
            children = node.values() if isinstance(node, dict) else node
            stack.extend((child, depth + 1) for child in children)


def _counts(applied: Scorecard, where: str) -> None:
    """Amendments can add probes and flags: the record they make stays within the limits."""
    probes = max((len(it.probes) for it in applied.items), default=0)
    if probes > limits.PROBES_PER_ITEM or len(applied.flags) > limits.FLAGS:
        raise Refused(f"{where}.amendments", "with its amendments made, the scorecard has "
                      f"{probes} probes on one item and {len(applied.flags)} red flags",
                      f"at most {limits.PROBES_PER_ITEM} and {limits.FLAGS}; {_EDITED}")


def _first_repeat(ids: Iterable[str]) -> tuple[int, int, str] | None:
    """(index, index of the first occurrence, id) of the first id seen twice."""
    ids = list(ids)
    if len(set(ids)) == len(ids):  # nearly always: one set, no loop in Python
        return None
    seen: dict[str, int] = {}
    for n, value in enumerate(ids):
        if value in seen:
            return n, seen[value], value
        seen[value] = n
    return None


def _all_unique(sc: Scorecard) -> bool:
    """No id repeats where ``_unique`` looks: one set per list, no message built."""
    items = {it.item_id for it in sc.items}
    flags = {f.flag_id for f in sc.flags}
    if len(items) != len(sc.items) or len(flags) != len(sc.flags):
        return False
    for it in sc.items:
        probes = it.probes
        if len(probes) > 1 and len({p.probe_id for p in probes}) != len(probes):
            return False
    return True


def _unique(sc: Scorecard, where: str) -> None:
    if _all_unique(sc):  # nearly always: a team store's year passes here
        return
    twice = _first_repeat([it.item_id for it in sc.items])
    if twice:
        n, first, value = twice
        raise Refused(f"{where}.items[{n}].item_id", f"item {value!r} appears twice (also "
                      f"items[{first}])", "each question or scenario has one record in a "
                      f"round; {_EDITED}")
    for i, it in enumerate(sc.items):
        twice = _first_repeat([p.probe_id for p in it.probes])
        if twice:
            n, first, value = twice
            raise Refused(f"{where}.items[{i}].probes[{n}].probe_id",
                          f"probe {value!r} appears twice on {it.item_id!r} (also "
                          f"probes[{first}])", f"each probe has one record; {_EDITED}")
    twice = _first_repeat([f.flag_id for f in sc.flags])
    if twice:
        n, first, value = twice
        raise Refused(f"{where}.flags[{n}].flag_id", f"red flag {value!r} appears twice "
                      f"(also flags[{first}])", f"each red flag has one record; {_EDITED}")


def _texts(sc: Scorecard) -> list[str]:
    texts = [sc.candidate, sc.interviewer, sc.round_title, sc.said, sc.read, sc.summary]
    for it in sc.items:
        texts += (it.said, it.read)
        if it.probes:
            texts += [p.note for p in it.probes]
    texts += [f.evidence for f in sc.flags]
    texts += [s.title for s in sc.sections]
    for a in sc.amendments:
        texts.append(a.reason)
        for edit in (a.change, a.undo):
            if isinstance(edit, EditText):
                texts.append(edit.text)
            elif isinstance(edit, AnswerProbe):
                texts.append(edit.note)
            elif isinstance(edit, StepFlag):
                texts.append(edit.evidence)
    return texts


def _total_text(sc: Scorecard, where: str) -> None:
    # Counted on the texts joined by NUL (no text gains or loses a line break at a
    # join): three counts per scorecard instead of three per text.
    texts = _texts(sc)
    joined = "\0".join(texts)
    total = len(joined) - (len(texts) - 1)
    if total > limits.TEXT_CHARS:
        raise Refused(where, f"holds {total:,} characters of text in all",
                      f"a scorecard holds at most {limits.TEXT_CHARS:,}; {_EDITED}")
    lines = line_breaks(joined)
    if lines > limits.TEXT_LINES:
        raise Refused(where, f"holds {lines:,} line breaks in all",
                      f"a scorecard holds at most {limits.TEXT_LINES:,}; {_EDITED}")


# ------------------------------------------------------------------ amendments


def _amendments(sc: Scorecard, where: str) -> None:
    """Each amendment changes something this round has; its ids are well formed.

    Their values were checked as they were decoded (``change_codec``: a rating is
    one of the rubric words exactly, a text field one the scorecard has).
    """
    items = {it.item_id for it in sc.items}
    for i, a in enumerate(sc.amendments):
        at = f"{where}.amendments[{i}].change"
        item = edit_target(a.change)
        if item is not None and item not in items:
            raise Refused(at, f"changes {item!r}, which is not in this round", _EDITED)
        if isinstance(a.change, StepFlag) and a.change.item_id is not None and \
                a.change.item_id not in items:
            raise Refused(at, f"raises a red flag on {a.change.item_id!r}, which is not in "
                          "this round", _EDITED)


def pack_problems(sc: Scorecard, pack: Pack) -> list[str]:
    """Ids in ``sc`` that ``pack`` does not know, one line each (empty when all resolve)."""
    problems: list[str] = []
    ids = {a.id for a in pack.archetypes}
    if sc.archetype not in ids:
        problems.append(f"unknown archetype {sc.archetype!r} for pack {pack.id!r}")
    if sc.level not in {lv.id for lv in pack.levels}:
        problems.append(f"unknown level {sc.level!r} for pack {pack.id!r}")
    if sc.template_id not in {t.id for t in pack.templates}:
        problems.append(f"unknown round template {sc.template_id!r} for pack {pack.id!r}")
    failure_ids = set(pack.failure_probe.probe_ids())
    for it in sc.items:
        content = pack.find_item(it.item_id)
        if content is None:
            problems.append(f"unknown {it.kind or 'item'} id {it.item_id!r} for pack {pack.id!r}")
            continue
        if content.kind != it.kind:
            problems.append(f"{it.item_id!r} is a {content.kind} in pack {pack.id!r}, "
                            f"not a {it.kind}")
        known = {p.id for p in content.probes} | failure_ids
        problems.extend(f"unknown probe {p.probe_id!r} on {it.item_id!r}"
                        for p in it.probes if p.probe_id not in known)
    item_ids = {it.item_id for it in sc.items}
    flag_ids = {f.id for f in pack.red_flags}
    for fl in sc.flags:
        if fl.flag_id not in flag_ids:
            problems.append(f"unknown red flag id {fl.flag_id!r} for pack {pack.id!r}")
        if fl.item_id is not None and fl.item_id not in item_ids:
            problems.append(f"red flag {fl.flag_id!r} points at {fl.item_id!r}, "
                            "which is not in this round")
    return problems
