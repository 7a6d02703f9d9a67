"""The Practice page with a team store: a finished set's summary is published from the
window (off its thread), once, and the server holds it under the login's own name."""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from companion.practice import history
from companion.team.settings import EVERYTHING, save_conninfo
from tests.team_support import TeamDb
from tests.ui_helpers import loaded, open_window

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_finished_set_is_published_from_the_window(
        qtbot: QtBot, data_dir: Path, db: TeamDb) -> None:
    kim = db.add("kim", "interviewer", "Kim Lee")
    save_conninfo(data_dir, db.conninfo(kim), EVERYTHING)
    window = open_window(qtbot, data_dir)
    window.settings.interviewer = "Kim"
    with loaded(window, data_dir):
        qtbot.keyClick(window, Qt.Key.Key_E, CTRL_SHIFT)
        page = window.pages.practice_page
        page.rng = random.Random(2)
        page.start_set()
        session = page.session
        assert session is not None
        while (item := session.current) is not None:
            page.rate(item.level)
            page.next_answer()
        summary = page.summary_view
        assert page.views.currentWidget() is summary and summary.publish.isVisible()
        with qtbot.waitSignal(page.published, timeout=30_000) as sent:
            qtbot.keyClick(summary.figures, Qt.Key.Key_U, CTRL_SHIFT)
        assert sent.args == ["Published 1 practice set summary to the team store."]
        with qtbot.waitSignal(page.published, timeout=30_000) as again:
            summary.publish.click()
        assert again.args == ["Every finished practice set is on the team store already."]
        (rec,) = history.sets(window.store)
        assert rec.published_at is not None
    with db.begin() as conn:
        rows = conn.exec_driver_sql("SELECT owner, interviewer, rated, exact FROM "
                                    "companion_data.practice_summaries").all()
    assert [tuple(r) for r in rows] == [(kim, "Kim Lee", 12, 12)]


def test_the_leads_calibration_page_shows_practice_beside_live_leniency(
        qtbot: QtBot, data_dir: Path, db: TeamDb, tmp_path: Path) -> None:
    from PySide6.QtWidgets import QTreeWidget

    from companion.calibration.text import figure
    from companion.content.loader import builtin_pack
    from companion.content.model import CUE_LEVELS
    from companion.practice.session import PracticeSession, SetChoice
    from companion.store import Store
    from companion.team import server
    from companion.team.practice import publish_sets
    from tests.publish_support import run_round

    roles = {name: db.add(base, kind, name) for base, kind, name in (
        ("kim", "interviewer", "Kim Lee"), ("sam", "interviewer", "Sam Okafor"),
        ("ana", "lead", "Ana Pereira"))}
    for name, rating in (("Kim Lee", "strong"), ("Sam Okafor", "thin")):
        with Store.open(tmp_path / name) as store, db.begin(roles[name]) as conn:
            rid = run_round(store, name, "Mei Lin", rating=rating).round_id
            server.publish_scorecard(conn, store.load_scorecard(rid))
            if name == "Kim Lee":  # Kim practises: every answer rated a step low
                session = PracticeSession.draw(builtin_pack(), SetChoice(name, "api"),
                                               history.StoredSet(store),
                                               rng=random.Random(5))
                while (item := session.current) is not None:
                    session.rate(CUE_LEVELS[min(3, CUE_LEVELS.index(item.level) + 1)])
                    session.next()
                assert len(publish_sets(conn, history.sets(store))) == 1
    expected = session.figures().signed_error
    save_conninfo(data_dir, db.conninfo(roles["Ana Pereira"]), EVERYTHING)
    window = open_window(qtbot, data_dir)
    window.settings.interviewer = "Ana Pereira"
    with loaded(window, data_dir):
        cal = window.pages.calibration_page
        window.show_calibration()
        qtbot.waitUntil(lambda: not cal.scope.text().startswith("Computing"), timeout=30_000)
        with qtbot.waitSignal(cal.computed, timeout=60_000):
            cal.from_team.setChecked(True)
        table = cal.findChild(QTreeWidget, "calibration.interviewers")
        rows = {table.topLevelItem(i).text(0): table.topLevelItem(i)
                for i in range(table.topLevelItemCount())}
        assert set(rows) == {"Kim Lee", "Sam Okafor"}
        assert rows["Kim Lee"].text(3) == figure(expected, "steps")
        assert expected.value is not None and expected.value < 0  # rated low, and it shows
        assert rows["Sam Okafor"].text(3) == "no practice"
        assert rows["Kim Lee"].text(2).startswith("too few (")  # live leniency, beside it
