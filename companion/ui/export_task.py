"""Run an export off the GUI thread, with a busy bar and an "Open folder" button.

PDF rendering takes long enough to freeze typing, so the job runs on the
global QThreadPool; the result comes back through queued signals. The export
code itself is imported inside the job, which keeps reportlab off start-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from companion.errors import CompanionError
from companion.ui.theme import set_look

log = logging.getLogger("companion.ui.export")

ExportJob = Callable[[], Path]


class _Signals(QObject):
    finished = Signal(str)  # the written file
    failed = Signal(str)  # one line for the user


class _Runnable(QRunnable):
    def __init__(self, job: ExportJob, signals: _Signals) -> None:
        super().__init__()
        self._job = job
        self._signals = signals

    def run(self) -> None:
        try:
            path = self._job()
        except CompanionError as exc:
            self._signals.failed.emit(str(exc))
        except Exception as exc:  # a worker must report, never die silently
            log.exception("export failed")
            self._signals.failed.emit(f"export failed unexpectedly ({type(exc).__name__}); "
                                      "details are in the log file")
        else:
            self._signals.finished.emit(str(path))


class ExportStatus(QWidget):
    """A one-line export status: busy bar while running, then the result and "Open folder"."""

    finished = Signal(str)
    failed = Signal(str)
    refused = Signal(str)  # nothing was started, and why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportStatus")
        self.last_file: Path | None = None
        # The worker emits from its own thread, so the automatic connection type queues
        # these slots onto the GUI thread.
        self._signals = _Signals(self)
        self._signals.finished.connect(self._done)
        self._signals.failed.connect(self._failed)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("exportProgress")
        self.bar.setRange(0, 0)  # busy: the renderer reports no steps
        self.bar.setMaximumWidth(160)
        self.bar.setTextVisible(False)
        self.label = QLabel(self)
        self.label.setObjectName("exportMessage")
        self.label.setWordWrap(True)
        self.open_folder = QPushButton("Open folder", self)
        self.open_folder.setObjectName("exportOpenFolder")
        self.open_folder.clicked.connect(self.open_containing_folder)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_folder)
        self.bar.hide()
        self.open_folder.hide()
        self.running = False

    def start(self, job: ExportJob, what: str) -> None:
        """Run ``job`` on the thread pool; ``what`` names it in the busy message."""
        self.running = True
        self.bar.show()
        self.open_folder.hide()
        set_look(self.label, "role", "muted")
        self.label.setText(f"Exporting {what}…")
        QThreadPool.globalInstance().start(_Runnable(job, self._signals))

    def refuse(self, message: str) -> None:
        """Say why nothing is exported (e.g. the independence rule); no job runs."""
        self.bar.hide()
        self.open_folder.hide()
        set_look(self.label, "role", "muted")
        self.label.setText(message)
        self.refused.emit(message)

    def _done(self, path: str) -> None:
        self.running = False
        self.last_file = Path(path)
        self.bar.hide()
        set_look(self.label, "role", "ok")
        self.label.setText(f"Saved {self.last_file.name} in {self.last_file.parent}")
        self.open_folder.show()
        log.info("exported %s", path)
        self.finished.emit(path)

    def _failed(self, message: str) -> None:
        self.running = False
        self.bar.hide()
        set_look(self.label, "role", "muted")
        self.label.setText(f"Export failed: {message}")
        self.failed.emit(message)

    def open_containing_folder(self) -> None:
        if self.last_file is not None:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_file.parent)))
