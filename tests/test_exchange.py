"""Exchange files: exact round trips, safe writes, and a clear error for every bad file."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from companion.base.errors import CompanionError, ImportFileError
from companion.exchange.files import (
    FORMAT,
    FORMAT_VERSION,
    canonical_json,
    content_hash,
    read_scorecard_file,
    scorecard_document,
    write_scorecard_file,
)
from companion.record.scorecard import ItemRecord
from tests.test_exchange_samples import sample_scorecard, tiny_pack


def _write_doc(path: Path, doc: dict[str, Any], *, rehash: bool = True) -> Path:
    if rehash:
        doc["content_sha256"] = content_hash(doc["scorecard"])
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _error(path: Path, pack: Any = None) -> str:
    with pytest.raises(ImportFileError) as info:
        read_scorecard_file(path, tiny_pack() if pack is None else pack)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    return message


def test_round_trip_is_exact(tmp_path: Path) -> None:
    sc = sample_scorecard()
    path = write_scorecard_file(sc, tmp_path / "card.json")
    back = read_scorecard_file(path, tiny_pack())
    assert back == sc
    assert back.items[1].said == "línea 1\nline 2 ✓"
    assert back.started_at.microsecond == 123456
    assert back.started_at.utcoffset() == timedelta(0)
    # Writing the decoded card again yields the same payload and hash.
    again = write_scorecard_file(back, tmp_path / "again.json")
    first = json.loads(path.read_text(encoding="utf-8"))
    second = json.loads(again.read_text(encoding="utf-8"))
    assert first["scorecard"] == second["scorecard"]
    assert first["content_sha256"] == second["content_sha256"]


def test_unsubmitted_and_empty_round_trip(tmp_path: Path) -> None:
    sc = sample_scorecard(submitted_at=None, recommendation=None, items=(), flags=(),
                          sections=(), amendments=(), extra={})
    path = write_scorecard_file(sc, tmp_path / "open.json")
    assert read_scorecard_file(path, tiny_pack()) == sc


def test_times_in_another_zone_read_back_as_the_same_instant(tmp_path: Path) -> None:
    berlin = timezone(timedelta(hours=1))
    local = datetime(2026, 11, 20, 16, 0, tzinfo=berlin)
    path = write_scorecard_file(sample_scorecard(started_at=local), tmp_path / "c.json")
    back = read_scorecard_file(path, tiny_pack())
    assert back.started_at == local
    assert back.started_at.tzinfo is not None and back.started_at.utcoffset() == timedelta(0)


def test_document_is_self_describing(tmp_path: Path) -> None:
    sc = sample_scorecard()
    doc = json.loads(write_scorecard_file(sc, tmp_path / "c.json").read_text("utf-8"))
    assert doc["format"] == FORMAT
    assert doc["format_version"] == FORMAT_VERSION
    assert doc["app"]["version"]
    assert datetime.fromisoformat(doc["exported_at"]).tzinfo is not None
    assert doc["pack"] == {"id": "tiny", "version": "3"}
    assert doc["content_sha256"] == content_hash(doc["scorecard"])
    assert len(doc["content_sha256"]) == 64
    assert doc["scorecard"]["started_at"] == "2026-11-20T15:00:00.123456+00:00"
    # Every field of the dataclass is in the payload.
    assert set(doc["scorecard"]) == set(sc.__dataclass_fields__)


def test_canonical_json_ignores_key_order_and_whitespace() -> None:
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'.encode()
    assert content_hash({"b": 1, "a": 2}) == content_hash({"a": 2, "b": 1})


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_written_file_is_private_and_no_temp_file_is_left(tmp_path: Path) -> None:
    path = write_scorecard_file(sample_scorecard(), tmp_path / "c.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]


def test_write_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "c.json"
    target.write_text("x" * 100_000, encoding="utf-8")
    write_scorecard_file(sample_scorecard(), target)
    assert read_scorecard_file(target, tiny_pack()) == sample_scorecard()


def test_write_to_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CompanionError, match="does not exist"):
        write_scorecard_file(sample_scorecard(), tmp_path / "nope" / "c.json")
    with pytest.raises(CompanionError, match="is a folder"):
        write_scorecard_file(sample_scorecard(), tmp_path)


def test_naive_times_are_refused_on_write(tmp_path: Path) -> None:
    with pytest.raises(CompanionError, match="timezone"):
        write_scorecard_file(sample_scorecard(started_at=datetime(2026, 1, 1)),
                             tmp_path / "c.json")


# ------------------------------------------------------------------ broken files


@pytest.fixture
def good_doc() -> dict[str, Any]:
    return scorecard_document(sample_scorecard())


def test_missing_file(tmp_path: Path) -> None:
    assert "no such file" in _error(tmp_path / "absent.json")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"  \n")
    assert "empty" in _error(path)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "notes.json"
    path.write_text("Candidate was good, hire!\n", encoding="utf-8")
    assert "invalid JSON at line 1" in _error(path)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes('{"format": "caf\xe9"}'.encode("latin-1"))
    assert "not UTF-8" in _error(path)


def test_truncated(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    text = json.dumps(good_doc, indent=2)
    for cut in (len(text) // 3, len(text) - 2):
        path = tmp_path / f"cut{cut}.json"
        path.write_text(text[:cut], encoding="utf-8")
        assert "truncated" in _error(path)


def test_top_level_not_an_object(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text("[1, 2]", encoding="utf-8")
    assert "JSON object" in _error(path)


def test_wrong_format_marker(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["format"] = "someone-else/notes"
    assert "not an Interview Companion scorecard" in _error(
        _write_doc(tmp_path / "other.json", good_doc))
    del good_doc["format"]
    assert "no format marker" in _error(_write_doc(tmp_path / "bare.json", good_doc))


def test_newer_format_version(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["format_version"] = FORMAT_VERSION + 1
    message = _error(_write_doc(tmp_path / "future.json", good_doc))
    assert "newer" in message and "update the app" in message


@pytest.mark.parametrize("bad", ["1", 0, 1.5, None, True])
def test_bad_format_version(tmp_path: Path, good_doc: dict[str, Any], bad: Any) -> None:
    good_doc["format_version"] = bad
    assert "format_version" in _error(_write_doc(tmp_path / "v.json", good_doc))


def test_altered_content(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["scorecard"]["items"][0]["rating"] = "strong"  # a quiet upgrade
    message = _error(_write_doc(tmp_path / "edited.json", good_doc, rehash=False))
    assert "changed after export" in message


def test_altered_pack_header(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["pack"]["version"] = "99"
    assert "pack named in the header" in _error(_write_doc(tmp_path / "h.json", good_doc))


def test_missing_hash(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    del good_doc["content_sha256"]
    path = tmp_path / "nohash.json"
    path.write_text(json.dumps(good_doc), encoding="utf-8")
    assert "content hash" in _error(path)


def test_unknown_question_id(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["scorecard"]["items"][0]["item_id"] = "q-made-up"
    message = _error(_write_doc(tmp_path / "q.json", good_doc))
    assert "unknown question id 'q-made-up'" in message
    # The second problem (a flag pointing at the vanished item) is counted, not hidden.
    assert "1 more" in message
    assert "--pack PATH" in message


def test_unknown_scenario_id(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["scorecard"]["items"][1]["item_id"] = "s-gone"
    assert "unknown scenario id 's-gone'" in _error(_write_doc(tmp_path / "s.json", good_doc))


def test_unknown_red_flag_id(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["scorecard"]["flags"][0]["flag_id"] = "smells-funny"
    assert "unknown red flag id 'smells-funny'" in _error(
        _write_doc(tmp_path / "f.json", good_doc))


def test_unknown_probe_id(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["scorecard"]["items"][1]["probes"][2]["probe_id"] = "failure.cache"
    assert "unknown probe 'failure.cache'" in _error(_write_doc(tmp_path / "p.json", good_doc))


def test_file_from_another_pack(tmp_path: Path) -> None:
    path = write_scorecard_file(sample_scorecard(), tmp_path / "c.json")
    other = replace(tiny_pack(), questions=(), templates=())
    message = _error(path, other)
    assert "unknown round template 'scenario'" in message


@pytest.mark.parametrize("field", ["candidate", "started_at", "items", "recommendation",
                                   "extra"])
def test_missing_field(tmp_path: Path, good_doc: dict[str, Any], field: str) -> None:
    del good_doc["scorecard"][field]
    assert f"scorecard.{field} is missing" in _error(_write_doc(tmp_path / "m.json", good_doc))


def test_missing_nested_field(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    del good_doc["scorecard"]["items"][1]["probes"][0]["asked"]
    assert "scorecard.items[1].probes[0].asked is missing" in _error(
        _write_doc(tmp_path / "n.json", good_doc))


@pytest.mark.parametrize(("path", "value", "expected"), [
    (("candidate",), 42, "scorecard.candidate must be text, not a number"),
    (("duration_s",), "long", "scorecard.duration_s must be a number of seconds"),
    (("duration_s",), -5, "zero or more seconds"),
    (("items",), {}, "scorecard.items must be a list"),
    (("started_at",), "yesterday", "not an ISO 8601"),
    (("started_at",), "2026-11-20T15:00:00", "has no timezone"),
    (("items", 0, "probes", 0, "asked"), "yes", "must be true or false"),
    (("flags", 0), "buzzwords", "scorecard.flags[0] must be an object"),
])
def test_mistyped_field(tmp_path: Path, good_doc: dict[str, Any], path: tuple[Any, ...],
                        value: Any, expected: str) -> None:
    node: Any = good_doc["scorecard"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert expected in _error(_write_doc(tmp_path / "t.json", good_doc))


@pytest.mark.parametrize(("where", "value"), [
    ("rating", "excellent"), ("recommendation", "maybe"), ("probe", "great"),
    ("flag", "on"), ("kind", "quiz"),
])
def test_invalid_values(tmp_path: Path, good_doc: dict[str, Any], where: str,
                        value: str) -> None:
    card = good_doc["scorecard"]
    if where == "rating":
        card["items"][0]["rating"] = value
    elif where == "recommendation":
        card["recommendation"] = value
    elif where == "probe":
        card["items"][1]["probes"][0]["rating"] = value
    elif where == "flag":
        card["flags"][0]["events"][0]["state"] = value
    else:
        card["items"][0]["kind"] = value
    message = _error(_write_doc(tmp_path / "v.json", good_doc))
    assert f"{value!r}" in message and "allowed" in message


def test_neutral_recommendation_is_refused(tmp_path: Path, good_doc: dict[str, Any]) -> None:
    good_doc["scorecard"]["recommendation"] = "neutral"
    assert "strong_no, no, yes, strong_yes" in _error(_write_doc(tmp_path / "n.json", good_doc))


def test_item_kind_must_match_the_pack(tmp_path: Path) -> None:
    sc = sample_scorecard()
    swapped = replace(sc, items=(ItemRecord(item_id="q-queue", kind="scenario"),))
    path = write_scorecard_file(swapped, tmp_path / "k.json")
    assert "is a question in pack 'tiny'" in _error(path)


def test_bom_is_tolerated(tmp_path: Path) -> None:
    path = write_scorecard_file(sample_scorecard(), tmp_path / "c.json")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert read_scorecard_file(path, tiny_pack()) == sample_scorecard()


def test_reading_without_a_pack_skips_only_the_id_checks(tmp_path: Path,
                                                         good_doc: dict[str, Any]) -> None:
    good_doc["scorecard"]["items"][0]["item_id"] = "q-from-a-user-pack"
    path = _write_doc(tmp_path / "u.json", good_doc)
    assert read_scorecard_file(path, None).items[0].item_id == "q-from-a-user-pack"
    good_doc["scorecard"]["items"][0]["rating"] = "wow"
    with pytest.raises(ImportFileError, match="allowed"):
        read_scorecard_file(_write_doc(tmp_path / "w.json", good_doc), None)


def test_a_folder_is_not_a_scorecard(tmp_path: Path) -> None:
    assert "is a folder" in _error(tmp_path)


def test_an_absurdly_large_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as fh:
        fh.truncate(17 * 1024 * 1024)  # sparse: no real disk space used
    assert "too large" in _error(path)
