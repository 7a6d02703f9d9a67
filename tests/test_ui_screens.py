"""The window opens on the chosen monitor and always reopens fully visible."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

from companion.ui import screens
from tests.conftest import run_cli
from tests.ui_helpers import offscreen_env, open_window, screens_config

PLACEMENT = re.compile(r"first paint: screen=(\S*) frame=(-?\d+),(-?\d+) (\d+)x(\d+)")


def _placement(data_dir: Path) -> tuple[str, QRect]:
    """The screen and frame the last --smoke run logged at its first paint."""
    text = (data_dir / "logs" / "companion.log").read_text(encoding="utf-8")
    found = PLACEMENT.findall(text)
    assert found, text
    name, x, y, w, h = found[-1]
    return name, QRect(int(x), int(y), int(w), int(h))


def test_second_monitor_then_monitor_gone(tmp_path: Path, data_dir: Path) -> None:
    both = screens_config(tmp_path / "two.json", ("A", 0, 0, 1920, 1080),
                          ("B", 1920, 0, 1920, 1080))
    res = run_cli("--screen", "1", "--smoke", data_dir=data_dir, env=offscreen_env(both))
    assert res.returncode == 0, res.stderr
    name, frame = _placement(data_dir)
    assert name == "B"
    assert QRect(1920, 0, 1920, 1080).contains(frame), frame

    # Screen B is unplugged: the saved placement is on B, the window must land fully on A.
    only_a = screens_config(tmp_path / "one.json", ("A", 0, 0, 1920, 1080))
    res = run_cli("--smoke", data_dir=data_dir, env=offscreen_env(only_a))
    assert res.returncode == 0, res.stderr
    name, frame = _placement(data_dir)
    assert name == "A"
    assert QRect(0, 0, 1920, 1080).contains(frame), frame
    assert frame.width() > 600 and frame.height() > 400  # a usable window, not a sliver


def test_saved_placement_is_reused_without_screen_option(tmp_path: Path, data_dir: Path) -> None:
    both = screens_config(tmp_path / "two.json", ("A", 0, 0, 1920, 1080),
                          ("B", 1920, 0, 2560, 1440))
    assert run_cli("--screen", "1", "--smoke", data_dir=data_dir,
                   env=offscreen_env(both)).returncode == 0
    first = _placement(data_dir)
    assert run_cli("--smoke", data_dir=data_dir, env=offscreen_env(both)).returncode == 0
    assert _placement(data_dir) == first


def test_missing_screen_number_falls_back_to_a_present_screen(tmp_path: Path,
                                                              data_dir: Path) -> None:
    one = screens_config(tmp_path / "one.json", ("A", 0, 0, 1366, 768))
    res = run_cli("--screen", "3", "--smoke", data_dir=data_dir, env=offscreen_env(one))
    assert res.returncode == 0, res.stderr
    name, frame = _placement(data_dir)
    assert name == "A" and QRect(0, 0, 1366, 768).contains(frame)
    assert "no screen 3" in (data_dir / "logs" / "companion.log").read_text(encoding="utf-8")


def test_fit_into_moves_and_shrinks() -> None:
    area = QRect(0, 0, 1920, 1080)
    assert screens.fit_into(QRect(3000, 200, 800, 600), area) == QRect(1120, 200, 800, 600)
    assert screens.fit_into(QRect(-50, -20, 800, 600), area) == QRect(0, 0, 800, 600)
    assert screens.fit_into(QRect(100, 100, 2500, 1500), area) == area
    inside = QRect(10, 10, 100, 100)
    assert screens.fit_into(inside, area) == inside


def test_window_dragged_off_screen_comes_back(qtbot, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, data_dir)
    window.move(5000, 4000)
    frame = screens.ensure_visible(window)
    screen = QGuiApplication.primaryScreen()
    assert screen is not None
    assert screen.availableGeometry().contains(frame)
    assert screen.availableGeometry().contains(window.frameGeometry())
