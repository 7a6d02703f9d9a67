"""Checks that need the whole merged pack: references between items, sums and limits.

``schema.check`` already reported unknown keys, missing fields and wrong types per
table. These checks read the raw tables (guarding every type), so an item that failed
the schema is still checked here: one run reports every problem in a file.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Protocol

from companion.content.model import CUE_LEVELS, LEVELS
from companion.content.problems import Origin, ProblemLog, SourceFile


class _Entry(Protocol):
    """An item's raw table and where it was defined (``loader.Entry``)."""

    @property
    def raw(self) -> dict[str, Any]: ...

    @property
    def origin(self) -> Origin: ...


Lists = Mapping[str, Mapping[str, _Entry]]


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _strs(value: Any) -> list[tuple[int, str]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)]


def _tables(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]


def _choose(known: list[str], table: str) -> str:
    if not known:
        return f"define it in {table} first"
    return f"use one of {', '.join(known)}, or define it in {table}"


def check_merged(lists: Lists, singles: Mapping[str, _Entry], root: SourceFile,
                 log: ProblemLog) -> None:
    """Add a problem to ``log`` for every cross-item inconsistency in the merged pack."""
    archetypes = sorted(lists["archetypes"])
    flags = sorted(lists["red_flags"])
    for entry in lists["archetypes"].values():
        _archetype(entry.raw, entry.origin, log)
    openers: list[tuple[str, _Entry]] = []
    for kind in ("questions", "scenarios"):
        for item_id, entry in lists[kind].items():
            _item(entry.raw, entry.origin, archetypes, flags, log)
            if entry.raw.get("opener") is True:
                openers.append((item_id, entry))
    first_id, first = openers[0] if openers else ("", None)
    for _id, extra in openers[1:]:
        where = first.origin.where() if first else ""
        log.at(extra.origin, ("opener",),
               f"more than one question is the opener (also {first_id!r} at {where})",
               "set opener = true on one question only")
    _red_flag_keys(lists["red_flags"], log)
    for entry in lists["templates"].values():
        _template(entry.raw, entry.origin, log)
    for entry in lists["levels"].values():
        _level(entry.raw, entry.origin, log)
    if "pay" in singles:
        _pay(singles["pay"].raw, singles["pay"].origin, log)
    _samples(lists, log)
    _required(lists, singles, root, log)


# How long a sample answer is, in words: long enough to hold the parts an anchor names,
# short enough to read in the half minute a practice item should take.
SAMPLE_WORDS = (60, 200)
FAILURE_SAMPLE_WORDS = (20, 120)


def _words(raw: dict[str, Any], at: Origin, where: tuple[str | int, ...],
           bounds: tuple[int, int], log: ProblemLog) -> None:
    text = raw.get("answer")
    if not isinstance(text, str) or not text.strip():
        return  # the schema reported it
    n, (low, high) = len(text.split()), bounds
    if not low <= n <= high:
        log.at(at, (*where, "answer"), f"the answer is {n} words long",
               f"write {low} to {high} words: what the candidate said")


def _samples(lists: Lists, log: ProblemLog) -> None:
    """Each sample answers an item of the merged pack; failure answers only a scenario's
    failure probe, once per target; answers are of a readable length."""
    questions, scenarios = lists["questions"], lists["scenarios"]
    known = sorted([*questions, *scenarios])
    for entry in lists["samples"].values():
        raw, at = entry.raw, entry.origin
        item = raw.get("item")
        if isinstance(item, str) and item.strip() and item not in known:
            close = difflib.get_close_matches(item, known, n=1)
            log.at(at, ("item",), f"unknown question or scenario {item!r}",
                   f"did you mean {close[0]!r}?" if close else
                   "use the id of a question or scenario (`content list` shows them)")
        _words(raw, at, (), SAMPLE_WORDS, log)
        failures = _tables(raw.get("failure"))
        scenario = scenarios.get(item) if isinstance(item, str) else None
        if failures and isinstance(item, str) and item in questions:
            log.at(at, ("failure",), f"failure answers on a question ({item!r})",
                   "the failure probe belongs to scenarios: remove [[samples.failure]] here")
        elif failures and scenario is not None and scenario.raw.get("failure_probes") is False:
            log.at(at, ("failure",), f"scenario {item!r} has failure_probes = false",
                   "remove [[samples.failure]] here, or turn the scenario's failure probes on")
        seen: set[str] = set()
        for i, failure in failures:
            target = failure.get("target")
            if isinstance(target, str) and target in seen:
                log.at(at, ("failure", i, "target"), f"a second answer about {target!r}",
                       "give each target one failure answer per sample")
            if isinstance(target, str):
                seen.add(target)
            _words(failure, at, ("failure", i), FAILURE_SAMPLE_WORDS, log)


def _archetype(raw: dict[str, Any], at: Origin, log: ProblemLog) -> None:
    weights = raw.get("weights")
    if isinstance(weights, dict):
        values = [_int(v) for v in weights.values()]
        if values and all(v is not None for v in values):
            total = sum(v for v in values if v is not None)
            if total != 100:
                log.at(at, ("weights",), f"weights add up to {total}, not 100",
                       "adjust technical, design and ownership so they total 100")
    pay = raw.get("pay")
    if isinstance(pay, dict):
        low, high = _int(pay.get("low")), _int(pay.get("high"))
        if low is not None and high is not None and low > high:
            log.at(at, ("pay", "low"), f"pay band low {low} is above high {high}",
                   "swap them or correct one")


