"""The stack of pages under the banner, and the one route from the engine to a live view."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QStackedWidget, QWidget

if TYPE_CHECKING:
    from companion.ui.bridge import EngineBridge
    from companion.ui.live import LiveView


class PageStack(QStackedWidget):
    """A stack whose size hints are those of the page on screen.

    ``QStackedWidget`` asks for the largest minimum of all its pages, so the start
    screen's form would keep a compact live round from getting narrow.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.currentChanged.connect(lambda _index: self.updateGeometry())

    def minimumSizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.minimumSizeHint() if page is not None else super().minimumSizeHint()

    def sizeHint(self) -> QSize:
        page = self.currentWidget()
        return page.sizeHint() if page is not None else super().sizeHint()


def wire_live_view(bridge: EngineBridge, view: LiveView) -> None:
    """The one route from the engine to the live view: the bridge's events and tick.

    Qt drops these connections when the view is deleted.
    """
    bridge.changed.connect(view.on_changed)
    bridge.navigated.connect(view.on_navigated)
    bridge.saved.connect(view.on_saved)
    bridge.save_failed.connect(view.on_save_failed)
    bridge.submitted.connect(view.on_submitted)
    bridge.ticked.connect(view.on_tick)
