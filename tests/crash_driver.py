"""Drive a live round through the real engine and store until killed (for the crash test).

Started once as ``python tests/crash_driver.py DATA_DIR``; it imports the app,
prints ``ready``, then obeys lines on stdin:

- ``run SEED`` forks a fresh child process that opens the store, starts the
  round (first run) or reopens it (later runs, after the previous child was
  killed), and taps, flags and types until it is killed. Before each
  operation it prints ``do {json}``, and after the operation is committed it
  prints ``ack {json}``. The parent prints ``child PID``.
- ``reap`` waits for the (killed) child and prints ``reaped``; every line the
  child printed comes before it.

Forking from a process that has already imported everything makes each child
start in milliseconds, so the suite can kill twenty-odd real processes well
within its time budget. Each child is an ordinary process: its own SQLite
connections, its own lock on the round, nothing shared but the files.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from companion.live.engine import RoundEngine  # noqa: E402
from companion.record.scorecard import FLAG_STATES  # noqa: E402
from companion.store import Store  # noqa: E402
from tests.fixtures.samples import sample_pack, sample_planned  # noqa: E402

RATINGS = ("strong", "mid", "thin", "very_thin", "skip")
PROBES = ("failure.database", "failure.queue", "failure.downstream")
FLAGS = ("rf-blame", "rf-buzzwords")


def say(kind: str, payload: dict[str, object]) -> None:
    # One write() per line: a pipe write under PIPE_BUF bytes is atomic.
    sys.stdout.write(f"{kind} {json.dumps(payload, sort_keys=True)}\n")
    sys.stdout.flush()


def child(data_dir: Path, seed: int) -> None:
    rng = random.Random(seed)
    pack = sample_pack()
    store = Store.open(data_dir)
    unfinished = store.unfinished_rounds()
    if unfinished:
        eng = RoundEngine.reopen(store, pack, unfinished[0].id)
        eng.resume()
    else:
        eng = RoundEngine.start(store, pack, sample_planned(pack), candidate="Crash Test",
                                interviewer="Driver", archetype="api", level="senior")
        eng.start_round()
    say("started", {"round": eng.round_id})
    items = [it.id for it in eng.items]
    n = 0
    while True:
        n += 1
        op = rng.choice(("rate", "rate", "probe", "flag", "note", "note", "jump", "section"))
        item = rng.choice(items)
        if op == "rate":
            value = rng.choice(RATINGS)
            rec = {"op": op, "item": item, "value": value}
            say("do", rec)
            ok = eng.rate(value, item_id=item)
        elif op == "probe":
            probe, value = rng.choice(PROBES), rng.choice(RATINGS)
            rec = {"op": op, "item": "s-orders", "probe": probe, "value": value}
            say("do", rec)
            ok = eng.answer_probe(probe, rating=value, note=f"p{seed}-{n}", item_id="s-orders")
        elif op == "flag":
            flag = rng.choice(FLAGS)
            now = FLAG_STATES.index(eng.flag_state(flag))
            rec = {"op": op, "flag": flag, "value": FLAG_STATES[(now + 1) % len(FLAG_STATES)]}
            say("do", rec)
            eng.cycle_flag(flag)
            ok = eng.last_error is None
        elif op == "note":
            field = rng.choice(("said", "read"))
            text = f"note {seed}-{n} " + "x" * rng.randint(0, 300)
            rec = {"op": op, "item": item, "field": field, "value": text}
            say("do", rec)
            eng.edit_notes(field, text, item_id=item)
            ok = eng.flush()
        elif op == "jump":
            index = rng.randrange(len(items))
            rec = {"op": op, "value": index}
            say("do", rec)
            eng.jump(index)
            ok = eng.last_error is None
        else:
            t = eng.timers()
            rec = {"op": op, "value": min(t.section_index + 1, len(t.sections) - 1)}
            say("do", rec)
            eng.next_section()
            ok = eng.last_error is None
        if ok:
            say("ack", rec)
        eng.tick()


def serve(data_dir: Path) -> None:
    print("ready", flush=True)
    pid = 0
    for line in sys.stdin:
        cmd, _, arg = line.strip().partition(" ")
        if cmd == "run":
            sys.stdout.flush()
            pid = os.fork()
            if pid == 0:
                try:
                    child(data_dir, int(arg))
                except BaseException as exc:  # report, then leave without cleanup
                    say("error", {"error": repr(exc)})
                os._exit(1)
            print(f"child {pid}", flush=True)
        elif cmd == "reap":
            if pid:
                os.waitpid(pid, 0)
                pid = 0
            print("reaped", flush=True)
        elif cmd == "quit":
            break


if __name__ == "__main__":
    serve(Path(sys.argv[1]))
