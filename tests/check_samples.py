"""Check the built-in sample answers by hand: ``python3 tests/check_samples.py``.

A plain script, not a test module: the practice branch's loader and ``content check``
validate samples.toml for the suite; this one only keeps the content honest while it
is written (every item covered at every level, lengths in range, failure answers
spread over the levels). Prints one line per problem and exits 1 when there is any.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

BUILTIN = Path(__file__).resolve().parent.parent / "companion" / "content" / "builtin"
LEVELS = ("strong", "mid", "thin", "very_thin")
TARGETS = ("database", "queue", "downstream")
ANSWER_WORDS = (60, 200)
FAILURE_WORDS = (20, 120)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters."""
    return len(text.split())


def sentence_count(text: str) -> int:
    """Sentences ending in . ! or ? (a why should have one or two)."""
    return len(re.findall(r"[.!?](?:\s|$)", text.strip()))


def _load(name: str) -> dict[str, Any]:
    with (BUILTIN / name).open("rb") as fh:
        return tomllib.load(fh)


def _check_text(where: str, entry: dict[str, Any], bounds: tuple[int, int]) -> list[str]:
    problems = []
    n = word_count(str(entry.get("answer", "")))
    if not bounds[0] <= n <= bounds[1]:
        problems.append(f"{where}: answer has {n} words, wants {bounds[0]}-{bounds[1]}")
    why = str(entry.get("why", "")).strip()
    if not why or not 1 <= sentence_count(why) <= 2:
        problems.append(f"{where}: why should be one or two sentences")
    if entry.get("level") not in LEVELS:
        problems.append(f"{where}: level {entry.get('level')!r} is not one of {LEVELS}")
    return problems


def check() -> list[str]:
    """Every problem found in samples.toml, one line each."""
    questions = {q["id"] for q in _load("questions.toml")["questions"]}
    scenarios = {s["id"]: s for s in _load("scenarios.toml")["scenarios"]}
    samples = _load("samples.toml").get("samples", [])
    problems: list[str] = []
    ids: Counter[str] = Counter()
    levels: dict[str, set[str]] = {}
    failure_levels: dict[str, Counter[str]] = {}
    for s in samples:
        sid, item = str(s.get("id", "")), str(s.get("item", ""))
        ids[sid] += 1
        if item not in questions and item not in scenarios:
            problems.append(f"{sid}: item {item!r} is not a built-in question or scenario")
        if not re.fullmatch(rf"{re.escape(item)}-{s.get('level')}(-\d+)?", sid):
            problems.append(f"{sid}: id should be item-level (with -2, -3 for more)")
        problems += _check_text(sid, s, ANSWER_WORDS)
        levels.setdefault(item, set()).add(str(s.get("level")))
        failures = s.get("failure", [])
        probed = item in scenarios and scenarios[item].get("failure_probes", False)
        if failures and item not in scenarios:  # any scenario may carry them (probes may arrive by merge)
            problems.append(f"{sid}: failure answers on an item that is not a scenario")
        if probed and sorted(f.get("target") for f in failures) != sorted(TARGETS):
            problems.append(f"{sid}: wants one failure answer for each of {TARGETS}")
        for f in failures:
            problems += _check_text(f"{sid}/{f.get('target')}", f, FAILURE_WORDS)
            failure_levels.setdefault(item, Counter())[str(f.get("level"))] += 1
    problems += [f"{sid}: id used {n} times" for sid, n in ids.items() if n > 1]
    for item in sorted(questions | set(scenarios)):
        missing = [lv for lv in LEVELS if lv not in levels.get(item, set())]
        if missing:
            problems.append(f"{item}: no sample at level {', '.join(missing)}")
    for item, s in scenarios.items():
        if s.get("failure_probes", False):
            gaps = [lv for lv in LEVELS if not failure_levels.get(item, Counter())[lv]]
            if gaps:
                problems.append(f"{item}: no failure answer at level {', '.join(gaps)}")
    return problems


def main() -> int:
    problems = check()
    for line in problems:
        print(line)
    samples = _load("samples.toml").get("samples", [])
    counts = [word_count(s["answer"]) for s in samples]
    if counts:
        print(f"{len(samples)} samples, answer words {min(counts)}-{max(counts)}, "
              f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
