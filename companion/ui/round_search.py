"""The search field and quick filters above the list of rounds (Ctrl+F focuses the field).

The bar only turns what is typed and ticked into a ``RoundFilter`` and says so with
``changed``; the store does the matching (``companion.store.search``). Typing is
gathered for a moment so a fast typist's every key does not query the file, and a
search over 100,000 rounds takes well under the pause (bench/search.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:  # the store loads after the first frame
    from companion.store.search import RoundFilter

TYPING_PAUSE_MS = 120
SHORTCUT = QKeySequence.StandardKey.Find  # Ctrl+F (Cmd+F on macOS)


def month_start(now: datetime) -> datetime:
    """Local midnight of the first day of ``now``'s month (aware)."""
    local = now.astimezone()
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


class SearchField(QLineEdit):
    """The search field: Escape clears it, Down or Return moves on (``RoundSearchBar``).

    Its own key handler rather than an event filter: the first event a Python filter
    sees makes PySide6 build every event type it knows, about 2 ms on the way to the
    first frame (tests/test_startup_path.py).
    """

    def __init__(self, bar: RoundSearchBar) -> None:
        super().__init__(bar)
        self.bar = bar

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.bar.field_key(event):
            super().keyPressEvent(event)


class RoundSearchBar(QWidget):
    """One search field and its four quick filters; ``changed`` carries the new filter."""

    changed = Signal(object)  # RoundFilter
    leave_down = Signal()  # Down or Return in the field: on to the list

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roundSearchBar")
        self.viewer: Callable[[], str] = lambda: ""  # who "mine" is; the screen sets it
        self.now: Callable[[], datetime] = lambda: datetime.now().astimezone()
        self.field = SearchField(self)
        self.field.setObjectName("roundSearchField")
        self.field.setPlaceholderText("Search: candidate, interviewer, round, date or notes")
        self.field.setAccessibleName("Search rounds")
        self.field.setAccessibleDescription(
            "Narrows the list as you type: each word matches the start of a word in the "
            "candidate's or interviewer's name, the round, the date or the notes. Down moves "
            "to the list, Escape clears. Shortcut: Ctrl+F.")
        # The quick filters are checkable entries of one "Filters" button beside the field:
        # four boxes in a row widened the card, in a row of their own they made the start
        # screen scroll at 1280x720 (tests/test_ui_geometry.py).
        self.filters = QToolButton(self)
        self.filters.setObjectName("roundFilters")
        self.filters.setText("Filters")
        self.filters.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.filters.setAccessibleName("Filters")
        self.filters.setAccessibleDescription(
            "Quick filters for the list: mine, this month, unfinished, unpublished. Space "
            "or Return opens them; each one ticks on or off.")
        menu = QMenu(self.filters)
        menu.setObjectName("roundFiltersMenu")
        self.filters.setMenu(menu)
        self.mine = self._filter(menu, "filterMine", "Mine", "Only rounds you ran.")
        self.this_month = self._filter(menu, "filterThisMonth", "This month",
                                       "Rounds started since the first of this month.")
        self.unfinished = self._filter(
            menu, "filterUnfinished", "Unfinished", "Rounds left before submitting, "
            "instead of the submitted ones; Return on one resumes it.")
        self.unpublished = self._filter(
            menu, "filterUnpublished", "Unpublished",
            "Submitted here and still waiting to reach the team store.")
        self.notice = QLabel(self)
        self.notice.setObjectName("roundSearchNotice")
        self.notice.setProperty("role", "small")
        self.notice.setWordWrap(True)
        self.notice.hide()

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        row.addWidget(self.field, 1)
        row.addWidget(self.filters)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.notice)

        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self.emit_filter)
        self.field.textChanged.connect(lambda _text: self._pause.start())
        # A window shortcut (Qt's default context): active while this page is shown.
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), self, self.focus_field)

    def add_clear_button(self) -> None:
        """Give the field its clear button; the start screen does it once the window is up
        (the button's icon lookup was about 5 ms on the way to the first frame)."""
        if not self.field.isClearButtonEnabled():
            self.field.setClearButtonEnabled(True)

    def _filter(self, menu: QMenu, name: str, text: str, what: str) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.setCheckable(True)
        action.setToolTip(what)
        action.setStatusTip(what)
        action.toggled.connect(lambda _on: self.emit_filter())
        return action

    def focus_field(self) -> None:
        self.field.setFocus(QtCore.Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def current(self) -> RoundFilter:
        """The filter the field and boxes say now."""
        from companion.store.search import RoundFilter

        unfinished = self.unfinished.isChecked()
        return RoundFilter(
            words=self.field.text(),
            interviewer=self.viewer() if self.mine.isChecked() else None,
            unfinished=unfinished, submitted=not unfinished,
            unpublished=self.unpublished.isChecked(),
            since=month_start(self.now()) if self.this_month.isChecked() else None)

    def emit_filter(self) -> None:
        self._pause.stop()
        on = sum(a.isChecked() for a in (self.mine, self.this_month, self.unfinished,
                                         self.unpublished))
        self.filters.setText(f"Filters ({on})" if on else "Filters")
        self.changed.emit(self.current())

    def show_notice(self, text: str) -> None:
        """One line under the bar (the count of matches, or that search is the slow kind)."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def field_key(self, event: QKeyEvent) -> bool:
        """Handle a key pressed in the field; False leaves it to the field."""
        keys = QtCore.Qt.Key
        if event.key() == keys.Key_Escape and self.field.text():
            self.field.clear()
            self.emit_filter()
            return True
        if event.key() in (keys.Key_Down, keys.Key_Return, keys.Key_Enter):
            self.emit_filter()  # what was typed counts before the list takes over
            self.leave_down.emit()
            return True
        return False
