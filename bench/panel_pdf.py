"""Panel debrief export budget: five interviewers, 12 questions, 4 scenarios, ~2,000 words each.

Renders the debrief PDF several times in one process and reports the median
wall time (target: under 2 s) and CPU time (steadier when other work shares
the machine), the first (cold) run, which also registers the embedded fonts,
and the page count. As a yardstick measured in the same run, a
bare reportlab document of the same notes set in Helvetica (no tables, no font
fallback, no embedding) is built the same number of times; the ratio says what
the layout and the embedded fonts cost on top of plain text.

``python bench/panel_pdf.py [--runs N]`` prints the figures; ``run()`` is what
the bench command calls.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RUNS = 5
TARGET_S = 2.0
INTERVIEWERS = ("Priya Raman", "Андрей Смирнов", "王芳", "Zoë Łukasiewicz", "Tom O'Neill")
WORDS_PER_ITEM_NOTE = 65  # tuned so each scorecard carries about 2,000 words of notes


def _panel() -> tuple[Any, list[Any]]:
    from tests.scorecards import make_scorecard, pack

    p = pack()
    items = [*(q.id for q in p.questions[:12]), *(s.id for s in p.scenarios[:4])]
    ratings = ("strong", "mid", "thin", "very_thin", "mid")
    scs = [make_scorecard(p, interviewer=name, candidate="Jordan Ellis", seed=i + 1,
                          item_ids=items, words_per_note=WORDS_PER_ITEM_NOTE,
                          recommendation=("yes", "no", "strong_yes", "yes", "no")[i],
                          ratings={item: ratings[(i + n) % 5] for n, item in enumerate(items)})
           for i, name in enumerate(INTERVIEWERS)]
    return p, scs


def _notes(sc: Any) -> list[str]:
    texts = [sc.said, sc.read, sc.summary]
    for it in sc.items:
        texts += [it.said, it.read, *(p.note for p in it.probes)]
    return [t for t in texts if t]


def _baseline(scorecards: list[Any]) -> bytes:
    """The same notes as plain Helvetica paragraphs: the cheapest document reportlab makes."""
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    style = getSampleStyleSheet()["BodyText"]
    story = []
    for sc in scorecards:
        for text in _notes(sc):
            safe = text.replace("&", "&amp;").replace("<", "&lt;")
            story.append(Paragraph(safe.encode("latin-1", "replace").decode("latin-1"), style))
    buf = io.BytesIO()
    SimpleDocTemplate(buf).build(story)
    return buf.getvalue()


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def run(runs: int = RUNS) -> dict[str, Any]:
    """Time the debrief export and the Helvetica baseline; return the figures."""
    if str(REPO) not in sys.path:  # run as a script from anywhere
        sys.path.insert(0, str(REPO))
    from companion.export.panel_pdf import render_panel

    pack, scorecards = _panel()
    words = statistics.mean(sum(len(t.split()) for t in _notes(sc)) for sc in scorecards)
    ours: list[float] = []
    ours_cpu: list[float] = []
    base: list[float] = []
    base_cpu: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "debrief.pdf"
        for _ in range(runs):
            # Alternate the two so machine load falls on both alike.
            t0, c0 = time.perf_counter(), time.process_time()
            render_panel(scorecards, pack, out)
            ours.append(time.perf_counter() - t0)
            ours_cpu.append(time.process_time() - c0)
            t0, c0 = time.perf_counter(), time.process_time()
            _baseline(scorecards)
            base.append(time.perf_counter() - t0)
            base_cpu.append(time.process_time() - c0)
        pages = _pages(out)
        size_kb = out.stat().st_size / 1024
    warm = slice(1, None) if len(ours) > 2 else slice(None)
    median = statistics.median(ours[warm])
    cpu = statistics.median(ours_cpu[warm])
    base_median = statistics.median(base)
    base_cpu_median = statistics.median(base_cpu)
    return {"figures": [
        {"figure": "panel debrief export, median", "value": round(median, 3), "unit": "s",
         "target": TARGET_S},
        {"figure": "panel debrief export, median CPU time", "value": round(cpu, 3),
         "unit": "s"},
        {"figure": "panel debrief export, first run (registers fonts)",
         "value": round(ours[0], 3), "unit": "s", "target": TARGET_S},
        {"figure": "panel debrief pages", "value": pages, "unit": "pages"},
        {"figure": "panel debrief file size", "value": round(size_kb), "unit": "KiB"},
        {"figure": "notes per scorecard", "value": round(words), "unit": "words"},
        {"figure": "baseline: same notes, bare Helvetica document, median",
         "value": round(base_median, 3), "unit": "s"},
        {"figure": "baseline median CPU time", "value": round(base_cpu_median, 3), "unit": "s"},
        {"figure": "ratio to baseline (wall)", "value": round(median / base_median, 2),
         "unit": "x"},
        {"figure": "ratio to baseline (CPU)", "value": round(cpu / base_cpu_median, 2),
         "unit": "x"},
    ]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    result = run(max(args.runs, 1))
    ok = True
    for fig in result["figures"]:
        target = fig.get("target")
        mark = ""
        if target is not None:
            passed = fig["value"] <= target
            ok &= passed
            mark = f"  (target < {target} {fig['unit']}: {'ok' if passed else 'MISSED'})"
        print(f"{fig['figure']}: {fig['value']} {fig['unit']}{mark}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
