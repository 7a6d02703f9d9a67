"""The ``bench`` command: run every benchmark in bench/ and print one table.

Usage: ``python -m bench.run_all`` (or ``make bench``) from the repository root;
``python -m bench.run_all startup memory`` runs only the named modules.

Every module ``bench/<name>.py`` that defines ``run() -> dict`` is a benchmark.
Each one runs in a fresh interpreter of its own, so one benchmark's imports,
Qt application or memory high-water mark never leak into the next. ``run()``
returns its figures in either shape::

    {"figures": [{"figure": "start-up ratio", "value": 1.2, "unit": "x",
                  "target": 1.5, "ok": True}, ...]}
    {"start-up ratio": {"value": 1.2, "unit": "x", "target": 1.5, "ok": True}, ...}

``target`` is a number (an upper bound unless ``"higher_is_better": True``) or
a text such as ``"<= 50 ms"``; ``ok`` may be omitted when ``target`` is a
number. The table is printed as Markdown (ready for the README) and saved to
bench/results/latest.md; the exit code is 1 when any figure misses its target
or any benchmark fails to run.
"""

from __future__ import annotations

import argparse
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO = BENCH_DIR.parent
# Helpers in bench/ that are not benchmarks themselves.
NOT_BENCHMARKS = {"run_all", "bare_window", "many_rounds", "__init__", "__main__"}
TIMEOUT_S = 900

_CHILD = """
import importlib, json, sys
mod = importlib.import_module("bench." + sys.argv[1])
result = mod.run()
with open(sys.argv[2], "w", encoding="utf-8") as fh:
    json.dump(result, fh, default=str)
"""


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    bench: str
    figure: str
    value: str
    target: str
    ok: bool | None  # None: the benchmark did not say and the target is not a number


def discover() -> list[str]:
    """Names of the benchmark modules in bench/, in alphabetical order."""
    names = []
    for info in pkgutil.iter_modules([str(BENCH_DIR)]):
        if info.name in NOT_BENCHMARKS or info.name.startswith("_") or info.ispkg:
            continue
        text = (BENCH_DIR / f"{info.name}.py").read_text(encoding="utf-8")
        if "def run(" in text:
            names.append(info.name)
    return sorted(names)


def _fmt(value: Any, unit: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        text = f"{value:.3g}" if abs(value) < 100 else f"{value:.0f}"
    else:
        text = str(value)
    return f"{text} {unit}".strip()


def _judge(fig: dict[str, Any]) -> bool | None:
    for key in ("ok", "within_target", "within", "passed", "pass"):
        if key in fig and fig[key] is not None:
            return bool(fig[key])
    value, target = fig.get("value"), fig.get("target")
    if isinstance(value, int | float) and isinstance(target, int | float):
        if fig.get("higher_is_better"):
            return value >= target
        return value <= target
    return None


def _target_text(fig: dict[str, Any]) -> str:
    target = fig.get("target")
    if target is None:
        return "-"
    if isinstance(target, str):
        return target
    op = fig.get("op") or (">=" if fig.get("higher_is_better") else "<=")
    return f"{op} {_fmt(target, str(fig.get('unit', '')))}"


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            items.extend(_flatten(value, path + " "))
        else:
            items.append((path, value))
    return items


def _from_target_keys(bench: str, result: dict[str, Any]) -> list[dict[str, Any]]:
    """Figures from a result that names its targets ``target_<name>`` (an older shape).

    Every nested ``<name>`` value becomes a figure against that target, except
    values under a ``baseline`` key, which are shown as the reference they are.
    """
    figures: list[dict[str, Any]] = []
    targets = {k[len("target_"):]: v for k, v in result.items()
               if k.startswith("target_") and isinstance(v, int | float)}
    for name, target in targets.items():
        unit = name.rsplit("_", 1)[-1] if "_" in name else ""
        for path, value in _flatten(result):
            if path.split(" ")[-1] != name or not isinstance(value, int | float):
                continue
            if "baseline" in path.split(" "):
                figures.append({"figure": f"{bench}: {path}", "value": value, "unit": unit,
                                "target": "reference", "ok": None})
            else:
                figures.append({"figure": f"{bench}: {path}", "value": value, "unit": unit,
                                "target": target})
    return figures


def normalise(bench: str, result: Any) -> list[Row]:
    """Turn one benchmark's ``run()`` result into table rows (either documented shape)."""
    figures: list[dict[str, Any]] = []
    if isinstance(result, dict) and isinstance(result.get("figures"), list):
        figures = [f for f in result["figures"] if isinstance(f, dict)]
    elif isinstance(result, dict) and "value" in result:
        figures = [{"figure": result.get("figure") or result.get("name") or bench, **result}]
    elif isinstance(result, dict):
        for name, fig in result.items():
            if isinstance(fig, dict) and "value" in fig:
                figures.append({"figure": name, **fig})
    if not figures and isinstance(result, dict):
        figures = _from_target_keys(bench, result)
    if not figures:
        return [Row(bench, "(no figures returned)", _fmt(result)[:60], "-", False)]
    rows = []
    for fig in figures:
        name = str(fig.get("figure") or fig.get("name") or bench)
        unit = str(fig.get("unit", ""))
        rows.append(Row(bench, name, _fmt(fig.get("value"), unit), _target_text(fig),
                        _judge(fig)))
    return rows


def run_one(name: str) -> list[Row]:
    """Run ``bench/<name>.py``'s ``run()`` in a fresh interpreter and return its rows."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / "result.json"
        env.setdefault("COMPANION_DATA_DIR", str(Path(tmp) / "data"))
        try:
            proc = subprocess.run([sys.executable, "-c", _CHILD, name, str(out)], cwd=REPO,
                                  env=env, capture_output=True, text=True, timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return [Row(name, "(timed out)", f"> {TIMEOUT_S} s", "-", False)]
        if proc.returncode != 0 or not out.exists():
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return [Row(name, "(failed to run)", last[:80], "-", False)]
        return normalise(name, json.loads(out.read_text(encoding="utf-8")))


def render(rows: list[Row]) -> str:
    """The Markdown table: figure, value, target, within target."""
    lines = ["| figure | value | target | within target |", "|---|---|---|---|"]
    for row in rows:
        verdict = {True: "yes", False: "NO", None: "-"}[row.ok]
        lines.append(f"| {row.figure} | {row.value} | {row.target} | {verdict} |")
    return "\n".join(lines)


def print_figures(result: dict[str, Any]) -> None:
    """One line per figure of a benchmark's ``run()`` result (for its own ``main``)."""
    for row in normalise("", result):
        print(f"{row.figure}: {row.value} ({row.target})")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmarks, print the table, return 0 only if every figure is within target."""
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    args = parser.parse_args(argv)
    names = args.names or discover()
    unknown = sorted(set(names) - set(discover()))
    if unknown:
        print(f"bench: no benchmark named {', '.join(unknown)}", file=sys.stderr)
        return 2
    rows: list[Row] = []
    for name in names:
        print(f"running bench/{name}.py ...", file=sys.stderr, flush=True)
        rows.extend(run_one(name))
    table = render(rows)
    print(table)
    results = BENCH_DIR / "results"
    results.mkdir(exist_ok=True)
    (results / "latest.md").write_text(table + "\n", encoding="utf-8")
    return 0 if all(row.ok is not False for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
