"""The Calibration page in the real window, on the team demo's quarter: reached by key and
from the start screen, filtered, exported, and held back by the independence rule.

With ``COMPANION_DOC_IMAGES=1`` the page is also written to docs/images/calibration-page.png
and the first page of its PDF (pdftoppm, 72 dpi) to docs/images/calibration-page1.png.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QPushButton,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from companion.calibration.stats.estimate import Estimate
from companion.calibration.text import figure
from companion.content.loader import builtin_pack
from companion.content.planner import PlannedRound
from companion.demo.team_plan import HARSH, LENIENT, NOISY, USELESS_ITEM, plan_quarter
from companion.live.clock import ManualClock
from companion.live.engine import RoundEngine
from companion.store import Store
from companion.ui.calibration_charts import ItemChart, LeniencyChart
from tests.conftest import REPO
from tests.practice_support import practise_one_step_high
from tests.ui_helpers import loaded, open_window, screenshot

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
DOCS = REPO / "docs" / "images"


def _copy_team(team_dir: Path, data_dir: Path) -> None:
    """This test's own copy of the demo quarter (the shared one stays as it is)."""
    shutil.copytree(team_dir, data_dir, dirs_exist_ok=True)


def _practise(data_dir: Path, name: str) -> Estimate:
    """A practice set by ``name`` on this computer, every answer rated one step high."""
    return practise_one_step_high(data_dir, name)


