"""Memory: peak resident memory of a 16-item round with long notes, window and all.

A fresh interpreter opens the app's real main window (offscreen unless a
display is set), starts a round of 16 items on a real store in a temporary
folder, and drives it through the live engine the way an interviewer would:
rate each item, answer probes and the three failure probes, toggle flags, and
type long notes in bursts with the engine's autosave ticking, then submit. It
records its own peak resident set size at that point; afterwards it exports the
scorecard PDF in the same process (what the window's export button does), and
records its peak again. Targets: the round under 130 MB, in a data folder opened
before and on a first launch (which builds the file), and with the export under 200 MB.

``python -m bench.memory`` prints the figures; ``run()`` is what the bench command calls.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
TARGET_MB = 130.0
# A PDF export loads reportlab and the fonts it embeds on top of the round.
EXPORT_TARGET_MB = 200.0
ITEMS = 16
# About 4,000 characters of "what they said" per item, typed in 40 bursts.
SAID = ("Started from the access pattern, then sized the write path: {n} writes a second at "
        "peak, a queue in front of the slow consumer, idempotency keys on every retry. ")
READ = "Reasoned from numbers before boxes; checked the failure cases without prompting. "
BURSTS = 40


def peak_mb() -> float:
    """This process's peak resident memory, in MiB.

    On Linux ``VmHWM`` (the high-water mark of this address space) is read first:
    ``ru_maxrss`` carries over exec, so a child started by a large parent (say a
    test run that has loaded numpy) would report the parent's size as its own.
    """
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    # ru_maxrss is KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(out: Path) -> None:
    """The measured workload (runs in its own interpreter)."""
    from companion.content.loader import load_pack
    from companion.content.planner import PlannedRound, plan_loop
    from companion.live.clock import ManualClock
    from companion.live.engine import ROUND, RoundEngine
    from companion.store import Store
    from companion.ui.app import build_window, create_app

    root = Path(os.environ["COMPANION_DATA_DIR"])
    app = create_app()
    window = build_window(root, app)
    pack = load_pack()
    store = Store.open(root)
    window.set_sources(store, pack, root)
    window.show()
    app.processEvents()

    # Every question and scenario of the built-in pack: 16 items, under the
    # technical round's timed sections.
    technical = next(r for r in plan_loop(pack, "api", "senior").rounds
                     if r.template.id == "technical")
    item_ids = tuple(q.id for q in pack.questions) + tuple(s.id for s in pack.scenarios)
    assert len(item_ids) == ITEMS, f"the built-in pack has {len(item_ids)} items, not {ITEMS}"
    clock = ManualClock()
    engine = RoundEngine.start(store, pack, PlannedRound(template=technical.template,
                                                         items=item_ids),
                               candidate="Jordan Ellis", interviewer="Robin Hale",
                               archetype="api", level="senior", clock=clock)
    window.open_engine(engine)
    app.processEvents()
    engine.start_round()
    ratings = ("strong", "mid", "thin", "very_thin")
    for index, item in enumerate(engine.items):
        engine.jump(index)
        engine.rate(ratings[index % len(ratings)])
        for probe in item.probes:
            engine.answer_probe(probe.id, rating="mid", note="partly; needed a nudge")
        if item.kind == "scenario":
            for target in ("database", "queue", "downstream"):
                engine.answer_probe(f"failure.{target}", rating="strong",
                                    note="recovery, retries and the trade-off all named")
        said = ""
        for burst in range(BURSTS):
            said += SAID.format(n=(burst + 1) * 100)
            engine.edit_notes("said", said)
            clock.advance(1.5)
            engine.tick()
            app.processEvents()
        engine.edit_notes("read", READ * 12)
        if index % 4 == 0:
            engine.cycle_flag(pack.red_flags[index % len(pack.red_flags)].id)
        clock.advance(120)
        engine.tick()
        app.processEvents()
    engine.edit_notes("said", SAID.format(n=0) * 30, item_id=ROUND)
    engine.set_recommendation("no")
    engine.set_summary("Careful and numerate; the data-modelling answers were thin.")
    engine.flush()
    engine.submit()
    app.processEvents()
    round_peak = peak_mb()
    card = store.load_scorecard(engine.round_id)

    from companion.export.scorecard_pdf import render_scorecard

    render_scorecard(card, pack, root / "card.pdf")
    window.close_engine()
    window.close()
    store.close()
    notes = sum(len(i.said) + len(i.read) for i in card.items)
    out.write_text(json.dumps({"round_peak_mb": round_peak, "total_peak_mb": peak_mb(),
                               "items": len(card.items), "note_chars": notes}),
                   encoding="utf-8")


def _measure(first_launch: bool) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        env["COMPANION_DATA_DIR"] = str(Path(tmp) / "data")
        out = Path(tmp) / "result.json"
        if not first_launch:  # the data folder of an app opened before: no file to build
            subprocess.run([sys.executable, "-c", "import os, pathlib; from companion.store "
                            "import Store; Store.open(pathlib.Path(os.environ["
                            "'COMPANION_DATA_DIR'])).close()"], cwd=REPO, env=env, check=True)
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([sys.executable, "-m", "bench.memory", "--child", str(out)],
                                    cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=err)
            _pid, status, _usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                err.seek(0)
                tail = err.read().decode(errors="replace").strip().splitlines()[-3:]
                raise RuntimeError(f"memory workload exited {proc.returncode}: {tail}")
        result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


def run() -> dict[str, Any]:
    """Figures for the bench table: the round's peak RSS in a data folder the app has
    opened before, and on a first launch (the file built, Alembic loaded), each with a
    PDF export after it."""
    result = _measure(first_launch=False)
    first = _measure(first_launch=True)
    round_mb = float(result["round_peak_mb"])
    total_mb = float(result["total_peak_mb"])  # the child's own (see peak_mb), not wait4's
    label = f"{result['items']} items, {result['note_chars'] // 1000}k characters of notes"
    return {"figures": [
        {"figure": f"peak memory, round in the window ({label})", "value": round_mb,
         "unit": "MB", "target": TARGET_MB, "op": "<", "ok": round_mb < TARGET_MB},
        {"figure": "peak memory, same round then its PDF export", "value": total_mb,
         "unit": "MB", "target": EXPORT_TARGET_MB, "op": "<",
         "ok": total_mb < EXPORT_TARGET_MB},
        {"figure": "peak memory, same round on a first launch (file built)",
         "value": float(first["round_peak_mb"]), "unit": "MB", "target": TARGET_MB, "op": "<",
         "ok": float(first["round_peak_mb"]) < TARGET_MB},
    ]}


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(Path(sys.argv[2]))
    else:
        for fig in run()["figures"]:
            print(f"{fig['figure']}: {fig['value']:.0f} MB (target {fig['target']})")
