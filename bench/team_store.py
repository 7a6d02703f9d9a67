"""The team store on a local PostgreSQL: publish latency, a debrief from 10,000 scorecards,
and taps while a publish is in flight.

Starts a throwaway PostgreSQL server (Debian's binaries, as the tests do; see
tests/pg_server.py), connected over its Unix socket, and measures:

- **publish latency**: from ``engine.submit()`` on the window's thread to the
  publishing worker reporting the round committed on the server (and marked
  published here), through the real ``PublishWorker``; median and p99 of
  ``ROUNDS`` rounds;
- **debrief from the team store**: the team store holds 10,000 scorecards (2,500
  candidates, four each, loaded with COPY as the schema's owner); a panel lead's
  ``panel --team`` path (connect, read one candidate's scorecards with their
  amendments and the decision, write the debrief PDF) timed in this process, the
  first run and warm ones (target under 1 s), and as the command in a new process
  (Python start-up and imports included);
- **calibration over the team store against the same over a laptop's store**: the
  10,000 scorecards of bench/calibration.py (a large team's year) loaded into a
  second team store and into a local SQLite store; calibration (read and compute)
  over each, in this process, each team run beside a local run of its own: with no
  cache of checked rows (cold), with the cache filled and ``NEW_SINCE`` scorecards
  published since (steady state: the target, at most 2x, is judged on this one) and
  with nothing new (warm); medians of ``CALIBRATION_RUNS`` runs, the median of each
  run's ratio, and the lowest and highest steady-state ratio;
- **tap to durable while a publish is in flight**: engine taps with no team
  store, then with the worker draining a backlog of ``BACKLOG`` rounds, then
  without again, in the same run on the same file; the ratio of the medians and
  of the p99s (target: median ratio at most 1.25).

``python -m bench.team_store`` prints the figures; ``run()`` is what the bench
command calls.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROUNDS = 60
CARDS = 10_000
PER_CANDIDATE = 4
BACKLOG = 400
TAPS = 150
TARGET_DEBRIEF_S = 1.0
TARGET_CALIBRATION_RATIO = 2.0
CALIBRATION_RUNS = 5
NEW_SINCE = 100  # scorecards published since the lead's last calibration (steady state)
TARGET_TAP_RATIO = 1.25
RATINGS = ("strong", "mid", "thin", "very_thin")


def _pct(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))]


def _engine_round(store: Any, pack: Any, candidate: str, interviewer: str) -> Any:
    """A round through the real engine, up to (not including) its submission."""
    from companion.demo.pair import demo_round
    from companion.live.clock import SystemClock
    from companion.live.engine import RoundEngine

    eng = RoundEngine.start(store, pack, demo_round(pack), candidate=candidate,
                            interviewer=interviewer, archetype="api", level="senior",
                            clock=SystemClock())
    eng.start_round()
    eng.rate("mid")
    eng.edit_notes("said", "Explained the retry budget and where idempotency keys live.")
    eng.set_recommendation("yes")
    eng.set_summary("Solid on failure handling.")
    return eng


def publish_latency(db: Any, folder: Path, role: str) -> list[float]:
    """Submit ``ROUNDS`` rounds one by one; time each to the worker's report of it."""
    from companion.store import Store
    from companion.team.publisher import PublishRun
    from companion.team.settings import EVERYTHING, TeamSettings
    from companion.team.worker import PublishWorker
    from tests.scorecards import pack as builtin

    pack = builtin()
    store = Store.open(folder / "latency")
    reported: dict[str, float] = {}
    arrived = threading.Condition()

    def on_run(run: PublishRun) -> None:
        with arrived:
            for s in run.sent:
                reported[s.round_id] = time.perf_counter()
            arrived.notify_all()

    worker = PublishWorker(store, TeamSettings(db.conninfo(role), EVERYTHING), on_run).start()
    out = []
    try:
        for n in range(ROUNDS):
            eng = _engine_round(store, pack, f"Latency {n}", "Bench Interviewer")
            began = time.perf_counter()
            eng.submit()
            worker.wake()  # what the window does on the engine's "submitted" event
            with arrived:
                def published(round_id: str = eng.round_id) -> bool:
                    return round_id in reported

                if not arrived.wait_for(published, timeout=30):
                    raise RuntimeError(f"round {n} was not published within 30 s")
            out.append((reported[eng.round_id] - began) * 1000)
            eng.close()
    finally:
        worker.stop(10)
        store.close()
    return out


