"""Screenshots of the shell's screens in light and dark, written to the ignored screenshots/.

Each picture is also checked for what a glance needs: the theme's own window colour
fills the background, and the text colour really appears (nothing blank, nothing
left in the other theme's colours).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from companion.content.planner import plan_loop
from companion.live.engine import RoundEngine
from companion.ui import theme
from tests.ui_helpers import colour_share, loaded, open_window, screenshot

SIZE = (1600, 960)  # a window filling most of a 1920x1080 second monitor


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_shell_screenshots(qtbot, data_dir: Path, mode: str) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    window.resize(*SIZE)
    window.set_theme(mode)
    colours = theme.PALETTES[mode]
    with loaded(window, data_dir):
        start = window.start_screen
        start.candidate.insert("Ada Lovelace")
        start.interviewer.insert("Grace Hopper")
        start.archetype.setCurrentIndex(start.archetype.findData("distributed"))
        start.level.setCurrentIndex(start.level.findData("senior"))
        start.base.insert("120000")
        start.refresh_plan()
        shot = QImage(str(screenshot(window, f"start_{mode}")))
        assert shot.width() >= SIZE[0]
        # Background and cards in this theme's colours make up most of the picture.
        assert colour_share(shot, colours["window"]) + colour_share(shot, colours["surface"]) > 0.6
        assert colour_share(shot, colours["text"]) > 0.001
        assert colour_share(shot, colours["warn_bg"]) > 0.01  # the calibration warning shows

        plan = plan_loop(window.pack, "api", "senior")
        engine = RoundEngine.start(window.store, window.pack, plan.rounds[1],
                                   candidate="Ada Lovelace", interviewer="Grace Hopper",
                                   archetype="api", level="senior")
        window.open_engine(engine)
        window.actions_.help.trigger()
        shot = QImage(str(screenshot(window, f"help_overlay_{mode}")))
        assert colour_share(shot, colours["surface"]) > 0.3  # the card covers most of it
        window.pages.help_overlay.close_overlay()

        engine.set_recommendation("yes")
        engine.submit()
        assert window.stack.currentWidget() is window.pages.finish_page
        # The keyboard focus elsewhere: a focused primary button is drawn outlined (its
        # ring is checked in test_ui_accessibility.py); here it is the filled one.
        window.pages.finish_page.back_button.setFocus()
        shot = QImage(str(screenshot(window, f"submitted_{mode}")))
        assert colour_share(shot, colours["accent"]) > 0.001  # the export button

        window.set_blank(True)
        shot = QImage(str(screenshot(window, f"blank_{mode}")))
        assert colour_share(shot, colours["window"]) > 0.95
        window.set_blank(False)
