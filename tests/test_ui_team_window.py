"""The real window with a team store configured, against a real PostgreSQL server.

A round submitted in the window is published by the worker thread and the
window says so (finish page, past rounds, status line); an amendment follows;
a slow server never holds the window's thread; the panel lead's panel page and
the Calibration page read the team store. Screenshots go to screenshots/.
"""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from companion.content.loader import builtin_pack
from companion.demo.pair import demo_round
from companion.exchange.files import content_hash
from companion.exchange.schema import scorecard_to_dict
from companion.live.engine import RoundEngine
from companion.store import Store
from companion.team.settings import EVERYTHING, cache_path, save_conninfo
from tests.publish_support import member, run_round, server_counts
from tests.scorecards import make_scorecard, pack
from tests.team_support import TeamDb
from tests.test_ui_panel import pdf_text
from tests.ui_helpers import loaded, open_window, screenshot


def cache_entries(data_dir: Path) -> int:
    """Entries in calibration's cache of checked team-store rows (``team.checked_cache``)."""
    with closing(sqlite3.connect(cache_path(data_dir))) as cache:
        return int(cache.execute("SELECT count(*) FROM entry").fetchone()[0])


def connected(data_dir: Path, db: TeamDb, role: str) -> None:
    save_conninfo(data_dir, db.conninfo(role), EVERYTHING)


def start_in_window(window, candidate: str, interviewer: str = "Sam Okafor") -> RoundEngine:  # type: ignore[no-untyped-def]
    pack = builtin_pack()
    engine = RoundEngine.start(window.store, pack, demo_round(pack), candidate=candidate,
                               interviewer=interviewer, archetype="api", level="senior")
    window.open_engine(engine)
    engine.start_round()
    engine.rate("mid")
    engine.set_recommendation("yes")
    return engine


def test_a_round_submitted_in_the_window_is_published_and_the_window_says_so(
        qtbot: QtBot, data_dir: Path, db: TeamDb) -> None:
    sam = db.add("sam", "interviewer", "Sam Okafor")
    connected(data_dir, db, sam)
    window = open_window(qtbot, data_dir)
    window.resize(1280, 800)
    with loaded(window, data_dir):
        assert window.team_wiring.publishing is not None and window.team_wiring.line is not None
        engine = start_in_window(window, "Mei Lin")
        assert not window.team_wiring.line.isVisible()  # nothing but the round while it runs
        with qtbot.waitSignal(window.team_wiring.publishing.changed, timeout=30_000):
            assert engine.submit()
        page = window.pages.finish_page
        qtbot.waitUntil(lambda: page.team_state.text() == "Team store: published",
                        timeout=30_000)
        assert window.stack.currentWidget() is page and window.team_wiring.line.isVisible()
        line = window.team_wiring.line.label.text()
        assert line == f"Team store: Sam Okafor ({sam}) · all published"
        assert server_counts(db) == (1, 0)
        screenshot(window, "team_submitted")

        # Back to the round: a change after submission is an amendment, and it follows.
        page.amend_button.click()
        with qtbot.waitSignal(window.team_wiring.publishing.changed, timeout=30_000):
            engine.rate("strong")
        qtbot.waitUntil(lambda: server_counts(db) == (1, 1), timeout=30_000)

        window.show_start()
        past = window.start_screen.past
        assert past.rounds.headerData(4, Qt.Orientation.Horizontal) == "Team"
        qtbot.waitUntil(lambda: past.cell(0, 4) == "published", timeout=30_000)
        assert past.cell(0, 4, Qt.ItemDataRole.ToolTipRole) == "published"
        screenshot(window, "team_start_screen")


def test_a_slow_server_never_holds_the_window(  # type: ignore[no-untyped-def]
        qtbot: QtBot, data_dir: Path, db: TeamDb) -> None:
    """While the worker waits 4 s on the server, taps stay quick and the event loop turns."""
    sam = db.add("sam", "interviewer", "Sam Okafor")
    with db.begin() as conn:
        conn.execute(text("CREATE FUNCTION companion.slow() RETURNS trigger LANGUAGE plpgsql "
                          "AS $$ BEGIN PERFORM pg_sleep(4); RETURN NEW; END $$"))
        conn.execute(text("CREATE TRIGGER slow BEFORE INSERT ON companion_data.scorecards "
                          "FOR EACH ROW EXECUTE FUNCTION companion.slow()"))
    connected(data_dir, db, sam)
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        assert window.team_wiring.publishing is not None
        first = start_in_window(window, "Mei Lin")
        first.submit()
        wiring = window.team_wiring
        qtbot.waitUntil(lambda: wiring.publishing is not None and wiring.publishing.busy,
                        timeout=30_000)
        window.show_start()
        engine = start_in_window(window, "Ravi Das")
        # The event loop's heartbeat: a 10 ms timer, and the longest gap between its beats.
        beat, gaps = QElapsedTimer(), [0]
        beat.start()

        def on_beat() -> None:
            gaps[0] = max(gaps[0], beat.restart())

        timer = QTimer()
        timer.timeout.connect(on_beat)
        timer.start(10)
        taps = []
        for n in range(30):
            began = time.perf_counter()
            engine.rate(("strong", "thin", "mid")[n % 3])
            taps.append(time.perf_counter() - began)
            qtbot.wait(20)
        in_flight = window.team_wiring.publishing.busy
        timer.stop()
        qtbot.waitUntil(lambda: server_counts(db)[0] == 1, timeout=30_000)
    assert in_flight, "the publish finished before the taps: the server was not slow"
    assert max(taps) < 0.25, taps
    assert gaps[0] < 250, f"the window's thread stalled for {gaps[0]} ms"


