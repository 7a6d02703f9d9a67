"""Hostile scorecard files: each one is refused with one line naming the file, where and why.

Every case here once ended in a traceback, a later crash or a misleading message
(issue 10). The content hash is recomputed after each edit, so the file reaches
the deep validation instead of stopping at "changed after export".
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from companion.base.errors import CompanionError, ImportFileError
from companion.exchange.files import content_hash, read_scorecard_file, scorecard_document
from companion.exchange.files import write_scorecard_file as write_file
from companion.record.changes import (
    ROUND,
    Amendment,
    AnswerProbe,
    EditText,
    Rate,
    Recommend,
    StepFlag,
)
from tests.test_exchange_samples import T0, sample_scorecard, tiny_pack


def _doc() -> dict[str, Any]:
    return scorecard_document(sample_scorecard())


def _write(path: Path, doc: dict[str, Any] | str) -> Path:
    if isinstance(doc, dict):
        doc["content_sha256"] = content_hash(doc["scorecard"])
        doc = json.dumps(doc, ensure_ascii=False)
    path.write_text(doc, encoding="utf-8")
    return path


def _refusal(path: Path) -> str:
    with pytest.raises(ImportFileError) as info:
        read_scorecard_file(path, tiny_pack())
    message = str(info.value)
    assert message.startswith(f"{path}: ") and "\n" not in message
    return message


def _rehashed_text(doc: dict[str, Any], old: str, new: str) -> str:
    """The document's JSON text with ``old`` replaced by ``new`` and the hash made to match."""
    payload = json.dumps(doc["scorecard"], ensure_ascii=False).replace(old, new, 1)
    # Hash what a reader will decode (the hash is over the canonical form of the payload).
    try:
        digest = content_hash(json.loads(payload))
    except (ValueError, RecursionError):
        digest = "0" * 64
    head = {k: v for k, v in doc.items() if k != "scorecard"}
    head["content_sha256"] = digest
    return json.dumps(head)[:-1] + ', "scorecard": ' + payload + "}"


# ------------------------------------------------------------------ numbers, dates, depth


def test_a_number_of_4301_digits_is_refused_inside_the_parser(tmp_path: Path) -> None:
    doc = _doc()
    doc["scorecard"]["extra"]["n"] = 0
    text = _rehashed_text(doc, '"n": 0', '"n": ' + "7" * 4301)
    message = _refusal(_write(tmp_path / "digits.json", text))
    assert "4,301 digits" in message and "at most 18 digits" in message


def test_a_huge_number_of_seconds_is_out_of_range(tmp_path: Path) -> None:
    doc = _doc()
    doc["scorecard"]["items"][0]["time_spent_s"] = 10**17
    message = _refusal(_write(tmp_path / "seconds.json", doc))
    assert "scorecard.items[0].time_spent_s" in message and "at most 1,000,000" in message


def test_a_far_date_is_refused_not_an_overflow(tmp_path: Path) -> None:
    doc = _doc()
    doc["scorecard"]["submitted_at"] = "9999-12-31T23:59:59-14:00"
    message = _refusal(_write(tmp_path / "far.json", doc))
    assert "scorecard.submitted_at is in the year 9999" in message
    assert "from 2000 to 2200" in message


def test_deep_nesting_is_refused_before_any_recursive_code(tmp_path: Path) -> None:
    doc = _doc()
    doc["scorecard"]["extra"]["deep"] = 0
    text = _rehashed_text(doc, '"deep": 0', '"deep": ' + "[" * 1000 + "]" * 1000)
    message = _refusal(_write(tmp_path / "deep.json", text))
    assert "nested more than 16 levels deep" in message


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_numbers_that_are_not_finite(tmp_path: Path, token: str) -> None:
    doc = _doc()
    text = _rehashed_text(doc, '"duration_s": 4263.5', f'"duration_s": {token}')
    message = _refusal(_write(tmp_path / "nan.json", text))
    assert "finite" in message or "out of range" in message


def test_a_lone_surrogate_is_refused_for_what_it_is(tmp_path: Path) -> None:
    doc = _doc()
    text = json.dumps(doc).replace('"round said"', '"round \\ud800 said"')
    message = _refusal(_write(tmp_path / "surrogate.json", text))
    assert "scorecard.said: holds a lone surrogate (U+D800)" in message
    assert "not finite" not in message


