"""``demo --team`` then ``calibration``: the figures find exactly what the demo planted.

The quarter is played through the real engine into a real SQLite file by the real
command line; calibration reads it back through the bulk read. With the demo's
fixed seed, the lenient, harsh and noisy interviewers and the question that
predicts nothing are found, and nothing else is stated at 95% confidence.
(tests/soak_calibration_recovery.py shows how often that holds over other seeds.)
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from companion.demo.team_plan import HARSH, LENIENT, NOISY, USELESS_ITEM
from tests.conftest import run_cli

PLANTED = {("interviewer", LENIENT, "lenient"), ("interviewer", HARSH, "harsh"),
           ("interviewer", NOISY, "noisy"), ("item", USELESS_ITEM, "predicts_nothing")}


@pytest.fixture(scope="module")
def report(team_dir: Path) -> dict[str, Any]:
    res = run_cli("calibration", "--json", data_dir=team_dir)
    assert res.returncode == 0, res.stderr
    data: dict[str, Any] = json.loads(res.stdout)
    return data


def test_calibration_finds_exactly_what_was_planted(report: dict[str, Any]) -> None:
    found = {(f["about"], f["subject"], f["kind"]) for f in report["findings"]}
    assert found == PLANTED
    assert not any(f["tentative"] for f in report["findings"])
    scope = report["scope"]
    assert (scope["scorecards"], scope["candidates"], scope["decided_candidates"]) == (
        146, 40, 37)
    people = {p["name"]: p for p in report["interviewers"]}
    assert people[LENIENT]["leniency"]["low"] > 0.2
    assert people[HARSH]["leniency"]["high"] < -0.2
    # Everyone else's lean interval reaches inside the +-0.2 band: no claim about them.
    for name, p in people.items():
        if name not in (LENIENT, HARSH):
            lean = p["leniency"]
            assert lean["low"] <= 0.2 and lean["high"] >= -0.2, name
    useless = next(i for i in report["items"] if i["id"] == USELESS_ITEM)
    assert useless["predicts_recommendation"]["high"] < 0.3
    others = [i for i in report["items"] if i["id"] != USELESS_ITEM]
    assert all(i["predicts_recommendation"]["low"] > 0 for i in others)


def test_every_figure_carries_n_and_interval_or_says_too_few(report: dict[str, Any]) -> None:
    figures = []
    for p in report["interviewers"]:
        figures += [p[k] for k in ("leniency", "scatter", "agreement_with_decision",
                                   "red_flag_rate", "failure_probe_skip_rate",
                                   "lateness_hours", "on_time_share")]
    for i in (*report["items"], *report["dimensions"]):
        figures += [i[k] for k in ("spread", "agreement", "predicts_recommendation",
                                   "predicts_decision")]
    statuses = Counter(f["status"] for f in figures)
    assert statuses["solid"] > 20 and statuses["tentative"] > 10 and statuses["too_few"] > 0
    for f in figures:
        assert isinstance(f["n"], int) and f["unit"]
        if f["status"] == "too_few":
            assert f["value"] is None and f["n"] < 10
        elif f["status"] in ("solid", "tentative"):
            assert f["low"] <= f["value"] <= f["high"], f
            assert (f["status"] == "solid") == (f["n"] >= 30)


def test_text_pdf_and_bad_input(team_dir: Path, tmp_path: Path) -> None:
    res = run_cli("calibration", data_dir=team_dir)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("Calibration\n146 submitted scorecards of 40 candidates")
    assert f"{LENIENT} rates higher than co-panelists" in res.stdout
    pdf = tmp_path / "cal.pdf"
    res = run_cli("calibration", "--archetype", "api", "--pdf", str(pdf), data_dir=team_dir)
    assert res.returncode == 0 and res.stdout.strip() == f"wrote {pdf}"
    reader = PdfReader(pdf)
    first = " ".join(reader.pages[0].extract_text().split())
    assert "Interviewers against their co-panelists" in first
    assert "archetype api" in first and "Leniency: rating steps vs co-panelists" in first
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "What each figure means" in text and "too few" in text
    assert len(reader.pages) <= 4
    for args, message in ((("--archetype", "nope"), "no archetype 'nope'"),
                          (("--since", "31/12/2025"), "not a date")):
        res = run_cli("calibration", *args, data_dir=team_dir)
        assert res.returncode == 2 and message in res.stderr
        assert "Traceback" not in res.stderr


def test_an_empty_store_says_so(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = cli("calibration")
    assert res.returncode == 0, res.stderr
    assert "No submitted scorecards in this scope yet." in res.stdout
    res = cli("calibration", "--json", "--pdf", str(tmp_path / "empty.pdf"))
    assert res.returncode == 0 and json.loads(res.stdout)["interviewers"] == []
    assert "nothing to show" in PdfReader(tmp_path / "empty.pdf").pages[0].extract_text()