def _item(raw: dict[str, Any], at: Origin, archetypes: list[str], flags: list[str],
          log: ProblemLog) -> None:
    for i, arch in _strs(raw.get("archetypes")):
        if arch not in archetypes:
            log.at(at, ("archetypes", i), f"unknown archetype {arch!r}",
                   _choose(archetypes, "[[archetypes]]"))
    for i, flag in _strs(raw.get("watch_flags")):
        if flag not in flags:
            log.at(at, ("watch_flags", i), f"unknown red flag {flag!r}",
                   _choose(flags, "[[red_flags]]"))
    cues = raw.get("cues")
    if isinstance(cues, dict) and not cues:
        log.at(at, ("cues",), "no cues at all",
               "add at least cues.strong: what a strong answer sounds like")
    _added_cues(raw, cues if isinstance(cues, dict) else {}, at, log)
    seen: set[str] = set()
    for i, probe in _tables(raw.get("probes")):
        pid = probe.get("id")
        if isinstance(pid, str) and pid in seen:
            log.at(at, ("probes", i, "id"), f"duplicate probe id {pid!r} in this item",
                   "give each probe of an item its own id")
        if isinstance(pid, str):
            seen.add(pid)


def _added_cues(raw: dict[str, Any], cues: dict[str, Any], at: Origin,
                log: ProblemLog) -> None:
    """``added_cues`` names levels the pack wrote itself: each once, each with its text."""
    seen: set[str] = set()
    for i, level in _strs(raw.get("added_cues")):
        if level in seen:
            log.at(at, ("added_cues", i), f"cue level {level!r} is listed twice",
                   "list each level once")
        elif level in CUE_LEVELS and level not in cues:
            log.at(at, ("added_cues", i), f"added_cues lists {level!r} but cues has no "
                   f"{level!r} text", f"write cues.{level}, or remove it from added_cues")
        seen.add(level)


def _red_flag_keys(entries: Mapping[str, _Entry], log: ProblemLog) -> None:
    owners: dict[str, str] = {}
    for flag_id, entry in entries.items():
        key = entry.raw.get("key")
        if not isinstance(key, str) or not key:
            continue
        if key in owners:
            log.at(entry.origin, ("key",), f"key {key!r} is already used by red flag "
                   f"{owners[key]!r}", "give each red flag its own digit")
        owners.setdefault(key, flag_id)


def _template(raw: dict[str, Any], at: Origin, log: ProblemLog) -> None:
    sections = _tables(raw.get("sections"))
    minutes = _int(raw.get("minutes"))
    lengths = [_int(s.get("minutes")) for _i, s in sections]
    if minutes is not None and all(v is not None for v in lengths):
        used = sum(v for v in lengths if v is not None)
        if used > minutes:
            log.at(at, ("sections",), f"sections add up to {used} minutes but the round "
                   f"lasts {minutes}", "shorten a section or lengthen the round")
    seen: set[str] = set()
    for i, s in sections:
        sid = s.get("id")
        if isinstance(sid, str) and sid in seen:
            log.at(at, ("sections", i, "id"), f"duplicate section id {sid!r}",
                   "give each section of a round its own id")
        if isinstance(sid, str):
            seen.add(sid)
    # Only text can be a draw; a wrong type was reported by the schema already.
    draws = {d for _i, s in sections if isinstance(d := s.get("draws", "none"), str)}
    if _int(raw.get("max_questions")) and "questions" not in draws:
        log.at(at, ("max_questions",), "max_questions is set but no section draws questions",
               'set draws = "questions" on the section that asks them, or drop max_questions')
    if _int(raw.get("max_scenarios")) and "scenarios" not in draws:
        log.at(at, ("max_scenarios",), "max_scenarios is set but no section draws scenarios",
               'set draws = "scenarios" on the design section, or drop max_scenarios')
    kind, fmt = raw.get("kind"), raw.get("coding_format", "")
    coding = kind in ("coding", "take_home_review")
    if coding and not fmt:
        log.at(at, ("coding_format",), f"a {kind} round needs a coding format",
               'add coding_format = "live" or "take_home"')
    if isinstance(kind, str) and not coding and fmt:
        log.at(at, ("coding_format",), f"coding_format on a {kind} round",
               'remove it, or set kind = "coding" or "take_home_review"')


def _level(raw: dict[str, Any], at: Origin, log: ProblemLog) -> None:
    low, high = _int(raw.get("min_rounds", 3)), _int(raw.get("max_rounds", 5))
    if low is not None and high is not None and low > high:
        log.at(at, ("min_rounds",), f"min_rounds {low} is above max_rounds {high}",
               "lower min_rounds or raise max_rounds")


def _pay(raw: dict[str, Any], at: Origin, log: ProblemLog) -> None:
    for low_key, high_key in (("public_low", "public_high"),
                              ("take_home_fee_low", "take_home_fee_high")):
        low, high = _int(raw.get(low_key)), _int(raw.get(high_key))
        if low is not None and high is not None and low > high:
            log.at(at, (low_key,), f"{low_key} {low} is above {high_key} {high}",
                   "swap them or correct one")


def _required(lists: Lists, singles: Mapping[str, _Entry], root: SourceFile,
              log: ProblemLog) -> None:
    """The merged pack must be complete enough to plan a loop."""
    for lvl in LEVELS:
        if lvl not in lists["levels"]:
            log.add(root, ("levels",), f"no level rule for {lvl!r}",
                    f'add a [[levels]] block with id = "{lvl}"')
    for kind in ("archetypes", "templates"):
        if not lists[kind]:
            log.add(root, (kind,), f"the pack has no {kind}", f"add at least one [[{kind}]]")
    for key in ("failure_probe", "pay"):
        if key not in singles:
            log.add(root, (key,), f"the pack has no [{key}] table", f"add a [{key}] table")
