"""The main window's two message boxes, off the start-up path (QMessageBox loads late)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox, QWidget

from companion import __version__


def close_anyway(parent: QWidget, reason: str) -> bool:
    """Ask whether to close although the latest changes could not be saved."""
    buttons = QMessageBox.StandardButton
    answer = QMessageBox.warning(
        parent, "Notes not saved",
        f"The latest changes could not be saved:\n{reason}\n\nClose anyway and lose them?",
        buttons.Close | buttons.Cancel, buttons.Cancel)
    return answer == buttons.Close


def show_about(parent: QWidget, data: Path) -> None:
    QMessageBox.about(parent, "About Interview Companion",
                      f"Interview Companion {__version__}\n\nYour data is kept in:\n{data}\n"
                      "\nIt never connects to a network.")
