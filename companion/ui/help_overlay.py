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
COLUMN_WIDTH = 330  # the narrowest column of rows (keys and names), in pixels
COLUMN_GAP = 24
MAX_COLUMNS = 4

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
    """A dimmed layer over the parent with a card listing the shortcuts.

    The rows flow into as many columns as the window's width allows (two to four),
    so the whole list fits a 1280x720 laptop without a scroll bar; names wrap
    rather than being cut. The scroll area is only a fallback for a very large zoom.
    """

    def __init__(self, parent: QWidget, sources: Sequence[ActionSource] = ()) -> None:
        super().__init__(parent)
        self.setObjectName("helpOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Keyboard shortcuts")
        self.setAccessibleDescription("Every shortcut of the window. Esc, F1 or ? closes it.")
        self._sources: list[ActionSource] = list(sources)
        self._return_focus: QWidget | None = None
        self.rows: list[tuple[str, str, str, str]] = []
        self._shown_columns = 0
        self._column_hosts: list[QWidget] = []

        self._card = QFrame(self)
        self._card.setObjectName("helpCard")
        title = QLabel("Keyboard shortcuts", self._card)
        title.setProperty("role", "title")
        hint = QLabel("Esc, F1 or ? closes this. Keys with Alt, Ctrl or an F key work while "
                      "you type in the notes (on purpose); plain keys go into the text.",
                      self._card)
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        self._grid_host = QWidget()
        self._grid_host.setObjectName("helpRows")
        self._columns = QHBoxLayout(self._grid_host)
        self._columns.setContentsMargins(0, 0, 0, 0)
        self._columns.setSpacing(COLUMN_GAP)
        self._scroll = QScrollArea(self._card)
        self._scroll.setObjectName("helpScroll")
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._grid_host)
        card_layout = QVBoxLayout(self._card)
        card_layout.setContentsMargins(24, 16, 24, 16)
        card_layout.setSpacing(6)
        card_layout.addWidget(title)
        card_layout.addWidget(hint)
        card_layout.addWidget(self._scroll, 1)
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
        self.rows = shortcut_rows(self._sources)
        self._shown_columns = 0
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

    def _lines(self) -> list[tuple[str, ...]]:
        """A heading line per group, then its rows (keys, name, help)."""
        lines: list[tuple[str, ...]] = []
        group_now = None
        for group, keys, name, help_text in self.rows:
            if group != group_now:
                lines.append((group,))
                group_now = group
            lines.append((keys, name, help_text))
        return lines

    def _fill(self, columns: int, detailed: bool) -> None:
        for old in self._column_hosts:
            self._columns.removeWidget(old)
            old.hide()  # gone from view now, freed once the event loop runs
            old.setParent(None)  # and out of the overlay's children already
            old.deleteLater()
        self._column_hosts = []
        lines = self._lines()
        per_column = -(-len(lines) // columns)
        chunks = [lines[i:i + per_column] for i in range(0, len(lines), per_column)]
        for chunk in chunks:
            if chunk and len(chunk[-1]) == 1 and chunk is not chunks[-1]:
                # A group heading never ends a column: it moves to the next one.
                nxt = chunks[chunks.index(chunk) + 1]
                nxt.insert(0, chunk.pop())
        for chunk in chunks:
            host = QWidget(self._grid_host)
            host.setObjectName("helpColumn")
            grid = QGridLayout(host)
            grid.setContentsMargins(0, 0, 0, 0)
            grid.setHorizontalSpacing(10)
            grid.setVerticalSpacing(3)
            grid.setColumnStretch(1 if not detailed else 2, 1)
            self._columns.addWidget(host, 1)
            self._column_hosts.append(host)
            for line, entry in enumerate(chunk):
                if len(entry) == 1:
                    heading = QLabel(entry[0], host)
                    heading.setProperty("role", "heading")
                    grid.addWidget(heading, line, 0, 1, 3)
                    continue
                keys, name, help_text = entry
                # Alternatives stack ("Alt+Right" over "Ctrl+PgDown") to keep the column narrow.
                key = QLabel(keys.replace(" / ", "\n"), host)
                key.setProperty("role", "key")
                key.setObjectName("helpKey")
                key.setAccessibleName(keys)
                grid.addWidget(key, line, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                label = QLabel(name, host)
                label.setObjectName("helpName")
                label.setWordWrap(True)
                label.setToolTip(help_text)
                grid.addWidget(label, line, 1, Qt.AlignmentFlag.AlignTop)
                if detailed:
                    desc = QLabel(help_text, host)
                    desc.setProperty("role", "small")
                    desc.setWordWrap(True)
                    grid.addWidget(desc, line, 2, Qt.AlignmentFlag.AlignTop)
            grid.setRowStretch(len(chunk), 1)
        self._shown_columns = columns

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is None:
            return
        self.setGeometry(parent.rect())
        width = min(max(560, parent.width() - 40), parent.width() - 20)
        height = max(200, parent.height() - 24)
        self._card.setGeometry((parent.width() - width) // 2, 12, width, height)
        inner = width - 48
        columns = max(2, min(MAX_COLUMNS, (inner + COLUMN_GAP) // (COLUMN_WIDTH + COLUMN_GAP)))
        if columns != self._shown_columns:
            # With many rows (a live round), or where the explanations would make the
            # list scroll (a large zoom), they move to tool tips: every shortcut stays
            # on one screen.
            detailed = len(self._lines()) <= DETAILED_MAX_LINES
            self._fill(columns, detailed)
            if detailed and not self._rows_fit():
                self._fill(columns, detailed=False)

    def _rows_fit(self) -> bool:
        """Whether the rows as filled fit the card without scrolling."""
        card_layout = self._card.layout()
        if card_layout is not None:
            card_layout.activate()
        room = self._scroll.viewport().size()
        rows = self._columns
        need = (rows.heightForWidth(room.width()) if rows.hasHeightForWidth()
                else rows.sizeHint().height())
        return need <= room.height()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.parentWidget() and event.type() == QEvent.Type.Resize
                and self.isVisible()):
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
