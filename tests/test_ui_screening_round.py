"""A screening call (no questions from the pack) shows nothing that does nothing."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from companion.content.loader import builtin_pack
from companion.content.planner import plan_loop
from companion.live.engine import RoundEngine
from tests.ui_helpers import loaded, open_window


def test_no_count_no_empty_jump_list_no_cue_hint(qtbot: QtBot, data_dir: Path) -> None:
    window = open_window(qtbot, data_dir)
    with loaded(window, data_dir):
        pack = builtin_pack()
        screen = next(r for r in plan_loop(pack, "api", "mid").rounds
                      if r.template.kind == "screen")
        assert window.store is not None
        engine = RoundEngine.start(window.store, pack, screen, candidate="Ana Pereira",
                                   interviewer="Sam Okafor", archetype="api", level="mid")
        window.open_engine(engine)
        view = window.live_view
        assert view is not None
        for compact in (False, True, False):
            window.actions_.compact.setChecked(compact)
            nav = view.nav
            assert not nav.progress.isVisible() and not nav.jump_list.isVisible()
            assert not nav.prev_btn.isVisible() and not nav.next_btn.isVisible()
            assert not view.item_panel.cue_hint.isVisible()
            assert nav.finish_btn.isVisible()  # what there is to do: take notes, finish
            assert view.notes.fields["said"].isVisible()
