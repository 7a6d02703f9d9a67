"""Keep the whole window, frame included, inside its screen's available area.

A window manager adds a title bar and borders that Qt learns about only after it
has mapped the window, and the window's minimum height grows with what the page
shows (the cues open, five red flags raised, a larger zoom). So the window is
fitted again after each such change: when its minimum would not fit, the zoom
steps down until it does (never below 1.0: the type the app was designed for);
then the frame is shrunk and moved into the available area. Zooming in stops at
the largest step that still fits.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtWidgets import QApplication

from companion.ui import screens
from companion.ui.settings import ZOOM_STEP

if TYPE_CHECKING:
    from companion.ui.main_window import MainWindow

log = logging.getLogger("companion.ui.fit")

# Each LayoutRequest pass moves a changed minimum size up one parent; the deepest
# live widget sits about twenty levels under the window.
LAYOUT_DEPTH = 24
# A Show comes through the window's showEvent, which schedules a forced fit itself.
REFIT_EVENTS = frozenset({QEvent.Type.LayoutRequest, QEvent.Type.Move, QEvent.Type.Resize,
                          QEvent.Type.ScreenChangeInternal})
FORCE_EVENTS = frozenset({QEvent.Type.ScreenChangeInternal})


def settle_layouts() -> None:
    """Let changed minimum sizes reach the window now, not over the next loop turns."""
    for _ in range(LAYOUT_DEPTH):
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)


class ScreenFit(QObject):
    """Fits one window into its screen whenever its frame, size or minimum changes."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._pending = False
        self._fitting = False
        self._forced = False
        # What the last fit answered: the window's minimum, its frame margins, its screen.
        # A resize by the user (or a test) changes none of them and is left alone.
        self._seen: tuple[QSize, QSize, str] | None = None

    def watch(self) -> None:
        """Follow the window's moves, resizes and layout changes from now on.

        The window calls it once its first paint is done (``when_first_painted``
        defers the call a loop turn): the first event a Python filter sees makes
        PySide6 build every event type it knows (about 2 ms), which the first frame
        need not wait for. The fit that the window's first show scheduled has run by
        then; one more fit catches whatever changed in between (a fit that finds
        nothing changed does nothing).
        """
        self.window.installEventFilter(self)
        self.schedule()

    # -- measuring ----------------------------------------------------------------------
    def room(self) -> QSize:
        """The largest client size whose frame fits the screen's available area."""
        win = self.window
        extra = win.frameGeometry().size() - win.geometry().size()
        area = screens.current_screen(win).availableGeometry().size()
        return area - extra

    def needed(self) -> QSize:
        """The window's minimum size as its layouts ask for it now."""
        win = self.window
        settle_layouts()
        return win.minimumSize().expandedTo(win.minimumSizeHint())

    def fits(self) -> bool:
        room, need = self.room(), self.needed()
        return need.width() <= room.width() and need.height() <= room.height()

    # -- acting -------------------------------------------------------------------------
    def zoom_in(self) -> bool:
        """One zoom step larger, unless the page would then not fit; True when it grew."""
        win = self.window
        before = win.theme.zoom
        win.set_zoom(before + ZOOM_STEP)
        if win.theme.zoom == before:
            return False  # already at the largest zoom there is
        if self.fits():
            return True
        win.set_zoom(before)
        # The larger step grew the window to its minimum for a moment, and the minimum is
        # back where it was: fit again all the same.
        self.schedule(force=True)
        log.info("zoom stays at %.1f: %.1f would not fit the screen", before,
                 before + ZOOM_STEP)
        return False

    def schedule(self, force: bool = False) -> None:
        """Fit once the event loop is idle (many changes arrive together)."""
        self._forced = self._forced or force
        if not self._pending and not self._fitting:
            self._pending = True
            QTimer.singleShot(0, self, self.fit)

    def fit(self) -> None:
        self._pending = False
        win = self.window
        if (self._fitting or not win.isVisible() or win.isMaximized() or win.isFullScreen()
                or win.blanked):
            return
        settle_layouts()  # the minimum of the page as it is now, not a pass ago
        seen = (win.minimumSize(), win.frameGeometry().size() - win.geometry().size(),
                screens.current_screen(win).name())
        if seen == self._seen and not self._forced:
            return
        self._seen, self._forced = seen, False
        self._fitting = True
        try:
            while win.theme.zoom > 1.0 and not self.fits():
                smaller = max(1.0, win.theme.zoom - ZOOM_STEP)
                log.info("zoom %.1f does not fit the screen: %.1f", win.theme.zoom, smaller)
                win.set_zoom(smaller)
            screens.ensure_visible(win)
        finally:
            self._fitting = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.window and event.type() in REFIT_EVENTS:
            self.schedule(force=event.type() in FORCE_EVENTS)
        return False
