"""Run an export off the GUI thread, with a busy bar, "Open folder" and "Save as…".

PDF rendering takes long enough to freeze typing, so the job runs on the
global QThreadPool; the result comes back through queued signals. The export
code itself is imported inside the job, which keeps reportlab off start-up.

A job writes to the file it is given, so the same export can go to the exports
folder or, through "Save as…", anywhere the user picks; when the folder cannot
be written, the message says so and offers "Save as…" right there.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from companion.base.errors import CompanionError
from companion.ui.buttons import push_button
from companion.ui.theme import set_look

if TYPE_CHECKING:  # the pack and scorecards arrive after the first frame
    from companion.content.model import Pack
    from companion.record.decision import Decision
    from companion.record.scorecard import Scorecard

log = logging.getLogger("companion.ui.export")

ExportJob = Callable[[Path], Path]  # writes the PDF to the path given; returns it
PDF_FILTER = "PDF files (*.pdf)"


def prepared_folder(target: Path) -> Path:
    """Create ``target``'s folder if needed; a CompanionError saying what to do if it
    cannot be written (a read-only drive, a folder IT locked down)."""
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CompanionError(f"the folder {folder} cannot be created "
                             f"({exc.strerror or exc})") from exc
    return folder


def export_file_name(candidate: str, round_title: str, at: datetime | None) -> str:
    """A portable file name such as ``2026-11-28 Jane Doe - Technical interview.pdf``."""
    stem = f"{at.astimezone():%Y-%m-%d} " if at else ""
    stem += f"{candidate} - {round_title}"
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem).strip(" .") + ".pdf"


def scorecard_job(scorecard: Scorecard, pack: Pack, paper: str = "a4") -> ExportJob:
    """Render one scorecard on ``paper`` to the path given (runs on a worker thread)."""

    def job(target: Path) -> Path:
        from companion.export.scorecard_pdf import render_scorecard  # lazy: reportlab

        prepared_folder(target)
        return render_scorecard(scorecard, pack, target, page_size=paper)

    return job


def panel_job(scorecards: Sequence[Scorecard], pack: Pack, labels: list[str],
              paper: str = "a4", decision: Decision | None = None,
              provenance: Sequence[str] | None = None,
              warnings: Sequence[str] = (),
              loop_lines: Sequence[tuple[str, str]] = ()) -> ExportJob:
    """Render a panel debrief on ``paper`` to the path given (runs on a worker thread)."""

    def job(target: Path) -> Path:
        from companion.export.panel_pdf import render_panel  # lazy: reportlab

        prepared_folder(target)
        return render_panel(list(scorecards), pack, target, labels=labels, page_size=paper,
                            decision=decision, provenance=provenance, warnings=warnings,
                            loop_lines=loop_lines)

    return job


def ask_save_path(parent: QWidget, suggested: Path) -> Path | None:
    """The file the user picks for a PDF (``.pdf`` added if left out), or None."""
    from PySide6.QtWidgets import QFileDialog  # a dialog: off the start-up path

    chosen, _filter = QFileDialog.getSaveFileName(parent, "Save the PDF as", str(suggested),
                                                  PDF_FILTER)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


class _Signals(QObject):
    finished = Signal(str)  # the written file
    failed = Signal(str)  # one line for the user


class _Runnable(QRunnable):
    def __init__(self, job: ExportJob, target: Path, signals: _Signals) -> None:
        super().__init__()
        self._job = job
        self._target = target
        self._signals = signals

    def run(self) -> None:
        try:
            path = self._job(self._target)
        except CompanionError as exc:
            self._signals.failed.emit(str(exc))
        except Exception as exc:  # a worker must report, never die silently
            log.exception("export failed")
            self._signals.failed.emit(f"export failed unexpectedly ({type(exc).__name__}); "
                                      "details are in the log file")
        else:
            self._signals.finished.emit(str(path))


class ExportStatus(QWidget):
    """A one-line export status: busy bar while running, then the result with "Open
    folder", or the failure with what to do and "Save as…"."""

    finished = Signal(str)
    failed = Signal(str)
    refused = Signal(str)  # nothing was started, and why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportStatus")
        self.last_file: Path | None = None
        self._job: ExportJob | None = None
        self._target: Path | None = None
        self._what = ""
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
        self.bar.setAccessibleName("Exporting")
        self.label = QLabel(self)
        self.label.setObjectName("exportMessage")
        self.label.setWordWrap(True)
        self.open_folder = push_button("Open folder", self)
        self.open_folder.setObjectName("exportOpenFolder")
        self.open_folder.setAccessibleDescription("Show the exported PDF in its folder.")
        self.open_folder.clicked.connect(self.open_containing_folder)
        self.save_as_button = push_button("Save as…", self)
        self.save_as_button.setObjectName("exportSaveAs")
        self.save_as_button.setAccessibleDescription(
            "Choose another folder and file name for this PDF.")
        self.save_as_button.clicked.connect(lambda: self.save_as())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.open_folder)
        layout.addWidget(self.save_as_button)
        self.bar.hide()
        self.label.hide()
        self.open_folder.hide()
        self.save_as_button.hide()
        self.running = False

    def start(self, job: ExportJob, target: Path, what: str) -> None:
        """Run ``job`` for ``target`` on the thread pool; ``what`` names it in messages."""
        if self.running:
            return
        self._job, self._target, self._what = job, target, what
        self.running = True
        self.bar.show()
        self.open_folder.hide()
        self.save_as_button.hide()
        set_look(self.label, "role", "muted")
        self._say(f"Exporting {what}…")
        QThreadPool.globalInstance().start(_Runnable(job, target, self._signals))

    def save_as(self, job: ExportJob | None = None, target: Path | None = None,
                what: str = "") -> None:
        """Ask where to write the PDF, then export there (the last job if none is given)."""
        job = job or self._job
        target = target or self._target
        if job is None or target is None or self.running:
            return
        chosen = ask_save_path(self, target)
        if chosen is not None:
            self.start(job, chosen, what or self._what)

    def _say(self, text: str) -> None:
        """Show ``text``; with nothing to say the line takes no room at all."""
        self.label.setText(text)
        self.label.setVisible(bool(text))

    def refuse(self, message: str) -> None:
        """Say why nothing is exported (e.g. the independence rule); no job runs."""
        self.bar.hide()
        self.open_folder.hide()
        self.save_as_button.hide()
        set_look(self.label, "role", "muted")
        self._say(message)
        self.refused.emit(message)

    def clear(self) -> None:
        """Forget the last message: it was about another moment (another round, another
        interviewer)."""
        if self.running:
            return
        self._say("")
        self.open_folder.hide()
        self.save_as_button.hide()

    def _done(self, path: str) -> None:
        self.running = False
        self.last_file = Path(path)
        self.bar.hide()
        set_look(self.label, "role", "ok")
        self._say(f"Saved {self.last_file.name} in {self.last_file.parent}")
        self.open_folder.show()
        log.info("exported %s", path)
        self.finished.emit(path)

    def _failed(self, message: str) -> None:
        self.running = False
        self.bar.hide()
        set_look(self.label, "role", "error")
        folder = self._target.parent if self._target is not None else None
        self._say(f"Not exported: {message}. Choose another place with Save as…"
                           + (f", or ask for {folder} to be made writable." if folder else "."))
        self.save_as_button.show()
        log.warning("export failed: %s", message)
        self.failed.emit(message)

    def open_containing_folder(self) -> None:
        if self.last_file is not None:
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_file.parent)))