def _load_cards(db: Any, owner_role: str, cards: int) -> str:
    """COPY ``cards`` scorecards into the team store; returns one candidate's name."""
    from companion.exchange.files import FORMAT_VERSION, canonical_json, content_hash
    from companion.exchange.schema import scorecard_to_dict
    from tests.scorecards import make_scorecard, pack

    p = pack()
    templates = [make_scorecard(p, interviewer=f"Interviewer {i:02d}", seed=i + 1,
                                words_per_note=40) for i in range(PER_CANDIDATE * 5)]
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    with db.raw("postgres") as conn, conn.cursor() as cur, cur.copy(
            "COPY companion_data.scorecards (id, owner, published_by, interviewer, candidate, "
            "submitted_at, format_version, content_sha256, payload) FROM STDIN") as copy:
        for n in range(cards):
            cand = n // PER_CANDIDATE
            base = templates[n % len(templates)]
            at = start + timedelta(hours=cand)
            sc = replace(base, id=f"{n:032x}", candidate=f"Candidate {cand:04d}",
                         interviewer=f"Interviewer {n % PER_CANDIDATE:02d}",
                         started_at=at, submitted_at=at + timedelta(hours=1))
            payload = scorecard_to_dict(sc)
            copy.write_row((sc.id, owner_role, owner_role, sc.interviewer, sc.candidate,
                            sc.submitted_at, FORMAT_VERSION, content_hash(payload),
                            canonical_json(payload).decode("utf-8")))
    _fill_calibration_parts(db)
    return f"Candidate {(cards // PER_CANDIDATE) // 2:04d}"


def _fill_calibration_parts(db: Any) -> None:
    """What the publish function keeps beside each payload, for rows loaded with COPY."""
    with db.raw("postgres") as conn:
        conn.execute("ALTER TABLE companion_data.scorecards DISABLE TRIGGER scorecards_append_only")
        conn.execute("UPDATE companion_data.scorecards "
                     "SET calibration = companion.calibration_part(payload)")
        conn.execute("ALTER TABLE companion_data.scorecards ENABLE TRIGGER scorecards_append_only")
        conn.commit()


def debrief_times(db: Any, lead: str, candidate: str, folder: Path) -> list[float]:
    """Connect, read the candidate's panel and write the PDF: the first run, then warm ones."""
    from companion.export.panel_pdf import render_panel
    from companion.team.reading import read_panel, team_connection
    from companion.team.settings import EVERYTHING, TeamSettings
    from tests.scorecards import pack

    p = pack()
    team = TeamSettings(db.conninfo(lead), EVERYTHING)
    out = []
    for n in range(6):
        began = time.perf_counter()
        with team_connection(team) as conn:
            panel = read_panel(conn, candidate, p)
        render_panel(panel.scorecards, p, folder / f"debrief-{n}.pdf", labels=panel.labels)
        out.append(time.perf_counter() - began)
        if len(panel.scorecards) != PER_CANDIDATE:
            raise RuntimeError(f"the debrief read {len(panel.scorecards)} scorecards")
    return out


def stored_id(text: str) -> str:
    """The id ``_copy_cards`` stores for a scorecard of id ``text`` (the app's form)."""
    import hashlib

    return hashlib.md5(text.encode()).hexdigest()


def _copy_cards(db: Any, owner: str, cards: list[Any]) -> None:
    """COPY ``cards`` into the team store as ``owner`` published them."""
    from companion.exchange.files import FORMAT_VERSION, canonical_json, content_hash
    from companion.exchange.schema import scorecard_to_dict

    with db.raw("postgres") as raw, raw.cursor() as cur, cur.copy(
            "COPY companion_data.scorecards (id, owner, published_by, interviewer, candidate, "
            "submitted_at, format_version, content_sha256, payload) FROM STDIN") as copy:
        for sc in cards:
            sc = replace(sc, id=stored_id(sc.id))
            payload = scorecard_to_dict(sc)
            copy.write_row((sc.id, owner, owner, sc.interviewer, sc.candidate, sc.submitted_at,
                            FORMAT_VERSION, content_hash(payload),
                            canonical_json(payload).decode("utf-8")))
    _fill_calibration_parts(db)


