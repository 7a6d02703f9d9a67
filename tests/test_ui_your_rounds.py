""""Your rounds": an assigned round starts with one key and nothing typed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QWidget

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.loop.model import assign, loop_from_plan
from companion.store import Store
from companion.store.loops import save_loop
from tests.ui_helpers import loaded, open_window


def _loops(data_dir: Path) -> None:
    pack = builtin_pack()
    soon = datetime.now(UTC) + timedelta(hours=2)
    ada = loop_from_plan(plan_loop(pack, "distributed", "staff"), "Ada Obi", "Lena Park")
    ada = assign(assign(ada, 2, "Grace Hopper", soon + timedelta(days=1)), 3, "Tom Ueda")
    bo = loop_from_plan(plan_loop(pack, "api", "senior"), "Bo Chen", "Lena Park")
    bo = assign(bo, 3, "grace hopper", soon)  # the same person, typed another way
    with Store.open(data_dir) as store:
        save_loop(store, ada)
        save_loop(store, bo)


def test_an_assigned_round_starts_with_return_and_nothing_typed(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    _loops(data_dir)
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        start = window.start_screen
        card = start.your_rounds
        assert not card.isVisible()  # nobody named yet: nothing is "yours"
        # ... and nothing built for it: the first frame makes no widgets it never shows.
        assert card.findChildren(QWidget) == []
        name = start.findChild(QLineEdit, "interviewerInput")
        name.setText("Grace Hopper")
        name.editingFinished.emit()
        assert card.isVisible()
        rows = [card.list.topLevelItem(i).text(1) for i in range(card.list.topLevelItemCount())]
        assert rows == ["Bo Chen", "Ada Obi"]  # soonest first
        assert card.list.topLevelItem(0).text(2) == "System design scenario"
        # Built late, the list still gets the style sheet's roomy rows (5 px above and
        # below each item) for every row, not just the first.
        heights = [card.list.visualItemRect(card.list.topLevelItem(i)).height()
                   for i in range(card.list.topLevelItemCount())]
        assert heights[0] >= card.list.fontMetrics().height() + 10
        assert len(set(heights)) == 1, heights
        card.list.setFocus()
        qtbot.keyClick(card.list, Qt.Key.Key_Down)
        qtbot.keyClick(card.list, Qt.Key.Key_Return)
        assert window.stack.currentWidget() is window.live_host
        engine = window.bridge.engine
        sc = engine.scorecard()
        assert (sc.candidate, sc.interviewer, sc.archetype, sc.level) == (
            "Ada Obi", "Grace Hopper", "distributed", "staff")
        assert sc.template_id == "technical"
        with Store.open(data_dir) as store:
            from companion.store.loops import find_loop

            loop = find_loop(store, "Ada Obi")
        assert loop is not None
        assert [it.item_id for it in sc.items] == list(loop.rounds[1].items)
        window.show_start()
        # Begun here, it waits under the unfinished rounds, not twice.
        rows = [card.list.topLevelItem(i).text(1) for i in range(card.list.topLevelItemCount())]
        assert rows == ["Bo Chen"]
        assert start.unfinished.topLevelItem(0).text(0) == "Ada Obi"
