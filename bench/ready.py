"""Ready time: from a fresh interpreter to the start screen's lists filled, against a bare
window's first paint, with an empty data folder and with 10,000 and 100,000 rounds.

Each measurement is one child interpreter that notes the time as it starts, then
either shows a bare PySide6 window and waits for its first paint (the baseline,
as bench/bare_window.py does) or does what ``python -m companion`` does: build
and show the main window, wait for the first paint, and run the app's own
after-first-paint work (``after_first_frame``: packs, store, the first page of
each list) until the lists are filled. App and bare runs alternate, so load on
the machine falls on both; the figure is the median ratio (target: at most 3x).
The folders of 10,000 and 100,000 submitted rounds are built once per run with
``bench/many_rounds.py`` (the app's own schema and triggers build the index). The
"empty folder" starts empty; its warm-up run (not counted) creates the file, so the
measured runs open a file with no rounds, as every launch after the first does.

``python -m bench.ready`` prints the figures; ``run()`` is what the bench command calls.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # before PySide6 or the app is imported, in both kinds of child

import json  # noqa: E402 (after the clock starts, like everything the child loads)
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TARGET_RATIO = 3.0
SIZES = (0, 10_000, 100_000)
PAIRS = 5


def bare_child(out: Path) -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel, QWidget

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.resize(1024, 700)
    QLabel("bare window", window)
    painted: list[float] = []

    class Spy(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if watched is window and event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter() - T0)
                QTimer.singleShot(0, app.quit)
            return False

    spy = Spy()
    window.installEventFilter(spy)
    window.show()
    app.exec()
    out.write_text(json.dumps({"paint_s": painted[0]}), encoding="utf-8")


def app_child(data: Path, out: Path) -> None:
    import argparse

    from PySide6.QtCore import QTimer

    from companion.ui.app import after_first_frame, build_window, create_app

    app = create_app()
    window = build_window(data, app)
    result: dict[str, Any] = {}

    def painted() -> None:
        result["paint_s"] = time.perf_counter() - T0
        steps = after_first_frame(window, argparse.Namespace(data_dir=str(data), pack=[]),
                                  data)

        def wait() -> None:  # the packs and store are in, the deferred steps have run
            if not steps.done:  # (not more often: each look takes the worker's GIL)
                QTimer.singleShot(25, wait)
                return
            assert steps.ready_at is not None
            result["ready_s"] = steps.ready_at - T0
            result["sources_s"] = time.perf_counter() - T0
            result["rows"] = window.start_screen.past.rounds.rowCount()
            result["steps"] = steps.took
            window.close()
            app.quit()

        wait()

    window.when_first_painted(painted)
    window.show()
    app.exec()
    if window.store is not None:
        window.store.close()
    out.write_text(json.dumps(result), encoding="utf-8")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


def _child(args: list[str], out: Path, env: dict[str, str]) -> dict[str, Any]:
    res = subprocess.run([sys.executable, "-m", "bench.ready", *args, str(out)], cwd=REPO,
                         env=env, capture_output=True, text=True, timeout=300)
    if res.returncode != 0:
        raise RuntimeError(f"ready child {args} exited {res.returncode}: "
                           f"{res.stderr.strip().splitlines()[-3:]}")
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def _folder(tmp: Path, n: int) -> Path:
    from bench.many_rounds import fill

    folder = tmp / f"rounds-{n}"
    folder.mkdir()
    if n:
        fill(folder, n)
    return folder


def measure(sizes: tuple[int, ...] = SIZES, pairs: int = PAIRS) -> dict[int, dict[str, Any]]:
    """Per folder size: the app's and the bare window's runs, alternating."""
    env = _env()
    out: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ready-") as name:
        tmp = Path(name)
        result = tmp / "result.json"
        for n in sizes:
            folder = _folder(tmp, n)
            apps, bares = [], []
            _child(["--app", str(folder)], result, env)  # warm-up: caches, the data folder
            for _ in range(pairs):
                apps.append(_child(["--app", str(folder)], result, env))
                bares.append(_child(["--bare"], result, env))
            out[n] = {"apps": apps, "bares": bares}
            shutil.rmtree(folder, ignore_errors=True)
    return out


def run(sizes: tuple[int, ...] = SIZES, pairs: int = PAIRS) -> dict[str, Any]:
    figures: list[dict[str, Any]] = []
    for n, runs in measure(sizes, pairs).items():
        ratios = [a["ready_s"] / b["paint_s"] for a, b in zip(runs["apps"], runs["bares"],
                                                                strict=True)]
        ratio = statistics.median(ratios)
        ready_ms = statistics.median(a["ready_s"] for a in runs["apps"]) * 1000
        paint_ms = statistics.median(a["paint_s"] for a in runs["apps"]) * 1000
        sources_ms = statistics.median(a["sources_s"] for a in runs["apps"]) * 1000
        bare_ms = statistics.median(b["paint_s"] for b in runs["bares"]) * 1000
        steps: dict[str, list[float]] = {}
        for a in runs["apps"]:
            for step, took in a["steps"]:
                steps.setdefault(step, []).append(took * 1000)
        what = f"{n:,} rounds" if n else "empty folder"
        figures += [
            {"figure": f"ready vs bare window's first paint, {what} (median of {pairs})",
             "value": ratio, "unit": "x", "target": TARGET_RATIO, "ok": ratio <= TARGET_RATIO},
            {"figure": f"ready (lists filled), {what}", "value": ready_ms, "unit": "ms",
             "target": f"<= {TARGET_RATIO}x bare", "ok": ratio <= TARGET_RATIO},
            {"figure": f"first paint, {what}", "value": paint_ms, "unit": "ms",
             "target": "for information", "ok": None},
            {"figure": f"packs and store in (buttons enabled), {what}", "value": sources_ms,
             "unit": "ms", "target": "for information", "ok": None},
            {"figure": f"bare window's first paint, beside {what}", "value": bare_ms,
             "unit": "ms", "target": "reference", "ok": None},
            *({"figure": f"step: {step}, {what}", "value": statistics.median(took),
               "unit": "ms", "target": "for information", "ok": None}
              for step, took in steps.items()),
        ]
    return {"figures": figures}


if __name__ == "__main__":
    if sys.argv[1:2] == ["--bare"]:
        bare_child(Path(sys.argv[2]))
    elif sys.argv[1:2] == ["--app"]:
        app_child(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        for fig in run()["figures"]:
            print(f"{fig['figure']}: {fig['value']:.2f} {fig['unit']} (target {fig['target']})")
