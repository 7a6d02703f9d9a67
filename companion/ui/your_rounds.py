""""Your rounds": the loop rounds assigned to this interviewer, soonest first, one key to start.

Each row already knows candidate, role, level, round and the items the lead's loop
chose, so Return (or the Start button) hands a ``StartRequest`` to the window with
nothing typed. The rows come from ``store.loops.assigned_to``; the card hides
itself when there are none, and the free form beside it stays for other rounds.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6 import QtCore
from PySide6.QtCore import Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.ui.buttons import push_button
from companion.ui.item_views import ShyTreeWidget

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.store import Store
    from companion.store.loops import Assigned
    from companion.ui.start_screen import StartRequest


class _RoundList(ShyTreeWidget):
    """Return or Enter on a row starts it: the one key."""

    activated_row = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (QtCore.Qt.Key.Key_Return, QtCore.Qt.Key.Key_Enter):
            self.activated_row.emit()
            return
        super().keyPressEvent(event)


def _when(a: Assigned) -> str:
    at = a.round.scheduled_at
    return at.astimezone().strftime("%a %d %b %H:%M") if at else "not scheduled"


class YourRounds(QFrame):
    """A card on the start screen; ``start_requested`` carries a ``StartRequest``."""

    start_requested = Signal(object)
    loops_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("yourRoundsCard")
        self.setProperty("role", "card")
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.me: Callable[[], str] = lambda: ""  # the interviewer's name; the screen sets it
        self._rows: list[Assigned] = []
        # The card is hidden until a store lists rounds for this interviewer, after the
        # first frame; its list, note and buttons are built then (``_build``), so the
        # first frame does not make and style a dozen widgets it never shows.
        self._built = False
        self.hide()

    def _build(self) -> None:
        if self._built:
            return
        self._built = True
        heading = QLabel("Your rounds", self)
        heading.setProperty("role", "heading")
        heading.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.list = _RoundList(self)
        self.list.setObjectName("yourRounds")
        self.list.setHeaderLabels(["When", "Candidate", "Round", "Role"])
        self.list.setRootIsDecorated(False)
        self.list.setAccessibleName("Your rounds")
        self.list.setAccessibleDescription(
            "Rounds a panel lead assigned to you, soonest first. Return starts the selected "
            "one with candidate, role, level and questions filled in.")
        self.list.activated_row.connect(self.request_start)
        self.list.itemDoubleClicked.connect(lambda *_: self.request_start())
        self.list.setSizeAdjustPolicy(QTreeWidget.SizeAdjustPolicy.AdjustToContents)
        self.note = QLabel(self)
        self.note.setObjectName("yourRoundsNote")
        self.note.setProperty("role", "small")
        self.note.setWordWrap(True)
        self.start_button = push_button("Start this round", self)
        self.start_button.setObjectName("startAssignedButton")
        self.start_button.setProperty("role", "primary")
        self.start_button.setAccessibleDescription(
            "Open the live round selected in Your rounds. Return in the list does the same.")
        self.start_button.clicked.connect(self.request_start)
        self.loops_button = push_button("Loops…", self)
        self.loops_button.setObjectName("openLoopsButton")
        self.loops_button.setAccessibleDescription(
            "Plan and assign candidates' loops and see who is late. Shortcut: Ctrl+Shift+L.")
        self.loops_button.clicked.connect(self.loops_requested)
        row = QHBoxLayout()
        row.addWidget(self.note, 1)
        row.addWidget(self.loops_button)
        row.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(self.list)
        layout.addLayout(row)
        # Styled before the rows go in: row heights measured on an unpolished list lack
        # the style sheet's item padding.
        self.list.ensurePolished()

    def set_sources(self, store: Store, pack: Pack | None) -> None:
        self.store, self.pack = store, pack
        self.refresh()

    def refresh(self) -> None:
        """Re-read the assigned rounds; the card shows only when there are some."""
        if self.store is None:
            return
        from companion.base.errors import CompanionError
        from companion.store.loops import assigned_to

        problem = ""
        try:
            self._rows = assigned_to(self.store, self.me())
        except CompanionError as exc:
            self._rows = []
            problem = f"Cannot read the loops: {exc}"
        if not self._rows and not self._built:
            return  # hidden, with nothing to show: nothing to build
        self._build()
        if problem:
            self.note.setText(problem)
        self.list.clear()
        for a in self._rows:
            item = QTreeWidgetItem([_when(a), a.loop.candidate, a.round.title,
                                    f"{a.loop.archetype}, {a.loop.level}"])
            missing = self.pack is not None and self.pack.find_template(a.round.template_id) \
                is None
            if missing:
                item.setToolTip(2, "This round is not in your question pack")
            self.list.addTopLevelItem(item)
        for col in range(self.list.columnCount()):
            self.list.resizeColumnToContents(col)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        count = len(self._rows)
        if count:
            self.note.setText(f"{count} {'round' if count == 1 else 'rounds'} assigned to you. "
                              "Return starts the selected one.")
        self.start_button.setEnabled(bool(count))
        self.setVisible(bool(count))

    def selected(self) -> Assigned | None:
        if not self._built:
            return None
        item = self.list.currentItem()
        index = self.list.indexOfTopLevelItem(item) if item is not None else -1
        return self._rows[index] if 0 <= index < len(self._rows) else None

    def request(self) -> StartRequest | None:
        """The start request of the selected row, or None (the note says why)."""
        from companion.content.planner import PlannedRound
        from companion.ui.start_screen import StartRequest

        chosen = self.selected()
        if chosen is None or self.pack is None:
            return None
        template = self.pack.find_template(chosen.round.template_id)
        if template is None:
            self.note.setText(f"The round '{chosen.round.template_id}' is not in your question "
                              "pack; add the pack the lead planned with.")
            return None
        planned = PlannedRound(template, chosen.round.items,
                               offline=template.coding_format == "take_home")
        return StartRequest(chosen.loop.candidate, chosen.round.interviewer,
                            chosen.loop.archetype, chosen.loop.level, planned,
                            (chosen.loop.id, chosen.number))

    def request_start(self) -> None:
        request = self.request()
        if request is not None:
            self.start_requested.emit(request)

    def focus_list(self) -> None:
        if self.isVisible():
            self.list.setFocus(QtCore.Qt.FocusReason.OtherFocusReason)
