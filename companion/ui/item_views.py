"""Lists whose rows leave the screen reader's view when the list itself is hidden.

Qt tells assistive technology that a row is showing when the row's rectangle meets
the list's rectangle on screen, without asking whether the list is shown at all. A
list on a page the window has put away (the start screen while a round is live)
would so keep announcing its rows as showing. A hidden list here reports no
rectangle for its rows, which Qt reads as "not showing"; a shown one is unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget


def rect_if_shown(view: QAbstractItemView, rect: QRect) -> QRect:
    """``rect`` while ``view`` is shown; an empty rectangle while it is hidden."""
    return rect if view.isVisible() else QRect()


class ShyTreeWidget(QTreeWidget):
    """A ``QTreeWidget`` whose rows are not "showing" while it is hidden."""

    def visualRect(self, index: QModelIndex | QPersistentModelIndex) -> QRect:
        return rect_if_shown(self, super().visualRect(index))
