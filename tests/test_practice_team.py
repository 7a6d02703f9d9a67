"""Practice on a real team store: an interviewer publishes set summaries (sums, never the
answers), a panel lead sees them beside live leniency with the ready mark, and the
server alone decides who may do what (checked from a plain psycopg login too)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import psycopg
import pytest

from companion.calibration.findings import counted
from companion.content.loader import builtin_pack
from companion.practice.session import PracticeSession, SetChoice
from companion.store import Store
from tests.conftest import run_cli
from tests.publish_support import Member, member, run_round, server_counts
from tests.team_support import TeamDb

DIGIT = {"strong": "1", "mid": "2", "thin": "3", "very_thin": "4"}


def _connect(person: Member, db: TeamDb) -> None:
    res = run_cli("team", "connect", db.conninfo(person.role), "--publish-existing",
                  data_dir=person.data)
    assert res.returncode == 0, res.stderr


def _practise(person: Member, archetype: str, seed: int, right: bool) -> None:
    """One set in the terminal: every rating right, or every one two steps off."""
    items = PracticeSession.draw(builtin_pack(), SetChoice("x", archetype),
                                 rng=random.Random(seed)).items  # the set the CLI draws
    levels = ["strong", "mid", "thin", "very_thin"]
    answers = [i.level if right else levels[(levels.index(i.level) + 2) % 4] for i in items]
    # The name given here is not the one the team store records: the login's is.
    res = run_cli("practice", "--archetype", archetype, "--seed", str(seed), "--as", "Kimmy",
                  input="".join(DIGIT[a] + "\n" for a in answers), data_dir=person.data)
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("Written to show: ") == 12


def test_an_interviewer_publishes_and_the_lead_sees_it_beside_live_leniency(
        db: TeamDb, tmp_path: Path) -> None:
    kim = member(db, "kim", "interviewer", "Kim Lee", tmp_path)
    sam = member(db, "sam", "interviewer", "Sam Okafor", tmp_path)
    ana = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    for person in (kim, sam, ana):
        _connect(person, db)
    # Live rounds of the same candidate, so calibration has a leniency for Kim.
    for person, rating in ((kim, "strong"), (sam, "thin")):
        with Store.open(person.data) as store:
            run_round(store, person.name, "Mei Lin", rating=rating)
        assert run_cli("team", "publish", data_dir=person.data).returncode == 0
    assert server_counts(db) == (2, 0)

    _practise(kim, "api", 1, right=True)
    _practise(kim, "api", 2, right=True)
    _practise(kim, "data", 3, right=False)
    res = run_cli("practice", "publish", data_dir=kim.data)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "published 3 practice set summaries"
    again = run_cli("practice", "publish", data_dir=kim.data)
    assert again.stdout.strip() == "published 0 practice set summaries"

    res = run_cli("practice", "team", "--json", data_dir=ana.data)
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["bar"] == {"exact": 0.6, "within_one": 0.9, "min_rated": 24}
    rows = {(r["interviewer"], r["archetype"]): r for r in data["interviewers"]}
    assert set(rows) == {("Kim Lee", "api"), ("Kim Lee", "data")}
    api, dat = rows["Kim Lee", "api"], rows["Kim Lee", "data"]
    assert (api["sets"], api["exact"]["n"], api["exact"]["value"], api["ready"]) == (
        2, 24, 1.0, True)
    assert api["signed_error"]["value"] == 0.0
    assert (dat["sets"], dat["exact"]["n"], dat["ready"]) == (1, 12, False)
    assert dat["exact"]["value"] == 0.0 and dat["within_one"]["value"] == 0.0
    # Beside it, the live leniency exactly as calibration over the team store has it.
    cal = json.loads(run_cli("calibration", "--team", "--json", "--archetype", "api",
                             data_dir=ana.data).stdout)
    (kim_live,) = [i for i in cal["interviewers"] if i["name"] == "Kim Lee"]
    assert api["live_leniency"] == kim_live["leniency"]
    text = run_cli("practice", "team", data_dir=ana.data).stdout
    assert "Kim Lee, api: 2 practice sets, ready" in text
    assert "Kim Lee, data: 1 practice set, not yet ready" in text
    live = kim_live["leniency"]
    assert (f"live leniency:       too few ({counted(live['n'], live['unit'])} from "
            f"{counted(live['candidates'], 'candidates')})") in text

    # The lead raises the bar; Kim is no longer ready on too few answers.
    res = run_cli("practice", "bar", "--min-rated", "30", data_dir=ana.data)
    assert res.returncode == 0 and "over >= 30 sample answers" in res.stdout
    data = json.loads(run_cli("practice", "team", "--json", data_dir=ana.data).stdout)
    assert [r["ready"] for r in data["interviewers"]] == [False, False]


def test_the_server_keeps_practice_to_its_functions(db: TeamDb, tmp_path: Path) -> None:
    kim = member(db, "kim", "interviewer", "Kim Lee", tmp_path)
    ana = member(db, "ana", "lead", "Ana Pereira", tmp_path)
    _connect(kim, db)
    _practise(kim, "api", 4, right=True)
    assert run_cli("practice", "publish", data_dir=kim.data).returncode == 0
    # An interviewer's commands are refused with the server's reason.
    res = run_cli("practice", "team", data_dir=kim.data)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "permission denied for function practice_by_interviewer" in res.stderr
    res = run_cli("practice", "bar", "--exact", "0.1", data_dir=kim.data)
    assert res.returncode == 2 and "permission denied for function" in res.stderr
    # From the adversary's seat: a plain login, no app in between.
    with db.raw(kim.role) as conn:
        for sql in ("SELECT * FROM companion_data.practice_summaries",
                    "EXPLAIN ANALYZE SELECT * FROM companion_data.practice_summaries",
                    "UPDATE companion_data.practice_bar SET exact = 0",
                    "SELECT * FROM companion.practice_by_interviewer()",
                    "SELECT companion.set_practice_bar(0, 0, 1)"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(sql)
            conn.rollback()
        # Publishing through the function stores under Kim's own login and name only.
        conn.execute("SELECT companion.publish_practice(%s, 'api', NULL, now(), 12, 6, 10, "
                     "2, 14)", ("ab" * 16,))
        conn.commit()
        with pytest.raises(psycopg.errors.CheckViolation):  # sums that cannot be
            conn.execute("SELECT companion.publish_practice(%s, 'api', NULL, now(), 12, 13, "
                         "12, 0, 0)", ("cd" * 16,))
        conn.rollback()
    with db.begin() as conn:
        rows = conn.exec_driver_sql("SELECT owner, interviewer, rated FROM "
                                    "companion_data.practice_summaries ORDER BY rated").all()
    assert [tuple(r) for r in rows] == [(kim.role, "Kim Lee", 12), (kim.role, "Kim Lee", 12)]
    assert ana.role  # the lead reads it (see the test above); an outsider cannot log in at all
