"""The quick decoder never accepts what the field-by-field one refuses, and agrees when both accept.

``exchange.quick_schema`` decodes good payloads without keeping locations; on any
doubt it hands the data to ``schema.scorecard_from_fields``, which words the
refusal. Held against each other here over fuzzed exchange files and over single
odd values put in every slot of a real payload.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from companion.exchange.gate import check_plain
from companion.exchange.quick_schema import quick_scorecard
from companion.exchange.schema import scorecard_from_dict, scorecard_from_fields
from companion.intake.json_reader import SchemaError
from companion.intake.reading import Refused, parse_json
from companion.record.scorecard import Scorecard
from tests.fuzzing import _odd_value, _slots, scorecard_cases, scorecard_seeds
from tests.scorecards import pack

SEED = 20261207


def _long_way(data: Any) -> Scorecard | None:
    try:
        return scorecard_from_fields(data)
    except SchemaError:
        return None


def _agree(data: Any) -> tuple[bool, bool]:
    """(quick accepted, long way accepted), after checking that they agree."""
    quick, slow = quick_scorecard(data), _long_way(data)
    if quick is not None:
        assert slow is not None, "the quick decoder accepted what the long way refuses"
        assert quick == slow
    return quick is not None, slow is not None


def _payload(raw: bytes) -> Any:
    """The payload of a fuzzed file, if it gets as far as the decoder (else None)."""
    try:
        doc = parse_json(raw.decode("utf-8", "surrogatepass"))
        if not isinstance(doc, dict) or doc.get("format_version") == 1:
            return None
        check_plain(doc.get("scorecard"))
    except (Refused, ValueError, UnicodeError):
        return None
    return doc.get("scorecard")


def test_fuzzed_files_decode_alike() -> None:
    both = refused = 0
    for _name, raw in scorecard_cases(pack(), SEED, 250):
        data = _payload(raw)
        if data is None:
            continue
        quick, slow = _agree(data)
        both += quick and slow
        refused += not slow
    # Both ends were reached: good payloads take the quick way, broken ones get refused.
    assert both >= 40 and refused >= 40, (both, refused)


@pytest.mark.parametrize("seed", range(3))
def test_one_odd_value_anywhere(seed: int) -> None:
    """Every slot of a real payload in turn holds an odd value: never accepted by one alone."""
    from companion.exchange.schema import scorecard_to_dict

    rng = random.Random(SEED + seed)
    base = scorecard_to_dict(scorecard_seeds(pack())[seed])
    assert quick_scorecard(base) == scorecard_from_fields(base)  # the good one: quick way
    ids = ["q-arrays", "failure.queue", "con", "a b", "x\n", ""]
    refused = 0
    for n in range(len(_slots(base))):
        data = json.loads(json.dumps(base))
        parent, key = _slots(data)[n]
        parent[key] = _odd_value(rng, ids)
        try:
            check_plain(data)
        except Refused:
            continue
        refused += not _agree(data)[1]
    assert refused >= len(_slots(base)) // 4


def test_refusals_still_name_the_place() -> None:
    from companion.exchange.schema import scorecard_to_dict

    data = scorecard_to_dict(scorecard_seeds(pack())[0])
    data["items"][1]["probes"][0]["rating"] = "great"
    with pytest.raises(SchemaError, match=r"scorecard\.items\[1\]\.probes\[0\]\.rating"):
        scorecard_from_dict(data)
    data = scorecard_to_dict(scorecard_seeds(pack())[0])
    data["interviewer"] = "Sam\u2028Lee"
    with pytest.raises(SchemaError, match=r"scorecard\.interviewer holds a line break"):
        scorecard_from_dict(data)


def _set(path: str, value: Any) -> Any:
    from companion.exchange.schema import scorecard_to_dict

    data = scorecard_to_dict(scorecard_seeds(pack())[1])
    *parents, last = path.split("/")
    node = data
    for step in parents:
        node = node[int(step)] if isinstance(node, list) else node[step]
    node[int(last) if isinstance(node, list) else last] = value
    return data


# One value past each check the quick decoder makes.
_PAST_EACH_CHECK = [
    ("id", "con"), ("id", "COM1.log"), ("id", "a b"), ("id", "x" * 101), ("id", " "),
    ("candidate", "Dana\nWhitfield"), ("pack_version", "1\x00"), ("round_title", "t" * 201),
    ("archetype", "api/x"), ("archetype", "api\nx"), ("level", ""), ("template_id", 3),
    ("interviewer", "Sam\nOrtiz\nLee"), ("sections/0/title", "x\x85"),
    ("started_at", None), ("started_at", "2026-01-05T09:00:00"),
    ("submitted_at", "1999-12-31T23:00:00+00:00"), ("ended_at", "yesterday"),
    ("duration_s", -1), ("duration_s", True), ("duration_s", 1e7), ("duration_s", "60"),
    ("recommendation", "maybe"), ("summary", "\n" * 2001), ("said", "x" * 200_001),
    ("read", None), ("extra", []), ("extra", {"k": "x" * 70_000}),
    ("items/0/item_id", "q\u2028x"), ("items/0/probes/0/probe_id", "failure.a\nb"),
    ("items/0/kind", "quiz"), ("items/0/rating", "great"),
    ("items/0/rated_at", 5), ("items/0/time_spent_s", float("nan")),
    ("items/0/probes", [{}] * 51), ("items/0/probes", {}), ("items/0/said", ["x"]),
    ("flags/0/state", "on"), ("flags/0/item_id", "a:b"), ("flags/0/events", [1]),
    ("flags/0/events/0/at", None), ("flags/0/evidence", "\r" * 2001),
    ("items", [{}] * 51), ("amendments", "none"), ("amendments/0/reason", 7),
]


@pytest.mark.parametrize(("path", "value"), _PAST_EACH_CHECK)
def test_each_check_refuses_both_ways(path: str, value: Any) -> None:
    data = _set(path, value)
    assert quick_scorecard(data) is None
    with pytest.raises(SchemaError):
        scorecard_from_dict(data)
