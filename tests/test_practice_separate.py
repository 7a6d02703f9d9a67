"""Practice never mixes with candidates: scorecards, debriefs and calibration read the same
before and after practice sets by the very interviewers who scored the rounds."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from pypdf import PdfReader

from companion.store.db import DB_NAME
from tests.practice_support import write_pack


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(path).pages)


def test_practice_sets_leave_scorecards_debriefs_and_calibration_unchanged(
        cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("demo", "--team").returncode == 0
    rounds = json.loads(cli("sessions", "list", "--json").stdout)
    first = rounds[0]
    same_candidate = [r["id"] for r in rounds if r["candidate"] == first["candidate"]]

    def snapshot(tag: str) -> dict[str, str]:
        out = {name: cli(*args).stdout for name, args in {
            "sessions": ("sessions", "list", "--json"),
            "calibration": ("calibration", "--json"),
            "show": ("session", "show", first["id"], "--as", first["interviewer"]),
        }.items()}
        pdf = tmp_path / f"debrief-{tag}.pdf"
        res = cli("panel", *same_candidate, "--pdf", str(pdf), "--as", first["interviewer"])
        assert res.returncode == 0, res.stderr
        out["debrief"] = _pdf_text(pdf)
        return out

    before = snapshot("before")
    assert first["interviewer"] in before["calibration"]
    write_pack(data_dir / "packs")
    # The interviewer of those rounds practises twice: one rating every way wrong.
    for seed in ("1", "2"):
        res = cli("practice", "--as", first["interviewer"], "--seed", seed,
                  input="4\n1\n" * 6)
        assert res.returncode == 0, res.stderr
    after = snapshot("after")
    for key in before:
        assert after[key] == before[key], f"{key} changed after practice"
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        assert conn.execute("SELECT count(*) FROM practice_answer").fetchone() == (24,)
        # No practice row became a round, an interviewer or a candidate.
        assert conn.execute("SELECT count(*) FROM round").fetchone() == (len(rounds),)
        names = {n for (n,) in conn.execute("SELECT name FROM candidate")}
        assert names == {r["candidate"] for r in rounds}
    finally:
        conn.close()
