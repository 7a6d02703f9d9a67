"""The main window: layout and wiring only.

A stack holds the start screen, the live view (built by ``companion.ui.live``
for each round) and the finish page; above it sits the error banner, over it
the help overlay, and a blank page can replace everything at once. Engine
events and the clock tick reach every widget through one ``EngineBridge``,
connected here (``wire_live_view``); slots here only forward intent to the
engine, the settings or the theme.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QByteArray, QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QScreen, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from companion import __version__
from companion.errors import CompanionError
from companion.ui import screens
from companion.ui.banner import ErrorBanner
from companion.ui.bridge import EngineBridge
from companion.ui.settings import ZOOM_STEP, UiSettings
from companion.ui.start_screen import StartRequest, StartScreen
from companion.ui.theme import ThemeController
from companion.ui.window_actions import WindowActions

if TYPE_CHECKING:  # loaded when first needed, after the first frame
    from companion.content.model import Pack
    from companion.live.engine import RoundEngine
    from companion.store import Store
    from companion.ui.calibration_page import CalibrationPage
    from companion.ui.help_overlay import HelpOverlay
    from companion.ui.live import LiveView
    from companion.ui.panel_page import PanelPage
    from companion.ui.submitted_page import SubmittedPage
    from companion.ui.team_panel import TeamPanelSource
    from companion.ui.team_status import TeamPublishing, TeamStatusLine

log = logging.getLogger("companion.ui.window")

COMPACT_WIDTH = 720
ACTIVATE_TRIES = 20  # asking again every ACTIVATE_RETRY_MS, for up to a second
ACTIVATE_RETRY_MS = 50
# Nesting depth from the deepest live widget to the window, with room to spare: each
# LayoutRequest pass moves a changed minimum size up one level (see _settle_layouts).
LAYOUT_DEPTH = 24


class PageStack(QStackedWidget):
    """A stack whose size hints are those of the page on screen.

    ``QStackedWidget`` asks for the largest minimum of all its pages, so the start
    screen's form would keep a compact live round from getting narrow.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()


