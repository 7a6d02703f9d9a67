"""Start the window: the Qt application, the error hook, settings, theme and placement.

``create_app`` is separate from ``run_gui`` so tests reuse one QApplication.
``sys.excepthook`` is set before the window opens: an unexpected exception in
any slot becomes a log line and a dialog, and the window stays up. The pack and
the database are loaded right after the first paint, so the window appears at
once, and the fallback fonts are registered once the lists are filled; each step is
timed and logged (``StartupSteps``). The PDF export code is never imported here.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from companion.base.errors import CompanionError
from companion.base.logs import setup_logging
from companion.base.paths import data_dir
from companion.ui import screens
from companion.ui.main_window import MainWindow
from companion.ui.settings import UiSettings
from companion.ui.theme import ThemeController, app_arguments, mark_styled

if TYPE_CHECKING:
    from companion.content.model import Pack
    from companion.store import Store

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


class StartupSteps:
    """How long each step after the first paint took: logged, and read by bench/ready.py.

    ``ready_at`` is when the lists were first filled; ``done`` turns true once the
    packs and the store are in and the deferred steps have run.
    """

    def __init__(self) -> None:
        self.took: list[tuple[str, float]] = []
        self.ready_at: float | None = None
        self.done = False

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.took.append((name, time.perf_counter() - began))

    def mark_ready(self) -> None:
        if self.ready_at is None:
            self.ready_at = time.perf_counter()
            log.info("start-up: lists filled: %s", self.describe())

    def describe(self) -> str:
        return ", ".join(f"{name} {s * 1000:.0f} ms" for name, s in self.took)


class SourceLoader(QObject):
    """Loads the packs and opens the store on a worker thread, hands them over on the
    GUI thread (``loaded`` is queued across threads): the event loop keeps turning while
    SQLAlchemy is imported and the file is checked, and the window stays responsive."""

    loaded = Signal(object)  # (Store | None, Pack | None, problems)

    def __init__(self, args: argparse.Namespace, root: Path, steps: StartupSteps,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.args, self.root, self.steps = args, root, steps
        self.worker = threading.Thread(target=self._work, name="companion-sources", daemon=True)

    def start(self) -> None:
        self.worker.start()

    def _work(self) -> None:
        self.loaded.emit(open_sources(self.args, self.root, self.steps))


def open_sources(args: argparse.Namespace, root: Path,
                 steps: StartupSteps | None = None) -> tuple[Store | None, Pack | None,
                                                              list[str]]:
    """Load the question packs and open the database; problems as lines for the banner."""
    steps = steps or StartupSteps()
    problems: list[str] = []
    pack = store = None
    with steps.step("packs (worker thread)"):
        from companion.content.loader import load_for_cli

        try:
            pack = load_for_cli(args)
        except CompanionError as exc:
            problems.append(f"The question packs cannot be used: {exc}")
    with steps.step("store open, SQLAlchemy imported (worker thread)"):
        from companion.store import Store

        try:
            store = Store.open(root)
        except CompanionError as exc:
            problems.append(f"The database cannot be opened: {exc}")
    return store, pack, problems


def hand_over(window: MainWindow, root: Path, sources: tuple[Store | None, Pack | None,
                                                              list[str]]) -> None:
    """Give the opened store and loaded packs to the window; problems go to the banner."""
    store, pack, problems = sources
    window.set_sources(store, pack, root)
    if problems:
        window.banner.show_error("\n".join(problems))
    app = QApplication.instance()
    if store is not None and app is not None:
        app.aboutToQuit.connect(store.close)


def load_sources(window: MainWindow, args: argparse.Namespace, root: Path) -> None:
    """Load the packs and open the database on this thread, and hand them over."""
    hand_over(window, root, open_sources(args, root))


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


def after_first_frame(window: MainWindow, args: argparse.Namespace,
                      root: Path) -> StartupSteps:
    """What a launch does once the window has painted, each step timed.

    First what the start screen shows: the lists' first page, read-only with plain
    sqlite3 (``store.first_page``). Then the packs and the store open on a worker
    thread (``SourceLoader``) while the event loop turns and the fallback fonts are
    registered; the store takes over the lists when it is in, and the GC settles.
    """
    from companion.store.first_page import open_first_page

    steps = StartupSteps()
    with steps.step("theme check"):
        window.theme.check_system_scheme()
    with steps.step("lists, first page"):
        first = open_first_page(root)
        if first is not None:
            window.start_screen.show_first_page(first)
    if first is not None:
        steps.mark_ready()
    loader = SourceLoader(args, root, steps, window)

    def loaded(sources: tuple[Store | None, Pack | None, list[str]]) -> None:
        with steps.step("hand over to the screens"):
            hand_over(window, root, sources)
        if first is not None and sources[0] is not None:
            first.close()  # the store reads the lists from now on (if it could not be
            # opened, the read-only lists stay, with the banner saying why)
        steps.mark_ready()
        with steps.step("gc settle"):
            settle_start_up_objects()
        steps.done = True
        log.info("start-up: done: %s", steps.describe())

    loader.loaded.connect(loaded)
    loader.start()
    QTimer.singleShot(0, lambda: register_fonts(steps))
    return steps


def register_fonts(steps: StartupSteps) -> None:
    """Fonts for glyphs the system lacks: after the lists, nobody waits for them."""
    from companion.ui.fonts import register_fallback_fonts  # reads 8 MB of fonts

    app = QApplication.instance()
    if isinstance(app, QApplication):
        with steps.step("fallback fonts"):
            register_fallback_fonts(app)


def run_gui(args: argparse.Namespace) -> int:
    """Open the window (``python -m companion`` with no subcommand); when it closes, the
    process ends with the event loop's exit code (``leave``)."""
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
            gc.enable()  # off since the command line chose the window (cli.main)
            log.info("first paint: %s", screens.describe_placement(window))
            window.close()
            app.exit(0)

        window.when_first_painted(painted)
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: app.exit(1))
    else:
        # Not a zero timer: that can run before the first paint, and loading the packs
        # and the database would then hold the window back.
        def painted_once() -> None:
            gc.enable()  # off since the command line chose the window (cli.main)
            after_first_frame(window, args, root)

        window.when_first_painted(painted_once)
    leave(int(app.exec()))


def leave(code: int) -> NoReturn:
    """End the process once the event loop has returned, without tearing it down.

    By then everything that must outlive the window has happened: the round's notes
    were flushed and the settings synced when the window closed (``closeEvent``), and
    the store was checkpointed and closed (``aboutToQuit``). What normal exit adds is
    Python and Qt freeing every module, object and widget one by one: about 0.1 s,
    a third of what ``--smoke`` took beyond a bare window (bench/startup.py), that
    nobody waits for. The workers are daemon threads, which normal exit stops too.
    """
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