# ------------------------------------------------------------------ closed sets and amendments

AFTER = T0 + timedelta(hours=3)


def _amended(*amendments: Amendment) -> dict[str, Any]:
    return scorecard_document(sample_scorecard(amendments=amendments))


def _rate(rating: str | None) -> Rate:
    return Rate("q-queue", rating, AFTER)


def test_a_rating_amendment_with_invisible_marks_is_refused(tmp_path: Path) -> None:
    doc = _amended(Amendment(AFTER, _rate("thin"), _rate("mid")))
    doc["scorecard"]["amendments"][0]["change"]["rating"] = "thin\u200f\u200e"
    message = _refusal(_write(tmp_path / "marks.json", doc))
    assert "scorecard.amendments[0].change.rating is 'thin\\u200f\\u200e'" in message
    assert "allowed: strong, mid, thin, very_thin, skip" in message


def test_a_rating_with_invisible_marks_is_refused(tmp_path: Path) -> None:
    doc = _doc()
    doc["scorecard"]["items"][0]["rating"] = "thin\u200f"
    message = _refusal(_write(tmp_path / "marks.json", doc))
    assert "scorecard.items[0].rating" in message and "allowed" in message


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("note", ["thin"], "change.note must be text, not a list"),
    ("rating", ["thin"], "change.rating must be text or null, not a list"),
    ("asked", "yes", "change.asked must be true or false"),
    ("probe", "a b", "change.probe is 'a b', not an id"),
])
def test_a_probe_amendment_holding_the_wrong_kind_of_value(tmp_path: Path, key: str,
                                                            value: Any, expected: str) -> None:
    edit = AnswerProbe("q-queue", "semantics", True, "mid", "retries", AFTER)
    doc = _amended(Amendment(AFTER, edit, replace(edit, rating="thin")))
    doc["scorecard"]["amendments"][0]["change"][key] = value
    assert expected in _refusal(_write(tmp_path / "probe.json", doc))


@pytest.mark.parametrize(("change", "expected"), [
    (Rate("q-missing", "mid", AFTER), "changes 'q-missing', which is not in this round"),
    (EditText("q-missing", "said", "x"), "changes 'q-missing', which is not in this round"),
    (StepFlag("buzzwords", "probed", AFTER, "", "q-missing"),
     "raises a red flag on 'q-missing', which is not in this round"),
])
def test_an_amendment_must_change_something_the_round_has(tmp_path: Path, change: Any,
                                                         expected: str) -> None:
    doc = _amended(Amendment(AFTER, change, change))
    message = _refusal(_write(tmp_path / "target.json", doc))
    assert "scorecard.amendments[0].change" in message and expected in message


def _legacy(tmp_path: Path, field: str, old: str, new: str) -> str:
    """A format-1 file (amendments as field strings) with one amendment."""
    doc = _doc()
    doc["format_version"] = 1
    doc["scorecard"].pop("ended_at")
    doc["scorecard"]["amendments"] = [{"at": AFTER.isoformat(), "field": field, "old": old,
                                       "new": new, "reason": ""}]
    return _refusal(_write(tmp_path / "v1.json", doc))


@pytest.mark.parametrize(("field", "old", "new"), [
    ("rating:q-queue", "mid", "thin\u200f\u200e"),
    ("probe:q-queue:semantics", "{}", '{"asked": true, "rating": ["thin"], "note": ""}'),
    ("probe:q-queue:semantics", "{}", "[" * 3000 + "]" * 3000),
    ("teleport", "", "x"),
], ids=["invisible-marks", "rating-list", "deep-json", "unknown-field"])
def test_format_1_amendments_are_held_to_the_same_rules(tmp_path: Path, field: str, old: str,
                                                        new: str) -> None:
    assert "not a change this app knows" in _legacy(tmp_path, field, old, new)


