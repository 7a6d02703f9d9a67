"""``companion loop``: plan, assign, see who is late, hand on as a file and as an export."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema

from companion.store import Store
from companion.store.loops import find_loop
from tests.scorecards import make_scorecard, pack, pdf_pages

SCHEMA = Path(__file__).resolve().parent.parent / "docs" / "harvest-scorecard.schema.json"


def _planned(cli, data_dir: Path) -> str:  # type: ignore[no-untyped-def]
    made = cli("loop", "create", "Ada Obi", "--archetype", "api", "--level", "senior",
               "--by", "Lena Park")
    assert made.returncode == 0, made.stderr
    assert "4 rounds" in made.stdout and "measured by one interviewer" in made.stdout
    ago = (datetime.now(UTC) - timedelta(hours=30)).strftime("%Y-%m-%dT%H:%M+00:00")
    for rnd, who, extra in (("technical", "Priya Raman", ["--at", ago]),
                            ("1", "Marcus Lee", []), ("scenario", "Tom Ueda", []),
                            ("4", "Marcus Lee", [])):
        done = cli("loop", "assign", rnd, who, *extra)
        assert done.returncode == 0, done.stderr
    with Store.open(data_dir) as store:
        loop = find_loop(store, "Ada Obi")
        assert loop is not None
        return loop.id


def test_a_lead_plans_assigns_and_sees_who_is_late(cli, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    loop_id = _planned(cli, data_dir)
    listed = cli("loop", "list")
    assert listed.returncode == 0, listed.stderr
    assert (f"{loop_id[:8]}  Ada Obi: 0 of 4 scorecards; waiting on Priya Raman, technical "
            "round, 29 h after it ended; 3 rounds still to run") in listed.stdout
    # Priya submits, six hours past the day she had.
    with Store.open(data_dir) as store:
        loop = find_loop(store, loop_id)
        assert loop is not None
        tech = loop.rounds[1]
        assert tech.scheduled_end is not None
        sc = make_scorecard(pack(), interviewer="Priya Raman", candidate="Ada Obi",
                            item_ids=tech.items)
        store.save_scorecard(replace(sc, started_at=tech.scheduled_end - timedelta(hours=1),
                                     ended_at=tech.scheduled_end,
                                     submitted_at=tech.scheduled_end + timedelta(hours=29)))
    shown = cli("loop", "show", "ada")
    assert shown.returncode == 0, shown.stderr
    assert "2. Technical interview (60 min): Priya Raman" in shown.stdout
    assert "[submitted, 5 h late]" in shown.stdout
    assert "1 of 4 scorecards" in shown.stdout
    as_json = json.loads(cli("loop", "list", "--json").stdout)
    assert as_json[0]["rounds"][1]["late_by_hours"] == 5.0
    # Page 1 of the debrief says where the loop stands and what it measured.
    pdf = data_dir.parent / "debrief.pdf"
    made = cli("panel", sc.id, "--pdf", str(pdf), "--as", "Lena Park")
    assert made.returncode == 0, made.stderr
    page1 = " ".join(pdf_pages(pdf)[0].split())
    assert "Loop 1 of 4 scorecards; waiting on Marcus Lee, screen round" not in page1
    assert "Loop 1 of 4 scorecards; 3 rounds still to run; in late: Priya Raman 5 h late" \
        in page1, page1
    assert "Measured against the plan" in page1 and "planned in 2 rounds, measured in 1" \
        in page1

    decided = cli("candidate", "decide", "Ada Obi", "--no-hire", "--by", "Lena Park")
    assert decided.returncode == 0, decided.stderr
    assert "loop is closed" in decided.stdout
    out = data_dir.parent / "ada.json"
    exported = cli("loop", "export", loop_id[:6], "-o", str(out), "--csv",
                   str(data_dir.parent / "ada.csv"))
    assert exported.returncode == 0, exported.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(doc, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert doc["decision"]["outcome"] == "no_hire" and doc["loop"]["status"].endswith("decided")
    assert sc.read not in out.read_text(encoding="utf-8")
    rows = (data_dir.parent / "ada.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == 2 and "Priya Raman" in rows[1]
    refused = cli("loop", "assign", "1", "Someone Else")
    assert refused.returncode == 2 and "0 open loops" in refused.stderr


def test_a_loop_file_travels_and_a_bad_one_is_named(cli, data_dir: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    loop_id = _planned(cli, data_dir)
    shared = tmp_path / "ada.loop.json"
    assert cli("loop", "share", "-o", str(shared)).returncode == 0
    # The interviewer's laptop: another data folder reads it back.
    elsewhere = tmp_path / "priya"
    read = cli("loop", "import", str(shared), data_dir=elsewhere)
    assert read.returncode == 0, read.stderr
    with Store.open(elsewhere) as store:
        copy = find_loop(store, loop_id)
    assert copy is not None and copy.rounds[1].interviewer == "Priya Raman"
    data = json.loads(shared.read_text(encoding="utf-8"))
    data["rounds"][2]["minutes"] = "long"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000, encoding="utf-8")
    for path, what in ((bad, "loop.rounds[2].minutes must be a whole number"),
                       (deep, "nest")):
        refused = cli("loop", "import", str(path), data_dir=elsewhere)
        assert refused.returncode == 2, refused.stderr
        line = refused.stderr.strip()
        assert str(path) in line and what in line and "Traceback" not in line
        assert len(line.splitlines()) == 1
    unknown = cli("loop", "assign", "9", "X", "--loop", loop_id)
    assert unknown.returncode == 2 and "has no round '9'" in unknown.stderr
