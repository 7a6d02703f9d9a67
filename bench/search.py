"""Search: typing a candidate's name over 100,000 stored rounds, as the start screen does.

A data folder of 100,000 submitted rounds (bench/many_rounds.py; the app's own
schema and triggers build the index) is searched for 40 candidates' full names and
for the first three letters of each, the way the list asks per pause in typing: the
first page of matches, newest first, and the count under the field
(``Store.search_rounds`` and ``count_rounds``). The baseline, in the same run and on
the same rounds, is the plain LIKE match a build of SQLite without FTS5 falls back to.
Common words (words most rounds' notes or titles hold, alone and in pairs, and their
first letters) are timed too, beside the same words through the sort of every match
that a rare word's search uses (the way every search went before ``search._walk_page``).
Target: a name and a common word each found in under 50 ms (median); the figures are
medians and the slowest.

``python -m bench.search`` prints the figures; ``run()`` is what the bench command calls.
"""

from __future__ import annotations

import contextlib
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROUNDS = 100_000
NAMES = 40
# Words that most of bench/many_rounds.py's rounds hold (notes, round title, interviewer).
COMMON = ["cache", "rollback", "queue", "technical", "interviewer", "cache queue",
          "timeout ordering", "ca", "ro", "interview", "snap", "technical failover"]
TARGET_MS = 50.0


def _time_searches(store: Any, queries: list[str]) -> list[float]:
    from companion.store.search import RoundFilter

    out = []
    for q in queries:
        f = RoundFilter(words=q, submitted=True)
        began = time.perf_counter()
        rows = store.search_rounds(f)
        store.count_rounds(f, at_most=1000)
        out.append((time.perf_counter() - began) * 1000)
        if not rows:
            raise RuntimeError(f"the search for {q!r} found nothing")
    return out


@contextlib.contextmanager
def _sort_every_match() -> Iterator[None]:
    """Searches as they ran before the walk by date: every match read and sorted."""
    from companion.store import search

    search.WALK_BY_DATE = False
    try:
        yield
    finally:
        search.WALK_BY_DATE = True


def run(rounds: int = ROUNDS) -> dict[str, Any]:
    from bench.many_rounds import candidate_name, fill
    from companion.store import Store

    rng = random.Random(7)
    candidates = rng.sample(range(rounds // 4), NAMES)
    names = [candidate_name(k) for k in candidates]
    starts = [name[:3] for name in names]
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        folder = Path(tmp) / "data"
        fill(folder, rounds)
        with Store.open(folder) as store:
            assert store.search_kind == "fts5", "this SQLite has no FTS5"
            _time_searches(store, names[:5])  # warm the page cache, as a used app has it
            fts_names = _time_searches(store, names)
            fts_starts = _time_searches(store, starts)
            fts_common = _time_searches(store, COMMON)
            with _sort_every_match():
                sorted_common = _time_searches(store, COMMON)
            store.search_kind = "like"  # the same rounds through the fallback's LIKE
            like_names = _time_searches(store, names[:10])
    name_ms = statistics.median(fts_names)
    common_ms = statistics.median(fts_common)
    what = f"{rounds:,} rounds"
    return {"figures": [
        {"figure": f"search a candidate's name, {what} (median of {NAMES})", "value": name_ms,
         "unit": "ms", "target": TARGET_MS, "op": "<", "ok": name_ms < TARGET_MS},
        {"figure": "same, slowest", "value": max(fts_names), "unit": "ms",
         "target": "for information", "ok": None},
        {"figure": f"search a common word, {what} (median of {len(COMMON)})",
         "value": common_ms, "unit": "ms", "target": TARGET_MS, "op": "<",
         "ok": common_ms < TARGET_MS},
        {"figure": "same, slowest", "value": max(fts_common), "unit": "ms",
         "target": "for information", "ok": None},
        {"figure": "baseline: same common words, every match sorted (median)",
         "value": statistics.median(sorted_common), "unit": "ms", "target": "reference",
         "ok": None},
        {"figure": f"search a name's first 3 letters, {what} (median)",
         "value": statistics.median(fts_starts), "unit": "ms", "target": "for information",
         "ok": None},
        {"figure": "baseline: same names by LIKE (no FTS5), median of 10",
         "value": statistics.median(like_names), "unit": "ms", "target": "reference",
         "ok": None},
    ]}


if __name__ == "__main__":
    for fig in run()["figures"]:
        print(f"{fig['figure']}: {fig['value']:.1f} {fig['unit']} (target {fig['target']})")
