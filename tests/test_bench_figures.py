"""The start-up, memory and GC benchmarks run here and return figures the bench table can print.

The memory target is asserted (peak resident memory hardly depends on machine
load); the start-up ratio is not, because on a shared CI runner it measures the
neighbours as much as the app. Its figure must still come out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from bench import memory, startup
from bench.run_all import normalise
from tests.conftest import REPO


def test_startup_bench_times_smoke_against_the_bare_window() -> None:
    result = startup.run(pairs=1, with_bundle=False)  # a local bundle may be stale
    (ratio, *_rest) = result["figures"]
    assert ratio["unit"] == "x" and ratio["target"] == startup.TARGET_RATIO
    assert 0.3 < ratio["value"] < 20  # both programs really ran to their first paint
    assert all(row.value for row in normalise("startup", result))


def test_memory_of_a_long_round_in_the_window_stays_under_target() -> None:
    result = memory.run()
    round_fig, export_fig, first_fig = result["figures"]
    assert "16 items" in round_fig["figure"]
    assert round_fig["value"] < memory.TARGET_MB, round_fig
    assert export_fig["value"] < memory.EXPORT_TARGET_MB, export_fig
    assert first_fig["value"] > 0
    assert export_fig["value"] >= round_fig["value"]  # same process, later peak


def test_a_launch_leaves_start_up_objects_out_of_full_collections() -> None:
    # In a child process: freezing would otherwise pin this test process's objects.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", "import json, bench.gc_pause as g; "
                          "print(json.dumps(g.run()))"],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    app, baseline, walked, _ratio = json.loads(res.stdout.splitlines()[-1])["figures"]
    frozen = int(walked["target"].split()[0].replace(",", ""))
    assert frozen > 10_000  # the launch step really froze modules, types and widgets
    # A full collection walks far fewer objects, so it is faster than with none frozen.
    assert app["value"] < baseline["value"]
