"""A persistent error banner across the top of the window.

It stays until the problem is gone (a failed autosave clears on the next
successful save) or, for one-off errors, until the user dismisses it. It never
takes focus, so typing in the notes carries on while it is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

SAVE_FAILED_TEMPLATE = ("Autosave failed: {message}; your text is kept in the window "
                        "and will be saved when possible")


class ErrorBanner(QFrame):
    """Shows one error line; ``kind`` says what clears it ("save" or "error")."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.kind = ""
        self._label = QLabel(self)
        self._label.setObjectName("errorBannerText")
        self._label.setWordWrap(True)
        self._label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._dismiss = QPushButton("Dismiss", self)
        self._dismiss.setObjectName("errorBannerDismiss")
        self._dismiss.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._dismiss.clicked.connect(self.clear)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(self._label, 1)
        layout.addWidget(self._dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    @property
    def text(self) -> str:
        return self._label.text()

    def show_save_failed(self, message: str) -> None:
        """A failed autosave: stays up until the next successful save."""
        text = message.strip().removeprefix("cannot save to ") or "unknown reason"
        self._show(SAVE_FAILED_TEMPLATE.format(message=text), "save", dismissable=False)

    def show_error(self, message: str) -> None:
        """A problem the user should know about; they may dismiss it."""
        self._show(message, "error", dismissable=True)

    def on_saved(self) -> None:
        """A save went through: a save-failure banner is no longer true."""
        if self.kind == "save":
            self.clear()

    def clear(self) -> None:
        self.kind = ""
        self._label.clear()
        self.hide()

    def _show(self, text: str, kind: str, dismissable: bool) -> None:
        self.kind = kind
        self._label.setText(text)
        self._dismiss.setVisible(dismissable)
        self.show()
