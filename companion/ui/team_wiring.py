"""The window's side of the team store: publishing, its status line, the lead's source.

Built only when ``team.json`` names a team store; without one nothing here loads the
database driver, and every attribute stays None.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from companion.base.errors import CompanionError

if TYPE_CHECKING:
    from companion.store import Store
    from companion.ui.main_window import MainWindow
    from companion.ui.team_panel import TeamPanelSource
    from companion.ui.team_status import TeamPublishing, TeamStatusLine

log = logging.getLogger("companion.ui.window")

SHORT_STATE = {"published": "published", "waiting": "waiting", "local": "kept here"}


class TeamWiring:
    """Connects the team store named in ``team.json`` to one window's pages."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.publishing: TeamPublishing | None = None
        self.line: TeamStatusLine | None = None
        self.source: TeamPanelSource | None = None

    def connect(self, store: Store, data_dir: Path) -> None:
        """Publish to the team store ``team.json`` names, if any: a worker thread, the
        status line, the publish state of each round, the team source of two pages."""
        from companion.team.settings import load_team  # standard library only

        win = self.window
        if self.publishing is not None:
            return
        try:
            team = load_team(data_dir)
        except CompanionError as exc:
            win.banner.show_error(f"The team store cannot be used: {exc}")
            return
        if team is None:
            return
        try:
            from companion.ui.team_panel import TeamPanelSource
            from companion.ui.team_status import TeamPublishing, TeamStatusLine

            self.publishing = TeamPublishing(store, team, win)
        except ModuleNotFoundError as exc:
            if not (exc.name or "").startswith("psycopg"):
                raise
            win.banner.show_error("The team store cannot be used: this copy of the app has "
                                  "no PostgreSQL driver. Your rounds are saved here as "
                                  "always; docs/IT.md says how IT adds the driver.")
            return
        self.line = TeamStatusLine(win.content_page)
        win.content_layout.addWidget(self.line)
        self.line.follow(self.publishing)
        self.line.set_allowed(win.stack.currentWidget() is not win.live_host)
        self.publishing.changed.connect(self.on_changed)
        self.source = TeamPanelSource(team, self.password, win)
        win.start_screen.publish_states = self.publish_states
        win.start_screen.refresh_rounds()
        if win.pages.is_built("finish_page"):
            win.pages.finish_page.publish_state = self.publishing.state_text
        if win.pages.is_built("panel_page"):
            win.pages.panel_page.set_team(self.source)
        if win.pages.is_built("calibration_page"):
            win.pages.calibration_page.set_team(team, self.password)
        if win.pages.is_built("practice_page"):
            win.pages.practice_page.set_team(team, self.password)
        if win.pages.is_built("loops_page"):
            from companion.ui.team_loops import TeamLoopSource

            page = win.pages.loops_page
            page.set_team(TeamLoopSource(team, self.password, page))
        self.publishing.start()
        log.info("publishing to the team store")

    def password(self) -> str | None:
        return self.publishing.password if self.publishing is not None else None

    def publish_states(self) -> dict[str, tuple[str, str]]:
        if self.publishing is None:
            return {}
        return {rid: (SHORT_STATE[st.state], st.describe())
                for rid, st in self.publishing.states().items()}

    def report_start(self, loop_id: str, number: int) -> None:
        """Tell the team store an assigned round began, off the window's thread.

        Best effort: offline the round runs all the same, and its scorecard says the
        rest when it is published.
        """
        if self.publishing is None:
            return
        from PySide6.QtCore import QRunnable, QThreadPool

        from companion.team.loops import report_start

        team, password = self.publishing.team, self.password()

        class _Report(QRunnable):
            def run(self) -> None:
                try:
                    report_start(team, password, loop_id, number)
                except CompanionError as exc:
                    log.info("round start not reported to the team store: %s", exc)

        QThreadPool.globalInstance().start(_Report())

    def on_changed(self) -> None:
        self.window.start_screen.refresh_publish_states()
        # A run also copies this login's loops from the team store into the local file.
        self.window.start_screen.your_rounds.refresh()
        if self.window.pages.is_built("finish_page"):
            self.window.pages.finish_page.refresh_team_state()

    def wake(self) -> None:
        """A write went through: after submission it queued something to publish."""
        engine = self.window.bridge.engine
        if self.publishing is not None and engine is not None and engine.submitted:
            self.publishing.wake()

    def on_page_shown(self, is_live: bool) -> None:
        if self.line is not None:
            self.line.set_allowed(not is_live)

    def stop(self) -> None:
        if self.publishing is not None:
            self.publishing.stop()  # never waits on the network: what was not marked goes again
