"""Screenshots of the live round in the real window, light and dark, into screenshots/.

The start screen, a live question, a live scenario with its failure probes (and
with its cues folded out), the help overlay over the live round, and the finish
page, each checked for what a glance needs. With ``COMPANION_DOC_IMAGES=1`` the
light scenario view is also written to docs/images/live-view.png for the README.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.ui import theme
from tests.conftest import REPO
from tests.ui_helpers import colour_share, loaded, open_window, screenshot
from tests.ui_live_support import START, planned_round

SIZE = (1600, 960)
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
DOC_IMAGE = REPO / "docs" / "images" / "live-view.png"


def press(qtbot: QtBot, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
          ) -> None:
    target = QApplication.focusWidget()
    assert target is not None
    qtbot.keyClick(target, key, mods)


def shot(window: object, name: str) -> QImage:
    for _ in range(3):  # let wrapped labels settle their heights before the grab
        QApplication.processEvents()
    return QImage(str(screenshot(window, name)))  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_live_screenshots(qtbot: QtBot, data_dir: Path, mode: str) -> None:
    window = open_window(qtbot, data_dir)
    window.resize(*SIZE)
    window.set_theme(mode)
    colours = theme.PALETTES[mode]
    with loaded(window, data_dir):
        start = window.start_screen
        start.candidate.insert("Dana Whitfield")
        start.interviewer.insert("Sam Okafor")
        start.archetype.setCurrentIndex(start.archetype.findData("api"))
        start.level.setCurrentIndex(start.level.findData("senior"))
        start.refresh_plan()
        image = shot(window, f"round_start_{mode}")
        background = (colour_share(image, colours["window"])
                      + colour_share(image, colours["surface"]))
        assert background > 0.6

        clock = ManualClock(START)
        engine = RoundEngine.start(window.store, window.pack, planned_round(window.pack),
                                   candidate="Dana Whitfield", interviewer="Sam Okafor",
                                   archetype="api", level="senior", clock=clock)
        window.open_engine(engine)
        view = window.live_view
        assert view is not None

        # A question a minute and a half in: listening timer running, a rating, a flag.
        engine.start_round()
        said = view.findChild(QPlainTextEdit, "notes.said")
        read = view.findChild(QPlainTextEdit, "notes.read")
        qtbot.keyClicks(said, "Billing API in Go on Postgres, about 2k rps at peak. "
                              "Pool exhaustion at 4k; moved reads to a replica.")
        qtbot.keyClicks(read, "Owns it end to end; specific numbers.")
        view.focus_notes("said")
        press(qtbot, Qt.Key.Key_1, ALT)
        press(qtbot, Qt.Key.Key_1, CTRL)
        press(qtbot, Qt.Key.Key_2, CTRL)
        press(qtbot, Qt.Key.Key_F6)
        clock.advance(95)
        engine.tick()
        view.refresh_timers()
        image = shot(window, f"live_question_{mode}")
        assert colour_share(image, colours["accent"]) > 0.002  # the Strong button
        assert colour_share(image, colours["warn_bg"]) > 0.002  # the probed flag

        # The scenario late in the round: section over time, behind plan, probes half done.
        clock.advance(19 * 60 - 95)
        engine.next_section()
        clock.advance(39 * 60)
        engine.tick()
        engine.jump(3)
        view.focus_notes("said")
        press(qtbot, Qt.Key.Key_1, CTRL)
        press(qtbot, Qt.Key.Key_1, ALT)
        press(qtbot, Qt.Key.Key_2, CTRL)
        press(qtbot, Qt.Key.Key_2, ALT)
        press(qtbot, Qt.Key.Key_3, CTRL)
        press(qtbot, Qt.Key.Key_F3)
        clock.advance(70)
        engine.tick()
        qtbot.keyClicks(said, "Asked for p50/p99 first. Timeout at the LB, not the app.")
        press(qtbot, Qt.Key.Key_F5)
        press(qtbot, Qt.Key.Key_F5)
        clock.advance(1)
        engine.tick()
        view.refresh_timers()
        image = shot(window, f"live_scenario_{mode}")
        assert colour_share(image, colours["danger_bg"]) > 0.002  # the overrun and confirmed flag
        assert colour_share(image, colours["selection"]) > 0.005  # the picked failure row
        if mode == "light" and os.environ.get("COMPANION_DOC_IMAGES") == "1":
            DOC_IMAGE.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "screenshots" / "live_scenario_light.png", DOC_IMAGE)

        press(qtbot, Qt.Key.Key_C, ALT)
        shot(window, f"live_cues_{mode}")
        press(qtbot, Qt.Key.Key_C, ALT)
        press(qtbot, Qt.Key.Key_3, ALT)  # the targeted downstream row: thin
        press(qtbot, Qt.Key.Key_2, ALT)  # the scenario itself: mid
        second, third = (it.id for it in engine.items[1:3])
        engine.rate("thin", item_id=second)
        engine.rate("skip", item_id=third)

        window.actions_.help.trigger()
        image = shot(window, f"live_help_{mode}")
        listed = {name for _g, _k, name, _h in window.pages.help_overlay.rows}
        assert {"Rate Strong", "Next section", "Flag: Buzzwords without an example"} <= listed
        assert not any(name.startswith("Probe row 2") for name in listed)
        window.pages.help_overlay.close_overlay()

        press(qtbot, Qt.Key.Key_F, CTRL | SHIFT)
        press(qtbot, Qt.Key.Key_3, ALT)
        qtbot.keyClicks(QApplication.focusWidget(),
                        "Diagnoses before fixing and names numbers. Vague on queue failure.")
        press(qtbot, Qt.Key.Key_Return, CTRL)
        image = shot(window, f"finish_{mode}")
        assert engine.recommendation == "yes"
        assert colour_share(image, colours["accent"]) > 0.002  # the chosen recommendation
        assert colour_share(image, colours["warn_bg"]) > 0.002  # the confirm bar
