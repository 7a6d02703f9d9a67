"""Start the window: the Qt application, the error hook, settings, theme and placement.

``create_app`` is separate from ``run_gui`` so tests reuse one QApplication.
``sys.excepthook`` is set before the window opens: an unexpected exception in
any slot becomes a log line and a dialog, and the window stays up. The pack and
the database are loaded right after the first paint, so the window appears at
once; the PDF export code is never imported here.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

from companion.base.errors import CompanionError
from companion.base.logs import setup_logging
from companion.base.paths import data_dir
from companion.ui import screens
from companion.ui.main_window import MainWindow
from companion.ui.settings import UiSettings
from companion.ui.theme import ThemeController, app_arguments, mark_styled

log = logging.getLogger("companion.ui.app")

# A window that never paints (a broken display) must not hang --smoke forever.
SMOKE_TIMEOUT_MS = 30_000

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def create_app(argv: list[str] | None = None) -> QApplication:
    """The process's QApplication, created on first use with the app's names set."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(app_arguments(argv if argv is not None else sys.argv[:1]))
    mark_styled(app)
    app.setApplicationName("Interview Companion")
    app.setApplicationDisplayName("Interview Companion")
    app.setDesktopFileName("interview-companion")
    return app


def make_excepthook(parent: Callable[[], QWidget | None], log_path: Path) -> ExceptHook:
    """A ``sys.excepthook`` that logs the traceback and tells the user, without quitting."""
    showing = False

    def hook(exc_type: type[BaseException], exc: BaseException,
             tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("unexpected error:\n%s",
                     "".join(traceback.format_exception(exc_type, exc, tb)).rstrip())
        if showing:
            return  # an error while the dialog is up: logged, one dialog is enough
        showing = True
        try:
            from PySide6.QtWidgets import QMessageBox  # only when something went wrong

            QMessageBox.critical(
                parent(), "Unexpected error",
                f"Something went wrong: {exc_type.__name__}: {exc}\n\n"
                f"The details were written to {log_path}.\n"
                "The window stays open and what you typed is kept.")
        finally:
            showing = False

    return hook


def install_excepthook(parent: Callable[[], QWidget | None], log_path: Path) -> ExceptHook:
    """Set ``sys.excepthook`` (see ``make_excepthook``); returns the hook."""
    hook = make_excepthook(parent, log_path)
    sys.excepthook = hook
    return hook


def build_window(root: Path, app: QApplication, screen: int | None = None) -> MainWindow:
    """The themed main window, placed on its screen, not yet shown."""
    settings = UiSettings(root)
    theme = ThemeController(app, settings.theme, settings.zoom)
    theme.apply()
    window = MainWindow(settings, theme)
    theme.setParent(window)  # one theme controller per window, gone with it
    window.place(screen)
    if settings.compact:
        window.actions_.compact.setChecked(True)
    return window


def load_sources(window: MainWindow, args: argparse.Namespace, root: Path) -> None:
    """Load the question packs and open the database; problems go to the banner."""
    from companion.content.loader import load_for_cli
    from companion.store import Store

    problems: list[str] = []
    pack = store = None
    try:
        pack = load_for_cli(args)
    except CompanionError as exc:
        problems.append(f"The question packs cannot be used: {exc}")
    try:
        store = Store.open(root)
    except CompanionError as exc:
        problems.append(f"The database cannot be opened: {exc}")
    window.set_sources(store, pack, root)
    if problems:
        window.banner.show_error("\n".join(problems))
    app = QApplication.instance()
    if store is not None and app is not None:
        app.aboutToQuit.connect(store.close)


def settle_start_up_objects() -> None:
    """Leave everything alive after start-up out of later garbage collections.

    Modules, PySide6's types and enums, the pack, the store and the start screen
    live for the whole session, and a full collection walks every one of them:
    about 50 ms for some 70,000 objects, a pause on the UI thread that can land
    in the middle of typing (``python -m bench.gc_pause`` measures it).
    ``gc.freeze()`` moves them to the permanent generation, which collections
    skip. Objects made later (a round's live view) are collected as usual.
    """
    gc.freeze()


def after_first_frame(window: MainWindow, args: argparse.Namespace, root: Path) -> None:
    """What a launch does once the window has painted: theme check, fallback fonts,
    sources, GC settle."""
    from companion.ui.fonts import register_fallback_fonts  # reads 8 MB of fonts

    window.theme.check_system_scheme()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        register_fallback_fonts(app)
    load_sources(window, args, root)
    settle_start_up_objects()


def run_gui(args: argparse.Namespace) -> int:
    """Open the window (``python -m companion`` with no subcommand); returns the exit code."""
    root = data_dir(getattr(args, "data_dir", None))
    log_path = setup_logging(root)
    app = create_app()
    window_ref: list[QWidget] = []
    install_excepthook(lambda: window_ref[0] if window_ref else None, log_path)
    window = build_window(root, app, getattr(args, "screen", None))
    window_ref.append(window)
    window.show()
    log.info("window shown: %s", screens.describe_placement(window))
    if getattr(args, "smoke", False):
        def painted() -> None:
            log.info("first paint: %s", screens.describe_placement(window))
            window.close()
            app.exit(0)

        window.when_first_painted(painted)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: app.exit(1))
    else:
        # Not a zero timer: that can run before the first paint, and loading the packs
        # and the database would then hold the window back.
        window.when_first_painted(lambda: after_first_frame(window, args, root))
    return int(app.exec())
