"""Push buttons for the pages on the way to the first frame."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton, QWidget


def push_button(text: str, parent: QWidget) -> QPushButton:
    """``QPushButton(text, parent)``, without building QIcon's types.

    Given a text and a parent, PySide6 also weighs the (icon, text) overload and so
    builds QIcon's Python types (its ThemeIcon enum alone has 151 members): about
    1.5 ms that the first frame does not need (tests/test_startup_path.py).
    """
    button = QPushButton(parent)
    button.setText(text)
    return button