def calibration_against_local(server: Any, folder: Path) -> dict[str, Any]:
    """The same year of scorecards in a team store and a local store: calibration over each.

    The team side connects, reads what the lead may read and computes; the local
    side opens the store, bulk-reads and computes (what ``calibration`` does either
    way). Each run times the team side three ways, each beside a local run of its
    own (so both see the same load on a shared machine):

    - **no cache**: the read as it was before the cache (``cache=None``), the
      baseline of what writing the cache costs a cold run;
    - **cold**: no cache of checked rows yet (a lead's first calibration, or after
      ``team disconnect``): every row checked and decoded, and the cache written;
    - **warm**: the cache the cold run left, nothing new on the server;
    - **steady state**: then ``NEW_SINCE`` scorecards published since the cache was
      filled (the lead's next calibration after a week of rounds): those rows are
      checked, the rest come from the cache. The target is judged on this one.

    The new scorecards are deleted again after each run, so every cold run reads
    the same 10,000.
    """
    from bench.calibration import _scorecards, build_store
    from companion.calibration.figures import compute_rated
    from companion.content.loader import builtin_pack
    from companion.store import Store
    from companion.store.bulk import read_for_calibration as read_local
    from companion.team.checked_cache import CheckedCache
    from companion.team.reading import read_for_calibration, team_connection
    from companion.team.settings import EVERYTHING, TeamSettings, forget_cache
    from tests.team_support import create_database

    db = create_database(server)
    lead = db.add("cal", "lead", "Calibration Lead")
    scs, _decisions = _scorecards()
    _copy_cards(db, lead, scs)
    local = folder / "calibration-local"
    build_store(local)
    p = builtin_pack()
    team = TeamSettings(db.conninfo(lead), EVERYTHING)
    lead_data = folder / "calibration-lead"
    lead_data.mkdir()
    kinds = ("none", "cold", "warm", "steady")
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    cpu: dict[str, list[float]] = {kind: [] for kind in kinds}
    ratios: dict[str, list[float]] = {kind: [] for kind in kinds}
    local_s: list[float] = []
    counted: dict[str, int] = {}
    left_out = 0

    def team_run(kind: str) -> None:
        nonlocal left_out
        cache = CheckedCache(lead_data, team.conninfo) if kind != "none" else None
        began, began_cpu = time.perf_counter(), time.process_time()
        with team_connection(team) as conn:
            data = read_for_calibration(conn, p, cache)
        counted[kind] = compute_rated(data.rounds, data.decisions, p,
                                      kinds=data.kinds).scorecards
        took = time.perf_counter() - began
        cpu[kind].append(time.process_time() - began_cpu)
        left_out = max(left_out, len(data.problems))
        began = time.perf_counter()
        with Store.open(local) as store:
            here = read_local(store)
        compute_rated(here.rounds, here.decisions, p, rounds=here.pending, kinds=here.kinds)
        baseline = time.perf_counter() - began
        times[kind].append(took)
        local_s.append(baseline)
        ratios[kind].append(took / baseline)

    for run in range(CALIBRATION_RUNS):
        forget_cache(lead_data)
        team_run("none")
        team_run("cold")
        team_run("warm")
        new = [replace(sc, id=f"{sc.id}-new-{run}") for sc in scs[:NEW_SINCE]]
        _copy_cards(db, lead, new)
        team_run("steady")
        with db.raw("postgres") as raw:  # back to the same 10,000 for the next cold run
            raw.execute("ALTER TABLE companion_data.scorecards DISABLE TRIGGER USER")
            raw.execute("DELETE FROM companion_data.scorecards WHERE id = ANY(%s)",
                        ([stored_id(sc.id) for sc in new],))
            raw.execute("ALTER TABLE companion_data.scorecards ENABLE TRIGGER USER")
            raw.commit()
    return {**{kind: statistics.median(t) for kind, t in times.items()},
            "local": statistics.median(local_s),
            "cold_cost": statistics.median(c / n for c, n in zip(cpu["cold"], cpu["none"],
                                                                 strict=True)),
            "ratio": {kind: statistics.median(r) for kind, r in ratios.items()},
            "lowest": min(ratios["steady"]), "highest": max(ratios["steady"]),
            "counted": counted, "left_out": left_out}


