"""A remembered zoom too large for the screen steps back by itself, and Ctrl++ stops.

The in-process tests run on the offscreen platform's one 800x800 screen, where even
zoom 1.0 of a live round is wider than the screen: every larger step is refused and
a larger zoom steps back to 1.0 (never below). tests/test_ui_geometry_wm.py checks
the largest zoom that does fit on real screen sizes under a window manager.
"""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from tests.ui_helpers import loaded, open_window
from tests.ui_live_support import start_round


def test_a_zoom_that_does_not_fit_steps_back_and_zoom_in_stops(qtbot: QtBot,
                                                               data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        window.open_engine(start_round(data_dir).engine)
        assert not window.fit.fits()  # 800x800: the round is wider than the screen
        window.set_zoom(1.6)  # as if remembered from a large monitor
        qtbot.waitUntil(lambda: window.theme.zoom == 1.0, timeout=5000)
        assert window.settings.zoom == 1.0  # and remembered so
        window.actions_.zoom_in.trigger()
        assert window.theme.zoom == 1.0  # the next step would not fit either
