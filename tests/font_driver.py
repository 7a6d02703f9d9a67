"""Which characters the window's fonts cannot draw, before and after the launch's
post-paint step registers the shipped fonts.

Run as ``python -m tests.font_driver DATA_DIR`` under a fontconfig setup of the
caller's choosing (tests/test_ui_fonts.py gives it DejaVu Sans alone, as on the
laptop in the issue). Prints one JSON object: for each sample text and widget,
how many of its glyphs came out as the empty box (glyph 0), before and after.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from PySide6.QtGui import QFont, QTextLayout
from PySide6.QtWidgets import QApplication, QWidget

SAMPLES = {
    "cjk": "王芳 李明 山田太郎 さくら カタカナ",
    "cyrillic": "Сергей Иванов, Ёлкина",
    "greek": "Αθηνά Παπαδοπούλου",
    "emoji": "🙂 👍 ✅ 🎯",
    "korean": "김민준 이서연 박지호 최유진",
}


def boxes(font: QFont, text: str) -> int:
    """How many glyphs of ``text`` in ``font`` (with its fallbacks) are missing."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    return sum(1 for run in runs for glyph in run.glyphIndexes() if glyph == 0) + (
        len(text) if not runs else 0)


def survey(widgets: dict[str, QWidget]) -> dict[str, dict[str, int]]:
    return {name: {k: boxes(w.font(), text) for k, text in SAMPLES.items()}
            for name, w in widgets.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", type=Path)
    args = parser.parse_args(argv)
    from companion.content.loader import builtin_pack
    from companion.content.planner import PlannedRound
    from companion.live.engine import RoundEngine
    from companion.ui.app import after_first_frame, build_window, create_app

    app = create_app()
    window = build_window(args.data, app)
    window.show()
    QApplication.processEvents()
    start = window.start_screen
    before = survey({"start.candidate": start.candidate})
    began = time.perf_counter()
    steps = after_first_frame(window, argparse.Namespace(data_dir=str(args.data), pack=[]),
                              args.data)
    deadline = time.monotonic() + 60
    while not steps.done and time.monotonic() < deadline:  # packs and store, on a thread
        QApplication.processEvents()
        time.sleep(0.01)
    took = time.perf_counter() - began
    pack = builtin_pack()
    template = pack.find_template("technical")
    assert template is not None and window.store is not None
    engine = RoundEngine.start(window.store, pack, PlannedRound(template, ("q-last-service",)),
                               candidate="王芳 🙂", interviewer="Αθηνά", archetype="api",
                               level="senior")
    window.open_engine(engine)
    view = window.live_view
    assert view is not None
    QApplication.processEvents()
    after = survey({"start.candidate": start.candidate, "start.past": start.past,
                    "notes.said": view.notes.fields["said"], "item.prompt": view.item_panel.prompt,
                    "finish.summary": view.finish.summary, "flag.evidence":
                        next(iter(view.flags.evidence.values())),
                    "submitted.details": window.pages.finish_page.details})
    window.close_engine()
    print(json.dumps({"before": before, "after": after, "register_ms": round(took * 1000, 1),
                      "families": app.font().families()}))
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
