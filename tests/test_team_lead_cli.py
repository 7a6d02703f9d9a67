"""The panel lead's commands on the team store: import hand-carried files, make the debrief."""

from __future__ import annotations

from pathlib import Path

import pytest

from companion.store import Store
from tests.conftest import run_cli
from tests.publish_support import Member, member, run_round, server_counts
from tests.scorecards import pdf_body
from tests.team_support import TeamDb


@pytest.fixture
def ana(db: TeamDb, tmp_path: Path) -> Member:
    lead = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    assert run_cli("team", "connect", db.conninfo(lead.role), data_dir=lead.data).returncode == 0
    return lead


def exported(person: Member, candidate: str, out: Path) -> Path:
    """A round run on ``person``'s laptop, written as the exchange file they hand over."""
    with Store.open(person.data) as store:
        rid = run_round(store, person.name, candidate).round_id
    res = run_cli("session", "export", rid, "-o", str(out), data_dir=person.data)
    assert res.returncode == 0, res.stderr
    return out


def test_a_lead_imports_hand_carried_files_into_the_team_store(
        db: TeamDb, ana: Member, tmp_path: Path) -> None:
    kim = member(db, "kim", "interviewer", "Kim Lee", tmp_path)
    good = exported(kim, "Mei Lin", tmp_path / "kim.json")
    outsider = exported(Member("", "Pat Nobody", tmp_path / "pat"), "Mei Lin",
                        tmp_path / "pat.json")
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": ', encoding="utf-8")

    res = run_cli("session", "import", "--team", str(good), str(outsider), str(broken),
                  data_dir=ana.data)
    assert res.returncode == 2
    assert f"stored in the team store: {good} (round " in res.stdout
    assert "Mei Lin, by Kim Lee)" in res.stdout
    assert f"not stored in the team store: {outsider}: " in res.stderr
    assert "names 'Pat Nobody', who is not an interviewer of this team store" in res.stderr
    assert f"not stored in the team store: {broken}: " in res.stderr
    assert "1 stored in the team store; 0 already there; 2 failed: " in res.stderr
    assert server_counts(db) == (1, 0)
    with db.begin() as conn:  # stored as Kim's, by the lead
        owner, by = conn.exec_driver_sql(
            "SELECT owner, published_by FROM companion_data.scorecards").one()
    assert (owner, by) == (kim.role, ana.role)

    again = run_cli("session", "import", "--team", str(good), data_dir=ana.data)
    assert again.returncode == 0 and "already in the team store" in again.stdout
    assert server_counts(db) == (1, 0)
    with Store.open(ana.data) as store:
        assert store.list_rounds() == []  # the team store, not the lead's laptop

    pdf = tmp_path / "debrief.pdf"
    res = run_cli("panel", "--team", "Mei Lin", "--pdf", str(pdf), data_dir=ana.data)
    assert res.returncode == 0, res.stderr
    assert "1 scorecard of Mei Lin from the team store, 0 amendments" in res.stdout
    assert "Kim Lee" in pdf_body(pdf)


def test_panel_from_the_team_store_says_what_is_wrong(
        db: TeamDb, ana: Member, tmp_path: Path) -> None:
    res = run_cli("panel", "--team", "Nobody Known", "--pdf", str(tmp_path / "x.pdf"),
                  data_dir=ana.data)
    assert res.returncode == 2
    assert res.stderr.strip() == ("companion: the team store has no scorecard of "
                                  "'Nobody Known' that this login may read")
    res = run_cli("panel", "--team", "Mei", "Lin", "--pdf", str(tmp_path / "x.pdf"),
                  data_dir=ana.data)
    assert res.returncode == 2 and "give one candidate's name (quoted" in res.stderr
    res = run_cli("panel", "--team", "Mei Lin", "--pdf", str(tmp_path / "x.pdf"),
                  data_dir=tmp_path / "unconnected")
    assert res.returncode == 2 and "no team store is configured" in res.stderr
    assert not (tmp_path / "x.pdf").exists()