def wire_live_view(bridge: EngineBridge, view: LiveView) -> None:
    """The one route from the engine to the live view: the bridge's events and tick.

    Qt drops these connections when the view is deleted.
    """
    bridge.changed.connect(view.on_changed)
    bridge.navigated.connect(view.on_navigated)
    bridge.saved.connect(view.on_saved)
    bridge.save_failed.connect(view.on_save_failed)
    bridge.submitted.connect(view.on_submitted)
    bridge.ticked.connect(view.on_tick)


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
        self._blank_return_focus: QWidget | None = None
        self._normal_geometry: QByteArray | None = None
        self._compact_on = False  # compact geometry applied now (only while a round shows)
        self._shown_once = False
        # The team store, when team.json names one (see _connect_team); None otherwise.
        self.team: TeamPublishing | None = None
        self.team_line: TeamStatusLine | None = None
        self.team_source: TeamPanelSource | None = None

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
        self._content, self._content_layout = content, content_layout
        self.start_screen = StartScreen(self.stack)
        self.stack.addWidget(self.start_screen)
        self.live_host = QWidget(self.stack)
        self.live_host.setObjectName("liveHost")
        self.stack.addWidget(self.live_host)
        self._live_layout = QVBoxLayout(self.live_host)
        self._live_layout.setContentsMargins(0, 0, 0, 0)
        # The independence rule asks who is reading: the name the start screen remembers.
        self.start_screen.viewer = self._viewer
        self.start_screen.paper = self.paper

        self.actions_ = WindowActions(self)
        self._wire()

    # -- pages built on first use ---------------------------------------------------------------
    # The finish page, the panel page, the blank page and the help overlay are not needed
    # for the first frame; building them (and importing their modules) later keeps
    # start-up short.
    @cached_property
    def blank_page(self) -> QWidget:
        page = QWidget(self.outer)
        page.setObjectName("blankPage")
        # It takes the keyboard while shown, so typing cannot land in a hidden notes field.
        page.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        hint = QLabel("Hidden. Press F12 to show the window again.", page)
        hint.setObjectName("blankHint")
        hint.setProperty("role", "small")
        layout = QVBoxLayout(page)
        align = QtCore.Qt.AlignmentFlag
        layout.addWidget(hint, 0, align.AlignBottom | align.AlignLeft)
        self.outer.addWidget(page)
        return page

    def _add_page(self, page: SubmittedPage | PanelPage | CalibrationPage) -> None:
        """Put a page built on first use into the stack, wired as its siblings are."""
        self.stack.addWidget(page)
        page.paper = self.paper
        page.back_requested.connect(self.show_start)
        if self.store is not None and self.exports_dir is not None:
            page.set_sources(self.store, self.pack, self.exports_dir)

    @cached_property
    def finish_page(self) -> SubmittedPage:
        from companion.ui.submitted_page import SubmittedPage

        page = SubmittedPage(self.stack)
        self._add_page(page)
        page.amend_requested.connect(self.show_live)
        if self.team is not None:
            page.publish_state = self.team.state_text
        return page

    @cached_property
    def panel_page(self) -> PanelPage:
        from companion.ui.panel_page import PanelPage

        page = PanelPage(self.stack)
        page.viewer = self._viewer
        self._add_page(page)
        if self.team_source is not None:
            page.set_team(self.team_source)
        return page

    @cached_property
    def calibration_page(self) -> CalibrationPage:
        from companion.ui.calibration_page import CalibrationPage

        page = CalibrationPage(self.stack)
        page.viewer = self._viewer
        self._add_page(page)
        if self.team is not None:
            page.set_team(self.team.team, self._team_password)
        return page

    @cached_property
    def help_overlay(self) -> HelpOverlay:
        from companion.ui.help_overlay import HelpOverlay

        overlay = HelpOverlay(self.outer)
        overlay.add_source("Window", self.actions_.all)
        overlay.add_source("Live round", self._live_actions)
        return overlay

    def _is_built(self, name: str) -> bool:
        """Whether the lazily built page ``name`` exists yet (asking never builds it)."""
        return name in self.__dict__

    def _viewer(self) -> str:
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
        a.quit.triggered.connect(self.close)
        a.next_screen.triggered.connect(self.move_to_next_screen)
        a.compact.toggled.connect(self.set_compact)
        a.zoom_in.triggered.connect(lambda: self.set_zoom(self.theme.zoom + ZOOM_STEP))
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
        self.bridge.save_failed.connect(self.banner.show_save_failed)
        self.bridge.saved.connect(self.banner.on_saved)
        self.bridge.saved.connect(self._wake_publisher)
        self.bridge.submitted.connect(self.show_finished)

    def set_sources(self, store: Store | None, pack: Pack | None, data_dir: Path) -> None:
        """Hand the opened store and loaded pack to the screens that list and start rounds."""
        self.store, self.pack = store, pack
        if not self.start_screen.interviewer.text():
            self.start_screen.interviewer.setText(self.settings.interviewer)
        if pack is not None:
            self.start_screen.set_pack(pack)
        if store is not None:
            self.exports_dir = data_dir / "exports"
            self.start_screen.set_store(store, self.exports_dir)
            if self._is_built("finish_page"):
                self.finish_page.set_sources(store, pack, self.exports_dir)
            if self._is_built("panel_page"):
                self.panel_page.set_sources(store, pack, self.exports_dir)
            if self._is_built("calibration_page"):
                self.calibration_page.set_sources(store, pack, self.exports_dir)
            self._connect_team(store, data_dir)

    # -- the team store -----------------------------------------------------------------------
    def _connect_team(self, store: Store, data_dir: Path) -> None:
        """Publish to the team store ``team.json`` names, if any: a worker thread, the
        status line, the publish state of each round, the team source of two pages.

        Without a team store nothing here loads the database driver.
        """
        from companion.team.settings import load_team  # standard library only

        if self.team is not None:
            return
        try:
            team = load_team(data_dir)
        except CompanionError as exc:
            self.banner.show_error(f"The team store cannot be used: {exc}")
            return
        if team is None:
            return
        from companion.ui.team_panel import TeamPanelSource
        from companion.ui.team_status import TeamPublishing, TeamStatusLine

        self.team = TeamPublishing(store, team, self)
        self.team_line = TeamStatusLine(self._content)
        self._content_layout.addWidget(self.team_line)
        self.team_line.follow(self.team)
        self.team_line.set_allowed(self.stack.currentWidget() is not self.live_host)
        self.team.changed.connect(self._team_changed)
        self.team_source = TeamPanelSource(team, self._team_password, self)
        self.start_screen.publish_states = self._publish_states
        self.start_screen.refresh_rounds()
        if self._is_built("finish_page"):
            self.finish_page.publish_state = self.team.state_text
        if self._is_built("panel_page"):
            self.panel_page.set_team(self.team_source)
        if self._is_built("calibration_page"):
            self.calibration_page.set_team(team, self._team_password)
        self.team.start()
        log.info("publishing to the team store")

    def _team_password(self) -> str | None:
        return self.team.password if self.team is not None else None

    def _publish_states(self) -> dict[str, tuple[str, str]]:
        if self.team is None:
            return {}
        short = {"published": "published", "waiting": "waiting", "local": "kept here"}
        return {rid: (short[st.state], st.describe())
                for rid, st in self.team.states().items()}

    def _team_changed(self) -> None:
        self.start_screen.refresh_publish_states()
        if self._is_built("finish_page"):
            self.finish_page.refresh_team_state()

    def _wake_publisher(self) -> None:
        """A write went through: after submission it queued something to publish."""
        engine = self.bridge.engine
        if self.team is not None and engine is not None and engine.submitted:
            self.team.wake()

    # -- rounds -----------------------------------------------------------------------------------
    def start_round(self, request: StartRequest) -> None:
        from companion.live.engine import RoundEngine

        if self.store is None or self.pack is None:
            return  # the start button stays disabled until both are in
        try:
            engine = RoundEngine.start(self.store, self.pack, request.planned,
                                       candidate=request.candidate,
                                       interviewer=request.interviewer,
                                       archetype=request.archetype, level=request.level)
        except CompanionError as exc:
            self.start_screen.show_start_error(str(exc))
            return
        self.settings.interviewer = request.interviewer
        self.start_screen.candidate.clear()  # the next round is another candidate
        self.open_engine(engine)

    def resume_round(self, round_id: str) -> None:
        from companion.independence import access_to
        from companion.live.engine import RoundEngine

        if self.store is None or self.pack is None:
            return
        access = access_to(self._viewer(), [round_id], self.store)
        if not access.allowed:  # a colleague's round of a candidate one is still scoring
            self.banner.show_error(f"Cannot open this round: {access.reason}")
            return
        try:
            engine = RoundEngine.reopen(self.store, self.pack, round_id)
        except CompanionError as exc:
            self.banner.show_error(f"Cannot resume this round: {exc}")
            return
        self.open_engine(engine)
        if engine.stand_ins:
            self.banner.show_error(
                f"Not in the question pack any more: {', '.join(engine.stand_ins)}. What you "
                "recorded for them is kept and still editable; their prompts and cues cannot "
                "be shown.")

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
        view.set_compact(self._compact_wanted(self.live_host))  # laid out narrow from the start
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

    def show_panel(self) -> None:
        """The panel debrief page; a live round is saved and left, as for the rounds list."""
        if self.store is None or not self.close_engine():
            return
        self.panel_page.refresh()
        self.panel_page.reset_messages()
        self._show_page(self.panel_page)
        self.panel_page.import_button.setFocus()

    def show_calibration(self) -> None:
        """The Calibration page; a live round is saved and left, as for the panel page."""
        if self.store is None or not self.close_engine():
            return
        self._show_page(self.calibration_page)
        self.calibration_page.refresh()
        self.calibration_page.archetype.setFocus()

    def show_finished(self) -> None:
        """The engine reports a submission: show the finish page (the round stays open
        behind it, so "Back to the round" can still add amendments)."""
        engine = self.bridge.engine
        if engine is not None:
            self.finish_page.show_round(engine.round_id, engine.scorecard())
        self._show_page(self.finish_page)

    def show_live(self) -> None:
        if self.live_view is not None:
            self._show_page(self.live_host)

    def _live_actions(self) -> list[QAction]:
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
        """Replace everything (menus, banner, live view) by a plain page, or bring it back."""
        if blank:
            if self._is_built("help_overlay"):
                self.help_overlay.hide()
            self._blank_return_focus = self.focusWidget()
            self.outer.setCurrentWidget(self.blank_page)
            self.menuBar().hide()
            self.blank_page.setFocus()
        else:
            self.outer.setCurrentIndex(0)
            self.menuBar().setVisible(not self._compact_on)
            if self._blank_return_focus is not None:
                self._blank_return_focus.setFocus()
            self._blank_return_focus = None
        if self.actions_.blank.isChecked() != blank:
            self.actions_.blank.setChecked(blank)

    @property
    def blanked(self) -> bool:
        return self._is_built("blank_page") and self.outer.currentWidget() is self.blank_page

    def toggle_help(self) -> None:
        if not self.blanked:
            self.help_overlay.toggle()

    def _compact_wanted(self, page: QWidget | None) -> bool:
        return self.actions_.compact.isChecked() and page is self.live_host

    def _show_page(self, page: QWidget) -> None:
        """Show one page of the stack; compact mode applies to the live round only."""
        if self._compact_wanted(page) and not self._compact_on:
            # Before the page shows: its minimum size may already stretch the window.
            self._normal_geometry = self.saveGeometry()
        self.stack.setCurrentWidget(page)
        if self.team_line is not None:
            self.team_line.set_allowed(page is not self.live_host)
        self._apply_compact()

    def set_compact(self, compact: bool) -> None:
        """View > Compact: a smaller window that stays on top while a round is on screen.

        The choice is remembered; the start screen, the panel page and the submitted
        page keep the full-size window (their lists and forms need the width).
        """
        self.settings.compact = compact
        if self.actions_.compact.isChecked() != compact:
            self.actions_.compact.setChecked(compact)
        self._apply_compact()

    def _apply_compact(self) -> None:
        """Make the window compact (narrow, on top, no menu bar: its keys still work) or
        full size again, as the View menu and the page on screen ask."""
        compact = self._compact_wanted(self.stack.currentWidget())
        if compact == self._compact_on:
            return
        self._compact_on = compact
        visible, was_active = self.isVisible(), self.isActiveWindow()
        focus = QApplication.focusWidget() if was_active else None
        if compact and self._normal_geometry is None:
            self._normal_geometry = self.saveGeometry()
        # The pages take their narrow layout first, and the layouts settle while the window
        # is still shown: resize() clamps to the minimum width the window has at the time.
        if self.live_view is not None:
            self.live_view.set_compact(compact)
        self._settle_layouts()
        self._stay_on_top(compact)
        self.menuBar().setVisible(not compact and not self.blanked)
        if compact:
            self.resize(min(self.width(), COMPACT_WIDTH), self.height())
        elif self._normal_geometry is not None:
            self.restoreGeometry(self._normal_geometry)
            self._normal_geometry = None
        screens.ensure_visible(self)
        if visible and was_active and not self.isActiveWindow():
            # Had the keyboard and lost it: take it back, or F12 and every shortcut stay
            # dead until a click.
            self._take_keyboard_back(focus)

    def _stay_on_top(self, on_top: bool) -> None:
        """Keep the window above others, or not, without re-creating it.

        ``QWidget.setWindowFlag`` hides a shown window and makes a new native one: it
        comes back without the keyboard (the window manager will not give it to a
        window that asked to be shown without activation, and otherwise it would take
        it from the video call). The native window changes the hint in place instead;
        the widget is told the same flags without touching the native window.
        """
        Qt = QtCore.Qt
        handle = self.windowHandle()
        flags = self.windowFlags()
        flags = flags | Qt.WindowType.WindowStaysOnTopHint if on_top else (
            flags & ~Qt.WindowType.WindowStaysOnTopHint)
        if handle is None or not self.isVisible():
            self.setWindowFlags(flags)  # not shown yet: nothing to re-create
            return
        handle.setFlags(flags)
        self.overrideWindowFlags(flags)

    def _take_keyboard_back(self, focus: QWidget | None, tries: int = ACTIVATE_TRIES) -> None:
        """Ask the window manager to activate this window again, until it has.

        A re-created window is mapped a moment after show() returns, and a window
        manager ignores an activation request for a window it has not mapped yet.
        """
        if self.isActiveWindow() or tries <= 0:
            if focus is not None and self.isActiveWindow():
                focus.setFocus(QtCore.Qt.FocusReason.ActiveWindowFocusReason)
            return
        self.activateWindow()
        QTimer.singleShot(ACTIVATE_RETRY_MS, self,
                          lambda: self._take_keyboard_back(focus, tries - 1))

    def _settle_layouts(self) -> None:
        """Let the new minimum sizes reach the window now, not over the next loop turns.

        A widget's changed minimum travels up one parent per LayoutRequest pass, and
        resize() clamps to whatever minimum the window has at that moment.
        """
        widget: QWidget | None = self.live_view
        if widget is None:
            return
        widget.updateGeometry()
        for _ in range(LAYOUT_DEPTH):
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)

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
        menu, group = self.actions_.screen_menu, self.actions_.screen_group
        for act in group.actions():
            group.removeAction(act)
        menu.clear()
        here = screens.current_screen(self)
        for i, screen in enumerate(QGuiApplication.screens()):
            size = screen.size()
            act = menu.addAction(f"{i}: {screen.name()} ({size.width()}×{size.height()})")
            act.setObjectName(f"actScreen_{i}")
            act.setCheckable(True)
            act.setChecked(screen is here)
            group.addAction(act)
            act.triggered.connect(lambda _c=False, s=screen: self.move_to_screen(s))

    def save_window_state(self) -> None:
        """Remember the placement; a compact window remembers its full-size one."""
        compact_from = self._normal_geometry if self._compact_on else None
        self.settings.geometry = compact_from or self.saveGeometry()
        self.settings.screen_name = screens.current_screen(self).name()
        self.settings.sync()

    # -- events ------------------------------------------------------------------------------------
    def when_first_painted(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` once, right after the window's first paint has been handled."""
        if not self._first_paint_callbacks:
            self.installEventFilter(self)
        self._first_paint_callbacks.append(callback)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self and event.type() == QEvent.Type.Paint and self._first_paint_callbacks:
            callbacks, self._first_paint_callbacks = self._first_paint_callbacks, []
            self.removeEventFilter(self)
            for cb in callbacks:
                QTimer.singleShot(0, cb)  # after the paint completes
        return False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            # The frame's size is only known once the window is shown: clamp again with it.
            self._shown_once = True
            screens.ensure_visible(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        engine = self.bridge.engine
        if engine is not None and not engine.close():
            reason = engine.last_error or "unknown reason"
            self.banner.show_save_failed(reason)
            from PySide6.QtWidgets import QMessageBox  # dialogs are off the start-up path

            answer = QMessageBox.warning(
                self, "Notes not saved",
                f"The latest changes could not be saved:\n{reason}\n\n"
                "Close anyway and lose them?",
                QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                QMessageBox.StandardButton.Cancel)
            if answer != QMessageBox.StandardButton.Close:
                event.ignore()
                return
            engine.release()
        self.bridge.detach()
        if self.team is not None:
            self.team.stop()  # never waits on the network: what was not marked goes again
        self.save_window_state()
        event.accept()

    def show_about(self) -> None:
        data = self.settings.path.parent
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, "About Interview Companion",
                          f"Interview Companion {__version__}\n\nYour data is kept in:\n{data}\n"
                          "\nIt never connects to a network.")
