"""The yardstick for start-up: a bare PySide6 window that paints once and exits.

It does what ``companion --smoke`` does (create the application, show one
top-level window, wait for its first paint, quit with 0) and nothing else, so
the ratio of the two run times is the cost of the app's own start-up work.
Run it as ``python bench/bare_window.py``; ``QT_QPA_PLATFORM=offscreen`` works.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QApplication, QLabel, QWidget


class _BareWindow(QWidget):
    """Quits the event loop right after its first paint has been handled."""

    def __init__(self) -> None:
        super().__init__()
        self._painted = False
        self.setWindowTitle("bare window")
        self.resize(1024, 700)
        QLabel("bare window", self)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Leave the paint handler first so the frame really completes.
            QTimer.singleShot(0, QApplication.quit)


def main() -> int:
    """Show the window, wait for the first paint, return the event loop's exit code."""
    app = QApplication(sys.argv[:1])
    window = _BareWindow()
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
