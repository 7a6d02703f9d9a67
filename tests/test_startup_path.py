"""Nothing heavy on the path to the first frame: the PDF, database and pack code load later.

``--smoke`` exits right after the first paint, so every module it imports is on
that path. ``-X importtime`` lists each one; reportlab (PDF export), SQLAlchemy
(the store) and the pack loader must not be among them.
"""

from __future__ import annotations

import re

from tests.conftest import run_cli

KEPT_OFF = ("reportlab", "sqlalchemy", "PIL", "companion.export", "companion.store",
            "companion.content.loader", "pypdf", "PySide6.QtNetwork")


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
