"""Fuzzed scorecard files and packs, a few hundred of each with a fixed seed (issue 10).

Every mutated input is refused in one line naming its file, or accepted and then
exported (PDF, debrief, store, text, re-export; for packs a planned round run
through the live engine and its PDFs). Nothing escapes as a traceback and
nothing runs past ten seconds. Wide panels and teams, valid by construction, all
make their debrief and their calibration. ``bench/fuzz_inputs.py`` runs the same
fuzzers over thousands of cases.
"""

from __future__ import annotations

from pathlib import Path

from tests.fuzzing import Tally, fuzz_calibrations, fuzz_packs, fuzz_panels, fuzz_scorecards

SEED = 20261129


def _clean(tally: Tally, what: str) -> None:
    assert not tally.faults, f"{tally.line(what)}\n\n" + "\n\n".join(tally.faults[:3])
    assert not tally.hangs, tally.line(what)
    # Both ends were reached: the fuzzer is not only producing garbage, nor only good input.
    assert tally.accepted >= tally.cases // 8 and tally.refused >= tally.cases // 3, \
        tally.line(what)


def test_fuzzed_scorecard_files(tmp_path: Path) -> None:
    tally = fuzz_scorecards(300, SEED, tmp_path)
    assert tally.cases == 300
    _clean(tally, "scorecard files")


def test_fuzzed_packs(tmp_path: Path) -> None:
    tally = fuzz_packs(250, SEED, tmp_path)
    assert tally.cases == 250
    _clean(tally, "packs")


def test_fuzzed_wide_panels_make_their_debrief(tmp_path: Path) -> None:
    # Valid panels of 1-60 scorecards with names and titles of up to 200 characters,
    # through files and the intake: every one must merge into a debrief (the code before
    # the wide-panel fixes failed 17 of 24 such cases).
    tally = fuzz_panels(16, SEED, tmp_path)
    assert (tally.cases, tally.accepted) == (16, 16), tally.line("panels") + "\n\n" + \
        "\n\n".join(tally.faults[:3])


def test_fuzzed_teams_make_their_calibration(tmp_path: Path) -> None:
    # Simulated teams of 2-60 interviewers so named: text, JSON and PDF all come out
    # (before, a chart taller than a page failed 5 of 12 such cases).
    tally = fuzz_calibrations(10, SEED, tmp_path)
    assert (tally.cases, tally.accepted) == (10, 10), tally.line("calibrations") + "\n\n" + \
        "\n\n".join(tally.faults[:3])
