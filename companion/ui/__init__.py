"""The window: the only package that imports Qt (PySide6).

Start-up convention: modules on the path to the first frame (app, main_window,
start_screen, banner, theme and what they import) do not import ``Qt`` from
``PySide6.QtCore`` at module level; they reach it as ``QtCore.Qt`` inside code
that runs after the first paint. The first use of that namespace makes PySide6
build all of its ninety-odd enums, about 40 ms (tests/test_startup_path.py).
"""

from companion.ui import feature_scan
from companion.ui.refcounts import pin_singletons

# Before any Qt object exists; see refcounts.py (PySide6 6.12 on CPython < 3.12).
pin_singletons()
# Before the window's modules load: PySide6 checks each one (feature_scan.py).
feature_scan.install()
