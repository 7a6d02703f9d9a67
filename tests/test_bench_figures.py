"""The start-up and memory benchmarks run here and return figures the bench table can print.

The memory target is asserted (peak resident memory hardly depends on machine
load); the start-up ratio is not, because on a shared CI runner it measures the
neighbours as much as the app. Its figure must still come out.
"""

from __future__ import annotations

from bench import memory, startup
from bench.run_all import normalise


def test_startup_bench_times_smoke_against_the_bare_window() -> None:
    result = startup.run(pairs=1, with_bundle=False)  # a local bundle may be stale
    (ratio, *_rest) = result["figures"]
    assert ratio["unit"] == "x" and ratio["target"] == startup.TARGET_RATIO
    assert 0.3 < ratio["value"] < 20  # both programs really ran to their first paint
    assert all(row.value for row in normalise("startup", result))


def test_memory_of_a_long_round_in_the_window_stays_under_target() -> None:
    result = memory.run()
    round_fig, export_fig = result["figures"]
    assert "16 items" in round_fig["figure"]
    assert round_fig["value"] < memory.TARGET_MB, round_fig
    assert export_fig["value"] < memory.TARGET_MB, export_fig
    assert export_fig["value"] >= round_fig["value"]  # same process, later peak