def test_amendments_this_app_writes_are_accepted(tmp_path: Path) -> None:
    probe = AnswerProbe("q-queue", "semantics", True, "mid", "retries", AFTER)
    sc = sample_scorecard(amendments=(
        Amendment(AFTER, _rate("strong"), _rate("mid")),
        Amendment(AFTER, _rate(None), _rate("strong")),
        Amendment(AFTER, probe, replace(probe, asked=False, rating=None, note="", at=None)),
        Amendment(AFTER, StepFlag("no-tradeoffs", "probed", AFTER, "said it", "q-queue"),
                  StepFlag("no-tradeoffs", "off", AFTER)),
        Amendment(AFTER, EditText("q-queue", "said", "new"), EditText("q-queue", "said", "old")),
        Amendment(AFTER, EditText(ROUND, "summary", "Amended"), EditText(ROUND, "summary", ""),
                  "typo"),
        Amendment(AFTER, Recommend("yes"), Recommend("no")),
    ))
    path = write_file(sc, tmp_path / "ok.json")
    assert read_scorecard_file(path, tiny_pack()) == sc


# ------------------------------------------------------------------ sizes and duplicates


def test_an_overlong_name_and_an_overlong_note_are_refused(tmp_path: Path) -> None:
    doc = _doc()
    doc["scorecard"]["candidate"] = "Zoë " * 100
    assert "scorecard.candidate holds 400 characters; at most 200" in _refusal(
        _write(tmp_path / "name.json", doc))
    doc = _doc()
    doc["scorecard"]["items"][0]["said"] = "x" * 200_001
    assert "scorecard.items[0].said holds 200,001 characters" in _refusal(
        _write(tmp_path / "note.json", doc))


def test_the_whole_text_of_a_scorecard_is_bounded(tmp_path: Path) -> None:
    doc = _doc()
    for field in ("said", "read", "summary"):
        doc["scorecard"][field] = "y" * 190_000
    for item in doc["scorecard"]["items"]:
        item["said"] = item["read"] = "z" * 190_000
    message = _refusal(_write(tmp_path / "total.json", doc))
    assert "characters of text in all" in message and "at most 1,000,000" in message


def test_too_many_amendments(tmp_path: Path) -> None:
    one = Amendment(AFTER, EditText(ROUND, "summary", "b"), EditText(ROUND, "summary", "a"))
    message = _refusal(_write(tmp_path / "many.json", _amended(*[one] * 2001)))
    assert "scorecard.amendments has 2,001 entries; at most 2,000" in message


@pytest.mark.parametrize("bad", ["../../etc/passwd", "a b", "x:y", "", "\u200fq"])
def test_ids_are_plain_words(tmp_path: Path, bad: str) -> None:
    doc = _doc()
    doc["scorecard"]["id"] = bad
    assert "scorecard.id" in _refusal(_write(tmp_path / "id.json", doc))
    doc = _doc()
    doc["scorecard"]["items"][0]["probes"][0]["probe_id"] = bad
    assert "probe_id" in _refusal(_write(tmp_path / "pid.json", doc))


@pytest.mark.parametrize("bad", ["NUL", "com1.x", "Aux"])
def test_a_round_id_never_names_a_windows_device(tmp_path: Path, bad: str) -> None:
    doc = _doc()
    doc["scorecard"]["id"] = bad  # it names the round's lock file
    assert "scorecard.id" in _refusal(_write(tmp_path / "id.json", doc))


def test_duplicate_items_probes_and_flags_are_file_problems(tmp_path: Path) -> None:
    doc = _doc()
    items = doc["scorecard"]["items"]
    items[1] = dict(items[0])
    message = _refusal(_write(tmp_path / "dup-item.json", doc))
    assert "scorecard.items[1].item_id: item 'q-queue' appears twice (also items[0])" in message
    doc = _doc()
    probes = doc["scorecard"]["items"][0]["probes"]
    probes.append(dict(probes[0]))
    message = _refusal(_write(tmp_path / "dup-probe.json", doc))
    assert "probes[1].probe_id: probe 'semantics' appears twice" in message
    doc = _doc()
    doc["scorecard"]["flags"].append(dict(doc["scorecard"]["flags"][0]))
    assert "red flag 'buzzwords' appears twice" in _refusal(_write(tmp_path / "dup-f.json", doc))


