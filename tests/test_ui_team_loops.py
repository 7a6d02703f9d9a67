"""The Loops page with a team store: a lead's loop goes to the server first; an
interviewer's attempt is refused by the server and the page says so."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from companion.team import loops, server
from companion.team.settings import EVERYTHING, save_conninfo
from tests.scorecards import make_scorecard, pack
from tests.team_support import TeamDb
from tests.ui_helpers import loaded, open_window


def rows_id(db: TeamDb, lead: str) -> str:
    with db.raw(lead) as conn:
        row = conn.execute("SELECT id FROM companion.read_loops()").fetchone()
    assert row is not None
    return str(row[0])


def _plan_in_window(qtbot: QtBot, data: Path, name: str) -> str:
    window = open_window(qtbot, data)
    with loaded(window, data):
        window.start_screen.interviewer.setText(name)
        window.show_loops()
        page = window.pages.loops_page
        assert page.team is not None
        page.level.setCurrentIndex(page.level.findData("senior"))
        qtbot.keyClicks(page.candidate, "Rui Costa")
        qtbot.keyClick(page.candidate, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: "Saving" not in page.message.text(), timeout=30_000)
        said = page.message.text()
        if "planned" in said:
            page.interviewer.setText("Sam Okafor")
            qtbot.keyClick(page.interviewer, Qt.Key.Key_Return)
            qtbot.waitUntil(lambda: "Round 1" in page.message.text(), timeout=30_000)
        window.team_wiring.stop()
    return said


def test_a_lead_plans_in_the_window_and_an_interviewer_is_refused(
        qtbot: QtBot, db: TeamDb, tmp_path: Path) -> None:
    lead = db.add("ana", "lead", "Ana Pereira")
    sam = db.add("sam", "interviewer", "Sam Okafor")
    eve = db.add("eve", "interviewer", "Eve Marsh")
    ana_dir, eve_dir = tmp_path / "ana", tmp_path / "eve"
    save_conninfo(ana_dir, db.conninfo(lead), EVERYTHING)
    save_conninfo(eve_dir, db.conninfo(eve), EVERYTHING)

    said = _plan_in_window(qtbot, ana_dir, "Ana Pereira")
    assert said == "Loop of Rui Costa planned: 4 rounds. Assign each one below."
    with db.raw(lead) as conn:
        rows = conn.execute("SELECT candidate, payload::text FROM companion.read_loops()"
                            ).fetchall()
    assert [r[0] for r in rows] == ["Rui Costa"]
    assert '"created_by": "Ana Pereira"' in str(rows[0][1])
    assert '"interviewer": "Sam Okafor"' in str(rows[0][1])

    # Sam publishes his round; the lead's Loops page reads it from the server.
    loop_id = str(rows_id(db, lead))
    with db.begin(lead) as conn:
        planned = loops.find_loop(conn, loop_id)
    sc = replace(make_scorecard(pack(), interviewer="Sam Okafor", candidate="Rui Costa",
                                item_ids=(), sc_id=uuid.uuid4().hex),
                 template_id=planned.rounds[0].template_id)
    with db.begin(sam) as conn:
        server.publish_scorecard(conn, sc)
    window = open_window(qtbot, ana_dir)
    with loaded(window, ana_dir):
        window.show_loops()
        page = window.pages.loops_page
        qtbot.waitUntil(lambda: page.rounds.topLevelItemCount() == 4
                        and page.rounds.topLevelItem(0).text(4) == "published", timeout=30_000)
        assert page.summary.text().startswith("Rui Costa: 1 of 4 scorecards")
        window.team_wiring.stop()

    refused = _plan_in_window(qtbot, eve_dir, "Eve Marsh")
    assert refused.startswith("the team store refused to plan the loop of Rui Costa")
    with db.raw(lead) as conn:
        assert len(conn.execute("SELECT id FROM companion.read_loops()").fetchall()) == 1
