"""Start-up budget: ``python -m companion --smoke`` against a bare PySide6 window.

Both programs start a fresh interpreter, open one window, wait for its first
paint and exit 0 (see bench/bare_window.py). They run in the same session,
alternating app, bare, app, bare, ... so that cache warmth and machine load
fall evenly on both; the figure is the median of the per-pair ratios of wall
time from process start to exit (target: at most 1.3x). Each run is reaped with
``os.wait4`` so its own CPU time and peak resident memory come from the kernel's
resource accounting. If a bundle has been built (``make bundle``), its
``--smoke`` runs in the same rotation and is reported for information.

``python -m bench.startup [--pairs N]`` prints the figures; ``run()`` is what
the bench command calls.
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PAIRS = 11
TARGET_RATIO = 1.3


@dataclass(frozen=True)
class Sample:
    """One run: wall seconds, CPU seconds (user + system) and peak RSS in MiB."""

    wall_s: float
    cpu_s: float
    rss_mb: float


def app_command() -> list[str]:
    """The app's smoke run, as a user would start it from the wheel."""
    return [sys.executable, "-m", "companion", "--smoke"]


def bare_command() -> list[str]:
    """The yardstick: a bare PySide6 window that does the same and nothing more."""
    return [sys.executable, str(REPO / "bench" / "bare_window.py")]


def bundle_command() -> list[str] | None:
    """The one-folder bundle's launcher, if one has been built (``make bundle``)."""
    exe = REPO / "packaging" / "dist" / "companion" / (
        "companion.exe" if sys.platform == "win32" else "companion")
    return [str(exe), "--smoke"] if exe.is_file() else None


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # The default data folder, found as a user's would be (platformdirs), but inside
    # the temporary home so the user's real data is never touched.
    env.pop("COMPANION_DATA_DIR", None)
    env["HOME"] = str(home)
    env["XDG_DATA_HOME"] = str(home / ".local" / "share")
    env["XDG_CONFIG_HOME"] = str(home / ".config")
    env["XDG_CACHE_HOME"] = str(home / ".cache")
    return env


def compile_sources() -> None:
    """Byte-compile the package as pip does when it installs the wheel.

    Without this, a checkout whose ``__pycache__`` is stale (or a shell with
    PYTHONDONTWRITEBYTECODE set) would time compiling our modules, which no
    installed copy ever does at start-up.
    """
    compileall.compile_dir(str(REPO / "companion"), quiet=1)


def measure(cmd: list[str], env: dict[str, str]) -> Sample:
    """Run ``cmd`` once; raise RuntimeError with its stderr if it does not exit 0."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
            raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}: {' | '.join(tail)}")
    # ru_maxrss is in KiB on Linux (bytes on macOS; this bench runs on Linux).
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def compare(pairs: int = PAIRS, with_bundle: bool = True,
            ) -> tuple[list[Sample], list[Sample], list[Sample]]:
    """Alternate app and bare window ``pairs`` times after one discarded warm-up each.

    When a bundle has been built, its ``--smoke`` joins each round (third list,
    for information); otherwise that list is empty.
    """
    compile_sources()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        env = _env(Path(tmp))
        app_cmd, bare_cmd = app_command(), bare_command()
        bundle_cmd = bundle_command() if with_bundle else None
        measure(app_cmd, env)  # warm-up: fonts, the data folder
        measure(bare_cmd, env)
        if bundle_cmd:
            measure(bundle_cmd, env)
        app: list[Sample] = []
        bare: list[Sample] = []
        bundle: list[Sample] = []
        for _ in range(pairs):
            app.append(measure(app_cmd, env))
            bare.append(measure(bare_cmd, env))
            if bundle_cmd:
                bundle.append(measure(bundle_cmd, env))
    return app, bare, bundle


def run(pairs: int = PAIRS, with_bundle: bool = True) -> dict[str, Any]:
    """Figures for the bench table: the median ratio and the medians it came from."""
    app, bare, bundle = compare(pairs, with_bundle)
    ratios = [a.wall_s / b.wall_s for a, b in zip(app, bare, strict=True)]
    ratio = statistics.median(ratios)
    app_ms = statistics.median(s.wall_s for s in app) * 1000
    bare_ms = statistics.median(s.wall_s for s in bare) * 1000
    cpu_ratio = statistics.median(a.cpu_s / b.cpu_s for a, b in zip(app, bare, strict=True))
    figures: list[dict[str, Any]] = [
        {"figure": f"start-up vs bare window (median of {pairs} pairs)", "value": ratio,
         "unit": "x", "target": TARGET_RATIO, "ok": ratio <= TARGET_RATIO},
        {"figure": "--smoke, process start to exit (median)", "value": app_ms, "unit": "ms",
         "target": f"<= {TARGET_RATIO}x bare", "ok": ratio <= TARGET_RATIO},
        {"figure": "bare PySide6 window, same (median)", "value": bare_ms, "unit": "ms",
         "target": "reference", "ok": None},
        {"figure": "start-up CPU time vs bare window (median)", "value": cpu_ratio,
         "unit": "x", "target": "for information", "ok": None},
        {"figure": "--smoke peak memory", "value": max(s.rss_mb for s in app), "unit": "MB",
         "target": "for information", "ok": None},
    ]
    if bundle:
        figures.append({
            "figure": "bundle --smoke vs bare window (median)",
            "value": statistics.median(c.wall_s / b.wall_s
                                       for c, b in zip(bundle, bare, strict=True)),
            "unit": "x", "target": "for information", "ok": None})
    return {"figures": figures}


def main(argv: list[str] | None = None) -> int:
    """Print each pair and the median ratio; exit 1 if over target."""
    parser = argparse.ArgumentParser(description="time --smoke against a bare window")
    parser.add_argument("--pairs", type=int, default=PAIRS)
    args = parser.parse_args(argv)
    app, bare, bundle = compare(args.pairs)
    for i, (a, b) in enumerate(zip(app, bare, strict=True), 1):
        extra = f"  bundle {bundle[i - 1].wall_s * 1000:6.0f} ms" if bundle else ""
        print(f"pair {i}: app {a.wall_s * 1000:6.0f} ms  bare {b.wall_s * 1000:6.0f} ms  "
              f"ratio {a.wall_s / b.wall_s:.2f}{extra}")
    ratio = statistics.median(a.wall_s / b.wall_s for a, b in zip(app, bare, strict=True))
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"median ratio {ratio:.2f}x (target <= {TARGET_RATIO}x): {verdict} target")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
