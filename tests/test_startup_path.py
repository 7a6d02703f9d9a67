"""Nothing heavy on the path to the first frame: the PDF, database and pack code load later.

``--smoke`` exits right after the first paint, so every module it imports is on
that path. ``-X importtime`` lists each one; reportlab (PDF export), SQLAlchemy
(the store) and the pack loader must not be among them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, run_cli

KEPT_OFF = ("reportlab", "sqlalchemy", "PIL", "companion.export", "companion.store",
            "companion.content.loader", "pypdf", "PySide6.QtNetwork",
            "logging.handlers")  # socket, pickle and queue come with it: see companion/base/logs.py


def test_smoke_imports_nothing_heavy_before_the_first_paint(data_dir) -> None:  # type: ignore[no-untyped-def]
    res = run_cli("--smoke", data_dir=data_dir,
                  env={"PYTHONPROFILEIMPORTTIME": "1", "QT_QPA_PLATFORM": "offscreen"})
    assert res.returncode == 0, res.stderr[-2000:]
    imported = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$", res.stderr, re.M)
    # The listing really covers the window's start. (The CLI loads companion.ui.app with
    # importlib.import_module, which -X importtime does not list; its imports it does.)
    assert "companion.ui.main_window" in imported
    heavy = sorted({m for m in imported if m.split(".")[0] in KEPT_OFF
                    or any(m == k or m.startswith(k + ".") for k in KEPT_OFF)})
    assert heavy == []


# Reports, at the first paint, whether PySide6 has built its ``Qt`` namespace yet.
FIRST_FRAME_SPY = """
import sys
import PySide6.QtCore as QtCore
import companion.ui.main_window as mw
seen = []
original = mw.MainWindow.when_first_painted
def spy(self, callback):
    def check():
        seen.append(QtCore.__dict__.get("Qt") is not None)
        print("qt-namespace-built", seen, flush=True)  # the app leaves without returning
        callback()
    original(self, check)
mw.MainWindow.when_first_painted = spy
from companion.cli import main
sys.exit(main(["--smoke"]))
"""


def test_the_first_frame_never_builds_the_qt_namespace(data_dir) -> None:  # type: ignore[no-untyped-def]
    # The first use of ``QtCore.Qt`` makes PySide6 build all its ninety-odd enums, about
    # 40 ms. Modules on the start path reach it as ``QtCore.Qt`` inside functions that
    # run later; a module-level ``from PySide6.QtCore import Qt`` there fails this test.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COMPANION_DATA_DIR=str(data_dir))
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", FIRST_FRAME_SPY], capture_output=True,
                         text=True, cwd=REPO, env=env, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert "qt-namespace-built [False]" in res.stdout


GC_SPY = """
import gc, sys
import companion.ui.main_window as mw
original = mw.MainWindow.when_first_painted
def spy(self, callback):
    def check():
        before = gc.isenabled()
        callback()
        print("collector", before, gc.isenabled(), flush=True)
    original(self, check)
mw.MainWindow.when_first_painted = spy
from companion.cli import main
sys.exit(main(["--smoke"]))
"""


def _smoke_with(spy: str, data_dir: Path) -> str:
    """What ``spy`` (a script that patches the window, then runs ``--smoke``) prints."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", COMPANION_DATA_DIR=str(data_dir))
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", spy], capture_output=True, text=True,
                         cwd=REPO, env=env, timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


def test_the_collector_is_off_until_the_first_paint_and_on_after(data_dir) -> None:  # type: ignore[no-untyped-def]
    assert "collector False True" in _smoke_with(GC_SPY, data_dir)


# Reports, at the first paint, which of PySide6's lazily built types exist yet.
TYPES_SPY = """
import sys
import PySide6.QtGui as QtGui
import companion.ui.main_window as mw
original = mw.MainWindow.when_first_painted
def spy(self, callback):
    def check():
        print("built", sorted(k for k in ("QIcon", "QMouseEvent", "QWheelEvent")
                              if QtGui.__dict__.get(k) is not None), flush=True)
        callback()
    original(self, check)
mw.MainWindow.when_first_painted = spy
from companion.cli import main
sys.exit(main(["--smoke"]))
"""


def test_the_first_frame_builds_no_icon_or_event_types_it_does_not_use(data_dir) -> None:  # type: ignore[no-untyped-def]
    # QIcon's types (its ThemeIcon enum alone has 151 members) come with the first
    # QPushButton(text, parent) or QAction(text, parent); every event type PySide6 knows
    # (some fifty) with the first event a Python event filter sees. Both cost milliseconds
    # the first frame need not wait for; a new filter or such a call on the start path
    # fails this test.
    assert "built []" in _smoke_with(TYPES_SPY, data_dir)
