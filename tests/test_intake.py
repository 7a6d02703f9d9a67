"""The bounded readers every outside input goes through (companion.intake.reading)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from companion.exchange.files import scorecard_document
from companion.exchange.gate import scorecard_from_data
from companion.intake.reading import (
    _JSON_SKIP,
    Refused,
    json_code,
    json_nesting,
    nesting_depth,
    parse_json,
    parse_toml,
    read_capped,
)
from tests.test_exchange_samples import sample_scorecard


def test_a_device_is_refused_without_reading_it() -> None:
    with pytest.raises(Refused, match="device, pipe or socket"):
        read_capped("/dev/zero", 1024)


def test_the_cap_holds_whatever_the_file_says_its_size_is(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 5000)
    with pytest.raises(Refused, match="more than 4,096 bytes"):
        read_capped(path, 4096)
    # /proc files say they are 0 bytes long and are not: the cap, not the size, decides.
    assert os.stat("/proc/self/status").st_size == 0
    assert len(read_capped("/proc/self/status", 1 << 20)) > 0
    with pytest.raises(Refused, match="more than 10 bytes"):
        read_capped("/proc/self/status", 10)


def test_deep_nesting_in_decoded_data_is_refused_without_recursion() -> None:
    # The same gate serves data that never was a file (a team store's row).
    data: Any = scorecard_document(sample_scorecard())["scorecard"]
    deep: list[Any] = []
    node = deep
    for _ in range(100_000):
        node.append([])
        node = node[0]
    data["extra"] = {"deep": deep}
    with pytest.raises(Refused, match="nested more than 16 levels"):
        scorecard_from_data(data)


def test_parse_json_keeps_syntax_errors_for_the_caller() -> None:
    with pytest.raises(json.JSONDecodeError):
        parse_json('{"a": ')
    assert parse_json('{"a": [1, 2.5, "x"]}') == {"a": [1, 2.5, "x"]}


def test_nesting_is_measured_flat_and_stops_at_the_limit() -> None:
    assert nesting_depth("[[{}]] {[]}", 10) == 3
    assert nesting_depth("[" * 1_000_000, 16) == 17
    # Brackets inside strings do not count: parse_json cuts strings out first.
    assert parse_json('{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}') == {"a": "[" * 30}


def test_strings_are_cut_out_alike_either_way() -> None:
    """``json_code`` splits at quotes when it may; the result is the regular expression's."""
    import random

    rng = random.Random(7)
    texts = ['{"a": "[[[", "b": [{"c": "]}"}]}', '"\\"[[[["', '"[[[', '[["]"]', '']
    texts += ["".join(rng.choice('"[]{}\\a:,') for _ in range(rng.randint(1, 14)))
              for _ in range(20_000)]
    for text in texts:
        assert json_code(text) == _JSON_SKIP.sub("", text), text
    deep = '{"a": "' + "]" * 40 + '", "b": ' + "[" * 40 + "]" * 40 + "}"
    with pytest.raises(Refused, match="nested more than 16"):
        parse_json(deep)


def test_json_nesting_is_nesting_depth_of_the_code() -> None:
    """The quick count (brackets picked out in C, empty pairs removed a level at a
    time) gives ``nesting_depth(json_code(text))`` for any text, balanced or not."""
    import random

    rng = random.Random(18)
    texts = ['{"a": "[[[", "b": [{"c": "]}"}]}', '"\\"[[[["', "]]][[[", "[" * 17 + "]" * 17,
             "[" * 16 + "]" * 16, "{[}]", "[" * 5000, '"é[" [{"ü": ["\ud800"]}]', ""]
    texts += ["".join(rng.choice('"[]{}\\a:,') for _ in range(rng.randint(1, 40)))
              for _ in range(20_000)]
    texts += ["".join(rng.choice("[]{}") for _ in range(rng.randint(1, 60)))
              for _ in range(5_000)]
    for text in texts:
        assert json_nesting(text, 16) == nesting_depth(json_code(text), 16), text


@pytest.mark.parametrize(("token", "value"), [
    ("-123456789012345678", -123456789012345678), ("123456789012345678", 123456789012345678),
    ("1e308", 1e308), ("0.000012345678901234567", 0.000012345678901234567), ("2.5", 2.5)])
def test_numbers_nothing_refuses_are_read_as_json_reads_them(token: str, value: object) -> None:
    assert parse_json(f'{{"n": {token}}}') == {"n": value}


@pytest.mark.parametrize(("token", "expected"), [
    ("1234567890123456789", "19 digits"), ("-1e309", "out of range"),
    ("0.0000123456789012345678901", "26 digits"), ("NaN", "not a finite number")])
def test_the_numbers_refused_are_named_where_they_stand(token: str, expected: str) -> None:
    with pytest.raises(Refused, match=expected) as refused:
        parse_json(f'{{"a": 1,\n "n": {token}}}')
    assert refused.value.text().startswith("line 2 column 7")


@pytest.mark.parametrize(("text", "expected"), [
    ("a = " + "[" * 50 + "]" * 50, "nested more than 12 levels"),
    ("a = " + "{b = " * 50 + "1" + "}" * 50, "nested more than 12 levels"),
    ("a = " + "9" * 5000, "5,000 digits"),
    ("a = 1_000_000_000_000_000_000_000", "22 digits"),
    ("a = inf", "not a finite number"),
])
def test_toml_limits(text: str, expected: str) -> None:
    with pytest.raises(Refused, match=expected):
        parse_toml(text)


def test_toml_strings_and_comments_do_not_count() -> None:
    text = 'a = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ 12345678901234567890123"  # [[[[[[[[[[[[[[[[[[\n'
    assert parse_toml(text)["a"].startswith("[[[")
    assert parse_toml('t = """\n[[[[[[[[[[[[[[[[[[[[[[\n"""\nd = 2026-11-20\n')["d"].year == 2026
