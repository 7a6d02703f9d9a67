"""The main window's actions and menus (Round, View, Help), each with a shortcut.

Only construction lives here: names, shortcuts, help texts, check states and
menu placement. The main window connects them to what they do.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from companion.ui.settings import PAPERS, THEMES

PAPER_TEXT = {"a4": "A4 paper for PDFs", "letter": "US Letter paper for PDFs"}


def _action(window: QMainWindow, name: str, text: str, keys: tuple[str, ...] | str,
            help_text: str, checkable: bool = False) -> QAction:
    # The text as a keyword: QAction(text, parent) makes PySide6 weigh the (icon, text)
    # overload and build QIcon's types, which the first frame never needs (see
    # buttons.push_button).
    action = QAction(window, text=text)
    action.setObjectName(name)
    key_list = (keys,) if isinstance(keys, str) else keys
    action.setShortcuts([QKeySequence(k) for k in key_list if k])
    action.setStatusTip(help_text)
    action.setCheckable(checkable)
    # Added to the window itself so shortcuts work with the menu bar hidden (compact, blank).
    window.addAction(action)
    return action


class WindowActions:
    """Every action of the window's own menus; ``all()`` feeds the help overlay."""

    def __init__(self, window: QMainWindow) -> None:
        w = window
        self.back_to_start = _action(
            w, "actBackToStart", "&Rounds list", "Ctrl+Shift+N",
            "Leave the live view for the start screen; the round stays saved and resumable")
        self.panel = _action(
            w, "actPanelDebrief", "&Panel debrief…", "Ctrl+Shift+D",
            "Import the panel's scorecard files, pick a candidate, export the debrief PDF")
        self.calibration = _action(
            w, "actCalibration", "&Calibration…", "Ctrl+Shift+K",
            "Which interviewers lean or scatter, which questions tell candidates apart, and "
            "how far to trust each figure")
        self.practice = _action(
            w, "actPractice", "P&ractice…", "Ctrl+Shift+E",
            "Rate sample answers, then see the level each was written to show; kept apart "
            "from every candidate")
        self.loops = _action(
            w, "actLoops", "&Loops…", "Ctrl+Shift+L",
            "Plan candidates' loops, assign their rounds and see who is late")
        self.quit = _action(w, "actQuit", "&Quit", "Ctrl+Q", "Save and close the window")
        self.next_screen = _action(w, "actNextScreen", "Move to &next screen", "Ctrl+Shift+M",
                                   "Move the window to the next monitor")
        self.compact = _action(w, "actCompact", "&Compact, always on top", "Ctrl+Shift+T",
                               "A smaller window that stays above the video call",
                               checkable=True)
        self.zoom_in = _action(w, "actZoomIn", "Zoom &in", ("Ctrl++", "Ctrl+="),
                               "Larger text everywhere")
        self.zoom_out = _action(w, "actZoomOut", "Zoom &out", "Ctrl+-", "Smaller text everywhere")
        self.zoom_reset = _action(w, "actZoomReset", "&Reset zoom", "Ctrl+Alt+0",
                                  "Back to the normal text size")
        self.blank = _action(w, "actBlank", "&Blank the window", ("F12", "Ctrl+B"),
                             "Hide everything at once (say, an accidental screen share); "
                             "press again to bring it back", checkable=True)
        self.help = _action(w, "actHelp", "&Keyboard shortcuts", ("F1", "?"),
                            "Show or hide this list")
        self.about = _action(w, "actAbout", "&About", "Ctrl+Shift+F1",
                             "Version and where your data is kept")
        self.theme_group = QActionGroup(w)
        self.theme: dict[str, QAction] = {}
        for mode in THEMES:
            # No keys: a theme is chosen once, and Ctrl+Shift+digit belongs to the live view.
            act = _action(w, f"actTheme_{mode}", f"{mode.capitalize()} theme", "",
                          "Follow the system's light or dark setting" if mode == "system"
                          else f"Always use the {mode} theme", checkable=True)
            self.theme_group.addAction(act)
            self.theme[mode] = act

        self.paper_group = QActionGroup(w)
        self.paper: dict[str, QAction] = {}
        for size in PAPERS:
            act = _action(w, f"actPaper_{size}", PAPER_TEXT[size], "",
                          f"Export scorecards and debriefs on {PAPER_TEXT[size].split(' for')[0]}",
                          checkable=True)
            self.paper_group.addAction(act)
            self.paper[size] = act

        bar = w.menuBar()
        bar.setObjectName("menuBar")
        round_menu = bar.addMenu("&Round")
        round_menu.setObjectName("menuRound")
        round_menu.addAction(self.back_to_start)
        round_menu.addAction(self.panel)
        round_menu.addAction(self.calibration)
        round_menu.addAction(self.practice)
        round_menu.addAction(self.loops)
        round_menu.addSeparator()
        round_menu.addAction(self.quit)
        view = bar.addMenu("&View")
        view.setObjectName("menuView")
        self.view_menu = view
        self.screen_menu = QMenu("&Screen", view)
        self.screen_menu.setObjectName("menuScreen")
        view.addMenu(self.screen_menu)
        view.addAction(self.next_screen)
        view.addAction(self.compact)
        view.addSeparator()
        for act in (self.zoom_in, self.zoom_out, self.zoom_reset):
            view.addAction(act)
        view.addSeparator()
        for act in self.theme.values():
            view.addAction(act)
        view.addSeparator()
        for act in self.paper.values():
            view.addAction(act)
        view.addSeparator()
        view.addAction(self.blank)
        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menuHelp")
        help_menu.addAction(self.help)
        help_menu.addAction(self.about)
        self.screen_group = QActionGroup(w)

    def all(self) -> list[QAction]:
        """The window's actions in menu order (screen entries excluded: they have no keys)."""
        return [self.back_to_start, self.panel, self.calibration, self.loops, self.practice,
                self.quit,
                self.next_screen, self.compact, self.zoom_in, self.zoom_out, self.zoom_reset,
                *self.theme.values(), *self.paper.values(), self.blank,
                self.help, self.about]
