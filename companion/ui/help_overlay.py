"""The keyboard help: every shortcut of the window and the live view, over the window.

It is a child widget drawn over the main window (not a separate window), so it
never takes focus away from another application. It lists the actions it is
given at the moment it opens, so actions added later are always included.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

# Above this many lines (rows plus group headings) rows show no explanation column.
DETAILED_MAX_LINES = 28

# Sources are (group title, a function returning that group's actions now).
ActionSource = tuple[str, Callable[[], Sequence[QAction]]]


def shortcut_text(action: QAction) -> str:
    """All shortcuts of ``action`` in the platform's notation, e.g. ``Ctrl++ / Ctrl+=``."""
    return " / ".join(k.toString(QKeySequence.SequenceFormat.NativeText)
                      for k in action.shortcuts() if not k.isEmpty())


def action_label(action: QAction) -> str:
    """The action's name without mnemonic ampersands."""
    return action.text().replace("&&", "\0").replace("&", "").replace("\0", "&")


def action_help(action: QAction) -> str:
    """A longer explanation if the action carries one beyond its name."""
    for text in (action.statusTip(), action.whatsThis(), action.toolTip()):
        if text and text != action_label(action):
            return text
    return ""


def shortcut_rows(sources: Sequence[ActionSource]) -> list[tuple[str, str, str, str]]:
    """(group, keys, name, help) for every action with a shortcut, de-duplicated."""
    rows: list[tuple[str, str, str, str]] = []
    seen: set[int] = set()
    for group, actions in sources:
        for action in actions():
            keys = shortcut_text(action)
            if not keys or id(action) in seen:
                continue
            seen.add(id(action))
            rows.append((group, keys, action_label(action), action_help(action)))
    return rows


class HelpOverlay(QWidget):
    """A dimmed layer over the parent with a card listing the shortcuts."""

    def __init__(self, parent: QWidget, sources: Sequence[ActionSource] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._sources: list[ActionSource] = list(sources)
        self._return_focus: QWidget | None = None
        self.rows: list[tuple[str, str, str, str]] = []

        self._card = QFrame(self)
        self._card.setObjectName("helpCard")
        title = QLabel("Keyboard shortcuts", self._card)
        title.setProperty("role", "title")
        hint = QLabel("Esc, F1 or ? closes this. Shortcuts never fire while you type in "
                      "a text field.", self._card)
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self._grid_host = QWidget()
        self._grid_host.setObjectName("helpRows")
        # Two columns of rows side by side, so the whole list fits a 1080p screen.
        self._columns = QHBoxLayout(self._grid_host)
        self._columns.setSpacing(32)
        self._grids = [QGridLayout(), QGridLayout()]
        for grid in self._grids:
            grid.setHorizontalSpacing(14)
            grid.setVerticalSpacing(6)
            grid.setColumnStretch(2, 1)
            self._columns.addLayout(grid, 1)
        scroll = QScrollArea(self._card)
        scroll.setObjectName("helpScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._grid_host)
        card_layout = QVBoxLayout(self._card)
        card_layout.setContentsMargins(28, 22, 28, 22)
        card_layout.addWidget(title)
        card_layout.addWidget(hint)
        card_layout.addWidget(scroll, 1)
        self.hide()
        parent.installEventFilter(self)

    def add_source(self, title: str, actions: Callable[[], Sequence[QAction]]) -> None:
        self._sources.append((title, actions))

    def toggle(self) -> None:
        if self.isVisible():
            self.close_overlay()
        else:
            self.open_overlay()

    def open_overlay(self) -> None:
        """Rebuild the list from the actions as they are now and show it."""
        self._fill(shortcut_rows(self._sources))
        self._fit()
        app_focus = self.window().focusWidget()
        self._return_focus = app_focus if app_focus is not self else None
        self.show()
        self.raise_()  # above sibling widgets inside our own window only
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        self.hide()
        if self._return_focus is not None:
            self._return_focus.setFocus(Qt.FocusReason.OtherFocusReason)
        self._return_focus = None

    def _fill(self, rows: list[tuple[str, str, str, str]]) -> None:
        for grid in self._grids:
            while grid.count():
                item = grid.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.hide()  # gone from view now, freed once the event loop runs
                    widget.deleteLater()
        self.rows = rows
        # Lines to lay out: a heading line per group, then its rows.
        lines: list[tuple[str, ...]] = []
        group_now = None
        for group, keys, name, help_text in rows:
            if group != group_now:
                lines.append((group,))
                group_now = group
            lines.append((keys, name, help_text))
        half = (len(lines) + 1) // 2
        # With many rows (a live round) the explanations move to tool tips so that every
        # shortcut fits on one screen without scrolling.
        detailed = len(lines) <= DETAILED_MAX_LINES
        for column, chunk in enumerate((lines[:half], lines[half:])):
            grid = self._grids[column]
            for r in range(grid.rowCount()):
                grid.setRowStretch(r, 0)
            for line, entry in enumerate(chunk):
                if len(entry) == 1:
                    heading = QLabel(entry[0])
                    heading.setProperty("role", "heading")
                    grid.addWidget(heading, line, 0, 1, 3)
                    continue
                keys, name, help_text = entry
                key = QLabel(keys)
                key.setProperty("role", "key")
                key.setObjectName("helpKey")
                grid.addWidget(key, line, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                label = QLabel(name)
                label.setObjectName("helpName")
                label.setToolTip(help_text)
                grid.addWidget(label, line, 1, Qt.AlignmentFlag.AlignTop)
                if detailed:
                    desc = QLabel(help_text)
                    desc.setProperty("role", "small")
                    desc.setWordWrap(True)
                    grid.addWidget(desc, line, 2, Qt.AlignmentFlag.AlignTop)
            grid.setRowStretch(len(chunk), 1)

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        width = min(max(560, int(parent.width() * 0.9)), parent.width() - 40)
        height = max(200, parent.height() - 40)
        self._card.setGeometry((parent.width() - width) // 2, 20, width, height)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question):
            self.close_overlay()
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # A click outside the card closes it, like any transient help.
        self.close_overlay()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 140))
        painter.end()
        super().paintEvent(event)
