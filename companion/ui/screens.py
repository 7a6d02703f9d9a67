"""Which monitor the window lives on, and keeping it fully visible there.

The interviewer keeps the window on a second monitor. Monitors come and go
(a laptop undocked, a projector unplugged), so whatever geometry was saved, the
window is always clamped into the available area of a screen that is present.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize
from PySide6.QtGui import QActionGroup, QGuiApplication, QScreen
from PySide6.QtWidgets import QMenu, QWidget

log = logging.getLogger("companion.ui.screens")

DEFAULT_SIZE = QSize(1280, 860)


def screens() -> list[QScreen]:
    """The screens present now, in the platform's order (index 0 is the first)."""
    return list(QGuiApplication.screens())


def screen_at_index(index: int | None) -> QScreen | None:
    """Screen number ``index``, or None when there is no such screen."""
    found = screens()
    if index is None or not 0 <= index < len(found):
        return None
    return found[index]


def screen_named(name: str) -> QScreen | None:
    return next((s for s in screens() if s.name() == name), None) if name else None


def fit_into(rect: QRect, area: QRect) -> QRect:
    """``rect`` shrunk to fit ``area`` if needed, then moved the least distance to lie inside."""
    width = min(rect.width(), area.width())
    height = min(rect.height(), area.height())
    x = min(max(rect.x(), area.left()), area.left() + area.width() - width)
    y = min(max(rect.y(), area.top()), area.top() + area.height() - height)
    return QRect(x, y, width, height)


def _overlap(a: QRect, b: QRect) -> int:
    inter = a.intersected(b)
    return inter.width() * inter.height() if inter.isValid() else 0


def best_screen_for(rect: QRect) -> QScreen:
    """The screen showing most of ``rect``; the primary screen if none shows any of it."""
    ranked = sorted(screens(), key=lambda s: _overlap(rect, s.availableGeometry()), reverse=True)
    if ranked and _overlap(rect, ranked[0].availableGeometry()) > 0:
        return ranked[0]
    primary = QGuiApplication.primaryScreen()
    assert primary is not None, "Qt always has at least one screen"
    return primary


def _frame_margins(window: QWidget) -> tuple[QPoint, QSize]:
    """Offset and extra size of the window frame (zero before the window is shown)."""
    frame, inner = window.frameGeometry(), window.geometry()
    return inner.topLeft() - frame.topLeft(), frame.size() - inner.size()


def ensure_visible(window: QWidget) -> QRect:
    """Clamp the window's frame into the available area of a present screen; returns it."""
    if window.isMaximized() or window.isFullScreen():
        return window.frameGeometry()
    _, extra = _frame_margins(window)
    frame = window.frameGeometry()
    screen = best_screen_for(frame)
    area = screen.availableGeometry()
    if area.contains(frame):
        return frame
    fitted = fit_into(frame, area)
    window.resize(fitted.size() - extra)
    window.move(fitted.topLeft())  # move() places the frame's top-left corner
    log.info("window moved into view on screen %s: %s", screen.name(), _describe(fitted))
    return window.frameGeometry()


def move_to_screen(window: QWidget, screen: QScreen) -> None:
    """Centre the window on ``screen``, keeping its size where it fits."""
    area = screen.availableGeometry()
    frame = window.frameGeometry()
    _, extra = _frame_margins(window)
    size = frame.size().boundedTo(area.size())
    top_left = area.center() - QPoint(size.width() // 2, size.height() // 2)
    window.setScreen(screen)
    window.resize(size - extra)
    window.move(fit_into(QRect(top_left, size), area).topLeft())


def restore_placement(window: QWidget, geometry: QByteArray | None,
                      screen_index: int | None = None, screen_name: str = "") -> None:
    """Put the window where the user left it, or on the screen they asked for.

    ``screen_index`` (``--screen N``) wins over the saved placement; a saved
    placement on a monitor that is gone ends up clamped onto one that is present.
    """
    restored = bool(geometry) and window.restoreGeometry(geometry or QByteArray())
    if not restored:
        window.resize(DEFAULT_SIZE)
    wanted = screen_at_index(screen_index)
    if screen_index is not None and wanted is None:
        log.warning("no screen %s (found %d); using the saved placement",
                    screen_index, len(screens()))
    if wanted is None and not restored:
        wanted = screen_named(screen_name) or QGuiApplication.primaryScreen()
    if wanted is not None and (not restored or screen_index is not None):
        move_to_screen(window, wanted)
    ensure_visible(window)


def current_screen(window: QWidget) -> QScreen:
    """The screen holding most of the window."""
    return best_screen_for(window.frameGeometry())


def _describe(rect: QRect) -> str:
    return f"{rect.x()},{rect.y()} {rect.width()}x{rect.height()}"


def describe_placement(window: QWidget) -> str:
    """One log line's worth: the screen name and the frame geometry."""
    return f"screen={current_screen(window).name()} frame={_describe(window.frameGeometry())}"


def fill_screen_menu(menu: QMenu, group: QActionGroup, here: QScreen,
                     move_to: Callable[[QScreen], None]) -> None:
    """List the screens present now in ``menu``, the window's own one ticked."""
    for act in group.actions():
        group.removeAction(act)
    menu.clear()
    for i, screen in enumerate(QGuiApplication.screens()):
        size = screen.size()
        act = menu.addAction(f"{i}: {screen.name()} ({size.width()}×{size.height()})")
        act.setObjectName(f"actScreen_{i}")
        act.setCheckable(True)
        act.setChecked(screen is here)
        group.addAction(act)
        act.triggered.connect(lambda _c=False, s=screen: move_to(s))
