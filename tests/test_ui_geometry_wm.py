"""The window and every control of the round inside the screen, under a real window manager.

This is the test that decides the README's promise about screens. Under Xvfb with
openbox the window has a title bar and borders, and the screen's available area is
what the window manager says it is; ``tests/wm_geometry_driver.py`` compares the
window's frame and each control's global rectangle with that area, on every
built-in question and scenario with all five red flags raised, the cues folded and
open, in full and compact mode, and every design scenario, the help and the finish
page at the largest zoom the window allows. One process per screen size (size and
scale are fixed when Qt starts), each walking all the states.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.x_server import x_with_window_manager

# 1920x1080 at 150 % is 1280x720 logical pixels under a smaller (unscaled) title bar.
SIZES = [("1280x720", "1"), ("1366x768", "1"), ("1920x1080", "1.5")]
ITEMS = 16  # built-in questions and scenarios
DESIGNS = 4  # of them, design scenarios


@pytest.mark.parametrize(("size", "scale"), SIZES, ids=[f"{s}@{k}" for s, k in SIZES])
def test_frame_and_every_control_inside_the_available_area(tmp_path: Path, data_dir: Path,
                                                           size: str, scale: str) -> None:
    with x_with_window_manager(tmp_path, size) as x_env:
        env = dict(x_env, QT_SCALE_FACTOR=scale, COMPANION_DATA_DIR=str(data_dir),
                   PYTHONPATH=str(REPO))
        res = subprocess.run([sys.executable, "-m", "tests.wm_geometry_driver", str(data_dir)],
                             capture_output=True, text=True, cwd=REPO, env=env, timeout=240)
    assert res.returncode == 0, res.stderr[-3000:]
    found = json.loads(res.stdout.splitlines()[-1])
    assert found["screen"].startswith(f"{size}@{scale}")
    checked = found["checked"]
    zoom = found["zoom"]
    # Every state was looked at: items folded and open, compact, the largest zoom.
    assert len([s for s in checked if s.startswith(("q-", "s-"))]) == 2 * ITEMS
    assert len([s for s in checked if s.startswith("compact-")]) == ITEMS
    assert len([s for s in checked if s.startswith(f"zoom{zoom:g}-")]) == 2 * DESIGNS + 3
    # The round's controls (buttons, rows, fields, flags, the Saved line) were found.
    assert min(n for s, n in checked.items() if s.startswith(("q-", "s-"))) >= 30
    assert checked["start"] >= 8
    assert zoom >= 1.0
    assert found["problems"] == [], "\n".join(found["problems"][:40])
