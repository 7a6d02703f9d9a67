"""The window shell: smoke start, help overlay, blank key, zoom, themes, error hook, banner."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox

from companion.ui import theme
from companion.ui.app import install_excepthook
from companion.ui.help_overlay import shortcut_text
from tests.conftest import REPO, run_cli
from tests.ui_helpers import open_window


def test_smoke_exits_zero_offscreen(data_dir: Path) -> None:
    res = run_cli("--smoke", data_dir=data_dir, env={"QT_QPA_PLATFORM": "offscreen"})
    assert res.returncode == 0, res.stderr
    log = (data_dir / "logs" / "companion.log").read_text(encoding="utf-8")
    assert "first paint" in log
    settings = data_dir / "settings.ini"
    assert settings.exists()  # the placement was saved on the way out
    stats = []
    for _ in range(2):  # the first restore may still settle the placement
        again = run_cli("--smoke", data_dir=data_dir, env={"QT_QPA_PLATFORM": "offscreen"})
        assert again.returncode == 0, again.stderr
        stats.append(settings.stat())
    # Then nothing moves, so closing does not write the file again.
    assert (stats[1].st_ino, stats[1].st_mtime_ns) == (stats[0].st_ino, stats[0].st_mtime_ns)


def test_start_up_keeps_reportlab_out(data_dir: Path) -> None:
    # Open the window and load packs and database as a real launch does, in a fresh process.
    code = (
        "import argparse, sys\n"
        "from pathlib import Path\n"
        "from companion.ui.app import build_window, create_app, load_sources\n"
        "app = create_app()\n"
        f"root = Path({str(data_dir)!r})\n"
        "w = build_window(root, app); w.show(); app.processEvents()\n"
        "load_sources(w, argparse.Namespace(data_dir=str(root), pack=[]), root)\n"
        "print(w.start_screen.archetype.count(), 'reportlab' in sys.modules)\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COMPANION_DATA_DIR=str(data_dir))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=REPO, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    count, loaded = out.stdout.split()
    assert int(count) >= 3 and loaded == "False"


def test_help_overlay_lists_every_window_shortcut(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    overlay = window.pages.help_overlay
    assert overlay.isVisible()
    listed = {(keys, name) for _g, keys, name, _h in overlay.rows}
    with_keys = [a for a in window.actions_.all() if not a.shortcut().isEmpty()]
    assert len(with_keys) >= 9
    for action in with_keys:
        assert (shortcut_text(action), action.text().replace("&", "")) in listed
    # The rows are really on screen, one key label per row.
    # Alternatives stack one per line.
    keys_on_screen = [w.text().replace("\n", " / ")
                      for w in overlay.findChildren(QLabel, "helpKey")]
    assert keys_on_screen == [keys for _g, keys, _n, _h in overlay.rows]
    assert "F12 / Ctrl+B" in keys_on_screen
    qtbot.keyClick(overlay, Qt.Key.Key_Escape)
    assert not overlay.isVisible()


def test_question_mark_opens_help_but_types_in_text_fields(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    field = window.start_screen.findChild(QLineEdit, "candidateInput")
    field.setFocus()
    qtbot.keyClicks(field, "Who?")
    assert field.text() == "Who?"
    assert not window.pages.help_overlay.isVisible()
    window.start_screen.start_button.setFocus()
    qtbot.keyClick(window.start_screen.start_button, Qt.Key.Key_Question)
    assert window.pages.help_overlay.isVisible()


def test_blank_key_hides_everything_and_brings_it_back(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    field = window.start_screen.candidate
    field.setFocus()
    qtbot.keyClicks(field, "Ada")
    qtbot.keyClick(field, Qt.Key.Key_F12)
    assert window.blanked
    assert not window.stack.isVisible() and not window.menuBar().isVisible()
    assert not field.isVisible()
    assert window.pages.blank_page.isVisible()
    assert QApplication.focusWidget() is window.pages.blank_page
    qtbot.keyClick(window.pages.blank_page, Qt.Key.Key_F12)
    assert not window.blanked
    assert window.stack.isVisible() and window.menuBar().isVisible()
    assert field.hasFocus() and field.text() == "Ada"
    # Ctrl+B does the same, and F1 does not open the help over a blank window.
    qtbot.keyClick(field, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert window.blanked
    qtbot.keyClick(window.pages.blank_page, Qt.Key.Key_F1)
    assert not window.pages.help_overlay.isVisible()
    qtbot.keyClick(window.pages.blank_page, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert not window.blanked


def test_zoom_persists_across_restarts(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    qtbot.keyClick(window, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.theme.zoom == pytest.approx(1.2)
    assert QApplication.font().pointSizeF() == pytest.approx(theme.BASE_POINT_SIZE * 1.2)
    window.close()

    again = open_window(qtbot, data_dir)
    assert again.theme.zoom == pytest.approx(1.2)
    assert QApplication.font().pointSizeF() == pytest.approx(theme.BASE_POINT_SIZE * 1.2)
    qtbot.keyClick(again, Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier)
    assert again.theme.zoom == pytest.approx(1.1)
    again.actions_.zoom_reset.trigger()
    again.close()
    assert open_window(qtbot, data_dir).theme.zoom == pytest.approx(1.0)


@pytest.mark.parametrize("name", ["light", "dark"])
def test_theme_text_contrast_is_readable(name: str) -> None:
    colours = theme.PALETTES[name]
    for fg, bg in (*theme.TEXT_PAIRS, *theme.FOCUS_PAIRS):
        ratio = theme.contrast_ratio(colours[fg], colours[bg])
        assert ratio >= 4.5, f"{name}: {fg} on {bg} is {ratio:.2f}:1"
    sheet = theme.style_sheet(name, 1.0)
    assert "$" not in sheet and colours["text"] in sheet


def test_theme_follows_the_system_and_can_be_fixed(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    # The offscreen platform has no colour scheme of its own: send the change notification
    # the platform sends when the user switches their system to dark and back.
    hints = QGuiApplication.styleHints()
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert window.theme.active == "dark"
    window_colour = QApplication.palette().color(QPalette.ColorRole.Window).name()
    assert window_colour == theme.DARK["window"]
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window.theme.active == "light"
    window.actions_.theme["dark"].trigger()
    assert window.theme.active == "dark"
    hints.colorSchemeChanged.emit(Qt.ColorScheme.Light)
    assert window.theme.active == "dark"  # chosen by the user: the system does not override
    window.close()
    assert open_window(qtbot, data_dir).theme.mode == "dark"


def test_start_up_guess_comes_from_the_platform_palette(qtbot) -> None:  # type: ignore[no-untyped-def]
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    kept, saved = app.property(theme.PLATFORM_DARK_PROPERTY), QApplication.palette()
    try:
        for window_colour, dark in (("#202124", True), ("#f6f6f4", False)):
            app.setProperty(theme.PLATFORM_DARK_PROPERTY, None)  # as before any window
            palette = QPalette(saved)
            palette.setColor(QPalette.ColorRole.Window, window_colour)
            QApplication.setPalette(palette)
            assert theme.palette_is_dark() is dark
            # Read once: the app's own palette, set later, does not change the answer.
            QApplication.setPalette(saved)
            assert theme.palette_is_dark() is dark
    finally:
        app.setProperty(theme.PLATFORM_DARK_PROPERTY, kept)
        QApplication.setPalette(saved)


def test_after_the_first_frame_the_desktop_scheme_decides(
        qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    assert window.theme.active == "light"  # the offscreen palette is light
    assert theme.system_scheme_is_dark() is None  # and offscreen reports no scheme
    monkeypatch.setattr(theme, "system_scheme_is_dark", lambda: None)
    window.theme.check_system_scheme()
    assert window.theme.active == "light"  # the desktop says nothing: the guess stands
    monkeypatch.setattr(theme, "system_scheme_is_dark", lambda: True)
    window.theme.check_system_scheme()
    assert window.theme.active == "dark"
    assert QApplication.palette().color(QPalette.ColorRole.Window).name() == theme.DARK["window"]
    window.actions_.theme["light"].trigger()
    window.theme.check_system_scheme()
    assert window.theme.active == "light"  # chosen by the user: the desktop does not override


def test_unexpected_exception_shows_dialog_logs_and_window_stays(
        qtbot, data_dir: Path, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical",
                        lambda parent, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    window = open_window(qtbot, data_dir)
    install_excepthook(lambda: window, data_dir / "logs" / "companion.log")

    def boom() -> None:
        raise RuntimeError("kaboom in a slot")

    with caplog.at_level(logging.CRITICAL, logger="companion"):
        QTimer.singleShot(0, boom)
        qtbot.waitUntil(lambda: bool(shown))
    assert "kaboom in a slot" in shown[0] and "companion.log" in shown[0]
    assert any("kaboom in a slot" in r.getMessage() for r in caplog.records)
    assert window.isVisible()


def test_banner_shows_save_failures_until_the_next_save(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    banner = window.banner
    assert not banner.isVisible()
    window.bridge.save_failed.emit("/data/companion.db: disk full")
    assert banner.isVisible()
    assert banner.text.startswith("Autosave failed: /data/companion.db: disk full; your text "
                                  "is kept in the window and will be saved when possible")
    window.bridge.changed.emit()
    assert banner.isVisible()
    window.bridge.saved.emit()
    assert not banner.isVisible()


def test_compact_mode_is_remembered_and_applies_while_a_round_is_on_screen(  # type: ignore[no-untyped-def]
        qtbot, data_dir: Path) -> None:
    from PySide6.QtWidgets import QPushButton

    from tests.test_ui_shell_rounds import _fill_form
    from tests.ui_helpers import loaded

    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    window = open_window(qtbot, data_dir)
    window.resize(780, 600)  # fits the offscreen platform's 800x800 screen
    full = window.size()
    qtbot.keyClick(window, Qt.Key.Key_T, ctrl_shift)
    assert window.actions_.compact.isChecked()
    # The start screen keeps the full window: its form and lists need the width.
    assert not window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert window.size() == full and window.menuBar().isVisible()
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
        assert window.isVisible() and not window.menuBar().isVisible()
        assert window.width() <= 720
        # The menu bar is hidden but its keys still work.
        qtbot.keyClick(window, Qt.Key.Key_F1)
        assert window.pages.help_overlay.isVisible()
        window.pages.help_overlay.close_overlay()
        window.close()

    again = open_window(qtbot, data_dir)
    assert again.actions_.compact.isChecked()
    assert not again.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    assert again.size() == full  # the full-size placement was kept while compact
    with loaded(again, data_dir):
        again.start_screen.refresh_rounds()
        again.start_screen.request_resume()
        assert again.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
        # The way out is on screen, not only on the keyboard.
        leave = again.live_view.findChild(QPushButton, "nav.full_size")
        assert leave.isVisible()
        qtbot.mouseClick(leave, Qt.MouseButton.LeftButton)
        assert not again.actions_.compact.isChecked()
        assert not again.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
        assert again.menuBar().isVisible() and not leave.isVisible()
        assert again.width() >= full.width()  # full size (at least the live view's minimum)


def test_screen_menu_lists_present_screens(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    menu = window.actions_.screen_menu
    menu.aboutToShow.emit()
    entries = menu.actions()
    assert len(entries) == len(QGuiApplication.screens())
    assert [a.isChecked() for a in entries].count(True) == 1


def test_broken_pack_shows_banner_and_keeps_start_disabled(qtbot, data_dir: Path,  # type: ignore[no-untyped-def]
                                                           tmp_path: Path) -> None:
    import argparse

    from companion.ui.app import load_sources

    bad = tmp_path / "broken.toml"
    bad.write_text("this is [not valid toml", encoding="utf-8")
    window = open_window(qtbot, data_dir)
    load_sources(window, argparse.Namespace(data_dir=str(data_dir), pack=[str(bad)]), data_dir)
    try:
        assert window.banner.isVisible()
        assert "question packs cannot be used" in window.banner.text
        assert "broken.toml" in window.banner.text
        assert not window.start_screen.start_button.isEnabled()
    finally:
        window.store.close()
