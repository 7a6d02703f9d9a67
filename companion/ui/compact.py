"""Compact mode: a narrow window that stays on top while a round is on screen.

The choice is remembered; the start screen, the panel page and the finish page keep
the full-size window (their lists and forms need the width), so the mode is applied
whenever the page on screen changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QEvent, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from companion.ui import screens

if TYPE_CHECKING:
    from companion.ui.main_window import MainWindow

COMPACT_WIDTH = 720
ACTIVATE_TRIES = 20  # asking again every ACTIVATE_RETRY_MS, for up to a second
ACTIVATE_RETRY_MS = 50
# Nesting depth from the deepest live widget to the window, with room to spare: each
# LayoutRequest pass moves a changed minimum size up one level (see settle_layouts).
LAYOUT_DEPTH = 24


class CompactMode:
    """Applies View > Compact to one window as the pages change."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.on = False  # compact geometry applied now (only while a round shows)
        self.normal_geometry: QByteArray | None = None

    def wanted(self, page: QWidget | None) -> bool:
        return self.window.actions_.compact.isChecked() and page is self.window.live_host

    def before_showing(self, page: QWidget) -> None:
        """Remember the full-size geometry before a page that will be compact shows:
        its minimum size may already stretch the window."""
        if self.wanted(page) and not self.on:
            self.normal_geometry = self.window.saveGeometry()

    def full_size_geometry(self) -> QByteArray:
        """The placement to remember: a compact window remembers its full-size one."""
        saved = self.normal_geometry if self.on else None
        return saved or self.window.saveGeometry()

    def apply(self) -> None:
        """Make the window compact (narrow, on top, no menu bar: its keys still work) or
        full size again, as the View menu and the page on screen ask."""
        win = self.window
        compact = self.wanted(win.stack.currentWidget())
        if compact == self.on:
            return
        self.on = compact
        visible, was_active = win.isVisible(), win.isActiveWindow()
        focus = QApplication.focusWidget() if was_active else None
        if compact and self.normal_geometry is None:
            self.normal_geometry = win.saveGeometry()
        # The pages take their narrow layout first, and the layouts settle while the window
        # is still shown: resize() clamps to the minimum width the window has at the time.
        if win.live_view is not None:
            win.live_view.set_compact(compact)
        self.settle_layouts()
        self.stay_on_top(compact)
        win.menuBar().setVisible(not compact and not win.blanked)
        if compact:
            win.resize(min(win.width(), COMPACT_WIDTH), win.height())
        elif self.normal_geometry is not None:
            win.restoreGeometry(self.normal_geometry)
            self.normal_geometry = None
        screens.ensure_visible(win)
        if visible and was_active and not win.isActiveWindow():
            # Had the keyboard and lost it: take it back, or F12 and every shortcut stay
            # dead until a click.
            self.take_keyboard_back(focus)

    def stay_on_top(self, on_top: bool) -> None:
        """Keep the window above others, or not, without re-creating it.

        ``QWidget.setWindowFlag`` hides a shown window and makes a new native one: it
        comes back without the keyboard (the window manager will not give it to a
        window that asked to be shown without activation, and otherwise it would take
        it from the video call). The native window changes the hint in place instead;
        the widget is told the same flags without touching the native window.
        """
        win = self.window
        Qt = QtCore.Qt
        handle = win.windowHandle()
        flags = win.windowFlags()
        flags = flags | Qt.WindowType.WindowStaysOnTopHint if on_top else (
            flags & ~Qt.WindowType.WindowStaysOnTopHint)
        if handle is None or not win.isVisible():
            win.setWindowFlags(flags)  # not shown yet: nothing to re-create
            return
        handle.setFlags(flags)
        win.overrideWindowFlags(flags)

    def take_keyboard_back(self, focus: QWidget | None, tries: int = ACTIVATE_TRIES) -> None:
        """Ask the window manager to activate this window again, until it has.

        A re-created window is mapped a moment after show() returns, and a window
        manager ignores an activation request for a window it has not mapped yet.
        """
        win = self.window
        if win.isActiveWindow() or tries <= 0:
            if focus is not None and win.isActiveWindow():
                focus.setFocus(QtCore.Qt.FocusReason.ActiveWindowFocusReason)
            return
        win.activateWindow()
        QTimer.singleShot(ACTIVATE_RETRY_MS, win,
                          lambda: self.take_keyboard_back(focus, tries - 1))

    def settle_layouts(self) -> None:
        """Let the new minimum sizes reach the window now, not over the next loop turns.

        A widget's changed minimum travels up one parent per LayoutRequest pass, and
        resize() clamps to whatever minimum the window has at that moment.
        """
        widget: QWidget | None = self.window.live_view
        if widget is None:
            return
        widget.updateGeometry()
        for _ in range(LAYOUT_DEPTH):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
