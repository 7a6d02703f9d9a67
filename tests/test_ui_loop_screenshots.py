"""Screenshots of "Your rounds" and the Loops page at 1366x768, the common laptop screen.

Each is checked for what a glance needs: the assigned rows and the loop's rounds
are inside the window, not scrolled away, and the card's start button is on screen.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QWidget

from companion.content.planner import plan_loop
from companion.loop.model import assign, loop_from_plan
from companion.store.loops import save_loop
from tests.scorecards import make_scorecard
from tests.ui_helpers import loaded, open_window, screenshot

SIZE = (1366, 768)


def _inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return (widget.isVisible() and top_left.x() >= 0 and top_left.y() >= 0
            and top_left.x() + widget.width() <= window.width()
            and top_left.y() + widget.height() <= window.height())


def _team_of_loops(window) -> None:  # type: ignore[no-untyped-def]
    now = datetime.now(UTC)
    pack = window.pack
    ada = loop_from_plan(plan_loop(pack, "api", "senior", base=160_000), "Ada Obi", "Lena Park")
    for n, (who, hours) in enumerate((("Marcus Lee", -52), ("Grace Hopper", 3),
                                      ("Priya Raman", -30), ("Tom Ueda", 26)), 1):
        ada = assign(ada, n, who, now + timedelta(hours=hours))
    bo = loop_from_plan(plan_loop(pack, "distributed", "staff"), "Bo Chen", "Lena Park")
    bo = assign(assign(bo, 2, "Grace Hopper", now + timedelta(days=2)), 3, "Marcus Lee")
    cy = loop_from_plan(plan_loop(pack, "data", "mid"), "Chidi Okafor", "Lena Park")
    cy = assign(cy, 1, "Grace Hopper")
    for loop in (ada, bo, cy):
        save_loop(window.store, loop)
    screen = ada.rounds[0]
    assert screen.scheduled_end is not None
    sc = make_scorecard(pack, interviewer="Marcus Lee", candidate="Ada Obi", item_ids=())
    window.store.save_imported(replace(sc, id="marcus-screen", template_id="screen",
                                       round_title=screen.title,
                                       ended_at=screen.scheduled_end,
                                       submitted_at=screen.scheduled_end + timedelta(hours=3)))


def test_your_rounds_and_the_loops_page_at_1366x768(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    window.resize(*SIZE)
    with loaded(window, data_dir):
        _team_of_loops(window)
        window.start_screen.interviewer.setText("Grace Hopper")
        window.show_start()
        card = window.start_screen.your_rounds
        assert card.list.topLevelItemCount() == 3
        assert card.list.topLevelItem(0).text(1) == "Ada Obi"  # in 3 hours: the soonest
        start = window.start_screen
        # The layout settles on the next pass of the event loop.
        qtbot.waitUntil(lambda: _inside(start.export_button, window), timeout=2000)
        for w in (card.list, card.start_button, start.start_button, start.export_button):
            assert _inside(w, window), w.objectName()
        assert start.page_scroll.verticalScrollBar().maximum() == 0  # nothing below the fold
        screenshot(window, "your_rounds_1366")

        window.show_loops()
        page = window.pages.loops_page
        assert page.rounds.topLevelItemCount() == 4
        summary = page.summary.text()
        assert summary.startswith("Ada Obi: 1 of 4 scorecards; waiting on Priya Raman, "
                                  "scenario round, 28 h after it ended"), summary
        assert page.rounds.topLevelItem(2).text(5) == "4 h"  # 28 h after, due in 24
        qtbot.waitUntil(lambda: _inside(page.assign_button, window), timeout=2000)
        for w in (page.loops, page.rounds, page.assign_button, page.create_button):
            assert _inside(w, window), w.objectName()
        screenshot(window, "loops_page_1366")
