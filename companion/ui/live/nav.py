"""Previous / next, a jump list showing each item's state, progress "3 / 9", and Finish."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from companion.content.model import Question, Scenario
from companion.ui.live.common import (
    SMALL_PT,
    TITLE_PT,
    Zoomable,
    describe,
    rating_label,
    sized_font,
)


def jump_entry(number: int, item: Question | Scenario, rating: str | None, flags: int) -> str:
    """One line of the jump list: "3. Pagination  ·  Mid  ·  1 flag"."""
    parts = [f"{number}. {item.title}"]
    if rating:
        parts.append(rating_label(rating))
    if flags:
        parts.append(f"{flags} flag{'s' if flags != 1 else ''}")
    return "  ·  ".join(parts)


class NavBar(QWidget, Zoomable):
    """Emits ``previous``, ``next``, ``jump(index)`` and ``finish``; shows where we are."""

    previous = Signal()
    next = Signal()
    jump = Signal(int)
    finish = Signal()
    leave_compact = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("nav.bar")
        self.prev_btn = QPushButton("◀ Previous (Alt+←)", self)
        self.prev_btn.setObjectName("nav.prev")
        self.next_btn = QPushButton("Next (Alt+→) ▶", self)
        self.next_btn.setObjectName("nav.next")
        self.progress = QLabel(self)
        self.progress.setObjectName("nav.progress")
        self.progress.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.jump_list = QComboBox(self)
        self.jump_list.setObjectName("nav.jump")
        self.jump_list.setToolTip("Jump to an item (Ctrl+J)")
        self.jump_list.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.jump_list.setMinimumContentsLength(16)
        # A visible label tied to the list: on Linux a screen reader takes a combo box's
        # label from this relation and reads the current item as its name, so without
        # it the list would be announced by its value alone.
        self.jump_label = QLabel("Jump to", self)
        self.jump_label.setObjectName("nav.jumpLabel")
        self.jump_label.setBuddy(self.jump_list)
        self.finish_btn = QPushButton("Finish… (Ctrl+Shift+F)", self)
        self.finish_btn.setObjectName("nav.finish")
        # Compact mode hides the menu bar: this is its visible way back to full size.
        self.full_btn = QPushButton("Full size", self)
        self.full_btn.setObjectName("nav.full_size")
        self.full_btn.hide()
        self.full_btn.clicked.connect(self.leave_compact.emit)
        for btn, tip in ((self.prev_btn, "Previous item (Alt+Left)"),
                         (self.next_btn, "Next item (Alt+Right)"),
                         (self.finish_btn, "Finish the round (Ctrl+Shift+F)"),
                         (self.full_btn, "Leave compact mode (Ctrl+Shift+T)")):
            btn.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # see tap_button
            btn.setToolTip(tip)
        describe(self.prev_btn, "Previous item", "Go back one question or scenario.", "Alt+Left")
        describe(self.next_btn, "Next item", "Go to the next question or scenario.", "Alt+Right")
        describe(self.jump_list, "Jump to item",
                 "Every item of the round with its rating and red flags.", "Ctrl+J")
        describe(self.finish_btn, "Finish",
                 "Switch to the finish page: recommendation, summary, submit.", "Ctrl+Shift+F")
        describe(self.full_btn, "Full size",
                 "Leave the compact, always-on-top window.", "Ctrl+Shift+T")
        self.prev_btn.clicked.connect(self.previous.emit)
        self.next_btn.clicked.connect(self.next.emit)
        self.finish_btn.clicked.connect(self.finish.emit)
        self.jump_list.activated.connect(self._jumped)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        lay.addWidget(self.prev_btn)
        lay.addWidget(self.progress)
        lay.addWidget(self.next_btn)
        lay.addWidget(self.jump_label)
        lay.addWidget(self.jump_list, 1)
        self._extra_at = lay.count()
        lay.addWidget(self.finish_btn)
        lay.addWidget(self.full_btn)
        self._apply_fonts()

    def show_state(self, items: Sequence[Question | Scenario], index: int,
                   ratings: Sequence[str | None], flag_counts: Sequence[int]) -> None:
        total = len(items)
        self.progress.setText(f"{index + 1} / {total}" if total else "")
        # A round without questions (a screening call): no "0 / 0", no empty list.
        for widget in (self.progress, self.prev_btn, self.next_btn, self.jump_label,
                       self.jump_list):
            widget.setVisible(bool(total))
        self.prev_btn.setEnabled(index > 0)
        self.next_btn.setEnabled(index + 1 < total)
        entries = [jump_entry(i + 1, it, ratings[i], flag_counts[i]) for i, it in enumerate(items)]
        current = [self.jump_list.itemText(i) for i in range(self.jump_list.count())]
        if entries != current:
            self.jump_list.blockSignals(True)
            self.jump_list.clear()
            self.jump_list.addItems(entries)
            self.jump_list.blockSignals(False)
        if self.jump_list.currentIndex() != index:
            self.jump_list.blockSignals(True)
            self.jump_list.setCurrentIndex(index)
            self.jump_list.blockSignals(False)

    def add_status(self, widget: QWidget) -> None:
        """Place a status widget (the pacing hint) between the jump list and Finish."""
        box = self.layout()
        assert isinstance(box, QHBoxLayout)
        box.insertWidget(self._extra_at, widget)

    def set_compact(self, compact: bool) -> None:
        """Compact: arrows instead of words; the keys are in the tool tips and the help."""
        self.prev_btn.setText("◀" if compact else "◀ Previous (Alt+←)")
        self.next_btn.setText("▶" if compact else "Next (Alt+→) ▶")
        self.finish_btn.setText("Finish…" if compact else "Finish… (Ctrl+Shift+F)")
        self.full_btn.setVisible(compact)

    def open_jump_list(self) -> None:
        self.jump_list.showPopup()

    def _jumped(self, index: int) -> None:
        self.jump.emit(index)

    def _apply_fonts(self) -> None:
        base = self.font()
        z = self._zoom
        self.progress.setFont(sized_font(base, TITLE_PT + 3, z, bold=True))
        for w in (self.prev_btn, self.next_btn, self.finish_btn, self.full_btn, self.jump_label,
                  self.jump_list):
            w.setFont(sized_font(base, SMALL_PT, z))
