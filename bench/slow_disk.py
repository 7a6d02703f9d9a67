"""Typing while autosave waits on a slow disk: the typing-stall run with fsync slowed down.

Corporate laptops with full-disk encryption and on-access virus scanning can
take tens of milliseconds per fsync, and the notes are made durable with one
fsync per autosave (SQLite WAL, ``synchronous=FULL``). This runs
``bench/typing_stall.py`` in a child process with ``bench/slowsync.c``
preloaded, which makes every fsync sleep ``SLOW_SYNC_MS`` first (30 ms), and
reports the same figures. It needs a C compiler and Linux; without them the
figures say so instead of a number.

Run ``python -m bench.slow_disk``; ``run()`` is what the bench command calls.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
SYNC_DELAY_MS = 30
SECONDS = 10.0
TARGET_P99_MS = 16.0


def _build_shim(folder: Path) -> Path | None:
    """Compile slowsync.c into ``folder``; None without a compiler or off Linux."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not sys.platform.startswith("linux"):
        return None
    out = folder / "slowsync.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(out),
                    str(BENCH / "slowsync.c"), "-ldl"], check=True, capture_output=True)
    return out


def run() -> dict[str, Any]:
    """Typing-stall figures with every fsync delayed by ``SYNC_DELAY_MS``."""
    with tempfile.TemporaryDirectory(prefix="slow-disk-") as tmp:
        shim = _build_shim(Path(tmp))
        if shim is None:
            return {"figures": [{"figure": "typing on a slow disk", "value": "skipped",
                                 "unit": "", "target": "needs Linux and a C compiler",
                                 "ok": None}]}
        env = dict(os.environ, LD_PRELOAD=str(shim), SLOW_SYNC_MS=str(SYNC_DELAY_MS))
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        res = subprocess.run([sys.executable, str(BENCH / "typing_stall.py"), str(SECONDS)],
                             capture_output=True, text=True, env=env, timeout=600)
        if res.returncode not in (0, 1):  # 1: over its own target, still a result
            raise RuntimeError(f"typing_stall.py exited {res.returncode}: {res.stderr[-500:]}")
        live = json.loads(res.stdout)["live"]
    slow = f"fsync +{SYNC_DELAY_MS} ms"
    return {"figures": [
        {"figure": f"typing stall p99, notes with autosave, {slow}", "value": live["p99_ms"],
         "unit": "ms", "target": TARGET_P99_MS, "ok": live["p99_ms"] < TARGET_P99_MS},
        {"figure": f"typing stall max, notes with autosave, {slow}", "value": live["max_ms"],
         "unit": "ms", "target": "reported", "ok": None},
        {"figure": f"event-loop gaps over 16 ms, {slow}", "value": live["gaps_over_16ms"],
         "unit": f"in {SECONDS:.0f} s", "target": "reported", "ok": None},
    ]}


def main() -> int:
    from bench.run_all import print_figures

    print_figures(run())
    return 0


if __name__ == "__main__":
    sys.exit(main())
