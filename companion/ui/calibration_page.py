"""The Calibration page: which interviewers lean or scatter, which questions tell
candidates apart, and how far each figure can be trusted.

Layout and intent only. The figures come from ``companion.calibration.figures``
(computed on the thread pool: a year of scorecards takes about a second) and
the page mirrors them: findings in words, the two charts, the tables, and what
each figure means. The PDF is rendered by ``companion.export.calibration_pdf``
through the shared export status line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from companion.base.errors import CompanionError
from companion.calibration.model import Calibration, Filters, RatingFigures
from companion.calibration.text import GLOSSARY, figure, scope
from companion.practice.scoring import PracticeFigure
from companion.record.names import fold_name
from companion.ui.calibration_charts import ItemChart, LeniencyChart
from companion.ui.export_task import ExportStatus

if TYPE_CHECKING:  # the store and the pack load when the page is first shown
    from companion.content.model import Pack
    from companion.store import Store
    from companion.team.settings import TeamSettings

log = logging.getLogger("companion.ui.calibration")


FINDINGS_LINES = 5  # the charts below get the rest of the page

class _Signals(QObject):
    done = Signal(int, object)  # request number, Calibration
    failed = Signal(int, str)


class _Compute(QRunnable):
    """Read the store and compute every figure, off the GUI thread."""

    def __init__(self, number: int, job: Callable[[], Computed], signals: _Signals) -> None:
        super().__init__()
        self.number, self.job, self.signals = number, job, signals

    def run(self) -> None:
        try:
            result = self.job()
        except CompanionError as exc:
            self.signals.failed.emit(self.number, str(exc))
        except Exception as exc:  # a worker must report, never die silently
            log.exception("calibration failed")
            self.signals.failed.emit(self.number, f"calibration failed unexpectedly "
                                                  f"({type(exc).__name__}); see the log file")
        else:
            self.signals.done.emit(self.number, result)


@dataclass(frozen=True)
class Computed:
    """The figures, one line per team store row left out of them, and each interviewer's
    practice (folded name -> sets and signed error) to show beside leniency."""

    calibration: Calibration
    left_out: tuple[str, ...] = ()
    practice: dict[str, PracticeFigure] = field(default_factory=dict)


def compute_calibration(store: Store, pack: Pack, viewer: str | None,
                        filters: Filters) -> Computed:
    """The figures for ``viewer``, and practice on this computer (runs on a worker thread)."""
    from companion.calibration.figures import compute_rated
    from companion.practice.history import practice_by_interviewer
    from companion.store.bulk import read_for_calibration

    data = read_for_calibration(store)
    return Computed(compute_rated(data.rounds, data.decisions, pack, viewer=viewer,
                                  rounds=data.pending, filters=filters, kinds=data.kinds),
                    practice=practice_by_interviewer(store, filters.archetype))


def compute_team_calibration(team: TeamSettings, password: str | None, pack: Pack,
                             filters: Filters, data_dir: Path) -> Computed:
    """The figures and published practice over the team store (runs on a worker thread).

    The server's rules decide what the login may read, independence included,
    so nothing is held back here.
    """
    from companion.calibration.figures import compute_rated
    from companion.team.checked_cache import CheckedCache
    from companion.team.errors import TeamRefusedError
    from companion.team.practice import practice_by_interviewer
    from companion.team.reading import read_for_calibration, team_connection

    with team_connection(team, password) as conn:
        data = read_for_calibration(conn, pack, CheckedCache(data_dir, team.conninfo))
        try:
            practice = practice_by_interviewer(conn, filters.archetype)
        except TeamRefusedError:  # practice is for panel leads to read
            practice = {}
    return Computed(compute_rated(data.rounds, data.decisions, pack, viewer=None,
                                  filters=filters, kinds=data.kinds), data.problems, practice)


def _practice(name: str, practice: dict[str, PracticeFigure]) -> str:
    """The interviewer's practice signed error, in leniency's units, or why there is none."""
    found = practice.get(fold_name(name))
    return figure(found.signed_error, "steps") if found is not None else "no practice"


def _tree(name: str, headers: list[str], parent: QWidget) -> QTreeWidget:
    tree = QTreeWidget(parent)
    tree.setObjectName(name)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    return tree


class CalibrationPage(QWidget):
    """One page of the window's stack; ``back_requested`` returns to the start screen."""

    back_requested = Signal()
    computed = Signal()  # new figures are on the page
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calibration.page")
        self.store: Store | None = None
        self.pack: Pack | None = None
        self.export_dir: Path | None = None
        self.viewer: Callable[[], str] = lambda: ""  # the window points it at its settings
        # Set by the window when a team store is configured (and a password typed, if any).
        self.team: TeamSettings | None = None
        self.team_password: Callable[[], str | None] = lambda: None
        self.paper: Callable[[], str] = lambda: "a4"
        self.calibration: Calibration | None = None
        self.left_out: tuple[str, ...] = ()  # team store rows the figures go without
        self.practice: dict[str, PracticeFigure] = {}  # shown beside leniency, and in the PDF
        self._request = 0
        self._signals = _Signals(self)
        self._signals.done.connect(self._computed)
        self._signals.failed.connect(self._failed)

        title = QLabel("Calibration", self)
        title.setProperty("role", "title")
        intro = QLabel("Which interviewers rate above or below their co-panelists, which "
                       "questions tell candidates apart, and how far each figure can be "
                       "trusted with the interviews you ran.", self)
        intro.setProperty("role", "muted")
        intro.setWordWrap(True)

        self.use_since = QCheckBox("Only rounds since", self)
        self.use_since.setObjectName("calibration.useSince")
        self.use_since.setAccessibleDescription(
            "Count only rounds started on or after the date beside it.")
        self.since = QDateEdit(self)
        self.since.setObjectName("calibration.since")
        self.since.setAccessibleName("Only rounds started on or after this date")
        self.since.setAccessibleDescription("The first day counted, as year-month-day.")
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.since.setDate(QDate.currentDate().addMonths(-3))
        self.since.setEnabled(False)
        self.use_since.toggled.connect(self.since.setEnabled)
        self.use_since.toggled.connect(self.refresh)
        self.since.dateChanged.connect(self._since_changed)
        self.from_team = QCheckBox("From the team store", self)
        self.from_team.setObjectName("calibration.team")
        self.from_team.setToolTip("Every scorecard your team-store login may read, instead of "
                                  "the rounds on this computer")
        self.from_team.hide()
        self.from_team.toggled.connect(self.refresh)
        self.archetype = QComboBox(self)
        self.archetype.setObjectName("calibration.archetype")
        self.archetype.setAccessibleName("Role")
        self.archetype.setAccessibleDescription("Count the rounds of one role, or of all.")
        self.archetype.currentIndexChanged.connect(self.refresh)
        self.export_button = QPushButton("Export PDF", self)
        self.export_button.setObjectName("calibration.export")
        self.export_button.setAccessibleDescription(
            "Write these figures as a PDF into the exports folder.")
        self.export_button.clicked.connect(self.export)
        self.back_button = QPushButton("Back to rounds", self)
        self.back_button.setObjectName("calibration.back")
        self.back_button.setAccessibleDescription("Return to the start screen.")
        self.back_button.clicked.connect(self.back_requested)
        self.export_status = ExportStatus(self)

        self.scope = QLabel(self)
        self.scope.setObjectName("calibration.scope")
        self.scope.setProperty("role", "muted")
        self.scope.setWordWrap(True)
        # A team store row that failed the checks: named, the figures made without it.
        self.problems = QLabel(self)
        self.problems.setObjectName("calibration.leftOut")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems.hide()
        self.findings = QLabel(self)
        self.findings.setObjectName("calibration.findings")
        self.findings.setWordWrap(True)
        self.findings.setTextFormat(Qt.TextFormat.PlainText)
        self.findings.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.leniency_chart = LeniencyChart(self)
        self.item_chart = ItemChart(self)
        charts = QWidget(self)
        charts.setObjectName("calibration.charts")
        chart_layout = QVBoxLayout(charts)
        chart_layout.addWidget(QLabel("Interviewers against their co-panelists", charts))
        chart_layout.addWidget(self.leniency_chart)
        chart_layout.addWidget(_key_label(
            "Dots: estimates; whiskers: 95% intervals, an arrowhead where one runs past the "
            "chart's edge; hollow: tentative (fewer than 15 candidates). Under each name: "
            "the pairs and candidates the row rests on. Dashed: \u00b10.2 steps of "
            "leniency, and 1.25 times the team's typical scatter.",
            charts))
        chart_layout.addWidget(QLabel("Questions and scenarios", charts))
        chart_layout.addWidget(self.item_chart)
        chart_layout.addWidget(_key_label(
            "Bars: estimates; whiskers: 95% intervals, an arrowhead where one runs past the "
            "chart's edge; outlined: tentative. Under each title: what alpha and tau-b rest "
            "on. Dashed at 0.3 "
            "(a useful question's link to the recommendation) and 0.8 (agreement commonly "
            "asked of a measure).", charts))
        chart_layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setObjectName("calibration.chartScroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(charts)

        self.interviewer_table = _tree("calibration.interviewers", [
            "Interviewer", "Rounds", "Leniency", "Practice", "Scatter", "Matches decision",
            "Red flags",
            "Failure probes skipped", "Submitted after", "On time"], self)
        self.item_table = _tree("calibration.items", [
            "Question or scenario", "Asked", "Skipped", "Unrated", "Most common",
            "Agreement (alpha)", "Predicts recommendation", "Predicts decision"], self)
        self.dimension_table = _tree("calibration.dimensions", [
            "Dimension", "Asked", "Skipped", "Unrated", "Most common", "Agreement (alpha)",
            "Predicts recommendation", "Predicts decision"], self)
        meaning = QLabel("\n\n".join(f"{name}\n{text}" for name, text in GLOSSARY), self)
        meaning.setObjectName("calibration.meaning")
        meaning.setWordWrap(True)
        meaning_scroll = QScrollArea(self)
        meaning_scroll.setWidgetResizable(True)
        meaning_scroll.setWidget(meaning)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("calibration.tabs")
        self.tabs.addTab(scroll, "Charts")
        self.tabs.addTab(self.interviewer_table, "Interviewers")
        self.tabs.addTab(self.item_table, "Questions")
        self.tabs.addTab(self.dimension_table, "Dimensions")
        self.tabs.addTab(meaning_scroll, "What the figures mean")
        for index, tip in enumerate((
                "Leniency per interviewer and agreement per question, as charts.",
                "Each interviewer's figures, with n and interval.",
                "Each question's and scenario's figures, with n and interval.",
                "The figures per dimension of the role's weighting.",
                "What each figure means and how far to trust it.")):
            self.tabs.setTabToolTip(index, tip)
        # Tab stops a screen reader announces: each says what it holds.
        for widget, name in ((self.tabs, "Calibration figures"), (scroll, "Charts"),
                             (meaning_scroll, "What the figures mean")):
            widget.setAccessibleName(name)

        filters = QHBoxLayout()
        filters.addWidget(self.use_since)
        filters.addWidget(self.since)
        role = QLabel("Role", self)
        role.setBuddy(self.archetype)
        filters.addSpacing(16)
        filters.addWidget(role)
        filters.addWidget(self.archetype)
        filters.addSpacing(16)
        filters.addWidget(self.from_team)
        filters.addStretch(1)
        filters.addWidget(self.export_button)
        filters.addWidget(self.back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 24, 48, 24)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(filters)
        layout.addWidget(self.scope)
        layout.addWidget(self.problems)
        layout.addWidget(self._findings_scroll())
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.export_status)

    def _findings_scroll(self) -> QScrollArea:
        """The findings, at most FINDINGS_LINES tall: at 1366x768 they took half the page
        and left the charts under 300 pixels. More findings scroll in their own box."""
        box = QScrollArea(self)
        box.setObjectName("calibration.findingsScroll")
        box.setWidgetResizable(True)
        box.setFrameShape(QFrame.Shape.NoFrame)
        box.setWidget(self.findings)
        box.setAccessibleName("Findings")
        box.setMaximumHeight(FINDINGS_LINES * self.findings.fontMetrics().lineSpacing() + 8)
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        return box

    def set_sources(self, store: Store | None, pack: Pack | None, export_dir: Path) -> None:
        self.store, self.pack, self.export_dir = store, pack, export_dir
        self.archetype.blockSignals(True)
        self.archetype.clear()
        self.archetype.addItem("All roles", None)
        for arche in pack.archetypes if pack is not None else ():
            self.archetype.addItem(arche.title, arche.id)
        self.archetype.blockSignals(False)

    def set_team(self, team: TeamSettings | None,
                 password: Callable[[], str | None] = lambda: None) -> None:
        """Offer the team store as the source (``None``: this computer only)."""
        self.team, self.team_password = team, password
        self.from_team.setVisible(team is not None)
        if team is None:
            self.from_team.setChecked(False)

    # -- data ------------------------------------------------------------------------------
    def filters(self) -> Filters:
        since: date | None = None
        if self.use_since.isChecked():
            d = self.since.date()
            since = date(d.year(), d.month(), d.day())
        return Filters(since=since, archetype=self.archetype.currentData())

    def _since_changed(self) -> None:
        if self.use_since.isChecked():
            self.refresh()

    def refresh(self) -> None:
        """Compute the figures again for the current filters, off the GUI thread."""
        if self.store is None or self.pack is None:
            return
        self._request += 1
        store, pack, filters = self.store, self.pack, self.filters()
        viewer = self.viewer().strip() or None  # nobody named: hold back every pending one
        team = self.team if self.from_team.isChecked() else None
        job: Callable[[], Computed]
        if team is not None:
            self.scope.setText("Reading the team store and computing the figures\u2026")
            job = partial(compute_team_calibration, team, self.team_password(), pack, filters,
                          store.data_dir)
        else:
            self.scope.setText("Computing the figures\u2026")
            job = partial(compute_calibration, store, pack, viewer, filters)
        QThreadPool.globalInstance().start(_Compute(self._request, job, self._signals))

    def _computed(self, number: int, result: Computed) -> None:
        if number != self._request:  # the filters changed meanwhile: a newer one is coming
            return
        self.show_calibration(result.calibration, result.left_out, result.practice)
        self.computed.emit()

    def _failed(self, number: int, message: str) -> None:
        if number == self._request:
            self.scope.setText(f"Cannot compute the figures: {message}")
            self.failed.emit(message)

    def show_calibration(self, cal: Calibration, left_out: tuple[str, ...] = (),
                         practice: dict[str, PracticeFigure] | None = None) -> None:
        """Mirror ``cal`` on the page: words, charts, tables, the rows left out, and each
        interviewer's ``practice`` signed error beside their leniency."""
        self.calibration = cal
        self.left_out = left_out
        self.practice = dict(practice or {})
        self.scope.setText(scope(cal))
        self.problems.setText("\n".join(f"Left out: {line}" for line in left_out))
        self.problems.setVisible(bool(left_out))
        if not cal.scorecards:
            self.findings.setText("No submitted scorecards in this scope yet.")
        elif cal.findings:
            self.findings.setText("\n".join(f"\u2022 {f.text}" for f in cal.findings))
        else:
            self.findings.setText("Nothing stands out at the confidence these figures allow.")
        self.leniency_chart.set_figures(cal.interviewers)
        self.item_chart.set_figures(cal.items)
        self.interviewer_table.clear()
        for f in cal.interviewers:
            self.interviewer_table.addTopLevelItem(QTreeWidgetItem([
                f.name, str(f.rounds), figure(f.leniency, "steps"),
                _practice(f.name, practice or {}), figure(f.scatter),
                figure(f.agreement, "share"), figure(f.red_flags, "share"),
                figure(f.failure_probe_skips, "share"), figure(f.lateness_h, "hours"),
                figure(f.on_time, "share")]))
        for table, rows in ((self.item_table, cal.items), (self.dimension_table, cal.dimensions)):
            table.clear()
            for r in rows:
                table.addTopLevelItem(QTreeWidgetItem(_rating_row(r)))
        for table in (self.interviewer_table, self.item_table, self.dimension_table):
            for col in range(table.columnCount()):
                table.resizeColumnToContents(col)
        self.export_button.setEnabled(cal.scorecards > 0)

    # -- intent ----------------------------------------------------------------------------
    def export(self) -> None:
        """Write the figures on the page as the calibration PDF (on the thread pool)."""
        cal, pack, left_out, practice = self.calibration, self.pack, self.left_out, self.practice
        if cal is None or pack is None or self.export_dir is None or self.export_status.running:
            return
        paper = self.paper()
        target = self.export_dir / f"{datetime.now(UTC).astimezone():%Y-%m-%d} Calibration.pdf"
        def job(chosen: Path) -> Path:
            return write_calibration_pdf(cal, pack, chosen, paper, left_out, practice)

        self.export_status.start(job, target, "the calibration report")


def _rating_row(r: RatingFigures) -> list[str]:
    name = r.title + (f" ({r.weight}%)" if r.weight is not None else "")
    common = (f"{r.most_common.replace('_', ' ').capitalize()} "
              f"{figure(r.spread, 'share')}" if r.most_common else figure(r.spread, "share"))
    return [name, str(r.asked), str(r.skipped), str(r.unrated), common, figure(r.agreement),
            figure(r.predicts_recommendation), figure(r.predicts_decision)]


def _key_label(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    return label


def write_calibration_pdf(cal: Calibration, pack: Pack, target: Path, paper: str,
                          left_out: tuple[str, ...] = (),
                          practice: dict[str, PracticeFigure] | None = None) -> Path:
    """Render the calibration report to ``target`` (runs on a worker thread)."""
    from companion.export.calibration_pdf import render_calibration  # lazy: reportlab

    target.parent.mkdir(parents=True, exist_ok=True)
    return render_calibration(cal, pack, target, page_size=paper, warnings=left_out,
                              practice=practice)
