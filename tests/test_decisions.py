"""The panel's decision: the type, schema step 3, the store, ``candidate decide`` and the
debrief PDF, against a real SQLite file and the real command line."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader

from companion.base.errors import CompanionError, StorageError
from companion.record.decision import Decision
from companion.store import Store, migrations
from companion.store.db import DB_NAME
from companion.store.decisions import all_decisions, decision_for, record_decision
from tests.fixtures.samples import sample_scorecard

T = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)
FIXTURE = Path(__file__).parent / "fixtures" / "v1_companion.sqlite3"


def test_a_decision_checks_itself() -> None:
    assert Decision("Ana", "hire", "Lead", T, "senior").describe("Senior") == "Hire at Senior"
    assert Decision("Ana", "withdrawn", "Lead", T).decided is False
    for bad in (dict(outcome="hire"), dict(outcome="no_hire", level="mid"),
                dict(outcome="maybe"), dict(outcome="no_hire", decided_by=" ")):
        fields = {"candidate": "Ana", "decided_by": "Lead", "decided_at": T, **bad}
        with pytest.raises(CompanionError):
            Decision(**fields)  # type: ignore[arg-type]


def test_record_replace_and_read_decisions(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("a", candidate="Ana Ruiz"))
        store.save_imported(sample_scorecard("b", candidate="Bo Chan"))
        first = Decision("Ana Ruiz", "no_hire", "Lead One", T, note="thin on failure")
        assert record_decision(store, first) is None
        later = Decision("Ana Ruiz", "hire", "Lead Two", T.replace(day=21), "staff")
        assert record_decision(store, later) == first  # the one it replaced
        assert decision_for(store, "Ana Ruiz") == later
        assert decision_for(store, "  ana ruiz ") == later  # panels compare names loosely
        assert decision_for(store, "Bo Chan") is None
        with pytest.raises(StorageError, match="no candidate named 'Nobody'"):
            record_decision(store, Decision("Nobody", "withdrawn", "Lead", T))
        assert all_decisions(store) == [later]


def test_deleting_the_candidate_deletes_the_decision_and_its_note(tmp_path: Path) -> None:
    secret = "Offer-note-Vexmoor-4471"
    with Store.open(tmp_path) as store:
        store.save_imported(sample_scorecard("a", candidate="Ana Ruiz"))
        store.save_imported(sample_scorecard("b", candidate="Ana Ruiz", interviewer="Kim"))
        record_decision(store, Decision("Ana Ruiz", "hire", "Lead", T, "senior", secret))
        store.delete_round("a")  # one round left: the decision stays
        assert decision_for(store, "Ana Ruiz") is not None
        store.delete_candidate("Ana Ruiz")
        assert all_decisions(store) == []
        raw = b"".join(Path(f"{store.path}{s}").read_bytes()
                       for s in ("", "-wal", "-shm") if Path(f"{store.path}{s}").exists())
        assert secret.encode() not in raw


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def test_first_and_second_schema_files_gain_the_decision_table(tmp_path: Path) -> None:
    assert migrations.SCHEMA_VERSION >= 5  # later schemas keep the table
    v1 = tmp_path / "v1"
    v1.mkdir()
    shutil.copy(FIXTURE, v1 / DB_NAME)
    # A version-2 file: the first release's file after step 2 only.
    v2 = tmp_path / "v2"
    v2.mkdir()
    shutil.copy(FIXTURE, v2 / DB_NAME)
    conn = sqlite3.connect(v2 / DB_NAME, isolation_level=None)
    conn.execute("BEGIN")
    for sql in migrations.V2_DDL:
        conn.execute(sql)
    conn.execute("PRAGMA user_version=2")
    conn.execute("COMMIT")
    conn.close()
    assert "decision" not in _tables(v2 / DB_NAME)
    for folder in (v1, v2):
        with Store.open(folder) as store:
            assert store.backup_path is not None  # upgraded after a copy, as every step
            cand = store.list_rounds()[0].candidate
            record_decision(store, Decision(cand, "no_hire", "Lead", T))
            assert decision_for(store, cand) is not None
        assert "decision" in _tables(folder / DB_NAME)


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_candidate_decide_on_the_command_line_and_in_the_debrief(  # type: ignore[no-untyped-def]
        cli, tmp_path: Path) -> None:
    demo = cli("demo")
    assert demo.returncode == 0, demo.stderr
    ids = [line.split()[0] for line in demo.stdout.splitlines() if "  by " in line]
    name = "Alex Moreno (demo)"

    res = cli("candidate", "decide", name, "--hire")
    assert res.returncode == 2 and "--hire needs --level" in res.stderr
    res = cli("candidate", "decide", name, "--no-hire", "--level", "senior")
    assert res.returncode == 2 and "--level goes with --hire only" in res.stderr
    res = cli("candidate", "decide", name, "--hire", "--no-hire")
    assert res.returncode == 2 and "not allowed with" in res.stderr
    res = cli("candidate", "decide", name, "--hire", "--level", "principal")
    assert res.returncode == 2 and "no level 'principal'" in res.stderr
    res = cli("candidate", "decide", "alex moreno (demo)", "--withdrawn")
    assert res.returncode == 2 and f"did you mean {name!r}" in res.stderr

    res = cli("candidate", "decide", name, "--no-hire", "--by", "Jo Park")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == f"recorded for {name}: No hire (decided by Jo Park)"
    res = cli("candidate", "decide", name, "--hire", "--level", "senior", "--by", "Jo Park",
              "--note", "offer at the top of the band")
    assert res.returncode == 0, res.stderr
    assert f"recorded for {name}: Hire at Senior (decided by Jo Park)" in res.stdout
    assert "replaces the earlier decision: No hire (by Jo Park" in res.stdout

    pdf = tmp_path / "debrief.pdf"
    res = cli("panel", *ids, "--pdf", str(pdf))
    assert res.returncode == 0, res.stderr
    text = _pdf_text(pdf)
    assert "Panel decision Hire at Senior · decided by Jo Park" in text
    assert "offer at the top of the band" in text
