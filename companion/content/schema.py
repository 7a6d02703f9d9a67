"""The shape of a pack file: which keys each table takes, their types, and which are required.

``check`` walks one parsed TOML table against a spec and reports every unknown key,
missing field, wrong type, empty text and out-of-range value it finds. References
between items (an archetype id, a red-flag id) are checked later, on the merged pack,
by ``companion.content.validate``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from companion.content.model import (
    CUE_LEVELS,
    DIMENSIONS,
    FAILURE_TARGETS,
    LEVELS,
    ROUND_KINDS,
)
from companion.content.problems import Path_, ProblemLog, SourceFile
from companion.intake import limits
from companion.intake.reading import ID_FORM


@dataclass(frozen=True)
class Field:
    """One key of a table.

    kind: "str", "int", "bool", "strs" (list of text), "table" (``sub`` spec) or
    "tables" (array of tables, each checked against ``sub``).
    """

    kind: str
    required: bool = False
    sub: Mapping[str, Field] | None = None
    choices: tuple[str, ...] = ()
    nonempty: bool = False
    minimum: int | None = None
    # How to call this table's keys in messages ("cue level", "dimension", ...).
    key_noun: str = "key"
    # How to call a value outside ``choices`` ("level", "dimension", ...).
    value_noun: str = "value"


Spec = Mapping[str, Field]

_TEXT = Field("str")
_ID = Field("str", required=True, nonempty=True)
_LEVEL_LIST = Field("strs", choices=LEVELS, value_noun="level")

PACK: Spec = {
    "id": _ID,
    "version": Field("str", required=True, nonempty=True),
    "title": Field("str", required=True, nonempty=True),
    "description": _TEXT,
}

_DIM_INTS: Spec = {d: Field("int", required=True, minimum=0) for d in DIMENSIONS}
_DIM_TEXTS: Spec = {d: Field("str", required=True, nonempty=True) for d in DIMENSIONS}

ARCHETYPE: Spec = {
    "id": _ID,
    "title": Field("str", required=True, nonempty=True),
    "owns": Field("str", required=True, nonempty=True),
    "summary": _TEXT,
    "weights": Field("table", required=True, sub=_DIM_INTS, key_noun="dimension"),
    "labels": Field("table", required=True, sub=_DIM_TEXTS, key_noun="dimension"),
    "pay": Field("table", required=True, key_noun="pay key", sub={
        "low": Field("int", required=True, minimum=1),
        "high": Field("int", required=True, minimum=1),
        "note": _TEXT,
    }),
}

_CUES: Spec = {lvl: Field("str", nonempty=True) for lvl in CUE_LEVELS}
_PROBE: Spec = {"id": _ID, "text": Field("str", required=True, nonempty=True)}

_ITEM: dict[str, Field] = {
    "id": _ID,
    "title": Field("str", required=True, nonempty=True),
    "prompt": Field("str", required=True, nonempty=True),
    "archetypes": Field("strs", required=True, nonempty=True),
    "dimension": Field("str", required=True, choices=DIMENSIONS, value_noun="dimension"),
    "cues": Field("table", required=True, sub=_CUES, key_noun="cue level"),
    "probes": Field("tables", sub=_PROBE),
    "listen_minutes": Field("int", minimum=1),
    "sketch_minutes": Field("int", minimum=1),
    "hint": _TEXT,
    "levels": _LEVEL_LIST,
    "watch_flags": Field("strs"),
    "added_cues": Field("strs", choices=CUE_LEVELS, value_noun="cue level"),
}

QUESTION: Spec = {**_ITEM, "opener": Field("bool")}
SCENARIO: Spec = {**_ITEM, "strong_first_move": _TEXT, "failure_probes": Field("bool"),
                  "failure": Field("table", key_noun="failure target",
                                   sub={t: Field("str", nonempty=True)
                                        for t in FAILURE_TARGETS})}

RED_FLAG: Spec = {
    "id": _ID,
    "title": Field("str", required=True, nonempty=True),
    "sounds_like": Field("str", required=True, nonempty=True),
    "probe_first": Field("str", required=True, nonempty=True),
    "key": Field("str", choices=("1", "2", "3", "4", "5", "6", "7", "8", "9")),
}

SECTION: Spec = {
    "id": _ID,
    "title": Field("str", required=True, nonempty=True),
    "minutes": Field("int", required=True, minimum=1),
    "draws": Field("str", choices=("questions", "scenarios", "none")),
    "timer": Field("str", choices=("listen", "sketch", "")),
    "needs": Field("str", choices=("failure_probes", "")),
}

TEMPLATE: Spec = {
    "id": _ID,
    "kind": Field("str", required=True, choices=ROUND_KINDS, value_noun="round kind"),
    "title": Field("str", required=True, nonempty=True),
    "minutes": Field("int", required=True, minimum=1),
    "sections": Field("tables", required=True, nonempty=True, sub=SECTION),
    "levels": _LEVEL_LIST,
    "senior_grade": Field("bool"),
    "coding_format": Field("str", choices=("live", "take_home", "")),
    "max_questions": Field("int", minimum=0),
    "max_scenarios": Field("int", minimum=0),
    "order": Field("int"),
    "note": _TEXT,
}

LEVEL: Spec = {
    "id": Field("str", required=True, choices=LEVELS, value_noun="level"),
    "title": Field("str", required=True, nonempty=True),
    "expects": Field("str", required=True, nonempty=True),
    "default_coding": Field("str", required=True, choices=("live", "take_home")),
    "take_home_paid": Field("bool", required=True),
    "min_rounds": Field("int", minimum=1),
    "max_rounds": Field("int", minimum=1),
}

FAILURE_PROBE: Spec = {
    "question": Field("str", required=True, nonempty=True),
    "targets": Field("table", required=True, key_noun="failure target",
                     sub={t: Field("str", required=True, nonempty=True)
                          for t in FAILURE_TARGETS}),
    "complete_answer": Field("strs", required=True, nonempty=True),
    "guidance": _TEXT,
}

PAY: Spec = {
    "placed_median": Field("int", required=True, minimum=1),
    "placed_searches": Field("int", required=True, minimum=1),
    "placed_window": Field("str", required=True, nonempty=True),
    "public_low": Field("int", required=True, minimum=1),
    "public_high": Field("int", required=True, minimum=1),
    "take_home_fee_low": Field("int", required=True, minimum=0),
    "take_home_fee_high": Field("int", required=True, minimum=0),
    "note": _TEXT,
}

_SAMPLE_LEVEL = Field("str", required=True, choices=CUE_LEVELS, value_noun="cue level")
_SAMPLE_TEXT = Field("str", required=True, nonempty=True)

FAILURE_SAMPLE: Spec = {
    "target": Field("str", required=True, choices=FAILURE_TARGETS, value_noun="failure target"),
    "level": _SAMPLE_LEVEL,
    "answer": _SAMPLE_TEXT,
    "why": _SAMPLE_TEXT,
}

SAMPLE: Spec = {
    "id": _ID,
    "item": Field("str", required=True, nonempty=True),
    "level": _SAMPLE_LEVEL,
    "answer": _SAMPLE_TEXT,
    "why": _SAMPLE_TEXT,
    "failure": Field("tables", sub=FAILURE_SAMPLE),
}

# Top level of any pack file. Lists of items are arrays of tables ([[questions]]).
FILE: Spec = {
    "pack": Field("table", sub=PACK),
    "archetypes": Field("tables", sub=ARCHETYPE),
    "questions": Field("tables", sub=QUESTION),
    "scenarios": Field("tables", sub=SCENARIO),
    "red_flags": Field("tables", sub=RED_FLAG),
    "templates": Field("tables", sub=TEMPLATE),
    "levels": Field("tables", sub=LEVEL),
    "failure_probe": Field("table", sub=FAILURE_PROBE),
    "pay": Field("table", sub=PAY),
    "samples": Field("tables", sub=SAMPLE),
}

_TYPE_WORDS = {
    "str": ("text", 'in quotes, e.g. "..."'),
    "int": ("a whole number", "without quotes, e.g. 45"),
    "bool": ("true or false", "without quotes"),
    "strs": ("a list of text", 'e.g. ["api", "data"]'),
    "table": ("a table", "as a [section] or an inline { key = value } table"),
    "tables": ("a list of tables", "as repeated [[section]] blocks"),
}


def type_ok(kind: str, value: Any) -> bool:
    if kind == "str":
        return isinstance(value, str)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "strs":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == "table":
        return isinstance(value, dict)
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def suggest(word: str, options: Spec | tuple[str, ...]) -> str:
    names = list(options)
    close = difflib.get_close_matches(word, names, n=1)
    if close:
        return f"did you mean {close[0]!r}?"
    return f"use one of {', '.join(names)}"


def check(table: Mapping[str, Any], spec: Spec, file: SourceFile, path: Path_,
          log: ProblemLog, key_noun: str = "key") -> bool:
    """Report every problem in ``table`` against ``spec``; True when there were none."""
    before = len(log.lines)
    for key in table:
        if key not in spec:
            fix = suggest(key, spec)
            if path and key in FILE:  # a top-level name written below some [table] header
                block = f"[[{key}]]" if FILE[key].kind == "tables" else f"[{key}]"
                fix = (f"{key!r} belongs at the top level: move it above the first [table] "
                       f"header or write it as its own {block} block")
            log.add(file, (*path, key), f"unknown {key_noun} {key!r}", fix)
    for key, fld in spec.items():
        where = (*path, key)
        if key not in table:
            if fld.required:
                log.add(file, where, f"missing {key_noun} {key!r}",
                        f"add {key} ({_TYPE_WORDS[fld.kind][0]})")
            continue
        value = table[key]
        if not type_ok(fld.kind, value):
            word, example = _TYPE_WORDS[fld.kind]
            log.add(file, where, f"expected {word}, found {type(value).__name__} {value!r}"[:160],
                    f"write it as {word} {example}")
            continue
        _check_value(fld, value, file, where, log)
    return len(log.lines) == before


# Text lengths (companion.intake.limits): an id is a short plain word, a title fits one table
# line, anything else (a prompt, a cue) fits comfortably on a page.
_NAME_KEYS = frozenset({"title", "version", "placed_window", "key"})


def _text_limit(where: Path_) -> int:
    key = where[-1]
    if key == "id":
        return limits.ID_CHARS
    if key in _NAME_KEYS or (len(where) > 1 and where[-2] == "labels"):
        return limits.NAME_CHARS
    return limits.PACK_TEXT_CHARS


def _text_problem(value: str, where: Path_, fld: Field) -> tuple[str, str] | None:
    most = _text_limit(where)
    if len(value) > most:
        return (f"{where[-1]} is {len(value):,} characters long",
                f"keep it to {most:,} characters")
    if where[-1] == "id" and not fld.choices and value.strip() and not ID_FORM.fullmatch(value):
        return (f"{value[:40]!r} is not an id",
                "ids are letters, digits, '_', '.' and '-' (no spaces or ':')")
    return None


def _check_value(fld: Field, value: Any, file: SourceFile, where: Path_,
                 log: ProblemLog) -> None:
    if fld.kind == "str":
        problem = _text_problem(value, where, fld)
        if problem:
            log.add(file, where, *problem)
        elif fld.nonempty and not value.strip():
            log.add(file, where, f"{where[-1]} is empty", "write the text, or remove the key")
        elif fld.choices and value not in fld.choices:
            log.add(file, where, f"unknown {fld.value_noun} {value!r}",
                    suggest(value, fld.choices))
    elif fld.kind == "int":
        if fld.minimum is not None and value < fld.minimum:
            log.add(file, where, f"{value} is too small", f"use {fld.minimum} or more")
        elif abs(value) > limits.PACK_NUMBER:
            log.add(file, where, f"{value} is too large",
                    f"use {limits.PACK_NUMBER:,} or less")
    elif fld.kind in ("strs", "tables") and len(value) > limits.PACK_LIST:
        log.add(file, where, f"{where[-1]} has {len(value):,} entries",
                f"keep it to {limits.PACK_LIST}")
    elif fld.kind == "strs":
        if fld.nonempty and not value:
            log.add(file, where, f"{where[-1]} is empty", "list at least one entry")
        for i, v in enumerate(value):
            if fld.choices and v not in fld.choices:
                log.add(file, (*where, i), f"unknown {fld.value_noun} {v!r}",
                        suggest(v, fld.choices))
            elif not v.strip():
                log.add(file, (*where, i), "empty entry", "remove it or write the text")
            elif len(v) > limits.PACK_TEXT_CHARS:
                log.add(file, (*where, i), f"an entry of {len(v):,} characters",
                        f"keep it to {limits.PACK_TEXT_CHARS:,}")
    elif fld.kind == "table" and fld.sub is not None:
        check(value, fld.sub, file, where, log, key_noun=fld.key_noun)
    elif fld.kind == "tables" and fld.sub is not None:
        if fld.nonempty and not value:
            log.add(file, where, f"{where[-1]} is empty", "add at least one entry")
        for i, sub in enumerate(value):
            check(sub, fld.sub, file, (*where, i), log)