def debrief_command_s(db: Any, lead: str, candidate: str, folder: Path) -> float:
    """``companion panel --team CANDIDATE --pdf OUT`` as a new process, start to exit."""
    import os
    import subprocess

    from companion.team.settings import EVERYTHING, save_conninfo

    data = folder / "lead"
    save_conninfo(data, db.conninfo(lead), EVERYTHING)
    env = {**os.environ, "COMPANION_DATA_DIR": str(data),
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    began = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "companion", "panel", "--team", candidate,
                          "--pdf", str(folder / "debrief-cli.pdf")], capture_output=True,
                         text=True, env=env, timeout=120)
    took = time.perf_counter() - began
    if res.returncode != 0:
        raise RuntimeError(f"panel --team failed: {res.stderr.strip()}")
    return took


def _backlog(store: Any, n: int) -> None:
    """``n`` submitted rounds waiting in the outbox (as after a day offline)."""
    from companion.store import outbox, records
    from tests.scorecards import make_scorecard, pack

    p = pack()
    base = make_scorecard(p, interviewer="Bench Interviewer", words_per_note=40)
    now = datetime.now(UTC)
    with store.write() as s:
        for i in range(n):
            sc = replace(base, id=f"{0xBAC000000 + i:032x}", candidate=f"Backlog {i:04d}")
            records.insert(s, sc, imported=False)
            outbox.enqueue(s, sc.id, None, now)


