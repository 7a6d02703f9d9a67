"""A persistent error banner across the top of the window.

It stays until the problem is gone (a failed autosave clears on the next
successful save) or, for one-off errors, until the user dismisses it. It never
takes focus, so typing in the notes carries on while it is shown.
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

SAVE_FAILED_TEMPLATE = ("Autosave failed: {message}; your text is kept in the window "
                        "and will be saved when possible")


class ErrorBanner(QFrame):
    """Shows one error line; ``kind`` says what clears it ("save" or "error").

    Its label and button are built the first time there is something to show:
    most sessions never need them, and they are not part of the first frame.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.kind = ""
        self._label: QLabel | None = None
        self._dismiss: QPushButton | None = None
        self.hide()

    def _build(self) -> tuple[QLabel, QPushButton]:
        if self._label is not None and self._dismiss is not None:
            return self._label, self._dismiss
        Qt = QtCore.Qt
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        label = QLabel(self)
        label.setObjectName("errorBannerText")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QPushButton("Dismiss", self)
        dismiss.setObjectName("errorBannerDismiss")
        dismiss.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        dismiss.clicked.connect(self.clear)
        dismiss.setAccessibleDescription("Hide this message.")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 8)
        layout.addWidget(label, 1)
        layout.addWidget(dismiss, 0, Qt.AlignmentFlag.AlignTop)
        self._label, self._dismiss = label, dismiss
        return label, dismiss

    @property
    def text(self) -> str:
        return self._label.text() if self._label is not None else ""

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
        if self._label is not None:
            self._label.clear()
        self.hide()

    def _show(self, text: str, kind: str, dismissable: bool) -> None:
        label, dismiss = self._build()
        self.kind = kind
        label.setText(text)
        dismiss.setVisible(dismissable)
        self.show()
