"""The set-up the window drivers share: the real window on its screen, and a round of
every built-in question and scenario open in it.

``tests/window_driver.py`` (offscreen) and ``tests/wm_geometry_driver.py`` (under a
window manager) each run in a process of their own, one per screen size; both start
the same way and then walk different states.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.live.engine import RoundEngine
    from companion.store import Store
    from companion.ui.main_window import MainWindow


@dataclass
class Shown:
    """The window as the launch leaves it, with its store and the built-in pack."""

    app: QApplication
    window: MainWindow
    store: Store
    pack: Pack
    tag: str  # "1366x768@1-light": the screen in device pixels, the scale, the theme


def show_window(data: Path, theme: str, settle: Callable[[], object]) -> Shown:
    """Open the window on ``data`` in ``theme`` and do what the launch does after the
    first paint (the shipped fonts); the store and the built-in pack are handed over
    once ``settle`` has run (a driver checks the start screen next)."""
    from companion.content.loader import builtin_pack
    from companion.store import Store
    from companion.ui.app import build_window, create_app
    from companion.ui.fonts import register_fallback_fonts
    from companion.ui.settings import UiSettings

    app = create_app()
    UiSettings(data).theme = theme
    window = build_window(data, app)
    window.show()
    settle()
    register_fallback_fonts(app)  # what the launch does right after the first paint
    screen = window.screen()
    size, ratio = screen.size(), screen.devicePixelRatio()
    tag = f"{round(size.width() * ratio)}x{round(size.height() * ratio)}@{ratio:g}-{theme}"
    pack = builtin_pack()
    store = Store.open(data)
    window.set_sources(store, pack, data)
    return Shown(app, window, store, pack, tag)


def open_every_item(shown: Shown, candidate: str, interviewer: str, archetype: str,
                    level: str) -> RoundEngine:
    """Start a technical round of every built-in question and scenario, clock running,
    and open it in the window."""
    from companion.content.planner import PlannedRound
    from companion.live.engine import RoundEngine

    pack = shown.pack
    template = pack.find_template("technical")
    assert template is not None
    items = tuple(it.id for it in (*pack.questions, *pack.scenarios))
    engine = RoundEngine.start(shown.store, pack, PlannedRound(template, items),
                               candidate=candidate, interviewer=interviewer,
                               archetype=archetype, level=level)
    shown.window.open_engine(engine)
    assert shown.window.live_view is not None
    engine.start_round()
    return engine