def test_a_duplicate_probe_does_not_stop_the_next_file(cli: Any, tmp_path: Path) -> None:
    doc = _doc()
    probes = doc["scorecard"]["items"][0]["probes"]
    probes.append(dict(probes[0]))
    bad = _write(tmp_path / "duplicate.json", doc)
    from companion.content.loader import builtin_pack
    from tests.test_session_cli import make_card

    good = write_file(make_card(builtin_pack()), tmp_path / "good.json")
    doc = scorecard_document(make_card(builtin_pack(), id="rnd-dup"))
    items = doc["scorecard"]["items"]
    items.append(dict(items[0]))
    dup = _write(tmp_path / "dup-builtin.json", doc)
    res = cli("session", "import", str(dup), str(good))
    assert res.returncode == 2
    assert f"not imported: {dup}: scorecard.items[" in res.stderr
    assert "appears twice" in res.stderr and "UNIQUE" not in res.stderr
    assert f"imported {good}" in res.stdout
    assert "1 imported" in res.stderr and "1 failed" in res.stderr
    assert "UNIQUE" not in cli("session", "import", str(bad)).stderr


# ------------------------------------------------------------------ files that are not files


def test_a_pipe_is_refused_without_waiting_for_it(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # nobody writes to it: reading would wait forever
    assert "device, pipe or socket" in _refusal(fifo)


@pytest.mark.parametrize("command", [("session", "import"), ("panel",)])
def test_dev_zero_on_the_command_line(cli: Any, tmp_path: Path,
                                      command: tuple[str, ...]) -> None:
    extra = ("--pdf", str(tmp_path / "x.pdf")) if command == ("panel",) else ()
    res = cli(*command, "/dev/zero", *extra, timeout=30)
    assert res.returncode == 2, res.stderr
    assert "/dev/zero: is a device, pipe or socket" in res.stderr
    assert "Traceback" not in res.stderr and "MemoryError" not in res.stderr


def _special_file(tmp_path: Path) -> Path:
    """A character device (a copy of /dev/null's numbers) when root may make one, else a FIFO."""
    node = tmp_path / "device"
    try:
        os.mknod(node, 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        os.mkfifo(node)
    return node


def test_export_onto_a_device_or_pipe_is_refused(cli: Any, tmp_path: Path) -> None:
    node = _special_file(tmp_path)
    kind = stat.S_IFMT(node.lstat().st_mode)
    with pytest.raises(CompanionError, match="device, pipe or socket"):
        write_file(sample_scorecard(), node)
    from companion.export.scorecard_pdf import render_scorecard
    from tests.scorecards import make_scorecard, pack

    with pytest.raises(CompanionError, match="device, pipe or socket"):
        render_scorecard(make_scorecard(pack()), pack(), node)
    # Through a symbolic link too: the link is not replaced by a file either.
    link = tmp_path / "link.json"
    link.symlink_to(node)
    with pytest.raises(CompanionError, match="device, pipe or socket"):
        write_file(sample_scorecard(), link)
    assert stat.S_IFMT(node.lstat().st_mode) == kind and link.is_symlink()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_the_writer_refuses_what_a_reader_would_refuse(tmp_path: Path) -> None:
    sc = sample_scorecard(summary="s" * 200_001)
    with pytest.raises(CompanionError, match=r"cannot share this scorecard: .*summary holds"):
        write_file(sc, tmp_path / "big.json")
    assert not (tmp_path / "big.json").exists()


def test_accepted_scorecards_still_render(tmp_path: Path) -> None:
    from companion.export.scorecard_pdf import render_scorecard

    sc = sample_scorecard(said="\u200f" + "w" * 5000 + " done", amendments=(
        Amendment(AFTER, _rate("thin"), _rate("mid")),))
    path = write_file(sc, tmp_path / "ok.json")
    back = read_scorecard_file(path, tiny_pack())
    assert render_scorecard(back, tiny_pack(), tmp_path / "ok.pdf").stat().st_size > 1000
    assert replace(back, said="") != back


def test_amendments_cannot_grow_the_record_past_the_limits(tmp_path: Path) -> None:
    probes = [AnswerProbe("q-queue", f"p{n}", True, None, "", AFTER) for n in range(60)]
    doc = _amended(*(Amendment(AFTER, p, replace(p, asked=False, at=None)) for p in probes))
    path = _write(tmp_path / "grow.json", doc)
    with pytest.raises(ImportFileError, match="61 probes on one item"):  # 60 and the one it had
        read_scorecard_file(path, None)  # no pack to name the probes: the count still holds