def taps_with_and_without(db: Any, folder: Path, role: str) -> dict[str, list[float]]:
    """Taps with no team store, with the worker publishing a backlog, and without again."""
    from companion.store import Store
    from companion.team.publisher import PublishRun
    from companion.team.settings import EVERYTHING, TeamSettings
    from companion.team.worker import PublishWorker
    from tests.scorecards import pack as builtin

    pack = builtin()
    store = Store.open(folder / "taps")
    _backlog(store, BACKLOG)
    eng = _engine_round(store, pack, "Tap Candidate", "Bench Interviewer")
    out: dict[str, list[float]] = {"alone": [], "publishing": []}

    def taps(key: str, count: int, while_busy: PublishWorker | None = None) -> None:
        for i in range(count):
            if while_busy is not None and not while_busy.busy:
                time.sleep(0.001)  # between two runs: a tap then would prove nothing
                if not while_busy.busy:
                    continue
            began = time.perf_counter()
            eng.rate(RATINGS[i % len(RATINGS)])
            out[key].append((time.perf_counter() - began) * 1000)

    taps("alone", TAPS // 2)
    runs: list[PublishRun] = []
    worker = PublishWorker(store, TeamSettings(db.conninfo(role), EVERYTHING),
                           runs.append).start()
    try:
        deadline = time.monotonic() + 30
        while not worker.busy and time.monotonic() < deadline:
            time.sleep(0.001)
        while len(out["publishing"]) < TAPS and worker.busy:
            taps("publishing", 1, worker)
    finally:
        worker.stop(30)
    taps("alone", TAPS - TAPS // 2)
    eng.close()
    store.close()
    with db.raw("postgres") as conn:
        row = conn.execute("SELECT count(*) FROM companion_data.scorecards "
                           "WHERE candidate LIKE 'Backlog %'").fetchone()
    published = int(row[0]) if row else 0
    if len(out["publishing"]) < TAPS // 2 or not published:
        raise RuntimeError(f"only {len(out['publishing'])} taps while publishing "
                           f"({published} published): the backlog drained too fast")
    return out


def run() -> dict[str, Any]:
    from tests.pg_server import PgServer
    from tests.team_support import create_database

    server = PgServer.start()
    try:
        db = create_database(server)
        sam = db.add("sam", "interviewer", "Bench Interviewer")
        ana = db.add("ana", "lead", "Bench Lead")
        with tempfile.TemporaryDirectory(prefix="bench-team-") as tmp:
            folder = Path(tmp)
            latency = publish_latency(db, folder, sam)
            loaded = time.perf_counter()
            candidate = _load_cards(db, sam, CARDS)
            load_s = time.perf_counter() - loaded
            with db.raw("postgres") as conn:
                conn.execute("ANALYZE companion_data.scorecards")
                total = conn.execute("SELECT count(*) FROM companion_data.scorecards").fetchone()
            debrief = debrief_times(db, ana, candidate, folder)
            command = debrief_command_s(db, ana, candidate, folder)
            taps = taps_with_and_without(db, folder, sam)
            calibration = calibration_against_local(server, folder)
    finally:
        server.stop()
    alone, busy = taps["alone"], taps["publishing"]
    warm = statistics.median(debrief[1:])
    med_ratio = statistics.median(busy) / statistics.median(alone)
    p99_ratio = _pct(busy, 99) / _pct(alone, 99)
    stored = int(str(total[0])) if total else 0
    return {"figures": [
        {"figure": "publish latency (submit to committed), median",
         "value": round(statistics.median(latency), 1), "unit": "ms"},
        {"figure": "publish latency (submit to committed), p99",
         "value": round(_pct(latency, 99), 1), "unit": "ms"},
        {"figure": f"debrief from a team store of {stored:,} scorecards, first",
         "value": round(debrief[0], 3), "unit": "s", "target": TARGET_DEBRIEF_S},
        {"figure": f"debrief from a team store of {stored:,} scorecards, warm median",
         "value": round(warm, 3), "unit": "s", "target": TARGET_DEBRIEF_S},
        {"figure": "the same as a command (`panel --team`, a new process)",
         "value": round(command, 3), "unit": "s"},
        {"figure": f"calibration over the team store ({calibration['counted']['cold']:,} "
                   "scorecards), read as before the cache, median",
         "value": round(calibration["none"], 2), "unit": "s"},
        {"figure": "the same, cold: no cache yet (checked, decoded and cached), median",
         "value": round(calibration["cold"], 2), "unit": "s"},
        {"figure": "the same, cold / read as before the cache, CPU time, median of runs",
         "value": round(calibration["cold_cost"], 2), "unit": "x"},
        {"figure": f"the same, steady state: cache filled, then {NEW_SINCE} new scorecards "
                   "published, median", "value": round(calibration["steady"], 2), "unit": "s"},
        {"figure": "the same, warm: cache filled, nothing new, median",
         "value": round(calibration["warm"], 2), "unit": "s"},
        {"figure": "baseline: the same calibration over a local store, median",
         "value": round(calibration["local"], 2), "unit": "s"},
        {"figure": "calibration, team store / local store (steady state: the target)",
         "value": round(calibration["ratio"]["steady"], 2), "unit": "x",
         "target": TARGET_CALIBRATION_RATIO},
        {"figure": f"the same, each run's ratio ({CALIBRATION_RUNS} runs), lowest",
         "value": round(calibration["lowest"], 2), "unit": "x"},
        {"figure": f"the same, each run's ratio ({CALIBRATION_RUNS} runs), highest",
         "value": round(calibration["highest"], 2), "unit": "x"},
        {"figure": "calibration, team store / local store, read as before the cache",
         "value": round(calibration["ratio"]["none"], 2), "unit": "x"},
        {"figure": "calibration, team store / local store, cold (a first calibration)",
         "value": round(calibration["ratio"]["cold"], 2), "unit": "x"},
        {"figure": "calibration, team store / local store, warm",
         "value": round(calibration["ratio"]["warm"], 2), "unit": "x"},
        {"figure": "loading 10,000 scorecards (COPY, setup only)",
         "value": round(load_s, 1), "unit": "s"},
        {"figure": "tap to durable, no team store, median",
         "value": round(statistics.median(alone), 2), "unit": "ms"},
        {"figure": "tap to durable, publish in flight, median",
         "value": round(statistics.median(busy), 2), "unit": "ms"},
        {"figure": "tap to durable, publish in flight / none, median",
         "value": round(med_ratio, 2), "unit": "x", "target": TARGET_TAP_RATIO},
        {"figure": "tap to durable, publish in flight / none, p99",
         "value": round(p99_ratio, 2), "unit": "x"},
        {"figure": "taps timed while publishing (of the backlog's rounds)",
         "value": len(busy), "unit": ""},
    ]}


def main() -> int:
    from bench.run_all import print_figures

    result = run()
    print_figures(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
