"""The main window: layout and wiring only.

A stack holds the start screen, the live view (built by ``companion.ui.live``
for each round) and the finish page; above it sits the error banner, over it
the help overlay, and a blank page can replace everything at once. Engine
events and the clock tick reach every widget through one ``EngineBridge``,
connected here (``page_stack.wire_live_view``); slots here only forward intent to
the engine, the settings or the theme. Compact mode (``compact``), the team store
(``team_wiring``) and the pages built on first use (``lazy_pages``) have modules of
their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent, QScreen, QShowEvent
from PySide6.QtWidgets import QMainWindow, QStackedWidget, QVBoxLayout, QWidget

from companion.base.errors import CompanionError
from companion.ui import screens
from companion.ui.banner import ErrorBanner
from companion.ui.bridge import EngineBridge
from companion.ui.compact import CompactMode
from companion.ui.lazy_pages import LazyPages
from companion.ui.page_stack import PageStack, wire_live_view
from companion.ui.screen_fit import ScreenFit
from companion.ui.settings import ZOOM_STEP, UiSettings
from companion.ui.start_screen import StartRequest, StartScreen
from companion.ui.team_wiring import TeamWiring
from companion.ui.theme import ThemeController
from companion.ui.window_actions import WindowActions

if TYPE_CHECKING:  # loaded when first needed, after the first frame
    from companion.content.model import Pack
    from companion.live.engine import RoundEngine
    from companion.store import Store
    from companion.ui.live import LiveView

log = logging.getLogger("companion.ui.window")

class MainWindow(QMainWindow):
    """The app's one window; see the module docstring for its parts."""

    def __init__(self, settings: UiSettings, theme: ThemeController) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Interview Companion")
        self.settings = settings
        self.theme = theme
        self.bridge = EngineBridge(self)
        self.live_view: LiveView | None = None
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.exports_dir: Path | None = None
        self._first_paint_callbacks: list[Callable[[], None]] = []
        self._shown_once = False
        self.compact = CompactMode(self)
        self.fit = ScreenFit(self)  # frame inside the screen, zoom only as large as fits
        self.when_first_painted(self.fit.watch)
        self.team_wiring = TeamWiring(self)  # the team store, when team.json names one

        # Built top-down, each widget under its final parent: moving a subtree to a new
        # parent makes the style sheet polish all of it again (about 20 ms here).
        self.outer = QStackedWidget(self)
        self.outer.setObjectName("outerStack")
        self.setCentralWidget(self.outer)
        content = QWidget(self.outer)
        content.setObjectName("contentPage")
        self.outer.addWidget(content)
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.setSpacing(0)
        self.banner = ErrorBanner(content)
        content_layout.addWidget(self.banner)
        self.stack = PageStack(content)
        self.stack.setObjectName("mainStack")
        content_layout.addWidget(self.stack, 1)
        self.content_page, self.content_layout = content, content_layout
        self.start_screen = StartScreen(self.stack)
        self.stack.addWidget(self.start_screen)
        self.live_host = QWidget(self.stack)
        self.live_host.setObjectName("liveHost")
        self.stack.addWidget(self.live_host)
        self._live_layout = QVBoxLayout(self.live_host)
        self._live_layout.setContentsMargins(0, 0, 0, 0)
        # The independence rule asks who is reading: the name the start screen remembers.
        self.start_screen.viewer = self.viewer
        self.start_screen.paper = self.paper

        self.actions_ = WindowActions(self)
        self.pages = LazyPages(self)
        self._wire()

    def viewer(self) -> str:
        return self.settings.interviewer

    def paper(self) -> str:
        """The page size for PDF exports: the user's choice, else what the locale uses.

        Also ticks that size in the View menu, which is why the menu calls it on opening.
        """
        chosen = self.settings.paper
        if not chosen:
            from PySide6.QtCore import QLocale  # not needed for the first frame

            us = QLocale().measurementSystem() == QLocale.MeasurementSystem.ImperialUSSystem
            chosen = "letter" if us else "a4"
            self.actions_.paper[chosen].setChecked(True)
        return chosen

    def set_paper(self, size: str) -> None:
        self.settings.paper = size
        self.actions_.paper[self.paper()].setChecked(True)

    # -- wiring --------------------------------------------------------------------------------
    def _wire(self) -> None:
        a = self.actions_
        a.back_to_start.triggered.connect(self.show_start)
        a.panel.triggered.connect(self.show_panel)
        a.calibration.triggered.connect(self.show_calibration)
        a.practice.triggered.connect(self.show_practice)
        a.loops.triggered.connect(self.show_loops)
        a.quit.triggered.connect(self.close)
        a.next_screen.triggered.connect(self.move_to_next_screen)
        a.compact.toggled.connect(self.set_compact)
        a.zoom_in.triggered.connect(self.fit.zoom_in)
        a.zoom_out.triggered.connect(lambda: self.set_zoom(self.theme.zoom - ZOOM_STEP))
        a.zoom_reset.triggered.connect(lambda: self.set_zoom(1.0))
        a.blank.toggled.connect(self.set_blank)
        a.help.triggered.connect(self.toggle_help)
        a.about.triggered.connect(self.show_about)
        for mode, act in a.theme.items():
            act.triggered.connect(lambda _c=False, m=mode: self.set_theme(m))
        a.theme[self.theme.mode].setChecked(True)
        for size, act in a.paper.items():
            act.triggered.connect(lambda _c=False, p=size: self.set_paper(p))
        a.paper[self.settings.paper or "a4"].setChecked(True)
        a.view_menu.aboutToShow.connect(self.paper)  # shows the locale's size until one is chosen
        a.screen_menu.aboutToShow.connect(self._fill_screen_menu)

        self.start_screen.start_requested.connect(self.start_round)
        self.start_screen.resume_requested.connect(self.resume_round)
        self.start_screen.panel_requested.connect(self.show_panel)
        self.start_screen.calibration_requested.connect(self.show_calibration)
        self.start_screen.practice_requested.connect(self.show_practice)
        self.start_screen.your_rounds.loops_requested.connect(self.show_loops)
        self.bridge.save_failed.connect(self.banner.show_save_failed)
        self.bridge.saved.connect(self.banner.on_saved)
        self.bridge.saved.connect(self.team_wiring.wake)
        self.bridge.submitted.connect(self.show_finished)

    def set_sources(self, store: Store | None, pack: Pack | None, data_dir: Path) -> None:
        """Hand the opened store and loaded pack to the screens that list and start rounds."""
        self.store, self.pack = store, pack
        if not self.start_screen.interviewer.text():
            self.start_screen.interviewer.setText(self.settings.interviewer)
        if pack is not None:
            self.start_screen.set_pack(pack)
            if self.stack.currentWidget() is self.start_screen and self.focusWidget() is None:
                self.start_screen.candidate.setFocus()  # the first key typed lands somewhere
        if store is not None:
            self.exports_dir = data_dir / "exports"
            self.start_screen.set_store(store, self.exports_dir)
            self.pages.set_sources(store, pack, self.exports_dir)
            self.team_wiring.connect(store, data_dir)

    # -- rounds -----------------------------------------------------------------------------------
    def start_round(self, request: StartRequest) -> None:
        from companion.ui.round_opening import start_engine

        if self.store is None or self.pack is None:
            return  # the start button stays disabled until both are in
        try:
            engine = start_engine(self.store, self.pack, request)
        except CompanionError as exc:
            self.start_screen.show_start_error(str(exc))
            return
        self.settings.interviewer = request.interviewer
        self.start_screen.candidate.clear()  # the next round is another candidate
        self.open_engine(engine)
        if request.loop is not None:
            self.team_wiring.report_start(*request.loop)

    def resume_round(self, round_id: str) -> None:
        from companion.ui.round_opening import reopen_engine, stand_in_notice

        if self.store is None or self.pack is None:
            return
        try:
            engine = reopen_engine(self.store, self.pack, self.viewer(), round_id)
        except CompanionError as exc:
            self.banner.show_error(str(exc))
            return
        self.open_engine(engine)
        if engine.stand_ins:
            self.banner.show_error(stand_in_notice(engine.stand_ins))

    def open_engine(self, engine: RoundEngine) -> None:
        """Show the live view of ``engine`` and start ticking it."""
        from companion.ui.live import LiveView

        self.close_engine()
        view = LiveView(engine, self.live_host)
        wire_live_view(self.bridge, view)
        self.bridge.attach(engine)
        self._live_layout.addWidget(view)
        self.live_view = view
        view.set_zoom(self.theme.zoom)
        view.set_compact(self.compact.wanted(self.live_host))  # laid out narrow from the start
        view.problem.connect(self.banner.show_error)  # a failed write the view reports
        view.leave_compact.connect(lambda: self.actions_.compact.setChecked(False))
        self._show_page(self.live_host)
        view.focus_notes("said")  # its shortcuts work while focus is inside it
        log.info("round %s open", engine.round_id)

    def close_engine(self) -> bool:
        """Write what is pending, release the round and drop the live view.

        Returns False, keeping everything as it is, when the final write fails: the
        text stays in the window and the banner says why.
        """
        engine = self.bridge.engine
        if engine is not None and not engine.close():
            self.banner.show_save_failed(engine.last_error or "unknown reason")
            return False
        self.bridge.detach()
        if self.live_view is not None:
            self._live_layout.removeWidget(self.live_view)
            # Hidden now: deleteLater waits for the event loop, and a new round's view
            # must never be drawn over the old one in the meantime.
            self.live_view.hide()
            self.live_view.deleteLater()
            self.live_view = None
        return True

    def show_start(self) -> None:
        if not self.close_engine():
            return
        self.start_screen.refresh_rounds()
        self.start_screen.on_shown()
        self._show_page(self.start_screen)
        # The focus was on a page now hidden: Tab would show no focus ring for a while.
        focus = self.focusWidget()
        if focus is None or not self.start_screen.isAncestorOf(focus):
            self.start_screen.candidate.setFocus()

    def show_panel(self) -> None:
        """The panel debrief page; a live round is saved and left, as for the rounds list."""
        if self.store is None or not self.close_engine():
            return
        self.pages.panel_page.refresh()
        self.pages.panel_page.reset_messages()
        self._show_page(self.pages.panel_page)
        self.pages.panel_page.import_button.setFocus()

    def show_calibration(self) -> None:
        """The Calibration page; a live round is saved and left, as for the panel page."""
        if self.store is None or not self.close_engine():
            return
        self._show_page(self.pages.calibration_page)
        self.pages.calibration_page.refresh()
        self.pages.calibration_page.archetype.setFocus()

    def show_practice(self) -> None:
        """The Practice page; a live round is saved and left, as for calibration."""
        if self.store is not None and self.close_engine():
            self._show_page(self.pages.practice_page)  # its showEvent places the keyboard

    def show_loops(self) -> None:
        """The Loops page; a live round is saved and left, as for the panel page."""
        if self.store is None or not self.close_engine():
            return
        self._show_page(self.pages.loops_page)
        self.pages.loops_page.on_shown()

    def show_finished(self) -> None:
        """The engine reports a submission: show the finish page (the round stays open
        behind it, so "Back to the round" can still add amendments)."""
        engine = self.bridge.engine
        if engine is not None:
            self.pages.finish_page.show_round(engine.round_id, engine.scorecard())
        self._show_page(self.pages.finish_page)

    def show_live(self) -> None:
        if self.live_view is not None:
            self._show_page(self.live_host)

    def live_actions(self) -> list[QAction]:
        return self.live_view.actions() if self.live_view is not None else []

    # -- view preferences ---------------------------------------------------------------------
    def set_zoom(self, zoom: float) -> None:
        self.theme.set_zoom(zoom)
        self.settings.zoom = self.theme.zoom
        if self.live_view is not None:
            self.live_view.set_zoom(self.theme.zoom)

    def set_theme(self, mode: str) -> None:
        self.theme.set_mode(mode)
        self.settings.theme = self.theme.mode

    def set_blank(self, blank: bool) -> None:
        self.pages.set_blank(blank)

    @property
    def blanked(self) -> bool:
        return self.pages.blanked

    def toggle_help(self) -> None:
        if not self.blanked:
            self.pages.help_overlay.toggle()

    def _show_page(self, page: QWidget) -> None:
        """Show one page of the stack; compact mode applies to the live round only."""
        self.compact.before_showing(page)
        self.stack.setCurrentWidget(page)
        self.team_wiring.on_page_shown(page is self.live_host)
        self.compact.apply()

    def set_compact(self, compact: bool) -> None:
        """View > Compact, remembered; see ``companion.ui.compact``."""
        self.settings.compact = compact
        if self.actions_.compact.isChecked() != compact:
            self.actions_.compact.setChecked(compact)
        self.compact.apply()

    # -- screens ---------------------------------------------------------------------------------
    def place(self, screen_index: int | None) -> None:
        """Restore the saved geometry (or use ``screen_index``), always fully visible."""
        screens.restore_placement(self, self.settings.geometry, screen_index,
                                  self.settings.screen_name)

    def move_to_screen(self, screen: QScreen) -> None:
        screens.move_to_screen(self, screen)
        screens.ensure_visible(self)
        self.settings.screen_name = screen.name()

    def move_to_next_screen(self) -> None:
        found = screens.screens()
        if len(found) > 1:
            now = found.index(screens.current_screen(self))
            self.move_to_screen(found[(now + 1) % len(found)])

    def _fill_screen_menu(self) -> None:
        screens.fill_screen_menu(self.actions_.screen_menu, self.actions_.screen_group,
                                 screens.current_screen(self), self.move_to_screen)

    def save_window_state(self) -> None:
        """Remember the placement; a compact window remembers its full-size one."""
        self.settings.geometry = self.compact.full_size_geometry()
        self.settings.screen_name = screens.current_screen(self).name()
        self.settings.sync()

    # -- events ------------------------------------------------------------------------------------
    def when_first_painted(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, right after the window's next paint has been handled."""
        self._first_paint_callbacks.append(callback)

    # The paint handler rather than an event filter: the first event a Python filter sees
    # makes PySide6 build every event type it knows, about 2 ms before the first frame.
    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._first_paint_callbacks:
            callbacks, self._first_paint_callbacks = self._first_paint_callbacks, []
            for cb in callbacks:
                QTimer.singleShot(0, cb)  # after the paint completes

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.fit.schedule(force=True)  # the window's frame and screen may be new
        if not self._shown_once:
            # The frame's size is only known once the window is shown: clamp again with it.
            self._shown_once = True
            screens.ensure_visible(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        engine = self.bridge.engine
        if engine is not None and not engine.close():
            reason = engine.last_error or "unknown reason"
            self.banner.show_save_failed(reason)
            from companion.ui.window_dialogs import close_anyway

            if not close_anyway(self, reason):
                event.ignore()
                return
            engine.release()
        self.bridge.detach()
        self.team_wiring.stop()
        self.save_window_state()
        event.accept()

    def show_about(self) -> None:
        from companion.ui.window_dialogs import show_about

        show_about(self, self.settings.path.parent)