def test_the_panel_page_reads_and_decides_on_the_team_store(  # type: ignore[no-untyped-def]
        qtbot: QtBot, data_dir: Path, db: TeamDb, tmp_path: Path) -> None:
    sam = member(db, "sam", "interviewer", "Sam Okafor", tmp_path)
    lee = member(db, "lee", "interviewer", "Lee Chen", tmp_path)
    ana = db.add("ana", "lead", "Ana Pereira")
    for person in (sam, lee):
        with person.store() as store:
            played = run_round(store, person.name, "Mei Lin", keep_open=person is sam,
                               start=datetime(2026, 11, 23, 9, tzinfo=UTC))
            if person is sam:
                played.amend("strong")
                played.engine.close()
            from tests.publish_support import publisher

            pub = publisher(store, db, person.role)
            assert not pub.publish().problems
            pub.close()
    # A row that fails the checks (a number where the recommendation goes, under a
    # right hash), as a t0001 server could hold one: named, and the rest still shown.
    bad = scorecard_to_dict(make_scorecard(pack(), interviewer="Lee Chen", candidate="Mei Lin",
                                           seed=5))
    bad["recommendation"] = 42
    with db.begin() as conn:
        conn.execute(text(
            "INSERT INTO companion_data.scorecards (id, owner, interviewer, candidate, "
            "submitted_at, format_version, content_sha256, payload) VALUES (:id, :owner, "
            "'Lee Chen', 'Mei Lin', now(), 2, :sha, CAST(:payload AS jsonb))"),
            {"id": bad["id"], "owner": lee.role, "sha": content_hash(bad),
             "payload": json.dumps(bad)})
    connected(data_dir, db, ana)
    window = open_window(qtbot, data_dir)
    window.resize(1280, 860)
    with loaded(window, data_dir):
        page = window.pages.panel_page
        with qtbot.waitSignal(window.team_wiring.source.panel_loaded, timeout=30_000):
            window.actions_.panel.trigger()
        assert page.from_team.isVisible() and page.from_team.isChecked()
        assert not page.import_button.isVisible()
        assert page.candidate.currentText() == "Mei Lin · 3 scorecards"
        assert page.scorecards.topLevelItemCount() == 2
        left_out = f"Left out: team store scorecard {bad['id']} by Lee Chen: "
        assert page.notice.isVisible() and left_out in page.notice.label.text()
        assert page.decision.current.text() == "No decision recorded yet."

        box = page.decision
        box.outcome.setCurrentIndex(box.outcome.findData("hire"))
        box.level.setCurrentIndex(box.level.findData("senior"))
        box.note.setText("Offer at the top of the band.")
        with qtbot.waitSignal(window.team_wiring.source.decision_recorded, timeout=30_000):
            box.record.click()
        assert box.current.text().startswith("On record: Hire at Senior, decided by "
                                             "Ana Pereira on ")
        assert box.message.text().startswith("Recorded in the team store")
        with db.begin() as conn:
            assert conn.execute(text("SELECT outcome, level, decided_by FROM "
                                     "companion_data.decisions")).one() == ("hire", "senior",
                                                                       "Ana Pereira")
        screenshot(window, "team_panel_page")

        with qtbot.waitSignal(page.export_status.finished, timeout=30_000) as done:
            page.export_button.click()
        pdf = pdf_text(Path(done.args[0]))
        assert "Panel decision Hire at Senior · decided by Ana Pereira" in pdf
        assert "Amended after submission" in pdf and "Before: Mid After: Strong" in pdf
        assert f"Left out: team store scorecard {bad['id']} by Lee Chen" in " ".join(pdf.split())
        assert f"published by {sam.role} at " in " ".join(pdf.split())

        # The Calibration page offers the team store too, and counts both rounds.
        cal = window.pages.calibration_page
        window.show_calibration()
        qtbot.waitUntil(lambda: not cal.scope.text().startswith("Computing"), timeout=30_000)
        assert cal.from_team.isVisible()
        with qtbot.waitSignal(cal.computed, timeout=60_000):
            cal.from_team.setChecked(True)
        assert cal.scope.text().startswith("2 submitted scorecards of 1 candidate")
        assert cal.problems.isVisible() and left_out in cal.problems.text()
        # The row that passed is kept beside team.json; the amended one and the refused
        # one are not, and the page reads the same with the cache the second time.
        assert cache_entries(data_dir) == 1
        with qtbot.waitSignal(cal.computed, timeout=60_000):
            cal.refresh()
        assert cal.scope.text().startswith("2 submitted scorecards of 1 candidate")
        assert left_out in cal.problems.text()
        screenshot(window, "team_calibration_left_out")
    QApplication.processEvents()


def test_without_a_team_store_the_window_shows_nothing_of_it(  # type: ignore[no-untyped-def]
        qtbot: QtBot, data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        run_round(store, "Sam Okafor", "Mei Lin")
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        assert window.team_wiring.publishing is None and window.team_wiring.line is None
        assert window.start_screen.past.rounds.columnCount() == 4
        window.show_panel()
        assert not window.pages.panel_page.from_team.isVisible()
