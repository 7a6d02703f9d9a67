"""The pages built on first use: finish, panel, calibration, practice, the blank page, help.

None of them is needed for the first frame; building them (and importing their
modules) later keeps start-up short. ``is_built`` asks without building.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtGui import QAction

    from companion.content.model import Pack
    from companion.store import Store
    from companion.ui.calibration_page import CalibrationPage
    from companion.ui.help_overlay import HelpOverlay
    from companion.ui.loops_page import LoopsPage
    from companion.ui.main_window import MainWindow
    from companion.ui.panel_page import PanelPage
    from companion.ui.practice_page import PracticePage
    from companion.ui.submitted_page import SubmittedPage


class LazyPages:
    """One window's pages that are built the first time they are asked for."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.return_focus: QWidget | None = None  # where the keyboard was before blanking

    # The finish page, the panel page, the blank page and the help overlay are not needed
    # for the first frame; building them (and importing their modules) later keeps
    # start-up short.
    @cached_property
    def blank_page(self) -> QWidget:
        page = QWidget(self.window.outer)
        page.setObjectName("blankPage")
        # It takes the keyboard while shown, so typing cannot land in a hidden notes field.
        page.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        hint = QLabel("Hidden. Press F12 to show the window again.", page)
        hint.setObjectName("blankHint")
        hint.setProperty("role", "small")
        layout = QVBoxLayout(page)
        align = QtCore.Qt.AlignmentFlag
        layout.addWidget(hint, 0, align.AlignBottom | align.AlignLeft)
        self.window.outer.addWidget(page)
        return page

    def add_page(self, page: SubmittedPage | PanelPage | CalibrationPage) -> None:
        """Put a page built on first use into the stack, wired as its siblings are."""
        self.window.stack.addWidget(page)
        page.paper = self.window.paper
        page.back_requested.connect(self.window.show_start)
        if self.window.store is not None and self.window.exports_dir is not None:
            page.set_sources(self.window.store, self.window.pack, self.window.exports_dir)

    @cached_property
    def finish_page(self) -> SubmittedPage:
        from companion.ui.submitted_page import SubmittedPage

        page = SubmittedPage(self.window.stack)
        self.add_page(page)
        page.amend_requested.connect(self.window.show_live)
        if self.window.team_wiring.publishing is not None:
            page.publish_state = self.window.team_wiring.publishing.state_text
        return page

    @cached_property
    def panel_page(self) -> PanelPage:
        from companion.ui.panel_page import PanelPage

        page = PanelPage(self.window.stack)
        page.viewer = self.window.viewer
        self.add_page(page)
        if self.window.team_wiring.source is not None:
            page.set_team(self.window.team_wiring.source)
        return page

    @cached_property
    def calibration_page(self) -> CalibrationPage:
        from companion.ui.calibration_page import CalibrationPage

        page = CalibrationPage(self.window.stack)
        page.viewer = self.window.viewer
        self.add_page(page)
        if self.window.team_wiring.publishing is not None:
            page.set_team(self.window.team_wiring.publishing.team, self.window.team_wiring.password)
        return page

    @cached_property
    def practice_page(self) -> PracticePage:
        from companion.ui.practice_page import PracticePage

        page = PracticePage(self.window.stack)
        page.viewer = self.window.viewer
        self.window.stack.addWidget(page)
        page.back_requested.connect(self.window.show_start)
        page.set_sources(self.window.store, self.window.pack)
        if self.window.team_wiring.publishing is not None:
            page.set_team(self.window.team_wiring.publishing.team, self.window.team_wiring.password)
        return page

    @cached_property
    def loops_page(self) -> LoopsPage:
        from companion.ui.loops_page import LoopsPage

        win = self.window
        page = LoopsPage(win.stack)
        win.stack.addWidget(page)
        page.back_requested.connect(win.show_start)
        page.lead = win.viewer
        if win.store is not None and win.pack is not None:
            page.set_sources(win.store, win.pack)
        publishing = win.team_wiring.publishing
        if publishing is not None:
            from companion.ui.team_loops import TeamLoopSource

            page.set_team(TeamLoopSource(publishing.team, win.team_wiring.password, page))
        return page

    @cached_property
    def help_overlay(self) -> HelpOverlay:
        from companion.ui.help_overlay import HelpOverlay

        overlay = HelpOverlay(self.window.outer)
        overlay.add_source("Window", self.window.actions_.all)
        overlay.add_source("Live round", self.window.live_actions)
        overlay.add_source("Practice", self._practice_actions)
        return overlay

    def _practice_actions(self) -> list[QAction]:
        """The practice page's keys, while it is the page shown (like the live round's)."""
        if not self.is_built("practice_page"):
            return []
        page = self.practice_page
        return page.help_actions() if self.window.stack.currentWidget() is page else []

    def set_sources(self, store: Store, pack: Pack | None, exports_dir: Path) -> None:
        """Hand a new store and pack to the pages already built (the rest get them when
        they are built)."""
        if self.is_built("finish_page"):
            self.finish_page.set_sources(store, pack, exports_dir)
        if self.is_built("panel_page"):
            self.panel_page.set_sources(store, pack, exports_dir)
        if self.is_built("calibration_page"):
            self.calibration_page.set_sources(store, pack, exports_dir)
        if self.is_built("practice_page"):
            self.practice_page.set_sources(store, pack)

    def is_built(self, name: str) -> bool:
        """Whether the page ``name`` exists yet (asking never builds it)."""
        return name in self.__dict__

    def set_blank(self, blank: bool) -> None:
        """Replace everything (menus, banner, live view) by a plain page, or bring it back."""
        win = self.window
        if blank:
            if self.is_built("help_overlay"):
                self.help_overlay.hide()
            self.return_focus = win.focusWidget()
            win.outer.setCurrentWidget(self.blank_page)
            win.menuBar().hide()
            self.blank_page.setFocus()
        else:
            win.outer.setCurrentIndex(0)
            win.menuBar().setVisible(not win.compact.on)
            if self.return_focus is not None:
                self.return_focus.setFocus()
            self.return_focus = None
        if win.actions_.blank.isChecked() != blank:
            win.actions_.blank.setChecked(blank)

    @property
    def blanked(self) -> bool:
        return self.is_built("blank_page") and self.window.outer.currentWidget() is self.blank_page
