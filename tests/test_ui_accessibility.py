"""Screen-reader and keyboard-only use: names, descriptions with shortcuts, the Tab chain.

A test walks the accessibility tree Qt builds for assistive technology
(``QAccessible``, what the Linux AT-SPI bridge and the Windows UI Automation
bridge read) over every page of the window and fails on a control with no name
or no description. Others check that the shortcut is spoken with each control
that has one, that Tab reaches every control of the live round and of the
finish page, that Space presses the focused one, and that the focus ring is
drawn in a colour with at least 4.5:1 contrast against what surrounds it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QAccessibleInterface, QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)
from pytestqt.qtbot import QtBot

from companion.live.engine import RoundEngine
from companion.ui import theme
from tests.test_ui_shell_rounds import _fill_form, _run_and_submit
from tests.ui_helpers import loaded, open_window

Role = QAccessible.Role
CONTROLS = {Role.PushButton, Role.CheckBox, Role.RadioButton, Role.ComboBox, Role.EditableText,
            Role.SpinBox, Role.Slider, Role.List, Role.Tree, Role.Table, Role.ButtonMenu,
            Role.ButtonDropDown, Role.PageTab, Role.ProgressBar}


def _nodes(iface: QAccessibleInterface) -> Iterator[QAccessibleInterface]:
    """Every visible node under ``iface`` (what a screen reader can reach now)."""
    if iface.state().invisible:
        return
    yield iface
    for i in range(iface.childCount()):
        child = iface.child(i)
        if child is not None:
            yield from _nodes(child)


def unnamed_controls(root: QWidget) -> tuple[int, list[str]]:
    """(controls seen, problems) for the accessible tree under ``root``."""
    iface = QAccessible.queryAccessibleInterface(root)
    assert iface is not None
    seen, problems = 0, []
    for node in _nodes(iface):
        role = node.role()
        if role not in CONTROLS:
            continue
        seen += 1
        widget = node.object()
        where = widget.objectName() if widget is not None else "?"
        name = node.text(QAccessible.Text.Name)
        if role == Role.ComboBox and isinstance(widget, QComboBox):
            # Linux reads a combo box's label through a relation and reports its current
            # choice as the name; the label it is given must be there all the same.
            name = widget.accessibleName()
        if not name.strip():
            problems.append(f"{role.name} {where!r} has no accessible name")
        if not node.text(QAccessible.Text.Description).strip():
            problems.append(f"{role.name} {where!r} ({name!r}) has no description")
    return seen, problems


def _walk_all_pages(qtbot: QtBot, window, data_dir: Path) -> dict[str, tuple[int, list[str]]]:  # type: ignore[no-untyped-def]
    found: dict[str, tuple[int, list[str]]] = {}

    def look(page: str) -> None:
        QApplication.processEvents()
        found[page] = unnamed_controls(window)

    # A submitted round (past rounds) and an unfinished one (unfinished rounds) first.
    _run_and_submit(qtbot, window, "Ana Ruiz", "yes")
    look("submitted page")
    window.show_start()
    _fill_form(qtbot, window, candidate="王芳")
    rounds = window.start_screen.round
    rounds.setCurrentIndex(rounds.findText("System design", Qt.MatchFlag.MatchStartsWith))
    qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
    view = window.live_view
    engine = window.bridge.engine
    assert isinstance(engine, RoundEngine)
    engine.cycle_flag(window.pack.red_flags[0].id, "names four tools")
    view.toggle_cues()
    look("live scenario, cues open, a flag raised")
    window.toggle_help()
    look("help overlay")
    window.toggle_help()
    window.actions_.compact.setChecked(True)
    look("compact live round")
    window.actions_.compact.setChecked(False)
    view.toggle_finish()
    view.finish.confirm_or_ask()  # no side yet: the message beside the buttons
    look("finish page")
    view.toggle_finish()
    window.banner.show_error("The question packs cannot be used: example")
    look("banner")
    # A loop round assigned to the interviewer: "Your rounds" shows on the start screen.
    from companion.content.planner import plan_loop
    from companion.loop.model import assign, loop_from_plan
    from companion.store.loops import save_loop

    loop = loop_from_plan(plan_loop(window.pack, "api", "senior"), "Bo Chen", "Lena Park")
    save_loop(window.store, assign(loop, 2, window.start_screen.interviewer.text()))
    window.show_start()
    assert window.start_screen.your_rounds.isVisible()
    look("start screen")
    window.show_loops()
    look("loops page")
    window.show_panel()
    look("panel page")
    window.show_calibration()
    qtbot.waitUntil(lambda: window.pages.calibration_page.calibration is not None, timeout=30000)
    look("calibration page")
    return found


def test_every_control_on_every_page_has_a_name_and_a_description(qtbot: QtBot,
                                                                   data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        found = _walk_all_pages(qtbot, window, data_dir)
    for page, (seen, problems) in found.items():
        assert seen >= 3, f"{page}: the walk found only {seen} controls"
        assert problems == [], page
    # 5 rubric buttons, 6 probe rows with 12 chips, 5 flags with 1 evidence field and
    # its clear button, 2 notes, 3 timer buttons, 4 navigation controls.
    assert found["live scenario, cues open, a flag raised"][0] == 39


def test_the_walk_fails_on_an_unnamed_control(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    QPushButton("", host)
    named = QPushButton("Go", host)
    named.setAccessibleDescription("Goes.")
    host.show()
    seen, problems = unnamed_controls(host)
    assert seen == 2
    role = QAccessible.Role.PushButton.name
    assert problems == [f"{role} '' has no accessible name",
                        f"{role} '' ('') has no description"]


SHORTCUTS = {
    "rubric.strong": "Alt+1", "rubric.mid": "Alt+2", "rubric.thin": "Alt+3",
    "rubric.very_thin": "Alt+4", "rubric.skip": "Alt+0",
    "notes.said": "Ctrl+Shift+S", "notes.read": "Ctrl+Shift+R",
    "nav.prev": "Alt+Left", "nav.next": "Alt+Right", "nav.jump": "Ctrl+J",
    "nav.finish": "Ctrl+Shift+F", "nav.full_size": "Ctrl+Shift+T",
    "timer.toggle": "Ctrl+Shift+P", "timer.next_section": "F4", "timer.sketch.start": "F3",
    "finish.rec.strong_no": "Alt+1", "finish.rec.no": "Alt+2", "finish.rec.yes": "Alt+3",
    "finish.rec.strong_yes": "Alt+4", "finish.submit": "Ctrl+Return",
    "finish.back": "Ctrl+Shift+F",
}


def test_each_control_with_a_shortcut_says_it(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        rounds = window.start_screen.round
        rounds.setCurrentIndex(rounds.findText("System design", Qt.MatchFlag.MatchStartsWith))
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        view = window.live_view
        for name, key in SHORTCUTS.items():
            widget = view.findChild(QWidget, name)
            assert widget is not None, name
            assert f"Shortcut: {key}" in widget.accessibleDescription(), name
        flags = [f.id for f in window.pack.red_flags]
        for i, flag_id in enumerate(flags):
            button = view.findChild(QPushButton, f"flag.{flag_id}")
            assert f"Shortcut: F{5 + i}." in button.accessibleDescription()
        for number, row in enumerate(view.probes.rows, start=1):
            assert f"Shortcut: Ctrl+{number}." in row.asked.accessibleDescription()
        chip = view.findChild(QPushButton, "probe.failure.queue.thin")
        assert chip.accessibleName() == "Queue: Thin"
        assert "Ctrl+2, then Alt+3" in chip.accessibleDescription()


def _tab_cycle(qtbot: QtBot, start: QWidget, limit: int = 200) -> list[QWidget]:
    """Widgets the focus visits pressing Tab from ``start`` until it comes back."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    visited: list[QWidget] = []
    for _ in range(limit):
        focus = QApplication.focusWidget()
        assert focus is not None
        qtbot.keyClick(focus, Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        if focus is start:
            return visited
        visited.append(focus)
    raise AssertionError("Tab never came back to where it started")


def test_tab_reaches_every_control_of_the_round_and_the_finish_page(qtbot: QtBot,
                                                                    data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        rounds = window.start_screen.round
        rounds.setCurrentIndex(rounds.findText("System design", Qt.MatchFlag.MatchStartsWith))
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        view = window.live_view
        engine = window.bridge.engine
        assert isinstance(engine, RoundEngine)
        engine.cycle_flag(window.pack.red_flags[0].id)  # its evidence field shows
        said = view.notes.fields["said"]
        reached = set(_tab_cycle(qtbot, said))
        page = view.stack.currentWidget()
        wanted = [w for w in page.findChildren(QWidget)
                  if w.isVisible() and w.isEnabled() and isinstance(w, (QAbstractButton, QLineEdit,
                                                      QPlainTextEdit, QComboBox))
                  and not isinstance(w.parentWidget(), QLineEdit)]  # a field's clear button
        assert len(wanted) == 36  # 5 rubric, 6 probe rows with 12 chips, 5 flags, ...
        missing = [w.objectName() for w in wanted if w not in reached and w is not said]
        assert missing == []
        assert view.findChild(QScrollArea, "live.reading") in reached
        order = [w.objectName() for w in reached if w.objectName()]
        assert "rubric.strong" in order and "notes.read" in order

        view.toggle_finish()
        summary = view.finish.summary
        reached = set(_tab_cycle(qtbot, summary))
        for name in ("finish.rec.strong_no", "finish.rec.no", "finish.rec.yes",
                     "finish.rec.strong_yes", "finish.submit", "finish.back"):
            assert view.findChild(QPushButton, name) in reached, name


def test_space_presses_the_focused_control_and_the_focus_stays(qtbot: QtBot,
                                                              data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        _fill_form(qtbot, window)
        qtbot.mouseClick(window.start_screen.start_button, Qt.MouseButton.LeftButton)
        view = window.live_view
        engine = window.bridge.engine
        assert isinstance(engine, RoundEngine)
        strong = view.findChild(QPushButton, "rubric.strong")
        strong.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(strong, Qt.Key.Key_Space)
        assert engine.record().rating == "strong"
        assert QApplication.focusWidget() is strong  # a keyboard user stays where they are
        asked = view.probes.rows[0].asked
        asked.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClick(asked, Qt.Key.Key_Space)
        probe = view.probes.rows[0].probe_id
        assert any(a.probe_id == probe and a.asked for a in engine.record().probes)
        assert QApplication.focusWidget() is asked
        # A click, though, leaves the caret in the notes (see test_ui_focus.py).
        said = view.notes.fields["said"]
        said.setFocus()
        qtbot.mouseClick(view.findChild(QPushButton, "rubric.mid"), Qt.MouseButton.LeftButton)
        assert QApplication.focusWidget() is said and engine.record().rating == "mid"
        assert isinstance(asked, QCheckBox)


def _ring_contrast(image: QImage, widget: QWidget, window: QWidget) -> tuple[QColor, float]:
    """The colour drawn on ``widget``'s left edge and its contrast with the pixels just
    outside it, read from a grab of ``window`` (device pixels)."""
    ratio = image.devicePixelRatio()
    top_left = widget.mapTo(window, widget.rect().topLeft())
    y = int((top_left.y() + widget.height() / 2) * ratio)
    edge = image.pixelColor(int((top_left.x() + 1) * ratio), y)
    outside = image.pixelColor(int((top_left.x() - 3) * ratio), y)
    return edge, theme.contrast_ratio(edge.name(), outside.name())


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_focus_ring_is_drawn_with_readable_contrast(qtbot: QtBot, data_dir: Path,
                                                        mode: str) -> None:
    window = open_window(qtbot, data_dir)
    window.set_theme(mode)
    focus = QColor(theme.PALETTES[mode]["focus"])
    with loaded(window, data_dir):
        start = window.start_screen.start_button  # the primary button of the start screen
        resume = window.start_screen.resume_button
        _fill_form(qtbot, window)
        for button in (start, window.start_screen.panel_button):
            button.setFocus(Qt.FocusReason.TabFocusReason)
            QApplication.processEvents()
            edge, contrast = _ring_contrast(window.grab().toImage(), button, window)
            assert edge == focus, f"{button.objectName()}: ring drawn in {edge.name()}"
            assert contrast >= 4.5, f"{button.objectName()}: {contrast:.2f}:1"
        resume.setFocus(Qt.FocusReason.TabFocusReason)
        QApplication.processEvents()
        edge, _ = _ring_contrast(window.grab().toImage(), start, window)
        assert edge != focus  # without the focus, no ring: the ring is what shows it

        qtbot.mouseClick(start, Qt.MouseButton.LeftButton)
        view = window.live_view
        for name in ("rubric.thin", "nav.next", f"flag.{window.pack.red_flags[1].id}"):
            widget = view.findChild(QPushButton, name)
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            QApplication.processEvents()
            edge, contrast = _ring_contrast(window.grab().toImage(), widget, window)
            assert edge == focus, f"{name}: ring drawn in {edge.name()}"
            assert contrast >= 4.5, f"{name}: {contrast:.2f}:1"
