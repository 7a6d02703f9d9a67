"""The Practice page with a team store: a finished set's summary is published from the
window (off its thread), once, and the server holds it under the login's own name."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from companion.practice import history
from companion.team.settings import EVERYTHING, save_conninfo
from tests.pg_server import PgServer
from tests.team_support import TeamDb, create_database, drop_database
from tests.ui_helpers import loaded, open_window

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def db(pg_server: PgServer) -> Iterator[TeamDb]:
    fresh = create_database(pg_server)
    try:
        yield fresh
    finally:
        drop_database(fresh)


def test_a_finished_set_is_published_from_the_window(
        qtbot: QtBot, data_dir: Path, db: TeamDb) -> None:
    kim = db.add("kim", "interviewer", "Kim Lee")
    save_conninfo(data_dir, db.conninfo(kim), EVERYTHING)
    window = open_window(qtbot, data_dir)
    window.settings.interviewer = "Kim"
    with loaded(window, data_dir):
        qtbot.keyClick(window, Qt.Key.Key_L, CTRL_SHIFT)
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
                                    "companion.practice_summaries").all()
    assert [tuple(r) for r in rows] == [(kim, "Kim Lee", 12, 12)]