def test_calibration_page_shows_what_the_demo_planted(  # type: ignore[no-untyped-def]
        qtbot: QtBot, data_dir: Path, team_dir: Path) -> None:
    _copy_team(team_dir, data_dir)
    practised = _practise(data_dir, "Hannah Brooks")
    window = open_window(qtbot, data_dir)
    window.resize(1400, 1000)
    with loaded(window, data_dir):
        with qtbot.waitSignal(window.pages.calibration_page.computed, timeout=30000):
            qtbot.keyClick(window, Qt.Key.Key_K, CTRL_SHIFT)
        page = window.pages.calibration_page
        assert window.stack.currentWidget() is page
        assert page.scope.text().startswith("146 submitted scorecards of 40 candidates")
        findings = page.findings.text()
        for text in (f"{LENIENT} rates higher", f"{HARSH} rates lower",
                     f"{NOISY}'s ratings scatter widely",
                     "What to log and what to measure does not predict"):
            assert text in findings
        assert findings.count("\u2022") == 4
        lean = page.findChild(LeniencyChart, "calibration.leniencyChart")
        items = page.findChild(ItemChart, "calibration.itemChart")
        assert lean.rows == 8 and len(items.figures) == 8
        assert f"{LENIENT}: leniency +0.83 (+0.65 to +1.01)" in lean.accessibleDescription()
        assert "agreement" in items.accessibleDescription()
        # The charts can be reached with the keyboard and read out.
        for chart in (lean, items):
            assert chart.focusPolicy() == Qt.FocusPolicy.StrongFocus and chart.accessibleName()
        table = page.findChild(QTreeWidget, "calibration.interviewers")
        rows = [table.topLevelItem(i) for i in range(table.topLevelItemCount())]
        assert [r.text(0) for r in rows][:2] == ["Hannah Brooks", "Ines Duarte"]
        assert any(r.text(7).startswith("too few (") for r in rows)  # shown as words
        # Practice beside live leniency: Hannah practised here, nobody else did.
        assert table.headerItem().text(3) == "Practice"
        assert rows[0].text(3) == figure(practised, "steps") and "tentative" in rows[0].text(3)
        assert {r.text(3) for r in rows[1:]} == {"no practice"}
        # The on-time share, in the same form as the other figures, with its n.
        assert table.headerItem().text(9) == "On time"
        by_name = {f.name: f for f in page.calibration.interviewers}
        for r in rows:
            assert r.text(9) == figure(by_name[r.text(0)].on_time, "share")
            assert " rounds from " in r.text(9)
        # Every live figure on the page gives what it rests on, too few or not.
        for tree in ("calibration.interviewers", "calibration.items", "calibration.dimensions"):
            shown = page.findChild(QTreeWidget, tree)
            for r in (shown.topLevelItem(i) for i in range(shown.topLevelItemCount())):
                first = 2 if tree == "calibration.interviewers" else 4
                for col in range(first, shown.columnCount()):
                    if tree == "calibration.interviewers" and col == 3:
                        continue  # practice, checked above
                    assert re.search(r"\d+ \w+ from \d+ candidates\)?$", r.text(col)), (
                        tree, r.text(0), r.text(col))
        for _ in range(3):
            QApplication.processEvents()
        path = screenshot(window, "calibration_page")
        if os.environ.get("COMPANION_DOC_IMAGES") == "1":
            shutil.copyfile(path, DOCS / "calibration-page.png")

        # A role filter recomputes; "too few" replaces what a role alone cannot carry.
        combo = page.findChild(QComboBox, "calibration.archetype")
        assert combo.accessibleName() == "Role"
        with qtbot.waitSignal(page.computed, timeout=30000):
            combo.setCurrentIndex(combo.findData("distributed"))
        assert "archetype distributed" in page.scope.text()
        assert page.calibration is not None and 0 < page.calibration.scorecards < 146
        with qtbot.waitSignal(page.computed, timeout=30000):
            combo.setCurrentIndex(0)
        # The last ten days of the quarter carry too little for most figures.
        last = page.calibration.last
        assert last is not None
        since = last.astimezone().date() - timedelta(days=10)
        page.since.setDate(QDate(since.year, since.month, since.day))
        with qtbot.waitSignal(page.computed, timeout=30000):
            page.use_since.setChecked(True)
        assert f"since {since.isoformat()}" in page.scope.text()
        assert "too few" in lean.accessibleDescription()
        assert "too few" in items.accessibleDescription()
        with qtbot.waitSignal(page.computed, timeout=30000):
            page.use_since.setChecked(False)

        with qtbot.waitSignal(page.export_status.finished, timeout=60000) as done:
            qtbot.mouseClick(page.findChild(QPushButton, "calibration.export"),
                             Qt.MouseButton.LeftButton)
        pdf = Path(done.args[0])
        assert pdf.parent == data_dir / "exports" and pdf.name.endswith("Calibration.pdf")
        first = " ".join(PdfReader(pdf).pages[0].extract_text().split())
        assert "Interviewers against their co-panelists" in first and LENIENT in first
        if os.environ.get("COMPANION_DOC_IMAGES") == "1":
            subprocess.run(["pdftoppm", "-png", "-r", "72", "-f", "1", "-l", "1",
                            "-singlefile", str(pdf), str(DOCS / "calibration-page1")],
                           check=True)

        qtbot.mouseClick(page.findChild(QPushButton, "calibration.back"),
                         Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is window.start_screen
        with qtbot.waitSignal(page.computed, timeout=30000):
            qtbot.mouseClick(window.start_screen.findChild(QPushButton, "calibrationButton"),
                             Qt.MouseButton.LeftButton)
        assert window.stack.currentWidget() is page


def test_a_viewer_still_scoring_a_candidate_gets_nothing_from_them(  # type: ignore[no-untyped-def]
        qtbot: QtBot, data_dir: Path, team_dir: Path) -> None:
    _copy_team(team_dir, data_dir)
    quarter = plan_quarter()
    someone = quarter.scorecards[0]
    pack = builtin_pack()
    with Store.open(data_dir) as store:  # Sofia starts a round of that candidate, not submitted
        engine = RoundEngine.start(store, pack, PlannedRound(pack.template("technical"),
                                                             (USELESS_ITEM,), False),
                                   candidate=someone.candidate, interviewer="Sofia Lindqvist",
                                   archetype=someone.archetype, level=someone.level,
                                   clock=ManualClock(someone.start))
        engine.close()
    window = open_window(qtbot, data_dir)
    window.settings.interviewer = "Sofia Lindqvist"
    with loaded(window, data_dir):
        with qtbot.waitSignal(window.pages.calibration_page.computed, timeout=30000):
            window.actions_.calibration.trigger()
        page = window.pages.calibration_page
        scope = page.findChild(QLabel, "calibration.scope").text()
        assert scope.startswith("14") and "of 39 candidates" in scope
        assert "1 candidate left out: Sofia Lindqvist has not submitted a scorecard" in scope


def test_on_a_laptop_the_findings_leave_the_charts_most_of_the_page(  # type: ignore[no-untyped-def]
        qtbot: QtBot, data_dir: Path, team_dir: Path) -> None:
    _copy_team(team_dir, data_dir)
    window = open_window(qtbot, data_dir)
    window.resize(1280, 740)  # as on a 1366x768 screen under a title bar (openbox)
    with loaded(window, data_dir):
        with qtbot.waitSignal(window.pages.calibration_page.computed, timeout=30000):
            qtbot.keyClick(window, Qt.Key.Key_K, CTRL_SHIFT)
        page = window.pages.calibration_page
        for _ in range(3):
            QApplication.processEvents()
        box = page.findChild(QWidget, "calibration.findingsScroll")
        assert box is not None and page.findings.text().count("\u2022") == 4
        assert box.height() <= 6 * page.findings.fontMetrics().lineSpacing()
        assert page.tabs.height() >= 400  # about 290 when the findings took half the page
        # Back to rounds: the focus lands on the start screen, where Tab shows its ring.
        page.back_button.click()
        assert window.start_screen.isAncestorOf(QApplication.focusWidget())
