"""Helpers for the window tests: a real main window on a temp data folder, screenshots."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from tests.conftest import REPO

SCREENSHOTS = REPO / "screenshots"


def open_window(qtbot, data_dir: Path, show: bool = True):  # type: ignore[no-untyped-def]
    """The app's real main window (settings, theme, placement) for ``data_dir``."""
    from companion.ui.app import build_window, create_app

    app = create_app()
    window = build_window(data_dir, app)
    qtbot.addWidget(window)
    if show:
        window.show()
        qtbot.waitExposed(window)
        # Window shortcuts need the active window; the app itself never activates itself,
        # the test stands in for the user clicking on it.
        with qtbot.waitActive(window):
            window.activateWindow()
    return window


@contextmanager
def loaded(window, data_dir: Path) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Give ``window`` the built-in pack and a real store in ``data_dir``; close it after."""
    from companion.content.loader import builtin_pack
    from companion.store import Store

    store = Store.open(data_dir)
    try:
        window.set_sources(store, builtin_pack(), data_dir)
        yield
    finally:
        window.close_engine()
        store.close()


def screens_config(path: Path, *screens: tuple[str, int, int, int, int]) -> Path:
    """Write a config file for Qt's offscreen platform with these (name, x, y, w, h) screens."""
    path.write_text(json.dumps({"screens": [
        {"name": n, "x": x, "y": y, "width": w, "height": h, "logicalDpi": 96}
        for n, x, y, w, h in screens
    ]}), encoding="utf-8")
    return path


def screenshot(widget: QWidget, name: str) -> Path:
    """Save ``widget`` as ``screenshots/<name>.png`` (an ignored folder) and return the path."""
    SCREENSHOTS.mkdir(exist_ok=True)
    QApplication.processEvents()
    path = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(path)), f"could not write {path}"
    return path


def offscreen_env(config: Path | None = None) -> dict[str, str]:
    """Environment for a subprocess on the offscreen platform (optionally with screens)."""
    platform = "offscreen" if config is None else f"offscreen:configfile={config}"
    env = {"QT_QPA_PLATFORM": platform}
    if "PYTHONPATH" in os.environ:
        env["PYTHONPATH"] = os.environ["PYTHONPATH"]
    return env


def colour_share(image: QImage, colour: str, step: int = 5) -> float:
    """Fraction of sampled pixels of ``image`` within a small distance of ``colour``."""
    want = QColor(colour)
    hits = total = 0
    for y in range(0, image.height(), step):
        for x in range(0, image.width(), step):
            px = image.pixelColor(x, y)
            total += 1
            if (abs(px.red() - want.red()) + abs(px.green() - want.green())
                    + abs(px.blue() - want.blue())) <= 24:
                hits += 1
    return hits / total
