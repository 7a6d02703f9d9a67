"""The start screen over a long history: Ctrl+F, typing narrows 10,000 rounds, quick
filters, rows fetched as they scroll into view, and the keyboard path into the list."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from bench.many_rounds import INTERVIEWERS, candidate_name, fill
from companion.store.search import PAGE
from tests.ui_helpers import loaded, open_window, screenshot

N = 10_000


def test_typing_a_name_narrows_ten_thousand_rounds(qtbot: QtBot, data_dir: Path) -> None:
    fill(data_dir, N)
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        start = window.start_screen
        past, bar = start.past, start.search
        # The history is not built up front: pages of it, as far as the view needs.
        assert PAGE <= past.rounds.rowCount() < N // 10
        assert past.cell(0, 0) == candidate_name((N - 1) // 4)  # newest first

        qtbot.keySequence(window, QKeySequence(QKeySequence.StandardKey.Find))
        assert bar.field.hasFocus()
        name = candidate_name(1234)
        with qtbot.waitSignal(bar.changed, timeout=5000):
            qtbot.keyClicks(bar.field, name)
        assert past.rounds.rowCount() == 4
        assert {past.cell(i, 0) for i in range(4)} == {name}
        assert bar.notice.text() == "4 rounds match."
        screenshot(window, "start_search_10000")

        # Down (or Return) goes on to the list, with the first match chosen.
        qtbot.keyClick(bar.field, Qt.Key.Key_Down)
        assert past.hasFocus() and start.selected_past_round() is not None
        assert start.export_button.isEnabled()

        # Escape in the field clears the search: the whole history again, a page of it.
        bar.field.setFocus()
        qtbot.keyClick(bar.field, Qt.Key.Key_Escape)
        assert bar.field.text() == "" and PAGE <= past.rounds.rowCount() < N // 10
        assert not bar.notice.isVisible()


def test_rows_are_fetched_as_they_scroll_into_view(qtbot: QtBot, data_dir: Path) -> None:
    fill(data_dir, N)
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        past = window.start_screen.past
        before = past.rounds.rowCount()
        assert before < N // 10 and past.rounds.canFetchMore(past.rootIndex())
        past.setFocus()
        qtbot.keyClick(past, Qt.Key.Key_End)
        qtbot.waitUntil(lambda: past.rounds.rowCount() > before, timeout=5000)
        assert past.rounds.rowCount() < N  # only what came into view
        ids = [past.cell(i, 0, 256) for i in range(past.rounds.rowCount())]
        assert len(set(ids)) == len(ids)  # pages follow on without repeats


def test_quick_filters_combine(qtbot: QtBot, data_dir: Path) -> None:
    fill(data_dir, 400)
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        start = window.start_screen
        me = INTERVIEWERS[3]
        window.settings.interviewer = me
        bar = start.search
        with qtbot.waitSignal(bar.changed):
            bar.mine.trigger()
        rows = start.past.rounds.rowCount()
        assert 0 < rows < 400
        assert {start.past.cell(i, 2) for i in range(rows)} == {me}
        assert bar.filters.text() == "Filters (1)"
        with qtbot.waitSignal(bar.changed):
            bar.unfinished.trigger()  # every stored round here is submitted
        assert start.past.rounds.rowCount() == 0 and start.past_empty.isVisible()
        assert "No round matches" in start.past_empty.text()
        for box in (bar.unfinished, bar.mine):
            box.trigger()
        assert start.past.rounds.rowCount() >= PAGE and bar.filters.text() == "Filters"
        assert bar.filters.accessibleName() and bar.filters.accessibleDescription()
        for box in (bar.mine, bar.unfinished, bar.unpublished, bar.this_month):
            assert box.text() and box.toolTip()


def test_lists_fill_before_the_store_opens_on_its_thread(qtbot: QtBot, data_dir: Path) -> None:
    import argparse

    from companion.ui.app import after_first_frame

    fill(data_dir, 1000)
    window = open_window(qtbot, data_dir)
    try:
        # The field's clear button (an icon lookup) waits until the window is up.
        assert not window.start_screen.search.field.isClearButtonEnabled()
        steps = after_first_frame(window, argparse.Namespace(data_dir=str(data_dir), pack=[]),
                                  data_dir)
        # The first page is on screen; the store and packs are still on their way (they
        # arrive through the event loop, which has not turned yet).
        start = window.start_screen
        assert steps.ready_at is not None and start.past.rounds.rowCount() >= PAGE
        assert start.search.field.isClearButtonEnabled()
        assert window.store is None and not start.export_button.isEnabled()
        assert not start.start_button.isEnabled()
        qtbot.waitUntil(lambda: steps.done, timeout=60_000)
        assert window.store is not None and window.pack is not None
        assert start.export_button.isEnabled() and start.start_button.isEnabled()
        names = [name for name, _took in steps.took]
        assert names[:2] == ["theme check", "lists, first page"]
        assert "fallback fonts" in names and "hand over to the screens" in names
    finally:
        window.close_engine()
        if window.store is not None:
            window.store.close()


def test_a_team_store_without_the_driver_is_said_in_the_banner(data_dir: Path) -> None:
    """The bundle ships without psycopg: the window says so and keeps working locally."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    code = """
import sys
sys.modules["psycopg"] = None  # as in a copy of the app without the driver
from pathlib import Path
from PySide6.QtWidgets import QApplication
from companion.content.loader import builtin_pack
from companion.store import Store
from companion.team.settings import save_conninfo
from companion.ui.app import build_window, create_app
root = Path(sys.argv[1])
save_conninfo(root, "postgresql://sam@db.example/hiring")
app = create_app()
window = build_window(root, app)
window.show()
store = Store.open(root)
window.set_sources(store, builtin_pack(), root)
QApplication.processEvents()
print(window.banner.text.replace("\\n", " "))
print(window.start_screen.start_button.isEnabled())
store.close()
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(REPO))
    res = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True,
                         text=True, cwd=REPO, env=env, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    banner, start_enabled = res.stdout.strip().splitlines()[-2:]
    assert "no PostgreSQL driver" in banner and "docs/IT.md" in banner
    assert start_enabled == "True"  # rounds are run and saved locally all the same


def test_when_the_store_cannot_open_the_lists_read_earlier_stay(
        qtbot: QtBot, data_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import argparse

    from companion.base.errors import StorageError
    from companion.store.store import Store
    from companion.ui.app import after_first_frame

    fill(data_dir, 300)

    def refuse(*_args: object, **_kw: object) -> Store:
        # Stands in for a file another copy holds locked past the busy timeout.
        raise StorageError("companion.sqlite3 is locked by another copy of the app")

    monkeypatch.setattr(Store, "open", refuse)
    window = open_window(qtbot, data_dir)
    steps = after_first_frame(window, argparse.Namespace(data_dir=str(data_dir), pack=[]),
                              data_dir)
    qtbot.waitUntil(lambda: steps.done, timeout=60_000)
    start = window.start_screen
    assert window.store is None and "locked by another copy" in window.banner.text
    # The first page read stays usable: the list still searches, nothing raises.
    with qtbot.waitSignal(start.search.changed, timeout=5000):
        qtbot.keyClicks(start.search.field, candidate_name(7))
    assert start.past.rounds.rowCount() == 4 and not start.export_button.isEnabled()
