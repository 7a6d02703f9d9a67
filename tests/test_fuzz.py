"""Fuzzed scorecard files and packs, a few hundred of each with a fixed seed (issue 10).

Every mutated input is refused in one line naming its file, or accepted and then
exported (PDF, debrief, store, text, re-export; for packs a planned round run
through the live engine and its PDFs). Nothing escapes as a traceback and
nothing runs past ten seconds. ``bench/fuzz_inputs.py`` runs the same fuzzers
over thousands of cases.
"""

from __future__ import annotations

from pathlib import Path

from tests.fuzzing import Tally, fuzz_packs, fuzz_scorecards

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
