"""Every control of the current item on screen, nothing cut, on four common screens.

1280x720 and 1366x768 laptops, a 1920x1080 monitor, and the same monitor at 150 %
scaling (``QT_SCALE_FACTOR=1.5``, 1280x720 logical pixels). Screen size and scale
are fixed when Qt starts, so each runs ``tests/window_driver.py`` in its own
process on the offscreen platform with that screen, and reads back what it found:
each built-in question and scenario with the cues folded and open, compact mode,
the help overlay, the finish page and the start screen (also after a restart with
compact mode remembered). The checks are geometric (``QWidget.visibleRegion``
against each widget's rectangle, size hints against sizes), not a screenshot.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.ui_helpers import offscreen_env, screens_config

SIZES = [(1280, 720, "1"), (1366, 768, "1"), (1920, 1080, "1"), (1920, 1080, "1.5")]


@pytest.mark.parametrize(("width", "height", "scale"), SIZES,
                         ids=[f"{w}x{h}@{s}" for w, h, s in SIZES])
def test_every_control_is_on_screen_and_nothing_is_cut(tmp_path: Path, data_dir: Path,
                                                       width: int, height: int,
                                                       scale: str) -> None:
    config = screens_config(tmp_path / "screen.json", ("S", 0, 0, width, height))
    env = {**offscreen_env(config), "QT_SCALE_FACTOR": scale,
           "COMPANION_DATA_DIR": str(data_dir), "PYTHONPATH": str(REPO)}
    res = subprocess.run([sys.executable, "-m", "tests.window_driver", "--data", str(data_dir)],
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    found = json.loads(res.stdout)
    assert found["screen"].startswith(f"{width}x{height}@{scale}")
    checked = found["checked"]
    # Each state really was looked at: 16 items twice, compact, help, finish, start.
    item_states = [s for s in checked if s.startswith(("q-", "s-"))]
    assert len(item_states) == 32
    assert min(checked[s] for s in item_states) >= 25  # buttons, rows, fields, timers
    for state in ("help", "finish", "start", "start-compact-remembered",
                  "compact-s-cache-hit-drop-cues-open"):
        assert checked.get(state, 0) > 5, state
    assert found["problems"] == []
