"""``sessions list``, ``session show/export/import/delete`` and ``candidate delete``,
driven through the real command line against a real SQLite file."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from companion.content.loader import load_pack
from companion.content.model import Pack
from companion.exchange.files import content_hash, read_scorecard_file, write_scorecard_file
from companion.record.changes import ROUND, Amendment, EditText
from companion.record.scorecard import (
    FlagEvent,
    FlagRecord,
    ItemRecord,
    ProbeAnswer,
    Scorecard,
)
from companion.store import Store

T0 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load_pack()


def make_card(pack: Pack, **changes: Any) -> Scorecard:
    """A submitted scenario-round scorecard whose ids all come from the built-in pack."""
    scen = next(s for s in pack.scenarios if s.suits("distributed", "senior"))
    question = pack.questions[0]
    flag = pack.red_flags[0]
    sc = Scorecard(
        id="rnd-" + "a1b2c3d4", candidate="Robin Test", interviewer="Kim Lee",
        archetype="distributed", level="senior", template_id="scenario",
        round_title="System design scenario", pack_id=pack.id, pack_version=pack.version,
        started_at=T0, submitted_at=T0 + timedelta(minutes=74), duration_s=4440.0,
        items=(
            ItemRecord(scen.id, "scenario", "thin", T0 + timedelta(minutes=50),
                       probes=tuple(ProbeAnswer(pid, True, "mid", f"note on {pid}",
                                                T0 + timedelta(minutes=40 + n))
                                    for n, pid in enumerate(pack.failure_probe.probe_ids())),
                       said="Sketched an outbox table, relay polls it", read="Happy path only",
                       time_spent_s=3000.0),
            ItemRecord(question.id, "question", "strong", T0 + timedelta(minutes=60),
                       said="Named the pool ceiling", read="Owned it"),
        ),
        flags=(FlagRecord(flag.id, "confirmed", (FlagEvent("confirmed", T0 + timedelta(
            minutes=20)),), evidence="Listed five tools, no service", item_id=scen.id),),
        said="Asked good questions at the end", read="Leaning no",
        recommendation="no", summary="Knows the vocabulary, thin on failure handling.",
    )
    return replace(sc, **changes)


def _list(cli: Any) -> list[dict[str, Any]]:
    res = cli("sessions", "list", "--json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert isinstance(data, list)
    return data


def _bad(res: Any, name: str) -> str:
    assert res.returncode == 2, res.stdout + res.stderr
    assert name in res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    return str(res.stderr)


@pytest.fixture
def card_file(tmp_path: Path, pack: Pack) -> Path:
    return write_scorecard_file(make_card(pack), tmp_path / "kim.json")


# ------------------------------------------------------------------ import / list


def test_import_then_list_json(cli: Any, card_file: Path) -> None:
    res = cli("session", "import", str(card_file))
    assert res.returncode == 0, res.stderr
    assert "imported" in res.stdout and "rnd-a1b2c3d4" in res.stdout
    rows = _list(cli)
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == ["id", "candidate", "interviewer", "archetype", "level", "template_id",
                         "round_title", "started_at", "submitted_at", "status",
                         "publish_state", "publish"]
    assert row["id"] == "rnd-a1b2c3d4"
    assert row["candidate"] == "Robin Test" and row["interviewer"] == "Kim Lee"
    assert row["status"] == "submitted"
    assert (row["publish_state"], row["publish"]) == (None, None)  # an imported file
    assert datetime.fromisoformat(row["started_at"]) == T0


def test_import_is_idempotent(cli: Any, card_file: Path, tmp_path: Path) -> None:
    assert cli("session", "import", str(card_file)).returncode == 0
    copy = tmp_path / "copy-from-chat.json"
    copy.write_bytes(card_file.read_bytes())
    res = cli("session", "import", str(card_file), str(copy))
    assert res.returncode == 0, res.stderr
    assert sum(ln.startswith("already stored ") for ln in res.stdout.splitlines()) == 2
    assert "0 imported; 2 already stored" in res.stdout
    assert len(_list(cli)) == 1


def test_reimporting_a_changed_version_keeps_the_stored_copy_and_says_so(
        cli: Any, card_file: Path, tmp_path: Path, pack: Pack) -> None:
    assert cli("session", "import", str(card_file)).returncode == 0
    later = make_card(pack, amendments=(Amendment(
        T0 + timedelta(hours=3), EditText(ROUND, "summary", "b"), EditText(ROUND, "summary", "a"),
        "typo"),))
    newer = write_scorecard_file(later, tmp_path / "kim-amended.json")
    res = cli("session", "import", str(newer))
    assert res.returncode == 0, res.stderr
    assert "already stored" in res.stdout and "differs from this file" in res.stdout
    same = cli("session", "import", str(card_file))
    assert "differs" not in same.stdout
    shown = cli("session", "show", "rnd-a1b2c3d4").stdout
    assert "Amendments" not in shown


def test_imported_scorecard_is_stored_exactly(cli: Any, card_file: Path, data_dir: Path,
                                              pack: Pack) -> None:
    assert cli("session", "import", str(card_file)).returncode == 0
    with Store.open(data_dir) as store:
        assert store.load_scorecard("rnd-a1b2c3d4") == make_card(pack)


def test_one_bad_file_does_not_block_the_good_ones(cli: Any, tmp_path: Path,
                                                   pack: Pack) -> None:
    good1 = write_scorecard_file(make_card(pack), tmp_path / "one.json")
    good2 = write_scorecard_file(make_card(pack, id="rnd-second", interviewer="Ana Ruiz"),
                                 tmp_path / "two.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json", encoding="utf-8")
    res = cli("session", "import", str(good1), str(broken), str(good2))
    err = _bad(res, "broken.json")
    assert f"imported {good1}" in res.stdout and f"imported {good2}" in res.stdout
    assert "2 imported; 0 already stored; 1 failed" in err
    assert {r["id"] for r in _list(cli)} == {"rnd-a1b2c3d4", "rnd-second"}


def test_list_table_and_empty_list(cli: Any, card_file: Path, pack: Pack,
                                   tmp_path: Path) -> None:
    res = cli("sessions", "list")
    assert res.returncode == 0 and "No rounds stored yet" in res.stdout
    assert _list(cli) == []
    open_card = make_card(pack, id="rnd-open", submitted_at=None, recommendation=None)
    imported = cli("session", "import", str(card_file),
                   str(write_scorecard_file(open_card, tmp_path / "open.json")))
    assert "rnd-open: Robin Test, by Kim Lee, not submitted yet" in imported.stdout
    lines = cli("sessions", "list").stdout.splitlines()
    assert lines[0].split() == ["ID", "CANDIDATE", "INTERVIEWER", "ARCHETYPE", "LEVEL", "ROUND",
                                "STARTED", "STATUS"]
    assert len(lines) == 3
    assert any("rnd-open" in ln and ln.endswith("in progress") for ln in lines)
    assert any("rnd-a1b2c3d4" in ln and ln.endswith("submitted") for ln in lines)


# ------------------------------------------------------------------ broken files via the CLI


def _doc(pack: Pack) -> dict[str, Any]:
    from companion.exchange.files import scorecard_document

    return scorecard_document(make_card(pack))


def _save(path: Path, doc: dict[str, Any], rehash: bool = True) -> Path:
    if rehash:
        doc["content_sha256"] = content_hash(doc["scorecard"])
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


def test_cli_empty_file(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    assert "empty" in _bad(cli("session", "import", str(path)), str(path))


def test_cli_not_json(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "minutes.txt"
    path.write_text("Panel notes: strong hire\n", encoding="utf-8")
    assert "invalid JSON" in _bad(cli("session", "import", str(path)), str(path))


def test_cli_not_utf8(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"candidate": "Ren\xe9e"}')
    assert "not UTF-8" in _bad(cli("session", "import", str(path)), str(path))


def test_cli_truncated(cli: Any, tmp_path: Path, card_file: Path) -> None:
    path = tmp_path / "half.json"
    data = card_file.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "truncated" in _bad(cli("session", "import", str(path)), str(path))


def test_cli_wrong_format(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    doc["format"] = "another-app/export"
    path = _save(tmp_path / "other.json", doc)
    assert "not an Interview Companion scorecard" in _bad(
        cli("session", "import", str(path)), str(path))


def test_cli_newer_version(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    doc["format_version"] = 7
    path = _save(tmp_path / "future.json", doc)
    assert "newer" in _bad(cli("session", "import", str(path)), str(path))


def test_cli_altered_content(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    doc["scorecard"]["recommendation"] = "strong_yes"
    path = _save(tmp_path / "edited.json", doc, rehash=False)
    assert "changed after export" in _bad(cli("session", "import", str(path)), str(path))
    assert _list(cli) == []


def test_cli_unknown_question_id(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    doc["scorecard"]["items"][1]["item_id"] = "q-not-in-any-pack"
    path = _save(tmp_path / "unknown.json", doc)
    assert "unknown question id 'q-not-in-any-pack'" in _bad(
        cli("session", "import", str(path)), str(path))


def test_cli_unknown_red_flag(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    doc["scorecard"]["flags"][0]["flag_id"] = "late-to-call"
    path = _save(tmp_path / "flag.json", doc)
    assert "unknown red flag id 'late-to-call'" in _bad(
        cli("session", "import", str(path)), str(path))


def test_cli_missing_field(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    del doc["scorecard"]["interviewer"]
    path = _save(tmp_path / "missing.json", doc)
    assert "scorecard.interviewer is missing" in _bad(
        cli("session", "import", str(path)), str(path))


def test_cli_invalid_rating(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    doc["scorecard"]["items"][0]["rating"] = "7/10"
    path = _save(tmp_path / "rating.json", doc)
    assert "'7/10'" in _bad(cli("session", "import", str(path)), str(path))


def test_cli_invalid_recommendation(cli: Any, tmp_path: Path, pack: Pack) -> None:
    doc = _doc(pack)
    doc["scorecard"]["recommendation"] = "maybe"
    path = _save(tmp_path / "rec.json", doc)
    assert "'maybe'" in _bad(cli("session", "import", str(path)), str(path))


def test_cli_missing_file(cli: Any, tmp_path: Path) -> None:
    path = tmp_path / "never-sent.json"
    assert "no such file" in _bad(cli("session", "import", str(path)), str(path))


# ------------------------------------------------------------------ export / show / delete


def test_export_round_trips_the_stored_scorecard(cli: Any, card_file: Path, tmp_path: Path,
                                                 pack: Pack) -> None:
    cli("session", "import", str(card_file))
    out = tmp_path / "out" / "back.json"
    out.parent.mkdir()
    res = cli("session", "export", "rnd-a1b", "-o", str(out))  # a unique prefix is enough
    assert res.returncode == 0, res.stderr
    assert str(out) in res.stdout
    assert read_scorecard_file(out, pack) == make_card(pack)


def test_export_of_an_unfinished_round_says_so(cli: Any, tmp_path: Path, pack: Pack) -> None:
    src = write_scorecard_file(make_card(pack, submitted_at=None), tmp_path / "open.json")
    cli("session", "import", str(src))
    res = cli("session", "export", "rnd-a1b2c3d4", "-o", str(tmp_path / "o.json"))
    assert res.returncode == 0 and "not submitted yet" in res.stderr


def test_unknown_ids_exit_2_without_traceback(cli: Any, card_file: Path, tmp_path: Path) -> None:
    cli("session", "import", str(card_file))
    for args in (("session", "show", "zzz"), ("session", "export", "zzz", "-o",
                                              str(tmp_path / "x.json")),
                 ("session", "delete", "zzz"), ("candidate", "delete", "Nobody Here")):
        res = cli(*args)
        assert res.returncode == 2, (args, res.stderr)
        assert "Traceback" not in res.stderr
        assert len(res.stderr.strip().splitlines()) == 1
        assert "zzz" in res.stderr or "Nobody Here" in res.stderr
    assert not (tmp_path / "x.json").exists()


def test_export_to_a_missing_folder(cli: Any, card_file: Path, tmp_path: Path) -> None:
    cli("session", "import", str(card_file))
    target = tmp_path / "no" / "such" / "folder.json"
    _bad(cli("session", "export", "rnd-a1b2c3d4", "-o", str(target)), str(target))


def test_show_reads_like_a_scorecard(cli: Any, card_file: Path, pack: Pack) -> None:
    cli("session", "import", str(card_file))
    res = cli("session", "show", "rnd-a1b2c3d4")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    scen = next(s for s in pack.scenarios if s.suits("distributed", "senior"))
    for text in ("Robin Test", "Kim Lee", "Recommendation: No", scen.title, "Thin", "Strong",
                 "Said: Sketched an outbox table", "Read: Happy path only",
                 "note on failure.queue", pack.red_flags[0].title,
                 "Evidence: Listed five tools, no service", "Said: Asked good questions",
                 "Read: Leaning no", "Knows the vocabulary"):
        assert text in out, text


def test_delete_round(cli: Any, card_file: Path, pack: Pack, tmp_path: Path) -> None:
    other = write_scorecard_file(make_card(pack, id="rnd-keep", interviewer="Ana Ruiz"),
                                 tmp_path / "keep.json")
    cli("session", "import", str(card_file), str(other))
    prefix = cli("session", "delete", "rnd-a1b")
    assert "whole id" in _bad(prefix, "rnd-a1b")
    res = cli("session", "delete", "rnd-a1b2c3d4")
    assert res.returncode == 0, res.stderr
    assert "deleted round rnd-a1b2c3d4" in res.stdout
    assert [r["id"] for r in _list(cli)] == ["rnd-keep"]
    _bad(cli("session", "show", "rnd-a1b2c3d4"), "rnd-a1b2c3d4")


def test_delete_candidate(cli: Any, card_file: Path, pack: Pack, tmp_path: Path) -> None:
    second = write_scorecard_file(make_card(pack, id="rnd-2", interviewer="Ana Ruiz"),
                                  tmp_path / "second.json")
    other = write_scorecard_file(make_card(pack, id="rnd-3", candidate="Someone Else"),
                                 tmp_path / "other.json")
    cli("session", "import", str(card_file), str(second), str(other))
    wrong_case = cli("candidate", "delete", "robin test")
    assert "did you mean 'Robin Test'" in _bad(wrong_case, "robin test")
    res = cli("candidate", "delete", "Robin Test")
    assert res.returncode == 0, res.stderr
    assert "2 rounds" in res.stdout
    assert [r["candidate"] for r in _list(cli)] == ["Someone Else"]
