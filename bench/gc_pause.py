"""How long does a full garbage collection stop the UI thread during a round?

Python's cyclic collector now and then walks every tracked object; while it
does, the window cannot take a keystroke. The app freezes what is alive after
start-up (``companion.ui.app.settle_start_up_objects``), so those walks skip
modules, Qt types, the pack and the start screen. This benchmark opens the real
window on a temporary data folder, runs the same after-first-frame step a launch
runs, starts a round from the start screen (live view, engine, store), then
times ``gc.collect()``: first as the app leaves it, then with everything
unfrozen (the baseline, same process, same objects).

Run ``python -m bench.gc_pause``; ``run()`` is what the bench command calls.
Target: a full collection under 16 ms (one frame at 60 Hz).
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPEATS = 9
TARGET_MS = 16.0


def _full_collection_ms() -> float:
    samples = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        gc.collect()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _open_round(root: Path) -> Any:
    """The window after start-up, with a round started the way a user starts one."""
    from companion.ui.app import after_first_frame, build_window, create_app

    app = create_app()
    window = build_window(root, app)
    window.show()
    app.processEvents()
    steps = after_first_frame(window, argparse.Namespace(data_dir=str(root), pack=[]), root)
    while not steps.done:  # the packs and the store open on a worker thread
        app.processEvents()
        time.sleep(0.005)
    screen = window.start_screen
    screen.candidate.setText("Bench Candidate")
    screen.interviewer.setText("Bench Interviewer")
    screen.request_start()
    app.processEvents()
    if window.live_view is None:
        raise RuntimeError(f"the round did not start: {screen.form_error.text()}")
    return window


def run() -> dict[str, Any]:
    """Full-collection pause as the app runs it and with nothing frozen (milliseconds)."""
    with tempfile.TemporaryDirectory(prefix="gc-pause-") as tmp:
        window = _open_round(Path(tmp) / "data")
        frozen = gc.get_freeze_count()
        tracked_app = len(gc.get_objects())
        app_ms = _full_collection_ms()
        gc.unfreeze()
        tracked_all = len(gc.get_objects())
        bare_ms = _full_collection_ms()
        window.close()
    ratio = app_ms / bare_ms if bare_ms else 0.0
    return {"figures": [
        {"figure": "full GC pause during a round (start-up objects frozen), median",
         "value": round(app_ms, 2), "unit": "ms", "target": TARGET_MS,
         "ok": app_ms < TARGET_MS},
        {"figure": "baseline: same round, nothing frozen, median", "value": round(bare_ms, 2),
         "unit": "ms", "target": "baseline", "ok": None},
        {"figure": "objects a full collection walks, app / baseline",
         "value": f"{tracked_app:,} / {tracked_all:,}", "unit": "",
         "target": f"{frozen:,} frozen", "ok": None},
        {"figure": "full GC pause ratio, app / baseline", "value": round(ratio, 3),
         "unit": "x", "target": "reported", "ok": None},
    ]}


def main() -> int:
    from bench.run_all import print_figures

    print_figures(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
