"""``demo --team`` then ``calibration``: the figures find exactly what the demo planted.

The quarter is played through the real engine into a real SQLite file by the real
command line; calibration reads it back through the bulk read. With the demo's
fixed seed, the lenient, harsh and noisy interviewers and the question that
predicts nothing are found, and nothing else is stated at 95% confidence.
(tests/soak_calibration_recovery.py shows how often that holds over other seeds.)
"""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from companion.calibration.stats.bootstrap import ALPHA_INTERVAL_UNITS
from companion.calibration.text import figure
from companion.demo.team_plan import HARSH, LENIENT, NOISY, USELESS_ITEM
from tests.conftest import run_cli
from tests.practice_support import practise_one_step_high

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
    # Tentative is counted in candidates: the noisy interviewer met 13, under 15.
    tentative = {f["subject"] for f in report["findings"] if f["tentative"]}
    assert tentative == {NOISY}
    noisy = next(f for f in report["findings"] if f["kind"] == "noisy")
    assert noisy["text"].startswith("Tentative (few candidates): ")
    assert "from 13 candidates" in noisy["text"]
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
        assert isinstance(f["n"], int) and f["unit"] and isinstance(f["candidates"], int)
        if f["status"] == "too_few":
            assert f["value"] is None and (f["n"] < 10 or f["candidates"] < 5)
            assert f["note"].startswith("too few: ")
        elif f["status"] in ("solid", "tentative"):
            if f["low"] is None:  # a value without an interval says why
                assert f["high"] is None and f["note"], f
                if f["note"].startswith("too few units for an interval"):
                    assert f["unit"] == "units" and f["n"] < ALPHA_INTERVAL_UNITS, f
            else:
                assert f["low"] <= f["value"] <= f["high"], f
            assert (f["status"] == "solid") == (f["n"] >= 30 and f["candidates"] >= 15)
        else:  # undefined: says why
            assert f["value"] is None and f["note"], f


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


def _estimates(report: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for p in report["interviewers"]:
        out += [p[k] for k in ("leniency", "scatter", "agreement_with_decision",
                               "red_flag_rate", "failure_probe_skip_rate", "lateness_hours",
                               "on_time_share")]
    for i in (*report["items"], *report["dimensions"]):
        out += [i[k] for k in ("spread", "agreement", "predicts_recommendation",
                               "predicts_decision")]
    return out


def test_every_figure_shows_its_n_in_json_text_and_pdf(report: dict[str, Any], team_dir: Path,
                                                       tmp_path: Path) -> None:
    figures = _estimates(report)
    # JSON: n, what it counts, the candidates, and a reason wherever there is no number.
    for f in figures:
        assert f["n"] >= 0 and f["unit"] and f["candidates"] is not None, f
        if f["value"] is None:
            assert f["note"], f
    # The text: one line per figure, ending in what it rests on.
    text = run_cli("calibration", data_dir=team_dir).stdout
    tables = text.split("\nInterviewers (", 1)[1]
    rows = [line for line in tables.splitlines()
            if re.search(r"\d+ (pairs|rounds|scenarios|ratings|units) from \d+ candidates$",
                         line)]
    assert len(rows) == len(figures)
    assert re.search(r"n/a(?! \()", text) is None  # "n/a" always with its reason
    named = {p["name"]: p for p in report["interviewers"]}
    lean = named[LENIENT]["leniency"]
    line = next(r for r in rows if r.startswith(LENIENT))
    assert line.endswith(f"{lean['n']} pairs from {lean['candidates']} candidates")
    # The PDF: every figure of its tables, and every chart row, gives its n.
    pdf = tmp_path / "all.pdf"
    assert run_cli("calibration", "--pdf", str(pdf), data_dir=team_dir).returncode == 0
    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    counted = re.findall(r"\d+ (?:pairs|rounds|scenarios|ratings|units),? from \d+ candidates",
                         words)
    # Tables: every figure, the on-time share too; charts: one line per interviewer and
    # per question.
    assert len(counted) >= len(figures) + len(named) + len(report["items"])
    on_time = named[LENIENT]["on_time_share"]
    assert f"{on_time['n']} rounds from {on_time['candidates']} candidates" in words
    assert re.search(r"alpha \d+ units, tau-b \d+ ratings, from \d+ candidates", words)
    assert f"{lean['n']} pairs from {lean['candidates']} candidates" in words
    assert re.search(r"(?<!\u201c)n/a(?! \()", words) is None
    assert "arrowhead" in words  # the key says how a cut whisker is marked


def test_practice_shows_in_the_text_and_the_pdf_but_never_in_the_json(
        team_dir: Path, tmp_path: Path, report: dict[str, Any]) -> None:
    """Practice sets beside the live figures, with how many and what they rest on; the
    JSON stays the live figures alone, and without practice there is no section."""
    assert "Practice on sample answers" not in run_cli("calibration", data_dir=team_dir).stdout
    data = tmp_path / "data"
    shutil.copytree(team_dir, data)
    practised = practise_one_step_high(data, LENIENT)
    text = run_cli("calibration", data_dir=data).stdout
    section = text.split("\nPractice on sample answers", 1)[1].split("\n\n", 1)[0]
    row = next(line for line in section.splitlines() if line.startswith(LENIENT))
    assert re.search(rf"^{LENIENT}\s+1\s+signed error \(steps\)\s+", row)
    assert figure(practised, "steps", n=False) in row
    assert row.endswith(f"{practised.n} sample answers") and practised.n >= 10
    assert json.loads(run_cli("calibration", "--json", data_dir=data).stdout) == report
    pdf = tmp_path / "practice.pdf"
    assert run_cli("calibration", "--pdf", str(pdf), data_dir=data).returncode == 0
    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)
    assert "Practice on sample answers" in words
    shown = " ".join(figure(practised, "steps").split())
    assert re.search(rf"{LENIENT} 1 {re.escape(shown)}", words), words[-1500:]
